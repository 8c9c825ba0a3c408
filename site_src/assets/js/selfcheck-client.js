// The page side of the engine, shared by every self-check page (学时自查, 花名册自查): takes the one
// module worker (started from the page <head> by selfcheck-start.js), shows its loading status with
// a watchdog (engine-status.js), and exposes the engine (engine-requests.js) as window.selfCheck:
//
//   window.selfCheck.ready                          Promise, resolves when the engine is loaded
//   window.selfCheck.evaluate(person)               Promise of the result of `rules_py check --json`
//   window.selfCheck.checkRoster(data, {annotate})  Promise of the report of `rules_py roster --json`;
//       data: ArrayBuffer, a typed array or a Blob/File. With annotate: true the report also has
//       annotated_xlsx, the marked workbook (Uint8Array; null when the file was unusable).
//       Optional: filename (the report's "file", default 花名册.xlsx), onProgress(rowsRead).
//   window.selfCheck.checkApplicants(data, {annotate})  Promise of the report of `rules_py applicants
//       --json` (a 申报人员学时核对表), with annotated_xlsx as above; same options (the default
//       filename 申报人员学时核对表.xlsx). Needs the page's "applicants" tool (openpyxl).
//
// Nothing leaves the browser: the worker and every file it loads come from this site.

import { fmtMB, h } from "./dom.js";
import * as requests from "./engine-requests.js";
import { showProgressBeside, showStatus, startWatchdog } from "./engine-status.js";
import { listen, started } from "./selfcheck-start.js";

export { fmtMB, h };
export const IN_WECHAT = /MicroMessenger/i.test(navigator.userAgent);

/**
 * The engine of this page (once). `tool` names the check in messages ("学时自查"), `waitHint` what
 * the person can do meanwhile, `readyText` the line shown once the engine is loaded, `crashHint`
 * what else to try when the engine stops after it had loaded (the roster page: split a large file).
 * What the worker prepares (the page's tools) is in the page itself (selfcheck-start.js).
 * Returns {engine (its state: info, failure…), ready, evaluate, checkRoster, followProgress(box) (the
 * loading progress shown in `box` too, beside a button that waits), roster (its steps)}.
 */
export function startSelfCheck({ tool = "学时自查", waitHint = "", readyText = "", crashHint = "" } = {}) {
  if (window.selfCheck) throw new Error("startSelfCheck: the engine is already started on this page");
  const params = new URLSearchParams(location.search);
  const view = {
    box: document.getElementById("sc-status"),
    waitHint, readyText, crashHint, inWechat: IN_WECHAT,
    // Loading: after this long without news from the worker, advice is shown (the load goes on).
    watchdogMs: 1000 * (Number(params.get("watchdog")) || 30),
  };
  // Boxes beside a button that waits for the engine (followProgress below).
  const besides = new Set();
  const engine = requests.createEngine({
    crashHint,
    silenceOverrideMs: 1000 * (Number(params.get("request_watchdog")) || 0),
    onChange: (state) => {
      showStatus(view, state);
      for (const box of besides) showProgressBeside(box, state);
    },
  });
  // A phone may freeze a hidden page with its worker; the clock restarts when the page is back.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) engine.lastHeard = performance.now();
  });
  requests.connect(engine, started, listen, tool);

  const evaluate = (person) => requests.evaluate(engine, person);
  const checkRoster = (data, options) => requests.checkRoster(engine, data, options);
  const checkApplicants = (data, options) => requests.checkApplicants(engine, data, options);
  window.selfCheck = Object.freeze({ ready: engine.ready, evaluate, checkRoster, checkApplicants });
  startWatchdog(view, engine);
  showStatus(view, engine);
  // Show the loading progress in `box` too, until the engine is ready or has failed.
  const followProgress = (box) => {
    if (showProgressBeside(box, engine)) besides.add(box);
  };
  return { engine, ready: engine.ready, evaluate, checkRoster, checkApplicants, followProgress,
           roster: requests.rosterSteps(engine) };
}

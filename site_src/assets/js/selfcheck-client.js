// The page side of the engine, shared by every self-check page (学时自查, 花名册自查): takes the one
// module worker (started from the page <head> by selfcheck-start.js), shows its loading status with
// a watchdog, and exposes the engine as window.selfCheck (DESIGN §4):
//
//   window.selfCheck.ready                          Promise, resolves when the engine is loaded
//   window.selfCheck.evaluate(person)               Promise of the result of `rules_py check --json`
//   window.selfCheck.checkRoster(data, {annotate})  Promise of the report of `rules_py roster --json`;
//       data: ArrayBuffer, a typed array or a Blob/File. With annotate: true the report also has
//       annotated_xlsx, the marked workbook (Uint8Array; null when the file was unusable).
//       Optional: filename (the report's "file", default 花名册.xlsx), onProgress(rowsRead).
//
// Once the engine is ready, a request the worker stays silent on for too long (see SILENCE_MS), or
// an error event of the worker, means the worker has stopped (a browser may end it without a word
// when memory runs out): every pending request is rejected with a Chinese message, the status box
// says so, and later requests are rejected at once. Nothing spins forever.
//
// Nothing leaves the browser: the worker and every file it loads come from this site.

import { listen, started } from "./selfcheck-start.js";

const params = new URLSearchParams(location.search);
// Loading: after this long without news from the worker, advice is shown (the load goes on).
const WATCHDOG_MS = 1000 * (Number(params.get("watchdog")) || 30);
// After "ready": how long the worker may stay silent (no "rows", "result" or "error") while a
// request is pending, before the page gives up on it. The worker cannot send a heartbeat while
// Python runs, so each limit must cover the longest silent step on a slow phone:
// - evaluate takes milliseconds; 30 s is generous;
// - a roster check reports every 1000 rows (about 0.4 s apart in desktop Chromium), but the marked
//   workbook of a roster at the size limit (10000 rows, 5000 problems) is written without a word
//   for about 9 s in desktop Chromium, so a phone 10–20 times slower still fits in 180 s.
// ?request_watchdog=SECONDS replaces both (the browser tests use 2).
const SILENCE_MS = { evaluate: 30_000, roster: 180_000 };
const SILENCE_OVERRIDE_MS = 1000 * (Number(params.get("request_watchdog")) || 0);
export const IN_WECHAT = /MicroMessenger/i.test(navigator.userAgent);

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function fmtMB(bytes) {
  return (bytes / 1048576).toFixed(1);
}

// ---------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------

const STAGES = {
  start: "正在准备自查程序……",
  download: "正在下载自查程序",
  boot: "正在启动计算程序……",
  import: "正在载入规则……",
};

/**
 * The engine of this page (once). `tool` names the check in messages ("学时自查"), `waitHint` what
 * the person can do meanwhile, `readyText` the line shown once the engine is loaded, `crashHint`
 * what else to try when the engine stops after it had loaded (the roster page: split a large file).
 * What the worker prepares (the page's tools) is in the page itself (selfcheck-start.js).
 */
export function startSelfCheck({ tool = "学时自查", waitHint = "", readyText = "", crashHint = "" } = {}) {
  if (window.selfCheck) throw new Error("startSelfCheck: the engine is already started on this page");
  const statusBox = document.getElementById("sc-status");
  const engine = {
    worker: null,
    lastHeard: performance.now(),
    progress: { stage: "start", received: 0, expected: 0 },
    info: null,
    failure: null,
    pending: new Map(),
    nextId: 1,
  };

  let resolveReady;
  let rejectReady;
  const ready = new Promise((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => {}); // a failed start is shown on the page; callers still see the rejection

  // `kind`: "load" (the engine never got ready), "unsupported" (this browser cannot run it) or
  // "crash" (it stopped after it was ready). A pending request gets `requestMessage`.
  function fail(message, detail, kind = "load", requestMessage = message) {
    if (engine.failure) return;
    engine.failure = { message, detail, kind, requestMessage, unsupported: kind === "unsupported" };
    const error = new Error(message);
    error.detail = detail;
    rejectReady(error);
    for (const { reject } of engine.pending.values()) {
      const rejected = new Error(requestMessage);
      rejected.detail = detail;
      rejected.internal = true;
      rejected.crashed = kind === "crash";
      reject(rejected);
    }
    engine.pending.clear();
    if (kind === "crash") engine.worker?.terminate(); // whatever is left of it
    showStatus();
  }

  /** The engine stopped after it had loaded: `why` is "error" (the worker said so) or "silent". */
  function crash(why, detail) {
    const head = why === "silent"
      ? `自查程序 ${Math.round(silenceLimit() / 1000)} 秒没有响应，已停止等待。`
      : "自查程序已意外停止。";
    const tail = `可能是这台设备的内存不够。请刷新本页后重试${crashHint ? "；" + crashHint : "。"}`;
    fail(head, detail, "crash", head + tail);
  }

  /** How long the worker may stay silent while the pending requests wait (see SILENCE_MS). */
  function silenceLimit() {
    if (SILENCE_OVERRIDE_MS) return SILENCE_OVERRIDE_MS;
    let limit = 0;
    for (const { type } of engine.pending.values()) {
      limit = Math.max(limit, type === "evaluate" ? SILENCE_MS.evaluate : SILENCE_MS.roster);
    }
    return limit;
  }

  // One timer while requests are pending after "ready"; the clock is the last word of the worker
  // (its requests run one after another, so any word means it is alive).
  let silenceTimer = null;
  function watchSilence() {
    if (silenceTimer) return;
    silenceTimer = setInterval(() => {
      if (!engine.pending.size || engine.failure) {
        clearInterval(silenceTimer);
        silenceTimer = null;
        return;
      }
      if (!engine.info) return; // still loading: the loading watchdog speaks for that
      const silent = performance.now() - engine.lastHeard;
      if (silent > silenceLimit()) crash("silent", `${Math.round(silent / 1000)} 秒没有收到计算程序的消息`);
    }, 1000);
  }
  // A phone may freeze a hidden page with its worker; the clock restarts when the page is back.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) engine.lastHeard = performance.now();
  });

  function onWorkerMessage(event) {
    const message = event.data || {};
    engine.lastHeard = performance.now();
    switch (message.type) {
      case "progress":
        engine.progress = message;
        showStatus();
        break;
      case "ready":
        engine.info = { python: message.python, pyodide: message.pyodide, ms: message.ms };
        performance.mark?.("selfcheck-ready");
        resolveReady(engine.info);
        showStatus();
        break;
      case "prepared": // the page's tools are imported too (the roster checker); for the benchmark
        performance.mark?.("selfcheck-prepared");
        break;
      case "fatal":
        fail(message.message, message.detail);
        break;
      case "rows":
        engine.pending.get(message.id)?.onRows?.(message.rows);
        break;
      case "result":
      case "error": {
        const request = engine.pending.get(message.id);
        if (!request) return;
        engine.pending.delete(message.id);
        if (message.type === "result") request.resolve(message.result);
        else {
          const error = new Error(message.error.message);
          error.field = message.error.field;
          error.internal = Boolean(message.error.internal);
          request.reject(error);
        }
        break;
      }
      default:
        break;
    }
  }

  /** Send one request to the worker; the answer comes back as a Promise. */
  function request(type, payload, { onRows = null, transfer = [] } = {}) {
    if (engine.failure) {
      const error = new Error(engine.failure.requestMessage);
      error.internal = true;
      error.crashed = engine.failure.kind === "crash";
      return Promise.reject(error);
    }
    const id = engine.nextId++;
    return new Promise((resolve, reject) => {
      if (!engine.pending.size) engine.lastHeard = performance.now(); // the worker was idle until now
      engine.pending.set(id, { resolve, reject, onRows, type });
      engine.worker.postMessage({ ...payload, type, id }, transfer);
      watchSilence();
    });
  }

  /** The result object of `python -m rules_py check --json` for one person (DESIGN §4). */
  function evaluate(person) {
    let text;
    try {
      text = JSON.stringify(person);
    } catch (error) {
      return Promise.reject(new Error("输入无法转换为 JSON：" + error.message));
    }
    return request("evaluate", { person: text });
  }

  /** The workbook's bytes as a fresh ArrayBuffer (the caller's own buffer is never detached). */
  async function bytesOf(data) {
    if (data instanceof ArrayBuffer) return data.slice(0);
    if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    if (typeof Blob === "function" && data instanceof Blob) return data.arrayBuffer();
    throw new TypeError("checkRoster 需要文件内容：ArrayBuffer、Uint8Array 或 File。");
  }

  /** The report of `python -m rules_py roster FILE --json` (DESIGN §5); see the top of this file. */
  async function checkRoster(data, { annotate = false, filename = undefined, onProgress = undefined } = {}) {
    const buffer = await bytesOf(data);
    const name = filename ?? (typeof File === "function" && data instanceof File ? data.name : "花名册.xlsx");
    return request("checkRoster", { data: buffer, filename: name, annotate: Boolean(annotate), keep: false },
      { transfer: [buffer], onRows: typeof onProgress === "function" ? onProgress : null });
  }

  // The roster page's own steps: check (keeping the file in the worker), then the preview rows
  // and the marked workbook, so that the report shows before the slower parts are done.
  const roster = {
    async check(data, { filename, onRows } = {}) {
      const buffer = await bytesOf(data);
      return request("checkRoster", { data: buffer, filename, annotate: false, keep: true },
        { transfer: [buffer], onRows });
    },
    preview(limit = 10) {
      return request("rosterPreview", { limit });
    },
    annotate() {
      return request("rosterAnnotate", {});
    },
  };

  if (started.worker) {
    engine.worker = started.worker;
    listen((event) => {
      if (event.type === "message") onWorkerMessage(event);
      else if (event.type === "messageerror") {
        if (engine.info) crash("error", "messageerror");
      } else {
        const detail = event.message || "worker error";
        if (engine.info) crash("error", detail);
        else fail("自查程序未能加载。", detail);
      }
    });
  } else if (started.problem) {
    fail(`这个浏览器无法运行${tool}。`, `缺少 ${started.problem} 支持`, "unsupported");
  } else {
    fail("自查程序未能启动。", started.error);
  }

  window.selfCheck = Object.freeze({ ready, evaluate, checkRoster });

  // -------------------------------------------------------------------------------------------
  // Loading status, progress in bytes, and the watchdog
  // -------------------------------------------------------------------------------------------

  function adviceList() {
    const items = [
      "检查网络后刷新本页；",
      "换一个浏览器打开本页，例如手机自带浏览器、Chrome、Edge 或 Safari（iOS 16.4 以上）；",
      "在电脑上打开本页。",
    ];
    if (IN_WECHAT) items.unshift("您正在微信里浏览：请点右上角“…”，选择“在浏览器打开”；");
    return h("ul", { class: "sc-advice" }, items.map((item) => h("li", {}, item)));
  }

  function showStatus() {
    if (!statusBox) return;
    statusBox.replaceChildren();
    statusBox.className = "sc-status";
    if (engine.failure?.kind === "crash") {
      const items = ["刷新本页后重试；", crashHint ? crashHint.replace(/。$/, "；") : null,
        "换用电脑上的浏览器。"].filter(Boolean);
      statusBox.classList.add("sc-alert", "sc-crashed");
      statusBox.setAttribute("role", "alert");
      statusBox.append(
        h("p", {}, h("strong", {}, engine.failure.message), "可能是这台设备的内存不够。"),
        h("p", {}, "可以试试："),
        h("ul", { class: "sc-advice" }, items.map((item) => h("li", {}, item))),
        h("p", { class: "sc-detail" }, `技术信息：${engine.failure.detail}`));
      return;
    }
    if (engine.failure) {
      statusBox.classList.add("sc-alert");
      statusBox.append(
        h("p", {}, h("strong", {}, engine.failure.message),
          engine.failure.unsupported ? `（${engine.failure.detail}）` : ""),
        h("p", {}, "可以试试："),
        adviceList(),
        h("p", {}, "也可以阅读通知原文，按其中的要求自行核对。"),
      );
      if (!engine.failure.unsupported && engine.failure.detail) {
        statusBox.append(h("p", { class: "sc-detail" }, `技术信息：${engine.failure.detail}`));
      }
      return;
    }
    if (engine.info) {
      statusBox.classList.add("sc-ready");
      statusBox.append(h("p", {}, readyText || "✓ 自查程序已就绪：计算全部在这台设备上进行。"));
      return;
    }
    const { stage, received, expected } = engine.progress;
    let text = STAGES[stage] || STAGES.start;
    let percent = null;
    if (stage === "download" && expected) {
      if (received < expected) {
        percent = Math.min(99, Math.floor((100 * received) / expected));
        text = `${STAGES.download}（${fmtMB(received)} / ${fmtMB(expected)} MB）……`;
      } else {
        text = STAGES.boot;
      }
    }
    statusBox.append(h("p", {}, text));
    const bar = h("progress", { max: 100, class: "sc-progress" });
    if (percent !== null) bar.value = percent;
    statusBox.append(bar);
    // The size is the page's runtime total, which the worker sends as soon as it starts.
    statusBox.append(h("p", { class: "sc-hint" },
      expected ? `首次打开需要下载约 ${fmtMB(expected)} MB，之后会快很多。` : "首次打开需要下载自查程序，之后会快很多。",
      waitHint));
    if (performance.now() - engine.lastHeard > WATCHDOG_MS) {
      statusBox.classList.add("sc-slow");
      statusBox.append(h("div", { class: "sc-watchdog", role: "alert" },
        h("p", {}, h("strong", {}, "加载时间比平常长。"), "如果一直停在这里，可以试试："), adviceList()));
    }
  }

  const watchdog = setInterval(() => {
    if (engine.info || engine.failure) {
      clearInterval(watchdog);
      return;
    }
    if (performance.now() - engine.lastHeard > WATCHDOG_MS && !statusBox?.classList.contains("sc-slow")) {
      showStatus();
    }
  }, 1000);

  showStatus();
  return { engine, ready, evaluate, checkRoster, roster };
}

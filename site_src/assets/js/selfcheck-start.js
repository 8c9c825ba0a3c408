// Starts the engine's worker of a self-check page from the page <head> (templates/overrides/main.html),
// before Material's scripts and the page's own module run: the runtime's download and start are the
// longest wait of the page, so they begin first. The page carries what the worker needs in
// <script type="application/json" id="selfcheck-engine"> (written by build.py): the tools the page
// checks with and where this build's runtime and wheels are, so the worker has nothing to look up
// before it starts downloading.
//
// selfcheck-client.js imports this module (one instance per page, whichever script loads it first)
// and takes the worker with `listen`, which also hands over every event the worker sent before.

/** What this browser lacks to run the engine, or null. */
function supportProblem() {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") return "WebAssembly";
  if (typeof Worker !== "function") return "Web Worker";
  return null;
}

const held = [];
let deliver = null;

function hold(event) {
  if (event.type === "error") event.preventDefault?.(); // the client reports it, on the page
  if (deliver) deliver(event);
  else held.push(event);
}

function start() {
  const problem = supportProblem();
  if (problem) return { problem };
  const data = document.getElementById("selfcheck-engine");
  if (!data) return { error: "页面缺少自查程序的配置（selfcheck-engine）" };
  const engine = JSON.parse(data.textContent);
  // A browser that knows module workers reads `type`; one that does not ignores it (and would
  // start a classic worker that cannot load ours), so a getter tells them apart.
  let typeRead = false;
  const options = { name: "selfcheck", get type() { typeRead = true; return "module"; } };
  const worker = new Worker(new URL("./selfcheck-worker.js", import.meta.url), options);
  if (!typeRead) {
    worker.terminate();
    return { problem: "module Web Worker" };
  }
  for (const type of ["message", "error", "messageerror"]) worker.addEventListener(type, hold);
  // Queued until the worker's script has run, so nothing is lost while it loads.
  worker.postMessage({ type: "start", runtime: engine });
  return { worker };
}

function safeStart() {
  try {
    return start();
  } catch (error) {
    return { error: String(error?.message || error) };
  }
}

/** {worker} once started; {problem} when this browser cannot run it; {error} when it failed. */
export const started = safeStart();

/** Send the worker's events (message, error, messageerror) to `handler`, the held ones first. */
export function listen(handler) {
  deliver = handler;
  for (const event of held.splice(0)) handler(event);
}

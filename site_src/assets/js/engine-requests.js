// The engine as the page sees it: one state object for the worker (started by selfcheck-start.js),
// the requests waiting for its answers, and how the page gives up when the worker stops.
// The message protocol is selfcheck-worker.js's: the page sends {type, id, ...}; the worker answers
// progress / ready / prepared / fatal / rows / result / error.
//
// Once the engine is ready, a request the worker stays silent on for too long (silenceLimit), or an
// error event of the worker, means the worker has stopped (a browser may end it without a word when
// memory runs out): every pending request is rejected with a Chinese message, and later requests are
// rejected at once. Nothing spins forever.

// After "ready": how long the worker may stay silent (no "rows", "result" or "error") while a
// request is pending, before the page gives up on it. The worker cannot send a heartbeat while
// Python runs, so each limit must cover the longest silent step on a slow phone:
// - evaluate takes milliseconds; 30 s is generous;
// - a roster check reports every 1000 rows (about 0.4 s apart in desktop Chromium), but the marked
//   workbook of a roster at the size limit (10000 rows, 5000 problems) is written without a word
//   for about 9 s in desktop Chromium, so a phone 10–20 times slower still fits in 180 s.
// ?request_watchdog=SECONDS replaces both (the browser tests use 2).
export const SILENCE_MS = { evaluate: 30_000, roster: 180_000 };

/**
 * The engine's state. `onChange(engine)` is called whenever what the status box shows may change;
 * `crashHint` is what else to try when the engine stops after it had loaded.
 */
export function createEngine({ crashHint = "", silenceOverrideMs = 0, onChange = () => {} } = {}) {
  const engine = {
    worker: null,
    lastHeard: performance.now(),
    progress: { stage: "start", received: 0, expected: 0 },
    info: null,
    failure: null,
    pending: new Map(),
    nextId: 1,
    silenceTimer: null,
    crashHint,
    silenceOverrideMs,
    onChange,
  };
  engine.ready = new Promise((resolve, reject) => {
    engine.resolveReady = resolve;
    engine.rejectReady = reject;
  });
  engine.ready.catch(() => {}); // a failed start is shown on the page; callers still see the rejection
  return engine;
}

/** An Error for a request the engine cannot answer (it failed to load or stopped). */
function engineError(message, detail, kind) {
  const error = new Error(message);
  error.detail = detail;
  error.internal = true;
  error.crashed = kind === "crash";
  return error;
}

/**
 * The engine cannot answer any more. `kind`: "load" (it never got ready), "unsupported" (this
 * browser cannot run it) or "crash" (it stopped after it was ready). A pending request gets
 * `requestMessage`.
 */
export function fail(engine, message, detail, kind = "load", requestMessage = message) {
  if (engine.failure) return;
  engine.failure = { message, detail, kind, requestMessage, unsupported: kind === "unsupported" };
  const error = new Error(message);
  error.detail = detail;
  engine.rejectReady(error);
  for (const { reject } of engine.pending.values()) reject(engineError(requestMessage, detail, kind));
  engine.pending.clear();
  if (kind === "crash") engine.worker?.terminate(); // whatever is left of it
  engine.onChange(engine);
}

/** The engine stopped after it had loaded: `why` is "error" (the worker said so) or "silent". */
export function crash(engine, why, detail) {
  const head = why === "silent"
    ? `自查程序 ${Math.round(silenceLimit(engine) / 1000)} 秒没有响应，已停止等待。`
    : "自查程序已意外停止。";
  const tail = `可能是这台设备的内存不够。请刷新本页后重试${engine.crashHint ? "；" + engine.crashHint : "。"}`;
  fail(engine, head, detail, "crash", head + tail);
}

/** How long the worker may stay silent while the pending requests wait (see SILENCE_MS). */
export function silenceLimit({ pending, silenceOverrideMs = 0 }) {
  if (silenceOverrideMs) return silenceOverrideMs;
  let limit = 0;
  for (const { type } of pending.values()) {
    limit = Math.max(limit, type === "evaluate" ? SILENCE_MS.evaluate : SILENCE_MS.roster);
  }
  return limit;
}

// One timer while requests are pending after "ready"; the clock is the last word of the worker
// (its requests run one after another, so any word means it is alive).
function watchSilence(engine) {
  if (engine.silenceTimer) return;
  engine.silenceTimer = setInterval(() => {
    if (!engine.pending.size || engine.failure) {
      clearInterval(engine.silenceTimer);
      engine.silenceTimer = null;
      return;
    }
    if (!engine.info) return; // still loading: the loading watchdog speaks for that
    const silent = performance.now() - engine.lastHeard;
    if (silent > silenceLimit(engine)) crash(engine, "silent", `${Math.round(silent / 1000)} 秒没有收到计算程序的消息`);
  }, 1000);
}

/** The answer to one request: its result, or its error as an Error with `field` and `internal`. */
function settle(engine, message) {
  const request = engine.pending.get(message.id);
  if (!request) return;
  engine.pending.delete(message.id);
  if (message.type === "result") {
    request.resolve(message.result);
    return;
  }
  const error = new Error(message.error.message);
  error.field = message.error.field;
  error.internal = Boolean(message.error.internal);
  request.reject(error);
}

/** One message of the worker. */
export function onWorkerMessage(engine, event) {
  const message = event.data || {};
  engine.lastHeard = performance.now();
  switch (message.type) {
    case "progress":
      engine.progress = message;
      engine.onChange(engine);
      break;
    case "ready":
      engine.info = { python: message.python, pyodide: message.pyodide, ms: message.ms };
      performance.mark?.("selfcheck-ready");
      engine.resolveReady(engine.info);
      engine.onChange(engine);
      break;
    case "prepared": // the page's tools are imported too (the roster checker); for the benchmark
      performance.mark?.("selfcheck-prepared");
      break;
    case "fatal":
      fail(engine, message.message, message.detail);
      break;
    case "rows":
      engine.pending.get(message.id)?.onRows?.(message.rows);
      break;
    case "toolsProgress": // loadTools: {received, expected, importing} to the request's progress callback
      engine.pending.get(message.id)?.onRows?.(message);
      break;
    case "result":
    case "error":
      settle(engine, message);
      break;
    default:
      break;
  }
}

/** Send one request to the worker; the answer comes back as a Promise. */
export function request(engine, type, payload, { onRows = null, transfer = [] } = {}) {
  if (engine.failure) {
    const { requestMessage, detail, kind } = engine.failure;
    return Promise.reject(engineError(requestMessage, detail, kind));
  }
  const id = engine.nextId++;
  return new Promise((resolve, reject) => {
    if (!engine.pending.size) engine.lastHeard = performance.now(); // the worker was idle until now
    engine.pending.set(id, { resolve, reject, onRows, type });
    engine.worker.postMessage({ ...payload, type, id }, transfer);
    watchSilence(engine);
  });
}

/** The result object of `python -m rules_py check --json` for one person. */
export function evaluate(engine, person) {
  let text;
  try {
    text = JSON.stringify(person);
  } catch (error) {
    return Promise.reject(new Error("输入无法转换为 JSON：" + error.message));
  }
  return request(engine, "evaluate", { person: text });
}

/** The workbook's bytes as a fresh ArrayBuffer (the caller's own buffer is never detached). */
export async function bytesOf(data) {
  if (data instanceof ArrayBuffer) return data.slice(0);
  if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  if (typeof Blob === "function" && data instanceof Blob) return data.arrayBuffer();
  throw new TypeError("检查需要文件内容：ArrayBuffer、Uint8Array 或 File。");
}

/** The report of `python -m rules_py roster FILE --json`; see selfcheck-client.js. */
export async function checkRoster(engine, data, { annotate = false, filename = undefined, onProgress = undefined } = {}) {
  const buffer = await bytesOf(data);
  const name = filename ?? (typeof File === "function" && data instanceof File ? data.name : "花名册.xlsx");
  return request(engine, "checkRoster", { data: buffer, filename: name, annotate: Boolean(annotate), keep: false },
    { transfer: [buffer], onRows: typeof onProgress === "function" ? onProgress : null });
}

/**
 * The roster page's own steps: check (keeping the file in the worker), then the preview rows and
 * the marked workbook, so that the report shows before the slower parts are done.
 */
export function rosterSteps(engine) {
  return {
    async check(data, { filename, onRows } = {}) {
      const buffer = await bytesOf(data);
      return request(engine, "checkRoster", { data: buffer, filename, annotate: false, keep: true },
        { transfer: [buffer], onRows });
    },
    preview(limit = 10) {
      return request(engine, "rosterPreview", { limit });
    },
    annotate() {
      return request(engine, "rosterAnnotate", {});
    },
  };
}

/**
 * The report of `python -m rules_py applicants FILE --json` (issue 12); with annotate: true it also
 * has annotated_xlsx, the marked workbook (Uint8Array; null when the file was unusable).
 */
export async function checkApplicants(engine, data, { annotate = false, filename = undefined, onProgress = undefined } = {}) {
  const buffer = await bytesOf(data);
  const name = filename ?? (typeof File === "function" && data instanceof File ? data.name : "申报人员学时核对表.xlsx");
  return request(engine, "checkApplicants", { data: buffer, filename: name, annotate: Boolean(annotate) },
    { transfer: [buffer], onRows: typeof onProgress === "function" ? onProgress : null });
}

/**
 * Take the worker selfcheck-start.js started (`started`: {worker} | {problem} | {error}) and hear
 * its events through `listen`; `tool` names the check in the message of a browser that cannot.
 */
export function connect(engine, started, listen, tool) {
  if (started.worker) {
    engine.worker = started.worker;
    listen((event) => {
      if (event.type === "message") onWorkerMessage(engine, event);
      else if (event.type === "messageerror") {
        if (engine.info) crash(engine, "error", "messageerror");
      } else {
        const detail = event.message || "worker error";
        if (engine.info) crash(engine, "error", detail);
        else fail(engine, "自查程序未能加载。", detail);
      }
    });
  } else if (started.problem) {
    fail(engine, `这个浏览器无法运行${tool}。`, `缺少 ${started.problem} 支持`, "unsupported");
  } else {
    fail(engine, "自查程序未能启动。", started.error);
  }
}

// 学时自查's 核对表 door (rules_py/applicants/door.py; the worker's on-demand block).

/** Install and import the page's on-demand `tools` (["xlsx"]); onProgress({received, expected, importing}). */
export function loadTools(engine, tools, onProgress = null) {
  return request(engine, "loadTools", { tools }, { onRows: onProgress });
}

/** The person's one-row 申报人员学时核对表: {filename, missing, problems, workbook (Uint8Array | null)}. */
export function savePersonRow(engine, person, details) {
  return request(engine, "savePersonRow", { person: JSON.stringify(person), details: JSON.stringify(details) });
}

/** The people of an applicants workbook: {file, fatal, problems, rows: [{row, name, person, problems}]}. */
export async function readPersonRows(engine, data, filename) {
  const buffer = await bytesOf(data);
  return request(engine, "readPersonRows", { data: buffer, filename }, { transfer: [buffer] });
}

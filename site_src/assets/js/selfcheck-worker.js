// Module Web Worker of the self-check pages (学时自查 and 花名册自查), started from the page <head>
// (selfcheck-start.js): boots the self-hosted Pyodide, loads our wheels through the lock file,
// imports rules_py, says it is ready, then answers requests. A page whose tools include "roster"
// also gets openpyxl, and the worker imports the roster checker right after "ready", before it
// handles the first request.
//
// Messages in:   {type: "start", runtime}                       first, from the page: the page's
//                    runtime description (sitebuild/runtime.py, Runtime.describe; paths relative to
//                    assets/selfcheck/)
// Messages out:  {type: "progress", stage, received, expected}
//                {type: "ready", python, pyodide, ms}
//                {type: "prepared", tools, ms}                  the page's tools are imported too
//                {type: "fatal", message, detail}               the engine could not start
//                {type: "rows", id, rows}                       a roster check has read this many rows
//                {type: "result", id, result} | {type: "error", id, error: {field, message}}
// Then:          {type: "evaluate", id, person}                 person as JSON text
//                {type: "checkRoster", id, data, filename, annotate, keep}
//                    data: the workbook (ArrayBuffer); result: the report of DESIGN §5, plus
//                    annotated_xlsx (Uint8Array or null) when annotate is set
//                {type: "rosterPreview", id, limit}             after a check with keep: the first
//                                                               rows with problems
//                {type: "rosterAnnotate", id}                   after a check with keep: result is
//                                                               {annotated_xlsx, annotation_error}
//
// Every URL is resolved from this file (import.meta.url), never from the page, and every file
// comes from this site.

import { startEngine } from "./selfcheck-engine.js";

const RUNTIME_BASE = new URL("../selfcheck/", import.meta.url);
const PROGRESS_EVERY_MS = 150;

let received = 0;
let expected = 0;
let stage = "start";
let lastPost = 0;

function post(message) {
  self.postMessage(message);
}

function progress(force = false) {
  const now = performance.now();
  if (!force && now - lastPost < PROGRESS_EVERY_MS) return;
  lastPost = now;
  post({ type: "progress", stage, received, expected });
}

function setStage(name) {
  stage = name;
  progress(true);
}

// Count the bytes of everything Pyodide fetches (runtime, stdlib, wheels) on a clone of each
// response, and give Pyodide the response itself. Pyodide looks up fetch when it calls it, so
// wrapping it here is enough. Not a Response rebuilt from a counting stream: that one has no tie to
// the HTTP cache, so Chromium neither reads nor writes its compiled-wasm code cache for it, and
// every visit compiled the 9.6 MB interpreter again (BENCHMARKS.md, "Engine ready").
function countBytes() {
  const realFetch = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    if (!response.ok || !response.body) return response;
    const reader = response.clone().body.getReader();
    (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        received += value.byteLength;
        progress();
      }
    })().catch(() => {});  // a failed download is reported by the one who reads the response
    return response;
  };
}

// A server that sends .wasm without "application/wasm" makes instantiateStreaming throw, and
// Pyodide then waits forever. Compile from the bytes in that case instead.
function tolerateWasmMimeType() {
  const streaming = WebAssembly.instantiateStreaming?.bind(WebAssembly);
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const response = await source;
    const type = (response.headers.get("content-type") || "").split(";")[0].trim().toLowerCase();
    if (streaming && type === "application/wasm") return streaming(response, imports);
    return WebAssembly.instantiate(await response.arrayBuffer(), imports);
  };
}

async function boot({ runtime }) {
  const started = performance.now();
  expected = runtime.bytes;
  const indexURL = new URL(runtime.index_url, RUNTIME_BASE).href;
  const lockURL = new URL(runtime.lock_url, RUNTIME_BASE);
  countBytes();
  tolerateWasmMimeType();
  setStage("download");
  const [{ loadPyodide }, { default: createPyodideModule }, lockFileContents] = await Promise.all([
    import(indexURL + "pyodide.js"),
    import(indexURL + "pyodide.asm.js"),
    fetch(lockURL).then((r) => {
      if (!r.ok) throw new Error(`${lockURL.pathname}: HTTP ${r.status}`);
      return r.text();
    }),
  ]);
  received += runtime.module_bytes || 0;  // module scripts load outside fetch
  progress(true);
  const engine = await startEngine({
    loadPyodide, createPyodideModule, indexURL, lockFileContents,
    packageBaseUrl: new URL("./", lockURL).href,
    packages: runtime.packages,
    onStage: setStage,
  });
  post({ type: "ready", python: engine.python, pyodide: runtime.pyodide,
         ms: Math.round(performance.now() - started) });
  // The page's tools are prepared right after "ready", before any request is handled (requests
  // wait in the queue meanwhile): on the roster page openpyxl takes ≈ 0.7 s to import, time the
  // person spends picking a file. A failure here shows again, as the request's error.
  try {
    for (const tool of runtime.tools) engine.preload(tool);
    post({ type: "prepared", tools: runtime.tools, ms: Math.round(performance.now() - started) });
  } catch (error) {
    console.error("selfcheck worker: could not prepare", runtime.tools, error);
  }
  return engine;
}

let start;
const engineReady = new Promise((resolve) => { start = resolve; }).then(boot);
engineReady.catch((error) => {
  console.error("selfcheck worker: the engine did not start", error);
  post({ type: "fatal", message: "自查程序未能加载。", detail: String(error && error.message || error) });
});

const INTERNAL_ERROR = "自查程序内部出错，未能得出结论。请刷新页面重试；如仍出错，请以通知原文为准或咨询主管部门。";
const ROSTER_ERROR = "检查程序出错，未能完成检查（可能是这台设备的内存不够）。请刷新页面后重试，或换用电脑上的浏览器；" +
  "文件很大的，可以拆成几个文件分别检查。";

// What each request type does with the engine; each returns [result, transferable buffers].
const HANDLERS = {
  evaluate(engine, { person }) {
    const answer = engine.evaluate(person);
    if (answer.error) throw Object.assign(new Error(answer.error.message), { answer: answer.error });
    return [answer.result, []];
  },
  checkRoster(engine, { id, data, filename, annotate, keep }) {
    const onRows = (rows) => post({ type: "rows", id, rows });
    const { text, annotated } = engine.checkRoster(data, { filename, annotate, keep, onRows });
    const report = JSON.parse(text);
    if (annotate) report.annotated_xlsx = annotated;
    return [report, annotated ? [annotated.buffer] : []];
  },
  rosterPreview(engine, { limit }) {
    return [engine.rosterPreview(limit ?? 10), []];
  },
  rosterAnnotate(engine) {
    const { annotated, error } = engine.rosterAnnotate();
    return [{ annotated_xlsx: annotated, annotation_error: error }, annotated ? [annotated.buffer] : []];
  },
};

self.onmessage = async (event) => {
  const message = event.data || {};
  const { type, id } = message;
  if (type === "start") {
    start(message);
    return;
  }
  const handler = Object.hasOwn(HANDLERS, type) ? HANDLERS[type] : null;
  if (!handler) return;
  let engine;
  try {
    engine = await engineReady;
  } catch (error) {
    post({ type: "error", id, error: { field: "", message: "自查程序未能加载，无法计算。", internal: true } });
    return;
  }
  try {
    const [result, transfer] = handler(engine, message);
    self.postMessage({ type: "result", id, result }, transfer);
  } catch (error) {
    if (error && error.answer) {
      post({ type: "error", id, error: error.answer });
      return;
    }
    console.error(`selfcheck worker: ${type} failed`, error);
    post({ type: "error", id, error: { field: "", internal: true,
      message: type === "evaluate" ? INTERNAL_ERROR : ROSTER_ERROR } });
  }
};

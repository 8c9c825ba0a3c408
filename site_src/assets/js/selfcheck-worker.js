// Module Web Worker of the self-check page: boots the self-hosted Pyodide as soon as the page opens,
// loads our wheels through the lock file, imports rules_py, then answers requests.
//
// Messages out:  {type: "progress", stage, received, expected}
//                {type: "ready", python, pyodide, ms}
//                {type: "fatal", message, detail}               the engine could not start
//                {type: "result", id, result} | {type: "error", id, error: {field, message}}
// Messages in:   {type: "evaluate", id, person}                 person as JSON text
//
// Every URL is resolved from this file (import.meta.url), never from the page, and every file
// comes from this site: runtime.json says where the versioned runtime and wheel folders are.

import { startEngine } from "./selfcheck-engine.js";

const RUNTIME_URL = new URL("../selfcheck/runtime.json", import.meta.url);
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

// Count the bytes of everything Pyodide fetches (runtime, stdlib, wheels). Pyodide looks up fetch
// when it calls it, so wrapping it here is enough; headers are kept, so the .wasm still streams.
function countBytes() {
  if (typeof TransformStream !== "function") return;
  const realFetch = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    if (!response.ok || !response.body) return response;
    const counter = new TransformStream({
      transform(chunk, controller) {
        received += chunk.byteLength;
        progress();
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(counter), {
      status: response.status, statusText: response.statusText, headers: response.headers,
    });
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

async function fetchJson(url) {
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response.json();
}

async function boot() {
  const started = performance.now();
  setStage("start");
  const runtime = await fetchJson(RUNTIME_URL);
  expected = runtime.bytes;
  const indexURL = new URL(runtime.index_url, RUNTIME_URL).href;
  const lockURL = new URL(runtime.lock_url, RUNTIME_URL);
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
  return engine;
}

const engineReady = boot();
engineReady.catch((error) => {
  console.error("selfcheck worker: the engine did not start", error);
  post({ type: "fatal", message: "自查程序未能加载。", detail: String(error && error.message || error) });
});

self.onmessage = async (event) => {
  const { type, id, person } = event.data || {};
  if (type !== "evaluate") return;
  let engine;
  try {
    engine = await engineReady;
  } catch (error) {
    post({ type: "error", id, error: { field: "", message: "自查程序未能加载，无法计算。", internal: true } });
    return;
  }
  try {
    const answer = engine.evaluate(person);
    if (answer.error) post({ type: "error", id, error: answer.error });
    else post({ type: "result", id, result: answer.result });
  } catch (error) {
    console.error("selfcheck worker: evaluation failed", error);
    post({ type: "error", id, error: { field: "", internal: true,
      message: "自查程序内部出错，未能得出结论。请刷新页面重试；如仍出错，请以通知原文为准或咨询主管部门。" } });
  }
};

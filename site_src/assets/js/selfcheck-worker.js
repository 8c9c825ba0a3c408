// Module Web Worker of the self-check pages (学时自查 and 花名册自查), started from the page <head>
// (selfcheck-start.js): boots the self-hosted Pyodide, loads our wheels through the lock file,
// imports rules_py, says it is ready, then answers requests. A page whose tools include "roster"
// also gets openpyxl, and the roster checker is imported right after "ready".
//
// Messages in:   {type: "start", runtime}   first, from the page: its runtime description (sitebuild/
//                    runtime.py, Runtime.describe; paths relative to assets/selfcheck/) and notice
// Messages out:  {type: "progress", stage, received, expected}
//                {type: "ready", python, pyodide, ms, packed, runtime}   runtime: where each large
//                    file came from, {wasm, asm, stdlib: "cache" | "network"}, stdlib "compiled" when
//                    it was the zip with bytecode (keepBytecode); packed: gzip copies used
//                {type: "prepared", tools, ms}                  the page's tools are imported too
//                {type: "fatal", message, detail}               the engine could not start
//                {type: "rows", id, rows}                       a roster check has read this many rows
//                {type: "result", id, result} | {type: "error", id, error: {field, message}}
// Then:          {type: "evaluate", id, person}                 person as JSON text
//                {type: "checkRoster", id, data, filename, annotate, keep}
//                    data: the workbook (ArrayBuffer); result: the report of rules_py/schemas/roster-report.schema.json, plus
//                    annotated_xlsx (Uint8Array or null) when annotate is set
//                {type: "rosterPreview", id, limit}             after a check with keep: the first
//                                                               rows with problems
//                {type: "rosterAnnotate", id}                   after a check with keep: result is
//                                                               {annotated_xlsx, annotation_error}
//                {type: "checkApplicants", id, data, filename, annotate}
//                    a 申报人员学时核对表: result is the report of rules_py/schemas/applicants-report.schema.json,
//                    plus annotated_xlsx (Uint8Array or null) when annotate is set
//
// Every URL is resolved from this file (import.meta.url), not the page; every file is this site's.

import { importFromResponse, keepBytecode, openCache } from "./worker-code.js";

const RUNTIME_BASE = new URL("../selfcheck/", import.meta.url);
const realFetch = self.fetch.bind(self);
const PROGRESS_EVERY_MS = 150;

let received = 0;
let expected = 0;
let stage = "start";
let lastPost = 0;
let failBoot = () => {};  // rejects the boot: a failure Pyodide itself would only log (and then wait)

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

// Count a response's bytes on a clone and return the response itself. Not a Response rebuilt from a
// counting stream: that one has no tie to the HTTP cache, so Chromium neither reads nor writes its
// compiled-wasm code cache for it (BENCHMARKS.md, "Engine ready").
function counted(response) {
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
}

// The three large runtime files (the wasm, pyodide.asm.js, the stdlib zip; Runtime.describe in
// sitebuild/runtime.py) are fetched by this worker, not by Pyodide:
// * packed (gzip, as <name>.gzip.bin, a name no server decodes on its own) and unpacked here with
//   DecompressionStream where the browser has it; the plain files where it does not;
// * with `integrity`: the browser refuses bytes whose SHA-256 differs from what the build wrote.
//   SRI works on plain http too, where crypto.subtle is missing; it makes the browser hold the
//   (compressed) body until it is complete, which costs a few ms of hashing and the overlap of
//   download and decompression, not of download and compilation (compilation needs the
//   decompressed bytes either way);
// * kept unpacked in Cache Storage (https and localhost only), keyed by the plain file's URL, whose
//   folder name carries a digest of the files: a later visit reads them from there without any
//   request, and Chromium keeps the compiled wasm for a Response from Cache Storage as it does for
//   one from the HTTP cache (a Response built from a decompressing stream gets no code cache).
//   Without Cache Storage (plain http) every visit unpacks again from the HTTP cache.
// Pyodide asks for the wasm and the stdlib with fetch(), which it looks up when it calls it: the
// wrapper below answers those two URLs with the files loaded here.
// Kept in Cache Storage next to the unpacked files (never on the server): the stdlib zip plus the
// bytecode of the modules a visit imported (keepBytecode below).
const COMPILED_STDLIB = "python_stdlib.pyc.zip";
const packedSupported = (() => {
  try {
    new DecompressionStream("gzip");
    return true;
  } catch {
    return false;
  }
})();

async function loadRuntimeFile(file, url, cache) {
  if (cache) {
    const kept = await cache.match(url).catch(() => null);
    if (kept) return { response: kept, from: "cache" };
  }
  const source = new URL(packedSupported ? file.packed : file.plain, url);
  const integrity = packedSupported ? file.packed_integrity : file.plain_integrity;
  const response = counted(await realFetch(source, { integrity }));
  if (!response.ok) throw new Error(`${source.pathname}: HTTP ${response.status}`);
  // The plain file with nowhere to keep it: the response itself, tied to the HTTP cache, so
  // Chromium can keep its compiled wasm.
  if (!packedSupported && !cache) return { response, from: "network" };
  const body = packedSupported ? response.body.pipeThrough(new DecompressionStream("gzip")) : response.body;
  const unpacked = new Response(body, { headers: { "content-type": file.type } });
  if (!cache) return { response: unpacked, from: "network" };
  const copy = unpacked.clone();
  try {
    await cache.put(url, unpacked);
    const kept = await cache.match(url);
    if (kept) return { response: kept, from: "network" };
  } catch (error) {
    if (error?.name !== "QuotaExceededError") throw error;  // a damaged file: not kept, reported
  }
  return { response: copy, from: "network" };
}

// Start loading the three files at once; returns {url: Promise<Response>} (each promise also
// rejects the boot when it fails) and the asm promise for import().
// Wheels (any .whl under `wheelFolder`) wait until the three have arrived: Pyodide asks for them
// as soon as loadPyodide starts, long before the interpreter can install them, and on a slow link
// they would share it with the wasm and delay it; fetched after it, they arrive while the
// interpreter starts (BENCHMARKS.md, "First visit over a slow link").
function loadRuntimeFiles(runtime, indexURL, wheelFolder) {
  const urls = Object.fromEntries(Object.entries(runtime.files)
    .map(([key, file]) => [key, new URL(file.plain, indexURL).href]));
  const compiledURL = new URL(COMPILED_STDLIB, indexURL).href;
  const cachePromise = openCache(indexURL, new Set([...Object.values(urls), compiledURL]));
  const loads = {};
  for (const [key, file] of Object.entries(runtime.files)) {
    loads[key] = cachePromise.then(async (cache) => {
      if (key === "stdlib" && cache) {
        const compiled = await cache.match(compiledURL).catch(() => null);
        if (compiled) return { response: compiled, from: "compiled" };
      }
      return loadRuntimeFile(file, urls[key], cache);
    });
    loads[key].catch((error) => failBoot(error));
  }
  const arrived = Promise.allSettled(Object.values(loads));
  const byURL = new Map(Object.keys(loads).map((key) => [urls[key], loads[key]]));
  self.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : new URL(String(input), self.location.href).href;
    const load = byURL.get(url);
    if (load) return (await load).response;
    if (url.startsWith(wheelFolder) && new URL(url).pathname.endsWith(".whl")) await arrived;
    return counted(await realFetch(input, init));
  };
  return { urls, loads, cachePromise, compiledURL };
}

// A server that sends .wasm without "application/wasm" makes instantiateStreaming throw, and
// Pyodide then waits forever. Compile from the bytes in that case instead; any other failure here
// fails the boot (Pyodide would only log it and wait).
function tolerateWasmMimeType() {
  const streaming = WebAssembly.instantiateStreaming?.bind(WebAssembly);
  WebAssembly.instantiateStreaming = async (source, imports) => {
    try {
      const response = await source;
      const type = (response.headers.get("content-type") || "").split(";")[0].trim().toLowerCase();
      if (streaming && type === "application/wasm") return await streaming(response, imports);
      return await WebAssembly.instantiate(await response.arrayBuffer(), imports);
    } catch (error) {
      failBoot(error);
      throw error;
    }
  };
}

async function boot({ runtime }) {
  const started = performance.now();
  const failed = new Promise((_, reject) => { failBoot = reject; });
  expected = packedSupported ? runtime.packed_bytes : runtime.bytes;
  const indexURL = new URL(runtime.index_url, RUNTIME_BASE).href;
  const lockURL = new URL(runtime.lock_url, RUNTIME_BASE);
  tolerateWasmMimeType();
  setStage("download");
  const { urls, loads, cachePromise, compiledURL } = loadRuntimeFiles(runtime, indexURL, new URL("./", lockURL).href);
  // The engine glue is imported here, not at the top of this module: a static import would hold
  // this module, and so the downloads above, for one more round trip.
  const [{ startEngine }, { loadPyodide }, { default: createPyodideModule }, lockFileContents] = await Promise.race([failed, Promise.all([
    import("./selfcheck-engine.js"),
    import(indexURL + "pyodide.js"),
    loads.asm.then(({ response }) => importFromResponse(response)),
    fetch(lockURL).then((r) => {
      if (!r.ok) throw new Error(`${lockURL.pathname}: HTTP ${r.status}`);
      return r.text();
    }),
  ])]);
  received += runtime.module_bytes || 0;  // pyodide.js loads outside fetch
  progress(true);
  const engine = await Promise.race([failed, startEngine({
    loadPyodide, createPyodideModule, indexURL, stdLibURL: urls.stdlib, lockFileContents,
    packageBaseUrl: new URL("./", lockURL).href,
    packages: runtime.packages,
    notice: runtime.notice,
    onStage: setStage,
  })]).catch(async (error) => {
    const stdlib = await loads.stdlib.catch(() => null);
    if (stdlib?.from === "compiled") await (await cachePromise).delete(compiledURL).catch(() => {});
    throw error;
  });
  const from = Object.fromEntries(await Promise.all(
    Object.entries(loads).map(async ([key, load]) => [key, (await load).from])));
  post({ type: "ready", python: engine.python, pyodide: runtime.pyodide, runtime: from,
         packed: packedSupported, ms: Math.round(performance.now() - started) });
  // The page's tools are prepared right after "ready", before any request is handled (requests
  // wait in the queue meanwhile): on the roster page openpyxl takes ≈ 0.7 s to import, time the
  // person spends picking a file. A failure here shows again, as the request's error.
  try {
    for (const tool of runtime.tools) engine.preload(tool);
    post({ type: "prepared", tools: runtime.tools, ms: Math.round(performance.now() - started) });
  } catch (error) {
    console.error("selfcheck worker: could not prepare", runtime.tools, error);
  }
  const cache = await cachePromise;
  if (cache) {
    keepBytecode(engine.pyodide, cache, compiledURL)
      .catch((error) => console.warn("selfcheck worker: bytecode not kept", error));
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
  async checkRoster(engine, { id, data, filename, annotate, keep }) {
    await readerFor(engine, data);
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
  // 申报人员学时核对 (issue 12): the report of rules_py/schemas/applicants-report.schema.json, plus
  // annotated_xlsx when annotate is set; "rows" messages while the table is read.
  async checkApplicants(engine, { id, data, filename, annotate }) {
    await readerFor(engine, data);
    const onRows = (rows) => post({ type: "rows", id, rows });
    const { text, annotated } = engine.checkApplicants(data, { filename, annotate, onRows });
    const report = JSON.parse(text);
    if (annotate) report.annotated_xlsx = annotated;
    return [report, annotated ? [annotated.buffer] : []];
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
    const [result, transfer] = await handler(engine, message);
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

// -- 学时自查's 核对表 door: the workbook tools on demand, then its two requests ----------------
// The page's runtime description names them under on_demand (sitebuild/runtime.py,
// Runtime.describe): nothing of them is fetched at boot, so the page's first visit stays light.
//   {type: "loadTools", id, tools}         installs the tools' wheels (Pyodide checks each against
//                                          the lock file's SHA-256) and imports them; on the way
//                                          {type: "toolsProgress", id, received, expected}
//   {type: "savePersonRow", id, person, details}   result {filename, missing, problems, workbook}
//                                          or error; person and details as JSON text
//   {type: "readPersonRows", id, data, filename}   result: rules_py/applicants/door.py read_persons
// Each tool loads once; a second request waits for the first.
const TOOLS_ERROR = "表格工具未能加载（可能是网络中断）。请检查网络后再试一次。";
const DOOR_ERROR = "表格处理出错，未能完成。请刷新页面后重试；如仍出错，可以把自查结果截图发给单位人事干部。";
let onDemand = {};
const toolLoads = new Map();

function loadTool(engine, tool, id) {
  if (!toolLoads.has(tool)) {
    const spec = onDemand[tool];
    const load = (async () => {
      if (!spec) throw new Error(`unknown tool ${tool}`);
      const before = received;
      const tick = setInterval(() => post({ type: "toolsProgress", id, received: received - before,
                                            expected: spec.bytes }), PROGRESS_EVERY_MS);
      try {
        await engine.loadPackages(spec.packages);
      } finally {
        clearInterval(tick);
      }
      post({ type: "toolsProgress", id, received: spec.bytes, expected: spec.bytes, importing: true });
      engine.preload(tool);
    })();
    load.catch(() => toolLoads.delete(tool));  // a failed load may be tried again
    toolLoads.set(tool, load);
  }
  return toolLoads.get(tool);
}

async function loadTools(engine, tools, id) {
  try {
    for (const tool of tools) await loadTool(engine, tool, id);
  } catch (error) {
    console.error("selfcheck worker: could not load", tools, error);
    throw Object.assign(new Error(TOOLS_ERROR), { answer: { field: "", internal: true, message: TOOLS_ERROR,
                                                            detail: String(error?.message || error) } });
  }
}

// An .xls/.et workbook (an OLE2 compound file) is read by xlrd, which the roster and applicants
// pages name on demand ("xls"): it is fetched when such a file is chosen, not on every visit.
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
function readerFor(engine, data) {
  const head = new Uint8Array(data, 0, Math.min(OLE2.length, data.byteLength));
  return onDemand.xls && OLE2.every((byte, i) => head[i] === byte) ? loadTools(engine, ["xls"], null) : null;
}

const DOOR_HANDLERS = {
  async loadTools(engine, { id, tools }) {
    const started = performance.now();
    await loadTools(engine, tools, id);
    return [{ tools, ms: Math.round(performance.now() - started) }, []];
  },
  async savePersonRow(engine, { person, details }) {
    await loadTool(engine, "xlsx");
    const { text, workbook } = engine.personWorkbook(person, details);
    const answer = JSON.parse(text);
    if (answer.error) throw Object.assign(new Error(answer.error.message), { answer: answer.error });
    return [{ ...answer, workbook }, workbook ? [workbook.buffer] : []];
  },
  async readPersonRows(engine, { data, filename }) {
    await loadTool(engine, "xlsx");
    return [JSON.parse(engine.readPersons(data, filename)), []];
  },
};

self.addEventListener("message", async (event) => {
  const message = event.data || {};
  if (message.type === "start") onDemand = message.runtime?.on_demand || {};
  const handler = Object.hasOwn(DOOR_HANDLERS, message.type) ? DOOR_HANDLERS[message.type] : null;
  if (!handler) return;
  try {
    const engine = await engineReady;
    const [result, transfer] = await handler(engine, message);
    self.postMessage({ type: "result", id: message.id, result }, transfer);
  } catch (error) {
    if (!error?.answer) console.error(`selfcheck worker: ${message.type} failed`, error);
    post({ type: "error", id: message.id, error: error?.answer || { field: "", internal: true, message: DOOR_ERROR } });
  }
});

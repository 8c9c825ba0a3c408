// Run rules_py in Pyodide under Node, the way the self-check page does (same glue module, same
// lock file, wheels and trimmed standard library as written into site/), for the parity test
// (tests/test_parity.py).
//
//   node tests/pyodide_runner.js SITE_DIR [--full-stdlib] < cases.json > results.jsonl
//
// cases.json: a list of
//   {"id": "...", "input": "<person as JSON text>"}                        evaluate_json
//   {"id": "...", "roster": "<base64 workbook>", "filename": "..."}         roster check, then the
//                                   preview and the marked workbook of it, as the roster page does
//   {"id": "...", "applicants": "<base64 workbook>", "filename": "..."}  the applicants check with
//                                   its marked workbook, as the applicants page asks for it
//   {"id": "...", "door": "<person as JSON text>", "details": "<{name, id_number} as JSON text>"}
//                                   学时自查's 保存为核对表, then 从核对表读取 of the workbook it saved
// One Pyodide boot for all, with the workbook tools prepared. Output: one JSON line per case,
// {"id", "output": "<JSON text Python wrote>"} (a roster adds "preview" and "annotated", base64;
// applicants "annotated"; a door case "workbook", base64, and "read", the JSON text read back),
// then a last line {"done": true, "python", "boot_ms", "run_ms", "modules": [every module in
// sys.modules]}. --full-stdlib boots on npm pyodide's whole python_stdlib.zip instead of the
// site's trimmed one (to record which modules the engine needs: sitebuild/stdlib.py).

import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, "..");
const args = process.argv.slice(2);
const fullStdlib = args.includes("--full-stdlib");
const site = path.resolve(args.find((arg) => !arg.startsWith("--")) ?? path.join(root, "site"));

const { startEngine } = await import(pathToFileURL(path.join(root, "site_src/assets/js/selfcheck-engine.js")));
const selfcheck = path.join(site, "assets/selfcheck");
const runtime = JSON.parse(readFileSync(path.join(selfcheck, "runtime.json"), "utf8"));
const lockPath = path.resolve(selfcheck, runtime.lock_url);
const lockText = readFileSync(lockPath, "utf8");
// The files the page loads: the renamed .js copies in site/, with createPyodideModule passed in.
const indexURL = path.resolve(selfcheck, runtime.index_url) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.js")));
const { default: createPyodideModule } = await import(pathToFileURL(path.join(indexURL, "pyodide.asm.js")));
const stdLibURL = fullStdlib ? path.join(root, "node_modules/pyodide/python_stdlib.zip")
  : path.resolve(indexURL, runtime.files.stdlib.plain);

const cases = JSON.parse(readFileSync(0, "utf8"));
const started = performance.now();
const engine = await startEngine({
  loadPyodide,
  createPyodideModule,
  indexURL,
  stdLibURL,
  lockFileContents: lockText,
  packageBaseUrl: path.dirname(lockPath) + path.sep,
  packages: Object.keys(JSON.parse(lockText).packages),  // the engine and the roster tool's
});
for (const tool of ["roster", "applicants", "xlsx"]) engine.preload(tool);
const booted = performance.now();
const base64 = (bytes) => bytes && Buffer.from(bytes).toString("base64");
for (const item of cases) {
  const line = { id: item.id };
  if ("roster" in item) {
    const { text, annotated } = engine.checkRoster(Buffer.from(item.roster, "base64"),
                                                   { filename: item.filename, annotate: true, keep: true });
    Object.assign(line, { output: text, preview: engine.rosterPreview(10), annotated: base64(annotated) });
  } else if ("applicants" in item) {
    const { text, annotated } = engine.checkApplicants(Buffer.from(item.applicants, "base64"),
                                                       { filename: item.filename, annotate: true });
    Object.assign(line, { output: text, annotated: base64(annotated) });
  } else if ("door" in item) {
    const { text, workbook } = engine.personWorkbook(item.door, item.details);
    Object.assign(line, { output: text, workbook: base64(workbook),
                          read: workbook && engine.readPersons(workbook, JSON.parse(text).filename) });
  } else {
    line.output = engine.evaluateText(item.input);
  }
  process.stdout.write(JSON.stringify(line) + "\n");
}
const modules = engine.pyodide.runPython("import sys, json; json.dumps(sorted(sys.modules))");
process.stdout.write(JSON.stringify({ done: true, python: engine.python,
                                      boot_ms: Math.round(booted - started),
                                      run_ms: Math.round(performance.now() - booted),
                                      modules: JSON.parse(modules) }) + "\n");

// Run rules_py in Pyodide under Node, the way the self-check page does (same glue module, same
// lock file and wheels as written into site/), for the parity test (tests/test_parity.py).
//
//   node tests/pyodide_runner.js SITE_DIR < cases.json > results.jsonl
//
// cases.json: [{"id": "...", "input": "<person as JSON text>"}, ...]. One Pyodide boot for all.
// Output: one JSON line per case, {"id", "output": "<JSON text Python wrote>"}, then a last line
// {"done": true, "python": "3.14.x", "boot_ms": ..., "run_ms": ...}.

import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, "..");
const site = path.resolve(process.argv[2] ?? path.join(root, "site"));

const { startEngine } = await import(pathToFileURL(path.join(root, "site_src/assets/js/selfcheck-engine.js")));
const selfcheck = path.join(site, "assets/selfcheck");
const runtime = JSON.parse(readFileSync(path.join(selfcheck, "runtime.json"), "utf8"));
const lockPath = path.resolve(selfcheck, runtime.lock_url);
// The files the page loads: the renamed .js copies in site/, with createPyodideModule passed in.
const indexURL = path.resolve(selfcheck, runtime.index_url) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.js")));
const { default: createPyodideModule } = await import(pathToFileURL(path.join(indexURL, "pyodide.asm.js")));

const cases = JSON.parse(readFileSync(0, "utf8"));
const started = performance.now();
const engine = await startEngine({
  loadPyodide,
  createPyodideModule,
  indexURL,
  lockFileContents: readFileSync(lockPath, "utf8"),
  packageBaseUrl: path.dirname(lockPath) + path.sep,
  packages: runtime.packages,
});
const booted = performance.now();
for (const item of cases) {
  process.stdout.write(JSON.stringify({ id: item.id, output: engine.evaluateText(item.input) }) + "\n");
}
process.stdout.write(JSON.stringify({ done: true, python: engine.python,
                                      boot_ms: Math.round(booted - started),
                                      run_ms: Math.round(performance.now() - booted) }) + "\n");

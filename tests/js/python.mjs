// The page data and results the page scripts read, made by rules_py itself (never copied into a
// fixture): the Python of the project's venv, or $PYTHON.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const JS_DIR = path.join(ROOT, "site_src/assets/js");
const VENV_PYTHON = path.join(ROOT, ".venv/bin/python");
const PYTHON = process.env.PYTHON || (existsSync(VENV_PYTHON) ? VENV_PYTHON : "python3");

/** The value of a Python expression (JSON-ready), with rules_py importable. */
export function python(expression) {
  const code = `import json, sys\n${expression.imports ?? ""}\nsys.stdout.write(json.dumps(${expression.value ?? expression}, ensure_ascii=False))`;
  return JSON.parse(execFileSync(PYTHON, ["-c", code], { cwd: ROOT, encoding: "utf8" }));
}

export const NOTICE_ID = "songshan-2025";

export function noticeData() {
  return python({ imports: "from rules_py.page_data import notice_data", value: `notice_data(${JSON.stringify(NOTICE_ID)})` });
}

export function rosterData() {
  return python({ imports: "from rules_py.page_data import roster_data", value: `roster_data(${JSON.stringify(NOTICE_ID)})` });
}

/** The engine's result for `person` (rules_py.evaluate, as the browser gets it). */
export function evaluate(person) {
  return python({ imports: "from rules_py.evaluate import evaluate",
                  value: `evaluate(json.loads(${JSON.stringify(JSON.stringify(person))}))` });
}

/** A module of the page scripts. */
export function pageModule(name) {
  return import(pathToFileURL(path.join(JS_DIR, name)).href);
}

// The engine glue shared by the page's worker (selfcheck-worker.js) and the parity test's Node
// runner (tests/pyodide_runner.js): boot Pyodide with our lock file, import rules_py, and call it
// with JSON text. One copy of this code, so the browser and the parity test cannot drift apart.

// Python side: JSON in, JSON out. An InputError comes back as data ({error: {field, message}});
// anything else is a bug and raises, so the caller can report it without a traceback on screen.
export const PYTHON_GLUE = `
import json as _json

import rules_py as _rules_py


def _selfcheck_evaluate(text):
    try:
        return _json.dumps({"result": _rules_py.evaluate(_json.loads(text))}, ensure_ascii=False)
    except _rules_py.InputError as error:
        return _json.dumps({"error": {"field": error.field, "message": error.message}}, ensure_ascii=False)
`;

// Start Pyodide; the lock file makes the wheels download while the interpreter boots, and
// Pyodide checks each wheel against its SHA-256 (browsers) before installing it.
export async function startEngine({ loadPyodide, createPyodideModule, indexURL, lockFileContents,
                                    packageBaseUrl, packages, onStage = () => {} }) {
  const options = { indexURL, lockFileContents, packageBaseUrl, packages,
                    stdout: () => {}, stderr: (line) => console.warn(line) };
  if (createPyodideModule) options.createPyodideModule = createPyodideModule;
  const pyodide = await loadPyodide(options);
  onStage("import");
  pyodide.runPython(PYTHON_GLUE);
  const evaluateText = pyodide.globals.get("_selfcheck_evaluate");
  const version = pyodide.runPython("import sys; sys.version.split()[0]");
  return {
    pyodide,
    python: version,
    // JSON text of a person -> {result} or {error: {field, message}}
    evaluate(personText) {
      return JSON.parse(evaluateText(personText));
    },
    // Same, but returns the JSON text exactly as Python wrote it (for the parity test).
    evaluateText(personText) {
      return evaluateText(personText);
    },
  };
}

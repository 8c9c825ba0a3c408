// The engine glue shared by the page's worker (selfcheck-worker.js) and the parity test's Node
// runner (tests/pyodide_runner.js): boot Pyodide with our lock file, import rules_py, and call it
// with JSON text. One copy of this code, so the browser and the parity test cannot drift apart.

// Python side: rules_py.browser, JSON text in and out (see that module). The parity test calls the
// same functions on CPython, so this file only names them.
export const PYTHON_GLUE = `
from rules_py.browser import evaluate_json as _selfcheck_evaluate
from rules_py.browser import preload as _selfcheck_preload
from rules_py.browser import roster_annotate as _selfcheck_roster_annotate
from rules_py.browser import roster_json as _selfcheck_roster
from rules_py.browser import roster_limits_json as _selfcheck_roster_limits
from rules_py.browser import roster_preview_json as _selfcheck_roster_preview
from rules_py.browser import use_notice as _selfcheck_use_notice
from rules_py.browser import person_workbook_json as _selfcheck_person_workbook
from rules_py.browser import read_persons_json as _selfcheck_read_persons
from rules_py.browser import applicants_json as _selfcheck_applicants
`;

// Start Pyodide; the lock file makes the wheels download while the interpreter boots, and
// Pyodide checks each wheel against its SHA-256 (browsers) before installing it.
// stdLibURL: the build's trimmed standard library (sitebuild/stdlib.py), given through loadPyodide's
// own option for it (`stdLibURL`, a documented config field of Pyodide 314: Pyodide fetches that zip
// instead of indexURL + "python_stdlib.zip" and mounts it as the interpreter's standard library).
export async function startEngine({ loadPyodide, createPyodideModule, indexURL, stdLibURL, lockFileContents,
                                    packageBaseUrl, packages, notice, onStage = () => {} }) {
  const options = { indexURL, stdLibURL, lockFileContents, packageBaseUrl, packages,
                    stdout: () => {}, stderr: (line) => console.warn(line) };
  if (createPyodideModule) options.createPyodideModule = createPyodideModule;
  const pyodide = await loadPyodide(options);
  onStage("import");
  pyodide.runPython(PYTHON_GLUE);
  // The page's own notice (build.py --notice); without one, rules_py's default notice.
  if (notice) pyodide.globals.get("_selfcheck_use_notice")(notice);
  return engineCalls(pyodide);
}

// A Python tuple as a JS array; bytes come out as a Uint8Array of their own (copied out of the
// interpreter's memory, so they can be transferred to the page).
function unpack(proxy) {
  try {
    return proxy.toJs({ create_pyproxies: false }).map((item) => (item instanceof Uint8Array ? item.slice() : item ?? null));
  } finally {
    proxy.destroy();
  }
}

// The engine's calls on a booted interpreter that has run PYTHON_GLUE.
function engineCalls(pyodide) {
  const call = (name) => pyodide.globals.get(name);
  const evaluateText = call("_selfcheck_evaluate");
  const rosterText = call("_selfcheck_roster");
  const previewText = call("_selfcheck_roster_preview");
  const annotateKept = call("_selfcheck_roster_annotate");
  let limits = null;  // the roster limits, read when the first roster arrives
  return {
    pyodide,
    ...doorCalls(pyodide, call),
    python: pyodide.runPython("import sys; sys.version.split()[0]"),
    // JSON text of a person -> {result} or {error: {field, message}}
    evaluate(personText) {
      return JSON.parse(evaluateText(personText));
    },
    // Import what a tool needs ("roster": the roster checker and openpyxl) before its first request.
    preload(tool) {
      call("_selfcheck_preload")(tool);
    },
    // Same as evaluate, but returns the JSON text exactly as Python wrote it (for the parity test).
    evaluateText(personText) {
      return evaluateText(personText);
    },
    // The workbook's bytes -> {text: report as JSON text, annotated: Uint8Array | null}.
    // As the command line reads at most one byte more than the size limit, so does this: the
    // report of a file over the limit is the same on both doors.
    checkRoster(data, { filename = "花名册.xlsx", annotate = false, keep = false, onRows } = {}) {
      const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : new Uint8Array(data);
      limits ??= JSON.parse(call("_selfcheck_roster_limits")());
      const view = bytes.subarray(0, Math.min(bytes.byteLength, limits.max_file_bytes + 1));
      const [text, annotated] = unpack(rosterText(view, filename, Boolean(annotate), Boolean(keep), onRows));
      return { text, annotated };
    },
    // After checkRoster(..., {keep: true}): the first rows with problems, as the sheet shows them.
    rosterPreview(limit = 10) {
      return JSON.parse(previewText(limit));
    },
    // After checkRoster(..., {keep: true}): the marked workbook, without checking again.
    rosterAnnotate() {
      const [annotated, error] = unpack(annotateKept());
      return { annotated, error };
    },
    // 申报人员学时核对: the workbook's bytes -> {text: report as JSON text, annotated: Uint8Array | null},
    // cut at the same size limit as checkRoster (the command line reads one byte more than it too).
    checkApplicants(data, { filename = "申报人员学时核对表.xlsx", annotate = false, onRows } = {}) {
      const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : new Uint8Array(data);
      limits ??= JSON.parse(call("_selfcheck_roster_limits")());
      const view = bytes.subarray(0, Math.min(bytes.byteLength, limits.max_file_bytes + 1));
      const [text, annotated] = unpack(call("_selfcheck_applicants")(view, filename, Boolean(annotate), onRows));
      return { text, annotated };
    },
  };
}

// 学时自查's 核对表 door (rules_py/applicants/door.py); its packages come on demand (loadPackages).
function doorCalls(pyodide, call) {
  return {
    // Install lock-file packages after boot: Pyodide fetches them from packageBaseUrl and checks
    // each against the lock file's SHA-256.
    loadPackages(names) {
      return pyodide.loadPackage(names, { messageCallback: () => {}, errorCallback: (line) => console.warn(line) });
    },
    // A person and {name, id_number} as JSON text -> {text, workbook: Uint8Array | null}.
    personWorkbook(personText, detailsText) {
      const [text, workbook] = unpack(call("_selfcheck_person_workbook")(personText, detailsText));
      return { text, workbook };
    },
    // An applicants workbook's bytes -> its people for the form, as JSON text.
    readPersons(data, filename) {
      return call("_selfcheck_read_persons")(new Uint8Array(data), filename);
    },
  };
}

// The engine glue shared by the page's worker (selfcheck-worker.js) and the parity test's Node
// runner (tests/pyodide_runner.js): boot Pyodide with our lock file, import rules_py, and call it
// with JSON text. One copy of this code, so the browser and the parity test cannot drift apart.

// Python side: JSON in, JSON out. An InputError comes back as data ({error: {field, message}});
// anything else is a bug and raises, so the caller can report it without a traceback on screen.
// The roster functions take the workbook's bytes (a JS ArrayBuffer or Uint8Array) and give the
// report of DESIGN §5 as JSON text; check_roster itself never raises. The page keeps the bytes and
// report of its last check here, to add the preview rows and the marked workbook afterwards.
export const PYTHON_GLUE = `
import json as _json

import rules_py as _rules_py

_roster_kept = None


def _selfcheck_preload(name):
    # The roster check needs openpyxl (about a second to import): only pages that check rosters
    # pay for it, and they pay while the person is still choosing a file.
    if name == "roster":
        import rules_py.roster_preview  # noqa: F401  (imports rules_py.roster and openpyxl)


def _selfcheck_evaluate(text):
    try:
        return _json.dumps({"result": _rules_py.evaluate(_json.loads(text))}, ensure_ascii=False)
    except _rules_py.InputError as error:
        return _json.dumps({"error": {"field": error.field, "message": error.message}}, ensure_ascii=False)


def _selfcheck_roster(data, filename, annotate, keep, on_rows):
    from rules_py import roster as _roster

    global _roster_kept
    _roster_kept = None
    data = bytes(data.to_bytes()) if hasattr(data, "to_bytes") else bytes(data)
    report = _roster.check_roster(data, filename or "花名册.xlsx", annotate=bool(annotate),
                                  on_progress=on_rows)
    annotated = report.pop("annotated_xlsx", None)
    if keep and not report["fatal"] and report["problems"]:
        _roster_kept = (data, report)
    return _json.dumps(report, ensure_ascii=False), annotated


def _selfcheck_roster_preview(limit):
    from rules_py.roster_preview import preview_rows as _preview_rows

    if _roster_kept is None:
        return _json.dumps(_preview_rows(b"", {}), ensure_ascii=False)
    data, report = _roster_kept
    return _json.dumps(_preview_rows(data, report, int(limit)), ensure_ascii=False)


def _selfcheck_roster_annotate():
    from rules_py import roster as _roster

    global _roster_kept
    if _roster_kept is None:
        return None, None
    data, report = _roster_kept
    _roster_kept = None
    annotated = _roster.annotate_report(data, report)
    return annotated, report.get("annotation_error")


def _selfcheck_roster_limits():
    from rules_py.roster import limits

    return _json.dumps(limits(), ensure_ascii=False)
`;

// Start Pyodide; the lock file makes the wheels download while the interpreter boots, and
// Pyodide checks each wheel against its SHA-256 (browsers) before installing it.
export async function startEngine({ loadPyodide, createPyodideModule, indexURL, lockFileContents,
                                    packageBaseUrl, packages, preload = [], onStage = () => {} }) {
  const options = { indexURL, lockFileContents, packageBaseUrl, packages,
                    stdout: () => {}, stderr: (line) => console.warn(line) };
  if (createPyodideModule) options.createPyodideModule = createPyodideModule;
  const pyodide = await loadPyodide(options);
  onStage("import");
  pyodide.runPython(PYTHON_GLUE);
  for (const name of preload) pyodide.globals.get("_selfcheck_preload")(name);
  const call = (name) => pyodide.globals.get(name);
  const evaluateText = call("_selfcheck_evaluate");
  const rosterText = call("_selfcheck_roster");
  const previewText = call("_selfcheck_roster_preview");
  const annotateKept = call("_selfcheck_roster_annotate");
  let limits = null;  // the roster limits, read when the first roster arrives
  const version = pyodide.runPython("import sys; sys.version.split()[0]");

  // A Python tuple as a JS array; bytes come out as a Uint8Array of their own (copied out of the
  // interpreter's memory, so they can be transferred to the page).
  function unpack(proxy) {
    try {
      return proxy.toJs({ create_pyproxies: false }).map((item) => (item instanceof Uint8Array ? item.slice() : item ?? null));
    } finally {
      proxy.destroy();
    }
  }

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
  };
}

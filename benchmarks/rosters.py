"""Rosters, side by side: the browser, our command line, and frictionless as a peer, same files.

    browser       checkRoster(bytes) on the roster page, timed in the page (roster_browser.py)
    cli           ``python -m rules_py roster FILE --json``, a new process each run, wall time
                  (interpreter start, imports, reading, checking, printing the JSON report)
    cli_inproc    rules_py.roster.check_roster(bytes) in this process, imports paid: the engine alone
    frictionless  ``frictionless validate FILE --schema … --dialect … --json``, same file, a Table
                  Schema of the same columns (roster_data.frictionless_schema), every error listed
                  (--limit-errors high), a new process each run, wall time
    fl_inproc     frictionless.validate(Resource) in this process, imports paid

Each run does every measurement of a size once, in an order that rotates run by run, so that a
busy moment of the machine lands on all of them alike and the ratios stay fair.

Sizes above the shipped row limit (rules_py.roster.MAX_ROWS) run through benchmarks.cli_lifted,
which is the same command line with only that constant raised, and in the browser on the lifted
copy of the site; the figure says so.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import roster_data
from benchmarks.common import ROOT, Stopwatch, log, summary


def _run(command: list[str], expect: tuple[int, ...], cwd: Path = ROOT) -> float:
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True)
    ms = (time.perf_counter() - start) * 1000
    if completed.returncode not in expect:
        raise RuntimeError(f"{' '.join(command)} exited {completed.returncode}:\n"
                           + completed.stderr.decode("utf-8", "replace")[-2000:])
    return ms


def cli_command(path: Path, rows: int) -> tuple[list[str], bool]:
    """The CLI command for a roster of ``rows`` people, and whether the limit had to be lifted."""
    import rules_py.roster

    if rows <= rules_py.roster.MAX_ROWS:
        return [sys.executable, "-m", "rules_py", "roster", str(path), "--json"], False
    return [sys.executable, "-m", "benchmarks.cli_lifted", str(rows + 1000), "roster", str(path), "--json"], True


def check_report(path: Path, rows: int, lifted: bool) -> dict:
    """One run, read back: the report must have checked every row (no fatal, no limit hit)."""
    command, _ = cli_command(path, rows)
    completed = subprocess.run(command, cwd=ROOT, capture_output=True)
    report = json.loads(completed.stdout)
    if report["fatal"] or report["rows_checked"] != rows:
        raise RuntimeError(f"{path.name}: the CLI did not check {rows} rows: {report['fatal']}")
    return report["summary"]


def _lifted(check, max_rows: int):
    """check_roster with rules_py.roster.MAX_ROWS raised for the call (as benchmarks.cli_lifted)."""
    import rules_py.roster

    def run(*args, **kwargs):
        saved, rules_py.roster.MAX_ROWS = rules_py.roster.MAX_ROWS, max_rows
        try:
            return check(*args, **kwargs)
        finally:
            rules_py.roster.MAX_ROWS = saved
    return run


def frictionless_report(command: list[str], folder: Path, rows: int) -> dict:
    """One frictionless run, read back: it must have read every row (the signature line is one
    more) and found the planted problems it can see."""
    completed = subprocess.run(command, cwd=folder, capture_output=True)
    report = json.loads(completed.stdout)
    task = report["tasks"][0]
    if task["stats"].get("rows") != rows + 1 or task["errors"] and task["errors"][0]["type"] == "scheme-error":
        raise RuntimeError(f"frictionless did not read {rows} rows: {json.dumps(report)[:1000]}")
    return {"rows": task["stats"]["rows"], "errors": task["stats"]["errors"]}


def measure(paths: dict[int, Path], runs: int, browser=None, url_for: dict[int, str] | None = None) -> dict:
    """``browser``: a roster_browser.BrowserRoster (or None for CPython only); ``url_for[rows]``:
    the roster page to check a roster of ``rows`` on (shipped or lifted copy). One loop runs every
    tool on each size in turn, interleaved so load changes hit all of them alike: that is why
    it stays one function."""
    import frictionless

    from rules_py.roster import check_roster

    # frictionless refuses absolute paths unless told to trust them: run it beside the files.
    folder = next(iter(paths.values())).parent
    schema, dialect = roster_data.frictionless_schema(), roster_data.frictionless_dialect()
    (folder / "roster-schema.json").write_text(json.dumps(schema, ensure_ascii=False, indent=1), "utf-8")
    (folder / "roster-dialect.json").write_text(json.dumps(dialect, ensure_ascii=False, indent=1), "utf-8")
    frictionless_cli = [str(Path(sys.executable).with_name("frictionless")), "validate"]

    figures = {}
    for rows, path in paths.items():
        command, lifted = cli_command(path, rows)
        report_summary = check_report(path, rows, lifted)
        fl_command = frictionless_cli + [path.name, "--schema", "roster-schema.json", "--dialect",
                                          "roster-dialect.json", "--limit-errors", "1000000", "--json"]
        fl_summary = frictionless_report(fl_command, folder, rows)
        data = path.read_bytes()
        inproc_check = _lifted(check_roster, rows + 1000) if lifted else check_roster
        if inproc_check(data, path.name)["rows_checked"] != rows:  # also pays the imports
            raise RuntimeError(f"{path.name}: check_roster did not check {rows} rows")

        def run_inproc():
            with Stopwatch() as sw:
                inproc_check(data, path.name)
            return sw.ms

        def run_fl_inproc():
            with Stopwatch() as sw:
                resource = frictionless.Resource(path.name, basepath=str(folder),
                                                 schema=frictionless.Schema.from_descriptor(schema),
                                                 dialect=frictionless.Dialect.from_descriptor(dialect))
                result = frictionless.validate(resource, limit_errors=1_000_000)
            if result.tasks[0].stats["rows"] != rows + 1:
                raise RuntimeError(f"frictionless in-process read {result.tasks[0].stats['rows']} rows")
            return sw.ms

        tools = {
            "cli": lambda: _run(command, expect=(0, 1)),
            "frictionless": lambda: _run(fl_command, expect=(0, 1), cwd=folder),
            "cli_inproc": run_inproc,
            "fl_inproc": run_fl_inproc,
        }
        if browser is not None:
            browser.prepare(url_for[rows], path, rows)
            tools["browser"] = lambda: browser.check()["ms"]
        raw = {name: [] for name in tools}
        names = list(tools)
        for run in range(runs):
            shift = run % len(names)
            for name in names[shift:] + names[:shift]:
                raw[name].append(tools[name]())
        figures[rows] = {name: summary(values) for name, values in raw.items()}
        figures[rows].update(lifted=lifted, file_bytes=path.stat().st_size, rules_py_summary=report_summary,
                             frictionless_summary=fl_summary)
        line = (f"roster {rows} rows: CLI {figures[rows]['cli']['median']:.0f} ms"
                f"{' (limit lifted)' if lifted else ''}, in-process {figures[rows]['cli_inproc']['median']:.0f} ms; "
                f"frictionless CLI {figures[rows]['frictionless']['median']:.0f} ms, "
                f"in-process {figures[rows]['fl_inproc']['median']:.0f} ms")
        if browser is not None:
            figures[rows]["browser"]["first_check"] = raw["browser"][0]
            figures[rows]["browser_marked"] = browser.check(annotate=True)["ms"]
            line += (f"; browser {figures[rows]['browser']['median']:.0f} ms, with the marked workbook "
                     f"{figures[rows]['browser_marked']:.0f} ms")
        log(line)
    return figures

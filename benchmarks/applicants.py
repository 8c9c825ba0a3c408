"""申报人员学时核对, 500 applicants: the browser and our command line on the same workbook.

    browser         checkApplicants(bytes) on the applicants page once its engine is ready and has
                    imported the applicants checker, timed in the page (as roster_browser.py does)
    browser_marked  the same call with annotate: true (the page's own request: report and marked
                    workbook in one answer)
    cli             ``python -m rules_py applicants FILE --json``, a new process each run, wall time
    cli_inproc      rules_py.applicants.check_applicants(bytes) in this process, imports paid

The workbook is testkit/applicants_factory.many(500): every level, three years of hours (some
short), exams and circumstances, under the blank form's header. Each run does every measurement
once, in an order that rotates run by run, so a busy moment of the machine lands on all alike.
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.common import ROOT, Stopwatch, log, summary
from benchmarks.roster_browser import BrowserRoster
from benchmarks.rosters import _run

PAGE = "applicants/"
ROWS = 500

def page_has_applicants(site: Path) -> bool:
    """Whether the built site has the applicants page with window.selfCheck.checkApplicants."""
    if not (site / "applicants" / "index.html").is_file():
        return False
    return any("checkApplicants" in path.read_text("utf-8", "replace") for path in (site / "assets" / "js").glob("*.js"))


class BrowserApplicants(BrowserRoster):
    """The applicants page in one browser profile: the roster bench's page handling, this check."""

    METHOD = "checkApplicants"


def write_workbook(folder: Path) -> Path:
    from testkit.applicants_factory import many

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"applicants-{ROWS}.xlsx"
    path.write_bytes(many(ROWS))
    return path


def measure(path: Path, runs: int, playwright=None, url: str | None = None) -> dict:
    """``playwright`` and ``url`` (the applicants page): None for CPython only."""
    from rules_py.applicants import check_applicants

    data = path.read_bytes()
    report = check_applicants(data, path.name)  # also pays the imports
    if report["fatal"] or report["rows_checked"] != ROWS:
        raise RuntimeError(f"{path.name}: check_applicants did not check {ROWS} rows: {report['fatal']}")
    command = [sys.executable, "-m", "rules_py", "applicants", str(path), "--json"]

    def run_inproc():
        with Stopwatch() as sw:
            check_applicants(data, path.name)
        return sw.ms

    browser = None
    if playwright is not None:
        browser = BrowserApplicants(playwright)
        browser.prepare(url, path, ROWS)
    measurements = {"cli": lambda: _run(command, expect=(0, 1), cwd=ROOT), "cli_inproc": run_inproc}
    if browser:
        measurements["browser"] = lambda: browser.check()["ms"]
        measurements["browser_marked"] = lambda: browser.check(annotate=True)["ms"]
    times: dict[str, list[float]] = {name: [] for name in measurements}
    try:
        names = list(measurements)
        for run in range(runs):
            order = names[run % len(names):] + names[:run % len(names)]
            for name in order:
                times[name].append(measurements[name]())
            log(f"applicants {ROWS}: run {run + 1}/{runs}: "
                + ", ".join(f"{name} {times[name][-1]:.0f} ms" for name in names))
    finally:
        if browser:
            browser.close()
    figures = {name: summary(values) for name, values in times.items()}
    return {"rows": ROWS, "file_bytes": len(data), "by_status": report["summary"]["by_status"], **figures}

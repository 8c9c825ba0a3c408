"""Rosters in the browser: ``window.selfCheck.checkRoster(bytes)`` on the roster page.

For each size the roster page is opened afresh (same profile, so the runtime comes from the HTTP
cache, as on a second visit) and the workbook's bytes are put in the page once. Each check is
timed in the page from the call to the report: copying the bytes to the worker, reading and
checking in Pyodide, and the report back as JSON, which is what the page waits for before it can
show anything. roster_side_by_side.py interleaves these checks with the CPython runs, so both
meet the same machine. One more check asks for the marked workbook too (``annotate: true``),
which the page offers after the report.

Sizes above the shipped row limit use the lifted copy of the site (bench_site.lifted_copy), whose
only difference is the raised rules_py.roster.MAX_ROWS.
"""

from __future__ import annotations

import base64
from pathlib import Path

from benchmarks.common import READY_TIMEOUT_MS, fresh_profile, wait_for, wait_until_prepared

PAGE = "roster/"

CHECK = """async ([method, annotate]) => {
    const start = performance.now();
    const report = await window.selfCheck[method](window.__benchRoster, {filename: "workbook.xlsx", annotate});
    return {ms: performance.now() - start, rows_checked: report.rows_checked, fatal: report.fatal,
            summary: report.summary, marked: report.annotated_xlsx ? report.annotated_xlsx.byteLength : 0};
}"""


def page_has_roster(site: Path) -> bool:
    """Whether the built site has the roster page with window.selfCheck.checkRoster."""
    html = site / "roster" / "index.html"
    if not html.is_file():
        return False
    scripts = site / "assets" / "js"
    return any("checkRoster" in path.read_text("utf-8", "replace") for path in scripts.glob("*.js"))


class BrowserRoster:
    """The roster page in one browser profile, one roster at a time. ``METHOD``: the check of
    window.selfCheck called (benchmarks/applicants.py uses this class for checkApplicants)."""

    METHOD = "checkRoster"

    def __init__(self, playwright):
        self._profile = fresh_profile(playwright)
        self.context = self._profile.__enter__()
        for page in self.context.pages:
            page.close()
        self.page = None
        self.rows = 0

    def prepare(self, url: str, path: Path, rows: int) -> None:
        """Open the roster page at ``url``, wait until its engine is prepared, put the workbook's bytes in the page."""
        if self.page:
            self.page.close()
        self.page = self.context.new_page()
        self.page.set_default_timeout(READY_TIMEOUT_MS * 2)
        self.page.goto(url, wait_until="commit")
        wait_for(self.page, "window.selfCheck && window.selfCheck.checkRoster")
        wait_until_prepared(self.page)
        self.page.evaluate("(b64) => { window.__benchRoster = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)); }",
                           base64.b64encode(path.read_bytes()).decode())
        self.rows = rows

    def check(self, annotate: bool = False) -> dict:
        out = self.page.evaluate(CHECK, [self.METHOD, annotate])
        if out["fatal"] or out["rows_checked"] != self.rows or (annotate and not out["marked"]):
            raise RuntimeError(f"browser {self.METHOD} {self.rows}: checked {out['rows_checked']} rows, "
                               f"fatal {out['fatal']}, marked workbook {out['marked']} bytes")
        return out

    def close(self) -> None:
        self._profile.__exit__(None, None, None)

"""The rosters that once hung (issue 15), on the CLI and in the browser, same files:

    merged   4,000 people, 6,000 merged ranges, 200 problems (testkit.roster_factory.merged_heavy):
             the marked copy once took 7 minutes, each problem cell scanning every range
    styles   200 people, 50,000 named cell styles no cell uses, one problem
             (roster_factory.style_bloated_roster): the check once took 18 s, the marked copy 216 s
    formatted 20 people, every row down to 1,048,576 formatted, two problems
             (roster_factory.over_formatted_roster): once refused as too large to read

For each file, run by run in a rotating order: the check and the marked copy on the CLI (a new
process each: ``python -m rules_py roster FILE --json [--annotate OUT --force]``) and in the
browser (``window.selfCheck.checkRoster(bytes, {annotate})`` on the roster page after it is
prepared, timed in the page, as roster_browser.py does).
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.common import log, summary
from benchmarks.roster_browser import PAGE, BrowserRoster
from benchmarks.rosters import _run
from testkit import roster_factory

# name → (builder, people in it); the budgets (CLI) are the issue's
FILES = {"merged": (roster_factory.merged_heavy, 4000), "styles": (roster_factory.style_bloated_roster, 200),
         "formatted": (roster_factory.over_formatted_roster, 20)}
CLI_BUDGETS_MS = {("merged", "cli_marked"): 30_000, ("styles", "cli_check"): 10_000}
MAX_RUNS = 3  # each figure of these files takes seconds to a minute


def write_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (build, _) in FILES.items():
        paths[name] = folder / f"{name}.xlsx"
        paths[name].write_bytes(build())
    return paths


def measure(playwright, roster_url: str | None, folder: Path, runs: int) -> dict:
    """{file: {cli_check, cli_marked, browser_check, browser_marked: summary, rows, file_bytes}};
    no browser figures when ``roster_url`` is None (a site without the roster page)."""
    paths = write_files(folder)
    browser = BrowserRoster(playwright) if roster_url else None
    figures = {}
    try:
        for name, path in paths.items():
            rows = FILES[name][1]
            marked = path.with_name(f"{name}-marked.xlsx")
            check = [sys.executable, "-m", "rules_py", "roster", str(path), "--json"]
            tools = {"cli_check": lambda: _run(check, expect=(0, 1)),
                     "cli_marked": lambda: _run(check + ["--annotate", str(marked), "--force"], expect=(0, 1))}
            if browser is not None:
                browser.prepare(roster_url + PAGE, path, rows)
                tools["browser_check"] = lambda: browser.check()["ms"]
                tools["browser_marked"] = lambda: browser.check(annotate=True)["ms"]
            raw = {tool: [] for tool in tools}
            names = list(tools)
            for run in range(min(runs, MAX_RUNS)):
                shift = run % len(names)
                for tool in names[shift:] + names[:shift]:
                    raw[tool].append(tools[tool]())
            figures[name] = {tool: summary(values) for tool, values in raw.items()}
            figures[name].update(rows=rows, file_bytes=path.stat().st_size,
                                 budgets_ms={tool: ms for (file, tool), ms in CLI_BUDGETS_MS.items() if file == name})
            log(f"hard roster {name}: " + ", ".join(f"{tool} {figures[name][tool]['median'] / 1000:.1f} s"
                                                     for tool in tools))
    finally:
        if browser is not None:
            browser.close()
    return figures

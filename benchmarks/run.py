"""make bench: measure what a visitor waits for, side by side with its reference, in one run.

    python -m benchmarks.run [--runs 5] [--skip-build] [--steps a,b,…] [--merge] [--out BENCHMARKS.md]
    python -m benchmarks.run --skip-build --steps first_visit --merge --first-visit-runs 3
                                               # only the first visit (~5 min), other figures kept
    python -m benchmarks.run --report-only     # rewrite BENCHMARKS.md from benchmarks/results.json

The steps, in order (each a function below; ``--steps`` picks some, e.g. while working on one):

    machine         cores, CPU, memory, Chromium, Python and Pyodide versions, load average
    build           `make site` wall time from a warm environment (build_time.py); builds site/
    serve           a temporary copy of site/ with the bare-Pyodide reference page and the lifted copy,
                    one static server for all of it, the roster workbooks, a Playwright driver
    weight          bytes each page fetches, raw and gzip (weight.py)
    engine_ready    page open → ready, cold and warm, against bare Pyodide, alternating (engine_ready.py)
    first_visit     a first visit over a throttled plain server (3.2 Mbit/s shared, +150 ms per
                    response), against bare Pyodide from npm's files, alternating (first_visit.py)
    phases          where the warm ready time goes, worker marks via DevTools (phases.py)
    answer_latency  evaluate() after ready: median and 95th percentile (answer_latency.py)
    rosters         checkRoster() on the roster page, our CLI and frictionless on the same files,
                    interleaved run by run (rosters.py, roster_browser.py)
    memory          the worker's memory for each roster size and the tab's peak (memory.py)
    hard_rosters    the rosters that once hung or were refused (6,000 merged ranges; 50,000 named
                    styles; every row to 1,048,576 formatted): check and
                    marked copy on the CLI and on the roster page (hard_rosters.py)
    applicants      500 title applicants: checkApplicants() on the applicants page and our CLI,
                    interleaved run by run (applicants.py)

Then BENCHMARKS.md and benchmarks/results.json are written (report.py). Budgets are checked there,
not here: the run always finishes and reports; a missed budget shows as ✗.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import (answer_latency, applicants, bench_site, build_time, engine_ready, first_visit, hard_rosters, memory,
                        phases, report, roster_browser, roster_data, rosters, weight)
from benchmarks.common import ROOT, chromium_version, log
from testkit import start_server

ROSTER_SIZES = [1000, 5000, 20000]
MEMORY_SIZES = [1000, 5000, 10000, 20000]
NOTICE_ID = "songshan-2025"


@dataclass
class Run:
    args: argparse.Namespace
    site: Path = ROOT / "site"
    tree: Path | None = None
    server: object = None
    playwright: object = None
    rosters: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)

    @property
    def shipped(self) -> str:
        return self.server.url + "shipped/"

    @property
    def lifted(self) -> str:
        return self.server.url + "lifted/"


# ---------------------------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------------------------

def machine(run: Run) -> None:
    import frictionless
    import openpyxl
    from importlib.metadata import version

    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as handle:
        mem_kb = int(handle.readline().split()[1])
    lock = json.loads((ROOT / "node_modules" / "pyodide" / "pyodide-lock.json").read_text("utf-8"))
    run.results["machine"] = {
        "nproc": os.cpu_count(), "cpu": cpu, "memory_gb": mem_kb / 2**20,
        "os": f"{platform.system()} {platform.release()} ({_os_name()})",
        "chromium": chromium_version(), "playwright": version("playwright"),
        "python": platform.python_version(), "pyodide": json.loads(
            (ROOT / "node_modules" / "pyodide" / "package.json").read_text("utf-8"))["version"],
        "pyodide_python": lock["info"]["python"], "frictionless": frictionless.__version__,
        "openpyxl": openpyxl.__version__, "load_before": _load(),
    }
    log(f"machine: {run.results['machine']}")


def build(run: Run) -> None:
    run.results["build"] = build_time.measure(run.args.runs)


def serve(run: Run) -> None:
    from playwright.sync_api import sync_playwright

    from rules_py.roster import MAX_ROWS

    if not (run.site / "index.html").exists():
        raise SystemExit(f"{run.site} has no built site: run `make site` (or drop --skip-build)")
    run.tree = Path(tempfile.mkdtemp(prefix="bench-"))
    bench_site.copy_site(run.site, run.tree)
    bench_site.lifted_copy(run.site, run.tree, max(MEMORY_SIZES + ROSTER_SIZES) + 1000, NOTICE_ID)
    run.server = start_server(run.tree)
    run.rosters = roster_data.write_rosters(run.tree / "rosters", sorted(set(ROSTER_SIZES + MEMORY_SIZES)))
    run.results["limits"] = {"max_rows": MAX_ROWS}
    run.playwright = sync_playwright().start()
    log(f"serving {run.tree} at {run.server.url}")


def weight_step(run: Run) -> None:
    run.results["weight"] = weight.measure(run.playwright, run.server, run.tree, "shipped/",
                                           skip=(bench_site.BARE_DIR,))


def engine_ready_step(run: Run) -> None:
    pages = ("selfcheck", "roster", "bare") if _has_roster(run) else ("selfcheck", "bare")
    run.results["engine_ready"] = engine_ready.measure(run.playwright, run.server, run.shipped, run.args.runs, pages)


def first_visit_step(run: Run) -> None:
    pages = ("selfcheck", "roster", "bare") if _has_roster(run) else ("selfcheck", "bare")
    runs = run.args.first_visit_runs or max(2, run.args.runs // 2)
    run.results["first_visit"] = first_visit.measure(run.playwright, run.tree, "shipped/", runs, pages)


def phases_step(run: Run) -> None:
    pages = ("selfcheck", "roster", "bare") if _has_roster(run) else ("selfcheck", "bare")
    run.results["phases"] = phases.measure(run.playwright, run.shipped, max(3, run.args.runs // 2), pages)


def answer_latency_step(run: Run) -> None:
    run.results["answer_latency"] = answer_latency.measure(run.playwright, run.shipped)


def rosters_step(run: Run) -> None:
    paths = {rows: run.rosters[rows] for rows in ROSTER_SIZES}
    if not _has_roster(run):
        log("rosters: the built site has no roster page with checkRoster yet; CPython only")
        run.results["roster"] = rosters.measure(paths, run.args.runs)
        return
    limit = run.results["limits"]["max_rows"]
    url_for = {rows: (run.shipped if rows <= limit else run.lifted) + roster_browser.PAGE for rows in ROSTER_SIZES}
    browser = roster_browser.BrowserRoster(run.playwright)
    try:
        run.results["roster"] = rosters.measure(paths, run.args.runs, browser, url_for)
    finally:
        browser.close()


def memory_step(run: Run) -> None:
    if not _has_roster(run):
        log("memory: the built site has no roster page with checkRoster yet; skipped")
        return
    paths = {rows: run.rosters[rows] for rows in MEMORY_SIZES}
    run.results["memory"] = memory.measure(run.playwright, run.lifted, paths)


def hard_rosters_step(run: Run) -> None:
    url = run.shipped if _has_roster(run) else None
    if url is None:
        log("hard_rosters: the built site has no roster page with checkRoster yet; CLI only")
    run.results["hard_rosters"] = hard_rosters.measure(run.playwright, url, run.tree / "hard-rosters", run.args.runs)


def applicants_step(run: Run) -> None:
    path = applicants.write_workbook(run.tree / "applicants")
    if not applicants.page_has_applicants(run.tree / "shipped"):
        log("applicants: the built site has no applicants page with checkApplicants; CPython only")
        run.results["applicants"] = applicants.measure(path, run.args.runs)
        return
    run.results["applicants"] = applicants.measure(path, run.args.runs, run.playwright, run.shipped + applicants.PAGE)


STEPS = {
    "machine": machine,
    "build": build,
    "serve": serve,
    "weight": weight_step,
    "engine_ready": engine_ready_step,
    "first_visit": first_visit_step,
    "phases": phases_step,
    "answer_latency": answer_latency_step,
    "rosters": rosters_step,
    "memory": memory_step,
    "hard_rosters": hard_rosters_step,
    "applicants": applicants_step,
}


# ---------------------------------------------------------------------------------------------
# Running them
# ---------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report_only:  # e.g. after editing benchmarks/FINDINGS.md: no new measurement
        report.write(json.loads(args.json.read_text("utf-8")), args.out, args.json)
        log(f"wrote {args.out} from {args.json}")
        return 0
    run = Run(args)
    if args.site:
        run.site = args.site.resolve()
    chosen = list(STEPS) if not args.steps else ["machine", *args.steps.split(","), "serve"]
    if args.skip_build and "build" in chosen:
        chosen.remove("build")
    chosen = [name for name in STEPS if name in chosen]  # always in pipeline order
    started = time.perf_counter()
    run.results.update(started=dt.datetime.now().astimezone().isoformat(timespec="seconds"), runs=args.runs,
                       steps={})
    try:
        for name in chosen:
            log(f"step: {name}")
            step_start = time.perf_counter()
            STEPS[name](run)
            run.results["steps"][name] = {"seconds": round(time.perf_counter() - step_start, 1), "load": _load()}
    finally:
        if run.playwright:
            run.playwright.stop()
        if run.server:
            run.server.close()
        if run.tree and not args.keep:
            shutil.rmtree(run.tree, ignore_errors=True)
    run.results.update(wall_s=time.perf_counter() - started, load_after=_load())
    results = json.loads(json.dumps(run.results, default=str))  # row counts as keys become strings
    if args.merge and args.json.exists():  # the steps not run keep their figures (and their date)
        earlier = json.loads(args.json.read_text("utf-8"))
        merged_steps = {**earlier.get("steps", {}), **results["steps"]}
        results = {**earlier, **{key: value for key, value in results.items()
                                     if key in results["steps"] and key not in ("machine", "serve")},
                   "steps": merged_steps,
                   "merged": [*earlier.get("merged", []), {"started": results["started"], "steps": list(results["steps"]),
                                                             "machine": results["machine"]}]}
    report.write(results, args.out, args.json)
    log(f"wrote {args.out} and {args.json} in {results['wall_s'] / 60:.1f} min")
    for name, value, limit, ok in report.budgets(results):
        log(f"budget {'✓' if ok else '✗'} {name}: {value} (limit {limit})")
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--skip-build", action="store_true", help="measure the site/ already built")
    parser.add_argument("--site", type=Path, help="the built site to measure (default site/)")
    parser.add_argument("--steps", help=f"comma-separated subset of: {', '.join(STEPS)}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary served tree")
    parser.add_argument("--merge", action="store_true",
                        help="keep the figures of the steps not run from --json (with --steps)")
    parser.add_argument("--first-visit-runs", type=int,
                        help="runs of the throttled first visit (default: half of --runs, at least 2)")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: rewrite --out from the figures already in --json")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results.json")
    return parser.parse_args(argv)


def _has_roster(run: Run) -> bool:
    return roster_browser.page_has_roster(run.tree / "shipped")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return sys.platform


if __name__ == "__main__":
    sys.exit(main())

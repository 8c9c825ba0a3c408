"""BENCHMARKS.md and the raw figures (JSON) from one run's results.

Everything in the Markdown is computed from ``results`` (the same dict the JSON file holds), except
the findings, which are read from benchmarks/FINDINGS.md and placed after the figures.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.common import ROOT

FINDINGS = ROOT / "benchmarks" / "FINDINGS.md"

# A 3 GB phone: tab kills on iOS leave no error; Pyodide reports failures on 3 GB phones
# (pyodide#2539) and an unofficial ~1.5 GB WebContent cap on larger devices (web-llm#753).
# We give the whole tab 1 GiB there, and keep what this machine measures under half of it,
# for a phone's own overheads (bigger renderer, 32-bit builds that must copy memory to grow it).
PHONE_TAB_BUDGET = 1 << 30
PHONE_MARGIN = 2


# ---------------------------------------------------------------------------------------------
# Budgets: (name, how it is read from the results) → value, limit, holds?
# ---------------------------------------------------------------------------------------------

def budgets(r: dict) -> list[tuple[str, str, str, bool]]:
    out = []
    er = r.get("engine_ready")
    if er:
        value = er["selfcheck_warm"]["ratio"]
        out.append(("Engine ready (warm), 学时自查 ≤ 1.0 × bare Pyodide boot", f"{value:.2f} ×", "1.0 ×", value <= 1.0))
    al = r.get("answer_latency")
    if al:
        out.append(("evaluate median ≤ 50 ms", f"{al['median']:.1f} ms", "50 ms", al["median"] <= 50))
    ro = r.get("roster") or {}
    if "browser" in ro.get("5000", {}):
        value = ro["5000"]["browser"]["median"]
        out.append(("Roster 5,000 rows in the browser ≤ 4 s", f"{value / 1000:.2f} s", "4 s", value <= 4000))
    if "5000" in ro:
        value = ro["5000"]["cli"]["median"]
        out.append(("Roster 5,000 rows on the CLI ≤ 1.5 s", f"{value / 1000:.2f} s", "1.5 s", value <= 1500))
    for rows in sorted(ro, key=int):
        if "browser" in ro[rows]:
            value = ro[rows]["browser"]["median"] / ro[rows]["cli"]["median"]
            out.append((f"Roster {int(rows):,} rows, browser / CLI ≤ 2.5", f"{value:.2f} ×", "2.5 ×", value <= 2.5))
    ap = r.get("applicants")
    if ap and "browser" in ap:
        value = ap["browser"]["median"]
        out.append((f"Applicants {ap['rows']} rows in the browser ≤ 3 s", f"{value / 1000:.2f} s", "3 s", value <= 3000))
    if ap:
        value = ap["cli"]["median"]
        out.append((f"Applicants {ap['rows']} rows on the CLI ≤ 2 s", f"{value / 1000:.2f} s", "2 s", value <= 2000))
    fv = r.get("first_visit")
    if fv:
        for page, label in (("selfcheck", "学时自查"), ("roster", "花名册自查")):
            if page in fv:
                value = fv[page]["ratio"]
                out.append((f"First visit at 3.2 Mbit/s, {label}: engine ready ≤ 0.5 × bare Pyodide",
                            f"{value:.2f} ×", "0.5 ×", value <= 0.5))
        for page, label, limit in (("selfcheck", "学时自查", 5.0e6), ("roster", "花名册自查", 5.5e6)):
            if page in fv:
                value = fv[page]["bytes"]["median"]
                out.append((f"First visit, {label}: bytes on the wire without server compression ≤ {limit / 1e6:.1f} MB",
                            mb(value), f"{limit / 1e6:.1f} MB", value <= limit))
    if er and "roster_warm" in er:
        value = er["roster_warm"]["ratio"]
        out.append(("Engine ready (warm), 花名册自查 ≤ 1.0 × bare Pyodide boot", f"{value:.2f} ×", "1.0 ×", value <= 1.0))
    out += hard_roster_budgets(r)
    w = r.get("weight")
    if w:
        plain = {page: v for page, v in w.items() if not v["selfcheck"]}
        heaviest = max(plain.values(), key=lambda v: v["raw"])
        page = next(p for p, v in plain.items() if v is heaviest)
        out.append(("Non-self-check pages ≤ 1 MB transferred (heaviest page, uncompressed)",
                    f"{heaviest['raw'] / 1e6:.2f} MB ({page})", "1 MB", heaviest["raw"] <= 1_000_000))
        runtime = sorted({f for v in plain.values() for f in v["runtime_files"]})
        out.append(("Non-self-check pages fetch none of the runtime",
                    f"{len(runtime)} runtime files" + (f": {', '.join(runtime[:3])}" if runtime else ""),
                    "0", not runtime))
    return out


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------

def s(ms: float) -> str:
    return f"{ms / 1000:.2f} s"


def ms_(ms: float) -> str:
    return f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"


def mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"


def mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def row(*cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def stat_cells(f: dict, fmt=s) -> list[str]:
    return [fmt(f["median"]), fmt(f["min"]), fmt(f["max"]), str(f["n"])]


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------

def summary_table(r: dict) -> list[str]:
    lines = [row("What is measured", "median", "min", "max", "runs", "compared with", "its median", "ratio"),
             row(*["---"] * 8)]
    er = r.get("engine_ready")
    if er:
        for page, label in (("selfcheck", "学时自查"), ("roster", "花名册自查")):
            for kind in ("cold", "warm"):
                key = f"{page}_{kind}"
                ref = er.get(f"bare_{kind}")
                for what, figure in ((f"Engine ready, {label} page, {kind}", er.get(key)),
                                     (f"Engine ready and roster checker imported, {label} page, {kind}",
                                      er.get(f"{key}_prepared"))):
                    if figure:
                        lines.append(row(what, *stat_cells(figure), f"bare Pyodide boot, {kind}",
                                         s(ref["median"]), f"{figure['ratio']:.2f} ×"))
    al = r.get("answer_latency")
    if al:
        lines.append(row(f"Answer latency, evaluate() ({al['n']} calls, {al['people']} people)",
                         ms_(al["median"]), ms_(al["min"]), ms_(al["max"]), al["n"],
                         "95th percentile", ms_(al["p95"]), "—"))
    ro = r.get("roster") or {}
    for rows in sorted(ro, key=int):
        n = f"{int(rows):,}"
        c = ro[rows]
        lifted = " ¹" if c["lifted"] else ""
        if "browser" in c:
            f, ref = c["browser"], c["cli"]
            lines.append(row(f"Roster {n} rows, browser `checkRoster()`{lifted}", *stat_cells(f),
                             "our CLI (CPython)", s(ref["median"]), f"{f['median'] / ref['median']:.2f} ×"))
        f, ref = c["cli"], c["frictionless"]
        lines.append(row(f"Roster {n} rows, our CLI `rules_py roster --json`{lifted}", *stat_cells(f),
                         "`frictionless validate` CLI", s(ref["median"]), f"{f['median'] / ref['median']:.2f} ×"))
        f, ref = c["cli_inproc"], c["fl_inproc"]
        lines.append(row(f"Roster {n} rows, `check_roster()` in-process{lifted}", *stat_cells(f),
                         "`frictionless.validate()` in-process", s(ref["median"]),
                         f"{f['median'] / ref['median']:.2f} ×"))
    ap = r.get("applicants")
    if ap:
        n, ref = ap["rows"], ap["cli"]
        for key, what in (("browser", "browser `checkApplicants()`"), ("browser_marked", "browser, with the marked workbook")):
            if key in ap:
                lines.append(row(f"Applicants {n} rows, {what}", *stat_cells(ap[key]), "our CLI (CPython)",
                                 s(ref["median"]), f"{ap[key]['median'] / ref['median']:.2f} ×"))
        lines.append(row(f"Applicants {n} rows, our CLI `rules_py applicants --json`", *stat_cells(ref),
                         "`check_applicants()` in-process", s(ap["cli_inproc"]["median"]),
                         f"{ref['median'] / ap['cli_inproc']['median']:.2f} ×"))
    bt = r.get("build")
    if bt:
        lines.append(row("Build, `make site` (warm environment)", *stat_cells(bt), "—", "—", "—"))
    return lines


def budget_lines(r: dict) -> list[str]:
    lines = [row("Budget", "measured", "limit", ""), row("---", "---", "---", "---")]
    for name, value, limit, ok in budgets(r):
        lines.append(row(name, value, limit, "✓" if ok else "✗"))
    return lines


def engine_lines(r: dict) -> list[str]:
    er = r.get("engine_ready")
    if not er:
        return []
    lines = ["Requests the server saw per visit, run by run (a warm visit's are revalidations of the "
             "page's small JSON data file, fetched with `no-cache`, answered 304 Not Modified; everything "
             "else came from the browser's cache):", ""]
    for key, f in er.items():
        if isinstance(f, dict) and "requests" in f:
            lines.append(f"- `{key}`: {f['requests']}, not modified {f['not_modified']}")
    ph = r.get("phases")
    if ph:
        names = list(dict.fromkeys(k for v in ph.values() for k in v))
        lines += ["", "Where the time goes (`benchmarks/phases.py`: warm visits, median; ms since navigation "
                  "start; stage marks set in the page when the worker reports each stage, file arrivals from "
                  "the worker's Resource Timing):", "",
                  row("phase", *ph.keys()), row(*["---"] * (len(ph) + 1))]
        for name in names:
            lines.append(row(name, *(f"{v[name]:.0f}" if name in v else "—" for v in ph.values())))
    return lines


def answer_lines(r: dict) -> list[str]:
    al = r.get("answer_latency")
    if not al:
        return []
    pct = al["percentiles"]
    return [f"{al['n']} calls ({al['people']} people of the case table, {al['n'] // al['people']} rounds), "
            f"one at a time, timed in the page around the Promise: median {ms_(al['median'])}, "
            f"p95 {ms_(al['p95'])}, p99 {ms_(pct['99'])}, max {ms_(al['max'])}; "
            f"the first call after ready {ms_(al['first_call'])}."]


def roster_lines(r: dict) -> list[str]:
    ro = r.get("roster") or {}
    if not ro:
        return []
    lines = [row("rows", "file", "browser, first check", "browser, check + marked workbook",
                 "rules_py found", "frictionless found"),
             row(*["---"] * 6)]
    for rows in sorted(ro, key=int):
        c = ro[rows]
        found, fl = c["rules_py_summary"], c["frictionless_summary"]
        lines.append(row(f"{int(rows):,}", mb(c["file_bytes"]),
                         s(c["browser"]["first_check"]) if "browser" in c else "—",
                         s(c["browser_marked"]) if "browser_marked" in c else "—",
                         f"{found['errors']} errors, {found['warnings']} warnings",
                         f"{fl['errors']} errors"))
    lifted = [f"{int(k):,}" for k, v in ro.items() if v.get("lifted")]
    if lifted:
        lines += ["", f"¹ {', '.join(lifted)} rows is above the shipped limit (rules_py.roster.MAX_ROWS = "
                  f"{r['limits']['max_rows']:,}): measured with the limit raised and nothing else changed "
                  "(`benchmarks/cli_lifted.py` on the CLI and in-process, a site copy whose rules_py wheel has "
                  "the raised constant in the browser)."]
    return lines


HARD_ROSTERS = {"merged": "4,000 rows, 6,000 merged ranges, 200 problems",
                "styles": "200 rows, 50,000 named cell styles, 1 problem",
                "formatted": "20 rows, every row to 1,048,576 formatted, 2 problems"}
HARD_TOOLS = {"cli_check": "CLI, check", "cli_marked": "CLI, check + marked copy",
              "browser_check": "browser, check", "browser_marked": "browser, check + marked copy"}


def hard_roster_budgets(r: dict) -> list[tuple[str, str, str, bool]]:
    out = []
    for name, figures in (r.get("hard_rosters") or {}).items():
        for tool, limit in figures.get("budgets_ms", {}).items():
            value = figures[tool]["median"]
            out.append((f"Roster of {HARD_ROSTERS[name]}: {HARD_TOOLS[tool]} ≤ {limit / 1000:.0f} s",
                        s(value), f"{limit / 1000:.0f} s", value <= limit))
    return out


def hard_roster_lines(r: dict) -> list[str]:
    hr = r.get("hard_rosters") or {}
    if not hr:
        return []
    lines = [row("file", "size", "what", "median", "min", "max", "runs", "browser / CLI"), row(*["---"] * 8)]
    for name, figures in hr.items():
        for tool, label in HARD_TOOLS.items():
            if tool not in figures:
                continue
            cli = figures.get(tool.replace("browser", "cli"))
            versus = f"{figures[tool]['median'] / cli['median']:.2f} ×" if tool.startswith("browser") and cli else "—"
            lines.append(row(HARD_ROSTERS[name], mb(figures["file_bytes"]), label, *stat_cells(figures[tool]), versus))
    return lines


def applicants_lines(r: dict) -> list[str]:
    ap = r.get("applicants")
    if not ap:
        return []
    counts = ", ".join(f"{status} {n}" for status, n in ap["by_status"].items())
    return [f"One workbook of {ap['rows']} applicants ({mb(ap['file_bytes'])}; `testkit/applicants_factory.many`: every "
            "level, three years of hours, some short, exams and circumstances), each row judged by `evaluate()` "
            f"({counts}). The browser figures are `window.selfCheck.checkApplicants(bytes)` on the applicants page "
            "once its engine is ready and has imported the checker, timed in the page, without and with the marked "
            "workbook (the page asks for both in one request); the CLI figure is a new process "
            "(`python -m rules_py applicants FILE --json`, interpreter start and imports included), the in-process "
            "figure `check_applicants(bytes)` alone. All interleaved run by run."]


def weight_lines(r: dict) -> list[str]:
    w = r.get("weight")
    if not w:
        return []
    lines = [row("page", "files", "raw", "gzip", "self-check page", "runtime files fetched"),
             row(*["---"] * 6)]
    for page, v in w.items():
        lines.append(row(f"`{page}`", v["requests"], mb(v["raw"]), mb(v["gzip"]), "yes" if v["selfcheck"] else "no",
                         len(v["runtime_files"])))
    return lines


def memory_lines(r: dict) -> list[str]:
    m = r.get("memory")
    if not m:
        return []
    lines = [row("rows", "wasm when prepared", "wasm after check", "wasm after marked workbook",
                 "worker JS heap", "tab peak (check)", "tab peak (marked workbook)"),
             row(*["---"] * 7)]
    for rows, v in sorted(m.items(), key=lambda kv: int(kv[0])):
        b, a, n = v["before"], v["after"], v["annotated"]
        lines.append(row(f"{int(rows):,}", mib(b["wasm"]), mib(a["wasm"]), mib(n["wasm"]), mib(n["js_heap"]),
                         mib(a["tab_peak"]), mib(n["tab_peak"])))
    fit = row_limit_fit(m)
    if fit:
        limit = r["limits"]["max_rows"]
        at_limit = fit["base"] + fit["per_row"] * limit
        lines += ["", f"Tab peak with the marked workbook grows by about {fit['per_row'] / 1024:.1f} KiB a row "
                  f"(least squares over the sizes above: {mib(fit['base'])} + rows × {fit['per_row'] / 1024:.1f} KiB). "
                  f"Allowing {mib(PHONE_TAB_BUDGET)} for the whole tab on a 3 GB phone and keeping this machine's "
                  f"figure under 1/{PHONE_MARGIN} of it gives at most **{fit['rows_allowed']:,} rows**. "
                  f"The page enforces **{limit:,} rows** (rules_py.roster.MAX_ROWS; more rows give the fatal "
                  f"`too_large` with the message “花名册超过 {limit} 行人员……请拆分成几个文件”): predicted tab peak "
                  f"{mib(at_limit)} here, {'within' if limit <= fit['rows_allowed'] else 'ABOVE'} that bound."]
    return lines


def row_limit_fit(m: dict) -> dict | None:
    points = [(int(k), v["annotated"]["tab_peak"]) for k, v in m.items()]
    if len(points) < 2:
        return None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if not sxx:
        return None
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx
    base = my - slope * mx
    allowed = int((PHONE_TAB_BUDGET / PHONE_MARGIN - base) / slope) if slope > 0 else 10**9
    return {"base": base, "per_row": slope, "rows_allowed": max(0, allowed // 1000 * 1000)}


def first_visit_lines(r: dict) -> list[str]:
    fv = r.get("first_visit")
    if not fv:
        return []
    lines = [row("page", "engine ready, median", "min", "max", "runs", "ratio to bare Pyodide",
                 "bytes on the wire, median", "responses", "files over 0.5 MB"), row(*["---"] * 9)]
    for page, label in (("selfcheck", "学时自查"), ("roster", "花名册自查"), ("bare", "bare Pyodide (npm files)")):
        if page in fv:
            f = fv[page]
            lines.append(row(label, *stat_cells(f), f"{f['ratio']:.2f} ×" if "ratio" in f else "—",
                             mb(f["bytes"]["median"]), "/".join(str(n) for n in f["requests"]),
                             ", ".join(f"`{name}`" for name in f["large_files"])))
    return lines


def remeasured(merged: list[dict]) -> list[tuple[str, list[str], str]]:
    """Steps re-measured later (run.py --merge), each replacing that step's figures: for every
    later run whose figures still stand, in the order they ran, its time, the steps whose figures
    are its own, and the load before it."""
    latest: dict[str, str] = {}
    for run in sorted(merged, key=lambda run: run["started"]):
        for step in run["steps"]:
            if step not in ("machine", "serve"):
                latest[step] = run["started"]
    return [(run["started"], [step for step in run["steps"] if latest.get(step) == run["started"]],
             run["machine"]["load_before"])
            for run in sorted(merged, key=lambda run: run["started"])
            if any(latest.get(step) == run["started"] for step in run["steps"])]


def machine_lines(r: dict) -> list[str]:
    m = r["machine"]
    extra = [f"- Re-measured at {started}: {', '.join(steps)} (load average {load} before)"
             for started, steps, load in remeasured(r.get("merged", []))]
    if extra:
        extra.append("- Figures of steps not named above are from the first run")
    return [f"- Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']:.0f} GB RAM, {m['os']}",
            f"- Browser: {m['chromium']}, headless, via Playwright {m['playwright']}",
            f"- CPython {m['python']}; Pyodide {m['pyodide']} (Python {m['pyodide_python']}); "
            f"frictionless {m['frictionless']}; openpyxl {m['openpyxl']}",
            f"- Run: {r['started']}, {r['runs']} runs per figure, whole run {r['wall_s'] / 60:.1f} min; "
            f"load average {m['load_before']} before, {r['load_after']} after", *extra]


# ---------------------------------------------------------------------------------------------
# The files
# ---------------------------------------------------------------------------------------------

def markdown(r: dict) -> str:
    """BENCHMARKS.md from the results, top to bottom as it reads: long by its sections, not logic."""
    parts = [
        "# Benchmarks",
        "",
        "What a visitor waits for, measured by `make bench` (`benchmarks/run.py`) in one run, each figure "
        "side by side with what it should be compared to. This file is written by the benchmark; "
        "the raw figures are in `benchmarks/results.json`. Times are wall-clock; *cold* is a first visit "
        "with a brand-new browser profile, *warm* a second visit in the same profile.",
        "",
        *machine_lines(r),
        "",
        "## Figures",
        "",
        *summary_table(r),
        "",
        "## Budgets",
        "",
        *budget_lines(r),
        "",
        "## Engine ready",
        "",
        "Page open (navigation start) → the page's `selfcheck-ready` mark, set when `window.selfCheck.ready` "
        "resolves. The reference is `bench-bare/`, a page generated into the benchmark's copy of the site "
        "whose module worker only runs `loadPyodide` on npm pyodide's files as shipped; the pages alternate "
        "run by run. The served files carry an old modification time, as on a server where the site was put "
        "some time ago (no Cache-Control is sent, so the browser's heuristic freshness decides what a second "
        "visit re-fetches, as it would there).",
        "",
        *engine_lines(r),
        "",
        "## First visit over a slow link",
        "",
        "A first visit as a phone on a slow link makes it (`benchmarks/first_visit.py`): a plain static "
        "server that sends no Content-Encoding, 3.2 Mbit/s shared by all connections and 150 ms added "
        "before each response, throttled in the server (so the worker's requests are too), a brand-new "
        "browser profile per visit. Engine ready as above; bytes on the wire are the bodies the server "
        "wrote for the visit. The reference serves npm pyodide's files as shipped (whole stdlib, plain "
        "wasm) from the same server; the pages alternate run by run.",
        "",
        *first_visit_lines(r),
        "",
        "## Answer latency",
        "",
        *answer_lines(r),
        "",
        "## Roster check",
        "",
        "Each file is a filled 附件2 (header in row 4, 合计 with its value, the signature line below) with "
        "about 2 % of rows carrying a planted problem (`benchmarks/roster_data.py`). All measurements of a "
        "size are interleaved run by run. The browser figure is "
        "`window.selfCheck.checkRoster(bytes)` on the roster page once its engine is ready and has "
        "imported the roster checker, timed in the page; the CLI figures are new processes "
        "(`python -m rules_py roster FILE --json`, `frictionless validate FILE --schema … --dialect … "
        "--json`) and include interpreter start and imports; the in-process figures do not. "
        "frictionless checks the same columns with a Table Schema (type, required, allowed values, ranges, "
        "ID pattern and uniqueness, phone pattern); it has no rule for check characters, 性别 against the ID, "
        "合计 or the minimum-hours warnings, and it also reports the signature line under the table (about ten "
        "errors), having no notion of where a table ends.",
        "",
        *roster_lines(r),
        "",
        "## Rosters that once hung",
        "",
        "Three files built the way the slow ones of issue 15 were (`benchmarks/hard_rosters.py`): many merged "
        "ranges with problem cells under them (the marked copy once took 7 minutes), a copy-pasted "
        "template's pile of unused named cell styles (the check once took 18 s), and a sheet formatted down to "
        "row 1,048,576 (once refused as too large to read). The CLI figures are new "
        "processes (`python -m rules_py roster FILE --json`, with `--annotate OUT --force` for the marked copy); "
        "the browser figures are `window.selfCheck.checkRoster(bytes, {annotate})` on the roster page once "
        "prepared, timed in the page. All four are interleaved run by run.",
        "",
        *hard_roster_lines(r),

        "## Applicants check",
        "",
        *applicants_lines(r),
        "",
        "## Weight",
        "",
        "Bytes a first visit fetches, from the server's log (page, styles, scripts, search index, workers "
        "and what they fetch). *raw* is what a server without compression sends; *gzip* compresses each "
        "file at level 6 except formats already compressed (.zip, .whl, .xlsx, images).",
        "",
        *weight_lines(r),
        "",
        "## Memory and the row limit",
        "",
        "The roster page of the lifted copy in a new browser per size: check once, then check again asking "
        "for the marked workbook (openpyxl loads the whole workbook to write it). *wasm* is the worker's "
        "WebAssembly memory (Python's heap; it never shrinks, so its size after a step is that step's peak), "
        "read through a DevTools probe; *tab peak* is the renderer process's peak resident memory (VmHWM).",
        "",
        *memory_lines(r),
        "",
    ]
    if FINDINGS.exists():
        parts += [FINDINGS.read_text("utf-8").rstrip(), ""]
    return "\n".join(parts)


def write(results: dict, md_path: Path, json_path: Path) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n", "utf-8")
    md_path.write_text(markdown(results), "utf-8")

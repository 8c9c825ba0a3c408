"""Memory of the roster check: what the worker holds, and the tab's peak, roster by roster.

For each size, a new browser opens the roster page of the lifted copy (the same code as shipped,
row limit raised), checks one roster once, then checks it again asking for the marked workbook
(openpyxl then loads the whole workbook in normal mode, its largest need). Three figures, before
the check, after it, and after the marked workbook:

    wasm     the worker's WebAssembly memory (Python's whole heap: interpreter, modules, the
             workbook, the rows, the report). It only grows, so its size after the check is the
             peak the check needed. Read from the Memory object itself: before the worker's first
             line runs, a small probe (MEMORY_PROBE, through the DevTools protocol, nothing in the
             site changes) keeps every Memory the worker instantiates on a global the benchmark
             reads.
    js heap  the worker's JavaScript heap in use (Runtime.getHeapUsage on the worker target;
             Performance.getMetrics does not exist on worker targets)
    tab peak the renderer process's peak resident memory (VmHWM in /proc; page, worker and the
             browser's own parts of that process), the figure a phone's memory killer looks at

The row limit on the page is chosen from these (see BENCHMARKS.md). Times are not taken here:
the DevTools session the probe needs slows the worker down.
"""

from __future__ import annotations

import base64
from pathlib import Path

from benchmarks.common import CHROMIUM, CHROMIUM_ARGS, READY_TIMEOUT_MS, log, wait_for, wait_until_prepared
from benchmarks.devtools import WorkerProbe

MEMORY_PROBE = """(() => {
  const memories = [];
  globalThis.__benchWasmMemories = memories;
  const keep = (result) => {
    const instance = result.instance || result;
    for (const value of Object.values((instance && instance.exports) || {})) {
      if (value instanceof WebAssembly.Memory) memories.push(value);
    }
    return result;
  };
  const streaming = WebAssembly.instantiateStreaming, instantiate = WebAssembly.instantiate;
  WebAssembly.instantiateStreaming = (...args) => streaming.apply(WebAssembly, args).then(keep);
  WebAssembly.instantiate = (...args) => instantiate.apply(WebAssembly, args).then(keep);
})()"""

WASM_BYTES = "() => (globalThis.__benchWasmMemories || []).reduce((sum, m) => sum + m.buffer.byteLength, 0)"


def renderer_peak(browser) -> dict:
    """Peak and current resident memory of the renderer processes, the largest one (bytes)."""
    session = browser.new_browser_cdp_session()
    try:
        processes = session.send("SystemInfo.getProcessInfo")["processInfo"]
    finally:
        session.detach()
    best = {"peak": 0, "rss": 0}
    for process in processes:
        if process["type"] != "renderer":
            continue
        try:
            status = Path(f"/proc/{process['id']}/status").read_text()
        except OSError:
            continue
        fields = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith("Vm")}
        peak, rss = int(fields.get("VmHWM", 0)) * 1024, int(fields.get("VmRSS", 0)) * 1024
        if peak > best["peak"]:
            best = {"peak": peak, "rss": rss}
    return best


def one(playwright, url: str, path: Path, rows: int) -> dict:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        page = browser.new_context(service_workers="block").new_page()
        probe = WorkerProbe(page, "selfcheck-worker", MEMORY_PROBE)
        page.goto(url, wait_until="commit")
        wait_for(page, "window.selfCheck && window.selfCheck.checkRoster")
        wait_until_prepared(page)
        worker = next(w for w in page.workers if "selfcheck-worker" in w.url)
        before = {"wasm": worker.evaluate(WASM_BYTES),
                  "js_heap": probe.call("Runtime.getHeapUsage")["usedSize"],
                  **{f"tab_{k}": v for k, v in renderer_peak(browser).items()}}
        page.set_default_timeout(READY_TIMEOUT_MS * 2)
        page.evaluate("(b64) => { window.__benchRoster = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)); }",
                      base64.b64encode(path.read_bytes()).decode())
        figures = {"before": before, "file_bytes": path.stat().st_size}
        for step, annotate in (("after", False), ("annotated", True)):
            out = page.evaluate("""async (annotate) => {
                const start = performance.now();
                const report = await window.selfCheck.checkRoster(window.__benchRoster,
                                                                  {filename: "roster.xlsx", annotate});
                return {ms: performance.now() - start, rows_checked: report.rows_checked, fatal: report.fatal,
                        annotated: report.annotated_xlsx ? report.annotated_xlsx.byteLength : null};
            }""", annotate)
            if out["fatal"] or out["rows_checked"] != rows or (annotate and not out["annotated"]):
                raise RuntimeError(f"memory {rows}: checked {out['rows_checked']} rows, fatal {out['fatal']}")
            figures[step] = {"wasm": worker.evaluate(WASM_BYTES),
                             "js_heap": probe.call("Runtime.getHeapUsage")["usedSize"],
                             "ms_with_probe": out["ms"],
                             **{f"tab_{k}": v for k, v in renderer_peak(browser).items()}}
        if not before["wasm"]:
            raise RuntimeError("the memory probe saw no WebAssembly.Memory in the worker")
        return figures
    finally:
        browser.close()


def measure(playwright, base: str, paths: dict[int, Path]) -> dict:
    figures = {}
    for rows, path in paths.items():
        figures[rows] = one(playwright, base + "roster/", path, rows)
        b, a, m = (figures[rows][k] for k in ("before", "after", "annotated"))
        log(f"memory {rows} rows: wasm {b['wasm'] / 2**20:.0f} → {a['wasm'] / 2**20:.0f} MiB checked "
            f"→ {m['wasm'] / 2**20:.0f} MiB with the marked workbook; "
            f"worker JS heap {m['js_heap'] / 2**20:.0f} MiB; tab peak {a['tab_peak'] / 2**20:.0f} → "
            f"{m['tab_peak'] / 2**20:.0f} MiB")
    return figures

"""Where engine-ready time goes, self-check pages against bare Pyodide (warm visits).

Marks come from two places, neither of which changes the site:

* the page: an init script (STAGE_MARKS) wraps the Worker constructor before the page's own
  scripts run and marks, in the page, the moment the engine worker is created and the first
  message of each loading stage the worker reports (its progress messages: download, import;
  then ready). The bare worker only reports ready.
* the worker: its Resource Timing entries (read after ready) say when each file had arrived.

No DevTools session is added to the worker for this (an extra one slows wasm down); the timings of
engine_ready.py run without the init script.

    worker created          the page has parsed and run its scripts and created the worker
    download started        the worker has the page's runtime description and starts fetching
    wasm / stdlib arrived   pyodide.asm.wasm, python_stdlib.zip fully received
    last wheel arrived      the last of our wheels fully received
    loadPyodide returned    interpreter started, stdlib mounted, wheels installed ("import" stage)
    ready                   rules_py imported, ready received
    tools prepared          roster page: the roster checker and openpyxl imported, right after ready
"""

from __future__ import annotations

import statistics

from benchmarks.common import fresh_profile, log, wait_for, wait_until_bytecode_kept, wait_until_prepared
from benchmarks.engine_ready import PAGES, SETTLE_S

STAGE_MARKS = """(() => {
  const Native = window.Worker;
  if (!Native) return;
  const mark = (name) => { if (!performance.getEntriesByName(name).length) performance.mark(name); };
  function Worker(url, options) {
    const engine = /selfcheck-worker|bare-worker/.test(String(url));
    if (engine) mark("worker created");
    const worker = new Native(url, options);
    if (engine) {
      worker.addEventListener("message", (event) => {
        const m = event.data || {};
        if (m.type === "progress" && m.stage) mark("stage " + m.stage);
        if (m.type === "ready") mark("stage ready");
      });
    }
    return worker;
  }
  Worker.prototype = Native.prototype;
  window.Worker = Worker;
})()"""

READ_RESOURCES = """() => ({
  origin: performance.timeOrigin,
  resources: performance.getEntriesByType("resource").map((r) => [r.name, r.responseEnd]),
})"""

PAGE_MARKS = {"worker created": "worker created", "stage download": "download started",
              "stage import": "loadPyodide returned", "stage ready": "ready",
              "selfcheck-prepared": "tools prepared"}  # the last one is the page's own mark
ORDER = ("worker created", "download started", "wasm arrived", "stdlib arrived", "last wheel arrived",
         "loadPyodide returned", "ready", "tools prepared")


def visit(context, base: str, name: str) -> dict:
    path, global_name, promise, _ = PAGES[name]
    page = context.new_page()
    try:
        page.goto(base + path, wait_until="commit")
        wait_for(page, global_name)
        page.evaluate(f"() => {promise}")
        if name != "bare":
            wait_until_prepared(page)
            wait_until_bytecode_kept(page)
        marks = dict(page.evaluate("() => performance.getEntriesByType('mark').map(m => [m.name, m.startTime])"))
        page_origin = page.evaluate("() => performance.timeOrigin")
        worker = next(w for w in page.workers if "selfcheck-worker" in w.url or "bare-worker" in w.url)
        data = worker.evaluate(READ_RESOURCES)
        page.wait_for_timeout(SETTLE_S * 1000)
    finally:
        page.close()
    out = {label: marks[mark] for mark, label in PAGE_MARKS.items() if mark in marks}
    shift = data["origin"] - page_origin
    arrived = {}
    for url, end in data["resources"]:
        url = url.removesuffix(".gzip.bin")  # the packed copies (sitebuild/runtime.py)
        key = ("wasm arrived" if url.endswith(".wasm") else "stdlib arrived" if url.endswith("stdlib.zip")
               else "last wheel arrived" if url.endswith(".whl") else None)
        if key:
            arrived[key] = max(arrived.get(key, 0), end + shift)
    out.update(arrived)
    return out


def measure(playwright, base: str, runs: int, pages: tuple[str, ...]) -> dict:
    """Median time of each phase over ``runs`` warm visits of each page."""
    raw: dict[str, list[dict]] = {name: [] for name in pages}
    for run in range(runs):
        for name in pages if run % 2 == 0 else tuple(reversed(pages)):
            with fresh_profile(playwright) as context:
                context.add_init_script(STAGE_MARKS)
                for page in context.pages:
                    page.close()
                visit(context, base, name)          # the first visit fills the caches
                raw[name].append(visit(context, base, name))
    figures = {}
    for name, visits in raw.items():
        keys = [k for k in ORDER if all(k in v for v in visits)]
        figures[name] = {k: statistics.median(v[k] for v in visits) for k in keys}
        log(f"phases {name} (warm, median of {runs}): " + ", ".join(f"{k} {v:.0f}" for k, v in figures[name].items()))
    return figures

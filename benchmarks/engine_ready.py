"""Engine ready: page open → ``window.selfCheck.ready``, against a page that only boots Pyodide.

Each run opens the self-check page, the roster page and the bare-Pyodide page
(bench_site.BARE_DIR), alternating the order, each in a browser with a brand-new profile:

    cold   first visit: empty HTTP cache, no compiled wasm in the code cache
    warm   second visit in the same profile, after the first page stayed open until the worker
           had kept the standard library's bytecode (self-check pages) and then for SETTLE_S
           seconds (long enough for Chromium to write the wasm code cache)

The time is the page's own clock from navigation start to the moment the page learns the engine
is ready: the ``selfcheck-ready`` mark the page sets when the worker reports ready (the bare page
sets ``bare-ready`` the same way). Server hits per visit are kept, to show what the cache served.
The roster page's worker imports the roster checker and openpyxl right after ready; the moment it
has (the page's ``selfcheck-prepared`` mark) is reported too, as ``roster_<kind>_prepared``.
"""

from __future__ import annotations

from benchmarks.common import fresh_profile, log, ratio, summary, wait_for, wait_until_bytecode_kept, wait_until_prepared

SETTLE_S = 3.0

PAGES = {
    # name: (path under the served site, global to wait for, promise, performance mark)
    "selfcheck": ("selfcheck/", "window.selfCheck", "window.selfCheck.ready", "selfcheck-ready"),
    "roster": ("roster/", "window.selfCheck", "window.selfCheck.ready", "selfcheck-ready"),
    "bare": ("bench-bare/", "window.bare", "window.bare.ready", "bare-ready"),
}


def visit(context, server, base: str, name: str) -> dict:
    """Open one page in ``context``; returns {ms, prepared_ms, requests, not_modified} of that visit."""
    path, global_name, promise, mark = PAGES[name]
    before = len(server.served)
    page = context.new_page()
    try:
        page.goto(base + path, wait_until="commit")
        wait_for(page, global_name)
        ms = page.evaluate(f"""async () => {{
            await {promise};
            const mark = performance.getEntriesByName("{mark}")[0];
            return mark ? mark.startTime : performance.now();
        }}""")
        prepared_ms = wait_until_prepared(page) if name != "bare" else None
        if name != "bare":
            wait_until_bytecode_kept(page)
        page.wait_for_timeout(SETTLE_S * 1000)
    finally:
        page.close()
    hits = server.served[before:]
    return {"ms": ms, "prepared_ms": prepared_ms, "requests": len(hits), "not_modified": sum(1 for _, status in hits if status == 304)}


def measure(playwright, server, base: str, runs: int, pages: tuple[str, ...] = tuple(PAGES)) -> dict:
    """``runs`` cold + warm visits of each page, alternating the order run by run."""
    raw = {f"{name}_{kind}": [] for name in pages for kind in ("cold", "warm")}
    for run in range(runs):
        order = list(pages) if run % 2 == 0 else list(reversed(pages))
        for name in order:
            with fresh_profile(playwright) as context:
                for page in context.pages:  # the profile's initial blank tab
                    page.close()
                cold = visit(context, server, base, name)
                warm = visit(context, server, base, name)
            raw[f"{name}_cold"].append(cold)
            raw[f"{name}_warm"].append(warm)
            log(f"engine ready run {run + 1}/{runs} {name}: cold {cold['ms']:.0f} ms "
                f"({cold['requests']} requests), warm {warm['ms']:.0f} ms "
                f"({warm['requests']} requests, {warm['not_modified']} not modified)")
    figures = {key: summary([v["ms"] for v in visits]) for key, visits in raw.items()}
    for key, visits in raw.items():
        figures[key]["requests"] = [v["requests"] for v in visits]
        figures[key]["not_modified"] = [v["not_modified"] for v in visits]
        if all(v["prepared_ms"] is not None for v in visits):
            figures[f"{key}_prepared"] = summary([v["prepared_ms"] for v in visits])
    for name in pages:
        if name != "bare":
            for kind in ("cold", "warm"):
                for key in (f"{name}_{kind}", f"{name}_{kind}_prepared"):
                    if key in figures:
                        figures[key]["ratio"] = ratio(figures[key], figures[f"bare_{kind}"])
    return figures

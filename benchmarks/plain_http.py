"""Warm visits on plain http from a host that is not localhost: the trade-off of the packed runtime.

Cache Storage exists only in secure contexts (https, localhost). On plain http from another host
the worker unpacks the runtime from the HTTP cache on every visit, and the wasm it compiles comes
from a Response built from a decompressing stream, for which Chromium keeps no compiled code. This
measures what that costs on a second visit, against the same page on localhost (Cache Storage, code
cache) and against bare Pyodide on the plain-http host (the plain wasm from the HTTP cache, code
cache). The browser maps HOST to 127.0.0.1; the pages alternate run by run.

    python -m benchmarks.plain_http SITE [RUNS]      prints the medians as JSON
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks import bench_site
from benchmarks.common import fresh_profile, log, start_server
from benchmarks.engine_ready import visit

HOST = "jxjy.test"


def measure(playwright, tree: Path, runs: int) -> dict:
    server = start_server(tree)
    port = server.url.rsplit(":", 1)[1].strip("/")
    bases = {"localhost": server.url + "shipped/", "plain_http": f"http://{HOST}:{port}/shipped/"}
    cases = [("selfcheck", "localhost"), ("selfcheck", "plain_http"), ("bare", "plain_http")]
    raw: dict[str, list] = {f"{page}_{where}": [] for page, where in cases}
    try:
        for run in range(runs):
            for page, where in cases if run % 2 == 0 else list(reversed(cases)):
                with fresh_profile(playwright, (f"--host-resolver-rules=MAP {HOST} 127.0.0.1",)) as context:
                    for blank in context.pages:
                        blank.close()
                    cold = visit(context, server, bases[where], page)
                    warm = visit(context, server, bases[where], page)
                raw[f"{page}_{where}"].append({"cold": cold["ms"], "warm": warm["ms"], "requests": warm["requests"]})
                log(f"plain http run {run + 1}/{runs} {page} {where}: cold {cold['ms']:.0f} ms, "
                    f"warm {warm['ms']:.0f} ms ({warm['requests']} requests)")
    finally:
        server.close()
    return {key: {"cold": statistics.median(v["cold"] for v in visits),
                  "warm": statistics.median(v["warm"] for v in visits),
                  "warm_values": [round(v["warm"]) for v in visits],
                  "warm_requests": [v["requests"] for v in visits]} for key, visits in raw.items()}


if __name__ == "__main__":
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-plain-") as folder, sync_playwright() as p:
        bench_site.copy_site(Path(sys.argv[1]), Path(folder))
        print(json.dumps(measure(p, Path(folder), int(sys.argv[2]) if len(sys.argv) > 2 else 3), indent=1))

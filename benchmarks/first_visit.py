"""First visit over a slow link: page open → engine ready, against bare Pyodide from npm's files.

A visitor's first visit, as most visits are (people check once or twice a year), from a plain
static server on a phone's link:

* the server sends no Content-Encoding (as python's http.server, or nginx whose gzip_types does
  not list application/wasm);
* 3.2 Mbit/s shared by every connection, and 150 ms added before each response: the throttle is
  in the server (``ThrottledServer``), so the worker's requests are throttled like the page's;
* a browser with a brand-new profile per visit (common.fresh_profile).

Pages alternate run by run (the self-check page, the roster page, bench-bare/: npm's files as
shipped). *Bytes on the wire* are what the server wrote for that visit (bodies, not headers) until
the engine was ready and the page had been idle for a second and a half.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

from benchmarks.common import fresh_profile, log, ratio, summary, wait_for
from benchmarks.engine_ready import PAGES

RATE_BYTES_PER_S = 3.2e6 / 8
LATENCY_S = 0.150
CHUNK = 16 * 1024
IDLE_MS = 1500


class _Link:
    """One shared link: chunks from every connection queue for it in turn, at RATE_BYTES_PER_S."""

    def __init__(self, rate: float):
        self.rate = rate
        self.lock = threading.Lock()
        self.free_at = 0.0

    def send(self, size: int) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.free_at)
            self.free_at = start + size / self.rate
            wait = self.free_at - now
        time.sleep(wait)


class _ThrottledHandler(http.server.SimpleHTTPRequestHandler):
    link: _Link
    sent: list  # (path, status, body bytes)
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript", ".json": "application/json"}

    def do_GET(self):
        time.sleep(LATENCY_S)
        super().do_GET()

    def copyfile(self, source, outputfile):
        while chunk := source.read(CHUNK):
            self.link.send(len(chunk))
            outputfile.write(chunk)
            self._body += len(chunk)

    def send_head(self):
        self._body = 0
        return super().send_head()

    def log_request(self, code="-", size="-"):
        self._status = int(code) if str(code).isdigit() else 0

    def finish(self):
        super().finish()
        if hasattr(self, "_status"):
            self.sent.append((self.path, self._status, getattr(self, "_body", 0)))

    def log_message(self, format, *args):
        pass


class ThrottledServer:
    """A static server on 127.0.0.1 behind one shared slow link; ``sent`` logs every response."""

    def __init__(self, root: Path, rate: float = RATE_BYTES_PER_S):
        self.sent: list = []
        handler = type("Handler", (_ThrottledHandler,), {"link": _Link(rate), "sent": self.sent})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                       functools.partial(handler, directory=str(root)))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def visit(context, server: ThrottledServer, base: str, name: str) -> dict:
    path, global_name, promise, mark = PAGES[name]
    before = len(server.sent)
    page = context.new_page()
    try:
        page.goto(base + path, wait_until="commit", timeout=300_000)
        wait_for(page, global_name, timeout=300_000)
        ms = page.evaluate(f"""async () => {{
            await {promise};
            const mark = performance.getEntriesByName("{mark}")[0];
            return mark ? mark.startTime : performance.now();
        }}""")
        page.wait_for_timeout(IDLE_MS)
    finally:
        page.close()
    hits = server.sent[before:]
    return {"ms": ms, "bytes": sum(size for _, _, size in hits), "requests": len(hits),
            "files": sorted({p.rsplit("/", 1)[-1] for p, _, size in hits if size > 500_000})}


def measure(playwright, tree: Path, prefix: str, runs: int, pages: tuple[str, ...]) -> dict:
    """``runs`` first visits of each page over the throttled server, alternating the order."""
    server = ThrottledServer(tree)
    raw: dict[str, list] = {name: [] for name in pages}
    try:
        for run in range(runs):
            order = list(pages) if run % 2 == 0 else list(reversed(pages))
            for name in order:
                with fresh_profile(playwright) as context:
                    for blank in context.pages:
                        blank.close()
                    result = visit(context, server, server.url + prefix, name)
                raw[name].append(result)
                log(f"first visit run {run + 1}/{runs} {name}: ready {result['ms'] / 1000:.1f} s, "
                    f"{result['bytes'] / 1e6:.2f} MB in {result['requests']} responses")
    finally:
        server.close()
    figures = {}
    for name, visits in raw.items():
        figures[name] = summary([v["ms"] for v in visits])
        figures[name]["bytes"] = summary([v["bytes"] for v in visits])
        figures[name]["requests"] = [v["requests"] for v in visits]
        figures[name]["large_files"] = visits[0]["files"]
    for name in pages:
        if name != "bare":
            figures[name]["ratio"] = ratio(figures[name], figures["bare"])
    figures["link"] = {"mbit_s": RATE_BYTES_PER_S * 8 / 1e6, "latency_ms": LATENCY_S * 1000}
    return figures

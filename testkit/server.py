"""The static server of the browser tests and the benchmarks: serves a folder on 127.0.0.1 and logs
every (path, status) it answers, so a test can say what a page fetched."""

from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MIME_TYPES = {".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript",
                      ".json": "application/json", ".ics": "text/calendar",
                      ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass
class SiteServer:
    """A running test server: its base URL and the log of every (path, status) it answered."""

    url: str
    served: list = field(default_factory=list)
    _server: http.server.ThreadingHTTPServer | None = None

    def paths(self) -> list[str]:
        return [path for path, _ in self.served]

    def errors(self) -> list[tuple[str, int]]:
        return [(path, status) for path, status in self.served if status >= 400]

    def clear(self) -> None:
        self.served.clear()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _LoggingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder, records each request, keeps the console quiet."""

    served: list  # set per server

    def log_request(self, code="-", size="-"):
        self.served.append((self.path, int(code) if str(code).isdigit() else 0))

    def log_message(self, format, *args):
        pass


def start_server(root: Path, mime_types: dict[str, str] | None = None) -> SiteServer:
    """Serve ``root`` on 127.0.0.1 at a free port; ``mime_types`` override the defaults by suffix."""
    served: list = []
    handler = type("Handler", (_LoggingHandler,), {
        "served": served,
        "extensions_map": {**_LoggingHandler.extensions_map, **DEFAULT_MIME_TYPES, **(mime_types or {})},
    })
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="site-server", daemon=True).start()
    host, port = server.server_address[:2]
    return SiteServer(url=f"http://{host}:{port}/", served=served, _server=server)

"""Helpers of the browser tests: the build, the logging test server, phone contexts, request and
console recorders. conftest.py turns them into fixtures; tests import the rest from here."""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import json
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--disable-sync", "--disable-dev-shm-usage"]
PHONE = {"width": 375, "height": 812}
# The Pyodide the pages load: the version package.json pins (browser_runtime.py checks node_modules).
PYODIDE_VERSION = json.loads((ROOT / "package.json").read_text("utf-8"))["dependencies"]["pyodide"]
DEFAULT_MIME_TYPES = {".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript",
                      ".json": "application/json", ".ics": "text/calendar",
                      ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def load_build_module():
    """build.py as a module (it sits at the project root, outside any package)."""
    spec = importlib.util.spec_from_file_location("build", ROOT / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def build_site(out: Path) -> Path:
    """Run the whole build pipeline into ``out``/site (staging in ``out``/build); returns the site."""
    build = load_build_module()
    site, staging = out / "site", out / "build"
    status = build.main(["--site-dir", str(site), "--build-dir", str(staging)])
    assert status == 0, "build.py failed; see the log above"
    return site


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------

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


def new_phone_context(browser, **options):
    """A 375×812 touch context in Chinese, with service workers blocked."""
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                               locale="zh-CN", service_workers="block", **options)


@contextlib.contextmanager
def phone_page(browser, init_script: str | None = None, **options):
    """``(page, console errors)`` in a context of its own (``new_phone_context``), closed afterwards;
    ``init_script`` runs in every page and worker before their own scripts."""
    context = new_phone_context(browser, **options)
    try:
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        yield page, watch_console(page)
    finally:
        context.close()


def record_requests(context) -> list[str]:
    """Every URL the context requests from now on (pages and their workers)."""
    urls: list[str] = []
    context.on("request", lambda request: urls.append(request.url))
    return urls


def watch_console(page) -> list[str]:
    """Every console error and uncaught exception of ``page`` from now on."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    return errors


SCREENSHOTS = ROOT / "build" / "screenshots"


def screenshot(page, name: str, locator=None, full_page: bool = False) -> Path:
    """Save a phone-width screenshot as build/screenshots/<name>-375.png, for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-375.png"
    if locator is not None:
        locator.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=full_page)
    return path

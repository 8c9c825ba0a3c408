"""How the engine's runtime reaches the browser (sitebuild/runtime.py, selfcheck-worker.js): packed
copies unpacked in the worker, the plain files where DecompressionStream is missing, Cache Storage
on https and localhost, plain http without it, a server that compresses by itself, the site under
a sub-path, and a damaged file, which must give the page's Chinese error, not a hang; then the
standard library's bytecode the worker keeps for later visits, and a kept zip that cannot boot.

Each path is a first visit and a second one in the same browser profile, through a server of this
module that logs what it sends; every request must go to that server.
"""

from __future__ import annotations

import base64
import email.utils
import gzip
import http.server
import json
import ssl
import subprocess
import threading
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import pytest

from testkit import CHROMIUM, CHROMIUM_ARGS, DEFAULT_MIME_TYPES, PYODIDE_VERSION, phone_page
from testkit import roster_factory as rf

HOST = "jxjy.test"  # mapped to 127.0.0.1 in the browser: a host that is not "potentially trustworthy"
PERSON = """{application: {level: "none", year: 2025}, activities: [{year: 2025, kind: "public_online", hours: 30}]}"""
LARGE = ("pyodide.asm.wasm", "pyodide.asm.js", "python_stdlib.zip")
PACKED = tuple(name + ".gzip.bin" for name in LARGE)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the folder; optionally gzips every response itself or damages some files."""

    served: list
    gzip_all = False
    damaged: tuple[str, ...] = ()
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **DEFAULT_MIME_TYPES}

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        if path.name.endswith(self.damaged):
            data = data[:1000] + bytes([data[1000] ^ 0xFF]) + data[1001:]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Last-Modified", email.utils.formatdate(path.stat().st_mtime, usegmt=True))
        if self.gzip_all:
            data = gzip.compress(data, 6)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_request(self, code="-", size="-"):
        self.served.append(urllib.parse.urlsplit(self.path).path)

    def log_message(self, format, *args):
        pass


@contextmanager
def serve(folder: Path, *, tls: ssl.SSLContext | None = None, **options):
    served: list = []
    handler = type("Handler", (_Handler,), {"served": served, **options})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *args: handler(*args, directory=str(folder)))
    server.daemon_threads = True
    if tls:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], served
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def mapped_browser(playwright_instance):
    """Chromium resolving HOST to this machine, so a page can come from a host other than localhost."""
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {HOST} 127.0.0.1"])
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def tls_context(tmp_path_factory) -> ssl.SSLContext:
    """A self-signed certificate for HOST, made here with the openssl command."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def runtime_files(served: list[str]) -> list[str]:
    """The large runtime files a visit fetched, by name."""
    return sorted(path.rsplit("/", 1)[1] for path in served if path.endswith(LARGE + PACKED))


def without_decompression_stream(route) -> None:
    """The worker's script with DecompressionStream deleted before its body runs (an init script
    reaches the page, not its module worker)."""
    response = route.fetch()
    route.fulfill(response=response, body="delete globalThis.DecompressionStream;\n" + response.text())


def visit_twice(browser, url: str, worker_route=None, **context_options) -> list[dict]:
    """Open ``url`` twice in one profile; each visit's secure-context flag and every URL requested
    (page and worker). ``worker_route`` handles the request for the worker's script."""
    visits = []
    with phone_page(browser, **context_options) as (page, errors):
        if worker_route:
            page.context.route("**/selfcheck-worker.js", worker_route)
        requests: list[str] = []
        page.context.on("request", lambda request: requests.append(request.url))
        for _ in range(2):
            requests.clear()
            page.goto(url)
            info = page.evaluate("() => window.selfCheck.ready")
            assert info["pyodide"] == PYODIDE_VERSION and info["python"].startswith("3.14")
            result = page.evaluate(f"() => window.selfCheck.evaluate({PERSON})")
            assert result["years"][0]["public"] == 30
            visits.append({"secure": page.evaluate("() => window.isSecureContext"),
                           "requests": list(requests)})
        assert errors == []
    return visits


def assert_only(origin_and_path: str, visits: list[dict]) -> None:
    """Every request went to the test server, under ``origin_and_path``; the blob: URL of this
    origin is pyodide.asm.js, imported after unpacking."""
    blob = "blob:" + origin_and_path.split("/", 3)[0] + "//" + origin_and_path.split("/", 3)[2] + "/"
    for visit in visits:
        strays = [url for url in visit["requests"] if not url.startswith((origin_and_path, blob))]
        assert strays == [], strays


def test_localhost_first_visit_fetches_packed_copies_and_the_second_none(browser, built_site):
    with serve(built_site) as (port, served):
        origin = f"http://127.0.0.1:{port}/"
        visits = visit_twice(browser, origin + "selfcheck/")
        # The first visit fetched the three packed copies; the second, none (Cache Storage).
        assert runtime_files(served) == sorted(PACKED)
    assert all(visit["secure"] for visit in visits)
    assert_only(origin, visits)


def test_without_decompression_stream_the_plain_files_are_used(browser, built_site):
    with serve(built_site) as (port, served):
        origin = f"http://127.0.0.1:{port}/"
        visits = visit_twice(browser, origin + "selfcheck/", without_decompression_stream)
        assert runtime_files(served) == sorted(LARGE)  # the second visit: from Cache Storage
    assert_only(origin, visits)


def test_plain_http_without_cache_storage(mapped_browser, built_site):
    """A host that is not localhost over http: no Cache Storage, so each visit unpacks again
    (from the HTTP cache or the network); never the plain files."""
    with serve(built_site) as (port, served):
        origin = f"http://{HOST}:{port}/"
        visits = visit_twice(mapped_browser, origin + "selfcheck/")
        assert set(runtime_files(served)) == set(PACKED)
    assert [visit["secure"] for visit in visits] == [False, False]
    assert_only(origin, visits)


def test_https_with_a_self_signed_certificate(mapped_browser, built_site, tls_context):
    with serve(built_site, tls=tls_context) as (port, served):
        origin = f"https://{HOST}:{port}/"
        visits = visit_twice(mapped_browser, origin + "selfcheck/", ignore_https_errors=True)
        assert runtime_files(served) == sorted(PACKED)  # the second visit: from Cache Storage
    assert [visit["secure"] for visit in visits] == [True, True]
    assert_only(origin, visits)


def test_a_server_that_compresses_everything_itself(mapped_browser, built_site):
    """Content-Encoding: gzip on every response, the packed copies included (as a server whose
    gzip_types lists everything would send them): the browser undoes it, the worker unpacks ours."""
    with serve(built_site, gzip_all=True) as (port, served):
        origin = f"http://{HOST}:{port}/"
        visits = visit_twice(mapped_browser, origin + "roster/")
        assert set(runtime_files(served)) == set(PACKED)
    assert_only(origin, visits)


def test_the_site_under_a_sub_path(browser, built_site, tmp_path):
    (tmp_path / "jxjy").symlink_to(built_site, target_is_directory=True)
    with serve(tmp_path) as (port, served):
        origin = f"http://127.0.0.1:{port}/jxjy/"
        visits = visit_twice(browser, origin + "roster/")
        assert all(path.startswith("/jxjy/") for path in served), served
        assert runtime_files(served) == sorted(PACKED)
    assert_only(origin, visits)


CHECK_BYTES = """async ([b64, filename]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return window.selfCheck.checkRoster(bytes.buffer, {filename});
}"""


def test_the_xls_reader_comes_only_with_an_xls_file(browser, built_site):
    """The roster page's first visit fetches the .xlsx readers, not the .xls one (xlrd): an .xls
    file brings it, once, and gets the report CPython gives; an .xlsx never does."""
    from rules_py.browser import roster_json
    from testkit import office

    rows = rf.people(6)
    rows[2]["id_number"] = rows[2]["id_number"][:17] + ("0" if rows[2]["id_number"][17] != "0" else "1")
    xlsx = rf.custom(rows)
    xls = office.convert(xlsx, office.XLS)
    with serve(built_site) as (port, served), phone_page(browser) as (page, errors):
        page.goto(f"http://127.0.0.1:{port}/roster/")
        page.evaluate("() => window.selfCheck.ready")
        fetched = lambda: [path for path in served if "/xlrd-" in path]  # noqa: E731
        page.evaluate(CHECK_BYTES, [base64.b64encode(xlsx).decode(), "花名册.xlsx"])
        assert fetched() == [] and any("/openpyxl-" in path for path in served)
        for _ in range(2):
            report = page.evaluate(CHECK_BYTES, [base64.b64encode(xls).decode(), "花名册.xls"])
        assert len(fetched()) == 1
        assert report == json.loads(roster_json(xls, "花名册.xls", False, False)[0])
        assert report["summary"]["by_code"].get("id_checksum") == 1
        assert errors == []


@pytest.mark.parametrize("damaged", ["pyodide.asm.wasm.gzip.bin", "python_stdlib.zip.gzip.bin",
                                     "pyodide.asm.js.gzip.bin"])
def test_a_damaged_packed_file_gives_the_chinese_error(browser, built_site, damaged):
    """One byte changed on the server: the browser refuses the file (its SHA-256 differs from the
    build's), the page says so in Chinese with advice, within seconds, and nothing is kept."""
    with serve(built_site, damaged=(damaged,)) as (port, served):
        with phone_page(browser) as (page, _):
            page.goto(f"http://127.0.0.1:{port}/selfcheck/")
            status = page.locator("#sc-status.sc-alert")
            status.wait_for(timeout=60_000)
            text = status.inner_text()
            assert "自查程序未能加载" in text and "可以试试" in text
            rejected = page.evaluate("() => window.selfCheck.ready.then(() => 'resolved', e => e.message)")
            assert rejected == "自查程序未能加载。"
            kept = page.evaluate("""async () => (await (await caches.open("selfcheck-runtime")).keys())
                                    .map((request) => request.url.split("/").pop())""")
            assert damaged.removesuffix(".gzip.bin") not in kept
        assert damaged in runtime_files(served)


# The worker's ready message, which the page keeps to itself: recorded by wrapping Worker.
RECORD_READY = """(() => {
  const Native = window.Worker;
  if (!Native) return;
  function Worker(url, options) {
    const worker = new Native(url, options);
    worker.addEventListener("message", (event) => {
      if (event.data?.type === "ready") window.__engineReady = event.data;
    });
    return worker;
  }
  Worker.prototype = Native.prototype;
  window.Worker = Worker;
})()"""
COMPILED = "python_stdlib.pyc.zip"
KEPT = """async () => (await (await caches.open("selfcheck-runtime")).keys())
          .map((request) => request.url.split("/").pop())"""
KEPT_SIZE = f"""async () => {{
  const cache = await caches.open("selfcheck-runtime");
  const key = (await cache.keys()).find((request) => request.url.endsWith({COMPILED!r}));
  return key ? (await (await cache.match(key)).arrayBuffer()).byteLength : 0;
}}"""
CHECK_ROSTER = """async (data) => JSON.stringify(await window.selfCheck.checkRoster(new Uint8Array(data).buffer))"""


def ready_message(page) -> dict:
    page.evaluate("() => window.selfCheck.ready")
    return page.evaluate("() => window.__engineReady")


def wait_until_kept(page, larger_than: int = 0) -> int:
    """The size of the kept bytecode zip, once it is larger than ``larger_than`` (polled here:
    wait_for_function takes a pending Promise for a true value)."""
    for _ in range(180):
        size = page.evaluate(KEPT_SIZE)
        if size > larger_than:
            return size
        page.wait_for_timeout(500)
    raise AssertionError(f"no bytecode zip larger than {larger_than} bytes kept within 90 s")


def test_later_visits_import_the_bytecode_an_earlier_one_kept(browser, built_site):
    """After booting, the worker compiles the standard library modules the visit imported from
    source and keeps the zip with their bytecode in Cache Storage; later visits boot from it, the
    roster page's first adding the modules only it imports, and answer as before."""
    roster = list(rf.from_form(rf.people(3)))
    with serve(built_site) as (port, _), phone_page(browser, RECORD_READY) as (page, errors):
        origin = f"http://127.0.0.1:{port}/"
        stdlib, reports, kept = [], [], 0
        for path in ("selfcheck/", "selfcheck/", "roster/", "roster/"):
            page.goto(origin + path)
            stdlib.append(ready_message(page)["runtime"]["stdlib"])
            result = page.evaluate(f"() => window.selfCheck.evaluate({PERSON})")
            assert result["years"][0]["public"] == 30
            if path == "roster/":
                reports.append(json.loads(page.evaluate(CHECK_ROSTER, roster)))
            if len(stdlib) in (1, 3):  # the visits that imported modules from source
                kept = wait_until_kept(page, kept)
        assert errors == []
    assert stdlib == ["network", "compiled", "compiled", "compiled"]
    assert reports[0] == reports[1] and reports[0]["summary"]["errors"] == 0


def test_a_broken_kept_bytecode_zip_is_dropped(browser, built_site):
    """A kept zip that cannot boot (here not a zip at all): the page gives its Chinese error, the
    worker drops the zip, and the next visit boots from the checked files again."""
    with serve(built_site) as (port, _), phone_page(browser, RECORD_READY) as (page, _):
        origin = f"http://127.0.0.1:{port}/"
        page.goto(origin + "selfcheck/")
        ready_message(page)
        wait_until_kept(page)
        page.evaluate(f"""async () => {{
            const cache = await caches.open("selfcheck-runtime");
            const key = (await cache.keys()).find((request) => request.url.endsWith({COMPILED!r}));
            await cache.put(key, new Response("not a zip", {{headers: {{"content-type": "application/zip"}}}}));
        }}""")
        page.goto(origin + "selfcheck/")
        status = page.locator("#sc-status.sc-alert")
        status.wait_for(timeout=60_000)
        assert "自查程序未能加载" in status.inner_text()
        for _ in range(20):  # dropped when the boot failed, which the page has just shown
            if COMPILED not in page.evaluate(KEPT):
                break
            page.wait_for_timeout(500)
        assert COMPILED not in page.evaluate(KEPT)
        page.goto(origin + "selfcheck/")
        assert ready_message(page)["runtime"]["stdlib"] == "cache"

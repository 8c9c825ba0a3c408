"""Weight: the bytes each page makes a first-time visitor download, raw and gzip-compressed.

Every HTML page of the site is opened in a fresh context (empty cache) and left until it is done:
a self-check page until its engine is ready, any other page until the network has been idle.
The files fetched are the server's own log for that visit (page, scripts, styles, the search
index, workers and everything they fetch), so nothing the page loads is missed.

    raw    the files' sizes: what a server without compression sends (python -m http.server)
    gzip   each file gzip-compressed (level 6, a typical server setting), except formats that are
           compressed already (.zip, .whl, .xlsx, .png, .jpg, .gz, .woff2, and the runtime's packed .gzip.bin), which count as raw

A page that is not a self-check page must fetch nothing of the runtime (RUNTIME_PREFIXES).
"""

from __future__ import annotations

import gzip
import urllib.parse
from pathlib import Path

from benchmarks.common import fresh_profile, log, wait_for

RUNTIME_PREFIXES = ("assets/pyodide/", "assets/wheels/", "assets/selfcheck/")
PRECOMPRESSED = (".zip", ".whl", ".xlsx", ".png", ".jpg", ".jpeg", ".gz", ".bin", ".woff2", ".webp")
IDLE_MS = 1500


def selfcheck_paths() -> set[str]:
    """URL paths ("selfcheck/") of the pages whose front matter says ``selfcheck: true``, from
    site_src/ and the templated pages (templates/*.md.j2)."""
    import re

    from benchmarks.common import ROOT

    found = set()
    sources = [(p, p.relative_to(ROOT / "site_src").as_posix()) for p in (ROOT / "site_src").rglob("*.md")]
    sources += [(p, p.name.removesuffix(".j2")) for p in (ROOT / "templates").glob("*.md.j2")]
    for path, md_path in sources:
        text = path.read_text("utf-8")
        if text.startswith("---\n") and "\n---" in text[4:]:
            front_matter = text[4:text.index("\n---", 4)]  # templates hold jinja: no YAML parser
            if re.search(r"^selfcheck:\s*true\s*$", front_matter, re.M):
                found.add(_url_of(md_path))
    return found


def _url_of(md_path: str) -> str:
    """"selfcheck.md" → "selfcheck/", "index.md" → "", "a/index.md" → "a/" (use_directory_urls)."""
    stem = md_path.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("index") if stem.endswith("/index") else stem + "/"


def html_pages(site: Path, skip: tuple[str, ...]) -> list[str]:
    """URL paths of every page of the site: "", "notice/", … (404.html and ``skip`` left out)."""
    pages = []
    for path in sorted(site.rglob("index.html")):
        rel = path.parent.relative_to(site).as_posix()
        rel = "" if rel == "." else rel + "/"
        if not rel.startswith(skip):
            pages.append(rel)
    return pages


def file_of(site: Path, url_path: str) -> Path | None:
    rel = urllib.parse.unquote(urllib.parse.urlsplit(url_path).path).lstrip("/")
    path = site / rel
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def sizes(path: Path, cache: dict) -> tuple[int, int]:
    if path not in cache:
        data = path.read_bytes()
        packed = len(data) if path.suffix in PRECOMPRESSED else len(gzip.compress(data, 6, mtime=0))
        cache[path] = (len(data), packed)
    return cache[path]


def measure(playwright, server, tree: Path, prefix: str, skip: tuple[str, ...]) -> dict:
    """{page: {raw, gzip, files, runtime_files, selfcheck}} for every page under ``prefix``."""
    site = tree / prefix.strip("/")
    selfchecks = selfcheck_paths()
    cache: dict = {}
    pages = {}
    for page_path in html_pages(site, skip):
        is_selfcheck = page_path in selfchecks
        before = len(server.served)
        with fresh_profile(playwright) as context:
            page = context.new_page()
            if is_selfcheck:
                page.goto(server.url + prefix + page_path, wait_until="commit")
                wait_for(page, "window.selfCheck")
                page.evaluate("() => window.selfCheck.ready")
                page.wait_for_timeout(IDLE_MS)
            else:
                page.goto(server.url + prefix + page_path, wait_until="networkidle")
                page.wait_for_timeout(IDLE_MS)
        raw = packed = 0
        files, runtime_files, missing = [], [], []
        for url_path, status in server.served[before:]:
            rel = urllib.parse.urlsplit(url_path).path.removeprefix("/" + prefix)
            path = file_of(site, rel)
            if path is None or status >= 400:
                missing.append(f"{rel} ({status})")
                continue
            r, g = sizes(path, cache)
            raw += r
            packed += g
            files.append(rel)
            if rel.startswith(RUNTIME_PREFIXES):
                runtime_files.append(rel)
        name = "/" + page_path
        pages[name] = {"raw": raw, "gzip": packed, "requests": len(files), "selfcheck": is_selfcheck,
                       "runtime_files": runtime_files, "not_found": missing, "files": files}
        log(f"weight {name}: {raw / 1e6:.2f} MB raw, {packed / 1e6:.2f} MB gzip, {len(files)} files"
            + (f", {len(runtime_files)} runtime files" if runtime_files else ""))
    return pages

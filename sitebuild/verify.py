"""Checks of the built site, each returning its problems as lines: a CSP on every page, no reference
to another host (except the documented allow-list), every clause anchor present, every self-check
page's runtime present."""

from __future__ import annotations

import html.parser
import json
import re
import urllib.parse
from pathlib import Path


def find_problems(site_dir: Path, site: dict, notice) -> list[str]:
    """Every problem of the built site; ``site`` is templates/site.toml (the hosts pages may link to)."""
    problems = find_foreign_references(site_dir, link_hosts(site))
    problems += find_missing_csp(site_dir)
    problems += find_missing_anchors(site_dir, notice)
    problems += find_broken_engines(site_dir)
    return problems


SCANNED = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".webmanifest")

# Strings that look like URLs of other hosts but load nothing. Each is (file glob, URL prefix, why).
ALLOWED_FOREIGN = (
    ("*", "http://www.w3.org/", "XML namespaces of inline SVG and MathML; never fetched"),
    ("*", "https://www.w3.org/", "XML namespaces; never fetched"),
    ("sitemap.xml", "http://www.sitemaps.org/schemas/", "sitemap XML namespace; never fetched"),
    ("assets/javascripts/bundle.*.min.js", "https://unpkg.com/mermaid@",
     "Material loads Mermaid only for Mermaid diagrams; the site has none (privacy plugin excludes it)"),
    ("assets/javascripts/bundle.*.min.js", "https://api.github.com/", "repository facts, only with repo_url (unset)"),
    ("assets/javascripts/bundle.*.min.js", "https://gitlab.com/", "repository facts, only with repo_url (unset)"),
    ("assets/javascripts/bundle.*.min.js", "https://github.com/", "licence comment"),
    ("assets/javascripts/bundle.*.min.js", "https://squidfunk.github.io/", "licence comment"),
    ("assets/javascripts/workers/search.*.min.js", "https://github.com/", "licence comments of lunr"),
    ("assets/javascripts/workers/search.*.min.js", "http://", "licence comments of lunr"),
    ("assets/javascripts/lunr/*", "https://github.com/", "licence comments of lunr-languages"),
    ("assets/javascripts/lunr/*", "http://", "licence comments of lunr-languages"),
    ("assets/javascripts/bundle.*.min.js", "https://unpkg.com/resize-observer-polyfill",
     "Material loads it only in browsers without ResizeObserver (before 2020); script-src 'self' blocks it"),
    ("assets/javascripts/bundle.*.min.js", "https://clipboardjs.com/", "licence comment"),
    ("assets/javascripts/workers/search.*.min.js", "https://bit.ly/", "text of a console warning"),
    ("assets/javascripts/lunr/wordcut.js", "https://developer.mozilla.org/", "comment"),
    ("assets/stylesheets/*.css", "https://github.com/", "source-map and licence comments"),
    ("assets/stylesheets/main.*.min.css", "https://fontawesome.com", "licence comment inside an icon's SVG"),
    ("assets/pyodide/*/pyodide.js", "https://cdn.jsdelivr.net/pyodide/",
     "Pyodide's package CDN default, used only under Node; the worker passes a same-origin lock file"),
)

# A URL with a scheme, or a protocol-relative one ("//host/…") right after a quote, "(" or "=".
_URL = re.compile(r"""(?:https?:|(?<=["'(=`])\s*)//[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}(?::\d+)?[^\s"'<>)\\`]*""")
# Attributes through which HTML loads something (a plain <a href> is a link, not a load).
_LOADING_ATTRS = {"src", "srcset", "poster", "data", "action", "formaction", "background", "xlink:href",
                  "manifest", "codebase", "ping"}


def link_hosts(site: dict) -> set[str]:
    """Hosts a page may link to (never load from): the official platforms of templates/site.toml."""
    return {item["host"] for item in site["links"].values()}


def find_foreign_references(site_dir: Path, allowed_link_hosts: set[str]) -> list[str]:
    """Every reference to another host in the built files, except the documented allow-list."""
    problems = []
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file() or path.suffix not in SCANNED:
            continue
        rel = path.relative_to(site_dir).as_posix()
        text = path.read_text("utf-8", errors="replace")
        if path.suffix == ".html":
            problems += [f"{rel}: {p}" for p in _html_foreign(text, allowed_link_hosts)]
            continue
        for match in _URL.finditer(text):
            url = match.group(0)
            if rel.startswith("search/") and _host(url) in allowed_link_hosts:
                continue  # link targets quoted in the search index's page text
            if not _allowed(rel, url):
                problems.append(f"{rel}: refers to another host: {url[:120]}")
    return problems


def _html_foreign(text: str, allowed_link_hosts: set[str]) -> list[str]:
    scanner = _HtmlScanner()
    scanner.feed(text)
    problems = []
    for tag, attr, value in scanner.refs:
        if not _is_foreign(value):
            continue
        is_link = attr == "href" and tag == "a"
        if is_link and _host(value) in allowed_link_hosts:
            continue
        if attr in ("xmlns", "xmlns:xlink") and value.startswith(("http://www.w3.org/", "https://www.w3.org/")):
            continue
        kind = "links to" if is_link else "loads from"
        problems.append(f"<{tag} {attr}> {kind} another host: {value[:120]}")
    for chunk in scanner.inline:
        for match in _URL.finditer(chunk):
            if not _allowed("*.html", match.group(0)):
                problems.append(f"inline script/style refers to another host: {match.group(0)[:120]}")
    return problems


class _HtmlScanner(html.parser.HTMLParser):
    """Collects (tag, attribute, URL) for every URL-bearing attribute, and inline script/style text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []
        self.inline: list[str] = []
        self._in_inline = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in _LOADING_ATTRS or name in ("href", "xmlns", "xmlns:xlink"):
                for part in value.split(",") if name == "srcset" else [value]:
                    self.refs.append((tag, name, part.strip().split(" ")[0]))
            elif name == "style" or (tag == "meta" and name == "content" and "url=" in value.lower()):
                self.inline.append(value)
        self._in_inline = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._in_inline = False

    def handle_data(self, data):
        if self._in_inline:
            self.inline.append(data)


def _is_foreign(url: str) -> bool:
    parsed = urllib.parse.urlsplit(url.strip())
    return bool(parsed.netloc) or parsed.scheme not in ("", "data", "blob", "mailto", "tel")


def _host(url: str) -> str:
    return (urllib.parse.urlsplit(url if "//" in url else "//" + url).hostname or "").lower()


def _allowed(rel: str, url: str) -> bool:
    from fnmatch import fnmatch

    return any(fnmatch(rel, pattern) and url.startswith(prefix) for pattern, prefix, _ in ALLOWED_FOREIGN)


_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def find_missing_csp(site_dir: Path) -> list[str]:
    """Every HTML page must carry the CSP <meta>, with default-src 'self', before any script."""
    problems = []
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        text = path.read_text("utf-8")
        match = _CSP_META.search(text)
        if not match:
            problems.append(f"{rel}: no Content-Security-Policy <meta>")
            continue
        if "default-src 'self'" not in match.group(1):
            problems.append(f"{rel}: CSP lacks default-src 'self'")
        first_script = text.find("<script")
        if first_script != -1 and first_script < match.start():
            problems.append(f"{rel}: a <script> comes before the CSP <meta>")
    return problems


ENGINE_DATA = re.compile(r'<script type="application/json" id="selfcheck-engine">(.*?)</script>', re.S)


def find_broken_engines(site_dir: Path) -> list[str]:
    """A self-check page's engine must name a runtime and wheels that are in the site, and packages
    its lock file lists: the worker would otherwise fail on the visitor's phone, not here."""
    problems = []
    base = site_dir / "assets" / "selfcheck"  # the description's paths are relative to it
    for path in sorted(site_dir.rglob("*.html")):
        match = ENGINE_DATA.search(path.read_text("utf-8"))
        if not match:
            continue
        rel = path.relative_to(site_dir).as_posix()
        engine = json.loads(match.group(1))
        runtime = base / engine["index_url"]
        missing = [name for name in ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
                   if not (runtime / name).is_file()]
        lock_path = base / engine["lock_url"]
        if not lock_path.is_file():
            missing.append(engine["lock_url"])
        else:
            listed = json.loads(lock_path.read_text("utf-8"))["packages"]
            missing += [f"{name} (lock file)" for name in engine["packages"] if name not in listed]
            missing += [f"{name} (lock file, on demand)" for tool in engine.get("on_demand", {}).values()
                        for name in tool["packages"] if name not in listed]
            missing += [entry["file_name"] for entry in listed.values()
                        if not (lock_path.parent / entry["file_name"]).is_file()]
        problems += [f"{rel}: the self-check engine needs {name}, which the site lacks" for name in missing]
    return problems


_ID = re.compile(r'\sid="([^"]+)"')
_NOTICE_LINK = re.compile(r'href="((?:\.\./)*)notice/#([^"]+)"')


def find_missing_anchors(site_dir: Path, notice) -> list[str]:
    """Every clause of the notice data has an anchor on the notice page, and every link to one exists."""
    page = site_dir / "notice" / "index.html"
    if not page.exists():
        return ["notice/index.html is missing"]
    ids = set(_ID.findall(page.read_text("utf-8")))
    problems = [f"notice page has no anchor for clause {cid} ({notice.cite(cid)})"
                for cid in notice.clauses if cid not in ids]
    for path in sorted(site_dir.rglob("*.html")):
        for _, anchor in _NOTICE_LINK.findall(path.read_text("utf-8")):
            if anchor not in ids:
                problems.append(f"{path.relative_to(site_dir).as_posix()}: link to notice/#{anchor}, no such anchor")
    return problems

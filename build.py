"""Build the site into site/: notice, FAQ, forms and key dates, with no request to any other host.

    python build.py [--site-dir DIR] [--build-dir DIR]

The pipeline (``STEPS``) plans the browser runtime (the self-check pages name it), stages site_src/
into build/docs, writes the blank forms and the calendar file, renders the templated pages there
(FAQ examples computed by rules_py; the forms page shows the files' sizes, so it comes after
them), runs ``mkdocs build --strict`` into site/, copies the runtime in, and verifies the result:
a CSP on every page, no reference to another host, every cited clause anchor present, every
self-check page's runtime present. The same inputs give byte-identical files.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html.parser
import json
import logging
import os
import re
import shutil
import sys
import tomllib
import urllib.parse
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from rules_py.blank_forms import FIXED_TIME
from rules_py.dates import cn_date

ROOT = Path(__file__).resolve().parent
log = logging.getLogger("build")


@dataclass
class Build:
    """Where things are, and what the steps learn along the way."""

    root: Path
    build_dir: Path
    site_dir: Path
    notice: object = None
    site: dict = field(default_factory=dict)
    runtime: object = None  # browser_runtime.Runtime

    @property
    def docs(self) -> Path:
        return self.build_dir / "docs"

    @property
    def templates(self) -> Path:
        return self.root / "templates"


# ---------------------------------------------------------------------------------------------
# The pipeline
# ---------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    """Run every step in order; a failing step stops the build with its message."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s %(name)s: %(message)s")
    b = Build(ROOT, args.build_dir.resolve(), args.site_dir.resolve())
    try:
        run(b)
    except BuildError as error:
        log.error("%s", error)
        return 1
    log.info("site written to %s", b.site_dir)
    return 0


def run(b: Build) -> None:
    """The steps, in order, with the environment that makes the output reproducible."""
    with reproducible_environment():
        for step in STEPS:
            log.info("step: %s", step.__name__)
            step(b)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options: where to put the staged sources and the built site."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site", help="output (default: site/)")
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build", help="staging (default: build/)")
    return parser.parse_args(argv)


def load_data(b: Build) -> None:
    """Load the notice named in mkdocs.yml and the site facts of templates/site.toml."""
    from rules_py import load_notice

    config = _read_mkdocs_yml(b.root)
    b.notice = load_notice(config["extra"]["notice_id"])
    b.site = tomllib.loads((b.templates / "site.toml").read_text("utf-8"))


def stage_sources(b: Build) -> None:
    """Copy site_src/ into a fresh build/docs (mkdocs reads only from there)."""
    if b.docs.exists():
        shutil.rmtree(b.docs)
    shutil.copytree(b.root / "site_src", b.docs)


def render_pages(b: Build) -> None:
    """Render the templated pages (学时自查, 花名册自查 and its code list, then home, FAQ, forms, key
    dates) into build/docs. The tool pages come first: home and forms list every ``selfcheck: true``
    page."""
    env = _jinja_env(b)
    context = _page_context(b)
    context["roster"] = roster_context(b.notice)
    for name in ("selfcheck.md", "roster.md", "roster-codes.md"):
        (b.docs / name).write_text(env.get_template(f"{name}.j2").render(context), "utf-8")
    context["selfchecks"] = selfcheck_pages(b.docs)
    context["faq"] = _faq_entries(b, env, context)
    for name in ("index.md", "faq.md", "forms.md", "dates.md"):
        text = env.get_template(f"{name}.j2").render(context)
        (b.docs / name).write_text(text, "utf-8")


def roster_context(notice) -> dict:
    """What the roster pages show: every code of rules_py.roster, its limits, the form (附件2)."""
    from rules_py.forms import form_by_id
    from rules_py.roster import ROSTER_FORM, describe_codes

    return {**describe_codes(), "form": form_by_id(notice, ROSTER_FORM)}


def write_forms(b: Build) -> None:
    """Write the blank .xlsx forms (附件1, 附件2) into build/docs/forms/."""
    from rules_py.blank_forms import write_blank_forms

    paths = write_blank_forms(b.docs / "forms", b.notice)
    log.info("forms: %s", ", ".join(p.name for p in paths))


def write_calendar(b: Build) -> None:
    """Write the key dates as an .ics calendar into build/docs/dates/."""
    out = b.docs / "dates" / f"{b.notice.id}.ics"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(ics_calendar(b.notice, key_dates(b.notice)))


def run_mkdocs(b: Build) -> None:
    """mkdocs build --strict from build/docs into the site directory."""
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(b.root / "mkdocs.yml"), docs_dir=str(b.docs), site_dir=str(b.site_dir),
                         strict=True)
    try:
        build(config)
    except exceptions.Abort as error:
        raise BuildError(f"mkdocs: {error}") from None
    finally:
        config.plugins.on_shutdown()


def verify_site(b: Build) -> None:
    """Fail on a page without CSP, a reference to another host, or a missing clause anchor."""
    problems = find_foreign_references(b.site_dir, link_hosts(b.site))
    problems += find_missing_csp(b.site_dir)
    problems += find_missing_anchors(b.site_dir, b.notice)
    problems += find_broken_engines(b.site_dir)
    if problems:
        raise BuildError("verify: %d problem(s)\n  %s" % (len(problems), "\n  ".join(problems)))


def plan_runtime(b: Build) -> None:
    """Read the pinned Pyodide and build our wheels and their lock file (browser_runtime.py), so
    the self-check pages can name the runtime they start."""
    browser_runtime = _browser_runtime(b)
    try:
        b.runtime = browser_runtime.plan_runtime(b.root)
    except browser_runtime.RuntimeBuildError as error:
        raise BuildError(f"runtime: {error}") from None


def copy_runtime_and_wheels(b: Build) -> None:
    """Copy Pyodide (npm, pinned) and our wheels with their lock file into site/assets."""
    runtime = _browser_runtime(b).write_runtime(b.site_dir, b.notice.id, b.runtime)
    log.info("runtime: pyodide %s, %s, %.1f MB", runtime["pyodide"], runtime["lock_url"], runtime["bytes"] / 1e6)


def _browser_runtime(b: Build):
    if str(b.root) not in sys.path:  # build.py may be loaded by path (the tests do)
        sys.path.insert(0, str(b.root))
    from sitebuild import runtime as browser_runtime

    return browser_runtime


# To add a step: write the function, list it here.
STEPS = (load_data, plan_runtime, stage_sources, write_forms, write_calendar, render_pages, run_mkdocs,
         copy_runtime_and_wheels, verify_site)


class BuildError(RuntimeError):
    """A step found something wrong; the message says what and where."""


# ---------------------------------------------------------------------------------------------
# Reproducibility
# ---------------------------------------------------------------------------------------------

@contextlib.contextmanager
def reproducible_environment():
    """Fix the dates mkdocs stamps (sitemap, gzip header) and quiet the banners, then restore."""
    saved = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "NO_MKDOCS_2_WARNING")}
    # Any fixed value works; the same one the blank forms carry, so no date here looks like a notice fact.
    os.environ["SOURCE_DATE_EPOCH"] = str(int(FIXED_TIME.replace(tzinfo=dt.timezone.utc).timestamp()))
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    with contextlib.suppress(ImportError):
        import jieba
        jieba.setLogLevel(logging.WARNING)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _read_mkdocs_yml(root: Path) -> dict:
    import yaml

    return yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))


# ---------------------------------------------------------------------------------------------
# Page rendering
# ---------------------------------------------------------------------------------------------

def _jinja_env(b: Build):
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(b.templates)),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             autoescape=False, trim_blocks=True, lstrip_blocks=True)
    env.filters["hours"] = hours
    env.filters["cn_date"] = cn_date
    env.filters["header_field"] = _header_field
    env.filters["cite_md"] = lambda text: _link_citations(b.notice, text, "md", "notice.md")
    env.filters["cite_html"] = lambda text, base: _link_citations(b.notice, text, "html", base)
    return env


def _link_citations(notice, text: str, kind: str, base: str) -> str:
    """Turn every "通知 二（五）1" in ``text`` into a link to that clause (Markdown or escaped HTML)."""
    import markupsafe

    by_citation = {c.citation: cid for cid, c in notice.clauses.items()}
    pattern = re.compile("|".join(re.escape(c) for c in sorted(by_citation, key=len, reverse=True)))
    out, last = [], 0
    for match in pattern.finditer(text):
        plain = text[last:match.start()]
        cid = by_citation[match.group(0)]
        if kind == "md":
            out += [plain, f"[{match.group(0)}]({base}#{cid})"]
        else:
            out += [str(markupsafe.escape(plain)),
                    f'<a href="{base}#{cid}">{markupsafe.escape(match.group(0))}</a>']
        last = match.end()
    tail = text[last:]
    out.append(tail if kind == "md" else str(markupsafe.escape(tail)))
    return "".join(out)


def _header_field(line: str) -> str:
    """"联系人：" → "联系人"; "填报日期：　　年　　月　　日" → "填报日期"; "计划年度：2025年" stays."""
    name, _, rest = line.partition("：")
    return name if not rest.strip("\u3000 年月日") else line


def _page_context(b: Build) -> dict:
    """What every template may use: the notice's numbers and dates, links, helpers."""
    from rules_py import wording
    from rules_py.forms import forms_for

    n = b.notice
    filing = n.data["filing"]
    links = b.site["links"]

    def cite(clause_id: str, *, title: bool = False) -> str:
        clause = n.clause(clause_id)
        if title:
            return f"[{clause.citation} {clause.title}](notice.md#{clause_id})"
        return f"[{clause.citation}](notice.md#{clause_id}){{ .cite }}"

    def link(key: str) -> str:
        item = links[key]
        return f"[{item['name']}]({item['url']})（{item['host']}）"

    def tel(number: str) -> str:
        return f"[{number}](tel:{number.replace('-', '')}){{ .tel }}"

    month, day = (int(x) for x in n.exemptions["age_reference"].split("-"))
    return {
        "n": n,
        "year": n.year,
        "title": n.title,
        "issuer": n.data["issuer"],
        "issued": n.issued,
        "basis": n.data["basis"],
        "enquiry_phone": n.data["enquiry_phone"],
        "rules_version": n.rules_version,
        "req": n.requirements,
        "ty": n.data["training_year"],
        "filing": filing,
        "report_weeks": filing["training_report_within_days"] // 7,
        "ex": n.exemptions,
        "windows": n.windows,
        "assessment_hint": n.assessment["hint"],
        "age_reference": f"{month}月{day}日",
        "mph": n.minutes_per_hour,
        "links": links,
        "contacts": b.site["contacts"],
        "forms": forms_for(n),
        "form_files": {f.id: f"forms/{f.filename}" for f in forms_for(n)},
        "form_sizes": {f.id: _size_text(b.docs / "forms" / f.filename) for f in forms_for(n)},
        "column_letter": lambda index: chr(ord("A") + index),
        "dates": key_dates(n),
        "calendar_file": f"dates/{n.id}.ics",
        "selfchecks": selfcheck_pages(b.docs),
        "level_names": wording.LEVEL_NAMES,
        "status_names": wording.STATUS_NAMES,
        "subject_names": wording.SUBJECT_NAMES,
        "circumstance_names": wording.CIRCUMSTANCE_NAMES,
        "activity_labels": {k: v["label"] for k, v in n.activity_kinds.items()},
        "clause_of": n.clause,
        "cite": cite,
        "link": link,
        "tel": tel,
        "tels": lambda numbers: "、".join(tel(x) for x in numbers),
        "short_label": lambda label: label.split("（")[0],
        "date": cn_date,
        "hours": hours,
        # A self-check page's engine: its tools and the runtime it starts, as one line of JSON
        # for the front matter (templates/overrides/main.html writes it into the page <head>).
        "engine": lambda *tools: json.dumps(b.runtime.describe(tools), sort_keys=True),
    }


def _faq_entries(b: Build, env, context: dict) -> list[dict]:
    """The FAQ of templates/faq.toml with answers rendered and each example run through the engine."""
    from rules_py import evaluate

    data = tomllib.loads((b.templates / "faq.toml").read_text("utf-8"))
    entries = []
    for raw in data["faq"]:
        for clause_id in raw["clauses"]:
            b.notice.clause(clause_id)  # unknown id → NoticeDataError names it
        examples = []
        for i, ex in enumerate(raw.get("examples", []), start=1):
            result = evaluate(ex["person"])
            status = result["application"]["status"]
            if status != ex["expect"]:
                raise BuildError(f"faq {raw['id']} example {i}: the text assumes status {ex['expect']!r}, "
                                 f"the engine says {status!r}; fix the example or the engine")
            local = dict(context, r=result, person=ex["person"],
                         y=lambda year, r=result: _year_of(r, year),
                         credit=lambda index, r=result: _credit_of(r, index))
            credits = {c["activity"]: c for block in result["years"] for c in block["credits"]}
            examples.append({"id": f"{raw['id']}-{i}", "title": ex["title"], "person": ex["person"],
                             "r": result, "credits": credits,
                             "text": env.from_string(ex.get("text", "")).render(local).strip()})
        entries.append({"id": raw["id"], "q": env.from_string(raw["q"]).render(context).strip(),
                        "a": env.from_string(raw["a"]).render(context).strip(),
                        "clauses": raw["clauses"], "examples": examples})
    return entries


def _year_of(result: dict, year: int) -> dict:
    for block in result["years"]:
        if block["year"] == year:
            return block
    raise BuildError(f"example result has no year {year}")


def _credit_of(result: dict, index: int) -> dict:
    for block in result["years"]:
        for credit in block["credits"]:
            if credit["activity"] == index:
                return credit
    raise BuildError(f"example result credits nothing to activity {index}")


def selfcheck_pages(docs: Path) -> list[dict]:
    """Pages under build/docs whose front matter says ``selfcheck: true`` (title and path), in the
    order their front matter gives (``order``, default 1), then by path."""
    import yaml

    found = []
    for path in sorted(docs.rglob("*.md")):
        text = path.read_text("utf-8")
        if not text.startswith("---\n"):
            continue
        meta = yaml.safe_load(text[4:text.index("\n---", 4)]) or {}
        if meta.get("selfcheck"):
            found.append({"title": meta.get("title", path.stem), "path": path.relative_to(docs).as_posix(),
                          "description": meta.get("description", ""), "order": meta.get("order", 1)})
    return sorted(found, key=lambda page: page["order"])


def hours(value, gap: bool = False) -> str:
    """Hours as people read them: at most one decimal; a gap rounds up, an amount rounds down."""
    from rules_py.wording import hours as engine_hours

    return engine_hours(Fraction(value), round_up=gap)


def _size_text(path: Path) -> str:
    if not path.exists():
        raise BuildError(f"{path} was not written; write_forms must run before render_pages")
    return f"{max(1, round(path.stat().st_size / 1024))} KB"


# ---------------------------------------------------------------------------------------------
# Key dates and the calendar file
# ---------------------------------------------------------------------------------------------

def key_dates(notice) -> list[dict]:
    """The dates of the notice in order, each with its clause; `alarm_days` sets a reminder."""
    ty, filing = notice.data["training_year"], notice.data["filing"]
    return [
        {"key": "training-year-start", "date": ty["start"], "clause": ty["clause"],
         "summary": f"{notice.year}年度继续教育培训开始", "alarm_days": None,
         "text": ty["quote"]},
        {"key": "notice-issued", "date": notice.issued, "clause": None,
         "summary": "通知印发", "alarm_days": None,
         "text": f"{notice.data['issuer']}印发《{notice.title}》。"},
        {"key": "roster-deadline", "date": filing["roster_deadline"], "clause": filing["clause"],
         "summary": f"花名册和专业科目培训计划报备截止（{cn_date(filing['roster_deadline'])}前）",
         "what": "行业主管部门报备花名册和专业科目培训计划，逾期不予受理",
         "alarm_days": 7, "text": filing["quote"]},
        {"key": "training-year-end", "date": ty["end"], "clause": ty["clause"],
         "summary": f"{notice.year}年度继续教育培训截止", "alarm_days": 30, "text": ty["quote"]},
    ]


def ics_calendar(notice, dates: list[dict]) -> bytes:
    """An iCalendar file (RFC 5545) of the dated events; fixed DTSTAMP so builds are identical."""
    stamp = notice.issued.strftime("%Y%m%dT000000Z")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{notice.id}//continuing-education site//ZH",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", _ics_text("X-WR-CALNAME", f"{notice.year}年继续教育重要日期")]
    for item in dates:
        if item["clause"] is None:
            continue
        day = item["date"]
        cite = notice.cite(item["clause"])
        lines += ["BEGIN:VEVENT", f"UID:{notice.id}-{item['key']}", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
                  _ics_text("SUMMARY", item["summary"]),
                  _ics_text("DESCRIPTION", f"{item['text']}（{cite}）\n依据：{notice.data['issuer']}《{notice.title}》"),
                  "TRANSP:TRANSPARENT"]
        if item["alarm_days"]:
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"TRIGGER:-P{item['alarm_days']}D",
                      _ics_text("DESCRIPTION", item["summary"]), "END:VALARM"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_ics_fold(line) + "\r\n" for line in lines).encode("utf-8")


def _ics_text(name: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return f"{name}:{escaped}"


def _ics_fold(line: str, limit: int = 75) -> str:
    """Fold at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1)."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


# ---------------------------------------------------------------------------------------------
# Verification of the built site
# ---------------------------------------------------------------------------------------------

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


_ID = re.compile(r'\sid="([^"]+)"')
_NOTICE_LINK = re.compile(r'href="((?:\.\./)*)notice/#([^"]+)"')


_ENGINE_DATA = re.compile(r'<script type="application/json" id="selfcheck-engine">(.*?)</script>', re.S)


def find_broken_engines(site_dir: Path) -> list[str]:
    """A self-check page's engine must name a runtime and wheels that are in the site, and packages
    its lock file lists: the worker would otherwise fail on the visitor's phone, not here."""
    problems = []
    base = site_dir / "assets" / "selfcheck"  # the description's paths are relative to it
    for path in sorted(site_dir.rglob("*.html")):
        match = _ENGINE_DATA.search(path.read_text("utf-8"))
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
            missing += [entry["file_name"] for entry in listed.values()
                        if not (lock_path.parent / entry["file_name"]).is_file()]
        problems += [f"{rel}: the self-check engine needs {name}, which the site lacks" for name in missing]
    return problems


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


if __name__ == "__main__":
    sys.exit(main())

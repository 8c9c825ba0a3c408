"""The site build: byte-identical twice over, guarded against other hosts, the notice kept word for
word, and the FAQ's worked examples in step with a fresh ``evaluate`` call."""

from __future__ import annotations

import datetime as dt
import hashlib
import html.parser
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import build
from rules_py import evaluate, load_notice
from sitebuild.context import hours
from sitebuild.faq import example_applies, example_person, load_faq
from sitebuild.verify import ENGINE_DATA

ROOT = Path(__file__).resolve().parents[1]
SEED = Path(__file__).parent / "data" / "notice-songshan-2025.txt"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path]:
    """The whole pipeline run twice, into two different folders."""
    sites = []
    for name in ("first", "second"):
        out = tmp_path_factory.mktemp(name)
        assert build.main(["--site-dir", str(out / "site"), "--build-dir", str(out / "build")]) == 0
        sites.append(out / "site")
    return sites[0], sites[1]


@pytest.fixture(scope="module")
def site(two_builds) -> Path:
    return two_builds[0]


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------------------------
# Reproducible
# ---------------------------------------------------------------------------------------------

def test_building_twice_gives_identical_trees(two_builds):
    first, second = (_tree(site) for site in two_builds)
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
    assert {"index.html", "notice/index.html", "faq/index.html", "forms/index.html", "dates/index.html",
            "privacy/index.html", "sitemap.xml.gz", "search/search_index.json"} <= set(first)


# ---------------------------------------------------------------------------------------------
# The verify step
# ---------------------------------------------------------------------------------------------

def _verify(site_dir: Path, tmp_path: Path) -> None:
    b = build.Build(ROOT, tmp_path / "build", site_dir)
    build.load_data(b)
    build.verify_site(b)


def _copy(site: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    return copy


def test_verify_passes_on_the_built_site(site, tmp_path):
    _verify(site, tmp_path)
    faq = (site / "faq" / "index.html").read_text("utf-8")
    assert 'href="http://nmgcf.chinahrt.com/"' in faq and 'href="https://www.nmgrck.cn/"' in faq


PLANTED = [
    pytest.param("notice/index.html", "</body>", '<img src="https://cdn.example.com/x.png"></body>',
                 "cdn.example.com", id="html-img"),
    pytest.param("index.html", "</head>", '<link rel="stylesheet" href="//fonts.example.com/a.css"></head>',
                 "fonts.example.com", id="html-protocol-relative-css"),
    pytest.param("faq/index.html", "</body>", '<script src="https://js.example.net/t.js"></script></body>',
                 "js.example.net", id="html-script"),
    pytest.param("forms/index.html", "</body>", '<a href="https://example.org/">elsewhere</a></body>',
                 "example.org", id="html-link-to-unlisted-host"),
    pytest.param("dates/index.html", "</body>", '<div style="background:url(https://img.example.com/b.png)"></div></body>',
                 "img.example.com", id="html-inline-style"),
    pytest.param("assets/css/site.css", None, "body { background: url(https://img.example.com/bg.png); }",
                 "img.example.com", id="css-url"),
    pytest.param("assets/js/site.js", None, 'fetch("https://api.example.com/track");',
                 "api.example.com", id="js-fetch"),
    pytest.param("assets/js/site.js", None, 'const u = "//beacon.example.com/p";',
                 "beacon.example.com", id="js-protocol-relative"),
]


@pytest.mark.parametrize("rel, anchor, planted, host", PLANTED)
def test_verify_catches_a_planted_external_reference(site, tmp_path, rel, anchor, planted, host):
    copy = _copy(site, tmp_path)
    target = copy / rel
    text = target.read_text("utf-8")
    target.write_text(text.replace(anchor, planted, 1) if anchor else text + "\n" + planted + "\n", "utf-8")
    with pytest.raises(build.BuildError, match=re.escape(host)) as caught:
        _verify(copy, tmp_path)
    assert rel in str(caught.value)


def test_verify_catches_a_missing_clause_anchor_and_a_missing_csp(site, tmp_path):
    copy = _copy(site, tmp_path)
    notice = copy / "notice" / "index.html"
    notice.write_text(notice.read_text("utf-8").replace('id="s2-5-1"', 'id="renamed"'), "utf-8")
    dates = copy / "dates" / "index.html"
    dates.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", dates.read_text("utf-8")),
                     "utf-8")
    with pytest.raises(build.BuildError) as caught:
        _verify(copy, tmp_path)
    message = str(caught.value)
    assert "clause s2-5-1" in message                       # the notice page lost the anchor
    assert "faq/index.html: link to notice/#s2-5-1" in message  # and the FAQ still links to it
    assert "dates/index.html: no Content-Security-Policy" in message


def test_self_check_pages_start_their_engine_from_the_head(site):
    """Each tool page names, in its <head>, the runtime of this build and the packages its tool
    needs, and starts the engine before any stylesheet, at high priority; other pages start no
    engine."""
    runtime = json.loads((site / "assets/selfcheck/runtime.json").read_text("utf-8"))
    for rel, packages in (("selfcheck/index.html", ["rules-py"]),
                          ("roster/index.html", ["rules-py", "defusedxml", "openpyxl"])):
        head = (site / rel).read_text("utf-8").split("</head>")[0]
        engine = json.loads(ENGINE_DATA.search(head).group(1))
        assert (engine["index_url"], engine["lock_url"]) == (runtime["index_url"], runtime["lock_url"]), rel
        assert engine["packages"] == packages, rel
        start = '<script type="module" async fetchpriority="high" src="../assets/js/selfcheck-start.js">'
        assert start in head and head.index(start) < head.index('<link rel="stylesheet"'), rel
    for rel in ("index.html", "faq/index.html", "notice/index.html"):
        assert "selfcheck-start.js" not in (site / rel).read_text("utf-8"), rel


def test_verify_catches_an_engine_without_its_files(site, tmp_path):
    copy = _copy(site, tmp_path)
    lock = next((copy / "assets/wheels").glob("*/app-lock.json"))
    next(lock.parent.glob("openpyxl-*.whl")).unlink()
    page = copy / "selfcheck" / "index.html"
    page.write_text(page.read_text("utf-8").replace('"packages": ["rules-py"]', '"packages": ["rules-py", "numpy"]'),
                    "utf-8")
    with pytest.raises(build.BuildError) as caught:
        _verify(copy, tmp_path)
    message = str(caught.value)
    assert "selfcheck/index.html: the self-check engine needs numpy (lock file)" in message
    assert "roster/index.html: the self-check engine needs openpyxl-" in message


def _load_csp_hook():
    spec = importlib.util.spec_from_file_location("csp_hook", ROOT / "templates" / "hooks" / "csp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_csp_hashes_only_materials_inline_scripts(site):
    csp = _load_csp_hook()
    page = (site / "index.html").read_text("utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert policy.count("'sha256-") >= 1
    planted = '<meta charset="utf-8"><body><script>alert(1)</script></body>'
    with pytest.raises(RuntimeError, match="inline script not from Material"):
        csp.add_csp(planted)


def test_search_index_is_written_as_utf8_words_not_escapes(site):
    """Every page fetches the index on load: Han characters written as UTF-8 (3 bytes) rather than
    \\uXXXX escapes (6 bytes) halve it (templates/hooks/search_index.py)."""
    raw = (site / "search" / "search_index.json").read_bytes()
    index = json.loads(raw)
    docs = raw[raw.index(b'"docs":'):]
    assert b"\\u" not in docs
    for word in ("花名册", "审验", "破格"):
        assert word.encode("utf-8") in docs
    assert len(index["docs"]) > 50
    assert len(raw) < 160_000


def test_an_external_asset_in_a_page_fails_mkdocs_strict(tmp_path):
    """The privacy plugin (assets_fetch: false) turns an external image into a warning; strict stops."""
    b = build.Build(ROOT, tmp_path / "build", tmp_path / "site")
    with build.reproducible_environment():
        for step in build.STEPS[:build.STEPS.index(build.run_mkdocs)]:
            step(b)
        page = b.docs / "privacy.md"
        page.write_text(page.read_text("utf-8") + "\n![logo](https://img.example.com/logo.png)\n", "utf-8")
        with pytest.raises(build.BuildError, match="strict mode"):
            build.run_mkdocs(b)


# ---------------------------------------------------------------------------------------------
# The notice page
# ---------------------------------------------------------------------------------------------

class _ArticleText(html.parser.HTMLParser):
    """The text of the page's article, leaving out what the site added (editorial notes, TOC, ¶ links)."""

    SKIP_CLASSES = {"editorial", "admonition", "notice-meta", "headerlink", "toc"}
    VOID = {"br", "img", "hr", "input", "meta", "link", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag in self.VOID:
            return
        classes = set((attrs.get("class") or "").split())
        skip = tag == "details" or bool(classes & self.SKIP_CLASSES) or (self.stack and self.stack[-1][1])
        inside = ("md-content__inner" in classes) or (self.stack and self.stack[-1][0] == "article")
        self.stack.append(("article" if inside else tag, bool(skip)))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "article" and not self.stack[-1][1]:
            self.parts.append(data)


def _article(page: Path) -> _ArticleText:
    parser = _ArticleText()
    parser.feed(page.read_text("utf-8"))
    return parser


def test_notice_page_keeps_every_line_of_the_original_in_order(site):
    text = re.sub(r"\s+", "", "".join(_article(site / "notice" / "index.html").parts))
    position = 0
    for line in SEED.read_text("utf-8").splitlines():
        wanted = re.sub(r"\s+", "", line)
        if not wanted:
            continue
        found = text.find(wanted, position)
        assert found != -1, f"not found (in order) on the notice page: {line}"
        position = found + len(wanted)


def test_notice_page_has_an_anchor_for_every_clause(site):
    ids = _article(site / "notice" / "index.html").ids
    missing = [cid for cid in load_notice().clauses if cid not in ids]
    assert missing == []


def test_notice_page_keeps_the_duplicated_section_number_with_a_note(site):
    page = (site / "notice" / "index.html").read_text("utf-8")
    assert re.search(r'<h2 id="s2">二、开展继续教育公需科目和专业科目培训', page)
    assert re.search(r'<h2 id="s3">二、实施高级研修项目', page)
    assert "编者注" in page


# ---------------------------------------------------------------------------------------------
# The FAQ and its worked examples
# ---------------------------------------------------------------------------------------------

FAQ = load_faq(ROOT / "templates")


class _ExampleFields(html.parser.HTMLParser):
    """Every element with a data-field inside a .faq-example: its example, year, attributes and text."""

    VOID = {"br", "img", "hr", "input", "meta", "link", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.example = None
        self.year = None
        self.fields: list[dict] = []
        self.stack: list[tuple[str, dict | None]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-example" in attrs:
            self.example, self.year = attrs["data-example"], None
        if tag == "tr" and "data-year" in attrs:
            self.year = int(attrs["data-year"])
        if tag in self.VOID:
            return
        record = None
        if "data-field" in attrs and self.example:
            record = {"example": self.example, "year": self.year, "tag": tag, "text": "", **attrs}
            self.fields.append(record)
        self.stack.append((tag, record))

    def handle_endtag(self, tag):
        if tag == "table":
            self.year = None
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _, record in self.stack:
            if record is not None:
                record["text"] += data


def _examples_on_page(site: Path) -> dict[str, list[dict]]:
    parser = _ExampleFields()
    parser.feed((site / "faq" / "index.html").read_text("utf-8"))
    by_example: dict[str, list[dict]] = {}
    for record in parser.fields:
        by_example.setdefault(record["example"], []).append(record)
    return by_example


def _examples_in_data(notice=None):
    """The examples the FAQ of ``notice`` (default: the current one) shows, with their people."""
    notice = notice or load_notice()
    for entry in FAQ:
        shown = [example for example in entry.get("examples", []) if example_applies(example, notice)]
        for i, example in enumerate(shown, start=1):
            person = example_person(example["person"], notice)
            yield pytest.param(f"{entry['id']}-{i}", person, id=f"{entry['id']}-{i}")


@pytest.mark.parametrize("example_id, person", list(_examples_in_data()))
def test_faq_example_numbers_match_a_fresh_evaluate(site, example_id, person):
    fields = _examples_on_page(site)[example_id]
    result = evaluate(person)
    years = {block["year"]: block for block in result["years"]}

    shown_years = {f["year"] for f in fields if f["year"] is not None}
    assert shown_years == set(years)
    for f in fields:
        name = f["data-field"]
        if f["year"] is not None:
            block = years[f["year"]]
            if name == "met":
                assert f["data-value"] == str(block["met"]).lower()
                continue
            assert float(f["data-value"]) == block[name], (f["year"], name)
            gap = name.endswith("_missing")
            if name == "professional" and block["professional_by_exam"]:
                assert f["text"].strip() == "视同完成"
            else:
                assert f["text"].strip() == hours(block[name], gap=gap)
        elif name == "credit":
            credited = {c["activity"]: c["hours"] for block in result["years"] for c in block["credits"]}
            assert float(f["data-value"]) == credited[int(f["data-activity"])]
            assert f["text"].strip() == hours(credited[int(f["data-activity"])])
        elif name == "application":
            application = result["application"]
            assert f["data-status"] == application["status"]
            assert f["data-years-required"] == ",".join(str(y) for y in application["years_required"])
            assert int(f["data-years-needed"]) == application["years_needed"]
            assert application["text"] in f["text"]
    if result["application"]["status"] != "no_application":
        assert any(f["data-field"] == "application" for f in fields)


def _rule_numbers() -> set[str]:
    """Every number of ten or more in the notice data (hours, ages, years, days): never typed as prose."""
    found: set[int] = set()

    def walk(node):
        if isinstance(node, bool):
            return
        if isinstance(node, int):
            found.add(node)
        elif isinstance(node, dt.date):
            found.update((node.year, node.day))
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in load_notice().data.items() if k not in ("clauses", "not_modelled")})
    return {str(n) for n in found if n >= 10}


def test_faq_prose_types_no_rule_number():
    rule_numbers = _rule_numbers()
    assert {"30", "60", "90", "45", "55", "2025"} <= rule_numbers
    typed = []
    for entry in FAQ:
        texts = [entry["q"], entry["a"]] + [ex.get("text", "") for ex in entry.get("examples", [])]
        for text in texts:
            literal = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text, flags=re.S)
            typed += [(entry["id"], n) for n in re.findall(r"(?<![\d.])\d+(?![\d.])", literal)
                      if n in rule_numbers]
    assert typed == [], "take these numbers from the notice data or the result instead"


def test_faq_example_people_type_no_year_and_no_rule_number():
    """Years, minimum hours and ages at a threshold are written relative to the notice ("=year - 1",
    "=req.public_hours"), so the examples hold for next year's notice too."""
    rule_numbers = _rule_numbers()
    typed = []

    def walk(example_id, node):
        if isinstance(node, dict):
            for value in node.values():
                walk(example_id, value)
        elif isinstance(node, list):
            for value in node:
                walk(example_id, value)
        elif isinstance(node, int) and str(node) in rule_numbers:
            typed.append((example_id, node))
        elif isinstance(node, str) and re.search(r"\b(19|20)\d\d\b", node):  # a birth date
            typed.append((example_id, node))

    for entry in FAQ:
        for i, example in enumerate(entry.get("examples", []), start=1):
            walk(f"{entry['id']}-{i}", example["person"])
    assert typed == []


def test_faq_answers_the_questions_people_ask():
    ids = [entry["id"] for entry in FAQ]
    assert len(ids) >= 15 and len(ids) == len(set(ids))
    for topic in ("hours-per-year", "minutes", "qualification-exam", "age", "non-public-grassroots",
                  "transfer", "exceptional", "public-where", "audit-card", "filing", "shortfall"):
        assert topic in ids
    notice = load_notice()
    for entry in FAQ:
        assert entry["clauses"], entry["id"]
        for clause_id in entry["clauses"]:
            notice.clause(clause_id)


def test_every_faq_answer_links_its_clauses(site):
    page = (site / "faq" / "index.html").read_text("utf-8")
    for entry in FAQ:
        section = page.split(f'id="{entry["id"]}"', 1)[1].split("<h2", 1)[0]
        for clause_id in entry["clauses"]:
            assert f'href="../notice/#{clause_id}"' in section, (entry["id"], clause_id)


# ---------------------------------------------------------------------------------------------
# Key dates
# ---------------------------------------------------------------------------------------------

def test_calendar_file(site):
    notice = load_notice()
    data = (site / "dates" / f"{notice.id}.ics").read_bytes()
    lines = data.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2] == b"END:VCALENDAR" and lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    unfolded = data.decode("utf-8").replace("\r\n ", "")
    deadline = notice.data["filing"]["roster_deadline"]
    assert f"DTSTART;VALUE=DATE:{deadline:%Y%m%d}" in unfolded
    assert f"DTSTART;VALUE=DATE:{notice.data['training_year']['end']:%Y%m%d}" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 3
    assert "TRIGGER:-P7D" in unfolded


# ---------------------------------------------------------------------------------------------
# The self-check pages take their notice from the data
# ---------------------------------------------------------------------------------------------

def test_self_check_pages_name_the_notice_of_the_build(site):
    notice = load_notice()
    person = (site / "selfcheck" / "index.html").read_text("utf-8")
    assert f'data-notice="{notice.id}" data-storage-key="songshan-ce.selfcheck.{notice.id}"' in person
    assert 'id="sc-notice-link"' in person
    assert f'data-notice="{notice.id}"' in (site / "roster" / "index.html").read_text("utf-8")
    assert (site / "assets" / "selfcheck" / f"{notice.id}.json").exists()


def test_page_scripts_type_no_notice_id_clause_id_or_size():
    """Notice ids, clause ids, the download size and the oldest birth year come from data."""
    scripts = sorted((ROOT / "site_src" / "assets" / "js").glob("*.js"))
    assert scripts
    notice = load_notice()
    for path in scripts:
        text = path.read_text("utf-8")
        assert notice.id not in text, path.name
        assert not re.search(r"""["'`]s\d+(-\d+)+["'`]""", text), f"{path.name} types a clause id"
        assert not re.search(r"""["'`]1[0-9]{3}-01-01["'`]""", text), f"{path.name} types a date"
        assert '"14"' not in text, path.name


# ---------------------------------------------------------------------------------------------
# Next year's notice: a second notice file, other numbers, the same templates
# ---------------------------------------------------------------------------------------------

NEXT_NOTICE = ROOT / "tests" / "data" / "notices" / "songshan-2026.toml"
# What a build needs besides its sources: linked into the scratch project, not copied.
_LINKED = ("node_modules", ".cache")
_LEFT_OUT = {".git", ".venv", "site", "build", "dist", "tests", "benchmarks", ".pytest_cache", ".hypothesis"}


@pytest.fixture(scope="module")
def next_year_site(tmp_path_factory) -> Path:
    """The site of tests/data/notices/songshan-2026.toml, built as a maintainer would build next
    year's: the file put into rules_py/notices/ of the project (a scratch copy here) and
    ``python build.py --notice songshan-2026`` run there."""
    out = tmp_path_factory.mktemp("next-year")
    project = out / "project"

    def left_out(folder, names):
        top = Path(folder) == ROOT
        return [name for name in names if (top and (name in _LEFT_OUT or name in _LINKED))
                or name == "__pycache__" or name.endswith(".egg-info")]

    shutil.copytree(ROOT, project, ignore=left_out)
    for name in _LINKED:
        if (ROOT / name).exists():
            (project / name).symlink_to(ROOT / name)
    shutil.copyfile(NEXT_NOTICE, project / "rules_py" / "notices" / NEXT_NOTICE.name)
    completed = subprocess.run([sys.executable, "build.py", "--notice", NEXT_NOTICE.stem,
                                "--site-dir", str(out / "site"), "--build-dir", str(out / "build")],
                               cwd=project, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return out / "site"


def test_the_fixture_differs_from_the_notice_in_the_numbers_the_pages_show():
    this, other = load_notice().data, tomllib.loads(NEXT_NOTICE.read_text("utf-8"))
    assert (this["training_year"]["year"], this["requirements"]["public_hours"]) == (2025, 30)
    assert (other["training_year"]["year"], other["requirements"]["public_hours"]) == (2026, 40)
    assert other["requirements"]["total_hours"] == 100


def test_the_home_page_shows_the_other_notice(next_year_site):
    page = (next_year_site / "index.html").read_text("utf-8")
    assert "<title>首页 - 松山区专业技术人员继续教育 2026</title>" in page
    assert '<h1 id="2026">2026年松山区专业技术人员继续教育' in page
    card = page.split('data-key="hours"', 1)[1].split("</div>", 1)[0]
    assert '<p class="big">100 <small>学时／年</small></p>' in card
    assert "公需科目 ≥ <strong>40</strong> 学时 ＋ 专业科目 ≥ <strong>60</strong> 学时" in card
    assert "2026年1月1日至2026年12月31日" in page and "3月15日前" in page


def test_the_faq_answers_and_examples_follow_the_other_notice(next_year_site):
    page = (next_year_site / "faq" / "index.html").read_text("utf-8")
    assert "每年累计不少于 <strong>100 学时</strong>，其中公需科目不少于 <strong>40 学时</strong>" in page
    examples = _examples_on_page(next_year_site)
    assert len(examples) == len(list(_examples_in_data(_next_notice())))
    for example_id, fields in examples.items():
        years = {f["year"] for f in fields if f["year"] is not None}
        assert 2026 in years and years <= {2024, 2025, 2026}, example_id
    first = {f["data-field"]: f for f in examples["hours-per-year-1"] if f["year"] == 2026}
    assert (first["public"]["data-value"], first["met"]["data-value"]) == ("40", "true")
    verdicts = [f for fields in examples.values() for f in fields if f["data-field"] == "application"]
    assert verdicts and all(f["text"].startswith("结论：2026 年申报") for f in verdicts)


def test_the_key_dates_and_the_calendar_follow_the_other_notice(next_year_site):
    page = (next_year_site / "dates" / "index.html").read_text("utf-8")
    assert "2026年3月15日前" in page and "2026年12月31日" in page
    assert "2025年" not in page and "2025 年" not in page
    calendar = (next_year_site / "dates" / "songshan-2026.ics").read_bytes().decode("utf-8")
    assert "DTSTART;VALUE=DATE:20260315" in calendar and "2025" not in calendar.replace("〔2025〕", "")


def test_the_self_check_pages_take_the_other_notice(next_year_site):
    """The pages name the notice, their data carries its numbers, and the engine's wheel holds the
    notice file, so rules_py in the browser loads it by the id the pages give."""
    for rel in ("selfcheck/index.html", "roster/index.html"):
        page = (next_year_site / rel).read_text("utf-8")
        assert 'data-notice="songshan-2026"' in page, rel
        assert "2025年" not in page and "2025 年" not in page, rel
    data = json.loads((next_year_site / "assets/selfcheck/songshan-2026.json").read_text("utf-8"))
    assert (data["year"], data["requirements"]["public"], data["requirements"]["professional"]) == (2026, 40, 60)
    roster = json.loads((next_year_site / "assets/selfcheck/roster-songshan-2026.json").read_text("utf-8"))
    assert roster["deadline"] == "2026-03-15"
    roster_page = (next_year_site / "roster" / "index.html").read_text("utf-8")
    assert "低于每年公需 40、专业 60 学时" in roster_page
    runtime = json.loads((next_year_site / "assets/selfcheck/runtime.json").read_text("utf-8"))
    lock = next_year_site / "assets" / "selfcheck" / runtime["lock_url"]
    wheel = next(lock.parent.glob("rules_py-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        assert "rules_py/notices/songshan-2026.toml" in archive.namelist()


def test_an_unknown_notice_stops_the_build_with_the_known_ones(tmp_path, caplog):
    status = build.main(["--notice", "songshan-1999", "--site-dir", str(tmp_path / "site"),
                         "--build-dir", str(tmp_path / "build")])
    assert status == 1
    assert "no notice data file for 'songshan-1999' (rules_py/notices has songshan-2025)" in caplog.text


def test_an_example_is_shown_only_for_a_notice_it_applies_to():
    """The epidemic example needs a year of the policy inside the window: the 2025 notice has one
    (2023), the 2026 fixture's window (2024–2026) has none, so there the example is left out."""
    epidemic = next(e for e in load_faq(ROOT / "templates") if e["id"] == "epidemic")["examples"][0]
    assert example_applies(epidemic, load_notice("songshan-2025"))
    assert not example_applies(epidemic, _next_notice())


def _next_notice():
    """The fixture notice, read as rules_py reads a notice file (it is not in rules_py/notices)."""
    from rules_py.notice import Notice

    return Notice(NEXT_NOTICE.stem, tomllib.loads(NEXT_NOTICE.read_text("utf-8")))


def test_each_self_check_page_names_the_notice_its_engine_judges_by(next_year_site):
    """The worker passes this id to rules_py.browser.use_notice, so a 2026 site's engine counts
    公需 40, not the default notice's 30."""
    for rel in ("selfcheck/index.html", "roster/index.html"):
        page = (next_year_site / rel).read_text("utf-8")
        assert '"notice": "songshan-2026"' in page, rel

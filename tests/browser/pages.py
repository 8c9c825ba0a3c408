"""The site's pages as the browser tests drive them, shared by the test modules of this folder:

- ``PAGES``: every built page (mkdocs.yml's nav and 404.html); ``DESKTOP``: the wide viewport;
- ``SelfCheck``, ``fill_short_person`` and ``fill_person_with_open_gaps``: 学时自查 through its
  visible controls;
- ``RosterPage`` and ``ApplicantsPage``: the two workbook pages (one picker, workbook-page.js);
- ``open_search`` and ``search``: Material's search box;
- ``assert_local_only``: nothing left the local server, nothing was sent, the CSP held;
- ``check_in_browser``: window.selfCheck.checkRoster / checkApplicants with bytes.

The workbooks the pages are given are in workbooks.py, axe-core and the text-size contexts in a11y.py.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import yaml

from testkit import ROOT, screenshot

from workbooks import write

READY_MS = 60_000
CHECK_MS = 120_000
# The day the pages' clock is set to where the result depends on it (as_of: which years are over).
CHECK_DAY = "2025-11-29T10:00:00"
DESKTOP = {"width": 1280, "height": 800}
CSP_VIOLATION = re.compile(r"Content Security Policy|Refused to", re.I)


def _nav_pages(nav) -> list[str]:
    pages = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        pages += _nav_pages(value) if isinstance(value, list) else [value]
    return pages


def url_of(md: str) -> str:
    """The URL path of a page under site_src/ (index.md: the home page, "")."""
    return "" if md == "index.md" else md.removesuffix(".md").removesuffix("/index") + "/"


PAGES = [url_of(md) for md in _nav_pages(yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))["nav"])] + ["404.html"]


# ---------------------------------------------------------------------------------------------
# 学时自查
# ---------------------------------------------------------------------------------------------

class SelfCheck:
    """The self-check page, driven through its visible controls."""

    def __init__(self, page, server):
        self.page = page
        self.server = server

    def open(self, query: str = ""):
        self.page.goto(self.server.url + "selfcheck/" + query)
        self.page.locator("#sc-level").wait_for()
        return self

    def wait_ready(self):
        self.page.wait_for_function("() => document.querySelector('#sc-status.sc-ready')", timeout=READY_MS)
        return self

    def applying(self, level: str, year: int):
        self.page.select_option("#sc-level", level)
        self.page.select_option("#sc-year", str(year))
        return self

    def about(self, sex: str, birth_date: str, unit: str):
        self.page.get_by_role("radio", name=sex, exact=True).check()
        self.page.fill("#sc-birth-date", birth_date)
        self.page.get_by_role("radio", name=re.compile("^" + unit)).check()
        return self

    def activity(self, year: int, kind: str, amount=None, *, unit="学时", subject=None):
        """Fill the last row if it is still empty, else add a row first."""
        rows = self.page.locator("li.sc-row")
        last = rows.count() - 1
        if self.page.locator(f"#sc-row-{last}-kind").input_value():
            self.page.get_by_role("button", name="＋ 添加一条培训记录").click()
            last += 1
        self.page.select_option(f"#sc-row-{last}-year", str(year))
        self.page.select_option(f"#sc-row-{last}-kind", kind)
        row = self.page.locator(f'li.sc-row[data-row="{last}"]')
        if subject:
            row.get_by_role("radio", name=subject).check()
        if unit != "学时":
            row.get_by_label("单位").select_option(label=unit)
        if amount is not None:
            self.page.fill(f"#sc-row-{last}-amount", str(amount))
        return self

    def check(self):
        self.page.get_by_role("button", name="核对学时").click()
        self.page.locator("#sc-card").wait_for(timeout=READY_MS)
        return self.page.locator("#sc-card")

    def clear_form(self):
        self.page.get_by_role("button", name="清除").click()
        self.page.get_by_role("button", name="再点一次，确认清除").click()

    def clear(self):
        self.clear_form()
        self.page.locator("#sc-card").wait_for(state="detached")

    def shot(self, name: str, locator=None, full_page: bool = False):
        return screenshot(self.page, f"selfcheck-{name}", locator, full_page)


def fill_short_person(sc: SelfCheck):
    """中级, 2025, woman of 37: 2024 专业 has 45 of 60 学时; 2023 专业 by a qualification exam;
    2025 专业 given in minutes."""
    sc.applying("intermediate", 2025).about("女", "1988-03-01", "其他")
    sc.activity(2023, "public_online", 30)
    sc.activity(2023, "qualification_exam")
    sc.activity(2024, "public_online", 30)
    sc.activity(2024, "professional_online", 45)
    sc.activity(2025, "public_online", 30)
    sc.activity(2025, "seminar", 2700, unit="分钟")


def fill_person_with_open_gaps(sc: SelfCheck):
    """中级 for 2026, checked on CHECK_DAY: 2024 complete; 2025 and 2026 short in both subjects,
    years still open, so the what-if offers 补齐全部缺口."""
    sc.applying("intermediate", 2026).about("女", "1990-03-01", "其他")
    sc.activity(2024, "public_online", 30)
    sc.activity(2024, "professional_online", 60)
    sc.activity(2025, "public_online", 10)


# ---------------------------------------------------------------------------------------------
# 花名册自查 and 申报人员学时核对: one picker (site_src/assets/js/workbook-page.js)
# ---------------------------------------------------------------------------------------------

class RosterPage:
    """The roster page, driven through its visible controls. The applicants page has the same
    picker: its class changes the four names below."""

    PATH = "roster/"
    SUMMARY = "#rc-summary"
    NAME = "roster"  # of its screenshots
    METHOD = "checkRoster"  # the worker request of its check

    def __init__(self, page, server):
        self.page = page
        self.server = server

    def open(self):
        self.page.goto(self.server.url + self.PATH)
        self.page.locator("#rc-file").wait_for(state="attached")
        return self

    def wait_ready(self):
        self.page.wait_for_function("() => document.querySelector('#sc-status.sc-ready')", timeout=READY_MS)
        return self

    def pick(self, path: Path):
        self.page.set_input_files("#rc-file", str(path))
        return self

    def drop(self, name: str, data: bytes):
        """Drag a file onto the page and drop it, as on a desktop."""
        self.page.evaluate("""([b64, name]) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], name));
          const zone = document.querySelector(".rc-drop");
          for (const type of ["dragenter", "dragover", "drop"]) {
            zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
          }
        }""", [base64.b64encode(data).decode(), name])
        return self

    def report(self):
        self.page.locator(f"{self.SUMMARY}, #rc-fatal").first.wait_for(timeout=CHECK_MS)
        return self.page.locator("#rc-result")

    def fatal_text(self, name: str, code: str) -> str:
        """The text of the fatal message for the file ``name`` once the page shows it with ``code``
        and no progress line is left."""
        self.page.wait_for_function(
            "([name, code]) => document.querySelector('#rc-fatal .rc-headline')?.textContent.includes('“' + name + '”')"
            " && document.querySelector('#rc-fatal').dataset.fatal === code"
            " && !document.querySelector('#rc-progress:not([hidden])')", arg=[name, code], timeout=CHECK_MS)
        return self.page.locator("#rc-fatal").inner_text()

    def refuses_too_large(self, tmp_path: Path, name: str, max_bytes: int) -> str:
        """Pick a file one byte over ``max_bytes``: refused at once, even while the engine loads, and
        never sent to the worker (with RECORD_SENT). Returns the message shown."""
        sent = self.sent_bytes()
        self.pick(write(tmp_path, name, b"PK\x03\x04" + bytes(max_bytes)))
        fatal = self.page.locator("#rc-fatal")
        fatal.wait_for(timeout=5_000)
        assert fatal.get_attribute("data-fatal") == "too_large"
        assert self.page.locator("#rc-fatal .rc-headline").inner_text().startswith(f"无法检查“{name}”")
        assert self.sent_bytes() == sent
        return fatal.inner_text()

    def refuses_unreadable(self, tmp_path: Path, name: str, data: bytes, expected: dict, drop: bool = False) -> str:
        """Pick (or ``drop``) a file the check cannot read: the ``expected`` fatal of rules_py, word
        for word, and no traceback. Returns the message shown."""
        if drop:
            self.drop(name, data)
        else:
            self.pick(write(tmp_path, name, data))
        text = self.fatal_text(name, expected["code"])
        assert f"无法检查“{name}”：{expected['title']}" in text and expected["message"] in text
        assert "Traceback" not in text
        return text

    def sent_bytes(self) -> list[int]:
        """The size of each file sent to the worker to check (with RECORD_SENT)."""
        return self.page.evaluate("(method) => window.__sent.filter(m => m.type === method).map(m => m.bytes)",
                                  self.METHOD)

    def shot(self, name: str, locator=None, full_page: bool = False) -> Path:
        return screenshot(self.page, f"{self.NAME}-{name}", locator, full_page)


class ApplicantsPage(RosterPage):
    """The applicants page: the roster page's picker, its own report."""

    PATH = "applicants/"
    SUMMARY = "#ac-summary"
    NAME = "applicants"
    METHOD = "checkApplicants"


# What the page sends to its worker, in window.__sent: [{type, bytes}].
RECORD_SENT = """{
  window.__sent = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    window.__sent.push({type: message && message.type, bytes: message && message.data ? message.data.byteLength : 0});
    return post.call(this, message, ...rest);
  };
}"""

CHECK_IN_BROWSER = """async ([b64, options, method]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const report = await window.selfCheck[method](bytes.buffer, options || undefined);
  let annotated;
  if ("annotated_xlsx" in report) {
    const a = report.annotated_xlsx;
    annotated = a === null ? null : {type: Object.prototype.toString.call(a),
                                      b64: btoa(Array.from(a, (x) => String.fromCharCode(x)).join(""))};
    delete report.annotated_xlsx;
  }
  return {report, annotated};
}"""


def check_in_browser(page, data: bytes, options: dict | None = None,
                     method: str = "checkRoster") -> tuple[dict, dict | None]:
    """window.selfCheck[method](bytes, options): the report, and the marked workbook as
    {type, b64} (None when the report has none; absent when annotate was not asked for)."""
    answer = page.evaluate(CHECK_IN_BROWSER, [base64.b64encode(data).decode(), options, method])
    return answer["report"], answer.get("annotated")


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------

RESULT_LINKS = ".md-search-result__item a"


def open_search(page):
    """Tap the magnifier on a phone; on a wide screen the box stands in the header, click into it."""
    box = page.locator("input.md-search__input")
    magnifier = page.locator('label[for="__search"]').first
    if magnifier.is_visible():
        magnifier.click()
    else:
        box.click()
    page.wait_for_function("() => document.activeElement?.matches('input.md-search__input')")
    return box


def search(page, term: str) -> list[str]:
    """Type ``term`` into Material's search box and return the result links' hrefs."""
    box = open_search(page)
    box.fill(term)
    box.press("End")  # Material searches on key events; filled Chinese text (as from an IME) needs one
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0",
                           timeout=15_000)
    meta = page.locator(".md-search-result__meta").inner_text()
    assert "键入以开始搜索" not in meta and "没有找到" not in meta, meta
    return page.locator(RESULT_LINKS).evaluate_all("els => els.map(e => e.getAttribute('href'))")


# ---------------------------------------------------------------------------------------------
# Nothing leaves the browser
# ---------------------------------------------------------------------------------------------

def record_methods(context) -> list[str]:
    methods: list[str] = []
    context.on("request", lambda request: methods.append(request.method))
    return methods


def assert_local_only(requests: list[str], server, errors: list[str], methods: list[str] | None = None):
    """Every request went to the local server or a blob: URL of its origin (pyodide.asm.js, which
    the worker imports after unpacking it; a marked workbook), the server answered no error, the CSP
    refused nothing and nothing was logged as an error; with ``methods``, only GET was asked."""
    blob = "blob:" + server.url
    foreign = [url for url in requests if not url.startswith((server.url, blob))]
    assert foreign == [], "requests left the local server"
    if methods is not None:
        assert set(methods) <= {"GET"}, "something was sent (only GET requests are expected)"
    assert server.errors() == [], "the server answered with an error"
    assert not [e for e in errors if CSP_VIOLATION.search(e)], errors
    assert errors == []

"""学时自查 in headless Chromium at 375 px, used as a person would: fill the form for people who are
met, short and exempt, read the outcome and the missing hours, try "what if", follow a clause to the
notice, reload and find the answers kept. Every request stays on the local server and the page's CSP
is enforced (never bypassed). Also: window.selfCheck (DESIGN §4) returns what the CLI's --json
returns, a server that sends .wasm as application/octet-stream still works, and a stalled or
unsupported browser gets advice instead of a blank page.

Each page load boots Pyodide (~5 s here), so the tests keep page loads few.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from browser_support import ROOT, new_phone_context, record_requests, start_server, watch_console

from rules_py import InputError, evaluate

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "build" / "screenshots"
READY_MS = 60_000
CSP_VIOLATION = re.compile(r"Content Security Policy|Refused to", re.I)


# ---------------------------------------------------------------------------------------------
# A person at the form
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

    def clear(self):
        button = self.page.get_by_role("button", name="清除")
        button.click()
        self.page.get_by_role("button", name="再点一次，确认清除").click()
        self.page.locator("#sc-card").wait_for(state="detached")

    def shot(self, name: str, locator=None, full_page: bool = False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"selfcheck-{name}-375.png"
        if locator is not None:
            locator.screenshot(path=str(path))
        else:
            self.page.screenshot(path=str(path), full_page=full_page)
        return path


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


def assert_local_only(requests: list[str], server, errors: list[str]):
    foreign = [url for url in requests if not url.startswith(server.url)]
    assert foreign == [], "requests left the local server"
    assert server.errors() == [], "the server answered with an error"
    assert not [e for e in errors if CSP_VIOLATION.search(e)], errors
    assert errors == []


# ---------------------------------------------------------------------------------------------
# Three people, one page
# ---------------------------------------------------------------------------------------------

def test_three_people_at_phone_size(phone, site_server):
    requests = record_requests(phone)
    page = phone.new_page()
    errors = watch_console(page)
    site_server.clear()
    sc = SelfCheck(page, site_server).open()
    assert page.evaluate("() => !!document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')")
    # The form is usable while the engine loads; progress shows in Chinese.
    assert re.search("正在|已就绪", page.locator("#sc-status").inner_text())
    sc.shot("form-top")

    # 1. Met: 高级 2025, every year of 2023–2025 complete (a 事业单位 training counts, 二（四）1).
    sc.applying("senior", 2025).about("男", "1985-05-01", "事业单位")
    sc.activity(2023, "public_online", 30)
    sc.activity(2023, "unit_training", 60, subject="专业科目")
    sc.activity(2024, "public_online", 30)
    sc.activity(2024, "seminar", 60)
    sc.activity(2025, "public_online", 30)
    sc.activity(2025, "industry_training", 60)
    sc.shot("form-filled", page.locator(".sc-form"))
    card = sc.check()
    assert card.get_attribute("data-status") == "met"
    assert page.locator(".sc-verdict-status").inner_text() == "已满足"
    assert "2025 年申报高级职称评审：已满足学时要求（2023、2024、2025 年）" in card.inner_text()
    for year in (2023, 2024, 2025):
        block = card.locator(f'.sc-year[data-year="{year}"]')
        assert "已满足" in block.inner_text()
        assert "30 / 30 学时" in block.inner_text() and "60 / 60 学时" in block.inner_text()
    assert page.locator(".sc-stamp").inner_text().count("songshan-2025.1") == 1
    sc.shot("result-met", card)

    # 2. Exempt: a woman of 51 on 31 Dec 2025 (二（五）1), with one short year on record.
    sc.clear()
    assert page.locator("#sc-birth-date").input_value() == ""
    sc.applying("senior", 2025).about("女", "1974-06-01", "其他")
    sc.activity(2025, "public_online", 12)
    card = sc.check()
    assert card.get_attribute("data-status") == "not_restrictive"
    assert page.locator(".sc-verdict-status").inner_text() == "学时不作为限制性条件"
    exemption = card.locator('.sc-exemptions li[data-code="age_not_restrictive"]')
    assert exemption.get_attribute("data-applied") == "true"
    assert "满 51 周岁" in exemption.inner_text() and "已采用" in exemption.inner_text()
    assert exemption.locator("a.sc-clause").get_attribute("href").endswith("notice/#s2-5-1")
    # Calm wording: the short year reads "尚未满足" with its gap, never a bare 不合格.
    year_2025 = card.locator('.sc-year[data-year="2025"]')
    assert "尚未满足" in year_2025.inner_text() and "12 / 30 学时 尚差 18" in year_2025.inner_text()
    assert "不合格" not in card.inner_text()
    sc.shot("result-exempt", card)

    # 3. Short: 中级 2025, 2024 专业 short by 15.
    sc.clear()
    fill_short_person(sc)
    card = sc.check()
    assert card.get_attribute("data-status") == "not_met"
    assert page.locator(".sc-verdict-status").inner_text() == "尚未满足"
    assert page.locator(".sc-missing li").all_inner_texts() == ["2024 年专业科目尚差 15 学时"]
    year_2024 = card.locator('.sc-year[data-year="2024"]')
    assert "尚未满足" in year_2024.inner_text() and "45 / 60 学时" in year_2024.inner_text()
    assert "职业资格考试视同完成" in card.locator('.sc-year[data-year="2023"]').inner_text()
    assert "不合格" not in card.inner_text()
    # Every clause is a link to its anchor on the notice page.
    hrefs = card.locator("a.sc-clause").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(re.fullmatch(r"\.\./notice/#s[0-9-]+", h) for h in hrefs), hrefs
    assert "../notice/#s2-3-1" in hrefs and "../notice/#s2-4-4" in hrefs
    # The readings the engine took are on screen.
    assert "「近三年」按申报年度及此前 2 年计算，即 2023、2024、2025 年" in card.locator(".sc-readings").inner_text()
    sc.shot("result-short", card)
    sc.shot("result-short-page", full_page=True)

    # What if: 15 more 专业 hours in 2024 settle it; 10 do not.
    whatif = page.locator(".sc-whatif")
    assert page.locator("#sc-whatif-year").input_value() == "2024"
    assert page.locator("#sc-whatif-subject").input_value() == "professional"
    assert page.locator("#sc-whatif-hours").input_value() == "15"
    page.fill("#sc-whatif-hours", "10")
    whatif.get_by_role("button", name="试算").click()
    line = whatif.locator(".sc-whatif-line")
    line.wait_for()
    assert line.get_attribute("data-status") == "not_met" and "结论仍是“尚未满足”" in line.inner_text()
    page.fill("#sc-whatif-hours", "15")
    whatif.get_by_role("button", name="试算").click()
    page.wait_for_function("() => document.querySelector('.sc-whatif-line')?.dataset.status === 'met'")
    assert "结论由“尚未满足”变为“已满足”" in line.inner_text()
    assert card.get_attribute("data-status") == "not_met", "what-if must not change the record"
    sc.shot("whatif", whatif)

    # Nothing left the page's own server, and the CSP held.
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 375
    assert any(path.endswith("pyodide.asm.wasm") for path in site_server.paths())
    assert any(re.search(r"/assets/wheels/[0-9a-f]{16}/rules_py-.*\.whl$", path) for path in site_server.paths())
    assert_local_only(requests, site_server, errors)


def test_answers_kept_after_reload_then_clause_link(phone, site_server):
    requests = record_requests(phone)
    page = phone.new_page()
    errors = watch_console(page)
    site_server.clear()
    sc = SelfCheck(page, site_server).open()
    fill_short_person(sc)
    sc.check()

    page.reload()
    sc.wait_ready()
    page.locator("#sc-card").wait_for(timeout=READY_MS)  # the saved answers are checked again
    assert page.locator("#sc-level").input_value() == "intermediate"
    assert page.locator("#sc-birth-date").input_value() == "1988-03-01"
    assert page.get_by_role("radio", name="女", exact=True).is_checked()
    assert page.locator("li.sc-row").count() == 6
    assert page.locator("#sc-row-5-amount").input_value() == "2700"
    assert page.locator('li.sc-row[data-row="5"]').get_by_label("单位").input_value() == "minutes"
    assert page.locator(".sc-missing li").all_inner_texts() == ["2024 年专业科目尚差 15 学时"]

    # Editing updates the result by itself once it has been checked.
    page.fill("#sc-row-3-amount", "60")
    page.wait_for_function("() => document.querySelector('#sc-card')?.dataset.status === 'met'")

    # Follow a clause to the notice.
    page.locator('.sc-verdict a.sc-clause[data-clause="s2-3-1"]').click()
    page.wait_for_url(re.compile(r"/notice/#s2-3-1$"))
    clause = page.locator("#s2-3-1")
    assert "近三年" in clause.inner_text()
    box = clause.bounding_box()
    assert box and 0 <= box["y"] < 812, box
    page.go_back()
    page.locator("#sc-level").wait_for()
    assert page.locator("#sc-row-3-amount").input_value() == "60"
    assert_local_only(requests, site_server, errors)


def test_bad_input_is_named_in_chinese(phone, site_server):
    page = phone.new_page()
    errors = watch_console(page)
    sc = SelfCheck(page, site_server).open()
    sc.applying("senior", 2025)
    sc.activity(2025, "public_online", "三十")
    page.get_by_role("button", name="核对学时").click()
    message = page.locator(".sc-form-error")
    assert "第 1 条培训记录的学时请填写数字" in message.inner_text()
    assert page.locator('[data-path="row-0-amount"]').get_attribute("class").count("sc-invalid") == 1
    page.fill("#sc-row-0-amount", "30")
    page.get_by_role("button", name="核对学时").click()  # the engine: sex is needed for 高级
    page.wait_for_function("() => document.querySelector('.sc-form-error:not([hidden])')?.textContent.includes('性别')",
                           timeout=READY_MS)
    assert "「性别」申报职称评审时必须填写" in message.inner_text()
    assert "sc-invalid" in page.locator('[data-path="sex"]').get_attribute("class")
    assert page.locator("#sc-card").count() == 0
    assert errors == []


# ---------------------------------------------------------------------------------------------
# window.selfCheck: the contract of DESIGN §4
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def engine_page(browser, site_server):
    """One page with the engine loaded, shared by the API tests of this module."""
    context = new_phone_context(browser)
    page = context.new_page()
    errors = watch_console(page)
    page.goto(site_server.url + "selfcheck/")
    info = page.evaluate("() => window.selfCheck.ready")
    assert info["python"].startswith("3.14") and info["pyodide"] == "314.0.7"
    yield page
    assert errors == []
    context.close()


EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_api_returns_the_cli_json(engine_page, path: Path):
    person = json.loads(path.read_text("utf-8"))
    in_browser = engine_page.evaluate("person => window.selfCheck.evaluate(person)", person)
    assert in_browser == json.loads(json.dumps(evaluate(person), ensure_ascii=False))


def test_api_rejects_bad_input_with_the_field_and_message(engine_page):
    person = {"sex": "male", "birth_date": "1975-02-30", "application": {"level": "senior", "year": 2025}}
    with pytest.raises(InputError) as expected:
        evaluate(person)
    got = engine_page.evaluate("""person => window.selfCheck.evaluate(person).then(
        () => null, error => ({message: error.message, field: error.field}))""", person)
    assert got == {"message": expected.value.message, "field": expected.value.field}
    assert "出生日期" in got["message"]


def test_api_has_exactly_the_contract(engine_page):
    keys = engine_page.evaluate("() => Object.keys(window.selfCheck).sort()")
    assert set(keys) >= {"evaluate", "ready"}
    assert engine_page.evaluate("() => window.selfCheck.ready instanceof Promise")


# ---------------------------------------------------------------------------------------------
# Servers and browsers that are not ideal
# ---------------------------------------------------------------------------------------------

def test_wasm_served_as_octet_stream_still_works(browser, built_site):
    server = start_server(built_site, mime_types={".wasm": "application/octet-stream"})
    context = new_phone_context(browser)
    try:
        page = context.new_page()
        errors = watch_console(page)
        wasm_types = []
        page.on("response", lambda r: wasm_types.append(r.headers.get("content-type"))
                if r.url.endswith(".wasm") else None)
        page.goto(server.url + "selfcheck/")
        info = page.evaluate("() => window.selfCheck.ready")
        assert info["pyodide"] == "314.0.7"
        assert wasm_types == ["application/octet-stream"]
        result = page.evaluate("""() => window.selfCheck.evaluate({application: {level: "none", year: 2025},
            activities: [{year: 2025, kind: "public_online", hours: 30}]})""")
        assert result["years"][0]["public"] == 30
        assert errors == []
    finally:
        context.close()
        server.close()


def test_a_stalled_download_gets_advice(browser, site_server):
    """The watchdog (shortened to 2 s here) tells a person in WeChat what to try."""
    context = new_phone_context(browser, user_agent="Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0.50")
    try:
        page = context.new_page()
        page.route("**/*.wasm", lambda route: None)  # never answered: a download that hangs
        page.goto(site_server.url + "selfcheck/?watchdog=2")
        advice = page.locator(".sc-watchdog")
        advice.wait_for(timeout=20_000)
        text = advice.inner_text()
        assert "加载时间比平常长" in text
        assert "在浏览器打开" in text and "换一个浏览器" in text
        assert page.locator("#sc-level").is_visible(), "the form stays usable"
    finally:
        context.close()


# What an older browser lacks, imitated before the page's scripts run.
OLD_BROWSERS = {
    "no-webassembly": ("delete globalThis.WebAssembly;", "WebAssembly"),
    # A browser without module workers ignores the `type` option and starts a classic worker.
    "no-module-worker": ("""{ const Real = Worker;
        globalThis.Worker = function (url) { return new Real(url); }; }""", "module Web Worker"),
}


@pytest.mark.parametrize("missing", OLD_BROWSERS)
def test_older_browser_gets_a_message(browser, site_server, missing):
    script, named = OLD_BROWSERS[missing]
    context = new_phone_context(browser)
    try:
        context.add_init_script(script)
        page = context.new_page()
        page.goto(site_server.url + "selfcheck/")
        status = page.locator("#sc-status.sc-alert")
        status.wait_for(timeout=10_000)
        assert "这个浏览器无法运行学时自查" in status.inner_text()
        assert named in status.inner_text() and "换一个浏览器" in status.inner_text()
        rejected = page.evaluate("() => window.selfCheck.ready.then(() => 'resolved', e => e.message)")
        assert rejected == "这个浏览器无法运行学时自查。"
    finally:
        context.close()

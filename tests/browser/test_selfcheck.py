"""学时自查 in headless Chromium at 375 px, used as a person would: fill the form for people who are
met, short and exempt, read the outcome and the missing hours, try "what if", follow a clause to the
notice, reload and find the answers kept. Every request stays on the local server and the page's CSP
is enforced (never bypassed). Also: window.selfCheck (ARCHITECTURE.md, "Contracts") returns what the CLI's --json
returns, a server that sends .wasm as application/octet-stream still works, and a stalled or
unsupported browser gets advice instead of a blank page.

Each page load boots Pyodide (~5 s here), so the tests keep page loads few.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from testkit import ROOT, PYODIDE_VERSION, phone_page, record_requests, start_server, watch_console

from rules_py import InputError, evaluate, load_notice

from pages import CHECK_DAY, READY_MS, SelfCheck, assert_local_only, fill_person_with_open_gaps, fill_short_person

pytestmark = pytest.mark.browser

# ---------------------------------------------------------------------------------------------
# Three people, one page
# ---------------------------------------------------------------------------------------------

STRAY_TEXT = """() => {
  const walker = document.createTreeWalker(document.getElementById("selfcheck"), NodeFilter.SHOW_TEXT);
  const stray = [];
  while (walker.nextNode()) {
    const text = walker.currentNode.nodeValue.trim();
    if (/^(null|undefined|NaN|\\[object Object\\])$/.test(text)) stray.push(text);
  }
  return stray;
}"""


def assert_no_stray_text(page):
    """No "null" or "undefined" shown as text: what a missing optional part would print."""
    assert page.evaluate(STRAY_TEXT) == []


def test_three_people_at_phone_size(phone, site_server):
    requests = record_requests(phone)
    page = phone.new_page()
    errors = watch_console(page)
    site_server.clear()
    # The day of the check, late in 2025: 2025 can still be completed, 2024 is over.
    page.clock.set_fixed_time(CHECK_DAY)
    sc = SelfCheck(page, site_server).open()
    assert page.evaluate("() => !!document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')")
    # The form is usable while the engine loads; progress shows in Chinese.
    assert re.search("正在|已就绪", page.locator("#sc-status").inner_text())
    assert_no_stray_text(page)
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
    # The plain sentence comes first, then the exact wording and its clause.
    assert page.locator(".sc-verdict > p").first.inner_text() == "可以申报：学时要求已满足"
    assert "2025 年申报高级职称评审：已满足学时要求（2023、2024、2025 年）" in card.inner_text()
    for year in (2023, 2024, 2025):
        block = card.locator(f'.sc-year[data-year="{year}"]')
        assert "已满足" in block.inner_text()
        assert "30 / 30 学时" in block.inner_text() and "60 / 60 学时" in block.inner_text()
    assert page.locator(".sc-stamp").inner_text().count("songshan-2025.1") == 1
    assert "自查日期 2025年11月29日" in page.locator(".sc-stamp").inner_text()
    assert_no_stray_text(page)  # a met result has no what-if to offer
    sc.shot("result-met", card)

    # 2. Exempt: a woman of 51 on 31 Dec 2025 (二（五）1), with one short year on record.
    sc.clear()
    assert page.locator("#sc-birth-date").input_value() == ""
    sc.applying("senior", 2025).about("女", "1974-06-01", "其他")
    sc.activity(2025, "public_online", 12)
    card = sc.check()
    assert card.get_attribute("data-status") == "not_restrictive"
    assert page.locator(".sc-verdict-status").inner_text() == "学时不作为限制性条件"
    assert page.locator(".sc-verdict > p").first.inner_text() == "可以申报：学时不作为限制条件"
    exemption = card.locator('.sc-exemptions li[data-code="age_not_restrictive"]')
    assert exemption.get_attribute("data-applied") == "true"
    assert "满 51 周岁" in exemption.inner_text() and "已采用" in exemption.inner_text()
    assert exemption.locator("a.sc-clause").get_attribute("href").endswith("notice/#s2-5-1")
    # Calm wording: the short year reads "尚未满足" with its gap, never a bare 不合格.
    year_2025 = card.locator('.sc-year[data-year="2025"]')
    assert "尚未满足" in year_2025.inner_text() and "12 / 30 学时 尚差 18" in year_2025.inner_text()
    assert "不合格" not in card.inner_text()
    # The gap is the engine's sentence, shown apart and for reference only: nothing is "missing".
    assert card.locator(".sc-missing").count() == 0
    reference = card.locator(".sc-reference")
    assert "仅供参考" in reference.locator("h3").inner_text()
    assert reference.locator("li").all_inner_texts() == [
        "2023 年公需科目尚差 30 学时；2023 年专业科目尚差 60 学时",
        "2024 年公需科目尚差 30 学时；2024 年专业科目尚差 60 学时",
        "2025 年公需科目尚差 18 学时；2025 年专业科目尚差 60 学时"]
    sc.shot("result-exempt", card)

    # 3. Short: 中级 2025, 2024 专业 short by 15.
    sc.clear()
    fill_short_person(sc)
    card = sc.check()
    assert card.get_attribute("data-status") == "not_met"
    assert page.locator(".sc-verdict-status").inner_text() == "尚未满足"
    assert page.locator(".sc-verdict > p").first.inner_text() == "还差学时：2024 年专业科目尚差 15 学时"
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

    # What if: the one gap is in 2024, which is over on the day of the check: nothing to fill,
    # and 2024 is offered only once the person asks for past years.
    whatif = page.locator(".sc-whatif")
    assert "都已结束" in whatif.locator(".sc-whatif-closed").inner_text()
    assert whatif.get_by_role("button", name="补齐全部缺口").count() == 0
    year_choice = page.locator("#sc-whatif-year option")
    assert year_choice.evaluate_all("els => els.map(e => e.value)") == ["2025"]
    sc.shot("whatif-past", whatif)
    whatif.get_by_label("也试算已结束的年度").check()
    assert year_choice.evaluate_all("els => els.map(e => e.value)") == ["2025", "2024", "2023"]
    page.select_option("#sc-whatif-year", "2024")
    # 15 more 专业 hours in 2024 settle it; 10 do not.
    assert page.locator("#sc-whatif-subject").input_value() == "professional"
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
    assert_no_stray_text(page)
    sc.shot("whatif", whatif)

    # Nothing left the page's own server, and the CSP held.
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 375
    assert any("pyodide.asm.wasm" in path for path in site_server.paths())
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
    assert page.locator(".sc-restore-note").count() == 0, "answers the page saved itself restore whole"

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
    # The select box shows the short name; the hint under it the whole label of the notice data.
    label = load_notice().activity_kinds["public_online"]["label"]
    assert "考试合格后取得的学时" in label
    assert label in page.locator('li.sc-row[data-row="0"] .sc-kind-hint').inner_text()
    page.get_by_role("button", name="核对学时").click()
    message = page.locator(".sc-form-error")
    assert "第 1 条培训记录的学时请填写数字" in message.inner_text()
    assert page.locator('[data-path="row-0-amount"]').get_attribute("class").count("sc-invalid") == 1
    # The same words stand under the field the page scrolls to, not only by the button.
    at_field = page.locator('[data-path="row-0-amount"] .sc-field-error')
    assert at_field.inner_text() == message.inner_text()
    at_field.wait_for()
    page.wait_for_function("""() => { const r = document.querySelector('.sc-field-error').getBoundingClientRect();
                                      return r.top >= 0 && r.bottom <= innerHeight; }""")
    page.fill("#sc-row-0-amount", "30")
    page.get_by_role("button", name="核对学时").click()  # the engine: sex is needed for 高级
    page.wait_for_function("() => document.querySelector('.sc-form-error:not([hidden])')?.textContent.includes('性别')",
                           timeout=READY_MS)
    assert "「性别」申报职称评审时必须填写" in message.inner_text()
    assert "sc-invalid" in page.locator('[data-path="sex"]').get_attribute("class")
    assert page.locator(".sc-field-error").all_inner_texts() == [message.inner_text()]
    assert page.locator('[data-path="sex"] .sc-field-error').count() == 1
    assert page.locator("#sc-card").count() == 0
    assert errors == []


# ---------------------------------------------------------------------------------------------
# Saved answers that cannot all be used
# ---------------------------------------------------------------------------------------------

STORAGE_KEY = f"songshan-ce.selfcheck.{load_notice().id}"
SAVED = {
    # Not JSON at all.
    "corrupt": ("{\"v\": 1, \"level\": \"senior\", \"activities\": [", "unreadable"),
    # JSON, but not what the form saves.
    "not-an-object": ("[1, 2, 3]", "unreadable"),
    # The right version with wrong values: an unknown level, lists that are not lists, a flag that
    # is a string. What is valid (sex, birth date, year) is kept.
    "wrong-types": (json.dumps({"v": 1, "level": "professor", "activities": "lots", "epidemic_years": 2024,
                                "epidemic": True, "exceptional": "yes", "sex": "female",
                                "birth_date": "1988-03-01", "year": 2024}), "partial"),
    # Rows: one fine, one not an object, one with an unknown kind and a year far out of range.
    "bad-rows": (json.dumps({"v": 1, "level": "intermediate", "year": 2025, "activities": [
        {"year": 2024, "kind": "public_online", "subject": "", "amount": "30", "unit": "hours"},
        5,
        {"year": -40000, "kind": "<b>nonsense</b>", "amount": {"x": 1}, "unit": "weeks"}]}), "partial"),
}


@pytest.mark.parametrize("case", SAVED)
def test_saved_answers_that_cannot_be_used_still_give_a_form(phone, site_server, case):
    text, problem = SAVED[case]
    page = phone.new_page()
    errors = watch_console(page)
    page.goto(site_server.url + "privacy/")  # same origin, no engine: put the saved answers there
    page.evaluate("([key, text]) => localStorage.setItem(key, text)", [STORAGE_KEY, text])
    sc = SelfCheck(page, site_server).open()
    note = page.locator(".sc-restore-note")
    assert note.get_attribute("data-problem") == problem
    assert "未能全部恢复" in note.inner_text() if problem == "partial" else "未能恢复" in note.inner_text()
    assert page.locator("li.sc-row").count() >= 1 and page.locator("#sc-more-toggle").is_visible()
    if case == "wrong-types":
        assert page.locator("#sc-level").input_value() == "senior"
        assert page.get_by_role("radio", name="女", exact=True).is_checked()
        assert page.locator("#sc-birth-date").input_value() == "1988-03-01"
        assert page.locator("#sc-year").input_value() == "2024"
        sc.shot("restored")
    if case == "bad-rows":
        assert page.locator("#sc-level").input_value() == "intermediate"
        assert page.locator("li.sc-row").count() == 2
        assert page.locator("#sc-row-0-kind").input_value() == "public_online"
        assert page.locator("#sc-row-0-amount").input_value() == "30"
        assert page.locator("#sc-row-1-kind").input_value() == ""
    # The form works: a change is saved, and 清除 takes the note away.
    page.select_option("#sc-level", "junior")
    saved = json.loads(page.evaluate("key => localStorage.getItem(key)", STORAGE_KEY))
    assert saved["v"] == 1 and saved["level"] == "junior"
    sc.clear_form()
    assert page.locator(".sc-restore-note").count() == 0
    assert errors == []


# ---------------------------------------------------------------------------------------------
# A worker that stops after it was ready
# ---------------------------------------------------------------------------------------------

# Keeps the self-check worker in window.__worker (not Material's search worker), so the test can
# end it as a browser does when memory runs out, without a word to the page. The page itself
# exposes nothing.
CAPTURE_WORKER = """{
  const Real = Worker;
  globalThis.Worker = class extends Real {
    constructor(url, ...rest) {
      super(url, ...rest);
      if (String(url).includes("selfcheck-worker")) window.__worker = this;
    }
  };
}"""
NONE_2025 = """{application: {level: "none", year: 2025}, activities: [{year: 2025, kind: "public_online", hours: 30}]}"""


def test_a_worker_ended_after_ready_is_reported_not_awaited(browser, site_server):
    """No answer for the (here shortened) silence limit: the check is given up with a message."""
    with phone_page(browser, CAPTURE_WORKER) as (page, errors):
        sc = SelfCheck(page, site_server).open("?request_watchdog=2").wait_ready()
        page.evaluate("() => window.__worker.terminate()")
        sc.applying("none", 2025)
        sc.activity(2025, "public_online", 30)
        page.get_by_role("button", name="核对学时").click()
        alert = page.locator("#sc-results .sc-alert")
        alert.wait_for(timeout=15_000)
        assert "自查程序 2 秒没有响应，已停止等待" in alert.inner_text()
        assert "请刷新本页后重试" in alert.inner_text()
        status = page.locator("#sc-status.sc-crashed")
        assert "没有响应" in status.inner_text() and "刷新本页" in status.inner_text()
        assert "未能加载" not in status.inner_text()
        assert page.locator("#sc-card").count() == 0 and page.locator(".sc-waiting").count() == 0
        # Later requests are refused at once, not sent to a worker that is gone.
        started = page.evaluate("() => performance.now()")
        message = page.evaluate(f"() => window.selfCheck.evaluate({NONE_2025}).then(() => null, (e) => e.message)")
        assert "没有响应" in message
        assert page.evaluate("() => performance.now()") - started < 1000
        assert errors == []


def test_a_worker_error_after_ready_is_not_called_a_load_failure(browser, site_server):
    with phone_page(browser, CAPTURE_WORKER) as (page, errors):
        SelfCheck(page, site_server).open().wait_ready()
        page.evaluate("""() => window.__worker.dispatchEvent(
            new ErrorEvent("error", {message: "RangeError: Out of memory", cancelable: true}))""")
        status = page.locator("#sc-status.sc-crashed")
        status.wait_for(timeout=5_000)
        text = status.inner_text()
        assert "自查程序已意外停止" in text and "内存不够" in text and "刷新本页" in text
        assert "未能加载" not in text and "Out of memory" in text
        message = page.evaluate(f"() => window.selfCheck.evaluate({NONE_2025}).then(() => null, (e) => e.message)")
        assert message == "自查程序已意外停止。可能是这台设备的内存不够。请刷新本页后重试。"
        assert errors == []


# ---------------------------------------------------------------------------------------------
# window.selfCheck: the contract of ARCHITECTURE.md, "Contracts"
# ---------------------------------------------------------------------------------------------

ENGINE_PAGE = "selfcheck/"  # the page of the shared engine_page fixture (conftest.py)


EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_api_returns_the_cli_json(engine_page, path: Path):
    # The day of the check is fixed: a page otherwise checks as of the visitor's today (rules_py.browser).
    person = {**json.loads(path.read_text("utf-8")), "as_of": "2025-11-29"}
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
    try:
        with phone_page(browser) as (page, errors):
            wasm_types = []
            page.on("response", lambda r: wasm_types.append(r.headers.get("content-type"))
                    if ".wasm" in r.url else None)
            page.goto(server.url + "selfcheck/")
            info = page.evaluate("() => window.selfCheck.ready")
            assert info["pyodide"] == PYODIDE_VERSION
            assert wasm_types == ["application/octet-stream"]
            result = page.evaluate("""() => window.selfCheck.evaluate({application: {level: "none", year: 2025},
                activities: [{year: 2025, kind: "public_online", hours: 30}]})""")
            assert result["years"][0]["public"] == 30
            assert errors == []
    finally:
        server.close()


def test_a_stalled_download_gets_advice(browser, site_server):
    """The watchdog (shortened to 2 s here) tells a person in WeChat what to try."""
    with phone_page(browser, user_agent="Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0.50") as (page, _):
        page.route("**/*.wasm*", lambda route: None)  # never answered: a download that hangs
        page.goto(site_server.url + "selfcheck/?watchdog=2")
        advice = page.locator(".sc-watchdog")
        advice.wait_for(timeout=20_000)
        text = advice.inner_text()
        assert "加载时间比平常长" in text
        assert "在浏览器打开" in text and "换一个浏览器" in text
        assert page.locator("#sc-level").is_visible(), "the form stays usable"


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
    with phone_page(browser, script) as (page, _):
        page.goto(site_server.url + "selfcheck/")
        status = page.locator("#sc-status.sc-alert")
        status.wait_for(timeout=10_000)
        assert "这个浏览器无法运行学时自查" in status.inner_text()
        assert named in status.inner_text() and "换一个浏览器" in status.inner_text()
        rejected = page.evaluate("() => window.selfCheck.ready.then(() => 'resolved', e => e.message)")
        assert rejected == "这个浏览器无法运行学时自查。"


# ---------------------------------------------------------------------------------------------
# What the engine knows, on the form: 评审年度, the certificate's year, the epidemic years
# ---------------------------------------------------------------------------------------------

def epidemic_years_offered(page) -> list[str]:
    return page.locator('.sc-sub[data-path="epidemic"] input[type=checkbox]').evaluate_all("els => els.map(e => e.value)")


def test_the_form_asks_what_the_engine_reads(phone, site_server):
    page = phone.new_page()
    errors = watch_console(page)
    page.clock.set_fixed_time(CHECK_DAY)
    sc = SelfCheck(page, site_server).open()
    notice = load_notice()
    form = notice.data["form"]
    sc.applying("senior", 2025)
    year_field = page.locator('[data-path="year"]')
    assert year_field.locator("label").inner_text() == form["application_year_label"] == "评审年度"
    assert form["application_year_hint"] in year_field.inner_text()
    # 二（四）4 counts the year the certificate was obtained.
    sc.activity(2024, "qualification_exam")
    row = page.locator('li.sc-row[data-row="0"]')
    exam = notice.activity_kinds["qualification_exam"]
    assert row.locator('[data-path="row-0-year"] label').inner_text() == exam["year_label"] == "取得证书年度"
    assert exam["year_hint"] in row.inner_text()
    sc.shot("form-exam-row", row)
    # 疫情防控: only the policy years inside the window, for 考核认定 too, none where it cannot apply.
    page.locator("#sc-more-toggle").click()
    page.get_by_role("checkbox", name=re.compile("^疫情防控一线")).check()
    assert epidemic_years_offered(page) == ["2023"]
    sc.applying("intermediate", 2024)
    assert epidemic_years_offered(page) == ["2022", "2023"]
    page.select_option("#sc-level", "assessment")
    page.select_option("#sc-year", "2025")
    assert epidemic_years_offered(page) == ["2020", "2021", "2022", "2023"]
    page.select_option("#sc-level", "none")
    assert page.get_by_role("checkbox", name=re.compile("^疫情防控一线")).count() == 0
    # Ticked and checked: the engine takes the year (no refusal) and names the row.
    sc.applying("senior", 2025).about("男", "1985-05-01", "其他")
    page.locator('.sc-sub[data-path="epidemic"] input[value="2023"]').check()
    card = sc.check()
    assert card.locator('.sc-exemptions li[data-code="epidemic_frontline"]').count() == 1
    sc.shot("form-epidemic", page.locator(".sc-more"))
    assert errors == []


# ---------------------------------------------------------------------------------------------
# Every message a person can trigger is plain Chinese
# ---------------------------------------------------------------------------------------------

ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def shown_messages(page) -> str:
    return "\n".join(page.locator(".sc-form-error:not([hidden]), .sc-field-error, #sc-results .sc-alert").all_inner_texts())


def test_bad_inputs_get_messages_without_code_words(phone, site_server):
    page = phone.new_page()
    errors = watch_console(page)
    sc = SelfCheck(page, site_server).open().wait_ready()
    seen = []

    def press_and_read(expected: str) -> str:
        page.get_by_role("button", name="核对学时").click()
        page.wait_for_function("(words) => [...document.querySelectorAll('.sc-form-error:not([hidden])')]"
                               ".some((e) => e.textContent.includes(words))", arg=expected, timeout=READY_MS)
        text = shown_messages(page)
        assert not ASCII_WORD.search(text), text
        seen.append(text)
        return text

    sc.applying("senior", 2025)
    sc.activity(2025, "public_online", 30)
    press_and_read("性别")                                   # the engine: 性别 is empty
    page.get_by_role("radio", name="男", exact=True).check()
    press_and_read("出生日期")                               # the engine: no birth date
    page.fill("#sc-birth-date", "1985-05-01")
    page.fill("#sc-row-0-amount", "-10")
    assert "第 1 条培训记录的学时不能为负数" in press_and_read("不能为负数")
    page.fill("#sc-row-0-amount", "ten")
    assert "请填写数字" in press_and_read("请填写数字")
    page.fill("#sc-row-0-amount", "30")
    sc.activity(2025, "other", 5)                            # 其他: the subject is the person's to choose
    press_and_read("计入公需科目还是专业科目")
    page.locator('li.sc-row[data-row="1"]').get_by_role("radio", name="专业科目").check()
    page.get_by_role("checkbox", name="破格申报").check()
    page.fill("#sc-years-in-post", "-2")
    press_and_read("不能为负数")
    page.fill("#sc-years-in-post", "")
    press_and_read("破格申报时必须填写")                      # the engine: years in post are missing
    page.get_by_role("checkbox", name="破格申报").uncheck()
    page.select_option("#sc-level", "assessment")
    press_and_read("考核认定")                                # the engine: the years it asks for
    assert len(seen) == 8
    assert errors == []


# ---------------------------------------------------------------------------------------------
# What if: every open gap at once
# ---------------------------------------------------------------------------------------------

def test_fill_every_open_gap_at_once(phone, site_server):
    """中级 for 2026, checked on 2025-11-29: 2024 complete; 2025 and 2026 short in both subjects.
    One trial of one year and subject cannot settle four gaps; 补齐全部缺口 does."""
    page = phone.new_page()
    errors = watch_console(page)
    page.clock.set_fixed_time(CHECK_DAY)
    sc = SelfCheck(page, site_server).open()
    fill_person_with_open_gaps(sc)
    card = sc.check()
    assert card.get_attribute("data-status") == "not_met"
    whatif = page.locator(".sc-whatif")
    # The single trial starts at the first open gap; no past year is offered.
    assert page.locator("#sc-whatif-year option").evaluate_all("els => els.map(e => e.value)") == ["2026", "2025"]
    assert page.locator("#sc-whatif-year").input_value() == "2025"
    assert page.locator("#sc-whatif-hours").input_value() == "20"
    assert whatif.get_by_label(re.compile("也试算已结束的年度")).count() == 1
    whatif.get_by_role("button", name="补齐全部缺口").click()
    line = whatif.locator(".sc-whatif-line")
    line.wait_for()
    assert line.get_attribute("data-status") == "met"
    assert "结论由“尚未满足”变为“已满足”" in line.inner_text()
    assert "2025 年公需科目尚差 20 学时" in line.inner_text() and "2026 年专业科目尚差 60 学时" in line.inner_text()
    assert card.get_attribute("data-status") == "not_met", "what-if must not change the record"
    assert_no_stray_text(page)
    sc.shot("whatif-fill-all", whatif)
    assert errors == []


def test_when_every_year_is_over_the_past_years_box_comes_first_and_trial_waits_for_it(phone, site_server):
    """中级 2025 checked in March 2026: 2023–2025 are all over, so no year is offered until the
    person ticks the past-years box, placed before the choices; 试算 cannot be pressed before."""
    page = phone.new_page()
    errors = watch_console(page)
    page.clock.set_fixed_time("2026-03-02T10:00:00")
    sc = SelfCheck(page, site_server).open()
    fill_short_person(sc)
    sc.check()
    whatif = page.locator(".sc-whatif")
    assert "都已结束" in whatif.locator(".sc-whatif-closed").inner_text()
    assert page.locator("#sc-whatif-year option").count() == 0
    go = whatif.get_by_role("button", name="试算")
    assert go.is_disabled()
    box = whatif.get_by_label(re.compile("也试算已结束的年度"))
    assert box.evaluate("(e) => Boolean(e.compareDocumentPosition(document.getElementById('sc-whatif-year')) & 4)")
    box.check()
    assert go.is_enabled() and page.locator("#sc-whatif-year").input_value() == "2025"
    page.select_option("#sc-whatif-year", "2024")
    page.fill("#sc-whatif-hours", "15")
    go.click()
    page.wait_for_function("() => document.querySelector('.sc-whatif-line')?.dataset.status === 'met'")
    sc.shot("whatif-all-over", whatif)
    assert errors == []


# ---------------------------------------------------------------------------------------------
# Loading after 核对学时: the stage and the bytes beside the button
# ---------------------------------------------------------------------------------------------

def test_progress_beside_the_button_while_the_engine_loads(phone, site_server):
    page = phone.new_page()
    errors = watch_console(page)
    held = []
    # The runtime's wasm, packed or plain (sitebuild/runtime.py): its download waits for the test.
    page.route("**/*.wasm*", lambda route: held.append(route))
    sc = SelfCheck(page, site_server).open()
    sc.applying("none", 2025)
    sc.activity(2025, "public_online", 30)
    page.get_by_role("button", name="核对学时").click()
    wait = page.locator("#sc-wait")
    wait.wait_for()
    page.wait_for_function("() => /正在下载自查程序（[0-9.]+ \\/ [0-9.]+ MB）/.test(document.querySelector('#sc-wait').textContent)",
                           timeout=20_000)
    assert "加载完成后立即显示结果" in wait.inner_text()
    box = wait.bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= 812, box
    submit = page.get_by_role("button", name="核对学时").bounding_box()
    assert abs(box["y"] - (submit["y"] + submit["height"])) < 200, "beside the button, not at the top"
    sc.shot("loading-beside-button")
    for route in held:
        route.continue_()
    page.unroute("**/*.wasm*")
    page.locator("#sc-card").wait_for(timeout=READY_MS)
    assert wait.is_hidden()
    assert errors == []

"""学时自查's door to the 申报人员学时核对表 (issue 12) in headless Chromium at 375 px: answer the form,
保存为核对表 (the download caught), read that file into a fresh page with 从核对表读取, press 核对学时
and get the same result card; a workbook of three people asks which row; a file that is not a
workbook gets a Chinese message. The first visit fetches no openpyxl wheel; pressing a door button
does. axe-core on the new states in both text modes, at 375 and 1280 px; screenshots of the buttons and
the row chooser.
"""

from __future__ import annotations

import re

import pytest

from testkit import applicants_factory as af
from rules_py.applicants.door import refusal
from rules_py.notice import load_notice
from testkit import phone_page, record_requests, screenshot, watch_console

from a11y import serious_violations
from pages import CHECK_DAY, READY_MS, SelfCheck, assert_local_only, fill_person_with_open_gaps, fill_short_person

pytestmark = pytest.mark.browser

WORKBOOK_WHEELS = re.compile(r"/(openpyxl|et_xmlfile|defusedxml|xlrd)-[^/]*\.whl$")


def card_text(page) -> dict:
    """What the result card says: its status, the verdict and each year's sentence."""
    card = page.locator("#sc-card")
    return {"status": card.get_attribute("data-status"),
            "verdict": page.locator(".sc-verdict").first.inner_text(),
            "years": page.locator(".sc-year").all_inner_texts()}


def save_row(page, name: str = "", id_number: str = "") -> tuple[bytes, str]:
    page.get_by_role("button", name="保存为核对表").click()
    if name:
        page.fill("#sc-door-name", name)
    if id_number:
        page.fill("#sc-door-id", id_number)
    with page.expect_download(timeout=READY_MS) as caught:
        page.get_by_role("button", name="下载核对表").click()
    download = caught.value
    return open(download.path(), "rb").read(), download.suggested_filename


def choose_file(page, name: str, data: bytes, mime: str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="从核对表读取").click()
    chooser.value.set_files({"name": name, "mimeType": mime, "buffer": data})


def test_save_then_read_into_a_fresh_page_gives_the_same_card(phone, site_server, tmp_path):
    requests = record_requests(phone)
    page = phone.new_page()
    errors = watch_console(page)
    site_server.clear()
    page.clock.set_fixed_time(CHECK_DAY)
    sc = SelfCheck(page, site_server).open().wait_ready()
    # The first visit: the engine is ready and no workbook wheel was fetched.
    assert [url for url in requests if WORKBOOK_WHEELS.search(url)] == []
    assert page.locator("#sc-door-save").is_hidden()
    assert "汇总到一个《申报人员学时核对表》" in page.locator("#sc-door").inner_text()

    fill_short_person(sc)
    sc.check()
    before = card_text(page)
    assert before["status"] == "not_met"
    door = page.locator("#sc-door")
    door.scroll_into_view_if_needed()
    screenshot(page, "selfcheck-door-buttons", door)
    data, filename = save_row(page)
    # Pressing 保存为核对表 fetched the workbook tools, from this site, once.
    wheels = [url for url in requests if WORKBOOK_WHEELS.search(url)]
    assert {WORKBOOK_WHEELS.search(url).group(1) for url in wheels} == {"openpyxl", "et_xmlfile", "defusedxml", "xlrd"}
    assert len(wheels) == 4
    assert filename.endswith(".xlsx") and data[:2] == b"PK"
    status = page.locator(".sc-door-status").inner_text()
    assert "已下载" in status and "姓名、身份证号码是空的" in status
    screenshot(page, "selfcheck-door-saved", door)
    assert_local_only(requests, site_server, errors)

    # A fresh page (its own storage): read the file, check, the same card.
    with phone_page(phone.browser) as (fresh, fresh_errors):
        fresh.clock.set_fixed_time(CHECK_DAY)
        other = SelfCheck(fresh, site_server).open().wait_ready()
        choose_file(fresh, filename, data)
        fresh.locator(".sc-door-status", has_text="已按核对表").wait_for(timeout=READY_MS)
        assert fresh.locator("#sc-level").input_value() == "intermediate"
        assert fresh.get_by_role("radio", name="女", exact=True).is_checked()
        assert fresh.locator("#sc-birth-date").input_value() == "1988-03-01"
        other.check()
        assert card_text(fresh) == before
        assert fresh_errors == []


def test_three_rows_ask_which_and_a_bad_row_says_why(phone, site_server):
    page = phone.new_page()
    errors = watch_console(page)
    page.clock.set_fixed_time(CHECK_DAY)
    SelfCheck(page, site_server).open().wait_ready()
    rows = [af.met_senior(0, 姓名="甲"), af.applicant(1, 姓名="乙", 申报类别="初级", **{"2025年公需科目学时": 30}),
            af.applicant(2, 姓名="丙", 申报类别="中级", **{"2024年专业科目学时": "六十"})]
    choose_file(page, "三人.xlsx", af.filled(rows))
    chooser = page.locator("#sc-door-choose")
    chooser.wait_for(timeout=READY_MS)
    assert "有 3 行人员" in chooser.inner_text()
    assert "第 7 行 丙" in chooser.inner_text() and "应为数字" in chooser.inner_text()
    assert chooser.get_by_role("button").filter(has_text="丙").count() == 0
    chooser.scroll_into_view_if_needed()
    screenshot(page, "selfcheck-door-choose", chooser)
    chooser.get_by_role("button", name=re.compile("第 6 行 乙")).click()
    assert page.locator("#sc-level").input_value() == "junior"
    assert "第 6 行 乙" in page.locator(".sc-door-status").inner_text()
    assert errors == []


def test_a_file_that_is_not_a_workbook_gets_a_chinese_message(phone, site_server):
    page = phone.new_page()
    errors = watch_console(page)
    SelfCheck(page, site_server).open().wait_ready()
    choose_file(page, "证书.pdf", b"%PDF-1.4\n% not a workbook\n", "application/pdf")
    status = page.locator(".sc-door-status.sc-form-error")
    status.wait_for(timeout=READY_MS)
    assert "未能读取“证书.pdf”" in status.inner_text() and re.search(r"[\u4e00-\u9fff]{6}", status.inner_text())
    assert errors == []


def test_axe_on_the_save_panel_and_the_row_chooser(a11y_context, site_server):
    page = a11y_context.new_page()
    errors = watch_console(page)
    page.clock.set_fixed_time(CHECK_DAY)
    sc = SelfCheck(page, site_server).open().wait_ready()
    fill_short_person(sc)
    sc.check()
    page.get_by_role("button", name="保存为核对表").click()
    page.locator("#sc-door-save-panel").wait_for()
    assert serious_violations(page) == [], "with the save panel"
    large = page.evaluate("() => document.documentElement.classList.contains('text-large')")
    mode = "large" if large else "normal"
    screenshot(page, f"selfcheck-door-save-{mode}", page.locator("#sc-door"))
    rows = [af.met_senior(0, 姓名="甲"), af.applicant(1, 姓名="乙", 申报类别="中级", **{"2024年专业科目学时": "六十"})]
    choose_file(page, "两人.xlsx", af.filled(rows))
    page.locator("#sc-door-choose").wait_for(timeout=READY_MS)
    assert serious_violations(page) == [], "with the row chooser"
    screenshot(page, f"selfcheck-door-choose-{mode}", page.locator("#sc-door"))
    assert errors == []


def test_tools_that_cannot_load_say_so_in_chinese_and_load_on_the_next_press(phone, site_server):
    """The wheel does not arrive (a network cut): a Chinese message beside the buttons, and the next
    press tries again."""
    blocked = {"on": True}
    phone.route(re.compile(r".*/openpyxl-[^/]*\.whl$"),
                lambda route: route.abort() if blocked["on"] else route.continue_())
    page = phone.new_page()
    SelfCheck(page, site_server).open().wait_ready()
    rows = [af.met_senior(0, 姓名="甲")]
    choose_file(page, "一人.xlsx", af.filled(rows))
    status = page.locator(".sc-door-status.sc-form-error")
    status.wait_for(timeout=READY_MS)
    assert "表格工具未能加载" in status.inner_text()
    blocked["on"] = False
    choose_file(page, "一人.xlsx", af.filled(rows))
    page.locator(".sc-door-status", has_text="已按核对表第 5 行 甲").wait_for(timeout=READY_MS)
    assert page.locator("#sc-level").input_value() == "senior"


def test_a_name_and_id_number_go_into_the_file_and_a_wrong_number_is_said_first(phone, site_server):
    from io import BytesIO
    import datetime as dt

    from openpyxl import load_workbook
    from testkit.roster_factory import make_id

    page = phone.new_page()
    errors = watch_console(page)
    page.clock.set_fixed_time(CHECK_DAY)
    sc = SelfCheck(page, site_server).open().wait_ready()
    fill_short_person(sc)  # a woman born 1988-03-01
    sc.check()
    page.get_by_role("button", name="保存为核对表").click()
    page.fill("#sc-door-name", "李芳")
    page.fill("#sc-door-id", make_id(4, "male", dt.date(1988, 3, 1)))
    page.get_by_role("button", name="下载核对表").click()
    status = page.locator(".sc-door-status.sc-form-error")
    status.wait_for(timeout=READY_MS)
    assert "没有保存" in status.inner_text() and "性别" in status.inner_text()
    screenshot(page, "selfcheck-door-id-mismatch", page.locator("#sc-door"))
    page.fill("#sc-door-id", make_id(4, "female", dt.date(1988, 3, 1)))
    with page.expect_download(timeout=READY_MS) as caught:
        page.get_by_role("button", name="下载核对表").click()
    assert caught.value.suggested_filename == "申报人员学时核对表（李芳）.xlsx"
    sheet = load_workbook(BytesIO(open(caught.value.path(), "rb").read()))[af.FORM.sheet_name]
    assert sheet.cell(af.FIRST_ROW, 1).value == "李芳"
    assert sheet.cell(af.FIRST_ROW, 2).value == make_id(4, "female", dt.date(1988, 3, 1))
    assert "空的" not in page.locator(".sc-door-status").inner_text()
    assert [e for e in errors if "selfcheck worker" not in e] == []


def test_an_application_the_sheet_cannot_hold_is_refused_before_any_question(phone, site_server):
    """评审年度 2026 is outside the 2023–2025 sheet: pressing 保存为核对表 says so at once, in the
    engine's words, without asking for a name or fetching the workbook tools."""
    requests = record_requests(phone)
    page = phone.new_page()
    errors = watch_console(page)
    page.clock.set_fixed_time(CHECK_DAY)
    sc = SelfCheck(page, site_server).open().wait_ready()
    fill_person_with_open_gaps(sc)  # 中级, 2026
    sc.check()
    page.get_by_role("button", name="保存为核对表").click()
    status = page.locator(".sc-door-status.sc-form-error")
    status.wait_for(timeout=READY_MS)
    expected = refusal({"application": {"level": "intermediate", "year": 2026}}, load_notice())["message"]
    assert status.inner_text() == "不能保存为核对表：" + expected
    assert page.locator("#sc-door-save-panel").count() == 0
    assert page.get_by_role("button", name="保存为核对表").get_attribute("aria-expanded") == "false"
    assert [url for url in requests if WORKBOOK_WHEELS.search(url)] == []
    assert errors == []

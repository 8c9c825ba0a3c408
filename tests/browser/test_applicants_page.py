"""申报人员学时核对 in headless Chromium, used as an HR clerk would: pick a filled 申报人员学时核对表,
read one line per person (verdict in plain words, hours missing per year, the clause), see the bad
cells of a row instead of its verdict, download the marked workbook and read it back with openpyxl.
Wrong files get the Chinese message (a file over the size limit never reaches the worker); a 花名册
dropped here, or this workbook dropped on the roster page, is pointed to the right page.
window.selfCheck.checkApplicants gives the report the command line gives (rules_py.browser's
applicants_json on CPython), marked workbook included. The marked workbook in LibreOffice is
tests/test_applicants_files.py's (the same bytes, whichever door wrote them).

Every request stays on the local server (GET only) and the page's CSP is enforced. Each page load
boots Pyodide, so each test loads the page once.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from testkit import ROOT, SCREENSHOTS, record_requests, watch_console
from testkit import applicants_factory as af
from testkit import roster_factory as rf

from rules_py.applicants import fatal_codes, limits
from rules_py.applicants.annotate import EXPLANATION_HEADER, VERDICT_FILLS, VERDICT_HEADER
from rules_py.browser import applicants_json
from rules_py.notice import load_notice
from rules_py.roster import SUMMARY_SHEET

from pages import (CHECK_MS, RECORD_SENT, ApplicantsPage, RosterPage, assert_local_only, check_in_browser,
                   record_methods)
from workbooks import HTML_XLS_BYTES, RANDOM_BYTES, fill_of, planted_roster, write

pytestmark = pytest.mark.browser

EXAMPLE = ROOT / "examples" / "applicants-example.xlsx"
ENGINE_PAGE = "applicants/"  # the page of the shared engine_page fixture (conftest.py)


def expected_report(data: bytes, filename: str = "申报人员学时核对表.xlsx") -> dict:
    """The report as the command line prints it (`python -m rules_py applicants FILE --json`)."""
    text, _ = applicants_json(data, filename, False)
    return json.loads(text)


def mixed_workbook() -> bytes:
    """Five people: met, short in one year, not restrictive by age, a bad level cell, a bad ID."""
    bad_id = af.met_senior(4)
    bad_id["身份证号码"] = bad_id["身份证号码"][:-1] + ("0" if bad_id["身份证号码"][-1] != "0" else "1")
    short = af.met_senior(1)
    short["2024年专业科目学时"] = 42
    return af.filled([
        af.met_senior(0),
        short,
        af.applicant(2, born=af.dt.date(1965, 3, 1), 申报类别="高级", **{h: 0 for h in af.HEADERS if h.endswith("学时")}),
        af.met_senior(3, 申报类别="副高"),
        bad_id,
    ])


def own_sheet_workbook() -> bytes:
    """A clerk's own sheet: a title row, synonyms (身份证号), a 性别 column, two people."""
    rows = [af.met_senior(0, 性别="男"), af.met_senior(1, sex="female", 性别="女", 申报类别="中级")]
    for row in rows:
        row["身份证号"] = row.pop("身份证号码")
    headers = ["姓名", "性别", "身份证号", "申报类别", *(h for h in af.HEADERS if "学时" in h)]
    return af.own_sheet(rows, headers, above=[["本院申报人员"]])


def table_rows(page) -> list[dict]:
    return page.locator("#ac-table tbody tr").evaluate_all("""rows => rows.map(tr => ({
      row: Number(tr.dataset.row), status: tr.dataset.status || null,
      name: tr.querySelector('th').firstChild.textContent,
      verdict: tr.querySelector('.ac-verdict').textContent,
      missing: [...tr.querySelectorAll('.ac-missing li')].map(li => li.textContent),
      clauses: [...tr.querySelectorAll('.ac-clause')].map(a => a.getAttribute('href')),
      problems: [...tr.querySelectorAll('.rc-items li')].map(li => ({cell: li.dataset.cell, text: li.textContent})),
    }))""")


# ---------------------------------------------------------------------------------------------
# The page, as an HR clerk uses it
# ---------------------------------------------------------------------------------------------

def test_a_clerk_reads_one_line_per_person_and_downloads_the_marked_workbook(phone, site_server, tmp_path):
    requests, methods = record_requests(phone), record_methods(phone)
    page = phone.new_page()
    errors = watch_console(page)
    site_server.clear()
    ap = ApplicantsPage(page, site_server).open()
    assert limits()["text"] in page.locator("#rc-limits").inner_text()
    ap.wait_ready()

    data = mixed_workbook()
    expected = expected_report(data, "本单位申报人员.xlsx")
    assert [r["status"] for r in expected["rows"]] == ["met", "not_met", "not_restrictive", None, None]
    ap.pick(write(tmp_path, "本单位申报人员.xlsx", data))
    result = ap.report()

    headline = page.locator("#ac-summary .rc-headline").inner_text()
    assert headline == "共 5 人：已满足 1 人、尚未满足 1 人、学时不作为限制性条件 1 人；2 行有错误，未核对"
    assert "文件“本单位申报人员.xlsx”，工作表“申报人员”" in page.locator("#ac-summary").inner_text()

    rows = table_rows(page)
    assert [(r["row"], r["name"], r["status"]) for r in rows] == [
        (e["row"], e["name"], e["status"]) for e in expected["rows"]]
    met, short, old, bad_level, bad_id = rows
    assert met["verdict"] == "已满足" and met["missing"] == [] and met["problems"] == []
    assert short["verdict"] == "尚差 18 学时" and short["missing"] == ["2024 年专业科目尚差 18 学时"]
    assert old["verdict"] == "不作为限制性条件"
    for row, entry in zip((met, short, old), expected["rows"]):
        assert row["clauses"] == [f"../notice/#{c}" for c in entry["result"]["application"]["clauses"]]
        assert row["verdict"] == entry["verdict"]
    assert "../notice/#s2-5-1" in old["clauses"]
    # A row with a bad cell: no verdict, no clause, its problems with cell, message and fix.
    for row, entry in ((bad_level, expected["rows"][3]), (bad_id, expected["rows"][4])):
        assert row["verdict"] == "有错误，未核对" and row["clauses"] == [] and row["missing"] == []
        assert [p["cell"] for p in row["problems"]] == [p["cell"] for p in entry["problems"]]
        for shown, problem in zip(row["problems"], entry["problems"]):
            assert problem["message"].split("：", 1)[1] in shown["text"] and f"改法：{problem['hint']}" in shown["text"]
    assert bad_id["problems"][0]["cell"] == f"B{af.row_number(4)}" and "校验位" in bad_id["problems"][0]["text"]
    # The clause links lead to anchors the notice page has.
    notice = page.request.get(site_server.url + "notice/").text()
    for href in {h for r in rows for h in r["clauses"]}:
        assert f'id="{href.split("#")[1]}"' in notice

    # Nothing to guess at on a phone: nothing wider than the screen.
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 375
    assert page.evaluate("""() => [...document.querySelectorAll('#ac-table tr, #ac-table th, #ac-table td')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length""") == 0
    ap.shot("report", result)

    link = page.locator("#rc-download-link")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "本单位申报人员（标注版）.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert workbook.sheetnames[0] == SUMMARY_SHEET and "申报人员" in workbook.sheetnames
    ws = workbook["申报人员"]
    header = expected["header_row"]
    columns = {cell.value: cell.column for cell in ws[header] if cell.value in (VERDICT_HEADER, EXPLANATION_HEADER)}
    assert set(columns) == {VERDICT_HEADER, EXPLANATION_HEADER}
    for entry in expected["rows"]:
        verdict = ws.cell(row=entry["row"], column=columns[VERDICT_HEADER])
        assert verdict.value == entry["verdict"] and fill_of(verdict) == VERDICT_FILLS[entry["status"]]
        assert ws.cell(row=entry["row"], column=columns[EXPLANATION_HEADER]).value == entry["explanation"]
    assert ws[bad_id["problems"][0]["cell"]].comment is not None
    assert_local_only(requests, site_server, errors, methods)


def test_at_desktop_width_the_report_is_a_table_within_the_page(browser, site_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", service_workers="block")
    try:
        page = context.new_page()
        errors = watch_console(page)
        result = ApplicantsPage(page, site_server).open().pick(EXAMPLE).report()
        page.locator("#rc-download-link").wait_for(timeout=CHECK_MS)
        assert page.locator("#ac-table thead").evaluate("e => getComputedStyle(e).display") == "table-header-group"
        assert page.locator("#ac-table thead th").all_inner_texts() == ["姓名", "结论", "依据"]
        # Every cell within the content column: nothing runs off to the right.
        assert page.evaluate("""() => {
          const box = document.querySelector('.md-content').getBoundingClientRect();
          return [...document.querySelectorAll('#ac-table th, #ac-table td')]
            .filter(e => e.getBoundingClientRect().right > box.right + 1).length;
        }""") == 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        result.screenshot(path=str(SCREENSHOTS / "applicants-report-1280.png"))
        assert errors == []
    finally:
        context.close()


def test_a_large_workbook_shows_the_rows_read(phone, site_server, tmp_path):
    page = phone.new_page()
    errors = watch_console(page)
    ap = ApplicantsPage(page, site_server).open().wait_ready()
    page.evaluate("""() => {
      window.__progress = [];
      new MutationObserver(() => {
        const text = document.querySelector('#rc-progress:not([hidden]) p')?.textContent;
        if (text && !window.__progress.includes(text)) window.__progress.push(text);
      }).observe(document.querySelector('#applicants'), {subtree: true, childList: true, characterData: true});
    }""")
    ap.pick(write(tmp_path, "全院申报人员.xlsx", af.many(1500)))
    ap.report()
    progress = page.evaluate("() => window.__progress")
    assert "正在核对“全院申报人员.xlsx”……已读取 1000 行" in progress, progress
    assert page.locator("#ac-table tbody tr").count() == 1500
    assert page.locator("#rc-progress").is_hidden()
    assert errors == []


def test_what_the_copy_lacks_is_said_beside_the_download(phone, site_server, tmp_path):
    """A workbook with the unit's 公章 as an image: before the download the page says the copy has
    no image, as the roster page does."""
    page = phone.new_page()
    errors = watch_console(page)
    ap = ApplicantsPage(page, site_server).open().wait_ready()
    sealed = rf.add_member(af.filled([af.met_senior(0), af.met_senior(1)]), "xl/media/image1.png", b"\x89PNG\r\n\x1a\n")
    ap.pick(write(tmp_path, "有公章.xlsx", sealed))
    ap.report()
    page.locator("#rc-download-link").wait_for(timeout=60_000)
    lacks = page.locator("#rc-lacks").inner_text()
    assert "公章" in lacks and "原文件上修改" in lacks
    assert errors == []


def test_wrong_files_get_the_chinese_message_and_big_ones_never_reach_the_worker(phone, site_server, tmp_path):
    phone.add_init_script(RECORD_SENT)
    requests, methods = record_requests(phone), record_methods(phone)
    page = phone.new_page()
    errors = watch_console(page)
    site_server.clear()
    ap = ApplicantsPage(page, site_server).open()

    # Over the size limit: refused at once, even while the engine is still loading, with this
    # page's limits (2000 people, not the roster's 10000).
    text = ap.refuses_too_large(tmp_path, "全区申报人员.xlsx", limits()["max_file_bytes"])
    assert fatal_codes(load_notice())["too_large"]["title"] in text
    assert limits()["text"] in text and "10.0 MB" in text

    ap.wait_ready()
    for name, data in (("申报人员.xls", HTML_XLS_BYTES), ("申报人员.xlsx", RANDOM_BYTES)):
        expected = expected_report(data, name)["fatal"]
        assert expected["code"] == "not_xlsx"
        ap.refuses_unreadable(tmp_path, name, data, expected)
    assert ap.sent_bytes() == [len(HTML_XLS_BYTES), len(RANDOM_BYTES)]

    # A 花名册 (附件2) picked here: its missing 申报类别 column is a problem of the file, and the
    # page says where a roster is checked.
    ap.pick(write(tmp_path, "花名册.xlsx", planted_roster()))
    hint = page.locator("#ac-roster-hint")
    hint.wait_for(timeout=CHECK_MS)
    assert hint.locator("a").get_attribute("href") == "../roster/"
    assert hint.evaluate("(e) => e.parentElement.firstElementChild === e")  # said first, above the counts
    assert "申报类别" in page.locator("#ac-file-problems").inner_text()
    # A person none of whose cells is wrong says why there is no verdict all the same.
    reasons = page.locator('#ac-table tr[data-errors="0"] .ac-reason').all_inner_texts()
    assert reasons and all(reason.startswith("表头缺少必填列") for reason in reasons)
    assert "表头缺少必填列" not in page.locator('#ac-table tr:not([data-errors="0"]) .ac-reason').first.inner_text()
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 375
    assert_local_only(requests, site_server, errors, methods)


def test_the_roster_page_sends_an_applicants_workbook_here(phone, site_server, tmp_path):
    page = phone.new_page()
    errors = watch_console(page)
    rp = RosterPage(page, site_server).open().wait_ready()
    rp.pick(EXAMPLE)
    rp.report()
    hint = page.locator("#rc-applicants-hint")
    hint.wait_for(timeout=CHECK_MS)
    assert hint.locator("a").get_attribute("href") == "../applicants/"
    # A roster gets no such hint.
    rp.pick(write(tmp_path, "花名册.xlsx", planted_roster()))
    page.wait_for_function("() => document.querySelector('#rc-summary .rc-file')?.textContent.includes('花名册.xlsx')",
                           timeout=CHECK_MS)
    assert page.locator("#rc-applicants-hint").count() == 0
    assert errors == []


# ---------------------------------------------------------------------------------------------
# window.selfCheck.checkApplicants: the command line's report (rules_py/schemas/applicants-report.schema.json)
# ---------------------------------------------------------------------------------------------

def check_applicants_in_browser(page, data: bytes, options: dict | None = None) -> tuple[dict, dict | None]:
    return check_in_browser(page, data, options, method="checkApplicants")


PARITY_FILES = {
    "example": (EXAMPLE.read_bytes, "applicants-example.xlsx"),
    "mixed": (mixed_workbook, "本单位申报人员.xlsx"),
    "many": (lambda: af.many(60), "申报人员.xlsx"),
    "own-sheet": (lambda: own_sheet_workbook(), "自制表.xlsx"),
    "roster": (planted_roster, "花名册.xlsx"),
    "html-named-xls": (lambda: HTML_XLS_BYTES, "名单.xls"),
}


@pytest.mark.parametrize("kind", PARITY_FILES)
def test_check_applicants_gives_the_command_line_report(engine_page, kind):
    make, filename = PARITY_FILES[kind]
    data = make()
    report, annotated = check_applicants_in_browser(engine_page, data, {"filename": filename})
    assert annotated is None and "annotated_xlsx" not in report
    assert report == expected_report(data, filename)
    if kind == "many":
        assert {"met", "not_met"} <= set(report["summary"]["by_status"])


def test_check_applicants_with_annotate_returns_the_marked_workbook(engine_page):
    data = mixed_workbook()
    report, annotated = check_applicants_in_browser(engine_page, data, {"annotate": True})
    assert report == expected_report(data) and report["file"] == "申报人员学时核对表.xlsx"
    assert annotated["type"] == "[object Uint8Array]"
    _, cpython = applicants_json(data, "申报人员学时核对表.xlsx", True)
    marked, expected = (load_workbook(io.BytesIO(b)) for b in (base64.b64decode(annotated["b64"]), cpython))
    assert marked.sheetnames == expected.sheetnames
    for name in marked.sheetnames:
        assert ([[c.value for c in row] for row in marked[name].iter_rows()]
                == [[c.value for c in row] for row in expected[name].iter_rows()]), name
    report, annotated = check_applicants_in_browser(engine_page, HTML_XLS_BYTES, {"annotate": True})
    assert report["fatal"]["code"] == "not_xlsx" and annotated is None


def test_one_self_check_object_on_the_applicants_page(engine_page):
    keys = engine_page.evaluate("() => Object.keys(window.selfCheck).sort()")
    assert keys == ["checkApplicants", "checkRoster", "evaluate", "ready"]
    message = engine_page.evaluate("() => window.selfCheck.checkApplicants('not bytes').then(() => null, e => e.message)")
    assert "ArrayBuffer" in message


# ---------------------------------------------------------------------------------------------
# The built pages
# ---------------------------------------------------------------------------------------------

def test_the_page_is_found_from_home_roster_forms_and_faq(built_site):
    page = (built_site / "applicants" / "index.html").read_text("utf-8")
    assert limits()["text"] in page and 'src="../assets/js/applicants.js"' in page and "privacy-line" in page
    assert '"tools": ["applicants"]' in page or '"tools":["applicants"]' in page.replace(" ", "")
    assert re.search(rf'<a [^>]*download="[^"]+\.xlsx" href="../forms/{load_notice().id}-applicants\.xlsx"', page)
    assert "通知没有附这张表" in page
    data = json.loads((built_site / "assets" / "selfcheck" / f"applicants-{load_notice().id}.json").read_text("utf-8"))
    assert data["limits"] == limits() and data["fatal"] == fatal_codes(load_notice())
    home = (built_site / "index.html").read_text("utf-8")
    assert 'href="applicants/"' in home
    assert home.index('href="roster/"') < home.index('href="applicants/"')
    assert 'href="../applicants/"' in (built_site / "roster" / "index.html").read_text("utf-8")
    forms = (built_site / "forms" / "index.html").read_text("utf-8")
    assert 'href="../applicants/"' in forms and "通知没有附这张表" in forms
    faq = (built_site / "faq" / "index.html").read_text("utf-8")
    assert 'id="applicants-check"' in faq and 'href="../applicants/"' in faq and "通知没有附这张表" in faq

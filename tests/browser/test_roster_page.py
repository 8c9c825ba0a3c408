"""花名册自查 in headless Chromium at 375 px, used as HR staff would: pick a filled roster, read the
summary, the problems grouped by kind and the first rows with the bad cells marked, and download
the marked workbook, which openpyxl reads back with its fills and comments. Wrong files get the
Chinese message of the fatal code (a file over the size limit is refused before it reaches the
worker), a large roster shows rows read while the page stays responsive, and WeChat gets told how
to get the file. Rosters as clerks make them: the engine's notes shown as 说明, several sheets named
and their problems grouped, what the marked copy lacks said before the download.
window.selfCheck.checkRoster (ARCHITECTURE.md, "Contracts") gives the report CPython's check_roster
gives, for clean, planted-problem and unusable files, annotated workbook included.

Every request stays on the local server, nothing is sent anywhere (GET only), and the page's CSP is
enforced. Each page load boots Pyodide (~6 s here), so each test loads the page once.
"""

from __future__ import annotations

import base64
import html.parser
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from testkit import phone_page, record_requests, watch_console

from rules_py import load_notice
from rules_py.roster import (AUTHOR, ERROR_FILL, FATAL_CODES, NOTE_CODES, PROBLEM_CODES, SUMMARY_SHEET,
                             WARNING_FILL, annotate_roster, check_roster, limits)

from testkit import bad_rosters, office
from testkit import roster_factory as rf

from a11y import new_context, serious_violations
from pages import (CHECK_MS, RECORD_SENT, RosterPage, assert_local_only, check_in_browser, record_methods)
from workbooks import HTML_XLS_BYTES, RANDOM_BYTES, fill_of, planted_roster, write

pytestmark = pytest.mark.browser

WECHAT_UA = ("Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 "
             "Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20240301 MicroMessenger/8.0.50.2600 WeChat/arm64")


# ---------------------------------------------------------------------------------------------
# Workbooks (synthetic IDs only, from testkit/roster_factory.py; more in workbooks.py)
# ---------------------------------------------------------------------------------------------

def clean_roster(count: int = 20) -> bytes:
    return rf.from_form(rf.people(count))


def large_roster(count: int = 3000) -> bytes:
    rows = rf.people(count)
    rows[-1]["phone"] = "12345"  # one problem, on the last row
    return rf.custom(rows)


def expected_report(data: bytes, filename: str = "花名册.xlsx") -> dict:
    """CPython's report as JSON gives it (what `python -m rules_py roster FILE --json` prints)."""
    report = check_roster(data, filename)
    return json.loads(json.dumps(report, ensure_ascii=False))


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

_MERGES = re.compile(rb"(<mergeCells[^>]*>)(.*?)(</mergeCells>)", re.S)


def sorted_merges(xml: bytes) -> bytes:
    return _MERGES.sub(lambda m: m[1] + b"".join(sorted(re.findall(rb"<mergeCell [^>]*/>", m[2]))) + m[3], xml)


def assert_marked(workbook_bytes: bytes, report: dict):
    """Every listed problem cell carries the tool's fill and comment; the summary sheet comes first."""
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    assert workbook.sheetnames[0] == SUMMARY_SHEET
    ws = workbook[report["sheet"]]
    for problem in report["problems"]:
        if not problem["cell"]:
            continue
        cell = ws[problem["cell"]]
        severities = {p["severity"] for p in report["problems"] if p["cell"] == problem["cell"]}
        assert fill_of(cell) == (ERROR_FILL if "error" in severities else WARNING_FILL), problem["cell"]
        assert cell.comment is not None and cell.comment.author == AUTHOR, problem["cell"]
        assert PROBLEM_CODES[problem["code"]]["title"] in cell.comment.text
    summary = workbook[SUMMARY_SHEET]
    cells = {c.value for row in summary.iter_rows() for c in row if c.value}
    for problem in report["problems"]:
        if problem["cell"]:
            assert problem["cell"] in cells


# ---------------------------------------------------------------------------------------------
# The page, as HR staff use it
# ---------------------------------------------------------------------------------------------

def test_upload_shows_problems_and_the_marked_workbook(phone, site_server, tmp_path):
    requests, methods = record_requests(phone), record_methods(phone)
    page = phone.new_page()
    errors = watch_console(page)
    site_server.clear()
    rp = RosterPage(page, site_server).open()
    # The limits are stated on the page, from rules_py.roster.limits().
    assert limits()["text"] in page.locator("#rc-limits").inner_text()
    assert re.search("正在|已就绪", page.locator("#sc-status").inner_text())
    rp.wait_ready()
    rp.shot("empty")

    data = planted_roster()
    expected = expected_report(data, "单位花名册.xlsx")
    s = expected["summary"]
    assert s["errors"] >= 8 and s["warnings"] == 2 and len(s["by_code"]) >= 10
    rp.pick(write(tmp_path, "单位花名册.xlsx", data))
    result = rp.report()

    # Summary first.
    headline = page.locator("#rc-summary .rc-headline").inner_text()
    assert headline == f"共 12 人，发现 {s['errors']} 个问题，{s['warnings']} 条提醒"
    summary = page.locator("#rc-summary")
    assert "文件“单位花名册.xlsx”，工作表“花名册”" in summary.inner_text()
    assert "2025年3月15日前" in summary.inner_text()

    # Grouped by kind, with counts, errors before warnings; each problem with its cell and fix.
    kinds = page.locator(".rc-kind")
    codes = kinds.evaluate_all("els => els.map(e => e.dataset.code)")
    assert sorted(codes) == sorted(s["by_code"])
    severities = [PROBLEM_CODES[c]["severity"] for c in codes]
    assert severities == sorted(severities, key=lambda sev: sev != "error")
    for code, count in s["by_code"].items():
        kind = page.locator(f'.rc-kind[data-code="{code}"]')
        assert kind.locator(".rc-count").inner_text() == f"{count} 处"
        assert kind.locator(".rc-kind-title").inner_text() == PROBLEM_CODES[code]["title"]
        assert kind.locator(".rc-explain a").get_attribute("href") == f"../roster-codes/#{code}"
    checksum = next(p for p in expected["problems"] if p["code"] == "id_checksum")
    kind = page.locator('.rc-kind[data-code="id_checksum"]')
    kind.evaluate("details => { details.open = true; }")
    item = kind.locator(f'li[data-cell="{checksum["cell"]}"]')
    assert checksum["message"] in item.inner_text() and checksum["hint"] in item.inner_text()
    assert "Traceback" not in result.inner_text()

    # The first rows with the bad cells marked, in the workbook's colours.
    preview = page.locator("#rc-preview")
    preview.wait_for(timeout=CHECK_MS)
    problem_rows = sorted({p["row"] for p in expected["problems"] if p["cell"]})
    shown = page.locator(".rc-sheet tbody tr").evaluate_all("els => els.map(e => Number(e.dataset.row))")
    assert shown == problem_rows[:10]
    for problem in expected["problems"]:
        if problem["row"] in shown:
            cell = page.locator(f'.rc-sheet td[data-cell="{problem["cell"]}"]')
            assert "rc-bad" in cell.get_attribute("class"), problem["cell"]
    assert page.locator(f'.rc-sheet td[data-cell="{checksum["cell"]}"]').inner_text() == checksum["value"]
    assert "rc-bad--error" in page.locator(f'.rc-sheet td[data-cell="{checksum["cell"]}"]').get_attribute("class")
    missing = next(p for p in expected["problems"] if p["code"] == "missing_value")
    page.locator(f'.rc-sheet td[data-cell="{missing["cell"]}"]').click()
    assert missing["message"] in page.locator(".rc-cell-note").inner_text()

    # Then the download: the person's own workbook, marked.
    link = page.locator("#rc-download-link")
    link.wait_for(timeout=CHECK_MS)
    assert page.locator(".rc-wechat").count() == 0
    rp.shot("result", result)
    page.locator("#rc-summary").scroll_into_view_if_needed()
    page.evaluate("() => window.scrollTo(0, document.querySelector('#rc-summary').getBoundingClientRect().top + window.scrollY - 60)")
    rp.shot("result-top")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "单位花名册（标注版）.xlsx"
    marked = Path(download.path()).read_bytes()
    assert_marked(marked, expected)
    # Reading the marked copy back gives the same problems.
    again = check_roster(marked, "单位花名册（标注版）.xlsx")
    assert again["summary"]["by_code"] == s["by_code"]

    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 375
    assert any(re.search(r"/assets/wheels/[0-9a-f]{16}/openpyxl-.*\.whl$", p) for p in site_server.paths())
    assert_local_only(requests, site_server, errors, methods)


def test_wrong_files_get_the_chinese_message_and_big_ones_never_reach_the_worker(phone, site_server, tmp_path):
    phone.add_init_script(RECORD_SENT)
    requests, methods = record_requests(phone), record_methods(phone)
    page = phone.new_page()
    errors = watch_console(page)
    site_server.clear()
    rp = RosterPage(page, site_server).open()

    # Over the size limit: refused at once, even while the engine is still loading.
    text = rp.refuses_too_large(tmp_path, "全区花名册.xlsx", limits()["max_file_bytes"])
    assert FATAL_CODES["too_large"]["title"] in text and "10.0 MB" in text and limits()["text"] in text

    rp.wait_ready()
    # A web page saved as .xls (picked) and random bytes (dropped on the page): the fatal message of
    # rules_py, word for word.
    for name, data in (("花名册.xls", HTML_XLS_BYTES), ("花名册.xlsx", RANDOM_BYTES)):
        expected = expected_report(data, name)["fatal"]
        assert expected["code"] == "not_xlsx"
        text = rp.refuses_unreadable(tmp_path, name, data, expected, drop=name.endswith(".xlsx"))
        assert "另存为" in text
        if name.endswith(".xls"):
            assert "网页" in text
            page.mouse.wheel(0, 120)  # picking scrolled up to the input; Material then shows "回到页面顶部"
            page.wait_for_timeout(800)
            rp.shot("fatal", page.locator("#rc-result"))
    assert rp.sent_bytes() == [len(HTML_XLS_BYTES), len(RANDOM_BYTES)]
    assert page.locator("#rc-summary").count() == 0 and page.locator("#rc-download").count() == 0
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 375
    assert_local_only(requests, site_server, errors, methods)


def test_a_large_roster_shows_rows_read_and_the_page_stays_responsive(phone, site_server, tmp_path):
    page = phone.new_page()
    errors = watch_console(page)
    rp = RosterPage(page, site_server).open().wait_ready()
    data = large_roster(3000)
    path = write(tmp_path, "全区花名册.xlsx", data)
    # Record the rows the progress line shows, and the longest pause of the page's main thread.
    page.evaluate("""() => {
      window.__rows = [];
      window.__gap = 0;
      let last = performance.now();
      window.__timer = setInterval(() => {
        const now = performance.now();
        window.__gap = Math.max(window.__gap, now - last);
        last = now;
      }, 20);
      new MutationObserver(() => {
        const rows = document.querySelector('#rc-progress')?.dataset.rows;
        if (rows && !window.__rows.includes(Number(rows))) window.__rows.push(Number(rows));
      }).observe(document.querySelector('#roster'), {subtree: true, attributes: true, attributeFilter: ['data-rows']});
    }""")
    rp.pick(path)
    page.locator("#rc-progress:not([hidden])").wait_for(timeout=5_000)
    # While the worker reads, the page answers at once: the picker is still there to use.
    assert page.locator("#rc-file").is_enabled()
    rp.report()
    page.locator("#rc-download-link").wait_for(timeout=CHECK_MS)
    rows = page.evaluate("() => window.__rows")
    gap = page.evaluate("() => { clearInterval(window.__timer); return window.__gap; }")
    print(f"\nprogress rows seen: {rows}; longest main-thread pause: {gap:.0f} ms")
    assert rows[:2] == [1000, 2000], rows
    assert gap < 1000, f"the page froze for {gap:.0f} ms"
    assert page.locator("#rc-summary .rc-headline").inner_text() == "共 3000 人，发现 1 个问题"
    assert page.locator(".rc-sheet tbody tr").evaluate_all("els => els.map(e => e.dataset.row)") == ["3001"]
    assert errors == []


def test_in_wechat_the_page_says_how_to_get_the_marked_file(browser, site_server, tmp_path):
    with phone_page(browser, user_agent=WECHAT_UA) as (page, errors):
        rp = RosterPage(page, site_server).open()
        top = page.locator('.rc-wechat[data-where="top"]')
        assert "在浏览器打开" in top.inner_text()
        rp.wait_ready().pick(write(tmp_path, "花名册.xlsx", planted_roster()))
        rp.report()
        page.locator("#rc-download-link").wait_for(timeout=CHECK_MS)
        note = page.locator('#rc-download .rc-wechat[data-where="download"]')
        text = note.inner_text()
        assert "微信可能不允许下载" in text and "右上角“···”" in text and "在浏览器打开" in text
        note.scroll_into_view_if_needed()
        rp.shot("wechat-download", page.locator("#rc-download"))
        assert errors == []


# ---------------------------------------------------------------------------------------------
# Every message a clerk can trigger is plain Chinese (issue 14)
# ---------------------------------------------------------------------------------------------

ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
# The ASCII words a clerk meets in Excel or WPS themselves, so a message may name them: the
# programs (Excel, WPS, Word), the file types of the Save As list and of file names (xlsx, xls,
# xlsb, et, csv, ods, doc, PDF; OpenDocument: the Save As list's OpenDocument 电子表格, named by
# rules_py/roster/archive.py), and MB, the unit of a file's size.
# "No" is one of the header names the check accepts for 序号 ("No."), quoted back to the clerk in
# the no-header message.
CLERK_WORDS = {"excel", "wps", "word", "xlsx", "xls", "xlsb", "et", "csv", "ods", "doc", "pdf", "opendocument",
               "mb", "no"}

# The words the page shows in its result and its status line: every shown text node but the
# preview's cells (the workbook's own values and headers, not a message of ours).
SHOWN_WORDS = """() => {
  const words = [];
  for (const root of document.querySelectorAll("#rc-result, #sc-status")) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const el = walker.currentNode.parentElement;
      if (el.closest(".rc-sheet") || !el.checkVisibility()) continue;
      words.push(walker.currentNode.nodeValue);
    }
  }
  return words.join(" ");
}"""


def code_words(page) -> list[str]:
    text = page.evaluate(SHOWN_WORDS)
    return sorted({w for w in ASCII_WORD.findall(text) if w.lower() not in CLERK_WORDS})


def empty_workbook() -> bytes:
    """The blank form (附件2) saved without a person in it."""
    return rf.from_form([])


def headerless_workbook() -> bytes:
    return rf.custom(rf.people(3), headers={k: f"列{i}" for i, k in enumerate(rf.KEYS)})


def id_problems_roster() -> bytes:
    """The ID number problems the planted roster lacks: a 15-digit number, one stored as a number."""
    rows = rf.people(3)
    rows[0]["id_number"] = rf.make_id15(0, "male" if rows[0]["sex"] == "男" else "female")
    rows[1]["id_number"] = int(rows[1]["id_number"][:15] + "111")
    return rf.from_form(rows)


def test_wrong_and_hostile_files_get_messages_without_code_words(phone, site_server, tmp_path):
    """The files of testkit/bad_rosters.py, one too large, an empty workbook, one without a header
    and a roster with problems of ten kinds, picked one after another on one page."""
    phone.add_init_script(RECORD_SENT)
    page = phone.new_page()
    errors = watch_console(page)
    rp = RosterPage(page, site_server).open().wait_ready()
    planted = planted_roster()
    files = [(f"错误文件{i}.xlsx", data) for i, (_, data, _, _) in enumerate(bad_rosters.WRONG_FILES)]
    files += [(f"危险文件{i}.xlsx", rf.replace_member(planted, member, xml))
              for i, (_, member, xml) in enumerate(bad_rosters.HOSTILE_XML)]
    files += [("空表.xlsx", empty_workbook()), ("无表头.xlsx", headerless_workbook())]
    seen = {}
    for name, data in files:
        expected = expected_report(data, name)["fatal"]
        rp.refuses_unreadable(tmp_path, name, data, expected)
        seen[name] = expected["code"]
        assert code_words(page) == [], (name, page.locator("#rc-fatal").inner_text())
    assert {"empty", "damaged", "not_xlsx", "no_header"} <= set(seen.values()), seen

    rp.refuses_too_large(tmp_path, "全区花名册.xlsx", limits()["max_file_bytes"])
    assert code_words(page) == [], page.locator("#rc-fatal").inner_text()

    for name, data in (("单位花名册.xlsx", planted), ("身份证号码.xlsx", id_problems_roster())):
        expected = check_file(rp, tmp_path, name, data)
        page.locator("#rc-download-link").wait_for(timeout=CHECK_MS)
        page.locator(".rc-kind").evaluate_all("all => all.forEach((details) => { details.open = true; })")
        page.locator(".rc-sheet .rc-bad").first.click()  # the cell's note under the preview
        assert page.locator(".rc-kind").count() == len(expected["summary"]["by_code"])
        assert code_words(page) == [], page.locator("#rc-result").inner_text()
    assert {"id_legacy_15", "id_stored_as_number"} <= set(expected["summary"]["by_code"]), expected["summary"]
    assert errors == []


# ---------------------------------------------------------------------------------------------
# A worker that stops while it writes the marked workbook; cells that look like HTML
# ---------------------------------------------------------------------------------------------

# The worker ends the moment it is asked for the marked workbook, without a word to the page, as
# a browser ends a worker that runs out of memory. Only the test's init script does this.
END_WORKER_ON_ANNOTATE = """{
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.type === "rosterAnnotate") { this.terminate(); return; }
    return post.call(this, message, ...rest);
  };
}"""


def test_a_worker_that_dies_writing_the_marked_workbook_is_reported(browser, site_server, tmp_path):
    with phone_page(browser, END_WORKER_ON_ANNOTATE) as (page, errors):
        page.goto(site_server.url + "roster/?request_watchdog=3")
        rp = RosterPage(page, site_server)
        page.locator("#rc-file").wait_for(state="attached")
        rp.wait_ready().pick(write(tmp_path, "花名册.xlsx", planted_roster()))
        rp.report()
        # The report is there; the marked workbook never comes, and the page says why.
        alert = page.locator("#rc-download .sc-alert")
        alert.wait_for(timeout=20_000)
        text = alert.inner_text()
        assert "自查程序 3 秒没有响应，已停止等待" in text and "内存不够" in text
        assert "请刷新本页后重试" in text and "拆成几个文件" in text
        assert page.locator("#rc-download progress").count() == 0
        assert "正在生成标注版工作簿" not in page.locator("#rc-result").inner_text()
        assert page.locator("#rc-summary").is_visible() and page.locator("#rc-download-link").count() == 0
        status = page.locator("#sc-status.sc-crashed").inner_text()
        assert "没有响应" in status and "拆成几个文件" in status and "未能加载" not in status
        rp.shot("worker-ended", page.locator("#rc-download"))
        rp.shot("worker-ended-status", page.locator("#sc-status"))
        # Checking another file is refused at once, with the same advice.
        rp.pick(write(tmp_path, "另一个.xlsx", clean_roster(3)))
        page.wait_for_function("() => document.querySelector('#rc-fatal')?.dataset.fatal === 'engine'", timeout=5_000)
        fatal = page.locator("#rc-fatal").inner_text()
        assert "无法检查“另一个.xlsx”：检查没有完成" in fatal and "拆成几个文件" in fatal
        assert fatal.count("刷新") == 1
        assert errors == []


IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=1</script>"


def html_roster() -> bytes:
    """Cells that look like HTML, in places the page shows: names, problem values, free text."""
    rows = rf.people(4)
    rows[0]["name"] = IMG
    rows[0]["public_hours"] = SCRIPT                 # not_a_number: the value is quoted
    rows[1]["name"] = SCRIPT
    rows[1]["sex"] = IMG                             # not one of the options
    rows[2]["employer"] = IMG + SCRIPT
    rows[2]["phone"] = SCRIPT                        # phone_format
    return rf.from_form(rows)


def test_cells_and_file_names_that_look_like_html_stay_text(phone, site_server, tmp_path):
    requests, methods = record_requests(phone), record_methods(phone)
    page = phone.new_page()
    errors = watch_console(page)
    site_server.clear()
    rp = RosterPage(page, site_server).open().wait_ready()
    data = html_roster()
    expected = expected_report(data, IMG + ".xlsx")
    assert expected["summary"]["errors"] >= 3
    shown = []
    # Picked from disk (a file name cannot hold "/"), then dropped with both in the name.
    for name, deliver in ((IMG + ".xlsx", lambda name: rp.pick(write(tmp_path, name, data))),
                          (IMG + SCRIPT + ".xlsx", lambda name: rp.drop(name, data))):
        deliver(name)
        page.wait_for_function("name => document.querySelector('#rc-summary .rc-file')?.textContent.includes(name)",
                               arg=name, timeout=CHECK_MS)
        page.locator("#rc-preview").wait_for(timeout=CHECK_MS)
        page.locator("#rc-download-link").wait_for(timeout=CHECK_MS)
        for details in page.locator(".rc-kind").all():
            details.evaluate("d => { d.open = true; }")
        page.get_by_role("button", name=re.compile("显示全部")).click()
        text = page.locator("#rc-result").inner_text()
        assert f"文件“{name}”" in text
        shown.append(text)
    text = shown[-1]
    # Word for word on the page: in the file line, the problem messages and the preview sheet.
    assert IMG in text and SCRIPT in text and (IMG + SCRIPT) in text
    cells = page.locator(".rc-sheet td").all_inner_texts()
    assert IMG in cells and SCRIPT in cells
    assert any(cell.startswith(IMG + "<sc") for cell in cells)  # the preview shortens long cells
    # Nothing of it became markup, ran, or loaded anything.
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("#rc-result img, #rc-result script").count() == 0
    assert page.locator("#roster img, #roster script").count() == 0
    assert not [p for p in site_server.paths() if p.split("?")[0].endswith("/x")]
    rp.shot("html-cells", page.locator("#rc-result"))
    assert_local_only(requests, site_server, errors, methods)


# ---------------------------------------------------------------------------------------------
# Rosters as clerks make them: the report's notes, its sheets, what the marked copy lacks
# ---------------------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def two_sheets_with_problems() -> bytes:
    """A unit's 2024 and 2025 rosters in one workbook, a problem on each."""
    first, second = rf.people(3), rf.people(3, start=5)
    first[0]["phone"] = "12345"
    second[1]["public_hours"] = "三十"
    return rf.workbook_of({"2024年": rf.custom(first), "2025年": rf.custom(second)})


def sealed_with_a_problem() -> bytes:
    """The clerk-made "image-and-link" roster (a pasted seal, an external link), with a problem,
    so that a marked copy is offered."""
    rows = rf.people(3)
    rows[1]["phone"] = "12345"
    return rf.add_member(rf.with_external_link(rows), "xl/media/image1.png", PNG_SIGNATURE)


def check_file(rp: RosterPage, tmp_path: Path, name: str, data: bytes):
    rp.pick(write(tmp_path, name, data))
    rp.page.wait_for_function("name => document.querySelector('#rc-summary .rc-file')?.textContent.includes(name)",
                              arg=name, timeout=CHECK_MS)
    return expected_report(data, name)


def shown_notes(page) -> list[dict]:
    return page.locator("#rc-summary .rc-note").evaluate_all(
        "els => els.map(e => ({code: e.dataset.code, tag: e.querySelector('.rc-tag').textContent, text: e.textContent}))")


@pytest.mark.parametrize("example", ["not-people", "other-layout"])
def test_notes_are_shown_under_the_headline_as_explanations(phone, site_server, tmp_path, example):
    page = phone.new_page()
    errors = watch_console(page)
    rp = RosterPage(page, site_server).open().wait_ready()
    expected = check_file(rp, tmp_path, f"{example}.xlsx", rf.CLERK_EXAMPLES[example]())
    assert expected["notes"] and expected["summary"]["errors"] == 0
    notes = shown_notes(page)
    assert [n["code"] for n in notes] == [n["code"] for n in expected["notes"]]
    for note, want in zip(notes, expected["notes"]):
        assert note["tag"] == "说明"
        assert want["title"] in note["text"] and want["message"] in note["text"]
    # Right under the headline, and calm: a clean roster stays "未发现问题", no problem list.
    assert page.locator("#rc-summary .rc-headline + .rc-notes").count() == 1
    assert page.locator("#rc-summary .rc-headline").inner_text().endswith("未发现问题")
    assert page.locator(".rc-kind").count() == 0
    tags = page.locator("#rc-summary .rc-tag").evaluate_all("els => els.map(e => e.className)")
    assert set(tags) == {"rc-tag rc-tag--info"}
    rp.shot(f"notes-{example}", page.locator("#rc-result"))
    assert errors == []


def test_several_sheets_are_named_and_the_problems_grouped_by_sheet(phone, site_server, tmp_path):
    page = phone.new_page()
    errors = watch_console(page)
    rp = RosterPage(page, site_server).open().wait_ready()
    # The clerk-made example: the only problem is on the second sheet.
    expected = check_file(rp, tmp_path, "two-sheets.xlsx", rf.CLERK_EXAMPLES["two-sheets"]())
    assert [s["sheet"] for s in expected["sheets"]] == ["2024年", "2025年"]
    line = page.locator("#rc-summary .rc-file").inner_text()
    assert "检查了 2 个工作表" in line and "“2024年”（3 人" in line and "“2025年”（3 人" in line
    problem = expected["problems"][0]
    group = page.locator(f'.rc-kind[data-code="{problem["code"]}"] .rc-sheet-group[data-sheet="2025年"]')
    assert group.locator(".rc-sheet-name").inner_text() == "工作表“2025年”"
    assert problem["message"] in group.locator("li").inner_text()
    rp.shot("two-sheets", page.locator("#rc-result"))

    # Problems on both sheets: one group each; the preview says it draws only the main sheet.
    expected = check_file(rp, tmp_path, "两年花名册.xlsx", two_sheets_with_problems())
    assert {p["sheet"] for p in expected["problems"]} == {"2024年", "2025年"}
    groups = page.locator(".rc-sheet-group").evaluate_all("els => els.map(e => e.dataset.sheet)")
    assert sorted(groups) == ["2024年", "2025年"]
    page.locator("#rc-preview").wait_for(timeout=CHECK_MS)
    said = page.locator("#rc-preview .rc-preview-sheet").inner_text()
    assert f"只画出工作表“{expected['sheet']}”的行" in said and "其他工作表" in said
    page.locator("#rc-download-link").wait_for(timeout=CHECK_MS)
    rp.shot("two-sheets-problems", page.locator("#rc-result"))

    # One sheet: no sheet groups, no word about other sheets.
    check_file(rp, tmp_path, "单位花名册.xlsx", planted_roster())
    page.locator("#rc-preview").wait_for(timeout=CHECK_MS)
    assert page.locator(".rc-sheet-group, .rc-preview-sheet").count() == 0
    assert errors == []


def test_what_the_marked_copy_lacks_is_said_before_the_download(phone, site_server, tmp_path):
    page = phone.new_page()
    errors = watch_console(page)
    rp = RosterPage(page, site_server).open().wait_ready()
    expected = check_file(rp, tmp_path, "盖章花名册.xlsx", sealed_with_a_problem())
    lacks = list(expected["annotation_lacks"].values())
    assert lacks == ["图片（如公章、签名）"]
    link = page.locator("#rc-download-link")
    link.wait_for(timeout=CHECK_MS)
    said = page.locator("#rc-download .rc-lacks").inner_text()
    assert "标注版里没有原文件的图片（如公章、签名）" in said and "在原文件上修改" in said
    # Before the button, in reading order.
    assert page.evaluate("""() => {
      const lacks = document.querySelector('#rc-download .rc-lacks');
      const link = document.querySelector('#rc-download-link');
      return Boolean(lacks.compareDocumentPosition(link) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    rp.shot("image-and-link", page.locator("#rc-result"))

    # A copy that keeps everything says nothing of the kind.
    check_file(rp, tmp_path, "单位花名册.xlsx", planted_roster())
    page.locator("#rc-download-link").wait_for(timeout=CHECK_MS)
    assert page.locator(".rc-lacks").count() == 0
    assert errors == []


def test_xls_and_gbk_csv_give_the_report_of_the_xlsx_and_an_xlsx_copy(phone, site_server, tmp_path):
    """The files clerks have (rules_py/roster/file_formats.py): the planted roster as LibreOffice saves
    it in .xls and as a GBK “CSV”, picked on the page, reads as the .xlsx does, and its marked
    copy downloads as an .xlsx."""
    page = phone.new_page()
    errors = watch_console(page)
    rp = RosterPage(page, site_server).open().wait_ready()
    assert ".xls" in page.locator("#rc-limits").inner_text() and "CSV" in page.locator("#rc-limits").inner_text()
    accept = page.locator("#rc-file").get_attribute("accept")
    assert {".xlsx", ".xls", ".et", ".csv"} <= set(accept.split(","))
    xlsx = planted_roster()
    headline_of_xlsx = None
    for name, data in (("单位花名册.xlsx", xlsx), ("单位花名册.xls", office.convert(xlsx, office.XLS)),
                       ("单位花名册.csv", office.as_csv(xlsx, "gbk"))):
        expected = check_file(rp, tmp_path, name, data)
        headline = page.locator("#rc-summary .rc-headline").inner_text()
        headline_of_xlsx = headline_of_xlsx or headline
        assert headline == headline_of_xlsx
        kinds = page.locator(".rc-kind").evaluate_all("els => els.map(e => [e.dataset.code, e.querySelector('.rc-count').textContent])")
        assert dict(kinds) == {code: f"{count} 处" for code, count in expected["summary"]["by_code"].items()}
        link = page.locator("#rc-download-link")
        link.wait_for(timeout=CHECK_MS)
        if name.endswith(".xlsx"):
            assert page.locator("#rc-converted").count() == 0
            continue
        assert "新建的 .xlsx 工作簿" in page.locator("#rc-converted").inner_text()
        assert any(note["code"] == "converted" for note in shown_notes(page))
        with page.expect_download() as download_info:
            link.click()
        download = download_info.value
        assert download.suggested_filename == "单位花名册（标注版）.xlsx"
        assert_marked(Path(download.path()).read_bytes(), expected)
        rp.shot(f"converted-{name.rsplit('.', 1)[1]}", page.locator("#rc-result"))
    assert errors == []


@pytest.mark.parametrize("mode", ["normal", "large"])
def test_axe_on_notes_sheets_and_what_the_copy_lacks(browser, site_server, tmp_path, mode):
    """The new parts of the report (说明, sheet groups, the preview's and the download's words)
    pass axe-core like the rest of the report (tests/browser/test_accessibility.py)."""
    context = new_context(browser, "375", mode == "large")
    try:
        page = context.new_page()
        errors = watch_console(page)
        rp = RosterPage(page, site_server).open().wait_ready()
        for name, data, part in (("other-layout.xlsx", rf.CLERK_EXAMPLES["other-layout"](), "#rc-notes"),
                                 ("两年花名册.xlsx", two_sheets_with_problems(), ".rc-preview-sheet"),
                                 ("盖章花名册.xlsx", sealed_with_a_problem(), "#rc-lacks")):
            check_file(rp, tmp_path, name, data)
            page.locator(part).wait_for(timeout=CHECK_MS)
            if page.locator(".rc-kind").count():
                page.locator("#rc-download-link").wait_for(timeout=CHECK_MS)
                page.locator(".rc-kind").first.evaluate("details => { details.open = true; }")
            assert serious_violations(page) == [], name
        assert errors == []
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------
# window.selfCheck.checkRoster: the same report as CPython (rules_py/schemas/roster-report.schema.json)
# ---------------------------------------------------------------------------------------------

ENGINE_PAGE = "roster/"  # the page of the shared engine_page fixture (conftest.py)


PARITY_FILES = {
    "clean": (clean_roster, "花名册.xlsx"),
    "planted": (planted_roster, "单位花名册.xlsx"),
    "xls": (lambda: office.convert(planted_roster(), office.XLS), "单位花名册.xls"),
    "csv-gbk": (lambda: office.as_csv(planted_roster(), "gbk"), "名单.csv"),
    "html-named-xls": (lambda: HTML_XLS_BYTES, "名单.xls"),
    "random": (lambda: RANDOM_BYTES, "花名册.xlsx"),
    "no-header": (lambda: rf.custom(rf.people(3), headers={k: f"列{i}" for i, k in enumerate(rf.KEYS)}), "x.xlsx"),
    **{f"clerks-{name}": (build, "花名册.xlsx") for name, build in rf.CLERK_EXAMPLES.items()},
}


@pytest.mark.parametrize("kind", PARITY_FILES)
def test_check_roster_gives_the_cpython_report(engine_page, kind):
    make, filename = PARITY_FILES[kind]
    data = make()
    report, annotated = check_in_browser(engine_page, data, {"filename": filename})
    assert annotated is None and "annotated_xlsx" not in report
    assert report == expected_report(data, filename)
    if kind == "planted":
        assert report["summary"]["errors"] and report["summary"]["warnings"]


def test_check_roster_default_filename_and_fatal_reports_never_reject(engine_page):
    report, _ = check_in_browser(engine_page, b"")
    assert report == expected_report(b"") and report["fatal"]["code"] == "empty"
    report, _ = check_in_browser(engine_page, planted_roster())
    assert report["file"] == "花名册.xlsx" and report == expected_report(planted_roster())


def test_check_roster_with_annotate_returns_the_marked_workbook(engine_page):
    data = planted_roster()
    report, annotated = check_in_browser(engine_page, data, {"annotate": True, "filename": "单位花名册.xlsx"})
    assert report == expected_report(data, "单位花名册.xlsx")
    assert annotated["type"] == "[object Uint8Array]"
    marked = base64.b64decode(annotated["b64"])
    assert_marked(marked, report)
    # Same workbook as CPython writes, member by member (deflate bytes may differ between zlibs,
    # and openpyxl writes merged ranges in set order, which differs between 64-bit CPython and
    # 32-bit wasm: compared sorted).
    _, cpython = annotate_roster(data, "单位花名册.xlsx")
    with zipfile.ZipFile(io.BytesIO(marked)) as a, zipfile.ZipFile(io.BytesIO(cpython)) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert sorted_merges(a.read(name)) == sorted_merges(b.read(name)), name
    # A file that cannot be read has no marked workbook.
    report, annotated = check_in_browser(engine_page, HTML_XLS_BYTES, {"annotate": True})
    assert report["fatal"]["code"] == "not_xlsx" and annotated is None


def test_check_roster_over_the_limit_reads_what_the_cli_reads(engine_page):
    """The command line reads one byte past the limit; the browser door sees the same bytes."""
    size = limits()["max_file_bytes"]
    answer = engine_page.evaluate("""async (size) => {
      const report = await window.selfCheck.checkRoster(new Uint8Array(size + 5000));
      return report.fatal;
    }""", size)
    assert answer == check_roster(bytes(size + 1))["fatal"]
    assert answer["code"] == "too_large"


def test_one_self_check_object_on_the_roster_page(engine_page):
    keys = engine_page.evaluate("() => Object.keys(window.selfCheck).sort()")
    assert keys == ["checkApplicants", "checkRoster", "evaluate", "ready"]
    result = engine_page.evaluate("""() => window.selfCheck.evaluate({application: {level: "none", year: 2025},
        activities: [{year: 2025, kind: "public_online", hours: 30}]})""")
    assert result["years"][0]["public"] == 30
    message = engine_page.evaluate("() => window.selfCheck.checkRoster('not bytes').then(() => null, e => e.message)")
    assert "ArrayBuffer" in message


# ---------------------------------------------------------------------------------------------
# The built pages: every code documented, limits stated, the page listed
# ---------------------------------------------------------------------------------------------

class _Codes(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.codes: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-code" in attrs:
            self.codes[attrs["data-code"]] = attrs.get("data-severity", "")


def test_every_code_of_the_checker_is_documented_on_the_site(built_site):
    page = (built_site / "roster-codes" / "index.html").read_text("utf-8")
    parser = _Codes()
    parser.feed(page)
    assert set(parser.codes) == set(PROBLEM_CODES) | set(NOTE_CODES) | set(FATAL_CODES)
    for code, spec in NOTE_CODES.items():
        assert parser.codes[code] == "info" and spec["title"] in page
    for code, spec in PROBLEM_CODES.items():
        assert parser.codes[code] == spec["severity"]
        assert f'id="{code}"' in page and spec["title"] in page
    for code, spec in FATAL_CODES.items():
        assert parser.codes[code] == "fatal" and spec["title"] in page
    assert limits()["text"] in page


def test_roster_page_states_its_limits_and_is_listed(built_site):
    page = (built_site / "roster" / "index.html").read_text("utf-8")
    assert limits()["text"] in page
    assert f'data-max-file-bytes="{limits()["max_file_bytes"]}"' in page
    assert 'src="../assets/js/roster.js"' in page and "privacy-line" in page
    data = json.loads((built_site / "assets" / "selfcheck" / f"roster-{load_notice().id}.json").read_text("utf-8"))
    assert data["limits"] == limits() and set(data["problems"]) == set(PROBLEM_CODES)
    home = (built_site / "index.html").read_text("utf-8")
    assert 'href="roster/"' in home and 'href="selfcheck/"' in home
    assert home.index('href="selfcheck/"') < home.index('href="roster/"')
    assert 'href="../roster/"' in (built_site / "forms" / "index.html").read_text("utf-8")

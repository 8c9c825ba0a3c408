"""花名册自查 on the files clerks really make (issue 15): rows that are not people, merged cells,
several roster sheets, problems at the cell they belong to, a marked copy that loses nothing,
and files made slow by formatting. Every roster is built in code (roster_factory)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from testkit import roster_factory as rf
from rules_py.roster import check_roster, exit_status

HEADERS = {key: rf.FORM.column(key).header for key in rf.KEYS}


def notes_of(report, code):
    return [note for note in report["notes"] if note["code"] == code]


# -- 1. rows that are not people -----------------------------------------------------------------

NOT_PEOPLE = {
    "signature-split": [{"seq": "单位负责人：", "id_number": "审核人：", "phone": "填表人："}],
    "signature-with-names": [{"seq": "单位负责人：", "name": "王伟", "employer": "审核人：", "title": "李芳"}],
    "date-cell": [{"seq": "填报日期：", "name": dt.datetime(2025, 12, 1)}],
    "date-text": [{"seq": "填报日期：2025年12月1日"}],
    "date-split": [{"employer": "填报日期：", "title": "2025年", "specialty": "12月", "public_hours": "1日"}],
    "note-split": [{"seq": "注：", "name": "1. 学时按继续教育证书填写，合计学时自动计算。"}],
    "seal": [{"employer": "（单位盖章）", "phone": "2025年12月1日"}],
    "total": [{"seq": "合计", "public_hours": 90, "professional_hours": 180, "total_hours": 270}],
    "total-people": [{"seq": "合计3人"}],
    "gongji": [{"name": "共计", "public_hours": 90, "professional_hours": 180}],
    "huizong": [{"employer": "汇总"}],
    "xiaoji": [{"name": "小计：", "professional_hours": 180}],
    "zongji": [{"seq": "总计", "name": "共3人"}],
}


@pytest.mark.parametrize("kind", NOT_PEOPLE)
def test_rows_that_are_not_people_are_skipped_with_a_note(kind):
    rows = rf.people(3) + NOT_PEOPLE[kind]
    report = check_roster(rf.custom(rows))
    assert report["fatal"] is None and report["problems"] == [], report["problems"][:3]
    assert report["rows_checked"] == 3
    [note] = notes_of(report, "rows_skipped")
    assert note["rows"] == [5] and "第 5 行" in note["message"] and note["severity"] == "info"


def test_column_numbers_units_and_a_repeated_header_are_not_people():
    column_numbers = {key: index + 1 for index, key in enumerate(rf.KEYS)}
    units = {"public_hours": "（学时）", "professional_hours": "（学时）", "total_hours": "(学时)"}
    second_unit = [{"seq": "松山区第二中学"}, dict(HEADERS)]
    rows = [column_numbers, units] + rf.people(3) + second_unit + rf.people(3, start=3)
    report = check_roster(rf.custom(rows))
    assert report["problems"] == [], report["problems"][:3]
    assert report["rows_checked"] == 6
    [note] = notes_of(report, "rows_skipped")
    assert note["rows"] == [2, 3, 7, 8]
    for words in ("栏次行", "单位行", "重复的表头"):
        assert words in note["message"]


def test_a_person_without_id_is_still_a_person():
    rows = rf.people(3)
    rows[1]["id_number"] = None
    report = check_roster(rf.custom(rows))
    assert [(p["code"], p["field"]) for p in report["problems"]] == [("missing_value", "id_number")]
    assert notes_of(report, "rows_skipped") == []


# -- 2. merged cells, header spellings, phone extensions -----------------------------------------

def test_a_unit_merged_down_its_rows_counts_for_every_row():
    rows = rf.people(30)
    for index, row in enumerate(rows):
        row["employer"] = "松山区第一中学" if index == 0 else (None if index < 20 else row["employer"])
        row["title"] = "中学一级教师" if index in (0, 10) else (None if index < 20 else row["title"])
    employer, title = rf.LETTER["employer"], rf.LETTER["title"]
    merges = (f"{employer}2:{employer}21", f"{title}2:{title}11", f"{title}12:{title}21")
    report = check_roster(rf.custom(rows, merges=merges))
    assert report["problems"] == [], report["problems"][:3]
    assert report["rows_checked"] == 30


def test_a_merged_range_running_on_below_the_people_adds_no_one():
    rows = rf.people(5)
    employer = rf.LETTER["employer"]
    report = check_roster(rf.custom(rows, merges=(f"{employer}2:{employer}40",)))
    assert report["problems"] == [] and report["rows_checked"] == 5


def test_merged_values_still_get_checked():
    rows = rf.people(6)
    rows[0]["sex"] = "男性别"
    for row in rows[1:]:
        row["sex"] = None
    sex = rf.LETTER["sex"]
    report = check_roster(rf.custom(rows, merges=(f"{sex}2:{sex}7",)))
    assert {p["cell"] for p in report["problems"] if p["code"] == "invalid_choice"} == {f"{sex}{n}" for n in range(2, 8)}


@pytest.mark.parametrize("public, professional", [("公需科目学时数", "专业科目学时数"), ("公需课", "专业课"),
                                                  ("公需学时数", "专业学时数")])
def test_header_spellings_of_the_hours_columns(public, professional):
    report = check_roster(rf.custom(rf.people(4), {"public_hours": public, "professional_hours": professional}))
    assert report["fatal"] is None and report["problems"] == [], report["problems"][:2]
    assert {"public_hours", "professional_hours"} <= set(report["columns"])


@pytest.mark.parametrize("phone", ["0476-8466847转8001", "0476-8466847 转 8001", "0476-8466847分机8001",
                                   "0476-8466847-8001", "(0476)8466847转12"])
def test_a_landline_with_its_extension_is_a_phone(phone):
    rows = rf.people(2)
    rows[1]["phone"] = phone
    assert check_roster(rf.custom(rows))["problems"] == []


def test_a_bare_extension_is_still_not_a_phone():
    rows = rf.people(2)
    rows[1]["phone"] = "转8001"
    assert [p["code"] for p in check_roster(rf.custom(rows))["problems"]] == ["phone_format"]


# -- 3. every roster sheet, each problem naming its sheet ----------------------------------------

def two_sheet_roster(first="2024年", second="2025年") -> bytes:
    bad = rf.people(4, start=10)
    bad[1]["id_number"] = bad[1]["id_number"][:17] + ("0" if bad[1]["id_number"][17] != "0" else "1")
    bad[2]["public_hours"] = "三十"
    return rf.workbook_of({first: rf.custom(rf.people(4)), second: rf.custom(bad)})


def test_problems_on_the_second_roster_sheet_are_found_and_name_their_sheet():
    report = check_roster(two_sheet_roster())
    assert report["fatal"] is None and exit_status(report) == 1
    assert report["rows_checked"] == 8
    assert [(s["sheet"], s["rows_checked"]) for s in report["sheets"]] == [("2024年", 4), ("2025年", 4)]
    found = {(p["sheet"], p["code"], p["cell"]) for p in report["problems"]}
    assert found == {("2025年", "id_checksum", f"{rf.LETTER['id_number']}3"),
                     ("2025年", "not_a_number", f"{rf.LETTER['public_hours']}4")}
    for problem in report["problems"]:
        assert problem["message"].startswith(f"工作表“2025年”第 {problem['row']} 行 {problem['column']} 列：")


def test_the_same_person_on_two_sheets_is_no_duplicate():
    data = rf.workbook_of({"一中": rf.custom(rf.people(3)), "二中": rf.custom(rf.people(3))})
    assert check_roster(data)["problems"] == []


def test_a_sheet_named_like_the_form_comes_first():
    data = rf.workbook_of({"Sheet1": rf.custom(rf.people(3)), "花名册": rf.custom(rf.people(2, start=5))})
    report = check_roster(data)
    assert report["sheet"] == "花名册" and [s["sheet"] for s in report["sheets"]] == ["花名册", "Sheet1"]


def test_sheets_that_are_not_rosters_are_named_in_a_note():
    notes_sheet = rf.custom([], header_rows=[["填表说明"], ["每人一行。"]])
    empty_roster = rf.custom([])
    data = rf.workbook_of({"花名册": rf.custom(rf.people(3)), "说明": notes_sheet, "空表": empty_roster})
    report = check_roster(data)
    assert report["problems"] == [] and [s["sheet"] for s in report["sheets"]] == ["花名册"]
    messages = " ".join(n["message"] for n in notes_of(report, "sheets_skipped"))
    assert "“说明”" in messages and "“空表”" in messages


def test_a_roster_on_the_sixtieth_sheet_is_found():
    sheets = {f"说明{i}": rf.custom([], header_rows=[[f"第 {i} 页"]]) for i in range(59)}
    data = rf.workbook_of({**sheets, "名单": rf.custom(rf.people(2))})
    report = check_roster(data)
    assert report["fatal"] is None and report["sheet"] == "名单"


def test_marked_copy_of_two_sheets_marks_both_and_links_each():
    from openpyxl import load_workbook
    import io

    report = check_roster(two_sheet_roster(), annotate=True)
    wb = load_workbook(io.BytesIO(report.pop("annotated_xlsx")))
    assert wb["2025年"][f"{rf.LETTER['id_number']}3"].comment is not None
    summary = wb.worksheets[0]
    locations = {cell.hyperlink.location for row in summary.iter_rows() for cell in row if cell.hyperlink}
    assert f"'2025年'!{rf.LETTER['id_number']}3" in locations


def test_cli_names_both_sheets(tmp_path, capsys):
    from rules_py.cli import main

    path = tmp_path / "花名册.xlsx"
    path.write_bytes(two_sheet_roster())
    assert main(["roster", str(path)]) == 1
    out = capsys.readouterr().out
    assert "工作表“2024年”" in out and "工作表“2025年”" in out and "检查了 8 行人员" in out


# -- 4. each problem where it belongs ------------------------------------------------------------

def test_hours_stored_as_text_are_told_at_their_cell_not_at_the_total():
    rows = rf.people(3)
    rows[1]["public_hours"] = rf.AsText("30")
    data = rf.from_form(rows)
    total = rf.LETTER["total_hours"]
    # As Excel saved it: the 合计 formula ignored the text and gave 60 + … without the 30.
    data = rf.with_cached_values(data, 1, {f"{total}{rf.row_of(1)}": rows[1]["professional_hours"]})
    report = check_roster(data)
    assert [(p["code"], p["cell"], p["severity"]) for p in report["problems"]] == [
        ("number_stored_as_text", rf.cell("public_hours", 1), "warning")]
    assert exit_status(report) == 0


def test_a_formula_that_returned_empty_text_is_unfilled():
    rows = rf.people(3)
    rows[1]["employer"] = '=IF(1,"","x")'
    data = rf.with_cached_values(rf.from_form(rows), 1, {rf.cell("employer", 1): ""})
    [problem] = check_roster(data)["problems"]
    assert (problem["code"], problem["cell"]) == ("missing_value", rf.cell("employer", 1))
    assert "未填写" in problem["message"] and "保存" not in problem["hint"]


def test_excel_escapes_are_decoded_before_anyone_sees_them():
    rows = rf.people(3)
    rows[1]["id_number"] = rows[1]["id_number"] + "_x000D_"
    [problem] = check_roster(rf.from_form(rows))["problems"]
    assert problem["code"] == "stray_characters" and "换行" in problem["message"]
    assert "_x000D_" not in problem["message"] and problem["value"].endswith("\r")


def test_time_formats_are_described_in_chinese():
    rows = rf.people(3)
    rows[1]["public_hours"] = dt.timedelta(hours=30)
    [problem] = check_roster(rf.from_form(rows))["problems"]
    assert "时间格式" in problem["message"] and "30:00" in problem["message"] and "day" not in problem["message"]


FORMAT_TABLE = [(code, value, shown, kind) for _, value, code, shown, kind in rf.FORMATTED_CELLS] + [
    ("0.00%", 0.3, "30.00%", "百分比"), ("0%", 30, "3000%", "百分比"), ("# ??/??", 1 / 3, "1/3", "分数"),
    ("?/4", 1.25, "5/4", "分数"), ('"共"0"学时"', 30, "共30学时", "自定义"), ("[$¥-804]#,##0.00", 30, "¥30.00", "货币"),
    ("General", 30, "30", None), ("0.00", 30, "30", None), ("@", 30, "30", None), ("#,##0", 30, "30", None),
    # Chinese built-in formats (ids openpyxl does not know and reads as General: the number itself)
    (57, 45000, "2023年3月", "日期"), (31, 45000, "2023年3月15日", "日期"), (58, 45000, "3月15日", "日期"),
    (32, 0.75, "18时00分", "时间"),
]


# What openpyxl gives for a cell of a date or time format it knows (the others stay numbers).
READ_AS = {"[h]:mm": dt.timedelta(hours=30), "h:mm": dt.time(12), "yyyy-mm-dd": dt.datetime(2023, 3, 15)}


@pytest.mark.parametrize("code,value,shown,kind", FORMAT_TABLE, ids=[str(row[0]) for row in FORMAT_TABLE])
def test_cell_formats_are_shown_and_named_as_the_clerk_sees_them(code, value, shown, kind):
    from rules_py.roster.number_formats import format_code, format_kind, shown_text

    if isinstance(code, int):
        code = format_code(code, {})
    value = READ_AS.get(code, value)
    assert (format_kind(code), shown_text(value, code)) == (kind, shown)


def test_formatted_cells_are_named_in_the_message_with_the_fix():
    report, wb = marked(rf.formatted_cells())
    problems = report["problems"]
    assert [p["row"] for p in problems] == [offset + 2 for offset in range(len(rf.FORMATTED_CELLS))]
    for problem, (key, _, _, shown, kind) in zip(problems, rf.FORMATTED_CELLS):
        assert problem["field"] == key
        assert f"单元格是{kind}格式（显示为 {shown}）" in problem["message"], problem["message"]
        target = "“文本”" if key == "phone" else "“常规”或“数值”"
        assert problem["hint"].startswith("请选中该单元格") and target in problem["hint"]
    shown = [row[6] for row in wb["问题汇总"].iter_rows(values_only=True) if isinstance(row[0], int)]
    assert "2023-03-15" in shown and "30:00" in shown  # 当前值 as the cell shows it, never ISO's T
    assert not any("T" in str(value) or "day" in str(value) for value in shown), shown


CODE_WORD = re.compile(r"[A-Za-z]{2,}|[0-9]T[0-9]|[0-9]e-[0-9]|\\x|_x[0-9A-F]{4}_")
PRODUCT_WORDS = re.compile(r"Excel|WPS|VLOOKUP|GB")


@pytest.mark.parametrize("name", ["formatted-cells", "misplaced", "two-sheets", "marked-then-fixed"])
def test_no_message_holds_english_or_python_words(name):
    """What a clerk reads (message, hint, note) is Chinese: no English words, no Python repr of a
    value (1 day, 6:00:00; 2023-03-15T00:00:00; 3e-05), product names aside; a clerk's own text
    quoted back is theirs."""
    from rules_py.roster.values import show

    report = check_roster(rf.CLERK_EXAMPLES[name]())
    texts = [(p["message"].replace(show(p["value"]), "") if isinstance(p["value"], str) else p["message"], p["hint"])
             for p in report["problems"]]
    texts += [(n["message"], "") for n in report["notes"]]
    assert texts
    for message, hint in texts:
        for text in (message, hint):
            assert not CODE_WORD.search(PRODUCT_WORDS.sub("", text)), text


def test_minutes_typed_as_hours_are_asked_about_and_convert():
    rows = rf.people(2)
    rows[1]["professional_hours"] = 2700
    [problem] = check_roster(rf.from_form(rows))["problems"]
    assert problem["code"] == "hours_implausible" and problem["severity"] == "warning"
    assert "60" in problem["hint"]  # 2700 minutes at 45 per 学时


# -- 5. the marked copy never loses what the clerk made --------------------------------------------

def marked(data: bytes):
    import io

    from openpyxl import load_workbook

    report = check_roster(data, annotate=True)
    copy = report.pop("annotated_xlsx")
    assert copy is not None, report.get("annotation_error")
    return report, load_workbook(io.BytesIO(copy), rich_text=True)


def visible_sheets(wb) -> list[str]:
    """The sheets a clerk sees (the copy also carries our very hidden sheet of original formats)."""
    return [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]


def planted_rows(count=4):
    rows = rf.people(count)
    rows[1]["phone"] = "bad"
    return rows


def test_a_roster_sheet_named_like_our_summary_is_kept_and_marked():
    report, wb = marked(rf.custom(planted_rows(), sheet="问题汇总"))
    assert report["sheet"] == "问题汇总"
    assert visible_sheets(wb) == ["问题汇总(2)", "问题汇总"]
    assert wb["问题汇总"][f"{rf.LETTER['phone']}3"].comment is not None  # rows[1] sits on row 3
    assert wb["问题汇总(2)"]["A1"].value.startswith("花名册自查结果")


def test_a_sheet_of_the_clerks_named_like_our_summary_is_kept():
    data = rf.workbook_of({"花名册": rf.custom(planted_rows()),
                           "问题汇总": rf.custom([], header_rows=[["本单位自查记录"], ["已核对"]])})
    report, wb = marked(data)
    assert "问题汇总" in wb.sheetnames and wb["问题汇总"]["A1"].value == "本单位自查记录"
    assert wb.worksheets[0].title == "问题汇总(2)"
    again, twice = marked(rf.to_bytes(wb))  # re-checking the copy replaces our summary only
    assert twice.sheetnames.count("问题汇总(2)") == 1 and "问题汇总" in twice.sheetnames


def test_rich_text_survives_the_marked_copy():
    import io

    from openpyxl import load_workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = load_workbook(io.BytesIO(rf.custom(planted_rows())))
    ws = wb.active
    ws["B2"] = CellRichText([TextBlock(InlineFont(b=True), "王"), "伟"])
    _, copy = marked(rf.to_bytes(wb))
    assert isinstance(copy["Sheet1"]["B2"].value, CellRichText)


def test_what_the_copy_cannot_keep_is_said_before_download():
    data = rf.add_member(rf.custom(planted_rows()), "xl/media/image1.png", b"\x89PNG\r\n\x1a\n")
    report = check_roster(data)
    assert report["annotation_lacks"] == {"images": "图片（如公章、签名）"}
    [note] = notes_of(report, "copy_lacks")
    assert "公章" in note["message"]
    assert check_roster(rf.custom(planted_rows()))["annotation_lacks"] == {}


@pytest.mark.parametrize("target", ["input", "existing"])
def test_cli_never_overwrites_without_force(tmp_path, target, capsys):
    from rules_py.cli import main

    source = tmp_path / "花名册.xlsx"
    original = rf.custom(planted_rows())
    source.write_bytes(original)
    out = source if target == "input" else tmp_path / "已有.xlsx"
    if target == "existing":
        out.write_bytes(b"keep me")
    before = out.read_bytes()
    assert main(["roster", str(source), "--annotate", str(out)]) == 2
    assert out.read_bytes() == before and source.read_bytes() == original
    assert "输入有误" in capsys.readouterr().err
    assert main(["roster", str(source), "--annotate", str(out), "--force"]) == (2 if target == "input" else 1)
    assert (out.read_bytes() != before) == (target == "existing")


def test_formulas_into_other_workbooks_keep_their_link_in_the_copy():
    import io
    import zipfile

    data = rf.with_external_link(planted_rows())
    report = check_roster(data, annotate=True)
    assert [p["code"] for p in report["problems"]] == ["phone_format"]
    copy = report["annotated_xlsx"]
    with zipfile.ZipFile(io.BytesIO(copy)) as archive:
        assert any(name.startswith("xl/externalLinks/") for name in archive.namelist())
    _, wb = marked(data)
    assert wb["Sheet1"]["B2"].value == "=[1]Sheet1!A1"


def test_a_clerks_comment_keeps_its_author_through_a_re_check():
    import io

    from openpyxl import load_workbook
    from openpyxl.comments import Comment

    wb = load_workbook(io.BytesIO(rf.custom(planted_rows())))
    phone = f"{rf.LETTER['phone']}3"
    wb.active[phone].comment = Comment("分机号另报", "李会计")
    _, first = marked(rf.to_bytes(wb))
    assert "分机号另报" in first["Sheet1"][phone].comment.text
    first["Sheet1"][phone].value = "13900000001"  # the clerk fixes the phone in the marked copy
    again, second = marked(rf.to_bytes(first))
    assert again["problems"] == []
    restored = second["Sheet1"][phone].comment
    assert (restored.text, restored.author) == ("分机号另报", "李会计")


def fill_of(cell) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fill_type == "solid" else None


PHONE_CELL, ID_CELL = f"{rf.LETTER['phone']}3", f"{rf.LETTER['id_number']}4"


def test_the_marked_copy_keeps_the_clerks_fills_on_a_very_hidden_sheet():
    from rules_py.roster import ERROR_FILL

    _, wb = marked(rf.clerks_own_marks())
    ws = wb["Sheet1"]
    assert fill_of(ws[PHONE_CELL]) == fill_of(ws[ID_CELL]) == ERROR_FILL
    [hidden] = [sheet for sheet in wb.worksheets if sheet.sheet_state != "visible"]
    assert hidden.sheet_state == "veryHidden" and wb.active.title == "问题汇总"


def test_a_fixed_cell_gets_back_the_clerks_fill_and_comment_on_re_check():
    """Marked, fixed by the clerk in the marked copy, checked again: the phone cell is yellow with
    李会计's comment as before our marks; the ID, still wrong, is marked again; fixed in turn, it
    is green again. No mark is left behind."""
    from rules_py.roster import AUTHOR, ERROR_FILL

    again, wb = marked(rf.marked_then_fixed(("phone",)))
    assert [p["cell"] for p in again["problems"]] == [ID_CELL]
    ws = wb["Sheet1"]
    assert fill_of(ws[PHONE_CELL]) == rf.CLERK_YELLOW
    assert (ws[PHONE_CELL].comment.text, ws[PHONE_CELL].comment.author) == ("分机号另报", "李会计")
    assert fill_of(ws[ID_CELL]) == ERROR_FILL and ws[ID_CELL].comment.author == AUTHOR
    ws[ID_CELL].value = rf.person(2)["id_number"]
    last, wb = marked(rf.to_bytes(wb))
    assert last["problems"] == []
    ws = wb["Sheet1"]
    assert fill_of(ws[ID_CELL]) == rf.CLERK_GREEN and ws[ID_CELL].comment is None
    assert fill_of(ws[PHONE_CELL]) == rf.CLERK_YELLOW and ws[PHONE_CELL].comment.author == "李会计"
    assert not any(cell.comment is not None and cell.comment.author == AUTHOR
                   for row in ws.iter_rows() for cell in row)


def test_a_fill_the_clerk_changed_on_a_marked_cell_is_theirs():
    from openpyxl.styles import PatternFill

    _, wb = marked(rf.clerks_own_marks())
    ws = wb["Sheet1"]
    ws[PHONE_CELL].value = "13900000001"
    ws[PHONE_CELL].fill = PatternFill(fill_type="solid", start_color="FF9BC2E6", end_color="FF9BC2E6")
    _, again = marked(rf.to_bytes(wb))
    assert fill_of(again["Sheet1"][PHONE_CELL]) == "FF9BC2E6"
    assert again["Sheet1"][PHONE_CELL].comment.author == "李会计"


def test_the_hidden_sheet_of_originals_is_not_a_sheet_to_check():
    report = check_roster(rf.marked_then_fixed(("phone", "id_number")))
    assert report["problems"] == [] and report["notes"] == [] and report["rows_checked"] == 4


def test_the_applicants_marked_copy_gives_back_the_clerks_fill():
    import io

    from openpyxl import load_workbook
    from openpyxl.styles import PatternFill

    from rules_py.applicants import check_applicants
    from testkit import applicants_factory as af

    workbook = load_workbook(io.BytesIO(af.filled([af.met_senior(0), af.met_senior(1, 申报类别="副高")])))
    ws = workbook[af.FORM.sheet_name]
    ref = f"{af.letter('申报类别')}{af.row_number(1)}"
    ws[ref].fill = PatternFill(fill_type="solid", start_color=rf.CLERK_YELLOW, end_color=rf.CLERK_YELLOW)
    first = check_applicants(rf.to_bytes(workbook), annotate=True)
    assert ref in {p["cell"] for row in first["rows"] for p in row["problems"]}
    copy = load_workbook(io.BytesIO(first["annotated_xlsx"]))
    assert fill_of(copy[af.FORM.sheet_name][ref]) != rf.CLERK_YELLOW
    copy[af.FORM.sheet_name][ref].value = "高级"
    again = check_applicants(rf.to_bytes(copy), annotate=True)
    assert all(not row["problems"] for row in again["rows"])
    restored = load_workbook(io.BytesIO(again["annotated_xlsx"]))[af.FORM.sheet_name][ref]
    assert fill_of(restored) == rf.CLERK_YELLOW and restored.comment is None


# -- 6. speed ------------------------------------------------------------------------------------

def test_fifty_thousand_named_styles_check_within_ten_seconds():
    import time

    data = rf.style_bloated_roster(200, 50_000)
    started = time.perf_counter()
    report = check_roster(data)
    assert time.perf_counter() - started <= 10
    assert [p["code"] for p in report["problems"]] == ["phone_format"]
    assert "unused_styles" in report["annotation_lacks"]
    started = time.perf_counter()
    report, wb = marked(data)
    assert time.perf_counter() - started <= 30
    assert wb["Sheet1"][f"{rf.LETTER['phone']}5"].comment is not None


def test_styles_that_cells_use_survive_slimming():
    import io

    from openpyxl import load_workbook
    from openpyxl.styles import NamedStyle

    wb = load_workbook(io.BytesIO(rf.custom(rf.people(3))))
    wb.add_named_style(NamedStyle(name="单位名称样式", number_format="@"))
    wb.active["E2"].style = "单位名称样式"
    data = rf.style_bloated(rf.to_bytes(wb), 600)
    _, copy = marked(data)
    assert copy["Sheet1"]["E2"].style == "单位名称样式"
    assert len(copy.named_styles) < 10


def test_six_thousand_merged_ranges_and_two_hundred_problems_mark_within_thirty_seconds():
    import io
    import time
    import zipfile

    data = rf.merged_heavy(4000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("xl/worksheets/sheet1.xml").count(b"<mergeCell ") == 6000
    started = time.perf_counter()
    report, wb = marked(data)
    assert time.perf_counter() - started <= 30
    assert report["summary"]["errors"] == 200
    assert wb["Sheet1"][f"{rf.LETTER['sex']}2"].comment is not None  # the covered row's problem sits on the anchor


def _problems(report):
    return [(p["code"], p["cell"]) for p in report["problems"]]


def test_a_sheet_formatted_to_its_last_row_is_read_as_its_people():
    import time

    data = rf.over_formatted_roster()
    assert len(data) > 2 << 20  # as Excel saves it: 2.7 MB for 67 MB of rows
    started = time.perf_counter()
    report = check_roster(data)
    elapsed = time.perf_counter() - started  # 0.4 s measured; loose, the machine is shared
    plain = check_roster(rf.two_problems_roster())
    assert report["fatal"] is None and elapsed <= 15
    assert _problems(report) == _problems(plain) == [("phone_format", f"{rf.LETTER['phone']}4"),
                                                     ("id_checksum", f"{rf.LETTER['id_number']}9")]
    assert report["rows_checked"] == plain["rows_checked"] == 20
    [skipped] = notes_of(report, "empty_rows_skipped")
    assert skipped["rows"] == 1_048_576 - 21 and f"{1_048_576 - 21} 行" in skipped["message"]
    assert not notes_of(plain, "empty_rows_skipped")
    assert not notes_of(report, "copy_lacks") and report["annotation_lacks"] == {}  # the copy keeps them


def test_the_empty_rows_are_streamed_out_never_inflated_whole():
    import io
    import tracemalloc
    import zipfile

    from rules_py.roster.empty_rows import strip_empty_rows

    data = rf.over_formatted_roster()
    tracemalloc.start()
    stripped, removed = strip_empty_rows(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        inflated = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    assert inflated > 60 << 20 and peak < 24 << 20 and removed == 1_048_576 - 21  # 9.5 MB measured
    assert len(stripped) < len(data) // 100


def _sheet_rows(xlsx: bytes, part: str) -> list[bytes]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return re.findall(rb"<row\b[^>]*?(?:/>|>.*?</row>)", archive.read(part), re.S)


def _cell_format(xlsx: bytes, index: int) -> tuple:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx), read_only=True)
    style = wb._cell_styles[index]
    return wb._fonts[style.fontId], wb._fills[style.fillId], wb._borders[style.borderId], style.numFmtId


def test_the_marked_copy_of_an_over_formatted_sheet_keeps_every_formatted_row():
    import time

    data = rf.over_formatted_roster()
    started = time.perf_counter()
    report = check_roster(data, annotate=True)
    assert time.perf_counter() - started <= 30  # 1.3 s measured
    copy = report["annotated_xlsx"]
    assert len(copy) < 4 << 20
    original_rows, copy_rows = _sheet_rows(data, "xl/worksheets/sheet1.xml"), _sheet_rows(copy, "xl/worksheets/sheet2.xml")
    assert len(copy_rows) == len(original_rows) == 1_048_576
    assert copy_rows[21:] == original_rows[21:]  # below the people: byte for byte, in order
    assert b'<row r="22" spans="1:13" s="1" customFormat="1" ht="14.25"><c r="A22" s="1"/>' in copy_rows[21]
    assert _cell_format(copy, 1) == _cell_format(data, 1)  # s="1" is still the clerk's thin border
    again = check_roster(copy)  # and the copy checks as the original did
    assert _problems(again) == _problems(report) and notes_of(again, "empty_rows_skipped")


def test_rows_put_back_keep_their_namespaces_and_the_marks_among_them(monkeypatch):
    from rules_py.roster import bounds

    monkeypatch.setattr(bounds, "STRIP_ROWS_ABOVE_BYTES", 0)
    rows = rf.people(6)
    rows[1]["phone"] = "bad"  # moved to row 4, between the formatted empty rows 3 and 5
    data = rf.replace_member(rf.custom(rows), "xl/worksheets/sheet1.xml", _with_empty_rows_between(rf.custom(rows)))
    report, wb = marked(data)
    assert [p["cell"] for p in report["problems"]] == [f"{rf.LETTER['phone']}4"] and notes_of(report, "empty_rows_skipped")
    ws = wb["Sheet1"]
    assert ws.row_dimensions[3].height == 30 and ws.row_dimensions[5].hidden and ws[f"{rf.LETTER['phone']}4"].comment
    assert [row[0].value for row in ws.iter_rows(min_row=2, max_row=8)] == [1, None, 2, None, 3, 4, 5]


def _with_empty_rows_between(xlsx: bytes) -> bytes:
    """The roster's sheet part with its people moved apart by two formatted empty rows (3 and 5),
    written with Excel's x14ac:dyDescent (declared on the root, as Excel does)."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    numbers = iter([1, 2, 4, 6, 7, 8, 9, 10])

    def renumber(row: re.Match) -> bytes:
        new = next(numbers)
        return re.sub(rb'(r="[A-Z]*)%d"' % int(row.group(1)), rb'\g<1>%d"' % new, row.group(0))

    sheet = re.sub(rb'<row r="([0-9]+)".*?</row>', renumber, sheet, flags=re.S)
    empty = {3: b'<row r="3" ht="30" customHeight="1" x14ac:dyDescent="0.25"/>',
             5: b'<row r="5" hidden="1" x14ac:dyDescent="0.25"><c r="A5" s="0"/></row>'}
    for number, row in empty.items():
        at = sheet.index(b'<row r="%d"' % (number + 1))
        sheet = sheet[:at] + row + sheet[at:]
    return sheet.replace(b"<worksheet ", b'<worksheet xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                         b'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac" ', 1)


def test_a_sheet_still_too_large_without_its_empty_rows_gets_the_plain_message():
    # A formula filled down 600,000 rows: each row holds something, 57 MB remain.
    data = rf.formatted_to_the_last_row(rf.two_problems_roster(), 600_000, filled=b'<c r="N{n}"><f>J{n}+K{n}</f></c>')
    assert len(data) < 10 << 20
    fatal = check_roster(data)["fatal"]
    assert fatal["code"] == "too_large" and fatal["detected"] == "over_formatted"
    assert "安全" not in fatal["message"] and "空行" in fatal["message"]


def test_a_sheet_past_what_is_streamed_is_refused_before_inflating(monkeypatch):
    import time

    from rules_py.roster import bounds

    monkeypatch.setattr(bounds, "MAX_FORMATTED_BYTES", 60 << 20)
    started = time.perf_counter()
    fatal = check_roster(rf.over_formatted_roster())["fatal"]
    assert fatal["detected"] == "over_formatted" and time.perf_counter() - started <= 2


def test_a_bomb_of_empty_rows_is_still_a_zip_bomb():
    bomb = rf.formatted_to_the_last_row(rf.custom(rf.people(3)), 35_000, filled=b"<c/>" * 500)  # 70 MB
    fatal = check_roster(bomb)["fatal"]
    assert len(bomb) < 10 << 20 and fatal["code"] == "zip_bomb" and "安全" in fatal["message"]


SHEET_OPEN = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<dimension ref="A1:C9"/><sheetData>')
SHEET_ROWS = {  # row number: (its XML, kept)
    1: (b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>', True),
    2: (b'<row r="2" s="1" customFormat="1"/>', False),
    3: (b'<row r="3" ht="20" customHeight="1"><c r="A3" s="1"/><c r="B3" s="1"></c></row>', False),
    4: (b'<row r="4"><c r="B4" s="1"/><c r="C4"><v>5</v></c></row>', True),
    5: (b'<row r="5">\n  <c r="A5" s="1"/>\n</row>', False),
    6: (b'<row r="6"><c r="A6"><f>C4*2</f></c></row>', True),
    7: (b'<row r="7" hidden="1"/>', False),
    8: (b'<row r="8"><c r="A8" t="s"/><c r="B8" t="shared"><f t="shared" si="0"/></c></row>', True),
}
SHEET_CLOSE = b'</sheetData><mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells></worksheet>'


def _stripped_sheet(rows: bytes, second: bytes | None = None) -> tuple[bytes, int] | tuple[bytes, bytes, int]:
    """The first sheet (holding ``rows``) after stripping, and the rows removed; with ``second``
    (rows for a second sheet), that sheet after stripping too."""
    import io
    import zipfile

    from rules_py.roster.empty_rows import strip_empty_rows

    data = rf.custom(rf.people(1)) if second is None else rf.workbook_of({"一中": rf.custom(rf.people(1)),
                                                                         "二中": rf.custom(rf.people(1))})
    for name, sheet_rows in (("sheet1", rows), ("sheet2", second)):
        if sheet_rows is not None:
            data = rf.replace_member(data, f"xl/worksheets/{name}.xml", SHEET_OPEN + sheet_rows + SHEET_CLOSE)
    data, removed = strip_empty_rows(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(f"xl/worksheets/sheet{n}.xml") for n in ((1,) if second is None else (1, 2))]
    return (*sheets, removed)


def test_only_rows_without_a_value_or_formula_are_stripped_and_nothing_after_them(monkeypatch):
    from rules_py.roster import bounds

    monkeypatch.setattr(bounds, "STRIP_ROWS_ABOVE_BYTES", 0)
    sheet, removed = _stripped_sheet(b"".join(xml for xml, _ in SHEET_ROWS.values()))
    kept = b"".join(xml for xml, keep in SHEET_ROWS.values() if keep)
    assert sheet == SHEET_OPEN + kept + SHEET_CLOSE and removed == 4


@pytest.mark.parametrize("unusual", [b'<row spans="1:3"/>', b'<row spans="1:3" r="9"/>', b"<!-- a comment -->"])
def test_rows_that_are_not_as_excel_writes_them_are_left_as_they_are(monkeypatch, unusual):
    # A row without its number first would move once the rows before it are gone.
    from rules_py.roster import bounds

    monkeypatch.setattr(bounds, "STRIP_ROWS_ABOVE_BYTES", 0)
    rows = b"".join(xml for xml, _ in SHEET_ROWS.values()) + unusual
    assert _stripped_sheet(rows) == (SHEET_OPEN + rows + SHEET_CLOSE, 0)
    # Another sheet of the workbook loses its empty rows all the same.
    kept = b"".join(xml for xml, keep in SHEET_ROWS.values() if keep)
    assert _stripped_sheet(rows, second=b"".join(xml for xml, _ in SHEET_ROWS.values())) == (
        SHEET_OPEN + rows + SHEET_CLOSE, SHEET_OPEN + kept + SHEET_CLOSE, 4)


def test_a_sheet_formatted_a_little_further_is_read():
    data = rf.formatted_to_the_last_row(rf.custom(rf.people(3)), last=60_000)
    report = check_roster(data)
    assert report["fatal"] is None and report["rows_checked"] == 3


@pytest.mark.parametrize("name", rf.CLERK_EXAMPLES)
def test_clerk_examples_give_no_false_errors_and_a_json_report(name):
    import json

    report = check_roster(rf.CLERK_EXAMPLES[name]())
    json.dumps(report, ensure_ascii=False)
    expected = {"two-sheets": {"not_a_number"}, "misplaced": {"excel_error", "stray_characters"},
                "over-formatted": set(), "marked-then-fixed": {"id_checksum"},
                "formatted-cells": {"not_a_number", "phone_format"}}
    errors = {p["code"] for p in report["problems"] if p["severity"] == "error"}
    assert errors == expected.get(name, set()), report["problems"][:3]


def test_the_blank_forms_own_lines_and_sheets_are_no_news():
    """A roster filled on our blank 附件2 carries its signature line, its 注 line and its 填表说明
    sheet: skipped like any footer, but not reported back to the clerk as something left out."""
    report = check_roster(rf.from_form(rf.people(5)), "花名册.xlsx")
    assert report["summary"]["errors"] == 0 and report["notes"] == []

"""The files clerks have (issue 14, item 8): a roster saved as old Excel .xls, WPS .et, or CSV
in UTF-8 (with or without BOM) or GBK gives the same report as the same data in .xlsx, with the
problems at the same cells, and a marked copy that is an .xlsx; hostile files of each format get
a Chinese message.

The .xls and .csv files are the roster_factory .xlsx re-saved by LibreOffice (testkit/office.py,
cached per content), as an office suite writes them: computed totals, typed cells, GBK as Excel
on Chinese Windows saves a plain “CSV”.
"""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from testkit import applicants_factory as af
from testkit import office
from testkit import roster_factory as rf
from rules_py import roster
from rules_py.applicants import check_applicants
from rules_py.roster import annotate_roster, check_roster, exit_status
from rules_py.roster import file_formats
from rules_py.roster.values import cell_text


def planted() -> bytes:
    rows = rf.people(10)
    rows[1]["id_number"] = "150404198005010011"   # D6 check character
    rows[3]["public_hours"] = 12                   # H8 below the minimum (a warning)
    rows[5]["name"] = None                         # B10 missing
    rows[6]["phone"] = "12345"                     # L11 not a phone
    rows[8]["sex"] = "M"                           # C13 not a choice
    rows[9]["professional_hours"] = -10            # I14 negative
    return rf.from_form(rows)


@pytest.fixture(scope="module")
def files() -> dict[str, tuple[bytes, str]]:
    """The one roster in every format: {kind: (bytes, file name)}."""
    xlsx = planted()
    xls = office.convert(xlsx, office.XLS)
    return {"xlsx": (xlsx, "花名册.xlsx"), "xls": (xls, "花名册.xls"), "et": (xls, "花名册.et"),
            "csv-utf8": (office.as_csv(xlsx, "utf-8"), "花名册.csv"),
            "csv-utf8-bom": (office.as_csv(xlsx, "utf-8-sig"), "花名册.csv"),
            "csv-gbk": (office.as_csv(xlsx, "gbk"), "花名册.csv"),
            # the format is told by content: a misnamed file is read for what it is
            "xls-named-xlsx": (xls, "花名册.xlsx"), "csv-named-xls": (office.as_csv(xlsx, "gbk"), "花名册.xls")}


def comparable(report: dict) -> dict:
    """What must not depend on the format. A CSV has no sheet names and no types, so the sheet is
    left out and a value compares as the sheet shows it (a CSV's 12345 may be text or a number)."""
    return {
        "summary": report["summary"], "rows_checked": report["rows_checked"], "header_row": report["header_row"],
        "columns": report["columns"], "exit": exit_status(report),
        "problems": [{**{k: v for k, v in p.items() if k not in ("sheet", "value")}, "shown": cell_text(p["value"])}
                     for p in report["problems"]],
    }


@pytest.mark.parametrize("kind", ["xls", "et", "csv-utf8", "csv-utf8-bom", "csv-gbk", "xls-named-xlsx", "csv-named-xls"])
def test_every_format_gives_the_report_of_the_xlsx(files, kind):
    expected = check_roster(*files["xlsx"])
    assert expected["fatal"] is None and len(expected["problems"]) == 6
    report = check_roster(*files[kind])
    assert report["fatal"] is None, report["fatal"]
    assert comparable(report) == comparable(expected)
    source = kind.split("-")[0] if not kind.endswith(("named-xlsx", "named-xls")) else kind[:3]
    assert report["source_format"] == source
    converted = [note for note in report["notes"] if note["code"] == "converted"]
    assert len(converted) == 1 and ".xlsx" in converted[0]["message"]
    if kind.startswith("xls") or kind == "et":
        assert report["sheet"] == "花名册"  # the .xls keeps its sheet names and its cells' types
        assert [p["value"] for p in report["problems"]] == [p["value"] for p in expected["problems"]]


def test_the_csv_encoding_is_named(files):
    gbk = check_roster(*files["csv-gbk"])
    utf8 = check_roster(*files["csv-utf8-bom"])
    assert "GBK" in next(n["message"] for n in gbk["notes"] if n["code"] == "converted")
    assert "UTF-8" in next(n["message"] for n in utf8["notes"] if n["code"] == "converted")
    assert gbk["sheet"] == "花名册"  # the file's name, as Excel names the sheet of a CSV it opens


@pytest.mark.parametrize("kind", ["xls", "csv-gbk"])
def test_marked_copy_is_an_xlsx_with_the_marks_at_the_same_cells(files, kind):
    report, marked = annotate_roster(*files[kind])
    assert marked[:2] == b"PK"
    workbook = load_workbook(io.BytesIO(marked))
    sheet = workbook[report["sheet"]]
    for problem in report["problems"]:
        assert sheet[problem["cell"]].comment is not None, problem["cell"]
    assert sheet["D5"].value == rf.person(0)["id_number"]  # the data is there, IDs as text
    assert sheet["H5"].value == rf.person(0)["public_hours"]
    if kind == "xls":
        assert report["annotation_lacks"] == {"formatting": "字体、颜色、列宽、批注等格式"}
        assert any(n["code"] == "copy_lacks" for n in report["notes"])


def test_the_page_gets_the_converted_workbook_for_the_preview_and_the_copy(files):
    """rules_py.browser keeps what the check read (the .xls converted), not the .xls bytes."""
    import json

    from rules_py import browser

    text, _ = browser.roster_json(files["xls"][0], "花名册.xls", False, True)
    preview = json.loads(browser.roster_preview_json(10))
    marked, error = browser.roster_annotate()
    assert json.loads(text)["source_format"] == "xls" and error is None
    assert preview["problem_rows"] == 6 and marked[:2] == b"PK"


def test_the_applicants_check_reads_the_same_formats():
    workbook = af.filled([af.met_senior(0), af.met_senior(1, 申报类别="中级")])
    expected = check_applicants(workbook, "核对表.xlsx")
    for data, name in ((office.convert(workbook, office.XLS), "核对表.xls"), (office.as_csv(workbook, "gbk"), "核对表.csv")):
        report = check_applicants(data, name)
        assert report["fatal"] is None, report["fatal"]
        assert [(row["row"], row["status"]) for row in report["rows"]] == \
            [(row["row"], row["status"]) for row in expected["rows"]]
        assert report["source_format"] == name.rsplit(".", 1)[1]


def test_the_command_line_reads_an_xls_and_writes_an_xlsx(files, tmp_path):
    source = tmp_path / "花名册.xls"
    source.write_bytes(files["xls"][0])
    done = subprocess.run([sys.executable, "-m", "rules_py", "roster", str(source), "--annotate",
                           str(tmp_path / "标注版.xlsx")], capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 1, done.stderr
    assert "发现 5 个错误、1 个提醒" in done.stdout and "标注版是新建的 .xlsx 工作簿" in done.stdout
    assert (tmp_path / "标注版.xlsx").read_bytes()[:2] == b"PK"
    refused = subprocess.run([sys.executable, "-m", "rules_py", "roster", str(source), "--annotate",
                              str(tmp_path / "标注版.xls")], capture_output=True, text=True, encoding="utf-8")
    assert refused.returncode == 2 and ".xlsx" in refused.stdout + refused.stderr
    assert not (tmp_path / "标注版.xls").exists()


# -- hostile and foreign files of the new formats --------------------------------------------------

CFB = file_formats.CFB_MAGIC


def _csv_people(count: int) -> bytes:
    lines = ["序号,姓名,身份证号码,公需科目学时,专业科目学时"]
    lines += [f"{i + 1},{p['name']},{p['id_number']},30,60" for i, p in enumerate(rf.people(count))]
    return "\n".join(lines).encode("gbk")


@pytest.mark.parametrize("data, filename, code, detected, words", [
    pytest.param(CFB + b"\x00" * 1000, "花名册.xls", "damaged", "xls_unreadable", "不是真正的 Excel 97-2003",
                 id="xls-that-is-not-one"),
    pytest.param(CFB + b"\x00" * 1000, "花名册.et", "not_xlsx", "et", "WPS 中打开它", id="et-the-reader-cannot-open"),
    pytest.param(CFB + "WordDocument".encode("utf-16-le") + b"\x00" * 500, "花名册.xls", "not_xlsx", "doc",
                 "Word 文档", id="word-doc-named-xls"),
    pytest.param(CFB + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 500, "花名册.xls", "not_xlsx",
                 "encrypted", "密码", id="password-protected"),
    pytest.param(b"<html><table><tr><td>1</td></tr></table></html>", "花名册.xls", "not_xlsx", "html",
                 "网页", id="html-saved-as-xls"),
    pytest.param("序号,姓名\n1,\"张三\n".encode("utf-8") * 3, "花名册.csv", "no_header", None, "表头",
                 id="csv-with-an-unclosed-quote"),
    pytest.param(b"", "花名册.csv", "empty", None, "空的", id="empty-csv"),
])
def test_hostile_files_get_a_chinese_message(data, filename, code, detected, words):
    report = check_roster(data, filename, annotate=True)
    assert report["fatal"]["code"] == code, report["fatal"]
    if detected:
        assert report["fatal"]["detected"] == detected
    assert words in report["fatal"]["message"] and report.get("annotated_xlsx") is None
    assert exit_status(report) == 2


def test_a_truncated_real_xls_is_refused(files):
    xls = files["xls"][0]
    report = check_roster(xls[:len(xls) // 2], "花名册.xls")
    assert report["fatal"]["code"] == "damaged" and "另存为" in report["fatal"]["message"]


def test_csv_over_the_size_limit_is_refused_before_reading():
    report = check_roster(b"a,b\n" * (roster.MAX_FILE_BYTES // 4 + 1), "花名册.csv")
    assert report["fatal"]["code"] == "too_large" and report["fatal"]["detected"] == "file_size"


def test_csv_with_more_people_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(roster, "MAX_ROWS", 50)
    report = check_roster(_csv_people(51), "花名册.csv")
    assert report["fatal"]["code"] == "too_large" and report["fatal"]["detected"] == "rows"
    assert check_roster(_csv_people(50), "花名册.csv")["fatal"] is None


def test_a_file_with_millions_of_cells_is_refused_while_converting(monkeypatch):
    monkeypatch.setattr(file_formats, "MAX_CELLS", 1000)
    report = check_roster(_csv_people(400), "花名册.csv")
    assert report["fatal"]["code"] == "too_large" and report["fatal"]["detected"] == "cells"


def test_csv_values_keep_ids_and_phones_as_text():
    """A CSV has no types: short plain numbers (学时, 序号) are numbers, long digit strings (IDs,
    phones) and 0-led codes stay text; Excel's shortened 1.50404E+17 is the number it was."""
    assert [file_formats._csv_value(text) for text in ("30", "12.5", "-10", "0", "", " ")] == [30, 12.5, -10, 0, None, None]
    assert [file_formats._csv_value(text) for text in ("150404198005010010", "13900000001", "0476", "007")] == \
        ["150404198005010010", "13900000001", "0476", "007"]
    assert file_formats._csv_value("1.50404E+17") == 1.50404e17


def test_the_converted_workbook_holds_each_value_as_openpyxl_reads_an_xlsx():
    """file_formats.py writes the .xlsx itself (openpyxl's writer took seconds for a large roster)."""
    import datetime as dt
    import warnings

    values = [dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 1, 8, 30), True, "#N/A", "第一行\x01", "=1+1", 1.5,
              1.50404e17, None, "a&<b>\"", 30]
    data = file_formats._workbook_bytes([("单位&<名单>", False, [values, ["合并", None]], [(1, 3, 0, 2)]),
                                    ("隐藏", True, [[1]], [])])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a complete stylesheet: openpyxl has nothing to warn about
        book = load_workbook(io.BytesIO(data))
    sheet = book["单位&<名单>"]
    assert [cell.value for cell in sheet[1]][:len(values)] == [*values[:4], "第一行_x0001_", *values[5:]]
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A2:B3"]
    assert book["隐藏"].sheet_state == "hidden"
    report = check_roster(data, "x.xlsx")  # and the archive stage takes it as an .xlsx
    assert report["fatal"]["code"] == "no_header"

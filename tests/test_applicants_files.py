"""申报人员学时核对 as a clerk meets it: the blank workbook, the command line and its exit codes, the
limits and hostile files of the roster check, and the marked workbook read back by openpyxl and
opened in LibreOffice (`make test` installs it: a missing soffice fails here, never skips)."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
import pytest
from openpyxl import Workbook

from testkit import applicants_factory as af
from testkit import bad_rosters
from testkit import roster_factory as rf
from testkit.roster_factory import make_id, to_bytes
from rules_py import browser
from rules_py.applicants import MAX_ROWS, check_applicants, exit_status
from rules_py.applicants.annotate import VERDICT_FILLS
from rules_py.blank_forms import NOTES_SHEET, form_workbook_bytes
from rules_py.forms import applicant_years, form_by_id
from rules_py.notice import Notice
from rules_py.roster import ERROR_FILL, SUMMARY_SHEET

ROOT = Path(__file__).resolve().parent.parent
FORM = af.FORM


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "rules_py", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


# -- the blank workbook --------------------------------------------------------------------------

def test_blank_headers_are_the_issue_s_exactly():
    years = (2023, 2024, 2025)  # the 2025 notice: 高级/中级 look at 近三年
    expected = ["姓名", "身份证号码", "申报类别", "评审年度", "考核认定年限", "破格", "任职年限", "事业单位",
                "非公有制经济领域", "基层一线", "出站博士后", "高技能人才", "中小学教师", "转任年度", "疫情防控年度",
                *(f"{y}年{part}" for y in years for part in ("公需科目学时", "专业科目学时", "职业资格考试合格")),
                "备注"]
    sheet = openpyxl.load_workbook(io.BytesIO(form_workbook_bytes(FORM)))[FORM.sheet_name]
    written = [sheet.cell(row=FORM.header_row, column=i).value for i in range(1, len(expected) + 2)]
    assert written == [*expected, None]
    assert FORM.filename == "songshan-2025-applicants.xlsx" and not FORM.notice_attachment
    assert {c.header for c in FORM.optional_columns} == {"性别", "出生日期"}  # read when present, not written


def test_the_years_come_from_the_notice_data():
    data = copy.deepcopy(af.NOTICE.data)
    data["training_year"]["year"] = 2026
    data["application"]["windows"].update(senior=3, intermediate=2)
    later = Notice("later", data)
    assert applicant_years(later) == (2024, 2025, 2026)
    form = form_by_id(later, "applicants")
    assert [h for h in form.headers if h.endswith("公需科目学时")] == ["2024年公需科目学时", "2025年公需科目学时",
                                                                     "2026年公需科目学时"]
    assert form.column("application_year").allowed == ("2024", "2025", "2026")


def test_blank_validations_and_text_id_column():
    sheet = openpyxl.load_workbook(io.BytesIO(form_workbook_bytes(FORM)))[FORM.sheet_name]
    by_range = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}

    def validation(key):
        letter = openpyxl.utils.get_column_letter(FORM.keys.index(key) + 1)
        return by_range[f"{letter}{FORM.first_data_row}:{letter}{FORM.last_data_row}"]

    assert validation("level").formula1 == '"高级,中级,初级,考核认定"'
    assert validation("application_year").formula1 == '"2023,2024,2025"'
    for key in ("exceptional", "public_institution", "non_public_sector", "grassroots_frontline", "postdoc_qualifies",
                "high_skilled_talent", "primary_secondary_teacher", "exam_passed_2023", "exam_passed_2025"):
        assert (validation(key).type, validation(key).formula1) == ("list", '"是,否"'), key
    assert (validation("id_number").type, validation("id_number").formula1) == ("textLength", "18")
    assert (validation("assessment_years").type, validation("assessment_years").formula2) == ("whole", "10")
    assert (validation("public_hours_2024").type, validation("public_hours_2024").formula2) == ("decimal", "3000")
    for key in FORM.keys:
        dv = validation(key)
        assert dv.showInputMessage and dv.prompt == FORM.column(key).prompt
    id_column = get_column_letter(FORM.keys.index("id_number") + 1)
    assert sheet.column_dimensions[id_column].number_format == "@"  # the column's style (blank_forms.py)


def test_blank_print_setup_and_notes():
    book = openpyxl.load_workbook(io.BytesIO(form_workbook_bytes(FORM)))
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert book[FORM.sheet_name].print_title_rows == f"${FORM.header_row}:${FORM.header_row}"
    notes = "\n".join(str(c.value) for row in book[NOTES_SHEET].iter_rows() for c in row if c.value)
    assert "通知未附此表" in notes
    for clause in ("s2-3-1", "s2-4-4", "s2-5-1", "s2-5"):
        assert af.NOTICE.cite(clause) in notes


def test_the_blank_itself_is_empty_not_broken():
    report = check_applicants(af.blank())
    assert report["fatal"]["code"] == "empty" and exit_status(report) == 2
    assert "没有填写任何人员" in report["fatal"]["message"] and "花名册" not in report["fatal"]["message"]


# -- the command line ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("applicants")
    files = {
        "settled": af.filled([af.met_senior(0), af.applicant(1, 申报类别="高级", 出站博士后="是")]),
        "short": af.filled([af.met_senior(0), af.applicant(1, 申报类别="中级")]),
        "error": af.filled([af.met_senior(0), af.met_senior(1, 申报类别="副高")]),
        "warning": af.filled([af.met_senior(0, 身份证号码=make_id(0, region="600404"))]),
        "unusable": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",  # a PDF of the table, not the table
    }
    paths = {}
    for name, data in files.items():
        paths[name] = tmp / f"{name}.xlsx"
        paths[name].write_bytes(data)
    return paths


@pytest.mark.parametrize("name, status", [("settled", 0), ("short", 1), ("error", 1), ("warning", 0),
                                          ("unusable", 2)])
def test_exit_status(workbooks, name, status):
    done = run_cli("applicants", str(workbooks[name]))
    assert done.returncode == status, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_cli_writes_the_marked_workbook_and_never_over_the_input(workbooks, tmp_path):
    """--annotate OUT.xlsx: the marked copy with 结论 and 说明 beside the clerk's columns; the input
    itself, or any existing file without --force, is refused with exit 2."""
    out = tmp_path / "marked.xlsx"
    done = run_cli("applicants", str(workbooks["short"]), "--annotate", str(out))
    assert done.returncode == 1, done.stdout + done.stderr
    sheet = openpyxl.load_workbook(out)[FORM.sheet_name]
    headers = [sheet.cell(FORM.header_row, column).value for column in range(1, sheet.max_column + 1)]
    assert headers[:len(FORM.headers)] == list(FORM.headers) and {"结论", "说明"} <= set(headers)
    before = workbooks["short"].read_bytes()
    onto_input = run_cli("applicants", str(workbooks["short"]), "--annotate", str(workbooks["short"]))
    assert onto_input.returncode == 2 and "Traceback" not in onto_input.stderr
    assert workbooks["short"].read_bytes() == before
    again = run_cli("applicants", str(workbooks["short"]), "--annotate", str(out))
    assert again.returncode == 2 and "--force" in again.stderr + again.stdout


def test_what_the_marked_copy_lacks_is_said_before_the_download():
    """A 公章 image (or macros) in the clerk's workbook: the copy cannot keep it, and the report
    says so, as the roster's does; a plain workbook lacks nothing."""
    sealed = rf.add_member(af.filled([af.met_senior(0)]), "xl/media/image1.png", b"\x89PNG\r\n\x1a\n")
    report = check_applicants(sealed, "有公章.xlsx", annotate=True)
    assert report["annotation_lacks"] == {"images": "图片（如公章、签名）"}
    [lacks] = [n for n in report["notes"] if n["code"] == "copy_lacks"]
    assert "公章" in lacks["message"] and report["annotated_xlsx"]
    assert check_applicants(af.filled([af.met_senior(0)]), "核对表.xlsx")["annotation_lacks"] == {}


def test_cli_summary_and_json(workbooks):
    done = run_cli("applicants", str(workbooks["short"]))
    assert "第 5 行 申报人0：已满足" in done.stdout and "第 6 行 申报人1：尚差 270 学时" in done.stdout
    report = json.loads(run_cli("applicants", str(workbooks["short"]), "--json").stdout)
    assert set(report) >= {"file", "sheet", "header_row", "rows_checked", "summary", "rows", "problems", "fatal",
                           "notice"}
    assert report["file"] == "short.xlsx" and report["summary"]["by_status"] == {"met": 1, "not_met": 1}
    assert [set(row) >= {"row", "name", "status", "person", "result", "problems"} for row in report["rows"]] == [True] * 2
    assert report == json.loads(json.dumps(check_applicants(workbooks["short"].read_bytes(), "short.xlsx")))
    unusable = json.loads(run_cli("applicants", str(workbooks["unusable"]), "--json").stdout)
    assert unusable["fatal"]["code"] == "not_xlsx" and unusable["rows"] == []


def test_the_readme_example():
    done = run_cli("applicants", "examples/applicants-example.xlsx")
    assert done.returncode == 1
    report = check_applicants((ROOT / "examples" / "applicants-example.xlsx").read_bytes())
    assert [(r["name"], r["verdict"]) for r in report["rows"]] == [
        ("李芳", "已满足"), ("王伟", "尚差 18 学时"), ("赵强", "不作为限制性条件"), ("刘洋", "不要求"),
        ("陈静", "有错误，未核对"), ("张敏", "已满足")]
    readme = (ROOT / "README.md").read_text("utf-8")
    for line in done.stdout.splitlines()[:3]:
        assert line in readme


def test_cli_missing_file_exits_2():
    done = run_cli("applicants", "/no/such/核对表.xlsx")
    assert done.returncode == 2 and "找不到文件" in done.stderr and "Traceback" not in done.stderr


def test_browser_entry_point_gives_the_cli_report(workbooks):
    data = workbooks["error"].read_bytes()
    text, annotated = browser.applicants_json(data, "error.xlsx", True)
    assert json.loads(text) == json.loads(json.dumps(check_applicants(data, "error.xlsx")))
    assert annotated[:2] == b"PK"
    assert browser.applicants_json(data, "error.xlsx", False)[1] is None


# -- limits and hostile files ------------------------------------------------------------------------

def test_row_limit_with_the_roster_s_message():
    rows = [af.applicant(i, 申报类别="初级") for i in range(MAX_ROWS + 1)]
    report = check_applicants(af.own_sheet(rows, ["姓名", "身份证号码", "申报类别"]))
    assert report["fatal"]["code"] == "too_large" and report["fatal"]["detected"] == "rows"
    assert f"超过 {MAX_ROWS} 行人员" in report["fatal"]["message"] and "拆分" in report["fatal"]["message"]
    report = check_applicants(af.own_sheet(rows[:MAX_ROWS], ["姓名", "身份证号码", "申报类别"]))
    assert report["fatal"] is None and report["rows_checked"] == MAX_ROWS


def _zip_bomb() -> bytes:
    good = af.filled([af.met_senior(0)])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with dst.open(info.filename, "w", force_zip64=True) as member:
                    for _ in range(200):
                        member.write(b"<!-- " + b"A" * (1 << 20) + b" -->")
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


@pytest.mark.parametrize("member, xml", [item[1:] for item in bad_rosters.HOSTILE_XML],
                         ids=[item[0] for item in bad_rosters.HOSTILE_XML])
def test_xml_entities_in_an_applicants_workbook_are_refused(member, xml):
    """The roster's hostile parts (billion laughs, an external entity) inside an applicants form."""
    data = rf.replace_member(af.filled([af.met_senior(0), af.met_senior(1)]), member, xml)
    report = check_applicants(data, "核对表.xlsx", annotate=True)
    assert (report["fatal"]["code"], report["fatal"]["detected"]) == ("damaged", "unsafe_xml")
    assert report["rows"] == [] and report["annotated_xlsx"] is None
    assert "passwd" not in json.dumps(report, default=str) and "root:" not in json.dumps(report, default=str)


def _no_header() -> bytes:
    wb = Workbook()
    wb.active.append(["单位", "人数"])
    wb.active.append(["松山区第一中学", 30])
    return to_bytes(wb)


@pytest.mark.parametrize("name, data, code", [
    ("not-xlsx", b"%PDF-1.4\n", "not_xlsx"),
    ("csv-not-a-table", "姓名,身份证号码\n张三,1\n".encode(), "no_header"),
    ("xls-that-is-not-one", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "damaged"),
    ("zero-bytes", b"", "empty"),
    ("too-large", b"PK" + b"\x00" * (10 * 1024 * 1024), "too_large"),
    ("zip-bomb", None, "zip_bomb"),
    ("damaged", b"PK\x03\x04" + b"\x00" * 100, "damaged"),
    ("no-header", None, "no_header"),
    ("empty-workbook", None, "empty"),
])
def test_hostile_files_are_refused_in_chinese(name, data, code):
    data = {"zip-bomb": _zip_bomb, "no-header": _no_header,
            "empty-workbook": lambda: to_bytes(Workbook())}.get(name, lambda: data)()
    report = check_applicants(data, f"{name}.xlsx", annotate=True)
    assert report["fatal"]["code"] == code, report["fatal"]
    assert report["fatal"]["message"] and report["annotated_xlsx"] is None
    assert report["rows"] == [] and exit_status(report) == 2
    if code == "no_header":
        for header in ("姓名", "身份证号码", "申报类别"):
            assert header in report["fatal"]["message"]
        assert "附件2" not in report["fatal"]["message"] and "申报人员学时核对表" in report["fatal"]["message"]


def test_a_sheet_formatted_to_its_last_row_is_read_and_its_copy_keeps_the_rows():
    from testkit.roster_factory import formatted_to_the_last_row

    rows = [af.met_senior(0), af.met_senior(1, 申报类别="副高")]
    plain = check_applicants(af.filled(rows))
    data = formatted_to_the_last_row(af.filled(rows))
    report = check_applicants(data, annotate=True)
    assert report["fatal"] is None and [row["status"] for row in report["rows"]] == [row["status"] for row in plain["rows"]]
    assert report["problems"] == plain["problems"] and len(report["rows"]) == 2
    [skipped] = [note for note in report["notes"] if note not in plain["notes"]]
    assert skipped["code"] == "empty_rows_skipped" and skipped["rows"] > 1_000_000
    with zipfile.ZipFile(io.BytesIO(report["annotated_xlsx"])) as archive:  # the copy keeps the formatted rows
        assert max(archive.getinfo(name).file_size for name in archive.namelist()) > 60 << 20


# -- the marked workbook ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def marked():
    rows = [af.met_senior(0), af.applicant(1, 申报类别="中级"), af.met_senior(2, 破格="是"),
            af.applicant(3, born=af.DEFAULT_BORN.replace(year=1960), 申报类别="高级")]
    data = af.filled(rows)
    report = check_applicants(data, "marked.xlsx", annotate=True)
    return data, report, report.pop("annotated_xlsx")


def test_marked_workbook_keeps_their_sheet_and_adds_verdicts(marked):
    data, report, annotated = marked
    book = openpyxl.load_workbook(io.BytesIO(annotated))
    assert [ws.title for ws in book.worksheets if ws.sheet_state == "visible"] == [SUMMARY_SHEET, FORM.sheet_name, NOTES_SHEET]
    ws = book[FORM.sheet_name]
    original = openpyxl.load_workbook(io.BytesIO(data))[FORM.sheet_name]
    width = len(FORM.columns)
    for r in range(1, FORM.first_data_row + 4):
        assert [c.value for c in ws[r][:width]] == [c.value for c in original[r][:width]]
    verdict, note = width + 1, width + 2
    assert (ws.cell(FORM.header_row, verdict).value, ws.cell(FORM.header_row, note).value) == ("结论", "说明")
    first = FORM.first_data_row
    assert [ws.cell(first + i, verdict).value for i in range(4)] == ["已满足", "尚差 270 学时", "有错误，未核对",
                                                                    "不作为限制性条件"]
    assert [ws.cell(first + i, verdict).fill.fgColor.rgb for i in range(4)] == [
        VERDICT_FILLS["met"], VERDICT_FILLS["not_met"], VERDICT_FILLS[None], VERDICT_FILLS["not_restrictive"]]
    assert "通知 二（三）1" in ws.cell(first, note).value
    bad = ws[f"{af.letter('任职年限')}{first + 2}"]
    assert bad.fill.fgColor.rgb == ERROR_FILL and "任职年限" in bad.comment.text
    summary = book[SUMMARY_SHEET]
    text = "\n".join(str(c.value) for row in summary.iter_rows() for c in row if c.value is not None)
    assert "申报人员学时核对结果" in text and "按所选情形必须填写" in text


def test_rechecking_the_marked_copy_replaces_its_verdicts(marked):
    _, report, annotated = marked
    again = check_applicants(annotated, "again.xlsx", annotate=True)
    assert again["notes"] == []  # 结论 / 说明 are ours, not unknown columns
    assert [r["status"] for r in again["rows"]] == [r["status"] for r in report["rows"]]
    ws = openpyxl.load_workbook(io.BytesIO(again["annotated_xlsx"]))[FORM.sheet_name]
    header = [c.value for c in ws[FORM.header_row]]
    assert header.count("结论") == 1 and header.count("说明") == 1


def test_marked_workbook_opens_in_libreoffice(marked, tmp_path):
    _, _, annotated = marked
    source = tmp_path / "marked.xlsx"
    source.write_bytes(annotated)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "marked.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for words in ("申报人员学时核对结果", "尚差 270 学时", "不作为限制性条件"):
        assert words in text.replace("\n", ""), words

"""申报人员学时核对表 workbooks built in code for the applicants tests: rows keyed by the blank form's
header text, filled into the blank form (or a sheet of one's own). Every ID number is synthetic
(tests/roster_factory.make_id): never a real person."""

from __future__ import annotations

import datetime as dt
import io
import tomllib
from pathlib import Path

from openpyxl import Workbook, load_workbook

from testkit.roster_factory import make_id, to_bytes
from rules_py.blank_forms import form_workbook_bytes
from rules_py.forms import form_by_id
from rules_py.notice import load_notice

NOTICE = load_notice()
FORM = form_by_id(NOTICE, "applicants")
HEADERS = FORM.headers
FIRST_ROW = FORM.first_data_row
DEFAULT_BORN = dt.date(1985, 6, 15)


def applicant(index: int, *, sex: str = "male", born: dt.date = DEFAULT_BORN, **cells) -> dict:
    """One row as {header: value}: a synthetic valid ID from ``sex`` and ``born``, then ``cells``."""
    return {"姓名": f"申报人{index}", "身份证号码": make_id(index, sex, born), **cells}


def met_senior(index: int, **cells) -> dict:
    """A 高级 applicant with 30 公需 + 60 专业 in each year of the sheet."""
    hours = {}
    for header in HEADERS:
        if header.endswith("公需科目学时"):
            hours[header] = 30
        elif header.endswith("专业科目学时"):
            hours[header] = 60
    return applicant(index, **{"申报类别": "高级", **hours, **cells})


def blank() -> bytes:
    return form_workbook_bytes(FORM)


def filled(rows: list[dict], *, extra_headers: tuple[str, ...] = ()) -> bytes:
    """The blank form with ``rows`` from its first data row; ``extra_headers`` (e.g. 性别, 出生日期)
    are added to the right of the table first."""
    workbook = load_workbook(io.BytesIO(blank()))
    ws = workbook[FORM.sheet_name]
    headers = list(HEADERS)
    for header in extra_headers:
        headers.append(header)
        ws.cell(row=FORM.header_row, column=len(headers), value=header)
    for offset, row in enumerate(rows):
        for header, value in row.items():
            ws.cell(row=FIRST_ROW + offset, column=headers.index(header) + 1, value=value)
    return to_bytes(workbook)


def own_sheet(rows: list[dict], headers: list[str], *, above: list[list] = ()) -> bytes:
    """A sheet of the clerk's own: ``above`` rows, the header ``headers``, then the rows (by header)."""
    workbook = Workbook()
    ws = workbook.active
    for line in above:
        ws.append(line)
    ws.append(headers)
    for row in rows:
        ws.append([row.get(header) for header in headers])
    return to_bytes(workbook)


def row_number(index: int) -> int:
    return FIRST_ROW + index


def letter(header: str) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(HEADERS.index(header) + 1)


LEVEL_CYCLE = ("高级", "中级", "初级", "中级", "高级", "考核认定")


def many(count: int) -> bytes:
    """``count`` applicants of a unit under the blank form's header (more rows than its empty lines),
    every kind of cell in use: all levels, three years of hours (some short), exams, circumstances
    (the benchmark's workbook)."""
    rows = []
    for i in range(count):
        level = LEVEL_CYCLE[i % len(LEVEL_CYCLE)]
        born = dt.date(1962 + i % 38, 1 + i % 12, 1 + i % 28)
        cells = {"申报类别": level, "评审年度": NOTICE.year}
        if level == "考核认定":
            cells["考核认定年限"] = 1 + i % 3
        if i % 11 == 0:
            cells.update(破格="是", 任职年限=1 + i % 3)
        cells["事业单位"] = "是" if i % 2 else "否"
        if i % 17 == 0:
            cells["非公有制经济领域"] = "是"
        if i % 23 == 0:
            cells["疫情防控年度"] = f"{NOTICE.year - 3}、{NOTICE.year - 2}"
        for offset, year in enumerate(range(NOTICE.year - 2, NOTICE.year + 1)):
            cells[f"{year}年公需科目学时"] = 30 if (i + offset) % 7 else 20
            cells[f"{year}年专业科目学时"] = 60 + (i * 7 + offset) % 30 if (i + offset) % 5 else 40
            if (i + offset) % 13 == 0:
                cells[f"{year}年职业资格考试合格"] = "是"
        rows.append(applicant(i, sex="female" if i % 2 else "male", born=born, **cells))
    return own_sheet(rows, list(HEADERS), above=[[FORM.title]])


# -- the case tables the applicants tests and the CPython/Pyodide parity test share ----------------

CASES_DIR = Path(__file__).resolve().parent.parent / "tests" / "cases"

# Rows → statuses (tests/cases/applicant_cases.toml): one row of one workbook per case.
CASES = tomllib.loads((CASES_DIR / "applicant_cases.toml").read_text("utf-8"))["case"]


def case_row(index: int, case: dict) -> dict:
    return applicant(index, sex=case.get("sex", "male"), born=case.get("born", DEFAULT_BORN), **case["cells"])


def case_table() -> bytes:
    return filled([case_row(i, case) for i, case in enumerate(CASES)])


BAD_CELLS = [
    # (id, cells of a 高级 applicant who otherwise meets, code, header of the marked cell)
    ("name-empty", {"姓名": None}, "missing_value", "姓名"),
    ("id-checksum", {"身份证号码": "150404198005010011"}, "id_checksum", "身份证号码"),
    ("id-as-number", {"身份证号码": 150404198005010000}, "id_stored_as_number", "身份证号码"),
    ("id-15-digits", {"身份证号码": "150404800501001"}, "id_legacy_15", "身份证号码"),
    ("level-empty", {"申报类别": None}, "missing_value", "申报类别"),
    ("level-unknown", {"申报类别": "副高"}, "invalid_choice", "申报类别"),
    ("review-year-unknown", {"评审年度": 2019}, "invalid_choice", "评审年度"),
    ("review-year-outside-sheet", {"评审年度": 2024}, "window_not_in_sheet", "评审年度"),
    ("assessment-years-empty", {"申报类别": "考核认定"}, "condition_missing", "考核认定年限"),
    ("assessment-years-text", {"申报类别": "考核认定", "考核认定年限": "两年"}, "not_a_number", "考核认定年限"),
    ("assessment-years-too-many", {"申报类别": "考核认定", "考核认定年限": 11}, "value_out_of_range", "考核认定年限"),
    ("exceptional-unknown", {"破格": "Y"}, "invalid_choice", "破格"),
    ("exceptional-without-years", {"破格": "是"}, "condition_missing", "任职年限"),
    ("years-in-post-zero", {"破格": "是", "任职年限": 0}, "not_a_number", "任职年限"),
    ("flag-unknown", {"非公有制经济领域": "有"}, "invalid_choice", "非公有制经济领域"),
    *((f"flag-unknown-{header}", {header: answer}, "invalid_choice", header) for header, answer in
      (("事业单位", "Y"), ("基层一线", "√"), ("出站博士后", "已出站"), ("高技能人才", "1"), ("中小学教师", "对"))),
    ("transferred-text", {"转任年度": "去年"}, "invalid_year", "转任年度"),
    ("transferred-two-years", {"转任年度": "2023、2024"}, "invalid_year", "转任年度"),
    ("transferred-after-review", {"转任年度": 2026}, "invalid_year", "转任年度"),
    ("epidemic-text", {"疫情防控年度": "2022、二三"}, "invalid_year", "疫情防控年度"),
    ("hours-negative", {"2024年公需科目学时": -1}, "negative_hours", "2024年公需科目学时"),
    ("hours-with-unit", {"2023年专业科目学时": "60学时"}, "not_a_number", "2023年专业科目学时"),
    ("hours-too-large", {"2025年专业科目学时": 6000}, "hours_too_large", "2025年专业科目学时"),
    ("exam-unknown", {"2024年职业资格考试合格": "合格"}, "invalid_choice", "2024年职业资格考试合格"),
]


def bad_cells_workbook() -> bytes:
    return filled([met_senior(i, **cells) for i, (_, cells, _, _) in enumerate(BAD_CELLS)])


# 学时自查's door: every person case (tests/cases/person_cases.toml) that applies for a title,
# as of one date inside the notice's year.
DOOR_AS_OF = "2025-06-30"
DOOR_CASES = [case for case in tomllib.loads((CASES_DIR / "person_cases.toml").read_text("utf-8"))["case"]
              if "error_field" not in case["expect"] and "error_field_any" not in case["expect"]
              and case["input"]["application"]["level"] != "none"]


def door_person(case: dict) -> dict:
    return {"as_of": DOOR_AS_OF, **case["input"]}

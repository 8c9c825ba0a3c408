"""One person's door to the 申报人员学时核对表 (issue 12): 学时自查's answers saved as one row of the
blank form, and the rows of such a workbook read back as the engine's persons for the form.

Saving writes what the engine credited, not what the person typed: each year's 公需 / 专业 hours of
the result (``result["years"]``) and 职业资格考试合格 = 是 where the exam completed the year, with the
application and the circumstances. The applicants check reads those hours as 审验卡 hours
(:data:`rules_py.applicants.checks.ACTIVITY_KIND`), so the row judged by the same ``evaluate()``
gives the same status, years and gaps; :func:`save_person` reads its own workbook back to make sure.

姓名 and 身份证号码 are not part of the self-check: the person may type them before the download, or
leave them for HR (the file's 备注 and the page say so). 性别 and 出生日期 go into the form's
optional columns, right of the table, so the person's own file reads back without an ID number;
with one, the check holds them against it. Reading (:func:`read_persons`) is the applicants check
itself with 姓名 and 身份证号码 optional.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from copy import copy
from dataclasses import replace

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from rules_py.applicants.checks import parse_date, plain_number
from rules_py.applicants.run import APPLICANTS_FORM, check_applicants
from rules_py.blank_forms import DATE_FORMAT, form_workbook_bytes
from rules_py.eligibility import base_window
from rules_py.evaluate import evaluate
from rules_py.forms import APPLICANT_FLAGS, APPLICANT_LEVELS, NO, YES, Form, applicant_years, form_by_id
from rules_py.notice import LEVELS, Notice, load_notice
from rules_py.person import Application
from rules_py.roster.codes import ERROR
from rules_py.xlsx import reproducible_xlsx, set_text

IDENTITY = ("name", "id_number")  # what the self-check does not ask: typed at saving, or left to HR
SEXES = {"male": "男", "female": "女"}
LEVEL_NAMES = {code: name for name, code in APPLICANT_LEVELS.items()}
COMPARED = ("status", "years_required", "missing")  # what saving then reading must keep
_WHERE = re.compile(r"^(工作表“[^”]*”)?第 [0-9]+ 行( [A-Z]+ 列)?：")
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def door_form(notice: Notice) -> Form:
    """The applicants form as a person's own row is read: 姓名 and 身份证号码 may be empty."""
    form = form_by_id(notice, APPLICANTS_FORM)
    return replace(form, columns=tuple(replace(c, required=False) if c.key in IDENTITY else c for c in form.columns))


def row_values(person: dict, result: dict, notice: Notice, *, name: str = "", id_number: str = "",
               remark: str = "") -> dict:
    """The cells of the person's row, keyed by the form's column keys (the optional 性别 and
    出生日期 included); empty cells are left out. ``result`` is ``evaluate(person)``."""
    application, circumstances = person["application"], person.get("circumstances") or {}
    values = {
        "name": name, "id_number": id_number,
        "level": LEVEL_NAMES[application["level"]],
        "application_year": application["year"],
        "assessment_years": application.get("assessment_years") if application["level"] == "assessment" else None,
        "exceptional": YES if application.get("exceptional") else NO,
        "years_in_post": application.get("years_in_post") if application.get("exceptional") else None,
        **{key: YES if circumstances.get(key) else NO for key, *_ in APPLICANT_FLAGS},
        "transferred_year": circumstances.get("transferred_from_government_year"),
        "epidemic_years": "、".join(str(y) for y in circumstances.get("epidemic_frontline_years") or ()) or None,
        "remarks": remark,
        "sex": SEXES.get(person.get("sex")),
        "birth_date": parse_date(person["birth_date"]) if person.get("birth_date") else None,
    }
    credited = {year["year"]: year for year in result["years"]}
    for y in applicant_years(notice):
        year = credited.get(y)
        values[f"public_hours_{y}"] = plain_number(year["public"]) if year else 0
        values[f"professional_hours_{y}"] = plain_number(year["professional"]) if year else 0
        values[f"exam_passed_{y}"] = YES if year and year["professional_by_exam"] else NO
    return {key: value for key, value in values.items() if value not in (None, "")}


def refusal(person: dict, notice: Notice) -> dict | None:
    """Why this application cannot be a row of the notice's sheet, as {field, message}; else None."""
    application = person.get("application") or {}
    level, year = application.get("level"), application.get("year")
    years = applicant_years(notice)
    span = f"{years[0]}–{years[-1]}"
    if level not in LEVEL_NAMES:
        return {"field": "application.level", "message": "核对表用于申报职称：请先在“申报什么”中选择申报类别（高级、中级、初级或考核认定）。"}
    if year not in years:
        return {"field": "application.year",
                "message": f"核对表按 {notice.year} 年的通知制作，评审年度只能是 {span} 年；您选择的是 {year} 年，不能保存为核对表。"}
    window = base_window(Application(level, year, False, None, application.get("assessment_years")), notice)
    absent = [y for y in window if y not in years]
    if absent:
        return {"field": "application.assessment_years",
                "message": f"您的申报要核对 {window[0]}–{window[-1]} 年的学时，核对表只有 {span} 年的学时栏目，不能保存为核对表。"}
    return None


def refusals(notice: Notice, years: list[int], assessment_years: range) -> dict[str, str]:
    """Every application the self-check form can ask for (a level, one of ``years``, for 考核认定
    each of ``assessment_years``) that the sheet cannot hold, with its refusal: the page says it
    before asking for a name. Keyed by what the refusal rests on: "level", "level|year" or
    "level|year|assessment_years"; the page looks the three up in that order."""
    table = {}
    for level in LEVELS:
        for year in years:
            for length in assessment_years if level == "assessment" else (None,):
                refused = refusal({"application": {"level": level, "year": year, "assessment_years": length}}, notice)
                if refused:
                    parts = {"application.level": (level,), "application.year": (level, year)}.get(
                        refused["field"], (level, year) if length is None else (level, year, length))
                    table["|".join(map(str, parts))] = refused["message"]
    return table


def workbook_bytes(values: dict, notice: Notice) -> bytes:
    """A copy of the blank form with ``values`` in its first row, the optional columns added right
    of the table (header styled as the blank's)."""
    form = form_by_id(notice, APPLICANTS_FORM)
    workbook = load_workbook(io.BytesIO(form_workbook_bytes(form)))
    ws = workbook[form.sheet_name]
    last = len(form.columns)
    for offset, col in enumerate(form.optional_columns, start=1):
        cell = ws.cell(row=form.header_row, column=last + offset)
        model = ws.cell(row=form.header_row, column=last)
        set_text(cell, col.header)
        cell.font, cell.alignment, cell.border, cell.fill = (copy(model.font), copy(model.alignment),
                                                              copy(model.border), copy(model.fill))
        ws.column_dimensions[get_column_letter(last + offset)].width = col.width
    columns = form.for_reading().columns
    row = form.first_data_row
    for index, col in enumerate(columns, start=1):
        value = values.get(col.key)
        if value is None:
            continue
        cell = ws.cell(row=row, column=index)
        if isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
    ws.print_area = f"A1:{get_column_letter(len(columns))}{form.last_data_row + 3}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible_xlsx(buffer.getvalue())


def download_name(notice: Notice, name: str) -> str:
    title = form_by_id(notice, APPLICANTS_FORM).title
    who = _UNSAFE_NAME.sub("", name)[:20]
    return f"{title}（{who or f'{notice.year}年度职称申报'}）.xlsx"


def same_within_a_sheet(a, b) -> bool:
    """Equal, numbers to within a millionth of an hour: a cell keeps about 15 digits of an hour
    the engine holds as a fraction (2699 minutes = 59.977… hours)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_within_a_sheet(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_within_a_sheet(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-6)
    return a == b


def _same(a: dict, b: dict) -> bool:
    return all(same_within_a_sheet(a["application"][key], b["application"][key]) for key in COMPARED)


def save_person(person: dict, notice: Notice | str | None = None, *, name: str = "", id_number: str = "",
                today: str | None = None) -> dict:
    """The person's row as a workbook: ``{"filename", "xlsx" (bytes or None), "missing" (headers
    left empty for HR), "problems" ([{field, message}] why it cannot be saved)}``. Raises
    InputError when ``person`` itself is not valid (the self-check said so already)."""
    notice = load_notice(notice) if isinstance(notice, str) else notice or load_notice()
    name, id_number = " ".join(str(name or "").split()), str(id_number or "").strip().upper()
    answer = {"filename": download_name(notice, name), "xlsx": None, "missing": [], "problems": []}
    result = evaluate(person, notice.id)  # raises InputError for a person the engine refuses
    refused = refusal(person, notice)
    if refused:
        answer["problems"].append(refused)
        return answer
    form = form_by_id(notice, APPLICANTS_FORM)
    answer["missing"] = [form.column(key).header for key, value in zip(IDENTITY, (name, id_number)) if not value]
    day = today or person.get("as_of") or dt.date.today().isoformat()
    remark = f"学时自查保存于 {day}" + (f"；{'、'.join(answer['missing'])}待补填" if answer["missing"] else "")
    data = workbook_bytes(row_values(person, result, notice, name=name, id_number=id_number, remark=remark), notice)
    [row] = read_persons(data, answer["filename"], notice)["rows"]
    errors = [p for p in row["problems"] if p["severity"] == ERROR]
    if errors:
        answer["problems"] = [{"field": p["field"], "message": _WHERE.sub("", p["message"]), "hint": p["hint"]}
                              for p in errors]
        return answer
    again = evaluate({**row["person"], "as_of": person.get("as_of")}, notice.id)
    if not _same(result, again):
        # Never seen: the case table (tests/test_applicants_door.py) holds every reading the same.
        answer["problems"].append({"field": "", "message": "保存的核对表读回后，结论与上面的自查结果不一致，因此没有保存。"
                                   "这是本站的问题，请反馈给网站维护者；您也可以先把自查结果截图发给人事干部。", "hint": ""})
        return answer
    answer["xlsx"] = data
    return answer


def read_persons(data, filename: str, notice: Notice | str | None = None) -> dict:
    """The people of an applicants workbook for the self-check form: ``{"file", "fatal",
    "problems" (the file's), "rows": [{"row", "name", "person", "problems"}]}``; ``person`` is None
    where the row has an error (its problems say which). Never raises."""
    notice = load_notice(notice) if isinstance(notice, str) else notice or load_notice()
    report = check_applicants(data, filename, notice=notice, form=door_form(notice))
    rows = [{"row": r["row"], "name": r["name"], "person": r["person"], "problems": r["problems"]}
            for r in report["rows"]]
    return {"file": report["file"], "fatal": report["fatal"], "problems": report["problems"], "rows": rows}


__all__ = ["door_form", "download_name", "read_persons", "row_values", "same_within_a_sheet", "save_person",
           "workbook_bytes"]

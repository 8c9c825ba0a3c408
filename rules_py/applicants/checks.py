"""The checks of one applicant row, and the row read as the engine's person.

:class:`ApplicantChecker` is the roster's :class:`~rules_py.roster.checks.Checker` (every cell
checked by its column's type: ID number, numbers, drop-downs, 性别 against the ID) plus what a
title application adds: 出生日期 against the ID, the cells a choice makes necessary (考核认定年限,
任职年限), the year cells, and whether the sheet has the hour columns of the years the row is
judged on. A row without errors becomes the engine's person (rules_py/schemas/person.schema.json) and is judged by
:func:`rules_py.evaluate.evaluate`, the one engine; a row with an error gets no verdict.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from rules_py.eligibility import base_window
from rules_py.evaluate import evaluate
from rules_py.forms import (APPLICANT_FLAGS, APPLICANT_LEVELS, MAX_ASSESSMENT_YEARS, YES, Form,
                            applicant_years, normalise_header)
from rules_py.notice import Notice
from rules_py.person import Application, InputError
from rules_py.roster.checks import Checker
from rules_py.roster.codes import ERROR
from rules_py.roster.table import Table
from rules_py.roster.values import evaluate_formula, fmt, parse_number, show
from rules_py.applicants.codes import PROBLEM_CODES

ACTIVITY_KIND = "other"  # hours as the 审验卡 credits them: 核定学时 (二（一）), no condition, no conversion
EXAM_KIND = "qualification_exam"
SEXES = {"男": "male", "女": "female"}
_YEAR_SPLIT = re.compile(r"[、,，;；/\s]+")
_YEAR = re.compile(r"([0-9]{4})(年度|年)?")
_DATE = re.compile(r"([0-9]{4})\s*[-./年]\s*([0-9]{1,2})\s*[-./月]\s*([0-9]{1,2})\s*日?")
# Where an engine refusal points in the sheet: the person's field → the column key.
_FIELD_COLUMNS = {"sex": "id_number", "birth_date": "id_number", "application.level": "level",
                  "application.year": "application_year", "application.exceptional": "exceptional",
                  "application.years_in_post": "years_in_post",
                  "application.assessment_years": "assessment_years",
                  "circumstances.epidemic_frontline_years": "epidemic_years",
                  "circumstances.transferred_from_government_year": "transferred_year",
                  **{f"circumstances.{key}": key for key, *_ in APPLICANT_FLAGS}}


def plain_number(value: float) -> int | float:
    """A whole number as an int (as JSON shows it), else the float."""
    return int(value) if float(value).is_integer() else value


def parse_years(value) -> list[int] | None:
    """The years a cell lists (2022、2023 / 2022,2023 / a number 2022), or None when it is not a list
    of four-digit years."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return [int(value)] if float(value).is_integer() and 1000 <= value <= 9999 else None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    years = []
    for part in _YEAR_SPLIT.split(text):
        if not part:
            continue
        match = _YEAR.fullmatch(part)
        if match is None:
            return None
        years.append(int(match.group(1)))
    return years or None


def parse_date(value) -> dt.date | None:
    """A date cell as a date: a real date, 1980-05-01 / 1980.5.1 / 1980年5月1日 / 19800501."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    text = unicodedata.normalize("NFKC", str(int(value) if isinstance(value, float) and value.is_integer()
                                             else value)).strip()
    match = _DATE.fullmatch(text)
    parts = match.groups() if match else ((text[:4], text[4:6], text[6:]) if re.fullmatch(r"[0-9]{8}", text) else None)
    if parts is None:
        return None
    try:
        return dt.date(*(int(p) for p in parts))
    except ValueError:
        return None


class ApplicantChecker(Checker):
    """The problems of an applicants table, and each row's entry of the report (:attr:`entries`)."""

    codes = PROBLEM_CODES

    def __init__(self, notice: Notice, form: Form, table: Table):
        super().__init__(notice, form, table)
        self.entries: list[dict] = []
        self.sheet_years = tuple(y for y in applicant_years(notice)
                                 if f"public_hours_{y}" in table.columns and f"professional_hours_{y}" in table.columns)
        self._id = None

    def _check_id(self, number, col, value):
        self._id = super()._check_id(number, col, value)
        return self._id

    def _check_row(self, number: int, values: tuple, columns) -> None:
        start = len(self.problems)
        self._id = None
        super()._check_row(number, values, columns)
        self.values, self.number = values, number
        self._check_birth_date()
        level = self._choice("level")
        year = int(self._choice("application_year") or self.notice.year)
        transferred = self._years("transferred_year", year, single=True)
        epidemic = self._years("epidemic_years", year)
        self._check_conditions(level)
        self._check_sex_known()
        if not any(p["severity"] == ERROR for p in self.problems[start:]):
            self._check_window(level, year)
        entry = {"row": number, "name": self._text("name"), "status": None, "person": None, "result": None}
        self.entries.append(entry)
        if level is None or any(p["severity"] == ERROR for p in self.problems[start:]):
            return  # level is None only when the column is absent: a file problem (missing_column)
        person, activity_keys = self._person(level, year, transferred, epidemic)
        try:
            result = evaluate(person, self.notice.id)
        except InputError as error:
            key = _FIELD_COLUMNS.get(error.field)
            if error.field.startswith("activities["):
                key = activity_keys[int(error.field[len("activities["):].partition("]")[0])]
            key = key or "name"
            self.add(number, key, "not_evaluable", values[self.pos[key]], f"无法核对：{error.message}",
                     "请核对这一行的数据，改正后再检查。")
            return
        entry.update(status=result["application"]["status"], person=person, result=result)

    # -- reading cells already checked by type

    def _raw(self, key: str):
        if key not in self.table.columns:
            return None
        value = self.values[self.pos[key]]
        if value is None:
            formula = self.table.formulas.get((self.number, key))
            if formula is not None:
                return evaluate_formula(formula)
        return value

    def _text(self, key: str) -> str | None:
        value = self._raw(key)
        return None if value is None else " ".join(str(value).split())

    def _choice(self, key: str) -> str | None:
        value = self._raw(key)
        if value is None or isinstance(value, bool):
            return None
        return self.choices[key].get(normalise_header(str(value)))

    def _hours(self, key: str) -> int | float:
        """A number cell the type check passed (empty is 0)."""
        value = self._raw(key)
        return 0 if value is None else plain_number(parse_number(value)[0])

    # -- what a title application adds

    def _check_birth_date(self) -> None:
        value = self._raw("birth_date")
        if value is None:
            return
        col = self.form.column("birth_date")
        born = parse_date(value)
        if born is None:
            self.add(self.number, "birth_date", "not_a_date", value, f"“{col.header}”应为日期，现为“{show(value)}”。",
                     "按“1980-05-01”格式填写，或清空本列（出生日期由身份证号码读出）。")
            return
        ident = self._id
        if ident is not None and ident.problem is None and ident.birth_date != born:
            self.add(self.number, "birth_date", "birth_date_mismatch", value,
                     f"“{col.header}”为 {born.isoformat()}，但身份证号码中的出生日期是 {ident.birth_date.isoformat()}。",
                     "请核对出生日期和身份证号码，改正填错的一项。")

    def _years(self, key: str, application_year: int, single: bool = False):
        value = self._raw(key)
        if value is None:
            return None if single else []
        col = self.form.column(key)
        years = parse_years(value)
        # The same earliest year as the engine's (rules_py/person.py): a transfer long before the
        # window is a fact of the past, not a typing error.
        earliest = (self.notice.exemptions["transferred_from_government"]["earliest_year"]
                    if key == "transferred_year" else self.notice.input_limits["earliest_year"])
        example = "2024" if single else "2022、2023"
        if years is None or (single and len(years) != 1):
            what = "一个四位数年份" if single else "四位数年份，多个用“、”分隔"
            self.add(self.number, key, "invalid_year", value, f"“{col.header}”应为{what}，现为“{show(value)}”。",
                     f"请填写如“{example}”。")
            return None
        wrong = [y for y in years if not earliest <= y <= application_year]
        if wrong:
            self.add(self.number, key, "invalid_year", value,
                     f"“{col.header}”中的 {wrong[0]} 年不在 {earliest}–{application_year} 年（评审年度）之间。",
                     "请核对年度；不晚于评审年度。")
            return None
        return years[0] if single else sorted(set(years))

    def _check_conditions(self, level: str | None) -> None:
        if level == "考核认定":
            self._needed("assessment_years", "申报类别为“考核认定”")
            value = self._raw("assessment_years")
            parsed, _ = parse_number(value) if value is not None else (None, None)
            if parsed is not None and parsed > MAX_ASSESSMENT_YEARS:
                self.add(self.number, "assessment_years", "value_out_of_range", value,
                         f"“考核认定年限”为 {fmt(parsed)}，超过 {MAX_ASSESSMENT_YEARS} 年。",
                         "请填写考核认定要求的年限（本科、专科一般为 1，硕士为 2，博士为 0）。")
        if self._choice("exceptional") == YES:
            self._needed("years_in_post", "“破格”选“是”")

    def _check_sex_known(self) -> None:
        """A foreigner's permanent-residence number does not say the sex; the age rule needs it."""
        ident = self._id
        if ident is None or ident.problem is not None or ident.sex is not None or self._choice("sex"):
            return
        where = "请填写“性别”" if "sex" in self.table.columns else "请在表中加“性别”列并填写"
        self.add(self.number, "id_number", "condition_missing", self._raw("id_number"),
                 "这是外国人永久居留身份证号码，读不出性别；按年龄减免学时要用到性别，这一行无法核对。",
                 f"{where}（男或女）。")

    def _needed(self, key: str, because: str) -> None:
        if self._raw(key) is not None:
            return
        col = self.form.column(key)
        where = "" if key in self.table.columns else f"表中没有“{col.header}”列，"
        self.add(self.number, key, "condition_missing", None, f"{because}时须填写“{col.header}”，{where}这一行无法核对。",
                 col.prompt)

    def _check_window(self, level: str | None, year: int) -> None:
        if level is None:
            return
        assessment = self._hours("assessment_years") if level == "考核认定" else None
        window = base_window(Application(APPLICANT_LEVELS[level], year, False, None, assessment), self.notice)
        absent = [y for y in window if y not in self.sheet_years]
        if not absent:
            return
        key = "application_year" if "application_year" in self.table.columns else "level"
        sheet = "、".join(str(y) for y in self.sheet_years) or "无"
        self.add(self.number, key, "window_not_in_sheet", self._raw(key),
                 f"按申报类别“{level}”和评审年度 {year}，要核对 {'、'.join(str(y) for y in window)} 年的学时，"
                 f"但表中没有 {'、'.join(str(y) for y in absent)} 年的公需科目、专业科目学时列（表中有：{sheet}）。",
                 f"本表按 {self.notice.year} 年的通知核对 {'、'.join(str(y) for y in applicant_years(self.notice))} 年的学时："
                 "请核对评审年度，或使用空白核对表。")

    def _person(self, level: str, year: int, transferred, epidemic) -> tuple[dict, list[str]]:
        """The engine's person built from the row, and the column key of each activity."""
        ident = self._id
        sex = ident.sex if ident is not None and ident.sex else SEXES.get(self._choice("sex"))
        # Without an ID number (a person's own row, rules_py/applicants/door.py) the 出生日期 column says it.
        born = ident.birth_date if ident is not None and ident.birth_date else parse_date(self._raw("birth_date"))
        exceptional = self._choice("exceptional") == YES
        code = APPLICANT_LEVELS[level]
        activities, keys = [], []
        for y in (y for y in self.sheet_years if y <= year):  # hours after the review year cannot count
            for subject in ("public", "professional"):
                key = f"{subject}_hours_{y}"
                hours = self._hours(key)
                if hours:
                    activities.append({"year": y, "kind": ACTIVITY_KIND, "subject": subject, "hours": hours})
                    keys.append(key)
            if self._choice(f"exam_passed_{y}") == YES:
                activities.append({"year": y, "kind": EXAM_KIND})
                keys.append(f"exam_passed_{y}")
        person = {
            "sex": sex,
            "birth_date": born.isoformat() if born else None,
            "application": {
                "level": code, "year": year, "exceptional": exceptional,
                "years_in_post": int(self._hours("years_in_post")) if exceptional else None,
                "assessment_years": int(self._hours("assessment_years")) if code == "assessment" else None,
            },
            "circumstances": {
                **{key: self._choice(key) == YES for key, *_ in APPLICANT_FLAGS},
                "epidemic_frontline_years": epidemic or [],
                "transferred_from_government_year": transferred,
            },
            "activities": activities,
        }
        return person, keys

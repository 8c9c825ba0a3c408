"""Read a person (the JSON input of DESIGN section 4) into checked values.

Every mistake becomes an :class:`InputError` naming the field in Chinese, so the CLI and the
browser can show it as it is; nothing here ever lets a raw Python exception through.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from rules_py.notice import LEVELS, SUBJECTS, Notice

SEXES = ("male", "female")
EVALUATION_LEVELS = ("senior", "intermediate", "junior")

FIELD_NAMES = {
    "sex": "性别",
    "birth_date": "出生日期",
    "application": "申报信息",
    "application.level": "申报类别",
    "application.year": "申报年度",
    "application.exceptional": "是否破格申报",
    "application.years_in_post": "实际任职年限",
    "application.assessment_years": "考核认定要求年限",
    "circumstances": "个人情况",
    "activities": "培训记录",
    "circumstances.public_institution": "是否事业单位人员",
    "circumstances.non_public_sector": "是否非公有制经济领域",
    "circumstances.grassroots_frontline": "是否苏木、乡镇等基层一线",
    "circumstances.postdoc_qualifies": "是否符合条件的出站博士后",
    "circumstances.high_skilled_talent": "是否高技能人才",
    "circumstances.primary_secondary_teacher": "是否中小学教师",
    "circumstances.epidemic_frontline_years": "疫情防控一线年度",
    "circumstances.transferred_from_government_year": "从党政机关转任年度",
}
ACTIVITY_FIELD_NAMES = {
    "year": "年度",
    "kind": "培训类型",
    "subject": "科目",
    "hours": "学时",
    "minutes": "分钟数",
}
CIRCUMSTANCE_FLAGS = (
    "public_institution",
    "non_public_sector",
    "grassroots_frontline",
    "postdoc_qualifies",
    "high_skilled_talent",
    "primary_secondary_teacher",
)
# The keys of DESIGN section 4's person; anything else is a typo to report, not to ignore.
PERSON_KEYS = ("sex", "birth_date", "application", "circumstances", "activities")
APPLICATION_KEYS = ("level", "year", "exceptional", "years_in_post", "assessment_years")
CIRCUMSTANCE_KEYS = (*CIRCUMSTANCE_FLAGS, "epidemic_frontline_years", "transferred_from_government_year")


class InputError(ValueError):
    """A person's input that cannot be evaluated. ``field`` is the dotted path, ``message`` Chinese."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Activity:
    index: int
    year: int
    kind: str
    subject: str | None
    hours: Fraction | None  # None for a qualification exam given without hours
    given_in_minutes: bool


@dataclass(frozen=True)
class Application:
    level: str
    year: int | None
    exceptional: bool
    years_in_post: int | None
    assessment_years: int | None


@dataclass(frozen=True)
class Person:
    sex: str | None
    birth_date: dt.date | None
    application: Application
    public_institution: bool
    non_public_sector: bool
    grassroots_frontline: bool
    postdoc_qualifies: bool
    high_skilled_talent: bool
    primary_secondary_teacher: bool
    epidemic_frontline_years: tuple[int, ...]
    transferred_from_government_year: int | None
    activities: tuple[Activity, ...]


def _label(field: str) -> str:
    if field.startswith("activities["):
        index, _, key = field.partition("].")
        number = int(index.removeprefix("activities[")) + 1
        return f"第 {number} 条培训记录的「{ACTIVITY_FIELD_NAMES.get(key, key)}」"
    return f"「{FIELD_NAMES.get(field, field)}」"


def _fail(field: str, problem: str) -> InputError:
    return InputError(field, f"{_label(field)}{problem}")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _year(value, field: str, notice: Notice) -> int:
    limits = notice.input_limits
    if not _is_int(value):
        raise _fail(field, "应为四位数年份，例如 2025。")
    if not limits["earliest_year"] <= value <= limits["latest_year"]:
        raise _fail(field, f"应在 {limits['earliest_year']}–{limits['latest_year']} 年之间，现为 {value}。")
    return value


def _choice(value, allowed, field: str) -> str:
    if value not in allowed:
        raise _fail(field, f"无法识别：{value!r}。可选值：{'、'.join(allowed)}。")
    return value


def _flag(value, field: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _fail(field, "应为 true 或 false。")
    return value


def _date(value, field: str) -> dt.date:
    if not isinstance(value, str):
        raise _fail(field, "应为日期，格式如 1975-06-30。")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(field, f"不是有效日期：{value}（格式如 1975-06-30，且须是日历上存在的日子）。") from None


def _amount(value, field: str, notice: Notice) -> Fraction:
    """Hours or minutes as an exact fraction: 1.5 stays 3/2, never a binary float.

    Only JSON numbers: a string such as "1e99999999" would make Fraction build a huge integer."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(field, f"应为数字，现为 {value!r}。")
    try:
        amount = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    except (ValueError, OverflowError):  # nan, inf
        raise _fail(field, f"应为有限的数字，现为 {value!r}。") from None
    if amount < 0:
        raise _fail(field, f"不能为负数，现为 {value}。")
    return amount


def _known_keys(raw: dict, allowed, where: str, where_label: str) -> None:
    """A misspelt key ("activites") must not pass silently as if it were absent."""
    unknown = [key for key in raw if key not in allowed]
    if unknown:
        field = f"{where}.{unknown[0]}" if where else str(unknown[0])
        raise InputError(field, f"{where_label}中有无法识别的字段「{unknown[0]}」。可用的字段：{'、'.join(allowed)}。")


def _list(value, field: str, example: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(field, f"应为列表，例如 {example}。")
    return value


def _activity(raw, index: int, notice: Notice) -> Activity:
    prefix = f"activities[{index}]"
    if not isinstance(raw, dict):
        raise _fail(prefix + ".kind", "应为一条记录（含年度、培训类型、学时）。")
    _known_keys(raw, tuple(ACTIVITY_FIELD_NAMES), prefix, f"第 {index + 1} 条培训记录")
    year = _year(raw.get("year"), prefix + ".year", notice)
    kinds = notice.activity_kinds
    kind = _choice(raw.get("kind"), tuple(kinds), prefix + ".kind")
    spec = kinds[kind]

    subject = raw.get("subject")
    if spec["subject"] == "input":
        if subject is None:
            raise _fail(prefix + ".subject", "必须填写：公需科目（public）或专业科目（professional）。")
        subject = _choice(subject, SUBJECTS, prefix + ".subject")
    else:
        subject = spec["subject"]

    has_hours, has_minutes = raw.get("hours") is not None, raw.get("minutes") is not None
    if has_hours and has_minutes:
        raise _fail(prefix + ".minutes", "与「学时」只能填写一个。")
    if not (has_hours or has_minutes):
        if spec.get("completes_requirement"):
            return Activity(index, year, kind, subject, None, False)
        raise _fail(prefix + ".hours", "必须填写（学时，或改填分钟数）。")
    key = "hours" if has_hours else "minutes"
    amount = _amount(raw[key], f"{prefix}.{key}", notice)
    hours = amount if has_hours else amount / notice.minutes_per_hour
    limit = notice.input_limits["max_hours_per_activity"]
    if hours > limit:
        raise _fail(f"{prefix}.{key}", f"超过单条记录上限 {limit} 学时，请核对。")
    return Activity(index, year, kind, subject, hours, has_minutes)


def _application(raw, notice: Notice) -> Application:
    if raw is None:
        return Application("none", None, False, None, None)
    if not isinstance(raw, dict):
        raise _fail("application", "应为一组申报信息。")
    _known_keys(raw, APPLICATION_KEYS, "application", "申报信息")
    level = _choice(raw.get("level", "none"), LEVELS, "application.level")
    if level == "none":
        year = raw.get("year")
        year = None if year is None else _year(year, "application.year", notice)
        return Application("none", year, False, None, None)
    year = _year(raw.get("year"), "application.year", notice)
    exceptional = _flag(raw.get("exceptional"), "application.exceptional")

    years_in_post = raw.get("years_in_post")
    if exceptional:
        if not _is_int(years_in_post) or years_in_post < 1:
            raise _fail("application.years_in_post", "破格申报时必须填写，为不小于 1 的整数（年）。")
    else:
        years_in_post = None

    assessment_years = raw.get("assessment_years")
    if level == "assessment":
        if not _is_int(assessment_years) or not 0 <= assessment_years <= 10:
            raise _fail("application.assessment_years",
                        "申请考核认定时必须填写，为 0–10 的整数（年）；本/专科一般为 1，硕士为 2，博士为 0。")
    else:
        assessment_years = None
    return Application(level, year, exceptional, years_in_post, assessment_years)


def parse_person(raw, notice: Notice) -> Person:
    """Check ``raw`` (a dict from JSON) against the notice's codes and limits."""
    if not isinstance(raw, dict):
        raise InputError("", "输入应为一个对象（JSON 对象），包含性别、出生日期、申报信息和培训记录。")
    _known_keys(raw, PERSON_KEYS, "", "输入")
    application = _application(raw.get("application"), notice)

    sex = raw.get("sex")
    birth_date = raw.get("birth_date")
    needs_identity = application.level in EVALUATION_LEVELS
    if sex is not None or needs_identity:
        if sex is None:
            raise _fail("sex", "申报职称评审时必须填写（male 男 / female 女），用于判断按年龄减免。")
        sex = _choice(sex, SEXES, "sex")
    if birth_date is not None or needs_identity:
        if birth_date is None:
            raise _fail("birth_date", "申报职称评审时必须填写，用于判断按年龄减免（通知 二（五）1）。")
        birth_date = _date(birth_date, "birth_date")
        if application.year is not None and birth_date.year >= application.year:
            raise _fail("birth_date", f"晚于申报年度 {application.year}，请核对。")

    circumstances = raw.get("circumstances")
    if circumstances is None:
        circumstances = {}
    if not isinstance(circumstances, dict):
        raise _fail("circumstances", "应为一组是/否选项。")
    _known_keys(circumstances, CIRCUMSTANCE_KEYS, "circumstances", "个人情况")
    flags = {name: _flag(circumstances.get(name), f"circumstances.{name}") for name in CIRCUMSTANCE_FLAGS}

    epidemic_field = "circumstances.epidemic_frontline_years"
    epidemic = _list(circumstances.get("epidemic_frontline_years"), epidemic_field, "[2022]")
    epidemic_years = tuple(sorted({_year(y, epidemic_field, notice) for y in epidemic}))

    transferred_field = "circumstances.transferred_from_government_year"
    transferred = circumstances.get("transferred_from_government_year")
    if transferred is not None:
        transferred = _year(transferred, transferred_field, notice)
        if application.year is not None and transferred > application.year:
            raise _fail(transferred_field, f"（{transferred}）晚于申报年度 {application.year}，请核对。")

    activities = _list(raw.get("activities"), "activities", "[{\"year\": 2025, \"kind\": \"seminar\", \"hours\": 8}]")
    parsed = tuple(_activity(item, i, notice) for i, item in enumerate(activities))

    return Person(sex=sex, birth_date=birth_date, application=application,
                  epidemic_frontline_years=epidemic_years,
                  transferred_from_government_year=transferred,
                  activities=parsed, **flags)

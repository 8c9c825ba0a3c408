"""Read a person (the JSON input of rules_py/schemas/person.schema.json) into checked values.

Every mistake becomes an :class:`InputError` naming the field in Chinese, so the CLI and the
browser can show it as it is; nothing here ever lets a raw Python exception through.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import dataclass
from fractions import Fraction

from rules_py.dates import ISO_DATE, WRITTEN_DATES, age_on, cn_date, read_date
from rules_py.notice import LEVEL_NAMES, LEVELS, SUBJECT_NAMES, SUBJECTS, Notice

SEXES = ("male", "female")
SEX_NAMES = {"male": "男", "female": "女"}
EVALUATION_LEVELS = ("senior", "intermediate", "junior")

FIELD_NAMES = {
    "as_of": "自查日期",
    "sex": "性别",
    "birth_date": "出生日期",
    "application": "申报信息",
    "application.level": "申报类别",
    "application.year": "评审年度",
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
# The keys of the person (rules_py/schemas/person.schema.json); anything else is a typo to report, not to ignore.
PERSON_KEYS = ("sex", "birth_date", "application", "circumstances", "activities", "as_of")
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
    as_of: dt.date | None = None  # the day of the check: which training years are over


def _label(field: str) -> str:
    if field.startswith("activities["):
        index, _, key = field.partition("].")
        number = int(index.removeprefix("activities[")) + 1
        return f"第 {number} 条培训记录的「{ACTIVITY_FIELD_NAMES.get(key, key)}」"
    return f"「{FIELD_NAMES.get(field, field)}」"


QUOTE_CHARS = 40  # a value quoted back in a message is cut to about this many characters


def quoted(value, limit: int = QUOTE_CHARS) -> str:
    """A value as the person wrote it, in quotes, cut to ``limit`` characters."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return "一个过长的数字"  # str() of a 4,300-digit integer would itself fail
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            text = type(value).__name__
    if len(text) > limit:
        text = text[:limit] + "…"
    return f"“{text}”"


def _fail(field: str, problem: str) -> InputError:
    return InputError(field, f"{_label(field)}{problem}")


MAX_NESTING = 32  # a person is 3 levels deep; deeper JSON is refused before it is parsed
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _nesting(text: str) -> int:
    """The deepest bracket nesting of JSON text, strings left out (no recursion, any length)."""
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub("", text)):
        depth = depth + 1 if bracket in "[{" else depth - 1
        deepest = max(deepest, depth)
    return deepest


def read_json_text(text: str, source: str) -> object:
    """JSON text of a person -> Python data, or an InputError in Chinese (``source``: "文件 x.json",
    "标准输入", "输入"). The same on CPython and Pyodide: nesting is measured before parsing, so the
    recursion limit of either never decides, and the message is the same wherever the text came from."""
    if _nesting(text) > MAX_NESTING:
        raise InputError("", f"个人信息的 JSON 嵌套超过 {MAX_NESTING} 层，无法读取。")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError("", f"{source}不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 列附近有误。") from None
    except ValueError:  # an integer beyond Python's digit limit for str -> int
        raise InputError("", f"个人信息中有数字过长，无法读取（整数最多 {sys.get_int_max_str_digits()} 位）。") from None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _year(value, field: str, notice: Notice, earliest: int | None = None) -> int:
    limits = notice.input_limits
    earliest = limits["earliest_year"] if earliest is None else earliest
    if not _is_int(value):
        raise _fail(field, f"应为四位数年份，例如 2025，现为 {quoted(value)}。")
    if not earliest <= value <= limits["latest_year"]:
        raise _fail(field, f"应在 {earliest}–{limits['latest_year']} 年之间，现为 {quoted(value)}。")
    return value


def _choice(value, names: dict[str, str], field: str) -> str:
    """One of the codes of ``names``; the message lists each code with the Chinese it stands for."""
    if not isinstance(value, str) or value not in names:
        options = "、".join(f"{code}（{name}）" for code, name in names.items())
        raise _fail(field, f"无法识别：{quoted(value)}。可选值：{options}。")
    return value


def _flag(value, field: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _fail(field, "应为 true 或 false。")
    return value


def _date(value, field: str, forms=WRITTEN_DATES, example: str = "1975-06-30、1975/6/30 或 1975年6月30日") -> dt.date:
    if not isinstance(value, str):
        raise _fail(field, f"应为日期，写作 {example}，现为 {quoted(value)}。")
    try:
        day = read_date(value, forms)
    except ValueError:
        raise _fail(field, f"不是有效日期：{quoted(value)}（日历上没有这一天）。") from None
    if day is None:
        raise _fail(field, f"无法识别：{quoted(value)}。请写作 {example}。")
    return day


def _amount(value, field: str, notice: Notice) -> Fraction:
    """Hours or minutes as an exact fraction: 1.5 stays 3/2, never a binary float.

    Only JSON numbers: a string such as "1e99999999" would make Fraction build a huge integer."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(field, f"应为数字，现为 {quoted(value)}。")
    try:
        amount = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    except (ValueError, OverflowError):  # nan, inf
        raise _fail(field, f"应为有限的数字，现为 {quoted(value)}。") from None
    if amount < 0:
        raise _fail(field, f"不能为负数，现为 {quoted(value)}。")
    return amount


def _known_keys(raw: dict, allowed, where: str, where_label: str) -> None:
    """A misspelt key ("activites") must not pass silently as if it were absent."""
    unknown = [key for key in raw if key not in allowed]
    if unknown:
        name = str(unknown[0])
        field = f"{where}.{name}" if where else name
        raise InputError(field, f"{where_label}中有无法识别的字段「{quoted(name)[1:-1]}」。可用的字段：{'、'.join(allowed)}。")


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
    kind = _choice(raw.get("kind"), {code: spec["label"] for code, spec in kinds.items()}, prefix + ".kind")
    spec = kinds[kind]

    subject = raw.get("subject")
    if subject is not None:
        subject = _choice(subject, SUBJECT_NAMES, prefix + ".subject")
    if spec["subject"] == "input":
        if subject is None:
            raise _fail(prefix + ".subject", "必须填写（公需科目或专业科目）。")
    elif subject is not None and subject != spec["subject"]:
        raise _fail(prefix + ".subject",
                    f"与培训类型不符：「{spec['label']}」计入{SUBJECT_NAMES[spec['subject']]}，"
                    f"不能填{SUBJECT_NAMES[subject]}。请删去「科目」或改选培训类型。")
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


YEARS_IN_POST_LIMIT = 60
ASSESSMENT_YEARS_LIMIT = 10


def _whole_years(raw: dict, key: str, lowest: int, highest: int, rule: str) -> int | None:
    """An optional whole number of years; a value given is checked even where it does not matter."""
    value = raw.get(key)
    if value is not None and (not _is_int(value) or not lowest <= value <= highest):
        raise _fail(f"application.{key}", f"{rule}，现为 {quoted(value)}。")
    return value


def _application(raw, notice: Notice) -> Application:
    if raw is None:
        return Application("none", None, False, None, None)
    if not isinstance(raw, dict):
        raise _fail("application", "应为一组申报信息。")
    _known_keys(raw, APPLICATION_KEYS, "application", "申报信息")
    if raw.get("level") is None and raw.get("year") is not None:
        raise _fail("application.level", f"未填写：填写了评审年度 {quoted(raw['year'])}，请同时选择申报类别"
                                         "（高级、中级、初级、考核认定，或不申报、只核对学时）。")
    level = _choice(raw.get("level", "none"), LEVEL_NAMES, "application.level")
    year = raw.get("year")
    if level != "none" or year is not None:
        year = _year(year, "application.year", notice)
    exceptional = _flag(raw.get("exceptional"), "application.exceptional")
    years_in_post = _whole_years(raw, "years_in_post", 1, YEARS_IN_POST_LIMIT,
                                 f"应为 1–{YEARS_IN_POST_LIMIT} 的整数（年）")
    assessment_years = _whole_years(raw, "assessment_years", 0, ASSESSMENT_YEARS_LIMIT,
                                    f"应为 0–{ASSESSMENT_YEARS_LIMIT} 的整数（年）；本/专科一般为 1，硕士为 2，博士为 0")
    if level == "none":
        return Application("none", year, False, None, None)
    if exceptional and years_in_post is None:
        raise _fail("application.years_in_post", "破格申报时必须填写，为不小于 1 的整数（年）。")
    if level == "assessment" and assessment_years is None:
        raise _fail("application.assessment_years",
                    "申请考核认定时必须填写，为 0–10 的整数（年）；本/专科一般为 1，硕士为 2，博士为 0。")
    return Application(level, year, exceptional,
                       years_in_post if exceptional else None,
                       assessment_years if level == "assessment" else None)


def _birth_date(value, application: Application, notice: Notice) -> dt.date:
    """A birth date that gives an age the notice can be about (16–100 on the age reference day)."""
    born = _date(value, "birth_date")
    limits = notice.input_limits
    reference = notice.age_reference_date(application.year if application.year is not None else notice.year)
    if born > reference:
        raise _fail("birth_date", f"{quoted(value)}晚于 {cn_date(reference)}，请核对。")
    age = age_on(born, reference)
    if not limits["min_age"] <= age <= limits["max_age"]:
        raise _fail("birth_date", f"{quoted(value)}：到 {cn_date(reference)} 为 {age} 周岁，"
                                  f"不在 {limits['min_age']}–{limits['max_age']} 周岁之间，请核对。")
    return born


def _epidemic_years(value, notice: Notice) -> tuple[int, ...]:
    """二（五）4: only years the epidemic-prevention title policy covered can be 疫情防控当年度."""
    field = "circumstances.epidemic_frontline_years"
    row = notice.exemptions["epidemic_frontline"]
    covered = notice.epidemic_policy_years
    years = set()
    for item in _list(value, field, f"[{covered[-1]}]"):
        year = _year(item, field, notice)
        if year not in covered:
            raise _fail(field, f"{year} 年不在疫情防控职称评审倾斜政策覆盖的年度内（{covered[0]}–{covered[-1]} 年："
                               f"{row['policy_source']}），请核对。")
        years.add(year)
    return tuple(sorted(years))


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
            raise _fail("sex", "申报职称评审时必须填写（男或女），用于判断按年龄减免（通知 二（五）1）。")
        sex = _choice(sex, SEX_NAMES, "sex")
    if birth_date is not None or needs_identity:
        if birth_date is None:
            raise _fail("birth_date", "申报职称评审时必须填写，用于判断按年龄减免（通知 二（五）1）。")
        birth_date = _birth_date(birth_date, application, notice)

    circumstances = raw.get("circumstances")
    if circumstances is None:
        circumstances = {}
    if not isinstance(circumstances, dict):
        raise _fail("circumstances", "应为一组是/否选项。")
    _known_keys(circumstances, CIRCUMSTANCE_KEYS, "circumstances", "个人情况")
    flags = {name: _flag(circumstances.get(name), f"circumstances.{name}") for name in CIRCUMSTANCE_FLAGS}

    epidemic_years = _epidemic_years(circumstances.get("epidemic_frontline_years"), notice)

    transferred_field = "circumstances.transferred_from_government_year"
    transferred = circumstances.get("transferred_from_government_year")
    if transferred is not None:
        earliest = notice.exemptions["transferred_from_government"]["earliest_year"]
        transferred = _year(transferred, transferred_field, notice, earliest=earliest)
        if application.year is not None and transferred > application.year:
            raise _fail(transferred_field, f"（{transferred}）晚于评审年度 {application.year}，请核对。")
        youngest = notice.input_limits["min_age"]
        if birth_date is not None and transferred < birth_date.year + youngest:
            raise _fail(transferred_field, f"（{transferred}）时您还不满 {youngest} 周岁（出生日期 {cn_date(birth_date)}），请核对。")

    as_of = raw.get("as_of")
    if as_of is not None:
        as_of = _date(as_of, "as_of", forms=ISO_DATE, example="2025-11-29")
        limits = notice.input_limits
        if not limits["earliest_year"] <= as_of.year <= limits["latest_year"]:
            raise _fail("as_of", f"应在 {limits['earliest_year']}–{limits['latest_year']} 年之间，现为 {quoted(raw['as_of'])}。")

    activities = _list(raw.get("activities"), "activities", "[{\"year\": 2025, \"kind\": \"seminar\", \"hours\": 8}]")
    parsed = tuple(_activity(item, i, notice) for i, item in enumerate(activities))

    return Person(sex=sex, birth_date=birth_date, application=application,
                  epidemic_frontline_years=epidemic_years,
                  transferred_from_government_year=transferred,
                  activities=parsed, as_of=as_of, **flags)

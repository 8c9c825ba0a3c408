"""One entry point for the CLI, the tests, the FAQ examples and the browser: ``evaluate(person)``.

It returns the result object of DESIGN section 4 as plain JSON-ready data. Hours are exact
fractions inside; outside they are numbers (int when whole).
"""

from __future__ import annotations

from fractions import Fraction

from rules_py import wording
from rules_py.compliance import YearStatus, year_status
from rules_py.dates import cn_date
from rules_py.eligibility import Outcome, base_window, decide
from rules_py.hours import credit_all
from rules_py.notice import DEFAULT_NOTICE, Notice, load_notice
from rules_py.person import EVALUATION_LEVELS, Person, parse_person


def number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _year_block(status: YearStatus, notice: Notice) -> dict:
    return {
        "year": status.year,
        "public": number(status.public),
        "professional": number(status.professional),
        "public_required": status.public_required,
        "professional_required": status.professional_required,
        "public_missing": number(status.public_missing),
        "professional_missing": number(status.professional_missing),
        "met": status.met,
        "professional_by_exam": status.professional_by_exam,
        "credits": [{"activity": c.activity, "subject": c.subject, "hours": number(c.hours),
                     "clause": c.clause} for c in status.credits],
        "not_credited": [{"activity": n.activity, "kind": n.kind, "clause": n.clause,
                          "text": wording.not_credited_text(n, notice)} for n in status.not_credited],
        "clauses": status.clauses,
        "text": wording.year_text(status),
        "hours_text": wording.year_hours_text(status),
    }


def _gap(status: YearStatus) -> dict:
    return {"year": status.year, "public": number(status.public_missing),
            "professional": number(status.professional_missing),
            "text": "；".join(wording.year_gaps(status))}


def _application_block(outcome: Outcome, notice: Notice) -> dict:
    return {
        "level": outcome.level,
        "year": outcome.year,
        "status": outcome.status,
        "years_required": list(outcome.years_required),
        "years_needed": outcome.years_needed,
        "exemptions": [{"code": e.code, "clause": e.clause, "applied": e.code in outcome.applied,
                        "text": wording.exemption_text(e, outcome, notice)} for e in outcome.exemptions],
        "missing": [_gap(y) for y in outcome.missing],
        # Where hours do not limit the application, the gaps are shown for reference only.
        "reference_missing": [_gap(y) for y in outcome.reference_gaps],
        "clauses": list(outcome.clauses),
        "text": wording.application_text(outcome, notice),
    }


def _message(level: str, code: str, text: str, clause: str | None) -> dict:
    return {"level": level, "code": code, "text": text, "clause": clause}


def _messages(person: Person, statuses: dict[int, YearStatus], outcome: Outcome, notice: Notice) -> list[dict]:
    """The readings the engine took where the notice is not explicit, and warnings about input."""
    messages = []
    application = person.application
    requirements = notice.requirements
    if application.level in ("senior", "intermediate"):
        window = base_window(application, notice)
        messages.append(_message("info", "window_reading",
            f"「近三年」按申报年度及此前 {len(window) - 1} 年计算，即 {wording.years_list(window)}"
            f"（{notice.windows['reading_source']}）；"
            f"如有不同要求，请以主管部门答复为准（业务咨询 {notice.data['enquiry_phone']}）。",
            notice.windows["clause"]))
    if application.level == "assessment":
        messages.append(_message("info", "assessment_no_reductions",
            f"考核认定按其要求年限完成学时；{notice.cite(notice.exemptions['clause'])} 的减免条款针对职称评审，"
            "不用于考核认定。",
            notice.assessment["clause"]))
    if application.level in EVALUATION_LEVELS:
        reference = notice.age_reference_date(application.year)
        messages.append(_message("info", "age_reference",
            f"年龄按 {cn_date(reference)}计算，当天生日即视为已满该周岁。",
            notice.exemptions["age_not_restrictive"]["clause"]))
    # Only a year that may still be running can be finished before applying (no clock: the notice year).
    still_open = application.year is not None and application.year >= notice.year
    if outcome.status == "not_met" and still_open and any(y.year == application.year for y in outcome.missing):
        messages.append(_message("info", "current_year_open",
            f"{application.year} 年度的学时在年底前仍可完成，可在申报前补齐。", outcome.clauses[0]))
    if outcome.status == "not_restrictive":
        clause = next(e.clause for e in outcome.exemptions if e.code in outcome.applied and e.status)
        messages.append(_message("info", "not_restrictive_reference",
            "学时不作为限制性条件，但相关学习经历仍可能作为评审参考因素，建议照常学习。", clause))
    if any(a.given_in_minutes for a in person.activities):
        messages.append(_message("info", "minutes_conversion",
            f"按分钟填写的培训按 {notice.minutes_per_hour} 分钟计 1 学时折算，不四舍五入；显示保留一位小数。",
            notice.data["conversion"]["clause"]))
    other_years = [y for y in statuses if y != notice.year]
    if other_years:
        messages.append(_message("info", "other_year_standard",
            f"{wording.years_list(other_years)}按本通知同样的标准核对（公需科目 {requirements['public_hours']} 学时、"
            f"专业科目 {requirements['professional_hours']} 学时）；具体以当年通知为准。", requirements["clause"]))
    row = notice.exemptions["non_public_or_grassroots"]
    if ((person.non_public_sector or person.grassroots_frontline) and application.level in EVALUATION_LEVELS
            and application.year not in row["evaluation_years"]):
        messages.append(_message("warning", "non_public_year",
            f"{notice.cite(row['clause'])} 只适用于 {wording.years_list(row['evaluation_years'])}度职称评审，本次申报按一般规定核对。",
            row["clause"]))
    if person.postdoc_qualifies and application.level not in notice.exemptions["postdoc"]["levels"]:
        messages.append(_message("warning", "postdoc_level",
            "出站博士后免学时只适用于申报高级职称评审。", notice.exemptions["postdoc"]["clause"]))
    for status in statuses.values():
        for item in status.not_credited:
            messages.append(_message("warning", "activity_not_credited",
                                     wording.not_credited_text(item, notice), item.clause))
    return messages


def evaluate(person: dict, notice_id: str = DEFAULT_NOTICE) -> dict:
    """Evaluate one person against one notice; raises :class:`rules_py.InputError` on bad input."""
    notice = load_notice(notice_id)
    parsed = parse_person(person, notice)
    outcomes = credit_all(parsed, notice)
    application = parsed.application
    years = {a.year for a in parsed.activities} | set(base_window(application, notice))
    if application.year is not None:
        years.add(application.year)
    statuses = {year: year_status(year, outcomes, notice) for year in sorted(years)}
    outcome = decide(parsed, statuses, notice)
    return {
        "notice": notice.summary(),
        "years": [_year_block(status, notice) for status in statuses.values()],
        "application": _application_block(outcome, notice),
        "messages": _messages(parsed, statuses, outcome, notice),
    }

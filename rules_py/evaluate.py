"""One entry point for the CLI, the tests, the FAQ examples and the browser: ``evaluate(person)``.

It returns the result object of rules_py/schemas/result.schema.json as plain JSON-ready data. Hours are exact
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


def year_open(year: int, as_of, notice: Notice) -> bool:
    """Whether training in ``year`` can still be done on ``as_of`` (the year runs to 31 December,
    二（一））; without a day, only years before the notice's own are known to be over."""
    if as_of is None:
        return year >= notice.year
    return as_of <= notice.data["training_year"]["end"].replace(year=year)


def _year_block(status: YearStatus, notice: Notice, as_of=None) -> dict:
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
        "open": year_open(status.year, as_of, notice),
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
        "headline": wording.headline(outcome),
    }


def _message(level: str, code: str, text: str, clause: str | None) -> dict:
    return {"level": level, "code": code, "text": text, "clause": clause}


# Short names of the rows that narrow the window, for the one sentence that combines them.
NARROWING_NAMES = {
    "epidemic_frontline": "疫情防控年度",
    "transferred_from_government": "转任实际年度",
    "exceptional": "破格申报的实际任职年限",
}


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
        messages.append(_message("info", "assessment_no_reductions", _assessment_reading(notice),
                                 notice.assessment["clause"]))
    if application.level in EVALUATION_LEVELS:
        reference = notice.age_reference_date(application.year)
        messages.append(_message("info", "age_reference",
            f"年龄按 {cn_date(reference)}计算，当天生日即视为已满该周岁。",
            notice.exemptions["age_not_restrictive"]["clause"]))
    messages += _combined_window(outcome, notice)
    messages += _application_year_open(person, outcome, notice)
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
    if application.level != "none" and application.year != notice.year:
        messages.append(_message("warning", "other_notice_year",
            f"本结果按 {notice.year} 年通知的规定核对；{application.year} 年度的职称评审以 {application.year} 年"
            "的通知为准，规定可能不同。", None))
    messages += _unchanged_circumstances(person, outcome, notice)
    messages += _activity_warnings(person, notice)
    for status in statuses.values():
        for item in status.not_credited:
            messages.append(_message("warning", "activity_not_credited",
                                     wording.not_credited_text(item, notice), item.clause))
    return messages


def _assessment_reading(notice: Notice) -> str:
    """二（五） rows that say "职称评审" stay with it; 二（五）4 says "在申报职称时" and covers 考核认定 too."""
    rows = {code: row for code, row in notice.exemptions.items() if isinstance(row, dict)}
    excluded = sorted({row["clause"] for code, row in rows.items() if "assessment" not in notice.exemption_levels(code)})
    included = sorted({row["clause"] for code, row in rows.items() if "assessment" in notice.exemption_levels(code)})
    text = f"考核认定按其要求年限完成学时；{_cite_all(excluded, notice)} 针对职称评审，不用于考核认定"
    if included:
        text += f"；{_cite_all(included, notice)} 写明“在申报职称时”，考核认定同样适用"
    return text + "。"


def _cite_all(clause_ids, notice: Notice) -> str:
    """Several clauses cited once: 通知 二（五）1、二（五）2."""
    return notice.cite(clause_ids[0]) + "".join(f"、{notice.clause(c).label}" for c in clause_ids[1:])


def _combined_window(outcome: Outcome, notice: Notice) -> list[dict]:
    """Two rows that narrow the window, said as one sentence, so the two never seem to disagree."""
    used = wording.narrowing_combined(outcome)
    if not used:
        return []
    names = "与".join(f"{NARROWING_NAMES[e.code]}（{notice.cite(e.clause)}）" for e in used)
    scope = wording.years_list(outcome.years_required)
    if outcome.years_needed < len(outcome.years_required):
        scope += f"中任 {outcome.years_needed} 个年度"
    return [_message("info", "window_combined", f"按{names}合并计算，需完成的是 {scope}的学时要求。",
                     notice.exemptions["clause"])]


def _application_year_open(person: Person, outcome: Outcome, notice: Notice) -> list[dict]:
    """A shortfall in the evaluation year: still to learn before filing, or a year that has ended.

    The training year runs 1 January–31 December (二（一）). Whether it has ended is decided by
    ``as_of``, the day of the check; without it, only years before the notice's own are known to be over."""
    year = person.application.year
    if outcome.status != "not_met" or not any(gap.year == year for gap in outcome.missing):
        return []
    end = notice.data["training_year"]["end"].replace(year=year)
    clause = notice.data["training_year"]["clause"]
    over = not year_open(year, person.as_of, notice)
    if over:
        return [_message("info", "year_over",
            f"{year} 年度的培训已于 {cn_date(end)}截止，该年度所差的学时不能再补；如对学时记录有疑问，"
            f"请向主管部门咨询（业务咨询 {notice.data['enquiry_phone']}）。", clause)]
    if person.as_of is None:  # the day is unknown: say when the year ends, claim nothing about today
        text = f"{year} 年度的培训至 {cn_date(end)}截止；所差学时须在此之前、并在提交申报材料之前完成。"
    else:
        text = (f"截至 {cn_date(person.as_of)}，{year} 年度的培训尚未结束（至 {cn_date(end)}截止）；"
                "所差学时须在提交申报材料之前完成。")
    return [_message("info", "current_year_open", text, clause)]


def _unchanged_circumstances(person: Person, outcome: Outcome, notice: Notice) -> list[dict]:
    """One calm sentence for each declared circumstance of 二（五） that changes nothing here."""
    application = person.application
    exemptions = notice.exemptions
    window = base_window(application, notice)
    listed = {e.code for e in outcome.exemptions}
    outside = [y for y in person.epidemic_frontline_years if y not in window]
    # A qualifying postdoc outside 高级 and non-public outside its years have warnings of their own.
    declared = {
        "non_public_or_grassroots": person.non_public_sector or person.grassroots_frontline,
        "epidemic_frontline": bool(outside),
        "transferred_from_government": person.transferred_from_government_year is not None,
        "exceptional": application.exceptional,
    }
    declared = [code for code, present in declared.items()
                if present and (code not in listed or code == "epidemic_frontline")]
    if not declared:
        return []
    if application.level == "none":
        return [_message("info", "circumstance_unchanged",
            f"未选择申报类别：{notice.cite(exemptions['clause'])} 的减免只在申报职称时适用，这里只核对各年度学时。",
            exemptions["clause"])]
    span = wording.years_list(window) if window else "需完成的年度"
    sentences = []
    for code in declared:
        row = exemptions[code]
        if application.level not in notice.exemption_levels(code):
            sentences.append((f"{notice.cite(row['clause'])} 针对职称评审，不用于{wording.LEVEL_NAMES[application.level]}，"
                              "需完成的年度不变。", row["clause"]))
        elif code == "non_public_or_grassroots":
            continue  # outside its evaluation years: the non_public_year warning says so
        elif code == "epidemic_frontline":
            sentences.append((f"疫情防控年度 {wording.years_list(outside)}不在 {span}内，这些年度不影响本次申报。",
                              row["clause"]))
        elif code == "transferred_from_government":
            year = person.transferred_from_government_year
            sentences.append((f"您于 {year} 年从党政机关转任，早于 {span}，需完成的年度不变。", row["clause"]))
        elif code == "exceptional":
            sentences.append((f"破格申报：实际任职年限 {application.years_in_post} 年，已覆盖 {span}，"
                              "需完成的年度不变。", row["clause"]))
    return [_message("info", "circumstance_unchanged", text, clause) for text, clause in sentences]


def _activity_warnings(person: Person, notice: Notice) -> list[dict]:
    """Records that are probably typing errors, and 公需 hours that need the bureau's 核定."""
    messages = []
    year = person.application.year
    if year is not None:
        later = [a for a in person.activities if a.year > year]
        if later:
            records = "、".join(str(a.index + 1) for a in later)
            years = wording.years_list(sorted({a.year for a in later}))
            target = "评审年度" if person.application.level != "none" else "所核对的年度"
            messages.append(_message("warning", "activity_after_application_year",
                f"第 {records} 条培训记录的年度（{years}）晚于{target} {year} 年，可能是填写错误，请核对；"
                "这些学时不计入本次核对的年度。", notice.requirements["clause"]))
    for activity in person.activities:
        clause = notice.activity_kinds[activity.kind].get("public_needs_approval_clause")
        if clause and activity.subject == "public":
            messages.append(_message("warning", "public_needs_approval",
                f"第 {activity.index + 1} 条培训记录计为公需科目：公需科目实行网络培训（{notice.cite(clause)}），"
                "其他形式的公需学时须经人力资源社会保障部门核定后才能计入。", clause))
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
        "as_of": parsed.as_of.isoformat() if parsed.as_of else None,
        "as_of_text": cn_date(parsed.as_of) if parsed.as_of else None,
        "years": [_year_block(status, notice, parsed.as_of) for status in statuses.values()],
        "application": _application_block(outcome, notice),
        "messages": _messages(parsed, statuses, outcome, notice),
    }

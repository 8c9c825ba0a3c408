"""Chinese wording of results: calm and exact ("尚差 15 学时", never a bare "不合格").

Numbers in these sentences always come from the result or the notice data, never typed here.
"""

from __future__ import annotations

import math
from fractions import Fraction

from rules_py.compliance import YearStatus
from rules_py.dates import cn_date
from rules_py.eligibility import Exemption, Outcome
from rules_py.hours import NotCredited
from rules_py.notice import LEVEL_NAMES, SUBJECT_NAMES, Notice  # noqa: F401  (LEVEL_NAMES: read from here too)
STATUS_NAMES = {
    "met": "已满足",
    "not_met": "尚未满足",
    "not_restrictive": "学时不作为限制性条件",
    "not_required": "不要求继续教育学时",
    "no_application": "未选择申报",
}
CIRCUMSTANCE_NAMES = {
    "public_institution": "事业单位专业技术人员",
    "non_public_sector": "非公有制经济领域",
    "grassroots_frontline": "苏木、乡镇等基层一线",
    "postdoc_qualifies": "符合条件的出站博士后",
    "high_skilled_talent": "高技能人才",
    "primary_secondary_teacher": "中小学教师",
}
# What a clause of 二（四） asks for before an activity's hours count.
CONDITION_NAMES = {**CIRCUMSTANCE_NAMES, "application": "申报职称评审"}


def hours(value: Fraction, *, round_up: bool = False) -> str:
    """One decimal at most. A gap rounds up and an amount down, so 59.98 学时 is never shown as 60."""
    tenths = value * 10
    tenths = math.ceil(tenths) if round_up else math.floor(tenths)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths / 10:.1f}"


def years_list(years) -> str:
    return "、".join(str(y) for y in years) + " 年"


def year_gaps(status: YearStatus) -> list[str]:
    gaps = []
    if status.public_missing:
        gaps.append(f"{status.year} 年公需科目尚差 {hours(status.public_missing, round_up=True)} 学时")
    if status.professional_missing:
        gaps.append(f"{status.year} 年专业科目尚差 {hours(status.professional_missing, round_up=True)} 学时")
    return gaps


def year_text(status: YearStatus) -> str:
    if status.met:
        exam = "（专业科目以职业资格考试视同完成）" if status.professional_by_exam else ""
        return (f"{status.year} 年已满足：公需科目 {hours(status.public)} 学时，"
                f"专业科目 {hours(status.professional)} 学时{exam}。")
    return "；".join(year_gaps(status)) + "。"


def application_text(outcome: Outcome, notice: Notice) -> str:
    level = LEVEL_NAMES[outcome.level]
    if outcome.status == "no_application":
        return "未选择申报类别，只核对各年度学时。"
    if outcome.status == "not_required":
        return f"{outcome.year} 年申报{level}：不要求继续教育学时。"
    if outcome.status == "not_restrictive":
        return f"{outcome.year} 年申报{level}：继续教育学时不作为限制性条件，相关学习经历可作为评审参考。"
    scope = years_list(outcome.years_required)
    if outcome.years_needed < len(outcome.years_required):
        scope += f"中任 {outcome.years_needed} 个年度"
    if outcome.status == "met":
        return f"{outcome.year} 年申报{level}：已满足学时要求（{scope}）。"
    gaps = [gap for status in outcome.missing for gap in year_gaps(status)]
    return f"{outcome.year} 年申报{level}：尚未满足（需完成 {scope}）。" + "；".join(gaps) + "。"


# The plain sentence a verdict opens with, before the exact wording and its clause (issue 14 item 4).
HEADLINES = {
    "met": "可以申报：学时要求已满足",
    "not_restrictive": "可以申报：学时不作为限制条件",
    "not_required": "可以申报：不要求继续教育学时",
}


def headline(outcome: Outcome) -> str | None:
    """One plain sentence for the verdict of an application; None when nothing is applied for."""
    if outcome.status == "no_application":
        return None
    if outcome.status != "not_met":
        return HEADLINES[outcome.status]
    gaps = [gap for status in outcome.missing for gap in year_gaps(status)]
    return "还差学时：" + "；".join(gaps)


def exemption_text(exemption: Exemption, outcome: Outcome, notice: Notice) -> str:
    text = _exemption_sentence(exemption, outcome, notice)
    if exemption.status and outcome.status == "met":
        text += "您的学时已满足要求，此项同样适用。"
    return text


def narrowing_combined(outcome: Outcome) -> list[Exemption]:
    """The rows that narrow the window together in this outcome, when there are two or more: their
    years are then said once, combined (evaluate's window_combined message), not row by row."""
    used = [e for e in outcome.exemptions if e.code in outcome.applied and e.keep_years is not None]
    return used if len(used) >= 2 else []


def _exemption_sentence(exemption: Exemption, outcome: Outcome, notice: Notice) -> str:
    facts = exemption.facts
    combined = exemption in narrowing_combined(outcome)
    reference = cn_date(notice.age_reference_date(outcome.year)) if outcome.year else ""
    if exemption.code == "age_not_restrictive":
        return (f"截至 {reference}，您满 {facts['age']} 周岁（{facts['sex']}满 {facts['threshold']} 周岁即适用），"
                "参加职称评审时继续教育学时不作为限制性条件。")
    if exemption.code == "age_one_year":
        return (f"截至 {reference}，您满 {facts['age']} 周岁（{facts['sex']}满 {facts['threshold']} 周岁即适用），"
                f"{years_list(facts['window'])}中完成 {exemption.years_needed} 个年度的学时要求即可。")
    if exemption.code == "non_public_or_grassroots":
        where = "和".join(CIRCUMSTANCE_NAMES[code] for code, declared in facts.items() if declared)
        return (f"您在{where}工作，参加 {outcome.year} 年度职称评审时继续教育学时不作为限制性条件，"
                "相关学习经历作为评审参考因素。")
    if exemption.code == "postdoc":
        return "符合条件的出站博士后申报高级职称评审，不要求继续教育学时。"
    if exemption.code == "epidemic_frontline":
        return f"符合疫情防控职称评审倾斜政策，不要求 {years_list(facts['years'])}度的继续教育学时。"
    if exemption.code == "transferred_from_government":
        if exemption.status:
            return f"您于 {facts['year']} 年从党政机关转任，当年参加职称评审，不要求继续教育学时。"
        if combined:
            return f"您于 {facts['year']} 年从党政机关转任，按转任实际年度（{facts['year'] + 1} 年起）计算。"
        return (f"您于 {facts['year']} 年从党政机关转任，按转任实际年度完成"
                f" {years_list(facts['years'])}度的学时要求即可。")
    if exemption.code == "exceptional":
        if combined:
            return f"破格申报，按实际任职年限（{facts['years_in_post']} 年）计算。"
        return (f"破格申报，按实际任职年限（{facts['years_in_post']} 年）完成"
                f" {years_list(facts['years'])}度的学时要求。")
    raise ValueError(f"no wording for exemption {exemption.code}")


def not_credited_text(item: NotCredited, notice: Notice) -> str:
    label = notice.activity_kinds[item.kind]["label"]
    condition = CONDITION_NAMES[item.missing_condition]
    return (f"第 {item.activity + 1} 条培训记录（{label}）未计入 {item.year} 年学时："
            f"{notice.cite(item.clause)} 只适用于{condition}。")


# -- worded fields the pages show (added to the result, never replacing a key) ------------------

SEVERITY_NAMES = {"error": "错误", "warning": "提醒"}


def year_hours_text(status: YearStatus) -> dict:
    """A year's hours worded for the page's meters (the result's ``hours_text``): amounts round
    down, gaps up, as in every sentence (``hours``)."""
    return {"public": hours(status.public),
            "professional": hours(status.professional),
            "public_missing": hours(status.public_missing, round_up=True),
            "professional_missing": hours(status.professional_missing, round_up=True)}

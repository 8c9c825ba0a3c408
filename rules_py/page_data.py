"""The page data of the self-check pages: what 学时自查, 花名册自查 and 申报人员学时核对 need to know about the notice
and the engine before (or besides) a result, written by the build as JSON beside the pages.

Everything the page scripts (site_src/assets/js/) show about the rules comes from here or from the
result objects: level codes, order and names, subject names, field paths, limits, the years a
window covers, hours and dates already worded. The scripts spell no level or kind code and format
no hours or dates. Pure: no I/O beyond reading the notice data.
"""

from __future__ import annotations

from rules_py.dates import cn_date
from rules_py.eligibility import base_window
from rules_py.notice import Notice, load_notice
from rules_py.person import ACTIVITY_FIELD_NAMES, ASSESSMENT_YEARS_LIMIT, EVALUATION_LEVELS, FIELD_NAMES, Application
from rules_py.wording import LEVEL_NAMES, SEVERITY_NAMES, STATUS_NAMES, SUBJECT_NAMES

# The years the form offers as application year, around the notice's own year.
YEARS_BEFORE = 5
YEARS_AFTER = 3
# The oldest birth year the form offers: nobody in post is older than this.
OLDEST_AGE = 80
LEVEL_ONLY_YEARS = "none"          # no application: only each year's hours are checked
LEVEL_ASSESSMENT = "assessment"    # 考核认定: the person says how many years it asks for

# The engine's field paths (rules_py.person.FIELD_NAMES) -> the form control that holds each, so
# that an input error of the engine is shown under its field. Activities: the part of a row.
FORM_FIELDS = {
    "sex": "sex",
    "birth_date": "birth_date",
    "application.level": "level",
    "application.year": "year",
    "application.years_in_post": "years_in_post",
    "application.assessment_years": "assessment_years",
    "circumstances.transferred_from_government_year": "transferred_year",
    "circumstances.epidemic_frontline_years": "epidemic",
}
ACTIVITY_FORM_PARTS = {"year": "year", "kind": "kind", "subject": "subject", "hours": "amount", "minutes": "amount"}
SUBJECT_SHORT_NAMES = {"public": "公需", "professional": "专业"}

assert set(FORM_FIELDS) <= set(FIELD_NAMES), "FORM_FIELDS names a path the engine does not know"
assert set(ACTIVITY_FORM_PARTS) == set(ACTIVITY_FIELD_NAMES), "every activity field needs its form part"


def application_years(notice: Notice) -> list[int]:
    """The application years the form offers, newest first."""
    return list(range(notice.year + YEARS_AFTER, notice.year - YEARS_BEFORE - 1, -1))


def window_years(notice: Notice, level: str, year: int) -> list[int]:
    """The years an application of ``level`` in ``year`` looks at (the engine's base window); the
    year itself where the window depends on the person's answers or there is none."""
    if level not in EVALUATION_LEVELS:
        return [year]
    return list(base_window(Application(level, year, False, None, None), notice))


def epidemic_years(notice: Notice, level: str, year: int) -> list[int]:
    """The 疫情防控 years (二（五）4) the form offers for an application of ``level`` in ``year``: the
    policy years inside the years the application can look at (for 考核认定, the longest years it
    may ask for); none where the row does not apply to the level."""
    if level not in notice.exemption_levels("epidemic_frontline"):
        return []
    if level in EVALUATION_LEVELS:
        looked_at = set(window_years(notice, level, year))
    else:
        looked_at = set(range(year - ASSESSMENT_YEARS_LIMIT + 1, year + 1))
    return sorted(looked_at & set(notice.epidemic_policy_years))


def level_hint(notice: Notice, level: str, year: int) -> str:
    """What the form says under the level choice, for one application year."""
    requirements = notice.requirements
    if level == LEVEL_ASSESSMENT:
        hint = notice.assessment.get("hint", {})
        return (f"按考核认定要求的年限完成学时，例如本科/专科 {hint.get('bachelor_or_college')} 年、"
                f"硕士 {hint.get('master')} 年、博士 {hint.get('doctorate')} 年。")
    if level == LEVEL_ONLY_YEARS:
        return (f"只核对各年度是否达到公需科目 {requirements['public_hours']}、"
                f"专业科目 {requirements['professional_hours']} 学时。")
    years = window_years(notice, level, year)
    span = f"近 {len(years)} 年（{years[0]}–{years[-1]} 年）每一年" if len(years) > 1 else f"当年（{year} 年）"
    return f"需完成{span}的公需科目和专业科目学时。"


def _level(notice: Notice, code: str, label: str) -> dict:
    hint_clause = {LEVEL_ASSESSMENT: notice.assessment["clause"],
                   LEVEL_ONLY_YEARS: notice.requirements["clause"]}.get(code, notice.windows["clause"])
    years = application_years(notice)
    return {
        "label": label,
        "window": notice.windows.get(code),
        "option": "不申报，只核对各年度学时" if code == LEVEL_ONLY_YEARS else f"申报{label}",
        "evaluation": code in EVALUATION_LEVELS,          # 职称评审: exemptions and 破格 apply
        "asks_assessment_years": code == LEVEL_ASSESSMENT,
        "years_only": code == LEVEL_ONLY_YEARS,
        "hint": {"clause": hint_clause, "by_year": {str(y): level_hint(notice, code, y) for y in years}},
        "window_years": {str(y): window_years(notice, code, y) for y in years},
        "epidemic_years": {str(y): epidemic_years(notice, code, y) for y in years},
    }


def what_if_kinds(notice: Notice) -> dict[str, str]:
    """Per subject, the plainest kind of training to try in "what if": the first of that subject
    that needs no circumstance and is not an exam."""
    kinds = {}
    for code, spec in notice.activity_kinds.items():
        if spec.get("requires") or spec.get("completes_requirement"):
            continue
        kinds.setdefault(spec["subject"], code)
    return {subject: kinds[subject] for subject in SUBJECT_NAMES}


def notice_data(notice_id: str) -> dict:
    """What the self-check form shows before the engine has loaded: labels, clauses, thresholds."""
    from rules_py.applicants.door import refusals  # openpyxl: the build has it, the page's first visit need not

    notice = load_notice(notice_id)
    data = notice.data
    return {
        "id": notice.id,
        "title": notice.title,
        "issuer": data["issuer"],
        "issued": notice.issued.isoformat(),
        "issued_text": cn_date(notice.issued),
        "rules_version": notice.rules_version,
        "year": notice.year,
        # How the form names the application's year and the hint under it; a notice without a
        # [form] table gets the evaluation year's name and no hint.
        "form": {"application_year_label": data.get("form", {}).get("application_year_label", "评审年度"),
                 "application_year_hint": data.get("form", {}).get("application_year_hint")},
        "enquiry_phone": data.get("enquiry_phone"),
        "requirements": {"public": notice.requirements["public_hours"],
                         "professional": notice.requirements["professional_hours"],
                         "clause": notice.requirements["clause"]},
        "minutes_per_hour": notice.minutes_per_hour,
        "conversion_clause": data["conversion"]["clause"],
        "levels": {code: _level(notice, code, label) for code, label in LEVEL_NAMES.items()},
        "level_order": list(LEVEL_NAMES),
        "window_clause": notice.windows["clause"],
        "assessment": {"clause": notice.assessment["clause"], "hint": notice.assessment.get("hint", {})},
        "statuses": STATUS_NAMES,
        "subjects": [{"code": code, "label": label, "short": SUBJECT_SHORT_NAMES[code]}
                     for code, label in SUBJECT_NAMES.items()],
        "what_if_kinds": what_if_kinds(notice),
        "kinds": [{"code": code, "label": spec["label"], "subject": spec["subject"],
                   "requires": spec.get("requires"), "clause": spec["clause"],
                   "completes_requirement": bool(spec.get("completes_requirement")),
                   # The year a record carries, when it is not the training year (二（四）4: the certificate's).
                   "year_label": spec.get("year_label", "年度"), "year_hint": spec.get("year_hint")}
                  for code, spec in notice.activity_kinds.items()],
        "exemptions": {code: {key: value for key, value in spec.items() if key != "quote"}
                       for code, spec in notice.exemptions.items() if isinstance(spec, dict)},
        "input_limits": notice.input_limits,
        "application_years": application_years(notice),
        # 保存为核对表: the applications the sheet cannot hold, said before the person types a name.
        "door_refusals": refusals(notice, application_years(notice), range(1, ASSESSMENT_YEARS_LIMIT + 1)),
        "birth_date": {"min": f"{notice.year - OLDEST_AGE}-01-01", "max": f"{notice.year}-12-31"},
        "form_fields": FORM_FIELDS,
        "activity_form_parts": ACTIVITY_FORM_PARTS,
        "clauses": {cid: {"label": c.label, "title": c.title, "citation": c.citation}
                    for cid, c in notice.clauses.items()},
    }


def roster_data(notice_id: str) -> dict:
    """What the roster page needs before a file is checked: the limits (a file over the size limit
    is refused before it reaches the worker), every code's title and explanation, the columns."""
    from rules_py.forms import form_by_id
    from rules_py.roster import ROSTER_FORM, describe_codes

    notice = load_notice(notice_id)
    codes = describe_codes()
    deadline = notice.data["filing"]["roster_deadline"]
    return {
        "notice": notice.id,
        "limits": codes["limits"],
        "problems": codes["problems"],
        "fatal": codes["fatal"],
        # "info": the notes on how the file was read (rows skipped, columns absent), never a problem.
        "severities": {"info": "说明", **SEVERITY_NAMES},
        "columns": {column.key: column.header for column in form_by_id(notice, ROSTER_FORM).columns},
        "deadline": deadline.isoformat(),
        "deadline_text": cn_date(deadline),
    }


def applicants_data(notice_id: str) -> dict:
    """What the applicants page needs before a file is checked: the limits (a file over the size
    limit is refused before it reaches the worker), the fatal codes worded for this form, the
    problem codes' titles, and the clauses a verdict links to."""
    from rules_py.applicants import PROBLEM_CODES, fatal_codes, limits

    notice = load_notice(notice_id)
    return {
        "notice": notice.id,
        "limits": limits(),
        "fatal": fatal_codes(notice),
        "problems": {code: {"severity": spec["severity"], "title": spec["title"]} for code, spec in PROBLEM_CODES.items()},
        "severities": {"info": "说明", **SEVERITY_NAMES},
        "statuses": STATUS_NAMES,
        "clauses": {cid: c.citation for cid, c in notice.clauses.items()},
    }

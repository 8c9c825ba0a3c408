"""The problem codes of the applicants check: the roster's catalogue (the same cells go wrong the same
way) and the few a title application adds. Stable ids with severity, Chinese title and explanation."""

from __future__ import annotations

from rules_py.roster.codes import ERROR, PROBLEM_CODES as ROSTER_CODES

OWN_CODES: dict[str, dict[str, str]] = {
    "birth_date_mismatch": {
        "severity": ERROR, "title": "出生日期与身份证号码不符",
        "explanation": "身份证号码第 7–14 位是出生日期；表中另填的出生日期须与之一致。"},
    "not_a_date": {
        "severity": ERROR, "title": "不是日期",
        "explanation": "出生日期应为日期，如 1980-05-01。"},
    "invalid_year": {
        "severity": ERROR, "title": "年度填写有误",
        "explanation": "转任年度、疫情防控年度应为四位数年份（多个用“、”分隔），且不晚于评审年度。"},
    "value_out_of_range": {
        "severity": ERROR, "title": "超出可填范围",
        "explanation": "考核认定年限等栏目超出了可填写的范围。"},
    "condition_missing": {
        "severity": ERROR, "title": "按所选情形必须填写",
        "explanation": "所选情形需要另一栏的数据才能核对：考核认定要填考核认定年限，破格要填任职年限；外国人永久居留身份证号码读不出性别，要填性别。"},
    "window_not_in_sheet": {
        "severity": ERROR, "title": "表中没有要核对的年度",
        "explanation": "按申报类别和评审年度要核对的某些年度，表中没有其学时栏目。"},
    "not_evaluable": {
        "severity": ERROR, "title": "无法核对",
        "explanation": "这一行的数据彼此矛盾（例如出生年份不早于评审年度），学时核对无法进行。"},
}

PROBLEM_CODES: dict[str, dict[str, str]] = {**ROSTER_CODES, **OWN_CODES}

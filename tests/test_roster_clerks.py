"""花名册自查 on the files clerks really make (issue 15): rows that are not people, merged cells,
several roster sheets, problems at the cell they belong to, a marked copy that loses nothing,
and files made slow by formatting. Every roster is built in code (roster_factory)."""

from __future__ import annotations

import datetime as dt

import pytest

import roster_factory as rf
from rules_py.roster import check_roster, exit_status

HEADERS = {key: rf.FORM.column(key).header for key in rf.KEYS}


def notes_of(report, code):
    return [note for note in report["notes"] if note["code"] == code]


# -- 1. rows that are not people -----------------------------------------------------------------

NOT_PEOPLE = {
    "signature-split": [{"seq": "单位负责人：", "id_number": "审核人：", "phone": "填表人："}],
    "signature-with-names": [{"seq": "单位负责人：", "name": "王伟", "employer": "审核人：", "title": "李芳"}],
    "date-cell": [{"seq": "填报日期：", "name": dt.datetime(2025, 12, 1)}],
    "date-text": [{"seq": "填报日期：2025年12月1日"}],
    "date-split": [{"employer": "填报日期：", "title": "2025年", "specialty": "12月", "public_hours": "1日"}],
    "note-split": [{"seq": "注：", "name": "1. 学时按继续教育证书填写，合计学时自动计算。"}],
    "seal": [{"employer": "（单位盖章）", "phone": "2025年12月1日"}],
    "total": [{"seq": "合计", "public_hours": 90, "professional_hours": 180, "total_hours": 270}],
    "total-people": [{"seq": "合计3人"}],
    "gongji": [{"name": "共计", "public_hours": 90, "professional_hours": 180}],
    "huizong": [{"employer": "汇总"}],
    "xiaoji": [{"name": "小计：", "professional_hours": 180}],
    "zongji": [{"seq": "总计", "name": "共3人"}],
}


@pytest.mark.parametrize("kind", NOT_PEOPLE)
def test_rows_that_are_not_people_are_skipped_with_a_note(kind):
    rows = rf.people(3) + NOT_PEOPLE[kind]
    report = check_roster(rf.custom(rows))
    assert report["fatal"] is None and report["problems"] == [], report["problems"][:3]
    assert report["rows_checked"] == 3
    [note] = notes_of(report, "rows_skipped")
    assert note["rows"] == [5] and "第 5 行" in note["message"] and note["severity"] == "info"


def test_column_numbers_units_and_a_repeated_header_are_not_people():
    column_numbers = {key: index + 1 for index, key in enumerate(rf.KEYS)}
    units = {"public_hours": "（学时）", "professional_hours": "（学时）", "total_hours": "(学时)"}
    second_unit = [{"seq": "松山区第二中学"}, dict(HEADERS)]
    rows = [column_numbers, units] + rf.people(3) + second_unit + rf.people(3, start=3)
    report = check_roster(rf.custom(rows))
    assert report["problems"] == [], report["problems"][:3]
    assert report["rows_checked"] == 6
    [note] = notes_of(report, "rows_skipped")
    assert note["rows"] == [2, 3, 7, 8]
    for words in ("栏次行", "单位行", "重复的表头"):
        assert words in note["message"]


def test_a_person_without_id_is_still_a_person():
    rows = rf.people(3)
    rows[1]["id_number"] = None
    report = check_roster(rf.custom(rows))
    assert [(p["code"], p["field"]) for p in report["problems"]] == [("missing_value", "id_number")]
    assert notes_of(report, "rows_skipped") == []


# -- 2. merged cells, header spellings, phone extensions -----------------------------------------

def test_a_unit_merged_down_its_rows_counts_for_every_row():
    rows = rf.people(30)
    for index, row in enumerate(rows):
        row["employer"] = "松山区第一中学" if index == 0 else (None if index < 20 else row["employer"])
        row["title"] = "中学一级教师" if index in (0, 10) else (None if index < 20 else row["title"])
    employer, title = rf.LETTER["employer"], rf.LETTER["title"]
    merges = (f"{employer}2:{employer}21", f"{title}2:{title}11", f"{title}12:{title}21")
    report = check_roster(rf.custom(rows, merges=merges))
    assert report["problems"] == [], report["problems"][:3]
    assert report["rows_checked"] == 30


def test_a_merged_range_running_on_below_the_people_adds_no_one():
    rows = rf.people(5)
    employer = rf.LETTER["employer"]
    report = check_roster(rf.custom(rows, merges=(f"{employer}2:{employer}40",)))
    assert report["problems"] == [] and report["rows_checked"] == 5


def test_merged_values_still_get_checked():
    rows = rf.people(6)
    rows[0]["sex"] = "男性别"
    for row in rows[1:]:
        row["sex"] = None
    sex = rf.LETTER["sex"]
    report = check_roster(rf.custom(rows, merges=(f"{sex}2:{sex}7",)))
    assert {p["cell"] for p in report["problems"] if p["code"] == "invalid_choice"} == {f"{sex}{n}" for n in range(2, 8)}


@pytest.mark.parametrize("public, professional", [("公需科目学时数", "专业科目学时数"), ("公需课", "专业课"),
                                                  ("公需学时数", "专业学时数")])
def test_header_spellings_of_the_hours_columns(public, professional):
    report = check_roster(rf.custom(rf.people(4), {"public_hours": public, "professional_hours": professional}))
    assert report["fatal"] is None and report["problems"] == [], report["problems"][:2]
    assert {"public_hours", "professional_hours"} <= set(report["columns"])


@pytest.mark.parametrize("phone", ["0476-8466847转8001", "0476-8466847 转 8001", "0476-8466847分机8001",
                                   "0476-8466847-8001", "(0476)8466847转12"])
def test_a_landline_with_its_extension_is_a_phone(phone):
    rows = rf.people(2)
    rows[1]["phone"] = phone
    assert check_roster(rf.custom(rows))["problems"] == []


def test_a_bare_extension_is_still_not_a_phone():
    rows = rf.people(2)
    rows[1]["phone"] = "转8001"
    assert [p["code"] for p in check_roster(rf.custom(rows))["problems"]] == ["phone_format"]

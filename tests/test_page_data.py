"""The page data of the self-check pages (rules_py/page_data.py) says what the engine does."""

from __future__ import annotations

import datetime as dt

import pytest

from rules_py.dates import cn_date
from rules_py.eligibility import base_window
from rules_py.notice import load_notice
from rules_py.page_data import date_template, notice_data, roster_data
from rules_py.person import FIELD_NAMES, Application, parse_person
from rules_py.wording import LEVEL_NAMES

NOTICE = "songshan-2025"


@pytest.fixture(scope="module")
def data():
    return notice_data(NOTICE)


@pytest.mark.parametrize("day", [dt.date(2025, 3, 3), dt.date(2026, 12, 24), dt.date(1999, 11, 22)])
def test_the_date_template_writes_dates_as_cn_date(day):
    assert date_template().format(year=day.year, month=day.month, day=day.day) == cn_date(day)


def test_levels_in_the_engines_order_with_the_years_its_window_covers(data):
    notice = load_notice(NOTICE)
    assert data["level_order"] == list(LEVEL_NAMES)
    for code in data["level_order"]:
        level = data["levels"][code]
        assert sorted(level["hint"]["by_year"], reverse=True) == [str(y) for y in data["application_years"]]
        if level["evaluation"]:
            for year, years in level["window_years"].items():
                assert years == list(base_window(Application(code, int(year), False, None, None), notice))
    assert [code for code in data["level_order"] if data["levels"][code]["asks_assessment_years"]] == ["assessment"]
    assert [code for code in data["level_order"] if data["levels"][code]["years_only"]] == ["none"]


def test_senior_hint_names_the_window_years(data):
    assert data["levels"]["senior"]["hint"]["by_year"]["2025"] == "需完成近 3 年（2023–2025 年）每一年的公需科目和专业科目学时。"


def test_what_if_kinds_count_for_their_subject_for_anybody(data):
    for subject, kind in data["what_if_kinds"].items():
        person = {"application": {"level": "none", "year": 2025}, "activities": [{"year": 2025, "kind": kind, "hours": 1}]}
        assert parse_person(person, load_notice(NOTICE)).activities[0].kind == kind
        spec = next(k for k in data["kinds"] if k["code"] == kind)
        assert spec["subject"] == subject and not spec["requires"] and not spec["completes_requirement"]


def test_form_fields_are_the_engines_paths(data):
    assert set(data["form_fields"]) <= set(FIELD_NAMES)


def test_roster_data_words_the_deadline():
    notice = load_notice(NOTICE)
    assert roster_data(NOTICE)["deadline_text"] == cn_date(notice.data["filing"]["roster_deadline"])

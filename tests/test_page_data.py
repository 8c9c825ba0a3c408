"""The page data of the self-check pages (rules_py/page_data.py) says what the engine does."""

from __future__ import annotations

import datetime as dt

import pytest

from rules_py.dates import cn_date
from rules_py.eligibility import base_window
from rules_py.notice import load_notice
from rules_py.evaluate import evaluate
from rules_py.page_data import notice_data, roster_data
from rules_py.person import FIELD_NAMES, Application, parse_person
from rules_py.wording import LEVEL_NAMES

NOTICE = "songshan-2025"


@pytest.fixture(scope="module")
def data():
    return notice_data(NOTICE)


def test_the_form_names_the_application_year_as_the_notice_does(data):
    form = load_notice(NOTICE).data["form"]
    assert data["form"] == {"application_year_label": form["application_year_label"],
                            "application_year_hint": form["application_year_hint"]}
    assert data["form"]["application_year_label"] == "评审年度"


def test_a_kind_whose_year_is_the_certificates_says_so(data):
    kinds = load_notice(NOTICE).activity_kinds
    for kind in data["kinds"]:
        assert kind["year_label"] == kinds[kind["code"]].get("year_label", "年度")
        assert kind["year_hint"] == kinds[kind["code"]].get("year_hint")
    assert {k["code"] for k in data["kinds"] if k["year_label"] == "取得证书年度"} == {"qualification_exam"}


def _engine_takes_epidemic_years(level: str, year: int, years: list[int]) -> bool:
    person = {"sex": "male", "birth_date": "1990-01-01",
              "application": {"level": level, "year": year, "assessment_years": 10 if level == "assessment" else None},
              "circumstances": {"epidemic_frontline_years": years}, "activities": []}
    result = evaluate(person, NOTICE)
    return any(e["code"] == "epidemic_frontline" for e in result["application"]["exemptions"])


@pytest.mark.parametrize(("level", "year", "offered"), [
    ("senior", 2025, [2023]),                 # 2025 is not a policy year: never offered
    ("intermediate", 2024, [2022, 2023]),
    ("junior", 2025, []),                      # a one-year window outside the policy years
    ("assessment", 2025, [2020, 2021, 2022, 2023]),  # 二（五）4 covers 考核认定 too
    ("none", 2023, []),
])
def test_epidemic_years_offered_are_policy_years_the_application_looks_at(data, level, year, offered):
    assert data["levels"][level]["epidemic_years"][str(year)] == offered
    for offered_year in offered:
        assert _engine_takes_epidemic_years(level, year, [offered_year])


def test_every_offered_epidemic_year_is_one_the_engine_accepts(data):
    policy = set(load_notice(NOTICE).epidemic_policy_years)
    for level in data["levels"].values():
        for years in level["epidemic_years"].values():
            assert set(years) <= policy


def _result(year: int, as_of: str | None, activities=()) -> dict:
    person = {"sex": "female", "birth_date": "1990-06-30", "application": {"level": "intermediate", "year": year},
              "activities": list(activities)}
    if as_of:
        person["as_of"] = as_of
    return evaluate(person, NOTICE)


@pytest.mark.parametrize(("as_of", "open_years"), [
    ("2025-11-29", [2025]), ("2025-12-31", [2025]), ("2026-01-01", []), (None, [2025]),
])
def test_a_year_is_open_until_its_last_day(as_of, open_years):
    result = _result(2025, as_of)
    assert [y["year"] for y in result["years"] if y["open"]] == open_years
    assert result["as_of_text"] == (cn_date(dt.date.fromisoformat(as_of)) if as_of else None)


def test_each_verdict_opens_with_a_plain_sentence():
    full = [{"year": y, "kind": k, "hours": h} for y in (2023, 2024, 2025)
            for k, h in (("public_online", 30), ("professional_online", 60))]
    assert _result(2025, "2025-11-29", full)["application"]["headline"] == "可以申报：学时要求已满足"
    short = _result(2025, "2025-11-29", full[:-1])["application"]
    assert short["status"] == "not_met"
    assert short["headline"] == "还差学时：2025 年专业科目尚差 60 学时"
    old = evaluate({"sex": "female", "birth_date": "1970-01-01", "application": {"level": "intermediate", "year": 2025},
                    "activities": []}, NOTICE)["application"]
    assert (old["status"], old["headline"]) == ("not_restrictive", "可以申报：学时不作为限制条件")
    postdoc = evaluate({"sex": "male", "birth_date": "1990-01-01", "application": {"level": "senior", "year": 2025},
                        "circumstances": {"postdoc_qualifies": True}, "activities": []}, NOTICE)["application"]
    assert (postdoc["status"], postdoc["headline"]) == ("not_required", "可以申报：不要求继续教育学时")
    nothing = evaluate({"application": {"level": "none", "year": 2025}, "activities": []}, NOTICE)["application"]
    assert nothing["headline"] is None


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

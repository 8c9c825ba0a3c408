"""申报人员学时核对 (issue 12): the case table of rows → statuses, every status the engine's own
(evaluate() on the row's person, and `python -m rules_py check` for a few), the person read from
the ID number, and a bad cell per column giving the roster's kind of problem and no verdict."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from testkit import applicants_factory as af
from testkit.roster_factory import make_id
from rules_py.applicants import OWN_CODES, PROBLEM_CODES, check_applicants, exit_status
from rules_py.eligibility import EXEMPTION_ROWS
from rules_py.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent
CASE_IDS = [case["id"] for case in af.CASES]


@lru_cache(maxsize=1)
def case_report() -> dict:
    """All cases in one workbook, checked once."""
    return check_applicants(af.case_table(), "cases.xlsx")


def entry_of(case_id: str) -> dict:
    return case_report()["rows"][CASE_IDS.index(case_id)]


# -- the case table ---------------------------------------------------------------------------------

def test_case_table_is_well_formed():
    assert len(set(CASE_IDS)) == len(af.CASES)
    for case in af.CASES:
        assert set(case["cells"]) <= set(af.HEADERS), case["id"]
        assert case["expect"]["status"] in ("met", "not_met", "not_restrictive", "not_required")


def test_every_reachable_rule_has_a_case():
    """Every clause of 二（三）and 二（五）, and 二（四）4, is exercised; every row of 二（五） applies
    in some case, and each passes and fails somewhere."""
    clauses = {c for case in af.CASES for c in case["clauses"]}
    assert {"s2-3-1", "s2-3-2", "s2-4-4", *(f"s2-5-{i}" for i in range(1, 7))} <= clauses
    applied = {code for case in af.CASES for code in case["expect"]["applied"]}
    assert applied == {row.__name__ for row in EXEMPTION_ROWS}
    statuses = {case["expect"]["status"] for case in af.CASES}
    assert statuses == {"met", "not_met", "not_restrictive", "not_required"}


def test_the_case_workbook_has_no_problems():
    report = case_report()
    assert report["fatal"] is None
    assert report["rows_checked"] == len(af.CASES)
    assert [p for row in report["rows"] for p in row["problems"]] == [] and report["problems"] == []


@pytest.mark.parametrize("case", af.CASES, ids=CASE_IDS)
def test_case(case):
    entry = entry_of(case["id"])
    expect = case["expect"]
    application = entry["result"]["application"]
    assert entry["name"] == case["cells"]["姓名"]
    assert entry["status"] == application["status"] == expect["status"], application["text"]
    assert entry["verdict"] == expect["verdict"]
    assert {e["code"] for e in application["exemptions"] if e["applied"]} == set(expect["applied"])
    assert application["years_required"] == expect["years_required"]
    assert entry["explanation"].startswith(application["text"])
    # The verdict is the engine's, on the person the row became: not a second implementation.
    assert evaluate(entry["person"]) == entry["result"]


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_the_command_line_check_agrees(case_id):
    entry = entry_of(case_id)
    done = subprocess.run([sys.executable, "-m", "rules_py", "check", "-", "--json"], cwd=ROOT,
                          input=json.dumps(entry["person"], ensure_ascii=False), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["application"]["status"] == entry["status"]


# -- the person a row becomes ---------------------------------------------------------------------

def test_sex_and_birth_date_come_from_the_id_number():
    entry = entry_of("age-female-45-one-year-met")
    assert entry["person"]["sex"] == "female" and entry["person"]["birth_date"] == "1980-12-31"
    assert entry_of("senior-three-years-met")["person"]["sex"] == "male"


def test_the_person_carries_hours_as_the_card_credits_them():
    person = entry_of("exam-completes-professional")["person"]
    assert person["application"] == {"level": "intermediate", "year": 2025, "exceptional": False,
                                      "years_in_post": None, "assessment_years": None}
    assert {"year": 2024, "kind": "other", "subject": "professional", "hours": 10} in person["activities"]
    assert {"year": 2024, "kind": "qualification_exam"} in person["activities"]
    assert all(a["kind"] in ("other", "qualification_exam") for a in person["activities"])
    epidemic = entry_of("epidemic-two-years-listed")["person"]["circumstances"]
    assert epidemic["epidemic_frontline_years"] == [2022, 2023]
    assert entry_of("transferred-last-year-counts-after")["person"]["circumstances"][
        "transferred_from_government_year"] == 2024
    assert entry_of("junior-earlier-review-year")["person"]["activities"] == [
        {"year": 2024, "kind": "other", "subject": "public", "hours": 30},
        {"year": 2024, "kind": "other", "subject": "professional", "hours": 60}]
    decimals = entry_of("intermediate-decimal-hours-met")["person"]["activities"]
    assert decimals[:2] == [{"year": 2023, "kind": "other", "subject": "public", "hours": 30.5},
                            {"year": 2023, "kind": "other", "subject": "professional", "hours": 60.5}]


def test_sex_and_birth_date_columns_are_checked_against_the_id():
    born = dt.date(1980, 5, 1)
    rows = [af.met_senior(0, born=born, 性别="男", 出生日期=born),
            af.met_senior(1, born=born, 性别="女", 出生日期="1980-05-01"),
            af.met_senior(2, born=born, 性别="男", 出生日期="1980年5月2日"),
            af.met_senior(3, born=born, 出生日期="五月一日")]
    report = check_applicants(af.filled(rows, extra_headers=("性别", "出生日期")))
    assert report["fatal"] is None and report["notes"] == []
    codes = [[p["code"] for p in row["problems"]] for row in report["rows"]]
    assert codes == [[], ["sex_mismatch"], ["birth_date_mismatch"], ["not_a_date"]]
    assert [row["status"] for row in report["rows"]] == ["met", None, None, None]
    assert "1980-05-01" in report["rows"][2]["problems"][0]["message"]


def test_headers_of_ones_own_are_read_with_their_synonyms():
    headers = ["序号", "姓名", "身份证号", "申报级别", "申报年度", "是否破格", "实际任职年限", "2023年公需学时",
               "2023年专业学时", "2024年公需学时", "2024年专业学时", "2025年公需学时", "2025年专业学时", "籍贯"]
    row = {"姓名": "李四", "身份证号": make_id(7), "申报级别": "中级", "申报年度": 2025, "是否破格": "是",
           "实际任职年限": 1, "2025年公需学时": 30, "2025年专业学时": 60}
    report = check_applicants(af.own_sheet([row], headers, above=[["2025年申报人员名单"], []]))
    assert report["fatal"] is None, report["fatal"]
    assert report["header_row"] == 3
    assert [r["status"] for r in report["rows"]] == ["met"]
    assert [n["code"] for n in report["notes"]] == ["columns_unknown"]  # 序号, 籍贯: kept, not checked


# -- a bad cell per column: the roster's kind of problem, no verdict ------------------------------------

@pytest.fixture(scope="module")
def bad_report():
    return check_applicants(af.bad_cells_workbook(), "bad.xlsx")


@pytest.mark.parametrize("index", range(len(af.BAD_CELLS)), ids=[b[0] for b in af.BAD_CELLS])
def test_a_bad_cell_gets_a_problem_and_no_verdict(bad_report, index):
    _, _, code, header = af.BAD_CELLS[index]
    row = bad_report["rows"][index]
    errors = [p for p in row["problems"] if p["severity"] == "error"]
    assert [(p["code"], p["cell"]) for p in errors] == [(code, f"{af.letter(header)}{af.row_number(index)}")]
    problem = errors[0]
    assert problem["message"].startswith(f"第 {af.row_number(index)} 行 {af.letter(header)} 列：")
    assert problem["hint"] and problem["code"] in PROBLEM_CODES
    assert (row["status"], row["person"], row["result"]) == (None, None, None)
    assert row["verdict"] == "有错误，未核对" and problem["message"].split("：", 1)[1].rstrip("。") in row["explanation"]


def test_every_own_code_is_reached(bad_report):
    reached = {p["code"] for row in bad_report["rows"] for p in row["problems"]}
    assert set(OWN_CODES) - reached == {"birth_date_mismatch", "not_a_date", "not_evaluable"}  # tested apart


def test_a_row_the_engine_refuses_gets_a_problem_not_a_traceback():
    # Born in the review year itself: a valid ID, but no one applies in the year of their birth.
    row = af.applicant(0, born=dt.date(2025, 1, 1), 申报类别="初级", 评审年度=2025)
    report = check_applicants(af.filled([row]))
    entry = report["rows"][0]
    assert entry["status"] is None
    assert "not_evaluable" in [p["code"] for p in entry["problems"]]
    assert exit_status(report) == 1


def test_a_foreign_number_needs_the_sex_column():
    foreign = make_id(0, "male", af.DEFAULT_BORN, region="930404")  # 外国人永久居留身份证: the number does not say the sex
    report = check_applicants(af.filled([af.met_senior(0, 身份证号码=foreign)]))
    assert [(p["code"], p["field"]) for p in report["rows"][0]["problems"]] == [("condition_missing", "id_number")]
    report = check_applicants(af.filled([af.met_senior(0, 身份证号码=foreign, 性别="女")], extra_headers=("性别",)))
    assert report["rows"][0]["status"] == "met" and report["rows"][0]["person"]["sex"] == "female"


def test_a_duplicate_id_leaves_the_first_row_its_verdict():
    first = af.met_senior(0)
    report = check_applicants(af.filled([first, {**first, "姓名": "重复"}]))
    assert [r["status"] for r in report["rows"]] == ["met", None]
    assert [p["code"] for p in report["rows"][1]["problems"]] == ["duplicate_id"]


def test_a_missing_required_column_is_a_file_problem():
    headers = ["姓名", "身份证号码", "2025年公需科目学时", "2025年专业科目学时"]
    report = check_applicants(af.own_sheet([{"姓名": "甲", "身份证号码": make_id(1)}], headers))
    assert [(p["code"], p["field"]) for p in report["problems"]] == [("missing_column", "level")]
    assert report["summary"]["errors"] >= 1 and exit_status(report) == 1
    assert report["rows"][0]["status"] is None and "必填列" in report["rows"][0]["explanation"]

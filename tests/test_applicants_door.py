"""学时自查's door to the 申报人员学时核对表 (issue 12): a person saved as one row and read back gives
the same evaluate() result — status, years required, the gaps, and each year of the sheet — for every
person case of tests/cases/person_cases.toml that applies for a title; the applications the sheet
cannot hold are refused with a Chinese reason, never saved wrong."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from testkit import applicants_factory as af
from testkit.roster_factory import make_id, to_bytes
from rules_py.applicants import check_applicants
from rules_py.applicants.door import read_persons, same_within_a_sheet, save_person
from rules_py.browser import person_workbook_json, read_persons_json
from rules_py.evaluate import evaluate
from rules_py.forms import applicant_years
from rules_py.notice import LEVELS, load_notice
from rules_py.page_data import notice_data
from rules_py.person import ASSESSMENT_YEARS_LIMIT

ROOT = Path(__file__).resolve().parent.parent
NOTICE = load_notice()
SHEET_YEARS = applicant_years(NOTICE)


def fits_the_sheet(person: dict) -> bool:
    """What the sheet can hold: an application of its years whose window lies inside its columns."""
    application = person["application"]
    year, level = application["year"], application["level"]
    length = application.get("assessment_years") if level == "assessment" else NOTICE.windows[level]
    return year in SHEET_YEARS and year - length + 1 >= SHEET_YEARS[0]


def compared(result: dict) -> dict:
    application = result["application"]
    years = {y["year"]: [y["met"], y["public_missing"], y["professional_missing"], y["professional_by_exam"]]
             for y in result["years"] if y["year"] in SHEET_YEARS and y["year"] <= application["year"]}
    return {"status": application["status"], "years_required": application["years_required"],
            "missing": application["missing"], "years": years}


def test_the_table_holds_saveable_and_refused_people():
    saveable = [case for case in af.DOOR_CASES if fits_the_sheet(case["input"])]
    assert len(saveable) >= 40 and len(af.DOOR_CASES) - len(saveable) >= 3
    statuses = {case["expect"]["status"] for case in saveable}
    assert statuses == {"met", "not_met", "not_restrictive", "not_required"}


@pytest.mark.parametrize("case", af.DOOR_CASES, ids=[case["id"] for case in af.DOOR_CASES])
def test_save_then_read_gives_the_same_result(case):
    person = af.door_person(case)
    saved = save_person(person, NOTICE)
    if not fits_the_sheet(person):
        assert saved["xlsx"] is None
        [problem] = saved["problems"]
        assert "不能保存为核对表" in problem["message"]
        return
    assert saved["problems"] == [] and saved["missing"] == ["姓名", "身份证号码"]
    [row] = read_persons(saved["xlsx"], saved["filename"], NOTICE)["rows"]
    assert row["problems"] == [] and row["name"] is None
    again = evaluate({**row["person"], "as_of": af.DOOR_AS_OF})
    assert same_within_a_sheet(compared(again), compared(evaluate(person)))


def test_with_name_and_id_the_row_passes_the_applicants_check_as_it_is():
    """What HR receives: a row their own check reads without a word, judged as the person was."""
    person = {"sex": "female", "birth_date": "1968-03-08", "as_of": af.DOOR_AS_OF,
              "application": {"level": "intermediate", "year": 2025},
              "circumstances": {"non_public_sector": True, "epidemic_frontline_years": [2023]},
              "activities": [{"year": 2024, "kind": "public_online", "hours": 30},
                             {"year": 2025, "kind": "seminar", "minutes": 2700}]}
    saved = save_person(person, NOTICE, name=" 李 芳 ", id_number=make_id(3, "female", dt.date(1968, 3, 8)).lower())
    assert saved["problems"] == [] and saved["missing"] == []
    assert saved["filename"] == "申报人员学时核对表（李芳）.xlsx"
    report = check_applicants(saved["xlsx"], saved["filename"])
    assert report["problems"] == [] and report["notes"] == []
    [row] = report["rows"]
    assert row["problems"] == [] and row["name"] == "李 芳"
    assert row["status"] == evaluate(person)["application"]["status"]
    sheet = load_workbook(io.BytesIO(saved["xlsx"]))[af.FORM.sheet_name]
    cells = {sheet.cell(af.FORM.header_row, c).value: sheet.cell(af.FIRST_ROW, c).value for c in range(1, sheet.max_column + 1)}
    assert cells["2025年专业科目学时"] == 60 and cells["2024年公需科目学时"] == 30 and cells["2023年公需科目学时"] == 0
    assert cells["非公有制经济领域"] == "是" and cells["事业单位"] == "否" and cells["疫情防控年度"] == "2023"
    assert cells["性别"] == "女" and cells["出生日期"] == dt.datetime(1968, 3, 8)
    assert cells["备注"].startswith("学时自查保存于 2025-06-30")


def test_pasted_into_the_blank_the_row_reads_the_same():
    """HR copies the person's whole row into their own blank: the two cells right of the table
    (性别, 出生日期) land under no header and are ignored; the ID says the same."""
    person = af.door_person(af.DOOR_CASES[0])
    person.update(sex="male", birth_date="1962-05-01")
    saved = save_person(person, NOTICE, name="王伟", id_number=make_id(5, "male", dt.date(1962, 5, 1)))
    source = load_workbook(io.BytesIO(saved["xlsx"]))[af.FORM.sheet_name]
    collected = load_workbook(io.BytesIO(af.blank()))
    target = collected[af.FORM.sheet_name]
    for column in range(1, source.max_column + 1):
        target.cell(af.FIRST_ROW + 1, column).value = source.cell(af.FIRST_ROW, column).value
    report = check_applicants(to_bytes(collected), "汇总.xlsx")
    [row] = report["rows"]
    assert row["problems"] == [] and report["problems"] == []
    assert row["status"] == evaluate(person)["application"]["status"]


@pytest.mark.parametrize("details, field, words", [
    ({"id_number": "150404197506300013"}, "id_number", "校验位"),
    ({"id_number": make_id(7, "female", dt.date(1975, 6, 30))}, "sex", "性别"),
    ({"id_number": make_id(7, "male", dt.date(1976, 6, 30))}, "birth_date", "出生日期"),
], ids=["check-digit", "sex-differs", "birth-date-differs"])
def test_an_id_number_that_does_not_fit_is_said_before_the_download(details, field, words):
    person = json.loads((ROOT / "examples" / "person-senior-2025.json").read_text("utf-8"))
    answer, data = person_workbook_json(json.dumps(person), json.dumps(details))
    answer = json.loads(answer)
    assert data is None
    assert answer["problems"][0]["field"] == field and words in answer["problems"][0]["message"]
    assert not answer["problems"][0]["message"].startswith("第")


def test_reading_chooses_among_rows_and_says_what_is_wrong():
    """Several rows: each with its person, or, where a cell is wrong, none and the problem. A row
    without an ID number is read from 性别 and 出生日期 (a person's own row)."""
    rows = [af.met_senior(0, 姓名="甲"), af.applicant(1, 姓名="乙", 申报类别="中级", **{"2025年公需科目学时": "三十"}),
            {"姓名": "丙", "申报类别": "初级", "2025年公需科目学时": 30, "性别": "女", "出生日期": "1990-02-03"},
            {"申报类别": "初级", "2025年公需科目学时": 30}]
    read = json.loads(read_persons_json(af.filled(rows, extra_headers=("性别", "出生日期")), "四人.xlsx"))
    assert read["fatal"] is None and [r["name"] for r in read["rows"]] == ["甲", "乙", "丙", None]
    first, second, third, fourth = read["rows"]
    assert first["person"]["application"]["level"] == "senior" and first["problems"] == []
    assert second["person"] is None and "应为数字" in second["problems"][0]["message"]
    assert third["problems"] == []
    assert (third["person"]["sex"], third["person"]["birth_date"]) == ("female", "1990-02-03")
    assert fourth["person"] is None and "性别" in fourth["problems"][0]["message"]


def test_a_file_that_is_not_a_workbook_is_fatal_in_chinese():
    read = json.loads(read_persons_json(b"%PDF-1.4 not a workbook", "自查.pdf"))
    assert read["rows"] == [] and read["fatal"]["code"] and "xlsx" in read["fatal"]["message"].lower()


def test_no_application_cannot_be_saved():
    answer, data = person_workbook_json(json.dumps({"application": {"level": "none", "year": 2025}}), "{}")
    assert data is None and "选择申报类别" in json.loads(answer)["problems"][0]["message"]


def test_the_page_refuses_before_asking_exactly_where_saving_would_refuse():
    """The page's refusal table (looked up by level, year, 考核认定 years, as selfcheck-door.js does)
    against save_person itself, for every application the form can ask for."""
    data = notice_data(NOTICE.id)
    table = data["door_refusals"]
    said_at = {True: 0, False: 0}
    for level in LEVELS:
        for year in data["application_years"]:
            for length in range(1, ASSESSMENT_YEARS_LIMIT + 1) if level == "assessment" else (None,):
                application = {"level": level, "year": year, "exceptional": False, "assessment_years": length}
                answer = save_person({"sex": "female", "birth_date": "1980-05-01", "as_of": af.DOOR_AS_OF,
                                      "application": application, "activities": []}, NOTICE)
                said = answer["problems"][0]["message"] if answer["problems"] else None
                looked_up = table.get(level) or table.get(f"{level}|{year}") or table.get(f"{level}|{year}|{length}")
                assert looked_up == said, (level, year, length)
                said_at[said is not None] += 1
    assert said_at[True] >= len(table) and said_at[False] >= 10  # both kinds are reached


def test_a_person_the_engine_refuses_comes_back_as_its_error():
    answer, data = person_workbook_json(json.dumps({"application": {"level": "senior", "year": "x"}}), "{}")
    assert data is None and json.loads(answer)["error"]["field"] == "application.year"


def test_the_self_check_page_lists_the_workbook_tools_on_demand_not_at_boot():
    """学时自查's first visit loads rules_py alone (issue 10); the door's wheels are named for later,
    with their bytes for the progress beside the button."""
    from sitebuild import runtime as browser_runtime

    runtime = browser_runtime.plan_runtime()
    described = runtime.describe((), ("xlsx",))
    assert described["packages"] == ["rules-py"] and described["bytes"] == runtime.describe()["bytes"]
    assert set(described["on_demand"]["xlsx"]["packages"]) == {"openpyxl", "defusedxml", "xlrd"}
    wheels = sum(len(data) for name, data in runtime.wheels.items()
                 if name.startswith(("openpyxl-", "et_xmlfile-", "defusedxml-", "xlrd-")))
    assert described["on_demand"]["xlsx"]["bytes"] == wheels
    assert "on_demand" not in runtime.describe(("roster",))

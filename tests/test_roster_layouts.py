"""Rosters on layouts other than our blank 附件2 (issue 11): the notice prescribes no columns, so
only the columns a check cannot do without (姓名, 身份证号码, 公需科目学时, 专业科目学时) are
errors when absent; the rest of 附件2's columns give one note, unknown columns another."""

from __future__ import annotations

import pytest

from testkit import roster_factory as rf
from rules_py.cli import main
from rules_py.roster import NOTE_CODES, check_roster, exit_status

# The layout of the issue: last year's template, with 所学专业 and no 从事专业 / 培训方式.
LAST_YEAR = [("seq", "序号"), ("name", "姓名"), ("sex", "性别"), ("id_number", "身份证号"),
             ("employer", "工作单位"), ("title", "专业技术职务"), ("x_major", "所学专业"),
             ("public_hours", "公需科目学时"), ("professional_hours", "专业科目学时"),
             ("total_hours", "合计"), ("phone", "联系电话"), ("remarks", "备注")]
# A unit's own short list: the minimum a check needs, with a title and a unit line above.
UNIT_OWN = [("name", "姓名"), ("id_number", "身份证号码"), ("employer", "单位"),
            ("public_hours", "公需学时"), ("professional_hours", "专业学时"), ("phone", "手机号码")]
# A bureau-style export: 职称 and 联系方式 spelt otherwise, an 编号 column, 学历 unknown to us.
BUREAU = [("seq", "编号"), ("employer", "单位名称"), ("name", "姓名"), ("sex", "性别"),
          ("id_number", "公民身份号码"), ("x_degree", "学历"), ("title", "现任职称"),
          ("public_hours", "公需科目"), ("professional_hours", "专业科目"), ("phone", "联系方式")]

LAYOUTS = {
    "last-year": (LAST_YEAR, ()),
    "unit-own": (UNIT_OWN, [["松山区第一中学 2025 年专业技术人员继续教育花名册"], ["填报单位：松山区第一中学"]]),
    "bureau": (BUREAU, [["附件2"]]),
}


def layout_roster(kind: str, count: int = 40) -> bytes:
    header, above = LAYOUTS[kind]
    rows = [rf.with_total(row, x_major="数学教育", x_degree="本科") for row in rf.people(count)]
    return rf.layout(rows, header, above=list(above))


@pytest.mark.parametrize("kind", LAYOUTS)
def test_correct_roster_on_another_layout_has_no_error(kind):
    report = check_roster(layout_roster(kind), "花名册.xlsx")
    assert report["fatal"] is None
    assert report["rows_checked"] == 40
    assert report["summary"]["errors"] == 0 and exit_status(report) == 0
    assert all(p["code"] != "missing_column" for p in report["problems"])
    for note in report["notes"]:
        assert note["code"] in NOTE_CODES and note["severity"] == "info" and note["message"]


def test_the_issue_layout_gets_one_note_for_absent_columns_and_one_for_unknown_ones():
    report = check_roster(layout_roster("last-year"), "花名册.xlsx")
    assert report["problems"] == []
    by_code = {note["code"]: note for note in report["notes"]}
    assert set(by_code) == {"columns_absent", "columns_unknown"} and len(report["notes"]) == 2
    absent = by_code["columns_absent"]
    assert set(absent["fields"]) == {"specialty", "training_mode"}
    assert "从事专业" in absent["message"] and "培训方式" in absent["message"]
    assert by_code["columns_unknown"]["headers"] == ["所学专业"]
    assert "所学专业" in by_code["columns_unknown"]["message"]


@pytest.mark.parametrize("dropped", ["name", "id_number", "public_hours", "professional_hours"])
def test_columns_the_checks_need_are_still_errors(dropped):
    header = [(key, text) for key, text in LAST_YEAR if key != dropped]
    report = check_roster(rf.layout([rf.with_total(row) for row in rf.people(5)], header))
    assert report["fatal"] is None
    missing = [p for p in report["problems"] if p["code"] == "missing_column"]
    assert [p["field"] for p in missing] == [dropped] and missing[0]["severity"] == "error"


def test_our_blank_form_gives_no_column_note():
    report = check_roster(rf.from_form(rf.people(5)))
    assert report["problems"] == []
    assert not [note for note in report["notes"] if note["code"].startswith("columns_")]


def test_cli_exits_0_on_another_layout_and_prints_the_notes(tmp_path, capsys):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(layout_roster("last-year"))
    assert main(["roster", str(path)]) == 0
    out = capsys.readouterr().out
    assert "[说明]" in out and "从事专业" in out and "所学专业" in out and "未发现问题" in out

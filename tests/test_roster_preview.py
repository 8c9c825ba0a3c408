"""What the roster page adds to the report, on CPython: the preview rows (rules_py.roster.preview)
and the marked workbook for a report already made (rules_py.roster.annotate_report)."""

from __future__ import annotations

from testkit import roster_factory as rf

from rules_py.roster import ANNOTATION_ERROR, annotate_report, annotate_roster, check_roster
from rules_py.roster.preview import display, preview_rows


def _planted() -> bytes:
    rows = rf.people(14)
    rows[1]["public_hours"] = "三十"
    rows[3]["name"] = None
    rows[5]["id_number"] = 150404198005010010  # stored as a number
    rows[12]["phone"] = "12345"
    return rf.from_form(rows)


def test_preview_shows_the_first_problem_rows_in_sheet_order():
    data = _planted()
    report = check_roster(data)
    preview = preview_rows(data, report, limit=3)
    letters = [c["letter"] for c in preview["columns"]]
    assert letters == sorted(letters, key=lambda x: (len(x), x)) and letters[:4] == ["A", "B", "C", "D"]
    assert [c["key"] for c in preview["columns"]][:4] == ["seq", "name", "sex", "id_number"]
    problem_rows = sorted({p["row"] for p in report["problems"] if p["cell"]})
    assert [r["row"] for r in preview["rows"]] == problem_rows[:3]
    assert preview["problem_rows"] == len(problem_rows) == 4
    first, second, third = preview["rows"]
    assert first["cells"]["H"] == "三十" and first["cells"]["B"] == rf.person(1)["name"]
    assert second["cells"]["B"] == ""
    assert third["cells"]["D"] == "1.50404E+17"


def test_preview_is_empty_for_fatal_or_clean_reports_and_never_raises():
    assert preview_rows(b"not a workbook", check_roster(b"not a workbook"))["rows"] == []
    clean = rf.from_form(rf.people(3))
    assert preview_rows(clean, check_roster(clean)) == {"columns": [], "rows": [], "problem_rows": 0}
    data = _planted()
    report = check_roster(data)
    assert preview_rows(b"garbage", report)["rows"] == []          # bytes that do not match
    assert preview_rows(data, {**report, "sheet": "无此表"})["rows"] == []
    assert preview_rows(data, None)["rows"] == []


def test_display_reads_like_the_workbook():
    assert display(None) == "" and display(30.0) == "30" and display(12.5) == "12.5"
    assert display(150404198005010010.0) == "1.50404E+17"
    assert display("  王\n伟 ") == "王 伟"
    assert display("x" * 100).endswith("…") and len(display("x" * 100)) == 40


def test_annotate_report_gives_the_workbook_annotate_roster_gives():
    data = _planted()
    report = check_roster(data, "单位花名册.xlsx")
    assert annotate_report(data, report) == annotate_roster(data, "单位花名册.xlsx")[1]
    assert annotate_report(b"", check_roster(b"")) is None
    broken = {**report, "problems": [{"cell": "ZZ0", "severity": "error", "code": "id_format"}]}
    assert annotate_report(data, broken) is None and broken["annotation_error"] == ANNOTATION_ERROR

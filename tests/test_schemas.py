"""The contracts in rules_py/schemas/ hold for what the engine really produces.

Every case of the case table (its person and its result), every roster report of the fixtures
below (clean, one row per problem code, every fatal code, the example workbook), the command
line's --json output and the browser entry points validate against their schema; each schema
rejects a broken document; and the schemas' enumerations equal the catalogues in rules_py, so a
new code or kind added without its schema fails here.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import tomllib
import zipfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openpyxl import Workbook, load_workbook
from referencing import Registry, Resource

from testkit import roster_factory as rf
from rules_py import browser, cli, evaluate
from rules_py.eligibility import EXEMPTION_ROWS
from rules_py.notice import LEVELS, SUBJECTS, available_notices, load_notice
from rules_py.person import (ACTIVITY_FIELD_NAMES, APPLICATION_KEYS, CIRCUMSTANCE_KEYS, PERSON_KEYS,
                             SEXES)
from rules_py.roster import check_roster, describe_codes
from rules_py.wording import STATUS_NAMES

ROOT = Path(__file__).resolve().parent.parent
CASES = tomllib.loads((ROOT / "tests" / "cases" / "person_cases.toml").read_text("utf-8"))["case"]
SCHEMA_NAMES = ("person", "result", "roster-report", "applicants-report")


def _load(name: str) -> dict:
    """Read through the package, so the test also proves the schemas ship with rules_py."""
    return json.loads(resources.files("rules_py.schemas").joinpath(f"{name}.schema.json").read_text("utf-8"))


SCHEMAS = {name: _load(name) for name in SCHEMA_NAMES}
REGISTRY = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SCHEMAS.values())


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(SCHEMAS[name], registry=REGISTRY, format_checker=FormatChecker())


def validator_of_def(name: str, definition: str) -> Draft202012Validator:
    """A validator for one ``$defs`` entry of a schema (e.g. the browser's reply)."""
    wrapper = {"$schema": SCHEMAS[name]["$schema"], "$ref": f"{SCHEMAS[name]['$id']}#/$defs/{definition}"}
    return Draft202012Validator(wrapper, registry=REGISTRY, format_checker=FormatChecker())


def errors_of(check: Draft202012Validator, document) -> list[str]:
    errors = sorted(check.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{error.json_path}: {error.message[:300]}" for error in errors]


def assert_valid(name: str, document) -> None:
    errors = errors_of(validator(name), document)
    assert not errors, f"not a valid {name}:\n" + "\n".join(errors[:10])


def assert_invalid(name: str, document) -> None:
    assert errors_of(validator(name), document), f"the {name} schema accepted a broken document"


def json_round_trip(document):
    """What a reader of the JSON sees (tuples become lists, and so on)."""
    return json.loads(json.dumps(document, ensure_ascii=False, allow_nan=False))


# -- the schema files ----------------------------------------------------------------------------

def test_the_package_ships_exactly_these_schemas():
    shipped = {p.name for p in resources.files("rules_py.schemas").iterdir() if p.name.endswith(".json")}
    assert shipped == {f"{name}.schema.json" for name in SCHEMA_NAMES}


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_each_file_is_a_valid_2020_12_schema_whose_refs_resolve(name):
    schema = SCHEMAS[name]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"{name}.schema.json"  # relative: resolved beside the file, never fetched
    Draft202012Validator.check_schema(schema)
    assert schema["title"] and schema["description"]
    resolver = REGISTRY.resolver(base_uri=schema["$id"])
    refs = set(_refs(schema))
    assert refs
    for ref in refs:
        resolver.lookup(ref)  # raises when a $ref points nowhere


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_example_in_a_schema_validates(name):
    for example in SCHEMAS[name].get("examples", []):
        assert_valid(name, example)


def test_the_applicants_schema_has_an_example_with_and_without_a_verdict():
    [example] = SCHEMAS["applicants-report"]["examples"]
    statuses = [row["status"] for row in example["rows"]]
    assert None in statuses and any(statuses)
    verdict = next(row for row in example["rows"] if row["status"])
    # The example's verdict is the engine's own answer for the example's person.
    engine_status = evaluate(verdict["person"])["application"]["status"]
    assert verdict["status"] == verdict["result"]["application"]["status"] == engine_status


# -- the person input and the result: every case of the case table ------------------------------

RESULT_CASES = [c for c in CASES if not {"error_field", "error_field_any"} & set(c["expect"])]
ERROR_CASES = [c for c in CASES if c not in RESULT_CASES]
# Fields whose bad values only the engine can see: comparisons with other fields or with the
# calendar of a non-ISO date, which JSON Schema cannot express.
ENGINE_ONLY_FIELDS = {
    "circumstances.transferred_from_government_year": "later than the application year",
    "birth_date": "a real day in every written form, an age of 16–100 on the reference day",
    "as_of": "a year within the notice's input limits",
    "circumstances.epidemic_frontline_years": "years the notice's epidemic-prevention policy covered",
}


@pytest.mark.parametrize("case", RESULT_CASES, ids=[c["id"] for c in RESULT_CASES])
def test_case_person_and_its_result_follow_the_contract(case):
    assert_valid("person", case["input"])
    result = json_round_trip(evaluate(case["input"]))
    assert_valid("result", result)
    reply = json.loads(browser.evaluate_json(json.dumps(case["input"], ensure_ascii=False)))
    assert set(reply) == {"result"}
    assert reply["result"]["application"] == result["application"]
    assert not errors_of(validator_of_def("result", "browser_reply"), reply)


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c["id"] for c in ERROR_CASES])
def test_case_with_bad_input_is_rejected_by_the_schema_too(case):
    if case["expect"].get("error_field") not in ENGINE_ONLY_FIELDS:
        assert_invalid("person", case["input"])
    reply = json.loads(browser.evaluate_json(json.dumps(case["input"], ensure_ascii=False)))
    assert set(reply) == {"error"}
    assert not errors_of(validator_of_def("result", "browser_reply"), reply)


def test_the_example_person_follows_the_contract():
    person = json.loads((ROOT / "examples" / "person-senior-2025.json").read_text("utf-8"))
    assert_valid("person", person)
    assert_valid("result", json_round_trip(evaluate(person)))


# -- the roster report: the fixtures of testkit/roster_factory.py and the example workbook ----------

def _roster_with_every_row_problem() -> bytes:
    """One roster, one planted problem per row, so one report holds every cell-level code."""
    plants = [
        {"name": None},                                                             # missing_value
        {"id_number": 150404198005010000, "sex": "男"},                             # id_stored_as_number
        {"id_number": "15040419800501001", "sex": "男"},                            # id_format
        {"id_number": "150404198002300014", "sex": "男"},                           # id_birthdate
        {"id_number": "150404198005010011", "sex": "男"},                           # id_checksum
        {"id_number": rf.make_id15(3), "sex": "男"},                                # id_legacy_15
        {"id_number": rf.make_id(901, region="800404"), "sex": "男"},               # id_region
        {"id_number": rf.make_id(900, born=dt.date(2015, 3, 3)), "sex": "男"},      # id_age_unusual
        {"id_number": rf.make_id(902, sex="female"), "sex": "男"},                  # sex_mismatch
        {"training_mode": "自学"},                                                   # invalid_choice
        {"public_hours": "三十"},                                                    # not_a_number
        {"public_hours": -3},                                                        # negative_hours
        {"professional_hours": 5000},                                                # hours_too_large
        {"public_hours": 30, "professional_hours": 60, "total_hours": 80},          # total_mismatch
        {"public_hours": 20},                                                        # public_below_minimum
        {"professional_hours": 40.5},                                                # professional_below_minimum
        {"phone": "12345"},                                                          # phone_format
        {"professional_hours": "=Z1*2"},                                             # formula_no_value
    ]
    rows = rf.people(len(plants) + 2)
    for row, plant in zip(rows, plants):
        row.update(plant)
    rows[-1]["id_number"] = rows[-2]["id_number"]                                    # duplicate_id
    rows[-1]["sex"] = rows[-2]["sex"]
    return rf.from_form(rows)


def _no_header() -> bytes:
    workbook = Workbook()
    workbook.active.append(["单位", "人数"])
    workbook.active.append(["松山区第一中学", 30])
    return rf.to_bytes(workbook)


def _with_a_sheet_of_notes() -> bytes:
    """A roster beside a sheet of the clerk's own notes (no header of the form): sheets_skipped."""
    workbook = load_workbook(io.BytesIO(rf.from_form(rf.people(3))))
    workbook.create_sheet("单位说明").append(["本表由人事科填写。"])
    return rf.to_bytes(workbook)


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"\0" * (describe_codes()["limits"]["max_unpacked_bytes"] + 1))
    return buffer.getvalue()


def _too_large() -> bytes:
    return b"PK" + b"\0" * describe_codes()["limits"]["max_file_bytes"]


def _csv_roster(encoding: str) -> bytes:
    """A roster as Excel on Chinese Windows saves a “CSV (逗号分隔)”: plain values, GBK text."""
    keys = [key for key in rf.KEYS if key != "total_hours"]
    lines = [",".join(rf.FORM.column(key).header for key in keys)]
    lines += [",".join("" if person[key] is None else str(person[key]) for key in keys) for person in rf.people(5)]
    return "\r\n".join(lines).encode(encoding)


ROSTERS = {
    # name: (bytes, file name, notice id)
    "clean": (lambda: rf.from_form(rf.people(20)), "花名册.xlsx", None),
    "every-row-problem": (_roster_with_every_row_problem, "花名册.xlsx", None),
    "missing-column": (lambda: rf.custom(rf.people(4), keys=tuple(k for k in rf.KEYS if k != "professional_hours")),
                       "自制花名册.xlsx", None),
    "example-workbook": (lambda: (ROOT / "examples" / "roster-with-problems.xlsx").read_bytes(),
                         "roster-with-problems.xlsx", None),
    "blank-form-is-empty": (rf.blank_form, "附件2.xlsx", None),
    "zero-bytes": (lambda: b"", "花名册.xlsx", None),
    "workbook-without-content": (lambda: rf.to_bytes(Workbook()), "花名册.xlsx", None),
    "no-header": (_no_header, "花名册.xlsx", None),
    "sheet-of-notes": (_with_a_sheet_of_notes, "花名册.xlsx", None),
    "pdf": (lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "花名册.pdf", None),
    "csv-not-a-roster": (lambda: "姓名,身份证号码\n张伟,150404198005010010\n".encode(), "花名册.csv", None),
    "csv-gbk-roster": (lambda: _csv_roster("gbk"), "花名册.csv", None),
    "old-xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "花名册.xls", None),
    "broken-zip": (lambda: b"PK\x03\x04" + b"\x13" * 200, "花名册.xlsx", None),
    "zip-bomb": (_zip_bomb, "花名册.xlsx", None),
    "too-large": (_too_large, "花名册.xlsx", None),
    "unknown-notice": (lambda: rf.from_form(rf.people(2)), "花名册.xlsx", "no-such-notice"),
    # rosters as clerks make them (footers, merged units, two sheets, text-stored hours, images …)
    **{f"clerk-{name}": (make, "花名册.xlsx", None) for name, make in rf.CLERK_EXAMPLES.items()},
}


@lru_cache(maxsize=None)
def roster_report(name: str) -> str:
    """The report of one fixture, as the JSON text the CLI and the page see (cached: some are slow)."""
    make, filename, notice = ROSTERS[name]
    return json.dumps(check_roster(make(), filename, notice=notice), ensure_ascii=False, allow_nan=False)


@pytest.mark.parametrize("name", ROSTERS)
def test_roster_report_follows_the_contract(name):
    assert_valid("roster-report", json.loads(roster_report(name)))


def test_roster_fixtures_reach_every_problem_and_fatal_code():
    """So the enumerations above are exercised by real reports, not only by the catalogue."""
    reports = [json.loads(roster_report(name)) for name in ROSTERS]
    problems = {p["code"] for report in reports for p in report["problems"]}
    fatal = {report["fatal"]["code"] for report in reports if report["fatal"]}
    notes = {note["code"] for report in reports for note in report.get("notes", [])}
    codes = describe_codes()
    assert problems == set(codes["problems"])
    assert fatal == set(codes["fatal"])
    assert notes == set(codes["notes"])


def test_browser_roster_entry_gives_the_same_valid_report():
    data = (ROOT / "examples" / "roster-with-problems.xlsx").read_bytes()
    text, annotated = browser.roster_json(data, "roster-with-problems.xlsx", False, False)
    assert annotated is None
    assert_valid("roster-report", json.loads(text))
    assert json.loads(text) == json.loads(roster_report("example-workbook"))


# -- the command line's --json -------------------------------------------------------------------

def run_cli(capsys, *args) -> tuple[int, dict]:
    status = cli.main(list(args))
    return status, json.loads(capsys.readouterr().out)


def test_cli_check_json_follows_the_result_contract(capsys):
    status, result = run_cli(capsys, "check", str(ROOT / "examples" / "person-senior-2025.json"), "--json")
    assert status == 0
    assert_valid("result", result)


def test_cli_roster_json_follows_the_report_contract(capsys, tmp_path):
    status, report = run_cli(capsys, "roster", str(ROOT / "examples" / "roster-with-problems.xlsx"), "--json")
    assert status == 1 and report["summary"]["errors"]
    assert_valid("roster-report", report)
    not_xlsx = tmp_path / "花名册.xlsx"
    not_xlsx.write_bytes(b"%PDF-1.4\n")
    status, report = run_cli(capsys, "roster", str(not_xlsx), "--json")
    assert status == 2 and report["fatal"]["code"] == "not_xlsx"
    assert_valid("roster-report", report)


# -- each schema rejects a broken document -------------------------------------------------------

def _good_result() -> dict:
    return json_round_trip(evaluate(json.loads((ROOT / "examples" / "person-senior-2025.json").read_text("utf-8"))))


def _with(document: dict, change) -> dict:
    broken = copy.deepcopy(document)
    change(broken)
    return broken


BROKEN = [
    pytest.param("person", lambda: {"activites": []}, id="person-misspelt-key"),
    pytest.param("person", lambda: {"application": {"level": "senior", "year": 2025}}, id="person-senior-without-sex"),
    pytest.param("person", lambda: {"activities": [{"year": 2025, "kind": "seminar", "hours": 1, "minutes": 45}]},
                 id="person-hours-and-minutes"),
    pytest.param("person", lambda: {"birth_date": "1975-06-31"}, id="person-no-such-day"),
    pytest.param("person", lambda: {"birth_date": "1975-W26-1"}, id="person-iso-week-date"),
    pytest.param("person", lambda: {"activities": [{"year": 2025, "kind": "seminar", "subject": "public", "hours": 8}]},
                 id="person-subject-against-its-kind"),
    pytest.param("person", lambda: {"application": {"year": 2025}}, id="person-year-without-level"),
    pytest.param("result", lambda: _with(_good_result(), lambda r: r["application"].update(status="passed")),
                 id="result-unknown-status"),
    pytest.param("result", lambda: _with(_good_result(), lambda r: r.pop("messages")), id="result-without-messages"),
    pytest.param("result", lambda: _with(_good_result(), lambda r: r["years"][0].update(public=-1)),
                 id="result-negative-hours"),
    pytest.param("result", lambda: _with(_good_result(), lambda r: r["application"].update(status="not_met")),
                 id="result-not-met-without-missing-years"),
    pytest.param("roster-report", lambda: _with(json.loads(roster_report("example-workbook")),
                                                lambda r: r["problems"][0].update(code="made_up")),
                 id="roster-unknown-code"),
    pytest.param("roster-report", lambda: _with(json.loads(roster_report("example-workbook")),
                                                lambda r: r["problems"][0].update(severity="warning")),
                 id="roster-error-code-as-warning"),
    pytest.param("roster-report", lambda: _with(json.loads(roster_report("zero-bytes")),
                                                lambda r: r["fatal"].update(code="oops")),
                 id="roster-unknown-fatal-code"),
    pytest.param("roster-report", lambda: _with(json.loads(roster_report("clean")), lambda r: r.pop("summary")),
                 id="roster-without-summary"),
    pytest.param("applicants-report",
                 lambda: _with(SCHEMAS["applicants-report"]["examples"][0],
                               lambda r: r["rows"][1].update(status="met")),
                 id="applicants-verdict-without-result"),
    pytest.param("applicants-report",
                 lambda: _with(SCHEMAS["applicants-report"]["examples"][0],
                               lambda r: r["rows"][0]["person"].update(sex="m")),
                 id="applicants-row-person-invalid"),
    pytest.param("applicants-report",
                 lambda: _with(SCHEMAS["applicants-report"]["examples"][0], lambda r: r.pop("rows")),
                 id="applicants-without-rows"),
]


@pytest.mark.parametrize("name, make", BROKEN)
def test_schema_rejects_a_broken_document(name, make):
    assert_invalid(name, make())


# -- the enumerations are the catalogues of rules_py ----------------------------------------------

def person_defs() -> dict:
    return SCHEMAS["person"]["$defs"]


def _if_kinds(condition: str) -> set[str]:
    """The kinds named by the activity's if/then whose $comment mentions ``condition``."""
    for rule in person_defs()["activity"]["allOf"]:
        if condition in rule.get("$comment", ""):
            kinds = rule["if"]["properties"]["kind"]
            return set(kinds.get("enum") or kinds["not"]["enum"])
    raise AssertionError(f"no rule about {condition}")


def test_person_keys_are_the_engines():
    properties = SCHEMAS["person"]["properties"]
    assert set(properties) == set(PERSON_KEYS) | {"as_of"}
    assert set(person_defs()["application"]["properties"]) == set(APPLICATION_KEYS)
    assert set(person_defs()["circumstances"]["properties"]) == set(CIRCUMSTANCE_KEYS)
    assert set(person_defs()["activity"]["properties"]) == set(ACTIVITY_FIELD_NAMES)
    assert set(properties["sex"]["enum"]) - {None} == set(SEXES)
    assert person_defs()["level"]["enum"] == list(LEVELS)
    assert person_defs()["subject"]["enum"] == list(SUBJECTS)


@pytest.mark.parametrize("notice_id", available_notices())
def test_person_limits_are_every_notices(notice_id):
    notice = load_notice(notice_id)
    assert set(person_defs()["evaluation_level"]["enum"]) == set(notice.exemptions["applies_to_levels"])
    limits = notice.input_limits
    year = person_defs()["year"]
    assert (year["minimum"], year["maximum"]) == (limits["earliest_year"], limits["latest_year"])
    activity = person_defs()["activity"]["properties"]
    assert activity["hours"]["maximum"] == limits["max_hours_per_activity"]
    assert activity["minutes"]["maximum"] == limits["max_hours_per_activity"] * notice.minutes_per_hour


def test_person_kinds_are_exactly_those_of_the_notices():
    """A kind no notice has any more must leave the schema too."""
    every_kind = {kind for notice_id in available_notices() for kind in load_notice(notice_id).activity_kinds}
    assert set(person_defs()["activity_kind"]["enum"]) == every_kind
    with_input = {kind for notice_id in available_notices()
                  for kind, spec in load_notice(notice_id).activity_kinds.items() if spec["subject"] == "input"}
    assert _if_kinds("the person says which subject") == with_input
    completing = {kind for notice_id in available_notices()
                  for kind, spec in load_notice(notice_id).activity_kinds.items() if spec.get("completes_requirement")}
    assert _if_kinds("completes_requirement") == completing
    for subject in SUBJECTS:
        fixed = {kind for notice_id in available_notices()
                 for kind, spec in load_notice(notice_id).activity_kinds.items() if spec["subject"] == subject}
        assert _if_kinds(f'subject = "{subject}"') == fixed


def test_result_enumerations_are_the_engines():
    defs = SCHEMAS["result"]["$defs"]
    assert set(defs["status"]["enum"]) == set(STATUS_NAMES)
    assert defs["exemption_code"]["enum"] == [row.__name__ for row in EXEMPTION_ROWS]


def test_roster_codes_are_the_catalogue():
    defs = SCHEMAS["roster-report"]["$defs"]
    codes = describe_codes()
    assert defs["problem_code"]["enum"] == list(codes["problems"])
    assert set(defs["warning_code"]["enum"]) == {code for code, spec in codes["problems"].items()
                                                 if spec["severity"] == "warning"}
    assert {spec["severity"] for spec in codes["problems"].values()} == {"error", "warning"}
    assert defs["fatal_code"]["enum"] == list(codes["fatal"])
    assert set(defs["note_code"]["enum"]) == set(codes["notes"])
    assert set(SCHEMAS["roster-report"]["properties"]["limits"]["required"]) == set(codes["limits"])


# -- the applicants report: its example workbook, every case of its table, a fatal file ------------

def test_applicants_reports_follow_the_contract():
    """Reports with verdicts, bad cells of every kind of the applicants' own codes, and a fatal file."""
    from rules_py.applicants import OWN_CODES, check_applicants
    from testkit import applicants_factory as af

    reports = [check_applicants((ROOT / "examples" / "applicants-example.xlsx").read_bytes(), "核对表.xlsx"),
               check_applicants(af.filled([af.met_senior(0, 出生日期="五月一日", 评审年度="二〇二五")],
                                          extra_headers=("出生日期",)), "核对表.xlsx"),
               check_applicants(b"%PDF-1.4", "核对表.pdf"),
               check_applicants(rf.add_member(af.filled([af.met_senior(0)]), "xl/media/image1.png", b"\x89PNG"),
                                "有公章.xlsx")]
    assert reports[-1]["annotation_lacks"] == {"images": "图片（如公章、签名）"}
    for report in reports:
        assert_valid("applicants-report", json_round_trip(report))
    assert set(SCHEMAS["applicants-report"]["$defs"]["own_code"]["enum"]) == set(OWN_CODES)

"""Same answer everywhere: the whole person case table, a set of rosters, applicants workbooks and
学时自查's 保存为核对表 / 从核对表读取 through rules_py on CPython and in Pyodide.

Pyodide runs under Node (tests/pyodide_runner.js) from the very files build.py puts into site/
(renamed .js runtime, the trimmed standard library, our lock file, our wheels) and through the same
glue module as the page's worker, with one boot for every case. Both sides call the same functions
of rules_py.browser: each case's input goes in as the same JSON text (a roster: the same bytes), and
the JSON text that comes back must be identical, bad-input cases included (their InputError field
and Chinese message); a roster's marked workbook must be the same bytes (an applicants workbook's,
and a saved row's, too but for the time openpyxl stamps in docProps/core.xml).

The same run records every module in Pyodide's sys.modules: the trimmed standard library
(sitebuild/stdlib.py) must hold each of them, so a new import fails here, never on a visitor's page.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from testkit import bad_rosters, office
from testkit import roster_factory as rf
from testkit import applicants_factory as af
from rules_py.browser import (applicants_json, evaluate_json, person_workbook_json, read_persons_json, roster_json,
                              roster_preview_json)

ROOT = Path(__file__).resolve().parent.parent
from sitebuild import runtime as browser_runtime
from sitebuild import stdlib
CASES_FILE = ROOT / "tests" / "cases" / "person_cases.toml"
RUNNER = ROOT / "tests" / "pyodide_runner.js"


def parity_inputs() -> list[tuple[str, str]]:
    """(id, person as JSON text) for every case of the table and every file in examples/."""
    items = []
    if CASES_FILE.exists():
        for case in tomllib.loads(CASES_FILE.read_text("utf-8"))["case"]:
            items.append((f"case:{case['id']}", json.dumps(case["input"], ensure_ascii=False)))
    for path in sorted((ROOT / "examples").glob("*.json")):
        items.append((f"example:{path.name}", path.read_text("utf-8")))
    return items


# The fixtures of issue 15's marked copy and cell formats: the clerk's own fills and comments given
# back on re-check (a very hidden sheet in the copy), formats named in messages.
ISSUE_15_FIXTURES = {
    "clerks-own-marks": rf.clerks_own_marks,
    "marked-then-fixed": rf.marked_then_fixed,
    "formatted-cells": rf.formatted_cells,
    "over-formatted": rf.over_formatted_roster,
}


@functools.cache
def roster_inputs() -> list[tuple[str, str, bytes]]:
    """(id, file name, workbook bytes): the example, a planted roster with every kind of mark, a
    larger clean one, and the wrong and hostile files (testkit/bad_rosters.py)."""
    planted = rf.marked_copy_roster()
    items = [("roster:example", "roster-with-problems.xlsx", (ROOT / "examples/roster-with-problems.xlsx").read_bytes()),
             ("roster:planted", "单位花名册.xlsx", planted),
             ("roster:clean-300", "花名册.xlsx", rf.custom(rf.people(300)))]
    for name in ISSUE_15_FIXTURES:
        items.append((f"roster:{name}", "花名册.xlsx", ISSUE_15_FIXTURES[name]()))
    # The rosters clerks really make (issue 15), and the two that once hung, smaller.
    for name, make in rf.CLERK_EXAMPLES.items():
        if name not in ISSUE_15_FIXTURES:
            items.append((f"roster:clerks-{name}", "花名册.xlsx", make()))
    items += [("roster:merged-heavy-1500", "花名册.xlsx", rf.merged_heavy(1500)),
              ("roster:style-bloated-50000", "花名册.xlsx", rf.style_bloated_roster(60, 50_000))]
    # The formats clerks have (rules_py/roster/file_formats.py): .xls read by xlrd, CSV in GBK and UTF-8.
    items += [("roster:planted-xls", "单位花名册.xls", office.convert(planted, office.XLS)),
              ("roster:planted-csv-gbk", "单位花名册.csv", office.as_csv(planted, "gbk")),
              ("roster:planted-csv-utf8-bom", "单位花名册.csv", office.as_csv(planted, "utf-8-sig")),
              ("roster:utf16-text", "单位花名册.txt",
               office.as_csv(planted).decode("utf-8").replace(",", "\t").encode("utf-16"))]
    for name, data, _, _ in bad_rosters.WRONG_FILES:
        items.append((f"roster:{name}", "upload.bin", data))
    for name, member, xml in bad_rosters.HOSTILE_XML:
        items.append((f"roster:{name}", "花名册.xlsx", rf.replace_member(planted, member, xml)))
    return items


@functools.cache
def applicants_inputs() -> list[tuple[str, str, bytes]]:
    """(id, file name, workbook bytes): the applicants case table and its bad cells in one workbook
    each, 120 generated applicants, the same as .xls and GBK CSV, and a file that is no workbook."""
    cases, bad = af.case_table(), af.bad_cells_workbook()
    many = af.many(120)
    return [("applicants:case-table", "核对表.xlsx", cases), ("applicants:bad-cells", "核对表.xlsx", bad),
            ("applicants:many-120", "核对表.xlsx", many),
            ("applicants:many-120-xls", "核对表.xls", office.convert(many, office.XLS)),
            ("applicants:many-120-csv-gbk", "核对表.csv", office.as_csv(many, "gbk")),
            ("applicants:not-a-workbook", "核对表.xlsx", b"%PDF-1.4 not a workbook")]


@functools.cache
def door_inputs() -> list[tuple[str, str, str]]:
    """(id, person as JSON text, {name, id_number} as JSON text): every person case that applies for
    a title, saved as one row (those the sheet cannot hold are refused), one with a name and an ID
    number, one whose ID number does not fit."""
    items = [(f"door:{case['id']}", json.dumps(af.door_person(case), ensure_ascii=False), "{}")
             for case in af.DOOR_CASES]
    person = json.dumps(af.door_person(af.DOOR_CASES[0]), ensure_ascii=False)
    person_of_id = json.loads(person) | {"sex": "female", "birth_date": "1968-03-08"}
    items += [("door:named", json.dumps(person_of_id, ensure_ascii=False),
               json.dumps({"name": "李芳", "id_number": rf.make_id(3, "female", dt.date(1968, 3, 8))}, ensure_ascii=False)),
              ("door:id-does-not-fit", person, json.dumps({"id_number": "150404197506300013"}))]
    return items


def workbook_members(xlsx: bytes | None) -> dict[str, bytes] | None:
    """A marked workbook's members, with each sheet's merged ranges in sorted order: openpyxl
    writes them from a set, whose order differs from one interpreter process to the next."""
    if xlsx is None:
        return None
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name, data in members.items():
        members[name] = re.sub(rb"(<mergeCell [^>]*/>)+", lambda m: b"".join(sorted(re.findall(rb"<mergeCell [^>]*/>", m[0]))), data)
    return members


def cpython_roster(data: bytes, filename: str) -> dict:
    """What the page's worker gets for a roster, on CPython: the report, the preview, the marked
    workbook (the runner checks with annotate and keep, then asks for the preview)."""
    text, annotated = roster_json(data, filename, True, True)
    return {"output": text, "preview": json.loads(roster_preview_json(10)), "annotated": workbook_members(annotated)}


def cpython_output(text: str) -> str:
    """What the page's worker gets from Pyodide, computed on CPython by the very function the glue
    (PYTHON_GLUE in selfcheck-engine.js) calls."""
    return evaluate_json(text)


@pytest.fixture(scope="module")
def runtime_site(tmp_path_factory) -> Path:
    """The runtime part of site/, written by the same build step into a scratch folder."""
    site = tmp_path_factory.mktemp("site")
    browser_runtime.write_runtime(site, "songshan-2025", browser_runtime.plan_runtime())
    return site


def run_in_pyodide(site: Path, *options: str) -> tuple[dict[str, dict], dict]:
    """Every person case and roster through tests/pyodide_runner.js: ({id: its line}, summary)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed for the Pyodide parity test (Node 18+)")
    cases = [{"id": case_id, "input": text} for case_id, text in parity_inputs()]
    cases += [{"id": case_id, "filename": filename, "roster": base64.b64encode(data).decode()}
              for case_id, filename, data in roster_inputs()]
    cases += [{"id": case_id, "filename": filename, "applicants": base64.b64encode(data).decode()}
              for case_id, filename, data in applicants_inputs()]
    cases += [{"id": case_id, "door": person, "details": details} for case_id, person, details in door_inputs()]
    completed = subprocess.run(
        [node, "--no-warnings", "--experimental-detect-module", str(RUNNER), str(site), *options],
        input=json.dumps(cases, ensure_ascii=False), capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    lines = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    summary = lines.pop()
    assert summary.get("done"), summary
    assert summary["python"].startswith("3.14"), summary
    print(f"\nPyodide (Python {summary['python']}{', whole stdlib' if options else ''}): boot {summary['boot_ms']} ms, "
          f"{len(lines)} cases in {summary['run_ms']} ms")
    return {line["id"]: line for line in lines}, summary


@pytest.fixture(scope="module")
def pyodide_run(runtime_site) -> tuple[dict[str, dict], dict]:
    """The run on the site's own files, trimmed standard library included."""
    return run_in_pyodide(runtime_site)


@pytest.fixture(scope="module")
def pyodide_outputs(pyodide_run) -> dict[str, str]:
    return {case_id: line["output"] for case_id, line in pyodide_run[0].items()}


def test_table_is_large_enough():
    """The parity run covers the case table (when it exists) and the examples (CPython only)."""
    outputs = [json.loads(cpython_output(text)) for _, text in parity_inputs()]
    assert len(outputs) >= (50 if CASES_FILE.exists() else 1)
    assert any("result" in out for out in outputs), "parity needs cases with results"
    if CASES_FILE.exists():
        assert any("error" in out for out in outputs), "parity needs bad-input cases too"


@pytest.mark.browser
@pytest.mark.parametrize("case_id,text", parity_inputs(), ids=[case_id for case_id, _ in parity_inputs()])
def test_same_result_in_pyodide(case_id, text, pyodide_outputs):
    expected = cpython_output(text)
    actual = pyodide_outputs[case_id]
    if actual != expected:  # show where, structurally, before failing on the text
        assert json.loads(actual) == json.loads(expected)
    assert actual == expected


@pytest.mark.browser
@pytest.mark.parametrize("case_id,filename,data", roster_inputs(), ids=[item[0] for item in roster_inputs()])
def test_same_roster_report_in_pyodide(case_id, filename, data, pyodide_run):
    expected = cpython_roster(data, filename)
    line = pyodide_run[0][case_id]
    actual = {"output": line["output"], "preview": line["preview"],
              "annotated": workbook_members(line["annotated"] and base64.b64decode(line["annotated"]))}
    if actual != expected:
        assert json.loads(actual["output"]) == json.loads(expected["output"])
    assert actual == expected


def stamped_members(xlsx: bytes | None) -> dict[str, bytes] | None:
    """A workbook openpyxl wrote, without the creation time it stamps in docProps/core.xml."""
    members = workbook_members(xlsx)
    return members and {name: data for name, data in members.items() if name != "docProps/core.xml"}


@pytest.mark.browser
@pytest.mark.parametrize("case_id,filename,data", applicants_inputs(), ids=[item[0] for item in applicants_inputs()])
def test_same_applicants_report_in_pyodide(case_id, filename, data, pyodide_run):
    text, annotated = applicants_json(data, filename, True)
    line = pyodide_run[0][case_id]
    assert json.loads(line["output"]) == json.loads(text)
    assert line["output"] == text
    assert stamped_members(line["annotated"] and base64.b64decode(line["annotated"])) == stamped_members(annotated)
    if case_id == "applicants:case-table":
        assert set(json.loads(text)["summary"]["by_status"]) == {"met", "not_met", "not_restrictive", "not_required"}


@pytest.mark.browser
@pytest.mark.parametrize("case_id,person,details", door_inputs(), ids=[item[0] for item in door_inputs()])
def test_same_saved_row_and_reading_in_pyodide(case_id, person, details, pyodide_run):
    """保存为核对表 gives the same answer and workbook, and 从核对表读取 of it the same people."""
    text, workbook = person_workbook_json(person, details)
    line = pyodide_run[0][case_id]
    assert line["output"] == text
    assert stamped_members(line["workbook"] and base64.b64decode(line["workbook"])) == stamped_members(workbook)
    if workbook is None:
        answer = json.loads(text)
        assert line["read"] is None and (answer.get("error") or answer["problems"])
    else:
        assert line["read"] == read_persons_json(workbook, json.loads(text)["filename"])
        assert json.loads(line["read"])["rows"][0]["person"] is not None


@pytest.mark.browser
def test_trimmed_stdlib_holds_every_module_the_engine_imports(runtime_site, pyodide_run):
    """Run everything again on Pyodide's whole standard library and record sys.modules: each
    standard-library module imported must be in sitebuild/stdlib-modules.txt (so the trimmed zip
    holds it). A module missing from the list fails here, with the lines to add."""
    outputs, summary = run_in_pyodide(runtime_site, "--full-stdlib")
    assert {case_id: line["output"] for case_id, line in outputs.items()} == \
        {case_id: line["output"] for case_id, line in pyodide_run[0].items()}
    with zipfile.ZipFile(ROOT / "node_modules/pyodide/python_stdlib.zip") as full:
        in_stdlib = set(stdlib._module_files(set(full.namelist())))
    imported = {name for name in summary["modules"] if name in in_stdlib}
    missing = sorted(imported - set(stdlib.listed_modules()))
    assert not missing, "add to sitebuild/stdlib-modules.txt:\n" + "\n".join(missing)
    # And the run on the trimmed zip imported the same modules.
    assert {name for name in pyodide_run[1]["modules"] if name in in_stdlib} == imported


def test_the_glue_calls_rules_py_browser():
    """The worker's Python is rules_py.browser itself, not a copy of it."""
    glue = (ROOT / "site_src/assets/js/selfcheck-engine.js").read_text("utf-8")
    assert "from rules_py.browser import evaluate_json as _selfcheck_evaluate" in glue
    assert "def " not in glue.split("PYTHON_GLUE = `", 1)[1].split("`;", 1)[0]


def test_rules_wheel_is_byte_reproducible():
    first_name, first = browser_runtime.rules_wheel()
    second_name, second = browser_runtime.rules_wheel()
    assert (first_name, first) == (second_name, second)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        names = archive.namelist()
        assert {info.date_time for info in archive.infolist()} == {browser_runtime.ZIP_EPOCH}
    assert "rules_py/notices/songshan-2025.toml" in names
    assert "rules_py/evaluate.py" in names and "rules_py/browser.py" in names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_lock_file_lists_every_wheel_with_its_hash(runtime_site):
    runtime = json.loads((runtime_site / "assets/selfcheck/runtime.json").read_text("utf-8"))
    lock_path = (runtime_site / "assets/selfcheck" / runtime["lock_url"]).resolve()
    lock = json.loads(lock_path.read_text("utf-8"))
    assert set(lock["packages"]) == {"rules-py", "openpyxl", "et-xmlfile", "defusedxml", "xlrd"}
    for entry in lock["packages"].values():
        data = (lock_path.parent / entry["file_name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file_name"]
    # The folder name is a digest of the lock file, so the URL changes whenever a wheel does.
    assert lock_path.parent.name == hashlib.sha256(lock_path.read_bytes()).hexdigest()[:16]
    upstream = json.loads((ROOT / "node_modules/pyodide/pyodide-lock.json").read_text("utf-8"))
    assert lock["info"] == upstream["info"]


def test_person_page_loads_no_workbook_packages():
    """学时自查 loads rules_py alone (openpyxl and its helpers cost the page 0.1-0.3 s, BENCHMARKS.md);
    花名册自查 adds the .xlsx readers, and the byte totals follow; the .xls reader comes on demand."""
    runtime = browser_runtime.plan_runtime()
    person, roster = runtime.describe(), runtime.describe(("roster",), ("xls",))
    assert person["packages"] == ["rules-py"] and runtime.lock["packages"]["rules-py"]["depends"] == []
    assert set(roster["packages"]) == {"rules-py", "openpyxl", "defusedxml"}
    extra = sum(len(data) for name, data in runtime.wheels.items()
                if name.startswith(("openpyxl-", "et_xmlfile-", "defusedxml-")))
    assert roster["bytes"] - person["bytes"] == extra > 0
    xlrd_wheel = next(data for name, data in runtime.wheels.items() if name.startswith("xlrd-"))
    assert roster["on_demand"] == {"xls": {"packages": ["xlrd"], "bytes": len(xlrd_wheel)}}
    with pytest.raises(browser_runtime.RuntimeBuildError, match="unknown self-check tools"):
        runtime.describe(("payroll",))


def test_engine_imports_no_workbook_package():
    """What the person page's worker runs must not need openpyxl, which that page does not load."""
    code = ("import json, sys; from rules_py.browser import evaluate_json; "
            "evaluate_json(open(sys.argv[1], encoding='utf-8').read()); "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'et_xmlfile', 'defusedxml', 'xlrd'))))")
    completed = subprocess.run([sys.executable, "-c", code, str(ROOT / "examples/person-senior-2025.json")],
                               capture_output=True, text=True, check=True, cwd=ROOT)
    assert json.loads(completed.stdout) == []


def test_the_engine_judges_by_the_notice_its_page_names():
    """rules_py.browser.use_notice: the notice every later call judges by. An id the wheel does not
    carry fails when the engine starts (a build mistake), and the notice in use stays as it was."""
    from rules_py import browser
    from rules_py.notice import NoticeDataError

    person = (ROOT / "examples" / "person-senior-2025.json").read_text("utf-8")
    browser.use_notice("songshan-2025")
    assert json.loads(browser.evaluate_json(person))["result"]["notice"]["id"] == "songshan-2025"
    with pytest.raises(NoticeDataError):
        browser.use_notice("no-such-notice")
    assert json.loads(browser.evaluate_json(person))["result"]["notice"]["id"] == "songshan-2025"

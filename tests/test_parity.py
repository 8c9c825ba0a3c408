"""Same answer everywhere: the whole person case table through rules_py on CPython and in Pyodide.

Pyodide runs under Node (tests/pyodide_runner.js) from the very files build.py puts into site/
(renamed .js runtime, our lock file, our wheels) and through the same glue module as the page's
worker, with one boot for every case. Both sides call the same function, rules_py.browser's
evaluate_json: each case's input goes in as the same JSON text, and the JSON text that comes back
must be identical, bad-input cases included (their InputError field and Chinese message).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from rules_py.browser import evaluate_json

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # sitebuild/ sits at the project root, beside build.py
from sitebuild import runtime as browser_runtime  # noqa: E402
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


@pytest.fixture(scope="module")
def pyodide_outputs(runtime_site) -> dict[str, str]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed for the Pyodide parity test (Node 18+)")
    cases = [{"id": case_id, "input": text} for case_id, text in parity_inputs()]
    completed = subprocess.run(
        [node, "--no-warnings", "--experimental-detect-module", str(RUNNER), str(runtime_site)],
        input=json.dumps(cases, ensure_ascii=False), capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    lines = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    summary = lines.pop()
    assert summary.get("done"), summary
    assert summary["python"].startswith("3.14"), summary
    print(f"\nPyodide (Python {summary['python']}): boot {summary['boot_ms']} ms, "
          f"{len(lines)} cases in {summary['run_ms']} ms")
    return {line["id"]: line["output"] for line in lines}


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
    assert set(lock["packages"]) == {"rules-py", "openpyxl", "et-xmlfile", "defusedxml"}
    for entry in lock["packages"].values():
        data = (lock_path.parent / entry["file_name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file_name"]
    # The folder name is a digest of the lock file, so the URL changes whenever a wheel does.
    assert lock_path.parent.name == hashlib.sha256(lock_path.read_bytes()).hexdigest()[:16]
    upstream = json.loads((ROOT / "node_modules/pyodide/pyodide-lock.json").read_text("utf-8"))
    assert lock["info"] == upstream["info"]


def test_person_page_loads_no_workbook_packages():
    """学时自查 loads rules_py alone (openpyxl and its helpers cost the page 0.1-0.3 s, BENCHMARKS.md);
    花名册自查 adds the project's dependencies, and the byte totals follow."""
    runtime = browser_runtime.plan_runtime()
    person, roster = runtime.describe(), runtime.describe(("roster",))
    assert person["packages"] == ["rules-py"] and runtime.lock["packages"]["rules-py"]["depends"] == []
    assert set(roster["packages"]) == {"rules-py", "openpyxl", "defusedxml"}
    extra = sum(len(data) for name, data in runtime.wheels.items()
                if name.startswith(("openpyxl-", "et_xmlfile-", "defusedxml-")))
    assert roster["bytes"] - person["bytes"] == extra > 0
    with pytest.raises(browser_runtime.RuntimeBuildError, match="unknown self-check tools"):
        runtime.describe(("payroll",))


def test_engine_imports_no_workbook_package():
    """What the person page's worker runs must not need openpyxl, which that page does not load."""
    code = ("import json, sys; from rules_py.browser import evaluate_json; "
            "evaluate_json(open(sys.argv[1], encoding='utf-8').read()); "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'et_xmlfile', 'defusedxml'))))")
    completed = subprocess.run([sys.executable, "-c", code, str(ROOT / "examples/person-senior-2025.json")],
                               capture_output=True, text=True, check=True, cwd=ROOT)
    assert json.loads(completed.stdout) == []

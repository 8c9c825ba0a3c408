"""Run the person case table (tests/cases/person_cases.toml) against the engine.

The table is data: every case names the person, the clauses it exercises and what the engine must
answer. This module only reads it and compares; the expectations come from the notice text and the
engine semantics, never from running the engine.
"""

from __future__ import annotations

import json
import re
import tomllib
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import pytest

from rules_py.notice import load_notice

CASES_FILE = Path(__file__).parent / "cases" / "person_cases.toml"
CASES: list[dict] = tomllib.loads(CASES_FILE.read_text("utf-8"))["case"]
RESULT_CASES = [c for c in CASES if "error_field" not in c["expect"] and "error_field_any" not in c["expect"]]
ERROR_CASES = [c for c in CASES if c not in RESULT_CASES]

# Clauses the table must cover, each with a passing and a failing case (brief: 二（一）, 二（三）1–2,
# 二（四）1–6, 二（五）1–6, plus 二（二）1–2 which decide 公需/专业 online courses).
REQUIRED_CLAUSES = [
    "s2-1",
    "s2-2-1", "s2-2-2",
    "s2-3-1", "s2-3-2",
    "s2-4-1", "s2-4-2", "s2-4-3", "s2-4-4", "s2-4-5", "s2-4-6",
    "s2-5-1", "s2-5-2", "s2-5-3", "s2-5-4", "s2-5-5", "s2-5-6",
]
STATUSES = {"met", "not_met", "not_restrictive", "not_required", "no_application"}
CJK = re.compile(r"[\u4e00-\u9fff]")
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _engine():
    from rules_py import InputError, evaluate

    return evaluate, InputError


@lru_cache(maxsize=None)
def _result(case_id: str) -> str:
    """The engine's result for one case, cached as JSON text (so no test can mutate another's)."""
    evaluate, _ = _engine()
    case = next(c for c in CASES if c["id"] == case_id)
    return json.dumps(evaluate(case["input"]), ensure_ascii=False, allow_nan=False)


def result_of(case: dict) -> dict:
    return json.loads(_result(case["id"]))


# -- comparing hours -------------------------------------------------------------------------------

def exact(expected) -> Fraction:
    """An expectation from the table as an exact number: 30, 29.5 or "2699/45"."""
    if isinstance(expected, bool):
        raise TypeError(expected)
    if isinstance(expected, str):
        return Fraction(expected)
    if isinstance(expected, float):
        return Fraction(str(expected))
    return Fraction(expected)


def assert_hours(actual, expected, where: str) -> None:
    """Hours are JSON numbers: an int when whole, otherwise the float nearest the exact fraction."""
    want = exact(expected)
    assert not isinstance(actual, bool), f"{where}: got a boolean {actual!r}"
    if want.denominator == 1:
        assert isinstance(actual, int), f"{where}: expected the int {want}, got {actual!r} ({type(actual).__name__})"
        assert actual == want, f"{where}: expected {want}, got {actual}"
    else:
        assert isinstance(actual, float), f"{where}: expected a float for {want}, got {actual!r}"
        assert actual == float(want), f"{where}: expected {float(want)!r} (= {want}), got {actual!r}"


# -- the table itself ------------------------------------------------------------------------------

def test_table_shape():
    notice = load_notice()
    ids = [c["id"] for c in CASES]
    assert len(CASES) >= 60
    assert len(ids) == len(set(ids)), "case ids must be unique"
    for case in CASES:
        where = case.get("id", "?")
        assert KEBAB.match(case["id"]), f"{where}: id is not ASCII kebab-case"
        assert CJK.search(case["name"]), f"{where}: name should be a Chinese sentence"
        assert case["clauses"], f"{where}: no clauses"
        for cid in case["clauses"]:
            assert cid in notice.clauses, f"{where}: unknown clause {cid}"
        assert case["polarity"] in ("pass", "fail", "error"), where
        assert isinstance(case["input"], dict), where
        expect = case["expect"]
        if case["polarity"] == "error":
            assert "error_field" in expect or "error_field_any" in expect, where
        else:
            assert expect["status"] in STATUSES, where
            assert expect.get("years"), f"{where}: give at least one year's expectation"


def test_table_covers_every_clause_both_ways():
    covered = set().union(*(c["clauses"] for c in CASES))
    missing = [cid for cid in REQUIRED_CLAUSES if cid not in covered]
    assert not missing, f"no case exercises {missing}"
    for cid in REQUIRED_CLAUSES:
        polarities = {c["polarity"] for c in CASES if cid in c["clauses"]}
        assert {"pass", "fail"} <= polarities, f"{cid} needs a passing and a failing case, has {polarities}"


def test_table_has_bad_input_cases():
    assert len(ERROR_CASES) >= 10


# -- running the cases -----------------------------------------------------------------------------

@pytest.mark.parametrize("case", RESULT_CASES, ids=[c["id"] for c in RESULT_CASES])
def test_case(case):
    expect = case["expect"]
    result = result_of(case)
    app = result["application"]

    assert app["status"] == expect["status"], f"status: {app['status']} ≠ {expect['status']}"
    if "years_required" in expect:
        assert app["years_required"] == expect["years_required"]
    if "years_needed" in expect:
        assert app["years_needed"] == expect["years_needed"]

    if "missing" in expect:
        got = sorted(app["missing"], key=lambda m: m["year"])
        want = sorted(expect["missing"], key=lambda m: m["year"])
        assert [m["year"] for m in got] == [m["year"] for m in want], f"missing years: {got}"
        for g, w in zip(got, want):
            assert_hours(g["public"], w["public"], f"missing[{w['year']}].public")
            assert_hours(g["professional"], w["professional"], f"missing[{w['year']}].professional")

    exemptions = app.get("exemptions", [])
    listed = {e["code"] for e in exemptions}
    applied = {e["code"] for e in exemptions if e.get("applied")}
    if "exemptions_listed" in expect:
        assert listed == set(expect["exemptions_listed"]), f"listed exemptions: {sorted(listed)}"
    if "exemptions_applied" in expect:
        assert applied == set(expect["exemptions_applied"]), f"applied exemptions: {sorted(applied)}"
    if "exemptions_applied_include" in expect:
        assert set(expect["exemptions_applied_include"]) <= applied, f"applied exemptions: {sorted(applied)}"
    if "application_clauses" in expect:
        assert set(app["clauses"]) == set(expect["application_clauses"])

    codes = {m["code"] for m in result["messages"]}
    for code in expect.get("messages_include", []):
        assert code in codes, f"message {code} not among {sorted(codes)}"
    for code in expect.get("messages_exclude", []):
        assert code not in codes, f"message {code} should not be given"
    warnings = {m["code"] for m in result["messages"] if m["level"] == "warning"}
    for code in expect.get("warnings_include", []):
        assert code in warnings, f"warning {code} not among {sorted(warnings)}"
    if "reference_missing_years" in expect:
        assert [m["year"] for m in app["reference_missing"]] == expect["reference_missing_years"]
    text = all_text(result)
    for words in expect.get("text_include", []):
        assert words in text, f"{words!r} is not said: {text}"
    for words in expect.get("text_exclude", []):
        assert words not in text, f"{words!r} should not be said: {text}"

    years = {y["year"]: y for y in result["years"]}
    if "years_listed" in expect:
        assert [y["year"] for y in result["years"]] == expect["years_listed"]
    for year_key, want in expect.get("years", {}).items():
        year = int(year_key)
        assert year in years, f"year {year} is not in the result (has {sorted(years)})"
        got = years[year]
        where = f"years[{year}]"
        assert got["met"] is want["met"], f"{where}.met: {got['met']}"
        for key in ("public", "professional", "public_missing", "professional_missing"):
            if key in want:
                assert_hours(got[key], want[key], f"{where}.{key}")
        if "professional_by_exam" in want:
            assert bool(got.get("professional_by_exam", False)) is want["professional_by_exam"]
        if "not_credited" in want:
            # A credit refused is listed in the year's `not_credited`, with its clause and reason.
            assert "not_credited" in got, f"{where} has no `not_credited` list (keys: {sorted(got)})"
            indices = sorted(u["activity"] if isinstance(u, dict) else u for u in got["not_credited"])
            assert indices == sorted(want["not_credited"]), f"{where}.not_credited: {got['not_credited']}"
        if "credits" in want:
            credits = sorted(got["credits"], key=lambda c: c["activity"])
            assert [c["activity"] for c in credits] == [c["activity"] for c in want["credits"]]
            for g, w in zip(credits, want["credits"]):
                assert g["subject"] == w["subject"], f"{where} credit {w['activity']}: {g}"
                assert g["clause"] == w["clause"], f"{where} credit {w['activity']}: {g}"
                assert_hours(g["hours"], w["hours"], f"{where} credit {w['activity']}.hours")


def all_text(result: dict) -> str:
    """Everything a person reads in a result, one sentence a line."""
    app = result["application"]
    lines = [app["text"], *(e["text"] for e in app["exemptions"]), *(m["text"] for m in app["reference_missing"])]
    lines += [m["text"] for m in result["messages"]] + [y["text"] for y in result["years"]]
    return "\n".join(lines)


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c["id"] for c in ERROR_CASES])
def test_bad_input(case):
    evaluate, InputError = _engine()
    with pytest.raises(InputError) as caught:
        evaluate(case["input"])
    error = caught.value
    # The CLI prints str(error) and the browser shows .message: both must be the Chinese sentence.
    assert str(error) == error.message
    fields = case["expect"].get("error_field_any") or [case["expect"]["error_field"]]
    assert error.field in fields, f"field {error.field!r}, expected one of {fields}"
    assert CJK.search(error.message), f"message is not Chinese: {error.message!r}"
    assert CJK.search(str(error)), f"str(error) is not Chinese: {error!s}"
    for words in case["expect"].get("error_message_include", []):
        assert words in error.message, f"{words!r} not in {error.message!r}"
    for words in case["expect"].get("error_message_exclude", []):
        assert words not in error.message, f"{words!r} in {error.message!r}"


@pytest.mark.parametrize("raw", [None, [], "person", 42], ids=["none", "list", "str", "int"])
def test_not_a_person_object(raw):
    evaluate, InputError = _engine()
    with pytest.raises(InputError) as caught:
        evaluate(raw)
    assert CJK.search(caught.value.message)


# -- citations -------------------------------------------------------------------------------------

def _cited(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "clause" and isinstance(value, str):
                found.add(value)
            elif key == "clauses" and isinstance(value, list):
                found.update(v for v in value if isinstance(v, str))
            else:
                _cited(value, found)
    elif isinstance(node, list):
        for item in node:
            _cited(item, found)
    return found


def test_every_cited_clause_exists():
    known = set(load_notice().clauses)
    cited: set[str] = set()
    for case in RESULT_CASES:
        result = result_of(case)
        _cited(result["years"], cited)
        _cited(result["application"], cited)
        _cited(result["messages"], cited)
    assert cited, "the engine cited no clause at all"
    unknown = cited - known
    assert not unknown, f"cited clause ids not in the notice data: {sorted(unknown)}"
    # The table exercises every rule, so every rule's clause should be cited somewhere.
    assert set(REQUIRED_CLAUSES) <= cited, f"never cited: {sorted(set(REQUIRED_CLAUSES) - cited)}"


def test_every_message_is_well_formed():
    known = set(load_notice().clauses)
    for case in RESULT_CASES:
        for message in result_of(case)["messages"]:
            assert message["level"] in ("info", "warning"), (case["id"], message)
            assert message["code"] and KEBAB.match(message["code"].replace("_", "-")), (case["id"], message)
            assert CJK.search(message["text"]), (case["id"], message)
            if message.get("clause") is not None:
                assert message["clause"] in known, (case["id"], message)

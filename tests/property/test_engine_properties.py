"""Properties of the engine that must hold for every valid person (hypothesis).

The strategies below only build valid input (rules_py/schemas/person.schema.json): years 2000–2100,
a birth year before the application year, hours per activity well under the notice's upper limit,
``subject`` where the kind needs it, ``years_in_post`` ≥ 1 when 破格, ``assessment_years`` when 考核认定.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import random
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rules_py import InputError, evaluate

# 200 examples each keeps the module under ~10 s on 2 cores; ENGINE_PROPERTY_EXAMPLES=5000 for a deeper hunt.
EXAMPLES = int(os.environ.get("ENGINE_PROPERTY_EXAMPLES", "200"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KINDS = ("public_online", "professional_online", "unit_training", "industry_training", "seminar",
         "qualification_exam", "skills_training", "teacher_training", "other")
NEEDS_SUBJECT = ("unit_training", "other")
LEVELS = ("senior", "intermediate", "junior", "assessment", "none")
FLAGS = ("public_institution", "non_public_sector", "grassroots_frontline", "postdoc_qualifies",
         "high_skilled_talent", "primary_secondary_teacher")
# Status order of the semantics (ARCHITECTURE.md, "Readings the engine takes"): met > not_required > not_restrictive
# > not_met. An outright exemption decides only when the hours fall short.
RANK = {"not_met": 0, "not_restrictive": 1, "not_required": 2, "met": 3}
# The years the epidemic-prevention title policy covered (notice data); other years are refused.
EPIDEMIC_YEARS = (2020, 2021, 2022, 2023)
MINUTES_PER_HOUR = 45
PUBLIC_REQUIRED, PROFESSIONAL_REQUIRED = 30, 60

# -- strategies --------------------------------------------------------------------------------------

application_years = st.sampled_from([2023, 2024, 2025, 2025, 2025, 2026, 2027])

# Hours as printed on certificates: whole numbers most of the time, otherwise tenths (29.5, 0.1 …).
certificate_hours = st.one_of(
    st.integers(min_value=0, max_value=80),
    st.integers(min_value=0, max_value=800).map(lambda tenths: tenths / 10),
)
minutes_amounts = st.integers(min_value=0, max_value=5400)


@st.composite
def activities(draw, years=st.integers(min_value=2021, max_value=2028)):
    """One training record of any kind, with hours or minutes (or neither, for an exam)."""
    kind = draw(st.sampled_from(KINDS))
    activity = {"year": draw(years), "kind": kind}
    if kind in NEEDS_SUBJECT:
        activity["subject"] = draw(st.sampled_from(["public", "professional"]))
    unit = draw(st.sampled_from(["hours", "minutes", "none"] if kind == "qualification_exam"
                                else ["hours", "hours", "minutes"]))
    if unit == "hours":
        activity["hours"] = draw(certificate_hours)
    elif unit == "minutes":
        activity["minutes"] = draw(minutes_amounts)
    return activity


def birth_dates(application_year: int):
    """Any age from 22 to 70 on 31 Dec, with extra weight on birthdays at the year's edges."""
    years = st.integers(min_value=application_year - 70, max_value=application_year - 22)
    edge = st.builds(lambda y, d: dt.date(y, *d), years, st.sampled_from([(12, 31), (1, 1), (12, 30)]))
    anyday = st.dates(min_value=dt.date(application_year - 70, 1, 1), max_value=dt.date(application_year - 22, 12, 31))
    return st.one_of(edge, anyday).map(dt.date.isoformat)


@st.composite
def persons(draw, levels=st.sampled_from(LEVELS), max_activities=8):
    """A valid person (rules_py/schemas/person.schema.json), every circumstance drawn independently."""
    year = draw(application_years)
    level = draw(levels)
    application = {"level": level, "year": year}
    if draw(st.booleans()):
        application["exceptional"] = True
        application["years_in_post"] = draw(st.integers(min_value=1, max_value=4))
    if level == "assessment":
        application["assessment_years"] = draw(st.integers(min_value=0, max_value=3))
    circumstances = {flag: draw(st.booleans()) for flag in FLAGS}
    circumstances["epidemic_frontline_years"] = draw(
        st.lists(st.sampled_from(EPIDEMIC_YEARS), max_size=2, unique=True))
    circumstances["transferred_from_government_year"] = draw(
        st.one_of(st.none(), st.integers(min_value=year - 4, max_value=year)))
    near = st.integers(min_value=year - 3, max_value=year + 1)
    return {
        "sex": draw(st.sampled_from(["male", "female"])),
        "birth_date": draw(birth_dates(year)),
        "application": application,
        "circumstances": circumstances,
        "activities": draw(st.lists(activities(years=near), max_size=max_activities)),
    }


# -- helpers -----------------------------------------------------------------------------------------

def as_exact(value) -> Fraction:
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def reported(value: Fraction):
    """How the contract says an exact value appears in JSON: int when whole, else the nearest float."""
    return int(value) if value.denominator == 1 else float(value)


def close(value, exact_value: Fraction) -> bool:
    """``value`` from the result equals ``exact_value``: exactly when whole, else within float rounding."""
    if exact_value.denominator == 1 and isinstance(value, int):
        return value == exact_value
    return abs(Fraction(value) - exact_value) <= Fraction(1, 10**9)


def total_missing(app: dict) -> Fraction:
    return sum((as_exact(m["public"]) + as_exact(m["professional"]) for m in app["missing"]), Fraction(0))


def year_map(result: dict) -> dict[int, dict]:
    return {y["year"]: y for y in result["years"]}


def assert_not_stricter(before: dict, after: dict) -> None:
    """``after`` is at least as favourable as ``before`` (status order, then fewer missing hours)."""
    a, b = before["application"], after["application"]
    if a["status"] == "no_application" or b["status"] == "no_application":
        assert a["status"] == b["status"]
        return
    assert RANK[b["status"]] >= RANK[a["status"]], f"{a['status']} became {b['status']}"
    if a["status"] == b["status"] == "not_met":
        assert total_missing(b) <= total_missing(a), f"missing grew: {a['missing']} → {b['missing']}"


# -- invariants of any single result -----------------------------------------------------------------

@SETTINGS
@given(persons())
@example({"sex": "male", "birth_date": "1970-12-31",  # 55 exactly on the reference day
          "application": {"level": "senior", "year": 2025}, "activities": []})
@example({"application": {"level": "assessment", "year": 2025, "assessment_years": 0},  # empty window
          "activities": [{"year": 2025, "kind": "qualification_exam"}]})
def test_result_is_consistent(person):
    result = evaluate(copy.deepcopy(person))
    years = [y["year"] for y in result["years"]]
    assert years == sorted(set(years)), "years must be unique and ascending"
    named = {a["year"] for a in person["activities"]} | {person["application"]["year"]}
    assert named <= set(years), "every year named by an activity or the application is listed"

    for entry in result["years"]:
        # Reported fractions are floats (rounded), so totals rebuilt from them are compared with a
        # tolerance; the exact arithmetic is checked in test_minutes_conversion_is_exact.
        public, professional = as_exact(entry["public"]), as_exact(entry["professional"])
        assert entry["public_required"] == PUBLIC_REQUIRED
        assert entry["professional_required"] == PROFESSIONAL_REQUIRED
        assert close(entry["public_missing"], max(Fraction(0), PUBLIC_REQUIRED - public))
        if entry.get("professional_by_exam"):
            assert entry["professional_missing"] == 0
        else:
            assert close(entry["professional_missing"], max(Fraction(0), PROFESSIONAL_REQUIRED - professional))
        assert entry["met"] is (entry["public_missing"] == 0 and entry["professional_missing"] == 0)
        for key in ("public", "professional", "public_missing", "professional_missing"):
            value = entry[key]
            assert not isinstance(value, bool)
            assert isinstance(value, int) or (isinstance(value, float) and not value.is_integer()), \
                f"{key}={value!r}: whole hours must be an int"
        credited = {"public": Fraction(0), "professional": Fraction(0)}
        for credit in entry["credits"]:
            assert person["activities"][credit["activity"]]["year"] == entry["year"]
            credited[credit["subject"]] += as_exact(credit["hours"])
        assert close(entry["public"], credited["public"]) and close(entry["professional"], credited["professional"])

    app = result["application"]
    by_year = year_map(result)
    if app["status"] in ("met", "not_met"):
        assert 1 <= app["years_needed"] <= len(app["years_required"])
        done = sum(1 for y in app["years_required"] if by_year[y]["met"])
        assert (done >= app["years_needed"]) is (app["status"] == "met")
    for gap in app["missing"]:
        entry = by_year[gap["year"]]
        assert gap["year"] in app["years_required"]
        assert gap["public"] == entry["public_missing"] and gap["professional"] == entry["professional_missing"]
        assert gap["public"] or gap["professional"], "only years with a gap are missing"
    applied = [e for e in app.get("exemptions", []) if e["applied"]]
    level = person["application"]["level"]
    if level == "none":
        assert app.get("exemptions", []) == [], "二（五） reductions apply to applications only"
    if level == "assessment":  # 二（五）4 says "在申报职称时" and covers 考核认定; the other rows say 职称评审
        assert {e["code"] for e in app.get("exemptions", [])} <= {"epidemic_frontline"}
    if app["status"] == "not_met" and person["application"]["level"] != "none":
        assert app["missing"], "not met, so something must be missing"
    assert all(e["clause"].startswith("s2-5-") for e in applied)


# -- more hours never hurt ---------------------------------------------------------------------------

def with_more(person: dict, pick: int, bump: int) -> dict:
    """``person`` with one activity carrying ``bump`` more hours (or minutes, in its own unit)."""
    bigger = copy.deepcopy(person)
    activity = bigger["activities"][pick % len(bigger["activities"])]
    if "minutes" in activity:
        activity["minutes"] += bump
    elif "hours" in activity:
        activity["hours"] = reported(as_exact(activity["hours"]) + bump)
    else:  # an exam without hours: hours it carries add to 专业
        activity["hours"] = bump
    return bigger


def assert_hours_never_hurt(before: dict, after: dict) -> None:
    old, new = year_map(before), year_map(after)
    for year, entry in old.items():
        assert year in new
        if entry["met"]:
            assert new[year]["met"], f"{year} was met and no longer is"
        for key in ("public_missing", "professional_missing"):
            assert as_exact(new[year][key]) <= as_exact(entry[key]), f"{year}.{key} grew"
        for key in ("public", "professional"):
            assert as_exact(new[year][key]) >= as_exact(entry[key]), f"{year}.{key} shrank"
    assert_not_stricter(before, after)
    if before["application"]["status"] == "met":
        assert after["application"]["status"] == "met"


@SETTINGS
@given(persons().filter(lambda p: p["activities"]), st.integers(min_value=0, max_value=50),
       st.integers(min_value=1, max_value=100))
@example({"application": {"level": "none", "year": 2025},  # 2699 → 2700 minutes: 59.98 → 60 学时
          "activities": [{"year": 2025, "kind": "seminar", "minutes": 2699},
                         {"year": 2025, "kind": "public_online", "hours": 30}]}, 0, 1)
@example({"sex": "female", "birth_date": "1985-01-01",  # 29.5 → 30.5 公需 completes a senior window
          "application": {"level": "junior", "year": 2025},
          "activities": [{"year": 2025, "kind": "public_online", "hours": 29.5},
                         {"year": 2025, "kind": "qualification_exam"}]}, 0, 1)
def test_adding_hours_never_hurts(person, pick, bump):
    before = evaluate(copy.deepcopy(person))
    after = evaluate(with_more(person, pick, bump))
    assert_hours_never_hurt(before, after)


@SETTINGS
@given(persons(), activities(years=st.integers(min_value=2021, max_value=2028)))
@example({"sex": "male", "birth_date": "1973-06-15",  # age one-year: a second near-complete year
          "application": {"level": "senior", "year": 2025},
          "activities": [{"year": 2023, "kind": "public_online", "hours": 30},
                         {"year": 2023, "kind": "professional_online", "hours": 50}]},
         {"year": 2025, "kind": "professional_online", "hours": 60})
@example({"application": {"level": "none", "year": 2025},  # unit training that is not credited
          "activities": [{"year": 2025, "kind": "public_online", "hours": 30}]},
         {"year": 2025, "kind": "unit_training", "subject": "professional", "hours": 60})
def test_adding_an_activity_never_hurts(person, activity):
    before = evaluate(copy.deepcopy(person))
    bigger = copy.deepcopy(person)
    bigger["activities"].append(activity)
    assert_hours_never_hurt(before, evaluate(bigger))


# -- exemptions never make things stricter -----------------------------------------------------------

CIRCUMSTANCE_SWITCHES = ("non_public_sector", "grassroots_frontline", "postdoc_qualifies", "public_institution",
                         "high_skilled_talent", "primary_secondary_teacher", "epidemic_year", "transferred",
                         "exceptional", "older")


def switch_on(person: dict, which: str, offset: int) -> dict:
    """``person`` with one more exemption circumstance (``offset`` picks a year or an age)."""
    more = copy.deepcopy(person)
    app, circumstances = more["application"], more.setdefault("circumstances", {})
    year = app["year"]
    if which in FLAGS:
        circumstances[which] = True
    elif which == "epidemic_year":
        years = set(circumstances.get("epidemic_frontline_years") or [])
        circumstances["epidemic_frontline_years"] = sorted(years | {EPIDEMIC_YEARS[offset % len(EPIDEMIC_YEARS)]})
    elif which == "transferred":
        if circumstances.get("transferred_from_government_year") is None:
            circumstances["transferred_from_government_year"] = year - offset % 5
    elif which == "exceptional":
        if not app.get("exceptional"):
            app["exceptional"] = True
            app["years_in_post"] = 1 + offset % 4
    elif which == "older":
        born = dt.date.fromisoformat(more["birth_date"])
        day = 28 if (born.month, born.day) == (2, 29) else born.day  # 29 Feb may not exist earlier
        more["birth_date"] = dt.date(born.year - (1 + offset % 10), born.month, day).isoformat()
    return more


@SETTINGS
@given(persons(), st.sampled_from(CIRCUMSTANCE_SWITCHES), st.integers(min_value=0, max_value=40))
@example({"sex": "male", "birth_date": "1973-03-01",  # age one-year met only in the epidemic year
          "application": {"level": "senior", "year": 2025},
          "activities": [{"year": 2023, "kind": "public_online", "hours": 30},
                         {"year": 2023, "kind": "professional_online", "hours": 60}]}, "epidemic_year", 2)
@example({"sex": "male", "birth_date": "1971-01-01",  # 54 → 55: one-year → not restrictive
          "application": {"level": "senior", "year": 2025}, "activities": []}, "older", 0)
@example({"sex": "female", "birth_date": "1985-01-01",  # 破格 1 year when only N-2 is complete
          "application": {"level": "senior", "year": 2025},
          "activities": [{"year": 2023, "kind": "public_online", "hours": 30},
                         {"year": 2023, "kind": "professional_online", "hours": 60}]}, "exceptional", 0)
@example({"sex": "male", "birth_date": "1985-01-01",  # non-public outside 2025 changes nothing
          "application": {"level": "senior", "year": 2026}, "activities": []}, "non_public_sector", 0)
def test_exemptions_never_make_it_stricter(person, which, offset):
    before = evaluate(copy.deepcopy(person))
    after = evaluate(switch_on(person, which, offset))
    assert_not_stricter(before, after)


# -- the order of activities does not matter ---------------------------------------------------------

def without_order(result: dict) -> dict:
    """The result with activity indices removed, so two orderings can be compared."""
    normal = copy.deepcopy(result)
    for entry in normal["years"]:
        entry["clauses"] = sorted(entry.get("clauses", []))  # citations, listed in credit order
        entry["credits"] = sorted((c["subject"], as_exact(c["hours"]), c["clause"]) for c in entry["credits"])
        for key in ("uncredited", "not_credited"):  # the semantics' name, and the engine's
            if key in entry:  # texts name the record by its number ("第 3 条"), so keep kind and clause
                entry[key] = sorted((u.get("kind"), u.get("clause")) for u in entry[key])
    normal["messages"] = sorted(Counter((m["level"], m["code"], m.get("clause")) for m in normal["messages"]).items())
    return normal


@SETTINGS
@given(persons(max_activities=6), st.randoms(use_true_random=False))
@example({"sex": "male", "birth_date": "1973-06-15",  # age one-year: cheapest year must not depend on order
          "application": {"level": "senior", "year": 2025},
          "activities": [{"year": 2023, "kind": "professional_online", "hours": 50},
                         {"year": 2025, "kind": "public_online", "hours": 20},
                         {"year": 2023, "kind": "public_online", "hours": 30},
                         {"year": 2025, "kind": "seminar", "minutes": 2700}]}, random.Random(1))
def test_activity_order_does_not_matter(person, rnd):
    shuffled = copy.deepcopy(person)
    rnd.shuffle(shuffled["activities"])
    assert without_order(evaluate(copy.deepcopy(person))) == without_order(evaluate(shuffled))


# -- minutes are converted exactly -------------------------------------------------------------------

@SETTINGS
@given(st.lists(st.one_of(st.tuples(st.just("minutes"), minutes_amounts),
                          st.tuples(st.just("hours"), certificate_hours)), min_size=1, max_size=8),
       st.lists(minutes_amounts, max_size=5))
@example([("minutes", 2699)], [2699])   # 59.98 学时 is not 60
@example([("minutes", 1350)], [2700])   # exactly 30 and 60
@example([("minutes", 1), ("minutes", 44)], [1, 44, 2655])  # 1/45 + 44/45 = 1
@example([("hours", 0.1), ("hours", 0.2)], [])  # decimal hours are exact too (0.1 + 0.2 = 0.3)
def test_minutes_conversion_is_exact(public_amounts, seminar_minutes):
    acts = [{"year": 2025, "kind": "public_online", unit: amount} for unit, amount in public_amounts]
    acts += [{"year": 2025, "kind": "seminar", "minutes": m} for m in seminar_minutes]
    result = evaluate({"application": {"level": "none", "year": 2025}, "activities": acts})
    entry = year_map(result)[2025]
    public = sum((Fraction(a) / MINUTES_PER_HOUR if unit == "minutes" else as_exact(a)
                  for unit, a in public_amounts), Fraction(0))
    professional = sum((Fraction(m, MINUTES_PER_HOUR) for m in seminar_minutes), Fraction(0))
    for key, want in (("public", public), ("professional", professional),
                      ("public_missing", max(Fraction(0), PUBLIC_REQUIRED - public)),
                      ("professional_missing", max(Fraction(0), PROFESSIONAL_REQUIRED - professional))):
        got = entry[key]
        assert got == reported(want) and type(got) is type(reported(want)), f"{key}: {got!r} ≠ {want}"
    assert entry["met"] is (public >= PUBLIC_REQUIRED and professional >= PROFESSIONAL_REQUIRED)


# -- JSON ---------------------------------------------------------------------------------------------

@SETTINGS
@given(persons())
def test_result_round_trips_through_json(person):
    result = evaluate(copy.deepcopy(person))
    text = json.dumps(result, ensure_ascii=False, allow_nan=False)
    assert json.loads(text) == result
    assert isinstance(result["notice"]["id"], str) and result["notice"]["id"] == "songshan-2025"


@SETTINGS
@given(persons())
def test_evaluate_does_not_change_its_input(person):
    original = copy.deepcopy(person)
    evaluate(person)
    assert person == original


# -- a wrong value anywhere gives InputError, never a traceback (rules_py/schemas/person.schema.json) --------

junk_values = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**6, max_value=10**6),
    st.integers(min_value=10**300, max_value=10**400),  # JSON allows integers of any length
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(["1e400", "NaN", "inf", "1/0", "-0", "2025-02-29", "１２", " 30 ", "1975-6-30"]),
)


def field_paths(node, prefix=()):
    """Every key/index path inside a person, so one value can be swapped for junk."""
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from field_paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from field_paths(value, prefix + (index,))


@SETTINGS
@given(persons(), st.integers(min_value=0, max_value=10**6), junk_values)
@example({"application": {"level": "none", "year": 2025},  # 401-digit integer: too large for a float
          "activities": [{"year": 2025, "kind": "public_online", "hours": 30}]}, 7, 10**400)
@example({"application": {"level": "none", "year": 2025},  # the same as a string
          "activities": [{"year": 2025, "kind": "seminar", "minutes": 30}]}, 7, "1e400")
def test_any_wrong_value_gives_input_error(person, pick, value):
    paths = list(field_paths(person))
    path = paths[pick % len(paths)]
    node = person
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    try:
        result = evaluate(person)
    except InputError as error:
        assert error.message and isinstance(error.field, str)
    else:
        json.dumps(result, allow_nan=False)


@SETTINGS
@given(persons(), st.integers(min_value=0, max_value=10**6), st.text(min_size=1, max_size=12), junk_values)
@example({"application": {"level": "none", "year": 2025},  # one letter off: "hour" for "hours"
          "activities": [{"year": 2025, "kind": "seminar", "hours": 8}]}, 3, "hour", 2)
def test_an_unknown_key_anywhere_is_named_not_ignored(person, pick, key, value):
    containers = [()] + [path for path in field_paths(person) if isinstance(_at(person, path), dict)]
    path = containers[pick % len(containers)]
    target = _at(person, path)
    if key in target:
        return
    target[key] = value
    with pytest.raises(InputError) as raised:
        evaluate(person)
    assert key in raised.value.message


def _at(node, path):
    for key in path:
        node = node[key]
    return node


# -- met is said when met; a year that has ended is never completable (ARCHITECTURE.md) ----------------------

@SETTINGS
@given(persons(levels=st.sampled_from(["senior", "intermediate", "junior"])))
@example({"sex": "male", "birth_date": "1969-05-05", "application": {"level": "senior", "year": 2025},
          "circumstances": {"postdoc_qualifies": True, "non_public_sector": True},
          "activities": [{"year": y, "kind": k, "hours": h} for y in (2023, 2024, 2025)
                         for k, h in (("public_online", 30), ("professional_online", 60))]})
def test_met_is_said_when_met(person):
    result = evaluate(copy.deepcopy(person))
    app = result["application"]
    window = range(person["application"]["year"] - (0 if app["level"] == "junior" else 2),
                   person["application"]["year"] + 1)
    if all(year_map(result)[y]["met"] for y in window):
        assert app["status"] == "met", "every year of the window is complete, so the answer is met"
    if app["status"] == "met":  # outright exemptions are listed as also applying, never as deciding
        assert not any(e["applied"] for e in app["exemptions"]
                       if e["code"] in ("age_not_restrictive", "non_public_or_grassroots", "postdoc"))


@SETTINGS
@given(persons(levels=st.sampled_from(["senior", "intermediate", "junior", "assessment"])),
       st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2029, 12, 31)))
def test_a_year_that_has_ended_is_never_completable(person, as_of):
    result = evaluate({**copy.deepcopy(person), "as_of": as_of.isoformat()})
    assert result["as_of"] == as_of.isoformat()
    codes = {m["code"] for m in result["messages"]}
    year = person["application"]["year"]
    if as_of > dt.date(year, 12, 31):
        assert "current_year_open" not in codes
    else:
        assert "year_over" not in codes
    if {"current_year_open", "year_over"} & codes:
        assert any(gap["year"] == year for gap in result["application"]["missing"])

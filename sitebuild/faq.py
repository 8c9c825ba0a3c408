"""The FAQ of templates/faq.toml: answers rendered with the page context, each worked example run
through the engine (the build stops when the prose assumes another verdict than the engine gives).

An example's person is written relative to the notice ("=year - 1", "=req.public_hours"), so the
same FAQ holds for next year's notice; ``example_person`` works those values out."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sitebuild import Build, BuildError


def load_faq(templates: Path) -> list[dict]:
    """The [[faq]] entries of templates/faq.toml, as written."""
    return tomllib.loads((templates / "faq.toml").read_text("utf-8"))["faq"]


def example_person(person, notice):
    """``person`` with every "=…" string replaced by the value of that jinja2 expression for
    ``notice`` (names: year, req, ex, assessment_hint, mph, born(age, "MM-DD"))."""
    return _work_out(person, notice)


def example_applies(example: dict, notice) -> bool:
    """An example with ``when = "=…"`` is shown only for a notice where that expression holds: the
    epidemic example, say, only while a year of the policy is inside the notice's window."""
    return "when" not in example or bool(_work_out(example["when"], notice))


def _work_out(node, notice):
    import jinja2

    year = notice.year
    names = {"year": year, "req": notice.requirements, "ex": notice.exemptions, "mph": notice.minutes_per_hour,
             "assessment_hint": notice.assessment["hint"],
             "born": lambda age, month_day: f"{year - age}-{month_day}"}
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)

    def work_out(value):
        if isinstance(value, dict):
            return {key: work_out(item) for key, item in value.items()}
        if isinstance(value, list):
            return [work_out(item) for item in value]
        if isinstance(value, str) and value.startswith("="):
            try:
                return env.compile_expression(value[1:], undefined_to_none=False)(**names)
            except jinja2.TemplateError as error:
                raise BuildError(f"faq example value {value!r}: {error}") from None
        return value

    return work_out(node)


def faq_entries(b: Build, env, context: dict) -> list[dict]:
    """The FAQ with answers rendered and each example run through the engine."""
    from rules_py import evaluate

    entries = []
    for raw in load_faq(b.templates):
        for clause_id in raw["clauses"]:
            b.notice.clause(clause_id)  # unknown id → NoticeDataError names it
        examples = []
        shown = [ex for ex in raw.get("examples", []) if example_applies(ex, b.notice)]
        for i, ex in enumerate(shown, start=1):
            person = example_person(ex["person"], b.notice)
            result = evaluate(person, b.notice.id)
            status = result["application"]["status"]
            if status != ex["expect"]:
                raise BuildError(f"faq {raw['id']} example {i}: the text assumes status {ex['expect']!r}, "
                                 f"the engine says {status!r}; fix the example or the engine")
            local = dict(context, r=result, person=person,
                         y=lambda year, r=result: _year_of(r, year),
                         credit=lambda index, r=result: _credit_of(r, index))
            credits = {c["activity"]: c for block in result["years"] for c in block["credits"]}
            examples.append({"id": f"{raw['id']}-{i}", "title": ex["title"], "person": person,
                             "r": result, "credits": credits,
                             "text": env.from_string(ex.get("text", "")).render(local).strip()})
        entries.append({"id": raw["id"], "q": env.from_string(raw["q"]).render(context).strip(),
                        "a": env.from_string(raw["a"]).render(context).strip(),
                        "clauses": raw["clauses"], "examples": examples})
    return entries


def _year_of(result: dict, year: int) -> dict:
    for block in result["years"]:
        if block["year"] == year:
            return block
    raise BuildError(f"example result has no year {year}")


def _credit_of(result: dict, index: int) -> dict:
    for block in result["years"]:
        for credit in block["credits"]:
            if credit["activity"] == index:
                return credit
    raise BuildError(f"example result credits nothing to activity {index}")

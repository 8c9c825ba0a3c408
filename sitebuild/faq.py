"""The FAQ of templates/faq.toml: answers rendered with the page context, each worked example run
through the engine (the build stops when the prose assumes another verdict than the engine gives)."""

from __future__ import annotations

import tomllib

from sitebuild import Build, BuildError


def faq_entries(b: Build, env, context: dict) -> list[dict]:
    """The FAQ with answers rendered and each example run through the engine."""
    from rules_py import evaluate

    data = tomllib.loads((b.templates / "faq.toml").read_text("utf-8"))
    entries = []
    for raw in data["faq"]:
        for clause_id in raw["clauses"]:
            b.notice.clause(clause_id)  # unknown id → NoticeDataError names it
        examples = []
        for i, ex in enumerate(raw.get("examples", []), start=1):
            result = evaluate(ex["person"])
            status = result["application"]["status"]
            if status != ex["expect"]:
                raise BuildError(f"faq {raw['id']} example {i}: the text assumes status {ex['expect']!r}, "
                                 f"the engine says {status!r}; fix the example or the engine")
            local = dict(context, r=result, person=ex["person"],
                         y=lambda year, r=result: _year_of(r, year),
                         credit=lambda index, r=result: _credit_of(r, index))
            credits = {c["activity"]: c for block in result["years"] for c in block["credits"]}
            examples.append({"id": f"{raw['id']}-{i}", "title": ex["title"], "person": ex["person"],
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

"""Answer latency: ``window.selfCheck.evaluate(person)`` once the engine is ready.

The people are the inputs of the engine's own case table (tests/cases/person_cases.toml, every
case that is not bad input), asked ROUNDS times over in one page, one at a time, each timed in the
page from the call to the settled Promise (the round trip to the worker included). The first
call after ready is reported apart: it is the one a visitor who filled the form early waits for.
"""

from __future__ import annotations

import json
import tomllib

from benchmarks.common import ROOT, fresh_profile, log, percentile, summary, wait_for

ROUNDS = 4


def people() -> list[dict]:
    cases = tomllib.loads((ROOT / "tests" / "cases" / "person_cases.toml").read_text("utf-8"))["case"]
    # TOML dates become ISO strings, as a JSON form would send them.
    return [json.loads(json.dumps(c["input"], default=str)) for c in cases if c.get("polarity") != "error"]


def measure(playwright, base: str) -> dict:
    persons = people()
    with fresh_profile(playwright) as context:
        page = context.new_page()
        page.goto(base + "selfcheck/", wait_until="commit")
        wait_for(page, "window.selfCheck")
        page.evaluate("() => window.selfCheck.ready")
        timings = page.evaluate("""async ([persons, rounds]) => {
            const first = performance.now();
            await window.selfCheck.evaluate(persons[0]);
            const out = {first: performance.now() - first, calls: []};
            for (let round = 0; round < rounds; round++) {
                for (const person of persons) {
                    const start = performance.now();
                    await window.selfCheck.evaluate(person);
                    out.calls.push(performance.now() - start);
                }
            }
            return out;
        }""", [persons, ROUNDS])
    calls = timings["calls"]
    figures = summary(calls)
    figures["p95"] = percentile(calls, 95)
    figures["first_call"] = timings["first"]
    figures["people"] = len(persons)
    figures["values"] = []  # hundreds of calls: the JSON keeps the distribution's points instead
    figures["percentiles"] = {str(p): percentile(calls, p) for p in (5, 25, 50, 75, 90, 95, 99)}
    log(f"answer latency: {len(calls)} calls, median {figures['median']:.1f} ms, "
        f"p95 {figures['p95']:.1f} ms, first {figures['first_call']:.1f} ms")
    return figures

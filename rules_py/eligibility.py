"""The title application, 二（三）, with the reductions and exemptions of 二（五）.

An application in year N looks at a window of years ending in N (二（三）1: 高/中级 近三年,
初级 当年; 二（三）2: 考核认定 by its own number of years). Each exemption of 二（五） is a row:
when it applies to the person it either decides the status outright or narrows what is required.
The engine tries every combination of the applicable rows and keeps the most favourable outcome,
so an exemption can never make an outcome stricter, and it reports every row that applied.
Met is said when met: the hours meeting the (narrowed) requirement come first, and a row that
decides outright (not restrictive, not required) decides only when the hours fall short.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

from rules_py.compliance import YearStatus
from rules_py.notice import Notice
from rules_py.dates import age_on
from rules_py.person import Application, Person

# Most favourable first; "met" first because when the hours are there, that is what a person is told.
STATUS_ORDER = ("met", "not_required", "not_restrictive", "not_met")


@dataclass(frozen=True)
class Exemption:
    """One row of 二（五） that applies to this person, and what it does."""

    code: str
    clause: str
    status: str | None = None               # decides the outcome outright
    keep_years: frozenset[int] | None = None  # narrows the window to these years
    years_needed: int | None = None         # fewer complete years suffice
    facts: dict = field(default_factory=dict, compare=False)  # numbers for the wording


@dataclass(frozen=True)
class Outcome:
    level: str
    year: int | None
    status: str
    years_required: tuple[int, ...]
    years_needed: int
    missing: tuple[YearStatus, ...]
    reference_gaps: tuple[YearStatus, ...]  # gaps that do not limit a not_restrictive outcome
    exemptions: tuple[Exemption, ...]   # every row that applies
    applied: tuple[str, ...]            # codes of the rows that decided the outcome
    clauses: tuple[str, ...]

    @property
    def missing_total(self) -> Fraction:
        return sum((y.missing_total for y in self.missing), Fraction(0))


def base_window(application: Application, notice: Notice) -> tuple[int, ...]:
    """二（三）: the years an application in year N looks at, before any reduction."""
    if application.level == "none":
        return ()
    if application.level == "assessment":
        length = application.assessment_years
    else:
        length = notice.windows[application.level]
    return tuple(range(application.year - length + 1, application.year + 1))


def _window_clause(application: Application, notice: Notice) -> str:
    if application.level == "assessment":
        return notice.assessment["clause"]
    return notice.windows["clause"]


# -- the rows of 二（五） ----------------------------------------------------------------------
# Each takes the person, the base window and the notice, and returns an Exemption when the row
# changes something for this person, else None.

def _age(person: Person, notice: Notice) -> int:
    return age_on(person.birth_date, notice.age_reference_date(person.application.year))


def _age_facts(person: Person, age: int, row: dict) -> dict:
    return {"age": age, "threshold": row[f"{person.sex}_age"], "sex": "男" if person.sex == "male" else "女"}


def age_not_restrictive(person: Person, window, notice: Notice) -> Exemption | None:
    """二（五）1：男满55周岁、女满50周岁，学时不作为限制性条件。"""
    row = notice.exemptions["age_not_restrictive"]
    age = _age(person, notice)
    if age >= row[f"{person.sex}_age"]:
        return Exemption("age_not_restrictive", row["clause"], status="not_restrictive",
                         facts=_age_facts(person, age, row))
    return None


def age_one_year(person: Person, window, notice: Notice) -> Exemption | None:
    """二（五）1：男满50周岁、女满45周岁，完成近三年中一个年度学时要求即可。"""
    row = notice.exemptions["age_one_year"]
    age = _age(person, notice)
    if age >= row[f"{person.sex}_age"] and len(window) > row["years_needed"]:
        return Exemption("age_one_year", row["clause"], years_needed=row["years_needed"],
                         facts={**_age_facts(person, age, row), "window": list(window)})
    return None


def non_public_or_grassroots(person: Person, window, notice: Notice) -> Exemption | None:
    """二（五）2：非公有制经济领域和基层一线，参加2025年度职称评审时学时不作为限制性条件。"""
    row = notice.exemptions["non_public_or_grassroots"]
    concerned = person.non_public_sector or person.grassroots_frontline
    if concerned and person.application.year in row["evaluation_years"]:
        return Exemption("non_public_or_grassroots", row["clause"], status="not_restrictive",
                         facts={"non_public_sector": person.non_public_sector,
                                "grassroots_frontline": person.grassroots_frontline})
    return None


def postdoc(person: Person, window, notice: Notice) -> Exemption | None:
    """二（五）3：符合条件的出站博士后申报高级职称评审，不要求继续教育学时。"""
    row = notice.exemptions["postdoc"]
    if person.postdoc_qualifies and person.application.level in row["levels"]:
        return Exemption("postdoc", row["clause"], status="not_required")
    return None


def epidemic_frontline(person: Person, window, notice: Notice) -> Exemption | None:
    """二（五）4：不要求疫情防控当年度的继续教育学时。"""
    row = notice.exemptions["epidemic_frontline"]
    waived = sorted(set(person.epidemic_frontline_years) & set(window))
    if waived:
        return Exemption("epidemic_frontline", row["clause"],
                         keep_years=frozenset(window) - frozenset(waived), facts={"years": waived})
    return None


def transferred_from_government(person: Person, window, notice: Notice) -> Exemption | None:
    """二（五）5：转任当年参加评审不要求学时；非当年的，按转任实际年度完成。"""
    row = notice.exemptions["transferred_from_government"]
    year = person.transferred_from_government_year
    # A transfer before the window leaves every year of it to complete: nothing changes.
    if year is None or not window or year > person.application.year or year < window[0]:
        return None
    if year == person.application.year:
        return Exemption("transferred_from_government", row["clause"], status="not_required",
                         facts={"year": year})
    kept = frozenset(y for y in window if y > year)
    return Exemption("transferred_from_government", row["clause"], keep_years=kept,
                     facts={"year": year, "years": sorted(kept)})


def exceptional(person: Person, window, notice: Notice) -> Exemption | None:
    """二（五）6：破格申报按实际任职年限（年度）完成学时要求。"""
    row = notice.exemptions["exceptional"]
    years_in_post = person.application.years_in_post
    if not person.application.exceptional or years_in_post >= len(window):
        return None
    kept = frozenset(window[-years_in_post:])
    return Exemption("exceptional", row["clause"], keep_years=kept,
                     facts={"years_in_post": years_in_post, "years": sorted(kept)})


EXEMPTION_ROWS = (
    age_not_restrictive,
    age_one_year,
    non_public_or_grassroots,
    postdoc,
    epidemic_frontline,
    transferred_from_government,
    exceptional,
)


def applicable_exemptions(person: Person, window: tuple[int, ...], notice: Notice) -> list[Exemption]:
    level = person.application.level
    # Each row function is named after its row of the notice data (its code).
    found = (row(person, window, notice) for row in EXEMPTION_ROWS
             if level in notice.exemption_levels(row.__name__))
    return [exemption for exemption in found if exemption is not None]


# -- deciding ------------------------------------------------------------------------------

def _gaps(required: tuple[int, ...], needed: int, statuses: dict[int, YearStatus]) -> tuple[YearStatus, ...]:
    """The years still to complete: all unmet ones, or the cheapest when fewer years suffice."""
    unmet = [statuses[y] for y in required if not statuses[y].met]
    still_needed = needed - (len(required) - len(unmet))
    if still_needed <= 0:
        return ()
    cheapest_first = sorted(unmet, key=lambda y: (y.missing_total, -y.year))
    return tuple(sorted(cheapest_first[:still_needed], key=lambda y: y.year))


def _outcome(application: Application, window: tuple[int, ...], rows: tuple[Exemption, ...],
             applicable: tuple[Exemption, ...], statuses: dict[int, YearStatus], notice: Notice) -> Outcome:
    """The outcome when exactly ``rows`` are used (window reductions compose)."""
    kept = frozenset(window)
    for row in rows:
        if row.keep_years is not None:
            kept &= row.keep_years
    required = tuple(y for y in window if y in kept)
    needed = min([len(required)] + [row.years_needed for row in rows if row.years_needed is not None])
    missing = _gaps(required, needed, statuses)

    decided = [row.status for row in rows if row.status is not None]
    reference_gaps = ()
    if "not_required" in decided or not required:
        status, required, needed, missing = "not_required", (), 0, ()
    elif decided:
        # For reference only: every unmet year the person would otherwise still owe, leaving out the
        # years that the narrowing rows waive (二（五）4–6), whether or not this combination uses them.
        owed = frozenset(window)
        for row in applicable:
            if row.keep_years is not None:
                owed &= row.keep_years
        reference_gaps = tuple(statuses[y] for y in window if y in owed and not statuses[y].met)
        status, missing = "not_restrictive", ()
    else:
        status = "met" if not missing else "not_met"
    clauses = [_window_clause(application, notice)]
    clauses += [row.clause for row in rows if row.clause not in clauses]
    return Outcome(application.level, application.year, status, required, needed, missing, reference_gaps,
                   applicable, tuple(row.code for row in rows), tuple(clauses))


def _favour(outcome: Outcome) -> tuple:
    """Sort key: better status, then fewer hours missing, then fewer rows needed to get there."""
    hours_missing = outcome.missing_total if outcome.status == "not_met" else 0
    return STATUS_ORDER.index(outcome.status), hours_missing, len(outcome.applied)


def decide(person: Person, statuses: dict[int, YearStatus], notice: Notice) -> Outcome:
    """The most favourable outcome over every combination of the exemptions that apply."""
    application = person.application
    if application.level == "none":
        return Outcome("none", application.year, "no_application", (), 0, (), (), (), (), ())
    window = base_window(application, notice)
    applicable = tuple(applicable_exemptions(person, window, notice))
    candidates = (_outcome(application, window, rows, applicable, statuses, notice)
                  for size in range(len(applicable) + 1)
                  for rows in combinations(applicable, size))
    return min(candidates, key=_favour)

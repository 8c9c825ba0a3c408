"""Hours credited from each activity: 二（二） and 二（四）.

Each activity either becomes a :class:`Credit` to one subject of its year, with the clause that
allows it, or a :class:`NotCredited` saying which condition of that clause the person lacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from rules_py.notice import Notice
from rules_py.person import Activity, Person


@dataclass(frozen=True)
class Credit:
    activity: int
    year: int
    subject: str
    hours: Fraction
    clause: str
    completes_professional: bool  # 二（四）4: a passed qualification exam completes the year's 专业科目


@dataclass(frozen=True)
class NotCredited:
    activity: int
    year: int
    kind: str
    missing_condition: str  # the circumstance (or "application") the clause asks for
    clause: str


def credit_activity(activity: Activity, person: Person, notice: Notice) -> Credit | NotCredited:
    """Which subject, if any, an activity's hours count toward, and under which clause."""
    spec = notice.activity_kinds[activity.kind]
    clause = spec["clause"]
    required_flag = spec.get("requires")
    if required_flag and not getattr(person, required_flag):
        return NotCredited(activity.index, activity.year, activity.kind, required_flag, clause)
    levels = spec.get("requires_application_levels")
    if levels and person.application.level not in levels:
        return NotCredited(activity.index, activity.year, activity.kind, "application", clause)
    return Credit(activity=activity.index, year=activity.year, subject=activity.subject,
                  hours=activity.hours or Fraction(0), clause=clause,
                  completes_professional=bool(spec.get("completes_requirement")))


def credit_all(person: Person, notice: Notice) -> list[Credit | NotCredited]:
    return [credit_activity(activity, person, notice) for activity in person.activities]

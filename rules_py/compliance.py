"""The yearly requirement, 二（一）: 公需 ≥ 30 and 专业 ≥ 60 学时 in the calendar year.

Surplus in one subject never fills the other: the notice sets a minimum for each.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from rules_py.hours import Credit, NotCredited
from rules_py.notice import Notice


@dataclass(frozen=True)
class YearStatus:
    year: int
    public: Fraction
    professional: Fraction
    public_required: int
    professional_required: int
    professional_by_exam: bool
    requirement_clause: str
    credits: tuple[Credit, ...]
    not_credited: tuple[NotCredited, ...]

    @property
    def public_missing(self) -> Fraction:
        return max(Fraction(0), self.public_required - self.public)

    @property
    def professional_missing(self) -> Fraction:
        if self.professional_by_exam:
            return Fraction(0)
        return max(Fraction(0), self.professional_required - self.professional)

    @property
    def missing_total(self) -> Fraction:
        return self.public_missing + self.professional_missing

    @property
    def met(self) -> bool:
        meets_public = self.public_missing == 0
        meets_professional = self.professional_missing == 0
        return meets_public and meets_professional

    @property
    def clauses(self) -> list[str]:
        cited = [self.requirement_clause]
        for credit in self.credits:
            if credit.clause not in cited:
                cited.append(credit.clause)
        return cited


def year_status(year: int, outcomes: list[Credit | NotCredited], notice: Notice) -> YearStatus:
    """Add up one calendar year's credits against the notice's two minimums."""
    credits = tuple(c for c in outcomes if isinstance(c, Credit) and c.year == year)
    not_credited = tuple(c for c in outcomes if isinstance(c, NotCredited) and c.year == year)
    requirements = notice.requirements
    return YearStatus(
        year=year,
        public=sum((c.hours for c in credits if c.subject == "public"), Fraction(0)),
        professional=sum((c.hours for c in credits if c.subject == "professional"), Fraction(0)),
        public_required=requirements["public_hours"],
        professional_required=requirements["professional_hours"],
        professional_by_exam=any(c.completes_professional for c in credits),
        credits=credits,
        not_credited=not_credited,
        requirement_clause=requirements["clause"],
    )

"""Load one notice's data file and check it before any rule reads it.

A notice file (``rules_py/notices/<id>.toml``) holds every number, date and clause id of one
published notice. Logic never spells those values itself; it asks the :class:`Notice`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

DEFAULT_NOTICE = "songshan-2025"

LEVELS = ("senior", "intermediate", "junior", "assessment", "none")
SUBJECTS = ("public", "professional")
# The Chinese a person reads for each code (messages never show a bare code).
LEVEL_NAMES = {
    "senior": "高级职称评审",
    "intermediate": "中级职称评审",
    "junior": "初级职称评审",
    "assessment": "考核认定职称",
    "none": "不申报",
}
SUBJECT_NAMES = {"public": "公需科目", "professional": "专业科目"}


class NoticeDataError(ValueError):
    """The notice file itself is inconsistent: a bug in the data, never the visitor's fault."""


@dataclass(frozen=True)
class Clause:
    id: str
    label: str
    title: str

    @property
    def citation(self) -> str:
        """How a person sees it: ``通知 二（五）1``."""
        return f"通知 {self.label}"


@dataclass(frozen=True)
class Notice:
    id: str
    data: dict

    # -- identity -------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def issued(self) -> dt.date:
        return self.data["issued"]

    @property
    def year(self) -> int:
        return self.data["training_year"]["year"]

    @property
    def rules_version(self) -> str:
        return self.data["rules_version"]

    def summary(self) -> dict:
        """The ``notice`` block of every result."""
        return {
            "id": self.id,
            "title": self.title,
            "issued": self.issued.isoformat(),
            "issuer": self.data["issuer"],
            "basis": self.data["basis"],
            "rules_version": self.rules_version,
        }

    # -- clauses --------------------------------------------------------------------------
    @property
    def clauses(self) -> dict[str, Clause]:
        return {cid: Clause(cid, c["label"], c["title"]) for cid, c in self.data["clauses"].items()}

    def clause(self, clause_id: str) -> Clause:
        try:
            return self.clauses[clause_id]
        except KeyError:
            raise NoticeDataError(f"clause {clause_id!r} is not in notice {self.id}") from None

    def cite(self, clause_id: str) -> str:
        return self.clause(clause_id).citation

    # -- sections the rules read ----------------------------------------------------------
    @property
    def requirements(self) -> dict:
        return self.data["requirements"]

    @property
    def minutes_per_hour(self) -> int:
        return self.data["conversion"]["minutes_per_hour"]

    @property
    def windows(self) -> dict:
        return self.data["application"]["windows"]

    @property
    def assessment(self) -> dict:
        return self.data["application"]["assessment"]

    @property
    def exemptions(self) -> dict:
        return self.data["exemptions"]

    @property
    def activity_kinds(self) -> dict[str, dict]:
        return self.data["activity_kinds"]

    @property
    def input_limits(self) -> dict:
        return self.data["input_limits"]

    @property
    def epidemic_policy_years(self) -> tuple[int, ...]:
        return tuple(self.exemptions["epidemic_frontline"]["policy_years"])

    def exemption_levels(self, code: str) -> tuple[str, ...]:
        """The levels a row of 二（五） covers: its own list, else the section's (职称评审)."""
        row = self.exemptions[code]
        return tuple(row.get("applies_to_levels", self.exemptions["applies_to_levels"]))

    def age_reference_date(self, year: int) -> dt.date:
        month, day = (int(part) for part in self.exemptions["age_reference"].split("-"))
        return dt.date(year, month, day)

    def cited_clause_ids(self) -> set[str]:
        """Every clause id that some value of this file names (a test checks each exists)."""
        found: set[str] = set()

        def walk(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key.endswith("clause") and isinstance(value, str):
                        found.add(value)
                    else:
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk({k: v for k, v in self.data.items() if k not in ("clauses", "not_modelled")})
        return found


def _validate(notice: Notice) -> None:
    data = notice.data
    for key in ("id", "title", "issuer", "issued", "rules_version", "training_year",
                "requirements", "conversion", "application", "exemptions", "activity_kinds",
                "input_limits", "clauses"):
        if key not in data:
            raise NoticeDataError(f"notice {notice.id}: missing section {key!r}")
    if data["id"] != notice.id:
        raise NoticeDataError(f"notice file {notice.id} says its id is {data['id']!r}")
    unknown = notice.cited_clause_ids() - set(data["clauses"])
    if unknown:
        raise NoticeDataError(f"notice {notice.id} cites unknown clauses {sorted(unknown)}")
    for kind, spec in data["activity_kinds"].items():
        if spec["subject"] not in (*SUBJECTS, "input"):
            raise NoticeDataError(f"activity kind {kind}: bad subject {spec['subject']!r}")
    for level, years in data["application"]["windows"].items():
        if isinstance(years, int) and level not in LEVELS:
            raise NoticeDataError(f"window for unknown level {level!r}")
    year = data["training_year"]
    if not (year["start"] <= year["end"] and year["start"].year == year["year"]):
        raise NoticeDataError("training year dates are inconsistent")
    limits = data["input_limits"]
    policy = data["exemptions"]["epidemic_frontline"].get("policy_years", [])
    if not policy or not all(limits["earliest_year"] <= y <= limits["latest_year"] for y in policy):
        raise NoticeDataError("epidemic_frontline.policy_years must name years within the input limits")
    for code, row in data["exemptions"].items():
        if isinstance(row, dict) and not set(row.get("applies_to_levels", [])) <= set(LEVELS):
            raise NoticeDataError(f"exemption {code}: unknown level in applies_to_levels")


@lru_cache(maxsize=None)
def load_notice(notice_id: str = DEFAULT_NOTICE) -> Notice:
    """Read ``notices/<notice_id>.toml`` (packaged with rules_py, so it also works in Pyodide)."""
    try:
        text = resources.files("rules_py.notices").joinpath(f"{notice_id}.toml").read_text("utf-8")
    except FileNotFoundError:
        raise NoticeDataError(f"no notice data file for {notice_id!r}") from None
    notice = Notice(notice_id, tomllib.loads(text))
    _validate(notice)
    return notice


def available_notices() -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in resources.files("rules_py.notices").iterdir()
                  if p.name.endswith(".toml"))

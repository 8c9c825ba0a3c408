"""Dates as people read and count them, shared by the engine, the forms and the site."""

from __future__ import annotations

import datetime as dt
import re

# The ways people write a date: 1975-06-30, 1975/6/30, 1975.6.30, 1975年6月30日. Anything else
# (ISO week dates such as 1975-W26-1, 19750630, 30/6/1975) is refused rather than guessed.
WRITTEN_DATES = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
)
ISO_DATE = (re.compile(r"(\d{4})-(\d{2})-(\d{2})"),)


def read_date(text: str, forms=WRITTEN_DATES) -> dt.date | None:
    """The date ``text`` writes in one of ``forms``; None when it follows none of them.
    Raises ValueError for a day the calendar does not have (1975-02-30)."""
    match = next((m for m in (form.fullmatch(text.strip()) for form in forms) if m), None)
    return None if match is None else dt.date(*(int(part) for part in match.groups()))


def cn_date(day: dt.date) -> str:
    """``2025年3月15日``, the way the notice writes dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def age_on(born: dt.date, day: dt.date) -> int:
    """Completed years of age on ``day``; a birthday on that very day counts as reached."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

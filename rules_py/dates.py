"""Dates as people read and count them, shared by the engine, the forms and the site."""

from __future__ import annotations

import datetime as dt


def cn_date(day: dt.date) -> str:
    """``2025年3月15日``, the way the notice writes dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def age_on(born: dt.date, day: dt.date) -> int:
    """Completed years of age on ``day``; a birthday on that very day counts as reached."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

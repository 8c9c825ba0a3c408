"""The key dates of the notice, each with its clause, and the same list as an iCalendar file."""

from __future__ import annotations

import datetime as dt

from rules_py.dates import cn_date


def key_dates(notice) -> list[dict]:
    """The dates of the notice in order, each with its clause; `alarm_days` sets a reminder."""
    ty, filing = notice.data["training_year"], notice.data["filing"]
    return [
        {"key": "training-year-start", "date": ty["start"], "clause": ty["clause"],
         "summary": f"{notice.year}年度继续教育培训开始", "alarm_days": None,
         "text": ty["quote"]},
        {"key": "notice-issued", "date": notice.issued, "clause": None,
         "summary": "通知印发", "alarm_days": None,
         "text": f"{notice.data['issuer']}印发《{notice.title}》。"},
        {"key": "roster-deadline", "date": filing["roster_deadline"], "clause": filing["clause"],
         "summary": f"花名册和专业科目培训计划报备截止（{cn_date(filing['roster_deadline'])}前）",
         "what": "行业主管部门报备花名册和专业科目培训计划，逾期不予受理",
         "alarm_days": 7, "text": filing["quote"]},
        {"key": "training-year-end", "date": ty["end"], "clause": ty["clause"],
         "summary": f"{notice.year}年度继续教育培训截止", "alarm_days": 30, "text": ty["quote"]},
    ]


def ics_calendar(notice, dates: list[dict]) -> bytes:
    """An iCalendar file (RFC 5545) of the dated events; fixed DTSTAMP so builds are identical."""
    stamp = notice.issued.strftime("%Y%m%dT000000Z")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{notice.id}//continuing-education site//ZH",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", _ics_text("X-WR-CALNAME", f"{notice.year}年继续教育重要日期")]
    for item in dates:
        if item["clause"] is None:
            continue
        day = item["date"]
        cite = notice.cite(item["clause"])
        lines += ["BEGIN:VEVENT", f"UID:{notice.id}-{item['key']}", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
                  _ics_text("SUMMARY", item["summary"]),
                  _ics_text("DESCRIPTION", f"{item['text']}（{cite}）\n依据：{notice.data['issuer']}《{notice.title}》"),
                  "TRANSP:TRANSPARENT"]
        if item["alarm_days"]:
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"TRIGGER:-P{item['alarm_days']}D",
                      _ics_text("DESCRIPTION", item["summary"]), "END:VALARM"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_ics_fold(line) + "\r\n" for line in lines).encode("utf-8")


def _ics_text(name: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return f"{name}:{escaped}"


def _ics_fold(line: str, limit: int = 75) -> str:
    """Fold at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1)."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)

"""Values: what a cell holds, read as a person means it (a number, a phone, a drop-down choice)
and shown back as the workbook displays it.

Pure functions of one value each; the checks (:mod:`rules_py.roster.checks`) decide what is a problem.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from rules_py import idcard
from rules_py.roster import bounds

# Accepted spellings of drop-down values (used only when the target is an allowed value).
CHOICE_ALIASES = {
    "男性": "男", "女性": "女",
    "网络": "网络培训", "线上": "网络培训", "线上培训": "网络培训", "在线": "网络培训", "在线培训": "网络培训",
    "网络学习": "网络培训",
    "面授": "面授培训", "线下": "面授培训", "线下培训": "面授培训", "现场": "面授培训", "现场培训": "面授培训",
    "集中面授": "面授培训",
    "混合": "网络+面授", "线上+线下": "网络+面授", "面授+网络": "网络+面授", "网络+面授培训": "网络+面授",
    "网络和面授": "网络+面授", "线上线下": "网络+面授", "其它": "其他",
}

EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#GETTING_DATA", "#SPILL!", "#CALC!"})

_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?")
_SERVICE = re.compile(r"(400|800)-?[0-9]{3}-?[0-9]{4}")
_PHONE_SPLIT = re.compile(r"[/、,，;；]|\s{2,}")
_EXTENSION = re.compile(r"\s*(转|分机|ext\.?|EXT\.?|x|X|#)\s*[0-9]{1,6}$")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SPACE_RUN = re.compile(r"\s+")


def parse_number(value) -> tuple[float | None, str | None]:
    """(number, None) or (None, why): why is "text", "error" (an Excel error value) or "date"."""
    if isinstance(value, bool):
        return None, "text"
    if isinstance(value, (int, float)):
        number = float(value)
        return (number, None) if math.isfinite(number) else (None, "text")
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return None, "date"
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text.upper() in EXCEL_ERRORS:
        return None, "error"
    if _NUMBER.fullmatch(text):
        number = float(text)
        return (number, None) if math.isfinite(number) else (None, "text")
    return None, "text"


def evaluate_formula(formula: str) -> float | None:
    """The value of a formula made only of numbers, + - * / and brackets (=12+18), else None."""
    tokens = re.findall(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+|[-+*/()]|\S", formula.lstrip("="))
    position = 0

    def peek():
        return tokens[position] if position < len(tokens) else None

    def take():
        nonlocal position
        position += 1
        return tokens[position - 1]

    def expression(depth=0):
        if depth > 50:
            raise ValueError
        value = term(depth)
        while peek() in ("+", "-"):
            value = value + term(depth) if take() == "+" else value - term(depth)
        return value

    def term(depth):
        value = factor(depth)
        while peek() in ("*", "/"):
            if take() == "*":
                value *= factor(depth)
            else:
                value /= factor(depth)
        return value

    def factor(depth):
        token = take() if peek() is not None else None
        if token in ("+", "-"):
            value = factor(depth + 1)
            return value if token == "+" else -value
        if token == "(":
            value = expression(depth + 1)
            if take() != ")":
                raise ValueError
            return value
        if token is None or not re.fullmatch(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", token):
            raise ValueError
        return float(token)

    try:
        value = expression()
        if position != len(tokens) or not math.isfinite(value):
            return None
        return value
    except (ValueError, ZeroDivisionError, IndexError, OverflowError, RecursionError):
        return None


def fmt(number: float) -> str:
    """A number as a clerk writes it: 30, 12.5, 0.00003 (six significant digits, never 3e-05)."""
    if float(number).is_integer() and abs(number) < 1e15:
        return str(int(number))
    text = f"{number:.6g}"
    if "e" in text:
        text = f"{number:.{max(0, 5 - math.floor(math.log10(abs(number))))}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    return text


def cell_text(value) -> str:
    """A cell value as the workbook shows it, roughly: an ID stored as a number reads 1.50404E+17."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (int, float)):
        if float(value).is_integer() and abs(value) >= 1e15:  # Excel keeps 15 digits and shows E+
            return f"{value:.5E}"
        return fmt(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else f"{value.date().isoformat()} {cell_text(value.time())}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):  # as a cell formatted h:mm (or h:mm:ss) shows it
        return f"{value.hour}:{value.minute:02d}" + (f":{value.second:02d}" if value.second else "")
    if isinstance(value, dt.timedelta):  # a cell formatted [h]:mm shows hours and minutes
        minutes = round(value.total_seconds() / 60)
        return f"{'-' if minutes < 0 else ''}{abs(minutes) // 60}:{abs(minutes) % 60:02d}"
    return str(value)


def decode_escapes(text: str) -> str:
    """Excel's escapes of control characters in stored text (``_x000D_`` is a carriage return)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def stray_characters(value, spaces: bool) -> list[str]:
    """What, besides the characters a number is made of, is hidden in a typed ID or phone:
    "空格" (only when ``spaces``), "换行", "全角字符", "看不见的字符"; empty when nothing."""
    if not isinstance(value, str) or (value.isascii() and value.isalnum()):
        return []  # the common case: plain digits (and letters, told elsewhere)
    found = []
    if spaces and re.search(r"[ \u3000\u00a0\t]", value):
        found.append("空格")
    if re.search(r"[\r\n\v\f\u2028\u2029]", value):
        found.append("换行")
    if re.search(r"[\uff01-\uff5e]", value):
        found.append("全角字符")
    if re.search(r"[\u200b-\u200f\u2060\ufeff\u00ad\u202a-\u202e]", value):
        found.append("看不见的字符")
    return found


def is_excel_error(value) -> bool:
    """An error value (#N/A, #DIV/0! …) a formula left in the cell."""
    return isinstance(value, str) and "#" in value[:2] and value.strip().upper() in EXCEL_ERRORS


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, ending in … when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def show(value) -> str:
    """A cell value as a person would recognise it in a message."""
    return shorten(cell_text(value), 40)


def json_value(value):
    if value is None or isinstance(value, (bool, int, str)):
        if isinstance(value, str) and len(value) > bounds.MAX_VALUE_CHARS:
            return value[:bounds.MAX_VALUE_CHARS] + "…"
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # a cell formatted [h]:mm: its hours and minutes, never "1 day, 6:00:00"
        return cell_text(value)
    return json_value(str(value))


def phone_problem(value) -> str | None:
    """None when the value is one or more valid phone numbers, else the reason: "lost_zero",
    "no_area_code" or "format"."""
    if isinstance(value, bool):
        return "format"
    if isinstance(value, (int, float)):
        text = idcard.number_as_text(value)
        if re.fullmatch(r"[1-9][0-9]{9,10}", text) and not _MOBILE.fullmatch(text):
            return "lost_zero"
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
    parts = [p for p in _PHONE_SPLIT.split(text) if p.strip()]
    if not parts:
        return "format"
    for part in parts:
        part = _EXTENSION.sub("", part.strip())  # 0476-8466847转8001: the extension is not dialled
        digits = re.sub(r"[\s\-—–()]", "", part)
        if digits.startswith("+86"):
            digits = digits[3:]
        elif digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        if _MOBILE.fullmatch(digits):
            continue
        dashed = _SPACE_RUN.sub("-", re.sub(r"[()]", " ", part).strip()).replace("—", "-").replace("–", "-")
        dashed = re.sub(r"-+", "-", dashed)
        if _LANDLINE.fullmatch(dashed) or _LANDLINE.fullmatch(digits) or _SERVICE.fullmatch(digits):
            continue
        if re.fullmatch(r"[2-9][0-9]{6,7}", digits):
            return "no_area_code"
        return "format"
    return None

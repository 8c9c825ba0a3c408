"""公民身份号码 (GB 11643-1999) as pure functions, for the roster check.

18 characters: 6-digit address code, 8-digit birth date YYYYMMDD, 3-digit sequence (odd for men,
even for women), 1 check character (ISO 7064 MOD 11-2; ``X`` stands for 10, a lower-case ``x``
is the same character). Numbers issued before 1999 have 15 digits: a 6-digit birth date YYMMDD
of the 1900s and no check character. Foreigners' permanent-residence numbers (2023 version)
begin with 9 and use the same check character; residence permits for Hong Kong, Macao and
Taiwan residents begin with 81, 82, 83 and follow the same rules.

Excel keeps only 15 significant digits of a number, so an 18-digit number typed into a number
cell has lost its last three digits for good: :func:`damaged_by_number` recognises it.

Standard library only; no I/O. Runs unchanged in Pyodide.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # index: weighted sum mod 11

# First two digits of a resident's number: province-level codes of GB/T 2260, plus 71 (台湾),
# 81 (香港), 82 (澳门) and 83 (台湾居民居住证). 9x: foreigners' permanent residence (2023).
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83",
})
FOREIGN_PREFIX = "9"

EARLIEST_BIRTH = dt.date(1900, 1, 1)
EXCEL_DIGITS = 15  # significant digits a number cell keeps

# Result kinds and problems of :func:`check_id`.
KIND_RESIDENT = "resident"     # 18 characters, GB 11643-1999
KIND_FOREIGN = "foreign"       # 18 characters beginning with 9 (外国人永久居留身份证)
KIND_LEGACY = "legacy15"       # 15 digits, GB 11643-1989

_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_ID15 = re.compile(r"[0-9]{15}")
_SCIENTIFIC = re.compile(r"[+-]?[0-9]+(\.[0-9]*)?E\+?[0-9]+")
_SPACES = re.compile(r"[\s\u200b\ufeff'‘’`]+")


def normalise(text: str) -> str:
    """The number as it should be compared: full-width forms to ASCII (NFKC), spaces, line breaks
    and a leading apostrophe removed, ``x`` upper-cased."""
    folded = unicodedata.normalize("NFKC", text)
    return _SPACES.sub("", folded).upper()


def check_char(first17: str) -> str:
    """The check character for the first 17 digits (``X`` for 10)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("check_char needs exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def checksum_ok(number: str) -> bool:
    number = normalise(number)
    return bool(_ID18.fullmatch(number)) and check_char(number[:17]) == number[17]


def upgrade_15(number15: str) -> str:
    """The 18-character number a 15-digit one became: ``19`` inserted before the year, check added."""
    number15 = normalise(number15)
    if not _ID15.fullmatch(number15):
        raise ValueError("upgrade_15 needs exactly 15 digits")
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_char(first17)


def birth_date(number: str) -> dt.date | None:
    """The birth date a number states, or None when it is not a real calendar date (or the number
    has neither 15 nor 18 characters)."""
    number = normalise(number)
    if _ID18.fullmatch(number):
        digits = number[6:14]
    elif _ID15.fullmatch(number):
        digits = "19" + number[6:12]
    else:
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def sex(number: str) -> str | None:
    """``"male"`` or ``"female"`` from the sequence digit (odd: male), None if not readable.
    Foreigners' numbers (first digit 9) are not read: their layout is not the resident one."""
    number = normalise(number)
    if _ID18.fullmatch(number) and not number.startswith(FOREIGN_PREFIX):
        digit = number[16]
    elif _ID15.fullmatch(number):
        digit = number[14]
    else:
        return None
    return "male" if int(digit) % 2 else "female"


def damaged_by_number(value: object) -> bool:
    """True when a cell value shows an ID that Excel or WPS stored as a number and cut to 15
    significant digits: a number of 16 digits or more, or text like ``1.50404E+17`` copied from
    such a cell. A 15-digit number survives intact (that is a legacy number, not damage)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        try:
            return abs(value) >= 10 ** EXCEL_DIGITS
        except OverflowError:  # pragma: no cover - inf compares fine; kept for odd numeric types
            return True
    if isinstance(value, str):
        return bool(_SCIENTIFIC.fullmatch(normalise(value)))
    return False


def number_as_text(value: int | float) -> str:
    """A numeric cell value written as the digits a person typed (``150404800501001.0`` →
    ``"150404800501001"``); non-integral values keep their decimal form."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


@dataclass(frozen=True)
class IdCheck:
    """What :func:`check_id` found. ``problem`` is None for a valid number, else one of
    ``stored_as_number``, ``format``, ``birthdate``, ``checksum``, ``legacy15``."""
    text: str                       # normalised input
    problem: str | None
    kind: str | None = None         # KIND_* when the shape is recognised
    birth_date: dt.date | None = None
    sex: str | None = None          # "male" / "female" / None (foreign or unreadable)
    expected_check: str | None = None   # for "checksum": the character the first 17 digits give
    upgraded: str | None = None     # for "legacy15": the 18-character number
    key: str | None = None          # what duplicates are compared by (18 characters), if shaped
    province_known: bool = True


def check_id(value: object, latest_birth: dt.date | None = None) -> IdCheck:
    """Check one ID value as a cell holds it (text, or a number Excel made of it).

    ``latest_birth``: a birth date after this day is impossible (e.g. the end of the training
    year); None skips that test. The order of problems: damage by number storage, shape
    (length and characters), birth date, check character; a valid 15-digit number reports
    ``legacy15`` with its 18-character form.
    """
    if damaged_by_number(value):
        text = number_as_text(value) if isinstance(value, (int, float)) else normalise(str(value))
        return IdCheck(text, "stored_as_number")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = number_as_text(value)
    else:
        text = normalise(str(value))

    if _ID18.fullmatch(text):
        kind = KIND_FOREIGN if text.startswith(FOREIGN_PREFIX) else KIND_RESIDENT
        key = text
    elif _ID15.fullmatch(text):
        kind, key = KIND_LEGACY, None
    else:
        return IdCheck(text, "format")

    born = birth_date(text)
    if born is None or born < EARLIEST_BIRTH or (latest_birth is not None and born > latest_birth):
        return IdCheck(text, "birthdate", kind, born, key=key or text)
    province_known = kind == KIND_FOREIGN or text[:2] in PROVINCES
    if kind == KIND_LEGACY:
        upgraded = upgrade_15(text)
        return IdCheck(text, "legacy15", kind, born, sex(text), upgraded=upgraded, key=upgraded,
                       province_known=province_known)
    expected = check_char(text[:17])
    if expected != text[17]:
        return IdCheck(text, "checksum", kind, born, sex(text), expected_check=expected, key=key,
                       province_known=province_known)
    return IdCheck(text, None, kind, born, sex(text), key=key, province_known=province_known)

"""Small .xlsx helpers shared by the workbooks this package writes: the blank forms
(:mod:`rules_py.blank_forms`) and the marked roster (:mod:`rules_py.roster.annotate`).

Pure Python (stdlib + openpyxl cells), no I/O.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile

# One fixed moment for docProps and every zip member, so a rebuild never changes a byte.
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)


def reproducible_xlsx(data: bytes, when: dt.datetime = FIXED_TIME) -> bytes:
    """Re-pack an .xlsx so its bytes depend only on its content.

    openpyxl stamps docProps with the save time and zipfile stamps each member with the local
    time; both are set to ``when``. Member order is kept as written.
    """
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, content)
            member = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, content, compresslevel=6)
    return out.getvalue()


def display_width(text: str) -> int:
    """Excel column-width units ``text`` takes: a CJK character two, a Latin one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    """Printed lines ``text`` needs in a wrapped cell ``width`` units wide (an estimate: Excel does
    not grow row heights of merged cells by itself)."""
    return sum(max(1, math.ceil(display_width(line) / max(width - 1, 1))) for line in text.split("\n"))


def set_text(cell, value) -> None:
    """Write ``value`` as literal text: a leading =, +, - or @ never becomes a formula."""
    text = "" if value is None else str(value)
    cell.value = text
    cell.data_type = "s"
    if text[:1] in ("=", "+", "-", "@"):
        cell.quotePrefix = True

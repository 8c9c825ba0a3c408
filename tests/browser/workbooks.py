"""Workbooks the browser tests give the roster and applicants pages (synthetic IDs only, from
testkit/roster_factory.py), and what reads a marked one back."""

from __future__ import annotations

import random
from pathlib import Path

from testkit import roster_factory as rf

HTML_XLS_BYTES = b"<html><body><table><tr><td>1</td></tr></table></body></html>"  # a web page named .xls
RANDOM_BYTES = random.Random(2025).randbytes(6000)


def planted_roster() -> bytes:
    """12 people on the blank form (附件2) with problems of ten kinds, errors and warnings."""
    rows = rf.people(12)
    last = rows[1]["id_number"][-1]
    rows[1]["id_number"] = rows[1]["id_number"][:-1] + ("0" if last != "0" else "1")  # id_checksum
    rows[2]["sex"] = "女" if rows[2]["sex"] == "男" else "男"                          # sex_mismatch
    rows[3]["id_number"] = rows[0]["id_number"]                                         # duplicate_id
    rows[4]["public_hours"] = "三十"                                                    # not_a_number
    rows[5]["professional_hours"] = -5                                                  # negative_hours
    rows[6]["total_hours"] = 999                                                        # total_mismatch
    rows[7]["public_hours"] = 20                                                        # warning
    rows[8]["phone"] = "12345"                                                          # phone_format
    rows[9]["name"] = None                                                              # missing_value
    rows[10]["professional_hours"] = 40                                                 # warning
    return rf.from_form(rows)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def fill_of(cell) -> str | None:
    """The solid fill colour of an openpyxl cell, None when it has none."""
    fill = cell.fill
    if fill is None or fill.fill_type != "solid":
        return None
    return fill.fgColor.rgb

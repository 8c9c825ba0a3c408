"""Roster workbooks of a given size for the benchmark, and the frictionless schema of their columns.

Each workbook is laid out as a clerk returns the blank 附件2: the 附件 label, the title and the
header line above the column headers (row 4), one person per row below, 合计 holding the value
Excel caches for its formula, and the signature line under the table. The people come from the
tests' roster factory (synthetic IDs with correct check characters, never a real person); about
2 % of rows carry a planted problem, so the checkers find and report something as they would on a
real file:

    every 50th row   ID number with a wrong check character           id_checksum (error)
    every 70th row   公需 20 学时 (below the 30 minimum)                public_below_minimum (warning)
    every 120th row  合计 ≠ 公需 + 专业                                 total_mismatch (error)
    every 200th row  phone number "12345"                             phone_format (error)
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook

from testkit import roster_factory

FORM = roster_factory.FORM


def rows(count: int) -> list[dict]:
    people = []
    for index in range(count):
        row = roster_factory.person(index)
        if index % 50 == 49:
            good = row["id_number"]
            row["id_number"] = good[:17] + ("0" if good[17] != "0" else "1")
        if index % 70 == 69:
            row["public_hours"] = 20
        row["total_hours"] = row["public_hours"] + row["professional_hours"]
        if index % 120 == 119:
            row["total_hours"] += 10
        if index % 200 == 199:
            row["phone"] = "12345"
        people.append(row)
    return people


def workbook_bytes(count: int) -> bytes:
    """An .xlsx of ``count`` people. Normal mode, not write-only: like Excel, it records the
    sheet's dimension (A1:M…), so readers pad short rows instead of seeing missing cells."""
    wb = Workbook()
    ws = wb.active
    ws.title = FORM.sheet_name
    ws.append([FORM.attachment])
    ws.append([FORM.title])
    for line in FORM.header_lines:
        ws.append(["　".join(line)])
    ws.append(list(FORM.headers))
    keys = FORM.keys
    for row in rows(count):
        ws.append([row.get(key) for key in keys])
    ws.append([FORM.signature_line])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_rosters(folder: Path, sizes: list[int]) -> dict[int, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for count in sizes:
        path = folder / f"roster-{count}.xlsx"
        if not path.exists():
            path.write_bytes(workbook_bytes(count))
        paths[count] = path
    return paths


def frictionless_schema() -> dict:
    """A Table Schema of the same columns and the same column rules, as far as Table Schema can
    say them: required, type, allowed values, ranges, the ID's shape and uniqueness, the phone's
    shape. (Check characters, 性别 against the ID, 合计 = 公需 + 专业 and the minimum warnings
    have no Table Schema form; rules_py checks those as well.)"""
    fields = []
    for col in FORM.columns:
        field = {"name": col.header, "type": "string", "constraints": {}}
        constraints = field["constraints"]
        if col.required:
            constraints["required"] = True
        if col.type == "integer":
            field["type"] = "integer"
        elif col.type == "decimal":
            field["type"] = "number"
        elif col.type == "choice":
            constraints["enum"] = list(col.allowed)
        elif col.type == "id_number":
            constraints["pattern"] = r"[1-9]\d{5}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dX]"
            constraints["unique"] = True
        elif col.type == "phone":
            constraints["pattern"] = r"(1[3-9]\d{9})|(0\d{2,3}-?\d{7,8})"
        if col.min_value is not None and field["type"] in ("integer", "number"):
            constraints["minimum"] = col.min_value
        if col.max_value is not None and field["type"] in ("integer", "number"):
            constraints["maximum"] = col.max_value
        if not constraints:
            del field["constraints"]
        fields.append(field)
    return {"fields": fields}


def frictionless_dialect() -> dict:
    """Header in row 4 of sheet 花名册, as in the blank form."""
    return {"headerRows": [FORM.header_row], "excel": {"sheet": FORM.sheet_name}}

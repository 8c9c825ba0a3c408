"""The rows the roster page shows under a report: the first rows that have problems, with every
column the report found, as the person's workbook displays them.

``preview_rows(data, report)`` reads only down to the last row it shows (openpyxl read-only mode
stops there), so a roster whose first problems sit near the top costs almost nothing. Pure Python,
no I/O; it runs in the page's worker beside the roster check and never raises.
"""

from __future__ import annotations

import io
import warnings

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from rules_py.roster.archive import as_bytes
from rules_py.roster.values import cell_text, shorten

PREVIEW_ROWS = 10        # rows with problems shown on the page
MAX_CELL_CHARS = 40      # a longer value is cut with "…"


def preview_rows(data: bytes, report: dict, limit: int = PREVIEW_ROWS) -> dict:
    """``{"columns": [{"key", "letter"}], "rows": [{"row", "cells": {letter: text}}], "problem_rows"}``.

    ``columns`` are the report's columns in sheet order; ``rows`` the first ``limit`` rows (sheet
    row numbers) that have a problem in a cell; ``problem_rows`` how many rows have one at all.
    Empty lists when the report is fatal, has no cell problems, or the rows cannot be read.
    """
    empty = {"columns": [], "rows": [], "problem_rows": 0}
    if not isinstance(report, dict) or report.get("fatal") or not report.get("sheet"):
        return empty
    sheet = report["sheet"]  # the main sheet: a workbook with several tables previews its first
    problem_rows = sorted({p["row"] for p in report.get("problems", [])
                           if p.get("cell") and p.get("row") and p.get("sheet", sheet) == sheet})
    columns = sorted(((letter, key) for key, letter in (report.get("columns") or {}).items()),
                     key=lambda item: column_index_from_string(item[0]))
    if not problem_rows or not columns:
        return dict(empty, problem_rows=len(problem_rows))
    wanted = problem_rows[:max(0, limit)]
    try:
        values = _read(as_bytes(data), report["sheet"], wanted, [letter for letter, _ in columns])
    except Exception:  # noqa: BLE001 -- a preview that cannot be read is simply not shown
        return dict(empty, problem_rows=len(problem_rows))
    return {
        "columns": [{"key": key, "letter": letter} for letter, key in columns],
        "rows": [{"row": number, "cells": values.get(number, {})} for number in wanted],
        "problem_rows": len(problem_rows),
    }


def _read(data: bytes, sheet: str, rows: list[int], letters: list[str]) -> dict[int, dict[str, str]]:
    indexes = {letter: column_index_from_string(letter) - 1 for letter in letters}
    width = max(indexes.values()) + 1
    wanted = set(rows)
    found: dict[int, dict[str, str]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        try:
            ws = workbook[sheet]
            for number, row in enumerate(ws.iter_rows(min_row=rows[0], max_row=rows[-1], min_col=1,
                                                      max_col=width, values_only=True), start=rows[0]):
                if number in wanted:
                    found[number] = {letter: display(row[i] if i < len(row) else None)
                                     for letter, i in indexes.items()}
        finally:
            workbook.close()
    return found


def display(value) -> str:
    """A cell value as the workbook shows it, on one short line."""
    return shorten(cell_text(value), MAX_CELL_CHARS)

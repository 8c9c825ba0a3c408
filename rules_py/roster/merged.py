"""Merged cells: a value typed once over a range (one 工作单位 merged down all rows of a school)
counts for every cell of the range.

openpyxl's read-only mode does not read a sheet's merged ranges, so they are read here from the
end of the sheet part (after its rows), and looked up by cell through an index, never by
scanning the ranges for each cell.
"""

from __future__ import annotations

import re

from openpyxl.utils.cell import range_boundaries

_MERGE = re.compile(rb'<(?:[A-Za-z]\w*:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')
_CHUNK = 1 << 20
MAX_INDEXED_CELLS = 2_000_000  # cells of merged ranges indexed (a bound on memory, far above real rosters)


def merged_ranges(ws) -> list[tuple[int, int, int, int]]:
    """``(min_col, min_row, max_col, max_row)`` (1-based) of every merged range of a read-only sheet."""
    source = getattr(ws, "_get_source", None)
    if source is None:
        return [tuple(r.bounds) for r in ws.merged_cells.ranges]
    parts: list[bytes] = []
    tail = b""
    with source() as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            if parts:
                parts.append(chunk)
                continue
            text = tail + chunk
            at = text.find(b"</sheetData>")
            if at >= 0:
                parts.append(text[at:])
            else:
                tail = text[-16:]
    found = []
    for match in _MERGE.finditer(b"".join(parts)):
        ref = match.group(1).decode()
        if ":" in ref:
            found.append(range_boundaries(ref))
    return found


class MergedIndex:
    """Which anchor (top-left cell) covers a cell of the columns read, in rows ``first..last``."""

    def __init__(self, ranges, columns: set[int], first: int, last: int):
        self.covered: dict[tuple[int, int], tuple[int, int]] = {}  # (row, col0) → (row, col0) of the anchor
        self.anchors: dict[int, list[int]] = {}                     # row → col0 of anchors in that row
        budget = MAX_INDEXED_CELLS
        for min_col, min_row, max_col, max_row in ranges:
            cols = [c - 1 for c in range(min_col, max_col + 1) if c - 1 in columns]
            top, bottom = max(min_row, first), min(max_row, last)
            if not cols or top > bottom:
                continue
            anchor = (min_row, min_col - 1)
            self.anchors.setdefault(min_row, []).append(min_col - 1)
            for row in range(top, bottom + 1):
                for col in cols:
                    if (row, col) != anchor:
                        self.covered[(row, col)] = anchor
            budget -= (bottom - top + 1) * len(cols)
            if budget <= 0:
                break
        self.values: dict[tuple[int, int], object] = {}

    def __bool__(self) -> bool:
        return bool(self.covered)

    def remember(self, row_number: int, row: tuple) -> None:
        """Keep the values of anchors in this row, for the rows below that they cover."""
        for col in self.anchors.get(row_number, ()):
            self.values[(row_number, col)] = row[col] if col < len(row) else None

    def value(self, row_number: int, col: int, row: tuple):
        """The value a covered cell shows (its anchor's), or None."""
        anchor = self.covered.get((row_number, col))
        if anchor is None:
            return None
        if anchor[0] == row_number:
            return row[anchor[1]] if anchor[1] < len(row) else None
        return self.values.get(anchor)

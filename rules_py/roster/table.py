"""Finding the table: which sheet and row hold the header, which column is which key of the
form, and the rows of people below it (notes, totals and blank rows left out).

Parameterised by a forms spec (:mod:`rules_py.forms`): any form whose columns carry the keys
``name`` or ``id_number`` is found the same way. Reads in openpyxl's read-only mode, so memory
follows the rows kept, not the sheet's size.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

from rules_py.forms import NOTES_SHEET, Column, Form, normalise_header
from rules_py.roster import bounds
from rules_py.roster.archive import READ_ERRORS, damaged, open_workbook
from rules_py.roster.codes import SUMMARY_TITLE, Fatal
from rules_py.roster.merged import MergedIndex, merged_ranges
from rules_py.roster.rows import BLANK, row_kind
from rules_py.roster.values import decode_escapes

# A header row names at least one of these columns (with MIN_HEADER_MATCHES names in all).
ANCHOR_KEYS = frozenset({"name", "id_number"})

_DECORATION = re.compile(r"^[*★☆※]+|[(\[【][^()\[\]【】]*[)\]】]$")



@dataclass
class Table:
    sheet: str
    header_row: int                      # the row with the most recognised names
    data_start: int                      # first row below the header (block)
    columns: dict[str, int]              # spec key → 0-based column index
    headers: dict[str, str]              # spec key → header text as written in the workbook
    rows: list[tuple[int, tuple]] = field(default_factory=list)  # (row number, values in form.keys order)
    formulas: dict[tuple[int, str], str] = field(default_factory=dict)  # uncached formulas found
    unknown_headers: list[str] = field(default_factory=list)  # header cells naming no column of the form
    skipped: dict[str, list[int]] = field(default_factory=dict)  # rows that are not people, by kind (rows.py)
    empty_results: set[tuple[int, str]] = field(default_factory=set)  # formulas whose saved result is ""


@dataclass
class Workbook:
    """The tables of people found in a workbook, the first the main one, and the sheets left alone."""
    tables: list[Table]
    skipped_sheets: list[str] = field(default_factory=list)   # content, but no header of the form
    empty_sheets: list[str] = field(default_factory=list)     # a header, but no one below it


def read_tables(data: bytes, form: Form, on_progress, max_rows: int | None = None) -> Workbook:
    """Every sheet that holds a table of the form, read; the main one (named like the form's sheet,
    else the best header) first, the others in workbook order. More than ``max_rows`` people in
    all (default ``bounds.MAX_ROWS``) is too large."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = open_workbook(data, data_only=True)
            try:
                found = _find_tables(workbook, form)
                _read_all_rows(workbook, found, form, on_progress, max_rows or bounds.MAX_ROWS)
            finally:
                workbook.close()
            for table in found.tables:
                _recheck_formulas(data, table, form)
    except Fatal:
        raise
    except MemoryError:  # a valid file this device cannot hold: the advice is to split, not to re-save
        raise Fatal("too_large", "设备内存不足，无法读完这个文件；请把花名册拆成几个较小的文件分别检查。",
                    detected="out_of_memory") from None
    except READ_ERRORS as error:
        raise damaged(error) from None
    except Exception as error:  # defusedxml's own errors and anything else from the parser
        raise damaged(error) from None
    return found


def _read_all_rows(workbook, found: Workbook, form: Form, on_progress, max_rows: int) -> None:
    """Read each table's rows; a table with no one below its header is dropped (and named),
    unless no table has anyone: then the main table's "empty" is the answer."""
    kept, first_empty, people = [], None, 0
    for table in found.tables:
        try:
            _read_rows(workbook, table, form, on_progress, people, max_rows)
        except Fatal as fatal:
            if fatal.code != "empty":
                raise
            first_empty = first_empty or fatal
            found.empty_sheets.append(table.sheet)
            continue
        people += len(table.rows)
        kept.append(table)
    if not kept:
        raise first_empty
    found.tables = kept


def header_lookup(form: Form) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for col in form.columns:
        for text in col.accepted_headers:
            lookup.setdefault(text, col)
    return lookup


def match_header(lookup: dict[str, Column], value) -> Column | None:
    if not isinstance(value, str) or len(value) > 60:
        return None
    text = normalise_header(value)
    col = lookup.get(text)
    while col is None:
        stripped = _DECORATION.sub("", text)
        if stripped == text or not stripped:
            break
        text = stripped
        col = lookup.get(text)
    return col


def _row_matches(lookup, row) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for index, value in enumerate(row):
        col = match_header(lookup, value)
        if col is not None and col.key not in found:
            found[col.key] = (index, value)
    return found


def _find_tables(workbook, form: Form) -> Workbook:
    lookup = header_lookup(form)
    candidates = []  # (score, sheet index, table)
    skipped, any_content = [], False
    for sheet_index, ws in enumerate(workbook.worksheets[:bounds.MAX_SHEETS]):
        rows = [tuple(row) for row in ws.iter_rows(min_row=1, max_row=bounds.HEADER_SCAN_ROWS + 1, min_col=1,
                                                   max_col=bounds.MAX_COLUMNS, values_only=True)]
        content = any(is_filled(v) for row in rows for v in row)
        any_content = any_content or content
        best = _best_header(lookup, rows)
        if best is None:
            if content and not _is_our_summary(rows) and ws.title != NOTES_SHEET:
                skipped.append(ws.title)
            continue
        matches, header_row = best
        score = (ws.title == form.sheet_name, len(matches), -sheet_index)
        candidates.append((score, sheet_index, _table_at(lookup, ws.title, header_row, matches, rows)))
    if not candidates:
        raise _no_header(form, any_content)
    main = max(candidates, key=lambda c: c[0])
    others = [c[2] for c in sorted(candidates, key=lambda c: c[1]) if c is not main]
    return Workbook([main[2], *others], skipped)


def _best_header(lookup, rows) -> tuple[dict, int] | None:
    """The row of a sheet's first rows that names the most columns (enough of them), 1-based."""
    best = None
    for offset, row in enumerate(rows[:bounds.HEADER_SCAN_ROWS]):
        matches = _row_matches(lookup, row)
        if len(matches) < bounds.MIN_HEADER_MATCHES or not (ANCHOR_KEYS & set(matches)):
            continue
        if best is None or len(matches) > len(best[0]):
            best = (matches, offset + 1)
    return best


def _is_our_summary(rows) -> bool:
    """The summary sheet of a marked copy this tool wrote (see annotate.py): not a sheet to name."""
    first = rows[0][0] if rows and rows[0] else None
    return isinstance(first, str) and first.startswith(SUMMARY_TITLE)


def _no_header(form: Form, any_content: bool) -> Fatal:
    if not any_content:
        return Fatal("empty", "工作簿中没有任何内容。请确认上传的是填好并保存过的花名册。")
    looked_for = "；".join(f"{c.header}（或 {'、'.join(c.synonyms)}）" if c.synonyms else c.header
                          for c in form.columns if c.required or c.key == "seq")
    return Fatal("no_header", f"没有找到花名册的表头。本工具在每个工作表的前 {bounds.HEADER_SCAN_ROWS} 行中查找这些栏目名称："
                 f"{looked_for}。至少要认出其中 {bounds.MIN_HEADER_MATCHES} 个（包括“姓名”或“身份证号码”）。"
                 f"请使用附件2的空白表格，或把表头改成上述名称后再检查。", detected="no_header")


def _table_at(lookup, title: str, header_row: int, matches, rows) -> Table:
    """The table whose header is ``header_row`` of the sheet's first ``rows``."""
    data_start = header_row + 1
    # A two-row header (e.g. “学时” merged over 公需 / 专业 / 合计): names in the next row fill gaps.
    # Only cells left empty in the header row itself count (the merged cells of a group header).
    primary = rows[header_row - 1]
    below = rows[header_row] if header_row < len(rows) else ()
    if below:
        extra = _sub_header_matches(lookup, below, primary, matches)
        filled = sum(1 for v in below if is_filled(v))
        if extra and len(extra) * 2 >= filled:
            matches = {**matches, **extra}
            data_start = header_row + 2
    # …or the names of vertically merged columns one row above a sub-header row.
    if header_row >= 2:
        extra = _gap_matches(lookup, rows[header_row - 2], primary, matches)
        if extra:
            matches = {**matches, **extra}
    columns = {key: index for key, (index, _) in matches.items()}
    headers = {key: str(text) for key, (_, text) in matches.items()}
    sub_header = below if data_start == header_row + 2 else ()
    return Table(title, header_row, data_start, columns, headers,
                 unknown_headers=_unknown_headers(primary, sub_header, set(columns.values())))


def _unknown_headers(primary, sub_header, taken: set[int]) -> list[str]:
    """Header cells that name no column of the form (a group label over recognised sub-columns is
    not one of them)."""
    unknown = []
    for index, value in enumerate(primary):
        if index in taken or not is_filled(value):
            continue
        if index < len(sub_header) and is_filled(sub_header[index]):
            continue  # a group label: its sub-columns speak for it
        unknown.append(" ".join(str(value).split()))
    return unknown


def _sub_header_matches(lookup, row, primary, matches) -> dict[str, tuple[int, str]]:
    """Names in the row below the header, under a merged group label: under “培训学时” the
    sub-columns “公需 / 专业 / 合计” mean 公需学时 / 专业学时 / 合计学时."""
    taken = {index for index, _ in matches.values()}
    found: dict[str, tuple[int, str]] = {}
    for index, value in enumerate(row):
        if index in taken or not isinstance(value, str) or not value.strip():
            continue
        group = next((primary[i] for i in range(min(index, len(primary) - 1), -1, -1) if is_filled(primary[i])), None)
        candidates = [value]
        if isinstance(group, str) and "学时" in group and "学时" not in value:
            candidates.insert(0, value.strip() + "学时")
        for text in candidates:
            col = match_header(lookup, text)
            if col is not None and col.key not in matches and col.key not in found:
                found[col.key] = (index, value)
                break
    return found


def _gap_matches(lookup, row, primary, matches) -> dict[str, tuple[int, str]]:
    taken = {index for index, _ in matches.values()}
    return {key: (index, text) for key, (index, text) in _row_matches(lookup, row).items()
            if key not in matches and index not in taken
            and not (index < len(primary) and is_filled(primary[index]))}


def is_filled(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def _read_rows(workbook, table: Table, form: Form, on_progress, people_before: int, max_rows: int) -> None:
    ws = workbook[table.sheet]
    keys = form.keys
    indexes = [table.columns.get(key) for key in keys]
    width = max(i for i in indexes if i is not None) + 1
    content_positions = [pos for pos, key in enumerate(keys)
                         if indexes[pos] is not None and key != "seq" and not form.column(key).computed]
    pairs = [(pos, i) for pos, i in enumerate(indexes) if i is not None]
    lookup = header_lookup(form)
    own_lines = {normalise_header(line) for line in form.footer_lines}
    header_match = lambda text: match_header(lookup, text)  # noqa: E731
    last = table.data_start + bounds.MAX_SHEET_ROWS
    merged = MergedIndex(merged_ranges(ws), {i for _, i in pairs}, table.data_start, last)
    blank_run = 0
    row_number = table.data_start - 1
    for row in ws.iter_rows(min_row=table.data_start, max_row=last, min_col=1, max_col=width,
                            values_only=True):
        row_number += 1
        if on_progress is not None and (row_number - table.data_start + 1) % 1000 == 0:
            on_progress(row_number - table.data_start + 1)
        values = _row_values(row, pairs, len(keys))
        kind = row_kind(values, keys, header_match)
        if merged:
            merged.remember(row_number, row)
        if all(values[pos] is None for pos in content_positions):
            kind = kind or BLANK  # a number in 序号 or a computed 合计 alone is an unused row
        elif merged:
            _fill_merged(values, row, row_number, pairs, merged)
        if kind is not None:
            if kind != BLANK and not (kind == "footer" and _is_blank_form_line(values, own_lines)):
                table.skipped.setdefault(kind, []).append(row_number)
            blank_run += 1
            if blank_run >= bounds.MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        _add_person(table, row_number, values, people_before, max_rows)
    else:
        if row_number >= last and not blank_run:
            raise Fatal("too_large", f"工作表在表头下方有超过 {bounds.MAX_SHEET_ROWS} 行内容，超出本工具的上限。"
                        "请删除多余的行，或拆分成几个文件分别检查。", detected="sheet_rows")
    if not table.rows:
        raise Fatal("empty", f"找到了表头（工作表“{table.sheet}”第 {table.header_row} 行），但下面没有填写任何人员。"
                    "请填写后再检查。", sheet=table.sheet, header_row=table.header_row)


def _is_blank_form_line(values, own_lines: set[str]) -> bool:
    """A footer line the blank form itself wrote (signature, where the instructions are); merged
    over the row, its text may stand in every cell."""
    texts = {normalise_header(value) for value in values if isinstance(value, str)}
    return len(texts) == 1 and texts <= own_lines


def _row_values(row: tuple, pairs, size: int) -> list:
    """The values of the form's columns in one sheet row, in form order; blank text is None."""
    values = [None] * size
    for pos, index in pairs:
        value = row[index] if index < len(row) else None
        if isinstance(value, str):
            value = decode_escapes(value) if value.strip() else None
        values[pos] = value
    return values


def _fill_merged(values: list, row: tuple, row_number: int, pairs, merged: MergedIndex) -> None:
    """Empty cells covered by a merged range show the range's value (only in rows that hold
    something of their own: a range running on below the last person adds no one)."""
    for pos, index in pairs:
        if values[pos] is None:
            value = merged.value(row_number, index, row)
            if not (isinstance(value, str) and not value.strip()):
                values[pos] = value


def _add_person(table: Table, row_number: int, values: list, people_before: int, max_rows: int) -> None:
    table.rows.append((row_number, tuple(values)))
    if people_before + len(table.rows) > max_rows:
        raise Fatal("too_large", f"花名册超过 {max_rows} 行人员，超出本工具一次能检查的上限。请拆分成几个文件"
                    f"（每个不超过 {max_rows} 行）分别检查。", detected="rows")


def _recheck_formulas(data: bytes, table: Table, form: Form) -> None:
    """Cells that read as empty may be formulas without a cached value (files written by
    programs other than Excel/WPS). Look at those cells' formulas in a second, formula-mode read,
    which only happens when such cells exist."""
    required = [pos for pos, key in enumerate(form.keys)
                if key in table.columns and form.column(key).required and not form.column(key).computed]
    wanted: dict[int, list[int]] = {}
    for number, values in table.rows:
        missing = [pos for pos in required if values[pos] is None]
        if missing:
            wanted[number] = missing
    if not wanted:
        return
    keys = form.keys
    workbook = open_workbook(data, data_only=False)
    try:
        ws = workbook[table.sheet]
        first, last = min(wanted), max(wanted)
        width = max(table.columns.values()) + 1
        for number, row in enumerate(ws.iter_rows(min_row=first, max_row=last, min_col=1, max_col=width,
                                                  values_only=True), start=first):
            for pos in wanted.get(number, ()):
                index = table.columns[keys[pos]]
                value = row[index] if index < len(row) else None
                text = getattr(value, "text", value)  # ArrayFormula keeps its text in .text
                if isinstance(text, str) and text.startswith("="):
                    table.formulas[(number, keys[pos])] = text
    finally:
        workbook.close()
    if table.formulas:
        _find_empty_results(data, table)


def _find_empty_results(data: bytes, table: Table) -> None:
    """Formulas whose saved result is the empty text (=IF(A5="","",…)): the cell is unfilled,
    not a formula to recalculate. Their cells are typed "str" with no value."""
    wanted = {(number, table.columns[key]): key for number, key in table.formulas}
    rows = [number for number, _ in wanted]
    workbook = open_workbook(data, data_only=True)
    try:
        ws = workbook[table.sheet]
        width = max(table.columns.values()) + 1
        for number, row in enumerate(ws.iter_rows(min_row=min(rows), max_row=max(rows), min_col=1,
                                                  max_col=width), start=min(rows)):
            for cell in row:
                key = wanted.get((number, getattr(cell, "column", 0) - 1))
                if key is not None and cell.value is None and cell.data_type == "str":
                    table.empty_results.add((number, key))
    finally:
        workbook.close()

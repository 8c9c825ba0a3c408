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

from rules_py.forms import Column, Form, normalise_header
from rules_py.roster import bounds
from rules_py.roster.archive import READ_ERRORS, damaged, open_workbook
from rules_py.roster.codes import Fatal

# A header row names at least one of these columns (with MIN_HEADER_MATCHES names in all).
ANCHOR_KEYS = frozenset({"name", "id_number"})

NOTE_PREFIXES = ("注", "说明", "备注：", "备注:", "填表", "填报", "制表", "审核", "单位负责人", "负责人",
                 "联系人", "单位盖章", "（单位盖章", "(单位盖章")
TOTAL_LABELS = frozenset({"合计", "总计", "小计", "合计:", "总计:"})
EXAMPLE_LABELS = frozenset({"示例", "例", "样例", "填写示例", "例:", "示例:", "举例"})
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


def read_table(data: bytes, form: Form, on_progress, max_rows: int | None = None) -> Table:
    """The table of ``form`` in the workbook; more than ``max_rows`` people (default
    ``bounds.MAX_ROWS``) is too large."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = open_workbook(data, data_only=True)
            try:
                table = _find_header(workbook, form)
                _read_rows(workbook, table, form, on_progress, max_rows or bounds.MAX_ROWS)
            finally:
                workbook.close()
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
    return table


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


def _find_header(workbook, form: Form) -> Table:
    lookup = header_lookup(form)
    best = None  # (score tuple, sheet title, row number, matches, rows)
    any_content = False
    for sheet_index, ws in enumerate(workbook.worksheets[:bounds.MAX_SHEETS]):
        rows = [tuple(row) for row in ws.iter_rows(min_row=1, max_row=bounds.HEADER_SCAN_ROWS + 1, min_col=1,
                                                   max_col=bounds.MAX_COLUMNS, values_only=True)]
        if not any_content and any(is_filled(v) for row in rows for v in row):
            any_content = True
        for offset, row in enumerate(rows[:bounds.HEADER_SCAN_ROWS]):
            matches = _row_matches(lookup, row)
            if len(matches) < bounds.MIN_HEADER_MATCHES or not (ANCHOR_KEYS & set(matches)):
                continue
            score = (len(matches), ws.title == form.sheet_name, -sheet_index, -offset)
            if best is None or score > best[0]:
                best = (score, ws.title, offset + 1, matches, rows)
    if best is None:
        raise _no_header(form, any_content)
    return _table_at(lookup, *best[1:])


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


def _read_rows(workbook, table: Table, form: Form, on_progress, max_rows: int) -> None:
    ws = workbook[table.sheet]
    keys = form.keys
    indexes = [table.columns.get(key) for key in keys]
    width = max(i for i in indexes if i is not None) + 1
    content_positions = [pos for pos, key in enumerate(keys)
                         if indexes[pos] is not None and key != "seq" and not form.column(key).computed]
    pairs = [(pos, i) for pos, i in enumerate(indexes) if i is not None]
    blank_values = (None,) * len(keys)
    blank_run = 0
    rows = table.rows
    last = table.data_start + bounds.MAX_SHEET_ROWS
    row_number = table.data_start - 1
    for row in ws.iter_rows(min_row=table.data_start, max_row=last, min_col=1, max_col=width,
                            values_only=True):
        row_number += 1
        if on_progress is not None and (row_number - table.data_start + 1) % 1000 == 0:
            on_progress(row_number - table.data_start + 1)
        values = list(blank_values)
        for pos, index in pairs:
            value = row[index] if index < len(row) else None
            if isinstance(value, str) and not value.strip():
                value = None
            values[pos] = value
        if all(values[pos] is None for pos in content_positions) or _is_note_row(values, keys):
            blank_run += 1
            if blank_run >= bounds.MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        rows.append((row_number, tuple(values)))
        if len(rows) > max_rows:
            raise Fatal("too_large", f"花名册超过 {max_rows} 行人员，超出本工具一次能检查的上限。请拆分成几个文件"
                         f"（每个不超过 {max_rows} 行）分别检查。", detected="rows")
    else:
        if row_number >= last and not blank_run:
            raise Fatal("too_large", f"工作表在表头下方有超过 {bounds.MAX_SHEET_ROWS} 行内容，超出本工具的上限。"
                         "请删除多余的行，或拆分成几个文件分别检查。", detected="sheet_rows")
    if not rows:
        raise Fatal("empty", f"找到了表头（工作表“{table.sheet}”第 {table.header_row} 行），但下面没有填写任何人员。"
                     "请填写后再检查。", sheet=table.sheet, header_row=table.header_row)


def _is_note_row(values: tuple, keys: tuple) -> bool:
    """A signature line, a note, an example label or a 合计 row below or inside the table."""
    filled = [(key, value) for key, value in zip(keys, values) if value is not None]
    if not filled:
        return True
    first_key, first = filled[0]
    label = normalise_header(first) if isinstance(first, str) else None
    if label in EXAMPLE_LABELS and first_key in ("seq", "name"):
        return True
    if label in TOTAL_LABELS and first_key in ("seq", "name") and "id_number" not in dict(filled):
        return True
    if len(filled) == 1 and isinstance(first, str) and first_key not in ("id_number", "phone") \
            and not first_key.endswith("_hours"):
        text = first.strip()
        return first_key == "seq" or text.startswith(NOTE_PREFIXES) or len(text) >= 12
    return False


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

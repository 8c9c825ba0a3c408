"""The marked workbook: the person's own workbook with every listed problem's cell filled (red
error, yellow warning) and commented, and a summary sheet listing the problems with links.

A re-checked marked copy loses the marks of the earlier run first (cells commented by AUTHOR),
so marks never pile up, and each marked cell gets back the fill and comment the clerk had given it:
those are kept, when a cell is marked, on a very hidden sheet of ours (ORIGINALS_SHEET; openpyxl
keeps it across load and save, Excel and WPS do not list it). Values are written back as literal
text (:func:`rules_py.xlsx.set_text`): a value that looks like a formula stays text.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from copy import copy

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from rules_py.forms import Form
from rules_py.notice import Notice
from rules_py.roster.codes import (AUTHOR, ERROR, ERROR_FILL, OLD_COMMENT_MARK, ORIGINALS_SHEET, ORIGINALS_TITLE,
                                  PROBLEM_CODES, SUMMARY_SHEET, SUMMARY_TITLE, WARNING, WARNING_FILL)
from rules_py.roster.values import cell_text
from rules_py.xlsx import reproducible_xlsx, set_text, wrapped_lines


SUMMARY_HEADINGS = ("序号", "单元格", "行", "栏目", "问题", "级别", "当前值", "说明", "修改建议")
SUMMARY_WIDTHS = (6, 9, 6, 16, 22, 6, 22, 48, 48)
_LINK_FONT = Font(color="FF0563C1", underline="single")
_WRAP = Alignment(wrap_text=True, vertical="top")
_ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")


def _fill(color: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=color, end_color=color)


FILLS = {ERROR: _fill(ERROR_FILL), WARNING: _fill(WARNING_FILL)}


def annotate(data: bytes, report: dict, notice: Notice, form: Form, *, codes: dict = PROBLEM_CODES,
             intro: list[str] | None = None, mark_sheet=None) -> bytes:
    """The marked copy of the workbook ``data`` for its ``report``, as reproducible .xlsx bytes.

    Another form's check passes its code catalogue (``codes``), the summary's first lines
    (``intro``) and ``mark_sheet(ws)``, called on the checked sheet after the problem cells are marked."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # keep_links: formulas that refer to other workbooks keep their links (no file is opened);
        # rich_text: a cell with several fonts keeps them.
        workbook = load_workbook(io.BytesIO(data), data_only=False, keep_links=True, rich_text=True)
    originals = Originals.read(workbook)
    for title in list(workbook.sheetnames):
        if _is_our_summary(workbook[title]):  # an earlier run's summary, never a sheet of the clerk's
            del workbook[title]
    kept = Originals()
    for title in checked_sheets(report):
        ws = workbook[title]
        clear_previous(ws, originals)
        mark_cells(ws, [p for p in report["problems"] if p.get("sheet", report["sheet"]) == title], codes, kept)
        if mark_sheet is not None:
            mark_sheet(ws)
    kept.write(workbook)
    summary = workbook.create_sheet(free_title(workbook.sheetnames, SUMMARY_SHEET), 0)
    workbook.active = 0
    for sheet in workbook.worksheets:
        sheet.sheet_view.tabSelected = sheet is summary
    write_summary(summary, report, notice, form, codes=codes, intro=intro)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible_xlsx(buffer.getvalue())


def free_title(taken, wanted: str) -> str:
    """``wanted``, or ``wanted(2)``, ``wanted(3)`` … : a sheet title no sheet of the workbook has."""
    lower = {title.casefold() for title in taken}
    title, number = wanted, 1
    while title.casefold() in lower:
        number += 1
        title = f"{wanted}({number})"
    return title


def _is_our_summary(ws) -> bool:
    first = ws.cell(row=1, column=1).value
    return isinstance(first, str) and first.startswith(SUMMARY_TITLE)


# -- the problem cells

def checked_sheets(report: dict) -> list[str]:
    """The sheets the report checked, the main one first."""
    return [entry["sheet"] for entry in report.get("sheets") or ()] or [report["sheet"]]


def mark_cells(ws, problems: list[dict], codes: dict = PROBLEM_CODES, kept: Originals | None = None) -> None:
    """Fill and comment each problem cell (a merged-over cell: its range's top-left cell); what
    the cell had before goes into ``kept``."""
    by_cell: dict[str, list[dict]] = {}
    for problem in problems:
        if problem["cell"]:
            by_cell.setdefault(problem["cell"], []).append(problem)
    anchors = _merged_anchors(ws, {ref for ref in by_cell if isinstance(ws[ref], MergedCell)})
    for ref, cell_problems in by_cell.items():
        cell = ws[ref]
        if ref in anchors:
            cell = ws.cell(row=anchors[ref][0], column=anchors[ref][1])
        if kept is not None:
            kept.remember(ws.title, cell)
        _mark(cell, cell_problems, codes)


def _merged_anchors(ws, refs: set[str]) -> dict[str, tuple[int, int]]:
    """The top-left cell (row, column) of the merged range holding each of ``refs``: one pass
    over the ranges, each looking up the wanted cells of its rows (no scan per cell)."""
    if not refs:
        return {}
    wanted: dict[int, dict[int, str]] = {}
    for ref in refs:
        cell = ws[ref]
        wanted.setdefault(cell.row, {})[cell.column] = ref
    found: dict[str, tuple[int, int]] = {}
    for merged in ws.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for column, ref in wanted.get(row, {}).items():
                if merged.min_col <= column <= merged.max_col:
                    found[ref] = (merged.min_row, merged.min_col)
    return found


def _mark(cell, problems: list[dict], codes: dict) -> None:
    severity = ERROR if any(p["severity"] == ERROR for p in problems) else WARNING
    cell.fill = FILLS[severity]
    text = "\n".join(f"【{codes[p['code']]['title']}】{strip_where(p['message'])}\n{p['hint']}"
                     for p in problems)
    old = cell.comment
    if old is not None and old.author != AUTHOR and old.text:
        text += f"\n{OLD_COMMENT_MARK}{old.author or ''}\n{old.text}"  # the author comes back on re-check
    lines = sum(1 + len(line) // 18 for line in text.split("\n"))
    cell.comment = Comment(text, AUTHOR, height=min(600, 20 + 16 * lines), width=300)


def clear_previous(ws, originals: Originals | None = None) -> None:
    """Remove this tool's marks from an earlier run (a re-checked annotated copy): each marked
    cell gets back the fill and comment ``originals`` kept for it (a fill the clerk changed since
    stays); a copy made before they were kept loses our fill and keeps the comment quoted in ours."""
    # Only the cells the sheet holds (iter_rows would visit the whole used range, which a
    # hostile dimension can make astronomically large).
    for cell in list(ws._cells.values()):
        comment = cell.comment
        if comment is None or comment.author != AUTHOR:
            continue
        kept = originals.get(ws.title, cell.coordinate) if originals is not None else None
        if kept is not None:
            fill, text, author = kept
            cell.comment = Comment(text, author) if text else None
        else:
            old = (comment.text or "").split(f"\n{OLD_COMMENT_MARK}", 1)
            author, _, text = old[1].partition("\n") if len(old) == 2 else ("", "", "")
            cell.comment = Comment(text, author) if len(old) == 2 else None
            fill = PatternFill()
        if _is_our_fill(cell.fill):
            cell.fill = fill


def _is_our_fill(fill) -> bool:
    return fill is not None and fill.fill_type == "solid" and getattr(fill.fgColor, "rgb", None) in (ERROR_FILL, WARNING_FILL)


class Originals:
    """The fill and comment each marked cell had before our marks, by (sheet, cell), as the marked
    copy carries them: one row per cell on a very hidden sheet whose first cell starts with
    SUMMARY_TITLE (so a re-check, the table finder included, knows it as ours). Column C carries the
    cell's fill as its own style, D and E the comment's text and author."""

    FIRST_ROW = 3

    def __init__(self):
        self.cells: dict[tuple[str, str], tuple] = {}

    @classmethod
    def read(cls, workbook) -> Originals:
        originals = cls()
        for ws in workbook.worksheets:
            if ws.sheet_state == "visible" or not _is_our_summary(ws):
                continue
            for row in ws.iter_rows(min_row=cls.FIRST_ROW, max_col=5):
                sheet, ref = (row[0].value, row[1].value)
                text, author = row[3].value, row[4].value
                if isinstance(sheet, str) and isinstance(ref, str):
                    originals.cells[(sheet, ref)] = (copy(row[2].fill), text or "", author or "")
        return originals

    def get(self, sheet: str, ref: str):
        return self.cells.get((sheet, ref))

    def remember(self, sheet: str, cell) -> None:
        comment = cell.comment
        ours = comment is not None and comment.author == AUTHOR
        self.cells.setdefault((sheet, cell.coordinate), (
            copy(cell.fill), "" if comment is None or ours else comment.text or "",
            "" if comment is None or ours else comment.author or ""))

    def write(self, workbook) -> None:
        if not self.cells:
            return
        ws = workbook.create_sheet(free_title(workbook.sheetnames, ORIGINALS_SHEET))
        ws.sheet_state = "veryHidden"
        set_text(ws.cell(row=1, column=1), f"{SUMMARY_TITLE}{ORIGINALS_TITLE}")
        for column, heading in enumerate(("工作表", "单元格", "原填充", "原批注", "原批注作者"), start=1):
            set_text(ws.cell(row=2, column=column), heading)
        for row, ((sheet, ref), (fill, text, author)) in enumerate(self.cells.items(), start=self.FIRST_ROW):
            for column, value in enumerate((sheet, ref, "", text, author), start=1):
                set_text(ws.cell(row=row, column=column), value)
            ws.cell(row=row, column=3).fill = fill


def strip_where(message: str) -> str:
    """A problem's message without its leading "第 N 行 X 列：" (the comment sits at that cell)."""
    return re.sub(r"^(工作表“[^”]*”)?第 [0-9]+ 行 [A-Z]+ 列：", "", message)


# -- the summary sheet

def write_summary(summary, report: dict, notice: Notice, form: Form, *, codes: dict = PROBLEM_CODES,
                  intro: list[str] | None = None) -> None:
    """The intro lines, one row per listed problem (its cell a link), and the print layout."""
    lines = intro if intro is not None else _intro_lines(report, notice)
    _write_intro(summary, lines)
    header_row = len(lines) + 2
    for index, (heading, width) in enumerate(zip(SUMMARY_HEADINGS, SUMMARY_WIDTHS), start=1):
        cell = summary.cell(row=header_row, column=index)
        set_text(cell, heading)
        cell.font = Font(bold=True)
        summary.column_dimensions[get_column_letter(index)].width = width
    headers = {c.key: c.header for c in form.columns}
    several = len(checked_sheets(report)) > 1
    for number, problem in enumerate(report["problems"], start=1):
        _write_problem_row(summary, header_row + number, number, problem, headers,
                           problem.get("sheet") or report["sheet"], several, codes)
    if not report["problems"]:
        set_text(summary.cell(row=header_row + 1, column=1), "未发现问题。")
    _summary_layout(summary, header_row, len(report["problems"]))


def _intro_lines(report: dict, notice: Notice) -> list[str]:
    s = report["summary"]
    return [
        f"{SUMMARY_TITLE}{report['file']}",
        _where_checked(report) + f"检查了 {report['rows_checked']} 行人员；"
        f"发现 {s['errors']} 个错误、{s['warnings']} 个提醒。"
        + (f"（仅列出前 {len(report['problems'])} 个，另有 {report['problems_omitted']} 个未列出。）"
           if report["problems_omitted"] else ""),
        f"依据：{notice.title}。错误的单元格标为红色、提醒标为黄色，鼠标移到单元格上可看批注；点“单元格”列可跳转。",
        "本文件是检查工具另存的副本：请在原文件上修改后重新检查。"
        + (f"原文件中的{'、'.join(report['annotation_lacks'].values())}在本副本中没有保留。"
           if report.get("annotation_lacks") else ""),
        *(f"说明：{note['message']}" for note in report.get("notes", ())),
    ]


def _where_checked(report: dict) -> str:
    sheets = report.get("sheets") or [{"sheet": report["sheet"], "header_row": report["header_row"]}]
    return "、".join(f"工作表“{entry['sheet']}”（表头在第 {entry['header_row']} 行）" for entry in sheets) + "，"


def _write_intro(summary, lines: list[str]) -> None:
    last_letter = get_column_letter(len(SUMMARY_HEADINGS))
    for index, line in enumerate(lines, start=1):
        cell = summary.cell(row=index, column=1)
        set_text(cell, line)
        cell.alignment = _WRAP
        summary.merge_cells(f"A{index}:{last_letter}{index}")
        summary.row_dimensions[index].height = 15 * _text_lines(line, sum(SUMMARY_WIDTHS)) + 4
        if index == 1:
            cell.font = Font(bold=True, size=14)
            summary.row_dimensions[index].height = 24


def _write_problem_row(summary, row: int, number: int, problem: dict, headers: dict, sheet: str,
                       several: bool, codes: dict) -> None:
    sheet_ref = "'" + sheet.replace("'", "''") + "'"
    shown_cell = (f"{sheet}!" if several else "") + (problem["cell"] or "") if problem["cell"] else ""
    values = (number, shown_cell, problem["row"] if problem["cell"] else "",
              headers.get(problem["field"], problem["field"]), codes[problem["code"]]["title"],
              "错误" if problem["severity"] == ERROR else "提醒",
              _shown_value(problem["value"]),
              strip_where(problem["message"]), problem["hint"])
    for column, value in enumerate(values, start=1):
        cell = summary.cell(row=row, column=column)
        if column in (1, 3) and isinstance(value, int):
            cell.value = value
        else:
            set_text(cell, value)
        cell.alignment = _WRAP
    summary.row_dimensions[row].height = 15 * max(
        _text_lines(str(v), w) for v, w in zip(values, SUMMARY_WIDTHS)) + 4
    if problem["cell"]:
        link = summary.cell(row=row, column=2)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{sheet_ref}!{problem['cell']}",
                                   tooltip="跳转到该单元格")
        link.font = _LINK_FONT
    summary.cell(row=row, column=6).fill = FILLS[problem["severity"]]


def _shown_value(value) -> str:
    """A problem's value as the cell shows it: a date the report holds as ISO text without its T."""
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
        return cell_text(dt.datetime.fromisoformat(value))
    return cell_text(value)


def _summary_layout(summary, header_row: int, listed: int) -> None:
    last_letter = get_column_letter(len(SUMMARY_HEADINGS))
    summary.freeze_panes = f"A{header_row + 1}"
    summary.auto_filter.ref = f"A{header_row}:{last_letter}{header_row + max(1, listed)}"
    summary.print_title_rows = f"{header_row}:{header_row}"
    summary.page_setup.orientation = summary.ORIENTATION_LANDSCAPE
    summary.page_setup.paperSize = summary.PAPERSIZE_A4
    summary.sheet_properties.pageSetUpPr.fitToPage = True
    summary.page_setup.fitToWidth, summary.page_setup.fitToHeight = 1, 0


def _text_lines(text: str, width: float) -> int:
    """Lines a wrapped cell needs, at most 20 (a long value must not make a giant row)."""
    return min(wrapped_lines(text, width), 20)

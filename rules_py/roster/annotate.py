"""The marked workbook: the person's own workbook with every listed problem's cell filled (red
error, yellow warning) and commented, and a summary sheet listing the problems with links.

A re-checked marked copy loses the marks of the earlier run first (cells commented by AUTHOR),
so marks never pile up. Values are written back as literal text (:func:`rules_py.xlsx.set_text`):
a value that looks like a formula stays text.
"""

from __future__ import annotations

import io
import re
import warnings

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from rules_py.forms import Form
from rules_py.notice import Notice
from rules_py.roster.codes import ERROR, PROBLEM_CODES, WARNING
from rules_py.roster.values import cell_text
from rules_py.xlsx import reproducible_xlsx, set_text, wrapped_lines

SUMMARY_SHEET = "问题汇总"
AUTHOR = "花名册自查"
ERROR_FILL = "FFFFC7CE"    # light red
WARNING_FILL = "FFFFEB9C"  # light yellow
OLD_COMMENT_MARK = "——原批注——"
ANNOTATION_ERROR = "无法生成标注版工作簿（文件中可能有本工具无法保存的内容），请按问题列表逐项修改。"

SUMMARY_HEADINGS = ("序号", "单元格", "行", "栏目", "问题", "级别", "当前值", "说明", "修改建议")
SUMMARY_WIDTHS = (6, 9, 6, 16, 22, 6, 22, 48, 48)
_LINK_FONT = Font(color="FF0563C1", underline="single")
_WRAP = Alignment(wrap_text=True, vertical="top")


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
        workbook = load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    ws = workbook[report["sheet"]]
    if SUMMARY_SHEET in workbook.sheetnames:
        del workbook[SUMMARY_SHEET]
    clear_previous(ws)
    mark_cells(ws, report["problems"], codes)
    if mark_sheet is not None:
        mark_sheet(ws)
    summary = workbook.create_sheet(SUMMARY_SHEET, 0)
    workbook.active = 0
    for sheet in workbook.worksheets:
        sheet.sheet_view.tabSelected = sheet is summary
    write_summary(summary, report, notice, form, codes=codes, intro=intro)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible_xlsx(buffer.getvalue())


# -- the problem cells

def mark_cells(ws, problems: list[dict], codes: dict = PROBLEM_CODES) -> None:
    """Fill and comment each problem cell (a merged-over cell: its range's top-left cell)."""
    by_cell: dict[str, list[dict]] = {}
    for problem in problems:
        if problem["cell"]:
            by_cell.setdefault(problem["cell"], []).append(problem)
    merged_ranges = list(ws.merged_cells.ranges)
    for ref, cell_problems in by_cell.items():
        cell = ws[ref]
        if isinstance(cell, MergedCell):
            for merged in merged_ranges:
                if ref in merged:
                    cell = ws.cell(row=merged.min_row, column=merged.min_col)
                    break
        _mark(cell, cell_problems, codes)


def _mark(cell, problems: list[dict], codes: dict) -> None:
    severity = ERROR if any(p["severity"] == ERROR for p in problems) else WARNING
    cell.fill = FILLS[severity]
    text = "\n".join(f"【{codes[p['code']]['title']}】{strip_where(p['message'])}\n{p['hint']}"
                     for p in problems)
    old = cell.comment
    if old is not None and old.author != AUTHOR and old.text:
        text += f"\n{OLD_COMMENT_MARK}\n{old.text}"
    lines = sum(1 + len(line) // 18 for line in text.split("\n"))
    cell.comment = Comment(text, AUTHOR, height=min(600, 20 + 16 * lines), width=300)


def clear_previous(ws) -> None:
    """Remove this tool's marks from an earlier run (a re-checked annotated copy)."""
    ours = {ERROR_FILL, WARNING_FILL}
    # Only the cells the sheet holds (iter_rows would visit the whole used range, which a
    # hostile dimension can make astronomically large).
    for cell in list(ws._cells.values()):
        comment = cell.comment
        if comment is not None and comment.author == AUTHOR:
            old = (comment.text or "").split(f"\n{OLD_COMMENT_MARK}\n", 1)
            cell.comment = Comment(old[1], "") if len(old) == 2 else None
            fill = cell.fill
            if fill is not None and fill.fill_type == "solid" and getattr(fill.fgColor, "rgb", None) in ours:
                cell.fill = PatternFill()


def strip_where(message: str) -> str:
    """A problem's message without its leading "第 N 行 X 列：" (the comment sits at that cell)."""
    return re.sub(r"^第 [0-9]+ 行 [A-Z]+ 列：", "", message)


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
    sheet_ref = "'" + report["sheet"].replace("'", "''") + "'"
    for number, problem in enumerate(report["problems"], start=1):
        _write_problem_row(summary, header_row + number, number, problem, headers, sheet_ref, codes)
    if not report["problems"]:
        set_text(summary.cell(row=header_row + 1, column=1), "未发现问题。")
    _summary_layout(summary, header_row, len(report["problems"]))


def _intro_lines(report: dict, notice: Notice) -> list[str]:
    s = report["summary"]
    return [
        f"花名册自查结果：{report['file']}",
        f"工作表“{report['sheet']}”，表头在第 {report['header_row']} 行，检查了 {report['rows_checked']} 行人员；"
        f"发现 {s['errors']} 个错误、{s['warnings']} 个提醒。"
        + (f"（仅列出前 {len(report['problems'])} 个，另有 {report['problems_omitted']} 个未列出。）"
           if report["problems_omitted"] else ""),
        f"依据：{notice.title}。错误的单元格标为红色、提醒标为黄色，鼠标移到单元格上可看批注；点“单元格”列可跳转。",
        "本文件是检查工具另存的副本：请在原文件上修改后重新检查，以免丢失原文件中本工具不支持的内容（如图片、图表）。",
        *(f"说明：{note['message']}" for note in report.get("notes", ())),
    ]


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


def _write_problem_row(summary, row: int, number: int, problem: dict, headers: dict, sheet_ref: str,
                       codes: dict) -> None:
    values = (number, problem["cell"] or "", problem["row"] if problem["cell"] else "",
              headers.get(problem["field"], problem["field"]), codes[problem["code"]]["title"],
              "错误" if problem["severity"] == ERROR else "提醒",
              cell_text(problem["value"]),
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

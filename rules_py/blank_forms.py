"""Write the blank 附件1 / 附件2 workbooks from the forms spec (:mod:`rules_py.forms`).

A clerk downloads these, fills them in Excel or WPS and files them; the roster checker later reads
them back. Everything a workbook enforces (drop-downs, number limits, text-formatted ID column,
the 合计 formula, print layout) comes from the spec, so the checker and the form never disagree.
Output is byte-reproducible: same spec, same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import pathlib

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from rules_py.forms import (CHOICE, DATE, DECIMAL, ID_NUMBER, INTEGER, MAX_PROMPT_TITLE, NOTES_SHEET, TEXT_STORED,
                            Column, Form, forms_for)
from rules_py.notice import Notice
# FIXED_TIME and reproducible_xlsx stay importable from here (build.py and the tests use them).
from rules_py.xlsx import FIXED_TIME, display_width, reproducible_xlsx, wrapped_lines  # noqa: F401

FONT_NAME = "宋体"
FONT = Font(name=FONT_NAME, size=11)
FONT_BOLD = Font(name=FONT_NAME, size=11, bold=True)
FONT_TITLE = Font(name=FONT_NAME, size=18, bold=True)
FONT_LABEL = Font(name="黑体", size=12)
FONT_SMALL = Font(name=FONT_NAME, size=9)
THIN = Side(style="thin", color="FF000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9D9D9", end_color="FFD9D9D9")
COMPUTED_FILL = PatternFill(fill_type="solid", start_color="FFF2F2F2", end_color="FFF2F2F2")
MISMATCH_FILL = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")  # light red
PAGE_NUMBER = "第 &P 页，共 &N 页"
WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
LINE_HEIGHT = 14.5  # points per printed line at 11 pt
ERROR_TITLE = "输入有误"


def form_workbook_bytes(form: Form) -> bytes:
    """The blank workbook of ``form`` as .xlsx bytes, identical on every run."""
    wb = Workbook()
    ws = wb.active
    ws.title = form.sheet_name
    _write_form_sheet(ws, form)
    _write_notes_sheet(wb.create_sheet(NOTES_SHEET), form)
    wb.properties.title = form.title
    buffer = io.BytesIO()
    wb.save(buffer)
    return reproducible_xlsx(buffer.getvalue())


def write_blank_forms(out_dir: str | pathlib.Path, notice: Notice) -> list[pathlib.Path]:
    """Write every form of ``notice`` into ``out_dir``; returns the paths in attachment order."""
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for form in forms_for(notice):
        path = out / form.filename
        path.write_bytes(form_workbook_bytes(form))
        paths.append(path)
    return paths


# -- the form sheet ---------------------------------------------------------------------------

def _write_form_sheet(ws: Worksheet, form: Form) -> None:
    ncols = len(form.columns)
    last_col = get_column_letter(ncols)
    widths = [c.width for c in form.columns]
    for index, col in enumerate(form.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = col.width

    ws["A1"] = form.attachment
    ws["A1"].font = FONT_LABEL
    ws["A2"] = form.title
    ws["A2"].font = FONT_TITLE
    ws["A2"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A2:{last_col}2")
    ws.row_dimensions[2].height = 36

    for row, labels in enumerate(form.header_lines, start=form.header_row - len(form.header_lines)):
        weights = [display_width(label) + 10 for label in labels]
        for label, (first, last) in zip(labels, _spans(widths, weights)):
            cell = ws.cell(row=row, column=first + 1, value=label)
            cell.font = FONT
            cell.alignment = Alignment(horizontal="left", vertical="center", shrink_to_fit=True)
            if last > first:
                ws.merge_cells(start_row=row, start_column=first + 1, end_row=row, end_column=last + 1)
        ws.row_dimensions[row].height = 24

    header = form.header_row
    for index, col in enumerate(form.columns, start=1):
        cell = ws.cell(row=header, column=index, value=col.header)
        cell.font, cell.alignment, cell.border, cell.fill = FONT_BOLD, WRAP_CENTER, BOX, HEADER_FILL
    ws.row_dimensions[header].height = max(wrapped_lines(c.header, c.width) for c in form.columns) * LINE_HEIGHT + 6

    for index, col in enumerate(form.columns, start=1):
        _format_column(ws, index, col)
        _add_validation(ws, form, index, col)
    _rule_filled_rows(ws, form)

    ws.freeze_panes = f"A{form.first_data_row}"
    ws.print_title_rows = f"{header}:{header}"
    _page_setup(ws)
    _signature_footer(ws, form)


# The blank's rows hold no cell at all: a cell with a border, a fill or a formula is part of the
# sheet's used range, which Excel, WPS and LibreOffice print when no print area is set (and a
# fixed print area over 200 ruled rows printed a 10-person roster on 5 pages). So the typing
# formats are the columns' own styles (a cell typed in takes them: the ID column stays text), the
# rules appear by conditional formatting on rows with something in them, and the signature line is
# the printed page footer, under the data on every page. Data validation is no content either.

def _format_column(ws: Worksheet, index: int, col: Column) -> None:
    """The column's style, which every cell typed into it takes."""
    centred = col.type in (INTEGER, DECIMAL, CHOICE, DATE)
    dimension = ws.column_dimensions[get_column_letter(index)]
    dimension.font = FONT
    dimension.alignment = WRAP_CENTER if centred else WRAP_LEFT
    if col.type in TEXT_STORED:
        dimension.number_format = TEXT_FORMAT
    elif col.type == DATE:
        dimension.number_format = DATE_FORMAT


def total_formula(form: Form, col: Column, row: int) -> str:
    """What a computed column of ``row`` holds when a clerk lets the sheet add it up (blank while
    its parts are blank, so an unused row is not read as 0 hours)."""
    refs = [f"{get_column_letter(form.keys.index(key) + 1)}{row}" for key in col.sum_of]
    empty = ",".join(f'{r}=""' for r in refs)
    return f'=IF(AND({empty}),"",{"+".join(f"N({r})" for r in refs)})'


def _rule_filled_rows(ws: Worksheet, form: Form) -> None:
    """Borders on every row with something typed in it; a computed column (合计) shaded, and red
    when it is not the sum of its parts."""
    first, last = form.first_data_row, form.last_data_row
    last_col = get_column_letter(len(form.columns))
    filled = f"COUNTA($A{first}:${last_col}{first})>0"
    ws.conditional_formatting.add(f"A{first}:{last_col}{last}", FormulaRule(formula=[filled], border=BOX))
    for index, col in enumerate(form.columns, start=1):
        if not col.computed:
            continue
        letter = get_column_letter(index)
        parts = "+".join(f"N(${get_column_letter(form.keys.index(key) + 1)}{first})" for key in col.sum_of)
        ws.conditional_formatting.add(f"{letter}{first}:{letter}{last}", FormulaRule(
            formula=[f'AND(${letter}{first}<>"",N(${letter}{first})<>{parts})'], fill=MISMATCH_FILL,
            border=BOX, stopIfTrue=True))
        ws.conditional_formatting.add(f"{letter}{first}:{letter}{last}", FormulaRule(
            formula=[filled], fill=COMPUTED_FILL, border=BOX))


def _signature_footer(ws: Worksheet, form: Form) -> None:
    """The signature line at the foot of every printed page, the page number beside it."""
    signature, _ = form.footer_lines
    ws.oddFooter.left.text = signature
    ws.oddFooter.left.size = 11
    ws.oddFooter.left.font = FONT_NAME
    ws.oddFooter.center.text = None
    ws.oddFooter.right.text = PAGE_NUMBER
    ws.oddFooter.right.size = 9
    ws.page_margins.bottom = 0.9  # room to sign above the footer
    ws.page_margins.footer = 0.4


def _add_validation(ws: Worksheet, form: Form, index: int, col: Column) -> None:
    letter = get_column_letter(index)
    first = f"{letter}{form.first_data_row}"
    dv = DataValidation(allow_blank=True, showInputMessage=True,
                        promptTitle=col.header[:MAX_PROMPT_TITLE], prompt=col.prompt)
    error = None
    if col.type == CHOICE:
        dv.type, dv.formula1 = "list", '"' + ",".join(col.allowed) + '"'
        error = "请从下拉列表中选择：" + "、".join(col.allowed) + "。"
    elif col.type in (INTEGER, DECIMAL) and not col.computed:
        dv.type = "whole" if col.type == INTEGER else "decimal"
        kind = "整数" if col.type == INTEGER else "数字"
        if col.max_value is None:
            dv.operator, dv.formula1 = "greaterThanOrEqual", _num(col.min_value)
            error = f"请输入不小于{_num(col.min_value)}的{kind}。"
        else:
            dv.operator, dv.formula1, dv.formula2 = "between", _num(col.min_value), _num(col.max_value)
            error = f"请输入{_num(col.min_value)}到{_num(col.max_value)}之间的{kind}。"
    elif col.type == DATE:
        start, end = _excel_date(col.min_value), _excel_date(col.max_value)
        if col.not_before:
            earlier = f"{get_column_letter(form.keys.index(col.not_before) + 1)}{form.first_data_row}"
            dv.type = "custom"
            dv.formula1 = f'AND(ISNUMBER({first}),{first}>={start},{first}<={end},OR({earlier}="",{first}>={earlier}))'
            error = f"请输入本年度内的日期（如 {col.example}），且不早于{form.column(col.not_before).header}。"
        else:
            dv.type, dv.operator, dv.formula1, dv.formula2 = "date", "between", start, end
            error = f"请输入本年度内的日期，如 {col.example}。"
    elif col.type == ID_NUMBER and col.length:
        dv.type, dv.operator, dv.formula1 = "textLength", "equal", str(col.length)
        error = f"身份证号码应为{col.length}位，末位X大写。"
    if error:
        dv.showErrorMessage, dv.errorTitle, dv.error = True, ERROR_TITLE, error
    ws.add_data_validation(dv)
    dv.add(f"{first}:{letter}{form.last_data_row}")


# -- the 填表说明 sheet ------------------------------------------------------------------------

NOTES_WIDTHS = (20, 8, 70, 24)


def _write_notes_sheet(ws: Worksheet, form: Form) -> None:
    for index, width in enumerate(NOTES_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    span = sum(NOTES_WIDTHS)
    ws["A1"] = NOTES_SHEET
    ws["A1"].font = FONT_TITLE
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells("A1:D1")
    ws.row_dimensions[1].height = 36
    ws["A2"] = f"{form.attachment}　《{form.title}》"
    ws["A2"].font = FONT_BOLD
    ws.merge_cells("A2:D2")

    row = 3
    for number, note in enumerate(form.notes, start=1):
        text = f"{number}. {note}"
        cell = ws.cell(row=row, column=1, value=text)
        cell.font, cell.alignment = FONT, WRAP_LEFT
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        ws.row_dimensions[row].height = wrapped_lines(text, span) * LINE_HEIGHT + 4
        row += 1

    row += 1
    for index, text in enumerate(("栏目", "是否必填", "填写要求", "示例"), start=1):
        cell = ws.cell(row=row, column=index, value=text)
        cell.font, cell.alignment, cell.border, cell.fill = FONT_BOLD, WRAP_CENTER, BOX, HEADER_FILL
    ws.print_title_rows = f"{row}:{row}"
    for col in form.columns:
        row += 1
        need = "必填" if col.required else "选填"
        values = (col.header, need, col.prompt, col.example)
        for index, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=index, value=value)
            cell.font, cell.border = FONT, BOX
            cell.alignment = WRAP_CENTER if index == 2 else WRAP_LEFT
            cell.number_format = TEXT_FORMAT
        ws.row_dimensions[row].height = max(wrapped_lines(v, w) for v, w in zip(values, NOTES_WIDTHS)) * LINE_HEIGHT + 4
    ws.print_area = f"A1:D{row}"
    _page_setup(ws, pages_tall=1)  # instructions stay on one sheet of paper


# -- shared helpers ---------------------------------------------------------------------------

def _page_setup(ws: Worksheet, pages_tall: int = 0) -> None:
    """A4 landscape, one page wide; ``pages_tall`` 0 lets the table run on as many pages as it needs."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, pages_tall
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = PAGE_NUMBER
    ws.oddFooter.center.size = 9


def _spans(widths: list[float], weights: list[float]) -> list[tuple[int, int]]:
    """Split the columns into len(weights) consecutive runs whose widths follow the weights
    (0-based inclusive column indexes); every run gets at least one column."""
    total, total_weight = sum(widths), sum(weights)
    cumulative, acc = [], 0.0
    for width in widths:
        acc += width
        cumulative.append(acc)
    spans, start, done = [], 0, 0.0
    for i, weight in enumerate(weights):
        done += weight
        if i == len(weights) - 1:
            end = len(widths) - 1
        else:
            target = total * done / total_weight
            candidates = range(start, len(widths) - (len(weights) - 1 - i))
            end = min(candidates, key=lambda j: abs(cumulative[j] - target))
        spans.append((start, end))
        start = end + 1
    return spans


def _num(value: float | None) -> str:
    return str(int(value)) if value is not None and float(value).is_integer() else str(value)


def _excel_date(day: dt.date) -> str:
    return f"DATE({day.year},{day.month},{day.day})"

"""The marked workbook of the applicants check: the roster's marked copy (problem cells filled and
commented, a 问题汇总 sheet), plus 结论 and 说明 columns beside the table, coloured by verdict."""

from __future__ import annotations

import re

from openpyxl.styles import Alignment, Font, PatternFill

from rules_py.applicants.codes import PROBLEM_CODES
from rules_py.forms import Form
from rules_py.notice import Notice
from rules_py.roster.annotate import annotate as annotate_roster_workbook
from rules_py.roster.codes import ERROR, ERROR_FILL
from rules_py.wording import STATUS_NAMES
from rules_py.xlsx import set_text

VERDICT_HEADER = "结论"
EXPLANATION_HEADER = "说明"
OWN_HEADERS = (VERDICT_HEADER, EXPLANATION_HEADER)
SETTLED = ("met", "not_restrictive", "not_required")
NO_VERDICT = "有错误，未核对"
SHORT_VERDICTS = {"met": "已满足", "not_restrictive": "不作为限制性条件", "not_required": "不要求"}
_GREEN, _ORANGE = "FFC6EFCE", "FFF8CBAD"
VERDICT_FILLS = {**{status: _GREEN for status in SETTLED}, "not_met": _ORANGE, None: ERROR_FILL}


def verdict(row: dict) -> str:
    """What the 结论 column says: 已满足 / 尚差 N 学时 / 不作为限制性条件 / 不要求 / 有错误，未核对."""
    status = row["status"]
    if status is None:
        return NO_VERDICT
    if status == "not_met":
        missing = sum(gap["public"] + gap["professional"] for gap in row["result"]["application"]["missing"])
        return f"尚差 {missing:g} 学时"
    return SHORT_VERDICTS.get(status, STATUS_NAMES[status])


def explanation(row: dict, notice: Notice) -> str:
    """What the 说明 column says: the engine's sentence and its clauses, or the row's errors."""
    if row["status"] is None:
        errors = [re.sub(r"^第 [0-9]+ 行 ", "", p["message"]).rstrip("。") for p in row["problems"]
                  if p["severity"] == ERROR]
        if not errors:
            return "表头缺少必填列（见问题汇总），这一行未核对。"
        return "请先改正：" + "；".join(errors) + "。"
    application = row["result"]["application"]
    reasons = "".join(e["text"] for e in application["exemptions"] if e["applied"])
    clauses = "、".join(notice.clause(c).label for c in application["clauses"])
    return f"{application['text']}{reasons}（依据：通知 {clauses}）"


def annotate(data: bytes, report: dict, notice: Notice, form: Form) -> bytes:
    """The marked copy of ``data`` for an applicants ``report`` (not fatal), as .xlsx bytes."""
    flat = {**report, "problems": report["problems"] + [p for row in report["rows"] for p in row["problems"]]}
    return annotate_roster_workbook(data, flat, notice, form, codes=PROBLEM_CODES,
                                    intro=_intro_lines(report, notice),
                                    mark_sheet=lambda ws: _verdict_columns(ws, report))


def _verdict_columns(ws, report: dict) -> None:
    header = report["header_row"]
    last, own = 0, {}
    for cell in ws[header]:
        text = cell.value.strip() if isinstance(cell.value, str) else cell.value
        if text in OWN_HEADERS:
            own[text] = cell.column
        elif text not in (None, ""):
            last = cell.column
    verdict_col = own.get(VERDICT_HEADER, last + 1)
    explanation_col = own.get(EXPLANATION_HEADER, verdict_col + 1)
    for column, text, width in ((verdict_col, VERDICT_HEADER, 16), (explanation_col, EXPLANATION_HEADER, 60)):
        cell = ws.cell(row=header, column=column)
        set_text(cell, text)
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = width
    if ws.print_area:  # the blank prints its own columns only: print the verdicts too
        ws.print_area = f"A1:{ws.cell(row=header, column=explanation_col).column_letter}{ws.max_row}"
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in report["rows"]:
        cell = ws.cell(row=row["row"], column=verdict_col)
        set_text(cell, row["verdict"])
        color = VERDICT_FILLS[row["status"]]
        cell.fill = PatternFill(fill_type="solid", start_color=color, end_color=color)
        cell.alignment = wrap
        note = ws.cell(row=row["row"], column=explanation_col)
        set_text(note, row["explanation"])
        note.alignment = wrap


def _intro_lines(report: dict, notice: Notice) -> list[str]:
    s = report["summary"]
    counts = "、".join(f"{STATUS_NAMES[status]} {n} 人" for status, n in s["by_status"].items())
    unchecked = f"；{s['rows_without_verdict']} 行有错误，未核对" if s["rows_without_verdict"] else ""
    return [
        f"申报人员学时核对结果：{report['file']}",
        f"工作表“{report['sheet']}”，表头在第 {report['header_row']} 行，核对了 {report['rows_checked']} 人："
        f"{counts or '无结论'}{unchecked}。发现 {s['errors']} 个错误、{s['warnings']} 个提醒。",
        f"依据：{notice.title}。每人的结论在原工作表新增的“{VERDICT_HEADER}”“{EXPLANATION_HEADER}”两列；"
        "错误的单元格标为红色、提醒标为黄色，鼠标移到单元格上可看批注；点“单元格”列可跳转。",
        "本文件是检查工具另存的副本：请在原文件上修改后重新检查。核对结果供自查参考，以主管部门的审核为准。",
        *(f"说明：{note['message']}" for note in report.get("notes", ())),
    ]

"""The roster check run end to end: the stages in order, and the report.

archive (may we open it?) → table (where is the header, which rows are people?) → checks (the
problems) → the report, and on request annotate (the marked copy). Parameterised by the form id,
so another form of the notice can be checked by the same stages.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

from openpyxl.utils import get_column_letter

from rules_py.forms import form_by_id
from rules_py.notice import Notice, load_notice
from rules_py.roster import bounds, empty_rows
from rules_py.roster.archive import as_bytes, copy_lacks, inspect_archive
from rules_py.roster.checks import Checker, text_keys
from rules_py.roster.codes import ANNOTATION_ERROR, ERROR, WARNING, Fatal, fatal_dict, note
from rules_py.roster.file_formats import readable_workbook, source_lacks, source_note
from rules_py.roster.number_formats import describe_number_formats
from rules_py.roster.slim import slim_styles
from rules_py.roster.table import read_tables

ROSTER_FORM = "roster"


def check_roster(data: bytes, filename: str = "花名册.xlsx", *, annotate: bool = False,
                 notice: Notice | str | None = None,
                 on_progress: Callable[[int], None] | None = None) -> dict:
    """Check a filled 花名册 and return the roster report (a JSON-ready dict).

    ``annotate=True`` adds ``report["annotated_xlsx"]``: the person's workbook with every listed
    problem marked, as .xlsx bytes (None when the file was unusable). Drop that key before
    serialising the report as JSON. ``on_progress(rows_read)`` is called every 1000 rows.
    Never raises for any input bytes.
    """
    report, annotated, _ = run(data, filename, notice, annotate, on_progress)
    if annotate:
        report["annotated_xlsx"] = annotated
    return report


def annotate_roster(data: bytes, filename: str = "花名册.xlsx", *,
                    notice: Notice | str | None = None) -> tuple[dict, bytes | None]:
    """``(report, annotated .xlsx bytes or None)``: the same check, plus the marked workbook."""
    return run(data, filename, notice, True, None)[:2]


def check_roster_read(data: bytes, filename: str = "花名册.xlsx", *, notice: Notice | str | None = None,
                      on_progress: Callable[[int], None] | None = None) -> tuple[dict, bytes | None]:
    """``(report, the .xlsx the check read or None when fatal)``: the workbook to hand later to
    :func:`annotate_report` and the preview (for an .xls or CSV file, its converted copy)."""
    report, _, workbook = run(data, filename, notice, False, on_progress)
    return report, workbook


def annotate_report(data: bytes, report: dict, *, notice: Notice | str | None = None,
                    form_id: str = ROSTER_FORM) -> bytes | None:
    """The marked workbook for a ``report`` that :func:`check_roster` already made from the same
    bytes (or from the .xlsx :func:`check_roster_read` gave back), without checking again (the
    roster page shows the report first, then offers this).
    None when the report is fatal; when the workbook cannot be written, None and
    ``report["annotation_error"]`` says so in Chinese. Never raises."""
    if report.get("fatal") or not report.get("sheet"):
        return None
    try:
        from rules_py.roster.annotate import annotate  # the writer loads only when a copy is made

        notice = load_notice(notice) if isinstance(notice, str) else notice or load_notice(report.get("notice"))
        workbook = readable_workbook(as_bytes(data), report.get("file") or "").xlsx
        form = form_by_id(notice, form_id)
        return empty_rows.keeping_empty_rows(workbook, lambda stripped: annotate(slim_styles(stripped)[0], report, notice, form))
    except Exception:  # noqa: BLE001 -- the promise is: never a traceback
        report["annotation_error"] = ANNOTATION_ERROR
        return None


def exit_status(report: dict) -> int:
    """The command line's exit status for a report: 0 no errors, 1 errors found, 2 unusable."""
    if report.get("fatal"):
        return 2
    return 1 if report["summary"]["errors"] else 0


def empty_report(filename: str, notice_id: str | None) -> dict:
    return {"file": filename, "sheet": None, "header_row": None, "rows_checked": 0,
            "summary": {"errors": 0, "warnings": 0, "by_code": {}},
            "problems": [], "notes": [], "sheets": [], "annotation_lacks": {}, "fatal": None,
            "notice": notice_id, "columns": {}, "problems_omitted": 0, "limits": bounds.limits()}


def run(data, filename, notice, annotate, on_progress,
        form_id: str = ROSTER_FORM) -> tuple[dict, bytes | None, bytes | None]:
    """``(report, marked workbook or None, the .xlsx read or None)``; never raises."""
    filename = str(filename or "花名册.xlsx")
    try:
        notice = load_notice(notice) if isinstance(notice, str) else notice or load_notice()
    except Exception:  # noqa: BLE001 -- a bad notice id must not surface as a traceback
        report = empty_report(filename, None)
        report["fatal"] = fatal_dict("internal_error", "找不到通知数据，无法检查。")
        return report, None, None
    report = empty_report(filename, notice.id)
    try:
        data = as_bytes(data)
        form = form_by_id(notice, form_id)
        readable = readable_workbook(data, filename)
        data = original = readable.xlsx
        parts = inspect_archive(data, filename)
        data, stripped_rows = empty_rows.strip_empty_rows(data)
        data, unused_styles = slim_styles(data)
        read = original if stripped_rows else data  # the marked copy puts the stripped rows back from it
        found = read_tables(data, form, on_progress)
        checkers = [Checker(notice, form, table, several=len(found.tables) > 1) for table in found.tables]
        problems = [problem for checker in checkers for problem in checker.run()]
        describe_number_formats(data, problems[:bounds.MAX_LISTED_PROBLEMS], text_keys(form))
    except Fatal as fatal:
        report["fatal"] = fatal_dict(fatal.code, fatal.message, **fatal.extra)
        return report, None, None
    except Exception as error:  # noqa: BLE001 -- the promise is: never a traceback
        report["fatal"] = fatal_dict(
            "internal_error", "检查过程中出现意外错误，这不是您的文件的问题。请将文件反馈给网站维护者；"
            "您也可以先人工核对。", detected=f"{type(error).__name__}: {error}"[:200])
        return report, None, None
    _describe_tables(report, found)
    _summarise(report, problems)
    report["notes"] = [note for checker in checkers for note in checker.notes] + _sheet_notes(found)
    if stripped_rows:
        report["notes"].append(empty_rows.skipped_note(stripped_rows))
    report["source_format"] = readable.source
    if readable.converted:
        report["notes"].append(note("converted", source_note(readable), source_format=readable.source))
    unused = [("unused_styles", f"没有单元格使用的 {unused_styles} 个单元格样式")] if unused_styles else []
    say_what_the_copy_lacks(report, source_lacks(readable) + copy_lacks(parts) + unused)
    if not annotate:
        return report, None, read
    return report, annotate_report(read, report, notice=notice, form_id=form_id), read


def say_what_the_copy_lacks(report: dict, lacks: list[tuple[str, str]]) -> None:
    """``report["annotation_lacks"]`` (kind → Chinese name) and a note, before the clerk downloads
    a marked copy without them (the roster's and the applicants' check)."""
    report["annotation_lacks"] = dict(lacks)
    if lacks:
        report["notes"].append(note("copy_lacks", f"标注版工作簿中不会有原文件的{'、'.join(label for _, label in lacks)}"
                                    "；请以标注版为指引，在原文件上修改。", kinds=[k for k, _ in lacks]))


def _describe_tables(report: dict, found) -> None:
    """The main table in the report's top-level fields, every table in ``sheets``."""
    sheets = [{"sheet": table.sheet, "header_row": table.header_row, "rows_checked": len(table.rows),
               "columns": {key: get_column_letter(index + 1) for key, index in table.columns.items()}}
              for table in found.tables]
    main = sheets[0]
    report.update(sheet=main["sheet"], header_row=main["header_row"], columns=main["columns"],
                  rows_checked=sum(sheet["rows_checked"] for sheet in sheets), sheets=sheets)


def _sheet_notes(found) -> list[dict]:
    names = lambda titles: "、".join(f"“{title}”" for title in titles)  # noqa: E731
    notes = []
    if found.skipped_sheets:
        notes.append(note("sheets_skipped", f"工作表{names(found.skipped_sheets)}中没有找到花名册的表头，没有检查。",
                          sheets=list(found.skipped_sheets)))
    if found.empty_sheets:
        notes.append(note("sheets_skipped", f"工作表{names(found.empty_sheets)}的表头下没有填写人员，没有检查。",
                          sheets=list(found.empty_sheets)))
    return notes


def _summarise(report: dict, problems: list[dict]) -> None:
    counts = Counter(p["code"] for p in problems)
    report["summary"] = {
        "errors": sum(1 for p in problems if p["severity"] == ERROR),
        "warnings": sum(1 for p in problems if p["severity"] == WARNING),
        "by_code": dict(sorted(counts.items())),
    }
    report["problems"] = problems[:bounds.MAX_LISTED_PROBLEMS]
    report["problems_omitted"] = max(0, len(problems) - bounds.MAX_LISTED_PROBLEMS)

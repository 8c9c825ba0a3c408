"""The applicants check end to end: the roster's stages (archive → table → cell checks) with the
applicants form, each valid row judged by the engine, the report, and on request the marked copy."""

from __future__ import annotations

from collections import Counter
from typing import Callable

from openpyxl.utils import get_column_letter

from rules_py.applicants.annotate import OWN_HEADERS, SETTLED, annotate, explanation, verdict
from rules_py.applicants.checks import ApplicantChecker
from rules_py.forms import Form, form_by_id
from rules_py.notice import Notice, load_notice
from rules_py.roster import bounds, empty_rows
from rules_py.roster.archive import as_bytes, copy_lacks, inspect_archive
from rules_py.roster.checks import text_keys
from rules_py.roster.codes import ANNOTATION_ERROR, ERROR, WARNING, Fatal, fatal_dict, note
from rules_py.roster.file_formats import readable_workbook, source_lacks, source_note
from rules_py.roster.run import say_what_the_copy_lacks
from rules_py.roster.number_formats import describe_number_formats
from rules_py.roster.table import read_tables
from rules_py.wording import STATUS_NAMES

APPLICANTS_FORM = "applicants"
DEFAULT_FILENAME = "申报人员学时核对表.xlsx"
MAX_ROWS = 2000  # people in one workbook; the roster's other limits (size, zip) apply as they are
INTERNAL_ERROR = ("检查过程中出现意外错误，这不是您的文件的问题。请将文件反馈给网站维护者；您也可以先人工核对。")


def limits() -> dict:
    """The limits the page shows, as JSON-ready data."""
    text = (f"文件不超过 {bounds.MAX_FILE_BYTES // (1024 * 1024)} MB，解压后不超过 "
            f"{bounds.MAX_UNPACKED_BYTES // (1024 * 1024)} MB，最多 {MAX_ROWS} 行人员")
    return {"max_file_bytes": bounds.MAX_FILE_BYTES, "max_unpacked_bytes": bounds.MAX_UNPACKED_BYTES,
            "max_rows": MAX_ROWS, "text": text}


def fatal_codes(notice: Notice) -> dict:
    """The roster's fatal codes with their explanations worded for this form and its limits (the
    page refuses a file over the size limit itself, with this wording)."""
    from rules_py.roster.codes import FATAL_CODES

    codes = {code: {**spec, "explanation": _worded_for(spec["explanation"], notice)} for code, spec in FATAL_CODES.items()}
    codes["too_large"]["explanation"] = f"超出本工具的处理上限（{limits()['text']}），请拆分后分别检查。"
    return codes


def check_applicants(data, filename: str = DEFAULT_FILENAME, *, annotate: bool = False,
                     notice: Notice | str | None = None,
                     on_progress: Callable[[int], None] | None = None, form: Form | None = None) -> dict:
    """Check a filled 申报人员学时核对表 and return the applicants report (a JSON-ready dict, the
    contract of rules_py/schemas/applicants-report.schema.json). ``annotate=True`` adds
    ``report["annotated_xlsx"]`` (bytes, or None when the file was unusable); drop that key before
    serialising. ``form``: the applicants form read with other required columns (a person's own
    row, rules_py/applicants/door.py); default the notice's. Never raises for any input bytes."""
    filename = str(filename or DEFAULT_FILENAME)
    report = _empty_report(filename, None)
    try:
        notice = load_notice(notice) if isinstance(notice, str) else notice or load_notice()
        report["notice"] = notice.id
        data = as_bytes(data)
        form = (form or form_by_id(notice, APPLICANTS_FORM)).for_reading()
        readable = readable_workbook(data, filename)  # .xls, .et and CSV as the roster check reads them
        data = read = readable.xlsx  # what the marked copy is made from, its empty rows and all
        parts = inspect_archive(data, filename)
        data, stripped_rows = empty_rows.strip_empty_rows(data)
        table = read_tables(data, form, on_progress, max_rows=MAX_ROWS).tables[0]  # the main sheet only, for now
        table.unknown_headers = [h for h in table.unknown_headers if h not in OWN_HEADERS]
        checker = ApplicantChecker(notice, form, table)
        problems = checker.run()
        describe_number_formats(data, problems, text_keys(form))
    except Fatal as fatal:
        report["fatal"] = fatal_dict(fatal.code, _worded_for(fatal.message, notice), **fatal.extra)
        return _with_annotation(report, None, annotate)
    except Exception as error:  # noqa: BLE001 -- the promise is: never a traceback
        report["fatal"] = fatal_dict("internal_error", INTERNAL_ERROR, detected=f"{type(error).__name__}: {error}"[:200])
        return _with_annotation(report, None, annotate)
    report.update(sheet=table.sheet, header_row=table.header_row, rows_checked=len(table.rows),
                  columns={key: get_column_letter(index + 1) for key, index in table.columns.items()},
                  notes=checker.notes, source_format=readable.source)
    if readable.converted:
        report["notes"].append(note("converted", source_note(readable), source_format=readable.source))
    if stripped_rows:
        report["notes"].append(empty_rows.skipped_note(stripped_rows))
    say_what_the_copy_lacks(report, source_lacks(readable) + copy_lacks(parts))
    _fill_rows(report, checker, problems, notice)
    if not annotate:
        return report
    return _with_annotation(report, annotate_report(read, report, notice=notice), annotate)


def annotate_report(data, report: dict, *, notice: Notice | str | None = None) -> bytes | None:
    """The marked workbook for a ``report`` made from the same bytes, without checking again. None
    when the report is fatal; when the workbook cannot be written, None and
    ``report["annotation_error"]`` says so. Never raises."""
    if report.get("fatal") or not report.get("sheet"):
        return None
    try:
        notice = load_notice(notice) if isinstance(notice, str) else notice or load_notice(report.get("notice"))
        workbook = readable_workbook(as_bytes(data), report.get("file") or "").xlsx
        form = form_by_id(notice, APPLICANTS_FORM).for_reading()
        return empty_rows.keeping_empty_rows(workbook, lambda stripped: annotate(stripped, report, notice, form))
    except Exception:  # noqa: BLE001 -- the promise is: never a traceback
        report["annotation_error"] = ANNOTATION_ERROR
        return None


def exit_status(report: dict) -> int:
    """0 every row met / not_restrictive / not_required and no error; 1 a row falls short or has an
    error; 2 the file is unusable."""
    if report.get("fatal"):
        return 2
    if report["summary"]["errors"] or any(row["status"] not in SETTLED for row in report["rows"]):
        return 1
    return 0


def _empty_report(filename: str, notice_id: str | None) -> dict:
    return {"file": filename, "sheet": None, "header_row": None, "rows_checked": 0,
            "summary": {"errors": 0, "warnings": 0, "by_status": {}, "rows_without_verdict": 0, "by_code": {}},
            "rows": [], "problems": [], "notes": [], "fatal": None, "notice": notice_id, "columns": {},
            "limits": limits()}


def _with_annotation(report: dict, annotated: bytes | None, annotate: bool) -> dict:
    if annotate:
        report["annotated_xlsx"] = annotated
    return report


def _worded_for(message: str, notice) -> str:
    """The archive and table stages word their refusals for the roster; the same advice holds here."""
    title = form_by_id(notice, APPLICANTS_FORM).title if isinstance(notice, Notice) else "申报人员学时核对表"
    return message.replace("附件2", title).replace("花名册", "核对表")


def _fill_rows(report: dict, checker: ApplicantChecker, problems: list[dict], notice: Notice) -> None:
    by_row: dict[int, list[dict]] = {}
    data_rows = {entry["row"] for entry in checker.entries}
    for problem in problems:
        if problem["row"] in data_rows and problem["code"] != "missing_column":
            by_row.setdefault(problem["row"], []).append(problem)
        else:
            report["problems"].append(problem)
    for entry in checker.entries:
        entry["problems"] = by_row.get(entry["row"], [])
        entry["verdict"] = verdict(entry)
        entry["explanation"] = explanation(entry, notice)
    report["rows"] = checker.entries
    statuses = Counter(entry["status"] for entry in checker.entries)
    codes = Counter(p["code"] for p in problems)
    report["summary"] = {
        "errors": sum(1 for p in problems if p["severity"] == ERROR),
        "warnings": sum(1 for p in problems if p["severity"] == WARNING),
        "by_status": {status: statuses[status] for status in STATUS_NAMES if statuses[status]},
        "rows_without_verdict": statuses[None],
        "by_code": dict(sorted(codes.items())),
    }

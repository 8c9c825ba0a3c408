"""What the self-check pages' worker calls in Pyodide (site_src/assets/js/selfcheck-engine.js): JSON
text in, JSON text out, so the page and the parity test (tests/test_parity.py, on CPython) run the
very same function.

An InputError comes back as data (``{"error": {"field", "message"}}``); anything else is a bug and
raises, so the caller can report it without a traceback on screen. The roster functions take the
workbook's bytes (bytes, or a JS ArrayBuffer/Uint8Array proxy in Pyodide) and give the report of
rules_py/schemas/roster-report.schema.json as JSON text; ``check_roster`` itself never raises. The page keeps the bytes and the
report of its last check here, to add the preview rows and the marked workbook afterwards.
"""

from __future__ import annotations

import datetime as dt
import json

from rules_py.evaluate import evaluate
from rules_py.notice import DEFAULT_NOTICE, load_notice
from rules_py.person import InputError, read_json_text

_roster_kept: tuple[bytes, dict] | None = None
_notice_id = DEFAULT_NOTICE  # the notice of the page that started this engine (use_notice)


def use_notice(notice_id: str) -> None:
    """Check everything after this against ``notice_id``: a page built from another notice file
    (build.py --notice) names its notice, and its engine must judge by that notice's numbers."""
    global _notice_id
    load_notice(notice_id)  # an id the wheel does not carry fails here, at start, not at a check
    _notice_id = notice_id


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def evaluate_json(text: str, as_of: str | None = None) -> str:
    """A person as JSON text -> ``{"result": ...}`` or ``{"error": {"field", "message"}}`` as JSON text.

    The day of the check (which training years are over) is the person's own ``as_of``, else
    ``as_of`` given here, else today on the visitor's clock, as the CLI does."""
    try:
        person = read_json_text(text, "输入")
        if isinstance(person, dict) and person.get("as_of") is None:
            person = {**person, "as_of": as_of or dt.date.today().isoformat()}
        return _dumps({"result": evaluate(person, _notice_id)})
    except InputError as error:
        return _dumps({"error": {"field": error.field, "message": error.message}})


def preload(name: str) -> None:
    """Import what a page's checks need while the person is still reading: the roster check needs
    openpyxl (about a second to import), so only pages that check rosters pay for it."""
    if name == "roster":
        import rules_py.roster.preview  # noqa: F401  (imports the roster check and openpyxl)
    if name == "applicants":
        import rules_py.applicants  # noqa: F401  (the roster's stages, openpyxl and the engine)
    if name == "xlsx":  # 学时自查's 核对表 door, loaded when the person asks for it
        import rules_py.applicants.door  # noqa: F401


def _as_bytes(data) -> bytes:
    return bytes(data.to_bytes()) if hasattr(data, "to_bytes") else bytes(data)


def roster_json(data, filename: str | None, annotate: bool, keep: bool, on_rows=None) -> tuple[str, bytes | None]:
    """Check a roster: (report as JSON text, marked workbook or None). With ``keep``, a report with
    problems is kept for ``roster_preview_json`` and ``roster_annotate``."""
    from rules_py import roster

    global _roster_kept
    _roster_kept = None
    # The workbook the check read (an .xls or CSV converted to .xlsx) is what is kept and marked.
    report, workbook = roster.check_roster_read(_as_bytes(data), filename or "花名册.xlsx", notice=_notice_id,
                                                on_progress=on_rows)
    annotated = roster.annotate_report(workbook, report, notice=_notice_id) if annotate and workbook else None
    if keep and not report["fatal"] and report["problems"]:
        _roster_kept = (workbook, report)
    return _dumps(report), annotated


def roster_preview_json(limit: int) -> str:
    """The first rows with problems of the kept check, as the sheet shows them (JSON text)."""
    from rules_py.roster.preview import preview_rows

    if _roster_kept is None:
        return _dumps(preview_rows(b"", {}))
    data, report = _roster_kept
    return _dumps(preview_rows(data, report, int(limit)))


def roster_annotate() -> tuple[bytes | None, str | None]:
    """The marked workbook of the kept check, without checking again: (bytes, annotation_error)."""
    from rules_py import roster

    global _roster_kept
    if _roster_kept is None:
        return None, None
    data, report = _roster_kept
    _roster_kept = None
    annotated = roster.annotate_report(data, report, notice=_notice_id)
    return annotated, report.get("annotation_error")


def roster_limits_json() -> str:
    """The roster limits (size, rows) as JSON text."""
    from rules_py.roster import limits

    return _dumps(limits())


def applicants_json(data, filename: str | None, annotate: bool, on_rows=None) -> tuple[str, bytes | None]:
    """Check a 申报人员学时核对表 (issue 12): (report as JSON text, marked workbook or None). The
    report is the command line's ``applicants --json``; it never raises."""
    from rules_py.applicants import check_applicants

    report = check_applicants(_as_bytes(data), filename or "申报人员学时核对表.xlsx", annotate=bool(annotate),
                              notice=_notice_id, on_progress=on_rows)
    annotated = report.pop("annotated_xlsx", None)
    return _dumps(report), annotated


def person_workbook_json(person_text: str, details_text: str) -> tuple[str, bytes | None]:
    """学时自查's 保存为核对表: a person (JSON text, as evaluate_json takes it) and ``{"name",
    "id_number"}`` (JSON text, either may be empty) -> (``{"filename", "missing", "problems"}`` or
    ``{"error": {field, message}}`` as JSON text, the one-row workbook or None)."""
    from rules_py.applicants.door import save_person

    try:
        person = read_json_text(person_text, "输入")
        details = json.loads(details_text or "{}")
        answer = save_person(person, _notice_id, name=details.get("name", ""), id_number=details.get("id_number", ""))
    except InputError as error:
        return _dumps({"error": {"field": error.field, "message": error.message}}), None
    data = answer.pop("xlsx")
    return _dumps(answer), data


def read_persons_json(data, filename: str | None) -> str:
    """学时自查's 从核对表读取: an applicants workbook's bytes -> its people for the form (JSON text of
    rules_py.applicants.door.read_persons); never raises."""
    from rules_py.applicants.door import read_persons

    return _dumps(read_persons(_as_bytes(data), filename or "申报人员学时核对表.xlsx", _notice_id))

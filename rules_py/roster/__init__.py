"""花名册自查: check a filled roster (附件2) and hand it back marked.

``check_roster(data, filename)`` takes the workbook's bytes and returns the roster report: where
the header is, how many rows were checked, and every problem with its cell, stable code,
severity, the value found, a Chinese message and the fix. A file that cannot be read gives a
report whose ``fatal`` says why and what to do; nothing raises. ``annotate=True`` also returns the
person's own workbook with each problem cell filled and commented and a 问题汇总 sheet.

The modules follow the check's stages, each usable with another form of the forms spec:

    bounds          the size and row limits
    codes           the problem, note and fatal codes (stable; the site lists them)
    file_formats    .xls, .et and CSV files read into an .xlsx in memory (told by content)
    archive         is this an .xlsx we may open (sniffing, zip-bomb and size guards)
    empty_rows      the formatted empty rows of an over-formatted sheet, stripped before parsing
    slim            what the check does not need, stripped before parsing (named-style bloat)
    table           finding the header in every sheet, and the rows of people
    rows            which rows are not people (footers, 合计, 栏次, a repeated header …)
    merged          merged ranges, read from the sheet part and looked up by index
    values          reading one cell (numbers, phones, formulas) and showing it back
    number_formats  cell formats (百分比, 时间, 日期, 分数 …) named in the messages, with the fix
    checks          the problems of each row
    annotate        the marked workbook
    preview         the rows the page shows under a report
    run             the stages in order, and the report

The report (one JSON-ready dict) holds ``file``, ``sheet`` / ``header_row`` / ``columns`` of the
main table, ``sheets`` (every table checked), ``rows_checked``, ``summary``, ``problems`` (each
with its ``sheet``), ``notes`` (how the file was read, severity "info"), ``annotation_lacks``
(what the marked copy will not have), ``source_format`` (xlsx, xls, et or csv), ``problems_omitted``,
``limits``, ``notice`` and ``fatal``.

The columns come from the forms spec (:mod:`rules_py.forms`), the 30 / 60 学时 minimums from the
notice data. Pure Python (openpyxl + defusedxml), no I/O: the same code runs in Pyodide.
"""

from __future__ import annotations

import sys
import types

from rules_py.roster import bounds
from rules_py.roster.archive import as_bytes
from rules_py.roster.codes import (ANNOTATION_ERROR, AUTHOR, ERROR, ERROR_FILL, FATAL_CODES, INFO, NOTE_CODES,
                                  OLD_COMMENT_MARK, PROBLEM_CODES, SUMMARY_SHEET, WARNING, WARNING_FILL,
                                  describe_codes)
from rules_py.roster.bounds import (LIMITS_TEXT, MAX_ARCHIVE_MEMBERS, MAX_FILE_BYTES, MAX_LISTED_PROBLEMS,
                                    MAX_ROWS, MAX_UNPACKED_BYTES, limits)
from rules_py.roster.run import (ROSTER_FORM, annotate_report, annotate_roster, check_roster, check_roster_read,
                                exit_status)
from rules_py.roster.values import cell_text, shorten

__all__ = ["ANNOTATION_ERROR", "AUTHOR", "ERROR", "ERROR_FILL", "FATAL_CODES", "INFO", "LIMITS_TEXT",
           "MAX_ARCHIVE_MEMBERS", "MAX_FILE_BYTES", "MAX_LISTED_PROBLEMS", "MAX_ROWS", "MAX_UNPACKED_BYTES",
           "NOTE_CODES", "OLD_COMMENT_MARK", "PROBLEM_CODES", "ROSTER_FORM", "SUMMARY_SHEET", "WARNING", "WARNING_FILL",
           "annotate_report", "annotate_roster", "as_bytes", "cell_text", "check_roster", "check_roster_read",
           "describe_codes",
           "exit_status", "limits", "shorten"]


class _RosterPackage(types.ModuleType):
    """Setting a limit on the package (``rules_py.roster.MAX_ROWS = 20000``, as the benchmarks and
    tests do) sets it where the stages read it, in :mod:`rules_py.roster.bounds`."""

    def __setattr__(self, name, value):
        if name.isupper() and hasattr(bounds, name):
            setattr(bounds, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _RosterPackage

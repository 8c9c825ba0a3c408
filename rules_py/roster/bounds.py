"""The roster check's limits, stated on the page and in every message that enforces them.

The stages read them as ``bounds.NAME`` at call time, so raising one on the package
(``rules_py.roster.MAX_ROWS = 20000``, as the benchmarks do) takes effect: see the package's
``__init__``.
"""

from __future__ import annotations

MAX_FILE_BYTES = 10 * 1024 * 1024        # the uploaded file
MAX_UNPACKED_BYTES = 50 * 1024 * 1024    # sum of the archive's declared member sizes
MAX_ARCHIVE_MEMBERS = 2000
MAX_FORMATTED_BYTES = 400 * 1024 * 1024  # declared bytes streamed to strip formatted empty rows (empty_rows.py)
STRIP_ROWS_ABOVE_BYTES = 8 * 1024 * 1024  # a sheet part larger than this loses its empty rows before parsing
BOMB_RATIO = 200                         # a part inflating more than this many times is a zip bomb
MAX_ROWS = 10_000                        # filled rows (people) in one roster
MAX_SHEET_ROWS = 100_000                 # rows read below the header, blank or not
MAX_BLANK_RUN = 10_000                   # this many blank rows in a row end the table
HEADER_SCAN_ROWS = 30                    # the header is looked for in each sheet's first rows
MAX_COLUMNS = 100                        # header cells looked at per row
MAX_SHEETS = 500                         # sheets looked at (a real workbook has a few; each costs its first rows)
MIN_HEADER_MATCHES = 3                   # recognised column names that make a row the header
MAX_LISTED_PROBLEMS = 5000               # problems listed (all are counted in the summary)
MAX_VALUE_CHARS = 200                    # a value longer than this is shortened in the report

LIMITS_TEXT = (f"文件不超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，解压后不超过 "
               f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB，最多 {MAX_ROWS} 行人员")


def limits() -> dict:
    """The limits the page shows, as JSON-ready data."""
    return {"max_file_bytes": MAX_FILE_BYTES, "max_unpacked_bytes": MAX_UNPACKED_BYTES,
            "max_rows": MAX_ROWS, "max_listed_problems": MAX_LISTED_PROBLEMS, "text": LIMITS_TEXT}

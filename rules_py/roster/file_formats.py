"""The files clerks have: old Excel .xls, WPS .et and CSV text, read into an .xlsx workbook in
memory so every later stage (archive, table, checks, annotate, preview) runs unchanged on it.

The format is told by the content, not the name: a zip is an .xlsx (left as it is), an OLE2
compound file (D0CF11E0…) is .xls/.et (xlrd, pure Python, reads its BIFF records), text is CSV
(UTF-8 with or without BOM, UTF-16 with BOM, else GB18030, which holds GBK). Every cell keeps
its place, so a problem in “D7” is in D7 of the clerk's own sheet; the marked copy is therefore
a new .xlsx holding the data and the marks. Every refusal is a
:class:`~rules_py.roster.codes.Fatal` with a Chinese message saying what to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from rules_py.roster import bounds
from rules_py.roster.archive import CFB_MAGIC, SAVE_AS, check_size, encrypted_package, guess_other
from rules_py.roster.codes import Fatal
from rules_py.roster.values import EXCEL_ERRORS

XLSX, XLS, ET, CSV = "xlsx", "xls", "et", "csv"
FORMAT_NAMES = {XLS: "旧版 Excel 97-2003 工作簿（.xls）", ET: "WPS 表格（.et）", CSV: "CSV 文本"}
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16", "gb18030": "GBK/GB18030"}
MAX_COLUMNS_READ = 256       # an .xls has at most 256 columns; a CSV line is cut there too
MAX_CELLS = 2_000_000        # filled cells converted in all: beyond, the file is not a roster

_PLAIN_NUMBER = re.compile(r"[+-]?(0|[1-9][0-9]{0,8})(\.[0-9]+)?")
_EXPONENT_NUMBER = re.compile(r"[+-]?[0-9](\.[0-9]+)?[eE][+-]?[0-9]{1,3}")
_SHEET_TITLE_BAD = re.compile(r"[\\/?*\[\]:]")


@dataclass(frozen=True)
class Readable:
    """The workbook the stages read: ``xlsx`` bytes, and what the clerk's file was."""
    xlsx: bytes
    source: str                  # XLSX, XLS, ET or CSV
    encoding: str | None = None  # a CSV's text encoding (a key of ENCODING_NAMES)

    @property
    def converted(self) -> bool:
        return self.source != XLSX


def readable_workbook(data: bytes, filename: str) -> Readable:
    """``data`` as an .xlsx workbook the stages can read; raise Fatal when it cannot be one.
    An .xlsx (or anything that is neither OLE2 nor text) comes back as it is, for the archive
    stage to accept or name."""
    check_size(data)
    if data[:2] == b"PK":
        return Readable(data, XLSX)
    if data[:8] == CFB_MAGIC:
        source = ET if filename.lower().endswith(".et") else XLS
        return Readable(_from_ole(data, source), source)
    decoded = _csv_text(data, filename)
    if decoded is not None:
        text, encoding = decoded
        return Readable(_from_csv(text, _stem(filename)), CSV, encoding)
    return Readable(data, XLSX)


def source_note(readable: Readable) -> str:
    """What the report says about a converted file (a 说明), in Chinese."""
    if readable.source == CSV:
        what = f"CSV 文本（{ENCODING_NAMES.get(readable.encoding or '', 'UTF-8')} 编码）"
    else:
        what = FORMAT_NAMES[readable.source]
    return (f"原文件是{what}，本工具读取了其中的数据，行号和列号与原文件相同；"
            "标注版是新建的 .xlsx 工作簿（含原文件的数据和标注）。")


def source_lacks(readable: Readable) -> list[tuple[str, str]]:
    """``(key, Chinese name)`` of what a marked copy made from a converted file lacks."""
    if readable.source in (XLS, ET):
        return [("formatting", "字体、颜色、列宽、批注等格式")]
    return []


# -- .xls / .et ---------------------------------------------------------------------------------

def _from_ole(data: bytes, source: str) -> bytes:
    """An OLE2 file: an encrypted .xlsx, a Word or PowerPoint file, or a BIFF workbook xlrd reads."""
    if encrypted_package(data):
        raise Fatal("not_xlsx", "文件设置了打开密码（已加密），本工具无法读取。请在 Excel/WPS 中打开，"
                    "取消文档密码（Excel：文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码；WPS：文件 → "
                    "文档加密 → 密码加密，清空密码），另存为 .xlsx 后再检查。", detected="encrypted")
    if _has_stream(data, "WordDocument"):
        raise Fatal("not_xlsx", "这是 Word 文档（.doc），不是 Excel 工作簿。请上传花名册的表格文件（.xlsx、.xls、.et 或 .csv）。",
                    detected="doc")
    if _has_stream(data, "PowerPoint Document"):
        raise Fatal("not_xlsx", "这是 PowerPoint 演示文稿（.ppt），不是 Excel 工作簿。请上传花名册的表格文件。",
                    detected="ppt")
    import xlrd  # loaded only for an OLE2 file

    book = None
    try:
        for formatting in (True, False):  # merged ranges need formatting records; a few files break on them
            try:
                book = xlrd.open_workbook(file_contents=data, formatting_info=formatting, on_demand=True,
                                          ragged_rows=True, logfile=io.StringIO())
                break
            except xlrd.XLRDError as error:
                if "encrypted" in str(error).lower():
                    raise Fatal("not_xlsx", "文件设置了打开密码（已加密），本工具无法读取。请在 Excel/WPS 中打开，取消密码，"
                                "另存为 .xlsx 后再检查。", detected="encrypted") from None
                if not formatting:
                    raise
        return _workbook_bytes(_xls_sheets(book, xlrd))
    except Fatal:
        raise
    except MemoryError:
        raise Fatal("too_large", "设备内存不足，无法读完这个文件；请把花名册拆成几个较小的文件分别检查。",
                    detected="out_of_memory") from None
    except Exception:  # noqa: BLE001 -- xlrd raises many kinds on damaged or foreign files
        raise _unreadable_ole(source) from None
    finally:
        if book is not None:
            book.release_resources()


def _has_stream(data: bytes, name: str) -> bool:
    """The OLE2 directory names a stream ``name`` (entries are UTF-16-LE, NUL-terminated)."""
    return (name.encode("utf-16-le") + b"\x00\x00") in data


def _unreadable_ole(source: str) -> Fatal:
    if source == ET:
        return Fatal("not_xlsx", "这个 WPS 表格（.et）文件本工具无法直接读取。请在 WPS 中打开它，点“文件 → 另存为”，"
                     "文件类型选“Excel 工作簿(*.xlsx)”，再检查另存的文件。", detected="et")
    return Fatal("damaged", "这个 .xls 文件已损坏，或不是真正的 Excel 97-2003 工作簿，本工具无法读取。" + SAVE_AS,
                 detected="xls_unreadable")


def _xls_sheets(book, xlrd):
    """``(title, hidden, rows, merged ranges)`` of each worksheet; rows are lists of values as
    openpyxl reads them from an .xlsx (whole numbers as int, dates as datetime, errors as text)."""
    budget = _CellBudget()
    sheets = []
    for index in range(min(book.nsheets, bounds.MAX_SHEETS)):
        sheet = book.sheet_by_index(index)
        rows = []
        for r in range(min(sheet.nrows, _max_rows())):
            types, values = sheet.row_types(r), sheet.row_values(r)
            row = [_xls_value(kind, value, book.datemode, xlrd) for kind, value in
                   zip(types[:MAX_COLUMNS_READ], values[:MAX_COLUMNS_READ])]
            budget.add(row)
            rows.append(row)
        merged = [(r0, r1, c0, c1) for r0, r1, c0, c1 in sheet.merged_cells
                  if r0 < len(rows) and c0 < MAX_COLUMNS_READ]
        sheets.append((sheet.name, getattr(sheet, "visibility", 0) != 0, rows, merged))
        book.unload_sheet(index)
    return sheets


def _xls_value(kind: int, value, datemode: int, xlrd):
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if float(value).is_integer() and abs(value) < 1e15 else value
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.biffh.error_text_from_code.get(value, "#N/A")
    return value if isinstance(value, str) else str(value)


# -- CSV ------------------------------------------------------------------------------------------

def _csv_text(data: bytes, filename: str) -> tuple[str, str] | None:
    """``(text, encoding)`` when the file is text that is not another known format, else None."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's “Unicode 文本”: UTF-16, tab-separated
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    if guess_other(data, filename)[1] not in ("csv", "text"):
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, ("utf-8-sig" if encoding == "utf-8-sig" and data[:3] == b"\xef\xbb\xbf" else
                      "utf-8" if encoding == "utf-8-sig" else encoding)
    raise Fatal("damaged", "这个文本文件中有无法识别的字符（既不是 UTF-8 也不是 GBK 编码）。" + SAVE_AS, detected="csv_encoding")


def _stem(filename: str) -> str:
    """The sheet name Excel gives a CSV it opens: the file name without its folder and extension."""
    name = re.split(r"[\\/]", filename)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def _from_csv(text: str, title: str) -> bytes:
    delimiter = _delimiter(text)
    budget = _CellBudget()
    rows = []
    try:
        for line in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) >= _max_rows():
                break
            row = [_csv_value(field) for field in line[:MAX_COLUMNS_READ]]
            budget.add(row)
            rows.append(row)
    except csv.Error:
        raise Fatal("damaged", "CSV 文件的格式有误（如引号不成对），本工具无法读取。" + SAVE_AS, detected="csv_format") from None
    return _workbook_bytes([(title or "Sheet1", False, rows, [])])


def _delimiter(text: str) -> str:
    """The separator the first lines use most: comma, tab or semicolon."""
    sample = "\n".join(text[:20000].splitlines()[:10])
    counts = {delimiter: sample.count(delimiter) for delimiter in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_value(field: str):
    """A CSV field as a number only where it reads as one that Excel keeps whole (at most nine
    digits before the point: 学时, 序号), or as Excel writes a number it shortened (1.50404E+17);
    an ID, a phone or a 0-led code stays the text it is."""
    text = field.strip()
    if not text:
        return None
    if _PLAIN_NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    if _EXPONENT_NUMBER.fullmatch(text):
        return float(text)
    return field


# -- the .xlsx ----------------------------------------------------------------------------------

def _max_rows() -> int:
    """Rows worth converting: the header scan plus the rows the table stage reads below a header,
    and one more, so that stage still sees a sheet that runs on past its limit."""
    return bounds.HEADER_SCAN_ROWS + 2 + bounds.MAX_SHEET_ROWS + 1


class _CellBudget:
    def __init__(self):
        self.cells = 0

    def add(self, row: list) -> None:
        self.cells += sum(1 for value in row if value is not None)
        if self.cells > MAX_CELLS:
            raise Fatal("too_large", f"文件中填写了超过 {MAX_CELLS} 个单元格，远超一份花名册，超出本工具的上限。"
                        "请只保留花名册所在的工作表，或拆分成几个文件分别检查。", detected="cells")


# The .xlsx is written directly, not through openpyxl's writer, which spends about a millisecond on
# each cell (seconds for a roster of thousands): the parts below are all the table stage and the
# marked copy need, strings inline, dates as serial numbers with a date format (openpyxl reads them
# back as datetime), control characters as Excel writes them (_x000D_, which values.decode_escapes
# turns back).
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '{sheets}</Types>'),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/styles.xml": (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="3"><xf/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_SHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_EPOCH = dt.datetime(1899, 12, 30)
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def _workbook_bytes(sheets) -> bytes:
    """An .xlsx of ``(title, hidden, rows, merged (r0, r1, c0, c1) 0-based half-open)`` sheets,
    every value at its own row and column."""
    sheets = list(sheets) or [("Sheet1", False, [], [])]
    titles: list[str] = []
    for title, *_ in sheets:
        titles.append(_sheet_title(title, titles))
    visible = [not hidden for _, hidden, _, _ in sheets]
    if not any(visible):
        visible[0] = True  # a workbook must show one sheet
    hidden_state = ' state="hidden"'
    entries = "".join(f'<sheet name="{_escape(title)}" sheetId="{n}"{"" if shown else hidden_state} r:id="rId{n}"/>'
                      for n, (title, shown) in enumerate(zip(titles, visible), start=1))
    parts = {
        "[Content_Types].xml": _PARTS["[Content_Types].xml"].format(sheets="".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SHEET_TYPE}"/>'
            for n in range(1, len(sheets) + 1))),
        "_rels/.rels": _PARTS["_rels/.rels"],
        "xl/workbook.xml": (f'<workbook xmlns="{_MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                            f'2006/relationships"><sheets>{entries}</sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{n}" Type="{_SHEET_REL}" Target="worksheets/sheet{n}.xml"/>'
                      for n in range(1, len(sheets) + 1))
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": _PARTS["xl/styles.xml"],
    }
    for n, (_, _, rows, merged) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = _sheet_xml(rows, merged)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text,
                             compresslevel=1)
    return buffer.getvalue()


def _sheet_xml(rows, merged) -> str:
    out = [f'<worksheet xmlns="{_MAIN}"><sheetData>']
    for r, row in enumerate(rows, start=1):
        cells = [_cell_xml(f"{_column_letter(c)}{r}", value) for c, value in enumerate(row) if value is not None]
        if cells:
            out.append(f'<row r="{r}">{"".join(cells)}</row>')
    out.append("</sheetData>")
    ranges = [f'<mergeCell ref="{_column_letter(c0)}{r0 + 1}:{_column_letter(min(c1, MAX_COLUMNS_READ) - 1)}{r1}"/>'
              for r0, r1, c0, c1 in merged if r1 - r0 > 1 or c1 - c0 > 1]
    if ranges:
        out.append(f'<mergeCells count="{len(ranges)}">{"".join(ranges)}</mergeCells>')
    out.append("</worksheet>")
    return "".join(out)


def _cell_xml(ref: str, value) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return _cell_xml(ref, str(value))
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{1 if value.time() == dt.time() else 2}"><v>{serial!r}</v></c>'
    text = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", str(value))
    if text in EXCEL_ERRORS:  # an error value an .xls formula left
        return f'<c r="{ref}" t="e"><v>{text}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_escape(text)}</t></is></c>'


def _escape(text: str) -> str:
    return text.translate(_XML_ESCAPES)


def _column_letter(index: int) -> str:
    """``A`` for 0: the column name of a 0-based index."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _sheet_title(title: str, taken: list[str]) -> str:
    base = _SHEET_TITLE_BAD.sub("_", str(title)).strip("'")[:31] or "Sheet"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base[:28]}({n})"
    return name


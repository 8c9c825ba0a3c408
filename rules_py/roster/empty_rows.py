"""Strip the rows that hold nothing from an over-formatted sheet, before openpyxl parses.

A border or fill given to whole rows is stored by Excel as one ``<row>`` per row down to row
1,048,576: 60 MB of XML in a 3 MB file, more than the check inflates (bounds.MAX_UNPACKED_BYTES).
Each worksheet part over bounds.STRIP_ROWS_ABOVE_BYTES is inflated chunk by chunk (never whole;
the archive stage capped the declared sizes at bounds.MAX_FORMATTED_BYTES) and written back
without the rows none of whose cells holds a value or a formula. Every kept row keeps its number
(``r``), so the check reads the same cells at the same places; merged ranges, data validations and
conditional formats (after the rows) are copied as they are. What remains must fit the ordinary
limit, else the plain over-formatted refusal stays. The marked copy is made from the stripped
workbook, and the stripped rows are put back into it afterwards, streamed again from the original.

A part this cannot read safely as plain rows (rows without numbers, comments or CDATA among them,
a namespace prefix, a row longer than MAX_ROW_BYTES) is left as it is.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile

from rules_py.roster import bounds
from rules_py.roster.archive import READ_ERRORS, damaged, over_formatted
from rules_py.roster.codes import note

_CHUNK = 1 << 20
MAX_ROW_BYTES = 16 << 20  # a longer row (no spreadsheet writes one) leaves its part as it is

# A row whose cells (if any) are empty: self-closing, or opened and closed with nothing inside.
_EMPTY_ROW = re.compile(rb'<row\b[^>]*(?:/>|>(?:\s*<c\b[^>]*(?:/>|>\s*</c>))*\s*</row>)\s*')
# What the rows must not hold: a row whose number does not come first as Excel and WPS write it
# (openpyxl numbers a row without one after the row before it, so removing rows would move it),
# a comment, CDATA or processing instruction.
_UNUSUAL = re.compile(rb'<(?:!|\?|row(?! r="))')
_SHEET_DATA = re.compile(rb"<sheetData\b[^>]*?(/?)>")
_SHEET_DATA_END = b"</sheetData>"


class _LeaveAsIs(Exception):
    """The part is not plain rows as Excel and WPS write them: strip nothing."""


class _TooLarge(Exception):
    """What remains after stripping is still over the limit."""


def strip_empty_rows(data: bytes) -> tuple[bytes, int]:
    """``(workbook bytes, empty rows removed)``; ``data`` itself when no worksheet part is over
    the threshold or none of its rows is empty. Raises Fatal "too_large" (over-formatted) when the
    workbook still inflates past the limit, Fatal "damaged" when a part cannot be inflated."""
    return _strip(data)[:2]


def keeping_empty_rows(original: bytes, make_copy) -> bytes:
    """The marked copy ``make_copy(workbook)`` makes of ``original`` stripped of its empty rows
    (openpyxl would build an object for each of a million rows), with those rows put back in place
    afterwards, their formatting as it was: the cell formats keep their numbers in a copy openpyxl
    writes (it appends the formats it adds)."""
    stripped, removed, parts = _strip(original)
    copy = make_copy(stripped)
    return _put_back(copy, original, parts) if removed else copy


def _strip(data: bytes) -> tuple[bytes, int, set[str]]:
    declared = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            declared = sum(info.file_size for info in infos)
            big = {info.filename for info in infos
                   if _is_worksheet(info.filename) and info.file_size > bounds.STRIP_ROWS_ABOVE_BYTES}
            stripped, removed, parts = _strip_parts(archive, infos, big) if big else (data, 0, set())
    except READ_ERRORS as error:
        raise damaged(error) from None
    except _TooLarge:
        raise over_formatted(declared) from None
    if removed:
        return stripped, removed, parts
    if declared > bounds.MAX_UNPACKED_BYTES:
        raise over_formatted(declared)
    return data, 0, set()


def skipped_note(removed: int) -> dict:
    """The report's note on the rows stripped (``removed`` > 0)."""
    return note("empty_rows_skipped", f"表中有 {removed} 行只设置了格式（边框、底色、行高等）、没有填写任何内容"
                "（常见于整行设置格式直到表格最末行），检查时跳过了这些行，不影响检查结果；标注版工作簿中这些行的格式照原样保留。",
                rows=removed)


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml") and "/_rels/" not in name


def _strip_parts(archive: zipfile.ZipFile, infos, to_strip: set[str]) -> tuple[bytes | None, int, set[str]]:
    """The archive with the empty rows of the parts ``to_strip`` removed, how many, and those parts;
    a part that is not plain rows is left as it is (the archive written again without trying it)."""
    while to_strip:
        try:
            return (*_rewrite(archive, infos, to_strip), to_strip)
        except _LeaveAsIs as unusual:
            to_strip = to_strip - {unusual.args[0]}
    return None, 0, set()


def _rewrite(archive: zipfile.ZipFile, infos, to_strip: set[str]) -> tuple[bytes, int]:
    """The archive with the empty rows of the parts ``to_strip`` removed, and how many. Raises
    _LeaveAsIs(part name) for a part that is not plain rows."""
    room = bounds.MAX_UNPACKED_BYTES - sum(info.file_size for info in infos if info.filename not in to_strip)
    if room < 0:
        raise _TooLarge
    out = io.BytesIO()
    removed = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        for info in infos:
            with archive.open(info) as source, copy.open(info.filename, "w") as sink:
                if info.filename in to_strip:
                    try:
                        kept, count = _strip_part(source, sink, room)
                    except _LeaveAsIs:
                        raise _LeaveAsIs(info.filename) from None
                    room, removed = room - kept, removed + count
                else:
                    shutil.copyfileobj(source, sink, _CHUNK)
    return out.getvalue(), removed


def _strip_part(source, sink, room: int) -> tuple[int, int]:
    """Copy the sheet part ``source`` to ``sink`` without its empty rows: ``(bytes written, rows
    removed)``. Gives up (_TooLarge) once more than ``room`` bytes are kept."""
    writer = _Writer(sink, room)
    removed = 0
    for kind, piece in _pieces(source):
        if kind == "rows":
            piece, count = _EMPTY_ROW.subn(b"", piece)
            removed += count
        writer.write(piece)
    return writer.written, removed


def _pieces(source):
    """The sheet part ``source`` read chunk by chunk, as ``("head", up to and with <sheetData>)``,
    then ``("rows", whole rows)`` pieces, then ``("tail", the rest)`` pieces. Raises _LeaveAsIs
    for a part that is not plain rows."""
    head, pending = _split_at_sheet_data(source)
    yield "head", head
    while True:
        chunk = source.read(_CHUNK)
        pending += chunk
        end = pending.find(_SHEET_DATA_END)
        if end >= 0:
            cut = end
        elif chunk:
            cut = pending.rfind(b"<row")
            if cut <= 0:
                if len(pending) > MAX_ROW_BYTES:
                    raise _LeaveAsIs
                continue
        else:
            raise _LeaveAsIs  # the rows never end: a truncated part
        if _UNUSUAL.search(pending, 0, cut):
            raise _LeaveAsIs
        yield "rows", pending[:cut]
        pending = pending[cut:]
        if end >= 0:
            break
    yield "tail", pending
    while chunk := source.read(_CHUNK):
        yield "tail", chunk


def _split_at_sheet_data(source) -> tuple[bytes, bytes]:
    """The part up to and with its ``<sheetData>`` tag, and what was read after it."""
    head = b""
    while True:
        chunk = source.read(_CHUNK)
        head += chunk
        found = _SHEET_DATA.search(head)
        if found and not found.group(1):
            return head[:found.end()], head[found.end():]
        if found or not chunk or len(head) > MAX_ROW_BYTES:
            raise _LeaveAsIs  # no rows at all (<sheetData/>), a prefixed or not a sheet


class _Writer:
    def __init__(self, sink, room: int):
        self.sink, self.room, self.written = sink, room, 0

    def write(self, data: bytes) -> None:
        self.written += len(data)
        if self.written > self.room:
            raise _TooLarge
        self.sink.write(data)


# -- the marked copy: the stripped rows put back

_COPY_ROW = re.compile(rb'<row r="([0-9]+)"[^>]*?(?:/>|>.*?</row>)', re.S)
_ROOT = re.compile(rb"<worksheet\b[^>]*>")
_DECLARATION = re.compile(rb'\s(?:xmlns:([\w.-]+)|mc:Ignorable)="[^"]*"')


def _put_back(copy: bytes, original: bytes, parts: set[str]) -> bytes:
    """``copy`` with the empty rows of the ``original``'s sheet ``parts`` merged back by row number."""
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(io.BytesIO(copy)) as marked:
        originals, copies = _sheet_parts(source), _sheet_parts(marked)
        wanted = {copies[title]: part for title, part in originals.items() if part in parts and title in copies}
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as result:
            for info in marked.infolist():
                content = marked.read(info.filename)
                if info.filename not in wanted:
                    result.writestr(info, content)
                    continue
                member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                member.compress_type, member.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
                with source.open(wanted[info.filename]) as rows, result.open(member, "w") as sink:
                    _merge(content, rows, sink)
    return out.getvalue()


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """{sheet title: its part} of a workbook, read as openpyxl reads them."""
    from openpyxl.reader.workbook import WorkbookParser

    parser = WorkbookParser(archive, "xl/workbook.xml")
    parser.parse()
    return {sheet.name: rel.target.lstrip("/") for sheet, rel in parser.find_sheets()}


def _merge(copy_sheet: bytes, source, sink) -> None:
    """Write the copy's sheet part with the empty rows of the original's (``source``) among its rows."""
    head, body, tail = _split_copy(copy_sheet)
    marked = [(int(m.group(1)), m.group(0)) for m in _COPY_ROW.finditer(body)]
    at = 0
    for kind, piece in _pieces(source):
        if kind == "head":
            sink.write(_with_declarations(head, piece))
        elif kind == "rows":
            empty = _EMPTY_ROW.findall(piece)
            at = _write_rows(sink, empty, marked, at) if empty else at
    sink.write(b"".join(row for _, row in marked[at:]) + tail)


def _split_copy(sheet: bytes) -> tuple[bytes, bytes, bytes]:
    """The copy's sheet part: up to and with <sheetData>, its rows, from </sheetData> on."""
    found = _SHEET_DATA.search(sheet)
    if found.group(1):
        return sheet[:found.start()] + b"<sheetData>", b"", _SHEET_DATA_END + sheet[found.end():]
    end = sheet.index(_SHEET_DATA_END, found.end())
    return sheet[:found.end()], sheet[found.end():end], sheet[end:]


def _with_declarations(head: bytes, original_head: bytes) -> bytes:
    """The copy's head with the namespaces the original's rows may use (x14ac:dyDescent …)
    declared on its root, and which of them a reader may ignore."""
    root, original = _ROOT.search(head), _ROOT.search(original_head)
    if not (root and original):
        return head
    present = {m.group(0).split(b"=")[0].strip() for m in _DECLARATION.finditer(root.group(0))}
    added = b"".join(m.group(0) for m in _DECLARATION.finditer(original.group(0))
                     if m.group(0).split(b"=")[0].strip() not in present)
    end = root.end() - 1
    return head[:end] + added + head[end:]


def _write_rows(sink, empty: list[bytes], marked: list[tuple[int, bytes]], at: int) -> int:
    """Write the ``empty`` rows (in order) and the copy's ``marked`` rows from ``at`` that come
    before or among them; return the first marked row not written."""
    first, last = _number(empty[0]), _number(empty[-1])
    while at < len(marked) and marked[at][0] < first:
        sink.write(marked[at][1])
        at += 1
    if at == len(marked) or marked[at][0] > last:
        sink.write(b"".join(empty))
        return at
    for row in empty:
        number = _number(row)
        while at < len(marked) and marked[at][0] < number:
            sink.write(marked[at][1])
            at += 1
        if at < len(marked) and marked[at][0] == number:
            continue  # the copy has this row (a mark in it): the copy's wins
        sink.write(row)
    return at


def _number(row: bytes) -> int:
    """The number of a row that begins ``<row r="`` (every row of a stripped part does)."""
    return int(row[8:row.index(b'"', 8)])

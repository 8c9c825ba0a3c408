"""Files that are no usable roster, as clerks and attackers send them: the wrong files (empty, an
.xls that is not one, Word, PDF, a picture, random bytes, a broken zip, .ods, .xlsb, …) and the
hostile XML inside a valid .xlsx (entity expansion, an external entity). tests/test_roster.py checks
their fatal reports on CPython, tests/test_parity.py the same in Pyodide, and
tests/browser/test_roster_page.py the words the page shows for each."""

from __future__ import annotations

import io
import zipfile

# The signature and first sector of an OLE2 compound file (.xls, .doc, encrypted Office files).
CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
SHEET_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def billion_laughs(root: bytes) -> bytes:
    entities = b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"lol") * 10)
                        for i in range(1, 10))
    return b'<?xml version="1.0"?><!DOCTYPE lolz [' + entities + b"]>" + root.replace(b"BOMB", b"&lol9;")


# (id, bytes, the fatal code, what the check detects or None)
WRONG_FILES = [
    ("zero-bytes", b"", "empty", None),
    ("xls-that-is-not-one", CFB + b"Workbook".ljust(64, b"\x00"), "damaged", "xls_unreadable"),
    ("word-doc", CFB + "WordDocument".encode("utf-16-le") + b"\x00" * 64, "not_xlsx", "doc"),
    ("encrypted", CFB + "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le"),
     "not_xlsx", "encrypted"),
    ("csv-gbk-not-a-roster", "单位,人数\n松山区第一中学,12\n".encode("gb18030"), "no_header", None),
    ("csv-utf8-header-only", "序号,姓名,身份证号码\n".encode("utf-8-sig"), "empty", None),
    ("html-saved-as-xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "not_xlsx", "html"),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not_xlsx", "pdf"),
    ("png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not_xlsx", "image"),
    ("random-bytes", bytes(range(256)) * 4, "not_xlsx", "unknown"),
    ("truncated-zip", b"PK\x03\x04garbage", "damaged", "bad_zip"),
    ("docx", zip_of({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<x/>"}), "not_xlsx", "docx"),
    ("ods", zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "not_xlsx", "ods"),
    ("plain-zip", zip_of({"a.txt": b"hello"}), "not_xlsx", "zip"),
    ("xlsb", zip_of({"xl/workbook.bin": b"\x00"}), "not_xlsx", "xlsb"),
]

# (id, the member of a valid .xlsx replaced, its hostile XML). The sheet is read with iterparse,
# styles with fromstring: both go through defusedxml.
HOSTILE_XML = [
    ("laughs-in-sheet", "xl/worksheets/sheet1.xml",
     billion_laughs(b"<worksheet " + SHEET_NS + b'><sheetData><row r="1"><c r="A1" t="inlineStr">'
                    b"<is><t>BOMB</t></is></c></row></sheetData></worksheet>")),
    ("laughs-in-styles", "xl/styles.xml",
     billion_laughs(b"<styleSheet " + SHEET_NS + b"><numFmts><numFmt numFmtId=\"200\" "
                    b'formatCode="BOMB"/></numFmts></styleSheet>')),
    ("external-entity", "xl/worksheets/sheet1.xml",
     b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet '
     + SHEET_NS + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row>'
     b"</sheetData></worksheet>"),
]

"""The roster check never breaks: whatever a cell holds, however the archive or its XML is
damaged, ``check_roster`` returns a report (the roster report of rules_py.roster) and never an unhandled exception, and
never the catch-all ``internal_error``, which would mean a bug in the checker itself."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import time
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from testkit import roster_factory as rf

from rules_py.roster import FATAL_CODES, PROBLEM_CODES, check_roster

# ROSTER_FUZZ_EXAMPLES=2000 for a longer hunt.
FUZZ = settings(max_examples=int(os.environ.get("ROSTER_FUZZ_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROWS = 6
HEADER_ROW = 1


def assert_sound(report: dict, allow_fatal: bool = True) -> None:
    json.dumps({k: v for k, v in report.items() if k != "annotated_xlsx"}, ensure_ascii=False, allow_nan=False)
    fatal = report["fatal"]
    if fatal is not None:
        assert allow_fatal, fatal
        assert fatal["code"] in FATAL_CODES and fatal["code"] != "internal_error", fatal
        assert fatal["message"]
        return
    for problem in report["problems"]:
        assert problem["code"] in PROBLEM_CODES
        assert problem["message"] and problem["hint"]
        assert problem["row"] is not None


texts = st.text(max_size=30).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))
formula_like = st.sampled_from(["=1+1", "=SUM(A1:A3)", "+86139", "-1", "@SUM(1)", "=1/0", "=\"x\"", "=A1*"])
cell_values = st.one_of(
    st.none(), texts, formula_like.map(rf.AsText), formula_like,
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.sampled_from(["#VALUE!", "#REF!", "1.50404E+17", "150404198005010010", "150404800501001", "男", "女",
                     "网络培训", "合计", "示例", "注：", "公需科目学时", "身份证号码", "0476-8466847", "", "   "]),
)
positions = st.tuples(st.integers(HEADER_ROW, HEADER_ROW + ROWS + 2), st.integers(1, len(rf.KEYS) + 2))
BASE_ROWS = rf.people(ROWS)


def planted(mutations) -> bytes:
    workbook = load_workbook(io.BytesIO(rf.custom(BASE_ROWS)))
    ws = workbook.active
    for (row, column), value in mutations:
        rf._put(ws, row, column, value)
    return rf.to_bytes(workbook)


@FUZZ
@given(st.lists(st.tuples(positions, cell_values), min_size=1, max_size=8), st.booleans())
def test_any_cell_values_give_a_report(mutations, annotate):
    report = check_roster(planted(mutations), annotate=annotate)
    assert_sound(report)
    if annotate and report["fatal"] is None:
        annotated = report["annotated_xlsx"]
        assert annotated is not None, report.get("annotation_error")
        load_workbook(io.BytesIO(annotated))


GOOD = rf.from_form(rf.people(4))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)), min_size=1, max_size=20),
       st.one_of(st.none(), st.integers(0, len(GOOD))))
def test_damaged_bytes_give_a_report(flips, cut):
    data = bytearray(GOOD)
    for position, byte in flips:
        data[position] = byte
    if cut is not None:
        data = data[:cut]
    started = time.perf_counter()
    assert_sound(check_roster(bytes(data), annotate=True))
    assert time.perf_counter() - started < 10


XML_TOKENS = [
    b'<c r="XFD1048576"><v>1</v></c>', b'<row r="1048576"><c r="A1048576" t="s"><v>0</v></c></row>',
    b'<dimension ref="A1:XFD1048576"/>', b' t="s"', b' t="e"', b' t="n"', b' t="b"', b' t="d"', b' t="str"',
    b' t="inlineStr"', b"<v>nan</v>", b"<v>1e999</v>", b"<v>-1</v>", b"<v>999999</v>", b"<v>x</v>",
    b"<v>2025-13-45T00:00:00</v>", b"<f>SUM(A1)</f>", b'<f t="shared" si="0"/>', b' s="999"', b' r="0"',
    b' r="A0"', b' r="ZZZZZ1"', b"</row>", b"<row>", b"<is><t>x</t></is>", b"", b"<c/>", b"\xff\xfe",
    b'<mergeCell ref="A1:M9"/>', b"&amp;", b"&#0;", b"<![CDATA[x]]>",
]


def mutate_member(data: bytes, name: str, edits) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == name:
                for where, length, token in edits:
                    where %= max(len(content), 1)
                    content = content[:where] + token + content[where + length:]
            dst.writestr(info.filename, content)
    return out.getvalue()


MEMBERS = ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml",
           "xl/_rels/workbook.xml.rels", "docProps/core.xml"]


@FUZZ
@given(st.sampled_from(MEMBERS),
       st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 40), st.sampled_from(XML_TOKENS)),
                min_size=1, max_size=6))
def test_mutated_xml_gives_a_report(member, edits):
    data = mutate_member(GOOD, member, edits)
    started = time.perf_counter()
    report = check_roster(data, annotate=True)
    assert_sound(report)
    assert time.perf_counter() - started < 10


@FUZZ
@given(st.lists(st.sampled_from([
    b'<c r="A5" t="n"><v>0</v></c>', b'<c r="D5" t="n"><v>1.50404198005010E+17</v></c>',
    b'<c r="H5" t="e"><v>#DIV/0!</v></c>', b'<c r="H5"><f>1/0</f></c>', b'<c r="J5"><f>H5+I5</f><v>7</v></c>',
    b'<c r="L5" t="b"><v>1</v></c>', b'<c r="C5" t="inlineStr"><is><t>m</t></is></c>',
    b'<c r="XFD5"><v>1</v></c>', b'<c r="I5" s="0"><v>1e308</v></c>',
]), min_size=1, max_size=4))
def test_well_formed_odd_cells_are_checked_not_fatal(cells):
    """Cells that are odd but valid XML land in the table: the check reports problems, not a fatal."""
    with zipfile.ZipFile(io.BytesIO(GOOD)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    row5 = re.search(rb'<row r="5"[^>]*>(.*?)</row>', sheet, re.S)
    cells_xml = row5.group(1)
    for cell in cells:
        ref = re.search(rb'r="([A-Z]+5)"', cell).group(1)
        existing = re.search(rb'<c r="%s"[^>]*?(/>|>.*?</c>)' % ref, cells_xml, re.S)
        if existing and ref != b"XFD5":
            cells_xml = cells_xml[:existing.start()] + cell + cells_xml[existing.end():]
        elif ref == b"XFD5":
            cells_xml = cells_xml + cell
    sheet = sheet[:row5.start(1)] + cells_xml + sheet[row5.end(1):]
    report = check_roster(rf.replace_member(GOOD, "xl/worksheets/sheet1.xml", sheet), annotate=True)
    assert_sound(report, allow_fatal=False)
    assert report["annotated_xlsx"] is not None

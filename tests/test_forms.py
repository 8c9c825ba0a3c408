"""The forms spec and the blank 附件1 / 附件2 workbooks, read back as a clerk's Excel would see them."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from rules_py.blank_forms import NOTES_SHEET, form_workbook_bytes, reproducible_xlsx, total_formula, write_blank_forms
from rules_py.forms import (CHOICE, COLUMN_TYPES, DATE, DECIMAL, ID_NUMBER, INTEGER, MAX_PROMPT,
                            MAX_PROMPT_TITLE, PHONE, form_by_id, forms_for, normalise_header)
from rules_py.notice import load_notice
from testkit import office
from testkit import roster_factory as rf

NOTICE = load_notice()
FORMS = forms_for(NOTICE)
FORM_IDS = [f.id for f in FORMS]
ROSTER_KEYS = ("seq", "name", "sex", "id_number", "employer", "title", "specialty", "public_hours",
               "professional_hours", "total_hours", "training_mode", "phone", "remarks")


@pytest.fixture(scope="module", params=FORM_IDS)
def form(request):
    return form_by_id(NOTICE, request.param)


@pytest.fixture(scope="module")
def book(form):
    return openpyxl.load_workbook(io.BytesIO(form_workbook_bytes(form)))


@pytest.fixture(scope="module")
def sheet(book, form):
    return book[form.sheet_name]


def letter(form, key):
    return get_column_letter(form.keys.index(key) + 1)


def column_range(form, key):
    col = letter(form, key)
    return f"{col}{form.first_data_row}:{col}{form.last_data_row}"


def validation_for(sheet, form, key):
    """The single data validation covering exactly the blank rows of ``key``'s column."""
    found = [dv for dv in sheet.data_validations.dataValidation if str(dv.sqref) == column_range(form, key)]
    assert len(found) == 1, f"{key}: {len(found)} validations on {column_range(form, key)}"
    return found[0]


# -- the spec ---------------------------------------------------------------------------------

def test_forms_in_attachment_order():
    assert [(f.id, f.attachment) for f in FORMS if f.notice_attachment] == [("plan", "附件1"), ("roster", "附件2")]
    assert [f.id for f in FORMS][-1] == "applicants"  # our own form, after the notice's
    with pytest.raises(KeyError):
        form_by_id(NOTICE, "nonexistent")


def test_roster_keys_are_the_checker_contract():
    assert form_by_id(NOTICE, "roster").keys == ROSTER_KEYS


def test_titles_come_from_the_notice():
    roster, plan = form_by_id(NOTICE, "roster"), form_by_id(NOTICE, "plan")
    # The notice names its attachments 《专业技术人员年度培训计划备案表》 and 《2025年…花名册》.
    assert roster.title == f"{NOTICE.year}年专业技术人员继续教育培训花名册"
    assert f"《{roster.title}》" in NOTICE.data["filing"]["quote"]
    assert plan.title == "专业技术人员年度培训计划备案表"
    assert any(str(NOTICE.year) in label for line in plan.header_lines for label in line)


def test_every_column_is_complete(form):
    assert len(set(form.keys)) == len(form.keys)
    for col in form.columns:
        assert col.key.isascii() and col.key.isidentifier(), col.key
        assert col.header and len(col.header) <= MAX_PROMPT_TITLE
        assert col.type in COLUMN_TYPES
        assert col.prompt and len(col.prompt) <= MAX_PROMPT, col.key
        assert col.width > 0
        if col.type == CHOICE:
            assert col.allowed and not any("," in v for v in col.allowed)
            assert len('"' + ",".join(col.allowed) + '"') <= 255  # Excel's inline list limit
        if col.clause:
            NOTICE.clause(col.clause)
        for key in col.sum_of:
            assert form.column(key).type in (INTEGER, DECIMAL)
        if col.not_before:
            assert form.column(col.not_before).type == DATE


def test_header_synonyms_do_not_collide(form):
    owner = {}
    for col in form.columns:
        for text in col.accepted_headers:
            assert owner.setdefault(text, col.key) == col.key, f"{text!r}: {owner[text]} and {col.key}"


def test_real_headers_find_their_columns():
    roster = form_by_id(NOTICE, "roster")
    for text, key in [("身份证号", "id_number"), ("公民身份号码", "id_number"), ("身份证 号码", "id_number"),
                      ("合计", "total_hours"), ("总学时", "total_hours"), ("手机号", "phone"),
                      ("电话", "phone"), ("专业技术职务(职称)", "title"), ("姓  名", "name"),
                      ("公需科目\n学时", "public_hours"), ("ＮＯ．", "seq"), ("姓名*", "name")]:
        assert [c.key for c in roster.columns if normalise_header(text) in c.accepted_headers] == [key], text
    assert not any(normalise_header("籍贯") in c.accepted_headers for c in roster.columns)


def test_normalise_header_examples():
    assert normalise_header("身份证\n号码") == "身份证号码"
    assert normalise_header("\u3000姓 名\u3000") == "姓名"
    assert normalise_header("专业技术职务（职称）") == normalise_header("专业技术职务(职称)")
    assert normalise_header("ＮＯ．") == normalise_header("No.") == "no."


@given(st.text())
def test_normalise_header_is_idempotent(text):
    once = normalise_header(text)
    assert normalise_header(once) == once


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)), st.data())
def test_normalise_header_ignores_width_and_spacing(text, data):
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in text)  # ASCII → ＡＳＣＩＩ
    spaced = "".join(ch + data.draw(st.sampled_from(["", " ", "\n", "\u3000"])) for ch in full_width)
    assert normalise_header(spaced) == normalise_header(text)


# -- the blank workbook -----------------------------------------------------------------------

def test_headers_in_spec_order(sheet, form):
    row = [sheet.cell(row=form.header_row, column=i).value for i in range(1, len(form.columns) + 2)]
    assert row == [*form.headers, None]


def test_title_is_merged_across_the_table(sheet, form):
    last = get_column_letter(len(form.columns))
    assert sheet["A1"].value == form.attachment
    assert sheet["A2"].value == form.title
    assert f"A2:{last}2" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A2"].alignment.horizontal == "center"
    assert sheet["A2"].font.b and sheet["A2"].font.sz >= 16


def test_header_lines_ask_who_files(sheet, form):
    written = [sheet.cell(row=3 + i, column=c).value
               for i in range(len(form.header_lines)) for c in range(1, len(form.columns) + 1)]
    labels = [label for line in form.header_lines for label in line]
    assert [v for v in written if v] == labels
    assert any(label.startswith("填报单位") for label in labels)
    assert any(label.startswith("联系电话") for label in labels)


def test_choice_columns_have_drop_downs(sheet, form):
    choices = [c for c in form.columns if c.type == CHOICE]
    assert choices
    for col in choices:
        dv = validation_for(sheet, form, col.key)
        assert dv.type == "list"
        assert dv.formula1 == '"' + ",".join(col.allowed) + '"'
        assert dv.showErrorMessage and dv.error
        assert not dv.showDropDown  # True would hide the arrow in Excel and LibreOffice


def test_roster_drop_down_values():
    roster = form_by_id(NOTICE, "roster")
    assert roster.column("sex").allowed == ("男", "女")
    assert "网络培训" in roster.column("training_mode").allowed


def test_number_columns_have_limits(sheet, form):
    numbers = [c for c in form.columns if c.type in (INTEGER, DECIMAL) and not c.computed]
    assert numbers
    for col in numbers:
        dv = validation_for(sheet, form, col.key)
        assert dv.type == ("whole" if col.type == INTEGER else "decimal")
        assert float(dv.formula1) == col.min_value
        if col.max_value is not None:
            assert dv.operator == "between" and float(dv.formula2) == col.max_value
        assert dv.showErrorMessage and dv.errorTitle and len(dv.error) <= 224


def test_roster_hours_are_bounded():
    roster = form_by_id(NOTICE, "roster")
    for key in ("public_hours", "professional_hours"):
        col = roster.column(key)
        assert col.min_value == 0
        assert col.max_value == NOTICE.input_limits["max_hours_per_activity"]


def test_every_column_prompts_the_clerk(sheet, form):
    for col in form.columns:
        dv = validation_for(sheet, form, col.key)
        assert dv.showInputMessage
        assert dv.promptTitle == col.header and len(dv.promptTitle) <= MAX_PROMPT_TITLE
        assert dv.prompt == col.prompt and len(dv.prompt) <= MAX_PROMPT


def test_id_and_phone_columns_are_text(sheet, form):
    """The typing formats are the columns' styles, which a typed cell takes in Excel, WPS and
    LibreOffice (test_libreoffice_keeps_a_typed_id_as_text); the blank rows hold no cell."""
    text_cols = [c for c in form.columns if c.type in (ID_NUMBER, PHONE)]
    if form.id == "roster":
        assert {c.key for c in text_cols} == {"id_number", "phone"}
    for col in text_cols:
        assert sheet.column_dimensions[letter(form, col.key)].number_format == "@", col.key
    assert sheet.max_row == form.header_row  # nothing below the header: the used range ends there


def test_id_number_length_is_validated():
    roster = form_by_id(NOTICE, "roster")
    sheet = openpyxl.load_workbook(io.BytesIO(form_workbook_bytes(roster)))[roster.sheet_name]
    dv = validation_for(sheet, roster, "id_number")
    assert (dv.type, dv.operator, dv.formula1) == ("textLength", "equal", "18")


def test_plan_dates_stay_in_the_training_year():
    plan = form_by_id(NOTICE, "plan")
    sheet = openpyxl.load_workbook(io.BytesIO(form_workbook_bytes(plan)))[plan.sheet_name]
    year = NOTICE.data["training_year"]
    first, last = (f"DATE({d.year},{d.month},{d.day})" for d in (year["start"], year["end"]))
    start = validation_for(sheet, plan, "start_date")
    assert (start.type, start.formula1, start.formula2) == ("date", first, last)
    end = validation_for(sheet, plan, "end_date")
    end_cell, start_cell = f"{letter(plan, 'end_date')}5", f"{letter(plan, 'start_date')}5"
    assert end.type == "custom" and first in end.formula1 and last in end.formula1
    assert f"{end_cell}>={start_cell}" in end.formula1
    assert sheet.column_dimensions[letter(plan, "start_date")].number_format == "yyyy-mm-dd"


def conditional_rules(sheet) -> dict[str, list]:
    return {str(rules.sqref): rules.rules for rules in sheet.conditional_formatting}


def test_a_total_that_is_not_the_sum_turns_red():
    roster = form_by_id(NOTICE, "roster")
    sheet = openpyxl.load_workbook(io.BytesIO(form_workbook_bytes(roster)))[roster.sheet_name]
    pub, pro, tot = (letter(roster, k) for k in ("public_hours", "professional_hours", "total_hours"))
    first = roster.first_data_row
    rules = conditional_rules(sheet)[column_range(roster, "total_hours")]
    mismatch = rules[0]
    assert mismatch.formula == [f'AND(${tot}{first}<>"",N(${tot}{first})<>N(${pub}{first})+N(${pro}{first}))']
    assert mismatch.dxf.fill.fgColor.rgb == "FFFFC7CE" or mismatch.dxf.fill.bgColor.rgb == "FFFFC7CE"


def test_rows_with_something_in_them_get_ruled(sheet, form):
    """Borders by conditional formatting: an empty row is no cell, so it is not printed."""
    last_col = get_column_letter(len(form.columns))
    first = form.first_data_row
    rules = conditional_rules(sheet)[f"A{first}:{last_col}{form.last_data_row}"]
    assert rules[0].formula == [f"COUNTA($A{first}:${last_col}{first})>0"]
    border = rules[0].dxf.border
    assert {border.left.style, border.right.style, border.top.style, border.bottom.style} == {"thin"}


def test_freeze_panes_below_the_header(sheet, form):
    assert sheet.freeze_panes == f"A{form.first_data_row}"


def test_print_setup(book, form):
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1
    sheet = book[form.sheet_name]
    assert sheet.page_setup.fitToHeight == 0  # the table runs on; the header repeats
    assert sheet.print_title_rows == f"${form.header_row}:${form.header_row}"
    assert not sheet.print_area  # the filled rows are the printed range, in every office suite


def test_signature_line_is_the_page_footer(sheet, form):
    assert sheet.oddFooter.left.text == form.signature_line
    assert "&P" in sheet.oddFooter.right.text
    for part in ("单位负责人（签字）", "审核人", "填报人", "（单位盖章）"):
        assert part in form.signature_line


def test_notes_sheet_cites_the_notice(book, form):
    notes = book[NOTES_SHEET]
    text = "\n".join(str(c.value) for row in notes.iter_rows() for c in row if c.value is not None)
    for col in form.columns:
        assert col.header in text and col.prompt in text
    if not form.notice_attachment:  # our own form says the notice has none (its checks: test_applicants_form.py)
        assert "通知未附此表" in text and "参考表格" in text
        return
    deadline = NOTICE.data["filing"]["roster_deadline"]
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in text
    assert NOTICE.cite("s2-6-1") in text and NOTICE.cite("s6") in text
    assert "参考格式" in text  # the layout is the project's proposal, and says so
    for col in form.columns:
        assert col.header in text and col.prompt in text
    if form.id == "roster":
        assert NOTICE.cite("s2-1") in text
        assert f"公需科目不少于{NOTICE.requirements['public_hours']}学时" in text


# -- reproducibility --------------------------------------------------------------------------

def test_two_writes_are_identical(form):
    assert form_workbook_bytes(form) == form_workbook_bytes(form)


def test_identical_across_hash_seeds():
    here = {f.id: hashlib.sha256(form_workbook_bytes(f)).hexdigest() for f in FORMS}
    script = ("import hashlib; from rules_py.notice import load_notice; from rules_py.forms import forms_for;"
              "from rules_py.blank_forms import form_workbook_bytes;"
              "[print(f.id, hashlib.sha256(form_workbook_bytes(f)).hexdigest()) for f in forms_for(load_notice())]")
    for seed in ("0", "4242"):
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        assert dict(line.split() for line in out.splitlines()) == here, seed


def test_reproducible_xlsx_fixes_every_timestamp(form):
    data = form_workbook_bytes(form)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2
    assert reproducible_xlsx(data) == data


def test_write_blank_forms(tmp_path):
    paths = write_blank_forms(tmp_path / "forms", NOTICE)
    assert [p.name for p in paths] == [f.filename for f in FORMS]
    for path, form in zip(paths, FORMS):
        assert path.read_bytes() == form_workbook_bytes(form)
        assert path.name.isascii() and form.download_name.endswith(".xlsx")


# -- what LibreOffice makes of it (make test installs it) --------------------------

def test_libreoffice_keeps_a_typed_id_as_text_and_adds_a_formula_total(tmp_path):
    roster = form_by_id(NOTICE, "roster")
    book = openpyxl.load_workbook(io.BytesIO(form_workbook_bytes(roster)))
    sheet = book[roster.sheet_name]
    first = roster.first_data_row
    sheet[f"{letter(roster, 'id_number')}{first}"] = "150404198005010010"
    sheet[f"{letter(roster, 'public_hours')}{first}"] = 30
    sheet[f"{letter(roster, 'professional_hours')}{first}"] = 62.5
    sheet[f"{letter(roster, 'total_hours')}{first}"] = total_formula(roster, roster.column("total_hours"), first)
    buffer = io.BytesIO()
    book.save(buffer)
    rows = list(csv.reader(io.StringIO(office.as_csv(buffer.getvalue()).decode("utf-8"))))
    total = roster.keys.index("total_hours")
    ident = roster.keys.index("id_number")
    assert rows[roster.header_row - 1][total] == roster.column("total_hours").header
    assert rows[first - 1][ident] == "150404198005010010"  # still text, all 18 digits
    assert rows[first - 1][total] == "92.5"


# -- printing (issue 14): what LibreOffice prints, read back with pdftotext -------------------------

def printed_pages(xlsx: bytes, tmp_path, name: str) -> list[str]:
    """The text of each printed A4 page, as LibreOffice headless prints the workbook."""
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(office.convert(xlsx, office.PDF))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.3" in info  # A4 landscape
    pages = int(info.split("Pages:")[1].split()[0])
    return [subprocess.run(["pdftotext", "-raw", "-f", str(n), "-l", str(n), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, pages + 1)]


def only_the_form_sheet(xlsx: bytes, form) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    for name in book.sheetnames:
        if name != form.sheet_name:
            del book[name]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_filled_ten_person_roster_prints_on_one_page_with_its_signature(tmp_path):
    """The print area follows the filled rows and the signature block is on the same page (it
    was 5 pages, the signature on page 5, when the blank had 200 ruled rows)."""
    people = rf.people(10)
    pages = printed_pages(only_the_form_sheet(rf.from_form(people), rf.FORM), tmp_path, "roster-10")
    assert len(pages) == 1
    flat = "".join(pages[0].split())
    for person in people:
        assert person["name"] in flat and person["id_number"] in flat
    assert "".join(rf.FORM.signature_line.split()) in flat
    assert "第1页，共1页" in flat
    # The whole workbook: the roster's page, then the 填表说明 sheet.
    whole = printed_pages(rf.from_form(people), tmp_path, "roster-10-whole")
    assert [any(p["name"] in "".join(page.split()) for p in people) for page in whole] == [True] + [False] * (len(whole) - 1)


def test_a_long_roster_signs_every_page_and_repeats_the_header(tmp_path):
    pages = printed_pages(only_the_form_sheet(rf.from_form(rf.people(60)), rf.FORM), tmp_path, "roster-60")
    assert 2 <= len(pages) <= 3
    for page in pages:
        flat = "".join(page.split())
        assert "".join(rf.FORM.signature_line.split()) in flat and "身份证号码" in flat


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_form_prints_its_headers_whole_on_one_page(form_id, tmp_path):
    """附件1, 附件2 and the applicants form: the blank prints on one page, title, header labels
    and every column header in full (a wrapped header's lines follow one another), signature below."""
    form = form_by_id(NOTICE, form_id)
    pages = printed_pages(only_the_form_sheet(form_workbook_bytes(form), form), tmp_path, form_id)
    assert len(pages) == 1
    flat = "".join(pages[0].split())
    for text in (form.title, *form.headers, *(label for line in form.header_lines for label in line)):
        assert "".join(text.split()) in flat, text
    assert "".join(form.signature_line.split()) in flat

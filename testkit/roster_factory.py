"""Rosters built in code for the roster-check tests: valid ones from the blank form (附件2), and
ones with a problem planted at a known cell. Every ID here is synthetic (region 150404 = 松山区,
made-up birth dates and sequences, correct check characters): never a real person.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from rules_py.blank_forms import form_workbook_bytes, total_formula
from rules_py.forms import form_by_id
from rules_py.idcard import check_char
from rules_py.notice import load_notice

NOTICE = load_notice()
FORM = form_by_id(NOTICE, "roster")
KEYS = FORM.keys
FIRST_ROW = FORM.first_data_row
LETTER = {key: get_column_letter(i + 1) for i, key in enumerate(KEYS)}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英")
EMPLOYERS = ("松山区第一中学", "松山区人民医院", "松山区农牧局", "松山区第二小学", "松山区疾病预防控制中心")
TITLES = ("中学一级教师", "主治医师", "农艺师", "小学高级教师", "助理工程师")
SPECIALTIES = ("初中数学", "内科", "作物栽培", "小学语文", "公共卫生")
MODES = ("网络培训", "面授培训", "网络+面授", "其他")


def make_id(index: int, sex: str = "male", born: dt.date | None = None, region: str = "150404") -> str:
    """A synthetic valid 18-character ID; ``index`` varies the sequence and birth date."""
    if born is None:
        born = dt.date(1965 + index % 35, 1 + index % 12, 1 + index % 28)
    sequence = (index * 2) % 998 + 1  # odd
    if sex == "female":
        sequence += 1
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def make_id15(index: int, sex: str = "male") -> str:
    born = dt.date(1950 + index % 40, 1 + index % 12, 1 + index % 28)
    sequence = (index * 2) % 998 + 1 + (sex == "female")
    return f"150404{born:%y%m%d}{sequence:03d}"


class AsText(str):
    """A value to store as a text cell even if it begins with '=' (openpyxl would make a formula)."""


def _put(ws, row: int, column: int, value) -> None:
    target = ws.cell(row=row, column=column)
    target.value = str(value) if isinstance(value, AsText) else value
    if isinstance(value, AsText):
        target.data_type = "s"


def person(index: int, **overrides) -> dict:
    """One valid row as {key: value}; overrides replace values (None leaves a cell empty)."""
    sex = "female" if index % 2 else "male"
    public = 30 + index % 5
    professional = 60 + (index * 7) % 30
    row = {
        "seq": index + 1,
        "name": SURNAMES[index % len(SURNAMES)] + GIVEN[index % len(GIVEN)],
        "sex": "女" if sex == "female" else "男",
        "id_number": make_id(index, sex),
        "employer": EMPLOYERS[index % len(EMPLOYERS)],
        "title": TITLES[index % len(TITLES)],
        "specialty": SPECIALTIES[index % len(SPECIALTIES)],
        "public_hours": public,
        "professional_hours": professional,
        "training_mode": MODES[index % len(MODES)],
        "phone": f"139{index:08d}" if index % 3 else "0476-8466847",
        "remarks": None,
    }
    row.update(overrides)
    return row


def people(count: int, start: int = 0) -> list[dict]:
    return [person(i) for i in range(start, start + count)]


def to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def blank_form() -> bytes:
    return form_workbook_bytes(FORM)


def from_form(rows: list[dict], *, first_row: int = FIRST_ROW, skip: dict[int, int] | None = None) -> bytes:
    """Fill the blank form: rows[i] goes to sheet row first_row + i (+ blank rows given in
    ``skip`` = {before index: how many blank rows}). 合计 is the formula a clerk drags down
    (blank_forms.total_formula) unless a row gives ``total_hours``; an int written in the ID
    column is a number, as a clerk's pasted number would be."""
    workbook = load_workbook(io.BytesIO(blank_form()))
    ws = workbook[FORM.sheet_name]
    total = FORM.column("total_hours")
    row_number = first_row
    for index, values in enumerate(rows):
        row_number += (skip or {}).get(index, 0)
        values = {"total_hours": total_formula(FORM, total, row_number), **values}
        for key, value in values.items():
            _put(ws, row_number, KEYS.index(key) + 1, value)
        row_number += 1
    return to_bytes(workbook)


def row_of(index: int, *, first_row: int = FIRST_ROW) -> int:
    return first_row + index


def cell(key: str, index: int) -> str:
    return f"{LETTER[key]}{row_of(index)}"


def custom(rows: list[dict], headers: dict[str, str] | None = None, *, keys: tuple[str, ...] = KEYS,
           above: list[list] = (), header_rows: list[list] | None = None, sheet: str = "Sheet1",
           extra_sheets: tuple[str, ...] = (), first_column: int = 1, gap: dict[int, int] | None = None,
           merges: tuple[str, ...] = ()) -> bytes:
    """A roster laid out the way people make their own: ``above`` rows (title, unit line…), then
    the header (``headers`` maps key → the text written; default the spec's header), then rows.
    ``header_rows`` replaces the one-row header with several rows of literal cells."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for name in extra_sheets:
        other = workbook.create_sheet(name)
        other["A1"] = "说明"
    r = 1
    for line in above:
        for c, value in enumerate(line, start=first_column):
            ws.cell(row=r, column=c, value=value)
        r += 1
    if header_rows is None:
        header_rows = [[(headers or {}).get(key, FORM.column(key).header) for key in keys]]
    for line in header_rows:
        for c, value in enumerate(line, start=first_column):
            ws.cell(row=r, column=c, value=value)
        r += 1
    for index, values in enumerate(rows):
        r += (gap or {}).get(index, 0)
        for key, value in values.items():
            if key in keys:
                _put(ws, r, first_column + keys.index(key), value)
        r += 1
    for ref in merges:
        ws.merge_cells(ref)
    return to_bytes(workbook)


def with_cached_values(xlsx: bytes, sheet_index: int, values: dict[str, object]) -> bytes:
    """Add Excel's cached results to formula cells (openpyxl writes formulas without them), as a
    workbook saved by Excel or WPS has them: {"J5": 90}."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == f"xl/worksheets/sheet{sheet_index}.xml":
                text = data.decode("utf-8")
                for ref, value in values.items():
                    pattern = re.compile(r'(<c r="%s"[^>]*?)(/>|>(.*?)</c>)' % ref, re.S)
                    match = pattern.search(text)
                    assert match, ref
                    inner = match.group(3) or ""
                    formula = re.search(r"<f>.*?</f>", inner, re.S)
                    assert formula, f"{ref} holds no formula"
                    if isinstance(value, str):
                        start = re.sub(r'\st="[^"]*"', "", match.group(1)) + ' t="str"'
                    else:
                        start = match.group(1)
                    text = text[:match.start()] + f"{start}>{formula.group(0)}<v>{value}</v></c>" + text[match.end():]
                data = text.encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


def replace_member(xlsx: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, content if info.filename == name else src.read(info.filename))
    return out.getvalue()


def layout(rows: list[dict], header: list[tuple[str, str]], *, above: list[list] = (),
           sheet: str = "Sheet1") -> bytes:
    """A roster on a layout of its own: ``header`` lists (key, header text) in sheet order; a key
    the form does not know (e.g. "x_major") is a column the checker should leave alone, filled
    from the row's value under that key."""
    keys = tuple(key for key, _ in header)
    return custom(rows, keys=keys, header_rows=[[text for _, text in header]], above=above, sheet=sheet)


def with_total(row: dict, **extra) -> dict:
    """A row with its 合计 typed in (as units do on their own layouts) and any extra columns."""
    return {**row, "total_hours": row["public_hours"] + row["professional_hours"], **extra}


def workbook_of(sheets: dict[str, bytes]) -> bytes:
    """One workbook holding the first sheet of each given workbook (built by ``custom``), in
    order, under the given titles: a unit's 2024 and 2025 rosters, or 一中 and 二中."""
    target = Workbook()
    target.remove(target.active)
    for title, data in sheets.items():
        source = load_workbook(io.BytesIO(data)).worksheets[0]
        ws = target.create_sheet(title)
        for row in source.iter_rows():
            for cell in row:
                if cell.value is not None:
                    ws.cell(row=cell.row, column=cell.column, value=cell.value).data_type = cell.data_type
        for merged in source.merged_cells.ranges:
            ws.merge_cells(str(merged))
    return to_bytes(target)


def add_member(xlsx: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one more archive part (an image the clerk pasted, say)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr(name, content)
    return out.getvalue()


def with_external_link(rows: list[dict], key: str = "name", index: int = 0) -> bytes:
    """A roster (``custom`` layout) whose ``key`` cell of row ``index`` is a formula into another
    workbook ("=[1]Sheet1!A1"), with the link part and the cached value Excel would have saved."""
    from openpyxl.packaging.relationship import Relationship
    from openpyxl.workbook.external_link.external import ExternalBook, ExternalLink, ExternalSheetNames

    shown = rows[index][key]
    rows = [dict(row) for row in rows]
    rows[index][key] = "=[1]Sheet1!A1"
    workbook = load_workbook(io.BytesIO(custom(rows)))
    link = ExternalLink(externalBook=ExternalBook(sheetNames=ExternalSheetNames(sheetName=["Sheet1"]), id="rId1"))
    link.file_link = Relationship(type="externalLinkPath", Target="人事名单.xlsx", TargetMode="External", Id="rId1")
    workbook._external_links.append(link)
    ref = f"{get_column_letter(KEYS.index(key) + 1)}{index + 2}"
    return with_cached_values(to_bytes(workbook), 1, {ref: shown})


def style_bloated(xlsx: bytes, count: int = 50_000) -> bytes:
    """The workbook with ``count`` more named cell styles ("样式 1" …), the bloat copy-pasted
    templates accumulate: one cellStyleXfs entry and one cellStyles entry each."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/styles.xml":
                text = data.decode("utf-8")
                xfs = re.search(r'<cellStyleXfs count="([0-9]+)">(.*?)</cellStyleXfs>', text, re.S)
                base = int(xfs.group(1))
                extra_xfs = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * count
                text = text.replace(xfs.group(0), f'<cellStyleXfs count="{base + count}">{xfs.group(2)}{extra_xfs}</cellStyleXfs>')
                styles = re.search(r'<cellStyles count="([0-9]+)">(.*?)</cellStyles>', text, re.S)
                extra = "".join(f'<cellStyle name="样式 {i}" xfId="{base + i}"/>' for i in range(count))
                text = text.replace(styles.group(0), f'<cellStyles count="{int(styles.group(1)) + count}">{styles.group(2)}{extra}</cellStyles>')
                data = text.encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


def formatted_to_the_last_row(xlsx: bytes, last: int = 1_048_576, *, bordered: int = 0, filled: bytes = b"") -> bytes:
    """The first sheet with every row down to ``last`` formatted as Excel stores a border or fill
    given to whole rows (an empty styled <row>, compressed as Excel does: 1,048,576 rows make a
    2.7 MB file of 67 MB XML). The first ``bordered`` of those rows hold empty styled cells, as Excel
    stores a border drawn on a range; ``filled``, a cell XML with {n} for the row number, puts that
    cell in every row instead (a formula filled down to the last row). The rows take the workbook's
    second cell format (``s="1"``): :func:`bordered` gives a roster one."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"</sheetData>", 1)
                used = max(int(n) for n in re.findall(rb'<row r="([0-9]+)"', head))
                with dst.open(info.filename, "w", force_zip64=True) as member:
                    member.write(head)
                    for start in range(used + 1, last + 1, 10_000):
                        member.write(b"".join(_formatted_row(n, n - used <= bordered, filled)
                                              for n in range(start, min(start + 10_000, last + 1))))
                    member.write(b"</sheetData>" + tail)
                continue
            dst.writestr(info, data)
    return out.getvalue()


def _formatted_row(number: int, bordered: bool, filled: bytes) -> bytes:
    attributes = b'<row r="%d" spans="1:13" s="1" customFormat="1" ht="14.25"' % number
    if filled:
        return attributes + b">" + filled.replace(b"{n}", b"%d" % number) + b"</row>"
    if not bordered:
        return attributes + b"/>"
    cells = b"".join(b'<c r="%s%d" s="1"/>' % (get_column_letter(column).encode(), number) for column in range(1, 14))
    return attributes + b">" + cells + b"</row>"


def over_formatted_roster() -> bytes:
    """A roster as clerks send it (issue 15): 20 people, a bad phone (row 4) and a wrong check
    character (row 9), a border drawn on the 200 rows below them and every row down to 1,048,576
    formatted (a 2.7 MB file)."""
    return formatted_to_the_last_row(bordered(two_problems_roster()), bordered=200)


def bordered(xlsx: bytes) -> bytes:
    """The workbook with a thin border round every filled cell of its first sheet: its second cell
    format (as Excel numbers them, ``s="1"``)."""
    from openpyxl.styles import Border, Side

    workbook = load_workbook(io.BytesIO(xlsx))
    thin = Side(style="thin")
    for row in workbook.worksheets[0].iter_rows():
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    return to_bytes(workbook)


def two_problems_roster() -> bytes:
    """20 people, a bad phone (row 4) and a wrong check character (row 9)."""
    rows = people(20)
    rows[2]["phone"] = "bad"
    check = rows[7]["id_number"][17]
    rows[7]["id_number"] = rows[7]["id_number"][:17] + ("0" if check != "0" else "1")
    return custom(rows)


def _clerk_not_people() -> bytes:
    rows = people(4) + [{"seq": "合计", "public_hours": 120, "professional_hours": 250},
                        {"seq": "单位负责人：", "id_number": "审核人：", "phone": "填表人："},
                        {"seq": "填报日期：", "name": dt.datetime(2025, 12, 1)}]
    return custom([{key: i + 1 for i, key in enumerate(KEYS)}] + rows)


def _clerk_merged_unit() -> bytes:
    rows = people(8)
    for row in rows[1:]:
        row["employer"] = None
    rows[5]["phone"] = "0476-8466847转8001"
    return custom(rows, merges=(f"{LETTER['employer']}2:{LETTER['employer']}9",))


def _clerk_two_sheets() -> bytes:
    second = people(3, start=5)
    second[1]["public_hours"] = "三十"
    return workbook_of({"2024年": custom(people(3)), "2025年": custom(second)})


def _clerk_misplaced() -> bytes:
    rows = people(6)
    rows[0]["public_hours"] = AsText("30")
    rows[1]["name"] = "#N/A"
    rows[2]["id_number"] = rows[2]["id_number"] + "_x000D_"
    rows[3]["professional_hours"] = 2700
    rows[4]["phone"] = "1390000\u200b0001"
    return custom(rows)


def _clerk_other_layout() -> bytes:
    header = [("seq", "序号"), ("name", "姓名"), ("sex", "性别"), ("id_number", "身份证号"), ("employer", "工作单位"),
              ("title", "专业技术职务"), ("x_major", "所学专业"), ("public_hours", "公需科目学时数"),
              ("professional_hours", "专业科目学时数"), ("total_hours", "合计"), ("phone", "联系电话"), ("remarks", "备注")]
    return layout([with_total(row, x_major="数学教育") for row in people(5)], header)


def merged_heavy(count: int = 4000) -> bytes:
    """``count`` people with 1.5 merged ranges a person (6,000 for 4,000) and a problem every 20th
    row (200): 100 ranges over 性别 of two rows each, the first holding a wrong value; 备注 merged
    in pairs of rows; the two columns after 备注 merged on each row but the last hundred."""
    rows = people(count)
    sex, remarks = LETTER["sex"], LETTER["remarks"]
    extra = get_column_letter(KEYS.index("remarks") + 2)
    after = get_column_letter(KEYS.index("remarks") + 3)
    merges = []
    for index in range(0, count, 40):
        rows[index]["sex"], rows[index + 1]["sex"] = "男性别", None
        merges.append(f"{sex}{index + 2}:{sex}{index + 3}")
    merges += [f"{remarks}{r}:{remarks}{r + 1}" for r in range(2, count + 2, 2)]
    merges += [f"{extra}{r}:{after}{r}" for r in range(2, count - 98)]
    return custom(rows, merges=tuple(merges))


def style_bloated_roster(count: int = 200, styles: int = 50_000) -> bytes:
    """``count`` people, one bad phone (row 5), in a workbook with ``styles`` unused named cell styles."""
    rows = people(count)
    rows[3]["phone"] = "bad"
    return style_bloated(custom(rows), styles)


# -- a clerk's own fills and comments through a marked copy and its re-check (issue 15) --------

CLERK_YELLOW, CLERK_GREEN = "FFFFFF00", "FFC6EFCE"


def clerks_own_marks() -> bytes:
    """A roster whose clerk coloured and commented cells that have a problem: the phone of row 3
    ("bad") yellow with a comment by 李会计, the ID of row 4 (a check character off) green."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    rows = people(4)
    rows[1]["phone"] = "bad"
    rows[2]["id_number"] = rows[2]["id_number"][:17] + ("0" if rows[2]["id_number"][17] != "0" else "1")
    workbook = load_workbook(io.BytesIO(custom(rows)))
    ws = workbook.active
    for ref, colour in ((f"{LETTER['phone']}3", CLERK_YELLOW), (f"{LETTER['id_number']}4", CLERK_GREEN)):
        ws[ref].fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
    ws[f"{LETTER['phone']}3"].comment = Comment("分机号另报", "李会计")
    return to_bytes(workbook)


def marked_then_fixed(fix: tuple[str, ...] = ("phone",)) -> bytes:
    """Our marked copy of :func:`clerks_own_marks`, in which the clerk then fixed the cells of
    ``fix`` ("phone", "id_number") and saved it."""
    from rules_py.roster import check_roster

    marked = check_roster(clerks_own_marks(), annotate=True)["annotated_xlsx"]
    workbook = load_workbook(io.BytesIO(marked), rich_text=True)
    ws = workbook["Sheet1"]
    if "phone" in fix:
        ws[f"{LETTER['phone']}3"].value = "13900000001"
    if "id_number" in fix:
        ws[f"{LETTER['id_number']}4"].value = person(2)["id_number"]
    return to_bytes(workbook)


# Cells whose format shows a number as something else (issue 15), by row of custom(): key, value,
# number format, what the cell shows and what the message calls the format.
FORMATTED_CELLS = (
    ("public_hours", 0.2, "0%", "20%", "百分比"),
    ("professional_hours", 1.25, "[h]:mm", "30:00", "时间"),
    ("phone", 0.5, "h:mm", "12:00", "时间"),
    ("public_hours", 2.5, "# ?/?", "2 1/2", "分数"),
    ("phone", 45000, "yyyy-mm-dd", "2023-03-15", "日期"),
    ("public_hours", 12, '0"学时"', "12学时", "自定义"),
    ("professional_hours", 0.00003, "0.00E+00", "3.00E-05", "科学记数"),
    ("public_hours", 12, '"¥"#,##0.00', "¥12.00", "货币"),
)


def formatted_cells() -> bytes:
    """A roster whose row i + 2 holds FORMATTED_CELLS[i] (every other cell of the row valid)."""
    rows = people(len(FORMATTED_CELLS))
    for row, (key, value, _, _, _) in zip(rows, FORMATTED_CELLS):
        row[key] = value
    workbook = load_workbook(io.BytesIO(custom(rows)))
    ws = workbook.active
    for offset, (key, _, number_format, _, _) in enumerate(FORMATTED_CELLS):
        ws[f"{LETTER[key]}{offset + 2}"].number_format = number_format
    return to_bytes(workbook)


# Rosters as clerks make them (issue 15), for tests that run one file through several paths
# (the browser's parity with CPython): name → builder.
CLERK_EXAMPLES = {
    "not-people": _clerk_not_people,
    "merged-unit": _clerk_merged_unit,
    "two-sheets": _clerk_two_sheets,
    "misplaced": _clerk_misplaced,
    "other-layout": _clerk_other_layout,
    "summary-named-sheet": lambda: custom(people(3), sheet="问题汇总"),
    "image-and-link": lambda: add_member(with_external_link(people(3)), "xl/media/image1.png", b"\x89PNG\r\n\x1a\n"),
    "style-bloat": lambda: style_bloated(custom(people(3)), 5_000),
    "over-formatted": lambda: formatted_to_the_last_row(custom(people(3))),
    "marked-then-fixed": marked_then_fixed,
    "formatted-cells": formatted_cells,
}


def marked_copy_roster() -> bytes:
    """8 people on the blank form with six marks for the marked-copy tests: D6 checksum, H8 warning,
    L8 text that looks like a formula, B10 missing, L11 and L12 bad phones."""
    rows = people(8)
    rows[1]["id_number"] = "150404198005010011"               # D6
    rows[3]["public_hours"] = 12                                # H8
    rows[3]["phone"] = AsText("=HYPERLINK(\"http://x\",\"y\")")  # L8
    rows[5]["name"] = None                                      # B10
    rows[6]["phone"] = "@bad"                                   # L11
    rows[7]["phone"] = "+bad"                                   # L12
    return from_form(rows)

"""Cell formats in the clerk's words: a number format that makes a cell show something other than
the number it holds (百分比 3000%, 时间 30:00, 日期, 分数, 科学记数, 货币, 自定义 30学时) is named in
the message that quotes the value, with the fix (set the format to 常规/数值, or 文本 for IDs and
phones).

Dates and times come out of openpyxl already as date/time values, so their format is known from
the value; the other formats of numbers need the cell's style, which the check's value-only read
does not keep: :func:`describe_number_formats` looks them up afterwards, for the problem cells
only, and only when the workbook's styles hold such a format at all.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

from rules_py.roster.archive import open_workbook
from rules_py.roster.values import cell_text, fmt

STYLES_PART = "xl/styles.xml"
# Built-in formats of the Chinese Excel and WPS that openpyxl does not know (it reads them as
# General and leaves the number as it is): the dates and times these ids show.
CJK_BUILTIN_FORMATS = {
    27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"', 33: 'h"时"mm"分"ss"秒"', 34: '上午/下午h"时"mm"分"', 35: '上午/下午h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"', 50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"',
    54: 'm"月"d"日"', 55: '上午/下午h"时"mm"分"', 56: '上午/下午h"时"mm"分"ss"秒"', 57: 'yyyy"年"m"月"',
    58: 'm"月"d"日"',
}
PERCENT, SCIENTIFIC, FRACTION, DATE, TIME, CURRENCY, CUSTOM = "百分比", "科学记数", "分数", "日期", "时间", "货币", "自定义"
_QUOTED = re.compile(r'"([^"]*)"')
_ESCAPED = re.compile(r"\\(.)")
_BRACKET = re.compile(r"\[([^\]]*)\]")
_CURRENCY = re.compile(r"[¥￥$€£]|\[\$([^\]-]+)")
_EPOCH = dt.datetime(1899, 12, 30)


def format_code(num_fmt_id: int, custom: dict[int, str]) -> str:
    """The format code of a numFmtId: a workbook's own, Excel's built-in, or the Chinese built-in."""
    return custom.get(num_fmt_id) or BUILTIN_FORMATS.get(num_fmt_id) or CJK_BUILTIN_FORMATS.get(num_fmt_id) or "General"


def _first_section(code: str) -> str:
    """The format for positive numbers: the code up to its first ; outside quotes."""
    out, quoted = [], False
    for ch in code:
        if ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            break
        out.append(ch)
    return "".join(out)


def _bare(section: str) -> str:
    """The section without its literal text, escapes, colours and padding: what decides its kind."""
    section = _ESCAPED.sub("", _QUOTED.sub("", section))
    section = _BRACKET.sub(lambda m: m.group(0) if re.fullmatch(r"[hms]+", m.group(1), re.I) else "", section)
    return re.sub(r"[_*].", "", section)


def format_kind(code: str | None) -> str | None:
    """What the format shows, in the clerk's terms, or None for 常规, 数值, 文本 and the like."""
    if not code or code.strip().lower() in ("general", "@", "g/通用格式"):
        return None
    section = _first_section(code)
    bare = _bare(section)
    if is_date_format(code):
        return DATE if re.search(r"[yd]", bare, re.I) or re.search(r"[年日]", section) else TIME
    if "%" in bare:
        return PERCENT
    if re.search(r"E[+-]", bare, re.I):
        return SCIENTIFIC
    if "/" in bare and re.search(r"[?0-9]/", bare):
        return FRACTION
    if _CURRENCY.search(section):
        return CURRENCY
    if any(text.strip() for text in _QUOTED.findall(section)) or re.search(r"\\[^\s]", section):
        return CUSTOM
    return None


def _decimals(section: str) -> int:
    match = re.search(r"\.([0#?]+)", _bare(section))
    return len(match.group(1)) if match else 0


def shown_text(value, code: str | None = None) -> str:
    """What a cell holding ``value`` shows under the format ``code`` (roughly, as Excel would)."""
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)) or isinstance(value, bool) \
            or not isinstance(value, (int, float)) or not math.isfinite(value):
        return cell_text(value)
    kind = format_kind(code)
    section = _first_section(code or "")
    if kind == PERCENT:
        return f"{value * 100:.{_decimals(section.split('%')[0])}f}%"
    if kind == SCIENTIFIC:
        return f"{value:.{_decimals(re.split(r'E', section, flags=re.I)[0])}E}"
    if kind == FRACTION:
        return _fraction(value, section)
    if kind in (DATE, TIME):
        return _serial_text(value, kind, section)
    if kind == CURRENCY:
        match = _CURRENCY.search(section)
        symbol = match.group(1) or match.group(0)
        return f"{'-' if value < 0 else ''}{symbol}{abs(value):,.{_decimals(section)}f}"
    if kind == CUSTOM:  # 0"学时": the number with the format's own words around it
        before, after = _literals(section)
        return f"{before}{fmt(round(value, _decimals(section)))}{after}"
    return cell_text(value)


def _literals(section: str) -> tuple[str, str]:
    """The literal text of a format before its first digit placeholder and after it."""
    before, after, seen_digit = [], [], False
    for match in re.finditer(r'"([^"]*)"|\\(.)|([0#?])', section):
        if match.group(3):
            seen_digit = True
            continue
        (after if seen_digit else before).append(match.group(1) if match.group(1) is not None else match.group(2))
    return "".join(before), "".join(after)


def _fraction(value: float, section: str) -> str:
    bare = _bare(section)
    fixed = re.search(r"/\s*([0-9]+)", bare)
    whole = "#" in bare.split("/")[0].split("?")[0] or re.search(r"[#0]\s+[?0-9]", bare) is not None
    sign, value = ("-" if value < 0 else ""), abs(value)
    integer = int(value) if whole else 0
    rest = value - integer
    if fixed:
        denominator = int(fixed.group(1)) or 1
        numerator = round(rest * denominator)
        text = f"{numerator}/{denominator}" if numerator else ""
    else:
        places = min(3, max(1, bare.split("/")[-1].count("?") + bare.split("/")[-1].count("#")))
        numerator, denominator = _nearest_fraction(rest, 10 ** places - 1)
        if numerator == denominator:
            integer, numerator = integer + 1, 0
        text = f"{numerator}/{denominator}" if numerator else ""
    if whole and integer:
        return f"{sign}{integer}" + (f" {text}" if text else "")
    return f"{sign}{text or '0'}"


def _nearest_fraction(value: float, largest: int) -> tuple[int, int]:
    """The fraction nearest ``value`` (0 ≤ value < 1) with a denominator up to ``largest`` (9, 99, 999)."""
    best = (0, 1)
    for denominator in range(1, largest + 1):
        numerator = round(value * denominator)
        if abs(value - numerator / denominator) < abs(value - best[0] / best[1]) - 1e-12:
            best = (numerator, denominator)
    return best


def _serial_text(value: float, kind: str, section: str) -> str:
    """A date or time the workbook stores as a serial number (a Chinese built-in format)."""
    try:
        moment = _EPOCH + dt.timedelta(days=value)
    except OverflowError:
        return fmt(value)
    literal = _QUOTED.sub(r"\1", section)
    if kind == TIME:
        return f"{moment.hour}时{moment.minute:02d}分" if "时" in literal else f"{moment.hour}:{moment.minute:02d}"
    if "年" in literal:
        return f"{moment.year}年{moment.month}月" + (f"{moment.day}日" if "日" in literal else "")
    if "月" in literal:
        return f"{moment.month}月{moment.day}日"
    return moment.date().isoformat()


def value_kind(value) -> str | None:
    """The format a date or time value read from a cell had: 日期 or 时间 (None for anything else)."""
    if isinstance(value, (dt.time, dt.timedelta)):
        return TIME
    if isinstance(value, (dt.datetime, dt.date)):
        return DATE
    return None


def format_sentence(kind: str, shown: str) -> str:
    """What the message says of the format: 单元格是百分比格式（显示为 3000%）。"""
    return f"单元格是{kind}格式（显示为 {shown}）。"


def format_fix(text_column: bool) -> str:
    """The fix: the format to set (文本 for IDs and phones, else 常规 or 数值)."""
    target = "“文本”" if text_column else "“常规”或“数值”"
    return f"请选中该单元格，右键“设置单元格格式”，把格式设为{target}，再重新输入。"


def describe(problem: dict, kind: str, shown: str, text_column: bool) -> None:
    """Name the cell's format in a problem's message, and its fix first in the hint."""
    problem["message"] += format_sentence(kind, shown)
    problem["hint"] = format_fix(text_column) + problem["hint"]


# -- the formats of numbers, looked up after the check

def telling_styles(data: bytes) -> dict[int, str]:
    """{cellXfs index: format code} of the workbook's cell styles whose format shows a number as
    something else (percent, fraction …; dates and times are read as such already)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            styles = archive.read(STYLES_PART).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    custom = {int(m.group(1)): _xml_text(m.group(2))
              for m in re.finditer(r'<(?:\w+:)?numFmt\b[^>]*?numFmtId="([0-9]+)"[^>]*?formatCode="([^"]*)"', styles)}
    custom.update({int(m.group(2)): _xml_text(m.group(1))
                   for m in re.finditer(r'<(?:\w+:)?numFmt\b[^>]*?formatCode="([^"]*)"[^>]*?numFmtId="([0-9]+)"', styles)})
    section = re.search(r"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", styles, re.S)
    if section is None:
        return {}
    telling = {}
    for index, xf in enumerate(re.finditer(r"<(?:\w+:)?xf\b[^>]*>", section.group(0))):
        found = re.search(r'numFmtId="([0-9]+)"', xf.group(0))
        code = format_code(int(found.group(1)), custom) if found else "General"
        kind = format_kind(code)
        if kind is not None and (kind not in (DATE, TIME) or int(found.group(1)) in CJK_BUILTIN_FORMATS):
            telling[index] = code
    return telling


def _xml_text(text: str) -> str:
    return (text.replace("&quot;", '"').replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">")
            .replace("&amp;", "&"))


def describe_number_formats(data: bytes, problems: list[dict], text_keys: frozenset[str]) -> None:
    """Name the format of each problem cell that quotes a number shown as something else. One
    read of the problem rows, only when the workbook has such a format at all. ``text_keys``: the
    columns whose fix is the 文本 format (IDs, phones)."""
    wanted: dict[str, dict[int, dict[str, list[dict]]]] = {}  # sheet → row → cell → problems
    for problem in problems:
        value = problem.get("value")
        if problem.get("cell") and isinstance(value, (int, float)) and not isinstance(value, bool):
            wanted.setdefault(problem.get("sheet"), {}).setdefault(problem["row"], {}) \
                .setdefault(problem["cell"], []).append(problem)
    if not wanted:
        return
    telling = telling_styles(data)
    if not telling:
        return
    try:
        _describe_cells(data, wanted, telling, text_keys)
    except Exception:  # noqa: BLE001 -- naming a format is a courtesy: the problems stand without it
        return


def _describe_cells(data: bytes, wanted: dict, telling: dict[int, str], text_keys: frozenset[str]) -> None:
    """One read-only pass over the rows that hold ``wanted`` cells, describing those whose style
    index is ``telling``."""
    workbook = open_workbook(data, data_only=True)
    try:
        for sheet, rows in wanted.items():
            if sheet not in workbook.sheetnames:
                continue
            ws = workbook[sheet]
            for number, row in enumerate(ws.iter_rows(min_row=min(rows), max_row=max(rows)), start=min(rows)):
                for cell in row:
                    problems_here = rows.get(number, {}).get(getattr(cell, "coordinate", None))
                    code = telling.get(getattr(cell, "_style_id", None)) if problems_here else None
                    if code is None:
                        continue
                    for problem in problems_here:
                        describe(problem, format_kind(code), shown_text(problem["value"], code),
                                 problem["field"] in text_keys)
    finally:
        workbook.close()

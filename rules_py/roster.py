"""花名册自查: check a filled roster (附件2) and hand it back marked.

``check_roster(data, filename)`` takes the workbook's bytes and returns the report of DESIGN §5:
where the header is, how many rows were checked, and every problem with its cell, stable code,
severity, the value found, a Chinese message and the fix. A file that cannot be read gives a
report whose ``fatal`` says why and what to do; nothing raises. ``annotate=True`` also returns the
person's own workbook with each problem cell filled and commented and a 问题汇总 sheet.

The columns come from the forms spec (:mod:`rules_py.forms`), the 30 / 60 学时 minimums from the
notice data. Pure Python (openpyxl + defusedxml), no I/O: the same code runs in Pyodide.

Safety: the archive's declared sizes are checked before anything is unpacked (zipfile never
inflates a member past its declared size, so the declared sizes bound memory); XML is parsed by
openpyxl through defusedxml (no entities, no DTDs); values that look like formulas are written
back as text.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import defusedxml  # noqa: F401  -- openpyxl parses through defusedxml only when it is importable
from defusedxml.common import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from rules_py import idcard
from rules_py.dates import age_on
from rules_py.forms import (CHOICE, DECIMAL, ID_NUMBER, INTEGER, PHONE, Column, Form, form_by_id,
                            normalise_header)
from rules_py.notice import Notice, load_notice

# -- limits (stated on the page and in every message that enforces them) ----------------------

MAX_FILE_BYTES = 10 * 1024 * 1024        # the uploaded file
MAX_UNPACKED_BYTES = 50 * 1024 * 1024    # sum of the archive's declared member sizes
MAX_ARCHIVE_MEMBERS = 2000
MAX_ROWS = 10_000                        # filled rows (people) in one roster
MAX_SHEET_ROWS = 100_000                 # rows read below the header, blank or not
MAX_BLANK_RUN = 10_000                   # this many blank rows in a row end the table
HEADER_SCAN_ROWS = 30                    # the header is looked for in each sheet's first rows
MAX_COLUMNS = 100                        # header cells looked at per row
MAX_SHEETS = 50
MIN_HEADER_MATCHES = 3                   # recognised column names that make a row the header
MAX_LISTED_PROBLEMS = 5000               # problems listed (all are counted in the summary)
MAX_VALUE_CHARS = 200                    # a value longer than this is shortened in the report

LIMITS_TEXT = (f"文件不超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，解压后不超过 "
               f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB，最多 {MAX_ROWS} 行人员")

ROSTER_FORM = "roster"
SUMMARY_SHEET = "问题汇总"
AUTHOR = "花名册自查"
ERROR_FILL = "FFFFC7CE"    # light red
WARNING_FILL = "FFFFEB9C"  # light yellow
OLD_COMMENT_MARK = "——原批注——"
ANNOTATION_ERROR = "无法生成标注版工作簿（文件中可能有本工具无法保存的内容），请按问题列表逐项修改。"

ERROR = "error"
WARNING = "warning"

# -- the codes (stable; the site lists them) ---------------------------------------------------

PROBLEM_CODES: dict[str, dict[str, str]] = {
    "missing_column": {
        "severity": ERROR, "title": "缺少必填列",
        "explanation": "表头中找不到某个必填栏目（按栏目名称及其常见写法查找），这一列的内容无法检查。"},
    "missing_value": {
        "severity": ERROR, "title": "必填项未填写",
        "explanation": "这一行已填写了人员信息，但某个必填栏目是空的。"},
    "formula_no_value": {
        "severity": ERROR, "title": "公式没有计算结果",
        "explanation": "单元格是公式，但文件中没有保存计算结果（常见于由其他程序生成、未在 Excel/WPS 中打开保存过的文件）。"},
    "id_stored_as_number": {
        "severity": ERROR, "title": "身份证号码被存成了数字",
        "explanation": "Excel/WPS 的数字只保留 15 位有效数字，18 位身份证号码存成数字后末三位已变成 0，无法恢复，须按身份证重新输入。"},
    "id_format": {
        "severity": ERROR, "title": "身份证号码格式不对",
        "explanation": "居民身份证号码为 18 位：前 17 位是数字，末位是数字或 X。"},
    "id_birthdate": {
        "severity": ERROR, "title": "身份证号码中的出生日期无效",
        "explanation": "第 7–14 位是出生日期，须是真实存在的日期，且不晚于本年度末。"},
    "id_checksum": {
        "severity": ERROR, "title": "身份证号码校验位不对",
        "explanation": "末位校验码按 GB 11643 由前 17 位计算得出；不一致说明号码中有一位或几位抄错。"},
    "id_legacy_15": {
        "severity": ERROR, "title": "15 位旧身份证号码",
        "explanation": "15 位号码是 1999 年以前的旧号码，请填写 18 位号码（可由 15 位号码换算，须与本人身份证核对）。"},
    "id_region": {
        "severity": WARNING, "title": "身份证号码地区码可疑",
        "explanation": "前两位不是已知的省级行政区划代码，请核对前 6 位。"},
    "id_age_unusual": {
        "severity": WARNING, "title": "年龄不在通常范围",
        "explanation": "按身份证号码算出的年龄不在通常的工作年龄内，请核对出生日期部分。"},
    "sex_mismatch": {
        "severity": ERROR, "title": "性别与身份证号码不符",
        "explanation": "身份证号码第 17 位奇数为男、偶数为女；15 位号码看第 15 位。"},
    "invalid_choice": {
        "severity": ERROR, "title": "不是下拉列表中的选项",
        "explanation": "性别、培训方式等栏目须从下拉列表中选择。"},
    "duplicate_id": {
        "severity": ERROR, "title": "身份证号码重复",
        "explanation": "花名册每人一行；同一身份证号码出现了两次或以上。"},
    "not_a_number": {
        "severity": ERROR, "title": "不是数字",
        "explanation": "学时、序号等栏目只能填数字，不能带单位或文字。"},
    "negative_hours": {
        "severity": ERROR, "title": "学时为负数",
        "explanation": "学时不能小于 0。"},
    "hours_too_large": {
        "severity": ERROR, "title": "学时过大",
        "explanation": "学时超过了合理上限，可能多输了数字，或把分钟填成了学时。"},
    "total_mismatch": {
        "severity": ERROR, "title": "合计学时不等于两项之和",
        "explanation": "合计学时应等于公需科目学时加专业科目学时。"},
    "public_below_minimum": {
        "severity": WARNING, "title": "公需科目学时不足",
        "explanation": "低于通知规定的年度公需科目学时；符合减免情形的请在备注栏注明。"},
    "professional_below_minimum": {
        "severity": WARNING, "title": "专业科目学时不足",
        "explanation": "低于通知规定的年度专业科目学时；符合减免情形的请在备注栏注明。"},
    "phone_format": {
        "severity": ERROR, "title": "联系电话格式不对",
        "explanation": "手机号码为 11 位数字、以 1 开头；固定电话须带区号，如 0476-8466847。"},
}

FATAL_CODES: dict[str, dict[str, str]] = {
    "not_xlsx": {"title": "不是 .xlsx 工作簿",
                 "explanation": "旧版 .xls、WPS .et、CSV、加密文件及其他格式无法读取；请在 Excel/WPS 中另存为 .xlsx。"},
    "too_large": {"title": "文件过大",
                  "explanation": f"超出本工具的处理上限（{LIMITS_TEXT}），请拆分后分别检查。"},
    "zip_bomb": {"title": "文件解压后过大",
                 "explanation": f"文件声明的解压后大小超出上限（{MAX_UNPACKED_BYTES // (1024 * 1024)} MB），为安全起见不予读取。"},
    "damaged": {"title": "文件已损坏",
                "explanation": "文件内容不完整或不符合 .xlsx 规范；请在 Excel/WPS 中打开后重新另存为 .xlsx。"},
    "no_header": {"title": "找不到表头",
                  "explanation": "在各工作表的前几行中没有找到花名册的栏目名称（姓名、身份证号码等）。"},
    "empty": {"title": "没有数据",
              "explanation": "文件或花名册中没有填写任何人员。"},
    "internal_error": {"title": "检查程序出错",
                       "explanation": "检查过程中出现了意外错误，这不是您的文件的问题；请将文件反馈给网站维护者。"},
}

# Accepted spellings of drop-down values (used only when the target is an allowed value).
CHOICE_ALIASES = {
    "男性": "男", "女性": "女",
    "网络": "网络培训", "线上": "网络培训", "线上培训": "网络培训", "在线": "网络培训", "在线培训": "网络培训",
    "网络学习": "网络培训",
    "面授": "面授培训", "线下": "面授培训", "线下培训": "面授培训", "现场": "面授培训", "现场培训": "面授培训",
    "集中面授": "面授培训",
    "混合": "网络+面授", "线上+线下": "网络+面授", "面授+网络": "网络+面授", "网络+面授培训": "网络+面授",
    "网络和面授": "网络+面授", "线上线下": "网络+面授", "其它": "其他",
}

# Which column carries which yearly minimum (keys of the forms spec → notice requirements).
MINIMUMS = {"public_hours": ("public_below_minimum", "public_hours"),
            "professional_hours": ("professional_below_minimum", "professional_hours")}

NOTE_PREFIXES = ("注", "说明", "备注：", "备注:", "填表", "填报", "制表", "审核", "单位负责人", "负责人",
                 "联系人", "单位盖章", "（单位盖章", "(单位盖章")
TOTAL_LABELS = frozenset({"合计", "总计", "小计", "合计:", "总计:"})
EXAMPLE_LABELS = frozenset({"示例", "例", "样例", "填写示例", "例:", "示例:", "举例"})
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#GETTING_DATA", "#SPILL!", "#CALC!"})
AGE_RANGE = (16, 80)

_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?")
_SERVICE = re.compile(r"(400|800)-?[0-9]{3}-?[0-9]{4}")
_PHONE_SPLIT = re.compile(r"[/、,，;；]|\s{2,}")
_SPACE_RUN = re.compile(r"\s+")
_DECORATION = re.compile(r"^[*★☆※]+|[(\[【][^()\[\]【】]*[)\]】]$")


class _Fatal(Exception):
    def __init__(self, code: str, message: str, **extra):
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra


# -- public API ---------------------------------------------------------------------------------

def check_roster(data: bytes, filename: str = "花名册.xlsx", *, annotate: bool = False,
                 notice: Notice | str | None = None,
                 on_progress: Callable[[int], None] | None = None) -> dict:
    """Check a filled 花名册 and return the DESIGN §5 report (a JSON-ready dict).

    ``annotate=True`` adds ``report["annotated_xlsx"]``: the person's workbook with every listed
    problem marked, as .xlsx bytes (None when the file was unusable). Drop that key before
    serialising the report as JSON. ``on_progress(rows_read)`` is called every 1000 rows.
    Never raises for any input bytes.
    """
    report, annotated = _run(data, filename, notice, annotate, on_progress)
    if annotate:
        report["annotated_xlsx"] = annotated
    return report


def annotate_roster(data: bytes, filename: str = "花名册.xlsx", *,
                    notice: Notice | str | None = None) -> tuple[dict, bytes | None]:
    """``(report, annotated .xlsx bytes or None)``: the same check, plus the marked workbook."""
    return _run(data, filename, notice, True, None)


def annotate_report(data: bytes, report: dict, *, notice: Notice | str | None = None) -> bytes | None:
    """The marked workbook for a ``report`` that :func:`check_roster` already made from the same
    bytes, without checking again (the roster page shows the report first, then offers this).
    None when the report is fatal; when the workbook cannot be written, None and
    ``report["annotation_error"]`` says so in Chinese. Never raises."""
    if report.get("fatal") or not report.get("sheet"):
        return None
    try:
        notice = load_notice(notice) if isinstance(notice, str) else notice or load_notice(report.get("notice"))
        return _annotate(as_bytes(data), report, notice)
    except Exception:  # noqa: BLE001 -- the promise is: never a traceback
        report["annotation_error"] = ANNOTATION_ERROR
        return None


def exit_status(report: dict) -> int:
    """The command line's exit status for a report: 0 no errors, 1 errors found, 2 unusable."""
    if report.get("fatal"):
        return 2
    return 1 if report["summary"]["errors"] else 0


def describe_codes() -> dict:
    """Every code with its severity, Chinese title and explanation, for the site's code list."""
    return {"problems": {code: dict(spec) for code, spec in PROBLEM_CODES.items()},
            "fatal": {code: dict(spec) for code, spec in FATAL_CODES.items()},
            "limits": limits()}


def limits() -> dict:
    return {"max_file_bytes": MAX_FILE_BYTES, "max_unpacked_bytes": MAX_UNPACKED_BYTES,
            "max_rows": MAX_ROWS, "max_listed_problems": MAX_LISTED_PROBLEMS, "text": LIMITS_TEXT}


# -- the run ------------------------------------------------------------------------------------

def _empty_report(filename: str, notice_id: str | None) -> dict:
    return {"file": filename, "sheet": None, "header_row": None, "rows_checked": 0,
            "summary": {"errors": 0, "warnings": 0, "by_code": {}},
            "problems": [], "fatal": None,
            "notice": notice_id, "columns": {}, "problems_omitted": 0, "limits": limits()}


def _run(data, filename, notice, annotate, on_progress) -> tuple[dict, bytes | None]:
    filename = str(filename or "花名册.xlsx")
    try:
        notice = load_notice(notice) if isinstance(notice, str) else notice or load_notice()
        notice_id = notice.id
    except Exception:  # noqa: BLE001 -- a bad notice id must not surface as a traceback
        report = _empty_report(filename, None)
        report["fatal"] = _fatal_dict("internal_error", "找不到通知数据，无法检查。")
        return report, None
    report = _empty_report(filename, notice_id)
    try:
        data = as_bytes(data)
        form = form_by_id(notice, ROSTER_FORM)
        _inspect_archive(data, filename)
        table = _read_table(data, form, on_progress)
        checker = _Checker(notice, form, table)
        problems = checker.run()
    except _Fatal as fatal:
        report["fatal"] = _fatal_dict(fatal.code, fatal.message, **fatal.extra)
        return report, None
    except Exception as error:  # noqa: BLE001 -- the promise is: never a traceback
        report["fatal"] = _fatal_dict(
            "internal_error", "检查过程中出现意外错误，这不是您的文件的问题。请将文件反馈给网站维护者；"
            "您也可以先人工核对。", detected=f"{type(error).__name__}: {error}"[:200])
        return report, None

    report.update(sheet=table.sheet, header_row=table.header_row, rows_checked=len(table.rows),
                  columns={key: get_column_letter(index + 1) for key, index in table.columns.items()})
    counts = Counter(p["code"] for p in problems)
    report["summary"] = {
        "errors": sum(1 for p in problems if p["severity"] == ERROR),
        "warnings": sum(1 for p in problems if p["severity"] == WARNING),
        "by_code": dict(sorted(counts.items())),
    }
    report["problems"] = problems[:MAX_LISTED_PROBLEMS]
    report["problems_omitted"] = max(0, len(problems) - MAX_LISTED_PROBLEMS)
    if not annotate:
        return report, None
    return report, annotate_report(data, report, notice=notice)


def _fatal_dict(code: str, message: str, **extra) -> dict:
    return {"code": code, "message": message, "title": FATAL_CODES[code]["title"], **extra}


def as_bytes(data) -> bytes:
    """The file's bytes from bytes, a buffer, or a Pyodide JsProxy of an ArrayBuffer / Uint8Array."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    to_bytes = getattr(data, "to_bytes", None)
    if callable(to_bytes):
        return bytes(to_bytes())
    raise _Fatal("not_xlsx", "没有收到文件内容，请重新选择 .xlsx 文件。")


# -- stage 1: is this an .xlsx we may open? -----------------------------------------------------

SAVE_AS = "请在 Excel 或 WPS 中打开它，点“文件 → 另存为”，保存类型选“Excel 工作簿(*.xlsx)”，再检查另存的文件。"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _inspect_archive(data: bytes, filename: str) -> None:
    """Raise _Fatal unless ``data`` is a zip that looks like an .xlsx within the limits.
    Only the central directory (declared sizes) is read, never a member's content, except the
    first bytes of the workbook part to recognise Strict Open XML."""
    size = len(data)
    if size == 0:
        raise _Fatal("empty", "文件是空的（0 字节）。请确认选择了填好并保存过的花名册。")
    if size > MAX_FILE_BYTES:
        raise _Fatal("too_large", f"文件有 {size / 1024 / 1024:.1f} MB，超过了本工具的上限 "
                     f"{MAX_FILE_BYTES // (1024 * 1024)} MB。请删去表中的图片等无关内容，或把花名册拆成几个文件分别检查。",
                     detected="file_size")
    head = data[:8]
    if head == _CFB_MAGIC:
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise _Fatal("not_xlsx", "文件设置了打开密码（已加密），本工具无法读取。请在 Excel/WPS 中打开，"
                         "取消文档密码（Excel：文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码；WPS：文件 → "
                         "文档加密 → 密码加密，清空密码），另存为 .xlsx 后再检查。", detected="encrypted")
        raise _Fatal("not_xlsx", "这是旧版 Excel 97-2003（.xls）或 WPS（.et）格式，本工具只能读取 .xlsx。" + SAVE_AS,
                     detected="xls")
    if not head.startswith(b"PK"):
        message, detected = _guess_other(data, filename)
        raise _Fatal("not_xlsx", message, detected=detected)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, IndexError,
            KeyError, NotImplementedError, UnicodeDecodeError):
        raise _Fatal("damaged", "文件已损坏或不完整（无法作为压缩包打开）。" + SAVE_AS, detected="bad_zip") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ARCHIVE_MEMBERS:
            raise _Fatal("zip_bomb", f"文件内部包含 {len(infos)} 个部件，超过上限 {MAX_ARCHIVE_MEMBERS}，为安全起见不予读取。"
                         "请在 Excel/WPS 中把花名册复制到新工作簿，另存为 .xlsx 后再检查。", detected="members")
        declared = sum(info.file_size for info in infos)
        if declared > MAX_UNPACKED_BYTES:
            raise _Fatal("zip_bomb", f"文件解压后将有 {declared / 1024 / 1024:.0f} MB，超过上限 "
                         f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB，为安全起见不予读取。正常的花名册解压后通常不到 "
                         "10 MB；请确认文件来源，或把花名册复制到新工作簿另存为 .xlsx 后再检查。",
                         detected="unpacked_size")
        if any(info.flag_bits & 0x1 for info in infos):
            raise _Fatal("not_xlsx", "文件内容已加密，本工具无法读取。请取消密码后另存为 .xlsx 再检查。",
                         detected="encrypted")
        names = {info.filename for info in infos}
        if "xl/workbook.bin" in names:
            raise _Fatal("not_xlsx", "这是 Excel 二进制工作簿（.xlsb），本工具只能读取 .xlsx。" + SAVE_AS, detected="xlsb")
        if "mimetype" in names or "content.xml" in names:
            raise _Fatal("not_xlsx", "这是 OpenDocument（.ods 等）格式，本工具只能读取 .xlsx。" + SAVE_AS, detected="ods")
        if "word/document.xml" in names:
            raise _Fatal("not_xlsx", "这是 Word 文档，不是 Excel 工作簿。请上传花名册的 .xlsx 文件。", detected="docx")
        if any(name.startswith("ppt/") for name in names):
            raise _Fatal("not_xlsx", "这是 PowerPoint 演示文稿，不是 Excel 工作簿。请上传花名册的 .xlsx 文件。",
                         detected="pptx")
        if "xl/workbook.xml" not in names:
            raise _Fatal("not_xlsx", "这是一个压缩包，但不是 Excel 工作簿（.xlsx）。请上传花名册的 .xlsx 文件。",
                         detected="zip")
        try:
            with archive.open("xl/workbook.xml") as part:
                start = part.read(4096)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error,
                RuntimeError):
            raise _Fatal("damaged", "文件已损坏（工作簿部件无法解压）。" + SAVE_AS, detected="bad_member") from None
        if b"purl.oclc.org/ooxml" in start:
            raise _Fatal("not_xlsx", "这是“Strict Open XML 电子表格”格式，本工具无法读取。请在 Excel 中另存为"
                         "“Excel 工作簿(*.xlsx)”（不要选 Strict 格式）后再检查。", detected="strict")


def _guess_other(data: bytes, filename: str) -> tuple[str, ...]:
    head = data[:2048]
    lower = head.lower()
    if head.startswith(b"%PDF"):
        return "这是 PDF 文件，不是 Excel 工作簿。请上传花名册的 .xlsx 文件（不是打印或扫描件）。", "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")) or head[8:12] == b"WEBP":
        return "这是图片，不是 Excel 工作簿。请上传花名册的 .xlsx 文件（不是照片或截图）。", "image"
    if head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return "这是压缩包，不是 Excel 工作簿。请解压后上传其中的 .xlsx 文件。", "archive"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in lower or b"<table" in lower or b"<html" in lower:
        return ("这是网页（HTML/XML）格式的表格，常见于从业务系统导出的“.xls”文件，本工具无法读取。" + SAVE_AS,
                "html")
    text = _decode_text(data[:65536])
    if text is not None:
        if "\x00" in text:
            return "无法识别的文件格式。请上传 Excel 工作簿（.xlsx）。", "unknown"
        if filename.lower().endswith((".csv", ".txt", ".tsv")) or "," in text or "\t" in text or "，" in text:
            return "这是 CSV/文本文件，不是 Excel 工作簿。" + SAVE_AS + "（CSV 中的身份证号码可能已被 Excel 改成 1.5E+17 之类，另存前请核对。）", "csv"
        return "这是纯文本文件，不是 Excel 工作簿。请上传花名册的 .xlsx 文件。", "text"
    return "无法识别的文件格式，它不是 Excel 工作簿（.xlsx）。" + SAVE_AS, "unknown"


def _decode_text(chunk: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = chunk.decode(encoding)
        except UnicodeDecodeError:
            # The chunk may end inside a multi-byte character.
            try:
                text = chunk[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        if all(ch.isprintable() or ch.isspace() for ch in text[:2000]):
            return text
    return None


# -- stage 2: read the table --------------------------------------------------------------------

@dataclass
class _Table:
    sheet: str
    header_row: int                      # the row with the most recognised names
    data_start: int                      # first row below the header (block)
    columns: dict[str, int]              # spec key → 0-based column index
    headers: dict[str, str]              # spec key → header text as written in the workbook
    rows: list[tuple[int, tuple]] = field(default_factory=list)  # (row number, values in form.keys order)
    formulas: dict[tuple[int, str], str] = field(default_factory=dict)  # uncached formulas found


_READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, TypeError, AttributeError,
                IndexError, EOFError, OSError, zlib.error, OverflowError, NotImplementedError,
                UnicodeDecodeError, RecursionError, LookupError, AssertionError, SyntaxError, RuntimeError)


def _open(data: bytes, data_only: bool):
    return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False)


def _damaged(error: BaseException) -> _Fatal:
    chain, seen = error, 0
    unsafe = False
    while chain is not None and seen < 20:  # openpyxl wraps parser errors in ValueError
        unsafe = unsafe or isinstance(chain, DefusedXmlException)
        chain, seen = chain.__cause__ or chain.__context__, seen + 1
    if unsafe:
        return _Fatal("damaged", "文件中含有不安全的 XML 内容（实体或文档类型定义），为安全起见不予读取。" + SAVE_AS,
                      detected="unsafe_xml")
    return _Fatal("damaged", "文件已损坏或不符合 .xlsx 规范，本工具无法读取。" + SAVE_AS, detected="unreadable")


def _read_table(data: bytes, form: Form, on_progress) -> _Table:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = _open(data, data_only=True)
            try:
                table = _find_header(workbook, form)
                _read_rows(workbook, table, form, on_progress)
            finally:
                workbook.close()
            _recheck_formulas(data, table, form)
    except _Fatal:
        raise
    except MemoryError:  # a valid file this device cannot hold: the advice is to split, not to re-save
        raise _Fatal("too_large", "设备内存不足，无法读完这个文件；请把花名册拆成几个较小的文件分别检查。",
                     detected="out_of_memory") from None
    except _READ_ERRORS as error:
        raise _damaged(error) from None
    except Exception as error:  # defusedxml's own errors and anything else from the parser
        raise _damaged(error) from None
    return table


def _header_lookup(form: Form) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for col in form.columns:
        for text in col.accepted_headers:
            lookup.setdefault(text, col)
    return lookup


def _match_header(lookup: dict[str, Column], value) -> Column | None:
    if not isinstance(value, str) or len(value) > 60:
        return None
    text = normalise_header(value)
    col = lookup.get(text)
    while col is None:
        stripped = _DECORATION.sub("", text)
        if stripped == text or not stripped:
            break
        text = stripped
        col = lookup.get(text)
    return col


def _row_matches(lookup, row) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for index, value in enumerate(row):
        col = _match_header(lookup, value)
        if col is not None and col.key not in found:
            found[col.key] = (index, value)
    return found


def _find_header(workbook, form: Form) -> _Table:
    lookup = _header_lookup(form)
    best = None  # (score tuple, sheet title, row number, matches, rows)
    any_content = False
    for sheet_index, ws in enumerate(workbook.worksheets[:MAX_SHEETS]):
        rows = [tuple(row) for row in ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS + 1, min_col=1,
                                                   max_col=MAX_COLUMNS, values_only=True)]
        if not any_content and any(_filled(v) for row in rows for v in row):
            any_content = True
        for offset, row in enumerate(rows[:HEADER_SCAN_ROWS]):
            matches = _row_matches(lookup, row)
            if len(matches) < MIN_HEADER_MATCHES or not ({"name", "id_number"} & set(matches)):
                continue
            score = (len(matches), ws.title == form.sheet_name, -sheet_index, -offset)
            if best is None or score > best[0]:
                best = (score, ws.title, offset + 1, matches, rows)
    if best is None:
        if not any_content:
            raise _Fatal("empty", "工作簿中没有任何内容。请确认上传的是填好并保存过的花名册。")
        looked_for = "；".join(f"{c.header}（或 {'、'.join(c.synonyms)}）" if c.synonyms else c.header
                              for c in form.columns if c.required or c.key == "seq")
        raise _Fatal("no_header", f"没有找到花名册的表头。本工具在每个工作表的前 {HEADER_SCAN_ROWS} 行中查找这些栏目名称："
                     f"{looked_for}。至少要认出其中 {MIN_HEADER_MATCHES} 个（包括“姓名”或“身份证号码”）。"
                     f"请使用附件2的空白表格，或把表头改成上述名称后再检查。", detected="no_header")
    _, title, header_row, matches, rows = best
    data_start = header_row + 1
    # A two-row header (e.g. “学时” merged over 公需 / 专业 / 合计): names in the next row fill gaps.
    # Only cells left empty in the header row itself count (the merged cells of a group header).
    primary = rows[header_row - 1]
    if header_row < len(rows):
        below = rows[header_row]  # 0-based index of the next row
        extra = _sub_header_matches(lookup, below, primary, matches)
        filled = sum(1 for v in below if _filled(v))
        if extra and len(extra) * 2 >= filled:
            matches = {**matches, **extra}
            data_start = header_row + 2
    # …or the names of vertically merged columns one row above a sub-header row.
    if header_row >= 2:
        extra = _gap_matches(lookup, rows[header_row - 2], primary, matches)
        if extra:
            matches = {**matches, **extra}
    columns = {key: index for key, (index, _) in matches.items()}
    headers = {key: str(text) for key, (_, text) in matches.items()}
    return _Table(title, header_row, data_start, columns, headers)


def _sub_header_matches(lookup, row, primary, matches) -> dict[str, tuple[int, str]]:
    """Names in the row below the header, under a merged group label: under “培训学时” the
    sub-columns “公需 / 专业 / 合计” mean 公需学时 / 专业学时 / 合计学时."""
    taken = {index for index, _ in matches.values()}
    found: dict[str, tuple[int, str]] = {}
    for index, value in enumerate(row):
        if index in taken or not isinstance(value, str) or not value.strip():
            continue
        group = next((primary[i] for i in range(min(index, len(primary) - 1), -1, -1) if _filled(primary[i])), None)
        candidates = [value]
        if isinstance(group, str) and "学时" in group and "学时" not in value:
            candidates.insert(0, value.strip() + "学时")
        for text in candidates:
            col = _match_header(lookup, text)
            if col is not None and col.key not in matches and col.key not in found:
                found[col.key] = (index, value)
                break
    return found


def _gap_matches(lookup, row, primary, matches) -> dict[str, tuple[int, str]]:
    taken = {index for index, _ in matches.values()}
    return {key: (index, text) for key, (index, text) in _row_matches(lookup, row).items()
            if key not in matches and index not in taken
            and not (index < len(primary) and _filled(primary[index]))}


def _filled(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def _read_rows(workbook, table: _Table, form: Form, on_progress) -> None:
    ws = workbook[table.sheet]
    keys = form.keys
    indexes = [table.columns.get(key) for key in keys]
    width = max(i for i in indexes if i is not None) + 1
    content_positions = [pos for pos, key in enumerate(keys)
                         if indexes[pos] is not None and key != "seq" and not form.column(key).computed]
    pairs = [(pos, i) for pos, i in enumerate(indexes) if i is not None]
    blank_values = (None,) * len(keys)
    blank_run = 0
    rows = table.rows
    last = table.data_start + MAX_SHEET_ROWS
    row_number = table.data_start - 1
    for row in ws.iter_rows(min_row=table.data_start, max_row=last, min_col=1, max_col=width,
                            values_only=True):
        row_number += 1
        if on_progress is not None and (row_number - table.data_start + 1) % 1000 == 0:
            on_progress(row_number - table.data_start + 1)
        values = list(blank_values)
        for pos, index in pairs:
            value = row[index] if index < len(row) else None
            if isinstance(value, str) and not value.strip():
                value = None
            values[pos] = value
        if all(values[pos] is None for pos in content_positions) or _is_note_row(values, keys):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        rows.append((row_number, tuple(values)))
        if len(rows) > MAX_ROWS:
            raise _Fatal("too_large", f"花名册超过 {MAX_ROWS} 行人员，超出本工具一次能检查的上限。请拆分成几个文件"
                         f"（每个不超过 {MAX_ROWS} 行）分别检查。", detected="rows")
    else:
        if row_number >= last and not blank_run:
            raise _Fatal("too_large", f"工作表在表头下方有超过 {MAX_SHEET_ROWS} 行内容，超出本工具的上限。"
                         "请删除多余的行，或拆分成几个文件分别检查。", detected="sheet_rows")
    if not rows:
        raise _Fatal("empty", f"找到了表头（工作表“{table.sheet}”第 {table.header_row} 行），但下面没有填写任何人员。"
                     "请填写后再检查。", sheet=table.sheet, header_row=table.header_row)


def _is_note_row(values: tuple, keys: tuple) -> bool:
    """A signature line, a note, an example label or a 合计 row below or inside the table."""
    filled = [(key, value) for key, value in zip(keys, values) if value is not None]
    if not filled:
        return True
    first_key, first = filled[0]
    label = normalise_header(first) if isinstance(first, str) else None
    if label in EXAMPLE_LABELS and first_key in ("seq", "name"):
        return True
    if label in TOTAL_LABELS and first_key in ("seq", "name") and "id_number" not in dict(filled):
        return True
    if len(filled) == 1 and isinstance(first, str) and first_key not in ("id_number", "phone") \
            and not first_key.endswith("_hours"):
        text = first.strip()
        return first_key == "seq" or text.startswith(NOTE_PREFIXES) or len(text) >= 12
    return False


def _recheck_formulas(data: bytes, table: _Table, form: Form) -> None:
    """Cells that read as empty may be formulas without a cached value (files written by
    programs other than Excel/WPS). Look at those cells' formulas in a second, formula-mode read,
    which only happens when such cells exist."""
    required = [pos for pos, key in enumerate(form.keys)
                if key in table.columns and form.column(key).required and not form.column(key).computed]
    wanted: dict[int, list[int]] = {}
    for number, values in table.rows:
        missing = [pos for pos in required if values[pos] is None]
        if missing:
            wanted[number] = missing
    if not wanted:
        return
    keys = form.keys
    workbook = _open(data, data_only=False)
    try:
        ws = workbook[table.sheet]
        first, last = min(wanted), max(wanted)
        width = max(table.columns.values()) + 1
        for number, row in enumerate(ws.iter_rows(min_row=first, max_row=last, min_col=1, max_col=width,
                                                  values_only=True), start=first):
            for pos in wanted.get(number, ()):
                index = table.columns[keys[pos]]
                value = row[index] if index < len(row) else None
                text = getattr(value, "text", value)  # ArrayFormula keeps its text in .text
                if isinstance(text, str) and text.startswith("="):
                    table.formulas[(number, keys[pos])] = text
    finally:
        workbook.close()


# -- stage 3: check -----------------------------------------------------------------------------

def _number(value) -> tuple[float | None, str | None]:
    """(number, None) or (None, why): why is "text", "error" (an Excel error value) or "date"."""
    if isinstance(value, bool):
        return None, "text"
    if isinstance(value, (int, float)):
        number = float(value)
        return (number, None) if math.isfinite(number) else (None, "text")
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return None, "date"
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text.upper() in EXCEL_ERRORS:
        return None, "error"
    if _NUMBER.fullmatch(text):
        number = float(text)
        return (number, None) if math.isfinite(number) else (None, "text")
    return None, "text"


def _evaluate(formula: str) -> float | None:
    """The value of a formula made only of numbers, + - * / and brackets (=12+18), else None."""
    tokens = re.findall(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+|[-+*/()]|\S", formula.lstrip("="))
    position = 0

    def peek():
        return tokens[position] if position < len(tokens) else None

    def take():
        nonlocal position
        position += 1
        return tokens[position - 1]

    def expression(depth=0):
        if depth > 50:
            raise ValueError
        value = term(depth)
        while peek() in ("+", "-"):
            value = value + term(depth) if take() == "+" else value - term(depth)
        return value

    def term(depth):
        value = factor(depth)
        while peek() in ("*", "/"):
            if take() == "*":
                value *= factor(depth)
            else:
                value /= factor(depth)
        return value

    def factor(depth):
        token = take() if peek() is not None else None
        if token in ("+", "-"):
            value = factor(depth + 1)
            return value if token == "+" else -value
        if token == "(":
            value = expression(depth + 1)
            if take() != ")":
                raise ValueError
            return value
        if token is None or not re.fullmatch(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", token):
            raise ValueError
        return float(token)

    try:
        value = expression()
        if position != len(tokens) or not math.isfinite(value):
            return None
        return value
    except (ValueError, ZeroDivisionError, IndexError, OverflowError, RecursionError):
        return None


def _fmt(number: float) -> str:
    if float(number).is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.6g}"


def cell_text(value) -> str:
    """A cell value as the workbook shows it, roughly: an ID stored as a number reads 1.50404E+17."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (int, float)):
        if float(value).is_integer() and abs(value) >= 1e15:  # Excel keeps 15 digits and shows E+
            return f"{value:.5E}"
        return _fmt(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, ending in … when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _show(value) -> str:
    """A cell value as a person would recognise it in a message."""
    return shorten(cell_text(value), 40)


def _json_value(value):
    if value is None or isinstance(value, (bool, int, str)):
        if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
            return value[:MAX_VALUE_CHARS] + "…"
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return _json_value(str(value))


def _phone_problem(value) -> str | None:
    """None when the value is one or more valid phone numbers, else the reason: "lost_zero",
    "no_area_code" or "format"."""
    if isinstance(value, bool):
        return "format"
    if isinstance(value, (int, float)):
        text = idcard.number_as_text(value)
        if re.fullmatch(r"[1-9][0-9]{9,10}", text) and not _MOBILE.fullmatch(text):
            return "lost_zero"
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
    parts = [p for p in _PHONE_SPLIT.split(text) if p.strip()]
    if not parts:
        return "format"
    for part in parts:
        part = part.strip()
        digits = re.sub(r"[\s\-—–()]", "", part)
        if digits.startswith("+86"):
            digits = digits[3:]
        elif digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        if _MOBILE.fullmatch(digits):
            continue
        dashed = _SPACE_RUN.sub("-", re.sub(r"[()]", " ", part).strip()).replace("—", "-").replace("–", "-")
        dashed = re.sub(r"-+", "-", dashed)
        if _LANDLINE.fullmatch(dashed) or _LANDLINE.fullmatch(digits) or _SERVICE.fullmatch(digits):
            continue
        if re.fullmatch(r"[2-9][0-9]{6,7}", digits):
            return "no_area_code"
        return "format"
    return None


class _Checker:
    def __init__(self, notice: Notice, form: Form, table: _Table):
        self.notice, self.form, self.table = notice, form, table
        self.keys = form.keys
        self.pos = {key: i for i, key in enumerate(self.keys)}
        self.letters = {key: get_column_letter(i + 1) for key, i in table.columns.items()}
        self.problems: list[dict] = []
        self.year_end = notice.data["training_year"]["end"]
        self.requirements = notice.requirements
        self.cite_hours = notice.cite(notice.requirements["clause"])
        self.cite_relief = notice.cite(notice.exemptions["clause"])
        self.choices = {col.key: {normalise_header(a): a for a in col.allowed} for col in form.columns
                        if col.type == CHOICE}

    # one problem
    def add(self, row: int | None, key: str, code: str, value, message: str, hint: str) -> None:
        letter = self.letters.get(key)
        where = f"第 {row} 行 {letter} 列：" if row is not None and letter else ""
        self.problems.append({
            "row": row, "column": letter, "cell": f"{letter}{row}" if letter and row is not None else None,
            "field": key, "code": code, "severity": PROBLEM_CODES[code]["severity"],
            "value": _json_value(value), "message": where + message, "hint": hint,
        })

    def run(self) -> list[dict]:
        form, table = self.form, self.table
        for col in form.columns:
            if col.required and col.key not in table.columns:
                names = "、".join(col.synonyms)
                self.problems.append({
                    "row": table.header_row, "column": None, "cell": None, "field": col.key,
                    "code": "missing_column", "severity": ERROR, "value": None,
                    "message": f"表头（第 {table.header_row} 行）中没有“{col.header}”列，这一列无法检查。",
                    "hint": f"请在表头加上“{col.header}”列" + (f"（也可写作：{names}）" if names else "")
                            + "，或使用附件2的空白表格。"})
        columns = [(self.pos[c.key], c) for c in form.columns if c.key in table.columns]
        seen_ids: dict[str, int] = {}
        order = {key: i for i, key in enumerate(self.keys)}
        for number, values in table.rows:
            start = len(self.problems)
            self._check_row(number, values, columns, seen_ids)
            if len(self.problems) - start > 1:
                self.problems[start:] = sorted(self.problems[start:], key=lambda p: order[p["field"]])
        return self.problems

    def _check_row(self, number: int, values: tuple, columns, seen_ids) -> None:
        numbers: dict[str, float] = {}
        id_result = None
        sex_value = None
        for pos, col in columns:
            value = values[pos]
            if value is None:
                formula = self.table.formulas.get((number, col.key))
                if formula is not None:
                    computed = _evaluate(formula) if col.type in (DECIMAL, INTEGER) else None
                    if computed is None:
                        self.add(number, col.key, "formula_no_value", formula,
                                 f"“{col.header}”是公式（{_show(formula)}），但文件中没有保存计算结果。",
                                 "请在 Excel 或 WPS 中打开该文件并保存一次，或直接填写数值，再检查。")
                        continue
                    value = computed
                elif col.computed:
                    continue  # the form computes it; nothing typed is fine
                elif col.required:
                    self.add(number, col.key, "missing_value", None, f"“{col.header}”未填写。",
                             col.prompt)
                    continue
                else:
                    continue
            kind = col.type
            if kind == ID_NUMBER:
                id_result = self._check_id(number, col, value, seen_ids)
            elif kind in (DECIMAL, INTEGER):
                parsed = self._check_number(number, col, value)
                if parsed is not None:
                    numbers[col.key] = parsed
            elif kind == CHOICE:
                choice = self._check_choice(number, col, value)
                if col.key == "sex":
                    sex_value = choice
            elif kind == PHONE:
                self._check_phone(number, col, value)
        if id_result is not None and sex_value is not None and id_result.sex is not None \
                and id_result.problem in (None, "legacy15"):
            expected = "男" if id_result.sex == "male" else "女"
            if sex_value != expected:
                digit_at = 15 if id_result.kind == idcard.KIND_LEGACY else 17
                digit = id_result.text[digit_at - 1]
                parity = "奇数" if int(digit) % 2 else "偶数"
                self.add(number, "sex", "sex_mismatch", values[self.pos["sex"]],
                         f"性别填的是“{sex_value}”，但身份证号码第 {digit_at} 位是 {digit}（{parity}），应为“{expected}”。",
                         "请核对性别和身份证号码，改正填错的一项。")
        self._check_totals(number, values, numbers)

    def _check_id(self, number, col, value, seen_ids):
        result = idcard.check_id(value, latest_birth=self.year_end)
        problem, text = result.problem, result.text
        header = col.header
        if problem == "stored_as_number":
            self.add(number, col.key, "id_stored_as_number", value,
                     f"{header}被存成了数字（显示为 {_show(value)}），后几位已变成 0，无法恢复。",
                     "请把该列单元格格式设为“文本”，再按身份证重新输入完整的 18 位号码（也可在号码前先输入英文单引号 '）。")
        elif problem == "format":
            length = len(text)
            if re.fullmatch(r"[0-9X]*", text):
                detail = f"应为 18 位，现为 {length} 位"
            else:
                detail = "只能由数字和末位的 X 组成"
            self.add(number, col.key, "id_format", value, f"{header}{detail}（{_show(value)}）。",
                     "请对照身份证重新输入 18 位号码，不要包含空格、横线等符号。")
        elif problem == "birthdate":
            digits = text[6:14] if len(text) == 18 else "19" + text[6:12]
            if result.birth_date is None:
                detail = f"中的出生日期 {digits} 不是真实存在的日期"
            elif result.birth_date < idcard.EARLIEST_BIRTH:
                detail = f"中的出生日期 {digits} 早于 1900 年"
            else:
                detail = f"中的出生日期 {digits} 晚于 {self.year_end.isoformat()}"
            span = "第 7–14 位" if len(text) == 18 else "第 7–12 位"
            self.add(number, col.key, "id_birthdate", value, f"{header}{detail}。",
                     f"{span}是出生日期，请对照身份证核对。")
        elif problem == "checksum":
            hint = "号码中某一位可能抄错，请对照身份证逐位核对。"
            if text.endswith("000") or text[15:17] == "00":
                hint += "末几位是 0 的，可能曾被 Excel 存成数字而丢失了末几位：请把该列设为“文本”后重新输入。"
            self.add(number, col.key, "id_checksum", value,
                     f"{header}校验位应为 {result.expected_check}（现为 {text[17]}）。", hint)
        elif problem == "legacy15":
            self.add(number, col.key, "id_legacy_15", value, f"{header}是 15 位旧号码。",
                     f"请改填 18 位号码。按 GB 11643 换算应为 {result.upgraded}，请与本人身份证核对后填写。")
        if problem is None or problem == "legacy15":
            if not result.province_known:
                self.add(number, col.key, "id_region", value,
                         f"{header}前两位“{text[:2]}”不是已知的省级行政区划代码。",
                         "请对照身份证核对前 6 位（地址码）。")
            elif result.birth_date is not None:
                age = age_on(result.birth_date, self.year_end)
                low, high = AGE_RANGE
                if not low <= age <= high:
                    self.add(number, col.key, "id_age_unusual", value,
                             f"按{header}，此人到 {self.year_end.year} 年底为 {age} 岁，不在通常的工作年龄（{low}–{high} 岁）内。",
                             "请核对号码中的出生日期（第 7–14 位）。")
        key = result.key
        if key is not None:
            first = seen_ids.get(key)
            if first is None:
                seen_ids[key] = number
            else:
                self.add(number, col.key, "duplicate_id", value, f"{header}与第 {first} 行重复。",
                         "花名册每人只填一行：请删除重复的行；同一人的多次培训请把学时合并到一行。")
        return result

    def _check_number(self, number, col, value) -> float | None:
        parsed, why = _number(value)
        header = col.header
        if parsed is None:
            if why == "error":
                self.add(number, col.key, "not_a_number", value, f"“{header}”是错误值 {_show(value)}（公式出错）。",
                         "请检查该单元格的公式，或直接填写数值。")
            elif why == "date":
                self.add(number, col.key, "not_a_number", value, f"“{header}”被识别成了日期（{_show(value)}）。",
                         "请把该单元格格式设为“常规”或“数值”，再重新输入数字。")
            else:
                example = "1、2、3" if col.type == INTEGER else "30 或 12.5"
                self.add(number, col.key, "not_a_number", value, f"“{header}”应为数字，现为“{_show(value)}”。",
                         f"只填数字（如 {example}），不要带单位或文字。")
            return None
        if col.type == INTEGER:
            if not parsed.is_integer() or (col.min_value is not None and parsed < col.min_value):
                self.add(number, col.key, "not_a_number", value, f"“{header}”应为正整数，现为 {_fmt(parsed)}。",
                         "按 1、2、3……顺序填写。")
                return None
            return parsed
        if parsed < 0:
            self.add(number, col.key, "negative_hours", value, f"“{header}”不能为负数（现为 {_fmt(parsed)}）。",
                     "请填写实际完成的学时，没有的填 0。")
            return None
        if col.max_value is not None and parsed > col.max_value:
            self.add(number, col.key, "hours_too_large", value,
                     f"“{header}”为 {_fmt(parsed)}，超过合理上限 {_fmt(col.max_value)}。",
                     f"请核对是否多输了数字，或把分钟数填成了学时（标准不明确的按 {self.notice.minutes_per_hour} 分钟计 1 学时）。")
            return None
        return parsed

    def _check_choice(self, number, col, value) -> str | None:
        text = normalise_header(str(value)) if not isinstance(value, bool) else str(value)
        allowed = self.choices[col.key]
        if text in allowed:
            return allowed[text]
        alias = CHOICE_ALIASES.get(text)
        if alias in col.allowed:
            return alias
        self.add(number, col.key, "invalid_choice", value,
                 f"“{col.header}”应为{'、'.join(f'“{a}”' for a in col.allowed)}之一，现为“{_show(value)}”。",
                 "请从下拉列表中选择。")
        return None

    def _check_phone(self, number, col, value) -> None:
        problem = _phone_problem(value)
        if problem is None:
            return
        if problem == "lost_zero":
            message = f"“{col.header}”{_show(value)} 像是丢了开头的 0 的固定电话（单元格存成了数字）。"
            hint = "请把该列设为“文本”，按“0476-8466847”的格式重新输入。"
        elif problem == "no_area_code":
            message = f"“{col.header}”{_show(value)} 缺少区号。"
            hint = "固定电话请带区号，如 0476-8466847；也可填 11 位手机号码。"
        else:
            message = f"“{col.header}”“{_show(value)}”不是有效的手机号码或固定电话。"
            hint = "手机号码为 11 位数字、以 1 开头；固定电话请带区号，如 0476-8466847。"
        self.add(number, col.key, "phone_format", value, message, hint)

    def _check_totals(self, number, values, numbers) -> None:
        form = self.form
        for col in form.columns:
            if not col.computed or col.key not in numbers:
                continue
            if not all(part in numbers for part in col.sum_of):
                continue
            expected = sum(numbers[part] for part in col.sum_of)
            if abs(numbers[col.key] - expected) > 1e-6:
                parts = " + ".join(f"{form.column(p).header} {_fmt(numbers[p])}" for p in col.sum_of)
                self.add(number, col.key, "total_mismatch", values[self.pos[col.key]],
                         f"“{col.header}”为 {_fmt(numbers[col.key])}，不等于 {parts} = {_fmt(expected)}。",
                         f"“{col.header}”应等于两项之和；空白表格中该列是自动计算的公式，请不要手工改写。")
        for key, (code, requirement) in MINIMUMS.items():
            if key not in numbers:
                continue
            needed = self.requirements[requirement]
            have = numbers[key]
            if have < needed:
                header = form.column(key).header
                self.add(number, key, code, values[self.pos[key]],
                         f"“{header}”为 {_fmt(have)}，低于年度要求 {_fmt(needed)} 学时（{self.cite_hours}），尚差 {_fmt(needed - have)} 学时。",
                         f"这是提醒，不影响报备：如已完成，请核对所填学时；符合学时减免情形（{self.cite_relief}）的，请在备注栏注明。")


# -- stage 4: the annotated workbook ------------------------------------------------------------

def _annotate(data: bytes, report: dict, notice: Notice) -> bytes:
    from openpyxl.cell.cell import MergedCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    from rules_py.blank_forms import reproducible_xlsx

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    ws = workbook[report["sheet"]]
    if SUMMARY_SHEET in workbook.sheetnames:
        del workbook[SUMMARY_SHEET]
    _clear_previous(ws)

    fills = {ERROR: PatternFill(fill_type="solid", start_color=ERROR_FILL, end_color=ERROR_FILL),
             WARNING: PatternFill(fill_type="solid", start_color=WARNING_FILL, end_color=WARNING_FILL)}
    by_cell: dict[str, list[dict]] = {}
    for problem in report["problems"]:
        if problem["cell"]:
            by_cell.setdefault(problem["cell"], []).append(problem)
    merged_ranges = list(ws.merged_cells.ranges)
    for ref, problems in by_cell.items():
        cell = ws[ref]
        if isinstance(cell, MergedCell):
            for merged in merged_ranges:
                if ref in merged:
                    cell = ws.cell(row=merged.min_row, column=merged.min_col)
                    break
        severity = ERROR if any(p["severity"] == ERROR for p in problems) else WARNING
        cell.fill = fills[severity]
        text = "\n".join(f"【{PROBLEM_CODES[p['code']]['title']}】{_strip_where(p['message'])}\n{p['hint']}"
                         for p in problems)
        old = cell.comment
        if old is not None and old.author != AUTHOR and old.text:
            text += f"\n{OLD_COMMENT_MARK}\n{old.text}"
        lines = sum(1 + len(line) // 18 for line in text.split("\n"))
        cell.comment = Comment(text, AUTHOR, height=min(600, 20 + 16 * lines), width=300)

    summary = workbook.create_sheet(SUMMARY_SHEET, 0)
    workbook.active = 0
    for sheet in workbook.worksheets:
        sheet.sheet_view.tabSelected = sheet is summary
    bold = Font(bold=True)
    link_font = Font(color="FF0563C1", underline="single")
    wrap = Alignment(wrap_text=True, vertical="top")
    s = report["summary"]
    lines = [
        f"花名册自查结果：{report['file']}",
        f"工作表“{report['sheet']}”，表头在第 {report['header_row']} 行，检查了 {report['rows_checked']} 行人员；"
        f"发现 {s['errors']} 个错误、{s['warnings']} 个提醒。"
        + (f"（仅列出前 {len(report['problems'])} 个，另有 {report['problems_omitted']} 个未列出。）"
           if report["problems_omitted"] else ""),
        f"依据：{notice.title}。错误的单元格标为红色、提醒标为黄色，鼠标移到单元格上可看批注；点“单元格”列可跳转。",
        "本文件是检查工具另存的副本：请在原文件上修改后重新检查，以免丢失原文件中本工具不支持的内容（如图片、图表）。",
    ]
    headings = ("序号", "单元格", "行", "栏目", "问题", "级别", "当前值", "说明", "修改建议")
    widths = (6, 9, 6, 16, 22, 6, 22, 48, 48)
    last_letter = get_column_letter(len(headings))
    for index, line in enumerate(lines, start=1):
        cell = summary.cell(row=index, column=1)
        _set_text(cell, line)
        cell.alignment = wrap
        summary.merge_cells(f"A{index}:{last_letter}{index}")
        summary.row_dimensions[index].height = 15 * _text_lines(line, sum(widths)) + 4
        if index == 1:
            cell.font = Font(bold=True, size=14)
            summary.row_dimensions[index].height = 24
    header_row = len(lines) + 2
    for index, (heading, width) in enumerate(zip(headings, widths), start=1):
        cell = summary.cell(row=header_row, column=index)
        _set_text(cell, heading)
        cell.font = bold
        summary.column_dimensions[get_column_letter(index)].width = width
    headers = {c.key: c.header for c in form_by_id(notice, ROSTER_FORM).columns}
    sheet_ref = "'" + report["sheet"].replace("'", "''") + "'"
    for number, problem in enumerate(report["problems"], start=1):
        row = header_row + number
        values = (number, problem["cell"] or "", problem["row"] if problem["cell"] else "",
                  headers.get(problem["field"], problem["field"]), PROBLEM_CODES[problem["code"]]["title"],
                  "错误" if problem["severity"] == ERROR else "提醒",
                  cell_text(problem["value"]),
                  _strip_where(problem["message"]), problem["hint"])
        for column, value in enumerate(values, start=1):
            cell = summary.cell(row=row, column=column)
            if column in (1, 3) and isinstance(value, int):
                cell.value = value
            else:
                _set_text(cell, value)
            cell.alignment = wrap
        summary.row_dimensions[row].height = 15 * max(
            _text_lines(str(v), w) for v, w in zip(values, widths)) + 4
        if problem["cell"]:
            link = summary.cell(row=row, column=2)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{sheet_ref}!{problem['cell']}",
                                       tooltip="跳转到该单元格")
            link.font = link_font
        summary.cell(row=row, column=6).fill = fills[problem["severity"]]
    if not report["problems"]:
        _set_text(summary.cell(row=header_row + 1, column=1), "未发现问题。")
    summary.freeze_panes = f"A{header_row + 1}"
    last = header_row + max(1, len(report["problems"]))
    summary.auto_filter.ref = f"A{header_row}:{last_letter}{last}"
    summary.print_title_rows = f"{header_row}:{header_row}"
    summary.page_setup.orientation = summary.ORIENTATION_LANDSCAPE
    summary.page_setup.paperSize = summary.PAPERSIZE_A4
    summary.sheet_properties.pageSetUpPr.fitToPage = True
    summary.page_setup.fitToWidth, summary.page_setup.fitToHeight = 1, 0

    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible_xlsx(buffer.getvalue())


def _text_lines(text: str, width: float) -> int:
    """Lines a wrapped cell needs, at most 20 (a long value must not make a giant row)."""
    from rules_py.blank_forms import wrapped_lines  # the writer loads only when annotating

    return min(wrapped_lines(text, width), 20)


def _set_text(cell, value) -> None:
    """Write ``value`` as literal text: a leading =, +, - or @ never becomes a formula."""
    text = "" if value is None else str(value)
    cell.value = text
    cell.data_type = "s"
    if text[:1] in ("=", "+", "-", "@"):
        cell.quotePrefix = True


def _strip_where(message: str) -> str:
    return re.sub(r"^第 [0-9]+ 行 [A-Z]+ 列：", "", message)


def _clear_previous(ws) -> None:
    """Remove this tool's marks from an earlier run (a re-checked annotated copy)."""
    from openpyxl.styles import PatternFill

    from openpyxl.comments import Comment

    ours = {ERROR_FILL, WARNING_FILL}
    # Only the cells the sheet holds (iter_rows would visit the whole used range, which a
    # hostile dimension can make astronomically large).
    for cell in list(ws._cells.values()):
        comment = cell.comment
        if comment is not None and comment.author == AUTHOR:
            old = (comment.text or "").split(f"\n{OLD_COMMENT_MARK}\n", 1)
            cell.comment = Comment(old[1], "") if len(old) == 2 else None
            fill = cell.fill
            if fill is not None and fill.fill_type == "solid" and getattr(fill.fgColor, "rgb", None) in ours:
                cell.fill = PatternFill()

"""Reading the archive safely: is this an .xlsx we may open, and opening it.

Only the zip's central directory (declared sizes) is read before openpyxl sees the file, never a
member's content, except the first bytes of the workbook part to recognise Strict Open XML:
zipfile never inflates a member past its declared size, so the declared sizes bound memory. XML
is parsed by openpyxl through defusedxml (no entities, no DTDs). Every refusal is a
:class:`~rules_py.roster.codes.Fatal` with a Chinese message saying what to do.
"""

from __future__ import annotations

import io
import zipfile
import zlib

import defusedxml  # noqa: F401  -- openpyxl parses through defusedxml only when it is importable
from defusedxml.common import DefusedXmlException
from openpyxl import load_workbook

from rules_py.roster import bounds
from rules_py.roster.codes import Fatal

def as_bytes(data) -> bytes:
    """The file's bytes from bytes, a buffer, or a Pyodide JsProxy of an ArrayBuffer / Uint8Array."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    to_bytes = getattr(data, "to_bytes", None)
    if callable(to_bytes):
        return bytes(to_bytes())
    raise Fatal("not_xlsx", "没有收到文件内容，请重新选择 .xlsx 文件。")


SAVE_AS = "请在 Excel 或 WPS 中打开它，点“文件 → 另存为”，保存类型选“Excel 工作簿(*.xlsx)”，再检查另存的文件。"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def inspect_archive(data: bytes, filename: str) -> list[str]:
    """The names of the archive's parts; raise Fatal unless ``data`` is a zip that looks like an
    .xlsx within the limits.
    Only the central directory (declared sizes) is read, never a member's content, except the
    first bytes of the workbook part to recognise Strict Open XML."""
    check_size(data)
    _refuse_other_formats(data, filename)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, IndexError,
            KeyError, NotImplementedError, UnicodeDecodeError):
        raise Fatal("damaged", "文件已损坏或不完整（无法作为压缩包打开）。" + SAVE_AS, detected="bad_zip") from None
    with archive:
        infos = archive.infolist()
        _refuse_bombs(infos)
        _refuse_other_packages({info.filename for info in infos})
        try:
            with archive.open("xl/workbook.xml") as part:
                start = part.read(4096)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error,
                RuntimeError):
            raise Fatal("damaged", "文件已损坏（工作簿部件无法解压）。" + SAVE_AS, detected="bad_member") from None
        if b"purl.oclc.org/ooxml" in start:
            raise Fatal("not_xlsx", "这是“Strict Open XML 电子表格”格式，本工具无法读取。请在 Excel 中另存为"
                        "“Excel 工作簿(*.xlsx)”（不要选 Strict 格式）后再检查。", detected="strict")
        return [info.filename for info in infos]


def check_size(data: bytes) -> None:
    """Raise Fatal for an empty file or one over the size limit (any format)."""
    size = len(data)
    if size == 0:
        raise Fatal("empty", "文件是空的（0 字节）。请确认选择了填好并保存过的花名册。")
    if size > bounds.MAX_FILE_BYTES:
        raise Fatal("too_large", f"文件有 {size / 1024 / 1024:.1f} MB，超过了本工具的上限 "
                     f"{bounds.MAX_FILE_BYTES // (1024 * 1024)} MB。请删去表中的图片等无关内容，或把花名册拆成几个文件分别检查。",
                     detected="file_size")


def encrypted_package(data: bytes) -> bool:
    """An OLE2 file holding an encrypted .xlsx (what Excel writes for a workbook with a password)."""
    return "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data


def _refuse_other_formats(data: bytes, filename: str) -> None:
    """Files that are not zips at all: OLE2 files (file_formats.py reads the .xls/.et among them before
    this stage), encrypted workbooks, PDFs, pictures, text."""
    head = data[:8]
    if head == CFB_MAGIC:
        if encrypted_package(data):
            raise Fatal("not_xlsx", "文件设置了打开密码（已加密），本工具无法读取。请在 Excel/WPS 中打开，"
                         "取消文档密码（Excel：文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码；WPS：文件 → "
                         "文档加密 → 密码加密，清空密码），另存为 .xlsx 后再检查。", detected="encrypted")
        raise Fatal("not_xlsx", "这是旧版 Excel 97-2003（.xls）或 WPS（.et）格式，本工具只能读取 .xlsx。" + SAVE_AS,
                     detected="xls")
    if not head.startswith(b"PK"):
        message, detected = guess_other(data, filename)
        raise Fatal("not_xlsx", message, detected=detected)


def _refuse_bombs(infos) -> None:
    """Too many members, a member inflating like a bomb, more declared bytes than we stream, or
    encrypted members."""
    if len(infos) > bounds.MAX_ARCHIVE_MEMBERS:
        raise Fatal("zip_bomb", f"文件内部包含 {len(infos)} 个部件，超过上限 {bounds.MAX_ARCHIVE_MEMBERS}，为安全起见不予读取。"
                     "请在 Excel/WPS 中把花名册复制到新工作簿，另存为 .xlsx 后再检查。", detected="members")
    declared = sum(info.file_size for info in infos)
    if declared > bounds.MAX_UNPACKED_BYTES and _bomb_like(infos):
        raise Fatal("zip_bomb", f"文件解压后将有 {declared / 1024 / 1024:.0f} MB，超过上限 "
                     f"{bounds.MAX_UNPACKED_BYTES // (1024 * 1024)} MB，为安全起见不予读取。正常的花名册解压后通常不到 "
                     "10 MB；请确认文件来源，或把花名册复制到新工作簿另存为 .xlsx 后再检查。",
                     detected="unpacked_size")
    # Up to MAX_FORMATTED_BYTES, empty_rows.py strips the formatted empty rows and holds what
    # remains to MAX_UNPACKED_BYTES.
    if declared > bounds.MAX_FORMATTED_BYTES:
        raise over_formatted(declared)
    if any(info.flag_bits & 0x1 for info in infos):
        raise Fatal("not_xlsx", "文件内容已加密，本工具无法读取。请取消密码后另存为 .xlsx 再检查。",
                     detected="encrypted")


def over_formatted(unpacked: int) -> Fatal:
    """The plain refusal of a workbook that inflates past the limit because of its formatting, not
    because it is a bomb."""
    return Fatal("too_large", f"文件里的表格带有大量格式（常见于整行、整列设置了边框或底色，一直到表格最末行），"
                 f"解压后有 {unpacked / 1024 / 1024:.0f} MB，超过了本工具能读的 "
                 f"{bounds.MAX_UNPACKED_BYTES // (1024 * 1024)} MB。请在 Excel/WPS 中选中人员下方的所有空行和右侧的空列，"
                 "右键“删除”后保存，再检查；或把花名册复制到新工作簿另存为 .xlsx。", detected="over_formatted")


def _bomb_like(infos) -> bool:
    """A part that inflates far more than any spreadsheet XML does (a deliberate bomb repeats one
    byte; even thousands of formatted empty rows compress less than this)."""
    return any(info.file_size > bounds.BOMB_RATIO * max(info.compress_size, 1) for info in infos
               if info.file_size > 1 << 20)


def _refuse_other_packages(names: set[str]) -> None:
    """Zips that are not .xlsx workbooks: .xlsb, OpenDocument, Word, PowerPoint, any other zip."""
    if "xl/workbook.bin" in names:
        raise Fatal("not_xlsx", "这是 Excel 二进制工作簿（.xlsb），本工具只能读取 .xlsx。" + SAVE_AS, detected="xlsb")
    if "mimetype" in names or "content.xml" in names:
        raise Fatal("not_xlsx", "这是 OpenDocument（.ods 等）格式，本工具只能读取 .xlsx。" + SAVE_AS, detected="ods")
    if "word/document.xml" in names:
        raise Fatal("not_xlsx", "这是 Word 文档，不是 Excel 工作簿。请上传花名册的 .xlsx 文件。", detected="docx")
    if any(name.startswith("ppt/") for name in names):
        raise Fatal("not_xlsx", "这是 PowerPoint 演示文稿，不是 Excel 工作簿。请上传花名册的 .xlsx 文件。",
                     detected="pptx")
    if "xl/workbook.xml" not in names:
        raise Fatal("not_xlsx", "这是一个压缩包，但不是 Excel 工作簿（.xlsx）。请上传花名册的 .xlsx 文件。",
                     detected="zip")


def guess_other(data: bytes, filename: str) -> tuple[str, ...]:
    head = data[:2048]
    lower = head.lower()
    if head.startswith(b"%PDF"):
        return "这是 PDF 文件，不是 Excel 工作簿。请上传花名册的 .xlsx 文件（不是打印或扫描件）。", "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")) or head[8:12] == b"WEBP":
        return "这是图片，不是 Excel 工作簿。请上传花名册的 .xlsx 文件（不是照片或截图）。", "image"
    if head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return "这是压缩包，不是 Excel 工作簿。请解压后上传其中的 .xlsx 文件。", "archive"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in lower or b"<table" in lower or b"<html" in lower:
        return ("这是网页格式的表格（常见于从业务系统导出的“.xls”文件），本工具无法直接读取。" + SAVE_AS,
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


READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, TypeError, AttributeError,
                IndexError, EOFError, OSError, zlib.error, OverflowError, NotImplementedError,
                UnicodeDecodeError, RecursionError, LookupError, AssertionError, SyntaxError, RuntimeError)


def open_workbook(data: bytes, data_only: bool):
    return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False)


def damaged(error: BaseException) -> Fatal:
    chain, seen = error, 0
    unsafe = False
    while chain is not None and seen < 20:  # openpyxl wraps parser errors in ValueError
        unsafe = unsafe or isinstance(chain, DefusedXmlException)
        chain, seen = chain.__cause__ or chain.__context__, seen + 1
    if unsafe:
        return Fatal("damaged", "文件内部含有可能不安全的内容（常见于来源不明或被改动过的文件），为安全起见不予读取。" + SAVE_AS,
                      detected="unsafe_xml")
    return Fatal("damaged", "文件已损坏或不符合 .xlsx 规范，本工具无法读取。" + SAVE_AS, detected="unreadable")


# What openpyxl cannot carry into the copy, by the archive parts that hold it.
LOST_PARTS = (
    ("images", "xl/media/", "图片（如公章、签名）"),
    ("macros", "xl/vbaProject.bin", "宏"),
    ("pivot_tables", "xl/pivotTables/", "数据透视表"),
    ("slicers", "xl/slicers/", "切片器"),
    ("threaded_comments", "xl/threadedComments/", "新版批注（会话式批注只保留为普通批注）"),
    ("controls", "xl/activeX/", "控件"),
)


def copy_lacks(names) -> list[tuple[str, str]]:
    """``(key, Chinese name)`` of each kind of content of the workbook (by its part ``names``) that
    the marked copy will not have."""
    return [(key, label) for key, prefix, label in LOST_PARTS if any(name.startswith(prefix) for name in names)]


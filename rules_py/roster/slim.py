"""Strip what the check does not need before openpyxl parses a workbook.

Copy-pasted templates pile up tens of thousands of named cell styles ("样式 1" … "样式 50000")
that no cell uses; openpyxl builds an object for each, which took 18 s to check and minutes for
the marked copy. The styles part is rewritten without the named styles no cell refers to (the
cells' own formats, number formats included, are untouched), before either read.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

STYLES_PART = "xl/styles.xml"
MAX_NAMED_STYLES = 500  # below this the styles part is left as it is

_SECTION = r"<{name}\b[^>]*>(.*?)</{name}>"
_XF = re.compile(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.S)
_CELL_STYLE = re.compile(rb"<cellStyle\b[^>]*?(?:/>|>.*?</cellStyle>)", re.S)
_XF_ID = re.compile(rb'\bxfId="([0-9]+)"')


def slim_styles(data: bytes) -> tuple[bytes, int]:
    """``(workbook bytes, named styles removed)``; the bytes are ``data`` itself when there is
    nothing worth removing or the styles part is not as expected (or cannot be read: the table
    stage then says the file is damaged)."""
    try:
        return _slim_archive(data)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, KeyError):
        return data, 0


def _slim_archive(data: bytes) -> tuple[bytes, int]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if STYLES_PART not in archive.namelist():
            return data, 0
        styles = archive.read(STYLES_PART)
        if styles.count(b"<cellStyle ") <= MAX_NAMED_STYLES:
            return data, 0
        slimmed, removed = _slim(styles)
        if not removed:
            return data, 0
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in archive.infolist():
                content = slimmed if info.filename == STYLES_PART else archive.read(info.filename)
                copy.writestr(info.filename, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue(), removed


def _section(text: bytes, name: str) -> re.Match | None:
    return re.search(_SECTION.format(name=name).encode(), text, re.S)


def _slim(styles: bytes) -> tuple[bytes, int]:
    """The styles part keeping the named styles that cells use (and the built-in ones), with
    the style formats renumbered to match."""
    cell_xfs, style_xfs, named = (_section(styles, n) for n in ("cellXfs", "cellStyleXfs", "cellStyles"))
    if not (cell_xfs and style_xfs and named):
        return styles, 0
    entries = _CELL_STYLE.findall(named.group(1))
    used = {0} | {int(n) for n in _XF_ID.findall(cell_xfs.group(1))}
    kept = [e for e in entries if b"builtinId=" in e or _xf_id(e) in used]
    keep_xfs = sorted(used | {_xf_id(e) for e in kept})
    formats = _XF.findall(style_xfs.group(1))
    if keep_xfs[-1] >= len(formats):
        return styles, 0
    renumber = {old: new for new, old in enumerate(keep_xfs)}

    def remap(chunk: bytes) -> bytes:
        return _XF_ID.sub(lambda m: b'xfId="%d"' % renumber.get(int(m.group(1)), 0), chunk)

    new_style_xfs = b"".join(formats[i] for i in keep_xfs)
    pieces = [(style_xfs, b'<cellStyleXfs count="%d">%s</cellStyleXfs>' % (len(keep_xfs), new_style_xfs)),
              (cell_xfs, cell_xfs.group(0).replace(cell_xfs.group(1), remap(cell_xfs.group(1)))),
              (named, b'<cellStyles count="%d">%s</cellStyles>' % (len(kept), remap(b"".join(kept))))]
    result, position = [], 0
    for match, replacement in sorted(pieces, key=lambda piece: piece[0].start()):
        result += [styles[position:match.start()], replacement]
        position = match.end()
    result.append(styles[position:])
    return b"".join(result), len(entries) - len(kept)


def _xf_id(entry: bytes) -> int:
    found = _XF_ID.search(entry)
    return int(found.group(1)) if found else 0

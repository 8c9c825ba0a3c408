"""Files as an office suite saves them: an .xlsx made in code, converted by LibreOffice headless
(`make test` installs it; a missing soffice fails, never skips) to .xls, .csv, .pdf …

Each conversion is kept in ``.cache/office/`` by the hash of its input and target, so a test
session pays the 2-4 s of a LibreOffice start once per distinct file, not on every run. Every
call uses its own LibreOffice profile, so parallel runs (and other worktrees) do not collide.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

from testkit.site import ROOT

CACHE = ROOT / ".cache" / "office"
# LibreOffice filter strings: what `soffice --convert-to` writes for each extension.
XLS = "xls:MS Excel 97"
XLSX = "xlsx:Calc MS Excel 2007 XML"
CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76,1"   # comma, double quote, UTF-8, from line 1
PDF = "pdf"


def convert(data: bytes, target: str, source_extension: str = "xlsx") -> bytes:
    """``data`` (a file with ``source_extension``) converted by LibreOffice with ``target``."""
    extension = target.split(":", 1)[0]
    key = hashlib.sha256(data + b"\0" + target.encode() + b"\0" + source_extension.encode()).hexdigest()[:32]
    cached = CACHE / f"{key}.{extension}"
    if cached.is_file():
        return cached.read_bytes()
    with tempfile.TemporaryDirectory(prefix="office-") as tmp:
        source = Path(tmp) / f"source.{source_extension}"
        source.write_bytes(data)
        completed = subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", target,
             "--outdir", str(Path(tmp) / "out"), str(source)],
            capture_output=True, text=True, timeout=180)
        made = Path(tmp) / "out" / f"source.{extension}"
        if completed.returncode or not made.is_file():
            raise RuntimeError(f"LibreOffice did not convert to {target}: {completed.stderr or completed.stdout}")
        result = made.read_bytes()
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(result)
    return result


def as_csv(xlsx: bytes, encoding: str = "utf-8") -> bytes:
    """The first sheet as CSV with LibreOffice's computed values, in ``encoding`` ("utf-8",
    "utf-8-sig" with a BOM as Excel's “CSV UTF-8” writes it, or "gbk" as Excel on Chinese
    Windows writes a plain “CSV”)."""
    return convert(xlsx, CSV_UTF8).decode("utf-8").encode(encoding)

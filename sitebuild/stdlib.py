"""The standard library the self-check pages ship: only what the engine imports.

Pyodide's ``python_stdlib.zip`` holds the whole standard library (2.5 MB, 614 files); the pages need
a small part of it. ``stdlib-modules.txt`` lists every module that was in ``sys.modules`` after
the whole parity suite and the roster checks ran in Pyodide (tests/test_parity.py records it again
on every run and fails, naming the module, when the engine imports one that is not listed). The
zip built here holds those modules, every module their source imports at module level (at any
depth), the packages above them, and Pyodide's own ``pyodide`` and ``_pyodide`` packages whole.

Members are stored, not deflated: the zip travels gzip-compressed as a whole (sitebuild/runtime.py),
which compresses better than member by member, and imports read them without inflating. Comments
and docstrings are dropped (``without_comments_and_docstrings``; Pyodide's ``_pyodide`` keeps
theirs, it reads them): 3.7 MB → 2.7 MB, 0.90 MB → 0.55 MB gzipped.
"""

from __future__ import annotations

import hashlib
import io
import re
import tokenize
import zipfile
from pathlib import Path

MODULES_FILE = Path(__file__).with_name("stdlib-modules.txt")
_THIS_CODE = Path(__file__).read_bytes()  # read at import: the cache key is the code that runs
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Kept whole: Pyodide's Python side (the FFI, package loading, the event loop), which Pyodide
# imports itself at start and when it loads packages.
ALWAYS = ("pyodide", "_pyodide")
# Keeps its docstrings: Pyodide's start reads them (_pyodide/docstring.py gives the ones of
# _pyodide/_core_docs.py to its built-in methods, and fails on a missing one).
KEEP_DOCSTRINGS = ("_pyodide",)


def listed_modules(path: Path = MODULES_FILE) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return [line for line in lines if line]


def _module_files(names: set[str]) -> dict[str, str]:
    """``{module: member}`` for every module the zip holds (``a/b.py`` or ``a/b/__init__.py``)."""
    modules = {}
    for name in names:
        if not name.endswith(".py"):
            continue
        module = name[:-3].replace("/", ".")
        if module.endswith(".__init__"):
            module = module[: -len(".__init__")]
        modules[module] = name
    return modules


# Module-level import statements only (unindented): what importing the module imports. Imports
# inside functions would pull in most of the library (pydoc, pdb, email, multiprocessing: 1.6 MB
# gzipped instead of 0.9); the recorded list covers the paths the engine takes.
_IMPORT = re.compile(r"^import[ \t]+([\w., \t]+)", re.M)
_FROM = re.compile(r"^from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)", re.M)


def _imports(source: bytes, module: str, is_package: bool) -> set[str]:
    """Every module a module-level import statement of ``source`` names (relative ones resolved), and for
    ``from X import y`` the candidate ``X.y``. Read with patterns, not ``ast``: the sources are
    Python 3.14 (t-strings), which the CPython running the build may not parse. A docstring that
    looks like an import adds a module at worst."""
    text = source.decode("utf-8", "replace")
    found = set()
    for match in _IMPORT.finditer(text):
        found.update(part.split()[0] for part in match[1].split(",") if part.strip())
    package = module if is_package else module.rpartition(".")[0]
    for dots, name, names in _FROM.findall(text):
        if dots:
            base = package.split(".")
            base = base[: len(base) - (len(dots) - 1)]
            target = ".".join(base + ([name] if name else []))
        else:
            target = name
        if not target:
            continue
        found.add(target)
        for part in names.strip("()").replace("\\", " ").split(","):
            if part.split():
                found.add(f"{target}.{part.split()[0]}")
    return found


def closure(full: zipfile.ZipFile, roots: list[str]) -> set[str]:
    """The members needed for ``roots``: their files, what they import, their parent packages."""
    modules = _module_files(set(full.namelist()))
    wanted = {name for name in modules if name.split(".")[0] in ALWAYS}
    todo = [name for name in roots if name in modules] + sorted(wanted)
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for depth in range(1, len(parts)):  # a submodule needs its packages' __init__
            parent = ".".join(parts[:depth])
            if parent in modules and parent not in wanted:
                wanted.add(parent)
                todo.append(parent)
        wanted.add(name)
        member = modules[name]
        for imported in _imports(full.read(member), name, member.endswith("__init__.py")):
            if imported in modules and imported not in wanted:
                wanted.add(imported)
                todo.append(imported)
    members = {modules[name] for name in wanted}
    members.update(name for name in full.namelist() if name.startswith("_sysconfigdata_"))  # sysconfig
    return members


_SKIPPED = {tokenize.NL, tokenize.COMMENT, tokenize.ENCODING}


def _significant(tokens) -> list[tuple[int, str]]:
    return [(tok.type, tok.string) for tok in tokens if tok.type not in _SKIPPED]


def without_comments_and_docstrings(source: bytes) -> bytes:
    """``source`` without comments and with every statement that is a bare string (docstrings)
    reduced to ``''``, line numbers kept (tracebacks still point at the right lines): what
    Python's -OO drops, under which the standard library is tested, plus comments. A file the
    Python running the build cannot compile (newer syntax) keeps its comments and loses only its
    docstrings; any file whose tokens would change otherwise comes back as it is."""
    try:
        text = source.decode("utf-8")
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (UnicodeDecodeError, SyntaxError, ValueError, tokenize.TokenError):
        return source
    try:
        # Comments only from code this Python compiles: its tokenizer reads it right (an older one
        # splits a 3.12+ f-string with nested quotes, and a "#" inside it would look like a
        # comment). A docstring is a whole statement of one string token, which such a split
        # never gives, so those go from newer code too (typing.py, dataclasses.py, traceback.py).
        compile(text, "<stdlib>", "exec", dont_inherit=True)
        compiles = True
    except (SyntaxError, ValueError):
        compiles = False
    if any(tok.type == tokenize.ERRORTOKEN for tok in tokens):
        return source
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(position: tuple[int, int]) -> int:
        return starts[position[0] - 1] + position[1]

    significant = [tok for tok in tokens if tok.type not in _SKIPPED]
    edits = []  # (start, end, replacement)
    statement_start = True
    for index, tok in enumerate(significant):
        if (statement_start and tok.type == tokenize.STRING and index + 1 < len(significant)
                and significant[index + 1].type == tokenize.NEWLINE):
            # The newlines after '' end the statement; the lines they stand for stay, blank.
            edits.append((offset(tok.start), offset(tok.end), "''" + "\n" * (tok.end[0] - tok.start[0])))
        statement_start = tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
    emptied = {start for start, _, _ in edits}
    edits += [(offset(tok.start), offset(tok.end), "") for tok in tokens
              if compiles and tok.type == tokenize.COMMENT and tok.start[0] > 2]  # lines 1-2 may declare the encoding
    out, last = [], 0
    for start, end, replacement in sorted(edits):
        out += [text[last:start], replacement]
        last = end
    result = "".join(out) + text[last:]
    expected = [(tok.type, "''" if offset(tok.start) in emptied else tok.string) for tok in significant]
    try:
        got = _significant(tokenize.generate_tokens(io.StringIO(result).readline))
    except (SyntaxError, tokenize.TokenError):
        return source
    if got != expected or result.count("\n") != text.count("\n"):
        return source
    if compiles:
        compile(result, "<stdlib>", "exec", dont_inherit=True)  # raises if the stripping broke it
    return result.encode("utf-8")


def trimmed_stdlib(full_zip: bytes, roots: list[str] | None = None, cache: Path | None = None) -> bytes:
    """The zip of what ``roots`` (default: stdlib-modules.txt) need, stored, comments and
    docstrings dropped, byte-reproducible. Kept in ``cache`` (a folder) under a hash of its
    inputs and of this file: reading every source twice with the tokenizer takes ~15 s."""
    roots = listed_modules() if roots is None else roots
    key = hashlib.sha256(full_zip + "\n".join(roots).encode() + _THIS_CODE).hexdigest()
    if cache and (cache / f"stdlib-{key}.zip").is_file():
        return (cache / f"stdlib-{key}.zip").read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(full_zip)) as full, zipfile.ZipFile(buffer, "w") as out:
        for member in sorted(closure(full, roots)):
            info = zipfile.ZipInfo(member, date_time=ZIP_EPOCH)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            data = full.read(member)
            if member.endswith(".py") and member.split("/")[0] not in KEEP_DOCSTRINGS:
                data = without_comments_and_docstrings(data)
            out.writestr(info, data, compress_type=zipfile.ZIP_STORED)
    if cache:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / f"stdlib-{key}.zip").write_bytes(buffer.getvalue())
    return buffer.getvalue()

"""The trimmed standard library the pages ship (sitebuild/stdlib.py): what the stripping keeps.

That the engine finds every module it imports in the trimmed zip is tested on Pyodide itself, by
the whole parity suite running on it (tests/test_parity.py)."""

from __future__ import annotations

import io
import zipfile

from sitebuild import stdlib
from testkit import ROOT

SOURCE = '''# -*- coding: utf-8 -*-
"""Module docstring,
over two lines."""
import os  # why os

def only_a_docstring():
    """Nothing else in here."""

class Thing:
    "One line."
    value = "a string that is not a docstring"  # kept

    def method(self):
        x = 1  # a comment
        """A bare string in the middle."""
        return f"{x}" + \'\'\'
still a string\'\'\'
'''


def test_comments_and_docstrings_go_lines_and_code_stay():
    stripped = stdlib.without_comments_and_docstrings(SOURCE.encode()).decode()
    assert stripped.count("\n") == SOURCE.count("\n")  # tracebacks keep their line numbers
    assert "# -*- coding: utf-8 -*-" in stripped  # an encoding declaration is kept
    assert "why os" not in stripped and "a comment" not in stripped
    assert "Module docstring" not in stripped and "Nothing else" not in stripped and "One line" not in stripped
    assert "a string that is not a docstring" in stripped and "still a string" in stripped
    namespace: dict = {}
    exec(compile(stripped, "stripped.py", "exec"), namespace)
    assert namespace["Thing"]().method() == "1\nstill a string"
    assert namespace["only_a_docstring"]() is None
    assert stripped.splitlines()[13].strip() == "x = 1"  # the same line as in the source


def test_a_file_this_python_cannot_compile_keeps_its_comments_and_loses_its_docstrings():
    """Python 3.11's tokenizer reads this 3.12+ f-string as a string, a name and a comment: the
    "comment" must stay; the docstring, a statement of one string token, goes all the same."""
    newer = b'"""Docstring."""\nx = f"{"#"}"  # comment\n'
    try:
        compile(newer, "newer.py", "exec")
    except SyntaxError:
        assert stdlib.without_comments_and_docstrings(newer) == b'\'\'\nx = f"{"#"}"  # comment\n'
    else:
        assert stdlib.without_comments_and_docstrings(newer) == b'\'\'\nx = f"{"#"}"  \n'


def test_trimmed_zip_holds_the_listed_modules_their_packages_and_pyodide_whole():
    full = (ROOT / "node_modules/pyodide/python_stdlib.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(stdlib.trimmed_stdlib(full, ["json.decoder"]))) as trimmed:
        names = set(trimmed.namelist())
        assert {"json/__init__.py", "json/decoder.py", "json/scanner.py"} <= names  # module-level imports
        assert "pyodide/__init__.py" in names and "_pyodide/__init__.py" in names
        assert "email/__init__.py" not in names
        assert {info.compress_type for info in trimmed.infolist()} == {zipfile.ZIP_STORED}

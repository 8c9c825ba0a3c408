"""Rules of the 松山区 continuing-education notice, as code that runs on CPython and in Pyodide."""

from rules_py.evaluate import evaluate
from rules_py.notice import Notice
from rules_py.notice import load_notice
from rules_py.person import InputError

__all__ = ["InputError", "Notice", "evaluate", "load_notice"]

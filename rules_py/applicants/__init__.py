"""申报人员学时核对: a unit's title applicants, one row each, checked from one workbook (issue 12).

``check_applicants(data, filename)`` takes the workbook's bytes and returns the applicants report
(rules_py/schemas/applicants-report.schema.json): for each person row the person built from it
(the engine's input, rules_py/schemas/person.schema.json), the :func:`rules_py.evaluate.evaluate` result and its status, and
the row's problems in the roster check's kind (code, cell, Chinese message and fix). A row with an
error gets no verdict. ``annotate=True`` also returns their workbook with 结论 / 说明 columns, the
problem cells marked and a 问题汇总 sheet. A file that cannot be read gives ``fatal``; nothing raises.

It is the roster check's stages (:mod:`rules_py.roster`: archive guards, table finding, cell checks,
marking) run with the applicants form of the forms spec (:mod:`rules_py.forms`), plus:

    codes      the roster's problem codes and the few a title application adds
    checks     the row's own checks, and the row read as the engine's person
    annotate   the 结论 / 说明 columns of the marked copy
    run        the stages in order, and the report
"""

from __future__ import annotations

from rules_py.applicants.annotate import NO_VERDICT, SETTLED, explanation, verdict
from rules_py.applicants.codes import OWN_CODES, PROBLEM_CODES
from rules_py.applicants.run import (APPLICANTS_FORM, MAX_ROWS, annotate_report, check_applicants, exit_status,
                                     fatal_codes, limits)

__all__ = ["APPLICANTS_FORM", "MAX_ROWS", "NO_VERDICT", "OWN_CODES", "PROBLEM_CODES", "SETTLED",
           "annotate_report", "check_applicants", "exit_status", "explanation", "fatal_codes", "limits",
           "verdict"]

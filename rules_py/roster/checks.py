"""The checks: every row of a found table against its form's columns and the notice's minimums.

``Checker(notice, form, table).run()`` gives the problems in sheet order (within a row, in the
form's column order), each a dict of the report contract with a code of
:mod:`rules_py.roster.codes`. Parameterised by the form: a column is checked by its type
(ID number, number, choice, phone), computed columns against their parts, and a column keyed
like a notice requirement (MINIMUMS) against that minimum.
"""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter

from rules_py import idcard
from rules_py.dates import age_on
from rules_py.forms import CHOICE, DECIMAL, ID_NUMBER, INTEGER, PHONE, Form, normalise_header
from rules_py.notice import Notice
from rules_py.roster.codes import ERROR, PROBLEM_CODES, note
from rules_py.roster.number_formats import describe, value_kind
from rules_py.roster.rows import skipped_note_text
from rules_py.roster.table import Table
from rules_py.roster.values import (CHOICE_ALIASES, evaluate_formula, fmt, is_excel_error, json_value,
                                    parse_number, phone_problem, show, stray_characters)

# Which column carries which yearly minimum (keys of the forms spec → notice requirements).
MINIMUMS = {"public_hours": ("public_below_minimum", "public_hours"),
            "professional_hours": ("professional_below_minimum", "professional_hours")}
# Columns without which a check cannot run, by form id; other absent columns are a note.
# A form not listed here needs every required column.
ESSENTIAL_COLUMNS = {"roster": frozenset({"name", "id_number", "public_hours", "professional_hours"})}
AGE_RANGE = (16, 80)
# Above this many hours in one column a year, the figure is more likely minutes than hours (the
# notice asks 30 + 60; a full-time course of a year would not reach it): a warning that asks.
PLAUSIBLE_YEAR_HOURS = 300
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad\u202a-\u202e\r\n\v\f]")
_NUMERIC = (DECIMAL, INTEGER)
# Columns whose right cell format is 文本 (an ID or phone keeps its leading zeros and all 18 digits).
TEXT_TYPES = (ID_NUMBER, PHONE)


def text_keys(form: Form) -> frozenset[str]:
    """The keys of the form's columns whose right cell format is 文本."""
    return frozenset(col.key for col in form.columns if col.type in TEXT_TYPES)


class Checker:
    """The problems of one table; :meth:`run` once."""

    codes = PROBLEM_CODES  # the catalogue of the codes this checker may add (a subclass may extend it)

    def __init__(self, notice: Notice, form: Form, table: Table, several: bool = False):
        """``several``: the workbook has more than one table, so messages name the sheet."""
        self.notice, self.form, self.table = notice, form, table
        self.in_sheet = f"工作表“{table.sheet}”" if several else ""
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
        self.seen_ids: dict[str, int] = {}
        self.text_keys = text_keys(form)
        self.notes: list[dict] = []  # how the table was read: see NOTE_CODES

    def add(self, row: int | None, key: str, code: str, value, message: str, hint: str) -> None:
        """One problem at the cell of ``key`` in ``row``."""
        letter = self.letters.get(key)
        where = f"{self.in_sheet}第 {row} 行 {letter} 列：" if row is not None and letter else ""
        problem = {
            "row": row, "column": letter, "cell": f"{letter}{row}" if letter and row is not None else None,
            "sheet": self.table.sheet, "field": key, "code": code, "severity": self.codes[code]["severity"],
            "value": json_value(value), "message": where + message, "hint": hint,
        }
        kind = value_kind(value)
        if kind is not None:  # a date or time where a number or text was wanted: say so, and the fix
            describe(problem, kind, show(value), key in self.text_keys)
        self.problems.append(problem)

    def run(self) -> list[dict]:
        self._check_columns()
        if self.table.skipped:
            rows = sorted(row for rows in self.table.skipped.values() for row in rows)
            self.notes.append(note("rows_skipped", f"{self.in_sheet}这些行不是人员，没有检查：{skipped_note_text(self.table.skipped)}。",
                                   self.table.sheet, rows=rows))
        columns = [(self.pos[c.key], c) for c in self.form.columns if c.key in self.table.columns]
        order = {key: i for i, key in enumerate(self.keys)}
        for number, values in self.table.rows:
            start = len(self.problems)
            self._check_row(number, values, columns)
            if len(self.problems) - start > 1:
                self.problems[start:] = sorted(self.problems[start:], key=lambda p: order[p["field"]])
        return self.problems

    def _check_columns(self) -> None:
        """An absent column is an error only when a check cannot run without it; the notice names
        no columns, so the other columns of the blank form and unknown ones are notes."""
        table, essential = self.table, ESSENTIAL_COLUMNS.get(self.form.id)
        absent = [col for col in self.form.columns if col.required and col.key not in table.columns]
        for col in absent:
            if essential is not None and col.key not in essential:
                continue
            names = "、".join(col.synonyms)
            self.problems.append({
                "row": table.header_row, "column": None, "cell": None, "sheet": table.sheet, "field": col.key,
                "code": "missing_column", "severity": ERROR, "value": None,
                "message": f"{self.in_sheet}表头（第 {table.header_row} 行）中没有“{col.header}”列，这一列无法检查。",
                "hint": f"请在表头加上“{col.header}”列" + (f"（也可写作：{names}）" if names else "")
                        + f"，或使用{self.form.blank_name}的空白表格。"})
        optional = [col.header for col in absent if essential is not None and col.key not in essential]
        if optional:
            self.notes.append(note(
                "columns_absent", f"{self.in_sheet}表中没有{self.form.blank_name}的这些栏目：{'、'.join(optional)}。"
                "通知没有规定花名册的栏目，缺少这些栏目不算错误，只是这几项没有检查。", table.sheet,
                fields=[col.key for col in absent if col.key not in essential]))
        if table.unknown_headers:
            self.notes.append(note(
                "columns_unknown", f"{self.in_sheet}这些栏目本工具不认识，照原样保留、没有检查：{'、'.join(table.unknown_headers)}。",
                table.sheet, headers=list(table.unknown_headers)))

    # -- one row

    def _check_row(self, number: int, values: tuple, columns) -> None:
        numbers: dict[str, float] = {}
        self.text_numbers: set[str] = set()  # keys whose number was stored as text in this row
        id_result = sex_value = None
        for pos, col in columns:
            value = self._cell_value(number, col, values[pos])
            if value is None:
                continue
            if col.type == ID_NUMBER:
                id_result = self._check_id(number, col, value)
            elif col.type in _NUMERIC:
                parsed = self._check_number(number, col, value)
                if parsed is not None:
                    numbers[col.key] = parsed
            elif col.type == CHOICE:
                choice = self._check_choice(number, col, value)
                if col.key == "sex":
                    sex_value = choice
            elif col.type == PHONE:
                self._check_phone(number, col, value)
        self._check_sex(number, values, id_result, sex_value)
        self._check_totals(number, values, numbers)
        self._check_minimums(number, values, numbers)

    def _cell_value(self, number: int, col, value):
        """The value to check, or None when there is nothing to check (an empty cell reported if
        required, an uncached formula reported unless it is plain arithmetic)."""
        if value is not None:
            if is_excel_error(value) and col.type not in _NUMERIC:  # numbers say so in their own words
                self.add(number, col.key, "excel_error", value,
                         f"“{col.header}”显示的是错误值 {show(value)}（公式出错），不是要填写的内容。",
                         "请检查该单元格的公式（常见于查找不到对应人员的 VLOOKUP），或直接填写内容。")
                return None
            return value
        formula = self.table.formulas.get((number, col.key))
        if (number, col.key) in self.table.empty_results:
            if col.required and not col.computed:
                self.add(number, col.key, "missing_value", None,
                         f"“{col.header}”未填写（单元格中的公式结果为空）。", col.prompt)
            return None
        if formula is not None:
            computed = evaluate_formula(formula) if col.type in _NUMERIC else None
            if computed is None:
                self.add(number, col.key, "formula_no_value", formula,
                         f"“{col.header}”是公式（{show(formula)}），但文件中没有保存计算结果。",
                         "请在 Excel 或 WPS 中打开该文件并保存一次，或直接填写数值，再检查。")
            return computed
        if col.required and not col.computed:  # a computed column needs nothing typed
            self.add(number, col.key, "missing_value", None, f"“{col.header}”未填写。", col.prompt)
        return None

    def _check_sex(self, number: int, values: tuple, id_result, sex_value) -> None:
        if id_result is None or sex_value is None or id_result.sex is None \
                or id_result.problem not in (None, "legacy15"):
            return
        expected = "男" if id_result.sex == "male" else "女"
        if sex_value == expected:
            return
        digit_at = 15 if id_result.kind == idcard.KIND_LEGACY else 17
        digit = id_result.text[digit_at - 1]
        parity = "奇数" if int(digit) % 2 else "偶数"
        self.add(number, "sex", "sex_mismatch", values[self.pos["sex"]],
                 f"性别填的是“{sex_value}”，但身份证号码第 {digit_at} 位是 {digit}（{parity}），应为“{expected}”。",
                 "请核对性别和身份证号码，改正填错的一项。")

    # -- ID numbers

    def _check_id(self, number, col, value):
        self._check_stray(number, col, value, spaces=True)
        result = idcard.check_id(value, latest_birth=self.year_end)
        problem = result.problem
        if problem is not None:
            self._ID_PROBLEMS[problem](self, number, col, value, result)
        if problem is None or problem == "legacy15":
            self._check_id_plausible(number, col, value, result)
        self._check_duplicate(number, col, value, result)
        return result

    def _id_stored_as_number(self, number, col, value, result) -> None:
        self.add(number, col.key, "id_stored_as_number", value,
                 f"{col.header}被存成了数字（显示为 {show(value)}），后几位已变成 0，无法恢复。",
                 "请把该列单元格格式设为“文本”，再按身份证重新输入完整的 18 位号码（也可在号码前先输入英文单引号 '）。")

    def _id_format(self, number, col, value, result) -> None:
        text = result.text
        if re.fullmatch(r"[0-9X]*", text):
            detail = f"应为 18 位，现为 {len(text)} 位"
        else:
            detail = "只能由数字和末位的 X 组成"
        self.add(number, col.key, "id_format", value, f"{col.header}{detail}（{show(value)}）。",
                 "请对照身份证重新输入 18 位号码，不要包含空格、横线等符号。")

    def _id_birthdate(self, number, col, value, result) -> None:
        text = result.text
        digits = text[6:14] if len(text) == 18 else "19" + text[6:12]
        if result.birth_date is None:
            detail = f"中的出生日期 {digits} 不是真实存在的日期"
        elif result.birth_date < idcard.EARLIEST_BIRTH:
            detail = f"中的出生日期 {digits} 早于 1900 年"
        else:
            detail = f"中的出生日期 {digits} 晚于 {self.year_end.isoformat()}"
        span = "第 7–14 位" if len(text) == 18 else "第 7–12 位"
        self.add(number, col.key, "id_birthdate", value, f"{col.header}{detail}。",
                 f"{span}是出生日期，请对照身份证核对。")

    def _id_checksum(self, number, col, value, result) -> None:
        text = result.text
        hint = "号码中某一位可能抄错，请对照身份证逐位核对。"
        if text.endswith("000") or text[15:17] == "00":
            hint += "末几位是 0 的，可能曾被 Excel 存成数字而丢失了末几位：请把该列设为“文本”后重新输入。"
        self.add(number, col.key, "id_checksum", value,
                 f"{col.header}校验位应为 {result.expected_check}（现为 {text[17]}）。", hint)

    def _id_legacy(self, number, col, value, result) -> None:
        self.add(number, col.key, "id_legacy_15", value, f"{col.header}是 15 位旧号码。",
                 f"请改填 18 位号码。按国家标准换算应为 {result.upgraded}，请与本人身份证核对后填写。")

    _ID_PROBLEMS = {"stored_as_number": _id_stored_as_number, "format": _id_format,
                    "birthdate": _id_birthdate, "checksum": _id_checksum, "legacy15": _id_legacy}

    def _check_id_plausible(self, number, col, value, result) -> None:
        """Warnings for a valid number: an unknown province, an age outside working age."""
        if not result.province_known:
            self.add(number, col.key, "id_region", value,
                     f"{col.header}前两位“{result.text[:2]}”不是已知的省级行政区划代码。",
                     "请对照身份证核对前 6 位（地址码）。")
        elif result.birth_date is not None:
            age = age_on(result.birth_date, self.year_end)
            low, high = AGE_RANGE
            if not low <= age <= high:
                self.add(number, col.key, "id_age_unusual", value,
                         f"按{col.header}，此人到 {self.year_end.year} 年底为 {age} 岁，不在通常的工作年龄（{low}–{high} 岁）内。",
                         "请核对号码中的出生日期（第 7–14 位）。")

    def _check_duplicate(self, number, col, value, result) -> None:
        key = result.key
        if key is None:
            return
        first = self.seen_ids.setdefault(key, number)
        if first != number:
            self.add(number, col.key, "duplicate_id", value, f"{col.header}与第 {first} 行重复。",
                     "花名册每人只填一行：请删除重复的行；同一人的多次培训请把学时合并到一行。")

    def _check_stray(self, number, col, value, spaces: bool) -> None:
        found = stray_characters(value, spaces)
        if found:
            self.add(number, col.key, "stray_characters", value,
                     f"“{col.header}”中有{'、'.join(found)}（{show(value)}），上报系统导入时会出错。",
                     "请清空该单元格，再用半角数字直接输入（不要从网页、微信或其他文件中复制粘贴）。")

    # -- numbers, choices, phones

    def _check_number(self, number, col, value) -> float | None:
        parsed, why = parse_number(value)
        header = col.header
        if parsed is None:
            if why == "error":
                self.add(number, col.key, "not_a_number", value, f"“{header}”是错误值 {show(value)}（公式出错）。",
                         "请检查该单元格的公式，或直接填写数值。")
            elif why == "date":  # add() names the format and its fix
                self.add(number, col.key, "not_a_number", value, f"“{header}”应为数字。",
                         "原来输入的数字已被当成了日期或时间，请按实际学时重新输入。")
            else:
                example = "1、2、3" if col.type == INTEGER else "30 或 12.5"
                self.add(number, col.key, "not_a_number", value, f"“{header}”应为数字，现为“{show(value)}”。",
                         f"只填数字（如 {example}），不要带单位或文字。")
            return None
        if col.type == INTEGER:
            if not parsed.is_integer() or (col.min_value is not None and parsed < col.min_value):
                self.add(number, col.key, "not_a_number", value, f"“{header}”应为正整数，现为 {fmt(parsed)}。",
                         "按 1、2、3……顺序填写。")
                return None
            return parsed
        if parsed < 0:
            self.add(number, col.key, "negative_hours", value, f"“{header}”不能为负数（现为 {fmt(parsed)}）。",
                     "请填写实际完成的学时，没有的填 0。")
            return None
        if isinstance(value, str) and col.type == DECIMAL:
            self.text_numbers.add(col.key)
            self.add(number, col.key, "number_stored_as_text", value,
                     f"“{header}”{show(value)} 存成了文本，不是数字；表中的合计等公式会把它当作 0。",
                     "请选中该列，点单元格旁的黄色感叹号选“转换为数字”（或把格式设为“常规”后重新输入）。")
        if col.max_value is not None and parsed > col.max_value:
            self.add(number, col.key, "hours_too_large", value,
                     f"“{header}”为 {fmt(parsed)}，超过合理上限 {fmt(col.max_value)}。",
                     f"请核对是否多输了数字，或把分钟数填成了学时（标准不明确的按 {self.notice.minutes_per_hour} 分钟计 1 学时）。")
            return None
        if col.key in MINIMUMS and parsed > PLAUSIBLE_YEAR_HOURS:
            self.add(number, col.key, "hours_implausible", value,
                     f"“{header}”为 {fmt(parsed)}，一年的学时一般不会超过 {PLAUSIBLE_YEAR_HOURS}。",
                     f"是不是把分钟数填成了学时？如果是分钟，请换算成学时（标准不明确的按 {self.notice.minutes_per_hour} "
                     f"分钟计 1 学时，{fmt(parsed)} 分钟约合 {fmt(round(parsed / self.notice.minutes_per_hour, 1))} 学时）；"
                     "如果确是学时，可不修改。")
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
                 f"“{col.header}”应为{'、'.join(f'“{a}”' for a in col.allowed)}之一，现为“{show(value)}”。",
                 "请从下拉列表中选择。")
        return None

    def _check_phone(self, number, col, value) -> None:
        self._check_stray(number, col, value, spaces=False)
        if isinstance(value, str):
            value = _INVISIBLE.sub("", value)
        problem = phone_problem(value)
        if problem is None:
            return
        if problem == "lost_zero":
            message = f"“{col.header}”{show(value)} 像是丢了开头的 0 的固定电话（单元格存成了数字）。"
            hint = "请把该列设为“文本”，按“0476-8466847”的格式重新输入。"
        elif problem == "no_area_code":
            message = f"“{col.header}”{show(value)} 缺少区号。"
            hint = "固定电话请带区号，如 0476-8466847；也可填 11 位手机号码。"
        else:
            message = f"“{col.header}”“{show(value)}”不是有效的手机号码或固定电话。"
            hint = "手机号码为 11 位数字、以 1 开头；固定电话请带区号，如 0476-8466847。"
        self.add(number, col.key, "phone_format", value, message, hint)

    def _check_totals(self, number, values, numbers) -> None:
        form = self.form
        for col in form.columns:
            if not col.computed or col.key not in numbers:
                continue
            if not all(part in numbers for part in col.sum_of) or self.text_numbers & set(col.sum_of):
                continue  # a part stored as text is told at its own cell
            expected = sum(numbers[part] for part in col.sum_of)
            if abs(numbers[col.key] - expected) > 1e-6:
                parts = " + ".join(f"{form.column(p).header} {fmt(numbers[p])}" for p in col.sum_of)
                self.add(number, col.key, "total_mismatch", values[self.pos[col.key]],
                         f"“{col.header}”为 {fmt(numbers[col.key])}，不等于 {parts} = {fmt(expected)}。",
                         f"“{col.header}”应等于两项之和，请核对三个数；也可以在该格输入公式让表格相加。")

    def _check_minimums(self, number, values, numbers) -> None:
        form = self.form
        for key, (code, requirement) in MINIMUMS.items():
            if key not in numbers:
                continue
            needed = self.requirements[requirement]
            have = numbers[key]
            if have < needed:
                header = form.column(key).header
                self.add(number, key, code, values[self.pos[key]],
                         f"“{header}”为 {fmt(have)}，低于年度要求 {fmt(needed)} 学时（{self.cite_hours}），尚差 {fmt(needed - have)} 学时。",
                         f"这是提醒，不影响报备：如已完成，请核对所填学时；符合学时减免情形（{self.cite_relief}）的，请在备注栏注明。")

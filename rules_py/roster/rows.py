"""Which rows below a header are people: the rest (blank rows, signature and date lines, notes,
合计/共计 rows, a 栏次 row of column numbers, a units row, a header repeated for the next block)
is skipped, and every skipped row that holds something is named in a note.

Works on the values of the form's columns in one row (``values`` in ``form.keys`` order), so any
form of the forms spec can use it.
"""

from __future__ import annotations

import datetime as dt
import re

from rules_py.forms import normalise_header

BLANK = "blank"
# kind → how the note names such rows
SKIPPED_KINDS = {
    "footer": "签字、日期或注释行",
    "total": "合计行",
    "example": "示例行",
    "column_numbers": "栏次行",
    "units": "单位行",
    "header": "重复的表头",
    "title": "标题或单位名称行",
}

NOTE_PREFIXES = ("注", "说明", "备注：", "备注:", "填表", "填报", "制表", "审核", "单位负责人", "负责人",
                 "联系人", "单位盖章", "（单位盖章", "(单位盖章")
EXAMPLE_LABELS = frozenset({"示例", "例", "样例", "填写示例", "例:", "示例:", "举例"})
# A label waiting for a signature, a date or a seal: 单位负责人： / 审核人(签字)： / 填报日期：
_FOOTER_LABEL = re.compile(r"^(单位|主要|分管|主管)?(负责人|领导|审核人?|审批人?|复核人?|填表人?|填报人?|制表人?|经办人|"
                           r"联系人|联系电话|日期|填报日期|填表日期|制表日期|盖章|单位盖章|签字|签名|注|说明|备注)"
                           r"(\([^)]*\))?[:：]")
_NOTE_LABEL = re.compile(r"^(注|说明|备注|填表说明)[0-9一二三四五六七八九十]*[:：.、]")
_SEAL = re.compile(r"^[(]?(单位)?(盖章|公章|签字|签章)[)]?$")
_TOTAL = re.compile(r"^(合计|总计|小计|共计|汇总|总人数|人数合计)[:：]?(共?[0-9]+人)?$|^共[0-9]+人$")
_UNIT_WORDS = frozenset({"学时", "小时", "课时", "分钟", "人", "岁", "个", "元", "单位:学时", "单位:小时"})
_DATE_TEXT = re.compile(r"^(?=.)([0-9]{2,4}年)?([0-9]{1,2}月)?([0-9]{1,2}日)?$|^[0-9]{4}[-/.][0-9]{1,2}([-/.][0-9]{1,2})?$"
                        r"|^[年月日]+$")
_ID_LIKE = re.compile(r"[0-9]{6,}")


def _text(value) -> str | None:
    return normalise_header(value) if isinstance(value, str) else None


def row_kind(values: tuple, keys: tuple, header_match) -> str | None:
    """None for a person, else the kind of row (BLANK or a key of SKIPPED_KINDS).
    ``header_match(text)`` gives the key of the form column a header text names, or None."""
    filled = [(key, value) for key, value in zip(keys, values) if value is not None]
    if not filled:
        return BLANK
    first_key, first = filled[0]
    if first_key in ("seq", "name") and _text(first) in EXAMPLE_LABELS:
        return "example"
    id_like = any(key == "id_number" and _ID_LIKE.search(str(value)) for key, value in filled)
    if id_like:
        return None  # the common case, decided without looking at the other cells
    texts = [_text(value) for _, value in filled]
    if sum(1 for text in texts if text is not None and header_match(text) is not None) >= 3:
        return "header"
    if any(text is not None and _TOTAL.match(text) for text in texts):
        return "total"
    if _column_numbers(filled, texts):
        return "column_numbers"
    if _holds_hours(filled):
        return None
    if texts[0] is not None and _NOTE_LABEL.match(texts[0]):
        return "footer"  # 注： followed by any text, in one cell or several
    if any(text is not None and (_FOOTER_LABEL.match(text) or text.startswith(NOTE_PREFIXES)) for text in texts) \
            and all(_footer_part(value, text) for (_, value), text in zip(filled, texts)):
        return "footer"
    if all(text is not None and text.strip("()[]【】") in _UNIT_WORDS for text in texts):
        return "units"
    if len(filled) == 1 and isinstance(first, str) and first_key not in ("id_number", "phone") \
            and not first_key.endswith("_hours"):
        if (first_key == "seq" and not first.strip().isdigit()) or len(first.strip()) >= 12:
            return "title"
    return None


def _holds_hours(filled) -> bool:
    """A number of hours typed in: the row is a person's, whatever else it holds."""
    return any(key.endswith("_hours") and key != "total_hours" and isinstance(value, (int, float))
               and not isinstance(value, bool) for key, value in filled)


def _footer_part(value, text: str | None) -> bool:
    """A piece of a signature or date line: a label, a name after it, a date, a seal."""
    if isinstance(value, (dt.date, dt.datetime)):
        return True
    if text is None:
        return False
    return bool(_FOOTER_LABEL.match(text) or text.startswith(NOTE_PREFIXES) or _SEAL.match(text)
                or _DATE_TEXT.match(text) or len(text) <= 4 or len(text) >= 12)


def _column_numbers(filled, texts) -> bool:
    """A 栏次 row: 1, 2, 3 … (or the word 栏次 followed by numbers) under the header."""
    numbers = []
    for (_, value), text in zip(filled, texts):
        if text in ("栏次", "序号"):
            continue
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)) and float(value).is_integer():
            numbers.append(int(value))
        elif text is not None and text.isdigit():
            numbers.append(int(text))
        else:
            return False
    return len(numbers) >= 3 and all(b == a + 1 for a, b in zip(numbers, numbers[1:]))


def skipped_note_text(skipped: dict[str, list[int]], limit: int = 8) -> str:
    """"第 25 行（合计行）、第 27、28 行（签字、日期或注释行）" for the rows skipped, by kind."""
    parts = []
    for kind, rows in skipped.items():
        shown = "、".join(str(row) for row in rows[:limit]) + (f" 等 {len(rows)} 行" if len(rows) > limit else "")
        parts.append(f"第 {shown} 行（{SKIPPED_KINDS[kind]}）")
    return "；".join(parts)

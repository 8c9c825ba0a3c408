"""The problem codes of the roster check: stable ids with a severity, a Chinese title and an
explanation (the site lists them, templates/roster-codes.md.j2), and the fatal codes of a file
that cannot be checked at all. A problem or fatal report always carries one of these codes.
"""

from __future__ import annotations

from rules_py.roster import bounds
from rules_py.roster.bounds import LIMITS_TEXT, MAX_UNPACKED_BYTES

ERROR = "error"
WARNING = "warning"
INFO = "info"

# The marked copy (annotate.py, imported only when a copy is made): its summary sheet's title and
# first words (by which a re-check knows it as ours), the comments' author and the fills.
SUMMARY_TITLE = "花名册自查结果："
SUMMARY_SHEET = "问题汇总"
AUTHOR = "花名册自查"
ERROR_FILL = "FFFFC7CE"    # light red
WARNING_FILL = "FFFFEB9C"  # light yellow
OLD_COMMENT_MARK = "——原批注——"
# The very hidden sheet of a marked copy that keeps each marked cell's own fill and comment.
ORIGINALS_SHEET = "标注前的格式"
ORIGINALS_TITLE = "标注前各单元格的填充和批注（重新检查时据此恢复，请勿修改）"
ANNOTATION_ERROR = "无法生成标注版工作簿（文件中可能有本工具无法保存的内容），请按问题列表逐项修改。"

PROBLEM_CODES: dict[str, dict[str, str]] = {
    "missing_column": {
        "severity": ERROR, "title": "缺少必填列",
        "explanation": "表头中找不到检查离不开的栏目（姓名、身份证号码、公需科目学时、专业科目学时，按栏目名称及其常见写法查找），这一项无法检查。"},
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
        "explanation": "末位校验码按国家标准由前 17 位计算得出；不一致说明号码中有一位或几位抄错。"},
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
    "excel_error": {
        "severity": ERROR, "title": "公式错误值",
        "explanation": "单元格显示的是 #N/A、#REF!、#DIV/0! 之类的错误值（公式出错），不是人员信息。"},
    "stray_characters": {
        "severity": ERROR, "title": "号码中有多余字符",
        "explanation": "身份证号码或电话中有空格、换行、全角数字或看不见的字符（常见于从网页、微信复制粘贴），上报系统导入时会出错。"},
    "number_stored_as_text": {
        "severity": WARNING, "title": "学时存成了文本",
        "explanation": "学时看起来是数字，但单元格里存的是文本（常见于从平台导出后粘贴），表中的合计等公式会把它当作 0。"},
    "hours_implausible": {
        "severity": WARNING, "title": "学时多得不寻常",
        "explanation": "一年的公需或专业科目学时一般不会超过 300，可能把分钟数填成了学时；确是学时的可不修改。"},
    "phone_format": {
        "severity": ERROR, "title": "联系电话格式不对",
        "explanation": "手机号码为 11 位数字、以 1 开头；固定电话须带区号，如 0476-8466847。"},
}

# Notes: what the clerk should know about how the file was read; never a problem to fix.
NOTE_CODES: dict[str, dict[str, str]] = {
    "columns_absent": {
        "severity": INFO, "title": "表中没有的栏目",
        "explanation": "附件2的某些栏目（如从事专业、培训方式）表中没有；通知没有规定花名册的栏目，这些栏目不影响学时检查，只是没有检查。"},
    "rows_skipped": {
        "severity": INFO, "title": "没有当作人员的行",
        "explanation": "签字和日期行、注释、合计/共计行、栏次行、单位行、重复的表头等不是人员，没有检查；请确认其中没有漏掉的人员。"},
    "sheets_skipped": {
        "severity": INFO, "title": "没有检查的工作表",
        "explanation": "工作表中没有找到花名册的表头，或表头下没有填写人员；如果其中有人员，请把表头改成附件2的栏目名称。"},
    "copy_lacks": {
        "severity": INFO, "title": "标注版没有保留的内容",
        "explanation": "标注版工作簿是另存的副本，原文件中的图片（如公章）、宏、数据透视表等本工具无法保存；请在原文件上修改。"},
    "converted": {
        "severity": INFO, "title": "按数据读取的文件",
        "explanation": "旧版 .xls、WPS .et 和 CSV 文件按其中的数据检查，问题所在的行号、列号与原文件相同；标注版是新建的 .xlsx 工作簿。"},
    "empty_rows_skipped": {
        "severity": INFO, "title": "跳过的空行",
        "explanation": "表中有大量只设置了格式（边框、底色等）而没有内容的行（常见于整行设置格式直到表格最末行），检查时跳过了这些行，不影响检查结果；标注版工作簿中这些行的格式照原样保留。"},
    "columns_unknown": {
        "severity": INFO, "title": "未检查的栏目",
        "explanation": "表头中有本工具不认识的栏目（如所学专业），这些列照原样保留，没有检查。"},
}

FATAL_CODES: dict[str, dict[str, str]] = {
    "not_xlsx": {"title": "无法读取的文件格式",
                 "explanation": "不是本工具能读的表格（.xlsx、.xls、.et、.csv），或已加密；请在 Excel/WPS 中另存为 .xlsx。"},
    "too_large": {"title": "文件过大",
                  "explanation": f"超出本工具的处理上限（{LIMITS_TEXT}），请拆分后分别检查。"},
    "zip_bomb": {"title": "文件解压后过大",
                 "explanation": f"文件声明的解压后大小超出上限（{MAX_UNPACKED_BYTES // (1024 * 1024)} MB），为安全起见不予读取。"},
    "damaged": {"title": "文件已损坏",
                "explanation": "文件内容不完整，或不符合它的格式（.xlsx、.xls、.csv）；请在 Excel/WPS 中打开后重新另存为 .xlsx。"},
    "no_header": {"title": "找不到表头",
                  "explanation": "在各工作表的前几行中没有找到花名册的栏目名称（姓名、身份证号码等）。"},
    "empty": {"title": "没有数据",
              "explanation": "文件或花名册中没有填写任何人员。"},
    "internal_error": {"title": "检查程序出错",
                       "explanation": "检查过程中出现了意外错误，这不是您的文件的问题；请将文件反馈给网站维护者。"},
}


class Fatal(Exception):
    """The file cannot be checked: ``code`` is a key of FATAL_CODES, ``message`` says why in Chinese."""

    def __init__(self, code: str, message: str, **extra):
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra


def fatal_dict(code: str, message: str, **extra) -> dict:
    """A report's ``fatal`` entry."""
    return {"code": code, "message": message, "title": FATAL_CODES[code]["title"], **extra}


def note(code: str, message: str, sheet: str | None = None, **extra) -> dict:
    """One entry of a report's ``notes``: ``{"code", "severity": "info", "title", "sheet", "message", ...}``."""
    return {"code": code, "severity": INFO, "title": NOTE_CODES[code]["title"], "sheet": sheet,
            "message": message, **extra}


def describe_codes() -> dict:
    """Every code with its severity, Chinese title and explanation, for the site's code list."""
    return {"problems": {code: dict(spec) for code, spec in PROBLEM_CODES.items()},
            "notes": {code: dict(spec) for code, spec in NOTE_CODES.items()},
            "fatal": {code: dict(spec) for code, spec in FATAL_CODES.items()},
            "limits": bounds.limits()}

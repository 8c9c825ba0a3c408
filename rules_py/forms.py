"""The two forms the notice attaches (附件1 备案表, 附件2 花名册), as data.

One definition per form drives both the blank workbook written at build time
(:mod:`rules_py.blank_forms`) and the roster checker: header text and accepted synonyms, value type,
allowed values, limits, width and the input prompt a clerk sees. The notice does not print the
forms' layouts, so the columns are this project's proposal;
years, titles, dates and thresholds come from the notice data.

Standard library only: this module also runs in Pyodide.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, replace

from rules_py.dates import cn_date
from rules_py.notice import Notice

# Column types. id_number and phone are text that looks like a number: the blank form stores them
# as text so Excel never turns an 18-digit ID into 1.5E+17.
TEXT = "text"
INTEGER = "integer"
DECIMAL = "decimal"
DATE = "date"
CHOICE = "choice"
ID_NUMBER = "id_number"
PHONE = "phone"
COLUMN_TYPES = (TEXT, INTEGER, DECIMAL, DATE, CHOICE, ID_NUMBER, PHONE)
TEXT_STORED = (ID_NUMBER, PHONE)

# Excel refuses longer input prompts and prompt titles (MS-OI29500 §2.1.613).
MAX_PROMPT = 255
NOTES_SHEET = "填表说明"  # the sheet of filling instructions every blank form carries
MAX_PROMPT_TITLE = 32


@dataclass(frozen=True)
class Column:
    key: str                       # stable English name; the roster checker's problem `field`
    header: str                    # header text written to the blank form
    synonyms: tuple[str, ...]      # other headers real workbooks use for the same column
    type: str                      # one of COLUMN_TYPES
    required: bool
    width: float                   # Excel character units
    prompt: str                    # input prompt shown when the cell is selected
    example: str = ""
    allowed: tuple[str, ...] = ()  # the drop-down list of a CHOICE column
    min_value: float | dt.date | None = None  # a date for DATE columns
    max_value: float | dt.date | None = None
    length: int | None = None      # exact text length (ID numbers)
    sum_of: tuple[str, ...] = ()   # keys this column adds up (typed or a formula; checked against them)
    not_before: str | None = None  # key of a DATE column this date may not precede
    clause: str | None = None      # notice clause the column's rule rests on

    @property
    def computed(self) -> bool:
        return bool(self.sum_of)

    @property
    def accepted_headers(self) -> frozenset[str]:
        """Every header, normalised, that names this column in a workbook."""
        return frozenset(normalise_header(h) for h in (self.header, *self.synonyms))


@dataclass(frozen=True)
class Form:
    id: str
    attachment: str                           # "附件1", printed above the title as in the notice
    title: str
    filename: str                             # ASCII, safe in a URL
    download_name: str                        # what the clerk's browser saves it as
    sheet_name: str
    header_lines: tuple[tuple[str, ...], ...]  # 填报单位、联系人… one tuple per printed line
    columns: tuple[Column, ...]
    blank_rows: int
    signature_line: str
    notes: tuple[str, ...]                    # 填表说明, each sentence citing its clause
    clause: str                               # where the notice names this form
    # Columns a filled copy may add (e.g. 性别 where the ID number already says it): recognised and
    # checked when present, never written to the blank. See :meth:`for_reading`.
    optional_columns: tuple[Column, ...] = ()
    # False for a form of this project's own, which the notice does not attach (the forms page says so).
    notice_attachment: bool = True

    # Layout shared by the writer and the checker: 附件 label, title, header lines, column headers.
    @property
    def header_row(self) -> int:
        return 3 + len(self.header_lines)

    @property
    def blank_name(self) -> str:
        """How messages name the blank: the notice's "附件2", or our own form by its title."""
        return self.attachment if self.notice_attachment else f"《{self.title}》"

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1

    @property
    def last_data_row(self) -> int:
        return self.header_row + self.blank_rows

    @property
    def footer_lines(self) -> tuple[str, str]:
        """The lines the blank writes under its rows; a table filled on the blank carries them, so
        the checks skip them without a note."""
        return self.signature_line, f"注：填表要求见本工作簿“{NOTES_SHEET}”工作表。"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def for_reading(self) -> Form:
        """The form a checker looks for in a filled copy: the blank's columns, then the optional ones."""
        if not self.optional_columns:
            return self
        return replace(self, columns=self.columns + self.optional_columns, optional_columns=())

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"form {self.id} has no column {key!r}")


def normalise_header(text: str) -> str:
    """Compare headers as people type them: NFKC turns full-width forms into half-width
    (（）→(), ＡＢ→AB), whitespace and line breaks inside a header vanish, a required-marker
    '*' at either end is dropped, and Latin letters are case-folded. The last NFKC recomposes
    what removing a space split apart (NFKC turns '´' into a space and a combining accent)."""
    folded = "".join(unicodedata.normalize("NFKC", text).split()).strip("*").casefold()
    return unicodedata.normalize("NFKC", folded)


def _signature_line() -> str:
    # Full-width spaces leave room to sign on paper.
    gap = "\u3000" * 8
    return f"单位负责人（签字）：{gap}审核人：{gap}填报人：{gap}（单位盖章）"


def _date_line() -> str:
    gap = "\u3000" * 2
    return f"填报日期：{gap}年{gap}月{gap}日"


def _plan(notice: Notice) -> Form:
    """The spec of 附件1, the training plan. Long by its data (one Column per column, with its prompt), not by
    logic: a declaration reads best whole."""
    year = notice.year
    start, end = notice.data["training_year"]["start"], notice.data["training_year"]["end"]
    max_hours = notice.input_limits["max_hours_per_activity"]
    cite = notice.cite
    columns = (
        Column("seq", "序号", ("编号", "顺序号", "No."), INTEGER, False, 5,
               "按1、2、3……顺序填写，每个培训项目一行。", "1", min_value=1),
        Column("project_name", "培训项目名称", ("项目名称", "培训项目", "培训班名称", "培训名称"),
               TEXT, True, 16, "填写培训项目（培训班）全称。",
               f"{year}年全区中小学教师信息技术应用能力提升培训"),
        Column("organizer", "主办单位", ("组织单位", "举办单位", "承办单位"), TEXT, True, 12,
               "填写组织培训的单位。事业单位自行组织的培训需经主管部门审核同意后开展"
               f"（{cite('s2-4-1')}）。", "区教育局", clause="s2-4-1"),
        Column("category", "培训类别", ("科目类别", "科目", "类别"), CHOICE, True, 10,
               "从下拉列表选择：公需科目或专业科目。", "专业科目",
               allowed=("公需科目", "专业科目"), clause="s2-2"),
        Column("start_date", "培训开始日期", ("开始日期", "开始时间", "培训开始时间"), DATE, True, 11,
               f"培训开始的日期，须在{year}年度内。日期按“{year}-03-15”格式填写。", f"{year}-04-07",
               min_value=start, max_value=end, clause="s2-1"),
        Column("end_date", "培训结束日期", ("结束日期", "结束时间", "培训结束时间"), DATE, True, 11,
               f"培训结束的日期，不早于开始日期，须在{year}年度内。日期按“{year}-03-15”格式填写。", f"{year}-04-11",
               min_value=start, max_value=end, not_before="start_date", clause="s2-1"),
        Column("venue", "培训地点", ("地点", "培训场所"), TEXT, True, 12,
               "面授填写具体地点；网络培训填写平台名称或网址，如 nmgcf.chinahrt.com。",
               "松山区教师发展中心"),
        Column("content", "培训内容", ("主要内容", "培训主要内容"), TEXT, True, 20,
               "简要填写培训内容（新理论、新知识、新技术、新方法等），应与参训人员岗位和申报职称专业"
               f"系列相一致（{cite('s2-2-2')}）。", "信息技术与学科教学融合", clause="s2-2-2"),
        Column("mode", "培训方式", ("培训形式", "方式"), CHOICE, True, 9,
               "从下拉列表选择：面授、网络或混合（面授与网络结合）。", "混合",
               allowed=("面授", "网络", "混合")),
        Column("teachers", "师资情况", ("师资", "授课教师", "授课人"), TEXT, True, 16,
               "填写授课人姓名、单位、职称或职务，多人用“；”分隔。", "张××，赤峰学院，教授"),
        Column("participants", "培训人员范围", ("培训对象", "参训人员范围", "培训人员"), TEXT, True, 14,
               "填写参训人员的单位、专业或岗位范围。", "全区中小学专任教师"),
        Column("expected_count", "预计人数", ("人数", "参训人数", "计划人数"), INTEGER, True, 8,
               "填写预计参训人数（整数）。", "300", min_value=1, max_value=100000),
        Column("planned_hours", "计划学时", ("学时", "培训学时"), DECIMAL, True, 8,
               f"每人可获得的学时。标准不明确的按{notice.minutes_per_hour}分钟计1学时"
               f"（{cite('s2-4')}）。", "40", min_value=0, max_value=max_hours, clause="s2-4"),
        Column("assessment", "考核方式", ("考核", "考核形式"), TEXT, True, 10,
               "如：闭卷考试、在线考试、撰写心得、实操考核。", "在线考试"),
        Column("remarks", "备注", ("说明",), TEXT, False, 8, "其他需要说明的情况。", ""),
    )
    notes = (
        f"本表依据{cite('s2-6-1')}填写：培训计划包括培训时间和地点、内容和方式、师资情况和培训人员范围等。"
        "每个培训项目填写一行。",
        f"各行业主管部门务必于{cn_date(notice.data['filing']['roster_deadline'])}前，将{year}年度继续教育"
        f"专业科目培训计划等情况向{notice.data['issuer']}报备，逾期不予受理（{cite('s6')}）。",
        f"培训时间须在{cn_date(start)}至{cn_date(end)}之间（{cite('s2-1')}）。",
        f"事业单位自行组织的培训需经主管部门审核同意后开展（{cite('s2-4-1')}）。",
        f"培训工作结束后{notice.data['filing']['training_report_within_days'] // 7}周内，将培训情况报告"
        f"（含本表和花名册）提交至{notice.data['issuer']}（{cite('s2-6-1')}）。",
        f"学时标准不明确或与继续教育学时要求不一致的，按{notice.minutes_per_hour}分钟计1学时（{cite('s2-4')}）。",
        f"通知未印发本表的具体样式，本表为参考格式，以{notice.data['issuer']}的要求为准。"
        f"业务咨询电话：{notice.data['enquiry_phone']}。",
    )
    return Form(
        id="plan",
        attachment="附件1",
        title="专业技术人员年度培训计划备案表",
        filename=f"{notice.id}-plan.xlsx",
        download_name=f"附件1 专业技术人员年度培训计划备案表（{year}年度）.xlsx",
        sheet_name="培训计划备案表",
        header_lines=((f"计划年度：{year}年", "填报单位（行业主管部门，盖章）：", "联系人：", "联系电话：",
                       _date_line()),),
        columns=columns,
        blank_rows=30,
        signature_line=_signature_line(),
        notes=notes,
        clause="s2-6-1",
    )


def _roster(notice: Notice) -> Form:
    """The spec of 附件2, the roster. Long by its data (one Column per column, with its prompt), not by
    logic: a declaration reads best whole."""
    year = notice.year
    req = notice.requirements
    max_hours = notice.input_limits["max_hours_per_activity"]
    cite = notice.cite
    hours_rule = (f"{year}年度公需科目不少于{req['public_hours']}学时、专业科目不少于"
                  f"{req['professional_hours']}学时（{cite('s2-1')}）")
    columns = (
        Column("seq", "序号", ("编号", "顺序号", "No."), INTEGER, False, 5,
               "按1、2、3……顺序填写，每人一行。", "1", min_value=1),
        Column("name", "姓名", ("人员姓名", "学员姓名", "名字"), TEXT, True, 9,
               "填写与身份证一致的姓名。", "张三"),
        Column("sex", "性别", (), CHOICE, True, 5,
               "从下拉列表选择男或女，须与身份证号码第17位一致（奇数为男，偶数为女）。", "男",
               allowed=("男", "女")),
        Column("id_number", "身份证号码", ("身份证号", "公民身份号码", "身份证", "身份证件号码",
                                          "证件号码", "证件号"),
               ID_NUMBER, True, 21,
               "填写18位居民身份证号码，末位X用大写。本列已设为文本格式，请勿改为数值或常规格式，"
               "否则后几位会变成0。", "150404198005010010", length=18),
        Column("employer", "工作单位", ("单位", "单位名称", "所在单位", "工作单位名称"), TEXT, True, 22,
               "填写单位全称。", "松山区第一中学"),
        Column("title", "专业技术职务（职称）", ("专业技术职务", "职称", "现任职称", "专业技术职称",
                                              "职务（职称）", "职称名称"),
               TEXT, True, 13, "填写现任专业技术职务（职称），如“中学一级教师”；尚未取得的填“无”。",
               "中学一级教师"),
        Column("specialty", "从事专业", ("专业", "所从事专业", "现从事专业", "岗位专业"), TEXT, True, 12,
               "填写现从事的专业或岗位。", "初中数学"),
        Column("public_hours", "公需科目学时", ("公需学时", "公需科目", "公需课学时", "公需", "公需科目学时数", "公需学时数",
                                               "公需课", "公需课学时数"),
               DECIMAL, True, 8, f"填写已完成的公需科目学时（数字）。{hours_rule}。",
               str(req["public_hours"]), min_value=0, max_value=max_hours, clause="s2-1"),
        Column("professional_hours", "专业科目学时", ("专业学时", "专业科目", "专业课学时", "专业科目学时数", "专业学时数",
                                                     "专业课", "专业课学时数"),
               DECIMAL, True, 8,
               f"填写已完成的专业科目学时（数字）。标准不明确的按{notice.minutes_per_hour}分钟计1学时"
               f"（{cite('s2-4')}）。", str(req["professional_hours"]),
               min_value=0, max_value=max_hours, clause="s2-1"),
        Column("total_hours", "合计学时", ("合计", "总学时", "学时合计", "总计", "合计学时数", "总学时数"), DECIMAL, False, 8,
               "填写公需科目学时＋专业科目学时之和（也可以输入公式相加）；与两项之和不符时，单元格显示为红色。",
               str(req["public_hours"] + req["professional_hours"]),
               min_value=0, max_value=2 * max_hours, sum_of=("public_hours", "professional_hours"),
               clause="s2-1"),
        Column("training_mode", "培训方式", ("培训形式", "学习方式"), CHOICE, True, 11,
               "从下拉列表选择：网络培训、面授培训、网络+面授或其他。", "网络+面授",
               allowed=("网络培训", "面授培训", "网络+面授", "其他")),
        Column("phone", "联系电话", ("手机号", "手机号码", "手机", "电话", "联系方式", "电话号码"),
               PHONE, True, 13, "填写11位手机号码，或带区号的固定电话，如0476-8466847。本列为文本格式。",
               "13900000000"),
        Column("remarks", "备注", ("说明",), TEXT, False, 14,
               "符合学时减免情形的，注明情形，如“男满55周岁”“非公有制经济领域”。", ""),
    )
    deadline = cn_date(notice.data["filing"]["roster_deadline"])
    notes = (
        "每名专业技术人员填写一行，公需科目学时和专业科目学时分别填写，合计学时填两项之和（填错时单元格变红）。"
        "填了内容的行自动加上表格线；打印时只打印填了的行，签字盖章栏在每页页脚。",
        f"学时要求：年度累计不少于{req['total_hours']}学时，其中公需科目不少于{req['public_hours']}学时，"
        f"专业科目不少于{req['professional_hours']}学时；{year}年度培训时间为"
        f"{cn_date(notice.data['training_year']['start'])}至{cn_date(notice.data['training_year']['end'])}"
        f"（{cite('s2-1')}）。",
        f"各行业主管部门务必于{deadline}前，将本行业《{year}年专业技术人员继续教育培训花名册》"
        f"向{notice.data['issuer']}报备，逾期不予受理（{cite('s6')}）；培训结束后"
        f"{notice.data['filing']['training_report_within_days'] // 7}周内随培训情况报告再次提交"
        f"（{cite('s2-6-1')}）。",
        "身份证号码列已设为文本格式：请直接输入18位号码，末位X大写。如从其他表格复制，请先确认源表该列"
        "也是文本格式，否则后三位会丢失且无法恢复。",
        f"学时标准不明确或与继续教育学时要求不一致的，按{notice.minutes_per_hour}分钟计1学时（{cite('s2-4')}）。",
        f"符合学时减免规定（{cite('s2-5')}）的人员，请在备注栏注明情形。",
        f"通知未印发本表的具体样式，本表为参考格式，以{notice.data['issuer']}的要求为准。"
        f"业务咨询电话：{notice.data['enquiry_phone']}。",
    )
    title = f"{year}年专业技术人员继续教育培训花名册"
    return Form(
        id="roster",
        attachment="附件2",
        title=title,
        filename=f"{notice.id}-roster.xlsx",
        download_name=f"附件2 {title}.xlsx",
        sheet_name="花名册",
        header_lines=(("填报单位（盖章）：", "行业主管部门：", "联系人：", "联系电话：", _date_line()),),
        columns=columns,
        blank_rows=200,
        signature_line=_signature_line(),
        notes=notes,
        clause="s2-6-1",
    )


# 申报人员学时核对表: the choices a row is read with (rules_py/applicants reads the same tables).
APPLICANT_LEVELS = {"高级": "senior", "中级": "intermediate", "初级": "junior", "考核认定": "assessment"}
YES, NO = "是", "否"
# 二（五） circumstances asked as 是/否: key of the person's circumstances → header, synonyms, width.
APPLICANT_FLAGS = (
    ("public_institution", "事业单位", ("是否事业单位", "事业单位人员", "是否事业单位人员"), 6),
    ("non_public_sector", "非公有制经济领域", ("非公有制", "是否非公有制经济领域", "非公经济领域", "非公"), 8),
    ("grassroots_frontline", "基层一线", ("是否基层一线", "苏木乡镇基层一线", "苏木、乡镇等基层一线"), 6),
    ("postdoc_qualifies", "出站博士后", ("是否出站博士后", "博士后"), 6),
    ("high_skilled_talent", "高技能人才", ("是否高技能人才",), 6),
    ("primary_secondary_teacher", "中小学教师", ("是否中小学教师",), 6),
)
# The engine accepts 0–10 years for 考核认定 (rules_py/person.py).
MAX_ASSESSMENT_YEARS = 10


def applicant_years(notice: Notice) -> tuple[int, ...]:
    """The years a 高级/中级 application in the notice's year looks at (二（三）1): one group of hour
    columns each."""
    length = max(notice.windows["senior"], notice.windows["intermediate"])
    return tuple(range(notice.year - length + 1, notice.year + 1))


def year_columns(notice: Notice, year: int) -> tuple[Column, ...]:
    """公需 / 专业 hours as the 审验卡 credits them, and a passed qualification exam (二（四）4), of one year."""
    req = notice.requirements
    max_hours = notice.input_limits["max_hours_per_activity"]
    cite = notice.cite
    exam = notice.activity_kinds["qualification_exam"]["clause"]
    hours = tuple(
        Column(f"{subject}_hours_{year}", f"{year}年{name}科目学时",
               (f"{year}年{name}学时", f"{year}年{name}", f"{year}{name}科目学时", f"{year}年度{name}科目学时"),
               DECIMAL, False, 7,
               f"按本人{year}年度审验卡填写已认定的{name}科目学时（数字，要求不少于{req[f'{subject}_hours']}学时，"
               f"{cite(req['clause'])}）。没有的填0或留空。", str(req[f"{subject}_hours"]),
               min_value=0, max_value=max_hours, clause=req["clause"])
        for subject, name in (("public", "公需"), ("professional", "专业")))
    return (
        *hours,
        Column(f"exam_passed_{year}", f"{year}年职业资格考试合格",
               (f"{year}年职业资格考试", f"{year}年度职业资格考试合格", f"{year}年资格考试合格"),
               CHOICE, False, 7,
               f"{year}年在自治区参加职业资格考试并合格的选“是”，视同完成当年专业科目学时要求"
               f"（{cite(exam)}）；否则选“否”或留空。", NO, allowed=(YES, NO), clause=exam),
    )


def _applicants(notice: Notice) -> Form:
    """The spec of 申报人员学时核对表, this project's own form. Long by its data (one Column per column, with its prompt), not by
    logic: a declaration reads best whole."""
    year = notice.year
    years = applicant_years(notice)
    cite = notice.cite
    ex = notice.exemptions
    first, last = years[0], years[-1]
    span = f"{first}–{last}"
    yes_no = (YES, NO)

    def flag(key, header, synonyms, width, prompt, clause):
        return Column(key, header, synonyms, CHOICE, False, width, prompt, NO, allowed=yes_no, clause=clause)

    flag_prompts = {
        "public_institution": ("事业单位专业技术人员选“是”：单位组织的岗前、在岗、转岗、专项培训学时可计入"
                               f"（{cite('s2-4-1')}），已在审验卡学时中的照填学时即可。", "s2-4-1"),
        "non_public_sector": (f"非公有制经济领域的专业技术人员选“是”：参加"
                              f"{'、'.join(str(y) for y in ex['non_public_or_grassroots']['evaluation_years'])}年度"
                              f"职称评审时，学时不作为限制性条件（{cite('s2-5-2')}）。", "s2-5-2"),
        "grassroots_frontline": ("苏木、乡镇等基层一线的专业技术人员选“是”：参加"
                                 f"{'、'.join(str(y) for y in ex['non_public_or_grassroots']['evaluation_years'])}年度"
                                 f"职称评审时，学时不作为限制性条件（{cite('s2-5-2')}）。", "s2-5-2"),
        "postdoc_qualifies": ("在站期间获得中国博士后科学基金资助或主持省部级以上科研项目、出站后留在自治区工作的选“是”："
                              f"申报高级职称评审时不要求学时（{cite('s2-5-3')}）。", "s2-5-3"),
        "high_skilled_talent": (f"高技能人才选“是”（{cite('s2-4-5')}）：职业技能培训学时已计入审验卡专业科目学时的照填。",
                                "s2-4-5"),
        "primary_secondary_teacher": (f"中小学教师选“是”（{cite('s2-4-6')}）：教育教学能力提升培训学时已计入审验卡"
                                      "专业科目学时的照填。", "s2-4-6"),
    }
    columns = (
        Column("name", "姓名", ("人员姓名", "申报人姓名", "名字"), TEXT, True, 8,
               "填写与身份证一致的姓名，每人一行。", "张三"),
        Column("id_number", "身份证号码", ("身份证号", "公民身份号码", "身份证", "身份证件号码", "证件号码", "证件号"),
               ID_NUMBER, True, 20,
               "填写18位居民身份证号码，末位X用大写；性别和出生日期（按年龄减免学时要用）由号码读出。本列已设为"
               "文本格式，请勿改为数值或常规格式，否则后几位会变成0。", "150404198005010010", length=18),
        Column("level", "申报类别", ("申报级别", "申报层级", "申报职称级别", "申报职称类别", "申报类型"), CHOICE, True, 8,
               f"从下拉列表选择：高级、中级、初级（职称评审，{cite('s2-3-1')}）或考核认定（{cite('s2-3-2')}）。",
               "高级", allowed=tuple(APPLICANT_LEVELS), clause="s2-3"),
        Column("application_year", "评审年度", ("申报年度", "评审年份", "申报年份", "职称评审年度"), CHOICE, False, 7,
               f"参加职称评审（考核认定）的年度，留空即{year}年。本表有{span}年的学时栏目，"
               f"高级、中级看近三年（{cite('s2-3-1')}）。", str(year),
               allowed=tuple(str(y) for y in years), clause="s2-3-1"),
        Column("assessment_years", "考核认定年限", ("认定年限", "考核认定要求年限", "考核认定要求年限(年)"),
               INTEGER, False, 7,
               f"申报类别为考核认定时必填：考核认定要求的年限（整数）。本科、专科一般为"
               f"{notice.assessment['hint']['bachelor_or_college']}，硕士为{notice.assessment['hint']['master']}，"
               f"博士为{notice.assessment['hint']['doctorate']}（{cite('s2-3-2')}）。", "1",
               min_value=0, max_value=MAX_ASSESSMENT_YEARS, clause="s2-3-2"),
        Column("exceptional", "破格", ("是否破格", "破格申报", "是否破格申报"), CHOICE, False, 6,
               f"破格申报职称评审的选“是”，并填写任职年限：按实际任职年限（年度）完成学时（{cite('s2-5-6')}）。",
               NO, allowed=yes_no, clause="s2-5-6"),
        Column("years_in_post", "任职年限", ("实际任职年限", "现职任职年限", "任现职年限"), INTEGER, False, 6,
               f"破格申报时必填：实际任职年限（整数，年）（{cite('s2-5-6')}）。不破格的不填。", "2",
               min_value=1, clause="s2-5-6"),
        *(flag(key, header, synonyms, width, *flag_prompts[key]) for key, header, synonyms, width in APPLICANT_FLAGS),
        Column("transferred_year", "转任年度", ("转任年份", "从党政机关转任年度", "党政机关转任年度"), TEXT, False, 7,
               "从党政机关转任到企事业单位专业技术岗位的，填写转任的年度（如 2024）；转任当年参加评审的不要求学时，"
               f"其他按转任后的实际年度完成（{cite('s2-5-5')}）。", "",
               clause="s2-5-5"),
        Column("epidemic_years", "疫情防控年度", ("疫情防控一线年度", "疫情防控年份", "疫情防控一线年份"), TEXT, False, 8,
               "符合疫情防控职称评审倾斜政策的，填写疫情防控的年度，多个用“、”或“,”分隔（如 2022、2023）；"
               f"这些年度不要求学时（{cite('s2-5-4')}）。", "",
               clause="s2-5-4"),
        *(col for y in years for col in year_columns(notice, y)),
        Column("remarks", "备注", (), TEXT, False, 12, "其他需要说明的情况。", ""),
    )
    optional = (
        Column("sex", "性别", (), CHOICE, False, 5,
               "可不填：性别由身份证号码第17位读出（奇数为男，偶数为女）；填了的须与号码一致。", "男",
               allowed=("男", "女")),
        Column("birth_date", "出生日期", ("出生年月日",), DATE, False, 11,
               "可不填：出生日期由身份证号码第7–14位读出；填了的须与号码一致。", "1980-05-01",
               min_value=dt.date(1900, 1, 1), max_value=notice.data["training_year"]["end"]),
    )
    req = notice.requirements
    age = ex["age_not_restrictive"], ex["age_one_year"]
    notes = (
        "通知未附此表。本表是本站为申报职称前核对继续教育学时制作的参考表格：单位人事干部把申报人员逐人填入一行，"
        "在本站“申报人员学时核对”中检查，每人得到结论（已满足、尚差多少学时、不作为限制性条件或不要求）及依据条款。",
        f"申报高、中级职称评审，需完成近三年公需科目和专业科目学习；申报初级职称评审，需完成当年的学习"
        f"（{cite('s2-3-1')}）。本表按{span}年填写，每年公需科目不少于{req['public_hours']}学时、专业科目不少于"
        f"{req['professional_hours']}学时（{cite(req['clause'])}）。",
        f"各年度学时按本人审验卡上已认定的学时填写（{cite('s2-6-2')}）；在自治区参加职业资格考试合格的年度，"
        f"该年“职业资格考试合格”选“是”（{cite('s2-4-4')}）。",
        f"性别和出生日期由身份证号码读出，用于按年龄减免：男满{age[0]['male_age']}周岁、女满{age[0]['female_age']}周岁"
        f"学时不作为限制性条件，男满{age[1]['male_age']}周岁、女满{age[1]['female_age']}周岁完成近三年中一个年度即可"
        f"（{cite('s2-5-1')}）。",
        f"非公有制经济领域、基层一线、出站博士后、疫情防控、转任、破格等情形按{cite('s2-5')}核对，请在相应栏目选择或填写。",
        f"核对结果供单位自查参考，以{notice.data['issuer']}的审核为准。业务咨询电话：{notice.data['enquiry_phone']}。",
    )
    title = "申报人员学时核对表"
    return Form(
        id="applicants",
        attachment="自查用表",
        title=title,
        filename=f"{notice.id}-applicants.xlsx",
        download_name=f"{title}（{year}年度职称申报）.xlsx",
        sheet_name="申报人员",
        header_lines=(("填报单位（盖章）：", "联系人：", "联系电话：", _date_line()),),
        columns=columns,
        blank_rows=100,
        signature_line=_signature_line(),
        notes=notes,
        clause="s2-3",
        optional_columns=optional,
        notice_attachment=False,
    )


def forms_for(notice: Notice) -> list[Form]:
    """The notice's attachments in order, 附件1 (plan), 附件2 (roster), then this project's own
    forms (申报人员学时核对表)."""
    return [_plan(notice), _roster(notice), _applicants(notice)]


def form_by_id(notice: Notice, form_id: str) -> Form:
    for form in forms_for(notice):
        if form.id == form_id:
            return form
    raise KeyError(f"notice {notice.id} has no form {form_id!r}")

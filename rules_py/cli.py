"""Command line: ``python -m rules_py check PERSON.json [--json]`` and
``python -m rules_py roster FILE.xlsx|.xls|.et|.csv [--json] [--annotate OUT.xlsx]`` and
``python -m rules_py applicants FILE.xlsx [--json] [--annotate OUT.xlsx]``.

Exit status of ``check``: 0 when the outcome is settled, 2 on bad input (with a Chinese message
naming the field, never a traceback). Of ``roster``: 0 no errors, 1 errors found, 2 file unusable.
Of ``applicants``: 0 every person met / not_restrictive / not_required and no error, 1 a person
falls short or a cell has an error, 2 file unusable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys

from rules_py.evaluate import evaluate
from rules_py.notice import DEFAULT_NOTICE, available_notices, load_notice
from rules_py.person import InputError, quoted, read_json_text
from rules_py.wording import STATUS_NAMES

EXIT_OK = 0
EXIT_BAD_INPUT = 2
ROSTER_LINES = 200  # problems printed by the roster summary; --json and --annotate have them all


USAGE = """用法：python -m rules_py check 个人信息.json [--json] [--as-of 2025-11-29]
      python -m rules_py roster 花名册.xlsx [--json] [--annotate 标注版.xlsx]   （也可以是 .xls、.et、.csv）
详细说明：python -m rules_py --help"""
# argparse's own sentences (English), and how a person reads them.
ARGUMENT_NAMES = {"command": "命令（check 或 roster）", "person": "个人信息 JSON 文件", "file": "花名册文件"}
USAGE_ERRORS = (
    (re.compile(r"the following arguments are required: (.+)"),
     lambda m: "缺少" + "、".join(ARGUMENT_NAMES.get(a, a) for a in m[1].split(", ")) + "。"),
    (re.compile(r"unrecognized arguments: (.+)"), lambda m: f"无法识别的参数：{quoted(m[1])}。"),
    (re.compile(r"argument (\S+): invalid choice: '(.*)' \(choose from (.+)\)", re.S),
     lambda m: f"{_argument(m[1])}无法识别：{quoted(m[2])}，可选：{m[3].replace(chr(39), '')}。"),
    (re.compile(r"argument (\S+): expected one argument"), lambda m: f"选项 {m[1]} 后面要写一个值。"),
    (re.compile(r"ambiguous option: (\S+)"), lambda m: f"选项 {quoted(m[1])} 不完整，可能指多个选项，请写全。"),
    (re.compile(r"argument (\S+): (.+)", re.S), lambda m: f"选项 {m[1]}：{m[2]}"),
)


def _argument(name: str) -> str:
    return f"选项 {name} 的值" if name.startswith("-") else ARGUMENT_NAMES.get(name, name)


def usage_error_text(message: str) -> str:
    """argparse's usage error in Chinese; anything unforeseen still gets a Chinese sentence."""
    for pattern, say in USAGE_ERRORS:
        match = pattern.fullmatch(message)
        if match:
            return say(match)
    return "命令行参数有误。"


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse, but in Chinese: usage errors exit with our bad-input status and a Chinese hint."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, formatter_class=_Formatter, add_help=False, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本说明并退出")

    def error(self, message):
        self.exit(EXIT_BAD_INPUT, f"参数有误：{usage_error_text(message)}\n{USAGE}\n")


def _as_of(text: str) -> dt.date:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"应为日期，写作 2025-11-29，现为 {quoted(text)}。")


def _read_json(path: str):
    source = "标准输入" if path == "-" else f"文件 {path} "
    try:
        if path == "-":
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        else:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
    except FileNotFoundError:
        raise InputError("", f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise InputError("", f"{path} 是一个文件夹，请给出个人信息 JSON 文件。") from None
    except PermissionError:
        raise InputError("", f"没有权限读取文件 {path}。") from None
    except UnicodeDecodeError:
        raise InputError("", f"{source}不是 UTF-8 编码的文本；请用 UTF-8 编码另存后再试。") from None
    except OSError:
        raise InputError("", f"无法读取{source}。") from None
    return read_json_text(text, source)


def summary_lines(result: dict) -> list[str]:
    """A short Chinese summary of a result, for people reading a terminal."""
    notice = result["notice"]
    cite = load_notice(notice["id"]).cite
    application = result["application"]
    lines = [f"依据：{notice['title']}（{notice['issuer']}，{notice['issued']}）"]
    if result.get("as_of"):
        lines.append(f"自查日期：{result['as_of']}")
    lines.append("")
    lines.append(f"结论：{STATUS_NAMES[application['status']]}")
    lines.append(f"  {application['text']}")
    for exemption in application["exemptions"]:
        mark = "采用" if exemption["applied"] else "适用"
        lines.append(f"  [{mark}] {exemption['text']}（{cite(exemption['clause'])}）")
    lines.append("")
    lines.append("各年度：")
    for year in result["years"]:
        lines.append(f"  {year['text']}")
    if result["messages"]:
        lines.append("")
        lines.append("说明：")
        for message in result["messages"]:
            prefix = "提醒：" if message["level"] == "warning" else "· "
            source = f"（{cite(message['clause'])}）" if message["clause"] else ""
            lines.append(f"  {prefix}{message['text']}{source}")
    return lines


def _check(args) -> int:
    person = _read_json(args.person)
    # The day of the check decides which training years are over: --as-of, the file's own, or today.
    if isinstance(person, dict) and (args.as_of is not None or person.get("as_of") is None):
        person = {**person, "as_of": (args.as_of or dt.date.today()).isoformat()}
    result = evaluate(person, args.notice)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print("\n".join(summary_lines(result)))
    return EXIT_OK


def roster_summary_lines(report: dict) -> list[str]:
    """A short Chinese summary of a roster report, for people reading a terminal."""
    if report["fatal"]:
        return [f"{report['file']}：无法检查。", f"  {report['fatal']['message']}"]
    s = report["summary"]
    sheets = report.get("sheets") or [report]
    where = "、".join(f"工作表“{entry['sheet']}”（表头在第 {entry['header_row']} 行）" for entry in sheets) \
        if len(sheets) > 1 else f"工作表“{report['sheet']}”，表头在第 {report['header_row']} 行"
    lines = [f"{report['file']}：{where}，检查了 {report['rows_checked']} 行人员。"]
    lines += [f"  [说明] {note['message']}" for note in report.get("notes", ())]
    if not report["problems"]:
        lines.append("未发现问题。")
        return lines
    lines.append(f"发现 {s['errors']} 个错误、{s['warnings']} 个提醒：")
    for problem in report["problems"][:ROSTER_LINES]:
        mark = "错误" if problem["severity"] == "error" else "提醒"
        lines.append(f"  [{mark}] {problem['message']}")
        lines.append(f"         {problem['hint']}")
    rest = len(report["problems"]) - ROSTER_LINES + report.get("problems_omitted", 0)
    if rest > 0:
        lines.append(f"  ……另有 {rest} 个问题未列出，完整列表请用 --json 或 --annotate。")
    return lines


def _refuse_overwrite(source: str, target: str, force: bool) -> None:
    """The marked copy never replaces the clerk's file (it lacks what openpyxl cannot keep, such
    as images), nor any existing file unless --force says so."""
    if os.path.exists(target) and os.path.exists(source) and os.path.samefile(source, target):
        raise InputError("annotate", f"标注版不能写到被检查的文件本身（{target}），否则原文件中的图片、公章等会丢失。"
                                     "请另取一个文件名，如“花名册-标注.xlsx”。")
    if os.path.exists(target) and not force:
        raise InputError("annotate", f"文件 {target} 已存在，未覆盖。请另取一个文件名；确要覆盖的，加上 --force。")
    if not target.lower().endswith(".xlsx"):  # also for an .xls or .csv checked: the copy is an .xlsx
        raise InputError("annotate", f"标注版是 .xlsx 工作簿，文件名请以 .xlsx 结尾（如“花名册-标注.xlsx”），现为 {target}。")


def _read_workbook(path: str, max_bytes: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(max_bytes + 1)  # one byte more is enough to say "too large"
    except FileNotFoundError:
        raise InputError("", f"找不到文件：{path}") from None
    except OSError as error:
        raise InputError("", f"无法读取文件 {path}：{error.strerror or error}") from None


def _write_annotated(path: str, annotated: bytes) -> None:
    try:
        with open(path, "wb") as handle:
            handle.write(annotated)
    except OSError as error:
        raise InputError("", f"无法写入标注文件 {path}：{error.strerror or error}") from None


def _check_workbook(args, check, summary_lines, exit_status, marked_text: str) -> int:
    """Read ``args.file``, ``check`` it, print the report (JSON or the Chinese summary), write the
    marked copy to ``args.annotate`` if asked; the exit status of the report."""
    from rules_py.roster import MAX_FILE_BYTES

    if args.annotate:
        _refuse_overwrite(args.file, args.annotate, args.force)
    data = _read_workbook(args.file, MAX_FILE_BYTES)
    report = check(data, os.path.basename(args.file), annotate=bool(args.annotate), notice=args.notice)
    annotated = report.pop("annotated_xlsx", None)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print("\n".join(summary_lines(report)))
    if args.annotate and annotated is not None:
        _write_annotated(args.annotate, annotated)
        if not args.json:
            print(f"已写出标注版：{args.annotate}（{marked_text}）。")
    elif args.annotate and not args.json:
        print("未生成标注版：" + (report.get("annotation_error") or "文件无法读取。"), file=sys.stderr)
    return exit_status(report)


def _roster(args) -> int:
    from rules_py.roster import check_roster, exit_status

    return _check_workbook(args, check_roster, roster_summary_lines, exit_status,
                           "问题单元格已标色并加批注，另有“问题汇总”工作表")


def applicants_summary_lines(report: dict) -> list[str]:
    """A short Chinese summary of an applicants report: one line per person, then the file's problems."""
    if report["fatal"]:
        return [f"{report['file']}：无法检查。", f"  {report['fatal']['message']}"]
    s = report["summary"]
    counts = "、".join(f"{STATUS_NAMES[status]} {n} 人" for status, n in s["by_status"].items())
    unchecked = f"，{s['rows_without_verdict']} 行有错误未核对" if s["rows_without_verdict"] else ""
    lines = [f"{report['file']}：工作表“{report['sheet']}”，表头在第 {report['header_row']} 行，"
             f"核对了 {report['rows_checked']} 人（{counts or '无结论'}{unchecked}）。"]
    lines += [f"  [说明] {note['message']}" for note in report.get("notes", ())]
    for problem in report["problems"]:
        lines.append(f"  [错误] {problem['message']}")
        lines.append(f"         {problem['hint']}")
    for row in report["rows"][:ROSTER_LINES]:
        lines.append(f"  第 {row['row']} 行 {row['name'] or '（未填姓名）'}：{row['verdict']}")
        lines.append(f"         {row['explanation']}")
        lines += [f"         [提醒] {p['message']}" for p in row["problems"] if p["severity"] == "warning"]
    if len(report["rows"]) > ROSTER_LINES:
        lines.append(f"  ……另有 {len(report['rows']) - ROSTER_LINES} 人未列出，完整结果请用 --json 或 --annotate。")
    return lines


def _applicants(args) -> int:
    from rules_py.applicants import check_applicants, exit_status

    return _check_workbook(args, check_applicants, applicants_summary_lines, exit_status,
                           "新增“结论”“说明”两列，问题单元格已标色并加批注，另有“问题汇总”工作表")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m rules_py",
                     description="松山区专业技术人员继续教育学时自查（与网站浏览器中运行的是同一份规则）。")
    parser.add_argument("--notice", default=DEFAULT_NOTICE, choices=available_notices(),
                        help="通知数据（默认 %(default)s）")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = commands.add_parser("check", help="核对一个人的学时与申报要求")
    check.add_argument("person", help="个人信息 JSON 文件（- 表示标准输入）")
    check.add_argument("--json", action="store_true", help="输出完整的 JSON 结果")
    check.add_argument("--as-of", type=_as_of, metavar="日期",
                       help="自查日期（如 2025-11-29），决定哪些培训年度已结束；默认为今天")
    check.set_defaults(run=_check)
    _workbook_command(commands, "roster", "检查填好的花名册（附件2；.xlsx、.xls、.et 或 .csv）", "花名册文件（.xlsx、.xls、.et 或 .csv）",
                      "另存一份标注了问题的工作簿", _roster)
    _workbook_command(commands, "applicants", "核对申报人员学时核对表（.xlsx、.xls、.et 或 .csv）：每人一行，逐人给出结论",
                      "申报人员学时核对表文件（.xlsx、.xls、.et 或 .csv）", "另存一份加了结论、标注了问题的工作簿", _applicants)
    return parser


def _workbook_command(commands, name: str, help_text: str, file_help: str, annotate_help: str, run) -> None:
    """A subcommand that checks a workbook: FILE, --json, --annotate OUT.xlsx, --force."""
    command = commands.add_parser(name, help=help_text)
    command.add_argument("file", help=file_help)
    command.add_argument("--json", action="store_true", help="输出完整的 JSON 报告")
    command.add_argument("--annotate", metavar="OUT.xlsx", help=f"{annotate_help}（不会覆盖被检查的文件）")
    command.add_argument("--force", action="store_true", help="--annotate 的文件已存在时覆盖它")
    command.set_defaults(run=run)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as error:
        print(f"输入有误：{error.message}", file=sys.stderr)
        return EXIT_BAD_INPUT

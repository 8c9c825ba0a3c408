"""Command line: ``python -m rules_py check PERSON.json [--json]``.

Exit status: 0 when the outcome is settled, 2 on bad input (with a Chinese message naming the
field, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys

from rules_py.evaluate import evaluate
from rules_py.notice import DEFAULT_NOTICE, available_notices, load_notice
from rules_py.person import InputError
from rules_py.wording import STATUS_NAMES

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit with our bad-input status and a Chinese hint."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"参数有误：{message}\n")


def _read_json(path: str):
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
    except FileNotFoundError:
        raise InputError("", f"找不到文件：{path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError("", f"无法读取文件 {path}（应为 UTF-8 编码的 JSON 文本）：{error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        name = "标准输入" if path == "-" else f"文件 {path}"
        raise InputError("", f"{name}不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 列附近有误。") from None


def summary_lines(result: dict) -> list[str]:
    """A short Chinese summary of a result, for people reading a terminal."""
    notice = result["notice"]
    cite = load_notice(notice["id"]).cite
    application = result["application"]
    lines = [f"依据：{notice['title']}（{notice['issuer']}，{notice['issued']}）", ""]
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
    result = evaluate(person, args.notice)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print("\n".join(summary_lines(result)))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m rules_py",
                     description="松山区专业技术人员继续教育学时自查（与网站浏览器中运行的是同一份规则）。")
    parser.add_argument("--notice", default=DEFAULT_NOTICE, choices=available_notices(),
                        help="通知数据（默认 %(default)s）")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = commands.add_parser("check", help="核对一个人的学时与申报要求")
    check.add_argument("person", help="个人信息 JSON 文件（- 表示标准输入）")
    check.add_argument("--json", action="store_true", help="输出完整的 JSON 结果")
    check.set_defaults(run=_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as error:
        print(f"输入有误：{error.message}", file=sys.stderr)
        return EXIT_BAD_INPUT

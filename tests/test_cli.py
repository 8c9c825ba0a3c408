"""The command line as a person uses it: exit codes, Chinese messages, no tracebacks."""

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parent.parent / "examples" / "person-senior-2025.json"


def run_cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "rules_py", *args], input=stdin,
                          capture_output=True, text=True, encoding="utf-8")


def test_design_example_json_has_the_contract_shape():
    done = run_cli("check", str(EXAMPLE), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) >= {"notice", "years", "application", "messages"}
    assert [y["year"] for y in result["years"]] == [2023, 2024, 2025]
    seminar = result["years"][2]["credits"][1]
    assert seminar == {"activity": 1, "subject": "professional", "hours": 60, "clause": "s2-4-3"}
    assert result["application"]["years_required"] == [2023, 2024, 2025]
    # Born 1975-06-30, a man is 50 on 2025-12-31: one complete year among the three suffices.
    assert result["application"]["status"] == "met"
    assert [e["code"] for e in result["application"]["exemptions"]] == ["age_one_year"]


def test_summary_is_chinese_and_names_the_clause():
    done = run_cli("check", str(EXAMPLE))
    assert done.returncode == 0
    assert "结论：已满足" in done.stdout
    assert "通知 二（五）1" in done.stdout
    assert "2024 年公需科目尚差 30 学时" in done.stdout


@pytest.mark.parametrize("stdin, expected", [
    pytest.param('{"sex": "male", "birth_date": "1975-02-30", "application": {"level": "senior", "year": 2025}}',
                 "「出生日期」不是有效日期", id="impossible-date"),
    pytest.param('{"activities": [{"year": 2025, "kind": "course", "hours": 3}]}',
                 "第 1 条培训记录的「培训类型」无法识别", id="unknown-kind"),
    pytest.param('{"activities": [{"year": 2025, "kind": "seminar", "hours": -3}]}',
                 "第 1 条培训记录的「学时」不能为负数", id="negative-hours"),
    pytest.param('{"activities": [{"year": 2025, "kind": "unit_training", "hours": 3}]}',
                 "第 1 条培训记录的「科目」必须填写", id="unit-training-without-subject"),
    pytest.param("not json", "标准输入不是有效的 JSON", id="not-json"),
    pytest.param("[1, 2]", "输入应为一个对象", id="json-not-an-object"),
    pytest.param("[" * 100_000 + "]" * 100_000, "JSON 嵌套超过", id="nesting-too-deep"),
    pytest.param('{"activities": [{"year": 2025, "kind": "seminar", "hours": 1' + "0" * 5000 + '}]}',
                 "数字过长", id="number-too-long"),
    pytest.param('{"activities": [{"year": 2025, "kind": "' + "x" * 500 + '", "hours": 3}]}',
                 "x" * 40 + "…", id="long-value-cut"),
    # A string like this would make an exact Fraction build a 10**99999999 integer and hang.
    pytest.param('{"activities": [{"year": 2025, "kind": "seminar", "hours": "1e99999999"}]}',
                 "第 1 条培训记录的「学时」应为数字", id="hours-as-exponent-string"),
    pytest.param('{"activites": []}', "无法识别的字段「activites」", id="misspelt-key"),
    pytest.param('{"activities": [{"year": 2025, "kind": "seminar", "hours": 8, "hour": 2}]}',
                 "无法识别的字段「hour」", id="misspelt-activity-key"),
    pytest.param('{"circumstances": []}', "「个人情况」应为一组是/否选项", id="circumstances-not-an-object"),
])
def test_bad_input_exits_2_with_a_chinese_message(stdin, expected):
    done = run_cli("check", "-", stdin=stdin)
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


ENGLISH_WORDS = re.compile(r"\b(usage|error|argument|arguments|required|invalid|choose|unrecognized|"
                           r"Traceback|codec|decode|directory)\b", re.I)


@pytest.mark.parametrize("args", [
    pytest.param([], id="no-command"),
    pytest.param(["check"], id="no-file"),
    pytest.param(["frobnicate"], id="unknown-command"),
    pytest.param(["check", "a.json", "b.json"], id="extra-argument"),
    pytest.param(["check", "a.json", "--bogus"], id="unknown-option"),
    pytest.param(["check", "a.json", "--as-of"], id="option-without-value"),
    pytest.param(["check", "a.json", "--as-of", "2025/11/29"], id="as-of-not-iso"),
    pytest.param(["--notice", "nowhere-2099", "check", "a.json"], id="unknown-notice"),
])
def test_usage_errors_are_chinese(args):
    done = run_cli(*args)
    assert done.returncode == 2
    assert "参数有误：" in done.stderr and "用法：" in done.stderr
    assert not ENGLISH_WORDS.search(done.stderr), done.stderr


def test_file_not_utf8_and_directory_are_chinese(tmp_path):
    gbk = tmp_path / "person.json"
    gbk.write_bytes('{"sex": "男"}'.encode("gbk"))
    for path, expected in ((gbk, "不是 UTF-8 编码"), (tmp_path, "是一个文件夹")):
        done = run_cli("check", str(path))
        assert done.returncode == 2
        assert expected in done.stderr
        assert not ENGLISH_WORDS.search(done.stderr), done.stderr


def test_deep_nesting_gives_the_same_message_in_the_browser():
    from rules_py.browser import evaluate_json

    person = '{"application": ' * 2000 + "{}" + "}" * 2000
    done = run_cli("check", "-", stdin=person)
    assert done.returncode == 2
    browser = json.loads(evaluate_json(person))
    assert "error" in browser, browser
    assert done.stderr.strip() == f"输入有误：{browser['error']['message']}"
    assert "嵌套" in browser["error"]["message"]


def test_as_of_is_today_unless_given():
    done = run_cli("check", str(EXAMPLE), "--json")
    assert json.loads(done.stdout)["as_of"] == dt.date.today().isoformat()
    done = run_cli("check", str(EXAMPLE), "--json", "--as-of", "2026-11-29")
    assert json.loads(done.stdout)["as_of"] == "2026-11-29"
    assert "自查日期：2026-11-29" in run_cli("check", str(EXAMPLE), "--as-of", "2026-11-29").stdout


def test_a_finished_year_is_never_called_completable():
    person = json.dumps({"sex": "female", "birth_date": "1988-03-03",
                         "application": {"level": "junior", "year": 2025}, "activities": []})
    late = run_cli("check", "-", "--as-of", "2026-11-29", stdin=person).stdout
    assert "2025 年度的培训已于 2025年12月31日截止" in late and "尚未结束" not in late
    early = run_cli("check", "-", "--as-of", "2025-11-29", stdin=person).stdout
    assert "提交申报材料之前" in early and "年底前" not in early


def test_missing_file_and_unknown_command_exit_2():
    assert "找不到文件" in run_cli("check", "/no/such/file.json").stderr
    done = run_cli("frobnicate")
    assert done.returncode == 2 and "Traceback" not in done.stderr

"""Issue “validate”: each thing a person may type gets a located message they can act on.

One case per row: the files written over a small valid organisation, the
`file:line:column: 严重性：` prefix and the words expected, and the exit status.
"""

from __future__ import annotations

import codecs
import json
import sys

import pytest
from typer.testing import CliRunner

from fulian_report import cli
from fulian_report.cli import app
from fulian_report.source.yaml_source import MAX_DEPTH, MAX_FILE_BYTES
from tests.conftest import GENRE, MINIMAL_ORG, write_org

runner = CliRunner()
CASES = MINIMAL_ORG["cases.yaml"]  # visits.received on line 2, mediation on lines 3-5
NARRATIVE = MINIMAL_ORG["narrative.yaml"]
ORG = MINIMAL_ORG["organisation.yaml"]


def _validate(tmp_path, files: dict[str, str | bytes], *options: str):
    folder = write_org(tmp_path / "data", {k: v for k, v in MINIMAL_ORG.items() if k not in files})
    for name, content in files.items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(folder), *options])
    return folder, result


# name: (files, "file:line:column: severity", words in the message, exit status)
MESSAGES = {
    "duplicate key": (
        {"cases.yaml": CASES.replace("  received: 55件\n", "  received: 55件\n  received: 56件\n")},
        "cases.yaml:3:3: 错误", "名称“received”重复出现（第 2 行已有）", 1),
    "tab": ({"cases.yaml": CASES.replace("  received", "\treceived")}, "cases.yaml:2:1: 错误", "制表符（Tab）", 1),
    # A bracket or quote left open is pointed at itself, not where libyaml gave up.
    "unclosed bracket": ({"cases.yaml": "visits: {received: 55件\n"}, "cases.yaml:1:9: 错误", "“{”没有正常结束：缺少配对的“}”", 1),
    "unclosed list": ({"cases.yaml": "visits:\n  sums: {total: [a, b}\n  received: 55件\n"}, "cases.yaml:2:17: 错误", "“[”没有正常结束", 1),
    "unclosed quote": ({"cases.yaml": 'visits:\n  name: "市民热线\n'}, "cases.yaml:2:9: 错误", "引号一直没有配对的结束引号", 1),
    "full-width colon": (
        {"cases.yaml": CASES.replace("couples_received: 444对", "couples_received：444对")}, "cases.yaml:4:19: 错误",
        "“couples_received”后面是全角冒号“：”", 1),
    "full-width colon on the last line": (
        {"cases.yaml": "visits:\n  received：55件\n"}, "cases.yaml:2:11: 错误", "其中的“：”是全角冒号", 1),
    "full-width brackets": (
        {"organisation.yaml": ORG.replace("region: {province: 示例省, city: 示例市, district: 示例区}", "region: ｛province: 示例省, city: 示例市, district: 示例区｝")},
        "organisation.yaml:3:9: 错误", "“｛”是全角括号", 1),
    "full-width brackets around a figure": (
        {"activities.yaml": "x:\n  list: ［2022-01-01, 2022-02-01］\n"}, "activities.yaml:2:9: 错误", "其中的“［”是全角方括号", 1),
    "full-width brackets around a text": (
        {"honors.yaml": "a:\n  title: 三八红旗手\n  holders: ［张某, 李某］\n"}, "honors.yaml:3:12: 错误", "整个写在全角方括号“［］”里", 1),
    # The file holds no ［ itself: the check is not skipped for a value that spells it with escapes.
    "full-width brackets spelt with escapes": (
        {"honors.yaml": 'a:\n  title: 三八红旗手\n  holders: "\\uFF3B张某, 李某\\uFF3D"\n'}, "honors.yaml:3:12: 错误", "整个写在全角方括号“［］”里", 1),
    "full-width comma in braces": (
        {"organisation.yaml": ORG.replace("示例省, city", "示例省，city")}, "organisation.yaml:3:23: 错误", "“，”是全角逗号", 1),
    "Chinese quotes around a colon": ({"cases.yaml": CASES + "hotline:\n  name: “热线: 12345”\n"}, "cases.yaml:7:9: 错误", "是中文引号", 1),
    "a missing colon": ({"cases.yaml": CASES.replace("couples_received: 444对", "couples_received 444对")}, "cases.yaml:4:3: 错误", "这一行缺少冒号", 1),
    "a county under region": (
        {"organisation.yaml": ORG.replace("district: 示例区", "county: 虚构县")}, "organisation.yaml:3:36: 错误", "不认识的名称“county”，是不是想写“district”？", 1),
    "a month the calendar has not": (
        {"organisation.yaml": ORG.replace("report_date: 2022-01-10", "report_date: 2022-13-01")}, "organisation.yaml:4:14: 错误", "2022年没有13月", 1),
    "region as one text": (
        {"organisation.yaml": ORG.replace("region: {province: 示例省, city: 示例市, district: 示例区}", "region: 示例省示例市示例区")},
        "organisation.yaml:3:9: 错误", "region 要分级写出，每级一行：province: 示例省，city: 示例市，district: 示例区", 1),
    "empty file": ({"honors.yaml": ""}, "honors.yaml:1:1: 警告", "文件是空的", 0),
    "left-out record named by prose": (
        {"cases.yaml": "visits:\n  received: 55件\n"}, "narrative.yaml:8:", "“couples_received”不存在：它前面的一项在数据中没有填写", 1),
    "not YAML at all": ({"cases.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x80"}, "cases.yaml:1:1: 错误", "这不是文本文件", 1),
    "neither UTF-8 nor GBK": ({"cases.yaml": CASES.encode("utf-8") + b"\xff\xff\n"}, "cases.yaml:6:1: 错误", "另存为", 1),
    "a sentence, not data": ({"cases.yaml": "这是一段文字\n"}, "cases.yaml:1:1: 错误", "这里应是“名称: 值”形式的若干项", 1),
    "GBK from Notepad": ({"cases.yaml": CASES.encode("gbk")}, "cases.yaml:1:1: 警告", "GBK 编码", 0),
    "UTF-8 with a BOM": ({"cases.yaml": b"\xef\xbb\xbf" + CASES.encode("utf-8")}, "cases.yaml:1:1: 警告", "BOM 标记", 0),
    "UTF-16": ({"cases.yaml": codecs.BOM_UTF16_LE + CASES.encode("utf-16-le")}, "cases.yaml:1:1: 警告", "UTF-16", 0),
    "full-width digits": ({"cases.yaml": CASES.replace("55件", "５５件")}, "cases.yaml:2:13: 警告", "全角数字“５５”：作为数字读作 55", 0),
    "alias": ({"cases.yaml": "visits: &v\n  received: 55件\nagain: *v\n" + CASES.split("\n", 2)[2]}, "cases.yaml:3:1: 错误", "锚点和别名", 1),
    "alias bomb": (
        {"cases.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(20))},
        "cases.yaml:2:1: 错误", "锚点和别名", 1),
    "deep nesting": ({"cases.yaml": "visits: " + "[" * 100_000 + "]" * 100_000 + "\n"}, f"cases.yaml:1:{8 + MAX_DEPTH}: 错误", "层次太深", 1),
    "very large file": ({"cases.yaml": "# " + "x" * MAX_FILE_BYTES + "\n"}, "cases.yaml: 错误", "文件太大", 1),
    "control character": ({"cases.yaml": CASES.replace("55件", "55\x08件")}, "cases.yaml:2:15: 错误", "控制字符（U+0008）", 1),
    "control character by escape": ({"cases.yaml": CASES + 'hotline:\n  name: "12345\\a热线"\n'}, "cases.yaml:7:9: 错误", "控制字符（U+0007）", 1),
    "misspelt text field of a record": (
        {"activities.yaml": "walk:\n  plce: 示例湖公园\n"}, "activities.yaml:2:9: 错误", "“plce”不是这一项的字段，是不是想写“place”？", 1),
    "misspelt field under a committee": (
        {"organisation_building.yaml": "committees:\n  two:\n    members: 10人\n    womn: 示例\n"},
        "organisation_building.yaml:4:11: 错误", "“womn”不是这一项的字段，是不是想写“women”？", 1),
    "unknown style": ({"organisation.yaml": ORG.replace("style: furong", "style: furnog")}, "organisation.yaml:5:1: 错误", "找不到样式“furnog”", 1),
    "unknown key": ({"organisation.yaml": ORG.replace("name: 示例区妇联", "nmae: 示例区妇联")}, "organisation.yaml:1:1: 错误", "不认识的名称“nmae”，是不是想写“name”？", 1),
    "negative count": ({"cases.yaml": CASES.replace("55件", "-55件")}, "cases.yaml:2:13: 错误", "“-55件”是负数：数字不能为负", 1),
    "negative money": ({"funds.yaml": "relief:\n  direction: 发放\n  amount: -500元\n"}, "funds.yaml:3:11: 错误", "“-500元”是负数：数字不能为负", 1),
    "reconciled above received": ({"cases.yaml": CASES.replace("134对", "544对")}, "cases.yaml:5:23: 错误", "调和 544对 多于接待 444对", 1),
    "women above members": (
        {"organisation_building.yaml": "committees:\n  two_committees:\n    members: 10名\n    women: 25名\n"},
        "organisation_building.yaml:4:12: 错误", "女性 25名 多于总人数 10名", 1),
    "stated total not the sum of its items": (
        {"activities.yaml": "law_campaigns:\n  spring: 52场\n  autumn: 30场\n  sessions: 80场\n  sums: {sessions: [spring, autumn]}\n"},
        "activities.yaml:4:13: 错误", "合计 sessions 80场 不等于各项之和 82场（spring 52场 + autumn 30场）", 1),
    "share not matching its counts": (
        {"organisation_building.yaml": "committees:\n  two_committees:\n    members: 559人\n    women: 365人\n"
         "    women_share: 25.7%\n    shares: {women_share: [women, members]}\n"},
        "organisation_building.yaml:5:18: 错误", "比例 women_share 25.7% 与 365人 / 559人 = 65.3% 不符", 1),
    "date outside the year": ({"cases.yaml": CASES + "hotline:\n  date: 2020-03-05\n"}, "cases.yaml:7:9: 错误", "不在报告年度 2021 年内", 1),
    "plan date before the year": (
        {"plan.yaml": "targets:\n  centre:\n    target: 1所\n    due: 2019年\n"}, "plan.yaml:4:10: 错误", "早于报告年度 2021 年", 1),
    "plan date in the report year": (
        {"plan.yaml": "targets:\n  centre:\n    target: 1所\n    due: 2021年12月\n"}, "plan.yaml:4:5: 警告", "计划中的日期 2021年12月 在报告年度 2021 年内", 0),
    "honor level": (
        {"honors.yaml": "model:\n  title: 三八红旗手\n  level: 乡长\n"}, "honors.yaml:3:10: 错误",
        "不认识的级别“乡长”：级别应是行政级别之一：全国/国家/中央；省/自治区/直辖市；", 1),
    "unknown measure word": (
        {"cases.yaml": CASES + "rescue:\n  animals: 500多羽只\n"}, "cases.yaml:7:12: 错误",
        "“500多羽只”中的量词“羽只”不在量词表中；若没有写错，请在 organisation.yaml 中写上 measure_words: [羽只]", 1),
    "a declared share above 100%": (
        {"organisation_building.yaml": "committees:\n  two_committees:\n    members: 10人\n    women: 8人\n"
         "    women_share: 180%\n    shares: {women_share: [women, members]}\n"},
        "organisation_building.yaml:5:18: 错误", "比例 women_share 180% 超过 100%", 1),
    "plan target without a figure": ({"plan.yaml": "targets:\n  centre:\n    description: 建好活动中心\n"}, "plan.yaml:2:3: 错误", "缺少必填项“target”", 1),
    "plan target that is not measurable": ({"plan.yaml": "targets:\n  centre:\n    target: 很多\n"}, "plan.yaml:3:13: 错误", "无法识别“很多”", 1),
    "undefined name in prose": (
        {"narrative.yaml": NARRATIVE.replace("couples_reconciled }}", "couples_reconcilde }}")},
        "narrative.yaml:8:", "“couples_reconcilde”不存在，是不是想写“couples_reconciled”？", 1),
    "unknown filter in prose": (
        {"narrative.yaml": NARRATIVE.replace("{{ year }}年", "{{ year | monht }}年")},
        "narrative.yaml:3:1: 错误", "没有“monht”这个过滤器，是不是想写“month”？", 1),
    "unpaired braces in prose": (
        {"narrative.yaml": NARRATIVE.replace("{{ year }}年", "{{ year }年")}, "narrative.yaml:3:1: 错误", "花括号不成对", 1),
    "a stray closing pair in prose": (
        {"narrative.yaml": NARRATIVE.replace("{{ year }}年", "{{ year }}}}年")}, "narrative.yaml:3:13: 错误", "多出了“}}”", 1),
    "unclosed tag in prose": (
        {"narrative.yaml": NARRATIVE.replace("{{ year }}年", "{% if year %}{{ year }}年")},
        "narrative.yaml:3:1: 错误", "{% if %} 没有结束：请在后面写上 {% endif %}", 1),
    "a filter given the wrong value": (
        {"narrative.yaml": NARRATIVE.replace("{{ year }}年", "{{ year | wan }}年")}, "narrative.yaml:3:1: 错误", "需要金额，得到的是“2021”", 1),
    "digit typed into prose": (
        {"narrative.yaml": NARRATIVE.replace("示例区妇联接待来访", "示例区妇联开办了7期，接待来访")},
        "narrative.yaml:3:25: 错误", "正文里直接写了数字“7”", 1),
    "digits in a heading": ({"narrative.yaml": NARRATIVE.replace("title: 维权服务", "title: 维权服务12项")}, "narrative.yaml:5:16: 错误", "数字“12”", 1),
    "digits in the plan": ({"plan.yaml": "overview:\n  - 再办10期培训班。\n"}, "plan.yaml:2:7: 错误", "数字“10”", 1),
    "full-width braces in prose": (
        {"narrative.yaml": NARRATIVE.replace("{{ year }}年", "｛｛ year ｝｝年")}, "narrative.yaml:3:5: 错误", "“｛｛”是全角的花括号", 1),
    "full-width percent braces in prose": (
        {"narrative.yaml": NARRATIVE.replace("{{ year }}年", "｛％ if year ％｝{{ year }}年")}, "narrative.yaml:3:5: 错误", "“｛％”是全角的花括号或百分号", 1),
    # `share` and `sum` are spelt like the fields shares and sums, yet are meant as figures here.
    "a share named share over 100%": (
        {"activities.yaml": "x: {members: 20人, women: 10人, share: 150%, shares: {share: [women, members]}}\n"},
        "activities.yaml:1:38: 错误", "比例 share 150% 超过 100%", 1),
    "a total named sum that does not add up": (
        {"activities.yaml": "x: {a: 10人, b: 20人, sum: 40人, sums: {sum: [a, b]}}\n"}, "activities.yaml:1:26: 错误", "合计 sum 40人 不等于各项之和", 1),
    "a figure named sum that is not one": ({"activities.yaml": "x: {sum: abc}\n"}, "activities.yaml:1:10: 错误", "无法识别“abc”", 1),
    "sums misspelt as sum": (
        {"activities.yaml": "x: {a: 10人, b: 20人, sum: {total: [a, b]}}\n"}, "activities.yaml:1:21: 错误", "是不是想写“sums”", 1),
    "figure no text uses": ({"cases.yaml": CASES + "police:\n  dv_reports: 12起\n"}, "cases.yaml:7:3: 警告", "没有被任何正文用到", 0),
}


@pytest.mark.parametrize("case", MESSAGES, ids=list(MESSAGES))
def test_each_case_has_a_located_message_and_its_exit_status(tmp_path, case):
    files, where, words, status = MESSAGES[case]
    _, result = _validate(tmp_path, files)
    assert result.exit_code == status, result.output
    lines = [line for line in result.output.splitlines() if where in line]
    assert any(words in line for line in lines), result.output
    assert "Traceback" not in result.output


def test_the_offending_line_is_shown_with_a_caret_under_the_column(tmp_path):
    _, result = _validate(tmp_path, {"cases.yaml": CASES.replace("55件", "55\x08件")})
    output = result.output.splitlines()
    at = next(i for i, line in enumerate(output) if "cases.yaml:2:15: 错误" in line)
    assert output[at + 1] == " 2 |   received: 55\u2408件"
    assert output[at + 2] == "   |               ^"


def test_the_caret_counts_chinese_characters_as_two_columns(tmp_path):
    _, result = _validate(tmp_path, {"cases.yaml": CASES + "hotline:\n  name: 市民热线\n  calls: 12\n"})
    output = result.output.splitlines()
    at = next(i for i, line in enumerate(output) if "cases.yaml:8:10: 错误" in line)
    assert output[at + 1:at + 3] == [" 8 |   calls: 12", "   |          ^"]


def test_strict_turns_warnings_into_errors(tmp_path):
    files = {"cases.yaml": CASES.replace("55件", "５５件")}
    _, result = _validate(tmp_path, files)
    assert result.exit_code == 0 and "检查通过（有警告）" in result.output
    _, result = _validate(tmp_path, files, "--strict")
    assert result.exit_code == 1
    assert "cases.yaml:2:13: 错误：全角数字" in result.output and "--strict" in result.output


def test_json_gives_the_same_findings_for_machines(tmp_path):
    files = {"cases.yaml": CASES.replace("134对", "544对").replace("55件", "５５件")}
    _, text = _validate(tmp_path, files)
    _, result = _validate(tmp_path, files, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["errors"] == 1 and document["warnings"] == 1
    first, second = document["findings"]
    assert first["file"].endswith("cases.yaml") and (first["line"], first["column"], first["severity"]) == (2, 13, "warning")
    assert (second["line"], second["severity"]) == (5, "error") and "多于接待" in second["message"]
    for finding in document["findings"]:
        assert f"{finding['file']}:{finding['line']}:{finding['column']}: " in text.output


def test_unknown_validate_format_is_a_command_line_mistake():
    assert runner.invoke(app, ["validate", "data", "--format", "xml"]).exit_code == 2


def test_build_reports_the_same_way_and_writes_nothing(tmp_path):
    folder, _ = _validate(tmp_path, {"cases.yaml": CASES.replace("134对", "544对")})
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "2021", "--data", str(folder.parent.parent), "--out", str(out)])
    assert result.exit_code == 1
    assert "cases.yaml:5:23: 错误：调和 544对 多于接待 444对" in result.output
    assert " 5 |   couples_reconciled: 544对" in result.output
    assert not out.exists()


def test_build_strict_refuses_on_a_warning(tmp_path):
    folder, _ = _validate(tmp_path, {"cases.yaml": CASES.replace("55件", "５５件")})
    out = tmp_path / "out"
    args = ["build", "2021", "--data", str(folder.parent.parent), "--out", str(out)]
    result = runner.invoke(app, [*args, "--strict"])
    assert result.exit_code == 1 and "全角数字" in result.output and not out.exists()
    assert runner.invoke(app, args).exit_code == 0


def test_an_unexpected_failure_is_one_line_and_the_trace_only_under_debug(monkeypatch, capsys):
    from fulian_report import api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "validate", broken)
    for argv, traced in ((["validate", "data"], False), (["--debug", "validate", "data"], True)):
        monkeypatch.setattr(sys, "argv", ["fulian-report", *argv])
        with pytest.raises(SystemExit) as done:
            cli.main()
        assert done.value.code == 3
        err = capsys.readouterr().err
        assert ("Traceback" in err) is traced
        if not traced:
            assert len(err.strip().splitlines()) == 1 and "--debug" in err


def test_a_duplicate_key_does_not_hide_the_other_problems_of_its_file(tmp_path):
    cases = CASES.replace("  received: 55件\n", "  received: 55件\n  received: 56件\n").replace("134对", "544对")
    _, result = _validate(tmp_path, {"cases.yaml": cases})
    assert result.exit_code == 1
    assert "cases.yaml:3:3: 错误：名称“received”重复出现" in result.output
    assert "cases.yaml:6:23: 错误：调和 544对 多于接待 444对" in result.output


def test_a_long_line_of_prose_is_cut_around_the_column(tmp_path):
    long_prose = "妇联" * 80 + "{{ cases.visits.recieved }}" + "工作" * 80
    narrative = NARRATIVE.replace("{{ year }}年，示例区妇联接待来访{{ cases.visits.received }}。", long_prose)
    _, result = _validate(tmp_path, {"narrative.yaml": narrative})
    output = result.output.splitlines()
    at = next(i for i, line in enumerate(output) if "narrative.yaml:3:" in line)
    shown, caret = output[at + 1], output[at + 2]
    assert shown.startswith(" 3 | …") and shown.endswith("…") and len(shown) < 80
    assert "{{ cases.visits.recieved }}" in shown
    # the caret stands under the name, counting each Chinese character as two columns
    from fulian_report.diagnostics import display_width

    assert display_width(caret) - 1 == display_width(shown[: shown.index("recieved")])


def test_the_new_options_and_command_are_described_in_chinese():
    help_text = runner.invoke(app, ["validate", "--help"]).output
    assert "--strict" in help_text and "把警告也当作错误" in help_text and "json" in help_text
    help_text = runner.invoke(app, ["build", "--help"]).output
    assert "--force" in help_text and "覆盖生成后又被修改过的报告文件" in help_text
    help_text = runner.invoke(app, ["--help"]).output
    assert "schema" in help_text and "JSON Schema" in help_text


def test_data_errors_do_not_hide_the_prose_errors(tmp_path):
    narrative = NARRATIVE.replace("{{ year }}年", "{{ yaer }}年").replace("couples_reconciled }}", "couples_reconcilde }}")
    _, result = _validate(tmp_path, {"cases.yaml": CASES.replace("134对", "544对"), "narrative.yaml": narrative})
    assert result.exit_code == 1
    assert "cases.yaml:5:23: 错误：调和 544对 多于接待 444对" in result.output
    assert "narrative.yaml:3:8: 错误：名称“yaer”不存在，是不是想写“year”？" in result.output
    # cases.yaml is wrong, so nothing is said of names under cases until it is fixed
    assert "couples_reconcilde" not in result.output
    assert "共 2 个错误" in result.output


def test_build_also_reports_data_and_prose_errors_together(tmp_path):
    narrative = NARRATIVE.replace("{{ year }}年", "{{ yaer }}年")
    folder, _ = _validate(tmp_path, {"cases.yaml": CASES.replace("134对", "544对"), "narrative.yaml": narrative})
    result = runner.invoke(app, ["build", "2021", "--data", str(folder.parent.parent), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "多于接待" in result.output and "“yaer”不存在" in result.output


def test_a_form_feed_is_shown_on_its_own_line_with_windows_line_ends(tmp_path):
    cases = CASES.replace("55件", "55\x0c件").replace("\n", "\r\n")
    _, result = _validate(tmp_path, {"cases.yaml": cases.encode("utf-8")})
    output = result.output.splitlines()
    at = next(i for i, line in enumerate(output) if "cases.yaml:2:15: 错误" in line)
    assert output[at + 1] == " 2 |   received: 55\u240c件"


# (folder to stand in under data/, path as typed, where the error is shown)
TYPED_PATHS = {
    "organisation by its name, in its year": ("2021", "demo", "demo/cases.yaml:5:"),
    "organisation as .": ("2021/demo", ".", "cases.yaml:5:"),
    "year as .": ("2021", ".", "demo/cases.yaml:5:"),
    "year as ..": ("2021/other", "..", "../demo/cases.yaml:5:"),
    "organisation beside this one": ("2021/other", "../demo", "../demo/cases.yaml:5:"),
    "organisation through ..": (".", "2021/other/../demo", "2021/demo/cases.yaml:5:"),
    "file in its organisation": ("2021/demo", "cases.yaml", "cases.yaml:5:"),
}


@pytest.mark.parametrize("case", TYPED_PATHS, ids=list(TYPED_PATHS))
def test_a_relative_path_is_checked_as_the_folder_it_names_and_shown_as_typed(tmp_path, monkeypatch, case):
    stand_in, typed, where = TYPED_PATHS[case]
    write_org(tmp_path / "data", MINIMAL_ORG, org="other")
    _, result = _validate(tmp_path, {"cases.yaml": CASES.replace("134对", "544对")})
    monkeypatch.chdir(tmp_path / "data" / stand_in)
    result = runner.invoke(app, ["validate", typed])
    assert result.exit_code == 1, result.output
    assert f"{where}23: 错误：调和 544对 多于接待 444对" in result.output, result.output


def test_a_relative_organisation_folder_finds_the_previous_periods_data(monkeypatch):
    # 2022 上半年 refers to 2021 下半年 (previous.…), which is found from the folder as typed.
    monkeypatch.chdir(GENRE / "data" / "2022" / "qingshan")
    result = runner.invoke(app, ["validate", "."])
    assert result.exit_code == 0 and "检查通过" in result.output, result.output


def test_a_file_typed_inside_its_organisation_is_checked_with_its_neighbours(tmp_path, monkeypatch):
    folder, _ = _validate(tmp_path, {"narrative.yaml": NARRATIVE.replace("visits.received", "visits.receivd")})
    monkeypatch.chdir(folder)
    result = runner.invoke(app, ["validate", "narrative.yaml"])
    assert result.exit_code == 1 and "narrative.yaml:3:" in result.output and "“receivd”不存在" in result.output, result.output

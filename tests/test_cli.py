"""The command line, through typer's test runner: the contract of issue “core”."""

from __future__ import annotations

import docx
from typer.testing import CliRunner

from fulian_report import __version__
from fulian_report.cli import app, run
from tests.conftest import MINIMAL_ORG, write_org

runner = CliRunner()


def test_version_and_chinese_help():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "生成" in result.output and "检查数据" in result.output
    result = runner.invoke(app, ["build", "--help"])
    assert "报告年度" in result.output and "--style" in result.output


def test_build_writes_reports_named_by_title_and_summarises(tmp_path):
    result = runner.invoke(app, ["build", "2021", "--org", "xiangdong", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "2021" / "湘东区妇联2021年工作情况和2022年主要工作打算汇报.docx"
    assert path.is_file()
    assert f"已写入 {path}" in result.output
    assert result.output.strip().splitlines()[-1].startswith("完成：1 个组织，1 个文件")
    assert docx.Document(str(path)).paragraphs[0].text.startswith("湘东区妇联")


def test_build_with_another_style_and_text_format(tmp_path):
    result = runner.invoke(
        app, ["build", "2021", "--org", "xiangdong", "--style", "furong", "--format", "txt", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "2021" / "湘东区妇联2021年度工作总结及2022年工作计划.txt").read_text(encoding="utf-8")
    assert "2022年工作计划\n" in text


def test_bad_data_exits_1_with_located_chinese_findings_and_writes_nothing(tmp_path):
    files = dict(MINIMAL_ORG, **{"cases.yaml": "visits:\n  received: 55\nmediation:\n  couples_received: 1对\n  couples_reconciled: 2对\n"})
    write_org(tmp_path / "data", files)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "2021", "--data", str(tmp_path / "data"), "--out", str(out)])
    assert result.exit_code == 1
    assert "cases.yaml:2:13: 错误：数字 55 缺少量词" in result.output
    assert "cases.yaml:5:23: 错误：调和 2对 多于接待 1对" in result.output
    assert "共 2 个错误" in result.output
    assert not out.exists()


def test_command_line_mistakes_exit_2():
    assert runner.invoke(app, ["build"]).exit_code == 2
    assert runner.invoke(app, ["build", "twenty"]).exit_code == 2
    assert runner.invoke(app, ["build", "2021", "--format", "pdfx"]).exit_code == 2
    assert runner.invoke(app, ["nosuchcommand"]).exit_code == 2


def test_command_line_mistakes_are_explained_in_chinese(capsys):
    cases = {
        ("build",): "错误：缺少参数“年度”。",
        ("build", "twenty"): "“年度”应是 1949 至 2100 的整数（报告年度），“twenty”不是整数。上半年",
        ("build", "3000"): "“年度”应是 1949 至 2100 的整数（报告年度），“3000”超出了范围。",
        ("buld", "2021"): "没有“buld”这个命令。是不是想写“build”？",
        ("build", "2021", "--bogus"): "没有 --bogus 这个选项。",
        ("build", "2021", "--format", "pdfx"): "不支持的格式 pdfx",
    }
    for args, expected in cases.items():
        assert run(list(args)) == 2, args
        err = capsys.readouterr().err
        assert expected in err, (args, err)
        assert "查看帮助" in err


def test_help_option_is_described_in_chinese(capsys):
    assert run(["build", "-h"]) == 0
    out = capsys.readouterr().out
    assert "显示帮助并退出" in out and "报告年度" in out


def test_unknown_org_and_missing_year_exit_1(tmp_path):
    result = runner.invoke(app, ["build", "2021", "--org", "nowhere", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "nowhere" in result.output
    result = runner.invoke(app, ["build", "1999", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "1999" in result.output


def test_validate_accepts_root_year_org_and_file():
    for path in ("data", "data/2021", "data/2021/xiangdong", "data/2021/xiangdong/funds.yaml"):
        result = runner.invoke(app, ["validate", path])
        assert result.exit_code == 0, (path, result.output)
        assert "检查通过" in result.output


def test_validate_reports_every_problem_sorted(tmp_path):
    files = dict(MINIMAL_ORG, **{"funds.yaml": "a:\n  direction: 筹集\n  amount: 5000\nb:\n  direction: 发放\n  amount: -5元\n"})
    folder = write_org(tmp_path, files)
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "funds.yaml:" in line]
    assert [line.split(":")[1] for line in lines] == ["3", "6"]


def test_two_organisations_with_one_title_are_refused_not_overwritten(tmp_path):
    write_org(tmp_path / "data", MINIMAL_ORG, org="first")
    write_org(tmp_path / "data", MINIMAL_ORG, org="second")
    result = runner.invoke(app, ["build", "2021", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "first、second 的报告标题相同" in result.output
    assert not (tmp_path / "out").exists()


def test_validating_one_prose_file_resolves_its_names(tmp_path):
    narrative = MINIMAL_ORG["narrative.yaml"].replace("cases.visits.received", "cases.visits.recieved")
    folder = write_org(tmp_path, dict(MINIMAL_ORG, **{"narrative.yaml": narrative, "honours.yaml": "a: 1"}))
    result = runner.invoke(app, ["validate", str(folder / "narrative.yaml")])
    assert result.exit_code == 1
    assert "narrative.yaml:3:42:" in result.output and "是不是想写“received”" in result.output
    assert "honours.yaml" not in result.output  # another file's warning is not this file's business


def test_help_imports_no_heavy_library_and_has_chinese_headings():
    # A fresh interpreter: what `fulian-report --help` loads is what it waits for.
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from fulian_report.cli import run\n"
        "run(['--help'])\n"
        "heavy = ('rich', 'pydantic', 'docx', 'jinja2', 'yaml', 'lxml', 'fulian_report.api')\n"
        "print('loaded:', sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "loaded: []" in result.stdout
    assert "用法：fulian-report [选项] 命令 [参数]..." in result.stdout
    assert "选项：" in result.stdout and "命令：" in result.stdout


def test_no_arguments_shows_the_help(capsys):
    assert run([]) == 2
    assert "用法：fulian-report" in capsys.readouterr().out

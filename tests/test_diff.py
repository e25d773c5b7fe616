"""`fulian-report diff`: the paragraphs a data change altered, with the changed figure named."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from fulian_report.cli import app
from fulian_report.diff import changed_words, diff_reports, report_paragraphs

runner = CliRunner()
FURONG_DOCX = "芙蓉区妇联2021年度工作总结及2022年工作计划.docx"


@pytest.fixture(scope="module")
def old_and_new(tmp_path_factory):
    """Both bundled reports built from the data, then again after one figure changed."""
    import shutil

    from tests.conftest import DATA

    root = tmp_path_factory.mktemp("diff")
    shutil.copytree(DATA, root / "data")
    formats = ["--format", "docx", "--format", "txt"]
    assert runner.invoke(app, ["build", "2021", "--data", str(root / "data"), "--out", str(root / "old"), *formats]).exit_code == 0
    cases = root / "data" / "2021" / "furong" / "cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8").replace("444对", "445对"), encoding="utf-8")
    assert runner.invoke(app, ["build", "2021", "--data", str(root / "data"), "--out", str(root / "new"), *formats]).exit_code == 0
    return root / "old", root / "new"


def test_diff_of_two_reports_names_the_changed_figure(old_and_new):
    old, new = old_and_new
    result = runner.invoke(app, ["diff", str(old / "2021" / FURONG_DOCX), str(new / "2021" / FURONG_DOCX)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert sum(line.startswith("- ") for line in lines) == 1 and sum(line.startswith("+ ") for line in lines) == 1
    assert "改动：共接待准离婚夫妻“444”→“445”" in result.output
    assert "共 1 处改动，涉及 1 份报告" in result.output


def test_diff_of_two_folders_lists_each_changed_report_and_ignores_hidden_files(old_and_new):
    old, new = old_and_new
    (new / "2021" / ".manifest.txt").write_text("not a report", encoding="utf-8")
    (new / "2021" / "~$芙蓉区报告.docx").write_bytes(b"Word's lock file of an open report")
    (new / "2021" / ".~lock.x.docx#").write_text("WPS/LibreOffice lock file", encoding="utf-8")
    result = runner.invoke(app, ["diff", str(old), str(new)])
    assert result.exit_code == 1, result.output
    assert result.output.count("“444”→“445”") == 2  # the .docx and the .txt
    assert "湘东区" not in result.output and ".manifest" not in result.output and "~$" not in result.output


def test_a_report_removed_or_added_between_folders(old_and_new, tmp_path):
    old, _ = old_and_new
    result = runner.invoke(app, ["diff", str(old), str(tmp_path)])
    assert f"只在 {old} 中：2021/{FURONG_DOCX}" in result.output


def test_same_reports_have_no_difference(old_and_new):
    old, _ = old_and_new
    result = runner.invoke(app, ["diff", str(old), str(old)])
    assert result.exit_code == 0 and "文字没有差异" in result.output


def test_docx_and_its_text_hold_the_same_paragraphs(old_and_new):
    old, _ = old_and_new
    docx_path = old / "2021" / FURONG_DOCX
    assert report_paragraphs(docx_path) == report_paragraphs(docx_path.with_suffix(".txt"))
    assert diff_reports(docx_path, docx_path.with_suffix(".txt")).changes == 0


def test_paragraphs_added_and_removed(tmp_path):
    (tmp_path / "a.txt").write_text("标题\n第一段。\n第二段。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("标题\n第二段。\n第三段。\n", encoding="utf-8")
    found = diff_reports(tmp_path / "a.txt", tmp_path / "b.txt")
    assert found.changes == 2
    assert found.lines == ["@@ 删去原第 2 段 @@", "- 第一段。", "@@ 新增 第 3 段 @@", "+ 第三段。"]


def test_a_text_report_saved_as_gbk_reads_as_import_reads_it(tmp_path):
    # Notepad saves GBK with CR LF; import reads such a report, so diff (whose reading import's
    # count of changed paragraphs shares) reads it too, and a file with no suffix as text if asked.
    text = "芙蓉区妇联2021年度工作总结\n\n一、维权服务\n接待来访55件，办结50件。\n"
    (tmp_path / "utf8.txt").write_text(text, encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    (tmp_path / "report").write_bytes(text.encode("gbk"))
    paragraphs = ["芙蓉区妇联2021年度工作总结", "一、维权服务", "接待来访55件，办结50件。"]
    assert report_paragraphs(tmp_path / "utf8.txt") == report_paragraphs(tmp_path / "gbk.txt") == paragraphs
    assert report_paragraphs(tmp_path / "report", as_text=True) == paragraphs
    assert diff_reports(tmp_path / "gbk.txt", tmp_path / "utf8.txt").changes == 0


def test_changed_words_keep_numbers_whole():
    assert changed_words("接待来访55件，办结50件。", "接待来访56件，办结50件。") == "接待来访“55”→“56”"
    assert changed_words("比例为25.7％。", "比例为26.1％。") == "比例为“25.7％”→“26.1％”"
    assert changed_words("完全不同的一段话", "另外写了别的内容") == ""


def test_not_a_report_exits_2_with_its_path_as_do_wrong_arguments(tmp_path):
    bogus = tmp_path / "bogus.docx"
    bogus.write_bytes(b"not a zip")
    result = runner.invoke(app, ["diff", str(bogus), str(bogus)])
    assert result.exit_code == 2 and f"{bogus}: 错误：不是有效的 .docx 文件" in result.output
    assert runner.invoke(app, ["diff", str(bogus), str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["diff", str(tmp_path / "nothing.docx"), str(bogus)]).exit_code == 2


def test_a_docx_with_damaged_xml_is_a_message_not_a_crash(tmp_path):
    import zipfile

    damaged = tmp_path / "damaged.docx"
    with zipfile.ZipFile(damaged, "w") as package:
        package.writestr("word/document.xml", "<not xml")
    result = runner.invoke(app, ["diff", str(damaged), str(damaged)])
    assert result.exit_code == 2
    assert "不是有效的 .docx 文件" in result.output

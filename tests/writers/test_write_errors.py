"""When the system refuses to write, the message says why in Chinese, with the advice that fits the cause."""

from __future__ import annotations

import errno
import os
import re

import pytest
from typer.testing import CliRunner

from fulian_report.cli import app
from fulian_report.errors import write_problem
from fulian_report.writers.manifest import MANIFEST_NAME

runner = CliRunner()


def _build(out):
    return runner.invoke(app, ["build", "2021", "--org", "xiangdong", "--format", "txt", "--out", str(out)])


def _english(text: str, folder) -> list[str]:
    """English words in `text`, apart from the paths and option names it quotes."""
    text = text.replace(str(folder), "").replace(MANIFEST_NAME, "").replace("--out", "").replace("Word/WPS", "").replace("organisation.yaml", "").replace("xiangdong", "")
    return re.findall(r"[A-Za-z]{4,}", text)


CAUSES = {
    errno.EEXIST: "同名的文件",
    errno.EISDIR: "同名的文件夹",
    errno.ENOTDIR: "是文件而不是文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "只读",
    errno.ENOSPC: "磁盘已满",
    errno.EFBIG: "文件超过了系统允许的大小",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ELOOP: "链接绕成了圈",
}


@pytest.mark.parametrize("code", CAUSES, ids=[errno.errorcode[c] for c in CAUSES])
def test_each_cause_has_its_own_reason_and_advice_in_chinese(tmp_path, monkeypatch, code):
    real_replace = os.replace

    def refuse_report(source, target):
        if str(target).endswith(".txt"):
            raise OSError(code, os.strerror(code))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", refuse_report)
    result = _build(tmp_path)
    assert result.exit_code == 1
    assert "无法写入这个文件（" in result.output and CAUSES[code] in result.output and "原来的文件未被改动" in result.output
    assert os.strerror(code) not in result.output and _english(result.output, tmp_path) == []
    if code != errno.ENOSPC:
        assert "磁盘已满" not in result.output  # a name too long is never told the disk may be full
    if code not in (errno.EACCES, errno.EPERM):
        assert "Word" not in result.output


def test_an_unlisted_cause_is_named_by_its_code_not_in_english():
    reason, advice = write_problem(OSError(errno.EIO, "Input/output error"))
    assert "EIO" in reason and "Input" not in reason + advice


def test_an_output_folder_that_is_a_file_is_a_located_chinese_error(tmp_path):
    (tmp_path / "2021").write_text("一个同名文件", encoding="utf-8")
    result = _build(tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path / '2021'}: 错误：无法写入这个文件（路径中应是文件夹的地方已有一个同名的文件）" in result.output
    assert "File exists" not in result.output and _english(result.output, tmp_path) == []


def test_an_output_root_that_is_a_file_is_a_located_chinese_error(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("一个同名文件", encoding="utf-8")
    result = _build(blocker)
    assert result.exit_code == 1 and "是文件而不是文件夹" in result.output and _english(result.output, tmp_path) == []


def test_a_folder_where_the_report_belongs_is_named_as_such(tmp_path):
    assert _build(tmp_path).exit_code == 0
    (report,) = (tmp_path / "2021").glob("*.txt")
    report.unlink()
    report.mkdir()
    result = _build(tmp_path)
    assert result.exit_code == 1 and "同名的文件夹" in result.output and _english(result.output, tmp_path) == []

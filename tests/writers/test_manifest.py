"""Outputs: written atomically, and a report edited after it was generated is not overwritten."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from fulian_report.cli import app
from fulian_report.writers.manifest import MANIFEST_NAME, OutputManifest
from fulian_report.output import LOCK_NAME, atomic_write

runner = CliRunner()
TEXT = "湘东区妇联2021年工作情况和2022年主要工作打算汇报.txt"


def _build(out, *options):
    return runner.invoke(app, ["build", "2021", "--org", "xiangdong", "--format", "txt", "--out", str(out), *options])


def test_the_manifest_records_what_was_written_in_one_hidden_file_beside_the_lock(tmp_path):
    assert _build(tmp_path).exit_code == 0
    folder = tmp_path / "2021"
    assert sorted(p.name for p in folder.iterdir()) == sorted([MANIFEST_NAME, LOCK_NAME, TEXT])
    recorded = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    assert set(recorded) == {TEXT}
    assert OutputManifest(folder).refusal(folder / TEXT) is None
    assert _build(tmp_path).exit_code == 0  # unchanged since generated: rebuilt freely


def test_an_edited_report_is_kept_until_force(tmp_path):
    assert _build(tmp_path).exit_code == 0
    report = tmp_path / "2021" / TEXT
    edited = report.read_text(encoding="utf-8") + "手工补充的一段。\n"
    report.write_text(edited, encoding="utf-8")
    result = _build(tmp_path)
    assert result.exit_code == 1
    assert f"{report}: 错误：报告 {TEXT} 在上次生成之后被修改过" in result.output and "--force" in result.output
    assert report.read_text(encoding="utf-8") == edited
    result = _build(tmp_path, "--force")
    assert result.exit_code == 0, result.output
    assert "手工补充" not in report.read_text(encoding="utf-8")
    assert _build(tmp_path).exit_code == 0  # the forced build is recorded


def test_a_file_the_tool_did_not_write_is_not_overwritten(tmp_path):
    report = tmp_path / "2021" / TEXT
    report.parent.mkdir(parents=True)
    report.write_text("别人放在这里的文件", encoding="utf-8")
    result = _build(tmp_path)
    assert result.exit_code == 1 and "没有本工具生成它的记录" in result.output
    assert report.read_text(encoding="utf-8") == "别人放在这里的文件"


def test_a_report_identical_to_the_new_one_is_rewritten_without_a_record(tmp_path):
    assert _build(tmp_path).exit_code == 0
    (tmp_path / "2021" / MANIFEST_NAME).unlink()  # as left by a version without the record
    result = _build(tmp_path)
    assert result.exit_code == 0, result.output  # nothing to lose: the same bytes
    assert (tmp_path / "2021" / MANIFEST_NAME).is_file()


def test_only_the_organisation_with_an_edited_report_is_held_back(tmp_path):
    options = ["build", "2021", "--format", "txt", "--out", str(tmp_path)]
    assert runner.invoke(app, options).exit_code == 0
    report = tmp_path / "2021" / TEXT
    report.write_text("手工改过的报告", encoding="utf-8")
    other = next(p for p in (tmp_path / "2021").glob("*.txt") if p.name != TEXT)
    other.unlink()
    result = runner.invoke(app, options)
    assert result.exit_code == 1
    assert "组织 xiangdong 生成失败：" in result.output and "这份报告没有写入" in result.output
    assert report.read_text(encoding="utf-8") == "手工改过的报告"
    assert other.is_file()  # the other organisation was written all the same


def test_an_interrupted_write_leaves_the_previous_report_intact(tmp_path, monkeypatch):
    path = tmp_path / "report.docx"
    atomic_write(path, b"previous")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, b"half a new report")
    assert path.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]


def test_a_report_that_cannot_be_written_is_a_located_error_not_a_crash(tmp_path, monkeypatch):
    # As when the report is open in Word on Windows: replacing it is refused (the record is not open).
    real_replace = os.replace

    def refused(source, target):
        if str(target).endswith(MANIFEST_NAME):
            return real_replace(source, target)
        raise PermissionError(13, "拒绝访问")

    monkeypatch.setattr(os, "replace", refused)
    result = runner.invoke(app, ["build", "2021", "--format", "txt", "--format", "docx", "--org", "xiangdong", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / '2021' / TEXT}: 错误：无法写入这个文件（没有权限）" in result.output
    assert "Word/WPS 中打开" in result.output and "未写入任何文件" in result.output
    assert not any(p.suffix in (".txt", ".docx", ".tmp") for p in (tmp_path / "2021").iterdir())


def test_a_failure_after_some_reports_were_written_says_which(tmp_path, monkeypatch):
    real_replace = os.replace

    def refuse_docx(source, target):
        if str(target).endswith(".docx"):
            raise PermissionError(13, "拒绝访问")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", refuse_docx)
    result = runner.invoke(app, ["build", "2021", "--format", "txt", "--format", "docx", "--org", "xiangdong", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert f"生成未完成：见上面的错误；此前已写入 {tmp_path / '2021' / TEXT}。" in result.output


def test_a_record_that_cannot_be_saved_writes_no_report(tmp_path, monkeypatch):
    real_replace = os.replace

    def refuse_manifest(source, target):
        if str(target).endswith(MANIFEST_NAME):
            raise PermissionError(13, "拒绝访问")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", refuse_manifest)
    result = _build(tmp_path)
    assert result.exit_code == 1
    assert f"{MANIFEST_NAME}: 错误：无法写入这个文件（没有权限）：没能记下将要写入的报告，所以没有写入任何报告。" in result.output
    assert not (tmp_path / "2021" / TEXT).exists()


def test_a_confirmation_that_cannot_be_saved_is_settled_by_the_next_build(tmp_path, monkeypatch):
    real_replace = os.replace
    manifest_writes = []

    def refuse_second_manifest(source, target):
        if str(target).endswith(MANIFEST_NAME):
            manifest_writes.append(target)
            if len(manifest_writes) > 1:
                raise PermissionError(13, "拒绝访问")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", refuse_second_manifest)
    assert _build(tmp_path).exit_code == 0
    monkeypatch.setattr(os, "replace", real_replace)
    assert OutputManifest(tmp_path / "2021").refusal(tmp_path / "2021" / TEXT, b"other content") is None


def test_schema_into_a_folder_that_cannot_be_written_exits_1(tmp_path):
    blocker = tmp_path / "schema"
    blocker.write_text("一个同名文件", encoding="utf-8")
    result = runner.invoke(app, ["schema", "--out", str(blocker)])
    assert result.exit_code == 1 and "无法写入这个文件" in result.output


def test_a_written_report_is_readable_like_any_new_file_and_keeps_a_mode_it_was_given(tmp_path):
    path = tmp_path / "report.docx"
    atomic_write(path, b"first")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    path.chmod(0o640)
    atomic_write(path, b"second")
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_staging_folder_is_removed_only_once_the_build_that_holds_it_is_gone(tmp_path):
    from fulian_report.output import Staging, remove_leftovers

    folder = tmp_path / "out" / "2021"
    report = folder / "示例区妇联报告.txt"
    with Staging(folder) as staging:
        staging.add(report, "正文".encode("utf-8"))
        (held,) = [p for p in folder.iterdir() if p.is_dir()]
        assert remove_leftovers(folder) == [] and held.is_dir()  # its build still stages into it
        staging.commit(report)
    assert report.read_text(encoding="utf-8") == "正文"
    assert [p.name for p in folder.iterdir()] == [report.name]
    abandoned = folder / ".fulian-report-staging.abcd1234"  # left by a build that was killed
    abandoned.mkdir()
    (abandoned / "tmp12345678").write_bytes(b"half a report")
    assert remove_leftovers(folder) == [abandoned] and not abandoned.exists()


def test_staging_that_writes_nothing_leaves_no_folder_behind(tmp_path):
    from fulian_report.output import Staging

    with Staging(tmp_path / "out" / "2021") as staging:
        staging.add(tmp_path / "out" / "2021" / "报告.txt", b"x")
        staging.discard(tmp_path / "out" / "2021" / "报告.txt")
    assert list(tmp_path.iterdir()) == []

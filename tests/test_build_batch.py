"""Building many organisations: in parallel, one failure does not stop the others; --check."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from fulian_report import api, batch, pipeline
from fulian_report.selection import Selection
from fulian_report.cli import app
from fulian_report.writers.manifest import OutputManifest
from tests.conftest import MINIMAL_ORG, write_org

runner = CliRunner()

BAD_CASES = "visits:\n  received: 55\nmediation:\n  couples_received: 1对\n"


def _three_orgs(root, bad=("second",)):
    """Three small organisations with distinct titles; those in `bad` have a figure without its measure word."""
    for index, org in enumerate(("first", "second", "third")):
        files = dict(MINIMAL_ORG)
        files["organisation.yaml"] = files["organisation.yaml"].replace("示例区妇联", f"示例{index + 1}区妇联", 1)
        if org in bad:
            files["cases.yaml"] = BAD_CASES
        write_org(root, files, org=org)
    return root


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_failed_organisation_is_reported_by_name_and_the_others_are_written(tmp_path, jobs):
    data = _three_orgs(tmp_path / "data")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(out), "--jobs", jobs])
    assert result.exit_code == 1, result.output
    assert "组织 second 生成失败：" in result.output
    assert "second/cases.yaml:2:13: 错误：数字 55 缺少量词" in result.output
    assert sorted(p.name for p in (out / "2021").glob("*.docx")) == [
        "示例1区妇联2021年度工作总结.docx",
        "示例3区妇联2021年度工作总结.docx",
    ]
    assert "部分失败：1 个组织（second）" in result.output


def test_api_build_raises_with_the_written_reports_and_each_failure(tmp_path):
    data = _three_orgs(tmp_path / "data", bad=("first", "third"))
    with pytest.raises(api.BuildFailed) as raised:
        api.build(Selection(2021, data, tmp_path / "out"), jobs=2)
    assert list(raised.value.failed) == ["first", "third"]
    assert [report.org_id for report in raised.value.reports] == ["second"]
    assert all(f.location.path.startswith(str(data / "2021" / "first")) for f in raised.value.failed["first"])
    assert raised.value.reports[0].files[0].is_file()


def test_progress_is_reported_per_organisation_and_not_drawn_off_a_terminal(tmp_path):
    data = _three_orgs(tmp_path / "data", bad=())
    calls = []
    api.build(Selection(2021, data, tmp_path / "out"), jobs=2, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]  # 0 of 3 before the first is rendered
    result = runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0 and "生成中" not in result.output


def test_parallel_and_serial_builds_write_the_same_bytes(tmp_path):
    for jobs in ("1", "2"):
        assert runner.invoke(app, ["build", "2021", "--out", str(tmp_path / jobs), "-j", jobs]).exit_code == 0
    serial = {p.name: p.read_bytes() for p in (tmp_path / "1" / "2021").glob("*.docx")}
    parallel = {p.name: p.read_bytes() for p in (tmp_path / "2" / "2021").glob("*.docx")}
    assert serial == parallel and len(serial) == 2


def test_check_passes_on_fresh_outputs_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", "2021", "--out", str(out), "--format", "docx", "--format", "txt"]).exit_code == 0
    before = {p: p.stat().st_mtime_ns for p in (out / "2021").iterdir()}
    result = runner.invoke(app, ["build", "2021", "--out", str(out), "--check", "--format", "docx", "--format", "txt"])
    assert result.exit_code == 0, result.output
    assert "检查通过：4 个报告都与数据一致" in result.output
    assert {p: p.stat().st_mtime_ns for p in (out / "2021").iterdir()} == before


def test_check_lists_a_stale_and_a_missing_report_and_exits_1(tmp_path, data_copy):
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", "2021", "--data", str(data_copy), "--out", str(out)]).exit_code == 0
    furong = out / "2021" / "芙蓉区妇联2021年度工作总结及2022年工作计划.docx"
    xiangdong = out / "2021" / "湘东区妇联2021年工作情况和2022年主要工作打算汇报.docx"
    xiangdong.unlink()
    cases = data_copy / "2021" / "furong" / "cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8").replace("444对", "445对"), encoding="utf-8")
    (out / "2021" / ".manifest").write_text("hidden files are not reports", encoding="utf-8")
    result = runner.invoke(app, ["build", "2021", "--data", str(data_copy), "--out", str(out), "--check"])
    assert result.exit_code == 1
    assert f"过期 {furong}" in result.output
    assert f"缺少 {xiangdong}" in result.output
    assert not xiangdong.exists()


def test_check_lists_a_report_no_organisation_gives_unless_only_some_are_checked(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", "2021", "--out", str(out)]).exit_code == 0
    renamed = out / "2021" / "旧名称区妇联2021年度工作总结.docx"
    renamed.write_bytes(b"left over")
    OutputManifest(out / "2021").record(renamed, b"left over")  # written by the tool under an old name
    (out / "2021" / "notes.txt").write_text("not a .docx, not checked", encoding="utf-8")
    result = runner.invoke(app, ["build", "2021", "--out", str(out), "--check"])
    assert result.exit_code == 1 and f"不再生成 {renamed}" in result.output and "notes.txt" not in result.output
    assert "多余" not in result.output  # its organisation may well still be there: the name is what changed
    assert runner.invoke(app, ["build", "2021", "--out", str(out), "--check", "--org", "furong"]).exit_code == 0


def test_check_tells_a_report_edited_in_word_apart_and_its_advice_works(tmp_path, data_copy):
    out = tmp_path / "out"
    build = ["build", "2021", "--data", str(data_copy), "--out", str(out)]
    assert runner.invoke(app, build).exit_code == 0
    furong = out / "2021" / "芙蓉区妇联2021年度工作总结及2022年工作计划.docx"
    furong.write_bytes(furong.read_bytes() + b"edited")  # saved again from Word
    result = runner.invoke(app, [*build, "--check"])
    assert result.exit_code == 1
    assert f"已改动 {furong}" in result.output and "生成后被修改过" in result.output
    assert f"过期 {furong}" not in result.output
    assert "build --force" in result.output and "改名或移出输出文件夹" in result.output
    # The advice is true: a plain build refuses, and either way out of it works.
    assert runner.invoke(app, build).exit_code == 1
    furong.rename(out / "furong-edited.docx")
    assert runner.invoke(app, build).exit_code == 0
    furong.write_bytes(b"edited again")
    assert runner.invoke(app, build).exit_code == 1
    assert runner.invoke(app, [*build, "--force"]).exit_code == 0
    assert runner.invoke(app, [*build, "--check"]).exit_code == 0


def test_check_fails_when_an_organisation_cannot_be_built(tmp_path):
    data = _three_orgs(tmp_path / "data")
    result = runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(tmp_path / "out"), "--check"])
    assert result.exit_code == 1
    assert "组织 second 无法生成" in result.output
    assert not (tmp_path / "out").exists()


def test_another_process_in_another_zone_and_locale_writes_the_same_bytes(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert runner.invoke(app, ["build", "2021", "--org", "xiangdong", "--out", str(tmp_path / "here")]).exit_code == 0
    environment = dict(os.environ, TZ="Pacific/Kiritimati", LC_ALL="C", LANG="C")
    environment.pop("SOURCE_DATE_EPOCH", None)
    command = [sys.executable, "-m", "fulian_report", "build", "2021", "--org", "xiangdong", "--out", str(tmp_path / "there")]
    subprocess.run(command, check=True, capture_output=True, env=environment)
    here = {p.name: p.read_bytes() for p in (tmp_path / "here" / "2021").glob("*.docx")}
    there = {p.name: p.read_bytes() for p in (tmp_path / "there" / "2021").glob("*.docx")}
    assert here == there and len(here) == 1


def test_an_organisation_named_twice_is_built_once(tmp_path):
    result = runner.invoke(app, ["build", "2021", "--org", "xiangdong", "--org", "xiangdong", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "2021").glob("*.docx"))) == 1


def test_check_leaves_a_person_s_own_copy_alone_and_reports_extra_reports_it_wrote(tmp_path):
    data = _three_orgs(tmp_path / "data", bad=())
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(out)]).exit_code == 0
    (first,) = (out / "2021").glob("示例1区*.docx")
    (out / "2021" / "示例1区妇联-我的修改.docx").write_bytes(first.read_bytes())
    result = runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(out), "--check"])
    assert result.exit_code == 0, result.output
    import shutil

    shutil.rmtree(data / "2021" / "third")  # an organisation gone: the report the tool wrote for it is extra
    result = runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(out), "--check"])
    assert result.exit_code == 1
    assert "不再生成" in result.output and "示例3区" in result.output and "我的修改" not in result.output
    assert "移走或删除" in result.output


def test_check_shows_warnings_and_refuses_force(tmp_path):
    data = tmp_path / "data"
    files = dict(MINIMAL_ORG)
    files["cases.yaml"] = files["cases.yaml"] + "police:\n  dv_reports: 12起\n"
    write_org(data, files, org="first")
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(out), "--check"])
    assert result.exit_code == 0 and "没有被任何正文用到" in result.output
    result = runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(out), "--check", "--force"])
    assert result.exit_code == 2 and "不能与 --force 同用" in result.output


def test_a_write_failure_does_not_hide_the_organisations_that_failed_before_it(tmp_path, monkeypatch):
    import os

    data = _three_orgs(tmp_path / "data")
    real_replace = os.replace

    def refuse_third(source, target):
        if "示例3区" in str(target):
            raise PermissionError(13, "拒绝访问")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", refuse_third)
    result = runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 1
    assert "组织 second 生成失败：" in result.output and "数字 55 缺少量词" in result.output
    assert "无法写入这个文件" in result.output and "此前已写入" in result.output


def _fault_in(org_id, fault):
    """make_document as it is, except for organisation `org_id`, where `fault` happens."""
    real = pipeline.make_document

    def make_document(data, style=None):
        if data.folder.name == org_id:
            fault()
        return real(data, style)

    return make_document


def _crash():
    raise RuntimeError("a fault of the tool itself")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_fault_of_the_tool_costs_only_its_organisation_and_exits_3(tmp_path, monkeypatch, jobs):
    data = _three_orgs(tmp_path / "data", bad=())
    out = tmp_path / "out"
    monkeypatch.setattr(batch, "make_document", _fault_in("second", _crash))
    result = runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(out), "--jobs", jobs])
    assert result.exit_code == 3, result.output
    assert "组织 second 生成失败：" in result.output and "本工具内部出错" in result.output
    assert "部分失败：1 个组织（second）未生成" in result.output
    assert len(list((out / "2021").glob("*.docx"))) == 2


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_file_system_refusing_costs_its_organisation_in_chinese_and_exits_1(tmp_path, monkeypatch, jobs):
    import errno

    def disk_gone():
        raise OSError(errno.EIO, "Input/output error", str(tmp_path / "data" / "2021" / "second" / "cases.yaml"))

    data = _three_orgs(tmp_path / "data", bad=())
    monkeypatch.setattr(batch, "make_document", _fault_in("second", disk_gone))
    result = runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(tmp_path / "out"), "--jobs", jobs])
    assert result.exit_code == 1, result.output
    assert "组织 second 生成失败：" in result.output and "second/cases.yaml" in result.output and "读写磁盘时出错" in result.output
    assert "内部出错" not in result.output and "Input/output" not in result.output


def test_a_worker_that_dies_costs_only_the_organisation_it_was_rendering(tmp_path, monkeypatch):
    import os

    data = _three_orgs(tmp_path / "data", bad=())
    monkeypatch.setattr(batch, "make_document", _fault_in("second", lambda: os._exit(9)))
    with pytest.raises(api.BuildFailed) as caught:
        api.build(Selection(2021, data, tmp_path / "out"), jobs=2)
    assert list(caught.value.failed) == ["second"] and caught.value.faulty == ["second"]
    assert "进程意外退出" in caught.value.failed["second"][0].message
    assert sorted(report.org_id for report in caught.value.reports) == ["first", "third"]


def test_the_time_backstop_stops_an_organisation_that_hangs(tmp_path, monkeypatch):
    import time

    from fulian_report import batch

    data = _three_orgs(tmp_path / "data", bad=())
    monkeypatch.setattr(batch, "ORG_SECONDS", 0.3)
    monkeypatch.setattr(batch, "make_document", _fault_in("third", lambda: time.sleep(30)))
    started = time.monotonic()
    with pytest.raises(api.BuildFailed) as caught:
        api.build(Selection(2021, data, tmp_path / "out"), jobs=1)
    assert time.monotonic() - started < 20
    assert list(caught.value.failed) == ["third"] and "超过了" in caught.value.failed["third"][0].message
    assert len(caught.value.reports) == 2


def test_the_memory_backstop_stops_an_organisation_that_would_take_too_much(tmp_path, monkeypatch):
    from fulian_report import batch

    if not batch._address_space():
        pytest.skip("the address space of a process cannot be told here")
    data = _three_orgs(tmp_path / "data", bad=())
    monkeypatch.setattr(batch, "ORG_MEMORY_BYTES", 300 << 20)
    monkeypatch.setattr(batch, "make_document", _fault_in("first", lambda: bytearray(2 << 30)))
    with pytest.raises(api.BuildFailed) as caught:
        api.build(Selection(2021, data, tmp_path / "out"), jobs=1)
    assert list(caught.value.failed) == ["first"] and "内存超过了 300 MB" in caught.value.failed["first"][0].message
    assert len(caught.value.reports) == 2
    bytearray(400 << 20)  # the limit is lifted again afterwards


def test_a_batch_does_not_keep_the_document_trees_of_the_reports_it_has_rendered(tmp_path, monkeypatch):
    import gc
    import weakref

    for index in range(6):
        files = dict(MINIMAL_ORG)
        files["organisation.yaml"] = files["organisation.yaml"].replace("示例区妇联", f"示例{index + 1}县妇联", 1)
        write_org(tmp_path / "data", files, org=f"org{index}")
    real = pipeline.make_document
    documents = []

    def make_document(data, style=None):
        document = real(data, style)
        documents.append(weakref.ref(document))
        return document

    alive = []

    def progress(done, total):
        gc.collect()
        alive.append(sum(ref() is not None for ref in documents))

    monkeypatch.setattr(batch, "make_document", make_document)
    reports = api.build(Selection(2021, tmp_path / "data", tmp_path / "out", formats=("docx", "txt")), jobs=1, progress=progress)
    assert len(documents) == 6 and alive == [0] * 7
    assert not any(hasattr(report, "document") for report in reports)
    assert len(list((tmp_path / "out" / "2021").glob("*.docx"))) == 6


def test_a_clash_found_after_reports_were_staged_overwrites_nothing(tmp_path):
    data = _three_orgs(tmp_path / "data", bad=())
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / "2021").iterdir() if p.is_file()}
    # The last organisation now takes the first one's title: both were rendered (and staged) first.
    first = (data / "2021" / "first" / "organisation.yaml").read_text(encoding="utf-8")
    (data / "2021" / "third" / "organisation.yaml").write_text(first, encoding="utf-8")
    cases = data / "2021" / "first" / "cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8").replace("55件", "56件"), encoding="utf-8")
    result = runner.invoke(app, ["build", "2021", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 1 and "first、third 的报告标题相同" in result.output
    after = {p.name: p.read_bytes() for p in (out / "2021").iterdir() if p.is_file()}
    assert {name: content for name, content in after.items() if "示例1区" in name} == {
        name: content for name, content in before.items() if "示例1区" in name
    }
    assert [p.name for p in (out / "2021").iterdir() if p.name.startswith(".fulian-report-staging")] == []


def test_the_progress_bar_is_drawn_before_the_first_organisation_is_rendered(tmp_path, monkeypatch, capsys):
    from fulian_report import build_command

    data = _three_orgs(tmp_path / "data", bad=())
    events = []
    real = batch.make_document
    monkeypatch.setattr(batch, "make_document", lambda data, style=None: events.append("render") or real(data, style))
    bar = build_command._progress_bar()

    def progress(done, total):
        events.append(done)
        bar(done, total)

    api.build(Selection(2021, data, tmp_path / "out"), jobs=1, progress=progress)
    assert events[:2] == [0, "render"]
    assert capsys.readouterr().err.startswith("\r生成中 [" + "·" * 30 + "] 0/3")

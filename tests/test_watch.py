"""`watch`: builds, rebuilds the organisation whose file is saved, shows findings, ends on Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from fulian_report.errors import FulianError
from fulian_report.serve import ChangeMap, Watcher
from tests.conftest import MINIMAL_ORG, ROOT, write_org


def _wait(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


class _Output:
    """A process's output, read as it comes."""

    def __init__(self, stream):
        self.text = ""
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for line in stream:
            self.text += line


def test_a_save_rebuilds_its_report_and_ctrl_c_ends_cleanly(tmp_path):
    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, year=2021, org="lakeside")
    write_org(data, MINIMAL_ORG, year=2021, org="hillside")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), WATCHFILES_FORCE_POLLING="1")  # the fallback where there is no inotify
    process = subprocess.Popen(
        [sys.executable, "-m", "fulian_report", "watch", "2021", "--data", str(data), "--out", str(tmp_path / "out"), "--org", "lakeside"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
    )
    output = _Output(process.stdout)
    try:
        assert _wait(lambda: "已生成" in output.text), output.text
        report = next((tmp_path / "out" / "2021").glob("*.docx"))
        before = report.read_bytes()
        time.sleep(0.5)  # the watcher's first scan
        cases = data / "2021" / "lakeside" / "cases.yaml"
        cases.write_text(cases.read_text(encoding="utf-8").replace("55件", "158件"), encoding="utf-8")
        assert _wait(lambda: report.read_bytes() != before), output.text
        assert _wait(lambda: "lakeside：已生成" in output.text), output.text
        # A save that breaks the data: the findings show as validate shows them, the report stays.
        # (Each save changes the size: a polling watcher may see mtimes only to the second.)
        changed = report.read_bytes()
        cases.write_text(cases.read_text(encoding="utf-8").replace("158件", "五十八件"), encoding="utf-8")
        assert _wait(lambda: "生成失败" in output.text and "未生成" in output.text), output.text  # findings, then the summary
        assert "cases.yaml:2:" in output.text and "错误" in output.text
        assert report.read_bytes() == changed
        # Saving the other organisation rebuilds nothing: it is not watched.
        text_before = output.text
        other = data / "2021" / "hillside" / "cases.yaml"
        other.write_text(other.read_text(encoding="utf-8").replace("55件", "159件"), encoding="utf-8")
        time.sleep(1.0)
        assert output.text == text_before
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=20)
    assert code == 0, output.text
    assert "Traceback" not in output.text
    assert "已停止监视" in output.text
    # The session's staging folder went with it; nothing but the report and the build's record is left.
    assert sorted(p.name for p in (tmp_path / "out" / "2021").iterdir() if p.name.startswith(".fulian-report-staging")) == []


def test_which_organisations_a_change_concerns(tmp_path):
    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, year=2021, org="lakeside")
    write_org(data, {**MINIMAL_ORG, "organisation.yaml": MINIMAL_ORG["organisation.yaml"].replace("furong", "xiangdong")},
              year=2021, org="hillside")
    changes = ChangeMap(2021, data, None, None)
    templates = ROOT / "templates"
    assert changes.organisations([data / "2021" / "lakeside" / "cases.yaml"]) == ["lakeside"]
    assert changes.organisations([data / "2020" / "hillside" / "cases.yaml"]) == ["hillside"]  # last year's
    assert changes.organisations([data / "2019" / "hillside" / "cases.yaml"]) == []
    assert changes.organisations([templates / "furong" / "report.xml.j2"]) == ["lakeside"]
    assert changes.organisations([templates / "xiangdong" / "style.yaml"]) == ["hillside"]
    assert changes.organisations([templates / "_base" / "macros.xml.j2"]) is None  # every style uses it
    assert ChangeMap(2021, data, ["hillside"], None).organisations([data / "2021" / "lakeside" / "cases.yaml"]) == []
    assert ChangeMap(2021, data, None, "furong").organisations([templates / "furong" / "style.yaml"]) is None
    assert any(Path(p) == data.resolve() for p in changes.watched())


def test_a_save_written_in_two_steps_leaves_the_report_of_the_whole_save(tmp_path):
    """The watcher yields a millisecond after the last event it saw: a save whose second write
    comes later is built twice, and the report left on disk is the finished file's."""
    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, year=2021, org="lakeside")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), SOURCE_DATE_EPOCH="1640995200")
    process = subprocess.Popen(
        [sys.executable, "-m", "fulian_report", "watch", "2021", "--data", str(data), "--out", str(tmp_path / "out")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
    )
    output = _Output(process.stdout)
    cases = data / "2021" / "lakeside" / "cases.yaml"
    finished = cases.read_text(encoding="utf-8").replace("55件", "158件")
    try:
        assert _wait(lambda: "已生成" in output.text), output.text
        report = next((tmp_path / "out" / "2021").glob("*.docx"))
        time.sleep(0.5)  # the watcher is up
        with cases.open("w", encoding="utf-8") as stream:  # truncated, then half of it, then the rest
            stream.write(finished[: len(finished) // 2])
            stream.flush()
            time.sleep(0.05)
            stream.write(finished[len(finished) // 2:])
        subprocess.run(
            [sys.executable, "-m", "fulian_report", "build", "2021", "--data", str(data), "--out", str(tmp_path / "expected")],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )
        expected = (tmp_path / "expected" / "2021" / report.name).read_bytes()
        assert _wait(lambda: report.read_bytes() == expected), output.text
        time.sleep(0.5)  # and it stays so
        assert report.read_bytes() == expected
        # Rebuilds stage into one folder kept for the session, holding nothing between saves.
        (staging,) = (tmp_path / "out" / "2021").glob(".fulian-report-staging.*")
        assert sorted(p.name for p in staging.iterdir()) == ["lock"]
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=20)
    assert code == 0, output.text


# --- the folders going and coming back ------------------------------------------------------


class _Watch:
    """`fulian-report watch 2021` in a process of its own, its output read as it comes."""

    def __init__(self, data: Path, out: Path, *extra: str, polling: bool = False):
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), FULIAN_REPORT_RESIDENT="0")
        if polling:
            env["WATCHFILES_FORCE_POLLING"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fulian_report", "watch", "2021", "--data", str(data), "--out", str(out), *extra],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace",
        )
        self.output = _Output(self.process.stdout)

    def wait_for(self, text: str, count: int = 1, timeout: float = 20.0) -> None:
        assert _wait(lambda: self.output.text.count(text) >= count, timeout), f"no {count}× “{text}” within {timeout:g} s:\n{self.output.text}"

    def __enter__(self) -> _Watch:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
                raise AssertionError(f"watch did not end within 20 s of Ctrl-C:\n{self.output.text}") from None
        assert "Traceback" not in self.output.text and "发生意外错误" not in self.output.text, self.output.text


def _save(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_watch_of_a_data_folder_that_is_not_there_ends_with_a_chinese_message(tmp_path):
    with _Watch(tmp_path / "nowhere", tmp_path / "out") as watch:
        try:
            code = watch.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running 30 s after an error it cannot recover from:\n{watch.output.text}") from None
        assert _wait(lambda: "找不到 2021 年的数据文件夹" in watch.output.text, 5), watch.output.text
    assert code == 1, watch.output.text


def test_watch_refuses_an_output_folder_inside_the_data_it_reads(tmp_path):
    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, org="lakeside")
    with _Watch(data, data / "2021" / "lakeside" / "out") as watch:
        try:
            code = watch.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"watching its own output:\n{watch.output.text}") from None
    assert code == 1 and "--out" in watch.output.text and "数据文件夹" in watch.output.text, watch.output.text
    assert not (data / "2021" / "lakeside" / "out").exists()
    # The same for the year folder itself and last year's; beside the year folders, nothing reads it.
    for out in (data, data / "2021", data / "2020" / "lakeside"):
        with pytest.raises(FulianError):
            Watcher(2021, data, out)._refuse_output_inside_data()
    Watcher(2021, data, data / "out")._refuse_output_inside_data()


def test_a_watcher_is_refused_before_anything_is_said_or_built(tmp_path):
    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, org="lakeside")
    refusals = {
        "数据文件夹": (tmp_path / "nowhere", tmp_path / "out", None),
        "--out": (data, data / "2021" / "lakeside" / "out", None),
        "nobody": (data, tmp_path / "out", ["nobody"]),
    }
    for words, (data_root, out_root, orgs) in refusals.items():
        with pytest.raises(FulianError) as refused:
            Watcher(2021, data_root, out_root, orgs)
        assert words in str(refused.value), str(refused.value)
    assert not (tmp_path / "out").exists() and not (data / "2021" / "lakeside" / "out").exists()


def test_watch_says_it_is_watching_only_when_it_is(tmp_path):
    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, org="lakeside")
    for data_root, out_root in ((tmp_path / "nowhere", tmp_path / "out"), (data, data / "2021" / "lakeside" / "out")):
        result = subprocess.run(
            [sys.executable, "-m", "fulian_report", "watch", "2021", "--data", str(data_root), "--out", str(out_root)],
            cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")), capture_output=True, text=True, encoding="utf-8", timeout=60,
        )
        assert result.returncode == 1, result.stderr
        assert "正在监视" not in result.stdout + result.stderr


def test_watch_makes_the_output_folder_again_when_it_was_deleted(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    write_org(data, MINIMAL_ORG, org="lakeside")
    with _Watch(data, out) as watch:
        watch.wait_for("已生成")
        time.sleep(0.5)  # the watcher is up
        shutil.rmtree(out)
        _save(data / "2021" / "lakeside" / "cases.yaml", "55件", "158件")
        watch.wait_for("已生成", 2)
        assert len(list((out / "2021").glob("*.docx"))) == 1, watch.output.text
        assert "输出文件夹" in watch.output.text and "生成失败" not in watch.output.text, watch.output.text


def test_watch_says_an_organisation_folder_deleted_and_builds_the_others(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    write_org(data, MINIMAL_ORG, org="lakeside")
    write_org(data, {**MINIMAL_ORG, "organisation.yaml": MINIMAL_ORG["organisation.yaml"].replace("示例区", "示例二区")}, org="hillside")
    with _Watch(data, out) as watch:
        watch.wait_for("已生成")
        time.sleep(0.5)  # the watcher is up
        shutil.rmtree(data / "2021" / "hillside")
        watch.wait_for("不见了")
        _save(data / "2021" / "lakeside" / "cases.yaml", "55件", "158件")
        watch.wait_for("已生成", 2)
        assert "没有这些组织" not in watch.output.text and "错误" not in watch.output.text, watch.output.text
        assert "hillside" in watch.output.text.split("不见了")[0].splitlines()[-1], watch.output.text


@pytest.mark.parametrize("polling", [False, True], ids=["events", "polling"])
def test_watch_says_when_the_data_folder_goes_and_picks_up_when_it_is_back(tmp_path, polling):
    data, out = tmp_path / "data", tmp_path / "out"
    write_org(data, MINIMAL_ORG, org="lakeside")
    with _Watch(data, out, polling=polling) as watch:
        watch.wait_for("已生成")
        time.sleep(0.5)
        shutil.rmtree(data)
        watch.wait_for("不见了")
        assert watch.output.text.count("\n") < 10, watch.output.text  # said once, not at every look
        write_org(data, MINIMAL_ORG, org="lakeside")
        watch.wait_for("已生成", 2)  # back: built again at once
        time.sleep(0.5)
        _save(data / "2021" / "lakeside" / "cases.yaml", "55件", "158件")
        watch.wait_for("已生成", 3)  # and followed again


def test_watch_reports_a_data_file_replaced_by_a_link_as_the_build_does(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    write_org(data, MINIMAL_ORG, org="lakeside")
    cases = data / "2021" / "lakeside" / "cases.yaml"
    with _Watch(data, out) as watch:
        watch.wait_for("已生成")
        time.sleep(0.5)
        _save(cases, "55件", "158件")
        watch.wait_for("已生成", 2)
        # Within the same seconds, the saved file swapped for a link to an exact copy (same size, same time).
        copy = tmp_path / "copy.yaml"
        shutil.copy2(cases, copy)
        cases.unlink()
        cases.symlink_to(copy)
        watch.wait_for("符号链接")


def test_watch_goes_on_beside_a_file_whose_name_is_not_utf8(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    folder = write_org(data, MINIMAL_ORG, org="lakeside")
    (folder / os.fsdecode(b"\xb1\xb8\xb7\xdd")).mkdir()  # 备份 (a backup folder) in GBK
    odd = folder / os.fsdecode(b"\xb0\xb8\xbc\xfe.yaml")  # 案件.yaml in GBK
    odd.write_text("a: 1\n")
    with _Watch(data, out) as watch:
        watch.wait_for("已生成")
        time.sleep(0.5)
        _save(folder / "cases.yaml", "55件", "158件")
        watch.wait_for("已生成", 2)
        time.sleep(0.5)
        odd.write_text("a: 2\n")
        _save(folder / "cases.yaml", "158件", "159件")
        watch.wait_for("已生成", 3)
        assert watch.process.poll() is None, watch.output.text


def _first_change(root: Path, since, force_polling: bool, meanwhile=None):
    """The first change a new watch of `root` hands on (`since`: the files before it started),
    with `meanwhile` run beside it; a message if none comes within the deadline."""
    from fulian_report.serve import _watch_changes

    stop = threading.Event()
    timer = threading.Timer(20, stop.set)  # the deadline: the generator ends when stop is set
    timer.start()
    if meanwhile is not None:
        threading.Thread(target=meanwhile, daemon=True).start()
    try:
        return next(_watch_changes([root], stop, force_polling, None, since), "nothing before the deadline")
    finally:
        stop.set()
        timer.cancel()


def _one_file(tmp_path: Path) -> Path:
    folder = tmp_path / "2021" / "lakeside"
    folder.mkdir(parents=True)
    cases = folder / "cases.yaml"
    cases.write_text("received: 55件\n", encoding="utf-8")
    return cases


@pytest.mark.parametrize("force_polling", [True, False])
def test_a_save_before_the_watch_is_up_is_a_change_not_lost(tmp_path, force_polling):
    """A save made while the first build runs, before the system watches anything, is handed on
    once the watch is up: compared with the files as they were before that build."""
    from fulian_report.serve import _scan

    cases = _one_file(tmp_path)
    since = _scan([tmp_path / "2021"])
    cases.write_text("received: 158件\n", encoding="utf-8")  # during the first build
    assert _first_change(tmp_path / "2021", since, force_polling) == [cases]


def test_a_save_in_the_same_second_as_the_files_last_change_is_not_lost(tmp_path):
    """A polling watcher's first look keeps times to the second: a save in that same second, of
    the same size, looks like no change to it.  The new watch compares the files itself too."""
    from fulian_report.serve import _scan

    cases = _one_file(tmp_path)
    written = cases.stat().st_mtime_ns
    since = _scan([tmp_path / "2021"])

    def save_again():
        time.sleep(1.0)  # after the watch's first answer (half a second)
        cases.write_text("received: 56件\n", encoding="utf-8")
        os.utime(cases, ns=(written + 1000, written + 1000))  # the same second, as a quick second save has

    assert _first_change(tmp_path / "2021", since, True, save_again) == [cases]

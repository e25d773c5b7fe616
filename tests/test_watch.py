"""`watch`: builds, rebuilds the organisation whose file is saved, shows findings, ends on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from fulian_report.serve import ChangeMap
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

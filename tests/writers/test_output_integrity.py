"""Builds killed while writing, or running at the same time, never make a later build cry wolf.

Each test runs real builds as separate processes into one output folder, then
a plain build, which must write every report without calling any of them
edited; afterwards the record agrees with the files and no temporary file is
left.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fulian_report.writers.manifest import MANIFEST_NAME, digest
from tests.conftest import MINIMAL_ORG, ROOT, write_org

KILLED_ORGS = 30  # enough writes for a kill to land among them
CONCURRENT_ORGS = 6
REFUSED = ("被修改过", "没有本工具生成它的记录")


def _organisations(root: Path, received: int, count: int) -> Path:
    """`count` small fictional organisations whose reports all change with `received`."""
    for index in range(count):
        files = dict(MINIMAL_ORG)
        files["organisation.yaml"] = files["organisation.yaml"].replace("示例区妇联", f"示例{index + 1}区妇联", 1)
        files["cases.yaml"] = files["cases.yaml"].replace("received: 55件", f"received: {received}件")
        write_org(root, files, org=f"org{index:02d}")
    return root


def _command(data: Path, out: Path, jobs: int = 1) -> list[str]:
    return [sys.executable, "-m", "fulian_report", "build", "2021", "--data", str(data), "--out", str(out), "--format", "txt", "-j", str(jobs)]


def _build(data: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(_command(data, out), check=False, capture_output=True, text=True, timeout=120, cwd=ROOT, env=_env())


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT / "src"))


def _assert_consistent(out: Path, count: int) -> None:
    folder = out / "2021"
    record = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    reports = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    assert len(reports) == count
    assert "pending" not in record
    assert record["files"] == {p.name: digest(p.read_bytes()) for p in reports}
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []
    assert _staging_folders(folder) == []  # an abandoned one is removed by the next build


def _staging_folders(folder: Path) -> list[str]:
    """The hidden folders builds stage their reports in (.fulian-report-staging.xxxxxxxx)."""
    return [p.name for p in folder.iterdir() if p.name.startswith(".fulian-report-staging.")]


def _plain_build_writes_everything(data: Path, out: Path, count: int) -> None:
    result = _build(data, out)
    assert result.returncode == 0, result.stderr
    assert not any(word in result.stderr for word in REFUSED), result.stderr
    _assert_consistent(out, count)


def _wait_for_writes(folder: Path, process: subprocess.Popen, count: int, timeout: float = 60) -> None:
    """Until the build has replaced `count` of the reports in `folder`, or ended."""
    before = {path: path.stat().st_mtime_ns for path in folder.glob("*.txt")}
    ends = time.monotonic() + timeout
    while time.monotonic() < ends and process.poll() is None:
        if sum(_mtime(path) != seen for path, seen in before.items()) >= count:
            return
        time.sleep(0.0005)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def test_a_build_killed_at_any_moment_of_its_writes_leaves_nothing_a_later_build_refuses(tmp_path):
    out = tmp_path / "out"
    _plain_build_writes_everything(_organisations(tmp_path / "data0", 55, KILLED_ORGS), out, KILLED_ORGS)
    chance = random.Random(2021)
    # After the first write, somewhere in the middle, and after the last one (before the confirmation).
    moments = [1, chance.randrange(2, KILLED_ORGS), KILLED_ORGS]
    killed = abandoned = 0
    for round_, moment in enumerate(moments, start=1):
        data = _organisations(tmp_path / f"data{round_}", 55 + round_, KILLED_ORGS)
        process = subprocess.Popen(_command(data, out, jobs=2), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=_env(), start_new_session=True)
        _wait_for_writes(out / "2021", process, moment)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # it ended before the kill: this round proves less, the count below says so
        killed += process.wait(timeout=30) == -signal.SIGKILL
        # Killed while moving its reports in, a build leaves its staging folder for the next to remove.
        abandoned += bool(_staging_folders(out / "2021"))
        # Other figures again, so that no report the killed build wrote is what this one writes.
        _plain_build_writes_everything(_organisations(tmp_path / f"again{round_}", 155 + round_, KILLED_ORGS), out, KILLED_ORGS)
    assert killed >= 2
    assert abandoned >= 1  # else the check that the next build removes one proved nothing


def test_ten_builds_at_once_into_one_folder_then_a_plain_build_all_consistent(tmp_path):
    out = tmp_path / "out"
    roots = [_organisations(tmp_path / f"data{i}", 60 + i, CONCURRENT_ORGS) for i in range(10)]
    processes = [subprocess.Popen(_command(root, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=_env()) for root in roots]
    errors = [process.communicate(timeout=140)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * 10, errors
    assert not any(word in error for error in errors for word in REFUSED)
    _assert_consistent(out, CONCURRENT_ORGS)
    _plain_build_writes_everything(roots[0], out, CONCURRENT_ORGS)


def test_a_build_that_cannot_get_the_lock_in_time_writes_nothing_and_says_why(tmp_path, monkeypatch):
    from filelock import FileLock

    from fulian_report import api
    from fulian_report.selection import Selection
    from fulian_report.errors import FulianError
    from fulian_report import output

    data = _organisations(tmp_path / "data", 55, 2)
    folder = tmp_path / "out" / "2021"
    folder.mkdir(parents=True)
    monkeypatch.setattr(output, "LOCK_WAIT_SECONDS", 0.2)
    with FileLock(folder / output.LOCK_NAME), pytest.raises(FulianError) as caught:  # another build, writing
        api.build(Selection(2021, data, tmp_path / "out", formats=("txt",)))
    assert "另一个生成正在写入这个文件夹" in str(caught.value) and "0.2 秒" in str(caught.value)
    assert [p.name for p in folder.iterdir()] == [output.LOCK_NAME]
    api.build(Selection(2021, data, tmp_path / "out", formats=("txt",)))  # once it is free, the build goes ahead

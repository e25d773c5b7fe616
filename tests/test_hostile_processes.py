"""What a person or the system can do to a running tool: kill it, close its output, take its
folder away.  None of it leaves processes behind or ends in the tool's 'internal error' (3)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_ORG, ROOT, write_org

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout:g} s: {what}")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Running, not merely a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _environment(**extra: str) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT / "src"), FULIAN_REPORT_RESIDENT="0", **extra)


@linux_only
@pytest.mark.parametrize("request_number", [1, 0], ids=["kernel", "fallback"])
def test_workers_end_when_the_build_that_started_them_is_killed(tmp_path, request_number):
    """PR_SET_PDEATHSIG (1) has the kernel end them; 0 is no request at all (prctl fails with
    EINVAL), which leaves it to the portable fallback."""
    for org in ("first", "second", "third", "fourth"):
        write_org(tmp_path / "data", MINIMAL_ORG, org=org)
    # Each organisation's rendering takes a minute, so that the workers are busy when the build dies.
    script = textwrap.dedent(f"""
        import time
        from fulian_report import api, batch
        def slow(*args):
            time.sleep(60)
        batch.render_org = slow
        batch._PR_SET_PDEATHSIG = {request_number}
        api.build(2021, {str(tmp_path / "data")!r}, {str(tmp_path / "out")!r}, jobs=2)
    """)
    build = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=_environment())
    workers: list[int] = []
    try:
        _wait(lambda: len(_children(build.pid)) >= 2, 30, "the build started two workers")
        workers = _children(build.pid)
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=10)
        _wait(lambda: not any(map(_alive, workers)), 10, f"workers {workers} ended with their parent")
    finally:
        build.kill()
        build.wait(timeout=10)
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

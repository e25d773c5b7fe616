"""A build or a watch ended by a signal (kill, a closed terminal, Ctrl-C, a cancelled CI job)
removes its staging folder and temporary files from out/, then ends as that signal says."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.synth import generate
from tests.conftest import ROOT
from tests.test_hostile_processes import _ENTRY, _UTF8_LOCALE, _environment

posix_only = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")

# Many organisations built one after another: the build is still staging when the signal comes.
ORGANISATIONS = 120


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("many") / "data"
    generate(data, ORGANISATIONS)
    return data


def _staged(out_year: Path) -> list[Path]:
    return [entry for folder in out_year.glob(".fulian-report-staging.*") for entry in folder.iterdir() if entry.name != "lock"]


def _leftovers(out_year: Path) -> list[str]:
    """The tool's temporary output in `out_year`: staging folders and half-written files."""
    if not out_year.exists():
        return []
    return sorted(entry.name for entry in out_year.iterdir() if entry.name.startswith(".fulian-report-staging.") or entry.name.endswith(".tmp"))


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _ENTRY, *args], cwd=ROOT, env=_environment(**_UTF8_LOCALE), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _wait_for(process: subprocess.Popen, predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if process.poll() is not None:
            raise AssertionError(f"ended ({process.returncode}) before {what}: {process.stderr.read().decode('utf-8', 'replace')}")
        time.sleep(0.02)
    process.kill()
    process.wait(timeout=10)
    raise AssertionError(f"not within {timeout:g} s: {what}")


def _ended(process: subprocess.Popen, timeout: float = 60) -> tuple[int, str]:
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate(timeout=10)
        raise AssertionError(f"still running {timeout:g} s after the signal") from None
    return process.returncode, err.decode("utf-8", "replace")


@posix_only
@pytest.mark.parametrize(
    "signum, status",
    [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGHUP, -signal.SIGHUP), (signal.SIGINT, 130)],
    ids=["SIGTERM", "SIGHUP", "SIGINT"],
)
def test_a_build_ended_by_a_signal_leaves_no_staging_folder_behind(many, tmp_path, signum, status):
    out_year = tmp_path / "out" / "2021"
    build = _start(["build", "2021", "--data", str(many), "--out", str(tmp_path / "out"), "--jobs", "1"])
    _wait_for(build, lambda: len(_staged(out_year)) >= 2 if out_year.exists() else False, 120, "two reports staged")
    build.send_signal(signum)
    returncode, err = _ended(build)
    assert returncode == status, err
    assert "Traceback" not in err and "发生意外错误" not in err, err
    assert _leftovers(out_year) == []


@posix_only
def test_a_build_with_workers_ended_by_sigterm_leaves_no_staging_folder_behind(many, tmp_path):
    out_year = tmp_path / "out" / "2021"
    build = _start(["build", "2021", "--data", str(many), "--out", str(tmp_path / "out"), "--jobs", "2"])
    _wait_for(build, lambda: len(_staged(out_year)) >= 2 if out_year.exists() else False, 120, "two reports staged")
    build.send_signal(signal.SIGTERM)
    returncode, err = _ended(build)
    assert returncode == -signal.SIGTERM, err
    assert "Traceback" not in err, err
    assert _leftovers(out_year) == []


@posix_only
def test_watch_ended_by_sigterm_removes_its_sessions_staging_folder(tmp_path):
    data = tmp_path / "data"
    generate(data, 1)
    out_year = tmp_path / "out" / "2021"
    watch = _start(["watch", "2021", "--data", str(data), "--out", str(tmp_path / "out")])
    _wait_for(watch, lambda: any(out_year.glob("*.docx")), 120, "the first build written")
    # The session's staging folder is made at the first rebuild, and kept while watching.
    cases = next(data.glob("2021/*/cases.yaml"))
    deadline = time.monotonic() + 120
    while not any(out_year.glob(".fulian-report-staging.*")):
        assert time.monotonic() < deadline, "no rebuild within 120 s of a save"
        assert watch.poll() is None, watch.stderr.read().decode("utf-8", "replace")
        cases.write_text(cases.read_text(encoding="utf-8") + "# 保存\n", encoding="utf-8")
        time.sleep(0.5)
    watch.send_signal(signal.SIGTERM)
    returncode, err = _ended(watch)
    assert returncode == -signal.SIGTERM, err
    assert _leftovers(out_year) == []

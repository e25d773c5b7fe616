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
        from fulian_report.selection import Selection
        def slow(*args):
            time.sleep(60)
        batch.render_org = slow
        batch._PR_SET_PDEATHSIG = {request_number}
        api.build(Selection(2021, {str(tmp_path / "data")!r}, {str(tmp_path / "out")!r}), jobs=2)
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


# A UTF-8 locale such as zh_CN.UTF-8 (not the C locale's surrogateescape) writes stdout strictly.
_UTF8_LOCALE = {"PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8"}
_ENTRY = "import sys; from fulian_report.launcher import main; sys.argv[0] = 'fulian-report'; main()"


def _run(args: list[str], cwd: Path = ROOT, shell_prefix: str = "", **popen) -> subprocess.CompletedProcess:
    """fulian-report `args` as a person runs it; `shell_prefix` runs first in a shell (cd, rmdir, >&-)."""
    command = [sys.executable, "-c", _ENTRY, *args]
    if shell_prefix:
        command = ["sh", "-c", f'{shell_prefix} "$@"', "sh", *command]
    popen = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **popen}
    return subprocess.run(command, cwd=cwd, env=_environment(**_UTF8_LOCALE), timeout=120, **popen)


def _neither_internal_nor_english(result: subprocess.CompletedProcess) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode != 3, err
    assert "Traceback" not in err and "Error" not in err and "发生意外错误" not in err, err
    return err


def _two_orgs(root: Path) -> Path:
    write_org(root, MINIMAL_ORG, org="lakeside")
    write_org(root, {**MINIMAL_ORG, "organisation.yaml": MINIMAL_ORG["organisation.yaml"].replace("示例区", "示例二区")}, org="hillside")
    return root


def test_a_file_name_that_is_not_utf8_in_a_data_folder_is_shown_not_fatal(tmp_path):
    data = _two_orgs(tmp_path / "data")
    (data / "2021" / "lakeside" / os.fsdecode(b"\xb0\xb8\xbc\xfe.yaml")).write_text("a: 1\n")  # 案件.yaml in GBK
    result = _run(["validate", "--format", "json", str(data)])
    _neither_internal_nor_english(result)
    assert result.returncode == 0 and b"\xb0\xb8\xbc\xfe.yaml" in result.stdout
    result = _run(["validate", str(data)])
    err = _neither_internal_nor_english(result)
    assert "\\udc" not in err and "lakeside/\ufffd\ufffd\ufffd\ufffd.yaml: 警告" in err


def test_an_organisation_folder_not_utf8_is_shown_with_u_fffd_in_every_message_on_stderr(tmp_path):
    data = _two_orgs(tmp_path / "data")
    folder = data / "2021" / os.fsdecode(b"fu\xff")
    (data / "2021" / "lakeside").rename(folder)
    (folder / "cases.yaml").write_text("visits: [\n", encoding="utf-8")
    result = _run(["build", "2021", "--data", str(data), "--out", str(tmp_path / "out")])
    _neither_internal_nor_english(result)
    err = result.stderr.decode("utf-8")  # strictly: every byte of it is UTF-8
    assert result.returncode == 1, err
    assert "组织 fu\ufffd 生成失败" in err and "（fu\ufffd）未生成" in err and "fu\ufffd/cases.yaml" in err, err
    assert "\\udc" not in err, err


def test_an_argument_that_is_not_utf8_is_used_as_given(tmp_path):
    data = _two_orgs(tmp_path / "data")
    out = tmp_path / os.fsdecode(b"\xff")
    result = _run(["build", "2021", "--data", str(data), "--out", str(out)])
    _neither_internal_nor_english(result)
    assert result.returncode == 0 and os.fsencode(out) in result.stdout
    assert len(list((out / "2021").glob("*.docx"))) == 2


@pytest.mark.parametrize("option", ["--data", "--out"])
def test_a_path_component_over_255_bytes_is_told_in_chinese(tmp_path, option):
    data = _two_orgs(tmp_path / "data")
    paths = {"--data": str(data), "--out": str(tmp_path / "out")}
    paths[option] = str(tmp_path / ("区" * 90))  # 270 bytes
    # watch ends at once on a data folder it cannot read; on an --out it cannot write it waits for a fix.
    for command in (["build", "2021"], ["watch", "2021"]) if option == "--data" else (["build", "2021"],):
        result = _run([*command, "--data", paths["--data"], "--out", paths["--out"]])
        err = _neither_internal_nor_english(result)
        assert result.returncode == 1 and "太长" in err, err


def test_preview_tells_a_data_folder_it_cannot_read_from_a_port_it_cannot_have(tmp_path):
    import socket

    data = _two_orgs(tmp_path / "data")
    result = _run(["preview", "2021", "--data", str(tmp_path / ("区" * 90)), "--port", "0"])
    err = _neither_internal_nor_english(result)
    assert result.returncode == 1 and "太长" in err and "端口" not in err, err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = _run(["preview", "2021", "--data", str(data), "--port", str(taken.getsockname()[1])])
    err = _neither_internal_nor_english(result)
    assert result.returncode == 1 and "端口" in err and "已被别的程序占用" in err, err


def test_a_working_folder_that_was_deleted_is_told_in_chinese(tmp_path):
    data = _two_orgs(tmp_path / "data")
    for command in (["build", "2021"], ["build", "2021", "--data", str(data), "--out", str(tmp_path / "out")],
                    ["validate", str(data)], ["watch", "2021", "--data", str(data)]):
        (tmp_path / "gone").mkdir()
        result = _run(command, cwd=tmp_path, shell_prefix="cd gone && rmdir ../gone &&")
        err = _neither_internal_nor_english(result)
        assert result.returncode == 1 and "当前所在的文件夹已不存在" in err, (command, err)


def test_a_closed_stdout_costs_nothing_but_the_output(tmp_path):
    data = _two_orgs(tmp_path / "data")
    for command in (["build", "2021", "--data", str(data), "--out", str(tmp_path / "out")],
                    ["validate", str(data)], ["--help"], ["build", "--help"], ["schema", "--out", str(tmp_path / "schema")]):
        result = _run(command, shell_prefix="exec >&-;")
        assert result.returncode == 0, (command, result.stderr.decode())
        assert result.stderr == b"", (command, result.stderr.decode())
    assert len(list((tmp_path / "out" / "2021").glob("*.docx"))) == 2
    # All three closed: the reports are still written, nothing lands in them.
    out = tmp_path / "closed"
    result = _run(["build", "2021", "--data", str(data), "--out", str(out), "--format", "txt"], shell_prefix="exec <&- >&- 2>&-;")
    assert result.returncode == 0
    reports = list((out / "2021").glob("*.txt"))
    assert len(reports) == 2 and not any("已写入" in report.read_text(encoding="utf-8") for report in reports)


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    data = _two_orgs(tmp_path / "data")
    out = str(tmp_path / "out")
    for command in (["build", "2021", "--data", str(data), "--out", out], ["validate", str(data)],
                    ["--debug", "build", "2021", "--data", str(data), "--out", out, "--format", "txt"],
                    ["build", "2021", f"--data={data}", "--out", out],  # typer's parsing, not the quick one
                    ["diff", out, out], ["--help"], ["build", "--help"]):
        reading, writing = os.pipe()
        os.close(reading)  # as `fulian-report build 2021 | head -0` once head has gone
        try:
            result = _run(command, stdout=writing)
        finally:
            os.close(writing)
        assert result.returncode == 128 + signal.SIGPIPE, (command, result.stderr.decode())
        assert result.stderr == b"", (command, result.stderr.decode())


def test_the_system_s_reasons_are_chinese_and_an_unknown_one_gives_its_code():
    import errno

    from fulian_report.errors import Finding, Location, os_reason, printable_path

    assert "255 字节" in os_reason(OSError(errno.ENAMETOOLONG, "File name too long"))
    unknown = os_reason(OSError(errno.ENOTSOCK, "Socket operation on non-socket"))
    assert "ENOTSOCK" in unknown and "Socket" not in unknown
    gbk = os.fsdecode(b"data/\xb0\xb8\xbc\xfe.yaml")  # 案件.yaml in GBK
    assert printable_path(gbk) == "data/\ufffd\ufffd\ufffd\ufffd.yaml"
    assert printable_path("data/案件.yaml") == "data/案件.yaml"
    assert str(Finding(Location(gbk, 2, 3), f"不认识的文件名“{gbk}”")) == (
        "data/\ufffd\ufffd\ufffd\ufffd.yaml:2:3: 错误：不认识的文件名“data/\ufffd\ufffd\ufffd\ufffd.yaml”"
    )

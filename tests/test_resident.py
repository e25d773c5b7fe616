"""The resident build process (resident.py): a build it serves is the build the caller would
have run itself, in the caller's folder, environment and terminal, and it never outlives
its socket, its idle time or the tool it was started from."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from fulian_report import resident
from tests.conftest import DATA, MINIMAL_ORG, ROOT, write_org

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the resident process is Linux only")

LAUNCHER = "import sys; sys.argv[0] = 'fulian-report'; from fulian_report.launcher import main; main()"
# Runs the caller's side alone and says whether a resident process served the build.
CALLER = "import sys; from fulian_report import resident; status = resident.run(sys.argv[1:]); print(f'resident: {status}', file=sys.stderr)"
DEADLINE_SECONDS = 120


@pytest.fixture
def runtime():
    """A private runtime folder (short: a socket's path is limited), its resident processes
    ended afterwards by removing their sockets."""
    folder = Path(tempfile.mkdtemp(prefix="fr"))
    yield folder
    for socket in folder.glob("fulian-report/*.sock"):
        socket.unlink()
    time.sleep(1.2)  # each notices within a second that its socket is gone
    shutil.rmtree(folder, ignore_errors=True)


def _environment(runtime: Path, switch: str = "1", **more: str) -> dict[str, str]:
    return dict(os.environ, XDG_RUNTIME_DIR=str(runtime), FULIAN_REPORT_RESIDENT=switch, **more)


def _run(code: str, args: list[str], env: dict[str, str], cwd: Path = ROOT, **options) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            [sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=DEADLINE_SECONDS, **options
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"fulian-report {' '.join(args)} did not end within {DEADLINE_SECONDS} s") from None


def _socket(env: dict[str, str]) -> Path:
    found = _run("from fulian_report import resident; print(resident.socket_path())", [], env)
    return Path(found.stdout.strip())


def _started(env: dict[str, str], first_command: list[str] | None = None) -> Path:
    """Run a command once (a build unless told: it leaves a resident process) and wait until
    the resident process listens."""
    first_command = first_command or ["build", "2021", "--format", "txt", "--out", str(Path(env["XDG_RUNTIME_DIR"]) / "out")]
    first = _run(LAUNCHER, first_command, env)
    assert first.returncode == 0, first.stderr
    socket = _socket(env)
    deadline = time.monotonic() + 60
    while not socket.exists():
        assert time.monotonic() < deadline, "no resident process came up"
        time.sleep(0.05)
    return socket


def _served(args: list[str], env: dict[str, str], cwd: Path = ROOT, **options) -> subprocess.CompletedProcess:
    result = _run(CALLER, args, env, cwd, **options)
    assert "resident: None" not in result.stderr, "the build was not served by the resident process"
    return result


def test_a_build_served_by_the_resident_process_says_and_writes_what_a_build_of_its_own_does(runtime, tmp_path):
    env = _environment(runtime)
    _started(env)
    served = _served(["build", "2021", "--out", str(tmp_path / "served"), "--format", "docx", "--format", "txt"], env)
    alone = _run(LAUNCHER, ["build", "2021", "--out", str(tmp_path / "alone"), "--format", "docx", "--format", "txt"], _environment(runtime, "0"))
    assert alone.returncode == 0
    assert "resident: 0" in served.stderr
    lines = lambda text, folder: [line.split("用时")[0] for line in text.replace(str(tmp_path / folder), "OUT").splitlines()]  # noqa: E731
    assert lines(served.stdout, "served") == lines(alone.stdout, "alone")
    names = sorted(path.name for path in (tmp_path / "alone" / "2021").iterdir())
    assert names == sorted(path.name for path in (tmp_path / "served" / "2021").iterdir())
    for name in names:
        assert (tmp_path / "served" / "2021" / name).read_bytes() == (tmp_path / "alone" / "2021" / name).read_bytes(), name


def test_errors_and_the_exit_status_reach_the_caller(runtime, tmp_path):
    env = _environment(runtime)
    _started(env)
    files = dict(MINIMAL_ORG, **{"cases.yaml": MINIMAL_ORG["cases.yaml"].replace("55件", "55个个")})
    write_org(tmp_path / "data", files)
    args = ["build", "2021", "--data", "data", "--out", "out"]
    served = _served(args, env, cwd=tmp_path)
    alone = _run(LAUNCHER, args, _environment(runtime, "0"), cwd=tmp_path)
    assert alone.returncode == 1
    assert "resident: 1" in served.stderr
    assert served.stderr.replace("resident: 1\n", "") == alone.stderr
    assert "cases.yaml:2" in alone.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.docx"))


@pytest.mark.parametrize("extra", [[], ["--format", "json"], ["--strict"]])
def test_validate_served_by_the_resident_process_says_what_typer_says(runtime, tmp_path, extra):
    env = _environment(runtime)
    _started(env)
    files = dict(MINIMAL_ORG, **{"cases.yaml": MINIMAL_ORG["cases.yaml"].replace("55件", "55个个")})
    write_org(tmp_path / "data", files)
    shutil.copytree(DATA / "2021" / "xiangdong", tmp_path / "data" / "2021" / "xiangdong")
    for target in ("data/2021/demo", "data/2021/xiangdong", "data"):
        args = ["validate", target, *extra]
        served = _served(args, env, cwd=tmp_path)
        alone = _run(LAUNCHER, args, _environment(runtime, "0"), cwd=tmp_path)
        assert f"resident: {alone.returncode}" in served.stderr
        assert served.stdout == alone.stdout
        assert served.stderr.replace(f"resident: {alone.returncode}\n", "") == alone.stderr


def test_a_validate_at_a_terminal_leaves_a_resident_process_for_the_next(runtime):
    env = _environment(runtime)
    _started(env, ["validate", "data/2021/xiangdong"])
    assert "resident: 0" in _served(["validate", "data/2021/xiangdong"], env).stderr


def test_only_build_and_validate_are_served():
    assert resident.serves(["validate", "data"])
    assert resident.serves(["--debug", "validate", "data"])
    assert resident.serves(["build", "2021", "--format=txt"])
    assert resident.serves(["--debug", "build", "2021"])
    assert not resident.serves(["diff", "a", "b"])
    assert not resident.serves(["import", "x.docx"])
    assert not resident.serves(["watch", "2021"])


def test_the_build_runs_in_the_callers_folder_environment_and_umask(runtime, tmp_path):
    env = _environment(runtime)
    _started(env)
    shutil.copytree(DATA, tmp_path / "data")
    args = ["build", "2021", "--data", "data", "--out", "out", "--org", "xiangdong"]
    later = dict(env, SOURCE_DATE_EPOCH="1700000000")
    later.update({f"LARGE_{index}": "x" * 100_000 for index in range(15)})  # a request that comes in pieces
    served = _served(args, later, cwd=tmp_path, preexec_fn=lambda: os.umask(0o077))
    assert "resident: 0" in served.stderr, served.stderr
    (report,) = (tmp_path / "out" / "2021").glob("*.docx")
    alone_folder = tmp_path / "alone"
    alone_folder.mkdir()
    shutil.copytree(DATA, alone_folder / "data")
    alone = _run(LAUNCHER, args, dict(later, FULIAN_REPORT_RESIDENT="0"), cwd=alone_folder, preexec_fn=lambda: os.umask(0o077))
    assert alone.returncode == 0
    (alone_report,) = (alone_folder / "out" / "2021").glob("*.docx")
    assert report.read_bytes() == alone_report.read_bytes()  # the build time is the caller's SOURCE_DATE_EPOCH
    assert report.stat().st_mode & 0o777 == alone_report.stat().st_mode & 0o777


def test_ctrl_c_at_the_caller_stops_the_build_it_is_running(runtime, tmp_path):
    env = _environment(runtime)
    _started(env)
    # Thirty organisations, each with prose that runs to its loop budget (a fifth of a second each).
    loop = "{% for i in range(99999) %}{% for j in range(99) %}{% endfor %}{% endfor %}"
    for number in range(30):
        files = dict(MINIMAL_ORG, **{"narrative.yaml": MINIMAL_ORG["narrative.yaml"].replace("{{ year }}年，", loop + "{{ year }}年，")})
        write_org(tmp_path / "data", files, org=f"org{number}")
    caller = subprocess.Popen(
        [sys.executable, "-c", CALLER, "build", "2021", "--data", "data", "--out", "out", "--jobs", "1"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(1.5)
    assert caller.poll() is None, caller.communicate()
    caller.send_signal(signal.SIGINT)
    out, err = caller.communicate(timeout=60)
    assert caller.returncode == 0  # the caller itself ends normally, printing the build's status
    assert "resident: 130" in err
    assert "已中断" in err


def test_no_resident_process_means_the_caller_builds_itself(runtime, tmp_path):
    result = _run(CALLER, ["build", "2021", "--out", str(tmp_path)], _environment(runtime))
    assert "resident: None" in result.stderr
    assert not any(tmp_path.iterdir())


def test_whether_it_is_wanted():
    linux = sys.platform.startswith("linux")
    assert resident.wanted({"FULIAN_REPORT_RESIDENT": "1"}) is linux
    assert resident.wanted({"FULIAN_REPORT_RESIDENT": "on"}) is linux
    assert resident.wanted({"FULIAN_REPORT_RESIDENT": "0"}) is False
    assert resident.wanted({"FULIAN_REPORT_RESIDENT": "off"}) is False


def test_output_to_no_terminal_starts_no_resident_process(runtime, tmp_path):
    env = _environment(runtime, switch="")
    result = _run(LAUNCHER, ["build", "2021", "--format", "txt", "--out", str(tmp_path)], env)
    assert result.returncode == 0
    time.sleep(0.5)
    assert not list(runtime.glob("fulian-report/*"))


def test_only_a_folder_of_this_user_alone_holds_the_socket(runtime):
    assert resident.socket_path({"XDG_RUNTIME_DIR": str(runtime)}).startswith(str(runtime / "fulian-report") + os.sep)
    (runtime / "fulian-report").chmod(0o755)
    assert resident.socket_path({"XDG_RUNTIME_DIR": str(runtime)}) is None
    (runtime / "fulian-report").chmod(0o700)
    assert resident.socket_path({"XDG_RUNTIME_DIR": "/" + "x" * 80}) is None  # too deep for a socket, or not there


def test_a_changed_source_file_or_startup_variable_is_another_resident_process(tmp_path):
    package = tmp_path / "package"
    package.mkdir()
    source = package / "module.py"
    source.write_text("x = 1\n")
    before = resident._key({}, str(package))
    assert resident._key({"HOME": "/elsewhere", "SOURCE_DATE_EPOCH": "1"}, str(package)) == before  # read at each build
    assert resident._key({"PYTHONHASHSEED": "1"}, str(package)) != before
    assert resident._key({"LC_ALL": "C"}, str(package)) != before
    source.write_text("x = 22\n")
    assert resident._key({}, str(package)) != before


def test_the_resident_process_ends_when_idle_or_when_its_socket_is_gone(runtime):
    folder = runtime / "fulian-report"
    folder.mkdir(mode=0o700)
    for idle, remove in ((0.5, False), (600, True)):
        socket = folder / f"test-{idle}.sock"
        code = f"import sys; sys.path[:] = {json.dumps(sys.path)}; from fulian_report.resident import serve; serve({str(socket)!r}, {idle})"
        process = subprocess.Popen([sys.executable, "-c", code], cwd="/")
        deadline = time.monotonic() + 60
        while not socket.exists():
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        if remove:
            socket.unlink()
        assert process.wait(timeout=30) == 0
        assert not socket.exists()


def _serving(socket: Path) -> subprocess.Popen:
    """A resident process listening at `socket` (the one a caller in its environment asks)."""
    code = f"import sys; sys.path[:] = {json.dumps(sys.path)}; from fulian_report.resident import serve; serve({str(socket)!r})"
    socket.parent.mkdir(mode=0o700, exist_ok=True)
    process = subprocess.Popen([sys.executable, "-c", code], cwd="/")
    deadline = time.monotonic() + 60
    while not socket.exists():
        assert process.poll() is None, "the resident process ended before it listened"
        assert time.monotonic() < deadline, "no resident process came up within 60 s"
        time.sleep(0.05)
    return process


def _replaced(socket: Path, inode: int) -> None:
    """Wait until another resident process listens at `socket`."""
    deadline = time.monotonic() + 60
    while not (socket.exists() and socket.stat().st_ino != inode):
        assert time.monotonic() < deadline, "no new resident process came up within 60 s"
        time.sleep(0.05)


def test_a_stopped_resident_process_does_not_hold_the_build_up(runtime, tmp_path):
    env = _environment(runtime)
    socket = _socket(env)
    stopped = _serving(socket)
    inode = socket.stat().st_ino
    os.kill(stopped.pid, signal.SIGSTOP)
    try:
        build = _run(LAUNCHER, ["build", "2021", "--format", "txt", "--out", str(tmp_path / "out")], env)
        assert build.returncode == 0, build.stderr
        assert len(list((tmp_path / "out" / "2021").glob("*.txt"))) == 2
        assert resident.NO_ANSWER_NOTICE in build.stderr
        assert "Traceback" not in build.stderr
        _replaced(socket, inode)  # the next build is served by a new one
        assert "resident: 0" in _served(["validate", "data/2021/xiangdong"], env).stderr
        os.kill(stopped.pid, signal.SIGCONT)
        assert stopped.wait(timeout=30) == 0  # its socket taken over, it ends
    finally:
        if stopped.poll() is None:
            stopped.kill()
            stopped.wait(timeout=30)


def test_a_caller_that_gave_up_waiting_is_not_built_for(runtime, tmp_path):
    """The fork runs a command only when the caller that was told its pid says go (and hands
    over its stdout and stderr): a caller whose wait ran out builds itself, and the resident
    process must not build a second time."""
    import socket as sockets

    env = _environment(runtime)
    served = _serving(_socket(env))
    connection = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
    connection.settimeout(60)
    try:
        connection.connect(str(_socket(env)))
        request = json.dumps({
            "args": ["build", "2021", "--format", "txt", "--out", str(tmp_path / "out")], "cwd": str(ROOT),
            "environ": env, "umask": 0o022, "streams": [["utf-8", "strict"], ["utf-8", "strict"]],
        }).encode()
        connection.sendall(len(request).to_bytes(8, "big") + request)
        answer = connection.makefile("rb").readline()
        assert answer.startswith(b"pid "), answer
        connection.close()  # gave up: no go
        pid = int(answer[4:])
        deadline = time.monotonic() + 60
        while Path(f"/proc/{pid}").exists() and not _zombie(pid):
            assert time.monotonic() < deadline, "the fork told no go did not end within 60 s"
            time.sleep(0.05)
        assert not (tmp_path / "out").exists()
    finally:
        connection.close()
        _socket(env).unlink(missing_ok=True)
        assert served.wait(timeout=30) == 0


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def test_a_stale_socket_left_by_a_killed_resident_process_is_replaced(runtime, tmp_path):
    import socket as sockets

    env = _environment(runtime)
    socket = _socket(env)
    socket.parent.mkdir(mode=0o700, exist_ok=True)
    left = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
    left.bind(str(socket))  # bound, never listening, closed: what a kill -9 leaves
    left.close()
    inode = socket.stat().st_ino
    build = _run(LAUNCHER, ["build", "2021", "--format", "txt", "--out", str(tmp_path / "out")], env)
    assert build.returncode == 0, build.stderr
    assert resident.NO_ANSWER_NOTICE not in build.stderr  # refused at once: nothing to say
    _replaced(socket, inode)
    assert "resident: 0" in _served(["validate", "data/2021/xiangdong"], env).stderr


def test_the_first_resident_process_says_so_once_and_how_to_turn_it_off(runtime, tmp_path):
    env = _environment(runtime)
    first = _run(LAUNCHER, ["validate", "data/2021/xiangdong"], env)
    assert first.returncode == 0, first.stderr
    assert first.stderr.count(resident.STARTED_NOTICE) == 1
    assert "FULIAN_REPORT_RESIDENT=0" in resident.STARTED_NOTICE and "\n" not in resident.STARTED_NOTICE
    socket = _socket(env)
    _replaced(socket, -1)
    served = _run(LAUNCHER, ["validate", "data/2021/xiangdong"], env)
    assert (served.returncode, served.stderr) == (0, "")
    inode = socket.stat().st_ino
    socket.unlink()  # that one ends; the next command starts another, and says nothing
    again = _run(LAUNCHER, ["validate", "data/2021/xiangdong"], env)
    assert (again.returncode, again.stderr) == (0, "")
    _replaced(socket, inode)


def test_a_pdf_build_it_serves_leaves_no_libreoffice_profile_behind(runtime, tmp_path):
    """The fork ends without Python's teardown, as a build of its own does: the profile of the
    conversion it ran goes all the same."""
    from tests.writers.pdf_pages import require_pdf_tools

    require_pdf_tools()
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = _environment(runtime, TMPDIR=str(temporary))
    _started(env)
    served = _served(["build", "2021", "--org", "xiangdong", "--pdf", "--jobs", "1", "--out", str(tmp_path / "out")], env)
    assert "resident: 0" in served.stderr, served.stderr
    assert list((tmp_path / "out" / "2021").glob("*.pdf"))
    assert not list(temporary.glob("fulian-report-lo-*"))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_served_build_ended_by_a_signal_at_the_caller_ends_the_caller_by_it_and_leaves_no_staging(runtime, tmp_path, signum):
    from benchmarks.synth import generate
    from tests.test_hostile_signals import _ended, _leftovers, _staged, _wait_for

    env = _environment(runtime)
    _started(env)
    generate(tmp_path / "data", 120)  # built one after another: still staging when the signal comes
    out_year = tmp_path / "out" / "2021"
    caller = subprocess.Popen(
        [sys.executable, "-c", CALLER, "build", "2021", "--data", "data", "--out", "out", "--jobs", "1"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    _wait_for(caller, lambda: len(_staged(out_year)) >= 2 if out_year.exists() else False, DEADLINE_SECONDS, "two reports staged")
    caller.send_signal(signum)
    returncode, err = _ended(caller)
    assert "resident: None" not in err, "the build was not served by the resident process"
    assert returncode == -signum, err  # as a build of its own ends: 128 + the signal in a shell
    assert "发生意外错误" not in err and "Traceback" not in err, err
    assert _leftovers(out_year) == []

"""A resident build process: `build` and `validate` at a terminal answer without importing anything.

Most of a build's time is its start, importing pydantic, Jinja and lxml and building the data
models (about three quarters of `build 2021`); the reports themselves take a few dozen ms.
So, as Gradle and dmypy do, the first build (or validate) at a terminal leaves a process
behind that has done the imports and nothing else, and waits on a Unix socket.  A later
`build` or `validate` with the same tool passes it its command line, working folder,
environment, umask and its own stdout and stderr (the file descriptors themselves, so that a
terminal stays a terminal).  The resident process forks; the fork is a process in exactly the
state of a fresh start after the imports, takes those over and runs the command as
`fulian-report` would, printing straight to the caller's terminal, and hands back the exit
status.  Nothing of one command survives into the next: every one is a new fork of the same
process that has only imported modules.

- Only on Linux (fork, Unix sockets and the peer's credentials).
- Only for the user who started it: the socket lies in a folder of that user's alone (mode
  700: $XDG_RUNTIME_DIR, else the temporary folder), and the resident process serves no
  other user id (SO_PEERCRED).
- Never a stale tool: the socket's name is a key of the Python, its startup environment, the
  installed packages and every source file of this tool (size and time of change); any change
  gives another name, and the old process, no longer asked, ends.
- It ends after IDLE_SECONDS without a command, or when its socket is gone or replaced.
- FULIAN_REPORT_RESIDENT=0 turns it off, =1 turns it on also where no terminal is attached
  (scripts, benchmarks); by default it serves commands whose output goes to a terminal.
  The first one started says so in one line on stderr, with the way to turn it off; later
  ones say nothing while its mark lasts in the private folder (a login's $XDG_RUNTIME_DIR,
  or the temporary folder until it is emptied).
- A resident process that does not take a command within ANSWER_SECONDS (stopped, hung) or
  refuses it (a socket left by one killed outright) is not waited for: the caller builds
  itself and starts a new one, whose socket takes the old name over.  The fork gets the
  caller's stdout and stderr, and runs the command, only when the caller, told its pid,
  says go: a caller that gave up is never built for twice, and no descriptor of its is left
  in flight to a process that never reads it (a pipe would never end).
- Ctrl-C (and SIGTERM, SIGHUP) at the caller is passed on to the command: it stops as it
  would in the caller's own process, and the caller then ends as that process would (by the
  SIGTERM or SIGHUP itself: exit status 143 or 129 in a shell).  A caller that is killed outright leaves its build to
  finish, under the output folder's lock, as an uninterrupted build would.

Anything unexpected on the way (no resident process, a refused connection, a descriptor
that cannot be passed) means the caller builds in its own process, as without this module.
"""

from __future__ import annotations

import os
import sys

SWITCH_VARIABLE = "FULIAN_REPORT_RESIDENT"
IDLE_SECONDS = 15 * 60
# For the resident process to accept a command and start it (not to finish it: a build takes
# as long as it takes).  A fork of a healthy one answers in milliseconds, even on a busy machine.
ANSWER_SECONDS = 2.0
STARTED_NOTICE = (
    "提示：已在后台启动常驻进程，之后在终端里运行 build、validate 会快一些（15 分钟不用就自行退出）；"
    f"不想要它时设环境变量 {SWITCH_VARIABLE}=0。"
)
NO_ANSWER_NOTICE = "提示：常驻进程没有及时应答，这次由本进程自己完成，并换一个新的常驻进程。"
_NOTICE_MARK = "started-notice"
_GO = b"go\n"
# Variables the interpreter reads at its start (encoding, hash seed, paths, locale): the
# resident process must have started under the same values as its caller.
_STARTUP_VARIABLES = ("LANG", "LC_ALL", "LC_CTYPE")
_STATUS_PREFIX = b"status "
_LARGEST_REQUEST = 16 * 1024 * 1024  # a command line and an environment: far less in practice


def serves(args: list[str]) -> bool:
    """Whether a resident process runs this command line: `build` and `validate`, the commands
    run again and again while data is written (typer parses them there, as here)."""
    rest = args[1:] if args[:1] == ["--debug"] else args
    return rest[:1] in (["build"], ["validate"])


def wanted(environ: dict[str, str] | None = None) -> bool:
    """Whether a command should use (and start) a resident process."""
    if not sys.platform.startswith("linux"):
        return False
    environ = os.environ if environ is None else environ
    switch = environ.get(SWITCH_VARIABLE, "").strip().lower()
    if switch in ("0", "off", "no", "false"):
        return False
    if switch in ("1", "on", "yes", "true"):
        return True
    return _isatty(1) or _isatty(2)


def _isatty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def socket_path(environ: dict[str, str] | None = None) -> str | None:
    """Where the resident process of this very tool, Python and startup environment listens;
    None when no private folder can be had for it."""
    environ = os.environ if environ is None else environ
    folder = _private_folder(environ)
    if folder is None:
        return None
    return os.path.join(folder, _key(environ)[:24] + ".sock")


def _private_folder(environ: dict[str, str]) -> str | None:
    """A folder only this user can enter: $XDG_RUNTIME_DIR (made so by the system) or one of
    ours in the temporary folder, checked to be ours and closed to others."""
    runtime = environ.get("XDG_RUNTIME_DIR", "").strip()
    if runtime and os.path.isabs(runtime):
        folder = os.path.join(runtime, "fulian-report")
    else:
        base = environ.get("TMPDIR", "").strip() or "/tmp"
        folder = os.path.join(base, f"fulian-report-{os.getuid()}")
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    import stat

    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    # A Unix socket's path is limited (108 bytes on Linux); a folder too deep is not used.
    return folder if len(folder.encode()) < 70 else None


def _key(environ: dict[str, str], package: str | None = None) -> str:
    """Everything the imported state depends on: the interpreter and its startup environment,
    the installed packages (the folders on sys.path change when anything is installed or
    removed) and every source file of this tool.  sys.path[0] is the caller's own folder (the
    script's, or the working folder of `python -m`): left out, so that every way of calling
    the same installed tool shares one resident process."""
    from . import cache

    package = package or os.path.dirname(os.path.abspath(__file__))
    parts = [os.path.realpath(sys.executable), repr(sys.flags), repr(sys.path[1:]), package]
    parts += [f"{name}={value}" for name, value in sorted(environ.items()) if name.startswith("PYTHON") or name in _STARTUP_VARIABLES]
    for folder in sys.path[1:]:
        try:
            parts.append(f"{folder}:{os.stat(folder or '.').st_mtime_ns}")
        except OSError:
            pass
    for folder, _subfolders, files in os.walk(package):
        for name in sorted(files):
            if name.endswith((".py", ".yaml", ".conf")):
                path = os.path.join(folder, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return cache.fingerprint(*parts)


# The caller's side ------------------------------------------------------------------------


def run(args: list[str]) -> int | None:
    """Run `fulian-report <args>` (a plain build, or what `serves` names) in the resident
    process, printing to our stdout and stderr; its exit status, or None when no resident
    process took it."""
    if not wanted():
        return None
    path = socket_path()
    if path is None or not os.path.exists(path):
        return None
    import json
    import signal
    import socket

    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(ANSWER_SECONDS)  # to connect, hand over and hear the fork's pid
    try:
        connection.connect(path)
        request = {
            "args": args,
            "cwd": os.getcwd(),
            "environ": dict(os.environ),
            "umask": _umask(),
            "streams": [_stream_settings(sys.stdout), _stream_settings(sys.stderr)],
        }
        message = json.dumps(request).encode("utf-8")  # ASCII: json escapes the rest
        connection.sendall(len(message).to_bytes(8, "big") + message)
        reader = connection.makefile("rb")
        child = reader.readline()
        if not child.startswith(b"pid "):
            connection.close()
            return None  # refused (another user, a resident process on its way out): build here
        pid = int(child[4:])
        sys.stdout.flush()
        sys.stderr.flush()
        # Our stdout and stderr go only with the go: descriptors in flight to a resident process
        # that never reads them would keep a pipe we write to open (`| less` would never end).
        socket.send_fds(connection, [_GO], [1, 2])
        connection.settimeout(None)  # the command has started: it takes as long as it takes
    except KeyboardInterrupt:  # Ctrl-C before the command started: nothing to stop but ourselves
        connection.close()
        sys.stderr.write("已中断。\n")
        sys.stderr.flush()
        return 130
    except TimeoutError:  # stopped or hung: a new one replaces it (start)
        connection.close()
        sys.stderr.write(NO_ANSWER_NOTICE + "\n")
        sys.stderr.flush()
        return None
    except (OSError, ValueError):  # no one listens (a socket left by a kill -9), or refused
        connection.close()
        return None

    forwarded: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        forwarded.append(signum)
        try:  # to the build and its workers, as the terminal signals a whole foreground group
            os.killpg(pid, signum)
        except OSError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    try:
        answer = reader.readline()
    except OSError:
        answer = b""
    if answer.startswith(_STATUS_PREFIX):
        return int(answer[len(_STATUS_PREFIX):])
    ending = [signum for signum in forwarded if signum != signal.SIGINT]
    if ending:
        # The build ended by the SIGTERM or SIGHUP we passed on (its staging folder removed on
        # the way, process.ended_by_signals_cleanly): so do we, as a build of our own would.
        from .process import end_by

        end_by(ending[0])
    # The build ended without a word (it died): as the tool's own fault is told.
    sys.stderr.write("发生意外错误，这是本工具的缺陷而非您数据的问题；请设置环境变量 FULIAN_REPORT_RESIDENT=0 后重新运行。\n")
    return 3


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _stream_settings(stream) -> list[str]:
    return [getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None) or "strict"]


def start() -> None:
    """Leave a resident process behind for the next build; never fails.  Called when none
    served this command (none there, a stale socket, one that did not answer): the new one's
    socket replaces the old one's, which then ends."""
    try:
        if not wanted():
            return
        path = socket_path()
        if path is None:
            return
        import json
        import subprocess

        # Started in the root folder, with our sys.path: it imports what we would have imported,
        # and nothing from the folder it happened to be started in.
        code = f"import sys; sys.path[:] = {json.dumps(sys.path)}; from fulian_report.resident import serve; serve({json.dumps(path)})"
        subprocess.Popen(
            [sys.executable, "-c", code],
            cwd="/",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
        _notice_once(os.path.dirname(path))
    except Exception:  # noqa: BLE001 - only ever a saving of time
        pass


def _notice_once(folder: str) -> None:
    """Say that a resident process was started, the first time in this private folder (a
    login's, or until the temporary folder is emptied): its mark is made whole or not at all,
    so that of callers starting one at once only one says it."""
    try:
        os.close(os.open(os.path.join(folder, _NOTICE_MARK), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:
        return
    sys.stderr.write(STARTED_NOTICE + "\n")
    sys.stderr.flush()


# The resident process ---------------------------------------------------------------------


def serve(path: str, idle: float = IDLE_SECONDS) -> None:
    """Import what a build needs, listen at `path`, fork a build for each caller; end when idle."""
    import gc
    import socket
    import time

    gc.disable()
    from . import api, build_command, cli  # noqa: F401  the imports every build and validate makes
    from .writers import docx  # noqa: F401

    gc.freeze()
    gc.enable()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    staging = f"{path}.{os.getpid()}"
    try:
        os.unlink(staging)
    except FileNotFoundError:
        pass
    listener.bind(staging)
    os.chmod(staging, 0o600)
    listener.listen(16)
    os.rename(staging, path)  # whole or not at all: a caller never finds a socket not yet listening
    ours = os.stat(path).st_ino
    listener.settimeout(1.0)
    last = time.monotonic()
    children: set[int] = set()
    try:
        while True:
            children = {pid for pid in children if not _ended(pid)}
            try:
                if os.stat(path).st_ino != ours:
                    break  # replaced by another resident process, or removed
            except OSError:
                break
            if not children and time.monotonic() - last > idle:
                break
            try:
                connection, _address = listener.accept()
            except TimeoutError:
                continue
            last = time.monotonic()
            pid = os.fork()
            if pid == 0:
                listener.close()
                _serve_one(connection)  # never returns
            children.add(pid)
            connection.close()
    finally:
        try:
            if os.stat(path).st_ino == ours:
                os.unlink(path)
        except OSError:
            pass
        listener.close()


def _ended(pid: int) -> bool:
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done != 0


def _serve_one(connection) -> None:
    """In the fork: become the caller's build, then report its exit status."""
    status = 3
    try:
        import json
        import socket
        import struct

        credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _pid, uid, _gid = struct.unpack("3i", credentials)
        if uid != os.getuid():
            os._exit(0)
        connection.settimeout(ANSWER_SECONDS)  # a caller that says nothing does not hold a fork
        size = int.from_bytes(_receive(connection, 8), "big")
        if size > _LARGEST_REQUEST:
            os._exit(0)
        request = json.loads(_receive(connection, size).decode("utf-8"))
        os.setsid()  # away from the resident process: a signal to the build is to the build alone
        connection.sendall(f"pid {os.getpid()}\n".encode())
        go, fds, _flags, _address = socket.recv_fds(connection, len(_GO), 2)
        if go != _GO or len(fds) != 2:
            os._exit(0)  # the caller gave up waiting and builds itself
        connection.settimeout(None)
        _become_caller(request, fds)
        from .cli import run_command_line

        status = run_command_line(request["args"])
    except KeyboardInterrupt:  # the caller's Ctrl-C, passed on before the command took it over
        status = 130
    except BaseException:  # noqa: BLE001 - the caller is told by the status
        status = 3
    finally:
        from .process import wind_up

        wind_up()
        try:
            connection.sendall(_STATUS_PREFIX + f"{status}\n".encode())
        except OSError:
            pass
        os._exit(status)


def _receive(connection, size: int) -> bytes:
    """Exactly `size` bytes (a large environment comes in pieces); the fork ends at an early end."""
    message = b""
    while len(message) < size:
        more = connection.recv(size - len(message))
        if not more:
            os._exit(0)
        message += more
    return message


def _become_caller(request: dict, fds: list[int]) -> None:
    """Take over the caller's folder, environment, umask and output streams."""
    import io
    import signal
    import time

    for target, fd in zip((1, 2), fds):
        os.dup2(fd, target)
        os.close(fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["environ"])
    time.tzset()
    os.umask(int(request["umask"]))
    (out_encoding, out_errors), (err_encoding, err_errors) = request["streams"]
    sys.stdout = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False), encoding=out_encoding, errors=out_errors, line_buffering=os.isatty(1), write_through=False
    )
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding=err_encoding, errors=err_errors, line_buffering=True)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    sys.argv = ["fulian-report", *request["args"]]
    # Away from the terminal's foreground group, a write to it would stop the build where the
    # terminal says `stty tostop`; a process that ignores SIGTTOU is let write, as the caller is.
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


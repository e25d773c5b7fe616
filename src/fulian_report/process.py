"""What the process meets before and around any command: its standard streams, its working
folder, and the failures they cause, which are the system's or the person's doing and never
the tool's 'internal error' (exit status 3).

- A stream closed by the caller (`fulian-report build 2021 >&-`) gets the null device on its
  descriptor.  Python leaves sys.stdout None (every write failed), and the next file the tool
  opened would take descriptor 1, where a child process (LibreOffice) writes its output.  The
  command does its work; what it would have printed goes nowhere, as the caller chose.
- A file name that is not UTF-8 reaches Python with its bytes as surrogate escapes (PEP 383);
  stdout in a UTF-8 locale writes strictly and failed on one.  It now writes the name's own
  bytes, as `ls` does, so that a script reading the output can open the file it names.
  stderr, read by a person only, shows such a name as errors.printable does (U+FFFD), whichever
  message carries it, rather than as Python's "\\udcff".
- A reader that goes away (`fulian-report validate data | head -1`) ends the command quietly,
  with the status of a process that SIGPIPE ends: what shells and `set -o pipefail` expect.
- A working folder deleted under the shell is said once, in Chinese, before any command runs:
  relative paths would otherwise be "not found" and absolute ones fail deep inside.
- SIGTERM or SIGHUP during a build or a watch (`kill`, a closed terminal, a CI job cancelled)
  unwinds it as Ctrl-C does, so that its staging folder and temporary files are removed; then
  the process ends by that same signal, as its sender expects (`ended_by_signals_cleanly`).
"""

from __future__ import annotations

import codecs
import errno
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

WORKING_FOLDER_GONE = "错误：当前所在的文件夹已不存在（可能已被删除或移走）；请先进入一个存在的文件夹（如 cd ~）再重新运行。"

# The status of a process that SIGPIPE ends; Python ignores the signal and gets EPIPE instead.
BROKEN_PIPE_STATUS = 128 + getattr(signal, "SIGPIPE", 13)


# The error handler of stderr: what UTF-8 cannot carry is written as errors.printable shows it.
PRINTABLE_ERRORS = "fulian-report-printable"


def _printable_replacement(error: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(error, UnicodeEncodeError) or not _is_utf8(error.encoding):
        raise error
    from .errors import printable  # only when a name that is not UTF-8 is written

    # Bytes: the UTF-8 encoder takes only ASCII from a handler as text.
    return printable(error.object[error.start : error.end]).encode("utf-8"), error.end


codecs.register_error(PRINTABLE_ERRORS, _printable_replacement)


# The signals that end a process outright unless it handles them, and that a person or a system
# sends to end one (SIGINT is Python's KeyboardInterrupt already).
_TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Terminated(BaseException):
    """A terminating signal received: raised where the work is, like KeyboardInterrupt, so that its
    `with` and `finally` blocks run; not an Exception, so that no handler of errors takes it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


# The terminating signal received within ended_by_signals_cleanly, if any.
_received: list[int] = []


def _raise_terminated(signum: int, _frame: object) -> None:
    for other in _TERMINATING:  # a second signal does not cut the cleaning up short
        signal.signal(other, signal.SIG_IGN)
    _received.append(signum)
    raise Terminated(signum)


@contextmanager
def ended_by_signals_cleanly() -> Iterator[None]:
    """Within: SIGTERM and SIGHUP, where they would end the process outright, raise `Terminated`;
    once it has unwound to here, the process ends by that signal.  A signal the process ignores
    (nohup) stays ignored, one that someone else handles stays theirs; outside the main thread
    (where no handler can be set) nothing changes.

    The process ends by the signal also where a library turned `Terminated` into something else
    or swallowed it: watchfiles answers any exception of a signal handler with KeyboardInterrupt."""
    main = threading.current_thread() is threading.main_thread()
    taken = [signum for signum in _TERMINATING if signal.getsignal(signum) == signal.SIG_DFL] if main else []
    if not taken:  # not ours to handle here (an enclosing call's, nohup's, a resident client's)
        yield
        return
    for signum in taken:
        signal.signal(signum, _raise_terminated)
    del _received[:]
    try:
        yield
    finally:
        if _received:
            end_by(_received[0])
        for signum in taken:
            signal.signal(signum, signal.SIG_DFL)


def end_by(signum: int) -> None:
    """End this process by `signum`, its default action (its exit status is the signal's)."""
    try:
        sys.stdout.flush()  # what was said before the signal (已写入 …) is not lost
    except (OSError, ValueError, AttributeError):
        pass
    signal.signal(signum, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signum})
    os.kill(os.getpid(), signum)


def prepare() -> int | None:
    """Make the standard streams safe to use; the exit status if no command can run here (said
    on stderr), else None."""
    if sys.stdin is None or sys.stdout is None or sys.stderr is None:
        _fill_closed_streams()
    sys.excepthook = _outside_or_as_before(sys.excepthook)
    stdout = sys.stdout
    if getattr(stdout, "errors", None) == "strict" and _is_utf8(getattr(stdout, "encoding", "")):
        try:
            stdout.reconfigure(errors="surrogateescape")
        except (AttributeError, ValueError):
            pass  # not a text stream of io's: left as it is
    stderr = sys.stderr
    if _is_utf8(getattr(stderr, "encoding", "")):
        try:
            stderr.reconfigure(errors=PRINTABLE_ERRORS)
        except (AttributeError, ValueError):
            pass
    try:
        os.getcwd()
    except FileNotFoundError:
        sys.stderr.write(WORKING_FOLDER_GONE + "\n")
        sys.stderr.flush()
        return 1
    return None


def _is_utf8(encoding: str) -> bool:
    return encoding.lower().replace("-", "").replace("_", "") == "utf8"


def _fill_closed_streams() -> None:
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        if getattr(sys, name) is not None:
            continue
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
        setattr(sys, name, open(fd, mode, encoding="utf-8", errors={1: "surrogateescape", 2: PRINTABLE_ERRORS}.get(fd, "strict"), closefd=False))


def _outside_or_as_before(hook):
    """For what no handler caught (the --help printed outside the commands' handlers)."""

    def handle(kind, error, trace) -> None:
        status = outside_cause(error) if isinstance(error, Exception) else None
        if status is None:
            hook(kind, error, trace)
            return
        exit_now(status)  # the status said: not the 1 an uncaught exception would end with

    return handle


def exit_now(status: int) -> None:
    """End without Python's teardown (freeing every object one by one): the reports are
    written and closed, the worker processes joined; only what wind_up does is left."""
    wind_up()
    os._exit(status)


def wind_up() -> None:
    """What a command leaves to do when its process ends without Python's teardown: flush the
    output and remove the LibreOffice profile of a PDF converted in this process."""
    pdf = sys.modules.get(f"{__package__}.writers.pdf")
    if pdf is not None:
        pdf.remove_profile()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def outside_cause(error: BaseException, debug: bool = False) -> int | None:
    """For an exception that reached the top of the command line: when it is the doing of the
    system or of the person (a file system's refusal, a reader gone, the working folder gone),
    say so in Chinese and return the exit status; None for a fault of the tool itself.

    typer ends with SystemExit(1) when the reader went away: taken as the reader gone, so that
    every command ends the same way."""
    if isinstance(error, SystemExit):
        return outside_cause(error.__context__) if _reader_gone(error.__context__) else None
    if _reader_gone(error):
        _discard_stdout()
        return BROKEN_PIPE_STATUS
    if not isinstance(error, OSError):
        return None
    if debug:
        import traceback

        traceback.print_exc()
    try:
        os.getcwd()
    except FileNotFoundError:
        message = WORKING_FOLDER_GONE
    else:
        from .errors import printable_path, os_reason

        where = next((printable_path(name) for name in (error.filename, error.filename2) if name), "")
        message = f"错误：{where}：{os_reason(error)}。" if where else f"错误：{os_reason(error)}。"
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
    return 1


def _reader_gone(error: BaseException | None) -> bool:
    return isinstance(error, OSError) and error.errno == errno.EPIPE


def _discard_stdout() -> None:
    """The reader is gone: what is still buffered for it, and the flush at exit, go nowhere."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, AttributeError, ValueError):
        pass

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
"""

from __future__ import annotations

import codecs
import errno
import os
import signal
import sys

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
        from .launcher import _exit_now

        _exit_now(status)  # the status said: not the 1 an uncaught exception would end with

    return handle


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

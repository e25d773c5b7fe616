"""Writing files so that a failed or interrupted build never leaves half a report.

A report is written to a temporary file beside it and renamed over it, so a
reader sees the old file or the new one, never a mixture.  A build killed
while writing leaves its temporary file behind; the next build into the same
folder removes it (`remove_leftovers`), under the folder's lock
(`output_lock`), which also keeps two builds from writing one folder at once.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import FulianError
from ..source.yaml_source import display_path

LOCK_NAME = ".fulian-report.lock"
# How long a build waits for another one writing the same folder.  Only the writing
# holds the lock (rendering does not), so a build usually waits a second or two;
# beyond this the other build is taken to be stuck, and the user is told instead of
# left waiting.
LOCK_WAIT_SECONDS = 30
# The temporary files of atomic_write: “.<name>.” + mkstemp's 8 random characters + “.tmp”.
_TEMPORARY = re.compile(r"^\..*\.[a-z0-9_]{8}\.tmp$")


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_NEW_FILE_MODE = _default_mode()


def atomic_write(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); a report keeps the mode of the one it replaces.
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else _NEW_FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def output_lock(folder: Path, wait: float | None = None) -> Iterator[None]:
    """Hold `folder` for one build; another build waits up to `wait` seconds (LOCK_WAIT_SECONDS
    unless given), then is refused.

    The lock is the operating system's (flock, or its Windows counterpart, through
    `filelock`): it ends with the process that holds it, so a killed build never
    leaves the folder locked."""
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / LOCK_NAME, timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise FulianError.single(
            display_path(folder),
            f"另一个生成正在写入这个文件夹，等了 {wait:g} 秒仍未结束；为免两次生成互相覆盖，这次没有写入任何文件。"
            "请等它结束后再运行（锁在那次生成结束时自动解除，无需删除锁文件）。",
        ) from None
    try:
        yield
    finally:
        lock.release()


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files an interrupted build left in `folder`; call it holding the lock."""
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for path in entries:
        if _TEMPORARY.match(path.name) and path.is_file() and not path.is_symlink():
            try:
                path.unlink()
            except OSError:
                continue  # left for the next build; it harms nothing
            removed.append(path)
    return removed

"""Writing files so that a failed or interrupted build never leaves half a report.

A report is written to a temporary file beside it and renamed over it, so a
reader sees the old file or the new one, never a mixture.  A build killed
while writing leaves its temporary file behind; the next build into the same
folder removes it (`remove_leftovers`), under the folder's lock
(`output_lock`), which also keeps two builds from writing one folder at once.

A batch does not keep its reports in memory until all are rendered: each is
staged as it comes (`Staging`), in a hidden folder of the output folder, and
moved into place by a rename once every title is known to be its own.  The
staging folder is held by a lock of its own, so that another build removes it
only once the build that made it is gone.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import FulianError
from .source.yaml_source import display_path

LOCK_NAME = ".fulian-report.lock"
# How long a build waits for another one writing the same folder.  Only the writing
# holds the lock (rendering does not), so a build usually waits a second or two;
# beyond this the other build is taken to be stuck, and the user is told instead of
# left waiting.
LOCK_WAIT_SECONDS = 30
# The temporary files of atomic_write: “.<name>.” + mkstemp's 8 random characters + “.tmp”.
_TEMPORARY = re.compile(r"^\..*\.[a-z0-9_]{8}\.tmp$")
# A batch's staging folder (mkdtemp's 8 random characters), and the lock its build holds in it.
_STAGING_PREFIX = ".fulian-report-staging."
_STAGING = re.compile(r"^\.fulian-report-staging\.[a-z0-9_]{8}$")
_STAGING_LOCK = "lock"


def _new_file_mode() -> int:
    """The mode a new file gets under the umask in force now (read at each write: a resident
    build process takes its caller's umask after this module is imported)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        _write_synced(handle, content)
        _replace(Path(temporary), path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_synced(handle: int, content: bytes) -> None:
    """Write `content` to the open file `handle` and close it, its bytes on the disk."""
    with os.fdopen(handle, "wb") as stream:
        stream.write(content)
        stream.flush()
        os.fsync(stream.fileno())


def _replace(temporary: Path, path: Path) -> None:
    # mkstemp makes the file private (0600); a report keeps the mode of the one it replaces.
    os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else _new_file_mode())
    os.replace(temporary, path)


class Staging:
    """A batch's reports, each written to disk as it is rendered and moved into `folder` later.

    Used as a context manager: on leaving, whatever was not moved into place is deleted,
    with the staging folder and any folder it had to create that stayed empty, so that a
    build that writes no report leaves nothing behind."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._staging: Path | None = None
        self._lock: FileLock | None = None
        self._created: list[Path] = []  # folders made for the staging, innermost first
        self._staged: dict[Path, Path] = {}  # final path → its staged file

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def add(self, path: Path, content: bytes) -> None:
        """Stage `content` as the future `path` (in `folder`), its bytes synced to the disk."""
        staging = self._staging or self._open()
        handle, staged = tempfile.mkstemp(dir=staging)
        try:
            _write_synced(handle, content)
        except BaseException:
            Path(staged).unlink(missing_ok=True)
            raise
        self.discard(path)
        self._staged[path] = Path(staged)

    def discard(self, path: Path) -> None:
        """Forget the staged `path`: it will not be written."""
        staged = self._staged.pop(path, None)
        if staged is not None:
            staged.unlink(missing_ok=True)

    def commit(self, path: Path) -> None:
        """Move the staged `path` into place, over the file there (a rename: all or nothing)."""
        _replace(self._staged[path], path)
        del self._staged[path]

    def clear(self) -> None:
        """Forget every staged report; the staging folder stays for the next build (watch's)."""
        for path in list(self._staged):
            self.discard(path)

    def close(self) -> None:
        if self._staging is None:
            return
        if self._lock is not None:
            self._lock.release()
        shutil.rmtree(self._staging, ignore_errors=True)
        self._staging, self._lock, self._staged = None, None, {}
        for folder in self._created:
            try:
                folder.rmdir()
            except OSError:
                break  # it holds something now (a report, the lock file): it and its parents stay

    def _open(self) -> Path:
        missing = self.folder
        while not missing.exists() and missing.parent != missing:
            self._created.append(missing)
            missing = missing.parent
        self.folder.mkdir(parents=True, exist_ok=True)
        while True:
            staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=self.folder))
            lock = FileLock(staging / _STAGING_LOCK)
            try:
                lock.acquire()
            except OSError:
                continue  # another build took it for abandoned before it was held, and removed it
            if (staging / _STAGING_LOCK).is_file():
                break
            lock.release()  # removed in that moment all the same (the remover deletes holding the lock)
        self._staging, self._lock = staging, lock
        return staging


@contextmanager
def output_lock(folder: Path, wait: float | None = None) -> Iterator[None]:
    """Hold `folder` for one build; another build waits up to `wait` seconds (LOCK_WAIT_SECONDS
    unless given), then is refused.

    The lock is the operating system's (flock, or its Windows counterpart, through
    `filelock`): it ends with the process that holds it, so a killed build never
    leaves the folder locked."""
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    folder.mkdir(parents=True, exist_ok=True)
    refusal = (
        f"另一个生成正在写入这个文件夹，等了 {wait:g} 秒仍未结束；为免两次生成互相覆盖，这次没有写入任何文件。"
        "请等它结束后再运行（锁在那次生成结束时自动解除，无需删除锁文件）。"
    )
    with _held(FileLock(folder / LOCK_NAME, timeout=wait), display_path(folder), refusal):
        yield


# Edits of a data file from one process (the preview's page threads) wait here for each other.
_EDITS_IN_THIS_PROCESS = threading.Lock()


@contextmanager
def data_lock(file: Path, wait: float) -> Iterator[None]:
    """Hold the data file `file` for one edit (read, check, write); another edit of it waits up to
    `wait` seconds, then is refused.

    The lock file is the user's own, in the tool's state folder (cache.state_folder), named by the
    file's resolved path: nothing of the tool's is left in the user's data folder, even when the
    process is killed, and no lock file is ever removed while another process may be waiting on it.
    Without a private state folder the edits of this process still wait for each other."""
    from .cache import private_folder, state_folder

    refusal = f"另一处修改正在写入这个文件，等了 {wait:g} 秒仍未结束；这次没有写入，请稍后再填写。"
    if not _EDITS_IN_THIS_PROCESS.acquire(timeout=wait):
        raise FulianError.single(display_path(file), refusal)
    try:
        folder = private_folder(os.path.join(state_folder(), "locks"))
        if folder is None:
            yield
            return
        name = hashlib.blake2b(os.fsencode(os.path.realpath(file)), digest_size=16).hexdigest()
        with _held(FileLock(os.path.join(folder, name + ".lock"), timeout=wait), display_path(file), refusal):
            yield
    finally:
        _EDITS_IN_THIS_PROCESS.release()


@contextmanager
def _held(lock: FileLock, where: str, refusal: str) -> Iterator[None]:
    try:
        lock.acquire()
    except Timeout:
        raise FulianError.single(where, refusal) from None
    try:
        yield
    finally:
        lock.release()


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files and staging folders an interrupted build left in `folder`; call it
    holding the lock."""
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for path in entries:
        if _STAGING.match(path.name) and path.is_dir() and not path.is_symlink():
            if _abandoned(path):
                removed.append(path)
            continue
        if _TEMPORARY.match(path.name) and path.is_file() and not path.is_symlink():
            try:
                path.unlink()
            except OSError:
                continue  # left for the next build; it harms nothing
            removed.append(path)
    return removed


def _abandoned(staging: Path) -> bool:
    """Remove `staging` if the build that staged into it is gone (its lock can be had at once)."""
    lock = FileLock(staging / _STAGING_LOCK, timeout=0)
    try:
        lock.acquire()
    except (Timeout, OSError):
        return False
    try:
        # Removed while the lock is held, so that a build taking the lock of a folder it has just
        # made finds the folder gone, and makes another, rather than staging into a removed one.
        shutil.rmtree(staging, ignore_errors=True)
    finally:
        lock.release()
    if os.name == "nt":  # an open file cannot be removed there: the lock file goes after its release
        shutil.rmtree(staging, ignore_errors=True)
    return True

"""Reading a file that came from outside only when it is what it claims to be.

The one place that opens such a file: a regular file, not a link (opened with O_NOFOLLOW, so
a link swapped in after looking fails too), never waited on (O_NONBLOCK: a FIFO or a device
neither blocks nor streams forever), and at most `limit` bytes, counted while reading since
a file may grow after it was looked at.  Callers turn `Refused` into their own message (a
data file's located error, or a cache entry silently made again).

Imports nothing beyond os and stat: a cached --help reads its entry through this module.
"""

from __future__ import annotations

import os
import stat

OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)

LINK, DIRECTORY, SPECIAL, TOO_BIG = "link", "directory", "special", "too big"


class Refused(Exception):
    """The file is not read: `reason` is one of LINK, DIRECTORY, SPECIAL, TOO_BIG; `size` is
    what was seen of it (for TOO_BIG)."""

    def __init__(self, reason: str, size: int = 0):
        super().__init__(reason)
        self.reason, self.size = reason, size


def read_regular(path: str | os.PathLike, limit: int, owner: int | None = None) -> bytes:
    """The bytes of `path`, a regular file of at most `limit` bytes (and, with `owner`, one that
    user owns).  Raises Refused, or OSError for what the system refuses."""
    info = os.lstat(path)
    _check(info, limit, owner)
    handle = os.open(path, OPEN_FLAGS)
    try:
        opened = os.fstat(handle)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise Refused(SPECIAL)  # replaced between looking and opening
        _check(opened, limit, owner)
        return read_bounded(handle, limit)
    finally:
        os.close(handle)


def read_bounded(handle: int, limit: int) -> bytes:
    """At most `limit` bytes from an open file; Refused(TOO_BIG) when there are more."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(handle, min(limit + 1 - size, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:  # grew after it was looked at
        raise Refused(TOO_BIG, size)
    return b"".join(chunks)


def _check(info: os.stat_result, limit: int, owner: int | None) -> None:
    if stat.S_ISLNK(info.st_mode):
        raise Refused(LINK)
    if stat.S_ISDIR(info.st_mode):
        raise Refused(DIRECTORY)
    if not stat.S_ISREG(info.st_mode):
        raise Refused(SPECIAL)
    if owner is not None and (info.st_uid != owner or info.st_mode & 0o022):
        raise Refused(SPECIAL)
    if info.st_size > limit:
        raise Refused(TOO_BIG, info.st_size)

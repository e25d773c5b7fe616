"""A .docx package that is the same bytes whenever, wherever and by whomever it is built.

python-docx stamps every zip entry with the current local time; here every
entry carries one fixed time, the document properties (created, modified)
carry the same time, and the parts are written in a fixed order.  The time is
`SOURCE_DATE_EPOCH` (seconds since 1970, UTC) where it is set, as the
reproducible-builds convention asks, and otherwise 1980-01-01 00:00 UTC, the
earliest time a zip entry can hold.

The zip is written here rather than through `zipfile`, because `zipfile`
cannot take an entry already compressed: the parts every report of a style
shares (styles, theme, fonts: over 800 KB of XML) are compressed once per
process and reused, which makes writing a report several times faster.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
import zlib
from functools import lru_cache
from typing import Any

from ..errors import FulianError

EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"
# The zip format counts from 1980: the earliest time an entry can carry.
DEFAULT_TIME = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
_ZIP_EARLIEST = DEFAULT_TIME
_ZIP_LATEST = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.timezone.utc)

_CONTENT_TYPES = "[Content_Types].xml"
_PACKAGE_RELS = "_rels/.rels"
_COMPRESSION_LEVEL = 6  # zlib's default, what Word and python-docx use


def build_time(environ: dict[str, str] | None = None) -> dt.datetime:
    """The time written into every package: SOURCE_DATE_EPOCH, or 1980-01-01 00:00 UTC."""
    environ = os.environ if environ is None else environ
    value = environ.get(EPOCH_VARIABLE, "").strip()
    if not value:
        return DEFAULT_TIME
    if not value.isdigit():
        raise FulianError.single(EPOCH_VARIABLE, f"环境变量 {EPOCH_VARIABLE} 应是从 1970 年起的秒数（非负整数），现在是“{value}”")
    moment = dt.datetime.fromtimestamp(int(value), dt.timezone.utc)
    # A zip entry cannot hold a time outside 1980–2107; the properties then say the same clamped time.
    return min(max(moment, _ZIP_EARLIEST), _ZIP_LATEST)


def stamp_properties(properties: Any, when: dt.datetime) -> None:
    """Date python-docx's `CoreProperties` `when`, and leave out who saved it last."""
    properties.created = when.replace(tzinfo=None)
    properties.modified = when.replace(tzinfo=None)
    properties.last_modified_by = ""
    properties.revision = 1


def package_entries(package: Any) -> list[tuple[str, bytes]]:
    """(name in the zip, bytes) of every part: content types, package relationships, then by name."""
    from docx.opc.pkgwriter import _ContentTypesItem

    parts = package.parts
    entries: dict[str, bytes] = {}
    for part in parts:
        part.before_marshal()
        entries[part.partname.membername] = part.blob
        if len(part.rels):
            entries[part.partname.rels_uri.membername] = part.rels.xml
    head = [(_CONTENT_TYPES, _ContentTypesItem.from_parts(parts).blob), (_PACKAGE_RELS, package.rels.xml)]
    return head + sorted(entries.items())


def zip_bytes(entries: list[tuple[str, bytes]], when: dt.datetime) -> bytes:
    """A zip archive of `entries` in the given order, every entry dated `when` (UTC)."""
    date, time = _dos_date_time(when)
    chunks: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for name, data in entries:
        raw_name = name.encode("utf-8")
        crc, compressed = _deflated(data)
        flags = 0x800 if not raw_name.isascii() else 0  # bit 11: the name is UTF-8
        # version needed 2.0, general flags, method 8 (deflate), time, date, crc, sizes, name length, no extra
        fields = (20, flags, 8, time, date, crc, len(compressed), len(data), len(raw_name))
        local = struct.pack("<4s5HL2L2H", b"PK\x03\x04", *fields, 0) + raw_name
        chunks += [local, compressed]
        # made by: version 2.0 on Unix (3), so the permissions below are read the same everywhere
        directory.append(
            struct.pack("<4s6HL2L5H2L", b"PK\x01\x02", (3 << 8) | 20, *fields, 0, 0, 0, 0, 0o100644 << 16, offset)
            + raw_name
        )
        offset += len(local) + len(compressed)
    central = b"".join(directory)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), offset, 0)
    return b"".join(chunks) + central + end


@lru_cache(maxsize=64)
def _deflated(data: bytes) -> tuple[int, bytes]:
    """CRC-32 and raw deflate stream of `data`; a part shared by many reports is compressed once."""
    compressor = zlib.compressobj(_COMPRESSION_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


def _dos_date_time(when: dt.datetime) -> tuple[int, int]:
    moment = when.astimezone(dt.timezone.utc) if when.tzinfo else when
    moment = min(max(moment.replace(tzinfo=None), _ZIP_EARLIEST.replace(tzinfo=None)), _ZIP_LATEST.replace(tzinfo=None))
    date = ((moment.year - 1980) << 9) | (moment.month << 5) | moment.day
    time = (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2)
    return date, time

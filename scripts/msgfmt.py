"""Compile a gettext catalogue (.po) into the binary form Python's gettext reads (.mo).

    python scripts/msgfmt.py src/fulian_report/locale/zh_CN/LC_MESSAGES/cli.po

writes cli.mo beside it.  The same steps as GNU msgfmt for what our catalogues use (plain and
plural entries, multi-line strings, comments); no new dependency for a file of a hundred lines.
An entry whose msgstr is empty, or marked fuzzy, is left out, as msgfmt leaves it out.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path


def parse_po(text: str) -> dict[str, str]:
    """The catalogue's entries: msgid (with msgid_plural joined by NUL) → msgstr (forms joined by NUL)."""
    entries: dict[str, str] = {}
    msgid: list[str] | None = None
    plural: str | None = None
    forms: dict[int, str] = {}
    fuzzy = False
    current: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal msgid, plural, forms, fuzzy, current
        if msgid is not None and not fuzzy:
            key = msgid[0] if plural is None else f"{msgid[0]}\0{plural}"
            value = "\0".join(forms[i] for i in sorted(forms))
            if any(forms.values()):
                entries[key] = value
        msgid, plural, forms, fuzzy, current = None, None, {}, False, None

    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line.startswith("#,") and "fuzzy" in line:
            finish()
            fuzzy = True
            continue
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        try:
            string = ast.literal_eval(rest) if rest else ""
        except (SyntaxError, ValueError):
            raise ValueError(f"line {number}: not a quoted string: {line}") from None
        if keyword == "msgid":
            if msgid is not None:  # the entry before, not closed by a comment
                finish()
            msgid = [string]
            current = ("msgid", 0)
        elif keyword == "msgid_plural":
            plural = string
            current = ("msgid_plural", 0)
        elif keyword == "msgstr":
            forms[0] = string
            current = ("msgstr", 0)
        elif keyword.startswith("msgstr["):
            index = int(keyword[len("msgstr["):-1])
            forms[index] = string
            current = ("msgstr", index)
        elif keyword == "" and current is not None:
            kind, index = current
            if kind == "msgid":
                msgid[0] += string
            elif kind == "msgid_plural":
                plural += string
            else:
                forms[index] += string
        else:
            raise ValueError(f"line {number}: unknown keyword: {line}")
    finish()
    return entries


def compile_mo(entries: dict[str, str]) -> bytes:
    """The .mo bytes of these entries: GNU's layout, keys sorted, no hash table."""
    keys = sorted(entries)
    ids = b""
    strs = b""
    offsets = []
    for key in keys:
        key_bytes, value_bytes = key.encode("utf-8"), entries[key].encode("utf-8")
        offsets.append((len(ids), len(key_bytes), len(strs), len(value_bytes)))
        ids += key_bytes + b"\0"
        strs += value_bytes + b"\0"
    count = len(keys)
    key_start = 7 * 4 + 16 * count
    value_start = key_start + len(ids)
    key_table, value_table = [], []
    for key_offset, key_length, value_offset, value_length in offsets:
        key_table += [key_length, key_offset + key_start]
        value_table += [value_length, value_offset + value_start]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    return header + struct.pack(f"{len(key_table)}i", *key_table) + struct.pack(f"{len(value_table)}i", *value_table) + ids + strs


def main(paths: list[str]) -> int:
    for name in paths:
        source = Path(name)
        source.with_suffix(".mo").write_bytes(compile_mo(parse_po(source.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

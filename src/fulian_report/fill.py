"""Changing one value of a data file from the preview: `init`'s 待填 markers, or any printed figure.

The edit is surgical: the file is read again (another editor's save meanwhile is kept),
the scalar at the value's path is found in that text with its exact span, and only that
span is replaced; every other byte (comments, order, quoting, blank lines, the file's
encoding) stays as it was.  Before anything is written, the file with the new value is
checked with the same models and Chinese messages as `validate`: an edit that brings a
new error is refused, with the error.  An edit whose value changed on disk since the
page showed it is refused too, so that nobody's save is overwritten unseen.  The write
is the tool's atomic write, holding the file's lock (output.py data_lock), which
leaves nothing in the data folder.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Finding, FulianError, Severity
from .model.period import ReportingPeriod
from .model.unfilled import is_marker, markers
from .source.yaml_source import PartialSource, decode, display_path, parse_yaml, read_source_bytes

# A value typed into the page: one line of text, as long as any figure or date needs.
MAX_VALUE_CHARS = 200
# How long an edit waits for another edit of the same file (the page waits for the answer).
LOCK_WAIT_SECONDS = 5

PathKey = tuple[str | int, ...]

# How a refusal because the file changed since the page showed it begins (the page then redraws).
CHANGED_MEANWHILE = "文件已变："


@dataclass(frozen=True)
class Span:
    """Where a scalar is written in a file's text: [start, end) in characters, and how it is quoted."""

    start: int
    end: int
    style: str | None  # None for a plain scalar, "'" or '"' when quoted, "|" or ">" for a block
    line: int  # 1-based


def scalar_spans(text: str) -> dict[PathKey, Span]:
    """Every scalar value of a YAML text by its path (mapping keys and list indexes).

    Read from PyYAML's parser events (libyaml's where installed), whose marks count characters
    of the text as given (the file's own loader keeps lines and columns, not where a value ends)."""
    spans: dict[PathKey, Span] = {}
    stack: list[list[Any]] = []  # [kind, path, next key or index, expecting a key]

    def place() -> PathKey | None:
        if not stack:
            return ()
        frame = stack[-1]
        if frame[0] == "map":
            if frame[3]:
                return None  # this scalar is a key
            return (*frame[1], frame[2])
        return (*frame[1], frame[2])

    def advance() -> None:
        if not stack:
            return
        frame = stack[-1]
        if frame[0] == "map":
            frame[3] = not frame[3]
        else:
            frame[2] += 1

    for event in yaml.parse(text, Loader=_EVENT_LOADER):
        if isinstance(event, yaml.ScalarEvent):
            path = place()
            if path is None:
                stack[-1][2] = event.value
            else:
                spans[path] = Span(event.start_mark.index, event.end_mark.index, event.style, event.start_mark.line + 1)
            advance()
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            path = place()
            stack.append(["map" if isinstance(event, yaml.MappingStartEvent) else "seq", path or (), 0, True])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            advance()
        elif isinstance(event, yaml.AliasEvent):
            advance()
    return spans


_EVENT_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A lone "=" reads as YAML's value key (tag:yaml.org,2002:value), which the data files refuse.
_PLAIN_UNSAFE = re.compile(r"""^[\s\-?:,\[\]{}#&*!|>'"%@`]|[\s]$|: |\s#|[,\[\]{}]|^=$""")


def yaml_scalar(value: str, style: str | None) -> str:
    """`value` written as a YAML scalar: plain where it reads back as this same text and type
    the clerk would get typing it into the file, else in double quotes (or the quotes it had)."""
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == '"' or _PLAIN_UNSAFE.search(value) or not _reads_back_plain(value):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def _reads_back_plain(value: str) -> bool:
    """Whether `value` written plain after a key is one plain scalar of exactly this text."""
    try:
        events = list(yaml.parse(f"k: {value}\n", Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return False
    scalars = [event for event in events if isinstance(event, yaml.ScalarEvent)]
    collections = [event for event in events if isinstance(event, yaml.CollectionStartEvent)]
    return len(scalars) == 2 and len(collections) == 1 and scalars[1].value == value and scalars[1].style is None


def value_at(data: Any, path: PathKey) -> Any:
    """The value at `path`, or KeyError."""
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            raise KeyError(part)
    return data


def shown(value: Any) -> str:
    """How a value read from a file is compared and offered for editing (a date as 2022-03-08)."""
    return "" if value is None else str(value)


def _encoding(raw: bytes) -> tuple[bytes, str]:
    """(the BOM to keep, the encoding) of a file `decode` reads: UTF-8 or GBK."""
    if raw.startswith(codecs.BOM_UTF8):
        return codecs.BOM_UTF8, "utf-8"
    try:
        raw.decode("utf-8")
        return b"", "utf-8"
    except UnicodeDecodeError:
        return b"", "gbk"


@dataclass
class Edit:
    """One value to change: the file, the path inside it, what the page showed, the new text."""

    file: Path
    subject: str
    path: PathKey
    was: str
    value: str


def _refuse(file: Path, message: str, line: int = 0) -> FulianError:
    return FulianError.single(display_path(file), message, line)


def apply_edit(edit: Edit, validate: Any) -> int:
    """Write `edit.value` at `edit.path` of `edit.file`; return the line written.

    `validate(subject, source)` gives the findings of a parsed file as `validate` does.
    Raises FulianError (in Chinese, with the file and line) and writes nothing when the value
    is not one line, the file changed there meanwhile, or the new value brings an error."""
    from .output import atomic_write, data_lock

    value = edit.value.strip()
    if not value:
        raise _refuse(edit.file, "没有填写内容。")
    if len(value) > MAX_VALUE_CHARS or any(not char.isprintable() for char in value):
        raise _refuse(edit.file, f"只能填写一行文字（至多 {MAX_VALUE_CHARS} 个字符）。")
    with data_lock(edit.file, wait=LOCK_WAIT_SECONDS):
        raw = read_source_bytes(edit.file)
        text, _ = decode(raw, edit.file)
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or "\x00" in text:
            raise _refuse(edit.file, "这个文件是 UTF-16 编码，预览中不能修改；请用记事本另存为 UTF-8 后再填写。")
        before = _parsed(text, edit.file)
        try:
            current = value_at(before.data, edit.path)
        except KeyError:
            raise _refuse(edit.file, f"{CHANGED_MEANWHILE}文件中已没有这一项（可能刚被别人修改过），没有写入；页面已按文件现在的内容刷新。") from None
        span = scalar_spans(text).get(edit.path)
        if span is None or isinstance(current, (dict, list)):
            raise _refuse(edit.file, "这一项不是单独的一个值，不能在页面中修改；请在文件中修改。")
        if shown(current) != edit.was:
            raise _refuse(
                edit.file,
                f"{CHANGED_MEANWHILE}这一项在文件中已改为“{shown(current)}”（页面显示时是“{edit.was}”），可能刚被别人保存过；"
                "为免覆盖，没有写入。页面已刷新，请看过后再填写。",
                span.line,
            )
        if span.style in ("|", ">"):
            raise _refuse(edit.file, "这一项写成了多行文字，不能在页面中修改；请在文件中修改。", span.line)
        written = yaml_scalar(value, span.style)
        new_text = text[: span.start] + written + text[span.end :]
        after = _parsed(new_text, edit.file)
        written_back = value_at(after.data, edit.path)
        if isinstance(written_back, (dict, list)) or shown(written_back) == "":
            raise _refuse(edit.file, f"“{value}”不能作为这一项的值。", span.line)
        new_errors = _new_errors(validate(edit.subject, before), validate(edit.subject, after))
        if is_marker(value):  # put back to be filled (an undo): its own 待填 message is expected
            new_errors = [f for f in new_errors if not (f.location.line == span.line and f.message.startswith("待填："))]
        # A rule broken at a value still to fill (a total whose parts are being filled one by one)
        # is checked with last year's value standing in there: it is no fault of this value yet.
        standing_in = {after.locate_value(path).line for path, _ in markers(after.data)} - {span.line}
        new_errors = [f for f in new_errors if f.location.line not in standing_in]
        if new_errors:
            raise FulianError(new_errors)
        bom, encoding = _encoding(raw)
        try:
            new_raw = bom + new_text.encode(encoding)
        except UnicodeEncodeError:
            raise _refuse(edit.file, f"“{value}”中有 GBK 编码的文件存不下的字符；请把文件另存为 UTF-8 后再填写。", span.line) from None
        if bom + text.encode(encoding) != raw:  # the rest would not come back byte for byte
            raise _refuse(edit.file, "这个文件的写法无法原样保留（换行或编码特殊），为免改动其他内容，没有写入；请在文件中修改。")
        atomic_write(edit.file, new_raw)
        return span.line


def _parsed(text: str, file: Path) -> Any:
    try:
        return parse_yaml(text, file)
    except PartialSource as exc:
        raise FulianError(exc.findings) from None


def _new_errors(before: Iterable[Finding], after: Iterable[Finding]) -> list[Finding]:
    """The errors `after` has that `before` had not (a value's own 待填 message goes with it)."""
    known = {(f.location.line, f.message) for f in before if f.severity is Severity.ERROR}
    return [f for f in after if f.severity is Severity.ERROR and (f.location.line, f.message) not in known]


def subject_validator(period: ReportingPeriod, measure_words: Iterable[str]) -> Any:
    """validate(subject, source) → findings, as `validate` checks the file in this organisation."""
    from .model.dataset import validate_subject

    words = tuple(measure_words)

    def validate(subject: str, source: Any) -> list[Finding]:
        return list(validate_subject(subject, source, period, words)[1])

    return validate


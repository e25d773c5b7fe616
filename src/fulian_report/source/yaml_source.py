"""YAML → plain Python values, each remembered with where it was written.

PyYAML's `safe_load` forgets positions and silently keeps the last of two
duplicate keys; a person then loses what they wrote without a word.  So we
compose the node tree ourselves and build the values from it, keeping the
(line, column) of every mapping key and value under its path.
"""

from __future__ import annotations

import codecs
import os
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from .. import regular_file
from ..errors import Finding, FulianError, Location, Severity, read_error_message

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, deciding faster that most scalars are plain text.

    A plain scalar whose first character starts no implicit type (every
    Chinese text, most names) is a string: the resolver would try no pattern
    on it.  Any other plain scalar's type depends on its text alone (the safe
    loader has no path resolvers), so each text is resolved once, whatever file
    holds it: figures repeat on every record and in every organisation.
    """

    _typed_first = frozenset(k for k in _BaseLoader.yaml_implicit_resolvers if k)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            if value and value[0] not in self._typed_first:
                return _STR_TAG
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                tag = _remember(_PLAIN_TAGS, value, super().resolve(kind, value, implicit))
            return tag
        return super().resolve(kind, value, implicit)


# Plain texts' tags, and the values of texts whose type depends on the text alone (numbers,
# dates, booleans, null: all immutable), shared by every file a process reads.  Bounded: a
# batch's figures would otherwise keep a worker's memory growing.
_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_VALUES: dict[tuple[str, str], Any] = {}
_REMEMBERED = 4096


def _remember(table: dict, key: Any, value: Any) -> Any:
    if len(table) >= _REMEMBERED:
        table.clear()
    table[key] = value
    return value

PathKey = tuple[Any, ...]

# The largest real data file is under 40 KB; an office that kept every single
# activity of a year as a record (10,000 of them) would write about 1 MB.  A file
# over twice that is a wrong file, and reading it only makes the person wait.
MAX_FILE_BYTES = 2 * 1024 * 1024
# Real data nests six or seven levels.  libyaml's composer recurses in C and
# crashes the process on nesting in the tens of thousands, so depth is
# checked on the (flat) event stream before anything is composed.
MAX_DEPTH = 100
# Characters Word cannot open in a .docx (XML 1.0 forbids them) and that
# YAML itself refuses unescaped: C0/C1 controls except tab, newline, CR, NEL.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_FULLWIDTH_DIGITS = re.compile("[\uff10-\uff19]+")


@dataclass
class SourceFile:
    """One YAML file: its values, where each value stands, and warnings met on the way."""

    path: Path
    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)
    text: str = ""
    # Where a key's value starts, for values written on the key's line (`received: 55`):
    # a message about the value points at the value, as compilers do.
    value_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    _display: tuple[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @cached_property
    def has_fullwidth_digits(self) -> bool:
        # Asked by each reader that tries the file (a file read line by line in vain is read again from events).
        # Each digit looked for on its own: `in` scans a 1 MB file in 0.02 ms, the pattern in 3 ms.
        return any(digit in self.text for digit in "０１２３４５６７８９")

    @cached_property
    def may_hold_fullwidth_brackets(self) -> bool:
        """Whether a value of the file may hold ［ or ｛: written so, or spelt with an escape.
        Without the text (a file not read from disk) it may."""
        return not self.text or any(mark in self.text for mark in ("［", "｛", "\\"))

    @property
    def display_path(self) -> str:
        # Asked once per finding; the path is resolved again only if the working directory changed.
        cwd = os.getcwd()
        if self._display is None or self._display[0] != cwd:
            self._display = (cwd, display_path(self.path))
        return self._display[1]

    def locate(self, path: PathKey) -> Location:
        """The position of `path`, or of its nearest written ancestor."""
        probe = tuple(path)
        while probe:
            if probe in self.positions:
                line, column = self.positions[probe]
                return Location(self.display_path, line, column)
            probe = probe[:-1]
        return Location(self.display_path, *self.positions.get((), (1, 1)))

    def locate_value(self, path: PathKey) -> Location:
        """The position of the value at `path` where it is a plain value, else as `locate`.

        A path below a plain value names a part the model read from it (the month of
        2023-13-01): that is the value's position, not its key's."""
        probe = tuple(path)
        while probe:
            if probe in self.value_positions:
                return Location(self.display_path, *self.value_positions[probe])
            if probe in self.positions:
                break  # written as a mapping or list: its own key, as `locate` gives
            probe = probe[:-1]
        return self.locate(path)

    def find(self, fragment: str, near: Location, within: int = 200) -> Location:
        """Where `fragment` is first written at or after `near` (a prose value's key), else `near`."""
        if not fragment or not near.line:
            return near
        for index in range(near.line - 1, min(len(self.lines), near.line - 1 + within)):
            column = self.lines[index].find(fragment)
            if column >= 0:
                return Location(self.display_path, index + 1, column + 1)
        return near

    def content_line(self, near: Location) -> int:
        """The first line of a value: the next line for a block scalar written `key: |-`."""
        lines = self.lines
        if near.line and near.line <= len(lines) and lines[near.line - 1].rstrip().endswith(("|", "|-", "|+", ">", ">-")):
            return near.line + 1
        return near.line


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working directory where possible."""
    return _display_path(path, os.getcwd())


@lru_cache(maxsize=256)
def _display_path(path: Path, cwd: str) -> str:
    # Every finding of a file names it: resolving the path each time (two realpath walks)
    # took longer than the checks themselves on files with thousands of records.
    # Some organisations' files: a batch's thousands would keep its memory growing.
    # The folder is resolved, not the file: a link is named as itself, never as what it points to.
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path(cwd).resolve()))
    except ValueError:
        return str(path)


NOT_TEXT_DATA = "这不是文本文件（可能是 Word、Excel 文档或图片改了扩展名）；数据文件应是用文本编辑器编写的 YAML。"


def decode(raw: bytes, path: Path, not_text: str = NOT_TEXT_DATA) -> tuple[str, list[Finding]]:
    """Text of a YAML file; UTF-8 expected, GBK (Windows Notepad) and UTF-16 accepted with a warning.

    `not_text` is what a file that holds no text is told: another reader (import's) says what it expects."""
    def where() -> Location:  # resolved only for a finding: most files have none
        return Location(display_path(path), 1, 1)

    if raw.startswith(codecs.BOM_UTF8):
        text = _decode_or_explain(raw[len(codecs.BOM_UTF8):], "utf-8", path)
        return text, [Finding(where(), "文件开头有 UTF-8 的 BOM 标记（记事本“UTF-8 带 BOM”），已忽略；可另存为不带 BOM 的 UTF-8。", Severity.WARNING)]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode_or_explain(raw, "utf-16", path)
        return text, [Finding(where(), "文件是 UTF-16 编码，已按 UTF-16 读取；建议另存为 UTF-8。", Severity.WARNING)]
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        text = _decode_or_explain(raw, utf16, path)
        return text, [Finding(where(), "文件是 UTF-16 编码（没有 BOM 标记），已按 UTF-16 读取；建议另存为 UTF-8。", Severity.WARNING)]
    if b"\x00" in raw[:8192]:
        # Text in UTF-8 or GBK never holds a NUL byte; Word, Excel and images do.
        raise FulianError.single(where().path, not_text, 1, 1)
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        utf8_reached = exc.start
    text = _decode_or_explain(raw, "gbk", path, utf8_reached)
    return text, [
        Finding(where(), "文件是 GBK 编码（可能由记事本保存），已按 GBK 读取；建议另存为 UTF-8。", Severity.WARNING)
    ]


# What text a Chinese office writes is made of: ASCII, CJK characters and punctuation, full-width forms.
_USUAL_TEXT = re.compile("[\t\n\r\x20-\x7e\u00b7\u2014-\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def _utf16_without_bom(raw: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for UTF-16 text without a BOM (some editors and Excel write it), else None.

    Only a file with zero bytes is asked (UTF-8 and GBK text have none).  A YAML file's names,
    colons and line ends are ASCII, a zero byte beside each: the side with more zeros gives the
    byte order to try first.  Read so, UTF-16 text is (nearly) all ASCII, Chinese and
    punctuation; Word, Excel and images read so are a jumble of controls and rare scripts."""
    head = raw[:8192]
    if b"\x00" not in head or len(raw) % 2:
        return None
    little_first = head[1::2].count(0) >= head[0::2].count(0)
    for encoding in ("utf-16-le", "utf-16-be") if little_first else ("utf-16-be", "utf-16-le"):
        try:
            sample = raw.decode(encoding)[:4096]
        except UnicodeDecodeError:
            continue
        usual = len(_USUAL_TEXT.findall(sample))
        if "\x00" not in sample and usual * 100 >= len(sample) * 98:
            return encoding
    return None


def _decode_or_explain(raw: bytes, encoding: str, path: Path, other_reached: int = 0) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        # The encoding that read further is the file's own: the bad byte is where it stopped.
        bad = max(exc.start, other_reached)
        line_start = raw.rfind(b"\n", 0, bad) + 1
        line = raw[:bad].count(b"\n") + 1
        column = len(raw[line_start:bad].decode("utf-8" if bad == other_reached else encoding, errors="replace")) + 1
        raise FulianError.single(
            display_path(path), "文件中有无法识别的字符（不是 UTF-8，也不是 GBK）；请用记事本“另存为”并选择 UTF-8 编码。", line, column
        ) from None


def load_yaml(path: Path) -> SourceFile:
    raw = read_source_bytes(path)
    if _kept is not None:
        kept = _kept.get(path)
        if kept is not None and kept[0] == raw:
            _kept.move_to_end(path)
            return kept[1]
    text, warnings = decode(raw, path)
    source = parse_yaml(text, path, warnings)
    if _kept is not None:
        _kept[path] = (raw, source)
        while len(_kept) > _KEPT_FILES:
            _kept.popitem(last=False)
    return source


# Files parsed before, by path, with the bytes they were parsed from: in a long-lived process
# (watch, preview) a save changes one file of an organisation, and the others need not be
# parsed again while their bytes are the same.  Off in a build, which reads each file once.
_kept: OrderedDict[Path, tuple[bytes, SourceFile]] | None = None
_KEPT_FILES = 200  # some twenty organisations' files; a data file is a few dozen KB


def keeping_parsed_files() -> bool:
    """Whether this process keeps parses (a long-lived one: watch, preview)."""
    return _kept is not None


def keep_parsed_files() -> None:
    """From now on, reuse a file's parse while its bytes are unchanged (SourceFile is never
    changed after parsing, so one parse can serve every later load)."""
    global _kept
    if _kept is None:
        _kept = OrderedDict()


_LINK_MESSAGE = "这是一个符号链接（快捷方式），不会读取它所指的内容：{rule}必须是所在文件夹里真正的文件；请把链接换成所指文件的副本。"
_DIRECTORY_MESSAGE = "这里应是一个文件，却是一个文件夹；请把这个文件夹改名或移走。"
_SPECIAL_MESSAGE = "这不是普通文件（而是设备、管道或套接字之类的特殊文件），不会读取它；{rule}必须是普通的{kind}。"
# Whose rule a refusal states, and what kind of file it asks for: a data or style file's by default.
DATA_FILES = ("数据和样式文件", "文本文件")


def read_source_bytes(path: Path, limit: int = MAX_FILE_BYTES, too_big: Any = None, files: tuple[str, str] = DATA_FILES) -> bytes:
    """The bytes of a data or style file that is a regular file of its folder, at most `limit` of them.

    Any symbolic link is refused, not only one leading outside: whether a link stays inside
    can change between looking and reading, a link to a file beside it is a copy that git on
    Windows checks out as a one-line text file, and CI builds data sent in from outside.
    Errors name the file and no line, so that no line of what it points to is ever shown.
    `too_big(where, size, limit)` makes the error for a file over the limit (a data file's by default);
    `files` names whose rule a link or a FIFO breaks, and the kind of file wanted (DATA_FILES)."""
    try:
        return regular_file.read_regular(path, limit)
    except regular_file.Refused as refused:
        where = display_path(path)
        if refused.reason == regular_file.TOO_BIG:
            raise (too_big or _too_big)(where, refused.size, limit) from None
        message = {regular_file.LINK: _LINK_MESSAGE, regular_file.DIRECTORY: _DIRECTORY_MESSAGE}.get(refused.reason, _SPECIAL_MESSAGE)
        raise FulianError.single(where, message.format(rule=files[0], kind=files[1])) from None
    except OSError as exc:
        raise FulianError.single(display_path(path), read_error_message(exc)) from None


_LINKED_FOLDER_MESSAGE = "这个文件夹是一个符号链接（快捷方式），不会读取：{}；请换成真正的文件夹（复制过来）。"


def linked_folder_error(folder: Path, rule: str = "数据必须放在数据文件夹里") -> FulianError:
    """A folder that is a link, refused: what it points to is never read (see read_source_bytes)."""
    return FulianError.single(display_path(Path(folder)), _LINKED_FOLDER_MESSAGE.format(rule))


def folder_entries(folder: Path, refuse_link: bool = False) -> list[Path]:
    """What a data folder holds, sorted by name; a folder that cannot be listed is a located error.

    With `refuse_link`, a folder that is a link is one too: an organisation's folder is read
    from inside the data root only, as its files are (see read_source_bytes)."""
    if refuse_link and Path(folder).is_symlink():
        raise linked_folder_error(folder)
    try:
        return sorted(Path(folder).iterdir())
    except OSError as exc:
        raise FulianError.single(display_path(Path(folder)), read_error_message(exc, "文件夹")) from None


def _too_big(where: str, size: int, limit: int) -> FulianError:
    return FulianError.single(
        where,
        f"文件太大（{size // 1024} KB）：数据文件通常只有几十 KB，最多允许 {limit // 1024} KB；是不是放错了文件？",
    )


def parse_yaml(text: str, path: Path, warnings: list[Finding] | None = None) -> SourceFile:
    source = SourceFile(path=path, data=None, warnings=list(warnings or []), text=text)
    # The path as messages show it is resolved only for a message: most files have none.
    if CONTROL_CHARACTERS.search(text):
        raise FulianError(control_character_findings(text, source.display_path))
    errors: list[Finding] = []
    read_before = list(source.warnings)
    try:
        # From libyaml's events, else (anchors, aliases, several documents) from its node tree:
        # the event reader that gives up leaves nothing behind.
        try:
            found = _EventBuilder(text, source, errors).build()
        except _NodesNeeded:
            source.positions.clear()
            source.value_positions.clear()
            source.warnings[:] = read_before
            errors.clear()
            found = _build_from_nodes(text, source, errors)
    except yaml.MarkedYAMLError as exc:
        if _LIBYAML_DEPTH_LIMIT in (exc.problem or ""):
            raise _too_deep_in_flow(text, source.display_path, exc.problem_mark or exc.context_mark) from None
        raise syntax_error(exc, text, source.display_path) from None
    except yaml.YAMLError as exc:
        raise syntax_error(exc, text, source.display_path) from None
    if not found:
        source.data = {}
        source.warnings.append(Finding(Location(source.display_path, 1, 1), empty_file_message(text), Severity.WARNING))
        return source
    if errors:
        raise PartialSource(errors + source.warnings, source)
    return source


def empty_file_message(text: str) -> str:
    """The warning for a file without data: empty, or holding only comments."""
    if text.strip():
        return "文件里只有注释，没有任何数据（文件是空的）；若不是有意清空，请恢复它的内容。"
    return "文件是空的，没有任何数据；若不是有意清空，请恢复它的内容。"


def _build_from_nodes(text: str, source: SourceFile, errors: list[Finding]) -> bool:
    """Values from libyaml's composed node tree: for files with anchors or aliases (see _EventBuilder)."""
    _check_depth(text, source.display_path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        return False
    source.positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
    source.data = _Builder(loader, source, errors).build(node, ())
    return True


class PartialSource(FulianError):
    """A file that parsed but broke a rule (a duplicate key, an alias, a tag).

    Its values are kept as far as they are certain (the first of two duplicate
    keys, nothing for an alias) so that the rest of the file can still be
    checked and every problem reported in one pass."""

    def __init__(self, findings: list[Finding], source: SourceFile):
        super().__init__(findings)
        self.source = source


def control_character_findings(text: str, display: str) -> list[Finding]:
    """Every invisible control character of a file, located (Word refuses a .docx holding one)."""
    if not CONTROL_CHARACTERS.search(text):
        return []
    findings = []
    for number, line in enumerate(text.split("\n"), 1):
        for match in CONTROL_CHARACTERS.finditer(line):
            findings.append(Finding(Location(display, number, match.start() + 1), _control_message(match.group())))
    return findings


def _control_message(char: str) -> str:
    return (
        f"这里有一个看不见的控制字符（U+{ord(char):04X}），Word 无法打开含有它的文档；"
        "通常是从别处复制文字时带进来的，请删除它（可删掉这几个字重新输入）。"
    )


def _check_depth(text: str, display: str) -> None:
    # Nesting needs indentation or brackets: a file with neither cannot be deep,
    # and the event stream (a second pass) is only read for one that could be.
    indent = max((len(line) - len(line.lstrip(" -?:")) for line in text.split("\n")), default=0)
    if text.count("[") + text.count("{") + 2 * indent + 2 < MAX_DEPTH:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(display, event.start_mark)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # composing reports the syntax error with its explanation


# libyaml (since the copy bundled with PyYAML 6.0.3) stops at its own flow-nesting limit while its
# scanner runs ahead of our depth count; the limit users meet must stay ours, in Chinese.
_LIBYAML_DEPTH_LIMIT = "maximum nesting depth"


def _too_deep_in_flow(text: str, display: str, mark: Any) -> FulianError:
    """Our depth message at the bracket that goes past MAX_DEPTH (libyaml's mark is much further on).

    Levels are counted as the event builder counts them: a block mapping or list around the
    brackets is one level too."""
    first = next((ln.strip()[:1] for ln in text.split("\n") if ln.strip() and not ln.strip().startswith("#")), "")
    depth = 0 if first in ("[", "{") else 1
    line, line_start = 0, 0
    quote = ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return FulianError.single(display, _DEPTH_MESSAGE, line + 1, index - line_start + 1)
        elif char in "]}":
            depth -= 1
        if char == "\n":
            line, line_start = line + 1, index + 1
    return _too_deep(display, mark)


_DEPTH_MESSAGE = f"层次太深（超过 {MAX_DEPTH} 层）：数据文件只需要几层；请检查括号和缩进。"


def _too_deep(display: str, mark: Any) -> FulianError:
    return FulianError.single(display, _DEPTH_MESSAGE, mark.line + 1, mark.column + 1)


def syntax_error(exc: yaml.YAMLError, text: str, display: str) -> FulianError:
    """libyaml's complaint in Chinese, at the place the person has to change: the full-width
    colon, the bracket or quote left open, the key without its colon (libyaml itself often
    notices only on the next line)."""
    message, (line, column) = explain_syntax(exc, text)
    return FulianError.single(display, message, line, column)


def explain_syntax(exc: yaml.YAMLError, text: str) -> tuple[str, tuple[int, int]]:
    """(Chinese message, (line, column)) for a YAML syntax error; no English word of libyaml's is kept."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = (getattr(exc, "problem", None) or "").strip()
    context = (getattr(exc, "context", None) or "").strip()
    at_problem = _position(problem_mark or context_mark)
    at_context = _position(context_mark or problem_mark)
    lines = text.splitlines()
    if not isinstance(exc, yaml.MarkedYAMLError):
        where = getattr(exc, "line", None)
        if where is not None:  # a ReaderError: a character YAML does not accept
            return "文件中有 YAML 不接受的字符；请删除它（可删掉这几个字重新输入）。", (where + 1, getattr(exc, "column", 0) + 1)
        return "文件无法按 YAML 读取；请检查缩进、冒号、引号和括号是否成对。", (0, 0)
    line_text = lines[at_problem[0] - 1] if 0 < at_problem[0] <= len(lines) else ""
    if "\t" in line_text and ("cannot start any token" in problem or "tab" in problem):
        return "这里有制表符（Tab）；YAML 只能用空格缩进，请把 Tab 换成空格。", (at_problem[0], line_text.index("\t") + 1)
    if "nesting depth" in problem:
        return _DEPTH_MESSAGE, at_problem
    slip = _fullwidth_slip(lines, at_problem, at_context if context_mark is not None else None)
    if slip is not None:
        return slip
    if "mapping values are not allowed" in problem:
        keyless = _line_without_colon(lines, at_problem[0])
        if keyless is not None:
            return "这一行缺少冒号：每一项应写成“名称: 值”（半角冒号，后面有一个空格）；下一行的冒号因此出了错。", keyless
    for words, message, where in _SYNTAX_PROBLEMS:
        if words in problem or (words.startswith("while ") and words in context):
            if callable(message):
                message = message(line_text, at_problem)
            return message, at_context if where == "context" else at_problem
    return "YAML 格式错误：请检查这一行及上一行的缩进、冒号、引号和括号是否成对。", at_problem


def _line_without_colon(lines: list[str], number: int) -> tuple[int, int] | None:
    """The line before `number`, indented as it is, that has no colon: the key whose colon is
    missing, which libyaml read as text running on into the next line."""
    if not 1 < number <= len(lines):
        return None
    here, before = lines[number - 1], lines[number - 2]
    indent = len(here) - len(here.lstrip(" "))
    if not before.strip() or before.lstrip().startswith(("#", "- ")) or ":" in before or "：" in before:
        return None
    if len(before) - len(before.lstrip(" ")) != indent:
        return None
    return number - 1, indent + 1


def _position(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _cannot_start(line_text: str, at: tuple[int, int]) -> str:
    char = line_text[at[1] - 1] if 0 < at[1] <= len(line_text) else ""
    shown = f"“{char}”" if char.strip() else "这个符号"
    return f"{shown}不能作为一项内容的开头；以 @、` 等符号开头的文字请用引号括起来，如 \"@示例\"。"


_MISALIGNED = "这一行与上面的项对不齐：同一层的各项要用相同的空格缩进，“名称: 值”的各项中间不能混进以“- ”开头的列表项。"


def _stray_closing(line_text: str, at: tuple[int, int]) -> str:
    char = line_text[at[1] - 1] if 0 < at[1] <= len(line_text) else ""
    return f"这里多出了一个“{char}”：它前面没有配对的“{'[' if char == ']' else '{'}”；请删去它或补上开括号。" if char in "]}" else ""


_OPEN_QUOTE = "这个引号一直没有配对的结束引号；请在文字末尾补上同样的引号（\" 或 '）。"
_OPEN_BRACKET = "从这里开始的“{}”没有正常结束：缺少配对的“{}”，或其中各项之间少了逗号；请检查括号是否成对。"
# (words of libyaml's problem or context, the message, where it points: the problem or the context mark).
_SYNTAX_PROBLEMS: tuple[tuple[str, Any, str], ...] = (
    ("found character that cannot start any token", _cannot_start, "problem"),
    ("found unknown escape character", "双引号里的反斜杠“\\”后面跟了不认识的字符；含有反斜杠的文字（如文件路径）请改用单引号括起来。", "problem"),
    ("hexdecimal number", "双引号里的 \\x、\\u 转义写得不对；含有反斜杠的文字请改用单引号括起来。", "problem"),
    ("Unicode character escape code", "双引号里的 \\u 转义写得不对；含有反斜杠的文字请改用单引号括起来。", "problem"),
    ("found unexpected document indicator", "引号里的文字中有一行是 --- 或 ...；请检查这个引号是否成对。", "context"),
    ("while scanning a quoted scalar", _OPEN_QUOTE, "context"),
    ("expected ',' or ']'", _OPEN_BRACKET.format("[", "]"), "context"),
    ("expected ',' or '}'", _OPEN_BRACKET.format("{", "}"), "context"),
    ("found unexpected end of stream", "文件在引号或括号还没有闭合时就结束了；请检查引号、括号是否成对。", "problem"),
    ("mapping values are not allowed", "这里不能出现冒号；若文字中含有“: ”，请把整段文字用引号括起来。", "problem"),
    ("could not find expected ':'", "缺少冒号：每一项应写成“名称: 值”（半角冒号，后面有一个空格）。", "context"),
    ("did not find expected key", lambda line, at: _stray_closing(line, at) or _MISALIGNED, "problem"),
    ("expected <block end>", "这一行与上面的项对不齐：同一层的各项要用相同的空格缩进。", "problem"),
    ("did not find expected '-' indicator", "这个列表里混进了不以“- ”开头的一行：列表的每一项都要以“- ”开头，并且缩进相同。", "problem"),
    ("block sequence entries are not allowed", "这里不能出现列表项“- ”：列表应另起一行，并比上面的名称多缩进。", "problem"),
    ("mapping keys are not allowed", "这里不能出现“? ”；请去掉它，每一项写成“名称: 值”。", "problem"),
    ("did not find expected node content", "这里缺少内容：例如“- ”或“: ”后面什么都没写，或多了一个逗号。", "problem"),
    ("while scanning a block scalar", "“|”或“>”后面只能直接换行（可跟 - 或 +），文字请从下一行开始写。", "context"),
    ("did not find expected comment or line break", "这里应当换行：一行只写一项；值后面还有文字时，请把整个值用引号括起来。", "problem"),
    ("while scanning an anchor", "不支持 YAML 锚点和别名（& 和 *）；若这是文字，请用引号括起来。", "context"),
    ("while scanning an alias", "不支持 YAML 锚点和别名（& 和 *）；若这是文字，请用引号括起来。", "context"),
    ("found undefined alias", "不支持 YAML 锚点和别名（& 和 *）；请把内容直接写出来。", "problem"),
    ("found duplicate anchor", "不支持 YAML 锚点和别名（& 和 *）；请把内容直接写出来。", "problem"),
    ("while scanning a tag", "以 ! 开头的标记写得不对；请去掉它，若这是文字，请用引号括起来。", "context"),
    ("tag handle", "以 ! 开头的标记写得不对；请去掉它，若这是文字，请用引号括起来。", "problem"),
    ("directive", "以 % 开头的一行不是数据；若这是文字，请用引号括起来。", "problem"),
    ("<document start>", "这里多出了内容，或开始了第二份数据；一个数据文件只写一份数据（--- 只能写在开头）。", "problem"),
    ("expected a single document", "一个数据文件只写一份数据：--- 只能写在开头。", "problem"),
    ("tab character", "这里有制表符（Tab）；YAML 只能用空格缩进，请把 Tab 换成空格。", "problem"),
)

# What a Chinese input method types where YAML wants ASCII: the colon after a name, brackets, quotes.
_FULLWIDTH_KEY = re.compile(r"^(\s*(?:-\s+)*)([^\s:：#'\"“”‘’\[\]{}［］｛｝,，-][^\s:：#]{0,40}?)\s*：")
_FULLWIDTH_MARKS = {
    "［": "[", "］": "]", "｛": "{", "｝": "}", "“": "\"", "”": "\"", "‘": "'", "’": "'", "，": ",",
}


def _fullwidth_slip(
    lines: list[str], at_problem: tuple[int, int], at_context: tuple[int, int] | None
) -> tuple[str, tuple[int, int]] | None:
    """A full-width colon after a name, or a full-width bracket or quote, near where libyaml gave up:
    the problem is that character, at its own line and column."""
    last = min(at_problem[0], len(lines))  # libyaml may give up at the end, past the last line
    if last < 1:
        return None
    first = max(1, min(at_context[0] if at_context else last, last) - 1, last - 4)
    for number in range(last, first - 1, -1):
        text = lines[number - 1].split(" #", 1)[0]
        key = _FULLWIDTH_KEY.match(text)
        if key and ":" not in text[: key.end()]:
            name = key.group(2)
            column = key.end()
            return (
                f"“{name}”后面是全角冒号“：”：YAML 的“名称: 值”要用半角冒号，后面空一格，如 {name}: …"
                "（切换输入法的全角/半角）。",
                (number, column),
            )
    # A bracket or quote YAML does not see as one, before where it gave up on the same line.
    text = lines[last - 1]
    end = at_problem[1] - 1 if at_problem[1] and last == at_problem[0] else len(text)
    for column, char in enumerate(text[:end], 1):
        if char in "［］｛｝":
            return (
                f"这里的“{char}”是全角括号：YAML 的列表和合写在一行的几项要用半角括号 [ ] 和 {{ }}，"
                "如 measure_words: [只, 头]、region: {province: 湖南省, city: 长沙市, district: 芙蓉区}。",
                (last, column),
            )
        # A full-width comma inside { } followed by a name's colon was meant to part two items.
        if char == "，" and "{" in text[:column] and ":" in text[column:end + 1]:
            return (
                "这里的“，”是全角逗号：合写在一行的几项要用半角逗号“,”隔开，"
                "如 region: {province: 湖南省, city: 长沙市, district: 芙蓉区}（切换输入法的全角/半角）。",
                (last, column),
            )
        if char in "“‘" and ":" in text[column:end + 1]:
            return (
                f"这里的“{char}”是中文引号，YAML 不把它当作引号，其中的“: ”就被当成了名称后的冒号；"
                f"含有“: ”的文字请用半角引号 \" 或 ' 括起来（中文引号可以留在里面）。",
                (last, column),
            )
    return None


_ScalarNode = yaml.ScalarNode
_MERGE_TAG = "tag:yaml.org,2002:merge"
# Scalar types whose value depends on their text alone and is immutable: built once per text.
_PLAIN_VALUE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")
)
_ALIAS_MESSAGE = "不支持 YAML 锚点和别名（& 和 *）；请把内容直接写出来。"
_MERGE_MESSAGE = "不支持 YAML 合并键（<<）；请把内容直接写出来。"
_COMPLEX_KEY_MESSAGE = "名称（冒号前）必须是简单文字。"


def _duplicate_message(key: str, before: int) -> str:
    return f"名称“{key}”重复出现（第 {before} 行已有）；YAML 只会保留后一个，前面写的内容会丢失。请合并或改名。"


class _Values:
    """Scalars to values, with the checks every value of a file gets (shared by both builders)."""

    def __init__(self, loader: Any, source: SourceFile, errors: list[Finding]):
        self.loader = loader
        self.source = source
        self.errors = errors
        text = source.text
        # The file's own characters were checked for control characters before composing;
        # a value holds others only through escapes, which need a backslash in the file.
        # A value holds a full-width digit only if the file does, or through an escape.
        self._escapes = "\\" in text
        self._fullwidth = source.has_fullwidth_digits

    def _at(self, mark: Any) -> Location:
        return Location(self.source.display_path, mark.line + 1, mark.column + 1)

    def scalar(self, tag: str, value: str, style: Any, mark: Any, node: yaml.Node | None = None) -> Any:
        if self._fullwidth or (self._escapes and style == '"'):
            self._check_text(value, mark)
        if tag == _STR_TAG:
            return value  # what construct_object gives for text, without its bookkeeping
        plain = tag in _PLAIN_VALUE_TAGS
        if plain and (tag, value) in _PLAIN_VALUES:
            return _PLAIN_VALUES[(tag, value)]
        try:
            result = self.loader.construct_object(node or _ScalarNode(tag, value, mark, mark, style), deep=True)
        except (yaml.constructor.ConstructorError, AttributeError, TypeError):
            # An explicit tag on text it cannot read (!!timestamp notadate) fails inside PyYAML
            # with AttributeError or TypeError: the tag is the thing to remove either way.
            self.errors.append(Finding(self._at(mark), f"不支持 YAML 标签“{_tag_as_written(tag)}”；请去掉以 ! 开头的标记。"))
            return None
        except (ValueError, OverflowError):
            # A scalar that looks like a date but is none (2021-02-30): keep the text,
            # and the model says what is wrong with it in the field's own terms.
            return str(value)
        if plain:
            _remember(_PLAIN_VALUES, (tag, value), result)
        return result

    def _check_text(self, value: str, mark: Any) -> None:
        # Escapes in double quotes ("\a", "\x07") write control characters the file itself does not hold.
        control = CONTROL_CHARACTERS.search(value)
        if control:
            self.errors.append(Finding(self._at(mark), _control_message(control.group())))
        digits = _FULLWIDTH_DIGITS.search(value)
        if digits:
            half = digits.group().translate({code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)})
            self.source.warnings.append(
                Finding(
                    self._at(mark),
                    f"全角数字“{digits.group()}”：作为数字读作 {half}，写在文字中则会原样印进报告；建议改用半角数字（切换输入法的全角/半角）。",
                    Severity.WARNING,
                )
            )


def _tag_as_written(tag: str) -> str:
    """`tag:yaml.org,2002:binary` as the file writes it: `!!binary`."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


class _NodesNeeded(Exception):
    """The file has an anchor or alias, or more than one document: read it from the node tree."""


_Frame = list  # [path, result (dict or list), {key: line} or None, key path awaiting a value or None]


class _EventBuilder(_Values):
    """Values and positions straight from libyaml's event stream, without a node tree.

    Composing the node tree took three times as long as reading the events it is
    made of (a node and two marks per value).  Values and positions are the same
    as `_Builder` gives from the tree, in the same order, with the same findings.
    Anchors and aliases are refused either way; where they are used (which can make
    the tree differ from the text: an alias of a skipped duplicate builds normally)
    and for several documents, the file is read again by `_Builder`."""

    def __init__(self, text: str, source: SourceFile, errors: list[Finding]):
        self.parser = _Loader(text)
        super().__init__(self.parser, source, errors)

    def build(self) -> bool:
        try:
            return self._walk()
        finally:
            self.parser.dispose()

    def _walk(self) -> bool:
        get = self.parser.get_event
        get()  # StreamStartEvent
        event = get()
        if isinstance(event, yaml.StreamEndEvent):
            return False
        event = get()  # the root, after DocumentStartEvent
        positions = self.source.positions
        value_positions = self.source.value_positions
        resolve = self.parser.resolve
        scalar = self.scalar
        # A plain scalar whose first character starts no implicit type is text (_Loader.resolve), as is
        # any quoted or block scalar without a tag; text is kept as written unless the file has
        # full-width digits to warn of, or escapes that may write a control character (scalar):
        # most of a file's keys and values, taken here without the two calls.
        typed_first = _Loader._typed_first | {""}  # an empty plain scalar is null
        plain_text = not self._fullwidth
        escapes = self._escapes  # a double-quoted value may spell a control character
        stack: list[_Frame] = []
        mark = event.start_mark
        positions[()] = (mark.line + 1, mark.column + 1)
        value: Any = None
        while True:
            kind = event.__class__
            # Where this event's value goes: the root, a list item, a mapping key or its value.
            frame = stack[-1] if stack else None
            if kind is yaml.ScalarEvent or kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None:
                    raise _NodesNeeded
                mark = event.start_mark
                if frame is not None and frame[2] is not None and frame[3] is None:  # a key
                    if kind is not yaml.ScalarEvent:
                        message = _MERGE_MESSAGE if event.tag == _MERGE_TAG else _COMPLEX_KEY_MESSAGE
                        self.errors.append(Finding(self._at(mark), message))
                        self._skip(event, len(stack))  # the key
                        self._skip(get(), len(stack))  # and its value
                        event = get()
                        continue
                    text = event.value
                    if plain_text and event.tag is None and (text[:1] not in typed_first if event.implicit[0] else not (escapes and event.style == '"')):
                        key = text  # plain text, as resolve and scalar below would give it
                    else:
                        tag = event.tag
                        if tag is None or tag == "!":
                            tag = resolve(_ScalarNode, text, event.implicit)
                        if tag == _MERGE_TAG:
                            self.errors.append(Finding(self._at(mark), _MERGE_MESSAGE))
                            self._skip(get(), len(stack))
                            event = get()
                            continue
                        key = scalar(tag, text, event.style, mark)
                        if not isinstance(key, str):
                            key = str(text)
                    first_seen = frame[2]
                    if key in first_seen:
                        self.errors.append(Finding(self._at(mark), _duplicate_message(key, first_seen[key])))
                        self._skip(get(), len(stack))
                        event = get()
                        continue
                    first_seen[key] = mark.line + 1
                    frame[3] = frame[0] + (key,)
                    positions[frame[3]] = (mark.line + 1, mark.column + 1)
                    event = get()
                    continue
                if frame is None:
                    path: PathKey = ()
                elif frame[2] is None:  # a list item
                    path = frame[0] + (len(frame[1]),)
                    positions[path] = (mark.line + 1, mark.column + 1)
                else:
                    path = frame[3]
                    frame[3] = None
                    if kind is yaml.ScalarEvent and event.style not in ("|", ">") and event.value:
                        value_positions[path] = (mark.line + 1, mark.column + 1)
                if kind is yaml.ScalarEvent:
                    text = event.value
                    if plain_text and event.tag is None and (text[:1] not in typed_first if event.implicit[0] else not (escapes and event.style == '"')):
                        value = text
                    else:
                        tag = event.tag
                        if tag is None or tag == "!":
                            tag = resolve(_ScalarNode, text, event.implicit)
                        value = scalar(tag, text, event.style, mark)
                else:
                    if len(stack) >= MAX_DEPTH:
                        raise _too_deep(self.source.display_path, mark)
                    stack.append([path, {}, {}, None] if kind is yaml.MappingStartEvent else [path, [], None, None])
                    event = get()
                    continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                path, value = stack.pop()[:2]
                frame = stack[-1] if stack else None
            else:  # an alias
                raise _NodesNeeded
            # `value` is complete: put it where it belongs.
            if frame is None:
                self.source.data = value
                break
            if frame[2] is None:
                frame[1].append(value)
            else:
                frame[1][path[-1]] = value
            event = get()
        if not isinstance(get(), yaml.DocumentEndEvent) or not isinstance(get(), yaml.StreamEndEvent):
            raise _NodesNeeded
        return True

    def _skip(self, event: Any, outer_depth: int) -> None:
        """Read past the value `event` starts, as the node builder never visits it (its depth still counts)."""
        depth = 0
        get = self.parser.get_event
        while True:
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise _NodesNeeded
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if outer_depth + depth > MAX_DEPTH:
                    raise _too_deep(self.source.display_path, event.start_mark)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            if depth == 0:
                return
            event = get()


class _Builder(_Values):
    """Values from the composed node tree, with positions; refuses aliases, merge keys and tags."""

    def __init__(self, loader: Any, source: SourceFile, errors: list[Finding]):
        super().__init__(loader, source, errors)
        self.seen: set[int] = set()

    def _where_used(self, path: PathKey) -> Location:
        """Where an alias is used: the key it stands under (the node itself sits at its anchor)."""
        probe = path
        while probe and not isinstance(probe[-1], str):
            probe = probe[:-1]
        line, column = self.source.positions.get(probe, (0, 0))
        return Location(self.source.display_path, line, column)

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        # A node met twice is an alias (*name).  Expanding aliases lets a tiny
        # file grow into billions of values, so they are refused outright.
        if id(node) in self.seen:
            self.errors.append(Finding(self._where_used(path), _ALIAS_MESSAGE))
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            result = []
            for index, item in enumerate(node.value):
                if id(item) not in self.seen:
                    self.source.positions[path + (index,)] = (item.start_mark.line + 1, item.start_mark.column + 1)
                result.append(self.build(item, path + (index,)))
            return result
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        return self.scalar(node.tag, node.value, node.style, node.start_mark, node)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict:
        result: dict = {}
        first_seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.errors.append(Finding(self._at(key_node.start_mark), _MERGE_MESSAGE))
                continue
            if not isinstance(key_node, _ScalarNode):
                self.errors.append(Finding(self._at(key_node.start_mark), _COMPLEX_KEY_MESSAGE))
                continue
            key = self._scalar(key_node)
            if not isinstance(key, str):
                key = str(key_node.value)
            if key in first_seen:
                self.errors.append(
                    Finding(self._at(key_node.start_mark), _duplicate_message(key, first_seen[key].start_mark.line + 1))
                )
                continue
            first_seen[key] = key_node
            self.source.positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if isinstance(value_node, _ScalarNode) and value_node.style not in ("|", ">") and value_node.value:
                self.source.value_positions[path + (key,)] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
            result[key] = self.build(value_node, path + (key,))
        return result

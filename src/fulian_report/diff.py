"""`fulian-report diff`: what a change to the data did to the text of the reports.

Two reports (.docx or .txt) are compared paragraph by paragraph; a changed
paragraph is shown before and after, with the changed words picked out, so
that a reviewer sees at a glance that 55件 became 56件 in a 300-character
paragraph.  Two folders are compared report by report, matched by file name.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FulianError

REPORT_SUFFIXES = (".docx", ".txt")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A number with its decimals and percent sign is one token, so that 55件 → 56件 is one change, not 5 → 6.
_TOKEN = re.compile(r"\d+(?:[.．]\d+)?[%％]?|.", re.S)
_CONTEXT = 8  # tokens shown before a change inside a paragraph


@dataclass
class ReportDiff:
    old: Path | None
    new: Path | None
    lines: list[str] = field(default_factory=list)  # what to print, already worded
    changes: int = 0  # changed, added or removed paragraphs


def report_paragraphs(path: Path, as_text: bool | None = None) -> list[str]:
    """The non-empty paragraphs of a report; a table row is one paragraph, cells joined by tabs.
    `as_text`: read as plain text (by default, a .txt file is; any other is a .docx)."""
    from .readers import read_report_bytes

    path = Path(path)
    if not path.exists() and not path.is_symlink():  # a link, FIFO or device is told what it is, below
        raise FulianError.single(path, "找不到这个文件")
    raw = read_report_bytes(path)  # a regular file under a report's bound
    if path.suffix.lower() == ".txt" if as_text is None else as_text:
        from .readers.txt import txt_lines  # UTF-8 or GBK, lines as an editor shows them: as import reads them

        return [line.text for line in txt_lines(raw, path) if line.text.strip()]
    from lxml import etree

    from .readers.docx import package_parts

    not_docx = "不是有效的 .docx 文件（Word 文档），或已损坏"
    document = package_parts(raw, str(path), not_docx)["word/document.xml"]  # inflated within bounds
    try:
        # No entity is expanded and nothing fetched: a report's body needs neither.
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        body = etree.fromstring(document, parser).find(f"{_W}body")
    except etree.XMLSyntaxError:
        raise FulianError.single(path, not_docx) from None
    paragraphs: list[str] = []
    for block in body if body is not None else ():
        if block.tag == f"{_W}p":
            paragraphs.append(_paragraph_text(block))
        elif block.tag == f"{_W}tbl":
            for row in block.iter(f"{_W}tr"):
                cells = ("".join(_paragraph_text(p) for p in cell.iter(f"{_W}p")) for cell in row.iter(f"{_W}tc"))
                paragraphs.append("\t".join(cells))
    return [text for text in paragraphs if text.strip()]


def _paragraph_text(paragraph) -> str:
    parts = []
    for node in paragraph.iter(f"{_W}t", f"{_W}tab"):
        parts.append("\t" if node.tag == f"{_W}tab" else node.text or "")
    return "".join(parts)


def diff_reports(old: Path, new: Path) -> ReportDiff:
    """The changed paragraphs between two reports, numbered as in each report."""
    before, after = report_paragraphs(old), report_paragraphs(new)
    result = ReportDiff(old, new)
    changed = _changed_runs(before, after)
    result.changes = _count(changed)
    for i1, i2, j1, j2 in changed:
        result.lines.append(_where(i1, i2, j1, j2))
        result.lines += [f"- {text}" for text in before[i1:i2]]
        result.lines += [f"+ {text}" for text in after[j1:j2]]
        for old_text, new_text in zip(before[i1:i2], after[j1:j2], strict=False):  # pairs, the rest stand alone
            changed = changed_words(old_text, new_text)
            if changed:
                result.lines.append(f"  改动：{changed}")
    return result


def changed_paragraphs(before: list[str], after: list[str]) -> int:
    """How many paragraphs `diff` counts as changed, added or removed between two reports' paragraphs."""
    return _count(_changed_runs(before, after))


def _changed_runs(before: list[str], after: list[str]) -> list[tuple[int, int, int, int]]:
    """The runs of paragraphs that differ, as (i1, i2, j1, j2): before[i1:i2] became after[j1:j2]."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _count(runs: list[tuple[int, int, int, int]]) -> int:
    return sum(max(i2 - i1, j2 - j1) for i1, i2, j1, j2 in runs)


def _where(i1: int, i2: int, j1: int, j2: int) -> str:
    def span(start: int, end: int) -> str:
        return f"第 {start + 1} 段" if end - start <= 1 else f"第 {start + 1}–{end} 段"

    if i1 == i2:
        return f"@@ 新增 {span(j1, j2)} @@"
    if j1 == j2:
        return f"@@ 删去原{span(i1, i2)} @@"
    return f"@@ 原{span(i1, i2)} → 现{span(j1, j2)} @@"


def changed_words(old: str, new: str) -> str:
    """The changes inside one paragraph: “55件”→“56件”；删去“…”；加上“…”. Empty when the two differ too much."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < 0.5:  # rewritten rather than edited: the two full paragraphs say it better
        return ""
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        # A few words before the change say where it is: 接待准离婚夫妻“444”→“445”.
        context = "".join(a[max(0, i1 - _CONTEXT) : i1]).lstrip("，。；：、")
        if tag == "replace":
            changes.append(f"{context}“{before}”→“{after}”")
        elif tag == "delete":
            changes.append(f"{context}删去“{before}”")
        elif tag == "insert":
            changes.append(f"{context}加上“{after}”")
    return "；".join(changes)


def is_hidden_name(name: str) -> bool:
    """Not a report: hidden (.x, and WPS's .~x lock files) or Word's lock file ~$x.docx of an open report."""
    return name.startswith((".", "~$"))


def report_files(folder: Path) -> dict[str, Path]:
    """Report files under `folder` by their path inside it; hidden files and folders are not reports."""
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        relative = path.relative_to(folder)
        if any(is_hidden_name(part) for part in relative.parts):
            continue
        if path.is_file() and path.suffix.lower() in REPORT_SUFFIXES:
            found[relative.as_posix()] = path
    return found


def diff_folders(old: Path, new: Path) -> list[ReportDiff]:
    """One entry per report that differs, was added or was removed."""
    before, after = report_files(old), report_files(new)
    results = []
    for name in sorted(set(before) | set(after)):
        if name not in after:
            results.append(ReportDiff(before[name], None, [f"只在 {old} 中：{name}"], 1))
        elif name not in before:
            results.append(ReportDiff(None, after[name], [f"只在 {new} 中：{name}"], 1))
        elif _report_bytes(before[name]) != _report_bytes(after[name]):
            found = diff_reports(before[name], after[name])
            if found.changes:
                results.append(found)
    return results


def _report_bytes(path: Path) -> bytes:
    from .readers import read_report_bytes

    return read_report_bytes(path)

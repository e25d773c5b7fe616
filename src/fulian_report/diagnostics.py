"""Findings as a person or a machine reads them.

For a person, each finding is `file:line:column: 错误：…` followed, as
compilers do, by the offending line of the file and a caret under the
column.  For a machine (`--format json`), the same findings as a JSON
document, one object per finding.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .errors import Finding, FulianError, Severity

TAB_WIDTH = 4
# Lines wider than this (in terminal columns) are cut around the column shown.
WIDE_LINE = 100
CONTEXT_BEFORE, CONTEXT_AFTER = 24, 24


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Each finding once, by file, line, column and message.

    Repeats are dropped keeping the order they came in (not through a set): findings mostly come
    in order already, which sorting then only confirms, where a set's order made 10,000 of them
    a full sort twice over (once in validate, once in printing)."""
    return sorted(dict.fromkeys(findings), key=lambda f: f.sort_key)


def strict(findings: Iterable[Finding]) -> list[Finding]:
    """Findings under `--strict`: every warning counts as an error."""
    return [
        replace(f, severity=Severity.ERROR, message=f"{f.message}（--strict：警告按错误处理）")
        if f.severity is Severity.WARNING
        else f
        for f in findings
    ]


def counts(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    findings = list(findings)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return errors, len(findings) - errors


def display_width(text: str) -> int:
    """Columns a terminal gives printable `text`: Chinese characters take two."""
    if text.isascii():  # no wide and no combining characters: the caret's indentation, mostly
        return len(text)
    return sum(
        2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text if not unicodedata.combining(char)
    )


class SourceLines:
    """The lines of the files findings point into, each file read once."""

    def __init__(self) -> None:
        self._files: dict[str, list[str] | None] = {}

    def line(self, path: str, number: int) -> str | None:
        if path not in self._files:
            self._files[path] = self._read(path)
        lines = self._files[path]
        if not lines or not 0 < number <= len(lines):
            return None
        return lines[number - 1]

    @staticmethod
    def _read(path: str) -> list[str] | None:
        from .source.yaml_source import decode, read_source_bytes

        file = Path(path)
        try:
            # Read as the data was: a link, a device or a FIFO is never opened to show a line of it.
            text, _ = decode(read_source_bytes(file), file)
        except (OSError, FulianError):
            return None
        # Lines as YAML counts them: a form feed or other control character inside a line does not end it.
        return text.replace("\r\n", "\n").split("\n")


def excerpt(finding: Finding, lines: SourceLines) -> list[str]:
    """The line a finding points at, and a caret under its column."""
    location = finding.location
    if not location.line:
        return []
    text = lines.line(location.path, location.line)
    if text is None:
        return []
    column = min(max(location.column, 1), len(text) + 1)
    start, end = 0, len(text)
    printable = _printable(text)
    # No character is wider than two columns: a short line needs no counting.
    if len(printable) * 2 > WIDE_LINE and display_width(printable) > WIDE_LINE:
        # A long line of prose: show the stretch around the column, as compilers do.
        start = max(column - 1 - CONTEXT_BEFORE, 0)
        end = min(column - 1 + CONTEXT_AFTER, len(text))
    lead = "…" if start else ""
    shown = lead + (printable if (start, end) == (0, len(text)) else _printable(text[start:end])) + ("…" if end < len(text) else "")
    before = lead + _printable(text[start : column - 1])
    gutter = str(location.line)
    return [
        f" {gutter} | {shown}",
        f" {' ' * len(gutter)} | {' ' * display_width(before)}^",
    ]


# Exactly the characters _printable replaces: tab, and Unicode category Cc (C0, DEL, C1).
_CONTROL_OR_TAB = re.compile("[\x00-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    """Control characters shown as ␀-style pictures, tabs as spaces, so the caret lines up."""
    if not _CONTROL_OR_TAB.search(text):  # nearly every line: nothing to replace
        return text
    out = []
    for char in text:
        if char == "\t":
            out.append(" " * TAB_WIDTH)
        elif ord(char) < 0x20:
            out.append(chr(0x2400 + ord(char)))
        elif unicodedata.category(char) == "Cc":
            out.append("�")
        else:
            out.append(char)
    return "".join(out)


def as_text(findings: Iterable[Finding], with_source: bool = True) -> str:
    """Every finding with its source line, sorted by file and line, then a count."""
    findings = sorted_findings(findings)
    lines = SourceLines()
    out: list[str] = []
    for finding in findings:
        out.append(str(finding))
        if with_source:
            out.extend(excerpt(finding, lines))
    errors, warnings = counts(findings)
    if errors or warnings:
        out.append(f"共 {errors} 个错误，{warnings} 个警告。")
    return "\n".join(out)


def as_json(findings: Iterable[Finding]) -> str:
    """The findings for machines (CI annotations): file, line, column, severity, message."""
    findings = sorted_findings(findings)
    errors, warnings = counts(findings)
    document = {
        "findings": [
            {
                "file": f.location.path,
                "line": f.location.line or None,
                "column": (f.location.column or 1) if f.location.line else None,
                "severity": f.severity.value,
                "message": f.message,
            }
            for f in findings
        ],
        "errors": errors,
        "warnings": warnings,
    }
    return json.dumps(document, ensure_ascii=False, indent=2)

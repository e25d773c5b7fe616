"""Plain text: one line per title, heading and paragraph; for reading, diffing and golden tests."""

from __future__ import annotations

from ..doctree import Document, Heading, Paragraph, Table


def to_text(document: Document) -> str:
    lines = [document.title.text]
    for block in document.blocks:
        if isinstance(block, Heading):
            lines.append(block.full_text)
        elif isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend("\t".join(row) for row in block.rows)
    if document.signature is not None:
        lines.append(document.signature.organisation)
        if document.signature.date:  # an undated report has no date line
            lines.append(document.signature.date)
    return "\n".join(lines) + "\n"


def text_bytes(document: Document) -> bytes:
    return to_text(document).encode("utf-8")

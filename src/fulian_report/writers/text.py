"""Plain text: one line per title, heading and paragraph; for reading, diffing and golden tests."""

from __future__ import annotations

from collections.abc import Iterable

from ..doctree import Block, Document, Heading, Paragraph, Table


def to_text(document: Document) -> str:
    lines = [document.title.text, *_block_lines(document.blocks), *document.attachment_note]
    if document.signature is not None:
        lines.append(document.signature.organisation)
        if document.signature.date:  # an undated report has no date line
            lines.append(document.signature.date)
    for attachment in document.attachments:  # each on a page of its own in print: its label says where it starts
        lines += [attachment.label, attachment.title, *_block_lines(attachment.blocks)]
    return "\n".join(lines) + "\n"


def _block_lines(blocks: Iterable[Block]) -> list[str]:
    lines = []
    for block in blocks:
        if isinstance(block, Heading):
            lines.append(block.full_text)
        elif isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend("\t".join(row) for row in block.rows)
    return lines


def text_bytes(document: Document) -> bytes:
    return to_text(document).encode("utf-8")

"""Writers: each turns a document tree into one output format and knows nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..doctree import Document
from .pdf import pdf_bytes
from .text import text_bytes


def docx_bytes(document: Document) -> bytes:
    # python-docx takes about 40 ms to import: only commands that write a .docx pay for it.
    from .docx import docx_bytes as write_docx

    return write_docx(document)


# Format name → (file suffix, function producing the file's bytes).
WRITERS: dict[str, tuple[str, Callable[[Document], bytes]]] = {
    "docx": (".docx", docx_bytes),
    "txt": (".txt", text_bytes),
    "pdf": (".pdf", pdf_bytes),  # through LibreOffice, see writers/pdf.py
}


def output_path(stem: str, folder: Path, fmt: str) -> Path:
    """Where the report whose file name is `stem` (`Document.file_stem`) goes in `fmt`."""
    return folder / f"{stem}{WRITERS[fmt][0]}"

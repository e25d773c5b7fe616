"""Writers: each turns a document tree into one output format and knows nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from ..doctree import Document

# Each writer is imported when it first writes: python-docx takes about 40 ms to import, the PDF
# writer brings multiprocessing and subprocess; a command line is checked against WRITERS' names
# (build_command.usage_problem) before anything else is imported.


def docx_bytes(document: Document) -> bytes:
    from .docx import docx_bytes as write_docx

    return write_docx(document)


def text_bytes(document: Document) -> bytes:
    from .text import text_bytes as write_text

    return write_text(document)


def pdf_bytes(document: Document) -> bytes:
    from .pdf import pdf_bytes as write_pdf

    return write_pdf(document)


# Format name → (file suffix, function producing the file's bytes).
WRITERS: dict[str, tuple[str, Callable[[Document], bytes]]] = {
    "docx": (".docx", docx_bytes),
    "txt": (".txt", text_bytes),
    "pdf": (".pdf", pdf_bytes),  # through LibreOffice, see writers/pdf.py
}


def output_path(stem: str, folder: Path, fmt: str) -> Path:
    """Where the report whose file name is `stem` (`Document.file_stem`) goes in `fmt`."""
    return folder / f"{stem}{WRITERS[fmt][0]}"

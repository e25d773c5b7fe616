"""Readers: an existing report (.docx or .txt) → the document tree the writers read.

Each reader only turns its format into lines (`SourceLine`); `structure.read_lines`
finds the title, headings, paragraphs and signature, the same for every format.
Figures are recognised afterwards, by `figures`, on the tree's text.
"""

from __future__ import annotations

from pathlib import Path

from ..doctree import Document
from ..errors import FulianError
from ..source.yaml_source import display_path
from .structure import ReadReport, read_lines_located

# Formats an office may hold its report in, that this tool cannot read, and what to do instead.
_REFUSED = {
    ".doc": "这是旧版 Word 文档（.doc）",
    ".wps": "这是 WPS 文字文档（.wps）",
    ".pdf": "这是 PDF 文件",
    ".png": "这是图片", ".jpg": "这是图片", ".jpeg": "这是图片", ".gif": "这是图片", ".bmp": "这是图片",
    ".tif": "这是图片", ".tiff": "这是图片", ".webp": "这是图片",
}
_ADVICE = "请在 Word 或 WPS 中打开它，“另存为” .docx（Word 文档）或 .txt（纯文本）后再导入。"


def read_report(path: Path) -> Document:
    """The report at `path` as a document tree; a clear Chinese error for what cannot be read."""
    return read_report_located(path).document


def read_report_located(path: Path) -> ReadReport:
    """The report at `path` as a document tree, with the source line of each of its parts."""
    path = Path(path)
    where = display_path(path)
    if path.is_dir():  # "找不到" would send a person looking for a file that is there, as a folder
        raise FulianError.single(where, "这是一个文件夹，不是文件；请给出要导入的报告文件（.docx 或 .txt）的路径。")
    if not path.is_file():
        raise FulianError.single(where, "找不到这个文件")
    suffix = path.suffix.lower()
    if suffix in _REFUSED:
        raise FulianError.single(where, f"{_REFUSED[suffix]}，不能直接导入；{_ADVICE}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        from ..errors import os_reason

        raise FulianError.single(where, f"无法读取文件（{os_reason(exc)}）") from None
    if not raw.strip():
        raise FulianError.single(where, "文件是空的，没有可导入的内容")
    if suffix == ".docx":
        from .docx import docx_lines

        lines = docx_lines(raw, path)
    elif suffix in (".txt", ".text", ""):
        from .txt import txt_lines

        lines = txt_lines(raw, path)
    else:
        raise FulianError.single(where, f"不支持导入“{path.suffix}”文件；{_ADVICE}")
    return read_lines_located(lines, where)

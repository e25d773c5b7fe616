"""Plain text reader: one paragraph a line, UTF-8 or GBK (as Notepad saves it)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import FulianError
from ..source.yaml_source import decode, display_path
from .structure import SourceLine

# The first bytes of files that are not text, whatever their extension says.
_MAGIC = {
    b"%PDF": "这是 PDF 文件",
    b"PK\x03\x04": "这是 Word（.docx）或其他压缩格式的文件，请把扩展名改为 .docx 再导入",
    b"\xd0\xcf\x11\xe0": "这是旧版 Word（.doc）或 WPS 文档",
    b"\x89PNG": "这是图片",
    b"\xff\xd8\xff": "这是图片",
    b"GIF8": "这是图片",
}

_NOT_TEXT = (
    "这不是能读的文本文件（可能是 Word、Excel 文档、图片或压缩包改了扩展名）；"
    "请在 Word 或 WPS 中打开原报告，“另存为” .docx（Word 文档）或 .txt（纯文本）后再导入。"
)


def txt_lines(raw: bytes, path: Path) -> list[SourceLine]:
    for magic, what in _MAGIC.items():
        if raw.startswith(magic):
            raise FulianError.single(display_path(path), f"{what}，不是纯文本；请另存为 .txt（纯文本）或 .docx 后再导入。")
    # The encodings the project reads its YAML in; a report that is no text is not told about YAML.
    text, _warnings = decode(raw, path, not_text=_NOT_TEXT)
    # Lines end where Notepad and WPS end them (CR LF, LF, CR), not at every character str.splitlines
    # takes for a break (form feed, U+2028…): a line here is a line of the file, so that what is
    # reported at line N is on the line an editor shows as N.
    return [SourceLine(line) for line in _LINE_BREAK.split(text.removesuffix("\n").removesuffix("\r"))] if text else []


_LINE_BREAK = re.compile("\r\n|\r|\n")

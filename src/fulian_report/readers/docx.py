"""Word reader: the paragraphs of a .docx as Word or WPS saves it.

Only the body's paragraphs and tables are read, with what marks a title
(centred, bold, a large size or a Title/Heading style): direct formatting,
styles, or none at all, as offices write them.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from ..errors import FulianError
from ..source.yaml_source import display_path
from .structure import SourceLine

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# A report's document.xml is a few hundred KB, its pictures a few MB each.  A zip may claim any
# size and inflate a thousandfold (a 1 MB file to GBs): every part is inflated here, in chunks,
# and reading stops at these bounds, before python-docx (which inflates every part whole) sees it.
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_PACKAGE_BYTES = 128 * 1024 * 1024
MAX_PARTS = 2000
_CHUNK = 1 << 20
_DAMAGED = "文件已损坏，或不是 Word 文档（.docx）；请在 Word 或 WPS 中打开并重新保存后再导入。"
_TOO_BIG = (
    "文件解压后太大（超过 {} MB），不像一份报告；若确是报告，请在 Word 或 WPS 中删去其中的大图片并重新保存。"
)


def package_parts(raw: bytes, where: str, damaged: str = _DAMAGED, keep: tuple[str, ...] = ("word/document.xml",)) -> dict[str, bytes]:
    """The parts named in `keep` of a .docx (a zip), after every part was inflated within the
    bounds above (and its checksum checked); a located Chinese error (`damaged` for a package
    that is damaged or not a Word document) or one for a package that inflates past them.
    Parts not kept are counted, not held: memory stays at one chunk for them."""
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        # An OLE container: an old .doc renamed, or a .docx that Word encrypted with a password.
        raise FulianError.single(where, "无法读取：文件已加密（设置了打开密码），或是改了扩展名的旧版 .doc；请去掉密码或另存为 .docx 后再导入。")
    too_big = FulianError.single(where, _TOO_BIG.format(MAX_PACKAGE_BYTES // (1024 * 1024)))
    parts: dict[str, bytes] = {}
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            members = package.infolist()
            if len(members) > MAX_PARTS:
                raise too_big
            for member in members:
                if member.file_size > MAX_PART_BYTES or total + member.file_size > MAX_PACKAGE_BYTES:
                    raise too_big
                chunks, size, kept = [], 0, member.filename in keep
                with package.open(member) as stream:  # what the header claims is not trusted: counted as read
                    while chunk := stream.read(_CHUNK):
                        size += len(chunk)
                        if size > MAX_PART_BYTES or total + size > MAX_PACKAGE_BYTES:
                            raise too_big
                        if kept:
                            chunks.append(chunk)
                total += size
                if kept:
                    parts[member.filename] = b"".join(chunks)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
        # A damaged deflate stream or CRC, an unknown or encrypted compression, a cut archive.
        raise FulianError.single(where, damaged) from None
    if "word/document.xml" not in parts:  # a Word body, not another zip
        raise FulianError.single(where, damaged)
    return parts


def docx_lines(raw: bytes, path: Path) -> list[SourceLine]:
    where = display_path(path)
    package_parts(raw, where)
    import docx  # python-docx: styles and their inheritance

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception:  # python-docx raises many kinds for a damaged package
        raise FulianError.single(where, "文件已损坏，无法作为 Word 文档读取；请在 Word 或 WPS 中打开并重新保存后再导入。") from None
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[SourceLine] = []
    # Paragraphs and tables in the order they stand in the body; a table's rows are read as lines
    # (cells joined by a full-width space), so that nothing written in them is lost.
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            paragraph = Paragraph(child, document)
            lines.append(SourceLine(paragraph.text, centred=_centred(paragraph), bold=_bold(paragraph), title_style=_title_style(paragraph)))
        elif child.tag == f"{_W}tbl":
            for row in Table(child, document).rows:
                cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))  # merged cells repeat
                lines.append(SourceLine("\u3000".join(cell for cell in cells if cell)))
    return lines


def _centred(paragraph) -> bool:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    alignment = paragraph.alignment
    style = paragraph.style
    while alignment is None and style is not None:
        alignment = style.paragraph_format.alignment
        style = style.base_style
    return alignment == WD_ALIGN_PARAGRAPH.CENTER


def _bold(paragraph) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    if not runs:
        return False
    style_bold = _style_bold(paragraph.style)
    return all(run.bold if run.bold is not None else (run.style is not None and run.style.font.bold) or style_bold for run in runs)


def _style_bold(style) -> bool:
    while style is not None:
        if style.font.bold is not None:
            return bool(style.font.bold)
        style = style.base_style
    return False


def _title_style(paragraph) -> bool:
    style = paragraph.style
    name = (style.name or "").lower() if style is not None else ""
    return name.startswith(("title", "heading 1", "标题"))

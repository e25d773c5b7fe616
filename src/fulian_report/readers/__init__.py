"""Readers: an existing report (.docx or .txt) → the document tree the writers read.

Each reader only turns its format into lines (`SourceLine`); `structure.read_lines`
finds the title, headings, paragraphs and signature, the same for every format.
Figures are recognised afterwards, by `figures`, on the tree's text.
"""

from __future__ import annotations

from pathlib import Path

from ..doctree import Document
from ..errors import Finding, FulianError, Location
from ..source.yaml_source import CONTROL_CHARACTERS, display_path, read_source_bytes
from .structure import ReadReport, SourceLine, read_lines_located

# A report's text is tens of KB; with its pictures a .docx is a few MB.  A file past these is
# not a report, and reading it whole would only make the person wait (or run out of memory).
MAX_TXT_BYTES = 4 * 1024 * 1024
MAX_DOCX_BYTES = 64 * 1024 * 1024

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
    if not path.exists() and not path.is_symlink():  # a link, FIFO or device is told what it is, below
        raise FulianError.single(where, "找不到这个文件")
    suffix = path.suffix.lower()
    if suffix in _REFUSED:
        raise FulianError.single(where, f"{_REFUSED[suffix]}，不能直接导入；{_ADVICE}")
    if suffix != ".docx" and suffix not in (".txt", ".text", ""):
        raise FulianError.single(where, f"不支持导入“{path.suffix}”文件；{_ADVICE}")
    raw = read_report_bytes(path)
    if not raw.strip():
        raise FulianError.single(where, "文件是空的，没有可导入的内容")
    if suffix == ".docx":
        from .docx import docx_lines

        lines = docx_lines(raw, path)
        unit = "段"
    else:
        from .txt import txt_lines

        lines = txt_lines(raw, path)
        unit = "行"
    findings = character_findings(lines, where, unit)
    if findings:
        raise FulianError(findings)
    return read_lines_located(lines, where)


def read_report_bytes(path: Path) -> bytes:
    """The bytes of a report file (.docx or text): a regular file under its format's bound."""
    limit = MAX_DOCX_BYTES if Path(path).suffix.lower() == ".docx" else MAX_TXT_BYTES
    return read_source_bytes(Path(path), limit, too_big=_report_too_big, files=("要读取的报告", "文件（.docx 或 .txt）"))


def _report_too_big(where: str, size: int, limit: int) -> FulianError:
    return FulianError.single(
        where, f"文件太大（{size // 1024} KB）：一份报告通常只有几十 KB 到几 MB，最多允许 {limit // 1024} KB；是不是选错了文件？"
    )


# Characters a report's text cannot carry into its data: a control character Word refuses; a
# line or paragraph separator (NEL, U+2028, U+2029) that YAML and Python read as a line break,
# so that the paragraph would come back split in two; and Jinja's marks, which the narrative's
# text would run as a template instead of showing.  Each is reported at its line of the report.
_SEPARATORS = {"\x85": "下一行符（U+0085）", "\u2028": "行分隔符（U+2028）", "\u2029": "段分隔符（U+2029）"}
_TEMPLATE_MARKS = ("{{", "{%", "{#")


def character_findings(lines: list[SourceLine], where: str, unit: str) -> list[Finding]:
    """What in the report's text cannot be imported, at the report's own line (`unit` "行") or
    paragraph ("段", a .docx's paragraphs and table rows counted from the first)."""
    findings: list[Finding] = []
    for number, line in enumerate(lines, 1):
        text = line.text
        place = f"第 {number} {unit}"
        for match in CONTROL_CHARACTERS.finditer(text):
            findings.append(Finding(Location(where, number, match.start() + 1), (
                f"{place}有一个看不见的控制字符（U+{ord(match.group()):04X}），Word 无法打开含有它的文档；"
                "通常是从别处复制文字时带进来的，请在原稿中删除它（可删掉这几个字重新输入）后再导入。"
            )))
        for column, char in enumerate(text, 1):
            if char in _SEPARATORS:
                findings.append(Finding(Location(where, number, column), (
                    f"{place}有一个{_SEPARATORS[char]}，导入后这段话会被拆成两段；"
                    "请在原稿中删除它，需要另起一段时按回车后再导入。"
                )))
        for mark in _TEMPLATE_MARKS:
            start = text.find(mark)
            while start >= 0:
                findings.append(Finding(Location(where, number, start + 1), (
                    f"{place}有“{mark}”，在数据里它是模板的标记，这段文字无法原样导入；"
                    f"请在原稿中把它改写（如在两个符号之间加一个空格）后再导入。"
                )))
                start = text.find(mark, start + 2)
    return findings

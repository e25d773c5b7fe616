"""Line breaking in the PDF: a 破折号 (——) or 省略号 (……) is never split across lines or pages,
and no line starts with closing punctuation.

LibreOffice breaks Chinese text before any character its kinsoku lists do not forbid;
the .docx writer keeps such marks in runs of a Western language (see docx.py).
"""

from __future__ import annotations

import re
import zipfile

import pytest

from fulian_report.diff import report_paragraphs
from fulian_report.doctree import Document, Paragraph, Run, Title
from fulian_report.render.style import resolve_style
from fulian_report.writers import docx_bytes, text_bytes
from fulian_report.writers.pdf import pdf_bytes
from tests.conftest import ORGS
from tests.writers.pdf_pages import CLOSING_MARKS, PAIRED_MARKS, line_break_faults, read_pages, require_pdf_tools

FILLER = "妇女儿童家庭工作服务建设"
PAGE_NUMBER = re.compile(r"^—\d+—$")


def _filler(chars: int, start: int = 0) -> str:
    return (FILLER * (chars // len(FILLER) + 2))[start : start + chars]


def _paragraphs(chars_per_line: int) -> list[str]:
    """Unindented paragraphs, each line `chars_per_line` characters: a paired mark starting at every
    column of the first line (the last one straddling its end), a paired mark followed by each
    closing mark at the end of a line, and each closing mark first on the second line."""
    texts = [_filler(column) + mark + _filler(chars_per_line + 10, 3) + "。" for mark in PAIRED_MARKS for column in range(chars_per_line)]
    texts += [
        _filler(column) + mark + closing + _filler(20, 5) + "。"
        for mark in PAIRED_MARKS
        for closing in sorted(CLOSING_MARKS)
        for column in range(chars_per_line - 3, chars_per_line)
    ]
    texts += [_filler(chars_per_line) + closing + _filler(20, 5) + "。" for closing in sorted(CLOSING_MARKS)]
    # A closing quote at a line's end with a 、 or ， after it.  (A space typed between the two,
    # as in 芙蓉区's “最美家庭” 、“文明家庭”, can still let LibreOffice start a line with the mark.)
    texts += [
        _filler(column) + "“" + _filler(4) + quote + closing + _filler(20, 5) + "。"
        for quote in "”’"
        for closing in "，。、；：？！）》"
        for column in (chars_per_line - 7, chars_per_line - 6)
    ]
    return texts


def _document(org: str) -> Document:
    settings = resolve_style(org).settings.model_dump()
    blocks = [Paragraph((Run(text),), indent=False) for text in _paragraphs(settings["page"]["chars_per_line"])]
    return Document(title=Title(("断行检查",)), blocks=blocks, settings=settings)


@pytest.mark.parametrize("org", ORGS)
def test_paired_marks_at_every_column_stay_whole_and_no_line_starts_with_closing_punctuation(tmp_path, org):
    require_pdf_tools()
    document = _document(org)
    pdf = tmp_path / "breaks.pdf"
    pdf.write_bytes(pdf_bytes(document))
    lines = [line.text for page in read_pages(pdf) for line in page.lines if not PAGE_NUMBER.match(line.text)]
    assert line_break_faults(lines) == []
    # Nothing lost or added: the lines are the paragraphs' text, broken.
    assert "".join(lines) == "断行检查" + "".join(block.text for block in document.blocks)
    # The test text did reach the line ends: a paired mark ends a full line, and one starts a line.
    assert any(line.endswith(PAIRED_MARKS) for line in lines) and any(line.startswith(PAIRED_MARKS) for line in lines)


def test_the_docx_keeps_the_marks_as_written(tmp_path):
    """The paired marks' runs add no character: `diff` reads the .docx's paragraphs as the document
    tree has them, and the plain-text report is untouched."""
    document = _document("furong")
    report = tmp_path / "breaks.docx"
    report.write_bytes(docx_bytes(document))
    written = [block.text for block in document.blocks]
    assert report_paragraphs(report) == ["断行检查", *written]
    with zipfile.ZipFile(report) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert all(f"<w:t>{mark}</w:t>" in xml for mark in PAIRED_MARKS)  # each in a run of its own
    assert "\u2060" not in xml and "\ufeff" not in xml
    assert [line for line in text_bytes(document).decode("utf-8").splitlines() if line.strip()] == ["断行检查", *written]

"""Reading a rendered PDF back: lines and their boxes per page, from poppler's `pdftotext -bbox-layout`.

Coordinates are in points from the page's top-left corner.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from fulian_report.writers.pdf import soffice_path

# Set by .ci/run: there the PDF tests must run, never skip.
REQUIRE_PDF_ENV = "FULIAN_REQUIRE_PDF"
XHTML = "{http://www.w3.org/1999/xhtml}"
POINTS_PER_MM = 72 / 25.4


def require_pdf_tools() -> None:
    """Skip when LibreOffice or poppler is missing, unless the environment says PDF is required."""
    missing = [name for name, found in (("soffice", soffice_path()), ("pdftotext", shutil.which("pdftotext"))) if not found]
    if not missing:
        return
    message = f"PDF tests need {' and '.join(missing)}"
    if os.environ.get(REQUIRE_PDF_ENV) == "1":
        pytest.fail(f"{message}, and {REQUIRE_PDF_ENV}=1 says they must run", pytrace=False)
    pytest.skip(message)


@dataclass(frozen=True)
class Line:
    top: float
    bottom: float
    left: float
    right: float
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.words)


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    lines: tuple[Line, ...]


def read_pages(pdf: Path) -> list[Page]:
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(html, etree.XMLParser(recover=True))
    pages = []
    for page in root.iter(f"{XHTML}page"):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            words = tuple(word.text or "" for word in line.iter(f"{XHTML}word"))
            box = [float(line.get(key)) for key in ("yMin", "yMax", "xMin", "xMax")]
            lines.append(Line(*box, words))
        pages.append(Page(float(page.get("width")), float(page.get("height")), tuple(sorted(lines, key=lambda line: line.top))))
    return pages


@dataclass(frozen=True)
class Word:
    top: float
    bottom: float
    left: float
    right: float
    text: str


def read_words(pdf: Path) -> list[list[list[Word]]]:
    """Page → line → the words of that line, with their boxes (poppler splits words at spaces)."""
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(html, etree.XMLParser(recover=True))
    return [
        [
            [Word(*(float(word.get(key)) for key in ("yMin", "yMax", "xMin", "xMax")), word.text or "") for word in line.iter(f"{XHTML}word")]
            for line in page.iter(f"{XHTML}line")
        ]
        for page in root.iter(f"{XHTML}page")
    ]


# Han characters and the punctuation that never moves across a line break; a line of only these
# shows the grid plainly (quotes, brackets and Latin text are spaced by the line-breaking rules).
PLAIN_LINE = re.compile(r"^[\u4e00-\u9fff，、。；：！？]+$")
OPENING_MARKS = set("“‘（《〈【〔「『")
# Closing punctuation, which no line may start with (GB/T 15834-2011, 4.1.2 and its kinsoku practice).
CLOSING_MARKS = set("，。、；：？！）》〉」』】〕”’")
PAIRED_MARKS = ("——", "……")  # 破折号, 省略号: one mark of two characters


def line_break_faults(lines: list[str]) -> list[tuple[str, str]]:
    """Consecutive text lines (of one page or running on over pages) that split a 破折号 or a
    省略号, or whose second starts with closing punctuation."""
    return [
        (above, below)
        for above, below in zip(lines, lines[1:])
        if below[:1] in CLOSING_MARKS or any(above.endswith(mark[0]) and below.startswith(mark[1]) for mark in PAIRED_MARKS)
    ]


@dataclass(frozen=True)
class Span:
    """A piece of text poppler drew in one face and size, its box and size in points."""

    top: float
    left: float
    width: float
    size: float
    face: str
    text: str


def read_spans(pdf: Path, first: int, last: int) -> list[list[Span]]:
    """Pages `first` to `last` (from 1) → the spans of text on each with their faces, from poppler's
    `pdftohtml -xml` (which, unlike pdftotext, names the font of each piece of text). The face is
    the font's name without its subset prefix (FandolHei, not DAAAAA+FandolHei)."""
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", "-zoom", "1", "-f", str(first), "-l", str(last), str(pdf)],
        capture_output=True, check=True, timeout=120,
    ).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True))
    faces = {spec.get("id"): (spec.get("family").split("+")[-1], float(spec.get("size"))) for spec in root.iter("fontspec")}
    return [
        [
            Span(float(text.get("top")), float(text.get("left")), float(text.get("width")), faces[text.get("font")][1],
                 faces[text.get("font")][0], "".join(text.itertext()))
            for text in page.iter("text")
        ]
        for page in root.iter("page")
    ]

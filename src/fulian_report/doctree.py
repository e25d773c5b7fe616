"""The document tree: all that a writer knows of a report.

Templates produce it; writers (docx, plain text, later PDF) read only it.
It knows nothing of YAML, Jinja or Word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from .filenames import file_stem


@dataclass(frozen=True)
class Title:
    """The title, already broken into lines by sense (the style decides where)."""

    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass(frozen=True)
class Heading:
    """A heading on a line of its own: 一、真抓实干，妇儿工作频出佳绩."""

    level: int
    text: str
    number: str = ""

    @property
    def full_text(self) -> str:
        return f"{self.number}{self.text}"


@dataclass(frozen=True)
class FigureSource:
    """Where a printed figure was written: `file` relative to the data root, its line, the
    file's full path (for an editor link), and what it is (the record and field, or for a
    derived figure the figures it is computed from)."""

    file: str
    line: int
    path: str
    label: str


@dataclass(frozen=True)
class Run:
    """A stretch of a paragraph; a run-in heading's words carry its level.

    A figure rendered with provenance (the preview) is a run of its own carrying its
    `source`; a build renders without it, so its runs are exactly the prose's stretches."""

    text: str
    heading_level: int | None = None
    bold: bool = False
    source: FigureSource | None = None


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph; may start with a run-in heading (（一）家庭创建有成果。…)."""

    runs: tuple[Run, ...]
    indent: bool = True

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    header_rows: int = 1
    caption: str = ""


@dataclass(frozen=True)
class Signature:
    """落款: who signs and the date, as written (2022年2月7日)."""

    organisation: str
    date: str


Block = Union[Heading, Paragraph, Table]


@dataclass(frozen=True)
class Attachment:
    """附件 (GB/T 9704-2012, 8): after the 落款, on a page of its own; its label (附件, or 附件2
    among several) at the top left, its title centred, then its blocks."""

    title: str
    blocks: tuple[Block, ...] = ()
    label: str = "附件"


@dataclass
class Document:
    title: Title
    blocks: list[Block] = field(default_factory=list)
    signature: Signature | None = None
    attachments: list[Attachment] = field(default_factory=list)
    # What the writers may need beyond the text: the style's layout settings.
    settings: dict = field(default_factory=dict)

    @property
    def attachment_note(self) -> tuple[str, ...]:
        """附件说明 (GB/T 9704-2012, 7.3.4), a line each, written under the text before the 落款:
        附件：title for one attachment; 附件：1．title, then 2．title aligned under it, for several."""
        titles = [attachment.title for attachment in self.attachments]
        if len(titles) <= 1:
            return tuple(f"附件：{title}" for title in titles)
        return tuple(f"{'附件：' if index == 1 else '　　　'}{index}．{title}" for index, title in enumerate(titles, 1))

    @property
    def file_stem(self) -> str:
        """The report's file name: its title, made a name every file system accepts (see filenames.py)."""
        return file_stem(self.title.text).stem

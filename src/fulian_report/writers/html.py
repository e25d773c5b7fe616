"""HTML for the preview: the document tree laid out on A4 pages, line by line.

A browser cannot be told "22 lines of 28 characters", so the lines are
broken here, on the style's grid as the .docx is: each line holds
`chars_per_line` full-width characters (a Latin letter or digit half of
one), each page `lines_per_page` lines, the line pitch is the text block's
height over its lines and the character pitch its width over its
characters, both in CSS millimetres from the style's layout numbers.
Body paragraphs and headings are indented two characters, a line is not
begun with closing punctuation, the title is centred under one empty line,
and the signature stands as gbt9704.py places it.

Every figure that carries its source is a link: `data-source` names the
data file (relative to the data root) and line, the tooltip the record and
field, and a click opens the file at that line in an editor (vscode://).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from html import escape
from typing import Any
from urllib.parse import quote

from ..doctree import Attachment, Document, FigureSource, Heading, Paragraph, Table
from ..model.unfilled import MARKER
from ..render.provenance import KeyedSource
from ..gbt9704 import placed_signature, text_width_chars

# A line may not begin with these (GB/T 15834 punctuation that closes or follows).
_NO_LINE_START = set("，。、；：？！）》」』”’…—·%％")


@dataclass(frozen=True)
class _Piece:
    text: str
    font: str = "body"  # body, title or levelN
    bold: bool = False
    source: FigureSource | None = None
    continued: bool = False  # the rest of a figure broken at the end of the line before


@dataclass
class _Line:
    pieces: list[_Piece] = field(default_factory=list)
    kind: str = "body"  # body, title, heading, signature, table, blank
    align: str = "justify"  # justify (a full line), start (a paragraph's last line), center, end
    indent: float = 0.0  # characters before the text
    end_indent: float = 0.0  # characters after it (the signature)
    cells: tuple[str, ...] = ()
    header: bool = False  # a table's header row: in the first-level heading's font, as the .docx draws it


class _Grid:
    """The style's page settings as the numbers a browser needs (all in millimetres)."""

    def __init__(self, settings: dict[str, Any]):
        page = settings["page"]
        self.page = page
        self.fonts = settings["fonts"]
        self.sizes = settings["sizes"]
        self.bold_levels = set(settings.get("bold_levels", []))
        self.width = page["width_mm"] - page["left_mm"] - page["right_mm"]
        self.height = page["height_mm"] - page["top_mm"] - page["bottom_mm"]
        self.lines = page["lines_per_page"]
        self.chars = page["chars_per_line"]
        self.line_pitch = self.height / self.lines
        self.char_pitch = self.width / self.chars

    def font_family(self, key: str) -> str:
        """Latin letters in the Latin font, Chinese in the style's font, as Word applies them;
        each named font followed by the free faces the PDF prints it in (fonts/fonts.conf)."""
        chinese = self.fonts.get(key, self.fonts["body"])
        fallback = "sans-serif" if key in ("level1",) else "serif"
        names = []
        for name in (self.fonts.get("latin", "Times New Roman"), chinese):
            names += [name, *pdf_faces().get(name, ())]
        return ", ".join([*(css_string(name) for name in dict.fromkeys(names)), fallback])


@lru_cache(maxsize=1)
def pdf_faces() -> dict[str, tuple[str, ...]]:
    """Office font → the free faces the PDF conversion uses for it, as fonts/fonts.conf maps them
    (its aliases and its family-replacing matches), so that the preview shows the PDF's faces."""
    from xml.etree import ElementTree

    from .pdf import FONTS_CONF

    root = ElementTree.parse(FONTS_CONF).getroot()
    faces: dict[str, tuple[str, ...]] = {}
    for alias in root.iter("alias"):
        family = alias.findtext("family")
        if family:
            faces[family] = tuple(f.text for f in alias.iterfind("prefer/family") if f.text)
    for match in root.iter("match"):
        tested = [t.findtext("string") for t in match.iterfind("test") if t.get("name") == "family"]
        edits = [e for e in match.iterfind("edit") if e.get("name") == "family"]
        if len(tested) == 1 and tested[0] and edits:
            faces[tested[0]] = tuple(s.text for s in edits[0].iterfind("string") if s.text)
    return faces


def css_string(text: str) -> str:
    """`text` as a CSS string: quoted, and every character but letters, digits, space and _-.
    written as a hex escape, so that nothing in it ends the string, the rule or the <style>."""
    return '"' + "".join(char if char.isalnum() or char in " _-." else f"\\{ord(char):x} " for char in text) + '"'


def _break(pieces: list[_Piece], first_capacity: float, capacity: float) -> list[list[_Piece]]:
    """Pieces broken into lines of at most `capacity` characters (the first `first_capacity`)."""
    chars = [(char, piece) for piece in pieces for char in piece.text]
    lines: list[list[tuple[str, _Piece]]] = [[]]
    width, limit = 0.0, first_capacity
    for char, piece in chars:
        step = _char_width(char)
        if width + step > limit + 1e-9 and lines[-1]:
            carried: list[tuple[str, _Piece]] = []
            if char in _NO_LINE_START:  # the characters before come down with it (”、 is two)
                while len(lines[-1]) > 1 and (not carried or carried[0][0] in _NO_LINE_START):
                    carried.insert(0, lines[-1].pop())
            lines.append(carried)
            width, limit = sum(_char_width(c) for c, _ in carried), capacity
        lines[-1].append((char, piece))
        width += step
    return [_regroup(line) for line in lines if line]


# One character's width, asked for every character of every line: a report has a few hundred
# distinct characters, so each is measured once.
_char_width = lru_cache(maxsize=4096)(text_width_chars)


def _regroup(chars: list[tuple[str, _Piece]]) -> list[_Piece]:
    """Consecutive characters of one look and source back into one piece (joined once, not
    character by character: a report has some twenty thousand characters)."""
    pieces: list[_Piece] = []
    for _, group in groupby(chars, key=lambda item: (item[1].font, item[1].bold, id(item[1].source))):
        run = list(group)
        first = run[0][1]
        pieces.append(_Piece("".join(char for char, _ in run), first.font, first.bold, first.source))
    return pieces


def _flow(pieces: list[_Piece], grid: _Grid, indent: float, kind: str) -> list[_Line]:
    broken = _break(pieces, grid.chars - indent, grid.chars)
    for before, line in zip(broken, broken[1:]):
        first = line[0]
        if first.source is not None and before[-1].source is first.source:
            line[0] = _Piece(first.text, first.font, first.bold, first.source, continued=True)
    lines = []
    for index, line in enumerate(broken):
        last = index == len(broken) - 1
        lines.append(_Line(line, kind, "start" if last else "justify", indent if index == 0 else 0.0))
    return lines


def layout_lines(document: Document) -> list[_Line]:
    """The document as lines on the style's grid, in reading order."""
    grid = _Grid(document.settings)
    lines = [_Line([_Piece(text, "title")], "title", "center") for text in document.title.lines]
    lines.append(_Line(kind="blank"))  # one empty line under the title
    for block in document.blocks:
        if isinstance(block, Heading):
            level = f"level{min(max(block.level, 1), 4)}"
            piece = _Piece(block.full_text, level, block.level in grid.bold_levels)
            lines.extend(_flow([piece], grid, 2, "heading"))
        elif isinstance(block, Paragraph):
            pieces = [
                _Piece(run.text, f"level{min(run.heading_level, 4)}" if run.heading_level else "body", run.bold, run.source)
                for run in block.runs
            ]
            lines.extend(_flow(pieces, grid, 2 if block.indent else 0, "body"))
        elif isinstance(block, Table):
            lines.extend(_Line(kind="table", cells=row) for row in block.rows)
    if document.attachments:  # 附件说明 one empty line under the text
        lines.append(_Line(kind="blank"))
        lines.extend(line for note in document.attachment_note for line in _flow([_Piece(note)], grid, 2, "body"))
    if document.signature is not None:
        signature = document.signature
        indents = placed_signature(signature.organisation, signature.date, grid.page)
        lines.append(_Line(kind="blank"))
        lines.append(_Line([_Piece(signature.organisation)], "signature", "end", end_indent=indents.signature))
        if signature.date:  # an undated report has no date line
            lines.append(_Line([_Piece(signature.date)], "signature", "end", end_indent=indents.date))
    for attachment in document.attachments:
        lines += _attachment_lines(attachment, grid, len(lines))
    return lines


def _attachment_lines(attachment: Attachment, grid: _Grid, before: int) -> list[_Line]:
    """附件 from the top of a new page: its label in the first-level heading's font on the first
    line, its title centred on the third, then its tables (GB/T 9704-2012, 8), each table's
    header again at the top of every page it runs on to, as the .docx repeats it (w:tblHeader)."""
    lines = [_Line(kind="blank") for _ in range(-before % grid.lines)]
    lines += [_Line([_Piece(attachment.label, "level1")], "heading", "start"), _Line(kind="blank")]
    lines += [_Line([_Piece(attachment.title, "title")], "title", "center"), _Line(kind="blank")]
    for table in (block for block in attachment.blocks if isinstance(block, Table)):
        header = [_Line(kind="table", cells=row, header=True) for row in table.rows[: table.header_rows]]
        lines += header
        for row in table.rows[table.header_rows :]:
            if (before + len(lines)) % grid.lines == 0:  # a new page
                lines += header
            lines.append(_Line(kind="table", cells=row))
    return lines


def pages(document: Document) -> list[list[_Line]]:
    grid = _Grid(document.settings)
    lines = layout_lines(document)
    return [lines[start : start + grid.lines] for start in range(0, len(lines), grid.lines)] or [[]]


def _figure_link(piece: _Piece, content: str, editable: bool = False) -> str:
    source = piece.source
    where = f"{source.file}:{source.line}"
    own = isinstance(source, KeyedSource) and source.own_year
    action = "点击修改" if editable and own else "点击在编辑器中打开"
    tooltip = f"{source.label}\n{source.file} 第 {source.line} 行（{action}）"
    href = f"vscode://file/{quote(source.path, errors='surrogateescape')}:{source.line}"
    part = ' data-part="rest"' if piece.continued else ""
    key = ""
    if editable and own:
        key = f' data-key="{escape(json.dumps(source.key, ensure_ascii=False))}" data-was="{escape(source.written)}"'
    return (
        f'<a class="figure" data-source="{escape(where)}"{part}{key} title="{escape(tooltip)}" href="{escape(href)}">{content}</a>'
    )


def fill_box(where: str, key: tuple, written: str, tooltip: str, width_chars: float) -> str:
    """The box a value still to fill stands as: its source, its path and the marker it replaces,
    last year's value as its placeholder and in its tooltip, `width_chars` characters wide (the
    width of the text it stands for: the line keeps the length it will print with)."""
    match = MARKER.match(written.strip())
    last_value = match.group("value") if match else ""
    return (
        f'<input class="fill" type="text" data-source="{escape(where)}" data-key="{escape(json.dumps(list(key), ensure_ascii=False))}"'
        f' data-was="{escape(written)}" placeholder="{escape(last_value)}" title="{escape(tooltip)}"'
        f' aria-label="{escape(tooltip)}" style="width:{max(width_chars, 2) + 0.4:.2f}em" autocomplete="off">'
    )


def _to_fill_html(piece: _Piece, editable: bool) -> str:
    """A value `init` left to fill, in its sentence: a box (its rest on the next line left blank),
    or where the page cannot be edited, the marker as it is written."""
    source = piece.source
    width = text_width_chars(piece.text)
    if piece.continued:
        return f'<span class="fill-rest" style="display:inline-block;width:{width:.2f}em"></span>'
    if not editable:
        return f'<span class="placeholder" data-source="{escape(source.file)}:{source.line}">{escape(source.written)}</span>'
    match = MARKER.match(source.written.strip())
    tooltip = f"待填：{source.label}\n{source.file} 第 {source.line} 行\n{match.group('year')} 年的报告中是 {match.group('value')}"
    return fill_box(f"{source.file}:{source.line}", source.key, source.written, tooltip, width)


def _piece_html(piece: _Piece, editable: bool = False) -> str:
    source = piece.source
    if isinstance(source, KeyedSource) and source.own_year and source.to_fill:
        return _to_fill_html(piece, editable)
    classes = [f"font-{piece.font}"] + (["bold"] if piece.bold else [])
    content = f'<span class="{" ".join(classes)}">{escape(piece.text)}</span>'
    return _figure_link(piece, content, editable) if source is not None else content


def _line_html(line: _Line, grid: _Grid, editable: bool = False) -> str:
    if line.kind == "table":
        kind = "cell font-level1" if line.header else "cell"
        cells = "".join(f'<span class="{kind}">{escape(text)}</span>' for text in line.cells)
        return f'<div class="line table">{cells}</div>'
    style = []
    if line.indent:
        style.append(f"padding-left:{line.indent * grid.char_pitch:.3f}mm")
    if line.end_indent:
        style.append(f"padding-right:{line.end_indent * grid.char_pitch:.3f}mm")
    attributes = f' style="{";".join(style)}"' if style else ""
    body = "".join(_piece_html(piece, editable) for piece in line.pieces)
    return f'<div class="line {line.kind} align-{line.align}"{attributes}>{body}</div>'


def stylesheet(document: Document) -> str:
    """The CSS of the pages, from the style's layout numbers."""
    grid = _Grid(document.settings)
    page = grid.page
    body_size = grid.sizes["body"]
    rules = [
        ".pages{display:flex;flex-direction:column;align-items:center;gap:8mm;padding:8mm 0}",
        f".page{{position:relative;box-sizing:border-box;width:{page['width_mm']:g}mm;height:{page['height_mm']:g}mm;"
        f"padding:{page['top_mm']:g}mm {page['right_mm']:g}mm {page['bottom_mm']:g}mm {page['left_mm']:g}mm;"
        "background:#fff;color:#000;box-shadow:0 1px 4px rgba(0,0,0,.35)}",
        f".text-block{{width:{grid.width:.3f}mm;height:{grid.height:.3f}mm}}",
        # line-height: the text block's height over its lines; letter-spacing fits chars_per_line in a line.
        f".line{{box-sizing:border-box;height:{grid.line_pitch:.4f}mm;line-height:{grid.line_pitch:.4f}mm;"
        f"white-space:pre;overflow:visible;font-family:{grid.font_family('body')};font-size:{body_size:g}pt;"
        f"letter-spacing:calc({grid.char_pitch:.4f}mm - {body_size:g}pt)}}",
        ".align-justify{text-align:justify;text-align-last:justify}",
        ".align-start{text-align:start}",
        ".align-center{text-align:center;letter-spacing:0}",
        ".align-end{text-align:end}",
        f".title{{font-family:{grid.font_family('title')};font-size:{grid.sizes['title']:g}pt}}",
        ".bold{font-weight:bold}",
        ".table{display:flex}.table .cell{flex:1;border:0.3mm solid #000;padding:0 1mm;overflow:hidden}",
        ".figure{color:inherit;text-decoration:none;background:rgba(255,214,0,.35);border-radius:0.5mm;cursor:pointer}",
        ".figure:hover{background:rgba(255,170,0,.7)}",
        f".page-number{{position:absolute;bottom:{page['bottom_mm'] - page['page_number_below_mm']:.3f}mm;"
        f"font-family:{grid.font_family('page_number')};font-size:{grid.sizes['page_number']:g}pt;"
        f"line-height:1;transform:translateY(100%)}}",
        f".page-number.odd{{right:{page['right_mm'] + page['page_number_side_chars'] * grid.char_pitch:.3f}mm}}",
        f".page-number.even{{left:{page['left_mm'] + page['page_number_side_chars'] * grid.char_pitch:.3f}mm}}",
    ]
    for key in ("body", "title", "level1", "level2", "level3", "level4"):
        rules.append(f".font-{key}{{font-family:{grid.font_family(key)}}}")
    return "\n".join(rules)


def pages_html(document: Document, editable: bool = False) -> str:
    """The report's pages: `<div class="pages">` with one `<section class="page">` per A4 page;
    `editable`: values to fill are boxes, and the year's figures say they can be changed."""
    grid = _Grid(document.settings)
    out = ['<div class="pages">']
    for number, lines in enumerate(pages(document), start=1):
        side = "odd" if number % 2 else "even"
        out.append(f'<section class="page" data-page="{number}"><div class="text-block">')
        out.extend(_line_html(line, grid, editable) for line in lines)
        out.append(f'</div><div class="page-number {side}">— {number} —</div></section>')
    out.append("</div>")
    return "\n".join(out)


def to_html(document: Document, head: str = "", before: str = "", after: str = "") -> str:
    """A whole page; `head`, `before` and `after` let the preview add its findings and script."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(document.title.text)}</title>"
        f"<style>body{{margin:0;background:#e8e8e8}}\n{stylesheet(document)}</style>{head}</head>"
        f"<body>{before}{pages_html(document)}{after}</body></html>\n"
    )


def html_bytes(document: Document) -> bytes:
    return to_html(document).encode("utf-8")

"""HTML for the preview: the document tree laid out on A4 pages, line by line.

A browser cannot be told "22 lines of 28 characters", so the lines are
broken here, on the style's grid as the .docx is: each line holds
`chars_per_line` full-width characters (a Latin letter or digit half of
one), each page `lines_per_page` lines, the line pitch is the text block's
height over its lines and the character pitch its width over its
characters, both in CSS millimetres from the style's layout numbers.
Body paragraphs and headings are indented two characters, a line is not
begun with closing punctuation, the title is centred under one empty line,
and the signature stands as writers/layout.py places it.

Every figure that carries its source is a link: `data-source` names the
data file (relative to the data root) and line, the tooltip the record and
field, and a click opens the file at that line in an editor (vscode://).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from ..doctree import Attachment, Document, FigureSource, Heading, Paragraph, Table
from .layout import placed_signature, text_width_chars

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
        """Latin letters in the Latin font, Chinese in the style's font, as Word applies them."""
        chinese = self.fonts.get(key, self.fonts["body"])
        fallback = "sans-serif" if key in ("level1",) else "serif"
        return f"{_css_string(self.fonts.get('latin', 'Times New Roman'))}, {_css_string(chinese)}, {fallback}"


def _css_string(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _break(pieces: list[_Piece], first_capacity: float, capacity: float) -> list[list[_Piece]]:
    """Pieces broken into lines of at most `capacity` characters (the first `first_capacity`)."""
    chars = [(char, piece) for piece in pieces for char in piece.text]
    lines: list[list[tuple[str, _Piece]]] = [[]]
    width, limit = 0.0, first_capacity
    for char, piece in chars:
        step = text_width_chars(char)
        if width + step > limit + 1e-9 and lines[-1]:
            carried: list[tuple[str, _Piece]] = []
            if char in _NO_LINE_START:  # the characters before come down with it (”、 is two)
                while len(lines[-1]) > 1 and (not carried or carried[0][0] in _NO_LINE_START):
                    carried.insert(0, lines[-1].pop())
            lines.append(carried)
            width, limit = sum(text_width_chars(c) for c, _ in carried), capacity
        lines[-1].append((char, piece))
        width += step
    return [_regroup(line) for line in lines if line]


def _regroup(chars: list[tuple[str, _Piece]]) -> list[_Piece]:
    """Consecutive characters of one piece back into one piece."""
    pieces: list[_Piece] = []
    for char, piece in chars:
        if pieces and pieces[-1].font == piece.font and pieces[-1].bold == piece.bold and pieces[-1].source is piece.source:
            last = pieces[-1]
            pieces[-1] = _Piece(last.text + char, last.font, last.bold, last.source)
        else:
            pieces.append(_Piece(char, piece.font, piece.bold, piece.source))
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
    line, its title centred on the third, then its tables (GB/T 9704-2012, 8)."""
    lines = [_Line(kind="blank") for _ in range(-before % grid.lines)]
    lines += [_Line([_Piece(attachment.label, "level1")], "heading", "start"), _Line(kind="blank")]
    lines += [_Line([_Piece(attachment.title, "title")], "title", "center"), _Line(kind="blank")]
    lines += [_Line(kind="table", cells=row) for block in attachment.blocks if isinstance(block, Table) for row in block.rows]
    return lines


def pages(document: Document) -> list[list[_Line]]:
    grid = _Grid(document.settings)
    lines = layout_lines(document)
    return [lines[start : start + grid.lines] for start in range(0, len(lines), grid.lines)] or [[]]


def _figure_link(piece: _Piece, content: str) -> str:
    source = piece.source
    where = f"{source.file}:{source.line}"
    tooltip = f"{source.label}\n{source.file} 第 {source.line} 行（点击在编辑器中打开）"
    href = f"vscode://file/{source.path}:{source.line}"
    part = ' data-part="rest"' if piece.continued else ""
    return (
        f'<a class="figure" data-source="{escape(where)}"{part} title="{escape(tooltip)}" href="{escape(href)}">{content}</a>'
    )


def _piece_html(piece: _Piece) -> str:
    classes = [f"font-{piece.font}"] + (["bold"] if piece.bold else [])
    content = f'<span class="{" ".join(classes)}">{escape(piece.text)}</span>'
    return _figure_link(piece, content) if piece.source is not None else content


def _line_html(line: _Line, grid: _Grid) -> str:
    if line.kind == "table":
        cells = "".join(f'<span class="cell">{escape(text)}</span>' for text in line.cells)
        return f'<div class="line table">{cells}</div>'
    style = []
    if line.indent:
        style.append(f"padding-left:{line.indent * grid.char_pitch:.3f}mm")
    if line.end_indent:
        style.append(f"padding-right:{line.end_indent * grid.char_pitch:.3f}mm")
    attributes = f' style="{";".join(style)}"' if style else ""
    body = "".join(_piece_html(piece) for piece in line.pieces)
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


def pages_html(document: Document) -> str:
    """The report's pages: `<div class="pages">` with one `<section class="page">` per A4 page."""
    grid = _Grid(document.settings)
    out = ['<div class="pages">']
    for number, lines in enumerate(pages(document), start=1):
        side = "odd" if number % 2 else "even"
        out.append(f'<section class="page" data-page="{number}"><div class="text-block">')
        out.extend(_line_html(line, grid) for line in lines)
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

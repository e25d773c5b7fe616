"""The body of word/document.xml, written as XML text.

A report's body is a few shapes of paragraph (`w:p`), run (`w:r`) and table (`w:tbl`);
made element by element with lxml they cost more than all the rest of writing a report.
Written here as text, they are the markup python-docx's `add_paragraph`, `add_run` and
`add_table` make, byte for byte as lxml serialises it inside the document (the `w:`
prefix, attributes in the same order, `xml:space="preserve"` where it is needed, empty
elements closed as `<w:p/>`); tests/writers/test_body_xml.py compares the two.
Properties (pPr, rPr) are given in schema order, as oxml.py places them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from docx.shared import Emu, Length

LINE_BREAK_RUN = "<w:r><w:br/></w:r>"
_SEPARATORS = re.compile("([\t\n\r])")
_SEPARATOR_MARKUP = {"\t": "<w:tab/>", "\n": "<w:br/>", "\r": "<w:br/>"}
# Characters XML 1.0 cannot carry, which lxml refuses in text (surrogates fail to encode as UTF-8).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def element(tag: str, content: str = "") -> str:
    """`<tag>content</tag>`, or `<tag/>` when empty, as lxml writes an element without children."""
    return f"<{tag}>{content}</{tag}>" if content else f"<{tag}/>"


def escaped(text: str) -> str:
    """`text` as character data: what lxml escapes there (&, <, >), nothing more."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def check_characters(xml: str) -> None:
    """Refuse text Word cannot open, as lxml refused it when it made the elements."""
    if _NOT_XML.search(xml):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")


def paragraph(style_id: str | None, runs: str = "", properties: str = "") -> str:
    """`<w:p>` of paragraph style `style_id` (none: a table cell's) holding `runs`.

    `properties` are the pPr children after the style, in schema order (see `indentation`)."""
    children = (f'<w:pStyle w:val="{style_id}"/>' if style_id is not None else "") + properties
    return element("w:p", (element("w:pPr", children) if children else "") + runs)


def indentation(**attributes: int) -> str:
    """`<w:ind>` with `attributes` in the order given, e.g. firstLineChars=0, firstLine=0."""
    return "<w:ind" + "".join(f' w:{name}="{value}"' for name, value in attributes.items()) + "/>"


@lru_cache(maxsize=64)
def run_properties(style_id: str | None = None, bold: bool = False, east_asian_language: str | None = None) -> str:
    """`<w:rPr>` with a character style, bold and an East Asian language, or "" without any."""
    children = f'<w:rStyle w:val="{style_id}"/>' if style_id is not None else ""
    children += "<w:b/>" if bold else ""
    children += f'<w:lang w:eastAsia="{east_asian_language}"/>' if east_asian_language is not None else ""
    return element("w:rPr", children) if children else ""


def run(text: str, properties: str = "") -> str:
    """`<w:r>` of `text` as python-docx's `add_run` writes it.

    A tab becomes `<w:tab/>`, a line feed or carriage return `<w:br/>`, and text with
    leading or trailing spaces keeps them (xml:space="preserve").
    """
    if "\t" in text or "\n" in text or "\r" in text:
        pieces = _SEPARATORS.split(text)  # text, separator, text, …, text
        content = "".join(_SEPARATOR_MARKUP[piece] if index % 2 else _text(piece) for index, piece in enumerate(pieces))
    else:
        content = _text(text)
    return element("w:r", properties + content)


def _text(text: str) -> str:
    if not text:
        return ""
    if text.strip() != text:
        return f'<w:t xml:space="preserve">{escaped(text)}</w:t>'
    return f"<w:t>{escaped(text)}</w:t>"


def table(
    rows: tuple[tuple[str, ...], ...],
    header_rows: int,
    width: Length,
    style_id: str,
    shares: tuple[float, ...] = (),
    *,
    paged: bool = False,
    header_run_style: str | None = None,
) -> str:
    """python-docx's table markup (grid, cell widths, look) as `add_table` writes it, of table
    style `style_id`: `width` shared evenly by the columns (or in proportion to `shares`, one a
    column), a cell of text per cell of `rows` (a shorter row's last cells, and cells of no text,
    stay empty: no run) and the header rows' text centred.

    A `paged` table is made for a table running over pages: its header rows repeat at the top of
    each page (w:tblHeader), no row splits across a page (w:cantSplit), and its width is fixed at
    `width` (w:tblLayout fixed), so that a long name wraps in its cell rather than widening the
    table past the margins. The header rows' text takes the character style `header_run_style`."""
    columns = max(len(row) for row in rows)
    if len(shares) == columns and columns:
        column_twips = [Emu(int(width * share / sum(shares))).twips for share in shares]
    else:
        column_twips = [Emu(width // columns).twips] * columns if columns else []
    # tblPr children in schema order: tblStyle, tblW, (tblInd…), tblLayout, (tblCellMar), tblLook.
    table_width = f'<w:tblW w:type="dxa" w:w="{sum(column_twips)}"/>' if paged else '<w:tblW w:type="auto" w:w="0"/>'
    head = (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{style_id}"/>{table_width}'
        + ('<w:tblLayout w:type="fixed"/>' if paged else "")
        + '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
        "</w:tblPr>"
    )
    if not columns:
        # Rows without cells: the grid and rows of python-docx's template keep the indentation it is written with.
        return head + "<w:tblGrid>\n  </w:tblGrid>" + "<w:tr>\n  </w:tr>" * len(rows) + "</w:tbl>"
    cell_properties = [f'<w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/></w:tcPr>' for twips in column_twips]
    header_run = run_properties(header_run_style) if header_run_style else ""
    markup = [head, element("w:tblGrid", "".join(f'<w:gridCol w:w="{twips}"/>' for twips in column_twips))]
    for index, row in enumerate(rows):
        header = index < header_rows
        properties = '<w:jc w:val="center"/>' if header else ""
        # An empty cell holds no run: Word counts an empty run as damage to repair.
        cells = [paragraph(None, run(text, header_run if header else "") if text else "", properties) for text in row]
        cells += ["<w:p/>"] * (columns - len(row))
        row_properties = element("w:trPr", "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")) if paged else ""
        markup.append(element("w:tr", row_properties + "".join(f"<w:tc>{cell_properties[column]}{cell}</w:tc>" for column, cell in enumerate(cells))))
    markup.append("</w:tbl>")
    return "".join(markup)

"""Document tree → .docx, laid out by the style's settings (page, fonts, sizes).

Paragraph and character formatting lives in named styles (标题, 正文, 一级标题…)
so that a person editing the result in WPS or Word keeps the look; the
writer only picks the style of each paragraph and run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Emu, Length, Mm
from lxml import etree

from .. import cache
from ..doctree import Attachment, Document, Heading, Paragraph, Run, Table
from . import body_xml, font_table, oxml, package, package_parts
from .. import gbt9704 as gbt
from .package import Deflated, build_time, deflated, package_entries, stamp_properties, zip_bytes
from .package_parts import own_parts

TWIPS_PER_MM = 1440 / 25.4
TWIPS_PER_POINT = 20

# Our paragraph styles: (style id, name shown in Word, settings key for its font).
BODY_STYLE = "ReportBody"
BODY_NAME = "正文段落"
TITLE_STYLE = "ReportTitle"
SIGNATURE_STYLE = "ReportSignature"
HEADING_STYLE = "Heading{level}"  # Word's built-in heading styles, taken over
TABLE_STYLE = "TableGrid"  # Word's built-in “Table Grid”, in python-docx's template


class _Layout:
    """The style settings turned into the numbers Word wants."""

    def __init__(self, settings: dict[str, Any]):
        self.page = settings["page"]
        self.fonts = settings["fonts"]
        self.sizes = settings["sizes"]
        self.bold_levels = set(settings.get("bold_levels", []))
        text_height_mm = self.page["height_mm"] - self.page["top_mm"] - self.page["bottom_mm"]
        text_width_mm = self.page["width_mm"] - self.page["left_mm"] - self.page["right_mm"]
        self.line_twips = gbt.line_pitch_twips(text_height_mm, self.page["lines_per_page"])
        self.char_twips = round(self.sizes["body"] * TWIPS_PER_POINT)
        # Condenses (or spreads) body-size text so that chars_per_line characters fill a line.
        self.char_spacing = gbt.char_spacing_twentieths(text_width_mm, self.page["chars_per_line"], self.sizes["body"])

    def heading_font(self, level: int) -> str:
        return self.fonts.get(f"level{min(max(level, 1), 4)}", self.fonts["body"])


def docx_bytes(document: Document) -> bytes:
    blank = _styled_blank(json.dumps(document.settings, sort_keys=True, ensure_ascii=False))
    when = build_time()
    built = {blank.document_name: _document_xml(blank, document), blank.core_name: _core_xml(blank, document, when)}
    return zip_bytes([(name, built.get(name, data)) for name, data in blank.entries], when)


def _document_xml(blank: _Blank, document: Document) -> bytes:
    """word/document.xml: the blank's body (its section settings) with the report's blocks before them.

    The blocks are written as XML text (body_xml.py) between the blank's serialised parts:
    made element by element, with lxml or python-docx, they cost more than the rest of a report.
    """
    # An empty table writes nothing: the block before it then ends the text.
    blocks = _written(document.blocks)
    if document.attachments:  # 附件说明 under the text, one empty line between (GB/T 9704-2012, 7.3.4)
        blocks += [Paragraph(runs=()), *(Paragraph(runs=(Run(line),)) for line in document.attachment_note)]
    empty_line_in_text = document.signature is not None and _empty_line_in_text(blocks)
    title_runs = body_xml.LINE_BREAK_RUN.join(body_xml.run(line) for line in document.title.lines)
    markup = [body_xml.paragraph(TITLE_STYLE, title_runs), body_xml.paragraph(BODY_STYLE)]  # one empty line under the title
    markup += _blocks(blocks, blank, empty_line_in_text)
    if document.signature is not None:
        if not empty_line_in_text:
            markup.append(body_xml.paragraph(BODY_STYLE))
        markup.append(_signature(document, blank.layout))
    for attachment in document.attachments:
        markup += _attachment(attachment, blank)
    body = "".join(markup)
    body_xml.check_characters(body)
    return blank.body_before + body.encode("utf-8") + blank.body_after


def _written(blocks: Any) -> list[Heading | Paragraph | Table]:
    """The blocks that write something: an empty table writes nothing."""
    return [block for block in blocks if not isinstance(block, Table) or block.rows]


def _blocks(blocks: list[Heading | Paragraph | Table], blank: _Blank, empty_line_in_text: bool = False) -> list[str]:
    markup = []
    for index, block in enumerate(blocks):
        ends_with_empty_line = empty_line_in_text and index == len(blocks) - 1
        if isinstance(block, Heading):
            style = HEADING_STYLE.format(level=min(block.level, 4))
            markup.append(_text_paragraph(style, _text_runs(block.full_text), ends_with_empty_line=ends_with_empty_line))
        elif isinstance(block, Paragraph):
            markup.append(_paragraph(block, ends_with_empty_line))
        elif isinstance(block, Table):
            markup.append(body_xml.table(block.rows, block.header_rows, blank.block_width, TABLE_STYLE))
    return markup


def _attachment(attachment: Attachment, blank: _Blank) -> list[str]:
    """附件 on a new page (GB/T 9704-2012, 8): its label in 黑体 flush left on the first line (the
    first-level heading's character style, 3号黑体), its title centred on the third in the
    title's style, one empty line, then its blocks in the document's fonts: a table's header in
    the first-level heading's font (黑体), repeated on each page it runs over, its rows whole."""
    label = _text_runs(attachment.label, style_id="HeadingRun1")
    return [
        body_xml.paragraph(BODY_STYLE, label, _PAGE_BREAK_BEFORE + _NO_INDENT),
        body_xml.paragraph(BODY_STYLE),
        body_xml.paragraph(TITLE_STYLE, body_xml.run(attachment.title)),
        body_xml.paragraph(BODY_STYLE),
        *(
            body_xml.table(
                block.rows, block.header_rows, blank.block_width, TABLE_STYLE, _column_shares(block, blank.layout.page["chars_per_line"]),
                paged=True, header_run_style="HeadingRun1",
            )
            if isinstance(block, Table)
            else "".join(_blocks([block], blank))
            for block in _written(attachment.blocks)
        ),
    ]


def _column_shares(table: Table, line_chars: float) -> tuple[float, ...]:
    """Each column's width in characters: its longest text and a character and a half of cell margins.
    Where they do not fit a line of `line_chars`, the short columns (figures) keep their width and
    the long ones (names, changes) share what is left, the widest cut down first."""
    columns = max(len(row) for row in table.rows)
    needed = [
        max((gbt.text_width_chars(row[column], gbt.SCRIPT_GAP_CHARS) for row in table.rows if column < len(row)), default=0) + 1.5
        for column in range(columns)
    ]
    if sum(needed) <= line_chars:
        return tuple(needed)
    short = [width <= 1.5 * line_chars / columns for width in needed]
    left = line_chars - sum(width for width, kept in zip(needed, short) if kept)
    if all(short) or left < 3 * short.count(False):  # no room to keep the short ones whole
        return _shared_out(needed, line_chars)
    long = iter(_shared_out([width for width, kept in zip(needed, short) if not kept], left))
    return tuple(width if kept else next(long) for width, kept in zip(needed, short))


def _shared_out(needed: list[float], total: float) -> tuple[float, ...]:
    """`total` shared by widths wanting `needed`: each gets what it wants up to one cap, the
    cap that uses all of `total` (the widest are cut down first)."""
    cap, left = total, total
    for index, width in enumerate(sorted(needed)):
        share = left / (len(needed) - index)
        if width > share:
            cap = share
            break
        left -= width
    return tuple(min(width, cap) for width in needed)


def _split_around_body(document_xml: bytes) -> tuple[bytes, bytes]:
    """The blank's word/document.xml serialised as a report's is, cut where the report's blocks
    go: at the end of the body, before the section settings that end it."""
    root = parse_xml(document_xml)
    body = root.find(qn("w:body"))
    section = body.find(qn("w:sectPr"))
    body.remove(section)
    body.append(etree.Comment("blocks"))
    body.append(section)
    before, after = serialize_part_xml(root).split(b"<!--blocks-->")
    return before, after


def _core_xml(blank: _Blank, document: Document, when: dt.datetime) -> bytes:
    """docProps/core.xml: the report's title, author and language, stamped with the build time."""
    properties = CoreProperties(parse_xml(blank.core_xml))
    properties.title = package_parts.core_property_text(document.title.text)
    properties.author = package_parts.core_property_text(document.signature.organisation if document.signature else "")
    properties.language = "zh-CN"
    stamp_properties(properties, when)
    return serialize_part_xml(properties._element)


@dataclass(frozen=True)
class _Blank:
    """A style's empty document as the parts of its package; a report replaces two of them."""

    entries: tuple[tuple[str, bytes | Deflated], ...]  # every part, in package order; the shared ones compressed
    document_name: str
    # word/document.xml as serialised, cut where the report's blocks go (see _split_around_body).
    body_before: bytes
    body_after: bytes
    core_name: str
    core_xml: bytes
    layout: _Layout
    block_width: Length  # between the margins: a table's width


@lru_cache(maxsize=32)
def _styled_blank(settings_json: str) -> _Blank:
    """An empty document with the style's page and styles, made once per style.

    Setting fonts on every built-in style through python-docx costs more than
    writing a whole report; every report of one style shares the result, and the
    parts no report changes (styles, settings, footers, theme…) are serialised and
    compressed here once.  The result is kept on disk (cache.py) for the next run,
    keyed by the settings and by everything else that goes into it.
    """
    store = cache.DiskCache("docx-blank")
    key = _blank_key(settings_json)
    stored = store.get(key)
    if stored is not None:
        try:
            return _blank_from_bytes(stored, _Layout(json.loads(settings_json)))
        except (ValueError, KeyError, TypeError, IndexError):  # a damaged entry: made again below
            pass
    blank = _make_blank(settings_json)
    store.put(key, _blank_to_bytes(blank))
    return blank


@lru_cache(maxsize=1)
def _blank_inputs() -> bytes:
    """What a blank depends on besides the style's settings: the code that makes it, the
    libraries that serialise and compress it (their output is the cached bytes)."""
    versions = [docx.__version__, etree.__version__, str(etree.LIBXML_VERSION), zlib.ZLIB_RUNTIME_VERSION]
    code = cache.source_of(sys.modules[__name__], font_table, gbt, oxml, package, package_parts)
    return "\0".join(versions).encode() + b"\0" + code


def _blank_key(settings_json: str) -> str:
    return cache.fingerprint(_blank_inputs(), settings_json)


def _blank_to_bytes(blank: _Blank) -> bytes:
    """A JSON head (names, sizes, checksums) on one line, then every part's bytes in order."""
    parts, blobs = [], []
    for name, data in blank.entries:
        if isinstance(data, Deflated):
            parts.append([name, len(data.data), data.crc, data.size])
            blobs.append(data.data)
        else:
            parts.append([name, len(data)])
            blobs.append(data)
    head = {"document": blank.document_name, "core": blank.core_name, "width": int(blank.block_width), "parts": parts}
    return json.dumps(head, ensure_ascii=False).encode("utf-8") + b"\n" + b"".join(blobs)


def _blank_from_bytes(stored: bytes, layout: _Layout) -> _Blank:
    end = stored.index(b"\n")
    head = json.loads(stored[:end])
    offset, entries = end + 1, []
    for name, length, *packed in head["parts"]:
        data = stored[offset : offset + length]
        if len(data) != length:
            raise ValueError("cache entry cut short")
        offset += length
        entries.append((name, Deflated(packed[0], packed[1], data) if packed else data))
    if offset != len(stored):
        raise ValueError("cache entry too long")
    named = dict(entries)
    body_before, body_after = _split_around_body(named[head["document"]])
    return _Blank(
        entries=tuple(entries),
        document_name=head["document"],
        body_before=body_before,
        body_after=body_after,
        core_name=head["core"],
        core_xml=named[head["core"]],
        layout=layout,
        block_width=Emu(head["width"]),
    )


def _make_blank(settings_json: str) -> _Blank:
    layout = _Layout(json.loads(settings_json))
    blank = docx.Document()
    body = blank.element.body
    # python-docx's template starts with one empty paragraph; a report starts with its title.
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    # python-docx's template carries a Word 2010 copy of the styles with theme fonts: ours replace it.
    for relationship_id, relationship in list(blank.part.rels.items()):
        if relationship.reltype.endswith("/stylesWithEffects"):
            del blank.part.rels[relationship_id]
    _page_setup(blank, layout)
    # The text's last paragraph ends with a line break (see _empty_line_in_text); Word
    # would otherwise spread a justified line ending so across the whole width.
    oxml.set_compat_flag(blank.settings.element, "doNotExpandShiftReturn")
    _styles(blank, layout)
    _page_numbers(blank, layout)
    replaced = own_parts(blank, layout.fonts)
    opc_package = blank.part.package
    document_name = blank.part.partname.membername
    core_name = next(part.partname.membername for part in opc_package.parts if part.content_type == CT.OPC_CORE_PROPERTIES)
    raw = {name: replaced.get(name, data) for name, data in package_entries(opc_package)}
    # The two parts a report replaces stay as they are; the others go into every report compressed.
    entries = tuple((name, data if name in (document_name, core_name) else deflated(data)) for name, data in raw.items())
    section = blank.sections[-1]
    body_before, body_after = _split_around_body(raw[document_name])
    return _Blank(
        entries=entries,
        document_name=document_name,
        body_before=body_before,
        body_after=body_after,
        core_name=core_name,
        core_xml=raw[core_name],
        layout=layout,
        block_width=Emu(section.page_width - section.left_margin - section.right_margin),
    )


def _page_setup(result: Any, layout: _Layout) -> None:
    page = layout.page
    section = result.sections[0]
    section.page_width = Mm(page["width_mm"])
    section.page_height = Mm(page["height_mm"])
    section.top_margin = Mm(page["top_mm"])
    section.bottom_margin = Mm(page["bottom_mm"])
    section.left_margin = Mm(page["left_mm"])
    section.right_margin = Mm(page["right_mm"])
    oxml.set_doc_grid(section._sectPr, layout.line_twips)


def _styles(result: Any, layout: _Layout) -> None:
    """Create the report's styles (paragraph and run styles by id, see the constants above)."""
    styles = result.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    oxml.set_fonts(rpr, layout.fonts["body"], layout.fonts["latin"])
    oxml.set_black(rpr)
    oxml.set_char_spacing(rpr, layout.char_spacing)
    oxml.set_size(rpr, layout.sizes["body"])
    oxml.set_lang(rpr)
    # Word's built-in styles name theme fonts and colours; give each of them the body font, in black.
    for style in styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            style_rpr = style.element.get_or_add_rPr()
            oxml.set_fonts(style_rpr, layout.fonts["body"], layout.fonts["latin"])
            oxml.set_black(style_rpr)
            oxml.set_lang(style_rpr)
    # Table styles, and their conditional parts (first row, first column…), name theme fonts and colours too.
    for table_style in styles.element.iterchildren(qn("w:style")):
        if table_style.get(qn("w:type")) != "table":
            continue
        for table_rpr in table_style.iter(qn("w:rPr")):
            oxml.set_fonts(table_rpr, layout.fonts["body"], layout.fonts["latin"])
            if table_rpr.find(qn("w:color")) is not None:
                oxml.set_black(table_rpr)

    body = _paragraph_style(styles, BODY_STYLE, BODY_NAME, layout.fonts["body"], layout.sizes["body"], layout)
    oxml.set_first_line_chars(body.element.get_or_add_pPr(), 2, layout.char_twips)
    oxml.set_justification(body.element.get_or_add_pPr(), "both")

    title = _paragraph_style(styles, TITLE_STYLE, "报告标题", layout.fonts["title"], layout.sizes["title"], layout)
    oxml.set_justification(title.element.get_or_add_pPr(), "center")
    # Word would give a line of the larger title size two grid lines.
    oxml.set_snap_to_grid(title.element.get_or_add_pPr(), False)

    for level in range(1, 5):
        style = _paragraph_style(
            styles, HEADING_STYLE.format(level=level), f"{level}级标题", layout.heading_font(level), layout.sizes["body"], layout
        )
        ppr = style.element.get_or_add_pPr()
        oxml.set_first_line_chars(ppr, 2, layout.char_twips)
        oxml.set_bold(style.element.get_or_add_rPr(), level in layout.bold_levels)
        oxml.ppr_child(ppr, "keepNext")
        oxml.ppr_child(ppr, "outlineLvl").set(qn("w:val"), str(level - 1))
        run_style = styles.add_style(f"{level}级标题文字", WD_STYLE_TYPE.CHARACTER)
        run_style.element.set(qn("w:styleId"), f"HeadingRun{level}")
        run_rpr = run_style.element.get_or_add_rPr()
        oxml.set_fonts(run_rpr, layout.heading_font(level), layout.fonts["latin"])
        oxml.set_bold(run_rpr, level in layout.bold_levels)
        oxml.set_black(run_rpr)
        oxml.set_char_spacing(run_rpr, layout.char_spacing)
        oxml.set_lang(run_rpr)

    signature = _paragraph_style(styles, SIGNATURE_STYLE, "落款", layout.fonts["body"], layout.sizes["body"], layout)
    oxml.set_justification(signature.element.get_or_add_pPr(), "right")
    oxml.set_right_chars(signature.element.get_or_add_pPr(), layout.page["signature_right_chars"], layout.char_twips)


def _paragraph_style(styles: Any, style_id: str, name: str, font: str, size: float, layout: _Layout) -> Any:
    """Our paragraph style `style_id`; a built-in one (Heading1…) is taken over, so that Word's
    navigation pane and outline still know the headings, and its theme look is cleared."""
    existing = next((s for s in styles if s.style_id == style_id), None)
    if existing is not None:
        style = existing
        for tag in ("w:pPr", "w:rPr"):
            old = style.element.find(qn(tag))
            if old is not None:
                style.element.remove(old)
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), style_id)
    style.quick_style = True
    rpr = style.element.get_or_add_rPr()
    oxml.set_fonts(rpr, font, layout.fonts["latin"])
    oxml.set_size(rpr, size)
    oxml.set_black(rpr)
    oxml.set_char_spacing(rpr, layout.char_spacing if size == layout.sizes["body"] else 0)
    oxml.set_lang(rpr)
    ppr = style.element.get_or_add_pPr()
    oxml.set_exact_line(ppr, layout.line_twips)
    oxml.set_widow_control(ppr, False)
    # Punctuation stays inside the text block.  LibreOffice reads overflowPunct on as "no hanging
    # punctuation"; left to its default it hangs a 。 or ， past the line's end and prints nothing
    # there (measured: 芙蓉区's PDF lacked 9 of its marks).  On is Word's default too.
    oxml.ppr_child(ppr, "overflowPunct").set(qn("w:val"), "1")
    return style


# pPr children, each written after those before it in schema order (oxml._PPR_ORDER).
_KEEP_NEXT = "<w:keepNext/>"
_PAGE_BREAK_BEFORE = "<w:pageBreakBefore/>"
_WIDOW_CONTROL = '<w:widowControl w:val="1"/>'
_NO_INDENT = body_xml.indentation(firstLineChars=0, firstLine=0)


def _text_paragraph(style_id: str, runs: str, properties: str = "", ends_with_empty_line: bool = False) -> str:
    """A paragraph of `runs` with pPr children `properties` after its style; the text's last
    one, with `ends_with_empty_line`, ends with the empty line under the text (see _empty_line_in_text).
    Such a paragraph's `properties` are at most an indentation, which comes after widowControl."""
    if ends_with_empty_line:
        return body_xml.paragraph(style_id, runs + body_xml.LINE_BREAK_RUN, _WIDOW_CONTROL + properties)
    return body_xml.paragraph(style_id, runs, properties)


# Marks kept on one line: 破折号 and 省略号 (two characters that are one mark), and a closing quote
# or a space with the closing punctuation after it.  LibreOffice breaks Chinese text before any character
# but the few its kinsoku lists forbid: a dash or an ellipsis is none of them, and a “”‘’ quote,
# a Western character, or a space lets a 、 or ， after it start the next line.  The .docx cannot extend those
# lists for it (LibreOffice ignores w:noLineBreaksBefore), nor does a word joiner help there.
# Text of a Western language it breaks by the Unicode rules, which break inside none of these
# (UAX #14: LB17 B2 × B2, LB22 × IN, LB13 × CL, LB19 × QU); so each goes in a run of that language.
# The fonts stay the East Asian ones, so the marks look the same; Word and WPS keep them together
# by their own rules.
_CLOSING = "，。、；：？！）》〉」』】〕"
# ——, ……, or ” ’ or a space (either width) then spaces and closing punctuation.  Each alternative starts with a
# character of its own: re then passes over the text in C up to one of them (several times faster).
_KEPT_TOGETHER = re.compile("(" + "|".join(["——", "……", *(f"{mark}[ \u3000]*[{_CLOSING}]+" for mark in "”’ \u3000")]) + ")")
_KEPT_TOGETHER_LANGUAGE = "en-US"


def _text_runs(text: str, style_id: str | None = None, bold: bool = False) -> str:
    """Runs of `text`: each group of marks that must stay on one line in a run of its own."""
    plain = body_xml.run_properties(style_id, bold)
    kept_together = body_xml.run_properties(style_id, bold, _KEPT_TOGETHER_LANGUAGE)
    # split() puts each group it cuts at (the pattern's one group) at an odd index.
    pieces = _KEPT_TOGETHER.split(text)
    return "".join(body_xml.run(piece, kept_together if index % 2 else plain) for index, piece in enumerate(pieces) if piece)


def _paragraph(block: Paragraph, ends_with_empty_line: bool) -> str:
    runs = "".join(
        _text_runs(run.text, style_id=f"HeadingRun{min(run.heading_level, 4)}")
        if run.heading_level
        else _text_runs(run.text, bold=run.bold)
        for run in block.runs
    )
    return _text_paragraph(BODY_STYLE, runs, "" if block.indent else _NO_INDENT, ends_with_empty_line)


def _signature(document: Document, layout: _Layout) -> str:
    """署名 and 成文日期 one empty line under the text, placed by the style's rule: with or without a seal."""
    signature = document.signature
    page = layout.page
    indents = gbt.placed_signature(signature.organisation, signature.date, page)
    pitch = gbt.char_pitch_twips(layout.sizes["body"], layout.char_spacing)
    # 署名 and 成文日期 stay together.  (Keep-with-next on the text's last paragraph is no
    # way to keep them with the text: LibreOffice never splits such a paragraph.)
    lines = [(signature.organisation, indents.signature, bool(signature.date)), (signature.date, indents.date, False)]
    markup = []
    for text, chars, keep_next in lines if signature.date else lines[:1]:  # an undated report has no date line
        # Indented from the right by characters: Word reads rightChars, LibreOffice right (as oxml.set_side_chars).
        indent = body_xml.indentation(rightChars=round(chars * 100), right=round(chars * pitch))
        markup.append(_text_paragraph(SIGNATURE_STYLE, _text_runs(text), (_KEEP_NEXT if keep_next else "") + indent))
    return "".join(markup)


def _empty_line_in_text(blocks: list[Heading | Paragraph | Table]) -> bool:
    """Whether the empty line under the text is made the last line of the text's last paragraph.

    A page with only 署名 and 成文日期 is not allowed.  With widow control on that
    paragraph (on it only: the body style has it off so that pages fill their lines),
    Word, WPS and LibreOffice never leave its last line alone at the top of a page, so
    when the text fills a page exactly its last line goes over with the empty line, to
    the page of the signature (measured in LibreOffice).  Text ending one or two lines
    higher still sends 署名 and 成文日期 over alone: widow control read from a .docx is
    two lines, enough to take one line of text along, no more.  Not when the text ends
    with a table or an empty paragraph: the empty line is then a paragraph of its own.
    """
    last = blocks[-1] if blocks else None
    return isinstance(last, Heading) and bool(last.full_text) or isinstance(last, Paragraph) and bool(last.text)


def _page_numbers(result: Any, layout: _Layout) -> None:
    """“— 1 —” in the page-number font under the text block: odd pages right, even pages left,
    each one character in from the edge of the block (GB/T 9704-2012, 7.5)."""
    page = layout.page
    size = layout.sizes["page_number"]
    result.settings.odd_and_even_pages_header_footer = True
    section = result.sections[0]
    section.footer_distance = Mm(page["bottom_mm"] - page["page_number_below_mm"] - size / gbt.POINTS_PER_MM)
    side_chars = page["page_number_side_chars"]

    def number_rpr() -> Any:
        rpr = OxmlElement("w:rPr")
        # Digits and dashes are half-width text: the page-number font goes on every slot.
        oxml.set_fonts(rpr, layout.fonts["page_number"], layout.fonts["page_number"])
        oxml.set_black(rpr)
        oxml.set_char_spacing(rpr, 0)
        oxml.set_size(rpr, size)
        oxml.set_lang(rpr)
        return rpr

    for footer, side, align in ((section.footer, "right", "right"), (section.even_page_footer, "left", "left")):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]._p
        oxml.clear_runs(paragraph)
        ppr = paragraph.get_or_add_pPr()
        oxml.set_snap_to_grid(ppr, False)
        # A line exactly as tall as the numbers: its top is then page_number_below_mm under the block.
        oxml.set_exact_line(ppr, round(size * TWIPS_PER_POINT))
        oxml.set_side_chars(ppr, side, side_chars, layout.char_twips)
        oxml.set_justification(ppr, align)
        oxml.add_text_run(paragraph, number_rpr(), "— ")
        oxml.add_page_field(paragraph, number_rpr)
        oxml.add_text_run(paragraph, number_rpr(), " —")

"""The parts around the text: settings, document properties, theme and font table, as this tool's own.

python-docx starts every document from its own template, saved by Word 2010
for Mac: Word opens it in 兼容模式 (compatibilityMode 14), its properties name
"Microsoft Macintosh Word" and a one-page count, it carries a thumbnail and an
empty bibliography, its theme and font table name Japanese fonts for a
Japanese theme language, and its parts carry the ids of its author's editing
sessions (rsids).  Here each of those parts is made what Word 2013 and
later write for a new Chinese document, with the style's fonts.
"""

from __future__ import annotations

import re
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import qn
from lxml import etree

from .. import __version__
from . import oxml
from .font_table import fill_font_table
from .package import APPLICATION

_WORD_URI = "http://schemas.microsoft.com/office/word"
# What Word 2013 and later write in w:compat for a new document, besides the
# options the writer sets (doNotExpandShiftReturn).  Mode 15 is Word 2013's
# layout: no 兼容模式 in the title bar.  (Word 2019 adds the hyphenation
# setting, off; the reports are not hyphenated.)
WORD_2013_COMPAT = (
    ("compatibilityMode", "15"),
    ("overrideTableStyleFontSizeAndJustification", "1"),
    ("enableOpenTypeFeatures", "1"),
    ("doNotFlipMirrorIndents", "1"),
    ("differentiateMultirowTableHeaders", "1"),
    ("useWord2013TrackBottomHyphenation", "0"),
)
# The template's own identity in its settings: its document id and the request to save a
# thumbnail.  (Its editing sessions, w:rsids, go with those of every other part.)
_TEMPLATE_SETTINGS = ("w14:docId", "w:savePreviewPicture")
_DROPPED_RELATIONSHIPS = (
    "/metadata/thumbnail",  # the template's page picture, not the report's
    "/relationships/customXml",  # an empty bibliography (Word's 引文 sources)
)
# Where one style is named from a paragraph, run or table, or from another style.
_STYLE_REFERENCES = tuple(qn(f"w:{tag}") for tag in ("pStyle", "rStyle", "tblStyle", "basedOn", "link", "next"))
_EXTENDED_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"


# python-docx refuses a core property (title, author…) over 255 characters: the limit the
# OPC specification's reference schema and Word's 属性 dialog keep to.  A very long organisation
# name (a full 妇女联合会 name with every level of its region) must not stop the build: the
# property, a label in the file's 属性 only, is cut short; the report's text keeps it whole.
MAX_CORE_PROPERTY_CHARACTERS = 255


def core_property_text(text: str) -> str:
    """`text` as a core property holds it: whole, or cut at a character (code point, never
    inside a UTF-16 pair or a UTF-8 sequence) and ended with "…" to show that it was cut."""
    if len(text) <= MAX_CORE_PROPERTY_CHARACTERS:
        return text
    return text[: MAX_CORE_PROPERTY_CHARACTERS - 1] + "…"


def app_version(version: str = __version__) -> str:
    """`version` in the form AppVersion must take, XX.YYYY (ECMA-376 Part 1, 22.2.2.2): 0.1.0 → 00.0100."""
    numbers = [min(int(number), 99) for number in re.findall(r"\d+", version)[:3]]
    major, minor, patch = numbers + [0] * (3 - len(numbers))
    return f"{major:02d}.{minor:02d}{patch:02d}"


def app_xml() -> bytes:
    """docProps/app.xml: this tool and its version, and no count (pages, words) that nobody computed."""
    root = etree.Element(f"{{{_EXTENDED_PROPERTIES}}}Properties", nsmap={None: _EXTENDED_PROPERTIES})
    for tag, value in (
        ("Application", APPLICATION),
        ("DocSecurity", "0"),
        ("ScaleCrop", "false"),
        ("LinksUpToDate", "false"),
        ("SharedDoc", "false"),
        ("HyperlinksChanged", "false"),
        ("AppVersion", app_version()),
    ):
        etree.SubElement(root, f"{{{_EXTENDED_PROPERTIES}}}{tag}").text = value
    return serialize_part_xml(root)


def theme_xml(blob: bytes, latin: str, heading_east_asian: str, body_east_asian: str) -> bytes:
    """The theme with the style's fonts: Latin `latin`, Chinese `heading_east_asian` for headings
    (major) and `body_east_asian` for text (minor), and no Japanese fonts."""
    root = etree.fromstring(blob)
    scheme = root.find(f"{{{_DRAWING}}}themeElements/{{{_DRAWING}}}fontScheme")
    for kind, east_asian in (("majorFont", heading_east_asian), ("minorFont", body_east_asian)):
        fonts = scheme.find(f"{{{_DRAWING}}}{kind}")
        fonts.find(f"{{{_DRAWING}}}latin").set("typeface", latin)
        fonts.find(f"{{{_DRAWING}}}ea").set("typeface", east_asian)
        for script_font in fonts.findall(f"{{{_DRAWING}}}font"):
            if script_font.get("script") == "Jpan":
                fonts.remove(script_font)
            elif script_font.get("script") == "Hans":
                script_font.set("typeface", east_asian)
    return serialize_part_xml(root)


def settle_settings(settings: etree._Element) -> None:
    """word/settings.xml as Word 2013 writes it for a Chinese document, without the template's ids."""
    for name, value in WORD_2013_COMPAT:
        oxml.set_compat_setting(settings, name, _WORD_URI, value)
    oxml.set_theme_font_lang(settings, latin="en-US", east_asian="zh-CN")
    for tag in _TEMPLATE_SETTINGS:
        for element in settings.findall(qn(tag)):
            settings.remove(element)


def drop_template_parts(document: Any) -> None:
    """Leave out the template's thumbnail and bibliography (the relationship, hence the part)."""
    for relationships in (document.part.package.rels, document.part.rels):
        for relationship_id, relationship in list(relationships.items()):
            if relationship.reltype.endswith(_DROPPED_RELATIONSHIPS):
                del relationships[relationship_id]


def drop_template_numbering(document: Any) -> None:
    """Leave out the template's lists (Symbol bullets, "1."…) and its list styles, the only users.

    Its List Bullet and List Number styles name those lists; a report has no lists and never
    uses the styles, and Word makes such a built-in style afresh, with a list of its own, when
    someone applies it.  A style that a paragraph uses, or another style is based on, links or
    leads to, stays, and then so does the numbering part: it goes only when no part refers to
    a list any more.
    """
    relationships = document.part.rels
    numbering = {key: rel.target_part for key, rel in relationships.items() if rel.reltype == RT.NUMBERING}
    # The lists themselves name the styles (a level's w:pStyle) and so do not count.
    parts = [
        part
        for part in document.part.package.parts
        if getattr(part, "element", None) is not None and part not in numbering.values()
    ]
    referenced = {reference.get(qn("w:val")) for part in parts for reference in part.element.iter(*_STYLE_REFERENCES)}
    styles = document.styles.element
    for style in list(styles.iterchildren(qn("w:style"))):
        if style.get(qn("w:styleId")) not in referenced and next(style.iter(qn("w:numId")), None) is not None:
            styles.remove(style)
    if not any(next(part.element.iter(qn("w:numId")), None) is not None for part in parts):
        for relationship_id in numbering:
            del relationships[relationship_id]


def own_parts(document: Any, fonts: dict[str, str]) -> dict[str, bytes]:
    """Make python-docx's `document` this tool's, for the style's `fonts` (its settings' fonts).

    Settings and the dropped parts change in `document`; the parts python-docx keeps as
    bytes (properties, theme, font table) are returned, by zip entry name, to replace them.
    """
    drop_template_parts(document)
    drop_template_numbering(document)
    settle_settings(document.settings.element)
    for part in document.part.package.parts:
        element = getattr(part, "element", None)
        if element is not None:
            oxml.drop_revision_ids(element)
    latin = fonts["latin"]
    east_asian = [name for key, name in fonts.items() if key != "latin"]
    # Every font a part names: the style's, and any the template's own parts add.
    named = set()
    for part in document.part.package.parts:
        element = getattr(part, "element", None)
        if element is not None:
            named |= oxml.named_fonts(element)
    replaced = {}
    for part in document.part.package.parts:
        name = part.partname.membername
        if name == "docProps/app.xml":
            replaced[name] = app_xml()
        elif name.startswith("word/theme/"):
            replaced[name] = theme_xml(part.blob, latin, fonts["title"], fonts["body"])
        elif name == "word/fontTable.xml":
            table = etree.fromstring(part.blob)
            listed = [(font, True) for font in east_asian] + [(latin, False)]
            listed += [(font, False) for font in sorted(named - set(east_asian) - {latin})]
            fill_font_table(table, listed)
            replaced[name] = serialize_part_xml(table)
    return replaced

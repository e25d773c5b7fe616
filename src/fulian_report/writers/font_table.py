"""word/fontTable.xml: every font the report names, with what helps Word and WPS replace a missing one.

On a computer without 仿宋_GB2312 (Windows 10 and later ship 仿宋 instead), Word
and WPS first try the entry's w:altName, then an installed font of the same
character set, family, pitch and PANOSE class (ECMA-376 Part 1, 17.8.3).  An
office font listed without them falls back to whatever the program picks,
often a Latin face with Chinese from 宋体 at the wrong width.

`KNOWN_FONTS` is the data: for the fonts Windows ships (宋体, 黑体, 仿宋,
楷体) and the fonts offices install for documents (仿宋_GB2312, 楷体_GB2312,
the Founder 方正… faces), the values Word writes in documents saved where the
font is installed.  A font not in the table gets the character set of the
slot it fills and nothing that could be wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

GB2312 = "86"  # w:charset: Windows' GB2312_CHARSET (134)
ANSI = "00"
SYMBOL = "02"


@dataclass(frozen=True)
class FontFacts:
    """What a font-table entry says about a font besides its name (ECMA-376 Part 1, 17.8.3)."""

    charset: str  # w:charset, hex
    family: str = "auto"  # w:family: roman, swiss, modern, script, decorative or auto
    pitch: str = "variable"  # w:pitch: fixed, variable or default
    alt_name: str | None = None  # w:altName: the name to try when this one is not installed
    panose: str | None = None  # w:panose1: 10 bytes, hex
    # w:sig: usb0–usb3 (Unicode ranges) and csb0–csb1 (code pages), hex
    signature: tuple[str, str, str, str, str, str] | None = None


_GB2312_FACES = ("00000001", "080E0000", "00000010", "00000000", "00040000", "00000000")
_WINDOWS_CJK = ("800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000")
_FOUNDER = ("00000001", "080E0000", "00000000", "00000000", "00040000", "00000000")

KNOWN_FONTS: dict[str, FontFacts] = {
    # The GB2312 faces offices install for documents; Windows 10 and later ship their successors.
    "仿宋_GB2312": FontFacts(GB2312, "modern", "fixed", "仿宋", "02010609030101010101", _GB2312_FACES),
    "楷体_GB2312": FontFacts(GB2312, "modern", "fixed", "楷体", "02010609030101010101", _GB2312_FACES),
    # Founder's faces: 宋体 is the nearest face every Chinese Windows has.
    "方正小标宋简体": FontFacts(GB2312, alt_name="宋体", panose="03000509000000000000", signature=_FOUNDER),
    "方正小标宋_GBK": FontFacts(GB2312, alt_name="宋体", panose="03000509000000000000", signature=_FOUNDER),
    "方正仿宋_GBK": FontFacts(GB2312, alt_name="仿宋", panose="03000509000000000000", signature=_FOUNDER),
    "方正楷体_GBK": FontFacts(GB2312, alt_name="楷体", panose="03000509000000000000", signature=_FOUNDER),
    "方正黑体_GBK": FontFacts(GB2312, alt_name="黑体", panose="03000509000000000000", signature=_FOUNDER),
    # Windows' own Chinese fonts, by their English names for systems that list those.
    "宋体": FontFacts(
        GB2312, alt_name="SimSun", panose="02010600030101010101",
        signature=("00000003", "288F0000", "00000016", "00000000", "00040001", "00000000"),
    ),
    "黑体": FontFacts(GB2312, "modern", "fixed", "SimHei", "02010609060101010101", _WINDOWS_CJK),
    "仿宋": FontFacts(GB2312, "modern", "fixed", "FangSong", "02010609060101010101", _WINDOWS_CJK),
    "楷体": FontFacts(GB2312, "modern", "fixed", "KaiTi", "02010609060101010101", _WINDOWS_CJK),
    "Times New Roman": FontFacts(
        ANSI, "roman", panose="02020603050405020304",
        signature=("E0002AFF", "C0007841", "00000009", "00000000", "000001FF", "00000000"),
    ),
    # The bullets of python-docx's list styles.
    "Symbol": FontFacts(
        SYMBOL, "roman", panose="05050102010706020507",
        signature=("00000000", "10000000", "00000000", "00000000", "80000000", "00000000"),
    ),
}


def font_facts(name: str, east_asian: bool) -> FontFacts:
    """The table's entry for `name`; for an unknown font, the character set of the slot it fills."""
    known = KNOWN_FONTS.get(name)
    if known is not None:
        return known
    return FontFacts(GB2312 if east_asian else ANSI)


def fill_font_table(fonts: etree._Element, names: Iterable[tuple[str, bool]]) -> None:
    """Make `fonts` (the w:fonts root) list each (name, used for East Asian text) once, in order."""
    for child in list(fonts):
        fonts.remove(child)
    fonts.text = None
    seen: set[str] = set()
    for name, east_asian in names:
        if name not in seen:
            seen.add(name)
            fonts.append(_font_element(name, font_facts(name, east_asian)))


def _font_element(name: str, facts: FontFacts) -> etree._Element:
    """One w:font, its children in schema order (CT_Font: altName, panose1, charset, family, pitch, sig)."""
    font = OxmlElement("w:font")
    font.set(qn("w:name"), name)

    def child(tag: str, **attributes: str) -> None:
        element = OxmlElement(f"w:{tag}")
        for attribute, value in attributes.items():
            element.set(qn(f"w:{attribute}"), value)
        font.append(element)

    if facts.alt_name:
        child("altName", val=facts.alt_name)
    if facts.panose:
        child("panose1", val=facts.panose)
    child("charset", val=facts.charset)
    child("family", val=facts.family)
    child("pitch", val=facts.pitch)
    if facts.signature:
        usb0, usb1, usb2, usb3, csb0, csb1 = facts.signature
        child("sig", usb0=usb0, usb1=usb1, usb2=usb2, usb3=usb3, csb0=csb0, csb1=csb1)
    return font

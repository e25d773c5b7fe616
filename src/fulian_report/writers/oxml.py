"""Raw WordprocessingML that python-docx has no friendly API for, in one place.

East Asian fonts (w:eastAsia), the zh-CN language tag, first-line indents in
characters, exact line pitch and the document grid.  Elements are inserted
in the order the schema demands, which Word checks and LibreOffice forgives.

(The body's paragraphs and runs are written as text, by body_xml.py.)
"""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from lxml import etree

# CT_RPr children in schema order (ECMA-376 Part 1, 17.3.2.28).
_RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
    "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
    "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath",
)
# CT_PPr children in schema order (17.3.1.26), the ones we write.
_PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
    "sectPr", "pPrChange",
)
# CT_Compat children in schema order (17.15.3.9), the ones we write and those python-docx's template has.
_COMPAT_ORDER = ("doNotExpandShiftReturn", "useFELayout", "compatSetting")


def _child(parent: etree._Element, tag: str, order: tuple[str, ...]) -> etree._Element:
    """The child `w:tag` of `parent`, created in schema order if missing."""
    found = parent.find(qn(f"w:{tag}"))
    if found is not None:
        return found
    element = OxmlElement(f"w:{tag}")
    position = order.index(tag)
    for index, existing in enumerate(parent):
        local = etree.QName(existing).localname
        if local in order and order.index(local) > position:
            parent.insert(index, element)
            return element
    parent.append(element)
    return element


def rpr_child(rpr: etree._Element, tag: str) -> etree._Element:
    return _child(rpr, tag, _RPR_ORDER)


def ppr_child(ppr: etree._Element, tag: str) -> etree._Element:
    return _child(ppr, tag, _PPR_ORDER)


def set_fonts(rpr: etree._Element, east_asia: str, latin: str) -> None:
    """Name the fonts on every slot and drop theme fonts, which would override them."""
    fonts = rpr_child(rpr, "rFonts")
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def set_size(rpr: etree._Element, points: float) -> None:
    half_points = str(round(points * 2))
    rpr_child(rpr, "sz").set(qn("w:val"), half_points)
    rpr_child(rpr, "szCs").set(qn("w:val"), half_points)


def set_bold(rpr: etree._Element, bold: bool) -> None:
    for tag in ("b", "bCs"):
        rpr_child(rpr, tag).set(qn("w:val"), "1" if bold else "0")


def set_black(rpr: etree._Element) -> None:
    color = rpr_child(rpr, "color")
    for attribute in ("themeColor", "themeShade", "themeTint"):
        color.attrib.pop(qn(f"w:{attribute}"), None)
    color.set(qn("w:val"), "000000")


def set_lang(rpr: etree._Element) -> None:
    lang = rpr_child(rpr, "lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def set_exact_line(ppr: etree._Element, twips: int) -> None:
    spacing = ppr_child(ppr, "spacing")
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(twips))
    spacing.set(qn("w:lineRule"), "exact")


def set_first_line_chars(ppr: etree._Element, chars: int, char_twips: int) -> None:
    """Indent the first line by whole characters: Word and WPS read firstLineChars, LibreOffice firstLine."""
    ind = ppr_child(ppr, "ind")
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(chars * char_twips))


def set_right_chars(ppr: etree._Element, chars: float, char_twips: int) -> None:
    set_side_chars(ppr, "right", chars, char_twips)


def set_side_chars(ppr: etree._Element, side: str, chars: float, char_twips: int) -> None:
    """Indent the `side` ("left" or "right") by characters: Word reads …Chars, LibreOffice the twips."""
    ind = ppr_child(ppr, "ind")
    ind.set(qn(f"w:{side}Chars"), str(round(chars * 100)))
    ind.set(qn(f"w:{side}"), str(round(chars * char_twips)))


def set_char_spacing(rpr: etree._Element, twentieths: int) -> None:
    """Condense (negative) or expand characters, in twentieths of a point."""
    rpr_child(rpr, "spacing").set(qn("w:val"), str(twentieths))


def set_snap_to_grid(ppr: etree._Element, on: bool) -> None:
    ppr_child(ppr, "snapToGrid").set(qn("w:val"), "1" if on else "0")


def clear_runs(paragraph: etree._Element) -> None:
    for child in list(paragraph):
        if etree.QName(child).localname != "pPr":
            paragraph.remove(child)


def add_text_run(paragraph: etree._Element, rpr: etree._Element, text: str) -> None:
    run = OxmlElement("w:r")
    run.append(rpr)
    element = OxmlElement("w:t")
    element.text = text
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(element)
    paragraph.append(run)


def add_page_field(paragraph: etree._Element, make_rpr: Any) -> None:
    """Append a PAGE field; every run of it gets `make_rpr()`, or Word and LibreOffice
    show the number in the paragraph's default size instead of the footer's."""

    def run_with(child: etree._Element) -> None:
        run = OxmlElement("w:r")
        run.append(make_rpr())
        run.append(child)
        paragraph.append(run)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instruction = OxmlElement("w:instrText")
    instruction.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instruction.text = " PAGE "
    run_with(instruction)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    shown = OxmlElement("w:t")
    shown.text = "1"
    run_with(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _compat(settings: etree._Element) -> etree._Element:
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        settings.append(compat)
    return compat


def set_compat_flag(settings: etree._Element, tag: str) -> None:
    """Switch on a legacy compatibility option (w:settings/w:compat/w:tag), in schema order."""
    _child(_compat(settings), tag, _COMPAT_ORDER)


def set_compat_setting(settings: etree._Element, name: str, uri: str, value: str) -> None:
    """Set w:settings/w:compat/w:compatSetting `name` of `uri` to `value`, adding it after the others."""
    compat = _compat(settings)
    setting = next(
        (s for s in compat.iterchildren(qn("w:compatSetting")) if (s.get(qn("w:name")), s.get(qn("w:uri"))) == (name, uri)),
        None,
    )
    if setting is None:
        setting = OxmlElement("w:compatSetting")
        compat.append(setting)  # compatSetting is the last kind of child
        setting.set(qn("w:name"), name)
        setting.set(qn("w:uri"), uri)
    setting.set(qn("w:val"), value)


def set_theme_font_lang(settings: etree._Element, latin: str, east_asian: str) -> None:
    """The languages whose theme fonts Word uses (w:themeFontLang), e.g. en-US and zh-CN."""
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        # Its place in CT_Settings: after m:mathPr / w:attachedSchema, before w:clrSchemeMapping.
        lang = OxmlElement("w:themeFontLang")
        mapping = settings.find(qn("w:clrSchemeMapping"))
        if mapping is None:
            raise ValueError("w:settings without w:clrSchemeMapping: cannot place w:themeFontLang")
        mapping.addprevious(lang)
    for attribute in list(lang.attrib):
        del lang.attrib[attribute]
    lang.set(qn("w:val"), latin)
    lang.set(qn("w:eastAsia"), east_asian)


_FONT_SLOTS = tuple(qn(f"w:{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs"))


def named_fonts(root: etree._Element) -> set[str]:
    """Every font a part names on a w:rFonts slot (not the theme's, which w:fontTable does not list)."""
    return {name for fonts in root.iter(qn("w:rFonts")) for slot in _FONT_SLOTS if (name := fonts.get(slot))}


_REVISION_ID_PREFIX = f"{{{nsmap['w']}}}rsid"
_REVISION_ID_ELEMENTS = (qn("w:rsid"), qn("w:rsids"))


def drop_revision_ids(root: etree._Element) -> None:
    """Remove the editing-session ids (w:rsidR, w:rsidRPr…, a style's w:rsid, the settings' w:rsids).

    They number the sessions in which someone once edited the part: a generated document
    has had none, and the ones python-docx's template carries are its author's.
    """
    for element in list(root.iter(*_REVISION_ID_ELEMENTS)):
        element.getparent().remove(element)
    for element in root.iter(etree.Element):
        for name in [name for name in element.attrib if name.startswith(_REVISION_ID_PREFIX)]:
            del element.attrib[name]


def set_widow_control(ppr: etree._Element, on: bool) -> None:
    ppr_child(ppr, "widowControl").set(qn("w:val"), "1" if on else "0")


def set_justification(ppr: etree._Element, value: str) -> None:
    ppr_child(ppr, "jc").set(qn("w:val"), value)


def set_doc_grid(sect_pr: etree._Element, line_pitch_twips: int) -> None:
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(line_pitch_twips))

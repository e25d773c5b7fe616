"""oxml writes the XML python-docx writes for paragraphs and runs, for any text; and places its settings in schema order."""

from __future__ import annotations

from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement, parse_xml
from docx.text.paragraph import Paragraph
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from fulian_report.writers import oxml

# Characters XML 1.0 can carry, with the ones runs treat specially made likely.
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("\t\n\r 　妇联1,"),
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    ),
    max_size=30,
)


def _c14n(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n")


@given(text=TEXT, style_id=st.sampled_from([None, "HeadingRun2"]), bold=st.booleans())
def test_add_run_writes_what_python_docx_writes(text, style_id, bold):
    ours = OxmlElement("w:p")
    oxml.add_run(ours, text, style_id=style_id, bold=bold)
    theirs = OxmlElement("w:p")
    run = Paragraph(theirs, None).add_run(text)
    if style_id is not None:
        run._r.style = style_id
    if bold:
        run.bold = True
    assert _c14n(ours) == _c14n(theirs)


def test_new_paragraph_writes_the_style_then_takes_runs_after_it():
    body = OxmlElement("w:body")
    paragraph = oxml.new_paragraph(body, "ReportBody")
    oxml.add_run(paragraph, " 正文 ")
    expected = OxmlElement("w:body")
    reference = Paragraph(expected.add_p(), None)
    reference.add_run(" 正文 ")
    reference._p.style = "ReportBody"
    assert _c14n(body) == _c14n(expected)
    assert oxml.paragraph_properties(paragraph) is paragraph[0]


def test_paragraph_properties_are_made_first_when_missing():
    paragraph = OxmlElement("w:p")
    oxml.add_run(paragraph, "字")
    ppr = oxml.paragraph_properties(paragraph)
    assert paragraph.index(ppr) == 0 and etree.QName(ppr).localname == "pPr"
    assert b"xmlns:ns0" not in etree.tostring(paragraph)


def _settings(children: str) -> etree._Element:
    return parse_xml(f'<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{children}</w:settings>')


def test_compat_setting_is_changed_in_place_or_added_last():
    uri = "http://schemas.microsoft.com/office/word"
    settings = _settings(
        f'<w:compat><w:useFELayout/><w:compatSetting w:name="compatibilityMode" w:uri="{uri}" w:val="14"/></w:compat>'
    )
    oxml.set_compat_setting(settings, "compatibilityMode", uri, "15")
    oxml.set_compat_setting(settings, "enableOpenTypeFeatures", uri, "1")
    oxml.set_compat_flag(settings, "doNotExpandShiftReturn")
    compat = settings[0]
    assert [etree.QName(child).localname for child in compat] == ["doNotExpandShiftReturn", "useFELayout", "compatSetting", "compatSetting"]
    assert [(s.get(qn("w:name")), s.get(qn("w:val"))) for s in compat[2:]] == [
        ("compatibilityMode", "15"),
        ("enableOpenTypeFeatures", "1"),
    ]


def test_theme_font_lang_replaces_the_old_languages_or_goes_before_the_colour_mapping():
    settings = _settings('<w:themeFontLang w:val="en-US" w:eastAsia="ja-JP" w:bidi="ar-SA"/><w:clrSchemeMapping/>')
    oxml.set_theme_font_lang(settings, "en-US", "zh-CN")
    assert dict(settings[0].attrib) == {qn("w:val"): "en-US", qn("w:eastAsia"): "zh-CN"}
    settings = _settings("<w:compat/><w:clrSchemeMapping/>")
    oxml.set_theme_font_lang(settings, "en-US", "zh-CN")
    assert [etree.QName(child).localname for child in settings] == ["compat", "themeFontLang", "clrSchemeMapping"]


def test_named_fonts_reads_every_slot_of_every_run_font():
    settings = _settings(
        '<w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:asciiTheme="minorHAnsi"/></w:rPr>'
        '<w:rPr><w:rFonts w:cs="Symbol" w:hAnsi="Times New Roman"/></w:rPr>'
    )
    assert oxml.named_fonts(settings) == {"Times New Roman", "仿宋_GB2312", "Symbol"}

"""oxml places the settings it writes in schema order, and reads the fonts a part names."""

from __future__ import annotations

from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from lxml import etree

from fulian_report.writers import oxml


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

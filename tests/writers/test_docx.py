"""The writers: the .docx a person opens in WPS or Word, and plain text."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from fulian_report.api import make_document
from fulian_report.doctree import (
    Document,
    Heading,
    Paragraph,
    Run,
    Signature,
    Table,
    Title,
)
from fulian_report.model.dataset import load_org
from fulian_report.render.style import resolve_style
from fulian_report.writers.docx import docx_bytes
from fulian_report.writers.text import to_text
from tests.conftest import DATA

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module", params=["furong", "xiangdong"])
def built(request):
    document = make_document(load_org(DATA / "2021" / "xiangdong"), request.param)
    return document, docx.Document(io.BytesIO(docx_bytes(document)))


def test_page_is_a4_with_the_style_margins(built):
    _, result = built
    section = result.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert round(section.bottom_margin.mm) == 35 and round(section.right_margin.mm) == 26


def test_east_asian_fonts_are_set_on_defaults_and_every_style(built):
    _, result = built
    defaults = result.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}rFonts").get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find(f"{W}lang").get(qn("w:eastAsia")) == "zh-CN"
    for style in result.styles.element.iterchildren(f"{W}style"):
        if style.get(qn("w:type")) in ("paragraph", "character"):
            fonts = style.find(f"{W}rPr/{W}rFonts")
            assert fonts is not None and fonts.get(qn("w:eastAsia")), style.get(qn("w:styleId"))
            assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None


def test_style_ids_are_unique_so_word_opens_without_repair(built):
    _, result = built
    ids = [s.get(qn("w:styleId")) for s in result.styles.element.iterchildren(f"{W}style")]
    assert len(ids) == len(set(ids))


def test_headings_are_black_upright_and_sized_as_body(built):
    _, result = built
    by_id = {s.get(qn("w:styleId")): s for s in result.styles.element.iterchildren(f"{W}style")}
    for level in range(1, 5):
        rpr = by_id[f"Heading{level}"].find(f"{W}rPr")
        assert rpr.find(f"{W}color").get(qn("w:val")) == "000000"
        assert rpr.find(f"{W}sz").get(qn("w:val")) == "32"
        assert rpr.find(f"{W}i") is None
        assert by_id[f"Heading{level}"].find(f"{W}pPr/{W}outlineLvl").get(qn("w:val")) == str(level - 1)


def test_heading_fonts_follow_their_level(built):
    _, result = built
    by_id = {s.get(qn("w:styleId")): s for s in result.styles.element.iterchildren(f"{W}style")}
    east_asia = lambda sid: by_id[sid].find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia"))  # noqa: E731
    assert east_asia("ReportTitle") == "方正小标宋简体"
    assert east_asia("Heading1") == "黑体" and east_asia("HeadingRun1") == "黑体"
    assert east_asia("Heading2") == "楷体_GB2312" and east_asia("HeadingRun2") == "楷体_GB2312"
    assert by_id["ReportTitle"].find(f"{W}rPr/{W}sz").get(qn("w:val")) == "44"
    assert by_id["ReportBody"].find(f"{W}rPr/{W}sz").get(qn("w:val")) == "32"


def test_text_of_the_docx_is_the_text_of_the_document(built):
    document, result = built
    paragraphs = [p.text for p in result.paragraphs if p.text]
    assert paragraphs[0] == "\n".join(document.title.lines)  # the title breaks by sense
    expected = to_text(document).splitlines()[1:]
    # The text's last paragraph ends with a line break: the empty line above the signature.
    assert paragraphs[-3].endswith("\n")
    assert [*paragraphs[1:-3], paragraphs[-3][:-1], *paragraphs[-2:]] == expected


def test_run_in_headings_keep_the_heading_font_on_the_heading_words_only():
    document = make_document(load_org(DATA / "2021" / "xiangdong"), "xiangdong")
    result = docx.Document(io.BytesIO(docx_bytes(document)))
    paragraph = next(p for p in result.paragraphs if p.text.startswith("（一）"))
    assert paragraph.runs[0].text == "（一）家庭创建有成果。"
    assert paragraph.runs[0].style.style_id == "HeadingRun2"
    assert paragraph.runs[1].style.style_id == "DefaultParagraphFont" or paragraph.runs[1].style.name == "Default Paragraph Font"


def test_body_paragraphs_are_indented_two_characters_and_justified(built):
    _, result = built
    body = result.styles["正文段落"].element
    ind = body.find(f"{W}pPr/{W}ind")
    assert ind.get(qn("w:firstLineChars")) == "200" and ind.get(qn("w:firstLine")) == "640"
    assert body.find(f"{W}pPr/{W}jc").get(qn("w:val")) == "both"


def test_the_docx_is_a_well_formed_package():
    document = make_document(load_org(DATA / "2021" / "xiangdong"))
    with zipfile.ZipFile(io.BytesIO(docx_bytes(document))) as package:
        assert package.testzip() is None
        assert "word/document.xml" in package.namelist()


def test_tables_and_signature_are_written():
    style = resolve_style("furong")
    document = Document(
        title=Title(("标题",)),
        blocks=[
            Heading(1, "概况", "一、"),
            Paragraph((Run("（一）", heading_level=2), Run("正文。"))),
            Table(rows=(("项目", "数量"), ("维权案件", "55件"))),
        ],
        signature=Signature("示例区妇联", "2022年1月10日"),
        settings=style.settings.model_dump(),
    )
    result = docx.Document(io.BytesIO(docx_bytes(document)))
    assert result.tables[0].cell(1, 1).text == "55件"
    # Text ending in a table: the empty line under it is a paragraph of its own.
    assert [p.text for p in result.paragraphs][-3:] == ["", "示例区妇联", "2022年1月10日"]
    assert to_text(document).splitlines()[-4:] == ["项目\t数量", "维权案件\t55件", "示例区妇联", "2022年1月10日"]


def test_run_and_paragraph_properties_are_in_schema_order(built):
    """Word refuses (or “repairs”) a file whose w:rPr / w:pPr children are out of order."""
    from lxml import etree

    from fulian_report.writers.oxml import _PPR_ORDER, _RPR_ORDER

    _, result = built
    checked = 0
    for root in (result.styles.element, result.element):
        for tag, order in (("rPr", _RPR_ORDER), ("pPr", _PPR_ORDER)):
            for properties in root.iter(f"{W}{tag}"):
                names = [etree.QName(child).localname for child in properties]
                positions = [order.index(name) for name in names if name in order]
                assert positions == sorted(positions), names
                checked += 1
    assert checked > 50

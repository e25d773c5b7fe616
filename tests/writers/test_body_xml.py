"""body_xml writes, as text, exactly the XML python-docx and lxml make of the same paragraphs, runs
and tables; and a report's body written so reads back as its text, whatever characters it holds."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.oxml.table import CT_Tbl
from docx.shared import Emu, Mm
from docx.text.paragraph import Paragraph as DocxParagraph
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from fulian_report.doctree import Document, Heading, Paragraph, Run, Signature, Table, Title
from fulian_report.render.style import resolve_style
from fulian_report.writers import body_xml, oxml
from fulian_report.writers.docx import docx_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Characters XML 1.0 can carry, with the ones runs and escaping treat specially made likely.
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("\t\n\r 　妇联1,&<>\"'—…”，"),
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    ),
    max_size=30,
)
TRICKY = ["a & b < c > d", "\"引号\" 'single'", " 前后有空格 ", " 前有空格", "后有空格\u3000", "　全角空格　", "破折号——后", "省略号……", "“引文”，后文", "]]>&amp;"]


def _body() -> etree._Element:
    """A body inside a document that declares w:, as the blank's document.xml does."""
    return parse_xml(f"<w:document {nsdecls('w')}><w:body/></w:document>")[0]


def _serialised(body: etree._Element) -> str:
    """What lxml writes of the body's children inside the document."""
    document = etree.tostring(body.getparent(), encoding="unicode")
    return document[document.index("<w:body>") + len("<w:body>") : document.rindex("</w:body>")]


@given(text=TEXT, style_id=st.sampled_from([None, "HeadingRun2"]), bold=st.booleans(), kept_together=st.booleans())
@example(text=" 前有空格", style_id=None, bold=False, kept_together=False)
@example(text="后有\t空格 \r", style_id="HeadingRun2", bold=True, kept_together=True)
def test_a_run_is_what_python_docx_writes(text, style_id, bold, kept_together):
    body = _body()
    run = DocxParagraph(body.add_p(), None).add_run(text)
    if style_id is not None:
        run._r.style = style_id
    if bold:
        run.bold = True
    if kept_together:
        oxml.rpr_child(run._r.get_or_add_rPr(), "lang").set(qn("w:eastAsia"), "en-US")
    properties = body_xml.run_properties(style_id, bold, "en-US" if kept_together else None)
    assert body_xml.paragraph(None, body_xml.run(text, properties)) == _serialised(body)


def test_paragraph_properties_are_what_python_docx_and_oxml_write():
    body = _body()
    styled = DocxParagraph(body.add_p(), None)
    styled._p.style = "ReportSignature"
    ppr = styled._p.get_or_add_pPr()
    oxml.set_right_chars(ppr, 3.5, 315)
    oxml.set_widow_control(ppr, True)
    oxml.ppr_child(ppr, "keepNext")
    styled.add_run(" 落款 ")
    empty = DocxParagraph(body.add_p(), None)
    empty._p.style = "ReportBody"
    expected = _serialised(body)
    properties = '<w:keepNext/><w:widowControl w:val="1"/>' + body_xml.indentation(rightChars=350, right=1102)
    ours = body_xml.paragraph("ReportSignature", body_xml.run(" 落款 "), properties) + body_xml.paragraph("ReportBody")
    assert ours == expected


@pytest.mark.parametrize(
    "rows, header_rows",
    [
        ((("项目", "数量"), ("接待来访 & 调解", "<55> 件")), 1),
        ((("表头", " 两端空格 "), ("短行",), ("制表\t符", "换行\n", "多一格")), 2),
        (((), ()), 1),  # rows without cells
    ],
)
def test_a_table_is_what_python_docx_writes(rows, header_rows):
    width = Emu(Mm(156))
    columns = max(len(row) for row in rows)
    table = CT_Tbl.new_tbl(len(rows), columns, width)
    table.tblStyle_val = "TableGrid"
    for index, (row, tr) in enumerate(zip(rows, table.tr_lst)):
        for text, cell in zip(row, tr.tc_lst):
            cell.clear_content()
            paragraph = DocxParagraph(cell.add_p(), None)
            paragraph.add_run(text)
            if index < header_rows:
                oxml.set_justification(paragraph._p.get_or_add_pPr(), "center")
    body = _body()
    body.append(table)
    assert body_xml.table(rows, header_rows, width, "TableGrid") == _serialised(body)


def test_characters_xml_cannot_carry_are_refused():
    for text in ("\x00", "\x0b", "\x1f", "\ufffe"):
        with pytest.raises(ValueError):
            body_xml.check_characters(body_xml.run(f"字{text}"))
    body_xml.check_characters(body_xml.run("\t\n\r\x7f\x85 字&<>"))


def _document(paragraphs: list[tuple[Run, ...]], headings: list[str] = ()) -> Document:
    return Document(
        title=Title(("示例 & <标题>", " 第二行 ")),
        blocks=[Heading(1, text, "一、") for text in headings]
        + [Paragraph(runs) for runs in paragraphs]
        + [Table(rows=(("a&b", "<c>"), (" d ", "e——f")))],
        signature=Signature("示例区妇联 & 共青团", "2022年1月10日"),
        settings=resolve_style("furong").settings.model_dump(),
    )


def _read_back(document: Document) -> tuple[etree._Element, docx.document.Document]:
    content = docx_bytes(document)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        root = etree.fromstring(package.read("word/document.xml"))  # well-formed
    return root, docx.Document(io.BytesIO(content))


def test_tricky_text_reads_back_as_written():
    runs = tuple(Run(text) for text in TRICKY) + (Run("（一）接排 & 标题。", heading_level=2), Run("加粗 <b>", bold=True))
    root, result = _read_back(_document([runs], headings=TRICKY))
    texts = [paragraph.text for paragraph in result.paragraphs]
    assert texts[0] == "示例 & <标题>\n 第二行 "
    assert texts[2 : 2 + len(TRICKY)] == [f"一、{text}" for text in TRICKY]
    assert texts[2 + len(TRICKY)] == "".join(run.text for run in runs)
    assert texts[-2:] == ["示例区妇联 & 共青团", "2022年1月10日"]
    assert [cell.text for row in result.tables[0].rows for cell in row.cells] == ["a&b", "<c>", " d ", "e——f"]
    # Each mark kept on one line is a run of its own, in a Western language.
    kept = [run.findtext(f"{{{W}}}t") for run in root.iter(f"{{{W}}}r") if run.find(f"{{{W}}}rPr/{{{W}}}lang") is not None]
    assert kept == ["——", "……", "”，"] * 2  # in the headings, then in the paragraph
    heading_run = root.find(f".//{{{W}}}rStyle[@{{{W}}}val='HeadingRun2']/../..")
    assert heading_run.findtext(f"{{{W}}}t") == "（一）接排 & 标题。"
    for t in root.iter(f"{{{W}}}t"):
        assert (t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve") == (t.text != t.text.strip())


@settings(max_examples=50, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=4), bold=st.booleans())
def test_any_text_reads_back_as_written(texts, bold):
    runs = tuple(Run(text, bold=bold) for text in texts)
    _, result = _read_back(_document([runs]))
    # python-docx reads a tab as \t and a line break as \n.
    assert result.paragraphs[2].text == "".join(texts).replace("\r", "\n")

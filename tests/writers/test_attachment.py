"""附件: organisation.yaml's comparison_table puts the main figures against the period before in an
attachment, drawn from the document tree by every writer (the PDF is measured in test_pdf.py)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from lxml import etree

from fulian_report.api import make_document
from fulian_report.doctree import Table
from fulian_report.errors import FulianError
from fulian_report.model.dataset import load_org
from fulian_report.render.style import resolve_style
from fulian_report.writers.docx import docx_bytes
from fulian_report.writers.html import pages, pages_html
from fulian_report.writers.text import to_text
from tests.conftest import second_year
from tests.render.test_vs_previous import LAST_YEAR, THIS_YEAR, _narrative, _org

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
COUPLES = "芙蓉区婚调委：共接待准离婚夫妻"


@pytest.fixture(scope="module")
def furong_2022(tmp_path_factory):
    """The bundled 芙蓉区 data as 2021 and a filled 2022 made from it, with comparison_table: true."""
    return make_document(load_org(second_year(tmp_path_factory.mktemp("data"))))


def _rows(document) -> list[tuple[str, ...]]:
    (attachment,) = document.attachments
    (table,) = [block for block in attachment.blocks if isinstance(block, Table)]
    return list(table.rows)


def test_the_table_holds_both_years_and_the_change_in_one_row(furong_2022):
    (attachment,) = furong_2022.attachments
    assert attachment.label == "附件" and attachment.title == "2022年与2021年主要数据对比"
    rows = _rows(furong_2022)
    assert rows[0] == ("项目", "2021年", "2022年", "增减")
    assert (COUPLES, "444对", "445对", "增加1对（增长0.2%）") in rows
    assert ("芙蓉区婚调委：调和", "134对", "130对", "减少4对（下降3.0%）") in rows
    assert furong_2022.attachment_note == ("附件：2022年与2021年主要数据对比",)


def test_rows_follow_the_data_grouped_by_file_and_named_by_their_comments(tmp_path):
    _org(tmp_path, 2021, {**LAST_YEAR, "narrative.yaml": _narrative("上年。")})
    folder = _org(tmp_path, 2022, {**THIS_YEAR, "narrative.yaml": _narrative("今年。")})
    (folder / "organisation.yaml").write_text((folder / "organisation.yaml").read_text(encoding="utf-8") + "comparison_table: true\n", encoding="utf-8")
    rows = _rows(make_document(load_org(folder)))
    assert rows[1:] == [
        ("维权", "", "", ""),  # a group's heading: a row of its own
        ("接待来访", "60件", "60件", "持平"),  # a record without a comment or name: the figure's alone, never its key
        ("婚姻家庭纠纷调解：接待准离婚夫妻", "444对", "445对", "增加1对（增长0.2%）"),
        ("婚姻家庭纠纷调解：其中调和", "134对", "130对", "减少4对（下降3.0%）"),
        ("热线来电", "600名", "700余名", "增加约100名"),  # volunteers: not in last year's data
        ("资金", "", "", ""),
        ("困难妇女救助：金额", "30万元", "34.5万元", "增加4.5万元（增长15.0%）"),
        ("组织建设", "", "", ""),
        ("村两委：总人数", "70人", "70人", "持平"),
        ("村两委：其中女性人数", "40人", "42人", "增加2人（增长5.0%）"),
    ]


def test_without_last_year_the_setting_is_an_error_at_its_line(tmp_path):
    folder = _org(tmp_path, 2022, {**THIS_YEAR, "narrative.yaml": _narrative("今年。")})
    organisation = folder / "organisation.yaml"
    organisation.write_text(organisation.read_text(encoding="utf-8") + "comparison_table: true\n", encoding="utf-8")
    with pytest.raises(FulianError) as caught:
        make_document(load_org(folder))
    (finding,) = caught.value.findings
    assert finding.location.path.endswith("2022/shizhen/organisation.yaml")
    assert finding.location.line == len(organisation.read_text(encoding="utf-8").splitlines())
    assert "2021/shizhen" in finding.message and "comparison_table" in finding.message


def test_plain_text_writes_the_note_before_the_signature_and_the_attachment_after(furong_2022):
    lines = to_text(furong_2022).splitlines()
    note = lines.index("附件：2022年与2021年主要数据对比")
    assert lines[note + 1 : note + 3] == ["芙蓉区妇联", "2023年2月7日"]
    assert lines[note + 3 : note + 6] == ["附件", "2022年与2021年主要数据对比", "项目\t2021年\t2022年\t增减"]
    assert f"{COUPLES}\t444对\t445对\t增加1对（增长0.2%）" in lines


def test_the_docx_starts_the_attachment_on_a_new_page_with_its_label_in_hei(furong_2022):
    document = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx_bytes(furong_2022))).read("word/document.xml"))
    paragraphs = document.findall(f"{W}body/{W}p")
    texts = ["".join(p.itertext()) for p in paragraphs]
    label = paragraphs[texts.index("附件")]
    assert label.find(f"{W}pPr/{W}pageBreakBefore") is not None
    assert label.find(f"{W}pPr/{W}ind").get(f"{W}firstLine") == "0"  # flush left
    assert label.find(f"{W}r/{W}rPr/{W}rStyle").get(f"{W}val") == "HeadingRun1"  # 3号黑体
    # The title on the third line, in the title's style; the 附件说明 two characters in, between the text and the 落款.
    title = paragraphs[texts.index("附件") + 2]
    assert "".join(title.itertext()) == "2022年与2021年主要数据对比"
    assert title.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "ReportTitle"
    note = texts.index("附件：2022年与2021年主要数据对比")
    assert texts[note - 1] == "" and paragraphs[note].find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "ReportBody"
    assert paragraphs[note + 1].find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "ReportSignature"
    # The table after the label, its columns filling the text block (156 mm); the figures' columns
    # keep the width of 1584.44万元 (a character is 315 twips) and the names and changes share the rest.
    (table,) = document.findall(f"{W}body/{W}tbl")
    assert list(document.find(f"{W}body")).index(table) > list(document.find(f"{W}body")).index(label)
    widths = [int(column.get(f"{W}w")) for column in table.iter(f"{W}gridCol")]
    assert abs(sum(widths) - 156 * 1440 / 25.4) < 10
    assert widths[1] == widths[2] > 7 * 315 and widths[0] == widths[3]


def test_the_preview_starts_the_attachment_at_the_top_of_a_page(furong_2022):
    laid_out = pages(furong_2022)
    (page,) = [lines for lines in laid_out if lines and lines[0].pieces and lines[0].pieces[0].text == "附件"]
    assert page[0].pieces[0].font == "level1" and page[0].indent == 0
    assert page[2].pieces[0].text == "2022年与2021年主要数据对比" and page[2].align == "center"
    assert any(line.cells[:3] == (COUPLES, "444对", "445对") for lines in laid_out[laid_out.index(page) :] for line in lines)


def test_a_half_year_is_set_against_the_half_year_before(tmp_path):
    _org(tmp_path, 2021, {**LAST_YEAR, "narrative.yaml": _narrative("上期。")}, period="period: 下半年\n")
    folder = _org(tmp_path, 2022, {**THIS_YEAR, "narrative.yaml": _narrative("本期。")}, period="period: 上半年\ncomparison_table: true\n")
    document = make_document(load_org(folder))
    assert document.attachments[0].title == "2022年上半年与2021年下半年主要数据对比"
    assert _rows(document)[0] == ("项目", "2021年下半年", "2022年上半年", "增减")


def test_figures_the_table_prints_are_not_reported_as_left_out_of_the_report(tmp_path):
    from fulian_report.render.usage import unused_figures

    _org(tmp_path, 2021, {**LAST_YEAR, "narrative.yaml": _narrative("上年。")})
    folder = _org(tmp_path, 2022, {**THIS_YEAR, "narrative.yaml": _narrative("今年。")})
    unused = {finding.message.split("”", 1)[0] for finding in unused_figures(load_org(folder))}
    assert "数字“funds.relief.amount" in unused
    organisation = folder / "organisation.yaml"
    organisation.write_text(organisation.read_text(encoding="utf-8") + "comparison_table: true\n", encoding="utf-8")
    unused = [finding.message for finding in unused_figures(load_org(folder))]
    # Only the volunteers, whom last year's data lacks, stay out of the table and the text.
    assert len(unused) == 1 and "cases.hotline.volunteers" in unused[0]


def _with_setting(tmp_path, setting: str, this_year: dict[str, str] | None = None):
    """The township's two years, this year's organisation.yaml ending with `setting`; returns that folder."""
    _org(tmp_path, 2021, {**LAST_YEAR, "narrative.yaml": _narrative("上年。")})
    folder = _org(tmp_path, 2022, {**(this_year or THIS_YEAR), "narrative.yaml": _narrative("今年。")})
    organisation = folder / "organisation.yaml"
    organisation.write_text(organisation.read_text(encoding="utf-8") + setting, encoding="utf-8")
    return folder


def _line_of(path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_a_list_chooses_the_figures_and_their_order_without_group_headings(tmp_path):
    folder = _with_setting(tmp_path, (
        "comparison_table:\n"
        "  - funds.relief.amount\n"
        "  - cases.mediation.couples_received\n"
        "  - derived.women_shares.village_committees\n"
        "  - derived.mediation_success\n"
    ))
    assert _rows(make_document(load_org(folder))) == [
        ("项目", "2021年", "2022年", "增减"),
        ("困难妇女救助：金额", "30万元", "34.5万元", "增加4.5万元（增长15.0%）"),
        ("婚姻家庭纠纷调解：接待准离婚夫妻", "444对", "445对", "增加1对（增长0.2%）"),
        ("村两委：女性比例", "57.1%", "60%", "提高2.9个百分点"),
        ("婚姻家庭纠纷调和率", "30.2%", "29.2%", "下降1个百分点"),
    ]


def test_a_listed_figure_this_year_lacks_is_an_error_at_its_line_with_the_name_meant(tmp_path):
    folder = _with_setting(tmp_path, "comparison_table:\n  - cases.mediation.couples_recieved\n  - cases.hotline.volunteers\n")
    with pytest.raises(FulianError) as caught:
        make_document(load_org(folder))
    typo, volunteers = sorted(caught.value.findings, key=lambda finding: finding.location.line)
    organisation = folder / "organisation.yaml"
    assert typo.location.path.endswith("2022/shizhen/organisation.yaml")
    assert typo.location.line == _line_of(organisation, "couples_recieved")
    assert "没有 cases.mediation.couples_recieved" in typo.message and "“cases.mediation.couples_received”" in typo.message
    # Last year lacks the volunteers: said as 比上年 says it, with where last year's file is.
    assert volunteers.location.line == _line_of(organisation, "volunteers")
    assert "上一期间（2021年）的数据中没有 cases.hotline.volunteers" in volunteers.message
    assert "2021/shizhen/cases.yaml" in volunteers.message


@pytest.mark.parametrize(
    ("setting", "line_text", "words"),
    [
        ("comparison_table:\n  - case.mediation.couples_received\n", "case.mediation", "是不是想写“cases”"),
        ("comparison_table:\n  - cases\n", "  - cases", "用点连接的名称"),
        ("comparison_table:\n  - cases.visits.received\n  - cases.visits.received\n", "comparison_table", "已经列过一次"),
        ("comparison_table: []\n", "comparison_table", "为空"),
        ("comparison_table: 是\n", "comparison_table", "应写 true、false"),
    ],
)
def test_the_model_checks_how_the_list_is_written(tmp_path, setting, line_text, words):
    folder = _with_setting(tmp_path, setting)
    with pytest.raises(FulianError) as caught:
        load_org(folder)
    (finding,) = [finding for finding in caught.value.findings if "organisation.yaml" in finding.location.path]
    assert words in finding.message
    assert finding.location.line >= _line_of(folder / "organisation.yaml", line_text)
    assert "Input should" not in finding.message and "union" not in finding.message


def test_a_duplicate_is_pointed_at_where_it_is_written_again(tmp_path):
    folder = _with_setting(tmp_path, "comparison_table:\n  - cases.visits.received\n  - cases.visits.received\n")
    with pytest.raises(FulianError) as caught:
        load_org(folder)
    (finding,) = [finding for finding in caught.value.findings if "organisation.yaml" in finding.location.path]
    assert finding.location.line == len((folder / "organisation.yaml").read_text(encoding="utf-8").splitlines())


def test_a_figure_without_a_chinese_name_is_left_out_with_a_warning_at_its_line(tmp_path):
    this_year = {**THIS_YEAR, "cases.yaml": THIS_YEAR["cases.yaml"].replace("600名              # 热线来电", "600名")}
    last_year_cases = LAST_YEAR["cases.yaml"].replace("600名              # 热线来电", "600名")
    _org(tmp_path, 2021, {**LAST_YEAR, "cases.yaml": last_year_cases, "narrative.yaml": _narrative("上年。")})
    this_year["cases.yaml"] = this_year["cases.yaml"].replace("700余名            # 热线来电", "700余名")
    folder = _org(tmp_path, 2022, {**this_year, "narrative.yaml": _narrative("今年。")})
    organisation = folder / "organisation.yaml"
    organisation.write_text(organisation.read_text(encoding="utf-8") + "comparison_table: true\n", encoding="utf-8")
    data = load_org(folder)
    rows = _rows(make_document(data))
    assert not [row for row in rows if "calls" in row[0] or "hotline" in row[0]]
    assert not [row for row in rows if row[1] == "600名"]
    (warning,) = [finding for finding in data.warnings if "hotline.calls" in finding.message]
    assert warning.location.path.endswith("2022/shizhen/cases.yaml")
    assert warning.location.line == _line_of(folder / "cases.yaml", "calls:")
    assert "没有中文名称" in warning.message and "注释" in warning.message


def test_no_row_of_the_bundled_second_year_is_named_by_an_english_key(furong_2022):
    names = [row[0] for row in _rows(furong_2022)[1:]]
    assert names and not [name for name in names if re.search(r"[a-z]_[a-z]|^[a-z]+$|：[a-z]+$", name)]


def test_rows_of_the_bundled_second_year_are_told_apart_and_keep_the_words_around_an_aside(furong_2022):
    """社区（村）新增妇女小组 names its row 社区新增妇女小组: the aside goes, the words after it stay,
    and two figures of one record do not share a name."""
    names = [row[0] for row in _rows(furong_2022)[1:]]
    assert "新建妇女组织：社区新增妇女小组" in names and "新建妇女组织：社区新增妇女微家" in names
    assert not [name for name in names if "（" in name or "）" in name]
    assert len(names) == len(set(names)), sorted(name for name in names if names.count(name) > 1)


def _docx_part(document, name: str):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(docx_bytes(document))).read(name))


def _style(styles, style_id: str):
    (style,) = [style for style in styles.iter(f"{W}style") if style.get(f"{W}styleId") == style_id]
    return style


def _east_asian_font(style) -> str:
    return style.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia")


def test_the_docx_table_repeats_its_header_on_each_page_and_keeps_each_row_whole(furong_2022):
    (table,) = _docx_part(furong_2022, "word/document.xml").iter(f"{W}tbl")
    rows = table.findall(f"{W}tr")
    assert len(rows) > 22  # more rows than a page holds: the header repeats on the next page
    header, *body = rows
    assert header.find(f"{W}trPr/{W}tblHeader") is not None and header.find(f"{W}trPr/{W}cantSplit") is not None
    assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in body)
    assert not [row for row in body if row.find(f"{W}trPr/{W}tblHeader") is not None]  # only the header repeats


def test_the_docx_table_stays_inside_the_margins(furong_2022):
    document = _docx_part(furong_2022, "word/document.xml")
    (table,) = document.iter(f"{W}tbl")
    section = document.find(f"{W}body/{W}sectPr")
    page, margins = section.find(f"{W}pgSz"), section.find(f"{W}pgMar")
    block = int(page.get(f"{W}w")) - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))
    columns = sum(int(column.get(f"{W}w")) for column in table.iter(f"{W}gridCol"))
    properties = table.find(f"{W}tblPr")
    assert block - 5 <= columns <= block
    assert properties.find(f"{W}tblW").get(f"{W}type") == "dxa" and int(properties.find(f"{W}tblW").get(f"{W}w")) == columns
    # Fixed: Word keeps these widths and wraps a long name, rather than widening the table past the margin.
    assert properties.find(f"{W}tblLayout").get(f"{W}type") == "fixed"
    indent = properties.find(f"{W}tblInd")
    assert indent is None or int(indent.get(f"{W}w")) == 0


def test_the_docx_table_is_in_the_documents_fonts_its_header_in_hei(furong_2022):
    fonts = resolve_style("furong").settings.fonts
    styles = _docx_part(furong_2022, "word/styles.xml")
    (table,) = _docx_part(furong_2022, "word/document.xml").iter(f"{W}tbl")
    header, *body = table.findall(f"{W}tr")
    # The header's text in the first-level heading's character style: 黑体 in this style.
    header_styles = {run.find(f"{W}rPr/{W}rStyle").get(f"{W}val") for run in header.iter(f"{W}r")}
    assert header_styles == {"HeadingRun1"} and _east_asian_font(_style(styles, "HeadingRun1")) == fonts.level1 == "黑体"
    # The other cells name no style or font of their own: the default paragraph style's, the body's 仿宋.
    assert not [run for row in body for run in row.iter(f"{W}r") if run.find(f"{W}rPr") is not None]
    assert not [p for row in body for p in row.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle") is not None]
    (normal,) = [style for style in styles.iter(f"{W}style") if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") == "1"]
    assert _east_asian_font(normal) == fonts.body == "仿宋_GB2312"
    # The table style names no other face (Word's own names a theme font).
    table_fonts = {font.get(f"{W}eastAsia") for font in _style(styles, "TableGrid").iter(f"{W}rFonts")}
    assert table_fonts <= {fonts.body}


def test_the_docx_with_the_attachment_passes_openxml_audit_for_microsoft_365(furong_2022, tmp_path):
    from tests.writers.test_package import _audit

    assert _audit(docx_bytes(furong_2022), tmp_path / "attachment.docx") == []


@pytest.mark.parametrize(
    ("listed", "words"),
    [
        ("cases.mediation", "是一组数据，不是一个数字；请写出其中要比较的一项，如 cases.mediation.couples_received"),
        ("derived.women_shares", "如 derived.women_shares.village_committees"),
        ("funds.relief.direction", "不是计数、金额或比例"),
        ("cases.visits.received.value", "本期数据中没有 cases.visits.received.value，是不是想写“cases.visits.received”"),
        ("derived.fund_paid", "是不是想写“derived.funds_paid”"),
    ],
)
def test_a_listed_name_that_is_no_figure_says_what_it_is_at_its_line(tmp_path, listed, words):
    folder = _with_setting(tmp_path, f"comparison_table:\n  - {listed}\n")
    with pytest.raises(FulianError) as caught:
        make_document(load_org(folder))
    (finding,) = caught.value.findings
    assert finding.location.line == _line_of(folder / "organisation.yaml", listed) and words in finding.message
    assert "=" not in finding.message  # never a model's repr


def test_the_preview_repeats_the_header_on_each_page_of_the_table_in_the_heading_font(furong_2022):
    laid_out = pages(furong_2022)
    start = next(index for index, lines in enumerate(laid_out) if lines and lines[0].pieces and lines[0].pieces[0].text == "附件")
    following = laid_out[start + 1 :]
    assert following, "a table over more than one page"
    for lines in following:
        assert lines[0].cells == ("项目", "2021年", "2022年", "增减") and lines[0].header
        assert not [line for line in lines[1:] if line.header]
    rows = [line.cells for lines in laid_out[start:] for line in lines if line.kind == "table" and not line.header]
    assert rows == _rows(furong_2022)[1:]  # every row once, in order
    assert '<span class="cell font-level1">项目</span>' in pages_html(furong_2022)

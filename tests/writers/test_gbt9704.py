"""The .docx's own XML against GB/T 9704-2012, for both styles: every number the standard sets.

Read from the package's parts (document, styles, settings, footers, relationships),
not through python-docx, so that what is checked is what Word, WPS and LibreOffice read.
"""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from fulian_report.api import make_document
from fulian_report.model.dataset import load_org
from fulian_report.render.style import resolve_style
from fulian_report.writers.docx import docx_bytes
from tests.conftest import DATA, ORGS, TEMPLATES, second_year

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
W = f"{{{W_NS}}}"
MM = 1440 / 25.4  # twips


def w(name: str) -> str:
    return f"{W}{name}"


class Package:
    """A built .docx opened as XML parts."""

    def __init__(self, content: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(content))
        self.names = set(self.zip.namelist())

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    @property
    def document(self) -> etree._Element:
        return self.xml("word/document.xml")

    @property
    def report_paragraphs(self) -> list[etree._Element]:
        """The body's paragraphs up to the 落款: an attachment after it starts with a page break."""
        paragraphs = self.document.findall(f"{W}body/{W}p")
        start = next((i for i, p in enumerate(paragraphs) if p.find(f"{W}pPr/{W}pageBreakBefore") is not None), len(paragraphs))
        return paragraphs[:start]

    @property
    def styles(self) -> dict[str, etree._Element]:
        return {s.get(w("styleId")): s for s in self.xml("word/styles.xml").iter(w("style"))}

    def footer(self, kind: str) -> etree._Element:
        """The footer part a section names for `kind` (default = odd pages, even)."""
        sect = self.document.find(f"{W}body/{W}sectPr")
        reference = next(r for r in sect.iter(w("footerReference")) if r.get(w("type")) == kind)
        target = self.relationships("word/document.xml")[reference.get(f"{{{R_NS}}}id")]
        return self.xml(f"word/{target}")

    def relationships(self, part: str) -> dict[str, str]:
        folder, name = part.rsplit("/", 1)
        rels = self.xml(f"{folder}/_rels/{name}.rels")
        return {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{PKG_REL_NS}}}Relationship")}


# 芙蓉区's second year, with its 附件 (comparison_table): the checks hold on a report with an attachment too.
SECOND_YEAR = "furong-2022"


@pytest.fixture(scope="module", params=(*ORGS, SECOND_YEAR))
def built(request, tmp_path_factory) -> tuple[str, Package]:
    """Each 2021 report in its own style (芙蓉区 in furong, 湘东区 in xiangdong), and 芙蓉区's 2022 with its 附件."""
    if request.param == SECOND_YEAR:
        document = make_document(load_org(second_year(tmp_path_factory.mktemp("second-year"))))
        assert document.attachments
        return SECOND_YEAR, Package(docx_bytes(document))
    document = make_document(load_org(DATA / "2021" / request.param))
    return request.param, Package(docx_bytes(document))


def _style(org: str) -> str:
    return "furong" if org == SECOND_YEAR else org


def _val(element: etree._Element | None, attribute: str = "val") -> str | None:
    return None if element is None else element.get(w(attribute))


def test_a4_with_the_standard_margins_and_a_156_by_225_mm_text_block(built):
    _, package = built
    sect = package.document.find(f"{W}body/{W}sectPr")
    size, margins = sect.find(w("pgSz")), sect.find(w("pgMar"))
    assert round(int(size.get(w("w"))) / MM) == 210 and round(int(size.get(w("h"))) / MM) == 297
    top, bottom = int(margins.get(w("top"))) / MM, int(margins.get(w("bottom"))) / MM
    left, right = int(margins.get(w("left"))) / MM, int(margins.get(w("right"))) / MM
    assert (round(top), round(bottom), round(left), round(right)) == (37, 35, 28, 26)
    assert round(297 - top - bottom) == 225 and round(210 - left - right) == 156


def test_22_lines_a_page_a_line_grid_and_exact_spacing_on_every_paragraph_style(built):
    _, package = built
    grid = package.document.find(f"{W}body/{W}sectPr/{W}docGrid")
    assert grid.get(w("type")) == "lines" and grid.get(w("linePitch")) == "579"
    assert 22 * 579 <= 225 * MM < 23 * 579
    styles = package.styles
    for style_id in ("ReportBody", "ReportTitle", "ReportSignature", "Heading1", "Heading2", "Heading3", "Heading4"):
        spacing = styles[style_id].find(f"{W}pPr/{W}spacing")
        assert spacing.get(w("line")) == "579" and spacing.get(w("lineRule")) == "exact", style_id
        assert spacing.get(w("before")) == "0" and spacing.get(w("after")) == "0", style_id
        assert _val(styles[style_id].find(f"{W}pPr/{W}widowControl")) == "0", style_id


def test_28_characters_a_line_by_condensing_body_text_a_quarter_point(built):
    _, package = built
    styles = package.styles
    body_size = ("ReportBody", "ReportSignature", "Heading1", "Heading2", "Heading3", "Heading4", "HeadingRun1", "HeadingRun2")
    for style_id in body_size:
        assert _val(styles[style_id].find(f"{W}rPr/{W}spacing")) == "-5", style_id
    # 28 characters of 16 − 0.25 pt fill the 156 mm block, a 29th does not fit.
    assert 28 * (320 - 5) <= 156 * MM < 29 * (320 - 5)
    defaults = package.xml("word/styles.xml").find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert _val(defaults.find(w("spacing"))) == "-5"


def test_title_22_pt_centred_off_the_grid_broken_by_sense_then_an_empty_line(built):
    org, package = built
    title = package.styles["ReportTitle"]
    assert _val(title.find(f"{W}rPr/{W}sz")) == "44"
    assert _val(title.find(f"{W}rPr/{W}rFonts"), "eastAsia") == "方正小标宋简体"
    assert _val(title.find(f"{W}pPr/{W}jc")) == "center"
    assert _val(title.find(f"{W}pPr/{W}snapToGrid")) == "0"
    paragraphs = package.document.findall(f"{W}body/{W}p")
    assert _val(paragraphs[0].find(f"{W}pPr/{W}pStyle")) == "ReportTitle"
    lines = "".join(t.text if t.tag == w("t") else "\n" for t in paragraphs[0].iter(w("t"), w("br"))).split("\n")
    expected = {
        "furong": ["芙蓉区妇联2021年度工作总结及", "2022年工作计划"],
        "xiangdong": ["湘东区妇联2021年工作情况和", "2022年主要工作打算汇报"],
        SECOND_YEAR: ["芙蓉区妇联2022年度工作总结及", "2023年工作计划"],
    }[org]
    assert lines == expected
    assert "".join(paragraphs[1].itertext()) == ""  # the empty line under the title


def test_body_16_pt_fangsong_indented_two_characters_and_justified(built):
    _, package = built
    body = package.styles["ReportBody"]
    assert _val(body.find(f"{W}rPr/{W}sz")) == "32"
    assert _val(body.find(f"{W}rPr/{W}rFonts"), "eastAsia") == "仿宋_GB2312"
    indent = body.find(f"{W}pPr/{W}ind")
    assert indent.get(w("firstLineChars")) == "200" and indent.get(w("firstLine")) == "640"
    assert _val(body.find(f"{W}pPr/{W}jc")) == "both"


def test_heading_levels_take_hei_kai_and_fangsong_at_16_pt(built):
    org, package = built
    styles = package.styles
    fonts = {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312", 4: "仿宋_GB2312"}
    bold_levels = set(resolve_style(_style(org)).settings.bold_levels)
    for level, font in fonts.items():
        for style_id in (f"Heading{level}", f"HeadingRun{level}"):
            rpr = styles[style_id].find(w("rPr"))
            assert _val(rpr.find(w("rFonts")), "eastAsia") == font, style_id
            assert _val(rpr.find(w("b"))) == ("1" if level in bold_levels else "0"), style_id
        assert _val(styles[f"Heading{level}"].find(f"{W}rPr/{W}sz")) == "32"


def test_run_in_headings_carry_the_heading_font_on_the_heading_words_only(built):
    org, package = built
    # In the report's text: the 附件's label and its table's header take the level-1 font on purpose.
    run_in = [p for p in package.report_paragraphs if any(_val(r.find(f"{W}rPr/{W}rStyle")) for r in p.iter(w("r")))]
    assert run_in, "both styles have run-in headings"
    for paragraph in run_in:
        runs = paragraph.findall(w("r"))
        assert _val(runs[0].find(f"{W}rPr/{W}rStyle")).startswith("HeadingRun")
        first = "".join(runs[0].itertext())
        assert re.match(r"^(（[一二三四五六七八九十]+）|\d+．|[一二三四五六七八九十]+、)", first), first
        assert all(r.find(f"{W}rPr/{W}rStyle") is None for r in runs[1:])


def test_fonts_sit_on_the_east_asian_slot_of_defaults_and_every_style_with_zh_cn(built):
    _, package = built
    root = package.xml("word/styles.xml")
    defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert _val(defaults.find(w("rFonts")), "eastAsia") == "仿宋_GB2312"
    assert _val(defaults.find(w("lang")), "eastAsia") == "zh-CN"
    for style in root.iter(w("style")):
        if style.get(w("type")) in ("paragraph", "character"):
            fonts = style.find(f"{W}rPr/{W}rFonts")
            assert fonts is not None and fonts.get(w("eastAsia")), style.get(w("styleId"))
            assert _val(style.find(f"{W}rPr/{W}lang"), "eastAsia") == "zh-CN", style.get(w("styleId"))
    # No theme font anywhere, so nothing Chinese falls back to a Latin or theme face.
    for name in package.names:
        if name.endswith(".xml") and name.startswith("word/") and "theme" not in name:
            text = package.zip.read(name).decode("utf-8")
            assert "Theme=" not in text.replace("themeColor", ""), name


def test_all_text_is_black(built):
    _, package = built
    for name in package.names:
        if re.match(r"word/(document|styles|footer\d*)\.xml$", name):
            for color in package.xml(name).iter(w("color")):
                assert color.get(w("val")) == "000000", name
                assert color.get(w("themeColor")) is None, name
    for style in package.xml("word/styles.xml").iter(w("style")):
        if style.get(w("type")) in ("paragraph", "character"):
            assert _val(style.find(f"{W}rPr/{W}color")) == "000000", style.get(w("styleId"))


def test_page_numbers_are_14_pt_song_with_dashes_odd_right_even_left_one_character_in(built):
    _, package = built
    assert package.xml("word/settings.xml").find(w("evenAndOddHeaders")) is not None
    margins = package.document.find(f"{W}body/{W}sectPr/{W}pgMar")
    # The number line's top 7 mm under the text block: footer distance = 35 − 7 mm − 14 pt.
    assert abs(int(margins.get(w("footer"))) - (28 * MM - 280)) <= 2
    for kind, side in (("default", "right"), ("even", "left")):
        paragraph = package.footer(kind).find(w("p"))
        ppr = paragraph.find(w("pPr"))
        assert _val(ppr.find(w("jc"))) == side
        indent = ppr.find(w("ind"))
        assert indent.get(w(f"{side}Chars")) == "100" and indent.get(w(side)) == "320"
        assert ppr.find(w("spacing")).get(w("line")) == "280"
        runs = paragraph.findall(w("r"))
        assert "".join(paragraph.itertext()).replace(" PAGE ", "") == "— 1 —"
        assert any(" PAGE " == (t.text or "") for t in paragraph.iter(w("instrText")))
        for run in runs:  # every run, the field's own included
            rpr = run.find(w("rPr"))
            fonts = rpr.find(w("rFonts"))
            assert fonts.get(w("eastAsia")) == fonts.get(w("ascii")) == fonts.get(w("hAnsi")) == "宋体"
            assert _val(rpr.find(w("sz"))) == "28" and _val(rpr.find(w("color"))) == "000000"


def test_signature_and_date_close_the_report_by_7352_without_a_seal(built):
    org, package = built
    paragraphs = package.report_paragraphs
    signature, date = paragraphs[-2:]
    # One empty line under the text: the last line of the text's last paragraph, a line break, so
    # that widow control (on that paragraph only) never leaves it alone atop the signature's page.
    last_text = paragraphs[-3]
    assert "".join(last_text.itertext()) and last_text[-1].tag == w("r") and list(last_text[-1]) == [last_text[-1].find(w("br"))]
    assert _val(last_text.find(f"{W}pPr/{W}widowControl")) == "1"
    widow_controlled = [p for p in paragraphs if _val(p.find(f"{W}pPr/{W}widowControl")) == "1"]
    assert widow_controlled == [last_text]
    # Word would otherwise spread that justified line, ended by a break, across the line.
    assert package.xml("word/settings.xml").find(f"{W}compat/{W}doNotExpandShiftReturn") is not None
    expected_date = {"furong": "2022年2月7日", "xiangdong": "2022年1月20日", SECOND_YEAR: "2023年2月7日"}[org]
    assert "".join(date.itertext()) == expected_date
    for paragraph in (signature, date):
        assert _val(paragraph.find(f"{W}pPr/{W}pStyle")) == "ReportSignature"
    assert _val(package.styles["ReportSignature"].find(f"{W}pPr/{W}jc")) == "right"
    assert signature.find(f"{W}pPr/{W}keepNext") is not None  # never split from its date
    date_indent = int(date.find(f"{W}pPr/{W}ind").get(w("rightChars")))
    signature_indent = int(signature.find(f"{W}pPr/{W}ind").get(w("rightChars")))
    assert date_indent == 200
    # The longer date keeps two characters of space; the signature starts two characters left of
    # the date: 芙蓉区妇联 (5 characters) over 2022年2月7日 (6, and five gaps of a fifth between
    # Chinese and digits): 2 + 7 + 2 − 5 = 6.  湘东区妇联 over 2022年1月20日 (6.5 + 1): 6.5.
    assert signature_indent == {"furong": 600, "xiangdong": 650, SECOND_YEAR: 600}[org]
    assert int(date.find(f"{W}pPr/{W}ind").get(w("right"))) == 2 * 315


def test_dates_and_figures_follow_gbt_15835(built):
    """Arabic numerals, no digit grouping, unpadded dates with the year in full, one range dash."""
    _, package = built
    text = "".join(package.document.itertext())
    assert not re.search(r"\d,\d{3}", text)
    assert not re.search(r"\d{2}年0\d月|月0\d日", text)
    assert not re.search(r"(?<!\d)\d{2}年\d{1,2}月\d{1,2}日", text)  # no two-digit years
    ranges = set(re.findall(r"\d([—～~－-])\d", text))
    # Ranges in the text the tool writes use one dash; document titles quoted in 《》 keep theirs.
    quoted = "".join(re.findall(r"《[^》]*》", text))
    outside = set(re.findall(r"\d([—～~－-])\d", re.sub(r"《[^》]*》", "", text)))
    assert len(outside) <= 1, outside
    assert ranges <= outside | set(re.findall(r"\d([—～~－-])\d", quoted))


def test_word_opens_it_without_repair_no_empty_runs_unique_ids_complete_relationships(built):
    _, package = built
    for name in package.names:
        if not (name.startswith("word/") and name.endswith(".xml")):
            continue
        root = package.xml(name)
        for run in root.iter(w("r")):
            assert any(child.tag != w("rPr") for child in run), f"empty run in {name}"
        for relation_attribute in (f"{{{R_NS}}}id", f"{{{R_NS}}}embed"):
            references = {e.get(relation_attribute) for e in root.iter() if e.get(relation_attribute)}
            if references:
                assert references <= set(package.relationships(name)), name
    # Every internal relationship of every part points at a part that exists.
    for rels_name in (n for n in package.names if n.endswith(".rels")):
        folder = posixpath.dirname(posixpath.dirname(rels_name))
        for relationship in package.xml(rels_name).iter(f"{{{PKG_REL_NS}}}Relationship"):
            if relationship.get("TargetMode") != "External":
                target = relationship.get("Target")
                resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                assert resolved in package.names, (rels_name, target)
    # Every part has a content type.
    types = package.xml("[Content_Types].xml")
    overrides = {o.get("PartName").lstrip("/") for o in types if o.get("PartName")}
    defaults = {d.get("Extension") for d in types if d.get("Extension")}
    for name in package.names:
        if not name.endswith("/"):
            assert name in overrides or name.rsplit(".", 1)[-1] in defaults, name
    ids = [s.get(w("styleId")) for s in package.xml("word/styles.xml").iter(w("style"))]
    assert len(ids) == len(set(ids))
    for tag in ("bookmarkStart", "docPr"):
        values = [e.get(w("id")) or e.get("id") for e in package.document.iter() if etree.QName(e).localname == tag]
        assert len(values) == len(set(values)), tag


def test_the_layout_numbers_come_from_the_style(tmp_path: Path):
    """A style asking for 20 lines of 25 characters gets them: nothing is a constant of the writer."""
    folder = tmp_path / "sparse"
    shutil.copytree(TEMPLATES / "xiangdong", folder)
    (folder / "style.yaml").write_text(
        "name: 疏排样式\npage:\n  lines_per_page: 20\n  chars_per_line: 25\n  signature_right_chars: 4\n"
        "  page_number_side_chars: 2\nsizes:\n  page_number: 12\n",
        encoding="utf-8",
    )
    document = make_document(load_org(DATA / "2021" / "xiangdong"), str(folder))
    package = Package(docx_bytes(document))
    pitch = int(package.document.find(f"{W}body/{W}sectPr/{W}docGrid").get(w("linePitch")))
    assert 20 * pitch <= 225 * MM < 21 * pitch
    spacing = int(_val(package.styles["ReportBody"].find(f"{W}rPr/{W}spacing")))
    assert 25 * (320 + spacing) <= 156 * MM < 26 * (320 + spacing)
    assert package.styles["ReportBody"].find(f"{W}pPr/{W}spacing").get(w("line")) == str(pitch)
    assert package.document.findall(f"{W}body/{W}p")[-1].find(f"{W}pPr/{W}ind").get(w("rightChars")) == "400"
    footer = package.footer("even").find(w("p"))
    assert footer.find(f"{W}pPr/{W}ind").get(w("leftChars")) == "200"
    assert all(_val(r.find(f"{W}rPr/{W}sz")) == "24" for r in footer.findall(w("r")))


def test_footer_properties_are_in_schema_order(built):
    """The footers are written by hand; Word “repairs” a file whose w:rPr / w:pPr children are out of order."""
    from fulian_report.writers.oxml import _PPR_ORDER, _RPR_ORDER

    _, package = built
    for kind in ("default", "even"):
        footer = package.footer(kind)
        for tag, order in (("rPr", _RPR_ORDER), ("pPr", _PPR_ORDER)):
            for properties in footer.iter(w(tag)):
                names = [etree.QName(child).localname for child in properties]
                assert all(name in order for name in names), names
                assert [order.index(name) for name in names] == sorted(order.index(name) for name in names), names


def test_each_title_line_fits_one_line_of_the_block_at_title_size(built):
    """Broken by sense in the template, each line must stay one line: no renderer breaks it again."""
    from fulian_report.gbt9704 import text_width_chars

    org, package = built
    settings = resolve_style(_style(org)).settings
    block_points = (settings.page.width_mm - settings.page.left_mm - settings.page.right_mm) * 72 / 25.4
    title = package.document.findall(f"{W}body/{W}p")[0]
    lines = "".join(t.text if t.tag == w("t") else "\n" for t in title.iter(w("t"), w("br"))).split("\n")
    assert len(lines) >= 2
    for line in lines:
        assert text_width_chars(line) * settings.sizes.title <= block_points, line

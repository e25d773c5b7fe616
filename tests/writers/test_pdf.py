"""PDF through LibreOffice, measured: lines on full pages, characters on full lines, page numbers, fonts.

These render real PDFs (a few seconds each).  Without LibreOffice or poppler they skip,
except where FULIAN_REQUIRE_PDF=1 (set by .ci/run) makes them fail instead.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from fulian_report import api
from fulian_report.selection import Selection
from fulian_report.cli import app
from fulian_report.model.dataset import load_org
from fulian_report.model.subjects import RESULT_FILES
from fulian_report.render.style import resolve_style
from fulian_report.writers import pdf as pdf_writer
from tests.conftest import DATA, ORGS, TEMPLATES, build_text, second_year
from tests.writers.test_pdf_signature import assert_without_seal
from tests.writers.pdf_pages import (
    CLOSING_MARKS,
    OPENING_MARKS,
    PAIRED_MARKS,
    PLAIN_LINE,
    POINTS_PER_MM,
    Page,
    line_break_faults,
    read_pages,
    read_spans,
    require_pdf_tools,
)


class Block:
    """The text block (版心) of a style, in PDF points."""

    def __init__(self, page: dict):
        self.top = page["top_mm"] * POINTS_PER_MM
        self.bottom = (page["height_mm"] - page["bottom_mm"]) * POINTS_PER_MM
        self.left = page["left_mm"] * POINTS_PER_MM
        self.right = (page["width_mm"] - page["right_mm"]) * POINTS_PER_MM
        self.lines = page["lines_per_page"]
        self.chars = page["chars_per_line"]
        self.pitch = (self.bottom - self.top) / self.lines

    def body_lines(self, page: Page):
        return [line for line in page.lines if line.bottom <= self.bottom + 2]

    def footer_lines(self, page: Page):
        return [line for line in page.lines if line.top > self.bottom + 2]

    def slots(self, page: Page) -> int:
        """Grid lines used on a page, empty ones between text lines included."""
        lines = self.body_lines(page)
        gaps = [round((b.top - a.top) / self.pitch) - 1 for a, b in zip(lines, lines[1:])]
        return len(lines) + sum(max(gap, 0) for gap in gaps)

    def slot(self, line) -> int:
        """The grid line (from 1) a text line stands on."""
        return int((line.top - self.top) / self.pitch) + 1

    def text_above_signature(self, page: Page, signature: str) -> list:
        """The text lines of `page` above the signature (none when the signature is not there)."""
        lines = self.body_lines(page)
        at = next((i for i, line in enumerate(lines) if line.text.replace(" ", "") == signature), 0)
        return lines[:at]

    def full_pages(self, pages: list[Page], signature: str) -> list[Page]:
        """Pages the text runs on past: all but the last, and but the one before it when that one
        ends short (text that fills it exactly sends its last line over with the signature)."""
        short = len(pages) > 1 and self.slots(pages[-2]) < self.lines
        return pages[: -2 if short else -1]

    def full_plain_lines(self, pages: list[Page]):
        """Lines of plain Chinese text running from the left edge of the block to the right one.

        A line whose next one opens with a quote or bracket is left out: an opening mark may
        not end a line, so the line-breaking rules carry it over and spread the rest.  So is one
        whose next line starts with a character and closing punctuation: that may not start a
        line, so the character before it went over with it.
        """
        lines = [line for page in pages for line in self.body_lines(page)]
        following = [line.text[:2] for line in lines[1:]] + [""]
        return [
            line
            for line, next_start in zip(lines, following)
            if len(line.words) == 1
            and PLAIN_LINE.match(line.text)
            and next_start[:1] not in OPENING_MARKS
            and next_start[1:2] not in CLOSING_MARKS
            and abs(line.left - self.left) < 2
            and abs(line.right - self.right) < 3
        ]


# The reports measured: each bundled one, and 芙蓉区's second year with its 附件 (comparison_table).
SECOND_YEAR = "furong-2022"
REPORTS = (*ORGS, SECOND_YEAR)
SIGNATURES = {"furong": "芙蓉区妇联", "xiangdong": "湘东区妇联", SECOND_YEAR: "芙蓉区妇联"}
ATTACHMENT_LABEL = "附件"


def _settings(report: str):
    return resolve_style("furong" if report == SECOND_YEAR else report).settings


@pytest.fixture(scope="module")
def second_year_data(tmp_path_factory) -> Path:
    """A data root with the bundled 芙蓉区 as 2021 and a filled 2022 asking for the comparison table."""
    root = tmp_path_factory.mktemp("second-year") / "data"
    second_year(root)
    return root


@pytest.fixture(scope="module")
def built_pdfs(tmp_path_factory, second_year_data) -> dict[str, Path]:
    require_pdf_tools()
    out = tmp_path_factory.mktemp("pdf")
    reports = api.build(Selection(2021, DATA, out, formats=("pdf",)))
    built = {report.org_id: report.files[0] for report in reports}
    (report,) = api.build(Selection(2022, second_year_data, out / "2022", formats=("pdf",)))
    return {**built, SECOND_YEAR: report.files[0]}


def _first_attachment_page(pages: list[Page], block: "Block") -> int | None:
    """The index of the page the 附件 starts on (its label the first line), or None."""
    return next((index for index, page in enumerate(pages) if [line.text for line in block.body_lines(page)][:1] == [ATTACHMENT_LABEL]), None)


def report_pages(built_pdfs: dict[str, Path], report: str) -> list[Page]:
    """The pages of the report up to its 落款: an attachment's pages follow on their own."""
    pages = read_pages(built_pdfs[report])
    start = _first_attachment_page(pages, Block(_settings(report).page.model_dump()))
    return pages if start is None else pages[:start]


@pytest.mark.parametrize("org", REPORTS)
def test_every_full_page_holds_22_lines(built_pdfs, org):
    block = Block(_settings(org).page.model_dump())
    pages = report_pages(built_pdfs, org)
    full = block.full_pages(pages, SIGNATURES[org])
    assert len(full) >= len(pages) - 2 and len(full) >= 3
    if len(full) == len(pages) - 2:
        # The page before the last ends short only by the lines that went over with the signature.
        assert block.slots(pages[-2]) + len(block.text_above_signature(pages[-1], SIGNATURES[org])) == 22
    for number, page in enumerate(full, start=1):
        lines = block.body_lines(page)
        assert block.slots(page) == 22, (number, [line.text[:6] for line in lines])
        # Page 1 has the empty line under the title; every other full page is 22 lines of text.
        assert len(lines) == (21 if number == 1 else 22), number
        assert lines[0].top >= block.top - 1 and lines[-1].bottom <= block.bottom + 1, number
    assert block.slots(pages[-1]) <= 22


@pytest.mark.parametrize("org", REPORTS)
def test_the_signature_stands_under_text_on_the_last_page(built_pdfs, org):
    """GB/T 9704-2012 allows no page with only 署名 and 成文日期 (湘东区's text fills page 4 exactly)."""
    block = Block(_settings(org).page.model_dump())
    last = report_pages(built_pdfs, org)[-1]
    above = block.text_above_signature(last, SIGNATURES[org])
    assert above, [line.text for line in block.body_lines(last)]
    signature, date = block.body_lines(last)[len(above) : len(above) + 2]
    assert block.slot(signature) - block.slot(above[-1]) == 2  # one empty line between
    assert block.slot(date) == block.slot(signature) + 1 and date.text.startswith("2023年" if org == SECOND_YEAR else "2022年")
    # GB/T 9704-2012 7.3.5.2: the date starts two characters right of the signature, the line
    # further right keeps two characters of space.
    assert_without_seal(_settings(org).model_dump(), signature, date)


PLAIN_TEXT = "妇女儿童家庭工作服务建设"


def _plain(chars: int) -> str:
    """Plain Han text of `chars` characters ending in 。: the grid takes it 28 to a line."""
    return (PLAIN_TEXT * (chars // len(PLAIN_TEXT) + 1))[: chars - 1] + "。"


def _xiangdong_ending_with(tmp_path: Path, name: str, paragraph: str) -> Path:
    """A copy of the 湘东区 data whose text ends with one more paragraph; returns its data root."""
    root = tmp_path / name
    folder = root / "2021" / "xiangdong"
    shutil.copytree(DATA / "2021" / "xiangdong", folder)
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    plan["sections"][-1]["paragraphs"].append(paragraph)
    (folder / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return root


def _signing_organisation(data: Path, style: str | None = None) -> str:
    """The organisation 湘东区's report is signed by (the build keeps no document tree)."""
    return api.make_document(load_org(data / "2021" / "xiangdong"), style).signature.organisation


def test_text_that_fills_its_last_page_exactly_takes_its_last_line_to_the_signature(tmp_path):
    require_pdf_tools()
    block = Block(resolve_style("xiangdong").settings.page.model_dump())
    # Where a paragraph added at the end of the text starts: measured with a one-line paragraph…
    probe = _plain(block.chars - 2)
    (report,) = api.build(Selection(2021, _xiangdong_ending_with(tmp_path, "probe", probe), tmp_path / "out1", formats=("pdf",)))
    start = next(block.slot(line) for page in read_pages(report.files[0]) for line in page.lines if line.text == probe)
    # …then one that runs from there to the last line of that page (or of the next: two lines at least).
    lines = block.lines - start + 1
    lines += block.lines if lines < 2 else 0
    paragraph = _plain(lines * block.chars - 2)
    (report,) = api.build(Selection(2021, _xiangdong_ending_with(tmp_path, "exact", paragraph), tmp_path / "out2", formats=("pdf",)))
    pages = read_pages(report.files[0])
    carried = block.text_above_signature(pages[-1], _signing_organisation(DATA))
    assert carried and carried[-1].text == paragraph[-len(carried[-1].text) :]
    # What went over and what stayed fill the page before exactly: the text did end on its last line.
    assert block.slots(pages[-2]) + len(carried) == block.lines


@pytest.mark.parametrize("org", REPORTS)
def test_full_lines_hold_28_characters(built_pdfs, org):
    block = Block(_settings(org).page.model_dump())
    full = block.full_plain_lines(report_pages(built_pdfs, org))
    assert len(full) >= 20, "enough full lines of plain text to measure"
    assert {len(line.text) for line in full} == {28}, [line.text for line in full if len(line.text) != 28]


@pytest.mark.parametrize("org", REPORTS)
def test_no_paired_mark_is_split_and_no_line_starts_with_closing_punctuation(built_pdfs, second_year_data, org):
    """破折号 and 省略号 stay whole across lines and pages (芙蓉区 page 6 had 走进非遗— / —学习)."""
    block = Block(_settings(org).page.model_dump())
    lines = [line.text for page in report_pages(built_pdfs, org) for line in block.body_lines(page)]
    assert line_break_faults(lines) == []
    if org == "furong":
        assert any(mark in line for line in lines for mark in PAIRED_MARKS)
    # No mark hangs past a line's end, where LibreOffice would print nothing: every one is printed.
    if org == SECOND_YEAR:  # the text up to the 落款: the 附件's table cells are not lines of text
        written = build_text("furong", data_root=second_year_data, year=2022).split(f"\n{ATTACHMENT_LABEL}\n")[0]
    else:
        written = build_text(org)
    printed = "".join(lines)
    assert {mark: printed.count(mark) for mark in "，。、；：？！"} == {mark: written.count(mark) for mark in "，。、；：？！"}


@pytest.mark.parametrize("org", REPORTS)
def test_page_numbers_under_the_block_odd_right_even_left_one_character_in(built_pdfs, org):
    block = Block(_settings(org).page.model_dump())
    character = 16  # one body character, in points
    for number, page in enumerate(read_pages(built_pdfs[org]), start=1):
        (footer,) = block.footer_lines(page)
        assert footer.text.replace(" ", "") == f"—{number}—"
        # The number line sits about 7 mm under the block (the box includes the font's ascent).
        assert 4 * POINTS_PER_MM < footer.top - block.bottom < 8 * POINTS_PER_MM
        if number % 2:
            assert abs(block.right - character - footer.right) < 3, number
        else:
            assert abs(footer.left - (block.left + character)) < 3, number


@pytest.mark.parametrize("org", REPORTS)
def test_the_offices_fonts_come_out_as_the_mapped_free_faces(built_pdfs, org):
    listing = subprocess.run(["pdffonts", str(built_pdfs[org])], capture_output=True, text=True, check=True).stdout
    assert "FandolFang" in listing  # 仿宋_GB2312, the body
    assert "FandolSong" in listing  # 方正小标宋简体, the title, and 宋体, the page numbers
    assert "FandolHei" in listing  # 黑体, level-1 headings
    if org == "xiangdong":
        assert "FandolKai" in listing  # 楷体_GB2312, its run-in （一） headings
    # No Japanese face: every one is a Simplified Chinese font (see test_pdf_glyphs for the forms).
    assert "jp" not in listing.lower(), listing


def test_the_attachment_starts_a_new_page_its_label_in_hei_at_the_top_left(built_pdfs):
    """GB/T 9704-2012, 8: the 附件 on a page of its own after the 落款, "附件" in 3号黑体 on the first
    line at the left of the text block, its title centred on the third line."""
    block = Block(_settings(SECOND_YEAR).page.model_dump())
    pages = read_pages(built_pdfs[SECOND_YEAR])
    start = _first_attachment_page(pages, block)
    assert start is not None and start >= 1
    before = [line.text.replace(" ", "") for line in block.body_lines(pages[start - 1])]
    assert before[-2:] == ["芙蓉区妇联", "2023年2月7日"]  # the 落款 ends the page before
    assert "附件：2022年与2021年主要数据对比" in before[-5:-2]  # the 附件说明 above it
    label, title = block.body_lines(pages[start])[:2]
    assert block.slot(label) == 1 and abs(label.left - block.left) < 2
    assert block.slot(title) == 3 and title.text.replace(" ", "") == "2022年与2021年主要数据对比"
    assert abs((title.left + title.right) / 2 - (block.left + block.right) / 2) < 3
    page_number = str(start + 1)
    fonts = subprocess.run(["pdffonts", "-f", page_number, "-l", page_number, str(built_pdfs[SECOND_YEAR])],
                           capture_output=True, text=True, check=True).stdout
    # The label and the table's header in 黑体, the title in 小标宋, the table's cells in 仿宋.
    assert "FandolHei" in fonts and "FandolFang" in fonts and "FandolSong" in fonts


def test_the_attachment_table_sets_445_against_444_couples_in_one_row(built_pdfs):
    block = Block(_settings(SECOND_YEAR).page.model_dump())
    pages = read_pages(built_pdfs[SECOND_YEAR])
    start = _first_attachment_page(pages, block)
    cells = [line for page in pages[start:] for line in page.lines]  # poppler gives each cell's line apart
    (last_year,) = [line for line in cells if line.text == "444对"]
    (this_year,) = [line for line in cells if line.text == "445对"]
    assert abs(last_year.top - this_year.top) < 1 and last_year.right < this_year.left  # one row, last year first
    change = [line for line in cells if line.text.startswith("增加1对") and abs(line.top - this_year.top) < 1]
    assert change and change[0].left > this_year.right


def _attachment_pages(built_pdfs) -> tuple[Block, list[Page], int]:
    block = Block(_settings(SECOND_YEAR).page.model_dump())
    pages = read_pages(built_pdfs[SECOND_YEAR])
    start = _first_attachment_page(pages, block)
    assert start is not None
    return block, pages, start


HAN = re.compile(r"[\u4e00-\u9fff]")


def test_the_attachment_label_is_3hao_hei_its_title_xiaobiaosong_its_table_fangsong_under_a_hei_header(built_pdfs):
    """GB/T 9704-2012, 8: 附件 in 3号黑体 (16 pt) at the top left; the title as the report's (22 pt
    小标宋); the table in the document's fonts, its header as the first-level heading (黑体)."""
    block, pages, start = _attachment_pages(built_pdfs)
    spans = read_spans(built_pdfs[SECOND_YEAR], start + 1, start + 1)[0]
    (label,) = [span for span in spans if span.text == ATTACHMENT_LABEL]
    assert (label.face, label.size) == ("FandolHei", 16) and abs(label.left - block.left) < 2
    title = [span for span in spans if "主要数据对比" in span.text]
    assert title and {(span.face, span.size) for span in title} == {("FandolSong", 22)}
    header_top = next(span.top for span in spans if span.text == "项目")
    header = [span for span in spans if abs(span.top - header_top) < 3 and HAN.search(span.text)]
    assert {span.text for span in header} >= {"项目", "增减"} and {span.face for span in header} == {"FandolHei"}
    cells = [span for span in spans if span.top > header_top + 10 and span.top < block.bottom and HAN.search(span.text)]
    assert cells and {span.face for span in cells} == {"FandolFang"} and {span.size for span in cells} == {16}


def test_the_attachment_table_stays_inside_the_block_repeats_its_header_and_splits_no_row(built_pdfs):
    block, pages, start = _attachment_pages(built_pdfs)
    attachment = pages[start:]
    assert len(attachment) >= 2, "a table over more than one page, to see its header repeat"
    for number, page in enumerate(attachment, start + 1):
        lines = block.body_lines(page)
        # Every cell's text within the text block: the table is inside the margins.
        assert all(line.left >= block.left - 1 and line.right <= block.right + 1 for line in lines), number
    for number, page in enumerate(attachment[1:], start + 2):
        lines = block.body_lines(page)
        header = [line for line in lines if line.text in ("项目", "增减")]
        assert header and {block.slot(line) for line in header} == {1}, number  # w:tblHeader: the header again, first
        below = [line for line in lines if line.top > header[0].bottom + 2]
        # The page's first row starts whole: its cells side by side on its top line (a figure, or a group's heading
        # alone); the rest of a split row would be a lone name's end up there.
        first = [line for line in below if abs(line.top - below[0].top) < 2]
        assert len(first) >= 3 or first[0].text in RESULT_FILES.values(), (number, [line.text for line in first])


def test_the_attachment_note_stands_one_line_under_the_text_two_characters_in(built_pdfs):
    """GB/T 9704-2012, 7.3.4: 附件说明 under the text after one empty line, two characters in."""
    block, pages, start = _attachment_pages(built_pdfs)
    lines = block.body_lines(pages[start - 1])
    (note,) = [line for line in lines if line.text.replace(" ", "").startswith("附件：")]
    above = lines[lines.index(note) - 1]
    assert block.slot(note) - block.slot(above) == 2
    assert abs(note.left - (block.left + 2 * 16)) < 2  # two 16 pt characters


def test_a_style_of_20_lines_by_25_characters_is_measured_so(tmp_path):
    require_pdf_tools()
    folder = tmp_path / "sparse"
    shutil.copytree(TEMPLATES / "xiangdong", folder)
    (folder / "style.yaml").write_text("name: 疏排样式\npage:\n  lines_per_page: 20\n  chars_per_line: 25\n", encoding="utf-8")
    (report,) = api.build(Selection(2021, DATA, tmp_path / "out", orgs=["xiangdong"], style=str(folder), formats=("pdf",)))
    block = Block(resolve_style(str(folder)).settings.page.model_dump())
    pages = read_pages(report.files[0])
    full = block.full_pages(pages, _signing_organisation(DATA, str(folder)))
    assert len(full) >= 3 and [block.slots(page) for page in full] == [20] * len(full)
    lines = block.full_plain_lines(pages)
    assert lines and {len(line.text) for line in lines} == {25}


def test_without_libreoffice_the_build_says_what_to_install_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_writer, "soffice_path", lambda: None)
    result = CliRunner().invoke(app, ["build", "2021", "--pdf", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "LibreOffice" in result.output and "apt-get install" in result.output and "Windows" in result.output
    assert not (tmp_path / "2021").exists()


def test_the_api_refuses_pdf_without_libreoffice_before_writing(tmp_path, monkeypatch):
    from fulian_report.errors import FulianError

    monkeypatch.setattr(pdf_writer, "soffice_path", lambda: None)
    with pytest.raises(FulianError, match="LibreOffice"):
        api.build(Selection(2021, DATA, tmp_path, formats=("docx", "pdf")))
    assert not (tmp_path / "2021").exists()


def test_soffice_runs_with_the_shipped_font_mapping():
    environment = pdf_writer.conversion_environment()
    conf = Path(environment["FONTCONFIG_FILE"])
    assert conf.is_file() and conf.parent.name == "fonts"
    text = conf.read_text(encoding="utf-8")
    for office_font in ("仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体", "宋体"):
        assert f"<family>{office_font}</family>" in text or f"<string>{office_font}</string>" in text
    assert "<include" in text and "/etc/fonts/fonts.conf" in text


def test_where_pdf_is_required_missing_tools_fail_instead_of_skipping(monkeypatch):
    from tests.writers import pdf_pages

    monkeypatch.setattr(pdf_pages, "soffice_path", lambda: None)
    monkeypatch.setenv(pdf_pages.REQUIRE_PDF_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="must run"):
        pdf_pages.require_pdf_tools()
    monkeypatch.delenv(pdf_pages.REQUIRE_PDF_ENV)
    with pytest.raises(pytest.skip.Exception):
        pdf_pages.require_pdf_tools()


def test_ci_installs_libreoffice_fonts_and_poppler_and_requires_the_pdf_tests():
    from tests.conftest import ROOT
    from tests.writers.pdf_pages import REQUIRE_PDF_ENV

    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for package in ("libreoffice-writer-nogui", "fonts-noto-cjk", "texlive-lang-chinese", "poppler-utils"):
        assert package in ci
    assert f"export {REQUIRE_PDF_ENV}=1" in ci.splitlines()
    assert ci.index("apt-get install") < ci.index("pytest")


def test_the_readme_shows_the_first_page_of_each_2021_report():
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for org in ORGS:
        image = ROOT / "docs" / "images" / f"{org}-2021-page1.png"
        assert f"](docs/images/{image.name})" in readme
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image.stat().st_size < 300_000


def test_with_the_free_fonts_installed_no_office_font_is_substituted():
    require_pdf_tools()
    assert pdf_writer.font_substitutions() == []


def test_an_office_font_without_its_free_face_is_named_with_the_package_to_install(tmp_path, monkeypatch):
    if shutil.which("fc-match") is None:
        pytest.skip("needs fontconfig's fc-match")
    bare = tmp_path / "fonts.conf"
    bare.write_text('<?xml version="1.0"?>\n<fontconfig><dir>/nonexistent</dir></fontconfig>\n', encoding="utf-8")
    monkeypatch.setattr(pdf_writer, "FONTS_CONF", bare)
    warnings = pdf_writer.font_substitutions()
    assert any("仿宋_GB2312" in w and "FandolFang" in w and "texlive-lang-chinese" in w for w in warnings), warnings


def test_the_build_warns_about_substituted_fonts(tmp_path, monkeypatch):
    require_pdf_tools()
    monkeypatch.setattr(pdf_writer, "font_substitutions", lambda: ["PDF 中的“仿宋_GB2312”将以“DejaVu Sans”显示"])
    result = CliRunner().invoke(app, ["build", "2021", "--org", "xiangdong", "--format", "pdf", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "警告：PDF 中的“仿宋_GB2312”将以“DejaVu Sans”显示" in result.output
    assert len(list((tmp_path / "2021").glob("*.pdf"))) == 1


def test_a_rebuilt_pdf_is_byte_identical_and_dated_by_source_date_epoch(tmp_path, monkeypatch):
    require_pdf_tools()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1641600000")  # 2022-01-08 00:00 UTC
    out = tmp_path / "out"
    arguments = ["build", "2021", "--org", "xiangdong", "--pdf", "--out", str(out)]
    assert CliRunner().invoke(app, arguments).exit_code == 0
    (first,) = (out / "2021").glob("*.pdf")
    built = first.read_bytes()
    assert b"/CreationDate(D:20220108000000Z')" in built
    checked = CliRunner().invoke(app, [*arguments, "--check"])
    assert checked.exit_code == 0, checked.output
    assert CliRunner().invoke(app, arguments).exit_code == 0
    assert first.read_bytes() == built


def test_a_pdf_build_in_one_process_leaves_no_libreoffice_profile_behind(tmp_path):
    """With --jobs 1 the conversion runs in the command's own process, which ends without
    Python's teardown: its profile must go all the same."""
    require_pdf_tools()
    import os
    import sys

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = dict(os.environ, TMPDIR=str(temporary), FULIAN_REPORT_RESIDENT="0")
    code = "import sys; sys.argv[0] = 'fulian-report'; from fulian_report.launcher import main; main()"
    args = ["build", "2021", "--org", "xiangdong", "--pdf", "--jobs", "1", "--out", str(tmp_path / "out")]
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "out" / "2021").glob("*.pdf"))
    assert not list(temporary.glob("fulian-report-lo-*"))

"""落款 in the PDF, measured: GB/T 9704-2012 7.3.5.2 (no seal) and 7.3.5.1 (sealed).

Without a seal the date's first character stands two characters right of the
signature's, and whichever line reaches further right keeps two characters of
space; with a seal the date keeps four and the signature is centred over it.
Positions are read from the PDF with poppler, in characters of the body's pitch.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fulian_report.doctree import Document, Paragraph, Run, Signature, Title
from fulian_report.render.style import resolve_style
from fulian_report import gbt9704 as layout
from fulian_report.writers.pdf import pdf_bytes
from tests.conftest import ORGS
from tests.writers.pdf_pages import POINTS_PER_MM, Line, read_pages, require_pdf_tools

TOLERANCE_CHARS = 0.4
# Fictional offices: a signature shorter than its date and one longer.
SIGNATURES = {
    "short": Signature("桂溪街道妇联", "2023年3月15日"),
    "long": Signature("青山湖区妇女联合会机关委员会", "2024年12月6日"),
}


def _settings(org: str, **page) -> dict:
    settings = resolve_style(org).settings.model_dump()
    settings["page"].update(page)
    return settings


def _signed(settings: dict, signature: Signature, folder: Path) -> tuple[Line, Line]:
    """The signature's and the date's lines of a one-paragraph report printed to PDF."""
    document = Document(
        title=Title(("某某妇联工作总结",)),
        blocks=[Paragraph((Run("一年来，各项工作稳步推进，妇女儿童事业取得新进展。"),))],
        signature=signature,
        settings=settings,
    )
    pdf = folder / "signed.pdf"
    pdf.write_bytes(pdf_bytes(document))
    lines = {line.text.replace(" ", ""): line for page in read_pages(pdf) for line in page.lines}
    return lines[signature.organisation], lines[signature.date]


class Measure:
    """Horizontal positions in characters of the body's pitch, from the text block's right edge."""

    def __init__(self, settings: dict):
        page, sizes = settings["page"], settings["sizes"]
        self.right_edge = (page["width_mm"] - page["right_mm"]) * POINTS_PER_MM
        text_width_mm = page["width_mm"] - page["left_mm"] - page["right_mm"]
        spacing = layout.char_spacing_twentieths(text_width_mm, page["chars_per_line"], sizes["body"])
        self.pitch = layout.char_pitch_twips(sizes["body"], spacing) / layout.TWIPS_PER_POINT

    def chars(self, points: float) -> float:
        return points / self.pitch

    def right_space(self, line: Line) -> float:
        return self.chars(self.right_edge - line.right)


def assert_without_seal(settings: dict, signature: Line, date: Line) -> None:
    page, measure = settings["page"], Measure(settings)
    step = measure.chars(date.left - signature.left)
    assert step == pytest.approx(page["date_shift_chars"], abs=TOLERANCE_CHARS), (signature, date)
    further_right = min(measure.right_space(signature), measure.right_space(date))
    assert further_right == pytest.approx(page["signature_right_chars"], abs=TOLERANCE_CHARS), (signature, date)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    require_pdf_tools()
    return tmp_path_factory.mktemp("signature")


@pytest.mark.parametrize("length", SIGNATURES)
@pytest.mark.parametrize("org", ORGS)
def test_without_a_seal_the_date_starts_two_characters_right_of_the_signature(folder, org, length):
    settings = _settings(org)
    assert settings["page"]["sealed"] is False  # the bundled styles' default
    assert_without_seal(settings, *_signed(settings, SIGNATURES[length], folder))


@pytest.mark.parametrize("length", SIGNATURES)
def test_sealed_the_date_keeps_four_characters_and_the_signature_is_centred_over_it(folder, length):
    settings = _settings("furong", sealed=True)
    measure = Measure(settings)
    signature, date = _signed(settings, SIGNATURES[length], folder)
    assert measure.right_space(date) == pytest.approx(settings["page"]["sealed_date_right_chars"], abs=TOLERANCE_CHARS)
    centre_offset = measure.chars((signature.left + signature.right) / 2 - (date.left + date.right) / 2)
    assert centre_offset == pytest.approx(0, abs=TOLERANCE_CHARS), (signature, date)


def test_a_style_s_own_numbers_place_the_signature(folder):
    """Nothing is a constant: three characters of space and a step of one are measured so."""
    settings = _settings("xiangdong", signature_right_chars=3, date_shift_chars=1)
    assert_without_seal(settings, *_signed(settings, SIGNATURES["short"], folder))

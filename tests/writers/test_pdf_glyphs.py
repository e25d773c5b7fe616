"""The PDF prints Simplified Chinese forms: 直, 骨, 角 and 写 differ between the regions' faces.

Each office font (黑体, 方正小标宋简体, 宋体) is printed through LibreOffice with the
shipped font mapping; the glyphs in the PDF, rasterised by poppler, are compared with
the same characters drawn by Pillow from the face fontconfig maps the font to, and
from the Japanese face of Noto CJK.  The Noto CJK SC faces, the mapping's fallbacks, are
printed too and compared with their own collection's SC and JP faces: a name is no proof
there, as every face of a Noto CJK collection shares one CFF table named …jp….
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from PIL import Image, ImageDraw, ImageFont

from fulian_report.writers import oxml
from fulian_report.writers import pdf as pdf_writer
from tests.writers.pdf_pages import read_words, require_pdf_tools

REGIONAL = "直骨角写"
# Office font → the Noto CJK face of the same kind, whose SC and JP forms are compared.
OFFICE_FONTS = {"黑体": "Noto Sans CJK {}", "方正小标宋简体": "Noto Serif CJK {}:bold", "宋体": "Noto Serif CJK {}"}
# The mapping's second choices, printed by name: LibreOffice must take the SC face of the collection.
NOTO_SC = {"Noto Sans CJK SC": "Noto Sans CJK {}", "Noto Serif CJK SC": "Noto Serif CJK {}"}
PRINTED = {**OFFICE_FONTS, **NOTO_SC}
RESOLUTION = 300  # dots per inch of the rasterised PDF
POINTS = 48
SIDE = 48  # glyphs are compared as SIDE × SIDE bitmaps of their inked box


def _require_fontconfig() -> None:
    """The PDF tools, and fontconfig's fc-match (absent on Windows, where LibreOffice does not use it)."""
    require_pdf_tools()
    if shutil.which("fc-match") is None:
        pytest.skip("needs fontconfig's fc-match")


def _face(pattern: str) -> tuple[str, int]:
    """The font file and face index fontconfig gives `pattern`, with the conversion's mapping."""
    answer = subprocess.run(
        ["fc-match", "-f", "%{file}\n%{index}", pattern],
        env=pdf_writer.conversion_environment(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return answer[0], int(answer[1])


def _bitmap(image) -> tuple[bool, ...]:
    """The inked part of a grey image, scaled to SIDE × SIDE, as black/white pixels."""
    ink = image.point(lambda grey: 255 if grey < 128 else 0)
    box = ink.getbbox()
    assert box is not None, "no ink"
    scaled = image.crop(box).resize((SIDE, SIDE), Image.Resampling.BILINEAR)
    return tuple(grey < 128 for grey in scaled.tobytes())


def _drawn(face: tuple[str, int], character: str, embolden: int = 0) -> tuple[bool, ...]:
    font = ImageFont.truetype(face[0], 200, index=face[1])
    image = Image.new("L", (300, 300), 255)
    ImageDraw.Draw(image).text((50, 50), character, font=font, fill=0, stroke_width=embolden, stroke_fill=0)
    return _bitmap(image)


def _difference(a: tuple[bool, ...], b: tuple[bool, ...]) -> float:
    """1 − the overlap of the two glyphs' ink (0: the same glyph)."""
    union = sum(x or y for x, y in zip(a, b))
    return 1 - sum(x and y for x, y in zip(a, b)) / union


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, dict[str, tuple[bool, ...]]]:
    """Office font → character → its glyph as printed in the PDF."""
    _require_fontconfig()
    folder = tmp_path_factory.mktemp("glyphs")
    document = docx.Document()
    for font in PRINTED:
        run = document.add_paragraph().add_run(" ".join(REGIONAL))
        rpr = run._r.get_or_add_rPr()
        oxml.set_fonts(rpr, font, font)
        oxml.set_size(rpr, POINTS)
        oxml.rpr_child(rpr, "lang").set(qn("w:eastAsia"), "zh-CN")
    source = folder / "glyphs.docx"
    document.save(source)
    pdf = folder / "glyphs.pdf"
    pdf.write_bytes(pdf_writer.docx_to_pdf(source.read_bytes()))
    subprocess.run(["pdftoppm", "-r", str(RESOLUTION), "-gray", "-f", "1", "-l", "1", str(pdf), str(folder / "page")], check=True)
    (raster,) = folder.glob("page*.pgm")
    page = Image.open(raster)
    scale = RESOLUTION / 72
    lines = read_words(pdf)[0]
    assert [[word.text for word in line] for line in lines] == [list(REGIONAL)] * len(PRINTED)
    return {
        font: {
            word.text: _bitmap(page.crop(tuple(round(v * scale) for v in (word.left - 2, word.top - 2, word.right + 2, word.bottom + 2))))
            for word in line
        }
        for font, line in zip(PRINTED, lines)
    }


def test_the_four_characters_differ_between_the_sc_and_jp_faces():
    _require_fontconfig()
    for kind in ("Noto Sans CJK {}", "Noto Serif CJK {}", "Noto Serif CJK {}:bold"):
        simplified, japanese = _face(kind.format("SC")), _face(kind.format("JP"))
        assert simplified != japanese
        for character in REGIONAL:
            assert _difference(_drawn(simplified, character), _drawn(japanese, character)) > 0.05, (kind, character)


@pytest.mark.parametrize("font", OFFICE_FONTS)
def test_office_fonts_print_the_mapped_simplified_chinese_face(printed, font):
    """FandolHei, FandolSong: one-face Simplified Chinese fonts.  方正小标宋简体 asks for bold, and
    FandolSong-Bold claims a regular weight, so LibreOffice emboldens FandolSong-Regular itself."""
    bold_or_regular = Path(_face(font)[0]).stem
    assert bold_or_regular.startswith(("FandolHei-", "FandolSong-")), bold_or_regular
    mapped = _face(f"{bold_or_regular.split('-')[0]}:style=Regular")
    japanese = _face(OFFICE_FONTS[font].format("JP"))
    for character in REGIONAL:
        glyph = printed[font][character]
        nearest = min(_difference(glyph, _drawn(mapped, character, embolden)) for embolden in range(0, 7))
        assert nearest < 0.15, (font, character)
        assert _difference(glyph, _drawn(japanese, character)) > 0.2, (font, character)


@pytest.mark.parametrize("font", NOTO_SC)
def test_the_noto_fallbacks_print_the_sc_face_of_their_collection(printed, font):
    simplified, japanese = _face(NOTO_SC[font].format("SC")), _face(NOTO_SC[font].format("JP"))
    assert simplified[0] == japanese[0] and simplified[1] != japanese[1]  # two faces of one collection
    for character in REGIONAL:
        glyph = printed[font][character]
        sc, jp = _drawn(simplified, character), _drawn(japanese, character)
        assert _difference(glyph, sc) < 0.1, (font, character)
        assert _difference(glyph, jp) > _difference(glyph, sc) + 0.05, (font, character)

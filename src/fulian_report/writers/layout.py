"""GB/T 9704-2012 arithmetic: a style's page settings turned into the numbers a writer needs.

Everything here is computed from the settings (page size, margins, lines per
page, characters per line, font sizes); nothing is a constant of the standard,
so that a style asking for 20 lines of 25 characters gets exactly that.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

TWIPS_PER_MM = 1440 / 25.4
TWIPS_PER_POINT = 20
POINTS_PER_MM = 72 / 25.4


def line_pitch_twips(text_height_mm: float, lines_per_page: int) -> int:
    """Exact line spacing that fits `lines_per_page` lines in the text block.

    Rounded down: 22 lines of 580 twips are 4 twips taller than a 225 mm block,
    and LibreOffice then moves the 22nd line to the next page.
    """
    return math.floor(text_height_mm * TWIPS_PER_MM / lines_per_page)


def char_spacing_twentieths(text_width_mm: float, chars_per_line: int, font_points: float) -> int:
    """Character spacing (w:spacing in twentieths of a point) that fits `chars_per_line` characters.

    28 characters of 16 pt need 448 pt, the 156 mm block is 442.2 pt wide: each
    character is condensed by 0.25 pt (rounded down to a twentieth, so that the
    last character still fits).  Positive when the characters would not fill the
    line, which spreads them instead.
    """
    pitch_points = text_width_mm * POINTS_PER_MM / chars_per_line
    return math.floor((pitch_points - font_points) * 20)


def char_pitch_twips(font_points: float, spacing_twentieths: int) -> int:
    """The advance of one full-width character, spacing included."""
    return round(font_points * TWIPS_PER_POINT + spacing_twentieths)


def text_width_chars(text: str) -> float:
    """Width of `text` in full-width characters: half-width letters and digits count one half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.5 for ch in text)


@dataclass(frozen=True)
class SignatureIndents:
    """Right indents, in characters, of the signature (署名) and the date (成文日期)."""

    signature: float
    date: float


def signature_indents(signature: str, date: str, right_chars: float) -> SignatureIndents:
    """Place 署名 and 成文日期 for a document without a seal (GB/T 9704-2012, 7.3.5.2).

    The date stands `right_chars` from the right edge; a shorter signature is
    centred over it.  A longer signature takes the right space itself and the
    date starts two characters to the right of the signature's first character,
    but never nearer the edge than `right_chars`.
    """
    signature_width, date_width = text_width_chars(signature), text_width_chars(date)
    if signature_width <= date_width:
        return SignatureIndents(right_chars + (date_width - signature_width) / 2, right_chars)
    return SignatureIndents(right_chars, max(right_chars, right_chars + signature_width - 2 - date_width))

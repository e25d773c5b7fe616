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


# The space a renderer puts between Chinese characters and Latin letters or digits (Word's and
# WPS's 自动调整中文与西文、数字的间距, on by default), in characters: LibreOffice 7.4 puts a fifth
# of the font size there, 3.2 pt at 三号 (measured in the PDF: 2022 | 年 | 1 | 月 | 20 | 日).
SCRIPT_GAP_CHARS = 0.2


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F", "A")


def text_width_chars(text: str, script_gap_chars: float = 0.0) -> float:
    """Width of `text` in full-width characters: half-width letters and digits count one half,
    and each change between Chinese and Latin letters or digits adds `script_gap_chars`."""
    width = sum(1.0 if _is_wide(ch) else 0.5 for ch in text)
    changes = sum(
        1 for a, b in zip(text, text[1:]) if _is_wide(a) != _is_wide(b) and (b if _is_wide(a) else a).isalnum()
    )
    return width + changes * script_gap_chars


@dataclass(frozen=True)
class SignatureIndents:
    """Right indents, in characters, of the signature (署名) and the date (成文日期)."""

    signature: float
    date: float


def signature_indents(signature: str, date: str, right_chars: float, date_shift_chars: float) -> SignatureIndents:
    """Place 署名 and 成文日期 for a document without a seal (GB/T 9704-2012, 7.3.5.2).

    The date's first character stands `date_shift_chars` right of the signature's
    (首字比发文机关署名首字右移二字).  Whichever of the two lines then reaches further
    right keeps `right_chars` of space (右空二字): the signature, or a longer date,
    in which case the signature moves left to keep the step.
    """
    signature_width, date_width = text_width_chars(signature, SCRIPT_GAP_CHARS), text_width_chars(date, SCRIPT_GAP_CHARS)
    # Both lines' first characters, counted from the right edge of the text block, differ by the shift.
    overhang = signature_width - date_width - date_shift_chars  # > 0: the signature reaches further right
    return SignatureIndents(signature=right_chars + max(0.0, -overhang), date=right_chars + max(0.0, overhang))


def sealed_signature_indents(signature: str, date: str, date_right_chars: float) -> SignatureIndents:
    """Place 署名 and 成文日期 for a sealed document (GB/T 9704-2012, 7.3.5.1).

    The date keeps `date_right_chars` of space (右空四字) and the signature is centred
    over it (以成文日期为准居中), never beyond the right edge of the text block.
    """
    signature_width, date_width = text_width_chars(signature, SCRIPT_GAP_CHARS), text_width_chars(date, SCRIPT_GAP_CHARS)
    return SignatureIndents(signature=max(0.0, date_right_chars + (date_width - signature_width) / 2), date=date_right_chars)


def placed_signature(signature: str, date: str, page: dict) -> SignatureIndents:
    """署名 and 成文日期 placed by the style's page settings: sealed (7.3.5.1) or not (7.3.5.2)."""
    if page["sealed"]:
        return sealed_signature_indents(signature, date, page["sealed_date_right_chars"])
    return signature_indents(signature, date, page["signature_right_chars"], page["date_shift_chars"])

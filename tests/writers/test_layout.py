"""GB/T 9704 arithmetic: the style's numbers turned into line pitch, character spacing and indents."""

from __future__ import annotations

import pytest

from fulian_report.writers.layout import (
    char_pitch_twips,
    char_spacing_twentieths,
    line_pitch_twips,
    signature_indents,
    text_width_chars,
)


def test_22_lines_fit_the_225_mm_block_without_spilling():
    pitch = line_pitch_twips(225, 22)
    assert pitch == 579  # 580 would make 22 lines 4 twips taller than the block
    assert 22 * pitch <= 225 * 1440 / 25.4 < 23 * pitch


def test_28_characters_of_16_pt_are_condensed_by_a_quarter_point_to_fill_156_mm():
    spacing = char_spacing_twentieths(156, 28, 16)
    assert spacing == -5
    block_twips = 156 * 1440 / 25.4
    pitch = char_pitch_twips(16, spacing)
    assert 28 * pitch <= block_twips < 29 * pitch


@pytest.mark.parametrize(("lines", "chars"), [(20, 25), (22, 28), (24, 30), (18, 22)])
def test_any_grid_a_style_chooses_fills_the_block(lines, chars):
    pitch = line_pitch_twips(225, lines)
    assert lines * pitch <= 225 * 1440 / 25.4 < (lines + 1) * pitch
    char = char_pitch_twips(16, char_spacing_twentieths(156, chars, 16))
    assert chars * char <= 156 * 1440 / 25.4 < (chars + 1) * char


def test_half_width_digits_count_half_a_character():
    assert text_width_chars("芙蓉区妇联") == 5
    assert text_width_chars("2022年2月7日") == 6  # six digits, three characters


def test_a_shorter_signature_is_centred_over_the_date_which_stands_two_characters_in():
    indents = signature_indents("芙蓉区妇联", "2022年2月7日", 2)
    assert indents.date == 2
    assert indents.signature == 2.5  # (6 − 5) / 2 further in: centred over the date


def test_a_longer_signature_stands_two_in_and_the_date_starts_two_characters_right_of_it():
    indents = signature_indents("湖南省长沙市芙蓉区妇女联合会", "2022年2月7日", 2)
    assert indents.signature == 2
    # The signature starts 2 + 14 characters from the edge, the date two to the right of that.
    assert indents.date + 6 == 2 + 14 - 2


def test_the_date_never_comes_nearer_the_edge_than_the_setting():
    assert signature_indents("湘东区妇女联合会", "2022年1月20日", 2).date == 2

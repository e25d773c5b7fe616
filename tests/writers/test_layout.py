"""GB/T 9704 arithmetic: the style's numbers turned into line pitch, character spacing and indents."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fulian_report.gbt9704 import (
    SCRIPT_GAP_CHARS,
    char_pitch_twips,
    char_spacing_twentieths,
    line_pitch_twips,
    sealed_signature_indents,
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


def test_each_change_between_chinese_and_digits_or_letters_can_add_a_gap():
    assert text_width_chars("2022年2月7日", 0.2) == pytest.approx(6 + 5 * 0.2)
    assert text_width_chars("XX街道妇联", 0.2) == pytest.approx(5 + 0.2)
    assert text_width_chars("（2022年）", 0.2) == pytest.approx(5 + 2 * 0.2)  # brackets are no letters
    assert text_width_chars("芙蓉区妇联", 0.2) == 5


def test_a_longer_date_keeps_two_characters_of_space_and_the_signature_moves_left():
    indents = signature_indents("湘东区妇联", "2022年1月20日", 2, 2)
    assert indents.date == 2
    # The date starts 2 + its width from the edge, the signature two further left.
    assert indents.signature + 5 == pytest.approx(2 + text_width_chars("2022年1月20日", SCRIPT_GAP_CHARS) + 2)


def test_a_longer_signature_keeps_two_characters_of_space_and_the_date_starts_two_right_of_it():
    indents = signature_indents("湖南省长沙市芙蓉区妇女联合会", "2022年2月7日", 2, 2)
    assert indents.signature == 2
    # The signature starts 2 + 14 characters from the edge, the date two to the right of that.
    assert indents.date + text_width_chars("2022年2月7日", SCRIPT_GAP_CHARS) == pytest.approx(2 + 14 - 2)


@given(
    signature=st.text(alphabet="妇联区县乡镇街道社区委员会ABC", min_size=1, max_size=30),
    date=st.from_regex(r"\A20[0-9]{2}年(1[0-2]|[1-9])月([12][0-9]|3[01]|[1-9])日\Z"),
    right=st.sampled_from([0, 1, 2, 3.5]),
    shift=st.sampled_from([1, 2, 3]),
)
def test_without_a_seal_the_step_holds_and_the_line_further_right_keeps_the_right_space(signature, date, right, shift):
    indents = signature_indents(signature, date, right, shift)
    signature_start = indents.signature + text_width_chars(signature, SCRIPT_GAP_CHARS)
    date_start = indents.date + text_width_chars(date, SCRIPT_GAP_CHARS)
    assert signature_start - date_start == pytest.approx(shift)
    assert min(indents.signature, indents.date) == right


@pytest.mark.parametrize("signature", ["湘东区妇联", "湖南省长沙市芙蓉区妇女联合会", "妇联"])
def test_with_a_seal_the_date_keeps_four_characters_and_the_signature_is_centred_over_it(signature):
    date = "2022年12月30日"
    indents = sealed_signature_indents(signature, date, 4)
    assert indents.date == 4
    signature_centre = indents.signature + text_width_chars(signature, SCRIPT_GAP_CHARS) / 2
    assert signature_centre == pytest.approx(4 + text_width_chars(date, SCRIPT_GAP_CHARS) / 2)


def test_a_sealed_signature_wider_than_the_block_allows_stops_at_the_edge():
    assert sealed_signature_indents("某某省某某市某某区妇女联合会办公室", "2022年1月1日", 1).signature == 0

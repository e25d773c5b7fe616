"""Report file names from titles: accepted by every file system and by Windows, the same on every run."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fulian_report.doctree import Document, Title
from fulian_report.filenames import FALLBACK_STEM, MAX_STEM_BYTES, file_stem

RESERVED = ["CON", "PRN", "AUX", "NUL"] + [f"{p}{d}" for p in ("COM", "LPT") for d in "123456789"]


def test_an_ordinary_title_is_the_file_name_unchanged():
    name = file_stem("示例区妇联2023年工作总结及2024年工作计划")
    assert name.stem == "示例区妇联2023年工作总结及2024年工作计划" and name.warning is None


@pytest.mark.parametrize("reserved", RESERVED)
@pytest.mark.parametrize("spelling", [str.upper, str.lower, str.title])
@pytest.mark.parametrize("extension", ["", ".txt", ".报告"])
def test_windows_device_names_never_make_a_file_name(reserved, spelling, extension):
    title = spelling(reserved) + extension
    name = file_stem(title)
    base = name.stem.split(".", 1)[0]
    assert base.upper() not in RESERVED
    assert name.stem.upper().startswith(reserved) and "保留的设备名" in name.warning


def test_a_reserved_word_inside_a_longer_name_is_kept():
    assert file_stem("CONTROL区妇联").stem == "CONTROL区妇联"
    assert file_stem("COM10").stem == "COM10"


@pytest.mark.parametrize(
    "title, stem, reason",
    [
        (".示例区妇联总结", "示例区妇联总结", "隐藏文件"),
        ("...示例区妇联总结", "示例区妇联总结", "隐藏文件"),
        ("示例区妇联总结...", "示例区妇联总结", "末尾的点和空格"),
        ("示例区妇联总结. . ", "示例区妇联总结", "末尾的点和空格"),
        ("示例区妇联/街道：总结*", "示例区妇联街道：总结", "不允许的字符"),
        ("...", FALLBACK_STEM, "隐藏文件"),
        ("NUL.", "NUL_", "保留的设备名"),
    ],
)
def test_dots_spaces_and_forbidden_characters_are_dropped_with_a_reason(title, stem, reason):
    name = file_stem(title)
    assert name.stem == stem and reason in name.warning


def test_a_title_too_long_is_cut_at_a_character_with_a_short_hash():
    title = "示例区东湖街道妇女联合会" * 30
    name = file_stem(title)
    assert len(name.stem.encode("utf-8")) <= MAX_STEM_BYTES
    kept, digest = name.stem.rsplit("-", 1)
    assert title.startswith(kept) and len(digest) == 8
    assert "截短" in name.warning
    assert file_stem(title).stem == name.stem  # the same on every run
    assert file_stem(title[:-1] + "会会").stem != name.stem  # titles differing past the cut stay apart


def test_the_document_uses_it():
    assert Document(Title(("CON",))).file_stem == "CON_"


@given(st.text(max_size=400))
def test_any_title_gives_a_safe_name(title):
    stem = file_stem(title).stem
    assert stem and len(stem.encode("utf-8")) <= MAX_STEM_BYTES
    assert not stem.startswith((".", " ")) and not stem.endswith((".", " "))
    assert not any(ch in stem for ch in '\\/:*?"<>|') and all(ord(ch) >= 0x20 for ch in stem)
    assert stem.split(".", 1)[0].rstrip(" ").upper() not in RESERVED
    assert (file_stem(title).warning is None) == (stem == title)


def test_the_renaming_warning_is_given_once_however_often_the_report_is_rendered(tmp_path):
    from fulian_report.api import make_document
    from fulian_report.model.dataset import load_org
    from tests.conftest import MINIMAL_ORG, write_org

    organisation = MINIMAL_ORG["organisation.yaml"].replace("name: 示例区妇联", "name: 示例区妇联?")
    data = load_org(write_org(tmp_path, dict(MINIMAL_ORG, **{"organisation.yaml": organisation})))
    first = make_document(data).file_stem
    assert make_document(data).file_stem == first == "示例区妇联2021年度工作总结"
    renamed = [w for w in data.warnings if "不能原样用作文件名" in w.message]
    assert len(renamed) == 1 and renamed[0].location.line == 1

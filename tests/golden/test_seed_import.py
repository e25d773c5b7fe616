"""The two real reports imported: data a person would keep, measured against the hand-made data.

Names on word boundaries as a standard segmenter (jieba) splits the source, no figure typed where
the source names something (an ordinal, an anniversary, a quoted title), and no more typed values
than the hand-made data holds, give or take 15%."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from fulian_report.cli import run
from tests.conftest import DATA, GOLDEN
from tests.readers.meaning import figures_inside_names, typed_values, word_boundary_share

SEEDS = {"furong": "furong-2021.txt", "xiangdong": "xiangdong-2021.txt"}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("seed-import")
    folders = {}
    for org, name in SEEDS.items():
        with contextlib.redirect_stdout(io.StringIO()) as out:
            assert run(["import", str(GOLDEN / "seeds" / name), "--data", str(root / org), "--format", "json"]) == 0
        folders[org] = Path(json.loads(out.getvalue())["folder"])
    return folders, str(tmp_path_factory.mktemp("jieba-cache"))


@pytest.mark.parametrize("org", sorted(SEEDS))
def test_names_are_whole_words_of_the_source(imported, org):
    folders, cache = imported
    share, off = word_boundary_share(folders[org], (GOLDEN / "seeds" / SEEDS[org]).read_text(encoding="utf-8"), cache)
    assert share >= 0.95, off


@pytest.mark.parametrize("org", sorted(SEEDS))
def test_no_more_typed_values_than_a_person_keeps(imported, org):
    folders, _ = imported
    made, by_hand = len(typed_values(folders[org], 2021)), len(typed_values(DATA / "2021" / org, 2021))
    assert made <= 1.15 * by_hand, (made, by_hand)


@pytest.mark.parametrize("org", sorted(SEEDS))
def test_no_figure_is_typed_inside_a_name(imported, org):
    folders, _ = imported
    assert figures_inside_names(folders[org], 2021, (GOLDEN / "seeds" / SEEDS[org]).read_text(encoding="utf-8")) == []

"""The synthetic data of benchmarks/synth.py: fictional, valid, realistic in size, reproducible."""

from __future__ import annotations

from benchmarks.synth import generate
from fulian_report import api
from fulian_report.model.dataset import load_org
from fulian_report.writers.text import to_text


def test_generated_organisations_are_valid_fictional_and_of_realistic_size(tmp_path):
    folders = generate(tmp_path, 2)
    assert api.validate([tmp_path]) == []
    for folder in folders:
        data = load_org(folder)
        assert "虚构" in data.organisation.name and "虚构" in data.organisation.full_name
        assert all("虚构数据" in path.read_text(encoding="utf-8") for path in folder.glob("*.yaml"))
        assert 150 <= sum(1 for _ in data.figures()) <= 250  # the bundled 芙蓉区 data has 167
        assert len(to_text(api.make_document(data))) > 6000


def test_same_seed_same_files_other_seed_other_figures(tmp_path):
    first, again, other = (generate(tmp_path / name, 1, seed=seed)[0] for name, seed in (("a", 0), ("b", 0), ("c", 1)))
    read = lambda folder: {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}  # noqa: E731
    assert read(first) == read(again)
    assert read(first)["cases.yaml"] != read(other)["cases.yaml"]

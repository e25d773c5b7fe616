"""Golden tests: the two real 2021 reports come back from their typed data."""

from __future__ import annotations

import collections
import re

import pytest
import yaml

from tests.conftest import DATA, GOLDEN, ROOT, build_text
from tests.golden import fidelity

SEEDS = {"furong": "furong-2021.txt", "xiangdong": "xiangdong-2021.txt"}
# The 湘东区 original has no signature or date; the tool adds them (see README).
SEED_HAS_SIGNATURE = {"furong": True, "xiangdong": False}


def _seed(org: str) -> str:
    return (GOLDEN / "seeds" / SEEDS[org]).read_text(encoding="utf-8")


def _comparable(org: str, built: str) -> str:
    return built.strip() if SEED_HAS_SIGNATURE[org] else fidelity.without_signature(built)


@pytest.fixture(scope="module", params=sorted(SEEDS))
def report(request):
    org = request.param
    return org, build_text(org)


def test_text_matches_seed_at_97_percent(report):
    org, built = report
    ratio = fidelity.similarity(fidelity.digits_only(_seed(org)), _comparable(org, built))
    assert ratio >= 0.97, fidelity.diff(fidelity.digits_only(_seed(org)), built)


def test_every_difference_is_a_listed_normalisation(report):
    org, built = report
    seed = fidelity.normalise_seed(_seed(org))
    ratio = fidelity.similarity(seed, _comparable(org, built))
    assert ratio >= 0.999, fidelity.diff(seed, _comparable(org, built))


def test_every_figure_of_the_seed_appears(report):
    org, built = report
    missing = fidelity.missing_numbers(fidelity.normalise_seed(_seed(org)), built)
    assert missing == {}


def test_built_text_is_unchanged(report, update_golden):
    """A snapshot of each build, so that any change to data or style shows in review."""
    org, built = report
    path = GOLDEN / "built" / f"{org}-2021.txt"
    if update_golden or not path.exists():
        path.write_text(built, encoding="utf-8")
    assert built == path.read_text(encoding="utf-8")


def _prose(value, path=()):
    """(path, text) of every prose string of narrative.yaml / plan.yaml."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "targets":
                yield from _prose(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _prose(item, path + (index,))


PROSE_FILES = sorted(
    p for root in (DATA, ROOT / "examples") for p in root.rglob("*.yaml") if p.stem in ("narrative", "plan")
)


@pytest.mark.parametrize("path", PROSE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_figure_is_typed_into_prose(path):
    """Every digit of a report comes from a typed value, never from the prose itself."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    offenders = [(where, text) for where, text in _prose(data) if re.search(r"[0-9０-９]", text)]
    assert offenders == []


@pytest.mark.parametrize("org,style", [("furong", "xiangdong"), ("xiangdong", "furong")])
def test_each_organisation_builds_in_the_other_style(org, style, update_golden):
    own, other = build_text(org), build_text(org, style)
    # The same figures, less the years that each style writes into its own headings.
    years = {"2021", "2022"}
    strip = lambda counter: collections.Counter({k: v for k, v in counter.items() if k not in years})  # noqa: E731
    assert strip(fidelity.numbers(own)) == strip(fidelity.numbers(other))
    path = GOLDEN / "built" / f"{org}-2021-in-{style}-style.txt"
    if update_golden or not path.exists():
        path.write_text(other, encoding="utf-8")
    assert other == path.read_text(encoding="utf-8")

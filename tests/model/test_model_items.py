"""`model_items` gives a model's pairs exactly as iterating the model does, for every model the data makes."""

from __future__ import annotations

from pydantic import BaseModel

from fulian_report.model.dataset import load_org, model_items
from tests.conftest import DATA


def _models(value):
    if isinstance(value, BaseModel):
        yield value
        for _, item in value:
            yield from _models(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _models(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _models(item)


def test_model_items_are_the_pairs_iterating_a_model_gives():
    seen = set()
    for folder in sorted((DATA / "2021").iterdir()):
        for model in _models(load_org(folder).subjects):
            assert list(model_items(model)) == list(model)
            seen.add(type(model).__name__)
    assert {"Activity", "Count", "Organisation", "Section"} <= seen

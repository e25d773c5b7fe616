"""Changing any figure in the YAML changes the report, wherever the figure appears."""

from __future__ import annotations

import copy
import functools

import pytest

from fulian_report.api import make_document
from fulian_report.model.dataset import load_org, validate_subject
from fulian_report.model.quantities import (
    Count,
    Money,
    MoneyDisplay,
    Period,
    Range,
    ReportDate,
    Share,
    chinese_count,
)
from fulian_report.writers.text import to_text
from tests.conftest import DATA, ORGS


def changed(figure):
    """The same kind of figure with another value that renders differently."""
    if isinstance(figure, Count):
        return figure.with_value(figure.value + (10000 if figure.wan else 1))
    if isinstance(figure, Money):
        step = 100 if figure.display is MoneyDisplay.WAN_YUAN else 1
        return figure.with_value(figure.yuan + step)
    if isinstance(figure, Share):
        return figure.with_value(figure.percent - 1 if figure.percent >= 1 else figure.percent + 1)
    if isinstance(figure, Range):
        return figure.model_copy(update={"high": figure.high + 1})
    if isinstance(figure, Period):
        return figure.model_copy(update={"end": _later(figure.end)})
    if isinstance(figure, ReportDate):
        return _later(figure)
    raise AssertionError(f"unknown figure {figure!r}")


def _later(date: ReportDate) -> ReportDate:
    """Another date of the same year and precision."""
    if date.day is not None:
        return date.model_copy(update={"day": date.day + 1 if date.day < 28 else 1})
    if date.dekad is not None:
        return date.model_copy(update={"dekad": {"上旬": "中旬", "中旬": "下旬", "下旬": "中旬"}[date.dekad]})
    if date.month is not None:
        return date.model_copy(update={"month": date.month + 1 if date.month < 12 else 11})
    return date.model_copy(update={"year": date.year + 1})


def _set(container, path, value):
    for key in path[:-1]:
        container = container[key]
    container[path[-1]] = value


def _figures(org):
    data = load_org(DATA / "2021" / org)
    return [(org, subject, path) for subject, path, _ in data.figures()]


CASES = [case for org in ORGS if (DATA / "2021" / org / "narrative.yaml").exists() for case in _figures(org)]


@functools.lru_cache(maxsize=None)
def _baseline(org):
    data = load_org(DATA / "2021" / org)
    return data, to_text(make_document(data))


@pytest.mark.parametrize("org,subject,path", CASES, ids=lambda v: ".".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_changing_a_figure_changes_the_report(org, subject, path):
    data, before = _baseline(org)
    raw = copy.deepcopy(data.sources[subject].data)
    figure = _lookup(data.subjects[subject], path)
    new = changed(figure)
    _set(raw, path, new)
    source = copy.copy(data.sources[subject])
    source.data = raw
    model, errors = validate_subject(subject, source)
    assert not errors, errors
    altered = copy.copy(data)
    altered.subjects = dict(data.subjects, **{subject: model})
    after = to_text(make_document(altered))
    assert after != before, f"{subject}.{'.'.join(map(str, path))} = {figure} is not used by any text"
    if isinstance(new, Count):
        assert str(new) in after or chinese_count(new) in after
    elif not isinstance(new, (ReportDate, Period)):
        assert str(new) in after


def _lookup(model, path):
    value = model
    for key in path:
        if isinstance(key, int) or isinstance(value, dict):
            value = value[key]
        else:
            extra = getattr(value, "model_extra", None) or {}
            value = extra[key] if key in extra else getattr(value, key)
    return value


def test_every_subject_file_has_figures():
    assert len(CASES) > 40

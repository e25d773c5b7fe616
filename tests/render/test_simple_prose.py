"""Prose read without Jinja gives exactly Jinja's text, and leaves everything else to Jinja."""

from __future__ import annotations

import pytest

from benchmarks.synth import generate
from fulian_report.model.dataset import load_org
from fulian_report.render.environment import compile_prose
from fulian_report.render.report import figure_context
from fulian_report.render.simple_prose import render_simple, simple_pieces
from fulian_report.render.usage import _names_in, _names_in_tree
from tests.conftest import DATA, ROOT


def _prose(section_list):
    for section in section_list:
        if section.title:
            yield section.title
        yield from section.paragraphs
        yield from _prose(section.sections)


def _every_prose(data):
    narrative, plan = data.subjects["narrative"], data.subjects["plan"]
    yield from narrative.opening
    yield from _prose(narrative.sections)
    yield from plan.overview
    yield from _prose(plan.sections)


@pytest.fixture(scope="module")
def organisations(tmp_path_factory):
    synthetic = generate(tmp_path_factory.mktemp("synth"), 2)
    folders = [DATA / "2021" / "furong", DATA / "2021" / "xiangdong", ROOT / "examples" / "data" / "2021" / "shili"]
    return [load_org(folder) for folder in folders + synthetic]


def test_same_text_as_jinja_for_every_prose_of_the_real_example_and_synthetic_data(organisations):
    simple = 0
    for data in organisations:
        context = figure_context(data)
        for source in _every_prose(data):
            fast = render_simple(source, context)
            if fast is not None:
                simple += 1
                assert fast == compile_prose(source).render(context), source
    assert simple > 100  # most prose is simple: the fast path is in use


def test_same_names_as_jinja_s_syntax_tree_for_every_simple_prose(organisations):
    simple = [source for data in organisations for source in _every_prose(data) if simple_pieces(source) is not None]
    assert len(simple) > 100
    for source in simple:
        assert _names_in(source) == _names_in_tree(source), source


@pytest.mark.parametrize(
    "source",
    [
        "{% if year %}x{% endif %}",  # a statement other than set
        "{% set h = honors %}\n{{ h.x }}",  # trim_blocks would eat the newline
        "text\n  {% set h = honors %}{{ h.x }}",  # lstrip_blocks would eat the indent
        "{% set h = honors | wan %}{{ h }}",  # set to more than a name
        "{%- set h = honors %}{{ h.x }}",  # whitespace control
        "{# a comment #}text",
        "{{ year + 1 }}",  # an expression, not a name
        "{{ cases.visits.received | default('') }}",  # a filter with arguments
        "{{ year | upper }}",  # a filter of Jinja's, not of ours
        "{{ org.__class__ }}",  # a name the sandbox refuses
        "text }} stray",
    ],
)
def test_anything_but_plain_names_is_left_to_jinja(source):
    assert simple_pieces(source) is None


def test_missing_unsafe_callable_or_failing_values_are_left_to_jinja(organisations):
    context = figure_context(organisations[0])
    assert render_simple("{{ cases.nothing_here }}", context) is None
    assert render_simple("{{ nobody }}", context) is None
    assert render_simple("{{ org.model_dump }}", context) is None  # pydantic internals: refused
    assert render_simple("{{ org.name.upper }}", context) is None  # a method
    assert render_simple("{{ year | month_day }}", context) is None  # the filter raises: Jinja reports it
    assert render_simple("{{ year }}年，{{ next_year }}年", context) == "2021年，2022年"
    assert render_simple("{% set y = year %}{{ y }}年{% set year = next_year %}，{{ year }}年", context) == "2021年，2022年"
    assert "y" not in context and context["year"] == 2021  # a set names only within its prose


def test_the_bundled_reports_need_no_jinja_compilation(organisations):
    for data in organisations[:2]:
        assert all(simple_pieces(source) is not None for source in _every_prose(data))

"""Data and templates cannot run code, import, or read files outside the style."""

from __future__ import annotations

import shutil

import pytest

from fulian_report.errors import FulianError
from fulian_report.model.dataset import load_org
from fulian_report.render.report import render_document, render_prose
from fulian_report.render.style import resolve_style
from tests.conftest import DATA, MINIMAL_ORG, TEMPLATES, write_org

SECRET = "不应出现在报告里的内容"


def _org(tmp_path, prose: str):
    narrative = MINIMAL_ORG["narrative.yaml"].replace("{{ year }}年，", prose + "{{ year }}年，")
    return load_org(write_org(tmp_path / "data", dict(MINIMAL_ORG, **{"narrative.yaml": narrative})))


@pytest.mark.parametrize(
    "prose",
    [
        "{% include 'secret.txt' %}",
        "{% import 'os' as os %}",
        "{% from 'os' import system %}",
        "{{ cases.__class__.__init__.__globals__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ lipsum.__globals__ }}",
        "{{ cases.model_validate }}",
        "{{ year.__class__ }}",
    ],
)
def test_prose_cannot_import_include_or_reach_python(tmp_path, prose):
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    with pytest.raises(FulianError) as caught:
        render_prose(_org(tmp_path, prose))
    (finding,) = caught.value.findings
    assert finding.location.path.endswith("narrative.yaml") and finding.location.line >= 3
    assert SECRET not in finding.message


def _style_with(tmp_path, template: str):
    style = tmp_path / "style"
    shutil.copytree(TEMPLATES / "furong", style)
    (style / "report.xml.j2").write_text(template, encoding="utf-8")
    return resolve_style(str(style))


@pytest.mark.parametrize(
    "template",
    [
        "{% include '../../secret.txt' %}",
        "{% include '/etc/passwd' %}",
        "{% import 'os' as os %}<document><title>x</title></document>",
        "<document><title>{{ org.__class__.__init__.__globals__ }}</title></document>",
    ],
)
def test_a_style_template_cannot_read_outside_its_folders_or_reach_python(tmp_path, template):
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    with pytest.raises(FulianError) as caught:
        render_document(load_org(DATA / "2021" / "xiangdong"), _style_with(tmp_path, template))
    assert SECRET not in str(caught.value) and "root:" not in str(caught.value)


def test_an_external_entity_in_a_template_is_not_read(tmp_path):
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    template = (
        f'<?xml version="1.0"?><!DOCTYPE document [<!ENTITY s SYSTEM "file://{tmp_path}/secret.txt">]>'
        "<document><title>标题&s;</title></document>"
    )
    try:
        document = render_document(load_org(DATA / "2021" / "xiangdong"), _style_with(tmp_path, template))
    except FulianError as refused:
        assert SECRET not in str(refused)
    else:
        assert SECRET not in document.title.text


@pytest.mark.parametrize(
    "obj, attr",
    [
        ([], "append"), ({}, "update"), ({}, "items"), (set(), "add"), ("text", "upper"), ((lambda: 0), "__globals__"),
        ((lambda: 0), "__code__"), (str, "mro"), ((x for x in ()), "gi_frame"), (1, "real"), ("text", "_private"),
    ],
)
def test_the_remembered_verdict_on_an_attribute_is_jinjas_own(obj, attr):
    """Verdicts are kept per type and name: the same as Jinja's sandbox gives, asked twice."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from fulian_report.render.environment import _PROSE_ENV

    expected = ImmutableSandboxedEnvironment().is_safe_attribute(obj, attr, getattr(obj, attr, None))
    assert _PROSE_ENV.is_safe_attribute(obj, attr, None) is expected
    assert _PROSE_ENV.is_safe_attribute(obj, attr, None) is expected


def test_pydantic_internals_stay_hidden_once_remembered():
    from fulian_report.render.environment import _PROSE_ENV

    cases = load_org(DATA / "2021" / "furong").subjects["cases"]
    for _ in range(2):
        assert _PROSE_ENV.is_safe_attribute(cases, "model_fields", None) is False
        assert _PROSE_ENV.is_safe_attribute(cases, "model_dump", None) is False
        assert _PROSE_ENV.is_safe_attribute(cases, "model_extra", None) is True

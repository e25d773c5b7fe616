"""A style's compiled templates kept on disk: the same text whether compiled or read back,
compiled again after an edit of the template or over a damaged entry."""

from __future__ import annotations

import shutil

import pytest

from fulian_report import cache
from fulian_report.api import make_document
from fulian_report.model.dataset import load_org
from fulian_report.render import report as report_module
from fulian_report.render.style import resolve_style
from fulian_report.writers.text import to_text
from tests.conftest import DATA, TEMPLATES


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    report_module._style_environment.cache_clear()
    yield tmp_path / "cache" / "jinja"
    report_module._style_environment.cache_clear()


def _text(style) -> str:
    report_module._style_environment.cache_clear()  # as in a new process
    return to_text(make_document(load_org(DATA / "2021" / "furong"), style))


def test_compiled_templates_read_back_give_the_same_report(own_cache):
    style = resolve_style("furong")
    compiled = _text(style)
    entries = sorted(own_cache.iterdir())
    assert entries
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:-7])  # every entry damaged
    assert _text(style) == compiled
    assert _text(style) == compiled


def test_an_edited_template_is_compiled_again(own_cache, tmp_path):
    folder = tmp_path / "mine"
    shutil.copytree(TEMPLATES / "furong", folder)
    template = folder / "report.xml.j2"  # the style's own main template, overriding the shared one
    shared = (TEMPLATES / "_base" / "report.xml.j2").read_text(encoding="utf-8")
    template.write_text(shared, encoding="utf-8")
    before = _text(resolve_style(str(folder)))  # compiled and cached
    template.write_text(shared.replace("</title>", "<line>虚构的补记</line></title>", 1), encoding="utf-8")
    after = _text(resolve_style(str(folder)))
    assert "虚构的补记" in after and "虚构的补记" not in before

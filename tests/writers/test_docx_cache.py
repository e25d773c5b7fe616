"""Each style's prepared blank .docx, kept on disk between runs: the reports are the same
bytes whether the blank was made, read from the cache, or made again over a damaged entry."""

from __future__ import annotations

import json

import docx
import pytest

from fulian_report import cache
from fulian_report.api import make_document
from fulian_report.model.dataset import load_org
from fulian_report.writers import docx as writer
from tests.conftest import DATA


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path))
    writer._styled_blank.cache_clear()
    writer._blank_inputs.cache_clear()
    yield tmp_path / "docx-blank"
    writer._styled_blank.cache_clear()
    writer._blank_inputs.cache_clear()


@pytest.fixture(scope="module")
def document():
    return make_document(load_org(DATA / "2021" / "xiangdong"))


def _fresh_run(document) -> bytes:
    """A report as a new process writes it: nothing of the blank in memory."""
    writer._styled_blank.cache_clear()
    return writer.docx_bytes(document)


def test_a_cached_blank_gives_the_same_bytes_as_a_blank_made_anew(own_cache, document):
    made = _fresh_run(document)
    [entry] = list(own_cache.iterdir())
    assert _fresh_run(document) == made
    entry.unlink()
    assert _fresh_run(document) == made


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data[:-100] + bytes([data[-100] ^ 0x40]) + data[-99:],
    ],
)
def test_a_damaged_entry_is_ignored_and_written_again(own_cache, document, damage):
    made = _fresh_run(document)
    [entry] = list(own_cache.iterdir())
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    assert _fresh_run(document) == made
    assert entry.read_bytes() == good


def test_an_entry_whole_but_not_a_blank_is_made_again(own_cache, document):
    made = _fresh_run(document)
    [entry] = list(own_cache.iterdir())
    # Intact as a cache entry (its digest matches) but not what a blank is stored as.
    cache.DiskCache("docx-blank", own_cache.parent).put(entry.name, b'{"parts": [["x", 5]]}\nabc')
    assert _fresh_run(document) == made
    assert cache.DiskCache("docx-blank", own_cache.parent).get(entry.name) != b'{"parts": [["x", 5]]}\nabc'


def test_the_key_names_the_style_settings_and_the_libraries(own_cache, document, monkeypatch):
    settings = json.dumps(document.settings, sort_keys=True, ensure_ascii=False)
    key = writer._blank_key(settings)
    changed = dict(document.settings, page=dict(document.settings["page"], top_mm=38))
    assert writer._blank_key(json.dumps(changed, sort_keys=True, ensure_ascii=False)) != key
    for module, attribute, value in ((docx, "__version__", "0.0.1"), (writer.etree, "__version__", "0.0.1")):
        with monkeypatch.context() as patch:
            patch.setattr(module, attribute, value)
            writer._blank_inputs.cache_clear()
            assert writer._blank_key(settings) != key
    writer._blank_inputs.cache_clear()
    assert writer._blank_key(settings) == key


def test_the_key_names_the_code_that_makes_the_blank(own_cache, document, monkeypatch):
    settings = json.dumps(document.settings, sort_keys=True, ensure_ascii=False)
    key = writer._blank_key(settings)
    real = cache.source_of
    monkeypatch.setattr(cache, "source_of", lambda *modules: real(*modules) + b"# an edit")
    writer._blank_inputs.cache_clear()
    assert writer._blank_key(settings) != key

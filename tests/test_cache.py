"""The disk cache (cache.py): where it lives, what its keys name, and that a damaged or
unwritable cache costs time, never a wrong result or a failed build."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fulian_report import cache


def test_the_cache_lives_where_the_user_or_the_platform_says(tmp_path):
    assert Path(cache.cache_root({cache.CACHE_VARIABLE: str(tmp_path)})) == tmp_path
    assert Path(cache.cache_root({"XDG_CACHE_HOME": "/var/cache/someone"})) == Path("/var/cache/someone/fulian-report")
    # A relative XDG_CACHE_HOME is to be ignored (XDG base directory rules).
    assert Path(cache.cache_root({"XDG_CACHE_HOME": "relative"})) == Path.home() / ".cache" / "fulian-report"
    assert Path(cache.cache_root({})) == Path.home() / ".cache" / "fulian-report"


def test_an_entry_is_read_back_as_written(tmp_path):
    store = cache.DiskCache("kind", tmp_path)
    assert store.get("key") is None
    store.put("key", b"\x00some bytes\n")
    assert store.get("key") == b"\x00some bytes\n"
    assert [path.name for path in (tmp_path / "kind").iterdir()] == ["key"]  # no temporary file left


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-1],  # cut short
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit flipped in the contents
        lambda data: b"",  # empty
        lambda data: b"not a cache entry at all",
        lambda data: data[:30] + bytes([data[30] ^ 1]) + data[31:],  # the digest damaged
    ],
)
def test_a_damaged_entry_is_ignored_and_can_be_written_again(tmp_path, damage):
    store = cache.DiskCache("kind", tmp_path)
    store.put("key", b"payload " * 100)
    path = Path(store.path("key"))
    path.write_bytes(damage(path.read_bytes()))
    assert store.get("key") is None
    store.put("key", b"payload " * 100)
    assert store.get("key") == b"payload " * 100


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    store = cache.DiskCache("kind", blocker)
    store.put("key", b"payload")
    assert store.get("key") is None


@given(st.lists(st.binary(max_size=5), min_size=1, max_size=4), st.lists(st.binary(max_size=5), min_size=1, max_size=4))
def test_different_inputs_are_different_keys(first, second):
    assert (cache.fingerprint(*first) == cache.fingerprint(*second)) == (first == second)


def test_the_key_names_the_tool_version_and_python(monkeypatch):
    before = cache.fingerprint("same input")
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert cache.fingerprint("same input") != before
    monkeypatch.setattr(cache.sys, "version", "3.99.0 (other)")
    assert cache.fingerprint("same input") != before

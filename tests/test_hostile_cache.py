"""The disk cache under attack or bad luck: a folder another account or another branch's CI job
could write, entries that are FIFOs, links to devices, huge, or crafted.  Every such entry is
made again, never loaded, never waited on, and never blamed on the data."""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fulian_report import cache
from fulian_report.api import make_document
from fulian_report.model.dataset import load_org
from fulian_report.render import report as report_module
from fulian_report.render.style import resolve_style
from fulian_report.writers.text import to_text
from tests.conftest import DATA, ROOT

# A read that waits this long is a hang (a FIFO opened for reading waits for a writer).
DEADLINE_SECONDS = 60


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    """A cache root and a key folder of the test's own; the key made afresh."""
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(cache, "_user_key", None)
    report_module._style_environment.cache_clear()
    yield tmp_path / "cache"
    report_module._style_environment.cache_clear()


def _plant(path: Path, payload: bytes) -> None:
    """An entry as anyone who can write the folder could make it: the format is public, the
    user's key is not (an unkeyed digest is the best such a writer can do)."""
    from fulian_report.cache import blake2b

    path.write_bytes(cache._MAGIC + blake2b(payload, digest_size=cache._DIGEST_SIZE).digest() + payload)


class _Planted:
    """Unpickling this creates `marker`: what a planted compiled template could do as the user."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _text(style) -> str:
    report_module._style_environment.cache_clear()  # as in a new process
    return to_text(make_document(load_org(DATA / "2021" / "furong"), style))


def test_a_planted_compiled_template_is_never_run(own_cache, tmp_path):
    from jinja2.bccache import bc_magic

    style = resolve_style("furong")
    expected = _text(style)
    entries = sorted((own_cache / "jinja").iterdir())
    assert entries
    marker = tmp_path / "planted-code-ran"
    for entry in entries:
        _plant(entry, bc_magic + pickle.dumps(_Planted(str(marker))))
    assert _text(style) == expected
    assert not marker.exists(), "缓存里被放进的代码以用户的身份运行了"


def _get_in_a_process(root: Path, state: Path, kind: str, key: str) -> subprocess.CompletedProcess:
    code = "import sys; from fulian_report import cache; print(cache.DiskCache(sys.argv[1], sys.argv[2]).get(sys.argv[3]))"
    environment = dict(os.environ, XDG_STATE_HOME=str(state))
    try:
        return subprocess.run(
            [sys.executable, "-c", code, kind, str(root), key],
            cwd=ROOT, capture_output=True, text=True, env=environment, timeout=DEADLINE_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"读缓存项没有在 {DEADLINE_SECONDS} 秒内结束") from None


def test_an_entry_that_is_a_fifo_is_not_waited_on(own_cache, tmp_path):
    (own_cache / "help").mkdir(parents=True, mode=0o700)
    os.mkfifo(own_cache / "help" / "key")
    result = _get_in_a_process(own_cache, tmp_path / "state", "help", "key")
    assert (result.returncode, result.stdout.strip()) == (0, "None"), result.stderr


def test_an_entry_linked_to_a_device_or_too_big_is_not_read(own_cache):
    store = cache.DiskCache("kind")
    store.put("key", b"payload")
    Path(own_cache / "kind" / "linked").symlink_to("/dev/zero")
    assert store.get("linked") is None
    with open(own_cache / "kind" / "huge", "wb") as stream:
        stream.truncate(cache.MAX_ENTRY_BYTES + 1)  # sparse: costs no disk
    assert store.get("huge") is None
    assert store.get("key") == b"payload"


def test_an_entry_others_can_write_is_not_read(own_cache):
    store = cache.DiskCache("kind")
    store.put("key", b"payload")
    entry = own_cache / "kind" / "key"
    entry.chmod(0o666)
    assert store.get("key") is None


def test_a_folder_others_can_write_is_not_used(own_cache):
    store = cache.DiskCache("kind")
    (own_cache / "kind").mkdir(parents=True)
    (own_cache / "kind").chmod(0o777)
    store.put("key", b"payload")
    assert list((own_cache / "kind").iterdir()) == []
    assert store.get("key") is None


def test_a_key_others_can_read_is_not_used(own_cache, tmp_path):
    store = cache.DiskCache("kind")
    store.put("key", b"payload")
    assert store.get("key") == b"payload"
    key_file = Path(cache.key_path())
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    key_file.chmod(0o644)
    cache._user_key = None
    assert store.get("key") is None


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_an_entry_written_without_the_key_is_never_read(own_cache, payload):
    """A crafted help entry (not UTF-8, say) crashed --help; none written without the key is read."""
    store = cache.DiskCache("help")
    store.put("key", b"the real help")
    _plant(own_cache / "help" / "key", payload)
    assert store.get("key") is None
    store.put("key", payload)
    assert store.get("key") == payload


def test_the_template_key_is_the_same_in_every_process(tmp_path):
    code = (
        "from fulian_report.render.environment import make_environment;"
        "from fulian_report.render.template_cache import _environment_settings;"
        "from fulian_report.cache import fingerprint;"
        "print(fingerprint(_environment_settings(make_environment())))"
    )
    keys = set()
    for seed in ("1", "2", "3"):
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
            env=dict(os.environ, PYTHONHASHSEED=seed), timeout=DEADLINE_SECONDS,
        )
        assert result.returncode == 0, result.stderr
        keys.add(result.stdout)
    assert len(keys) == 1


def test_the_key_is_made_once_and_kept(own_cache, monkeypatch):
    first = cache.user_key()
    assert first is not None and len(first) == cache._KEY_SIZE
    monkeypatch.setattr(cache, "_user_key", None)  # as in a new process
    assert cache.user_key() == first
    assert [path.name for path in Path(cache.key_path()).parent.iterdir()] == ["cache-key"]  # no temporary left


def test_a_file_system_without_hard_links_still_gets_a_key(own_cache, monkeypatch):
    def no_links(*args):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(cache.os, "link", no_links)
    store = cache.DiskCache("kind")
    store.put("key", b"payload")
    assert store.get("key") == b"payload"

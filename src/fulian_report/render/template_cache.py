"""Compiled style templates kept on disk (cache.py), so that a run does not parse and compile
the style's templates again: Jinja's own bytecode-cache protocol, with our cache's keys,
atomic writes and damage checks.

An entry's key names the template (name and file), Jinja's version and every environment
setting that changes the compiled code (delimiters, whitespace rules, autoescaping, the
sandbox's class and the source of the module that sets it up); Jinja itself stores the
template source's checksum in the entry and compiles again when the source changed.
"""

from __future__ import annotations

import os
import sys
import weakref
from typing import Any

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

from .. import cache

# Environment attributes that go into the compiled code of a template.
_COMPILE_SETTINGS = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
    "autoescape", "finalize", "is_async", "sandboxed", "intercepted_binops", "intercepted_unops",
)


class TemplateBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self.store = cache.DiskCache("jinja")
        self._settings: weakref.WeakKeyDictionary[jinja2.Environment, str] = weakref.WeakKeyDictionary()

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # Jinja encodes the template's path strictly; a style folder under a path that is not
        # UTF-8 (copied from a GBK system) holds surrogate escapes (PEP 383): keyed by its bytes.
        if filename is not None:
            filename = os.fsencode(filename).decode("utf-8", "backslashreplace")
        return super().get_cache_key(os.fsencode(name).decode("utf-8", "backslashreplace"), filename)

    def load_bytecode(self, bucket: Bucket) -> None:
        stored = self.store.get(self._key(bucket))
        if stored is None:
            return
        try:
            bucket.bytecode_from_string(stored)
        except Exception:  # noqa: BLE001 - whatever an unreadable entry raises, the template is compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store.put(self._key(bucket), bucket.bytecode_to_string())

    def _key(self, bucket: Bucket) -> str:
        environment = bucket.environment
        settings = self._settings.get(environment)
        if settings is None:
            settings = self._settings[environment] = _environment_settings(environment)
        return cache.fingerprint(jinja2.__version__, settings, bucket.key)


def _environment_settings(environment: jinja2.Environment) -> str:
    values = [f"{name}={_stable(getattr(environment, name, None))}" for name in _COMPILE_SETTINGS]
    kind = type(environment)
    values += [
        f"class={kind.__module__}.{kind.__qualname__}",
        f"extensions={sorted(environment.extensions)!r}",
        f"code_generator={environment.code_generator_class.__qualname__}",
    ]
    source = cache.source_of(sys.modules[kind.__module__]).decode("utf-8", "replace")
    return "\n".join(values) + "\n" + source


def _stable(value: Any) -> str:
    """A setting as text that is the same in every run: a function by its name, not its address;
    a set in sorted order, not in the order of its strings' hashes (which change with
    PYTHONHASHSEED, so that the key would never hit again and the cache would only grow)."""
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(map(_stable, value))) + "}"
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    return repr(value)

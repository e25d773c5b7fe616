"""Prose that only names figures, rendered without compiling it as a Jinja template.

Most paragraphs are text with `{{ cases.visits.received }}` or
`{{ activities.walk.date | month_day }}` in it, some with a short name first
(`{% set h = honors %}`).  Compiling such a paragraph
with Jinja takes about 3 ms, and every organisation writes its own paragraphs,
so for a batch of organisations compiling cost more than everything else.
Here those paragraphs are split once by a regular expression and their names
looked up the way the sandbox looks them up.  Anything else (statements,
comments, filters with arguments, other filters, names the sandbox would
refuse, a missing name, a filter that fails) returns None, and the caller
renders the prose with Jinja, which gives the same text or the located error.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

from jinja2 import Undefined

from .environment import _PROSE_ENV, FILTERS, printable

# Names as Jinja reads them: ASCII or Chinese (`{{ cases.婚调委.接待 }}`), as Python identifiers are.
_NAME = r"[^\W\d_]\w*"
_EXPRESSION = re.compile(
    rf"\{{\{{\s*(?P<name>{_NAME}(?:\.{_NAME})*)\s*(?P<filters>(?:\|\s*{_NAME}\s*)*)\}}\}}"
    rf"|\{{%\s*set\s+(?P<target>{_NAME})\s*=\s*(?P<value>{_NAME}(?:\.{_NAME})*)\s*%\}}"
)
_FILTER = re.compile(rf"\|\s*({_NAME})")
_SYNTAX = ("{{", "}}", "{%", "%}", "{#", "#}")

# A piece: (text, None, None), ("", name parts, filter names) or (target, name parts, None) for a set.
Piece = tuple[str, tuple[str, ...] | None, tuple[str, ...] | None]


# Some 50 texts an organisation: room for two or three organisations (a watched folder's,
# a preview's), not for a whole batch, whose texts would keep a worker's memory growing.
@lru_cache(maxsize=128)
def simple_pieces(source: str) -> tuple[Piece, ...] | None:
    """The text and names of `source`, or None if it is more than text with plain names."""
    if "\r" in source:
        return None
    pieces: list[Piece] = []
    position = 0
    for match in _EXPRESSION.finditer(source):
        pieces.append((source[position : match.start()], None, None))
        if match.group("target"):
            # trim_blocks and lstrip_blocks would eat a newline after the tag or the indent before it.
            line = source[source.rfind("\n", 0, match.start()) + 1 : match.start()]
            if source[match.end() : match.end() + 1] == "\n" or (line and not line.strip()):
                return None
            pieces.append((match.group("target"), tuple(match.group("value").split(".")), None))
        else:
            filters = tuple(_FILTER.findall(match.group("filters")))
            if any(name not in FILTERS for name in filters):
                return None
            pieces.append(("", tuple(match.group("name").split(".")), filters))
        position = match.end()
    pieces.append((source[position:], None, None))
    texts = "\0".join(text for text, _, _ in pieces)  # parted so that no marker spans two pieces
    if any(marker in texts for marker in _SYNTAX):
        return None  # a statement, comment or expression this module does not read
    return tuple(pieces)


def render_simple(source: str, context: dict[str, Any], mark: Callable[[Any, str], str] | None = None) -> str | None:
    """`source` rendered as Jinja would, if it is simple and renders without error; else None.

    With `mark`, each printed value's text is handed to it with the value looked up (provenance)."""
    pieces = simple_pieces(source)
    if pieces is None:
        return None
    out: list[str] = []
    names_here = context
    for text, names, filters in pieces:
        if names is None:
            out.append(text)
            continue
        try:
            value = _lookup(names, names_here)
        except Exception:  # noqa: BLE001 - a property that fails: Jinja reports it
            return None
        if value is _MISSING:
            return None
        if filters is None:  # {% set text = names %}: a name for the rest of the prose
            names_here = names_here if names_here is not context else dict(context)
            names_here[text] = value
            continue
        looked_up = value
        try:
            for name in filters:
                value = FILTERS[name](value)
        except Exception:  # noqa: BLE001 - Jinja renders it again and reports the error
            return None
        if not printable(value):
            return None  # a record, a list, True/False or None: Jinja's finalize says where
        out.append(str(value) if mark is None else mark(looked_up, str(value)))
    return "".join(out)


_MISSING = object()


_SAFE_ATTRIBUTES: dict[tuple[type, str], bool] = {}


def _is_safe(owner: Any, name: str, found: Any) -> bool:
    """The sandbox's verdict on `owner.name`.  Jinja decides by the owner's type and the
    name alone, so each pair is asked once: asking for every name of every report cost
    more than the rest of filling the prose in."""
    key = (type(owner), name)
    safe = _SAFE_ATTRIBUTES.get(key)
    if safe is None:
        safe = _SAFE_ATTRIBUTES[key] = _PROSE_ENV.is_safe_attribute(owner, name, found)
    return safe


def _lookup(names: tuple[str, ...], context: dict[str, Any]) -> Any:
    """`a.b.c` as the sandbox finds it: attribute, else item; unsafe, undefined or callable is missing."""
    if names[0] not in context:
        return _MISSING
    value = context[names[0]]
    for name in names[1:]:
        try:
            found = getattr(value, name)
        except AttributeError:
            try:
                found = value[name]
            except (TypeError, LookupError):
                return _MISSING
        else:
            if not _is_safe(value, name, found):
                return _MISSING
        value = found
    if isinstance(value, Undefined) or callable(value):
        return _MISSING
    return value

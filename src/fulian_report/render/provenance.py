"""Where each printed figure came from, for the preview.

Rendering with provenance marks every figure the prose prints: private-use
characters around its text name an entry of `FigureSources.marked`, and
`parse_markup` turns each marked stretch into a `Run` carrying that source.
The marks ride through the style template as ordinary characters (they are
no XML markup, so escaping leaves them alone).  Without provenance nothing is
marked, so a build's document tree is exactly what it was.

A figure is known by identity: the object the prose prints is the very one
validated from a data file, whose path inside the file names its line.
A derived figure (`derived.funds_raised`) is new; it is named by the figures
it is computed from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, Callable

from jinja2 import Template
from pydantic import BaseModel

from ..derive import Comparison
from ..doctree import FigureSource
from ..fill import shown, value_at
from ..model.dataset import model_items
from ..model.quantities import Figure, Period
from ..model.unfilled import is_marker
from .environment import FILTERS, make_environment

_OPEN, _MIDDLE, _CLOSE = "\ue000", "\ue001", "\ue002"
_MARKED = re.compile(f"{_OPEN}(\\d+){_MIDDLE}(.*?){_CLOSE}", re.S)

# The sources of the report being rendered in this thread (Jinja's finalize has no other way in).
_CURRENT: ContextVar["FigureSources | None"] = ContextVar("figure_sources", default=None)


class FigureSources:
    """Every figure of one organisation's data (and last year's), by identity, with its source."""

    def __init__(self, data: Any):
        self.root = Path(data.folder).resolve().parent.parent  # data/<year>/<org> → data
        self.marked: list[FigureSource] = []
        self._by_id: dict[int, FigureSource] = {}
        self._keep: list[Any] = []  # the figures whose ids are keys stay alive while they are
        self._paths: dict[Path, tuple[str, str]] = {}
        comparison = Comparison(data)
        for year_data, prefix in ((data, ""), (data.previous, "previous.")):
            if year_data is None:
                continue
            for subject, path, figure in year_data.figures():
                # A period's dates are printed on their own too ({{ period.start }}至{{ period.end }}).
                parts = [(path, figure)]
                if isinstance(figure, Period):
                    parts += [(path + ("start",), figure.start), (path + ("end",), figure.end)]
                for part_path, part in parts:
                    source = self._source(year_data, subject, part_path, prefix)
                    if source is None:
                        continue
                    change = comparison.change_at(subject, path, figure) if year_data is data and part is figure else None
                    if change is not None:  # the tooltip says how it moved: 比上年增加1对（增长0.2%），上年444对
                        source = replace(source, label=f"{source.label}\n{change.words(comparison.lead)}，{comparison.lead[1:]}为{change.before}")
                    self._remember(part, source)

    def _source(self, year_data: Any, subject: str, path: tuple, prefix: str = "") -> FigureSource | None:
        file = year_data.sources.get(subject)
        if file is None:
            return None
        location = file.locate_value(path)
        absolute, relative = self._where(file.path)
        label = prefix + ".".join(str(part) for part in (subject, *path))
        written = _written(file.data, path)
        if written is None:  # a figure read from a part of a value, or from no value of its own
            return FigureSource(relative, location.line, absolute, label)
        return KeyedSource(relative, location.line, absolute, label, (subject, *path), written, not prefix)

    def _where(self, path: Path) -> tuple[str, str]:
        """A file's full path and its path under the data root, found once per file (not per figure)."""
        found = self._paths.get(path)
        if found is None:
            absolute = Path(path).resolve()
            try:
                relative = absolute.relative_to(self.root).as_posix()
            except ValueError:
                relative = absolute.as_posix()
            found = self._paths[path] = (str(absolute), relative)
        return found

    def _remember(self, figure: Any, source: FigureSource) -> None:
        self._by_id[id(figure)] = source
        self._keep.append(figure)

    def know_derived(self, derived: Any, data: Any) -> None:
        """The derived figures of this report, each named by the figures it is computed from."""
        for name, figure, inputs in derived_figures(derived, data):
            found = [self._source(data, subject, path) for subject, path in inputs]
            found = [source for source in found if source is not None]
            if not found:
                continue
            named = "、".join(f"{s.label}（{s.file}:{s.line}）" for s in found)
            first = found[0]
            self._remember(figure, FigureSource(first.file, first.line, first.path, f"derived.{name}，由 {named} 得出"))

    def mark(self, value: Any, text: str) -> str:
        """`text` (how `value` is printed) marked with the value's source, if it is a known figure
        or a record printed as one of its figures (a plan target prints as its target)."""
        source = self._by_id.get(id(value))
        if source is None and isinstance(value, BaseModel) and not isinstance(value, Figure):
            shown = str(value)
            source = next(
                (self._by_id.get(id(item)) for _, item in model_items(value) if isinstance(item, Figure) and str(item) == shown),
                None,
            )
        if source is None:
            return text
        self.marked.append(source)
        return f"{_OPEN}{len(self.marked) - 1}{_MIDDLE}{text}{_CLOSE}"

    @contextmanager
    def active(self) -> Iterator[None]:
        token = _CURRENT.set(self)
        try:
            yield
        finally:
            _CURRENT.reset(token)


@dataclass(frozen=True)
class KeyedSource(FigureSource):
    """The source of a figure written as one value of its own: where it is inside its file
    (`key`: the subject, then the path), the value as the file holds it, and whether it is
    of the report's own year (the preview lets those be changed)."""

    key: tuple = ()
    written: str = ""
    own_year: bool = True

    @property
    def to_fill(self) -> bool:
        """Whether the value is a marker `init` left (待填（2021年：444对）)."""
        return is_marker(self.written)


def _written(data: Any, path: tuple) -> str | None:
    """The scalar at `path` of a file's values as the preview offers it for editing, or None."""
    try:
        value = value_at(data, path)
    except KeyError:
        return None
    return None if value is None or isinstance(value, (dict, list)) else shown(value)


def derived_figures(derived: Any, data: Any) -> Iterator[tuple[str, Any, list[tuple[str, tuple]]]]:
    """(name under `derived`, figure, [(subject, path) of each input]) as derive.py computes them."""
    from ..model.subjects import FundDirection

    funds = dict(data.subjects["funds"].items())
    for name, direction in (("funds_raised", FundDirection.RAISED), ("funds_paid", FundDirection.PAID)):
        figure = getattr(derived, name)
        if figure is not None:
            yield name, figure, [("funds", (fund, "amount")) for fund, f in funds.items() if f.direction is direction]
    for fund, figure in derived.funds_over_target.items():
        yield f"funds_over_target.{fund}", figure, [("funds", (fund, "amount")), ("funds", (fund, "target"))]
    if derived.mediation_success is not None:
        mediation = ("mediation", "couples_reconciled"), ("mediation", "couples_received")
        yield "mediation_success", derived.mediation_success, [("cases", path) for path in mediation]
    for committee, figure in derived.women_shares.items():
        inputs = [("organisation_building", ("committees", committee, part)) for part in ("women", "members")]
        yield f"women_shares.{committee}", figure, inputs


def mark(value: Any, text: str) -> str:
    """`text` marked with `value`'s source while a report renders with provenance, else `text`."""
    sources = _CURRENT.get()
    return text if sources is None else sources.mark(value, text)


def split_marked(text: str, sources: Sequence[FigureSource]) -> list[tuple[str, FigureSource | None]]:
    """`text` as stretches: (plain text, None) and (a figure's text, its source)."""
    pieces: list[tuple[str, FigureSource | None]] = []
    position = 0
    for match in _MARKED.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], None))
        index = int(match.group(1))
        pieces.append((match.group(2), sources[index] if index < len(sources) else None))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces


def unmarked(text: str) -> str:
    """`text` without marks: for headings, titles and cells, which are not split into runs."""
    return _MARKED.sub(r"\2", text) if _OPEN in text else text


def _marking(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose output, for a figure, is marked with the figure's source."""

    @wraps(function)
    def marked(value: Any, *args: Any, **kwargs: Any) -> Any:
        result = function(value, *args, **kwargs)
        return mark(value, str(result)) if isinstance(value, BaseModel) else result

    return marked


def _marked_environment() -> Any:
    """The prose environment whose printed figures carry marks (compiled apart from a build's)."""
    env = make_environment()
    checked = env.finalize  # whatever a build's environment does with a printed value, this one does too

    def finalize(value: Any) -> Any:
        shown = checked(value) if checked is not None else value
        return mark(value, str(shown)) if isinstance(value, BaseModel) else shown

    env.finalize = finalize
    env.filters.update({name: _marking(function) for name, function in FILTERS.items()})
    return env


_MARKED_ENV = _marked_environment()


@lru_cache(maxsize=256)  # as compile_prose
def compile_marked_prose(source: str) -> Template:
    return _MARKED_ENV.from_string(source)

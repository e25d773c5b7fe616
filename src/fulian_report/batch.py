"""Many organisations at once: each is loaded, rendered and written to bytes on its own,
in parallel processes, and one organisation's failure does not stop the others.

The files themselves are written (or compared, for `--check`) by the caller once
every organisation is done, so that two reports that would share a file are
caught before either is written.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .doctree import Document
from .errors import Finding, FulianError

# Called after each organisation with (organisations done, organisations in all).
Progress = Callable[[int, int], None]


@dataclass
class Rendered:
    """One organisation's outcome: its report's bytes per format, or the findings that stopped it."""

    org_id: str
    document: Document | None = None
    outputs: dict[str, bytes] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)


def default_jobs() -> int:
    """The cores this process may use (fewer than the machine's under a CPU affinity mask)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def render_org(folder: Path, year: int, style: str | None, formats: tuple[str, ...]) -> Rendered:
    """Load, validate, render and write one organisation's report to bytes; data errors are returned."""
    from .api import all_findings, make_document
    from .model.dataset import load_org
    from .render.style import resolve_style
    from .writers import WRITERS

    try:
        data = load_org(folder, year)
        document = make_document(data, resolve_style(style) if style else None)
        outputs = {fmt: WRITERS[fmt][1](document) for fmt in formats}
    except FulianError as exc:
        return Rendered(folder.name, errors=all_findings(exc))
    return Rendered(folder.name, document, outputs, warnings=list(data.warnings))


def _render_task(task: tuple[Path, int, str | None, tuple[str, ...]]) -> Rendered:
    return render_org(*task)


def render_all(
    folders: list[Path],
    year: int,
    style: str | None,
    formats: tuple[str, ...],
    jobs: int | None = None,
    progress: Progress | None = None,
) -> list[Rendered]:
    """Every organisation's outcome, in the order of `folders`."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    tasks = [(folder, year, style, formats) for folder in folders]
    results: list[Rendered] = []
    for result in _run(tasks, min(jobs, len(tasks))):
        results.append(result)
        if progress is not None:
            progress(len(results), len(tasks))
    return results


def _run(tasks: list, jobs: int) -> Iterator[Rendered]:
    if jobs <= 1:
        yield from map(_render_task, tasks)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .writers import docx as _  # noqa: F401  imported once here, not in each forked worker

    # fork starts a worker with everything already imported; elsewhere the platform's default.
    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    # Several organisations per message, but small enough chunks that progress moves and both
    # workers stay busy to the end.
    chunk = max(1, min(16, len(tasks) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        yield from pool.map(_render_task, tasks, chunksize=chunk)

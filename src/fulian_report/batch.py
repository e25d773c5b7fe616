"""Many organisations at once: each is loaded, rendered and written to bytes on its own,
in parallel processes, and one organisation's failure does not stop the others.

Whatever stops an organisation (its data, its prose going over the rendering
budget, a fault of the tool itself, even its worker process dying) becomes that
organisation's findings; the others go on.  Under the rendering budget of
render/environment.py, each organisation's loading and rendering also runs under a
backstop for the tool's own faults: a time limit (a timer signal) and a memory
limit (RLIMIT_AS), so that nothing can hang the batch or take the machine's memory.

Outcomes are handed on one by one, as they come: the caller stages each report's
bytes on disk (or compares them, for `--check`) and lets them go, so that neither
the document trees nor the bytes of a whole batch are held at once.  The files are
moved into place once every organisation is done, so that two reports that would
share a file are caught before either is written.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Finding, FulianError, Location, os_reason
from .pipeline import all_findings, make_document

try:
    import resource
except ImportError:  # Windows: no RLIMIT_AS, the rendering budget still holds
    resource = None  # type: ignore[assignment]

# The backstop for one organisation's loading and rendering, far above what the rendering
# budget lets prose and templates use (render/environment.py: 5 seconds), so that only a
# fault of the tool itself meets it.  Memory is counted as address space above what the
# process held when the organisation started.
ORG_SECONDS = 60
ORG_MEMORY_BYTES = 1 << 30

# Called after each organisation with (organisations done, organisations in all).
Progress = Callable[[int, int], None]


@dataclass
class Rendered:
    """One organisation's outcome: its report's file name and bytes per format, or the findings that
    stopped it.  Not the document tree: that stays in the process that rendered it."""

    org_id: str
    file_stem: str | None = None  # Document.file_stem: two reports with one stem would share a file
    outputs: dict[str, bytes] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    internal: bool = False  # stopped by a fault of the tool, not of the data


class OverLimit(BaseException):
    """The backstop's timer went off.  Not an Exception, so that no `except Exception` on the way swallows it."""


@contextmanager
def organisation_limits(seconds: float | None = None, memory: int | None = None) -> Iterator[None]:
    """Hold the code inside to `seconds` (where a timer signal can be had) and `memory` more bytes
    (ORG_SECONDS and ORG_MEMORY_BYTES unless given)."""
    seconds = ORG_SECONDS if seconds is None else seconds
    memory = ORG_MEMORY_BYTES if memory is None else memory
    undo: list[Callable[[], None]] = []
    held = _address_space()
    if resource is not None and held:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = held + memory
        if all(bound == resource.RLIM_INFINITY or limit < bound for bound in (soft, hard)):
            try:
                resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
                undo.append(lambda: resource.setrlimit(resource.RLIMIT_AS, (soft, hard)))
            except (OSError, ValueError):
                pass  # the system does not allow it (macOS): the rendering budget still holds
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        def over(signum: int, frame: object) -> None:
            raise OverLimit()

        previous = signal.signal(signal.SIGALRM, over)
        signal.setitimer(signal.ITIMER_REAL, seconds)

        def stop_timer() -> None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

        undo.append(stop_timer)
    try:
        yield
    finally:
        for step in reversed(undo):
            step()


def _address_space() -> int:
    """The bytes of address space this process holds now (0 where it cannot be told)."""
    try:
        with open("/proc/self/statm", "rb") as stream:
            return int(stream.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def default_jobs() -> int:
    """The cores this process may use (fewer than the machine's under a CPU affinity mask)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def render_org(folder: Path, year: int, style: str | None, formats: tuple[str, ...]) -> Rendered:
    """Load, validate, render and write one organisation's report to bytes; data errors are returned."""
    from .model.dataset import load_org
    from .render.environment import render_budget
    from .render.style import resolve_style
    from .writers import WRITERS

    try:
        with organisation_limits(), render_budget():
            data = load_org(folder, year)
            document = make_document(data, resolve_style(style) if style else None)
        outputs = {fmt: WRITERS[fmt][1](document) for fmt in formats}
    except FulianError as exc:
        return Rendered(folder.name, errors=all_findings(exc))
    except OverLimit:
        return _failed(folder, f"这个组织的数据读取和生成超过了 {ORG_SECONDS:g} 秒，已停止；其他组织不受影响。请检查它的数据文件是否异常庞大。")
    except OSError as exc:  # the file system's refusal (a disk gone, a name too long), not a fault of the tool
        where = next((name for name in (exc.filename, exc.filename2) if name), folder)
        return Rendered(folder.name, errors=[Finding(Location(os.fsdecode(where)), f"读写这里时操作系统拒绝：{os_reason(exc)}；其他组织不受影响。")])
    except MemoryError:
        return _failed(folder, f"这个组织的数据读取和生成占用的内存超过了 {ORG_MEMORY_BYTES >> 20} MB，已停止；其他组织不受影响。请检查它的数据文件是否异常庞大。")
    except Exception as exc:  # noqa: BLE001 - the tool's own fault costs this organisation only
        return _failed(folder, _fault_message(exc), internal=True)
    return Rendered(folder.name, document.file_stem, outputs, warnings=list(data.warnings))


def _failed(folder: Path, message: str, internal: bool = False) -> Rendered:
    return Rendered(folder.name, errors=[Finding(Location(str(folder)), message)], internal=internal)


def _fault_message(error: BaseException) -> str:
    return (
        f"生成这个组织的报告时本工具内部出错（{type(error).__name__}: {error}）；这是本工具的缺陷，不是数据的问题，"
        "其他组织不受影响。请把这条信息连同数据发给维护人员。"
    )


def _end_with_parent(parent: int) -> None:
    """Make this worker end when `parent`, the process that started it, ends, however it ends.

    A worker waits on a pipe whose writing end it holds itself (fork copies it), so it never
    reads an end of file: a build killed with SIGKILL left its workers waiting for good.  On
    Linux the kernel kills the worker when its parent dies (PR_SET_PDEATHSIG); everywhere a
    thread also looks for a new parent once a second, which covers systems without prctl.

    SIGTERM and SIGHUP end a worker outright again (fork copied the handler the build set to
    unwind itself, process.ended_by_signals_cleanly): it has nothing to clean up, its parent has."""
    for signum in (getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)):
        signal.signal(signum, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl to be had: the thread below still ends the worker
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the request above was made

    def watch_parent() -> None:
        while True:
            time.sleep(1)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch_parent, name="end-with-parent", daemon=True).start()


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _pool(jobs: int, context):
    from concurrent.futures import ProcessPoolExecutor

    if sys.platform.startswith("linux"):
        import ctypes  # noqa: F401  imported once here, not in each forked worker (_end_with_parent)

    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_end_with_parent, initargs=(os.getpid(),))


def _render_task(task: tuple[Path, int, str | None, tuple[str, ...]]) -> Rendered:
    from .collector import paused

    # Resumed once the organisation's data and document are gone, not while they would still be walked.
    with paused():
        return render_org(*task)


def render_all(
    folders: list[Path],
    year: int,
    style: str | None,
    formats: tuple[str, ...],
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Iterator[Rendered]:
    """Every organisation's outcome, in the order of `folders`, each as soon as it is there."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    tasks = [(folder, year, style, formats) for folder in folders]
    if progress is not None and tasks:  # drawn at once (0 of N), not after the first organisation
        progress(0, len(tasks))
    for done, result in enumerate(_run(tasks, min(jobs, len(tasks))), start=1):
        if progress is not None:
            progress(done, len(tasks))
        yield result


def _run(tasks: list, jobs: int) -> Iterator[Rendered]:
    if jobs <= 1:
        yield from map(_render_task, tasks)
        return
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    from .writers import docx as _  # noqa: F401  imported once here, not in each forked worker

    # fork starts a worker with everything already imported; elsewhere the platform's default.
    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    # Several organisations per message, but small enough chunks that progress moves and both
    # workers stay busy to the end.
    chunk = max(1, min(16, len(tasks) // (jobs * 8)))
    done = 0
    try:
        with _pool(jobs, context) as pool:
            for result in pool.map(_render_task, tasks, chunksize=chunk):
                done += 1
                yield result
        return
    except BrokenProcessPool:
        pass
    # A worker died (killed, or the tool crashed below Python): which organisation it was
    # rendering is not known, so the rest are rendered each in a process of its own.
    for task in tasks[done:]:
        yield _render_alone(task, context)


def _render_alone(task: tuple, context) -> Rendered:
    from concurrent.futures.process import BrokenProcessPool

    try:
        with _pool(1, context) as pool:
            return pool.submit(_render_task, task).result()
    except BrokenProcessPool:
        return _failed(task[0], "生成这个组织的报告时，进程意外退出（可能是内存不足，或被系统终止）；其他组织不受影响。", internal=True)

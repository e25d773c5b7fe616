"""The long-lived commands: `watch` (rebuild on save) and the file following `preview` shares
(preview.py: a local page that follows the data).

Both hold what a cold start pays for (imports, styles, compiled templates,
the prepared .docx blank) and call exactly the functions a one-shot build
calls: `watch` writes through `api.build` (atomic writes, the output record,
edited reports protected), `preview` renders through `api.make_document`.
What is here only decides *what* to rebuild when a file changes: an
organisation's own files (or last year's, which its report compares with)
rebuild it, a style's files every organisation that uses the style.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Finding, FulianError
from .source.yaml_source import keep_parsed_files

# How long the watcher waits for more changes after one before it yields them (ms).  An
# editor's save of a data file (truncate and write, or write a copy and rename it) comes as
# events well within a millisecond of each other; should a save ever be seen half done, its
# last event starts another rebuild at once, so what is left on disk is the whole save's.
STEP_MS = 1


@dataclass
class Rebuilt:
    """One (re)build: the organisations asked for, what was written, what stopped which."""

    orgs: list[str] | None  # None: every organisation of the year
    files: list[Path] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    failed: dict[str, list[Finding]] = field(default_factory=dict)
    errors: list[Finding] = field(default_factory=list)  # not of one organisation (a wrong --style, no such folder)
    seconds: float = 0.0


class ChangeMap:
    """Which organisations a changed file concerns."""

    def __init__(self, year: int, data_root: Path, orgs: list[str] | None, style: str | None):
        self.year = year
        self.data_root = Path(data_root).resolve()
        self.orgs = list(dict.fromkeys(orgs)) if orgs else None
        self.style = style

    def watched(self) -> list[Path]:
        """The data root and every folder styles are read from."""
        from .render.style import resolve_style, template_roots

        paths = [self.data_root, *template_roots()]
        if self.style:
            try:
                paths.append(resolve_style(self.style).folder)
            except FulianError:
                pass  # the build reports it
        unique: list[Path] = []
        for path in paths:
            path = Path(path).resolve()
            if not any(path == u or u in path.parents for u in unique):
                unique = [u for u in unique if path not in u.parents] + [path]
        return unique

    def organisations(self, changed: Iterable[Path]) -> list[str] | None:
        """The organisations to rebuild (in name order), or None for all of them; [] for none."""
        chosen: set[str] = set()
        for path in changed:
            path = Path(path).resolve()
            found = self._organisation_of(path)
            if found is not None:
                chosen.add(found)
                continue
            users = self._style_users(path)
            if users is None:
                return None
            chosen |= users
        if self.orgs is not None:
            chosen &= set(self.orgs)
        return sorted(chosen)

    def _organisation_of(self, path: Path) -> str | None:
        try:
            parts = path.relative_to(self.data_root).parts
        except ValueError:
            return None
        if len(parts) < 2 or parts[0] not in (str(self.year), str(self.year - 1)):
            return None
        if parts[1].startswith((".", "_")):
            return None
        if len(parts) == 2 and not path.is_dir():
            return None  # a file beside the organisation folders
        return parts[1]

    def _style_users(self, path: Path) -> set[str] | None:
        """The organisations whose style has `path` among its files; None: all of them."""
        from .render.style import BASE_STYLE, resolve_style, template_roots
        from .source.yaml_source import load_yaml

        folder = None
        for root in [Path(r).resolve() for r in template_roots()]:
            if root in path.parents:
                folder = root / path.relative_to(root).parts[0]
        if self.style:
            try:
                own = resolve_style(self.style).folder
            except FulianError:
                return None
            if own == path or own in path.parents:
                folder = own
        if folder is None:
            return set()
        if folder.name == BASE_STYLE or self.style:
            return None  # every style falls back to _base; with --style, every report uses that one
        users = set()
        year_folder = self.data_root / str(self.year)
        for org in sorted(p for p in year_folder.iterdir() if p.is_dir()) if year_folder.is_dir() else []:
            try:
                name = (load_yaml(org / "organisation.yaml").data or {}).get("style")
                if name and resolve_style(str(name)).folder == folder:
                    users.add(org.name)
            except (FulianError, OSError, AttributeError):
                users.add(org.name)  # cannot tell: rebuilding it shows its problem
        return users


def _watch_changes(paths: list[Path], stop: threading.Event | None, force_polling: bool | None) -> Iterator[list[Path]]:
    """Lists of changed files, as soon as an editor's save has settled; ends when `stop` is set.

    A polling watcher (where there is no inotify) keeps modification times to the second and so
    misses a second save within the same second (watchfiles issue 319): files that changed in
    the last seconds are looked at again twice a second, and a save seen both ways is one save."""
    import watchfiles

    seen: dict[Path, tuple[int, int, float]] = {}  # file → (mtime_ns, size, when it was reported)

    def state(path: Path) -> tuple[int, int] | None:
        try:
            found = path.stat()
        except OSError:
            return None
        return found.st_mtime_ns, found.st_size

    for changes in watchfiles.watch(
        *paths,
        step=STEP_MS,
        debounce=1600,
        stop_event=stop,
        force_polling=force_polling,
        poll_delay_ms=100,
        rust_timeout=500,
        yield_on_timeout=True,
        raise_interrupt=True,
        ignore_permission_denied=True,
    ):
        now = time.monotonic()
        changed = {Path(name) for _, name in changes}
        for path, (mtime, size, when) in list(seen.items()):
            if now - when > 3:
                del seen[path]
            elif path not in changed and state(path) != (mtime, size):
                changed.add(path)  # saved again within the second of the save before
        fresh = []
        for path in sorted(changed):
            current = state(path)
            if current is not None and path in seen and seen[path][:2] == current:
                continue  # already handed on
            if current is not None and path.is_file():
                seen[path] = (*current, now)
            fresh.append(path)
        if fresh:
            yield fresh


class Watcher:
    """`watch`: build the year, then rebuild what each save concerns, through `api.build`."""

    def __init__(
        self,
        year: int,
        data_root: Path = Path("data"),
        out_root: Path = Path("out"),
        orgs: list[str] | None = None,
        style: str | None = None,
        formats: tuple[str, ...] = ("docx",),
        force_polling: bool | None = None,
    ):
        self.year, self.data_root, self.out_root = year, Path(data_root), Path(out_root)
        self.orgs, self.style, self.formats = orgs, style, formats
        self.force_polling = force_polling
        self.changes = ChangeMap(year, self.data_root, orgs, style)
        keep_parsed_files()  # a save changes one file: the others keep their parse
        self._staging = None  # the year's staging folder, kept from build to build (see run)

    def build(self, orgs: list[str] | None = None, jobs: int | None = 1) -> Rebuilt:
        """Build `orgs` (None: the whole selection) exactly as `build` does."""
        from . import api

        started = time.perf_counter()
        result = Rebuilt(orgs or self.orgs)
        try:
            reports = api.build(
                self.year, self.data_root, self.out_root, orgs or self.orgs, self.style, self.formats, jobs, staging=self._staging
            )
        except api.BuildFailed as exc:
            reports = exc.reports
            result.failed = exc.failed
        except FulianError as exc:
            reports = []
            result.failed = dict(getattr(exc, "failed", {}) or {})
            result.errors = exc.findings
            result.files = list(getattr(exc, "written", []) or [])
        result.files += [path for report in reports for path in report.files]
        result.warnings = [w for report in reports for w in report.warnings]
        result.seconds = time.perf_counter() - started
        return result

    def run(self, report: Callable[[Rebuilt], None], stop: threading.Event | None = None) -> None:
        """Build, then rebuild on every change until `stop` is set (or Ctrl-C)."""
        from .api import organisation_folders

        # A few organisations are built in this process, which warms what every rebuild then reuses
        # (the style's .docx blank, compiled templates); many are built in parallel.
        try:
            few = len(organisation_folders(self.data_root, self.year, self.orgs)) <= 4
        except FulianError:
            few = True  # the build reports it
        report(self.build(jobs=1 if few else None))
        # Each rebuild stages its report in one staging folder made for the session (and removed
        # when it ends): making and removing one at every save took a tenth of a rebuild.
        from .writers.output import Staging

        self._staging = Staging(self.out_root / str(self.year))
        try:
            for changed in _watch_changes(self.changes.watched(), stop, self.force_polling):
                orgs = self.changes.organisations(changed)
                if orgs == []:
                    continue
                report(self.build(orgs))
        finally:
            self._staging.close()
            self._staging = None


def describe(result: Rebuilt) -> tuple[str, str]:
    """(what to print on stdout, what on stderr) for one (re)build, findings as `validate` prints them."""
    from .diagnostics import as_text

    out: list[str] = []
    err: list[str] = []
    for org_id, findings in result.failed.items():
        err.append(f"组织 {org_id} 生成失败：")
        err.append(as_text(findings))
    if result.errors:
        err.append(as_text(result.errors))
    if result.warnings:
        err.append(as_text(result.warnings))
    for path in result.files:
        out.append(f"已写入 {path}")
    what = "、".join(result.orgs) if result.orgs else "全部组织"
    milliseconds = result.seconds * 1000
    if result.failed or result.errors:
        out.append(f"{what}：{len(result.files)} 个文件已写入，{len(result.failed)} 个组织未生成（原因见上），用时 {milliseconds:.0f} 毫秒。")
    else:
        out.append(f"{what}：已生成，用时 {milliseconds:.0f} 毫秒。")
    return "\n".join(out), "\n".join(err)


def _leaving_ctrl_c_to_the_main_thread(target: Callable[[], None]) -> Callable[[], None]:
    """`target` run with Ctrl-C's signal blocked, in its thread and the threads it starts (request
    handlers, the file watcher's own): the kernel hands a signal to any thread that does not
    block it, and one handed to another thread left the main thread waiting for good."""

    def run() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        target()

    return run

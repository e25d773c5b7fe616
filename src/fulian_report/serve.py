"""The long-lived commands: `watch` (rebuild on save) and the file following `preview` shares
(preview.py: a local page that follows the data).

Both hold what a cold start pays for (imports, styles, compiled templates,
the prepared .docx blank) and call exactly the functions a one-shot build
calls: `watch` writes through `api.build` (atomic writes, the output record,
edited reports protected), `preview` renders through `pipeline.make_document`.
What is here only decides *what* to rebuild when a file changes: an
organisation's own files (or last year's, which its report compares with)
rebuild it, a style's files every organisation that uses the style.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Finding, FulianError, printable_path
from .output import Staging
from .pipeline import organisation_folders
from .process import ended_by_signals_cleanly
from .selection import Selection
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

    def organisations(self, changed: Iterable[Path] | None) -> list[str] | None:
        """The organisations to rebuild (in name order), or None for all of them; [] for none.
        `changed` None: anything may have changed (a watched folder came back)."""
        if changed is None:
            return None if self.orgs is None else list(self.orgs)
        chosen: set[str] = set()
        for path in changed:
            path = _resolved_folder(Path(path))
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


# How long a new watch also compares the files itself: past the second in which it took its first look.
NEW_WATCH_SECONDS = 2.5


def _watch_changes(
    paths: list[Path],
    stop: threading.Event | None,
    force_polling: bool | None,
    notice: Callable[[str], None] | None = None,
    since: dict[Path, tuple[int, int, int, int]] | None = None,
) -> Iterator[list[Path] | None]:
    """Lists of changed files, as soon as an editor's save has settled; None when anything may
    have changed (a watched folder came back); ends when `stop` is set.

    `since` (a `_scan` of the paths taken before the caller's first build) is compared with the
    files once the watch is up (its first answer), and again at each answer of its first seconds:
    a save made while that build ran, before the system watched anything, is a change like any
    other, not lost; nor is one made in the same second as the files' last change, which a
    polling watcher's first look (times to the second) cannot tell from it.

    A watched folder that goes (deleted, moved, a disk unplugged) is said once through `notice`
    and looked for twice a second; when it is back, it is watched again and None is yielded.
    Nothing is yielded while a watched folder is gone.
    Watching restarts whenever a watched folder itself shows among the changes: a folder
    deleted and made again at once is a new folder, which the old watch does not see.

    A file replaced by a link (or by another file with the same time and size) counts as a
    change: a file's state is taken without following links and includes its inode.

    A polling watcher (where there is no inotify) keeps modification times to the second and so
    misses a second save within the same second (watchfiles issue 319): files that changed in
    the last seconds are looked at again twice a second, and a save seen both ways is one save."""
    say = notice or (lambda text: None)
    settled = 0.0  # when the watch is old enough for the system's own notices alone (see `since`)
    seen: dict[Path, tuple[int, int, int, int, float]] = {}  # file → (inode, mode, mtime_ns, size, when reported)
    gone: set[Path] = set()
    scanning = False  # watchfiles cannot name a path that is not UTF-8: then we look ourselves
    # Anything may have changed: yielded as None once the new watch is up (its first answer), so
    # that nothing written between the folder's return and the watch's start is missed.
    everything = False

    def state(path: Path) -> tuple[int, int, int, int] | None:
        try:
            found = os.lstat(path)
        except OSError:
            return None
        return found.st_ino, found.st_mode, found.st_mtime_ns, found.st_size

    while stop is None or not stop.is_set():
        present = [path for path in paths if path.is_dir()]
        for path in sorted(set(paths) - set(present) - gone):
            say(f"监视的文件夹 {printable_path(path)} 不见了（被删除或移走）；它回来后继续监视。")
        back = [path for path in sorted(gone) if path in present]
        for path in back:
            say(f"监视的文件夹 {printable_path(path)} 又出现了，继续监视。")
        gone = set(paths) - set(present)
        everything |= bool(back)
        if not present:
            _pause(stop, 0.5)
            continue
        raw = _scanned_changes(present, stop) if scanning else _notified_changes(present, stop, force_polling)
        try:
            for changed in raw:
                if since is not None:  # the watch is new: what changed since the last look, to the nanosecond
                    now_found = _scan(present)
                    changed |= _differing(since, now_found)
                    since = now_found
                    settled = settled or time.monotonic() + NEW_WATCH_SECONDS
                    if time.monotonic() > settled:
                        since = None
                now = time.monotonic()
                renewed = any(path in changed for path in present)  # perhaps deleted and made again
                restart = renewed or any(not path.is_dir() for path in present) or any(path.is_dir() for path in gone)
                everything |= renewed
                for path, (inode, mode, mtime, size, when) in list(seen.items()):
                    if now - when > 3:
                        del seen[path]
                    elif path not in changed and state(path) not in (None, (inode, mode, mtime, size)):
                        changed.add(path)  # saved again within the second of the save before
                fresh = []
                for path in sorted(changed):
                    current = state(path)
                    if current is not None and path in seen and seen[path][:4] == current:
                        continue  # already handed on
                    if current is not None:
                        seen[path] = (*current, now)
                    fresh.append(path)
                whole = not gone and all(path.is_dir() for path in present)  # a folder gone: said, nothing built
                if restart:
                    break
                if whole and everything:
                    everything = False
                    yield None
                elif whole and fresh:
                    yield fresh
        except _UndecodablePath as problem:
            scanning = True
            say(
                f"{printable_path(problem.path)}：这个名称不是 UTF-8 编码（可能是从 GBK 系统复制来的），系统的文件通知无法处理它；"
                "改为每半秒查看一次文件的变化。把它改名后重新运行 watch 可恢复即时通知。"
            )
        finally:
            raw.close()


class _UndecodablePath(Exception):
    """watchfiles met a path that is not UTF-8 under a watched folder."""

    def __init__(self, path: Path):
        super().__init__(str(path))
        self.path = path


def _notified_changes(paths: list[Path], stop: threading.Event | None, force_polling: bool | None) -> Iterator[set[Path]]:
    """The paths that changed, from the system's notifications (or watchfiles' polling); an
    empty set every half second without any."""
    import watchfiles

    watching = watchfiles.watch(
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
    )
    try:
        for changes in watching:
            yield {Path(name) for _, name in changes}
    except Exception as error:
        if type(error).__name__ != "WatchfilesRustInternalError" or "decode" not in str(error):
            raise
        raise _UndecodablePath(_first_undecodable(paths) or paths[0]) from None
    finally:
        watching.close()


def _scanned_changes(paths: list[Path], stop: threading.Event | None) -> Iterator[set[Path]]:
    """The paths that changed, by looking at every file under `paths` twice a second (without
    following links): what is left where notifications cannot name a file."""
    before = _scan(paths)
    while not _pause(stop, 0.5):
        now = _scan(paths)
        yield _differing(before, now)
        before = now


def _pause(stop: threading.Event | None, seconds: float) -> bool:
    """Wait `seconds`; whether `stop` was set meanwhile."""
    if stop is None:
        time.sleep(seconds)
        return False
    return stop.wait(seconds)


def _differing(before: dict[Path, tuple], now: dict[Path, tuple]) -> set[Path]:
    """The files of two `_scan`s that came, went or changed between them."""
    return {path for path in before.keys() | now.keys() if before.get(path) != now.get(path)}


def _scan(paths: list[Path]) -> dict[Path, tuple[int, int, int, int]]:
    found: dict[Path, tuple[int, int, int, int]] = {}
    for root in paths:
        for folder, folders, files in os.walk(root):
            for name in folders + files:
                path = Path(folder, name)
                try:
                    info = os.lstat(path)
                except OSError:
                    continue
                found[path] = (info.st_ino, info.st_mode, info.st_mtime_ns, info.st_size)
    return found


def _first_undecodable(paths: list[Path]) -> Path | None:
    for root in paths:
        for folder, folders, files in os.walk(root):
            for name in folders + files:
                if printable_path(name) != name:
                    return Path(folder, name)
    return None


@dataclass(eq=False)
class Watcher(Selection):
    """`watch`: build the year, then rebuild what each save concerns, through `api.build`.

    Made only where it can watch: the constructor refuses (FulianError, in Chinese) a year
    without a data folder, an unknown --org and an output folder inside the data, so that a
    caller says it is watching only once it is."""

    force_polling: bool | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self.changes = ChangeMap(self.year, self.data_root, self.orgs, self.style)
        keep_parsed_files()  # a save changes one file: the others keep their parse
        self._staging = None  # the year's staging folder, kept from build to build (see run)
        self._notice: Callable[[str], None] = _to_stderr
        self._refuse_output_inside_data()
        organisation_folders(self.data_root, self.year, self.orgs)  # the year's data folder and every --org are there

    def build(self, orgs: list[str] | None = None, jobs: int | None = 1) -> Rebuilt:
        """Build `orgs` (None: the whole selection) exactly as `build` does."""
        from . import api

        self._renew_staging()
        started = time.perf_counter()
        result = Rebuilt(orgs or self.orgs)
        try:
            reports = api.build(self.narrowed(orgs), jobs, staging=self._staging)
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

    def run(
        self, report: Callable[[Rebuilt], None], stop: threading.Event | None = None, notice: Callable[[str], None] | None = None
    ) -> None:
        """Build, then rebuild on every change until `stop` is set (or Ctrl-C); what happens to
        the watched folders is said through `notice` (one line each, stderr by default).

        Raises FulianError, before building anything, when there is nothing to watch any more
        (the data folder went since the watcher was made)."""
        self._notice = notice or _to_stderr
        watched = self.changes.watched()
        before_build = _scan(watched)  # a save during the first build is built once the watch is up
        # SIGTERM or SIGHUP: unwound through the `finally` below (the session's staging folder goes).
        with ended_by_signals_cleanly():
            # A few organisations are built in this process, which warms what every rebuild then
            # reuses (the style's .docx blank, compiled templates); many are built in parallel.
            few = len(organisation_folders(self.data_root, self.year, self.orgs)) <= 4
            report(self.build(jobs=1 if few else None))
            # Each rebuild stages its report in one staging folder made for the session (and removed
            # when it ends): making and removing one at every save took a tenth of a rebuild.
            self._staging = Staging(self.out_year)
            own_output = self.out_year.resolve()
            try:
                for changed in _watch_changes(watched, stop, self.force_polling, self._notice, before_build):
                    if changed is not None:  # not the reports themselves (out/ beside the year folders, or in a style's)
                        changed = [path for path in changed if not _within(_resolved_folder(path), own_output)]
                    orgs = self.changes.organisations(changed)
                    if orgs:
                        orgs = self._still_there(orgs)
                    if orgs == []:
                        continue
                    report(self.build(orgs))
            finally:
                self._staging.close()
                self._staging = None

    def _still_there(self, orgs: list[str]) -> list[str]:
        """`orgs` whose folder is there; one deleted or moved away is said, not built (a build
        would only find it missing)."""
        present = []
        for org in orgs:
            folder = self.data_root / str(self.year) / org
            if folder.is_dir():
                present.append(org)
            else:
                self._notice(f"组织文件夹 {printable_path(folder)} 不见了（被删除或移走），不再生成它；它以前生成的报告留在输出文件夹里。")
        return present

    def _refuse_output_inside_data(self) -> None:
        """Reports written among an organisation's data (or beside the organisation folders) would
        be read as data and start another rebuild, for ever.  An output folder beside the year
        folders (`--data .`, out/ next to 2021/) is read by nothing and left alone."""
        out_year = self.out_year.resolve()
        for year in (self.year, self.year - 1):
            if _within(out_year, (self.data_root / str(year)).resolve()):
                raise FulianError.single(
                    self.out_root,
                    f"输出文件夹（--out）在数据文件夹 {printable_path(self.data_root / str(year))} 里面：生成的报告会被当作数据读入，"
                    "又会触发重新生成。请用 --out 指定数据文件夹以外的文件夹（默认为 out）。",
                )

    def _renew_staging(self) -> None:
        """The output folder deleted while watching (with the session's staging folder in it):
        said once, and a new staging folder made, which makes the output folder again."""
        if self._staging is None or self.out_year.is_dir():
            return
        self._notice(f"输出文件夹 {printable_path(self.out_year)} 不见了（被删除或移走），重新建立。")
        self._staging.close()
        self._staging = Staging(self.out_year)


def _resolved_folder(path: Path) -> Path:
    """`path` with its folder resolved but not itself: a data file replaced by a link is still
    the data file (which the build then refuses), not the file the link points to."""
    return path.parent.resolve() / path.name


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _to_stderr(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


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

"""What the command line and the tests call: build and validate.

Each function runs the pipeline (source → model → derive → render → write)
and reports problems as `FulianError` with located findings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .batch import Progress, render_all
from .check import OutputCheck, file_state, sorted_states
from .collector import paused
from .diagnostics import sorted_findings
from .diagnostics import strict as promote_warnings
from .errors import Finding, FulianError, Location, Severity, suggest, write_problem
from .model.dataset import YEAR_RE, load_org, named_path, validate_subject
from .model.subjects import SUBJECT_MODELS
from .pipeline import all_findings, make_document, organisation_folders, year_organisations
from .process import ended_by_signals_cleanly
from .render.style import resolve_style
from .selection import Selection
from .source.yaml_source import display_path, folder_entries, load_yaml
from .writers import WRITERS, output_path
from .writers.manifest import OutputManifest, digest
from .output import Staging, atomic_write, output_lock, remove_leftovers
from .writers.pdf import require_soffice


@dataclass
class OrgReport:
    """One organisation's report: not its document nor its bytes, which a batch does not keep."""

    org_id: str
    file_stem: str  # the report's file name without its suffix (Document.file_stem)
    files: list[Path] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)  # format → the digest of the file's bytes


# What a batch does with each report's bytes as they come (stage or compare them), and how it
# takes that back for a report that turns out not to be written (its title clashes).
Keep = Callable[[OrgReport, dict[str, bytes]], None]
Drop = Callable[[OrgReport], None]


@dataclass
class BuildFailed(FulianError):
    """Some organisations failed; `reports` are those written all the same."""

    reports: list[OrgReport] = field(default_factory=list)
    failed: dict[str, list[Finding]] = field(default_factory=dict)  # organisation → its findings
    faulty: list[str] = field(default_factory=list)  # organisations stopped by a fault of the tool itself


def build(
    selection: Selection,
    jobs: int | None = 1,
    progress: Progress | None = None,
    strict: bool = False,
    force: bool = False,
    staging: Staging | None = None,
) -> list[OrgReport]:
    """Build the reports `selection` names, `jobs` organisations at a time (None: one per core).

    An organisation whose data is wrong is not written and the others are; if any failed,
    `BuildFailed` carries every finding and the reports that were written.  With `strict`,
    an organisation with warnings fails as one with errors does; with `force`, a report
    edited since it was generated is overwritten all the same.  `staging` (of the year's
    output folder) is one the caller keeps open from build to build: `watch` does, so that a
    save is not also the making and removing of a staging folder.
    """
    target, formats = selection.out_year, selection.formats
    # A build killed by SIGTERM or SIGHUP removes its staging folder too.
    with ended_by_signals_cleanly(), Staging(target) if staging is None else _kept_open(staging) as staging:

        def keep(report: OrgReport, outputs: dict[str, bytes]) -> None:
            for fmt, content in outputs.items():
                path = output_path(report.file_stem, target, fmt)
                try:
                    staging.add(path, content)
                except OSError as exc:  # the folder cannot be made, or the disk is full: nothing can be written
                    raise OutputError(target, exc, "没有写入任何报告。", []) from None
                report.hashes[fmt] = digest(content)

        def drop(report: OrgReport) -> None:
            for fmt in formats:
                staging.discard(output_path(report.file_stem, target, fmt))

        reports, failed, faulty = _render(selection, jobs, progress, strict, keep, drop)
        if reports:
            try:
                with output_lock(target):
                    reports = _write(reports, staging, target, formats, failed, force)
            except OSError as exc:  # only taking the lock can raise one: _write reports its own as OutputError
                where = Path(exc.filename) if exc.filename else target  # the lock file, where the system names it
                raise OutputError(where, exc, "没有写入任何报告。", [], failed) from None
    if failed:
        raise BuildFailed([f for found in failed.values() for f in found], reports=reports, failed=failed, faulty=faulty)
    return reports


@contextmanager
def _kept_open(staging: Staging) -> Iterator[Staging]:
    """A caller's staging for one build: what the build staged and did not move into place is dropped."""
    try:
        yield staging
    finally:
        staging.clear()


def _write(
    reports: list[OrgReport], staging: Staging, target: Path, formats: tuple[str, ...], failed: dict[str, list[Finding]], force: bool
) -> list[OrgReport]:
    """Move the staged reports into `target`, holding its lock: refuse those edited since, record
    the intent, move, confirm.  Returns the reports written; the refused are added to `failed`."""
    remove_leftovers(target)
    manifest = OutputManifest(target)
    planned = {report.org_id: [(output_path(report.file_stem, target, fmt), report.hashes[fmt]) for fmt in formats] for report in reports}
    if not force:
        for report in reports:
            refusals = [manifest.refusal(path, hashed=hashed) for path, hashed in planned[report.org_id]]
            if any(refusals):
                failed[report.org_id] = [refusal for refusal in refusals if refusal is not None]
    reports = [report for report in reports if report.org_id not in failed]
    if not reports:
        return reports
    try:
        manifest.intend({path: hashed for report in reports for path, hashed in planned[report.org_id]})
    except OSError as exc:
        raise OutputError(manifest.path, exc, "没能记下将要写入的报告，所以没有写入任何报告。", [], failed) from None
    written: list[Path] = []
    failure: OutputError | None = None
    for report in reports:
        for path, hashed in planned[report.org_id]:
            try:
                staging.commit(path)
            except OSError as exc:
                failure = OutputError(path, exc, "原来的文件未被改动。", written, failed)
                break
            report.files.append(path)
            written.append(path)
            manifest.remember(path, hashed=hashed)
        if failure is not None:
            break
    # The record is confirmed once, after the writes (and before a write failure is reported):
    # saving it after every file made a batch of a thousand reports rewrite it a thousand times.
    try:
        manifest.confirm()
    except OSError:
        pass  # the intent saved before the writes vouches for them: the next build settles it
    if failure is not None:
        raise failure
    return reports


def _render(
    selection: Selection, jobs: int | None, progress: Progress | None, strict: bool, keep: Keep, drop: Drop
) -> tuple[list[OrgReport], dict[str, list[Finding]], list[str]]:
    """Every organisation rendered to bytes, each report's bytes handed to `keep` as they come and
    let go: (reports, the findings of each organisation that failed, the organisations among them
    stopped by a fault of the tool rather than of their data).  Reports whose titles clash are
    handed to `drop` and fail.

    With `strict`, an organisation with warnings is one that failed, its warnings made errors."""
    year, style, formats = selection.year, selection.style, selection.formats
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise ValueError(f"不支持的输出格式：{'、'.join(unknown)}")
    if "pdf" in formats:
        require_soffice()  # before anything is read or written: no half-done build
    if style:
        resolve_style(style)  # a wrong --style is one error, not one per organisation
    folders = organisation_folders(selection.data_root, year, selection.orgs)
    reports: list[OrgReport] = []
    failed: dict[str, list[Finding]] = {}
    faulty = []
    for outcome in render_all(folders, year, style, formats, jobs, progress):
        if outcome.internal:
            faulty.append(outcome.org_id)
        if strict and outcome.warnings:
            outcome.errors = promote_warnings(outcome.errors + outcome.warnings)
        if outcome.errors:
            failed[outcome.org_id] = outcome.errors
        else:
            report = OrgReport(outcome.org_id, str(outcome.file_stem), warnings=outcome.warnings)
            try:
                keep(report, outcome.outputs)
            except OutputError as exc:
                exc.failed.update(failed)
                raise
            reports.append(report)
    by_stem: dict[str, list[str]] = {}
    for report in reports:
        by_stem.setdefault(report.file_stem, []).append(report.org_id)
    for clash in _clashing_titles(reports, selection.out_year):
        for org in by_stem[Path(clash.location.path).name]:
            failed.setdefault(org, []).append(clash)
    for report in reports:
        if report.org_id in failed:
            drop(report)
    reports = [report for report in reports if report.org_id not in failed]
    return reports, failed, faulty


def check(selection: Selection, jobs: int | None = 1, progress: Progress | None = None, strict: bool = False) -> OutputCheck:
    """Build in memory and compare with the files in the selection's output folder; writes nothing.  Each report
    is compared as it comes, and only the outcome kept."""
    target, formats = selection.out_year, selection.formats
    states: dict[Path, str] = {}  # each expected file → file_state
    hashes: dict[Path, str] = {}  # each differing file → the digest build would write

    def keep(report: OrgReport, outputs: dict[str, bytes]) -> None:
        for fmt, content in outputs.items():
            path = output_path(report.file_stem, target, fmt)
            states[path] = file_state(path, content)
            if states[path] == "differing":
                hashes[path] = digest(content)

    def drop(report: OrgReport) -> None:
        for fmt in formats:
            states.pop(output_path(report.file_stem, target, fmt), None)

    reports, failed, _ = _render(selection, jobs, progress, strict, keep, drop)
    # With --org only those organisations are checked; otherwise a report no organisation gives is extra.
    result = sorted_states(states, None if selection.orgs else target, tuple(WRITERS[fmt][0] for fmt in formats))
    # Only reports this tool wrote are extra: a person's own copy beside them ("另存为") is theirs.
    manifest = OutputManifest(target)
    result.extra = [path for path in result.extra if path.name in manifest.files]
    # What build would refuse to overwrite, decided as build decides it, so that the advice is true.
    for path in [path for path in result.differing if manifest.refusal(path, hashed=hashes[path]) is not None]:
        result.differing.remove(path)
        if path.is_symlink() or not path.is_file():
            result.kept[path] = "这里不是普通文件（是链接、管道或文件夹），不是本工具写入的报告"
        elif path.name in manifest.files:
            result.kept[path] = "生成后被修改过，如在 Word 中编辑并保存"
        else:
            result.kept[path] = "没有本工具生成它的记录，可能是手工放进来或修改过的"
    result.failed = failed
    result.warnings = [w for report in reports for w in report.warnings]
    return result


class OutputError(FulianError):
    """A file could not be written (no permission, disk full, the file open in Word): `advice` says
    what became of the files, and the advice that fits the cause follows; `written` lists the reports written before it, `failed` the organisations that had
    already failed (their findings must not be lost behind this one)."""

    def __init__(
        self, path: Path, cause: OSError, advice: str, written: list[Path], failed: dict[str, list[Finding]] | None = None
    ):
        reason, fix = write_problem(cause)
        super().__init__([Finding(Location(display_path(path)), f"无法写入这个文件（{reason}）：{advice}{fix}")])
        self.written = list(written)
        self.failed = dict(failed or {})


def _clashing_titles(reports: list[OrgReport], target: Path) -> list[Finding]:
    """Two organisations whose reports share a title would overwrite one file: refuse."""
    by_stem: dict[str, list[str]] = {}
    for report in reports:
        by_stem.setdefault(report.file_stem, []).append(report.org_id)
    return [
        Finding(
            Location(str(target / stem)),
            f"组织 {'、'.join(orgs)} 的报告标题相同，会写到同一个文件；请检查各自 organisation.yaml 中的 name。",
        )
        for stem, orgs in by_stem.items()
        if len(orgs) > 1
    ]


def validate(paths: list[Path]) -> list[Finding]:
    """Check data roots, year folders, organisation folders or single files; return every finding."""
    findings: list[Finding] = []
    for path in paths:
        path = Path(path)
        if not os.path.lexists(path) and not YEAR_RE.match(path.name):
            findings.append(Finding(Location(str(path)), "路径不存在"))
            continue
        try:
            targets = _validation_targets(path, findings)
        except FulianError as exc:
            findings.extend(exc.findings)
            continue
        rendered: dict[Path, list[OrgReport]] = {}  # year folder → its reports, for titles that clash
        for target in targets:
            try:
                with paused():  # resumed once the organisation's data is gone
                    if not target.is_dir():
                        findings.extend(_validate_file(target))
                    else:
                        report, warnings = _validate_org(target)
                        rendered.setdefault(named_path(target).parent, []).append(report)
                        findings.extend(warnings)
            except FulianError as exc:
                findings.extend(all_findings(exc))
        for year_folder, reports in rendered.items():
            findings.extend(_clashing_titles(reports, Path("out") / year_folder.name))
    return sorted_findings(findings)


def _validate_org(folder: Path) -> tuple[OrgReport, list[Finding]]:
    data = load_org(folder)
    return OrgReport(data.org_id, make_document(data).file_stem), data.warnings


def _validation_targets(path: Path, findings: list[Finding]) -> list[Path]:
    """The organisation folders and files to check under `path`; a year folder that build
    would refuse (missing, empty, unreadable) adds build's own findings instead."""
    if not path.is_dir() and os.path.lexists(path):
        return [path]  # anything but a folder is checked as a file: reading it says what it is (a FIFO, a link)
    named = named_path(path)  # `.`, `..` or `furong` typed in a folder: their names are in the full path
    if YEAR_RE.match(named.name):
        try:
            return year_organisations(path, int(named.name))  # as typed, which messages show
        except FulianError as exc:
            findings.extend(exc.findings)
            return []
    if YEAR_RE.match(named.parent.name):
        return [path]
    years = [p for p in folder_entries(path) if p.is_dir() and YEAR_RE.match(p.name)]
    if not years:
        raise FulianError.single(path, "这里既不是数据根目录（含年度文件夹），也不是年度或组织文件夹")
    return [org for year in years for org in _validation_targets(year, findings)]


def _validate_file(path: Path) -> list[Finding]:
    """One file: inside an organisation folder it is checked with its neighbours, so that the
    names its prose uses are resolved too; their own problems show only where they block it."""
    if path.suffix.lower() not in (".yaml", ".yml"):  # asked for by name: not data at all is an error
        return [Finding(Location(str(path)), f"“{path.name}”不是数据文件：validate 检查数据根目录、年度文件夹、"
                        "组织文件夹，或组织文件夹中的 .yaml 数据文件")]
    if path.stem not in SUBJECT_MODELS:
        hint = suggest(f"{path.stem}.yaml", [f"{name}.yaml" for name in SUBJECT_MODELS])
        return [Finding(Location(str(path)), f"不认识的文件名“{path.name}”，它不是本工具的数据文件{hint}")]
    if not YEAR_RE.match(named_path(path).parent.parent.name):
        source = load_yaml(path)
        _, errors = validate_subject(path.stem, source)
        return source.warnings + errors
    try:
        data = load_org(path.parent)
        make_document(data)
        findings = data.warnings
    except FulianError as exc:
        findings = all_findings(exc)
    own = display_path(path)
    return [f for f in findings if f.location.path == own or f.severity is Severity.ERROR]


def write_schema(folder: Path = Path("schema")) -> list[Path]:
    """Write the JSON Schema of every data file kind into `folder`; returns the files written."""
    from .model.schema import schema_files

    written: list[Path] = []
    for name, content in schema_files().items():
        path = Path(folder) / name
        try:
            atomic_write(path, content)
        except OSError as exc:
            raise OutputError(path, exc, "", written) from None
        written.append(path)
    return written


def import_report(path: Path, data_root: Path = Path("data"), org: str | None = None, year: int | None = None, force: bool = False):
    """An existing report (.docx, .txt) → DIR/<year>/<org>/, from which `build` gives it back."""
    from .importing import import_file

    return import_file(path, data_root, org=org, year=year, force=force)


def init_year(year: int, previous_year: int | None = None, data_root: Path = Path("data"), orgs: list[str] | None = None):
    """Next year's folders from this year's, every figure and date left to fill."""
    from .new_year import init_year as make_year

    return make_year(year, previous_year, data_root, orgs)

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
from .doctree import Document
from .errors import Finding, FulianError, Location, Severity, write_problem
from .model.dataset import YEAR_RE, InvalidOrg, OrgData, load_org, named_path, validate_subject
from .model.subjects import SUBJECT_MODELS
from .process import ended_by_signals_cleanly
from .render.partial import blame_empty_files, prose_findings
from .render.report import render_document
from .render.style import Style, resolve_style
from .render.usage import digits_in_prose, digits_in_templates, unused_figures
from .source.yaml_source import display_path, folder_entries, load_yaml
from .writers import WRITERS, output_path
from .writers.filenames import file_stem
from .writers.manifest import OutputManifest, digest
from .writers.output import Staging, atomic_write, output_lock, remove_leftovers
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


def organisation_folders(data_root: Path, year: int, orgs: list[str] | None = None) -> list[Path]:
    return _year_organisations(Path(data_root) / str(year), year, orgs)


def _year_organisations(year_folder: Path, year: int, orgs: list[str] | None = None) -> list[Path]:
    if not year_folder.is_dir():
        raise FulianError.single(year_folder, f"找不到 {year} 年的数据文件夹 {year_folder}")
    folders = [p for p in folder_entries(year_folder) if p.is_dir() and not p.name.startswith((".", "_"))]
    if orgs:
        orgs = list(dict.fromkeys(orgs))  # --org furong --org furong is one organisation
        known = {p.name: p for p in folders}
        missing = [o for o in orgs if o not in known]
        if missing:
            raise FulianError.single(
                year_folder, f"{year} 年没有这些组织：{'、'.join(missing)}；已有：{'、'.join(known) or '（无）'}"
            )
        folders = [known[o] for o in orgs]
    if not folders:
        raise FulianError.single(year_folder, f"{year_folder} 下没有任何组织文件夹")
    return folders


def make_document(data: OrgData, style: str | Style | None = None, provenance: bool = False) -> Document:
    """Render one organisation's report in its own style or the one given (with `provenance`,
    each figure a run carrying its source, for the preview)."""
    chosen = style if isinstance(style, Style) else resolve_style(style) if style else _own_style(data)
    # Digits typed into prose or a template's text are figures nobody checks: errors, with the rest.
    slips = digits_in_prose(data) + digits_in_templates((chosen.folder, chosen.base))
    try:
        document = render_document(data, chosen, provenance)
    except FulianError as exc:
        # The data's warnings stay with the errors: one of them may be their cause (an emptied file).
        raise FulianError(slips + blame_empty_files(exc.findings, data) + data.warnings) from None
    if slips:
        raise FulianError(slips)
    known = set(data.warnings)  # a list scan per warning made 10,000 records take minutes
    data.warnings.extend(w for w in unused_figures(data) if w not in known)
    renamed = file_stem(document.title.text).warning
    if renamed:  # validate says it too: the title is rendered there as well
        warning = Finding(data.locate("organisation", ("name",)), renamed, Severity.WARNING)
        if warning not in known:
            data.warnings.append(warning)
    return document


def _own_style(data: OrgData) -> Style:
    """The style organisation.yaml names; a name that is no style is reported at that line."""
    name = data.organisation.style
    beside = data.folder / name  # a style kept with the data (as `import` writes one)
    try:
        return resolve_style(str(beside) if len(Path(name).parts) == 1 and (beside / "style.yaml").is_file() else name)
    except FulianError as exc:
        where = data.locate("organisation", ("style",))
        raise FulianError([Finding(where, f.message) if f.location.path == name else f for f in exc.findings]) from None


def build(
    year: int,
    data_root: Path = Path("data"),
    out_root: Path = Path("out"),
    orgs: list[str] | None = None,
    style: str | None = None,
    formats: tuple[str, ...] = ("docx",),
    jobs: int | None = 1,
    progress: Progress | None = None,
    strict: bool = False,
    force: bool = False,
    staging: Staging | None = None,
) -> list[OrgReport]:
    """Build the reports of `year`, `jobs` organisations at a time (None: one per core).

    An organisation whose data is wrong is not written and the others are; if any failed,
    `BuildFailed` carries every finding and the reports that were written.  With `strict`,
    an organisation with warnings fails as one with errors does; with `force`, a report
    edited since it was generated is overwritten all the same.  `staging` (of the year's
    output folder) is one the caller keeps open from build to build: `watch` does, so that a
    save is not also the making and removing of a staging folder.
    """
    with ended_by_signals_cleanly():  # a build killed by SIGTERM or SIGHUP removes its staging folder too
        target = Path(out_root) / str(year)
        with Staging(target) if staging is None else _kept_open(staging) as staging:

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

            reports, failed, faulty = _render(year, data_root, out_root, orgs, style, formats, jobs, progress, strict, keep, drop)
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
    year: int,
    data_root: Path,
    out_root: Path,
    orgs: list[str] | None,
    style: str | None,
    formats: tuple[str, ...],
    jobs: int | None,
    progress: Progress | None,
    strict: bool,
    keep: Keep,
    drop: Drop,
) -> tuple[list[OrgReport], dict[str, list[Finding]], list[str]]:
    """Every organisation rendered to bytes, each report's bytes handed to `keep` as they come and
    let go: (reports, the findings of each organisation that failed, the organisations among them
    stopped by a fault of the tool rather than of their data).  Reports whose titles clash are
    handed to `drop` and fail.

    With `strict`, an organisation with warnings is one that failed, its warnings made errors."""
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise ValueError(f"不支持的输出格式：{'、'.join(unknown)}")
    if "pdf" in formats:
        require_soffice()  # before anything is read or written: no half-done build
    if style:
        resolve_style(style)  # a wrong --style is one error, not one per organisation
    folders = organisation_folders(data_root, year, orgs)
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
    target = Path(out_root) / str(year)
    by_stem: dict[str, list[str]] = {}
    for report in reports:
        by_stem.setdefault(report.file_stem, []).append(report.org_id)
    for clash in _clashing_titles(reports, target):
        for org in by_stem[Path(clash.location.path).name]:
            failed.setdefault(org, []).append(clash)
    for report in reports:
        if report.org_id in failed:
            drop(report)
    reports = [report for report in reports if report.org_id not in failed]
    return reports, failed, faulty


def check(
    year: int,
    data_root: Path = Path("data"),
    out_root: Path = Path("out"),
    orgs: list[str] | None = None,
    style: str | None = None,
    formats: tuple[str, ...] = ("docx",),
    jobs: int | None = 1,
    progress: Progress | None = None,
    strict: bool = False,
) -> OutputCheck:
    """Build in memory and compare with the files under `out_root`; writes nothing.  Each report
    is compared as it comes, and only the outcome kept."""
    target = Path(out_root) / str(year)
    states: dict[Path, str] = {}  # each expected file → file_state

    def keep(report: OrgReport, outputs: dict[str, bytes]) -> None:
        for fmt, content in outputs.items():
            path = output_path(report.file_stem, target, fmt)
            states[path] = file_state(path, content)

    def drop(report: OrgReport) -> None:
        for fmt in formats:
            states.pop(output_path(report.file_stem, target, fmt), None)

    reports, failed, _ = _render(year, data_root, out_root, orgs, style, formats, jobs, progress, strict, keep, drop)
    # With --org only those organisations are checked; otherwise a report no organisation gives is extra.
    result = sorted_states(states, None if orgs else target, tuple(WRITERS[fmt][0] for fmt in formats))
    # Only reports this tool wrote are extra: a person's own copy beside them ("另存为") is theirs.
    ours = OutputManifest(target).files
    result.extra = [path for path in result.extra if path.name in ours]
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


def all_findings(error: FulianError) -> list[Finding]:
    """An error's findings; for data with errors, also what its prose gets wrong, so that all show at once."""
    if isinstance(error, InvalidOrg):
        return error.findings + blame_empty_files(prose_findings(error), error.partial)
    return error.findings


def _validation_targets(path: Path, findings: list[Finding]) -> list[Path]:
    """The organisation folders and files to check under `path`; a year folder that build
    would refuse (missing, empty, unreadable) adds build's own findings instead."""
    if not path.is_dir() and os.path.lexists(path):
        return [path]  # anything but a folder is checked as a file: reading it says what it is (a FIFO, a link)
    named = named_path(path)  # `.`, `..` or `furong` typed in a folder: their names are in the full path
    if YEAR_RE.match(named.name):
        try:
            return _year_organisations(path, int(named.name))  # as typed, which messages show
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
    if path.stem not in SUBJECT_MODELS:
        return [Finding(Location(str(path)), f"不认识的文件名“{path.name}”", Severity.WARNING)]
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

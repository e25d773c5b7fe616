"""What the command line and the tests call: build and validate.

Each function runs the pipeline (source → model → derive → render → write)
and reports problems as `FulianError` with located findings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .batch import Progress, render_all
from .check import OutputCheck, compare_outputs
from .diagnostics import sorted_findings
from .diagnostics import strict as promote_warnings
from .doctree import Document
from .errors import Finding, FulianError, Location, Severity, os_reason
from .model.dataset import YEAR_RE, InvalidOrg, OrgData, load_org, validate_subject
from .model.subjects import SUBJECT_MODELS
from .render.partial import blame_empty_files, prose_findings
from .render.report import render_document
from .render.style import Style, resolve_style
from .render.usage import unused_figures
from .source.yaml_source import display_path, folder_entries, load_yaml
from .writers import WRITERS, output_path
from .writers.filenames import file_stem
from .writers.manifest import OutputManifest
from .writers.output import atomic_write
from .writers.pdf import require_soffice


@dataclass
class OrgReport:
    org_id: str
    document: Document
    files: list[Path] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    outputs: dict[str, bytes] = field(default_factory=dict)  # format → the file's bytes, until written


@dataclass
class BuildFailed(FulianError):
    """Some organisations failed; `reports` are those written all the same."""

    reports: list[OrgReport] = field(default_factory=list)
    failed: dict[str, list[Finding]] = field(default_factory=dict)  # organisation → its findings


def organisation_folders(data_root: Path, year: int, orgs: list[str] | None = None) -> list[Path]:
    year_folder = Path(data_root) / str(year)
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
    try:
        document = render_document(data, chosen, provenance)
    except FulianError as exc:
        # The data's warnings stay with the errors: one of them may be their cause (an emptied file).
        raise FulianError(blame_empty_files(exc.findings, data) + data.warnings) from None
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
    try:
        return resolve_style(name)
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
) -> list[OrgReport]:
    """Build the reports of `year`, `jobs` organisations at a time (None: one per core).

    An organisation whose data is wrong is not written and the others are; if any failed,
    `BuildFailed` carries every finding and the reports that were written.  With `strict`,
    an organisation with warnings fails as one with errors does; with `force`, a report
    edited since it was generated is overwritten all the same.
    """
    reports, failed = _render(year, data_root, out_root, orgs, style, formats, jobs, progress, strict)
    target = Path(out_root) / str(year)
    planned = {report.org_id: [(fmt, output_path(report.document, target, fmt)) for fmt in formats] for report in reports}
    manifest = OutputManifest(target)
    if not force:
        for report in reports:
            refusals = [manifest.refusal(path, report.outputs[fmt]) for fmt, path in planned[report.org_id]]
            if any(refusals):
                failed[report.org_id] = [refusal for refusal in refusals if refusal is not None]
    reports = [report for report in reports if report.org_id not in failed]
    written: list[Path] = []
    failure: OutputError | None = None
    for report in reports:
        for fmt, path in planned[report.org_id]:
            content = report.outputs.pop(fmt)
            try:
                atomic_write(path, content)
            except OSError as exc:
                message = "可能没有写入权限、磁盘已满，或文件正在 Word/WPS 中打开（请先关闭它）。原来的文件未被改动。"
                failure = OutputError(path, exc, message, written, failed)
                break
            report.files.append(path)
            written.append(path)
            manifest.remember(path, content)
        if failure is not None:
            break
    # The record is saved once, after the writes (and before a write failure is reported):
    # saving it after every file made a batch of a thousand reports rewrite it a thousand times.
    if written:
        try:
            manifest.save()
        except OSError as exc:
            names = "、".join(path.name for path in written)
            message = f"报告 {names} 已写入，但没能记下它；数据改动后再生成时，它会被当作修改过的报告，届时请加 --force。"
            raise OutputError(manifest.path, exc, message, written, failed) from None
    if failure is not None:
        raise failure
    if failed:
        raise BuildFailed([f for found in failed.values() for f in found], reports=reports, failed=failed)
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
    strict: bool = False,
) -> tuple[list[OrgReport], dict[str, list[Finding]]]:
    """Every organisation rendered to bytes: (reports, the findings of each organisation that failed).

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
    for outcome in render_all(folders, year, style, formats, jobs, progress):
        if strict and outcome.warnings:
            outcome.errors = promote_warnings(outcome.errors + outcome.warnings)
        if outcome.errors:
            failed[outcome.org_id] = outcome.errors
        else:
            reports.append(OrgReport(outcome.org_id, outcome.document, warnings=outcome.warnings, outputs=outcome.outputs))
    target = Path(out_root) / str(year)
    by_stem: dict[str, list[str]] = {}
    for report in reports:
        by_stem.setdefault(report.document.file_stem, []).append(report.org_id)
    for clash in _clashing_titles(reports, target):
        for org in by_stem[Path(clash.location.path).name]:
            failed.setdefault(org, []).append(clash)
    reports = [report for report in reports if report.org_id not in failed]
    return reports, failed


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
    """Build in memory and compare with the files under `out_root`; writes nothing."""
    reports, failed = _render(year, data_root, out_root, orgs, style, formats, jobs, progress, strict)
    target = Path(out_root) / str(year)
    expected = {output_path(report.document, target, fmt): report.outputs[fmt] for report in reports for fmt in formats}
    # With --org only those organisations are checked; otherwise a report no organisation gives is extra.
    result = compare_outputs(expected, None if orgs else target, tuple(WRITERS[fmt][0] for fmt in formats))
    # Only reports this tool wrote are extra: a person's own copy beside them ("另存为") is theirs.
    ours = OutputManifest(target).files
    result.extra = [path for path in result.extra if path.name in ours]
    result.failed = failed
    result.warnings = [w for report in reports for w in report.warnings]
    return result


class OutputError(FulianError):
    """A file could not be written (no permission, disk full, the file open in Word);
    `written` lists the reports written before it, `failed` the organisations that had
    already failed (their findings must not be lost behind this one)."""

    def __init__(
        self, path: Path, cause: OSError, advice: str, written: list[Path], failed: dict[str, list[Finding]] | None = None
    ):
        reason = os_reason(cause)
        super().__init__([Finding(Location(display_path(path)), f"无法写入这个文件（{reason}）：{advice}")])
        self.written = list(written)
        self.failed = dict(failed or {})


def _clashing_titles(reports: list[OrgReport], target: Path) -> list[Finding]:
    """Two organisations whose reports share a title would overwrite one file: refuse."""
    by_stem: dict[str, list[str]] = {}
    for report in reports:
        by_stem.setdefault(report.document.file_stem, []).append(report.org_id)
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
                if not target.is_dir():
                    findings.extend(_validate_file(target))
                else:
                    data = load_org(target)
                    rendered.setdefault(target.parent, []).append(OrgReport(target.name, make_document(data)))
                    findings.extend(data.warnings)
            except FulianError as exc:
                findings.extend(all_findings(exc))
        for year_folder, reports in rendered.items():
            findings.extend(_clashing_titles(reports, Path("out") / year_folder.name))
    return sorted_findings(findings)


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
    if YEAR_RE.match(path.name):
        try:
            return organisation_folders(path.parent, int(path.name))
        except FulianError as exc:
            findings.extend(exc.findings)
            return []
    if YEAR_RE.match(path.parent.name):
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
    if not YEAR_RE.match(path.parent.parent.name):
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
            raise OutputError(path, exc, "请检查这个文件夹能否写入。", written) from None
        written.append(path)
    return written

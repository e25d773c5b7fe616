"""What the command line and the tests call: build and validate.

Each function runs the pipeline (source → model → derive → render → write)
and reports problems as `FulianError` with located findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import strict as promote_warnings
from .doctree import Document
from .errors import Finding, FulianError, Location, Severity, os_reason
from .model.dataset import YEAR_RE, InvalidOrg, OrgData, load_org, validate_subject
from .model.subjects import SUBJECT_MODELS
from .render.partial import prose_findings
from .render.report import render_document
from .render.style import Style, resolve_style
from .render.usage import unused_figures
from .source.yaml_source import display_path, load_yaml
from .writers import WRITERS, output_path
from .writers.manifest import OutputManifest, overwrite_refusals
from .writers.output import atomic_write


@dataclass
class OrgReport:
    org_id: str
    document: Document
    files: list[Path] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)


def organisation_folders(data_root: Path, year: int, orgs: list[str] | None = None) -> list[Path]:
    year_folder = Path(data_root) / str(year)
    if not year_folder.is_dir():
        raise FulianError.single(year_folder, f"找不到 {year} 年的数据文件夹 {year_folder}")
    folders = sorted(p for p in year_folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if orgs:
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


def make_document(data: OrgData, style: str | Style | None = None) -> Document:
    """Render one organisation's report in its own style or the one given."""
    chosen = style if isinstance(style, Style) else resolve_style(style) if style else _own_style(data)
    document = render_document(data, chosen)
    data.warnings.extend(w for w in unused_figures(data) if w not in data.warnings)
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
    strict: bool = False,
    force: bool = False,
) -> list[OrgReport]:
    """Build the reports of `year`; every organisation's problems are reported together.

    With `strict`, warnings stop the build as errors do; with `force`, a report
    edited since it was generated is overwritten all the same."""
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise ValueError(f"不支持的输出格式：{'、'.join(unknown)}")
    chosen_style = resolve_style(style) if style else None
    reports: list[OrgReport] = []
    findings: list[Finding] = []
    for folder in organisation_folders(data_root, year, orgs):
        try:
            data = load_org(folder, year)
            document = make_document(data, chosen_style)
        except FulianError as exc:
            findings.extend(all_findings(exc))
            continue
        reports.append(OrgReport(folder.name, document, warnings=data.warnings))
    target = Path(out_root) / str(year)
    findings.extend(_clashing_titles(reports, target))
    if strict:
        findings = promote_warnings(findings + [w for report in reports for w in report.warnings])
    planned = [(report, fmt, output_path(report.document, target, fmt)) for report in reports for fmt in formats]
    if not force:
        findings.extend(overwrite_refusals([path for _, _, path in planned]))
    if any(f.severity is Severity.ERROR for f in findings):
        raise FulianError(findings)
    manifest = OutputManifest(target)
    written: list[Path] = []
    for report, fmt, path in planned:
        content = WRITERS[fmt][1](report.document)
        try:
            atomic_write(path, content)
        except OSError as exc:
            message = "可能没有写入权限、磁盘已满，或文件正在 Word/WPS 中打开（请先关闭它）。原来的文件未被改动。"
            raise OutputError(path, exc, message, written) from None
        report.files.append(path)
        written.append(path)
        try:
            manifest.record(path, content)
        except OSError as exc:
            message = f"报告 {path.name} 已写入，但没能记下它；下次生成时它会被当作修改过的报告，届时请加 --force。"
            raise OutputError(manifest.path, exc, message, written) from None
    return reports


class OutputError(FulianError):
    """A file could not be written (no permission, disk full, the file open in Word);
    `written` lists the reports written before it."""

    def __init__(self, path: Path, cause: OSError, advice: str, written: list[Path]):
        reason = os_reason(cause)
        super().__init__([Finding(Location(display_path(path)), f"无法写入这个文件（{reason}）：{advice}")])
        self.written = list(written)


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
        if not path.exists():
            findings.append(Finding(Location(str(path)), "路径不存在"))
            continue
        for target in _validation_targets(path):
            try:
                if target.is_file():
                    findings.extend(_validate_file(target))
                else:
                    data = load_org(target)
                    make_document(data)
                    findings.extend(data.warnings)
            except FulianError as exc:
                findings.extend(all_findings(exc))
    return sorted(set(findings), key=lambda f: f.sort_key)


def all_findings(error: FulianError) -> list[Finding]:
    """An error's findings; for data with errors, also what its prose gets wrong, so that all show at once."""
    if isinstance(error, InvalidOrg):
        return error.findings + prose_findings(error)
    return error.findings


def _validation_targets(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if YEAR_RE.match(path.name):
        return sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if YEAR_RE.match(path.parent.name):
        return [path]
    years = sorted(p for p in path.iterdir() if p.is_dir() and YEAR_RE.match(p.name))
    if not years:
        raise FulianError.single(path, "这里既不是数据根目录（含年度文件夹），也不是年度或组织文件夹")
    return [org for year in years for org in _validation_targets(year)]


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

"""One organisation's way through the pipeline, below every command: its folder found in a
year's, its data rendered to a document in its own style or the one given, and all that is wrong
with it said at once.  Batches (batch.py), validate and check (api.py), import and init, and the
preview call these; none of them calls back up.
"""

from __future__ import annotations

import os
from pathlib import Path

from .derive import comparison_table_warnings
from .doctree import Document
from .errors import Finding, FulianError, Severity, not_a_folder
from .filenames import file_stem
from .model.dataset import InvalidOrg, OrgData
from .render.partial import blame_empty_files, prose_findings
from .render.report import render_document
from .render.style import Style, resolve_style
from .render.usage import digits_in_prose, digits_in_templates, unused_figures
from .source.yaml_source import folder_entries


def organisation_folders(data_root: Path, year: int, orgs: list[str] | None = None) -> list[Path]:
    return year_organisations(Path(data_root) / str(year), year, orgs)


def year_organisations(year_folder: Path, year: int, orgs: list[str] | None = None) -> list[Path]:
    if not year_folder.is_dir():
        root = year_folder.parent
        if os.path.lexists(root) and not root.is_dir():  # --data names a file, a device, a FIFO…
            raise FulianError.single(root, f"数据根目录 {root} 不是文件夹（而是{not_a_folder(root)}），其中不会有 {year} 年的数据文件夹；请给出数据根目录的路径")
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
    chosen = style if isinstance(style, Style) else resolve_style(style) if style else own_style(data)
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
    data.warnings.extend(w for w in unused_figures(data) + comparison_table_warnings(data) if w not in known)
    renamed = file_stem(document.title.text).warning
    if renamed:  # validate says it too: the title is rendered there as well
        warning = Finding(data.locate("organisation", ("name",)), renamed, Severity.WARNING)
        if warning not in known:
            data.warnings.append(warning)
    return document


def own_style(data: OrgData) -> Style:
    """The style organisation.yaml names; a name that is no style is reported at that line."""
    name = data.organisation.style
    beside = data.folder / name  # a style kept with the data (as `import` writes one)
    try:
        return resolve_style(str(beside) if len(Path(name).parts) == 1 and (beside / "style.yaml").is_file() else name)
    except FulianError as exc:
        where = data.locate("organisation", ("style",))
        raise FulianError([Finding(where, f.message) if f.location.path == name else f for f in exc.findings]) from None


def all_findings(error: FulianError) -> list[Finding]:
    """An error's findings; for data with errors, also what its prose gets wrong, so that all show at once."""
    if isinstance(error, InvalidOrg):
        return error.findings + blame_empty_files(prose_findings(error), error.partial)
    return error.findings

"""Checking the prose of an organisation whose data has errors.

A wrong figure in cases.yaml should not hide a misspelt name in
narrative.yaml until the next run: both are reported at once.  The subjects
that validated are used as they are; each file that failed stands in as
`Unknown`, under which every name is accepted (nothing can be said about it
until the file is fixed).  Only what can be known is kept: unknown names
and template syntax in the prose.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..errors import Finding, FulianError
from ..model.dataset import InvalidOrg, OrgData, load_org
from ..model.subjects import SUBJECT_MODELS
from .report import render_prose


class Unknown:
    """A subject whose file failed: any name under it is accepted and prints nothing."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self

    def __getitem__(self, key: Any) -> "Unknown":
        return self

    def __iter__(self):
        return iter(())

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return ""

    def items(self) -> list:
        return []


UNKNOWN = Unknown()

# Findings that only the real values could justify: a filter given a stand-in fails.
_NEEDS_VALUES = "文字无法生成"


def prose_findings(error: InvalidOrg) -> list[Finding]:
    """The prose's own problems (unknown names, {{ }} syntax) in spite of the data's errors."""
    data = error.partial
    subjects = {
        name: UNKNOWN if name in error.failed or data.subjects.get(name) is None else data.subjects[name]
        for name in SUBJECT_MODELS
    }
    stand_in = replace(data, subjects=subjects, previous=_previous(data))
    try:
        render_prose(stand_in)
    except FulianError as exc:
        return [f for f in exc.findings if not f.message.startswith(_NEEDS_VALUES)]
    except (TypeError, ValueError, AttributeError, ArithmeticError):
        # A derived figure could not be computed from the stand-ins: the data's
        # own errors are reported alone, and the prose is checked on the next run.
        return []
    return []


class _UnknownYear:
    """Last year's data when it has errors of its own: `previous.…` names are accepted."""

    subjects = UNKNOWN


def _previous(data: OrgData) -> OrgData | _UnknownYear | None:
    folder = data.folder.parent.parent / str(data.year - 1) / data.folder.name
    if not folder.is_dir():
        return None
    try:
        return load_org(folder, data.year - 1, with_previous=False)
    except FulianError:
        return _UnknownYear()


_MISSING_NAME = re.compile(r"^(“[^”]+”不存在)(?:：它前面的一项在数据中没有填写)?$")
_NAME_CHAIN_BEFORE = re.compile(r"([A-Za-z_]\w*)(?:\s*\.\s*[A-Za-z_]\w*)*\s*\.\s*$")


def blame_empty_files(findings: list[Finding], data: OrgData) -> list[Finding]:
    """Prose names reported missing because the file that holds them is empty (or only comments):
    each says so, so that the emptied file is found rather than 27 names looked up one by one."""
    empty = {name for name, source in data.sources.items() if not source.data}
    if not empty:
        return findings
    by_path = {source.display_path: source for source in data.sources.values()}
    blamed = []
    for finding in findings:
        source = by_path.get(finding.location.path)
        missing = _MISSING_NAME.match(finding.message)
        if source is not None and missing and 0 < finding.location.line <= len(source.lines):
            before = source.lines[finding.location.line - 1][: max(finding.location.column - 1, 0)]
            chain = _NAME_CHAIN_BEFORE.search(before)
            if chain and chain.group(1) in empty:
                file_name = data.sources[chain.group(1)].path.name
                message = f"{missing.group(1)}：{file_name} 是空的（或只有注释），其中没有任何数据；若不是有意清空，请恢复它的内容"
                finding = Finding(finding.location, message, finding.severity)
        blamed.append(finding)
    return blamed

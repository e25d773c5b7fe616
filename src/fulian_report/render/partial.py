"""Checking the prose of an organisation whose data has errors.

A wrong figure in cases.yaml should not hide a misspelt name in
narrative.yaml until the next run: both are reported at once.  The subjects
that validated are used as they are; each file that failed stands in as
`Unknown`, under which every name is accepted (nothing can be said about it
until the file is fixed).  Only what can be known is kept: unknown names
and template syntax in the prose.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import Finding, FulianError
from ..model.dataset import InvalidOrg, OrgData, load_org
from ..model.subjects import SUBJECT_MODELS
from .report import render_prose
from .usage import digits_in_prose


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
    slips = digits_in_prose(data)  # the prose's own text: known whatever the figures are
    try:
        render_prose(stand_in)
    except FulianError as exc:
        return slips + [f for f in exc.findings if not f.message.startswith(_NEEDS_VALUES)]
    except (TypeError, ValueError, AttributeError, ArithmeticError):
        # A derived figure could not be computed from the stand-ins: the data's
        # own errors are reported alone, and the prose is checked on the next run.
        return slips
    return slips


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

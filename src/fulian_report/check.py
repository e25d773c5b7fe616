"""`build --check`: are the reports under the output folder what the data gives now?"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import regular_file
from .errors import Finding


@dataclass
class OutputCheck:
    missing: list[Path] = field(default_factory=list)
    differing: list[Path] = field(default_factory=list)
    current: list[Path] = field(default_factory=list)
    # Report files the data no longer gives (an organisation renamed or removed, another style or
    # title): written by the tool under a name it no longer produces.
    extra: list[Path] = field(default_factory=list)
    # Differing files that build would refuse to overwrite (see OutputManifest.refusal), with why:
    # edited since written (in Word), or not known to be the tool's.
    kept: dict[Path, str] = field(default_factory=dict)
    # Organisations whose data is wrong, so that their reports could not be built to compare.
    failed: dict[str, list[Finding]] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.differing or self.extra or self.kept or self.failed)


def compare_outputs(expected: dict[Path, bytes], folder: Path | None = None, suffixes: tuple[str, ...] = ()) -> OutputCheck:
    """Sort each expected file into missing, differing or current, by comparing bytes; with a
    folder, its other report files (of these suffixes, not hidden) are extra."""
    return sorted_states({path: file_state(path, content) for path, content in expected.items()}, folder, suffixes)


def file_state(path: Path, content: bytes) -> str:
    """"missing", "differing" or "current": the file at `path` beside the `content` it should hold.

    A batch compares each report as it is rendered, and keeps only this word."""
    if not os.path.lexists(path):
        return "missing"  # a link, FIFO or folder there is no missing report: it stands where one should be
    try:  # a link, FIFO or device in the output folder is not what was written, and is never read
        current = regular_file.read_regular(path, len(content))
    except (OSError, regular_file.Refused):
        return "differing"
    return "current" if current == content else "differing"


def sorted_states(states: dict[Path, str], folder: Path | None = None, suffixes: tuple[str, ...] = ()) -> OutputCheck:
    """The check of the expected files in `states` (path → `file_state`); with a folder, its other
    report files (of these suffixes, not hidden) are extra."""
    from .diff import is_hidden_name

    result = OutputCheck()
    if folder is not None and folder.is_dir():
        result.extra = sorted(
            path
            for path in folder.iterdir()
            if path.is_file() and path.suffix in suffixes and not is_hidden_name(path.name) and path not in states
        )
    for path, state in states.items():
        getattr(result, state).append(path)
    return result

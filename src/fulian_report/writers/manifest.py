"""What the tool last wrote into an output folder, so that it never overwrites a person's edits.

A person may open a generated report in Word, correct a sentence and save
it.  Building again would silently throw that work away.  So every output
folder holds one hidden file, `.fulian-report.json`, with the SHA-256 of each
report as it was written.  Before a report is replaced, the file on disk
must still be what was written; otherwise the build refuses (unless
`--force`) and says which file and why.

A build may be killed at any moment, so the record is kept in three steps:
before the reports are written, the hashes they are about to get are saved
as `pending` (the intent); then the reports are written; then the record is
saved again with those hashes moved to `files` (the confirmation).  A build
that finds an intent left by a killed one counts each pending file that holds
its intended hash as written by the tool; any other file keeps its old entry.
So a kill never makes a report the tool wrote look edited.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..errors import Finding, Location, write_problem
from ..source.yaml_source import display_path
from .output import atomic_write

MANIFEST_NAME = ".fulian-report.json"


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class OutputManifest:
    """The hashes of the files the tool wrote into one folder."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / MANIFEST_NAME
        self.files, self.pending = self._read()
        self._settle()

    def _read(self) -> tuple[dict[str, str], dict[str, str]]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}, {}  # no record (or an unreadable one): every existing file counts as not ours
        if not isinstance(document, dict):
            return {}, {}
        return _names_to_hashes(document.get("files")), _names_to_hashes(document.get("pending"))

    def _settle(self) -> None:
        """An intent left by a build killed while writing: a file holding its intended hash was written."""
        for name, intended in self.pending.items():
            try:
                if digest((self.folder / name).read_bytes()) == intended:
                    self.files[name] = intended
            except OSError:
                continue  # not written (or unreadable): its old entry stands
        self.pending = {}

    def refusal(self, path: Path, content: bytes | None = None, *, hashed: str | None = None) -> Finding | None:
        """Why `path` must not be overwritten with `content` (or content whose digest is `hashed`),
        or None when it may.

        A file that already holds exactly that content may always be rewritten:
        nothing in it can be lost (builds are reproducible, so this is the
        usual case for a report the data has not changed)."""
        if not path.exists():
            return None
        where = Location(display_path(path))
        try:
            current = path.read_bytes()
        except OSError as exc:
            reason, advice = write_problem(exc)
            return Finding(where, f"无法读取已有的 {path.name}（{reason}），所以没有写入这份报告：{advice}")
        if content is not None and current == content:
            return None
        if hashed is not None and digest(current) == hashed:
            return None
        recorded = self.files.get(path.name)
        if recorded is None:
            return Finding(
                where,
                f"文件 {path.name} 已存在，但没有本工具生成它的记录（{MANIFEST_NAME}），可能是手工放进来或修改过的；"
                "为免覆盖，这份报告没有写入。确认可以覆盖时请加 --force，或先把它移走。",
            )
        if digest(current) != recorded:
            return Finding(
                where,
                f"报告 {path.name} 在上次生成之后被修改过（内容与生成时不同）；为免丢失这些修改，这份报告没有写入。"
                "若修改可以丢弃，请加 --force 重新生成；若要保留，请先把它另存为别的文件名。",
            )
        return None

    def intend(self, hashes: dict[Path, str]) -> None:
        """Save, before writing them, the hashes (`digest`) these files are about to get."""
        self.pending = {path.name: hashed for path, hashed in hashes.items()}
        self.save()

    def remember(self, path: Path, content: bytes | None = None, *, hashed: str | None = None) -> None:
        """Note `content` (or content whose digest is `hashed`) as what the tool wrote to `path`;
        `confirm` or `save` writes the record."""
        self.files[path.name] = digest(content) if content is not None else str(hashed)
        self.pending.pop(path.name, None)

    def confirm(self) -> None:
        """Save the record after the writes: what was not written (a write failed) is no longer pending."""
        self.pending = {}
        self.save()

    def save(self) -> None:
        """Write the record (atomically, like the reports)."""
        document: dict = {"comment": "fulian-report 生成的文件及其 SHA-256，用于发现生成后被修改的报告；请勿编辑。", "files": self.files}
        if self.pending:
            document["pending"] = self.pending
        atomic_write(self.path, (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))

    def record(self, path: Path, content: bytes) -> None:
        """Remember `content` as what the tool wrote to `path`, and save the record."""
        self.remember(path, content)
        self.save()


def _names_to_hashes(value: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

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

The record lies in a folder anyone may have written to (a shared drive, a CI artifact), so it is
read as untrusted input: a regular file under MAX_RECORD_BYTES, parsed against the shape it must
have (`_Record`: plain file names to SHA-256 digests, nesting bounded by the parser), and every
file it names is opened only as a regular file of the folder under MAX_REPORT_BYTES.  A record
that fails any check counts as no record (existing files are then not the tool's, so none is
overwritten) and the refusals say why.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationError

from .. import regular_file
from ..errors import Finding, Location, write_problem
from ..source.yaml_source import display_path
from ..output import atomic_write

MANIFEST_NAME = ".fulian-report.json"
# 10,000 reports in one folder make a record of about 1.5 MB.
MAX_RECORD_BYTES = 16 * 1024 * 1024
# The largest report the tool writes (a PDF of a long report) is a few MB; a file past this in
# the output folder is none of ours and is not read to compare.
MAX_REPORT_BYTES = 256 * 1024 * 1024


def _plain_name(name: str) -> str:
    """A name of a file directly in the folder: no separator, no "..", nothing a path could climb with."""
    if name in ("", ".", "..") or any(c in name for c in "/\\\0") or name != Path(name).name:
        raise ValueError("not a plain file name")
    return name


PlainName = Annotated[str, AfterValidator(_plain_name)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class _Record(BaseModel):
    """The shape of .fulian-report.json (anything else in it is ignored)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    comment: str = ""
    files: dict[PlainName, Sha256] = {}
    pending: dict[PlainName, Sha256] = {}


_READ_REFUSALS = {
    regular_file.LINK: "这里是一个符号链接（快捷方式）",
    regular_file.DIRECTORY: "这里已有一个同名的文件夹",
    regular_file.SPECIAL: "这里是设备、管道或套接字之类的特殊文件，不是普通文件",
    regular_file.TOO_BIG: "这里的文件太大，不是本工具写的报告",
}


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class OutputManifest:
    """The hashes of the files the tool wrote into one folder."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / MANIFEST_NAME
        # Why the record there is not used ("" when there is a good one or none at all).
        self.unusable = ""
        self.files, self.pending = self._read()
        self._settle()

    def _read(self) -> tuple[dict[str, str], dict[str, str]]:
        try:
            data = regular_file.read_regular(self.path, MAX_RECORD_BYTES)
        except FileNotFoundError:
            return {}, {}  # no record: every existing file counts as not ours
        except regular_file.Refused as refused:
            self.unusable = _READ_REFUSALS[refused.reason]
            return {}, {}
        except OSError as exc:
            self.unusable = write_problem(exc)[0]
            return {}, {}
        try:
            record = _Record.model_validate_json(data)
        except ValidationError:
            self.unusable = "内容已损坏或不是本工具写的"
            return {}, {}
        return dict(record.files), dict(record.pending)

    def _settle(self) -> None:
        """An intent left by a build killed while writing: a file holding its intended hash was written."""
        for name, intended in self.pending.items():
            try:
                if digest(regular_file.read_regular(self.folder / name, MAX_REPORT_BYTES)) == intended:
                    self.files[name] = intended
            except (OSError, regular_file.Refused):
                continue  # not written (or not a file of ours): its old entry stands
        self.pending = {}

    def refusal(self, path: Path, content: bytes | None = None, *, hashed: str | None = None) -> Finding | None:
        """Why `path` must not be overwritten with `content` (or content whose digest is `hashed`),
        or None when it may.

        A file that already holds exactly that content may always be rewritten:
        nothing in it can be lost (builds are reproducible, so this is the
        usual case for a report the data has not changed)."""
        if not path.exists() and not path.is_symlink():
            return None
        where = Location(display_path(path))
        try:
            current = regular_file.read_regular(path, MAX_REPORT_BYTES)
        except regular_file.Refused as refused:
            return Finding(where, f"{path.name}：{_READ_REFUSALS[refused.reason]}，不会读取或覆盖它，所以没有写入这份报告；请把它移走或改名后重新生成。")
        except OSError as exc:
            reason, advice = write_problem(exc)
            return Finding(where, f"无法读取已有的 {path.name}（{reason}），所以没有写入这份报告：{advice}")
        if content is not None and current == content:
            return None
        if hashed is not None and digest(current) == hashed:
            return None
        recorded = self.files.get(path.name)
        if recorded is None and self.unusable:
            return Finding(
                where,
                f"文件 {path.name} 已存在，而记录本工具写了哪些文件的 {MANIFEST_NAME} 无法使用（{self.unusable}），"
                "所以不知道它是不是手工修改过；为免覆盖，这份报告没有写入。确认可以覆盖时请加 --force，或先把它移走。",
            )
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


"""`init`: next year's data folders from this year's, every figure and date left to fill.

What stays is what a new year shares with the last: the organisation, the
prose of the 总结 and the 计划, and every record with its names, structure and
comments.  The YAML text is edited, not rewritten, so that the person's
comments and layout survive; each figure's value becomes a marker
(`model.unfilled`) that names last year's value, which `validate` then
lists, one error each.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Finding, FulianError, Location, Severity, read_error_message, write_problem
from .filenames import org_folder_problem
from .model.dataset import SUBJECT_MODELS, load_org
from .model.unfilled import marker
from .pipeline import organisation_folders
from .source.yaml_source import display_path, folder_entries, linked_folder_error, read_source_bytes


@dataclass
class InitResult:
    year: int
    previous_year: int
    folders: list[Path] = field(default_factory=list)
    markers: dict[str, int] = field(default_factory=dict)  # organisation → figures left to fill
    skipped: list[Finding] = field(default_factory=list)  # what last year's folders held that was left behind, and why

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "from": self.previous_year,
            "folders": [str(f) for f in self.folders],
            "to_fill": self.markers,
            "validate": ["validate", *(str(f) for f in self.folders)],
        }


def init_year(year: int, previous_year: int | None = None, data_root: Path = Path("data"), orgs: list[str] | None = None) -> InitResult:
    refused = [(name, org_folder_problem(name)) for name in orgs or ()]
    findings = [Finding(Location(display_path(Path(data_root))), f"--org “{name}”不能用作组织文件夹名：{problem}") for name, problem in refused if problem]
    if findings:  # a name that would leave data/<year>/ is refused before any folder is listed
        raise FulianError(findings)
    previous_year = previous_year or year - 1
    if previous_year >= year:
        raise FulianError.single(str(data_root), f"--from 应早于新的年度：{previous_year} 不早于 {year}")
    sources = organisation_folders(Path(data_root), previous_year, orgs)
    target_year = Path(data_root) / str(year)
    existing = [target_year / s.name for s in sources if (target_year / s.name).exists()]
    if existing or (target_year.exists() and not orgs):
        shown = "、".join(display_path(p) for p in existing) or display_path(target_year)
        raise FulianError.single(shown, f"{year} 年的文件夹已存在，没有改动它；init 只新建，不覆盖（要重来，请先移走它）")
    if target_year.is_symlink():  # writing into it would write wherever it points
        raise linked_folder_error(target_year, "新年度的文件夹必须是数据文件夹里真正的文件夹")
    if target_year.exists() and not target_year.is_dir():
        raise FulianError.single(display_path(target_year), f"这里应是 {year} 年的文件夹，却是一个文件；init 没有改动它，请把它移走或改名。")
    result = InitResult(year, previous_year)
    # Everything is read and checked before anything is written: a problem with last year's
    # folder leaves no trace in this year's.
    made = [(folder, load_org(folder, previous_year, with_previous=False), _kept_files(folder, year, result.skipped)) for folder in sources]
    scratch = None
    try:
        Path(data_root).mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".init-", dir=Path(data_root)))
        written = []
        for folder, data, kept in made:
            out = scratch / folder.name
            out.mkdir()
            # The data files are written below, marked; anything else (a style kept with the data) is copied.
            for relative, content in kept:
                (out / relative).parent.mkdir(parents=True, exist_ok=True)
                (out / relative).write_bytes(content)
            count = 0
            for subject, source in data.sources.items():
                paths = [path for name, path, _ in data.figures() if name == subject]
                figures = {path: figure for name, path, figure in data.figures() if name == subject}
                text = _mark(source, paths, figures, previous_year)
                if subject == "narrative":
                    text = _with_target_hint(text, data, previous_year)
                (out / source.path.name).write_text(text, encoding="utf-8")
                count += text.count("待填（") - source.text.count("待填（")
            written.append((out, target_year / folder.name))
            result.markers[folder.name] = count
        target_year.mkdir(parents=True, exist_ok=True)
        for out, final in written:
            shutil.move(str(out), str(final))
            result.folders.append(final)
    except OSError as exc:
        reason, _advice = write_problem(exc)
        where = display_path(Path(exc.filename)) if exc.filename else display_path(Path(data_root))
        raise FulianError.single(where, f"无法新建 {year} 年的数据（{reason}）；请检查数据文件夹能否写入。") from None
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return result


def _kept_files(folder: Path, year: int, skipped: list[Finding]) -> list[tuple[Path, bytes]]:
    """What init copies from last year's organisation folder besides its data files: (path inside
    the folder, bytes) of every file, each read by the data's own reader (a regular file of the
    folder, under the same bound), so that a link, FIFO or device is a located error and nothing
    outside the folder is ever copied into the new year.  A .yaml file that is no data file is
    neither read nor copied (load_org does not use it either): a warning in `skipped` says so."""
    kept: list[tuple[Path, bytes]] = []

    def walk(current: Path, relative: Path) -> None:
        for entry in folder_entries(current):
            if current == folder and entry.suffix.lower() in (".yaml", ".yml"):
                if entry.stem not in SUBJECT_MODELS and not entry.name.startswith("."):  # hidden: load_org's rule too
                    skipped.append(_left_behind(entry, year))
                continue  # the data files: read by load_org, written marked
            try:
                info = os.lstat(entry)
            except OSError as exc:
                raise FulianError.single(display_path(entry), read_error_message(exc)) from None
            if stat.S_ISDIR(info.st_mode):
                walk(entry, relative / entry.name)
            elif stat.S_ISLNK(info.st_mode) and entry.is_dir():
                raise linked_folder_error(entry, "init 只复制上一年度文件夹里真正的文件和文件夹")
            else:
                kept.append((relative / entry.name, read_source_bytes(entry)))  # refuses links, FIFOs, devices

    walk(folder, Path())
    return kept


def _left_behind(entry: Path, year: int) -> Finding:
    """The warning for a .yaml entry of last year's folder that is no data file: what it is, and
    that init neither read it nor took it into the new year (it is only looked at, never opened)."""
    try:
        mode = os.lstat(entry).st_mode
    except OSError as exc:
        return Finding(Location(display_path(entry)), f"{read_error_message(exc)}；init 跳过了它", Severity.WARNING)
    if stat.S_ISREG(mode):
        kind = f"不认识的文件名“{entry.name}”，它不是本工具的数据文件"
    elif stat.S_ISLNK(mode):
        kind = f"“{entry.name}”是一个符号链接（快捷方式），也不是本工具的数据文件"
    elif stat.S_ISDIR(mode):
        kind = f"“{entry.name}”是一个文件夹，不是本工具的数据文件"
    else:
        kind = f"“{entry.name}”不是普通文件（而是设备、管道或套接字之类的特殊文件），也不是本工具的数据文件"
    return Finding(Location(display_path(entry)), f"{kind}；init 没有读取它，也没有把它带到 {year} 年的文件夹", Severity.WARNING)


def _mark(source, paths: list[tuple], figures: dict, previous_year: int) -> str:
    leaves: list[tuple[tuple, str]] = []
    for path in paths:
        written = _value_at(source.data, path)
        if isinstance(written, dict):  # a period written as a mapping: each of its dates is marked
            figure = figures[path]
            leaves += [(path + (key,), str(getattr(figure, key, value))) for key, value in written.items()]
        else:
            leaves.append((path, str(figures[path])))
    spans = _value_spans(source.text)
    text = source.text
    edits = []
    for path, value in leaves:
        span = spans.get(tuple(path))
        if span is None:
            raise FulianError([Finding(source.locate(path), "无法确定这个数字写在哪里，init 没有写入任何文件")])
        start, end = span
        end = start + len(text[start:end].rstrip())  # a block scalar's span runs on to the next line
        edits.append((start, end, _written(marker(previous_year, value))))
    # Offsets into the whole text, applied from the last: several values on one line
    # ({start: …, end: …}) each keep their place, whatever the others' lengths become.
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _value_at(data, path: tuple):
    for key in path:
        data = data[key]
    return data


def _value_spans(text: str) -> dict[tuple, tuple[int, int]]:
    """Where each scalar value is written, (start, end) offsets into `text`, by its path.

    From the parser's own marks, so that a value ends where YAML ends it: at the comma or brace
    of a flow mapping or sequence, the closing quote, the comment.  Keys are strings and list
    items indices, as the loader builds them; the data has been loaded, so it has no complex or
    duplicate keys."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(mark) -> int:  # from line and column, which count characters whichever parser runs
        return starts[mark.line] + mark.column

    spans: dict[tuple, tuple[int, int]] = {}
    stack: list[list] = []  # [path, is a mapping, the key awaiting its value, the next item's index]
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            continue
        if not isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)):
            continue
        path: tuple = ()
        if stack:
            frame = stack[-1]
            if frame[1] and frame[2] is None:  # a key
                frame[2] = event.value if isinstance(event, yaml.ScalarEvent) else ""
                continue
            if frame[1]:
                path, frame[2] = frame[0] + (frame[2],), None
            else:
                path, frame[3] = frame[0] + (frame[3],), frame[3] + 1
        if isinstance(event, yaml.ScalarEvent):
            spans[path] = (offset(event.start_mark), offset(event.end_mark))
        elif not isinstance(event, yaml.AliasEvent):
            stack.append([path, isinstance(event, yaml.MappingStartEvent), None, 0])
    return spans


def _written(value: str) -> str:
    """The marker as YAML text that reads back as itself in a block or a flow mapping: last
    year's value may hold what a flow value cannot (a comma), then it is quoted."""
    for wrapped in (f"k: {value}", f"{{k: {value}}}"):
        try:
            if yaml.safe_load(wrapped) != {"k": value}:
                break
        except yaml.YAMLError:
            break
    else:
        return value
    return json.dumps(value, ensure_ascii=False)


def _with_target_hint(text: str, data, previous_year: int) -> str:
    """Last year's plan targets, named where this year's prose can report on them."""
    plan = data.subjects.get("plan")
    targets = list(plan.targets.items()) if plan is not None else []
    if not targets:
        return text
    hint = [f"# {previous_year}年计划的目标，今年的总结可以写出完成情况："]
    for name, target in targets:
        measured = f"，完成数 {{{{ derived.target_progress.{name}.actual }}}}" if target.measure else "（在 plan.yaml 中给它写上 measure，即可用 derived.target_progress 核对）"
        hint.append(f"#   目标 {{{{ previous.plan.targets.{name} }}}}（{previous_year}年定为 {target}）{measured}")
    lines = text.splitlines(keepends=True)
    at = 0
    while at < len(lines) and lines[at].startswith("#"):
        at += 1
    return "".join(lines[:at] + [line + "\n" for line in hint] + lines[at:])


"""One organisation's year: the YAML files of `data/<year>/<org>/` as validated models.

Validation errors from pydantic come back with a path inside the data; the
source files know where each path was written, so every finding names the
file, line and column, in Chinese.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ..errors import Finding, FulianError, Location, Severity, suggest
from ..source.yaml_source import PartialSource, SourceFile, display_path, folder_entries, load_yaml
from .quantities import FIGURE_TYPES, DateWindow, Figure, Period, ReportDate
from .subjects import (
    RECORDS_BY_NAME,
    REQUIRED_SUBJECTS,
    SUBJECT_MODELS,
    FieldProblem,
    Organisation,
    empty_subject,
)

YEAR_RE = re.compile(r"^\d{4}$")


@dataclass
class OrgData:
    """Everything known of one organisation's year, validated."""

    org_id: str
    year: int
    folder: Path
    subjects: dict[str, Any]
    sources: dict[str, SourceFile] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)
    previous: "OrgData | None" = None

    @property
    def next_year(self) -> int:
        return self.year + 1

    @property
    def organisation(self) -> Organisation:
        return self.subjects["organisation"]

    def locate(self, subject: str, path: tuple = ()) -> Location:
        source = self.sources.get(subject)
        if source is None:
            return Location(display_path(self.folder / f"{subject}.yaml"))
        return source.locate(path)

    def figures(self) -> Iterator[tuple[str, tuple, Figure]]:
        """Every figure of the data: (subject, path inside the file, figure)."""
        for subject, model in self.subjects.items():
            yield from ((subject, path, fig) for path, fig in walk_figures(model, ()))


def walk_figures(value: Any, path: tuple) -> Iterator[tuple[tuple, Figure]]:
    """Every figure under `value`, depth first, with its path (a Period is one figure, not two dates).

    Iterative: a figure of 10,000 records is not passed up through a generator per level."""
    if isinstance(value, Figure):
        yield path, value
        return
    stack = [(path, _children(value))]
    while stack:
        prefix, items = stack[-1]
        for name, item in items:
            if isinstance(item, Figure):
                yield prefix + (name,), item
            elif isinstance(item, _CONTAINERS):  # text, numbers and None hold no figure
                stack.append((prefix + (name,), _children(item)))
                break
        else:
            stack.pop()


def _children(value: Any) -> Iterator[tuple[Any, Any]]:
    if isinstance(value, BaseModel):
        return iter(model_items(value))
    if isinstance(value, dict):
        return iter(value.items())
    if isinstance(value, (list, tuple)):
        return enumerate(value)
    return iter(())


_CONTAINERS = (BaseModel, dict, list, tuple)


def model_items(model: BaseModel) -> Iterable[tuple[str, Any]]:
    """A model's (name, value) pairs, fields then extra fields, exactly as iterating the model
    gives them, without the generator (a walk over 10,000 records asks 30,000 times)."""
    fields = [(name, value) for name, value in model.__dict__.items() if not name.startswith("_")]
    extra = model.__pydantic_extra__
    return chain(fields, extra.items()) if extra else fields


_PYDANTIC_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的名称",
    "string_type": "这里应是文字",
    "int_type": "这里应是整数",
    "int_parsing": "这里应是整数",
    "list_type": "这里应是列表（每项以“- ”开头）",
    "dict_type": "这里应是“名称: 值”形式的若干项",
    "model_type": "这里应是“名称: 值”形式的若干项",
    "model_attributes_type": "这里应是“名称: 值”形式的若干项",
    "enum": "取值不在允许范围内",
    "too_short": "内容不能为空",
    "string_too_short": "内容不能为空",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "string_pattern_mismatch": "写法不对",
    "date_from_datetime_parsing": "这里应是日期",
}


def translate_error(error: dict, known: list[str] | None = None) -> str:
    kind = error.get("type", "")
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error") or error.get("msg", ""))
        return message.removeprefix("Value error, ")
    base = _PYDANTIC_MESSAGES.get(kind)
    if base is None:
        return f"数据不符合要求（{error.get('msg')}）"
    loc = error.get("loc") or ()
    name = loc[-1] if loc else ""
    if kind == "missing":
        return f"缺少必填项“{name}”"
    if kind == "extra_forbidden":
        return f"不认识的名称“{name}”" + suggest(str(name), known or [])
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return f"取值“{error.get('input')}”不在允许范围内，应为 {expected}"
    if kind in ("greater_than_equal", "less_than_equal"):
        limit = error.get("ctx", {}).get("ge", error.get("ctx", {}).get("le"))
        return f"{base}：{error.get('input')}（界限 {limit}）"
    return base


def _known_fields(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names allowed at `loc` inside `model`, for a "did you mean"."""
    current: Any = model
    key_level = False  # the part before was a dict field: this part is one of its keys
    for part in loc[:-1]:
        if isinstance(part, int) or key_level:
            key_level = False
            continue
        fields = getattr(current, "model_fields", None) or {}
        if part in fields:
            annotation = fields[part].annotation
            key_level = _is_mapping(annotation)
            current = _inner_model(annotation)
        else:  # a record under a name the person chose (activities.walk)
            current = RECORDS_BY_NAME.get(current)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _is_mapping(annotation: Any) -> bool:
    return get_origin(annotation) is dict or any(get_origin(arg) is dict for arg in get_args(annotation))


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def validate_subject(name: str, source: SourceFile, year: int | None = None) -> tuple[Any, list[Finding]]:
    """Validate one file's values; with the report year, its dates are checked against it."""
    model = SUBJECT_MODELS[name]
    context = {"date_window": DateWindow.for_subject(name, year)} if year else None
    try:
        return model.model_validate(source.data if source.data is not None else {}, context=context), []
    except ValidationError as exc:
        findings = []
        for error in exc.errors(include_url=False):
            loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
            problem = (error.get("ctx") or {}).get("error")
            if isinstance(problem, FieldProblem):
                loc += (problem.field,)
            known = _known_fields(model, loc)
            message = _misspelt_name(error, loc, known) or translate_error(error, known)
            where = source.locate(loc) if error.get("type") in _ABOUT_THE_KEY else source.locate_value(loc)
            findings.append(Finding(where, message))
        return None, _dedupe(findings)


def _misspelt_name(error: dict, loc: tuple, known: list[str]) -> str:
    """A record takes any name for a figure, so `plce: 示例湖公园` is read as a figure that
    cannot be one; when the name is spelt like a field, that is the likelier mistake."""
    name = loc[-1] if loc else None
    if error.get("type") == "extra_forbidden" or not isinstance(name, str) or name in known:
        return ""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return f"“{name}”不是这一项的字段{suggest(name, close)}（自取的名称只能用来写数字或日期）" if close else ""


# Errors about a name rather than its value: they point at the name.
_ABOUT_THE_KEY = ("missing", "extra_forbidden")

_UNION_MEMBERS = {figure.__name__ for figure in FIGURE_TYPES}


def _is_union_tag(part: Any) -> bool:
    # pydantic inserts the tried member of a union ("Count", "function-before[...]") into loc.
    return isinstance(part, str) and (part in _UNION_MEMBERS or part.startswith(("function-", "union[")))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, result = set(), []
    for finding in findings:
        key = (finding.location, finding.message)
        if key not in seen:
            seen.add(key)
            result.append(finding)
    return result


def _plan_dates_in_the_report_year(plan: Any, source: SourceFile, year: int) -> list[Finding]:
    """A plan is for next year and later; a date in the report year is plausible (a target due in
    December) but more often a slip of the year, so it is a warning rather than an error."""
    findings = []
    for path, figure in walk_figures(plan, ()):
        dates = (figure.start, figure.end) if isinstance(figure, Period) else (figure,)
        if any(isinstance(d, ReportDate) and d.year == year for d in dates):
            findings.append(Finding(
                source.locate(path),
                f"计划中的日期 {figure} 在报告年度 {year} 年内；计划通常写 {year + 1} 年及以后的事，请确认年份。",
                Severity.WARNING,
            ))
    return findings


class InvalidOrg(FulianError):
    """An organisation folder with errors, with what could be read of it.

    `partial` holds the subjects that did validate; `failed` names the files that
    did not (or could not be read), so that the prose can still be checked
    against the rest and every problem reported in one pass."""

    def __init__(self, findings: list[Finding], partial: OrgData, failed: set[str]):
        super().__init__(findings)
        self.partial = partial
        self.failed = failed


def load_org(folder: Path, year: int | None = None, with_previous: bool = True) -> OrgData:
    """Load and validate `data/<year>/<org>/`; raise FulianError with every finding."""
    folder = Path(folder)
    if year is None:
        if not YEAR_RE.match(folder.parent.name):
            raise FulianError.single(folder, "组织文件夹应放在年度文件夹下，如 data/2021/furong/")
        year = int(folder.parent.name)
    if not folder.is_dir():
        raise FulianError.single(folder, "找不到这个组织文件夹")
    findings: list[Finding] = []
    sources: dict[str, SourceFile] = {}
    subjects: dict[str, Any] = {}
    failed: set[str] = set()
    for path in folder_entries(folder, refuse_link=True):
        if path.name.startswith("."):
            continue
        # A folder named cases.yaml is read as a file and refused as one: skipping it would hide the data.
        if path.suffix.lower() not in (".yaml", ".yml"):
            continue
        stem = path.stem
        if stem not in SUBJECT_MODELS:
            hint = suggest(f"{stem}.yaml", [f"{name}.yaml" for name in SUBJECT_MODELS])
            findings.append(Finding(Location(display_path(path)), f"不认识的文件名“{path.name}”，其中的内容不会用到{hint}", Severity.WARNING))
            continue
        if stem in sources:
            findings.append(Finding(Location(display_path(path)), f"“{stem}”有两个文件（.yaml 与 .yml），请只保留一个。"))
            continue
        try:
            source = load_yaml(path)
            findings.extend(source.warnings)
        except PartialSource as exc:  # still checked, so that all its problems show at once
            findings.extend(exc.findings)
            source = exc.source
        except FulianError as exc:
            findings.extend(exc.findings)
            failed.add(stem)
            continue
        sources[stem] = source
        model, errors = validate_subject(stem, source, year)
        findings.extend(errors)
        if model is not None:
            subjects[stem] = model
            if stem == "plan":
                findings.extend(_plan_dates_in_the_report_year(model, source, year))
        else:
            failed.add(stem)
    for required in REQUIRED_SUBJECTS:
        if required not in sources and not any(f.location.path.endswith(f"{required}.yaml") for f in findings):
            findings.append(Finding(Location(display_path(folder / f"{required}.yaml")), f"缺少必需的文件 {required}.yaml"))
    for name in SUBJECT_MODELS:
        if name not in sources and name not in failed:
            subjects[name] = empty_subject(name) if name not in REQUIRED_SUBJECTS else None
    data = OrgData(org_id=folder.name, year=year, folder=folder, subjects=subjects, sources=sources)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        raise InvalidOrg(findings, data, failed)
    data.warnings = findings
    if with_previous:
        previous_folder = folder.parent.parent / str(year - 1) / folder.name
        if previous_folder.is_dir():
            data.previous = load_org(previous_folder, year - 1, with_previous=False)
    return data

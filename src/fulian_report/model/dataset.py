"""One organisation's report: the YAML files of `data/<year>/<org>/` as validated models.

The report covers the period organisation.yaml states (the calendar year by default; see
period.py), and every date of the other files is checked against it.

Validation errors from pydantic come back with a path inside the data; the
source files know where each path was written, so every finding names the
file, line and column, in Chinese.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ..errors import Finding, FulianError, Location, Severity, suggest
from ..source.yaml_source import PartialSource, SourceFile, display_path, folder_entries, keeping_parsed_files, load_yaml
from .period import PeriodWindow, ReportingPeriod, resolve_period
from .quantities import FIGURE_TYPES, Figure, Period, ReportDate
from .subjects import (
    NO_FULLWIDTH_BRACKETS,
    RECORDS_BY_NAME,
    REQUIRED_SUBJECTS,
    SUBJECT_MODELS,
    FieldProblem,
    Organisation,
    empty_subject,
    fullwidth_hint,
    fullwidth_structure,
    region_level_meant,
)

YEAR_RE = re.compile(r"^\d{4}$")


def named_path(path: Path) -> Path:
    """`path` with each of its folders named: typed as `.`, `..` or `furong` (inside a year
    folder), its parent's name is not the year it is in. Lexical, as the user's `..` means."""
    return Path(os.path.abspath(path))


@dataclass
class OrgData:
    """Everything known of one organisation's report for one period, validated."""

    org_id: str
    year: int
    folder: Path
    subjects: dict[str, Any]
    sources: dict[str, SourceFile] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)
    previous: "OrgData | None" = None
    period: ReportingPeriod | None = None  # None: the calendar year of `year`

    def __post_init__(self) -> None:
        if self.period is None:
            self.period = ReportingPeriod.calendar_year(self.year)

    @property
    def next_period(self) -> ReportingPeriod:
        return self.period.next

    @property
    def next_year(self) -> int:
        """The year of the period after this one: 2022 after 2021, and after 2022年上半年."""
        return self.period.next.last_year

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
    gives them, without the generator (a walk over 10,000 records asks 30,000 times).

    Iterating a model leaves out the names in its `__dict__` that start with "_" (a namespace
    that declares `__pydantic_extra__` holds it there).  Which names a model's `__dict__` holds
    is the same for every model of its class, so they are found once per class: for most
    classes the dictionary's own view is given, for the others a copy without those names (a
    copy is made in C, where filtering each name in Python took eight times as long)."""
    hidden = _HIDDEN_NAMES.get(type(model))
    if hidden is None:
        hidden = _HIDDEN_NAMES[type(model)] = tuple(name for name in model.__dict__ if name.startswith("_"))
    if hidden:
        shown = model.__dict__.copy()
        for name in hidden:
            shown.pop(name, None)
        fields = shown.items()
    else:
        fields = model.__dict__.items()
    extra = model.__pydantic_extra__
    return chain(fields, extra.items()) if extra else fields


_HIDDEN_NAMES: dict[type, tuple[str, ...]] = {}  # model class → the names in its __dict__ iteration leaves out


_MAPPING_EXPECTED = "这里应是“名称: 值”形式的若干项"
_PYDANTIC_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的名称",
    "string_type": "这里应是文字",
    "int_type": "这里应是整数",
    "int_parsing": "这里应是整数",
    "int_from_float": "这里应是整数",
    "float_type": "这里应是数字",
    "float_parsing": "这里应是数字",
    "decimal_type": "这里应是数字",
    "decimal_parsing": "这里应是数字",
    "bool_type": "这里应是“是”或“否”（true 或 false）",
    "bool_parsing": "这里应是“是”或“否”（true 或 false）",
    "list_type": "这里应是列表（每项以“- ”开头，或写成 [甲, 乙]）",
    "tuple_type": "这里应是列表（每项以“- ”开头，或写成 [甲, 乙]）",
    "dict_type": _MAPPING_EXPECTED,
    "model_type": _MAPPING_EXPECTED,
    "model_attributes_type": _MAPPING_EXPECTED,
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "too_short": "内容不能为空",
    "string_too_short": "内容不能为空",
    "too_long": "内容太多",
    "string_too_long": "文字太长",
    "greater_than_equal": "数值太小",
    "greater_than": "数值太小",
    "less_than_equal": "数值太大",
    "less_than": "数值太大",
    "finite_number": "这里应是一个确定的数，不能写 .inf（无穷大）或 .nan（非数）",
    "int_parsing_size": "数值太大",
    "string_pattern_mismatch": "写法不对",
    "date_from_datetime_parsing": "这里应是日期",
    "date_type": "这里应是日期",
    "date_parsing": "这里应是日期",
    "none_required": "这里不应写内容",
}


def translate_error(error: dict, known: list[str] | None = None, fields: dict[str, str] | None = None) -> str:
    """pydantic's error in Chinese; `fields` (name → description) are those of the mapping
    expected where a text was written, for the message to name them."""
    kind = error.get("type", "")
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error") or error.get("msg", "")).removeprefix("Value error, ")
        mark = fullwidth_structure(error.get("input"))
        if mark in ("［", "｛"):  # a figure written as a list or mapping in full-width brackets
            return f"{message.rstrip('。')}。{fullwidth_hint(mark)}"
        return message
    base = _PYDANTIC_MESSAGES.get(kind)
    if base is None:
        return "这里的值不符合要求；请对照 README 或同类文件的写法检查。"
    loc = error.get("loc") or ()
    name = loc[-1] if loc else ""
    given = _shown(error.get("input"))
    if error.get("input") is None and kind != "missing":
        return f"“{name}”后面没有写内容；请填写，或连同名称一起删去这一行" if isinstance(name, str) and name else "这里没有写内容"
    if kind == "missing":
        return f"缺少必填项“{name}”"
    if kind == "float_type" and isinstance(error.get("input"), int) and not isinstance(error.get("input"), bool):
        return "数值太大"  # an integer past any float (10**400): a number all the same
    if kind == "extra_forbidden":
        # Where the known names are region's levels, a level's English word says which one is meant.
        level = region_level_meant(str(name)) if {"province", "district"} <= set(known or ()) else ""
        return f"不认识的名称“{name}”" + (level or suggest(str(name), known or []))
    if kind in ("enum", "literal_error"):
        expected = str(error.get("ctx", {}).get("expected", ""))
        choices = "、".join(part.strip(" '\"") for part in re.split(r"', '|' or '|', or '", expected))
        return f"取值“{given}”不在允许范围内，应为 {choices} 之一"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        ctx = error.get("ctx", {})
        limit = next((ctx[k] for k in ("ge", "le", "gt", "lt") if k in ctx), "")
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)  # a float setting's bound 100, not Python's 100.0
        return f"{base}：{given}（界限 {limit}）"
    if isinstance(given, str) and kind in ("dict_type", "model_type", "model_attributes_type", "list_type"):
        mark = fullwidth_structure(given)
        if mark is not None:
            return f"{base}，但这里是一段文字“{given}”：{fullwidth_hint(mark)}"
        if fields and kind != "list_type":
            listed = "、".join(f"{field}（{description}）" if description else field for field, description in fields.items())
            return f"{base}，不是一段文字“{given}”：请分项写出 {listed}，每项一行“名称: 值”。"
    if kind == "string_pattern_mismatch":
        return f"写法不对：“{given}”" + (f"；{_field_hint(name)}" if _field_hint(name) else "")
    return base


def _shown(value: Any) -> Any:
    """A value as the person typed it in YAML (true, not Python's True)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _field_hint(name: Any) -> str:
    return {
        "measure": "应写成 文件名.条目.字段，如 activities.anti_drug.sessions",
        "sign": "应是 % 或 ％",
    }.get(str(name), "一个量词是一到四个汉字或字母" if isinstance(name, int) else "")


def _expected_fields(model: type[BaseModel], loc: tuple) -> dict[str, str]:
    """The required fields (name → description) of the model expected at `loc`, for a text written in its place."""
    fields = _known_fields(model, (*loc, ""))
    current: Any = model
    for part in loc:
        inner = getattr(current, "model_fields", {}).get(part)
        current = _inner_model(inner.annotation) if inner is not None else RECORDS_BY_NAME.get(current)
        if current is None:
            return {}
    required = {name: info for name, info in current.model_fields.items() if name in fields and info.is_required()}
    return {name: (info.description or "") for name, info in required.items()}


def _known_fields(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names allowed at `loc` inside `model`, for a "did you mean"."""
    return list(_field_infos(model, loc))


def _field_infos(model: type[BaseModel], loc: tuple) -> dict[str, Any]:
    """The fields (name → pydantic FieldInfo) allowed at `loc` inside `model`."""
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
            return {}
    fields = getattr(current, "model_fields", None)
    return dict(fields) if fields else {}


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


def validate_subject(
    name: str, source: SourceFile, period: ReportingPeriod | int | None = None, measure_words: Iterable[str] = ()
) -> tuple[Any, list[Finding]]:
    """Validate one file's values; with the report's period (or year), its dates are checked against it;
    `measure_words` are the office's own (organisation.yaml), besides the built-in ones."""
    model = SUBJECT_MODELS[name]
    if isinstance(period, int):
        period = ReportingPeriod.calendar_year(period)
    context: dict[str, Any] = {NO_FULLWIDTH_BRACKETS: not source.may_hold_fullwidth_brackets}
    if period:
        context["date_window"] = PeriodWindow.for_subject(name, period)
    if measure_words:
        context["measure_words"] = tuple(measure_words)
    from .unfilled import unfilled  # values `init` left to fill: one message each, the rest checked

    to_fill, values = unfilled(source)
    try:
        validated = model.model_validate(values if values is not None else {}, context=context)
        return validated, to_fill
    except ValidationError as exc:
        findings = []
        errors = exc.errors(include_url=False)
        # A figure refused for its value (a 2021 date in 2022's data) is also reported by the union's
        # other members as "not a mapping": that says nothing true about it, so it is left out.
        refused = {tuple(p for p in e["loc"] if not _is_union_tag(p)) for e in errors if e.get("type") == "value_error"}
        for error in errors:
            loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
            if error.get("type") in _SHAPE_ERRORS and loc in refused:
                continue
            problem = (error.get("ctx") or {}).get("error")
            if isinstance(problem, FieldProblem):
                loc += (problem.field,)
            known = _known_fields(model, loc)
            expected = _expected_fields(model, loc) if error.get("type") in ("model_type", "model_attributes_type") else None
            message = _misspelt_name(error, loc, _field_infos(model, loc)) or translate_error(error, known, expected)
            where = source.locate(loc) if error.get("type") in _ABOUT_THE_KEY else source.locate_value(loc)
            where = _at_fullwidth_mark(where, error.get("input"), source)
            findings.append(Finding(where, message))
        return None, _dedupe(to_fill + findings)


def _misspelt_name(error: dict, loc: tuple, fields: dict[str, Any]) -> str:
    """A record takes any name for a figure, so `plce: 示例湖公园` is read as a figure that
    cannot be one; when the name is spelt like a field, that is the likelier mistake."""
    name = loc[-1] if loc else None
    if error.get("type") == "extra_forbidden" or not isinstance(name, str) or name in fields:
        return ""
    if isinstance((error.get("ctx") or {}).get("error"), FieldProblem):
        return ""  # a record's rule (a share over 100%) broken at a figure it names: the name is meant
    # Only a field that takes what is written there: `sum: abc` is no misspelt `sums`, which holds a mapping.
    written_mapping = isinstance(error.get("input"), dict)
    shaped = [field for field, info in fields.items() if _is_mapping(info.annotation) == written_mapping]
    close = difflib.get_close_matches(name, shaped, n=1, cutoff=0.75)
    return f"“{name}”不是这一项的字段{suggest(name, close)}（自取的名称只能用来写数字或日期）" if close else ""


def _at_fullwidth_mark(where: Location, given: Any, source: SourceFile) -> Location:
    """A text that should have been a mapping or list because of a full-width mark: point at the mark."""
    if not isinstance(given, str) or not where.line or where.line > len(source.lines):
        return where
    mark = fullwidth_structure(given)
    if mark is None:
        return where
    column = source.lines[where.line - 1].find(mark, max(where.column - 1, 0))
    return Location(where.path, where.line, column + 1) if column >= 0 else where


_SHAPE_ERRORS = ("model_type", "model_attributes_type", "dict_type")
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


def _plan_dates_in_the_period(plan: Any, source: SourceFile, period: ReportingPeriod) -> list[Finding]:
    """A plan is for the period after the report's and later; a date in the report's own period is
    plausible (a target due in December) but more often a slip, so it is a warning, not an error."""
    findings = []
    year = period.last_year
    for path, figure in walk_figures(plan, ()):
        dates = (figure.start, figure.end) if isinstance(figure, Period) else (figure,)
        if not any(isinstance(d, ReportDate) and period.holds(d) for d in dates):
            continue
        if period.is_calendar_year:
            message = f"计划中的日期 {figure} 在报告年度 {year} 年内；计划通常写 {year + 1} 年及以后的事，请确认年份。"
        else:
            message = f"计划中的日期 {figure} 在报告期间{period.words}内；计划通常写{period.next.words}及以后的事，请确认日期。"
        findings.append(Finding(source.locate(path), message, Severity.WARNING))
    return findings


def _period_of(organisation: Any, source: SourceFile | None, year: int) -> tuple[ReportingPeriod, list[Finding]]:
    """The report's period from organisation.yaml; a span must end in the folder's year."""
    period = resolve_period(organisation.period if organisation is not None else None, year)
    if period.last_year == year:
        return period, []
    where = source.locate_value(("period", "end")) if source is not None else Location("")
    message = (f"期间的结束日期 {period.end} 不在 {year} 年：数据应放在期间最后一年的文件夹里"
               f"（这份数据应放在 {period.last_year} 年的文件夹中），或改正结束日期")
    return period, [Finding(where, message)]  # the other files are still checked against the period as written


def previous_folder(folder: Path, period: ReportingPeriod) -> Path:
    """Where the data of the period before is: the folder of its last year, same organisation.
    Relative where `folder` is, so that messages show it as the user's own path does."""
    named = named_path(folder)
    before = named.parent.parent / str(period.previous.last_year) / named.name
    return before if Path(folder).is_absolute() else Path(os.path.relpath(before))


def is_previous_period(previous: "OrgData", period: ReportingPeriod) -> bool:
    """Whether data found for the period before is of that period (an annual report is not a half-year's)."""
    before = period.previous
    return (previous.period.first_day, previous.period.last_day) == (before.first_day, before.last_day)


class InvalidOrg(FulianError):
    """An organisation folder with errors, with what could be read of it.

    `partial` holds the subjects that did validate; `failed` names the files that
    did not (or could not be read), so that the prose can still be checked
    against the rest and every problem reported in one pass."""

    def __init__(self, findings: list[Finding], partial: OrgData, failed: set[str]):
        super().__init__(findings)
        self.partial = partial
        self.failed = failed


# Validations of kept parses (yaml_source.keep_parsed_files), by what they depend on: in watch or
# preview a save changes one file, and the others' models are the same as before.
_validations: OrderedDict[tuple, tuple[SourceFile, Any, tuple[Finding, ...]]] = OrderedDict()
_VALIDATIONS_KEPT = 200


def _validated(stem: str, source: SourceFile, period: ReportingPeriod, own_words: Iterable[str] = ()) -> tuple[Any, list[Finding]]:
    """validate_subject, remembered in a process that keeps its parses: the same parse (the same
    object), period and measure words validate to the same frozen model and findings."""
    if not keeping_parsed_files():
        return validate_subject(stem, source, period, own_words)
    key = (stem, id(source), period, tuple(own_words))
    kept = _validations.get(key)
    if kept is not None and kept[0] is source:
        _validations.move_to_end(key)
        return kept[1], list(kept[2])
    model, errors = validate_subject(stem, source, period, own_words)
    _validations[key] = (source, model, tuple(errors))  # the parse is held, so its id is not reused meanwhile
    while len(_validations) > _VALIDATIONS_KEPT:
        _validations.popitem(last=False)
    return model, errors


def load_org(folder: Path, year: int | None = None, with_previous: bool = True) -> OrgData:
    """Load and validate `data/<year>/<org>/`; raise FulianError with every finding."""
    folder = Path(folder)
    named = named_path(folder)
    if year is None:
        if not YEAR_RE.match(named.parent.name):
            raise FulianError.single(folder, "组织文件夹应放在年度文件夹下，如 data/2021/furong/")
        year = int(named.parent.name)
    if not folder.is_dir():
        raise FulianError.single(folder, "找不到这个组织文件夹")
    findings: list[Finding] = []
    sources: dict[str, SourceFile] = {}
    subjects: dict[str, Any] = {}
    failed: set[str] = set()
    period = ReportingPeriod.calendar_year(year)
    # organisation.yaml first: it says the period every other file's dates are checked against.
    for path in sorted(folder_entries(folder, refuse_link=True), key=lambda p: (p.stem != "organisation", p.name)):
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
        own_words = subjects["organisation"].measure_words if "organisation" in subjects else ()
        model, errors = _validated(stem, source, period, own_words)
        findings.extend(errors)
        if stem == "organisation" and model is not None:
            period, problems = _period_of(model, source, year)
            findings.extend(problems)
            if not period.is_calendar_year:  # the date line is checked against the period
                model, errors = _validated(stem, source, period)
                findings.extend(errors)
        if model is not None:
            subjects[stem] = model
            if stem == "organisation" and model.report_date is None:
                findings.append(Finding(source.locate(()), "没有写成文日期 report_date：报告将没有日期行；"
                                        f"要写日期，请加一行如 report_date: {period.example_report_date.isoformat()}", Severity.WARNING))
            if stem == "plan":
                findings.extend(_plan_dates_in_the_period(model, source, period))
        else:
            failed.add(stem)
    for required in REQUIRED_SUBJECTS:
        if required not in sources and not any(f.location.path.endswith(f"{required}.yaml") for f in findings):
            findings.append(Finding(Location(display_path(folder / f"{required}.yaml")), f"缺少必需的文件 {required}.yaml"))
    for name in SUBJECT_MODELS:
        if name not in sources and name not in failed:
            subjects[name] = empty_subject(name) if name not in REQUIRED_SUBJECTS else None
    data = OrgData(org_id=named.name, year=year, folder=folder, subjects=subjects, sources=sources, period=period)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        raise InvalidOrg(findings, data, failed)
    data.warnings = findings
    if with_previous:
        before = previous_folder(folder, period)
        if before.is_dir():
            previous = load_org(before, period.previous.last_year, with_previous=False)
            data.previous = previous if is_previous_period(previous, period) else None
    return data

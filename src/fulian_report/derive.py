"""Figures the data implies: totals, shares, how the targets of the period before were met,
and how each figure changed against the same figure of the period before.

Nothing here is stored in YAML: a total or share that can be computed is
computed, so it can never disagree with its parts.  Templates and prose
reach these as `{{ derived.… }}`.
"""

from __future__ import annotations

import dataclasses
import re
import weakref
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Callable, Iterable

from pydantic import BaseModel

from .errors import Finding, Severity, suggest
from .model.dataset import previous_folder
from .model.quantities import Count, Figure, Money, MoneyDisplay, Qualifier, Share, plain_decimal
from .model.subjects import RESULT_FILES, FundDirection, HonorLevel
from .source.yaml_source import display_path


def total_money(amounts: Iterable[Money]) -> Money | None:
    amounts = [a for a in amounts if a is not None]
    if not amounts:
        return None
    display = MoneyDisplay.WAN_YUAN if any(a.display is MoneyDisplay.WAN_YUAN for a in amounts) else MoneyDisplay.YUAN
    exact = all(a.qualifier is Qualifier.EXACT for a in amounts)
    return Money(yuan=sum((a.yuan for a in amounts), Decimal(0)), display=display,
                 qualifier=Qualifier.EXACT if exact else Qualifier.MORE_THAN)


@dataclass(frozen=True)
class TargetProgress:
    """How far a plan target of the period before (last year, the last half-year, the last five
    years) was met by this period's figure."""

    target: Any
    actual: Any
    met: bool


def previous_data_missing(folder: Path, period: Any, consequence: str) -> str:
    """Why the period before has no data, and where it was looked for: `consequence` says what
    cannot be done without it."""
    found = "那里的数据是别的期间的（organisation.yaml 的 period 不同）" if folder.is_dir() else "那里没有这个文件夹"
    return (f"没有找到上一期间（{period.previous.words}）的数据，{consequence}："
            f"上一期间的数据应在 {display_path(folder)}，{found}")


class NoPreviousData(dict):
    """`target_progress` when the period before has no data: empty, and a name looked up in it
    says why (see ReportUndefined), where "“t”不存在" alone sends one looking for a typo."""

    def __init__(self, folder: Path | None = None, period: Any = None):
        super().__init__()
        self.folder, self.period = folder, period

    @property
    def missing_reason(self) -> str:
        # Told only when prose looks a name up: most reports never do, and resolving the folder is not free.
        if self.folder is None:
            return ""
        return previous_data_missing(self.folder, self.period, "计划目标的完成情况无从算起")


def _no_previous_data(data: Any) -> NoPreviousData:
    return NoPreviousData(previous_folder(data.folder, data.period), data.period)


def _named(words: str, record_in: tuple = ()) -> dict:
    """A derived figure's Chinese name (the 附件 table's row), and for a mapping where its
    entries' records are (file, path), so that a row reads 困难妇女救助：超出目标."""
    return {"words": words, "record_in": record_in}


@dataclass(frozen=True)
class Derived:
    funds_raised: Money | None = field(default=None, metadata=_named("募集资金合计"))
    funds_paid: Money | None = field(default=None, metadata=_named("发放资金合计"))
    funds_over_target: dict[str, Money] = field(default_factory=dict, metadata=_named("超出目标的金额", ("funds",)))
    honors_by_level: dict[str, int] = field(default_factory=dict)
    mediation_success: Share | None = field(default=None, metadata=_named("婚姻家庭纠纷调和率"))
    women_shares: dict[str, Share] = field(default_factory=dict, metadata=_named("女性比例", ("organisation_building", "committees")))
    target_progress: dict[str, TargetProgress] = field(default_factory=dict)
    # Each figure against the period before (the 比上年 filter, the 附件 table); None outside a report.
    comparison: "Comparison | None" = None


def count_by_level(levels: Iterable[HonorLevel | None]) -> dict[str, int]:
    """Honours by level, highest first: one entry per rank, named by the words the data
    wrote for it (自治区 and 省 are one level; "区、县" if an office wrote both)."""
    words: dict[int, list[str]] = {}
    counts: dict[int, int] = {}
    for level in levels:
        if level is None:
            continue
        words.setdefault(level.rank, [])
        if level.value not in words[level.rank]:
            words[level.rank].append(level.value)
        counts[level.rank] = counts.get(level.rank, 0) + 1
    return {"、".join(words[rank]): counts[rank] for rank in sorted(counts)}


def derive(data: Any) -> Derived:
    subjects = data.subjects
    funds = dict(subjects["funds"].items())
    over_target = {
        name: Money(yuan=fund.amount.yuan - fund.target.yuan, display=fund.amount.display)
        for name, fund in funds.items()
        if fund.target is not None and fund.amount.yuan >= fund.target.yuan
    }
    honors_by_level = count_by_level(honor.level for _, honor in subjects["honors"].items())
    mediation = subjects["cases"].mediation
    success = None
    if mediation and mediation.couples_reconciled and mediation.couples_received.value:
        success = Share.of(mediation.couples_reconciled.value, mediation.couples_received.value)
    shares = {
        name: committee.women_share
        for name, committee in subjects["organisation_building"].committees.items()
        if committee.women_share is not None
    }
    comparison = Comparison(data)
    derived = Derived(
        funds_raised=total_money(f.amount for f in funds.values() if f.direction is FundDirection.RAISED),
        funds_paid=total_money(f.amount for f in funds.values() if f.direction is FundDirection.PAID),
        funds_over_target=over_target,
        honors_by_level=honors_by_level,
        mediation_success=success,
        women_shares=shares,
        target_progress=_target_progress(data),
        comparison=comparison,
    )
    # The very figures prose prints, to know them by identity; weakly, so that no cycle keeps the data alive.
    comparison.derived = weakref.ref(derived)
    return derived


def resolve_name(subjects: dict[str, Any], dotted: str) -> Any:
    """`activities.anti_drug.sessions` → the figure, or None where the data has no such name."""
    head, *rest = dotted.split(".")
    return value_at(subjects.get(head), tuple(rest))


def value_at(value: Any, path: tuple) -> Any:
    """What lies at `path` (names and list positions, as `OrgData.figures` gives them) under
    `value`, or None where there is nothing."""
    for part in path:
        if value is None:
            return None
        if isinstance(part, int):
            value = value[part] if isinstance(value, (list, tuple)) and -len(value) <= part < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            extra = getattr(value, "model_extra", None) or {}
            value = extra[part] if part in extra else getattr(value, part, None)
    return value


def _target_progress(data: Any) -> dict[str, TargetProgress]:
    """The plan targets of the period before measured by this period's figures (where a target names
    its measure).  `data.previous` is the data of exactly that period (see dataset.previous_folder)."""
    if data.previous is None:
        return _no_previous_data(data)
    progress = {}
    for name, target in data.previous.subjects["plan"].targets.items():
        if not target.measure:
            continue
        actual = resolve_name(data.subjects, target.measure)
        goal = target.target
        if actual is None or type(actual) is not type(goal):
            continue
        met = _magnitude(actual) >= _magnitude(goal)
        progress[name] = TargetProgress(target=goal, actual=actual, met=met)
    return progress


def _magnitude(figure: Any) -> Decimal:
    if isinstance(figure, Count):
        return Decimal(figure.value)
    if isinstance(figure, Money):
        return figure.yuan
    if isinstance(figure, Share):
        return figure.percent
    raise TypeError(figure)


# -- against the period before ---------------------------------------------------------------

class NotComparable(ValueError):
    """A figure that cannot be set against the period before, said in Chinese with where its
    counterpart was looked for (the template layer places it at the prose's line)."""


# A rate is written to one decimal, as the genre writes 同比增长8.3%.
_ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Change:
    """This period's figure against the same figure of the period before, said in the genre's words.

    Counts and money change by an amount in the figure's own measure word and display unit
    (增加1对, 减少0.8万元) and a rate of one decimal (增长0.2%); a share changes by percentage points.
    A qualifier on either figure (余, 近, 左右…) leaves only an approximate amount and no rate:
    700余名 against 600余名 is about a hundred more, never exactly 16.7% more."""

    before: Figure
    now: Figure

    @property
    def approximate(self) -> bool:
        return any(getattr(figure, "qualifier", Qualifier.EXACT) is not Qualifier.EXACT for figure in (self.before, self.now))

    @property
    def difference(self) -> Decimal:
        return _magnitude(self.now) - _magnitude(self.before)

    @property
    def rate(self) -> Decimal | None:
        """The change in percent of the period before, to one decimal; None where it says nothing
        true (a share, an approximate figure, nothing the period before)."""
        base = _magnitude(self.before)
        if isinstance(self.now, Share) or self.approximate or not base:
            return None
        return (abs(self.difference) * 100 / base).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)

    @property
    def amount(self) -> str:
        """The size of the change, in the figure's own words: 1对, 0.8万元, 1.2个百分点."""
        size = abs(self.difference)
        if isinstance(self.now, Share):
            return f"{plain_decimal(size)}个百分点"
        if isinstance(self.now, Count):
            return str(self.now.model_copy(update={"value": int(size), "qualifier": Qualifier.EXACT}))
        return str(self.now.model_copy(update={"yuan": size, "qualifier": Qualifier.EXACT}))

    def words(self, lead: str = "") -> str:
        """增加1对（增长0.2%）after `lead` (比上年, 同比, or nothing); 与上年持平 when unchanged."""
        difference = self.difference
        if not difference:
            level = "基本持平" if self.approximate else "持平"
            return f"与{lead[1:]}{level}" if lead[:1] in ("比", "较") else f"{lead}{level}"
        rising = difference > 0
        if isinstance(self.now, Share):
            return f"{lead}{'提高' if rising else '下降'}{self.amount}"
        verb = "增加" if rising else "减少"
        if self.approximate:
            return f"{lead}{verb}约{self.amount}"
        rate = self.rate
        if rate is None:  # nothing the period before: an amount, no rate
            return f"{lead}{verb}{self.amount}"
        percent = f"{rate:.1f}%" if rate else "不足0.1%"  # 3.0%, not 3%: one decimal throughout
        return f"{lead}{verb}{self.amount}（{'增长' if rising else '下降'}{percent}）"

    def __str__(self) -> str:
        return self.words()


# Kinds of figure that can be set against the period before (dates, periods and ranges cannot).
COMPARABLE = (Count, Money, Share)
# Files whose figures are no part of the year's results: who reports, its texts, next year's aims.
_NOT_RESULTS = ("organisation", "narrative", "plan")
# What each data file is about, as the 附件 table groups its rows.
SUBJECT_HEADINGS = RESULT_FILES


@dataclass(frozen=True)
class ComparisonRow:
    name: str
    before: Figure
    now: Figure

    @property
    def change(self) -> Change:
        return Change(self.before, self.now)


@dataclass(frozen=True)
class ComparisonGroup:
    heading: str
    rows: tuple[ComparisonRow, ...]


def comparison_table_problems(data: Any) -> list[Finding]:
    """Why the 附件 table organisation.yaml asks for cannot be made, at the setting's line, or at
    the line of each figure it lists that this period lacks or the period before cannot match."""
    setting = data.organisation.comparison_table
    if not setting:
        return []
    where = data.locate("organisation", ("comparison_table",))
    if data.previous is None:
        folder = previous_folder(data.folder, data.period)
        return [Finding(where, previous_data_missing(folder, data.period, "无法附上主要数据对比表（comparison_table）"))]
    derived = derive(data)  # held here: the comparison reaches it only weakly
    comparison = derived.comparison
    if setting is True:
        if comparison.groups():
            return []
        return [Finding(where, f"上一期间（{data.period.previous.words}）的数据（{display_path(data.previous.folder)}）"
                               "与本期没有同一文件、同样名称的计数、金额或比例，对比表无从列出")]
    problems = []
    for index, name in enumerate(setting):
        try:
            comparison.named_change(name)
        except NotComparable as problem:
            problems.append(Finding(data.sources["organisation"].locate_value(("comparison_table", index)), f"comparison_table：{problem}"))
    return problems


def comparison_table_warnings(data: Any) -> list[Finding]:
    """The figures the 附件 table leaves out for want of a Chinese name, each at its line."""
    if not data.organisation.comparison_table or data.previous is None:
        return []
    derived = derive(data)  # held here: the comparison reaches it only weakly
    return derived.comparison.unnamed()


def shown_in_comparison_table(data: Any) -> set[str]:
    """The names (cases.mediation.couples_received) of the figures the 附件 table prints, if asked for."""
    organisation = data.subjects.get("organisation")  # None where organisation.yaml has errors
    if organisation is None or not organisation.comparison_table:
        return set()
    return {".".join(str(part) for part in (subject, *path)) for subject, path, _ in Comparison(data).table_figures()}


class Comparison:
    """The figures of a report set against the same figures (same file, same key path) of the
    period before: `data.previous`, the data of exactly that period (last year for a year,
    the half-year before for a half-year)."""

    def __init__(self, data: Any):
        self.data = data
        self.derived: Callable[[], Derived | None] = lambda: None  # set by derive(): this report's derived figures
        self._paths: dict[int, tuple[str, tuple]] | None = None
        self._previous_derived: Derived | None = None
        self._by_name: dict[str, Figure] | None = None
        self._under: dict[str, list[str]] = {}

    @property
    def lead(self) -> str:
        """The words a change follows by default: 比上年 for a year, 比上期 for another period."""
        return "比上年" if self.data.period.is_calendar_year else "比上期"

    def change(self, figure: Any) -> Change:
        """`figure` (one printed from this report's data) against the period before; NotComparable says why not."""
        if not isinstance(figure, COMPARABLE):
            raise NotComparable(f"“{figure}”不是计数、金额或比例，不能与上一期间比较")
        where = self._path_of(figure)
        if where is None:
            raise NotComparable(f"“{figure}”不是本期数据中的数字（只有本期数据文件中的数字和 derived 下的数字能与上一期间比较）")
        subject, path = where
        named = ".".join(str(part) for part in (subject, *path))
        if self.data.previous is None:
            folder = previous_folder(self.data.folder, self.data.period)
            raise NotComparable(previous_data_missing(folder, self.data.period, f"无法写出 {named} 与上一期间的比较"))
        before = self._before(subject, path)
        if before is None:
            raise NotComparable(
                f"上一期间（{self.data.period.previous.words}）的数据中没有 {named}，无法比较："
                f"在 {self._looked_in(subject)} 中找过；请在那里补上这一项（同一文件、同样的名称），或不写这个比较"
            )
        problem = _mismatch(before, figure)
        if problem:
            raise NotComparable(f"{named} 本期是 {figure}，上一期间（{self._looked_in(subject)}）是 {before}：{problem}，无法比较")
        return Change(before, figure)

    def groups(self) -> tuple[ComparisonGroup, ...]:
        """The figures of the table. With `comparison_table: true`, the counts, money and shares of
        the result files that both periods have, in the data's order, grouped by file; with a list,
        the figures listed, in its order, as one group without a heading. Each row is named by the
        figure's YAML comment, else its field's description."""
        named = [(subject, path, self._name(subject, path), change) for subject, path, change in self.table_figures()]
        named = [each for each in named if each[2]]  # a figure without a Chinese name is left out, with a warning
        if isinstance(self.data.organisation.comparison_table, list):
            return (ComparisonGroup("", tuple(ComparisonRow(name, change.before, change.now) for _, _, name, change in named)),)
        rows: dict[str, list[tuple[int, ComparisonRow]]] = {}
        for subject, path, name, change in named:
            rows.setdefault(subject, []).append((self._line(subject, path), ComparisonRow(name, change.before, change.now)))
        order = list(SUBJECT_HEADINGS)
        return tuple(
            ComparisonGroup(SUBJECT_HEADINGS.get(subject, subject), tuple(row for _, row in sorted(found, key=lambda each: each[0])))
            for subject, found in sorted(rows.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
        )

    def table_figures(self) -> Iterable[tuple[str, tuple, Change]]:
        """(file, path, change) of each figure the table sets against the period before."""
        if self.data.previous is None:
            return
        setting = self.data.organisation.comparison_table
        if isinstance(setting, list):
            for name in setting:
                try:
                    change = self.named_change(name)
                except NotComparable:  # told at the name's line by comparison_table_problems
                    continue
                subject, *path = _name_parts(name)
                yield subject, tuple(path), change
            return
        for subject, path, figure in self.data.figures():
            if subject in _NOT_RESULTS or any(isinstance(part, int) for part in path):
                continue
            change = self.change_at(subject, path, figure)
            if change is not None:
                yield subject, path, change

    def named_change(self, name: str) -> Change:
        """The figure named as prose names it (cases.mediation.couples_received, derived.funds_raised)
        against the period before; NotComparable says why not: with the figures under `name` where
        it names a record, with a name this period has where it is none."""
        figures = self._figures_by_name()
        if name in figures:
            return self.change(figures[name])
        under = self._under.get(name)
        if under:
            raise NotComparable(f"{name} 是一组数据，不是一个数字；请写出其中要比较的一项，如 {'、'.join(under)}")
        subject, *path = _name_parts(name)
        if subject == "derived":
            found = self._derived_figure(tuple(path))
        else:
            holder = value_at(self.data.subjects.get(subject), tuple(path[:-1]))
            found = None if isinstance(holder, Figure) else value_at(self.data.subjects.get(subject), tuple(path))
        if found is not None:
            raise NotComparable(f"{name} 不是计数、金额或比例，不能与上一期间比较")
        known = [known for known in figures if known.startswith(f"{subject}.")]
        raise NotComparable(f"本期数据中没有 {name}" + (suggest(name, known) if known else ""))

    def _figures_by_name(self) -> dict[str, Figure]:
        """Every count, amount and share of the result files and under derived, by its name, and
        (in `_under`) the first few under each record's name; made once, for a list of any length."""
        if self._by_name is None:
            named = [
                (".".join(str(part) for part in (subject, *path)), figure)
                for subject, path, figure in self.data.figures()
                if subject not in _NOT_RESULTS and isinstance(figure, COMPARABLE)
            ]
            named += [(".".join(("derived", *(str(part) for part in path))), figure) for _, path, figure in _derived_figures(self.derived())]
            self._by_name = dict(named)
            for name in self._by_name:
                parts = name.split(".")
                for end in range(2, len(parts)):
                    shown = self._under.setdefault(".".join(parts[:end]), [])
                    if len(shown) < 3:
                        shown.append(name)
        return self._by_name

    def _derived_figure(self, path: tuple) -> Any:
        found = getattr(self.derived(), path[0], None) if path else None
        return found.get(path[1]) if len(path) == 2 and isinstance(found, dict) else (found if len(path) == 1 else None)

    def _line(self, subject: str, path: tuple) -> int:
        """Where the figure is written: a model lists its declared fields first, the file as written."""
        source = self.data.sources.get(subject)
        return source.locate_value(path).line if source is not None else 0

    def change_at(self, subject: str, path: tuple, figure: Any) -> Change | None:
        """`figure`, at `path` of file `subject`, against the period before; None where it has no like figure there."""
        if self.data.previous is None or not isinstance(figure, COMPARABLE):
            return None
        before = value_at(self.data.previous.subjects.get(subject), path)
        return Change(before, figure) if isinstance(before, COMPARABLE) and not _mismatch(before, figure) else None

    def _path_of(self, figure: Any) -> tuple[str, tuple] | None:
        if self._paths is None:  # built at the first comparison: most reports make none
            paths = {id(f): (subject, path) for subject, path, f in self.data.figures()}
            for name, path, f in _derived_figures(self.derived()):
                paths[id(f)] = ("derived", path)
            self._paths = paths
        return self._paths.get(id(figure))

    def _before(self, subject: str, path: tuple) -> Any:
        if subject == "derived":
            if self._previous_derived is None:
                self._previous_derived = derive(self.data.previous)
            found = getattr(self._previous_derived, path[0], None)
            return found.get(path[1]) if len(path) > 1 and isinstance(found, dict) else found
        return value_at(self.data.previous.subjects.get(subject), path)

    def _looked_in(self, subject: str) -> str:
        previous = self.data.previous
        if subject == "derived":
            return display_path(previous.folder)
        source = previous.sources.get(subject)
        return source.display_path if source is not None else display_path(Path(previous.folder) / f"{subject}.yaml")

    def unnamed(self) -> list[Finding]:
        """A warning at each figure the table leaves out for want of a Chinese name: a key such as
        couples_received is never printed in the report."""
        # Every figure under derived has a name of its own (Derived's metadata), so the figure is in a data file.
        return [
            Finding(
                self.data.locate(subject, path),
                f"{'.'.join(str(part) for part in (subject, *path))} 没有中文名称，主要数据对比表（附件）未列出这一项："
                "请在这一行后面加注释写出它的名称，如“# 接待准离婚夫妻”",
                Severity.WARNING,
            )
            for subject, path, _ in self.table_figures()
            if not self._name(subject, path)
        ]

    def _name(self, subject: str, path: tuple) -> str:
        """A row's name: the figure's own comment, else its field's description; after the record's
        comment, name or description where the figure belongs to a record that has one. "" where
        the figure has no Chinese name: its key is no name for a reader."""
        if subject == "derived":
            return self._derived_name(path)
        own = self._comment(subject, path) or _field_words(value_at(self.data.subjects[subject], path[:-1]), path[-1])
        if len(path) < 2 or not own:
            return own
        called = self._record_called(subject, path[:-1]) or _field_words(value_at(self.data.subjects[subject], path[:-2]), path[-2])
        return f"{called}：{own}" if called else own

    def _derived_name(self, path: tuple) -> str:
        """A derived figure's name (Derived's field metadata), after its record's name for an entry
        of a mapping: 村两委：女性比例."""
        meta = next((each.metadata for each in dataclasses.fields(Derived) if each.name == path[0]), {})
        words = meta.get("words", "")
        record_in = meta.get("record_in") or ()
        if len(path) < 2 or not record_in or not words:
            return words
        subject, *inside = record_in
        called = self._record_called(subject, (*inside, path[1]))
        return f"{called}：{words}" if called else words

    def _record_called(self, subject: str, path: tuple) -> str:
        """What the record at `path` is called: its YAML comment, else its `name`; "" for neither."""
        name = getattr(value_at(self.data.subjects.get(subject), path), "name", None)
        return self._comment(subject, path) or (name if isinstance(name, str) else "")

    def _comment(self, subject: str, path: tuple) -> str:
        source = self.data.sources.get(subject)
        if source is None:
            return ""
        where = source.locate_value(path) if len(path) else source.locate(path)
        if not where.line or where.line > len(source.lines):
            return ""
        return _comment_words(source.lines[where.line - 1][max(where.column - 1, 0):])


def _name_parts(name: str) -> list:
    """cases.items.0.sessions → ["cases", "items", 0, "sessions"]: a list position as a number."""
    return [int(part) if part.isdigit() else part for part in name.split(".")]


_COMMENT = re.compile(r"(?:^|\s)#\s*(.*?)\s*$")


_ASIDE = re.compile(r"（[^（）]*）|\([^()]*\)")


def _comment_words(text: str) -> str:
    """The words of a line's comment, without its asides in brackets, wherever they stand:
    “接待准离婚夫妻（必填）” → 接待准离婚夫妻, “社区（村）新增妇女小组” → 社区新增妇女小组."""
    found = _COMMENT.search(text)
    if not found:
        return ""
    return _ASIDE.sub("", found.group(1)).strip()


def _field_words(record: Any, name: Any) -> str:
    """A field's name as its description starts (场次，如 52场次 → 场次), or "" where the model
    does not describe it (a name the data chose)."""
    info = type(record).model_fields.get(name) if isinstance(record, BaseModel) else None
    if info is not None and info.description:
        return re.split(r"[，,（(；：]", info.description, maxsplit=1)[0]
    return ""


def _mismatch(before: Any, now: Any) -> str:
    """Why two figures are not the same measure, or ""."""
    if type(before) is not type(now):
        return f"一个是{_KIND_WORDS.get(type(before), '别的值')}，一个是{_KIND_WORDS.get(type(now), '别的值')}"
    if isinstance(now, Count) and before.unit != now.unit:
        return f"量词不同（{before.unit}、{now.unit}）"
    return ""


_KIND_WORDS = {Count: "计数", Money: "金额", Share: "比例"}


def _derived_figures(derived: Any) -> Iterable[tuple[str, tuple, Figure]]:
    """The figures under `derived` with their paths: funds_raised, women_shares.two_committees…"""
    if derived is None:
        return
    for each in dataclasses.fields(derived):
        value = getattr(derived, each.name)
        if isinstance(value, COMPARABLE):
            yield each.name, (each.name,), value
        elif isinstance(value, dict) and not isinstance(value, NoPreviousData):
            for key, item in value.items():
                if isinstance(item, COMPARABLE):
                    yield each.name, (each.name, key), item

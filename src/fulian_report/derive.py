"""Figures the data implies: totals, shares, and how the targets of the period before were met.

Nothing here is stored in YAML: a total or share that can be computed is
computed, so it can never disagree with its parts.  Templates and prose
reach these as `{{ derived.… }}`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from .model.dataset import previous_folder
from .model.quantities import Count, Money, MoneyDisplay, Qualifier, Share
from .model.subjects import FundDirection, HonorLevel
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
        found = "那里的数据是别的期间的（organisation.yaml 的 period 不同）" if self.folder.is_dir() else "那里没有这个文件夹"
        return (f"没有找到上一期间（{self.period.previous.words}）的数据，计划目标的完成情况无从算起："
                f"上一期间的数据应在 {display_path(self.folder)}，{found}")


def _no_previous_data(data: Any) -> NoPreviousData:
    return NoPreviousData(previous_folder(data.folder, data.period), data.period)


@dataclass(frozen=True)
class Derived:
    funds_raised: Money | None = None
    funds_paid: Money | None = None
    funds_over_target: dict[str, Money] = field(default_factory=dict)
    honors_by_level: dict[str, int] = field(default_factory=dict)
    mediation_success: Share | None = None
    women_shares: dict[str, Share] = field(default_factory=dict)
    target_progress: dict[str, TargetProgress] = field(default_factory=dict)


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
    return Derived(
        funds_raised=total_money(f.amount for f in funds.values() if f.direction is FundDirection.RAISED),
        funds_paid=total_money(f.amount for f in funds.values() if f.direction is FundDirection.PAID),
        funds_over_target=over_target,
        honors_by_level=honors_by_level,
        mediation_success=success,
        women_shares=shares,
        target_progress=_target_progress(data),
    )


def resolve_name(subjects: dict[str, Any], dotted: str) -> Any:
    """`activities.anti_drug.sessions` → the figure, or None where the data has no such name."""
    head, *rest = dotted.split(".")
    value = subjects.get(head)
    for part in rest:
        if value is None:
            return None
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

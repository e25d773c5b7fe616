"""The period a report covers: a calendar year (the default), a half-year, a quarter, or several years.

organisation.yaml says which with `period:` (上半年, 第三季度, {start: 2017-01-01, end: 2021-12-31});
the data stays in the folder of the period's last year.  A period knows its words as reports
write them (2022年上半年, 2017—2021年), the period after it (what the 计划 is for) and the one
before it (where `previous` data comes from), and which dates of each data file it admits.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from .quantities import RANGE_DASH, Precision, ReportDate, to_chinese_numeral

# The periods a year is divided into, as reports name them: name → (first month, last month).
PARTS_OF_A_YEAR: dict[str, tuple[int, int]] = {
    "全年": (1, 12),
    "上半年": (1, 6),
    "下半年": (7, 12),
    "第一季度": (1, 3),
    "第二季度": (4, 6),
    "第三季度": (7, 9),
    "第四季度": (10, 12),
}
_NAMES_BY_MONTHS = {months: name for name, months in PARTS_OF_A_YEAR.items()}
_SPAN_EXAMPLE = "{start: 2017-01-01, end: 2021-12-31}"


class PeriodKind(str, Enum):
    YEAR = "year"  # 2021年
    HALF = "half"  # 2022年上半年
    QUARTER = "quarter"  # 2022年第一季度
    YEARS = "years"  # 2017—2021年: whole calendar years
    MONTHS = "months"  # 2021年7月至2022年6月: whole months
    DAYS = "days"  # 2022年3月15日至9月14日


def last_day(date: ReportDate) -> dt.date:
    """The last day a date as precise as the report knows it may mean: 2021年3月 → 3月31日."""
    if date.precision is Precision.DAY:
        return date.first_day
    if date.precision is Precision.YEAR:
        return dt.date(date.year, 12, 31)
    month_end = calendar.monthrange(date.year, date.month)[1]
    if date.precision is Precision.DEKAD and date.dekad != "下旬":
        return dt.date(date.year, date.month, date.first_day.day + 9)
    return dt.date(date.year, date.month, month_end)


def _may_lie_within(date: ReportDate, first: dt.date, last: dt.date) -> bool:
    """Whether any day the date may mean lies from `first` to `last`."""
    return date.first_day <= last and last_day(date) >= first


def _as_report_date(day: dt.date) -> ReportDate:
    return ReportDate(year=day.year, month=day.month, day=day.day)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` after `day`'s month (day is a first of a month)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class ReportingPeriod:
    """From one day to another; `year` is the report's year (the folder's), for words that omit it."""

    first_day: dt.date
    last_day: dt.date
    year: int
    # A span of days shifted by its length may happen to run from a first to a month's end; it is
    # still counted in days, so that going back gives the span it came from.
    counted_in_days: bool = False

    @classmethod
    def calendar_year(cls, year: int) -> "ReportingPeriod":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), year)

    @classmethod
    def part_of_year(cls, name: str, year: int) -> "ReportingPeriod":
        first, last = PARTS_OF_A_YEAR[name]
        return cls(dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1]), year)

    # -- what kind of period -------------------------------------------------------------

    @property
    def months(self) -> int | None:
        """How many whole months; None when it does not run from a first to a month's last day."""
        if self.counted_in_days or self.first_day.day != 1 or (self.last_day + dt.timedelta(days=1)).day != 1:
            return None
        return (self.last_day.year - self.first_day.year) * 12 + self.last_day.month - self.first_day.month + 1

    @property
    def kind(self) -> PeriodKind:
        months = self.months
        if months is None:
            return PeriodKind.DAYS
        starts_a_year = self.first_day.month == 1
        if months % 12 == 0 and starts_a_year:
            return PeriodKind.YEAR if months == 12 else PeriodKind.YEARS
        if months == 6 and self.first_day.month in (1, 7):
            return PeriodKind.HALF
        if months == 3 and self.first_day.month in (1, 4, 7, 10):
            return PeriodKind.QUARTER
        return PeriodKind.MONTHS

    @property
    def is_calendar_year(self) -> bool:
        return self.kind is PeriodKind.YEAR

    @property
    def first_year(self) -> int:
        return self.first_day.year

    @property
    def last_year(self) -> int:
        return self.last_day.year

    # -- words ---------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The period within its year: 上半年, 第一季度, 全年; empty for several years or other spans."""
        if self.kind in (PeriodKind.YEAR, PeriodKind.HALF, PeriodKind.QUARTER):
            return _NAMES_BY_MONTHS[(self.first_day.month, self.last_day.month)]
        return ""

    @property
    def words(self) -> str:
        """2021年, 2022年上半年, 2022年第一季度, 2017—2021年, 2021年7月至2022年6月."""
        kind = self.kind
        if kind is PeriodKind.YEAR:
            return f"{self.last_year}年"
        if kind in (PeriodKind.HALF, PeriodKind.QUARTER):
            return f"{self.last_year}年{self.name}"
        if kind is PeriodKind.YEARS:
            return f"{self.first_year}{RANGE_DASH}{self.last_year}年"
        start, end = self.start, self.end
        if kind is PeriodKind.MONTHS:
            start, end = ReportDate(year=start.year, month=start.month), ReportDate(year=end.year, month=end.month)
        return f"{start}至{end.without_year() if end.year == start.year else end}"

    @property
    def annual_words(self) -> str:
        """As a title names a whole year: 2021年度; any other period as `words`."""
        return f"{self.last_year}年度" if self.is_calendar_year else self.words

    @property
    def short(self) -> str:
        """The words once the report's year is known: 上半年, 下半年; a year or a span in another
        year keeps its year (2022年, 2023年上半年)."""
        kind = self.kind
        if kind in (PeriodKind.HALF, PeriodKind.QUARTER) and self.last_year == self.year:
            return self.name
        if kind in (PeriodKind.MONTHS, PeriodKind.DAYS) and self.first_year == self.last_year == self.year:
            return self.words.removeprefix(f"{self.year}年")
        return self.words

    @property
    def duration(self) -> str:
        """How long, in words: 一年, 五年, 半年, 一个季度, 十个月, 200天."""
        months = self.months
        if months is None:
            return f"{(self.last_day - self.first_day).days + 1}天"
        if months % 12 == 0:
            return f"{to_chinese_numeral(months // 12)}年"
        if months == 6:
            return "半年"
        if months == 3:
            return "一个季度"
        return f"{to_chinese_numeral(months)}个月"

    @property
    def start(self) -> ReportDate:
        return _as_report_date(self.first_day)

    @property
    def end(self) -> ReportDate:
        return _as_report_date(self.last_day)

    def __str__(self) -> str:
        return self.words

    # -- neighbours ----------------------------------------------------------------------

    @property
    def next(self) -> "ReportingPeriod":
        """The period after this one, as long as it: what the 计划 is for."""
        return self._shifted(1)

    @property
    def previous(self) -> "ReportingPeriod":
        """The period before this one, as long as it: where last period's data is."""
        return self._shifted(-1)

    def _shifted(self, times: int) -> "ReportingPeriod":
        months = self.months
        if months is None:
            days = dt.timedelta(days=((self.last_day - self.first_day).days + 1) * times)
            return ReportingPeriod(self.first_day + days, self.last_day + days, self.year, counted_in_days=True)
        first = _add_months(self.first_day, months * times)
        last = _add_months(first, months) - dt.timedelta(days=1)
        return ReportingPeriod(first, last, self.year)

    # -- dates ---------------------------------------------------------------------------

    @property
    def example_report_date(self) -> dt.date:
        """A date line a report of this period could carry, for hints: ten days after it ends,
        as reports are dated; a span of a few days is followed by as few, which it stays within."""
        return min(self.last_day + dt.timedelta(days=10), self.next.last_day)

    def admits(self, date: ReportDate) -> bool:
        """Whether the date may lie in the period: 2022年 in 2022年上半年 may; 2022年10月 may not."""
        return _may_lie_within(date, self.first_day, self.last_day)

    def holds(self, date: ReportDate) -> bool:
        """Whether the date certainly lies in the period (all the days it may mean)."""
        return self.first_day <= date.first_day and last_day(date) <= self.last_day


@dataclass(frozen=True)
class PeriodWindow:
    """The dates one data file may name, and what to say of one it may not."""

    first_day: dt.date
    last_day: dt.date
    reason: str
    # Each date as written (year, month, day, dekad) → whether it is admitted: records repeat their
    # dates, and a file of 10,000 records asked the calendar 10,000 times.
    _admitted: dict[tuple, bool] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def admits(self, date: ReportDate) -> bool:
        key = (date.year, date.month, date.day, date.dekad)
        admitted = self._admitted.get(key)
        if admitted is None:
            admitted = self._admitted[key] = _may_lie_within(date, self.first_day, self.last_day)
        return admitted

    @classmethod
    def for_subject(cls, subject: str, period: ReportingPeriod) -> "PeriodWindow":
        year, following = period.last_year, period.next
        if subject == "organisation":
            reason = (f"应在 {year} 年或 {year + 1} 年（成文日期）" if period.is_calendar_year
                      else f"应在{period.words}或{following.words}（成文日期）")
            return cls(period.first_day, following.last_day, reason)
        if subject == "plan":
            reason = (f"早于报告年度 {year} 年；计划的日期应在报告年度或以后" if period.is_calendar_year
                      else f"早于报告期间{period.words}；计划的日期应在报告期间或以后")
            return cls(period.first_day, dt.date(2100, 12, 31), reason)
        reason = (f"不在报告年度 {year} 年内；往年的事请写在往年的数据里，荣誉所属年度请用 year 字段"
                  if period.is_calendar_year
                  else f"不在报告期间{period.words}（{period.start}至{period.end}）内；"
                       "别的期间的事请写在那个期间的数据里，荣誉所属年度请用 year 字段")
        return cls(period.first_day, period.last_day, reason)


class PeriodSpan(BaseModel):
    """`period: {start: 2017-01-01, end: 2021-12-31}`: a period of the report's own choosing.

    A year or a month alone is its whole length: {start: 2017, end: 2021} is five years."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    start: dt.date = Field(description="期间的第一天，如 2017-01-01（只写年或年月时为其第一天）")
    end: dt.date = Field(description="期间的最后一天，如 2021-12-31；应在数据所在文件夹的年度内")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _as_day(cls, value: Any, info: Any) -> dt.date:
        date = ReportDate.model_validate(value)  # no date window: the period is what dates are checked against
        return date.first_day if info.field_name == "start" else last_day(date)

    @model_validator(mode="after")
    def _ordered(self) -> "PeriodSpan":
        if self.end < self.start:
            raise ValueError(f"期间的结束日期 {_as_report_date(self.end)} 早于开始日期 {_as_report_date(self.start)}")
        return self


def _part_of_year(value: Any) -> Any:
    if isinstance(value, str):
        name = value.strip()
        if name in ("年度", "全年度"):
            return "全年"
        if name in PARTS_OF_A_YEAR:
            return name
        raise ValueError(
            f"不认识的期间“{value}”：应为 {'、'.join(PARTS_OF_A_YEAR)}，"
            f"或写成起止日期，如 {_SPAN_EXAMPLE}"
        )
    if isinstance(value, (dict, PeriodSpan)):
        return PeriodSpan.model_validate(value)
    raise ValueError(f"期间应写成 上半年、第一季度 等，或写成起止日期，如 {_SPAN_EXAMPLE}")


_PERIOD_SCHEMA = {
    "description": "报告期间：默认为全年；可写 上半年、下半年、第一季度……第四季度，或起止日期",
    "anyOf": [
        {"type": "string", "enum": [*PARTS_OF_A_YEAR, "年度"]},
        {
            "type": "object",
            "properties": {"start": {"type": ["string", "integer"]}, "end": {"type": ["string", "integer"]}},
            "required": ["start", "end"],
            "additionalProperties": False,
        },
    ],
}

def parse_period_setting(value: Any) -> str | PeriodSpan | None:
    """`period:` as typed: the name of a part of the year, or a span; None for the calendar year."""
    return None if value is None else _part_of_year(value)


# organisation.yaml's `period:` as written: a part of the year by name, or a span.
PeriodSetting = Annotated[str | PeriodSpan | None, BeforeValidator(parse_period_setting), WithJsonSchema(_PERIOD_SCHEMA)]


def resolve_period(setting: str | PeriodSpan | None, year: int) -> ReportingPeriod:
    """The period of a report whose data is in the folder of `year`."""
    if setting is None:
        return ReportingPeriod.calendar_year(year)
    if isinstance(setting, str):
        return ReportingPeriod.part_of_year(setting, year)
    return ReportingPeriod(setting.start, setting.end, year)

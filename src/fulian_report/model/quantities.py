"""The figures a report is made of: counts, money, shares, dates and periods.

Each type parses the way office staff write a figure in YAML ("700余名",
"34.5万余元", "25.7%", "2021年3月下旬", 2021-03-05) or an explicit mapping,
keeps its exact value, and renders back the way an official document writes
it (GB/T 15835: Arabic numerals, no digit grouping, 万 as a unit for large
sums).  Rendering is `str(figure)`, so prose writes `{{ cases.visits }}`.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Protocol

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

# Full-width digits and signs that Chinese input methods produce; a number
# written with them means the same number.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％－", "0123456789.%-")

CHINESE_DIGITS = "零一二三四五六七八九"


def to_chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三, 105 → 一百零五 (for numbering)."""
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return CHINESE_DIGITS[n]
    if n < 20:
        return "十" + (CHINESE_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return CHINESE_DIGITS[tens] + "十" + (CHINESE_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            tail = ""
        elif rest < 10:
            tail = "零" + CHINESE_DIGITS[rest]
        elif rest < 20:
            tail = "一" + to_chinese_numeral(rest)
        else:
            tail = to_chinese_numeral(rest)
        return CHINESE_DIGITS[hundreds] + "百" + tail
    return str(n)


def plain_decimal(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 34.50 → 34.5, 5E+4 → 50000."""
    text = format(value.normalize(), "f")
    return text


class Qualifier(str, Enum):
    """What the report says of a figure besides its value, written where the report writes it."""

    EXACT = ""
    MORE_THAN = "余"  # 700余名, 34.5万余元: a little more than
    MORE = "多"  # 500多只, 6万多元: more than
    NEARLY = "近"  # 近3000人: a little less than
    APPROXIMATELY = "约"  # 约200人: about
    OVER = "超"  # 超5万元: above
    BEYOND = "逾"  # 逾百人 written with figures: 逾100人
    BEYOND_AS_OFTEN_WRITTEN = "愈"  # 愈5000人: 逾 as reports often write it, kept as written
    ABOUT = "左右"  # 200场左右: about
    ROUGHLY = "上下"  # 500人上下: about
    AT_LEAST = "以上"  # 1名以上: at least

    @property
    def meaning(self) -> str:
        return _QUALIFIER_MEANINGS[self.value]


_QUALIFIER_MEANINGS = {
    "": "准确数",
    "余": "多于（余）",
    "多": "多于（多）",
    "近": "接近（近）",
    "约": "大约（约）",
    "超": "超过（超）",
    "逾": "超过（逾）",
    "愈": "超过（愈，即逾）",
    "左右": "大约（左右）",
    "上下": "大约（上下）",
    "以上": "不少于（以上）",
}
# Where each qualifier stands: before the number, between the number and the measure word, after both.
_PREFIX = {Qualifier.NEARLY, Qualifier.APPROXIMATELY, Qualifier.OVER, Qualifier.BEYOND, Qualifier.BEYOND_AS_OFTEN_WRITTEN}
_INFIX = {Qualifier.MORE_THAN, Qualifier.MORE}
_SUFFIX = {Qualifier.ABOUT, Qualifier.ROUGHLY, Qualifier.AT_LEAST}
QUALIFIERS_AS_WRITTEN = "余、多、近、约、超、逾（愈）、左右、上下、以上"


def _alternation(words: Any) -> str:
    # Longest first, so that a longer word is not matched as its beginning; ties in a fixed order
    # (the schema written from these patterns is the same on every run).
    texts = {re.escape(w.value if isinstance(w, Qualifier) else w) for w in words}
    return "|".join(sorted(texts, key=lambda text: (-len(text), text)))


def _load_vocabulary() -> dict[str, Any]:
    """The built-in word lists (vocabulary.yaml beside this module): data, so that adding a word
    is no change of code."""
    from importlib.resources import files

    import yaml

    return yaml.safe_load(files(__package__).joinpath("vocabulary.yaml").read_text(encoding="utf-8"))


VOCABULARY = _load_vocabulary()
# Measure words a count may carry.  A word outside the list is most often a typing slip, so it
# is refused, naming the word; an office that uses one adds it under `measure_words:` in its
# organisation.yaml (passed to validation as the context's "measure_words").
COUNT_UNITS: tuple[str, ...] = tuple(VOCABULARY["measure_words"])
# A measure word is short and is letters (Chinese or Latin); which ones are known is checked
# after parsing, so that the message can name an unknown one.
_UNIT_CHARS = r"A-Za-z\u3400-\u4dbf\u4e00-\u9fff"
MEASURE_WORD_PATTERN = rf"^[{_UNIT_CHARS}]{{1,4}}$"
_UNIT = rf"(?P<unit>(?![余多万元])[{_UNIT_CHARS}]{{1,4}}?)"
_PRE = rf"(?P<pre>{_alternation(_PREFIX)})?"
_YU = rf"(?P<yu>{_alternation(_INFIX)})?"
_POST = rf"(?P<post>{_alternation(_SUFFIX)})?"

_NUMBER = r"(?P<num>\d+(?:\.\d+)?)"
# 220多万元, 3万余人 and 3余万人 are all written: 余/多 stands before or after 万.
_WAN = rf"(?:(?P<yu_wan>{_alternation(_INFIX)})(?=万))?(?P<wan>万)?"
_COUNT_RE = re.compile(rf"^{_PRE}{_NUMBER}{_WAN}{_YU}{_UNIT}{_POST}$")
_MONEY_RE = re.compile(rf"^{_PRE}{_NUMBER}{_WAN}{_YU}元{_POST}$")
_SHARE_RE = re.compile(rf"^{_NUMBER}(?P<sign>%|％)$")


def known_measure_words(context: dict[str, Any] | None) -> frozenset[str]:
    """The built-in measure words and those an office's data adds (validation context)."""
    extra = context.get("measure_words") if context else None
    if not extra:  # asked of every count: the built-in set without building a key
        return _BUILT_IN_UNITS
    return _known_units(extra if isinstance(extra, tuple) else tuple(extra))


@lru_cache(maxsize=64)
def _known_units(extra: tuple[str, ...]) -> frozenset[str]:
    return _BUILT_IN_UNITS | frozenset(extra)


_BUILT_IN_UNITS = frozenset(COUNT_UNITS)


def unknown_measure_word(unit: str, written: str) -> str:
    return (
        f"“{written}”中的量词“{unit}”不在量词表中；若没有写错，请在 organisation.yaml 中写上"
        f" measure_words: [{unit}]（几个量词就写成 [{unit}, 头]），这个单位的数据就能用它。"
        f"常用量词有 {'、'.join(COUNT_UNITS[:24])} 等（全表见 README“数字的写法”）。"
    )


def _clean(text: str) -> str:
    return text.strip().translate(_FULLWIDTH)


_NEGATIVE_RE = re.compile(rf"^{_PRE}\s*[-−－](?=\s*\d)")


def _cleaned_match(text: str, pattern: re.Pattern) -> tuple[str, re.Match | None]:
    """A figure's text as typed (full-width digits made half-width), refused if negative, and
    what `pattern` makes of it."""
    cleaned = _clean(text)
    _refuse_negative(text, cleaned)
    return cleaned, pattern.match(cleaned)


def _refuse_negative(written: Any, cleaned: str | None = None) -> None:
    """A report's figures are counts, sums, shares and dates, none below zero; a fall is told
    in prose (减少, 下降) with its size. Said as such rather than "无法识别"."""
    negative = written < 0 if isinstance(written, (int, float, Decimal)) and not isinstance(written, bool) else (
        cleaned is not None and _NEGATIVE_RE.match(cleaned) is not None)
    if negative:
        raise ValueError(f"“{written}”是负数：数字不能为负；减少或下降的数请写成正数，“减少”“下降”等写在正文里")


def _qualifier(match: re.Match) -> Qualifier:
    found = [q for q in (match.group("pre"), match.group("yu_wan"), match.group("yu"), match.group("post")) if q]
    if len(found) > 1:
        raise ValueError(f"一个数字只能带一个修饰词，这里有 {'、'.join(found)}")
    return Qualifier(found[0]) if found else Qualifier.EXACT


def _place_qualifier(number: str, unit: str, qualifier: Qualifier, before_wan: bool = False) -> str:
    if before_wan and number.endswith("万"):  # 220多万元
        return f"{number[:-1]}{qualifier.value}万{unit}"
    if qualifier in _PREFIX:
        return f"{qualifier.value}{number}{unit}"
    if qualifier in _SUFFIX:
        return f"{number}{unit}{qualifier.value}"
    if qualifier in _INFIX:
        return f"{number}{qualifier.value}{unit}"
    return f"{number}{unit}"


def _written_with_unit(data: Any, parse: Callable[[str], dict], not_a_flag: str, no_unit: str) -> Any:
    """What a count or a sum is made of before validation: its text parsed by `parse`; a yes/no
    refused with `not_a_flag`; a bare number refused with `no_unit` (formatted with the number),
    since the unit is what says which figure it is; a mapping (the explicit form) as it is."""
    if isinstance(data, str):
        return dict(parse(data))  # a copy: `parse` keeps what it gives out, and pydantic may change it
    if isinstance(data, bool):
        raise ValueError(not_a_flag)
    if isinstance(data, (int, float, Decimal)):
        raise ValueError(no_unit.format(data))
    return data


class Figure(BaseModel):
    """Base of every typed figure: immutable, rendered by str()."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: ClassVar[str] = "figure"

    def __html__(self) -> str:  # Jinja's autoescape asks for this; figures hold no markup.
        from markupsafe import escape

        return str(escape(str(self)))


class Count(Figure):
    """A number of things with its measure word: 64名, 700余名, 近3000人, 200场左右."""

    kind: ClassVar[str] = "count"
    value: int = Field(ge=0, description="数值（非负整数）")
    unit: str = Field(description="量词，如 人、名、人次、场、户、对、件、只、亩；单位可在 organisation.yaml 的 measure_words 中增加")
    qualifier: Qualifier = Field(default=Qualifier.EXACT, description=f"修饰：{QUALIFIERS_AS_WRITTEN}")
    wan: bool = Field(default=False, description="是否以“万”为单位书写")
    before_wan: bool = Field(default=False, description="余、多写在“万”之前（3多万人）")

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        return _written_with_unit(data, _parse_count, "这里应是一个带量词的数，例如 64名、700余名", "数字 {0} 缺少量词：请写成如 {0}人、{0}场、{0}件")

    @model_validator(mode="after")
    def _check_unit(self, info: ValidationInfo) -> "Count":
        if self.unit not in known_measure_words(info.context):
            raise ValueError(unknown_measure_word(self.unit, str(self)))
        if self.wan and self.value % 100:
            raise ValueError("以“万”书写的数，数值应是整百的倍数")
        return self

    @property
    def number(self) -> str:
        if self.wan:
            return plain_decimal(Decimal(self.value) / 10000) + "万"
        return str(self.value)

    def __str__(self) -> str:
        return _place_qualifier(self.number, self.unit, self.qualifier, self.before_wan)

    def with_value(self, value: int) -> "Count":
        return self.model_copy(update={"value": value})


def chinese_count(count: Count) -> str:
    """The count in Chinese numerals: 4个 → 四个; 2 before a measure word is 两 (两篇, not 二篇)."""
    number = "两" if count.value == 2 else to_chinese_numeral(count.value)
    return _place_qualifier(number, count.unit, count.qualifier)


# Records repeat the same figures ("12场", "3000余人"): each text is parsed once.  A thousand
# texts hold a large file's repeats; more would only keep a batch's worker growing.
@lru_cache(maxsize=1024)
def _parse_count(text: str) -> dict:
    cleaned, match = _cleaned_match(text, _COUNT_RE)
    if not match:
        if _MONEY_RE.match(cleaned):
            raise ValueError(f"“{text}”是金额，不是计数；请放在金额字段里")
        raise ValueError(
            f"无法识别“{text}”：计数应写成 数字+量词，可加修饰词 {QUALIFIERS_AS_WRITTEN}，"
            "例如 64名、700余名、500多只、近3000人、2000名以上、200场左右"
        )
    number = Decimal(match.group("num"))
    wan = bool(match.group("wan"))
    if wan:
        number *= 10000
    if number != number.to_integral_value():
        raise ValueError(f"计数“{text}”应是整数")
    return {"value": int(number), "unit": match.group("unit"), "qualifier": _qualifier(match), "wan": wan,
            "before_wan": bool(match.group("yu_wan"))}


class MoneyDisplay(str, Enum):
    YUAN = "元"
    WAN_YUAN = "万元"


class Money(Figure):
    """An amount kept in 元 and written as the report writes it: 73600元, 1584.44万元, 34.5万余元."""

    kind: ClassVar[str] = "money"
    yuan: Annotated[Decimal, WithJsonSchema({"type": "number", "minimum": 0})] = Field(ge=0, description="金额，以元计")
    display: MoneyDisplay = Field(default=MoneyDisplay.YUAN, description="写作“元”或“万元”")
    qualifier: Qualifier = Qualifier.EXACT
    before_wan: bool = Field(default=False, description="余、多写在“万”之前（220多万元）")

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        return _written_with_unit(data, _parse_money, "这里应是金额，例如 73600元、27万元", "金额 {0} 缺少单位：请写成 {0}元 或 {0}万元")

    @property
    def number(self) -> str:
        if self.display is MoneyDisplay.WAN_YUAN:
            return plain_decimal(self.yuan / 10000) + "万"
        return plain_decimal(self.yuan)

    def __str__(self) -> str:
        return _place_qualifier(self.number, "元", self.qualifier, self.before_wan)

    def with_value(self, yuan: Decimal | int) -> "Money":
        return self.model_copy(update={"yuan": Decimal(yuan)})


@lru_cache(maxsize=1024)
def _parse_money(text: str) -> dict:
    match = _cleaned_match(text, _MONEY_RE)[1]
    if not match:
        raise ValueError(f"无法识别金额“{text}”：应写成如 73600元、1584.44万元、34.5万余元、6万元左右")
    try:
        number = Decimal(match.group("num"))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise ValueError(f"无法识别金额“{text}”") from exc
    wan = bool(match.group("wan"))
    return {
        "yuan": number * 10000 if wan else number,
        "display": MoneyDisplay.WAN_YUAN if wan else MoneyDisplay.YUAN,
        "qualifier": _qualifier(match),
        "before_wan": bool(match.group("yu_wan")),
    }


class Share(Figure):
    """A percentage as the report writes it (25.7％), or derived from a part and a whole.

    A rate may exceed 100 (同比增长150%, 完成率132%); a share of a whole may not, which
    is checked where a record declares it one (`shares:`)."""

    kind: ClassVar[str] = "share"
    percent: Annotated[Decimal, WithJsonSchema({"type": "number", "minimum": 0})] = Field(
        ge=0, description="百分比数值，如 25.7；增长率、完成率可超过 100"
    )
    sign: str = Field(default="%", pattern="^[%％]$", description="百分号写法：% 或 ％")

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        if isinstance(data, str):
            cleaned = data.strip().translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
            _refuse_negative(data, cleaned)
            match = _SHARE_RE.match(cleaned)
            if not match:
                raise ValueError(f"无法识别比例“{data}”：应写成如 25.7% 或 25.7％")
            return {"percent": Decimal(match.group("num")), "sign": match.group("sign")}
        if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool):
            raise ValueError(f"比例 {data} 缺少百分号：请写成 {data}%")
        return data

    @classmethod
    def of(cls, part: int | Decimal, whole: int | Decimal, places: int = 1, sign: str = "%") -> "Share":
        if not whole:
            raise ValueError("总数为 0，无法计算比例")
        percent = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1).scaleb(-places))
        return cls(percent=percent, sign=sign)

    def __str__(self) -> str:
        return f"{plain_decimal(self.percent)}{self.sign}"

    def with_value(self, percent: Decimal | int) -> "Share":
        return self.model_copy(update={"percent": Decimal(percent)})


class Precision(str, Enum):
    YEAR = "year"
    MONTH = "month"
    DEKAD = "dekad"  # 上旬/中旬/下旬
    DAY = "day"


DEKADS = ("上旬", "中旬", "下旬")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*(上旬|中旬|下旬)?$")
_CN_DATE = re.compile(r"^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日|(上旬|中旬|下旬))?)?$")


def calendar_check(parts: dict) -> None:
    """A month or day the calendar has not, said as such: the fields' bounds alone would say
    "数值太大：13（界限 12）" of the month of 2023-13-01."""
    year, month, day = parts.get("year"), parts.get("month"), parts.get("day")
    if not all(isinstance(part, int) for part in (year, month)):
        return
    if not 1 <= month <= 12:
        raise ValueError(f"{year}年没有{month}月：月份只能是 1 到 12")
    if isinstance(day, int):
        try:
            _dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"{year}年{month}月没有{day}日") from None


class DateWindow(Protocol):
    """The dates a file may name, as a date's validation asks it (period.PeriodWindow is one):
    stated here, where dates are defined, so that the periods built on them are not imported back."""

    reason: str

    def admits(self, date: ReportDate) -> bool: ...


class ReportDate(Figure):
    """A date as precise as the report knows it: 2021年3月5日, 2021年3月下旬, 2021年6月, 2025年."""

    kind: ClassVar[str] = "date"
    year: int = Field(ge=1949, le=2100)
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    dekad: str | None = Field(default=None, description="上旬、中旬或下旬")

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        if isinstance(data, _dt.datetime):
            data = data.date()
        if isinstance(data, _dt.date):
            return {"year": data.year, "month": data.month, "day": data.day}
        if isinstance(data, bool):
            raise ValueError("这里应是日期，例如 2021-03-05 或 2021年3月5日")
        if isinstance(data, int):
            return {"year": data}
        if isinstance(data, str):
            data = parse_date(data)
        if isinstance(data, dict):
            calendar_check(data)
        return data

    @model_validator(mode="after")
    def _check(self) -> "ReportDate":
        if self.day is not None and self.month is None:
            raise ValueError("有“日”必须有“月”")
        if self.dekad is not None and (self.month is None or self.day is not None):
            raise ValueError("上旬/中旬/下旬只能跟在月份后面")
        if self.dekad is not None and self.dekad not in DEKADS:
            raise ValueError("旬只能是 上旬、中旬、下旬")
        return self

    @model_validator(mode="after")
    def _within_window(self, info: ValidationInfo) -> "ReportDate":
        """Dates of a period's data lie in that period: the loader says which dates a file may name."""
        window: DateWindow | None = (info.context or {}).get("date_window")
        if window is not None and not window.admits(self):
            raise ValueError(f"日期 {self} {window.reason}")
        return self

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.dekad is not None:
            return Precision.DEKAD
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    def without_year(self) -> str:
        """3月5日, 3月下旬, 3月; a year-only date keeps its year."""
        if self.month is None:
            return f"{self.year}年"
        tail = f"{self.day}日" if self.day is not None else (self.dekad or "")
        return f"{self.month}月{tail}"

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year}年"
        return f"{self.year}年{self.without_year()}"

    @property
    def first_day(self) -> _dt.date:
        month = self.month or 1
        if self.day is not None:
            return _dt.date(self.year, month, self.day)
        if self.dekad is not None:
            return _dt.date(self.year, month, 1 + 10 * DEKADS.index(self.dekad))
        return _dt.date(self.year, month, 1)


def parse_date(text: str) -> dict:
    return dict(_parse_date(text))


@lru_cache(maxsize=1024)
def _parse_date(text: str) -> dict:
    cleaned = _clean(text).replace(" ", "")
    for pattern in (_ISO_DATE, _CN_DATE):
        match = pattern.match(cleaned)
        if match:
            break
    else:
        raise ValueError(
            f"无法识别日期“{text}”：应写成 2021-03-05、2021年3月5日、2021年3月、2021年3月下旬 或 2025年"
        )
    groups = match.groups()
    year, month, day = (int(g) if g else None for g in groups[:3])
    dekad = groups[3]
    return {"year": year, "month": month, "day": day, "dekad": dekad}


class Period(Figure):
    """From one date to another: 2021年1月1日至10月31日."""

    kind: ClassVar[str] = "period"
    start: ReportDate
    end: ReportDate

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.end.first_day < self.start.first_day:
            raise ValueError(f"结束日期 {self.end} 早于开始日期 {self.start}")
        return self

    def __str__(self) -> str:
        end = self.end.without_year() if self.end.year == self.start.year else str(self.end)
        return f"{self.start}至{end}"


_RANGE_RE = re.compile(rf"^(?P<low>\d+)\s*[-－—～~–]+\s*(?P<high>\d+)(?P<unit>[{_UNIT_CHARS}]{{1,4}})$")
RANGE_DASH = "—"


class Range(Figure):
    """A range of values with one measure word: 0—3岁.

    Written with any dash in YAML; rendered with one dash throughout, as
    GB/T 15835 asks ("—" or "～", one way in a document).
    """

    kind: ClassVar[str] = "range"
    low: int = Field(ge=0)
    high: int = Field(ge=0)
    unit: str

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        if isinstance(data, str):
            match = _RANGE_RE.match(data.strip().translate(_FULLWIDTH))
            if not match:
                raise ValueError(f"无法识别范围“{data}”：应写成如 0—3岁")
            return {"low": int(match.group("low")), "high": int(match.group("high")), "unit": match.group("unit")}
        return data

    @model_validator(mode="after")
    def _ordered(self, info: ValidationInfo) -> "Range":
        if self.high < self.low:
            raise ValueError(f"范围的上限 {self.high} 小于下限 {self.low}")
        if self.unit not in known_measure_words(info.context):
            raise ValueError(unknown_measure_word(self.unit, str(self)))
        return self

    def __str__(self) -> str:
        return f"{self.low}{RANGE_DASH}{self.high}{self.unit}"


FIGURE_TYPES: tuple[type[Figure], ...] = (Count, Money, Share, ReportDate, Period, Range)


def parse_figure(value: Any, *, context: dict[str, Any] | None = None) -> Figure:
    """Type a free-standing figure by how it is written (used for extra named figures).

    `context` is the validation context (the office's own measure words, the years dates may lie in)."""
    if isinstance(value, Figure):
        return value
    if isinstance(value, (_dt.date, _dt.datetime)):
        return ReportDate.model_validate(value, context=context)
    if isinstance(value, dict):
        keys = set(value)
        if keys == {"start", "end"}:
            return Period.model_validate(value, context=context)
        if "yuan" in keys:
            return Money.model_validate(value, context=context)
        if "percent" in keys:
            return Share.model_validate(value, context=context)
        if "unit" in keys:
            return Count.model_validate(value, context=context)
        if "year" in keys:
            return ReportDate.model_validate(value, context=context)
        raise ValueError("无法判断这组数据是哪种数字（计数、金额、比例、日期或期间）")
    if isinstance(value, bool) or value is None:
        raise ValueError("这里应是一个数字（带量词或单位）或日期")
    if isinstance(value, (int, float)):
        _refuse_negative(value)
        raise ValueError(f"数字 {value} 缺少量词或单位：请写成如 {value}人、{value}元、{value}%")
    if isinstance(value, str):
        cleaned = _clean(value)
        _refuse_negative(value, cleaned)
        undivided = cleaned.replace(" ", "")
        if cleaned.endswith(("%", "％")):
            return Share.model_validate(value, context=context)
        if cleaned.endswith("元") or _MONEY_RE.match(cleaned):
            return Money.model_validate(value, context=context)
        # Before counts: "2025年" is a year, not 2025 of the measure word 年.
        if _ISO_DATE.match(undivided) or _CN_DATE.match(undivided):
            return ReportDate.model_validate(value, context=context)
        if _COUNT_RE.match(cleaned):
            return Count.model_validate(value, context=context)
        if _RANGE_RE.match(cleaned):
            return Range.model_validate(value, context=context)
        raise ValueError(
            f"无法识别“{value}”：这里应是数字或日期，如 64名、73600元、25.7%、2021-03-05；"
            "文字请写在 name、place、organiser 等文字字段中"
        )
    raise ValueError(f"无法识别的值：{value!r}")


def parse_named_figure(value: Any, info: ValidationInfo) -> Figure:
    """`parse_figure` as a pydantic validator: with the context of the file being validated."""
    return parse_figure(value, context=info.context)

"""Recognise the figures in a report's text, and the names that hold digits.

One job only: find each stretch of text that is a figure (a count with its
measure word and qualifier, money, a share, a date, a period, a range, a count
in Chinese numerals) or a name that holds digits (12345热线, 《…（2021－2025年）…》,
长芙检联〔2020〕03号, 5.15国际家庭日), and say what it is.  Naming and filing
them into records is `filing`'s job.

A figure is typed by the model's own parser (`model.quantities`), and only
kept as a figure when the build will write it back exactly as the report did;
anything else holding digits is a name.  So when the parser learns more
measure words or qualifiers, import recognises them with no change here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..model import quantities as q
from ..render.environment import FILTERS

YEAR = "year"  # the report year: {{ year }}
NEXT_YEAR = "next_year"  # the year after it: {{ next_year }}


@dataclass(frozen=True)
class Found:
    """A stretch of text that is a figure, a report year, or a name holding digits."""

    start: int
    end: int
    text: str
    figure: q.Figure | None = None  # a typed figure
    display: str = ""  # the filter that writes it as the text does: "", month_day, month, chinese
    year_name: str = ""  # YEAR or NEXT_YEAR: the year of the report itself
    name_field: str = ""  # a name: the text field that holds it (name, document, document_number, occasion, place)

    @property
    def is_figure(self) -> bool:
        return self.figure is not None


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    units = "|".join(sorted((re.escape(u) for u in q.COUNT_UNITS), key=len, reverse=True))
    qualifiers = [item.value for item in q.Qualifier if item.value]
    prefix = "|".join(re.escape(v.value) for v in sorted(getattr(q, "_PREFIX", ()), key=lambda x: -len(x.value))) or "近|超"
    suffix = "|".join(re.escape(v.value) for v in sorted(getattr(q, "_SUFFIX", ()), key=lambda x: -len(x.value))) or "左右|以上"
    around = {v.value for v in (*getattr(q, "_PREFIX", ()), *getattr(q, "_SUFFIX", ()))}
    # The qualifiers written between the number and its measure word (700余名, and any the model learns).
    infix = "|".join(re.escape(v) for v in qualifiers if v not in around)
    num = r"\d+(?:\.\d+)?"
    wan = rf"(?:(?:{infix})(?=万))?万?"  # 220多万元 as well as 220万多元
    day = r"\d{1,2}\s*月\s*(?:\d{1,2}\s*日|[上中下]旬)?"
    date = rf"(?:\d{{4}}\s*年\s*(?:{day})?|{day})"
    return {
        "document": re.compile(r"《[^《》]{0,80}?\d[^《》]{0,80}?》"),
        # A plan's title with its years, its 《 left open or none at all: 三年行动计划（2018－2020年）
        "plan_title": re.compile(
            r"(?:《(?P<open>[^《》，。；]{1,60}?)|(?P<bare>[\u4e00-\u9fff]{0,18}?(?:规划|计划|纲要|方案|行动|工程)))"
            r"(?P<years>[（(]\d{4}\s*[-－—–~～]\s*\d{4}\s*年?[）)])(?!\s*[（(]?[^《》，。；]{0,20}》)"
        ),
        "document_number": re.compile(r"[\u4e00-\u9fff]{0,8}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号"),
        "occasion": re.compile(r"(?<![\d.])\d{1,2}\s*[·.．•・]\s*\d{1,2}(?![\d%％])[\u4e00-\u9fff]{0,10}?(?:日|节)"),
        "quoted": re.compile(r"[“\"＂「『]([^“”\"＂「」『』\n]{0,40}?\d[^“”\"＂「」『』\n]{0,40}?)[”\"＂」』]"),
        "period": re.compile(rf"(?P<a>{date})\s*(?:至|到)\s*(?P<b>{date})"),
        "date": re.compile(rf"(?:\d{{4}}\s*年\s*{day}|{day}|\d{{4}}-\d{{1,2}}-\d{{1,2}})"),
        "range": re.compile(rf"\d+\s*[-－—～~–]+\s*\d+(?:{units})"),
        "money": re.compile(rf"(?:{prefix})?{num}{wan}(?:{infix})?元(?:{suffix})?" if infix else rf"(?:{prefix})?{num}万?元(?:{suffix})?"),
        "share": re.compile(rf"{num}[%％]"),
        "count": re.compile(rf"(?:{prefix})?{num}{wan}(?:{infix})?(?:{units})(?:{suffix})?" if infix else rf"(?:{prefix})?{num}万?(?:{units})(?:{suffix})?"),
        "year": re.compile(r"\d{4}(?=\s*年)"),
        "chinese": re.compile(rf"(?<![第一二三四五六七八九十两])(两|[二三四五六七八九]?十[一二三四五六七八九]?|[二三四五六七八九])(?:{units})"),
        "name": re.compile(r"[A-Za-z]*\d(?:[\dA-Za-z.·]|[-－—～~–]+\d)*[\u4e00-\u9fffA-Za-z]{0,12}"),
        "prefix": re.compile(rf"(?:{prefix})$"),
    }


# Where a name holding digits stops: before the words that carry the sentence on.
_DIGIT = re.compile(r"\d")
_QUOTATION = re.compile(r"[“「『][^“”「」『』]*[”」』]")
_NAME_STOP = re.compile(r"(合作|开展|举办|举行|召开|转办|转来|组织|参加|活动中|的|和|与|及|等|为|在|向|对|中|上|下|后|前|时|，|。)")


@dataclass(frozen=True)
class TextUnit:
    """One piece of prose (a paragraph, a heading) and what was recognised in it."""

    id: Any
    text: str
    found: tuple[Found, ...]
    in_plan: bool = False


def recognise_layout(plan_layout: Any, year: int, plan_year: int) -> list[TextUnit]:
    """Every text of a report's layout (`layout.texts`), recognised; a plan's dates lie in `plan_year`."""
    from .layout import texts

    return [
        TextUnit(place, text, tuple(recognise(text, year, in_plan, plan_year=plan_year)), in_plan)
        for place, text, in_plan in texts(plan_layout)
    ]


def recognise(
    text: str, year: int, in_plan: bool = False, window: tuple[int, int] | None = None, plan_year: int | None = None
) -> list[Found]:
    """Every figure and digit-holding name of `text`, in order, none overlapping.

    `year` is the report year: a date without its year lies in it (in the plan,
    in `plan_year`, by default the year after); `window` is the years a typed date may lie in."""
    pat = _patterns()
    first, last = window or ((year, 2100) if in_plan else (year, year))
    assumed_year = (plan_year or year + 1) if in_plan else year
    spans: list[Found] = []
    quotes = [(m.start(), m.end()) for m in _QUOTATION.finditer(text)]

    def taken(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in ((f.start, f.end) for f in spans))

    # Names first: whatever their digits, these are written back as they are.
    for field, key in (("document", "document"), ("document_number", "document_number"), ("occasion", "occasion")):
        for m in pat[key].finditer(text):
            if not taken(m.start(), m.end()):
                inner = m.group(0)[1:-1] if field == "document" else m.group(0)
                start = m.start() + (1 if field == "document" else 0)
                spans.append(Found(start, start + len(inner), inner, name_field=field))
    for m in pat["plan_title"].finditer(text):
        start = m.start("open") if m.group("open") else _title_start(text, m.start("bare"), m.start("years"))
        if not taken(start, m.end()):
            spans.append(Found(start, m.end(), text[start:m.end()], name_field="document"))
    for m in pat["quoted"].finditer(text):
        inner = m.group(1)
        if not taken(m.start(1), m.end(1)) and not _only_figures(inner, year, in_plan, first, last):
            spans.append(Found(m.start(1), m.end(1), inner, name_field="name"))

    position = 0
    while True:
        digit = _DIGIT.search(text, position)
        if digit is None:
            break
        start = digit.start()
        clash = next((f for f in spans if f.start <= start < f.end), None)
        if clash is not None:
            position = clash.end
            continue
        found = _numbered_name_at(text, start) or _figure_at(text, start, year, assumed_year, first, last)
        if found is None or taken(found.start, found.end):
            found = _name_at(text, start)
        spans.append(found)
        position = found.end
    for m in pat["chinese"].finditer(text):
        if taken(m.start(), m.end()) or any(s < m.start() < e for s, e in quotes) or _counts_nothing(text, m.end()):
            continue
        found = _chinese_count(m.group(0), m.group(1), m.start())
        if found is not None:
            spans.append(found)
    return sorted(spans, key=lambda f: f.start)


_TITLE_STOP = re.compile(_NAME_STOP.pattern[:-1] + r"|落实|贯彻|实施|按照|根据|依据|围绕|印发|制定|执行|推进|结合|对照|完成)")


def _title_start(text: str, earliest: int, years: int) -> int:
    """Where a plan's title without 《》 begins: after the last word that carries the sentence on."""
    stops = list(_TITLE_STOP.finditer(text, earliest, years))
    return stops[-1].end() if stops else earliest


def _only_figures(inner: str, year: int, in_plan: bool, first: int, last: int) -> bool:
    """A quotation whose every digit is part of a figure (“开展活动3场”) holds figures, not a name."""
    spans, position = [], 0
    assumed = year + 1 if in_plan else year
    while (digit := re.search(r"\d", inner[position:])) is not None:
        start = position + digit.start()
        found = _figure_at(inner, start, year, assumed, first, last) or _name_at(inner, start)
        spans.append(found)
        position = found.end
    return all(f.is_figure or f.year_name for f in spans)


# A quick look at the text after a number's first digit, before trying each kind's pattern there.
_KIND_MARKS = {
    "period": lambda ahead: ("至" in ahead or "到" in ahead) and ("月" in ahead or "年" in ahead),
    "date": lambda ahead: "月" in ahead or "-" in ahead,
    "range": lambda ahead: any(dash in ahead for dash in "-－—～~–"),
    "money": lambda ahead: "元" in ahead,
    "share": lambda ahead: "%" in ahead or "％" in ahead,
    "count": lambda ahead: True,
}


def _figure_at(text: str, start: int, year: int, assumed_year: int, first: int, last: int) -> Found | None:
    pat = _patterns()
    qualified = start
    before = pat["prefix"].search(text[max(0, start - 2):start])
    if before:
        qualified = start - len(before.group(0))
    ahead = text[start:start + 40]
    for kind in ("period", "date", "range", "money", "share", "count"):
        if not _KIND_MARKS[kind](ahead):  # the word each kind needs is not there: its pattern cannot match
            continue
        for begin in dict.fromkeys((qualified, start)):
            m = pat[kind].match(text, begin)
            if not m:
                continue
            found = _typed(kind, m.group(0), begin, year, assumed_year, first, last)
            if found is not None:
                return found
    m = pat["year"].match(text, start)
    if m:
        value = int(m.group(0))
        if value == year:
            return Found(start, m.end(), m.group(0), year_name=YEAR)
        if value == year + 1:
            return Found(start, m.end(), m.group(0), year_name=NEXT_YEAR)
        if first <= value <= last:
            figure = q.ReportDate(year=value)
            return Found(start, m.end() + len(re.match(r"\s*年", text[m.end():]).group(0)), f"{value}年", figure=figure)
        if not re.match(r"\s*年\s*\d", text[m.end():]):  # 2020年 of another year (an honour's year)
            return Found(start, m.end(), m.group(0), name_field="year")
    return None


def _typed(kind: str, written: str, start: int, year: int, assumed_year: int, first: int, last: int) -> Found | None:
    """The figure `written` stands for, if the model reads it and the build writes it back the same."""
    typed = _typed_figure(kind, written, assumed_year, first, last)
    if typed is None:
        return None
    figure, display = typed
    return Found(start, start + len(written), written, figure=figure, display=display)


@lru_cache(maxsize=8192)  # figures are frozen models, so one parse serves each time a text repeats
def _typed_figure(kind: str, written: str, assumed_year: int, first: int, last: int) -> tuple[q.Figure, str] | None:
    compact = re.sub(r"\s+", "", written)
    if kind == "range":  # one dash for ranges, as the build writes them (GB/T 15835)
        compact = re.sub(r"[-－—～~–]+", q.RANGE_DASH, compact)
    try:
        if kind == "period":
            a, b = re.split(r"至|到", compact, maxsplit=1)
            start_date = _date(a, assumed_year)
            end_date = _date(b, start_date.year if "年" not in b else assumed_year)
            figure: q.Figure = q.Period(start=start_date, end=end_date)
            dates = (start_date, end_date)
        elif kind == "date":
            figure = _date(compact, assumed_year)
            dates = (figure,)
        else:
            figure = q.parse_figure(compact)
            dates = ()
    except (ValueError, TypeError):
        return None
    if any(not first <= d.year <= last for d in dates):
        return None
    for display in _displays(figure):
        if _written(figure, display) == compact:
            return figure, display
    return None


def _date(text: str, assumed_year: int) -> q.ReportDate:
    if re.match(r"^\d{4}", text):
        return q.ReportDate.model_validate(text)
    return q.ReportDate.model_validate(f"{assumed_year}年{text}")


def _displays(figure: q.Figure) -> tuple[str, ...]:
    if isinstance(figure, q.ReportDate):
        return ("", "month", "month_day")
    if isinstance(figure, q.Period):
        return ("", "month_day")
    return ("",)


def _written(figure: q.Figure, display: str) -> str:
    """What the build writes for `figure` shown with `display` (the filters the prose will use)."""
    if isinstance(figure, q.Period):
        if display == "month_day":
            return f"{FILTERS['month_day'](figure.start)}至{FILTERS['month_day'](figure.end)}"
        return str(figure)
    return FILTERS[display](figure) if display else str(figure)


def _chinese_count(written: str, numeral: str, start: int) -> Found | None:
    value = chinese_numeral_value(numeral)
    if value is None:
        return None
    unit = written[len(numeral):]
    try:
        figure = q.Count(value=value, unit=unit)
    except ValueError:
        return None
    if FILTERS["chinese"](figure) != written:
        return None
    return Found(start, start + len(written), written, figure=figure, display="chinese")


def chinese_numeral_value(numeral: str) -> int | None:
    """两 → 2, 十 → 10, 十二 → 12, 三十 → 30, 九十九 → 99."""
    digits = {c: i for i, c in enumerate(q.CHINESE_DIGITS)} | {"两": 2}
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        value = (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
        return value
    return digits.get(numeral)


# What follows a number that counts nothing of the period: the rest of an ordinal (十九届六中全会,
# 三届四次), an anniversary (100周年), a slogan's quoted word (五个“好”).
_COUNTS_NOTHING_AFTER = re.compile(r"[一二三四五六七八九十\d]|中全会|全会|周年|年[”」』]|[“「『][^”」』]{1,2}[”」』]")
# An anniversary or a formula written with digits: 建党100周年, 5+5行动.
_NUMBERED_NAME = re.compile(r"\d+(?:周年|[+＋]\d+[\u4e00-\u9fff]{0,4})")
_ORDINAL = re.compile(r"\d+[\u4e00-\u9fff]?(?:[“「『][^”」』\d]{1,20}[”」』]|[\u4e00-\u9fff]{0,12})")  # after 第
_ORDINAL_COUNT = re.compile(r"\d+[届次]")


def _counts_nothing(text: str, end: int) -> bool:
    """A number followed by what makes it part of a name (an ordinal, anniversary, slogan)."""
    return _COUNTS_NOTHING_AFTER.match(text, end) is not None


def _numbered_name_at(text: str, start: int) -> Found | None:
    """A number that names rather than counts: an ordinal (第34个“世界艾滋病日”, 第2届), an
    anniversary (100周年), a formula (5+5行动).  Kept as words in a text field, never as a figure."""
    if start > 0 and text[start - 1] == "第":
        m = _ORDINAL.match(text, start)
        end = m.end()
        stop = _NAME_STOP.search(text, start + 2, end)
        if stop is not None and not text[start:end].endswith(("”", "」", "』")):
            end = stop.start()
        written = text[start - 1 : end]  # with its 第: a whole word (第1项工作, 第36个“世界艾滋病日”), not one cut after it
        return Found(start - 1, end, written, name_field="occasion" if written.rstrip("”」』").endswith(("日", "节")) else "name")
    m = _NUMBERED_NAME.match(text, start)
    if m is not None:
        return Found(start, m.end(), m.group(0), name_field="name")
    m = _ORDINAL_COUNT.match(text, start)
    if m is not None and _counts_nothing(text, m.end()):
        return Found(start, m.end(), m.group(0), name_field="name")  # 19届6中全会
    return None


def _name_at(text: str, start: int) -> Found:
    """A run of digits that is no figure: the name it belongs to (12345热线, 214会议室)."""
    m = _patterns()["name"].match(text, start)
    end = m.end() if m else start + 1
    stop = _NAME_STOP.search(text, start + 1, end)
    if stop is not None and re.search(r"\D", text[start:stop.start()]):
        end = stop.start()
    # Letters directly before the digits belong to the name too (ECD2021).
    while start > 0 and re.match(r"[A-Za-z]", text[start - 1]):
        start -= 1
    return Found(start, end, text[start:end], name_field="name")


def figure_text(found: Found) -> Any:
    """How the figure is written in YAML (what the model's parser reads back)."""
    figure = found.figure
    if isinstance(figure, q.Period):
        return {"start": str(figure.start), "end": str(figure.end)}
    return str(figure)  # a count written in Chinese numerals is kept in figures (两名 → 2名)

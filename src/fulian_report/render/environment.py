"""The sandboxed Jinja environments and the filters that prose and templates share.

Prose comes from data files and templates from style folders: neither is
trusted to run code, so both render in Jinja's sandbox, and an undefined
name is an error (never silently empty text in an official document).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import BaseLoader, StrictUndefined, Template
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing
from pydantic import BaseModel

from ..errors import suggest
from ..model.quantities import (
    Count,
    Figure,
    Money,
    MoneyDisplay,
    ReportDate,
    Share,
    chinese_count,
    plain_decimal,
    to_chinese_numeral,
)
from .template_cache import TemplateBytecodeCache

_SENTENCE_END = "。！？；…"


def number(fmt: str, index: int) -> str:
    """Heading number from a style's format: "（{cn}）" with 2 → （二）, "{n}．" with 2 → 2．"""
    return str(fmt).replace("{cn}", to_chinese_numeral(int(index))).replace("{n}", str(int(index)))


def sentence(text: Any) -> str:
    """End a run-in heading as a sentence: 家庭创建有成果 → 家庭创建有成果。"""
    text = str(text).rstrip()
    return text if not text or text[-1] in _SENTENCE_END else text + "。"


def month_day(date: ReportDate) -> str:
    """3月5日 (the report year being understood)."""
    return _date(date).without_year()


def month(date: ReportDate) -> str:
    """3月: the month alone."""
    date = _date(date)
    return f"{date.month}月" if date.month else f"{date.year}年"


def year_month(date: ReportDate) -> str:
    """2021年3月: year and month of a more precise date."""
    date = _date(date)
    return f"{date.year}年{date.month}月" if date.month else f"{date.year}年"


def _date(value: Any) -> ReportDate:
    if not isinstance(value, ReportDate):
        raise TypeError(f"需要日期，得到的是“{value}”")
    return value


def bare(figure: Figure) -> str:
    """The number without its measure word: 64名 → 64 (for 64名中的“64”)."""
    if isinstance(figure, (Count, Money)):
        return figure.number
    if isinstance(figure, Share):
        return plain_decimal(figure.percent)
    raise TypeError(f"“{figure}”没有可单独写出的数值")


def wan(money: Money) -> str:
    """Write an amount in 万元 whatever its default."""
    return str(_money(money).model_copy(update={"display": MoneyDisplay.WAN_YUAN}))


def yuan(money: Money) -> str:
    """Write an amount in 元 whatever its default."""
    return str(_money(money).model_copy(update={"display": MoneyDisplay.YUAN}))


def _money(value: Any) -> Money:
    if not isinstance(value, Money):
        raise TypeError(f"需要金额，得到的是“{value}”")
    return value


def chinese(value: Any) -> str:
    """A count in Chinese numerals, as reports write small counts: 4个 → 四个, 2篇 → 两篇."""
    if isinstance(value, Count):
        return chinese_count(value)
    return to_chinese_numeral(int(value))


FILTERS = {
    "number": number,
    "sentence": sentence,
    "month_day": month_day,
    "month": month,
    "year_month": year_month,
    "bare": bare,
    "wan": wan,
    "yuan": yuan,
    "chinese": chinese,
}


class ReportUndefined(StrictUndefined):
    """An undefined name that says, in Chinese, which names were possible."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        name = self._undefined_name
        owner = self._undefined_obj
        if owner is None and name is not None:
            # a.b.c where a.b is left out of the data: Jinja looks c up on None.
            return f"“{name}”不存在：它前面的一项在数据中没有填写"
        if owner is not missing and not isinstance(owner, type(StrictUndefined)) and name is not None:
            return f"“{name}”不存在" + suggest(str(name), known_names(owner))
        if name is not None:
            return f"名称“{name}”不存在"
        return str(self._undefined_hint or "值不存在")


def known_names(owner: Any) -> list[str]:
    if isinstance(owner, BaseModel):
        return [k for k, v in owner if v is not None]  # iteration includes extras
    if isinstance(owner, dict):
        return [str(k) for k in owner]
    return []


class _Sandbox(ImmutableSandboxedEnvironment):
    """Sandbox that also hides pydantic's internals from templates."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("model_") and attr not in ("model_extra",):
            return False
        return super().is_safe_attribute(obj, attr, value)


_TEMPLATE_CACHE = TemplateBytecodeCache()


def make_environment(loader: BaseLoader | None = None, *, markup: bool = False) -> _Sandbox:
    """`markup=True` for document templates (XML out, data escaped); False for prose."""
    env = _Sandbox(
        loader=loader,
        autoescape=markup,
        undefined=ReportUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # A style's templates compiled once, not at every start (from_string, prose, never uses it).
        bytecode_cache=_TEMPLATE_CACHE,
    )
    env.filters.update(FILTERS)
    return env


_PROSE_ENV = make_environment()


@lru_cache(maxsize=8192)
def compile_prose(source: str) -> Template:
    """Compiled prose, shared by every report that says the same words."""
    return _PROSE_ENV.from_string(source)

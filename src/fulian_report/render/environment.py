"""The sandboxed Jinja environments and the filters that prose and templates share.

Prose comes from data files and templates from style folders: neither is
trusted to run code, so both render in Jinja's sandbox, and an undefined
name is an error (never silently empty text in an official document).

The sandbox keeps a template from reaching the system, not from running for
ever or filling the memory.  So every render is also held to a budget
(`RenderBudget`): loop rounds and calls are counted, numbers and texts an
operator would make too large are refused before they are made, recursion is
cut off, and the clock is read every few thousand steps.  Going over the budget
is a `RenderLimit`, a Jinja error like any other, which the caller locates at
the line of the prose or template.  Only text and figures may be printed: a
record, a list, True/False or None in a report is a mistake, never a value.
"""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, wraps
from typing import Any

from jinja2 import (
    BaseLoader,
    StrictUndefined,
    Template,
    TemplateError,
    Undefined,
    nodes,
    pass_context,
)
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import missing
from pydantic import BaseModel

from ..model.period import ReportingPeriod

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

_SENTENCE_END = "。！？；…：:"  # a heading written with its own end keeps it


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
    try:
        number = int(value)
    except (TypeError, ValueError):  # Python's words would quote the text back and say nothing in Chinese
        raise TypeError(f"“{value}”不是数，不能用 chinese 写成汉字数字") from None
    return to_chinese_numeral(number)


@pass_context
def vs_previous(context: Any, figure: Any, lead: str | None = None) -> str:
    """The change of a figure against the same figure of the period before, in the genre's words:
    比上年增加1对（增长0.2%）; `lead` replaces 比上年 (同比, 较去年, "" for none).  See derive.Change."""
    comparison = getattr(context.get("derived"), "comparison", None)
    if comparison is None:
        raise TypeError("“比上年”只能用在报告的正文和样式模板中")
    if lead is not None and not isinstance(lead, str):
        raise TypeError(f"“比上年”的参数应是文字，如 比上年(\"同比\")，不是“{lead}”")
    return comparison.change(figure).words(comparison.lead if lead is None else lead)


# Filters that read the report's context (the period before): Jinja alone calls them, as it passes the context.
CONTEXT_FILTERS = {"比上年": vs_previous, "vs_previous": vs_previous}


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
            why = getattr(owner, "missing_reason", "")  # an owner empty for a reason says it (derive.NoPreviousData)
            return f"“{name}”不存在" + (f"：{why}" if why else suggest(str(name), known_names(owner)))
        if name is not None:
            return f"名称“{name}”不存在"
        return str(self._undefined_hint or "值不存在")


def known_names(owner: Any) -> list[str]:
    if isinstance(owner, BaseModel):
        return [k for k, v in owner if v is not None]  # iteration includes extras
    if isinstance(owner, dict):
        return [str(k) for k in owner]
    return []


# The budget of one organisation's rendering (all its prose and its style template).
# A real organisation (the bundled ones, those of benchmarks/synth.py) renders in well
# under a second with a few hundred steps; the limits leave a wide margin
# for real data and stop a runaway template within seconds and a few hundred MB.
RENDER_SECONDS = 5.0
RENDER_STEPS = 1_000_000  # loop rounds and calls
# No text the tool makes is longer than this: a data file holds at most 2 MB
# (source.yaml_source.MAX_FILE_BYTES), and a whole report is a few of them.
MAX_TEXT_CHARS = 8_000_000
# Numbers in prose are years and counts; one of more digits than this is a runaway computation.
MAX_NUMBER_DIGITS = 30
_CLOCK_EVERY = 4096  # steps between two looks at the clock


class RenderLimit(TemplateError):
    """A template or prose went over the rendering budget, or printed what is no value;
    `lineno` and `filename` say where (the innermost template), when known."""

    def __init__(self, message: str, lineno: int | None = None, filename: str | None = None):
        super().__init__(message)
        self.lineno = lineno
        self.filename = filename


class NotPrintable(RenderLimit):
    """A value that is neither text nor a figure was to be printed; `value` is kept, so that
    the prose's own message can name the expression that printed it (finalize sees only the value)."""

    def __init__(self, message: str, lineno: int | None = None, filename: str | None = None, value: Any = None):
        super().__init__(message, lineno, filename)
        self.value = value


class Refused(RenderLimit, SecurityError):
    """The sandbox refused an attribute or a call: still a SecurityError, said in Chinese at its line."""


@dataclass
class RenderBudget:
    seconds: float
    steps: int
    deadline: float = 0.0
    steps_left: int = 0

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.seconds
        self.steps_left = self.steps

    def step(self, count: int = 1) -> None:
        before = self.steps_left
        self.steps_left -= count
        if self.steps_left < 0:
            raise RenderLimit(f"循环或调用的次数超出上限（共 {self.steps:,} 次）；请检查是否写了很大的 range 或多层循环")
        if before // _CLOCK_EVERY != self.steps_left // _CLOCK_EVERY and time.monotonic() > self.deadline:
            raise RenderLimit(f"生成用时超出上限（{self.seconds:g} 秒）；请检查是否写了很大的循环或递归")


# The open budget; a context variable, so that renders in other threads keep their own.
_budget: ContextVar[RenderBudget | None] = ContextVar("render_budget", default=None)


@contextmanager
def render_budget(seconds: float = RENDER_SECONDS, steps: int = RENDER_STEPS) -> Iterator[RenderBudget]:
    """The budget of everything rendered inside: one organisation, or one render when none is open.

    Renders nested in an open budget (an include, a macro, the prose of the same
    organisation) spend from it instead of starting their own."""
    open_budget = _budget.get()
    if open_budget is not None:
        yield open_budget
        return
    token = _budget.set(RenderBudget(seconds, steps))
    try:
        yield _budget.get()
    finally:
        _budget.reset(token)


def _spend(count: int = 1) -> None:
    budget = _budget.get()
    if budget is not None:
        budget.step(count)


def _too_long(length: int) -> RenderLimit:
    return RenderLimit(f"生成的文字太长（{length:,} 字以上，上限 {MAX_TEXT_CHARS:,} 字）；请检查是否把文字重复了很多次")


def _checked_size(value: Any) -> Any:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_TEXT_CHARS:
        raise _too_long(len(value))
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _MAX_BITS:
        raise _too_big()
    return value


_MAX_BITS = math.ceil(MAX_NUMBER_DIGITS * math.log2(10))


def _too_big() -> RenderLimit:
    return RenderLimit(f"算出的数太大（超过 {MAX_NUMBER_DIGITS} 位）；正文里不做这样的计算，需要的数请在数据里写出")


def _bits(value: Any) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, list, tuple)) else None


def _guarded_binop(operator: str, left: Any, right: Any, compute) -> Any:
    """Refuse, before computing it, a power, product or repetition beyond the limits."""
    if operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1:
        if right > 0 and right * _bits(left) > _MAX_BITS + 1:
            raise _too_big()
    elif operator == "*":
        for text, times in ((left, right), (right, left)):
            length = _length(text)
            if length is not None and isinstance(times, int) and length * max(times, 0) > MAX_TEXT_CHARS:
                raise _too_long(length * times)
        if isinstance(left, int) and isinstance(right, int) and _bits(left) + _bits(right) > _MAX_BITS + 1:
            raise _too_big()
    elif operator in ("%",) and isinstance(left, str):
        raise RenderLimit("正文里不用 % 排版文字；请直接写出文字，或用 {{ 名称 }} 写出数据中的值")
    return _checked_size(compute(left, right))


def _counted(iterable: Iterable) -> Iterator:
    """A loop's rounds, each spent from the budget."""
    for item in iterable:
        _spend()
        yield item


class _BudgetCodeGenerator(CodeGenerator):
    """Jinja's compiler, with every loop counted and every `~` joined text measured."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        if not getattr(node, "counted", False):
            node.iter = nodes.Call(nodes.EnvironmentAttribute("counted"), [node.iter], [], None, None, lineno=node.lineno)
            node.counted = True
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.sized(")
        super().visit_Concat(node, frame)
        self.write(")")


MAX_RANGE = 100_000  # as Jinja's sandbox allows, but said in Chinese


def bounded_range(*args: int) -> range:
    """`range` for templates: at most MAX_RANGE numbers."""
    numbers = range(*args)
    try:
        count = len(numbers)
    except OverflowError:  # more numbers than Python can count
        count = MAX_RANGE + 1
    if count > MAX_RANGE:
        raise RenderLimit(f"range 太大（上限 {MAX_RANGE:,} 个数）；请检查循环的次数")
    return numbers


def _bounded_filter(function):
    """A filter whose count or width argument (center(10**9), indent, batch…) is refused when too large."""

    @wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[1:], *kwargs.values()):
            if isinstance(value, int) and abs(value) > MAX_TEXT_CHARS:
                raise _too_long(abs(value))
        return _checked_size(function(*args, **kwargs))

    return bounded


def printable(value: Any) -> bool:
    """Text and figures (and plain numbers) may be printed; a record, a list, True/False, None or inf not."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, BaseModel):  # figures, and records that say how they read (a plan target: 200场左右)
        return type(value).__str__ is not BaseModel.__str__
    return isinstance(value, (str, int, Decimal, ReportingPeriod))  # a period prints its words: 2022年上半年


def not_printable_message(value: Any, expression: str = "") -> str:
    """Why `value` cannot be printed (by `{{ expression }}`, where known), and what to write instead."""
    printed = f"{{{{ {expression} }}}}" if expression else "{{ }}"
    if value is None:
        return f"{printed} 里写出的是空值（数据中没有填写这一项）；请在数据中填写它，或用 {{% if 名称 %}}…{{% endif %}} 在没有时略过"
    if isinstance(value, bool):
        return (
            f"{printed} 里写出的是是/否的值（{'True' if value else 'False'}），报告里不能直接写它；"
            "请用 {% if 名称 %}…{% else %}…{% endif %} 写出相应的文字"
        )
    if isinstance(value, float):
        return f"{printed} 里写出的是一个算不出的数（无穷大）；需要的数请在数据里写出"
    if isinstance(value, BaseModel):
        names = known_names(value)
        shown = "、".join(names[:8]) + ("等" if len(names) > 8 else "")
        kind = f"一条记录（含 {shown}）" if names else "一条记录"
    elif isinstance(value, dict):
        kind = "一组按名称排列的项"
    elif isinstance(value, (list, tuple, set, frozenset, range)):
        kind = "一组项目"
    elif isinstance(value, Macro):
        return f"{printed} 里写出的是一个宏本身；宏要加括号调用，如 {{{{ 宏名() }}}}"
    else:
        kind = "一个不能写进报告的对象"
    return f"{printed} 里写出的是{kind}，不是一个值；报告里只能写出文字或数字，请写出它的某一项（如 {{{{ 名称.某项 }}}}）"


def _finalize(value: Any) -> Any:
    """What `{{ … }}` prints: text and figures pass, anything else is a located error."""
    if isinstance(value, Undefined) or printable(value):
        return value
    raise NotPrintable(not_printable_message(value), value=value)


# Python's own words for a failing expression, and what a person should write instead.
_PYTHON_ERRORS = [
    (r"operand", "正文里不做计算；需要算出的数请用 derived 下的值，或在数据里写出"),
    (r"not supported between instances", "这两个值不能比较大小；判断请用 derived 下算好的值（如 .met）"),
    (r"can only concatenate|must be str, not|can't multiply sequence", "文字和数字不能这样相加或相乘；连接文字请用 ~，或把它们直接写在一起"),
    (r"is not iterable", "这个值不是一组项目，不能用 for 逐项写出"),
    (r"is not callable|is not safely callable", "这个名称不是宏，不能加括号调用"),
    (r"unsafe", "这个名称不对正文和模板开放（以下划线开头的名称和程序内部的属性）"),
    (r"unhashable type", "这个值不能用作名称或放进集合"),
    (r"has no attribute", "这个值没有这一项"),
    (r"invalid literal|could not convert", "这段文字不能当作数字"),
    (r"argument|takes .* positional|got an unexpected keyword|missing .* required", "宏或过滤器的参数个数或名称不对"),
]
_CJK = re.compile(r"[\u4e00-\u9fff]")


def explain_python_error(error: BaseException) -> str:
    """What went wrong in an expression, in Chinese: our own messages as they are, Python's translated."""
    message = str(error)
    if isinstance(error, ZeroDivisionError):
        return "计算中除以了 0；需要算出的数请用 derived 下的值"
    if isinstance(error, ArithmeticError):
        return "计算出错（结果太大或不是数）；需要算出的数请用 derived 下的值，或在数据里写出"
    if _CJK.search(message):
        return message
    for pattern, say in _PYTHON_ERRORS:
        if re.search(pattern, message):
            return say
    # Python's words would mean nothing to the reader: say where to look instead.
    return "这里的 {{ }} 或 {% %} 写法无法执行；请检查其中的名称、运算和过滤器"


# The contexts a render makes that share its names (`{% import … with context %}`, `{% include %}`).
_SHARING_CONTEXTS: ContextVar[list[Any] | None] = ContextVar("sharing_contexts", default=None)


class _BoundedTemplate(Template):
    """A template whose render spends from the open budget, or from its own when none is open."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        # Template.render's own steps, so that its contexts can be emptied afterwards.
        with render_budget():
            made: list[Any] = []
            token = _SHARING_CONTEXTS.set(made)
            context = self.new_context(dict(*args, **kwargs))
            try:
                return self.environment.concat(self.root_render_func(context))  # type: ignore[attr-defined]
            except Exception:
                self.environment.handle_exception()
            finally:
                _SHARING_CONTEXTS.reset(token)
                # A module imported with context holds its macros and they hold it: a cycle only
                # the collector frees, and through the names it shares it held every model of
                # the report until then (10,000 records: a collection of 30 ms, and their memory).
                for each in (context, *made):
                    each.vars.clear()
                    each.parent.clear()

    def new_context(self, vars: dict[str, Any] | None = None, shared: bool = False, locals: Any = None) -> Any:
        context = super().new_context(vars, shared, locals)
        made = _SHARING_CONTEXTS.get()
        if shared and made is not None:  # not a module kept for imports without context: that has no names of ours
            made.append(context)
        return context


_ATTRIBUTE_VERDICTS: dict[tuple[type, str], bool] = {}


class _Sandbox(ImmutableSandboxedEnvironment):
    """Sandbox that also hides pydantic's internals from templates and holds every render to its budget."""

    code_generator_class = _BudgetCodeGenerator
    template_class = _BoundedTemplate
    intercepted_binops = frozenset({"**", "*", "+", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # The verdict depends on the object's type and the name alone (Jinja's checks are isinstance
        # tests and names; ours is a name): asked once per pair, not at every attribute a template reads.
        key = (type(obj), attr)
        verdict = _ATTRIBUTE_VERDICTS.get(key)
        if verdict is None:
            verdict = not (attr.startswith("model_") and attr != "model_extra") and super().is_safe_attribute(obj, attr, value)
            if len(_ATTRIBUTE_VERDICTS) < 4096:
                _ATTRIBUTE_VERDICTS[key] = verdict
        return verdict

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _spend()
        return _guarded_binop(operator, left, right, self.binop_table[operator])

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        _spend()
        return _checked_size(super().call(context, obj, *args, **kwargs))

    @staticmethod
    def counted(iterable: Iterable) -> Iterator:
        return _counted(iterable)

    @staticmethod
    def sized(text: Any) -> Any:
        return _checked_size(text)

    def concat(self, pieces: Iterable[str]) -> str:  # type: ignore[override]
        """A template's output, cut off once it grows beyond the limit."""
        out: list[str] = []
        length = 0
        for piece in pieces:
            length += len(piece)
            if length > MAX_TEXT_CHARS:
                raise _too_long(length)
            out.append(piece)
        return "".join(out)

    def handle_exception(self, source: str | None = None):
        """Python's own limits, met while rendering, become a `RenderLimit` at the template's line."""
        error = sys.exc_info()[1]
        if isinstance(error, RecursionError):
            error = RenderLimit("宏或循环调用自身的层数太多（递归没有结束）；请检查宏是否调用了它自己")
        elif isinstance(error, MemoryError):
            error = RenderLimit("生成时占用的内存超出上限；请检查是否把文字重复了很多次或写了很大的循环")
        elif isinstance(error, SecurityError) and not isinstance(error, RenderLimit):
            error = Refused(explain_python_error(error))
        elif isinstance(error, (TypeError, ValueError, ArithmeticError, LookupError, AttributeError)):
            # A mistake in what the prose or template computes: said in Chinese at its line.
            error = RenderLimit(explain_python_error(error))
        elif not isinstance(error, RenderLimit):
            return super().handle_exception(source)
        if error.lineno is None:
            error.lineno, error.filename = _template_place()
        raise error.with_traceback(None) from None


def _template_place() -> tuple[int | None, str | None]:
    """The template line (and file) being rendered when the current exception was raised, innermost."""
    line = filename = None
    traceback = sys.exc_info()[2]
    while traceback is not None:
        template = traceback.tb_frame.f_globals.get("__jinja_template__")
        if template is not None:  # a frame of compiled template code, as jinja2.debug finds them
            line = template.get_corresponding_lineno(traceback.tb_lineno) or line
            filename = template.filename
        traceback = traceback.tb_next
    return line, filename


class _NoFiles(BaseLoader):
    """Prose stands alone: it may not include, import or extend a file."""

    def get_source(self, environment: Any, template: str):
        raise RenderLimit(f"文字中不能用 include、import 或 extends 引用别的文件（“{template}”）；请把要写的内容直接写在这里")


_TEMPLATE_CACHE = TemplateBytecodeCache()


def make_environment(loader: BaseLoader | None = None, *, markup: bool = False) -> _Sandbox:
    """`markup=True` for document templates (XML out, data escaped); False for prose."""
    env = _Sandbox(
        loader=loader or _NoFiles(),
        autoescape=markup,
        undefined=ReportUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=_finalize,
        # A style's templates compiled once, not at every start (from_string, prose, never uses it).
        bytecode_cache=_TEMPLATE_CACHE,
    )
    env.filters.update(FILTERS)
    env.filters.update(CONTEXT_FILTERS)
    env.filters.update({name: _bounded_filter(function) for name, function in env.filters.items()})
    env.globals["range"] = bounded_range
    del env.globals["lipsum"]  # placeholder Latin, and lipsum(10**6) runs for minutes
    return env


_PROSE_ENV = make_environment()


# A compiled text is a module of Python code: room for a few organisations' texts that need Jinja
# (most are plain text with names, see simple_prose), not for a batch's: 5–20 KB each, tens of MB in all.
@lru_cache(maxsize=256)
def compile_prose(source: str) -> Template:
    """Compiled prose, shared by every report that says the same words."""
    return _PROSE_ENV.from_string(source)

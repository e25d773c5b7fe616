"""Data + style → document tree.

Two steps.  First every piece of prose of the data is rendered with the
figures (`{{ cases.visits_received }}` → 55件), each failure located at the
YAML line of its prose.  Then the style's template lays the rendered text
out as a small XML vocabulary, which is parsed into the document tree:

    <document>
      <title><line>…</line><line>…</line></title>
      <heading level="1" number="一、">…</heading>
      <p><heading level="2" number="（一）">…。</heading>text…</p>   run-in heading
      <p indent="no">…</p>
      <table><row><cell>…</cell></row></table>
      <signature organisation="…" date="…"/>
      <attachment title="…"><table>…</table></attachment>   附件, after the 落款
    </document>
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from jinja2 import (
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    Undefined,
    UndefinedError,
)
from lxml import etree

from ..derive import comparison_table_problems, derive
from ..doctree import Attachment, Document, FigureSource, Heading, Paragraph, Run, Signature, Table, Title
from ..errors import Finding, FulianError, Location, suggest
from ..model.dataset import OrgData
from ..model.subjects import Section
from .environment import _PROSE_ENV, NotPrintable, compile_prose, make_environment, not_printable_message, printable, render_budget
from .environment import number as number_heading
from .messages import render_message, stray_braces, syntax_message, syntax_reason
from .provenance import FigureSources, compile_marked_prose, split_marked, unmarked
from .simple_prose import render_simple
from .style import Part, Style, StyleLoader


@dataclass(frozen=True)
class RenderedSection:
    """A section whose prose has been rendered: what a style template lays out."""

    title: str | None
    paragraphs: tuple[str, ...]
    sections: tuple["RenderedSection", ...] = ()

    @property
    def text(self) -> str:
        """The section's own paragraphs as one string (for run-in layouts)."""
        return "".join(self.paragraphs)


@dataclass
class RenderedReport:
    opening: tuple[str, ...]
    summary: tuple[RenderedSection, ...]
    plan_overview: tuple[str, ...]
    plan: tuple[RenderedSection, ...]
    context: dict[str, Any] = field(default_factory=dict)


def figure_context(data: OrgData) -> dict[str, Any]:
    """The names prose may use: year, next_year, period, next_period, previous_period, org,
    each subject, derived, previous (the data of the period before)."""
    context: dict[str, Any] = {
        "year": data.year,
        "next_year": data.next_year,
        "period": data.period,
        "next_period": data.next_period,
        "previous_period": data.period.previous,
        "org": data.organisation,
        "derived": derive(data),
        "previous": data.previous.subjects if data.previous else None,
    }
    for name, model in data.subjects.items():
        if name != "organisation":
            context[name] = model
    return context


class _ProseRenderer:
    def __init__(self, data: OrgData, context: dict[str, Any], sources: FigureSources | None = None):
        self.data = data
        self.context = context
        self.findings: list[Finding] = []
        self.sources = sources  # with provenance: every printed figure marked with its source

    def text(self, source: str, subject: str, path: tuple) -> str:
        simple = render_simple(source, self.context, self.sources.mark if self.sources else None)
        if simple is not None:
            return simple.strip()
        try:
            template = compile_marked_prose(source) if self.sources else compile_prose(source)
            text = template.render(self.context).strip()
            stray = stray_braces(text)
            if stray:
                self.findings.append(Finding(self._name_in(subject, path, stray), syntax_message(f"stray {stray}")))
            return text
        except TemplateSyntaxError as exc:
            self.findings.append(Finding(self._line_of(subject, path, exc.lineno), syntax_message(exc.message or "")))
        except UndefinedError as exc:
            message = _undefined_message(str(exc), self.context)
            self.findings.append(Finding(self._name_in(subject, path, _quoted(message)), message))
        except NotPrintable as exc:
            printed = _printing(source, exc.lineno, self.context)
            if printed is None:
                self.findings.append(Finding(self._line_of(subject, path, exc.lineno), render_message(exc)))
            else:
                expression = printed.group("expression").strip()
                where = self._written_at(subject, path, source, printed)
                self.findings.append(Finding(where, render_message(NotPrintable(not_printable_message(exc.value, expression)))))
        except (TemplateError, TypeError, ValueError, ArithmeticError) as exc:
            self.findings.append(Finding(self._line_of(subject, path, getattr(exc, "lineno", 1)), render_message(exc)))
        return ""

    def _line_of(self, subject: str, path: tuple, line_in_prose: int | None) -> Location:
        """The line of the prose where Jinja saw the problem."""
        location = self.data.locate(subject, path)
        source = self.data.sources.get(subject)
        if source is None or not location.line:
            return location
        return Location(location.path, source.content_line(location) + max((line_in_prose or 1) - 1, 0), 1)

    def _written_at(self, subject: str, path: tuple, source: str, match: re.Match) -> Location:
        """The line and column of the data file where the prose `source` has `match`."""
        line_in_prose = source.count("\n", 0, match.start()) + 1
        location = self._line_of(subject, path, line_in_prose)
        data_source = self.data.sources.get(subject)
        if data_source is None or not location.line or location.line > len(data_source.lines):
            return location
        prose_line = source[source.rfind("\n", 0, match.start()) + 1 : match.start()]
        # The prose line as the file has it (after the block's indent): same text, so the same offset from its start.
        written = data_source.lines[location.line - 1]
        start = written.find(prose_line + match.group(0).split("\n", 1)[0])
        if start < 0:  # a quoted or folded value: the first place it is written, from the prose's own line
            return data_source.find(match.group(0).split("\n", 1)[0], location)
        return Location(location.path, location.line, start + len(prose_line) + 1)

    def _name_in(self, subject: str, path: tuple, name: str | None) -> Location:
        """The line and column where the prose writes the undefined `name`."""
        location = self.data.locate(subject, path)
        source = self.data.sources.get(subject)
        if source is None or not name:
            return location
        attribute = source.find(f".{name}", location)  # cases.visit → the “.visit”, not an earlier “visit”
        if attribute != location:
            return Location(attribute.path, attribute.line, attribute.column + 1)  # at the name, after its dot
        return source.find(name, location)

    def sections(self, sections: list[Section], subject: str, path: tuple) -> tuple[RenderedSection, ...]:
        rendered = []
        for index, section in enumerate(sections):
            here = path + (index,)
            title = self.text(section.title, subject, here + ("title",)) if section.title else None
            paragraphs = tuple(self.text(p, subject, here + ("paragraphs", i)) for i, p in enumerate(section.paragraphs))
            children = self.sections(section.sections, subject, here + ("sections",))
            rendered.append(RenderedSection(title, paragraphs, children))
        return tuple(rendered)


_PRINTED = re.compile(r"\{\{-?(?P<expression>.*?)-?\}\}", re.DOTALL)


def _printing(source: str, line: int | None, context: dict[str, Any]) -> re.Match | None:
    """The `{{ … }}` on prose line `line` that printed what cannot be printed.

    Jinja hands the value alone to finalize: each expression of the line is evaluated again
    to tell which one it was.  One that cannot be evaluated by itself (a loop's or a set's
    name) is taken when it is the only one left."""
    unknown = []
    for match in _PRINTED.finditer(source):
        if line is not None and source.count("\n", 0, match.start()) + 1 != line:
            continue
        try:
            with render_budget():  # evaluated again, so held to the budget as the prose was
                value = _PROSE_ENV.compile_expression(match.group("expression").strip(), undefined_to_none=False)(**context)
        except Exception:  # noqa: BLE001 - any failure: this expression is not known to print the value
            unknown.append(match)
            continue
        if isinstance(value, Undefined):
            unknown.append(match)
        elif not printable(value):
            return match
    return unknown[0] if len(unknown) == 1 else None


def _quoted(message: str) -> str | None:
    """The first name quoted “so” in a message."""
    return message.split("“", 1)[1].split("”", 1)[0] if "“" in message else None


def _undefined_message(message: str, context: dict[str, Any]) -> str:
    """A top-level name is undefined: only here are the names of the context known."""
    if message.startswith("名称“"):
        return message + suggest(_quoted(message) or "", list(context))
    return message


def render_prose(data: OrgData, sources: FigureSources | None = None) -> RenderedReport:
    """Render every piece of prose of the data; raise with all failures located.

    With `sources`, each printed figure is marked with where it came from (see provenance.py)."""
    context = figure_context(data)
    if sources is not None:
        sources.know_derived(context["derived"], data)
        with sources.active():
            return _render_prose(data, _ProseRenderer(data, context, sources))
    return _render_prose(data, _ProseRenderer(data, context))


def _render_prose(data: OrgData, renderer: _ProseRenderer) -> RenderedReport:
    context = renderer.context
    narrative = data.subjects["narrative"]
    plan = data.subjects["plan"]
    report = RenderedReport(
        opening=tuple(renderer.text(p, "narrative", ("opening", i)) for i, p in enumerate(narrative.opening)),
        summary=renderer.sections(narrative.sections, "narrative", ("sections",)),
        plan_overview=tuple(renderer.text(p, "plan", ("overview", i)) for i, p in enumerate(plan.overview)),
        plan=renderer.sections(plan.sections, "plan", ("sections",)),
        context=context,
    )
    if renderer.findings:
        raise FulianError(renderer.findings)
    return report


def render_document(data: OrgData, style: Style, provenance: bool = False) -> Document:
    """Data + style → document tree; with `provenance`, each figure of the prose is a run
    carrying its source (for the preview; a build's tree has no such runs)."""
    sources = FigureSources(data) if provenance else None
    report = render_prose(data, sources)
    problems = comparison_table_problems(data)
    if problems:
        raise FulianError(problems)
    markup = render_markup(report, data, style)
    return parse_markup(markup, style, sources.marked if sources else ())


@lru_cache(maxsize=32)
def _style_environment(folder: Path, base: Path) -> Any:
    """One environment per style, so that its compiled templates serve every report."""
    return make_environment(StyleLoader(folder, base), markup=True)


@dataclass(frozen=True)
class LaidOutPart:
    """The 总结 or the 计划 as style.yaml lays it out: its heading's words and number, its text."""

    heading: str
    number: str
    overview: tuple[str, ...]
    sections: tuple[RenderedSection, ...]
    layout: Part


@lru_cache(maxsize=256)
def _setting_template(folder: Path, base: Path, text: str) -> Any:
    """A style.yaml setting that names the period ({{ period.short }}工作计划), compiled once."""
    return _style_environment(folder, base).from_string(text)


def _setting_text(style: Style, text: str, context: dict[str, Any]) -> str:
    try:
        return _setting_template(style.folder, style.base, text).render(context).strip()
    except TemplateSyntaxError as exc:
        raise FulianError.single(style.folder / "style.yaml", f"样式设置“{text}”写法有误：{exc.message}") from None
    except UndefinedError as exc:
        raise FulianError.single(style.folder / "style.yaml", f"样式设置“{text}”用到的{exc}") from None
    except TemplateError as exc:
        raise FulianError.single(style.folder / "style.yaml", f"样式设置“{text}”无法生成：{exc}") from None


def lay_out_parts(report: RenderedReport, style: Style, context: dict[str, Any]) -> tuple[LaidOutPart, ...]:
    """The parts the report has: the 总结 always; the 计划 when plan.yaml says something."""
    settings = style.settings
    parts, numbered = [], 0
    for layout, overview, sections in (
        (settings.summary, (), report.summary),
        (settings.plan, report.plan_overview, report.plan),
    ):
        if not (overview or sections):
            continue
        heading = _setting_text(style, layout.heading, context) if layout.heading else ""
        number = ""
        if heading and layout.numbered:
            numbered += 1
            number = number_heading(settings.numbering.level1, numbered)
        parts.append(LaidOutPart(heading, number, overview, sections, layout))
    return tuple(parts)


def title_lines(report: RenderedReport, data: OrgData, style: Style) -> tuple[str, ...]:
    """The title `style` gives the report, without laying out the rest of it."""
    return _markup_context(report, data, style)["title_lines"]


def render_markup(report: RenderedReport, data: OrgData, style: Style) -> str:
    env = _style_environment(style.folder, style.base)
    context = _markup_context(report, data, style)
    try:
        template = env.get_template(style.settings.template)
        return template.render(context)
    except TemplateNotFound as exc:
        raise FulianError.single(style.folder, f"样式中找不到模板文件 {exc.name}") from None
    except TemplateSyntaxError as exc:
        raise FulianError.single(exc.filename or style.folder, f"模板写法有误：{syntax_reason(exc.message or '')}", exc.lineno or 0) from None
    except UndefinedError as exc:
        raise FulianError.single(style.folder / style.settings.template, f"模板用到的{exc}") from None
    except TemplateError as exc:
        where = getattr(exc, "filename", None) or style.folder / style.settings.template  # a RenderLimit knows its place
        raise FulianError.single(where, f"模板无法生成：{exc}", getattr(exc, "lineno", None) or 0) from None


def _markup_context(report: RenderedReport, data: OrgData, style: Style) -> dict[str, Any]:
    """The context a style's template lays the report out from: the prose, the parts, the title."""
    org = data.organisation
    context = dict(report.context)
    context.update(
        opening=report.opening,
        summary=report.summary,
        plan_overview=report.plan_overview,
        plan_sections=report.plan,
        numbering=style.settings.numbering,
        style=style.settings,
        signature=org.signed_by,
        report_date=org.report_date,
    )
    parts = lay_out_parts(report, style, context)
    settings = style.settings
    # A report without a plan part is not titled as announcing one.
    has_plan = any(part.layout is settings.plan for part in parts)
    title = settings.title if has_plan or not settings.title_without_plan else settings.title_without_plan
    context.update(title_lines=tuple(_setting_text(style, line, context) for line in title), parts=parts)
    return context


def parse_markup(markup: str, style: Style, sources: Sequence[FigureSource] = ()) -> Document:
    where = str(style.folder / style.settings.template)
    try:
        root = etree.fromstring(markup.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise FulianError.single(where, f"模板生成的文档结构有误（第 {exc.lineno} 行）：{exc.msg}") from None
    if root.tag != "document":
        raise FulianError.single(where, "模板生成的内容应以 <document> 开始")
    title: Title | None = None
    blocks: list = []
    attachments: list[Attachment] = []
    signature: Signature | None = None
    for element in root:
        if not isinstance(element.tag, str):
            continue
        if element.tag == "title":
            lines = tuple(_text(line) for line in element.iter("line")) or (_text(element),)
            title = Title(tuple(line for line in lines if line))
        elif element.tag == "signature":
            signature = Signature(organisation=element.get("organisation", ""), date=element.get("date", ""))
        elif element.tag == "attachment":
            inner = [_block(child, style, sources, where) for child in element if isinstance(child.tag, str)]
            attachments.append(Attachment(title=element.get("title", ""), blocks=tuple(b for b in inner if b is not None)))
        else:
            block = _block(element, style, sources, where)
            if block is not None:
                blocks.append(block)
    if title is None or not title.text:
        raise FulianError.single(where, "模板没有生成标题 <title>")
    if len(attachments) > 1:  # 附件1, 附件2…: numbered only when there are several
        attachments = [Attachment(a.title, a.blocks, f"附件{index}") for index, a in enumerate(attachments, 1)]
    return Document(title=title, blocks=blocks, signature=signature, attachments=attachments, settings=style.settings.model_dump())


def _block(element: etree._Element, style: Style, sources: Sequence[FigureSource], where: str) -> Any:
    """A heading, paragraph or table of the markup; None for a paragraph without text."""
    if element.tag == "heading":
        return Heading(level=int(element.get("level", "1")), text=_text(element), number=element.get("number", ""))
    if element.tag == "p":
        paragraph = _paragraph(element, style, sources)
        return paragraph if paragraph.runs else None
    if element.tag == "table":
        rows = tuple(tuple(_text(cell) for cell in row.iter("cell")) for row in element.iter("row"))
        return Table(rows=rows, header_rows=int(element.get("header-rows", "1")), caption=element.get("caption", ""))
    raise FulianError.single(where, f"模板生成了不认识的元素 <{element.tag}>")


def _text(element: etree._Element) -> str:
    return unmarked("".join(element.itertext())).strip()


def _paragraph(element: etree._Element, style: Style, sources: Sequence[FigureSource] = ()) -> Paragraph:
    runs: list[Run] = []
    bold_levels = set(style.settings.bold_levels)
    if element.text and element.text.strip():
        runs.append(Run(element.text))
    for child in element:
        if child.tag == "heading":
            level = int(child.get("level", "2"))
            words = child.get("number", "") + _text(child)
            if words:
                runs.append(Run(words, heading_level=level, bold=level in bold_levels))
        elif isinstance(child.tag, str):
            runs.append(Run(_text(child)))
        if child.tail:
            runs.append(Run(child.tail))
    if runs:
        runs[0] = Run(runs[0].text.lstrip(), runs[0].heading_level, runs[0].bold)
        runs[-1] = Run(runs[-1].text.rstrip(), runs[-1].heading_level, runs[-1].bold)
    if sources:  # each marked figure a run of its own, with its source
        runs = [
            Run(text, run.heading_level, run.bold, source)
            for run in runs
            for text, source in split_marked(run.text, sources)
        ]
    return Paragraph(runs=tuple(r for r in runs if r.text), indent=element.get("indent", "yes") != "no")

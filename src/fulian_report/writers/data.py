"""Data writer: a report's document tree and its figures → the YAML files of `data/<year>/<org>/`.

The reverse of the build: the tree a reader made of an existing report, read
into parts by `readers.layout`, is written as narrative.yaml (opening,
sections with their run-in headings) and plan.yaml (overview, sections,
targets); every figure and digit-holding name that `readers.figures`
recognised and `readers.filing` filed becomes a record of a subject file, and
the prose names it (`{{ activities.x.y }}`), so that no digit is left in prose.  A style folder is written for the layout the
report has (title, numbering per level, run-in headings, plan part,
signature); the caller keeps it only when no existing style gives the same.

Every file opens with the schema line, as the bundled data does, and every
record carries the source sentence as a comment.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import yaml

from ..doctree import Document, Heading
from ..model.period import PeriodSpan, resolve_period
from ..readers.figures import TextUnit, chinese_numeral_value
from ..readers.filing import Filing, FiledRecord
from ..readers.layout import Layout, Part, Section
from ..readers.structure import LEVEL_OF_KIND, heading_number

SUBJECT_TITLES = {
    "activities": "活动",
    "cases": "维权：受理的案件、调解、警情等",
    "funds": "资金：direction 写 筹集 或 发放；amount 金额",
    "honors": "荣誉：title 称号、level 级别、count 获得数量",
    "organisation_building": "组织建设",
    "employment": "就业与技能培训",
}
FIGURE_SUBJECTS = tuple(SUBJECT_TITLES)
STYLE_FOLDER = "本单位样式"


@dataclass
class DataFiles:
    """What the writer made: file name → text, the style folder's files, and what it counted."""

    files: dict[str, str]
    style_files: dict[str, str]
    figures: int
    names: list[str]
    digit_runs_in_figures: int
    digit_runs_in_names: int
    digit_runs_in_layout: int  # the title's years, heading numbers, the signature's date: the style and organisation.yaml hold them


def _depth_settings(sections: list[Section]) -> tuple[list[int], int]:
    """The heading level used at each depth, and the first depth whose headings run in."""
    levels: dict[int, Counter] = {}
    run_in: dict[int, Counter] = {}

    def walk(items: list[Section], depth: int) -> None:
        for s in items:
            levels.setdefault(depth, Counter())[s.level] += 1
            if s.paragraphs:
                run_in.setdefault(depth, Counter())[s.run_in] += 1
            walk(s.sections, depth + 1)

    walk(sections, 1)
    depth_levels = [levels[d].most_common(1)[0][0] for d in sorted(levels)] or [1]
    first = 99
    for depth in sorted(levels, reverse=True):
        if run_in.get(depth) and run_in[depth].most_common(1)[0][0]:
            first = depth
        elif run_in.get(depth):
            break
    return depth_levels, first


# ---------------------------------------------------------------- prose


class _Prose:
    """Each piece of prose written with its figures as {{ … }}, found by its place in the layout."""

    def __init__(self, units: list[TextUnit], filing: Filing):
        self.units = {unit.id: unit for unit in units}
        self.filing = filing

    def written(self, place: tuple) -> str:
        unit = self.units[place]
        pieces, position = [], 0
        for item in unit.found:
            pieces.append(unit.text[position:item.start])
            pieces.append(self.filing.expressions[(unit.id, item.start)])
            position = item.end
        pieces.append(unit.text[position:])
        return "".join(pieces)


def write_data(
    document: Document,
    plan_layout: Layout,
    units: list[TextUnit],
    filing: Filing,
    year: int,
    org_name: str,
    *,
    org_signature: str | None,
    report_date: str | None,
    source_name: str,
    period: str | PeriodSpan | None = None,
    date_not_read: str = "",
) -> DataFiles:
    """The YAML files and the style of a report, from its tree, its layout, and its figures as filed;
    `period` is the part of the year the report covers (上半年, 第一季度), None for the whole year;
    `date_not_read` says why the 落款's date is not the report_date (it is kept as a comment)."""
    next_year = next_year_expression(period, year)
    prose = _Prose(units, filing)
    opening = [("opening", index) for index in range(len(plan_layout.opening))]
    summary = _placed(plan_layout.summary, "summary")
    plan = _placed(plan_layout.plan, "plan") if plan_layout.plan else None
    files: dict[str, str] = {}
    files["organisation.yaml"] = _organisation(org_name, org_signature, report_date, year, source_name, period, date_not_read)
    files["narrative.yaml"] = _narrative(opening, summary, prose, year, next_year)
    if plan is not None:
        files["plan.yaml"] = _plan(plan, prose, filing)
    for subject in FIGURE_SUBJECTS:
        records = filing.of(subject)
        if records:
            files[f"{subject}.yaml"] = _subject_file(subject, records)
    style_files = _style(document, plan_layout, year, org_name, next_year)
    typed, kept = [], []
    for unit in units:
        for found in unit.found:
            is_typed = found.is_figure or found.year_name or (unit.id, found.start) in filing.typed_names
            (typed if is_typed else kept).append(found)
    runs = lambda items: sum(len(re.findall(r"\d+(?:\.\d+)?", f.text)) for f in items)  # noqa: E731
    return DataFiles(
        files=files,
        style_files=style_files,
        figures=len(typed),
        names=[f.text for f in kept],
        digit_runs_in_figures=runs(typed),
        digit_runs_in_names=runs(kept),
        digit_runs_in_layout=_layout_digit_runs(document, plan_layout),
    )


def _placed(part: Part, name: str) -> Part:
    """The part with each text replaced by its place, as `layout.texts` names places."""

    def convert(section: Section, here: tuple) -> Section:
        title = here + ("title",) if section.title else None
        paragraphs = [here + ("paragraphs", i) for i in range(len(section.paragraphs))]
        children = [convert(s, here + ("sections", i)) for i, s in enumerate(section.sections)]
        return Section(section.level, section.number, title, section.run_in, paragraphs, children)

    paragraphs = [(name, "paragraphs", i) for i in range(len(part.paragraphs))]
    return Part(part.heading, paragraphs, [convert(s, (name, "sections", i)) for i, s in enumerate(part.sections)])


def _layout_digit_runs(document: Document, plan_layout: Layout) -> int:
    count = lambda text: len(re.findall(r"\d+(?:\.\d+)?", text))  # noqa: E731
    total = count(document.title.text)
    if document.signature is not None:
        total += count(document.signature.date) + count(document.signature.organisation)
    for part in (plan_layout.summary, plan_layout.plan):
        if part is None:
            continue
        if part.heading is not None:
            total += count(part.heading.full_text)

        def numbers(sections: list[Section]) -> int:
            return sum(count(s.number) + numbers(s.sections) for s in sections)

        total += numbers(part.sections)
    return total


# ---------------------------------------------------------------- YAML text


_INDICATORS = set("-?:,[]{}#&*!|>'\"%@` ")
_PLAIN_UNSAFE = re.compile(r": |:$| #|[\n\t]|\s$")


def scalar(value: Any) -> str:
    """A YAML scalar that reads back as exactly this text (plain when it can be)."""
    text = str(value)
    # YAML types a plain scalar as a number, date, boolean or null only when it is all ASCII:
    # text with a Chinese character in it, not opening with an indicator, stays text.
    if text and not text.isascii() and text[0] not in _INDICATORS and text[0] not in "“《" and not _PLAIN_UNSAFE.search(text):
        return text
    if text.startswith(("{", "[", "“", "《")):  # quoted whatever YAML would make of it: no parse to ask
        return json.dumps(text, ensure_ascii=False)
    try:
        if text and yaml.safe_load(f"k: {text}") == {"k": text}:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


def _literal(text: str, indent: int) -> str:
    pad = " " * indent
    return f"|-\n{pad}{text}"


def _comment(text: str) -> str:
    return " ".join(text.split())


def _header(subject: str, lines: list[str]) -> str:
    head = [f"# yaml-language-server: $schema=../../../schema/{subject}.schema.json"]
    head += [f"# {line}" for line in lines]
    return "\n".join(head) + "\n\n"


def next_year_expression(period: str | PeriodSpan | None, year: int) -> str:
    """How a template names the calendar year after the report's: `next_year` is the year of the
    period after the report's, which for a part of a year that does not end it is the same year."""
    return "next_year" if resolve_period(period, year).next.last_year == year + 1 else "year + 1"


def _organisation(
    name: str, signature: str | None, report_date: str | None, year: int, source_name: str, period: str | PeriodSpan | None = None,
    date_not_read: str = "",
) -> str:
    district = re.sub(r"(妇联|妇女联合会)$", "", name) or name
    full = re.sub(r"妇联$", "妇女联合会", name)
    lines = [
        f"name: {scalar(name)}                # 简称，用在标题和落款里",
        f"full_name: {scalar(full)}       # 全称：原稿只写了简称，请核对",
        "region:",
        "  province: 待填写           # 原稿没有写省份，请填写",
        "  city: 待填写               # 原稿没有写城市，请填写",
        f"  district: {scalar(district)}",
    ]
    if signature:
        lines.append(f"signature: {scalar(signature)}         # 落款（发文机关署名）")
    if report_date:
        lines.append(f"report_date: {report_date}    # 成文日期")
    elif date_not_read:  # the date as written stays in the file, for the person who fills it in
        lines.append(f"# report_date:  {date_not_read}")
    if isinstance(period, PeriodSpan):  # several years: their first and last day
        lines.append(f"period: {{start: {period.start.isoformat()}, end: {period.end.isoformat()}}}  # 报告期间，取自原稿标题")
    elif period:  # dates are checked against it, the plan's against the period after it
        lines.append(f"period: {period}              # 报告期间，取自原稿标题")
    lines.append(f"style: {STYLE_FOLDER}            # 样式")
    return _header("organisation", [f"组织信息：由 fulian-report import 从“{source_name}”导入。"]) + "\n".join(lines) + "\n"


def _prose_list(key: str, places: list[tuple], prose: _Prose, indent: int) -> list[str]:
    pad = " " * indent
    if not places:
        return []
    out = [f"{pad}{key}:"]
    for place in places:
        out.append(f"{pad}  - {_literal(prose.written(place), indent + 4)}")
    return out


def _sections(sections: list[Section], prose: _Prose, indent: int) -> list[str]:
    pad = " " * indent
    out = [f"{pad}sections:"]
    for section in sections:
        first = True
        if section.title is not None:
            out.append(f"{pad}  - title: {scalar(prose.written(section.title))}")
            first = False
        body = _prose_list("paragraphs", section.paragraphs, prose, indent + 4)
        if section.sections:
            body += _sections(section.sections, prose, indent + 4)
        if first and body:
            body[0] = f"{pad}  - " + body[0].lstrip()
        out.extend(body)
    return out


def _narrative(opening: list[tuple], summary: Part, prose: _Prose, year: int, next_year: str = "next_year") -> str:
    head = _header("narrative", [
        "工作总结的文字。段中的数字一律写成 {{ 名称 }}，名称指向本文件夹其他文件里的数据。",
        f"{{{{ year }}}} 是报告年度（{year}），{{{{ {next_year} }}}} 是下一年度（{year + 1}）。",
        "日期加 | month_day 写出“3月5日”，加 | month 写出“3月”；| chinese 写出汉字数字（两名）。",
    ])
    if summary.sections:
        lines = _prose_list("opening", opening + summary.paragraphs, prose, 0)
        lines.append("")
        lines += _sections(summary.sections, prose, 0)
    else:  # a report of paragraphs only: one untitled part holds them (its style prints no heading)
        if not summary.paragraphs:  # all of them read as its opening: a part must hold something, and it prints the same
            opening, summary = [], Part(summary.heading, opening, summary.sections)
        lines = _prose_list("opening", opening, prose, 0)
        body = _prose_list("paragraphs", summary.paragraphs, prose, 4)
        lines += ([""] if lines else []) + ["sections:", "  - " + body[0].lstrip()] + body[1:]
    return head + "\n".join(lines) + "\n"


def _plan(plan: Part, prose: _Prose, filing: Filing) -> str:
    head = _header("plan", ["下一阶段的工作计划。有目标数的，写在 targets 中，正文以 {{ plan.targets.名称.target }} 引用。"])
    lines = _prose_list("overview", plan.paragraphs, prose, 0)
    if plan.sections:
        lines.append("")
        lines += _sections(plan.sections, prose, 0)
    targets = filing.of("plan")
    if targets:
        lines += ["", "targets:"] + _records(targets, 2)
    return head + "\n".join(lines) + "\n"


def _records(records: list[FiledRecord], indent: int) -> list[str]:
    pad = " " * indent
    out = []
    for record in records:
        out.append(f"{pad}{record.key}:  # {_comment(record.comment)}")
        for name, value in record.fields.items():
            if isinstance(value, int):
                written = str(value)
            elif isinstance(value, dict):
                written = "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
            else:
                written = scalar(value)
            out.append(f"{pad}  {name}: {written}")
    return out


def _flow(value: Any) -> str:
    """A value inside a flow mapping: a scalar, or a list of names (sums: {合计: [甲, 乙]})."""
    if isinstance(value, list):
        return "[" + ", ".join(scalar(item) for item in value) + "]"
    return scalar(value)


def _subject_file(subject: str, records: list[FiledRecord]) -> str:
    head = _header(subject, [
        f"{SUBJECT_TITLES[subject]}。由 fulian-report import 导入：每项的名称取自原稿的文字，",
        "后面的注释是原稿中的句子；含数字的名称（热线、文件、节日等）写在 name、document、occasion 等文字字段里。",
    ])
    return head + "\n".join(_records(records, 0)) + "\n"


# ---------------------------------------------------------------- style


def _years_in(text: str, year: int, next_year: str = "next_year") -> str:
    """Template text with the report's years as {{ year }} / {{ next_year }}."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"(?<!\d)\d{4}(?!\d)", lambda m: _year_expression(int(m.group(0)), year, next_year), escaped)


def _year_expression(value: int, year: int, next_year: str = "next_year") -> str:
    """2021 → {{ year }}, 2022 → {{ next_year }}, 2017 → {{ year - 4 }} (a five-year title)."""
    if value == year:
        return "{{ year }}"
    if value == year + 1:
        return f"{{{{ {next_year} }}}}"
    if abs(value - year) <= 10:
        if value < year:
            return f"{{{{ year - {year - value} }}}}"
        return f"{{{{ next_year + {value - year - 1} }}}}" if next_year == "next_year" else f"{{{{ year + {value - year} }}}}"
    return str(value)


def _title_lines(document: Document, org_name: str, year: int, next_year: str = "next_year") -> list[str]:
    lines = list(document.title.lines)
    if len(lines) == 1 and len(lines[0]) > 20:
        text = lines[0]
        middle = len(text) // 2
        cuts = [m.end() for m in re.finditer(r"[及和与暨]", text) if 6 <= m.end() <= len(text) - 6]
        if cuts:
            cut = min(cuts, key=lambda c: abs(c - middle))
            lines = [text[:cut], text[cut:]]
    out = []
    for line in lines:
        written = _years_in(line, year, next_year)
        if org_name and written.startswith(org_name):
            written = "{{ org.name }}" + written[len(org_name):]
        out.append(written)
    return out


def _jinja_text(text: str, year: int, next_year: str = "next_year") -> str:
    """A Jinja string expression for heading text, its years as the report's: "" ~ year ~ "年…"."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', '\\"')
    pieces = re.split(r"(\d{4})(?=年)", escaped)
    out = []
    for i, piece in enumerate(pieces):
        if i % 2 and piece in (str(year), str(year + 1)):
            out.append("year" if piece == str(year) else f"({next_year})")
        elif piece:
            out.append(f'"{piece}"')
    return " ~ ".join(out) or '""'


def _heading_markup(heading: Heading, year: int, next_year: str = "next_year") -> str:
    if not heading.number:
        return f'<heading level="1">{_years_in(heading.text, year, next_year)}</heading>'
    kind, number = heading_number(heading.number + "x")
    level = LEVEL_OF_KIND[kind]
    digits = re.sub(r"[^一二三四五六七八九十]", "", number) if kind.startswith("cn") else re.sub(r"\D", "", number)
    index = chinese_numeral_value(digits) if kind.startswith("cn") else int(digits)
    return f"{{{{ m.heading({level}, {index or 1}, {_jinja_text(heading.text, year, next_year)}) }}}}"


_DEFAULT_NUMBERING = {1: "{cn}、", 2: "（{cn}）", 3: "{n}．", 4: "（{n}）"}


def _numbering(plan_layout: Layout) -> dict[int, str]:
    """Each level's number as the report writes it most often: 1、 stays 1、, 一． stays 一．."""
    seen: dict[int, Counter] = {}

    def note(number: str) -> None:
        found = heading_number(number + "x")
        if found:
            kind, written = found
            pattern = re.sub(r"[一二三四五六七八九十]+", "{cn}", written) if kind.startswith("cn") else re.sub(r"\d+", "{n}", written)
            seen.setdefault(LEVEL_OF_KIND[kind], Counter())[pattern.replace(".", "．")] += 1

    def walk(sections: list[Section]) -> None:
        for section in sections:
            note(section.number)
            walk(section.sections)

    for part in (plan_layout.summary, plan_layout.plan):
        if part is not None:
            if part.heading is not None and part.heading.number:
                note(part.heading.number)
            walk(part.sections)
    return {level: (seen[level].most_common(1)[0][0] if level in seen else default) for level, default in _DEFAULT_NUMBERING.items()}


def _style(document: Document, plan_layout: Layout, year: int, org_name: str, next_year: str = "next_year") -> dict[str, str]:
    lines = ['{% import "macros.xml.j2" as m with context %}', "<document>"]
    lines.append("<title>" + "".join(f"<line>{line}</line>" for line in _title_lines(document, org_name, year, next_year)) + "</title>")
    lines.append("{{ m.paragraphs(opening) }}")
    summary = plan_layout.summary
    if summary.heading is not None:
        lines.append(_heading_markup(summary.heading, year, next_year))
    if summary.sections:
        levels, run_in_from = _depth_settings(summary.sections)
        lines.append(f"{{{{ m.sections(summary, levels={levels}, run_in_from={run_in_from}) }}}}")
    else:  # paragraphs only, held by one untitled part
        lines.append("{% for part in summary %}{{ m.paragraphs(part.paragraphs) }}{% endfor %}")
    if plan_layout.plan is not None:
        if plan_layout.plan.heading is not None:  # a plan alone has no heading of its own
            lines.append(_heading_markup(plan_layout.plan.heading, year, next_year))
        lines.append("{{ m.paragraphs(plan_overview) }}")
        levels, run_in_from = _depth_settings(plan_layout.plan.sections)
        lines.append(f"{{{{ m.sections(plan_sections, levels={levels}, run_in_from={run_in_from}) }}}}")
    if document.signature is not None and not document.signature.organisation:  # a date alone: no name is made up
        lines.append('<signature organisation="" date="{{ report_date or "" }}"/>')
    elif document.signature is not None:
        lines.append("{{ m.signature_block() }}")
    lines.append("</document>")
    numbering = _numbering(plan_layout)
    style_yaml = (
        "# 由 fulian-report import 按原稿的版式写出：标题、各级序号、标题是否接排正文。\n"
        "name: 导入的样式\n"
        "description: 按导入的原稿写出的样式。\n"
        "numbering:\n" + "".join(f'  level{level}: "{numbering[level]}"\n' for level in sorted(numbering))
    )
    return {"style.yaml": style_yaml, "report.xml.j2": "\n".join(lines) + "\n"}

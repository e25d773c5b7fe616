"""Which figures the prose uses, so that a figure no text mentions is pointed out.

A typed figure that no sentence uses is almost always a slip: a name typed
differently in the data and in the prose, or a sentence deleted while its
figure stayed.  The report would silently lack it, so each one is a
warning at the line of the figure.

The names are read from the prose templates themselves (Jinja's syntax
tree), not from a rendering: `{% set ages = activities.ecd.child_ages %}`
uses `activities.ecd.child_ages` even before `{{ ages }}` prints it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError
from pydantic import BaseModel

from ..derive import shown_in_comparison_table
from ..errors import Finding, FulianError, Location, Severity, suggest
from ..model.dataset import OrgData, model_items
from ..model.quantities import Figure, Money, ReportDate, Share, parse_figure
from ..model.subjects import Record, Section
from ..source.yaml_source import display_path, read_source_bytes
from .environment import _PROSE_ENV
from .simple_prose import Piece, simple_pieces

# Subjects whose figures the style template uses, not the prose.
_NOT_FROM_PROSE = ("organisation",)


def names_used(prose: Iterable[str]) -> set[str]:
    """Every dotted name the prose reaches: `cases.mediation.couples_received`, `derived.funds_raised`."""
    used: set[str] = set()
    for text in prose:
        used |= _names_in(text)
    return used


# Some 50 texts an organisation: room for two or three organisations (a watched folder's,
# a preview's), not for a whole batch, whose texts would keep a worker's memory growing.
@lru_cache(maxsize=128)
def _names_in(text: str) -> frozenset[str]:
    """One piece of prose's names, parsed once however many reports share it."""
    pieces = simple_pieces(text)
    if pieces is not None:
        return _names_in_pieces(pieces)
    return _names_in_tree(text)


def _names_in_pieces(pieces: tuple[Piece, ...]) -> frozenset[str]:
    """The names of prose that only names figures, read from the pieces `simple_prose` split it into
    (parsing it with Jinja took half of a report's time)."""
    aliases = {target: ".".join(names) for target, names, filters in pieces if names is not None and filters is None}
    chains = (".".join(names) for _, names, filters in pieces if names is not None and filters is not None)
    return frozenset(_resolve(chain, aliases) for chain in chains)


def _names_in_tree(text: str) -> frozenset[str]:
    """Any prose's names, from Jinja's syntax tree."""
    try:
        tree = _PROSE_ENV.parse(text)
    except TemplateSyntaxError:
        return frozenset()  # rendering reports it, located
    aliases = _aliases(tree)
    return frozenset(_resolve(chain, aliases) for chain in _chains(tree))


def _aliases(tree: nodes.Template) -> dict[str, str]:
    """`{% set a = activities %}`: a stands for activities."""
    aliases = {}
    for assign in tree.find_all(nodes.Assign):
        chain = _chain(assign.node)
        if isinstance(assign.target, nodes.Name) and chain is not None:
            aliases[assign.target.name] = chain
    return aliases


def _resolve(chain: str, aliases: dict[str, str]) -> str:
    for _ in range(len(aliases)):  # an alias may stand for another alias
        head, dot, rest = chain.partition(".")
        if head not in aliases:
            break
        chain = aliases[head] + dot + rest
    return chain


def _chains(node: nodes.Node) -> Iterator[str]:
    if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name) and _chain(node.node) is not None:
        return  # an alias, not a use: its uses are counted where it is written
    chain = _chain(node)
    if chain is not None:
        yield chain
        return
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
        # activities.items(): a loop over a whole namespace uses all of it.
        owner = _chain(node.node.node)
        if owner is not None:
            yield owner
    for child in node.iter_child_nodes():
        yield from _chains(child)


def _chain(node: nodes.Node) -> str | None:
    """`a.b.c` or `a['b'].c` as "a.b.c"; None for anything else."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        owner = _chain(node.node)
        return None if owner is None else f"{owner}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        owner = _chain(node.node)
        return None if owner is None else f"{owner}.{node.arg.value}"
    return None


def all_prose(data: OrgData) -> Iterator[str]:
    narrative, plan = data.subjects["narrative"], data.subjects["plan"]
    yield from narrative.opening
    yield from _section_prose(narrative.sections)
    yield from plan.overview
    yield from _section_prose(plan.sections)


def _section_prose(sections: list[Section]) -> Iterator[str]:
    for section in sections:
        if section.title:
            yield section.title
        yield from section.paragraphs
        yield from _section_prose(section.sections)


def _used_through_derived(data: OrgData, used: set[str]) -> set[str]:
    """Figures a derived figure is computed from count as used when the derived one is."""
    implied: set[str] = set()
    derived = {name.split(".", 2)[1] if name.count(".") else "" for name in used if name.startswith("derived")}
    if "derived" in used:  # the whole of derived, e.g. passed to a filter
        derived.add("")
    funds = dict(data.subjects["funds"].items())
    if derived & {"", "funds_raised", "funds_paid"}:
        implied.update(f"funds.{name}.amount" for name in funds)
    for name in used:
        parts = name.split(".")
        if parts[:2] == ["derived", "funds_over_target"]:
            for fund in funds if len(parts) == 2 else parts[2:3]:
                implied.update({f"funds.{fund}.amount", f"funds.{fund}.target"})
        elif parts[:2] == ["derived", "women_shares"]:
            committees = data.subjects["organisation_building"].committees
            for committee in committees if len(parts) == 2 else parts[2:3]:
                implied.add(f"organisation_building.committees.{committee}")
    if derived & {"", "mediation_success"}:
        implied.add("cases.mediation")
    return implied


class _Container:
    """A model, mapping or list of the data with the figures directly inside it: (sequence number
    of the figure in a walk of the whole data, its key).  `name` is its path as prose writes it
    (activities.record_00001), made once from its parent's."""

    __slots__ = ("subject", "path", "name", "figures", "parent", "use")

    def __init__(self, subject: str, path: tuple, name: str, parent: "_Container | None"):
        self.subject, self.path, self.name, self.parent = subject, path, name, parent
        self.figures: list[tuple[int, Any]] = []
        self.use = _SOME  # how much of it the prose uses, once known


def _containers(data: OrgData) -> tuple[list[_Container], list[tuple[str, Record]]]:
    """Every container of the data holding figures or containers, parents before children, and
    every record reached through models and mappings (not lists), with its name: one walk for both,
    as a file of 10,000 records would otherwise be walked once for its records and once per figure."""
    containers: list[_Container] = []
    records: list[tuple[str, Record]] = []
    counter = 0
    for subject, model in data.subjects.items():
        if isinstance(model, Record):
            records.append((subject, model))
        root = _Container(subject, (), subject, None)
        containers.append(root)
        # (container, its remaining items, reached without a list)
        stack = [(root, iter(_items(model)), True)]
        while stack:
            container, items, mapped = stack[-1]
            for key, item in items:
                if item is None:  # most of a record's fields
                    continue
                kind = _KINDS.get(item.__class__)
                if kind is None:
                    kind = _KINDS[item.__class__] = _kind(item)
                if kind is _FIGURE:
                    container.figures.append((counter, key))
                    counter += 1
                elif kind is not _PLAIN:
                    child = _Container(subject, container.path + (key,), f"{container.name}.{key}", container)
                    containers.append(child)
                    in_mapping = mapped and kind is not _LIST
                    if in_mapping and kind is _RECORD:
                        records.append((child.name, item))
                    stack.append((child, iter(_items(item)), in_mapping))
                    break
            else:
                stack.pop()
    return containers, records


# What a value of each class is to the walk, decided once per class (a file of 10,000 records
# asks for every field of every record).
_PLAIN, _FIGURE, _RECORD, _MAPPING, _LIST = "plain", "figure", "record", "mapping", "list"
_KINDS: dict[type, str] = {}


def _kind(value: Any) -> str:
    if isinstance(value, Figure):
        return _FIGURE
    if isinstance(value, Record):
        return _RECORD
    if isinstance(value, (BaseModel, dict)):
        return _MAPPING
    if isinstance(value, (list, tuple)):
        return _LIST
    return _PLAIN  # text, numbers and None hold no figure


def _items(value: Any) -> Iterable[tuple[Any, Any]]:
    if isinstance(value, BaseModel):
        return model_items(value)
    if isinstance(value, dict):
        return value.items()
    return enumerate(value)


def _used_through_checks(used: set[str], records: list[tuple[str, Record]]) -> set[str]:
    """The items of a used total (sums) and the counts of a used share (shares) are used too."""
    implied: set[str] = set()
    for prefix, record in records:
        if not (record.sums or record.shares):
            continue
        for whole, parts in [*(record.sums or {}).items(), *(record.shares or {}).items()]:
            if _is_used(f"{prefix}.{whole}", used):
                implied.update(f"{prefix}.{part}" for part in parts)
    return implied


def _measured_next_year(data: OrgData) -> set[str]:
    """This year's figures last year's plan named as the measure of a target."""
    if data.previous is None:
        return set()
    return {target.measure for _, target in data.previous.subjects["plan"].targets.items() if target.measure}


# How much of a container the prose uses: all of it (it or a container around it is named),
# some of it (a name inside it is), or none.
_ALL, _SOME, _NONE = range(3)


def unused_figures(data: OrgData) -> list[Finding]:
    """A warning at each typed figure that no prose uses, directly or through a derived figure.

    A record none of whose figures is used gets one warning at the record, not one
    per figure: a file of a thousand such records says a thousand things, not three thousand."""
    used = names_used(all_prose(data))
    used |= _used_through_derived(data, used) | _measured_next_year(data) | shown_in_comparison_table(data)
    containers, all_records = _containers(data)
    used |= _used_through_checks(used, all_records)
    within_used = _prefixes(used)
    named = used | within_used
    # The names of a container's figures are only spelt out where the prose uses some of it.
    unused_of: list[tuple[_Container, list[tuple[int, Any]]]] = []
    for container in containers:
        if container.subject in _NOT_FROM_PROSE:
            continue
        use = container.parent.use if container.parent is not None else _SOME
        if use == _SOME:
            name = container.name
            use = _ALL if name in used else _SOME if name in within_used else _NONE
        container.use = use
        if use == _ALL or not container.figures:
            continue
        if use == _NONE:  # nothing inside it is named: none of its figures is used
            unused = container.figures
        else:  # no container around the figure is named (else _ALL): the figure itself, or a part of it (period.start)
            unused = [entry for entry in container.figures if f"{name}.{entry[1]}" not in named]
        if unused:
            unused_of.append((container, unused))
    records: dict[str, Record] | None = None  # by name, once a single figure's spelling is asked about
    unset_fields: dict[int, tuple[str, ...]] = {}
    findings = []
    warning = Severity.WARNING
    for container, unused in sorted(unused_of, key=lambda entry: entry[1][0][0]):  # in the order of the data
        subject, record_path, prefix = container.subject, container.path, container.name
        if record_path and len(unused) == len(container.figures) > 1:  # the whole record
            fields = "、".join(str(key) for _, key in unused)
            message = (
                f"记录“{prefix}”的 {len(unused)} 个数字（{fields}）都没有被任何正文用到，报告里不会出现；"
                f"若正文要写，请用 {{{{ {prefix}.{unused[0][1]} }}}} 这样的名称，不需要就删掉这条记录。"
            )
            findings.append(Finding(data.locate(subject, record_path), message, warning))
            continue
        if records is None:
            records = dict(all_records)
        for _, key in unused:
            name = f"{prefix}.{key}"
            misspelt = _misspelt_field(records, name, unset_fields)
            unused_text = f"数字“{name}”没有被任何正文用到，报告里不会出现"
            message = unused_text + misspelt if misspelt else f"{unused_text}；若正文要写它，请用 {{{{ {name} }}}}，不需要就删掉。"
            findings.append(Finding(data.locate(subject, record_path + (key,)), message, warning))
    return findings


def _misspelt_field(records: dict[str, Record], name: str, unset_fields: dict[int, tuple[str, ...]] | None = None) -> str:
    """A named figure spelt like one of its record's own fields (particpants) is most likely that field.

    `unset_fields` (record id → its unset fields) may be passed when asking for many figures."""
    owner, _, field = name.rpartition(".")
    record = records.get(owner)
    if record is None:
        return ""
    known = unset_fields if unset_fields is not None else {}
    unset = known.get(id(record))
    if unset is None:
        unset = known[id(record)] = tuple(
            f for f in type(record).model_fields if getattr(record, f) is None and f not in ("sums", "shares")
        )
    return _field_suggestion(field, unset)


@lru_cache(maxsize=1024)
def _field_suggestion(field: str, unset: tuple[str, ...]) -> str:
    # Records repeat the same names and leave the same fields unset: each pair is compared once.
    close = difflib.get_close_matches(field, unset, n=1, cutoff=0.75)
    return suggest(field, close) if close else ""


def _is_used(name: str, used: set[str], within_used: set[str] | None = None) -> bool:
    """The name itself, a part of it (`period.start`), or a record or namespace holding it, is used.

    `within_used` (every proper prefix of a used name) may be passed when asking many times."""
    if within_used is None:
        within_used = _prefixes(used)
    if name in within_used:
        return True
    probe = name
    while probe:
        if probe in used:
            return True
        probe = probe.rpartition(".")[0]
    return False


def _prefixes(used: set[str]) -> set[str]:
    prefixes = set()
    for name in used:
        parts = name.split(".")
        prefixes.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return prefixes


# --- Digits typed into text -------------------------------------------------------------
#
# Every figure of a report comes from typed data, so that it is checked and drives the text.
# A digit typed into prose (`开办了7期`) or into a style template's text is a figure nobody
# checks: an error, at its own line and column.  Names that hold digits (12345热线, “温暖2021”)
# are written in a record's name field and reached as `{{ … .name }}`.

_JINJA_SPAN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_TYPED_DIGITS = re.compile("[0-9\uff10-\uff19]+(?:[.\uff0e][0-9\uff10-\uff19]+)?")
# Full-width braces (an input method left in full-width mode) are no Jinja syntax: they would be printed.
_FULLWIDTH_SYNTAX = re.compile("[{}%#\uff05\uff03]*[\uff5b\uff5d][{}%#\uff05\uff03\uff5b\uff5d]*")


def literal_text(source: str) -> str:
    """`source` with its Jinja tags, expressions and comments blanked out, offsets and lines kept."""
    return _JINJA_SPAN.sub(_blank, source)


def _blank(match: re.Match) -> str:
    span = match.group()
    return re.sub(r"[^\n]", " ", span) if "\n" in span else " " * len(span)


def _typed_digits_message(run: str, figure: Figure | None, written: str) -> str:
    if isinstance(figure, ReportDate):
        advice = (
            f"报告年度请写 {{{{ year }}}}，下一年度写 {{{{ next_year }}}}；其他日期“{written}”写进数据里那一项的 date 字段，"
            "正文写成 {{ 文件名.名称.date }}"
        )
    elif figure is None:
        advice = "请把它连同量词写进数据文件（如 activities.yaml 中一项的 sessions: 12期），正文写成 {{ activities.名称.sessions }}"
    else:
        file, field = {Money: ("funds.yaml", "amount"), Share: ("activities.yaml", "完成率")}.get(type(figure), ("activities.yaml", "sessions"))
        advice = (
            f"请把“{written}”写进数据文件（如 {file} 中一项的 {field}: {written}），"
            f"正文写成 {{{{ {file.removesuffix('.yaml')}.名称.{field} }}}}"
        )
    return (
        f"正文里直接写了数字“{run}”：报告里的数字都应来自数据，才能核对。{advice}；"
        "若它是名称的一部分（12345热线、“温暖2021”），请写进那一项的 name 字段，正文写 {{ … .name }}。"
    )


def _figure_around(text: str, start: int, end: int) -> tuple[Figure | None, str]:
    """The figure a typed number is part of (近500人, 6万元左右, 2021年3月), as the data would write it."""
    found: tuple[Figure | None, str] = (None, text[start:end])
    for after in range(8, -1, -1):
        for before in (0, 1):
            if start - before < 0 or end + after > len(text):
                continue
            candidate = text[start - before : end + after]
            if found[0] is not None and len(candidate) <= len(found[1]):
                continue
            try:
                found = (parse_figure(candidate), candidate)
            except ValueError:
                continue
    return found


def _fullwidth_braces_message(found: str) -> str:
    return (
        f"“{found}”是全角的花括号或百分号，不会被当作数字的名称，而会原样印进报告；"
        "请改用半角的 {{ }} 或 {% %}（切换输入法的全角/半角）。"
    )


def digits_in_prose(data: OrgData) -> list[Finding]:
    """An error at every digit and every full-width brace typed into narrative.yaml and plan.yaml prose."""
    findings: list[Finding] = []
    for subject, path, text in _prose_with_paths(data):
        source = data.sources.get(subject)
        if source is None:
            continue
        for offset, found, message in _slips_in(text):
            findings.append(Finding(_where_in_prose(data, subject, path, text, offset, found), message))
    return findings


@lru_cache(maxsize=128)  # as _names_in: a watched organisation's texts, checked again at every save
def _slips_in(text: str) -> tuple[tuple[int, str, str], ...]:
    """(offset, text found, message) of every typed digit and full-width brace of one piece of prose."""
    fullwidth = "\uff5b" in text or "\uff5d" in text
    if not fullwidth and not _TYPED_DIGITS.search(_JINJA_SPAN.sub("", text)):
        return ()  # nearly all prose: digits only inside {{ }} (names such as honor_01)
    slips = [(match.start(), match.group(), _fullwidth_braces_message(match.group())) for match in _FULLWIDTH_SYNTAX.finditer(text)]
    literal = literal_text(text)
    slips += [
        (match.start(), match.group(), _typed_digits_message(match.group(), *_figure_around(literal, match.start(), match.end())))
        for match in _TYPED_DIGITS.finditer(literal)
    ]
    return tuple(sorted(slips))


def _where_in_prose(data: OrgData, subject: str, path: tuple, text: str, offset: int, found: str) -> Location:
    """The file position of `text[offset:]`: the prose's own line is looked up in the file, with a
    few characters before the slip, so that the column is the slip's (block scalars are indented)."""
    near = data.locate(subject, path)
    source = data.sources[subject]
    if not near.line:
        return near
    first = source.content_line(near)
    line_start = text.rfind("\n", 0, offset) + 1
    lead = min(offset - line_start, 6)
    for fragment, before in ((text[offset - lead : offset + len(found)], lead), (found, 0)):
        for number in range(first, min(len(source.lines), first + 200) + 1):
            column = source.lines[number - 1].find(fragment)
            if column >= 0:
                return Location(near.path, number, column + 1 + before)
    return near


def _prose_with_paths(data: OrgData) -> Iterator[tuple[str, tuple, str]]:
    narrative, plan = data.subjects.get("narrative"), data.subjects.get("plan")
    if narrative is not None:
        yield from (("narrative", ("opening", i), text) for i, text in enumerate(narrative.opening))
        yield from _sections_with_paths("narrative", narrative.sections, ("sections",))
    if plan is not None:
        yield from (("plan", ("overview", i), text) for i, text in enumerate(plan.overview))
        yield from _sections_with_paths("plan", plan.sections, ("sections",))


def _sections_with_paths(subject: str, sections: list[Section], path: tuple) -> Iterator[tuple[str, tuple, str]]:
    for index, section in enumerate(sections):
        here = path + (index,)
        if section.title:
            yield subject, here + ("title",), section.title
        yield from ((subject, here + ("paragraphs", i), text) for i, text in enumerate(section.paragraphs))
        yield from _sections_with_paths(subject, section.sections, here + ("sections",))


def digits_in_templates(folders: Iterable[Path]) -> list[Finding]:
    """An error at every digit typed into the text of a style's templates (`*.j2` in its folders):
    outside Jinja code and outside the markup's tags (`level="1"` is markup, not text)."""
    findings: list[Finding] = []
    for folder in folders:
        for template in sorted([*Path(folder).glob("*.j2"), Path(folder) / "style.yaml"]):
            try:
                stamp = template.lstat().st_mtime_ns
            except OSError:
                continue
            findings.extend(_digits_in_template(template, stamp))
    return findings


@lru_cache(maxsize=64)
def _digits_in_template(template: Path, stamp: int) -> tuple[Finding, ...]:
    try:
        # Read as every style file is read: never through a link, nor from a device or FIFO
        # (a digit of a file outside the style would otherwise be quoted in the message).
        source = read_source_bytes(template).decode("utf-8")
    except (FulianError, UnicodeDecodeError):
        return ()  # rendering the style reports a template it cannot read
    if template.name == "style.yaml":
        return _digits_in_style_settings(template)
    literal = literal_text(source)
    shown = display_path(template)
    findings = [
        Finding(Location(shown, *_line_and_column(source, match.start())), _fullwidth_braces_message(match.group()))
        for match in _FULLWIDTH_SYNTAX.finditer(literal)
    ]
    in_tag = False
    line, column = 1, 0
    run: list[str] = []
    run_at = (0, 0)
    for char in literal + "\n":
        column += 1
        if not in_tag and _TYPED_DIGITS.fullmatch(char):
            if not run:
                run_at = (line, column)
            run.append(char)
        elif run:
            findings.append(Finding(Location(shown, *run_at), _template_digits_message("".join(run))))
            run = []
        if char == "<":
            in_tag = True
        elif char == ">":
            in_tag = False
        elif char == "\n":
            line, column = line + 1, 0
    return tuple(findings)


def _digits_in_style_settings(path: Path) -> tuple[Finding, ...]:
    """The settings of style.yaml printed into the report (the title's lines, the parts' headings) are
    template text too; layout numbers (lines_per_page: 22) are not."""
    from ..source.yaml_source import load_yaml

    try:
        source = load_yaml(path)
    except FulianError:
        return ()  # loading the style reports it
    data = source.data if isinstance(source.data, dict) else {}
    texts = []
    for key in ("title", "title_without_plan"):
        title = data.get(key)
        texts += [((key,), title)] if isinstance(title, str) else [
            ((key, index), line) for index, line in enumerate(title if isinstance(title, list) else [])]
    texts += [((part, "heading"), data[part].get("heading")) for part in ("summary", "plan") if isinstance(data.get(part), dict)]
    findings = []
    for where, text in texts:
        if not isinstance(text, str):
            continue
        for match in _TYPED_DIGITS.finditer(literal_text(text)):
            at = source.locate_value(where)
            line = source.lines[at.line - 1] if 0 < at.line <= len(source.lines) else ""
            column = line.find(match.group(), max(at.column - 1, 0))
            findings.append(Finding(Location(at.path, at.line, column + 1 if column >= 0 else at.column),
                                    _template_digits_message(match.group())))
    return tuple(findings)


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _template_digits_message(run: str) -> str:
    return (
        f"样式模板的文字里直接写了数字“{run}”：报告里的数字都应来自数据；年度请写 {{{{ year }}}}、{{{{ next_year }}}}，"
        "其他数字写进数据，模板里用 {{ 名称 }} 引用。"
    )

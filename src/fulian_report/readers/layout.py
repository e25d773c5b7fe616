"""The parts of a report's document tree: opening, the 总结 and the 计划, sections nested by their numbers.

A reading of the tree, shared by the stages after it: figures are recognised
in each text of the layout (knowing whether it is in the plan), and the data
writer lays the same texts out as narrative.yaml and plan.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from ..doctree import Document, Heading, Paragraph
from .structure import LEVEL_OF_KIND, heading_number

PLAN_WORDS = ("计划", "打算", "思路", "谋划", "安排", "展望", "要点")
SUMMARY_WORDS = ("情况", "总结", "回顾", "成效", "成绩", "完成")


@dataclass
class Section:
    level: int
    number: str
    title: str
    run_in: bool
    paragraphs: list[str] = field(default_factory=list)
    sections: list["Section"] = field(default_factory=list)


@dataclass
class Part:
    """The 总结 or the 计划: its heading (if it has one of its own), opening paragraphs, sections."""

    heading: Heading | None = None
    paragraphs: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


@dataclass
class Layout:
    opening: list[str]
    summary: Part
    plan: Part | None


def layout(document: Document, plan_alone: bool = False) -> Layout:
    """The tree's parts; `plan_alone` for a report that is a plan only (2024年工作要点): its
    opening paragraphs stay the opening, and all its sections are the plan's."""
    blocks = list(document.blocks)
    if plan_alone:
        at = first_numbered(blocks)
        return Layout([_plain(b) for b in blocks[:at]], Part(), _part(blocks[at:], None))
    plan_at = next((i for i, b in enumerate(blocks) if i > 0 and _is_plan_heading(b)), None)
    summary_blocks = blocks if plan_at is None else blocks[:plan_at]
    wrapper = None
    if plan_at is not None and blocks[plan_at].number:
        kind = heading_number(blocks[plan_at].number + "x")[0]
        same = [b for b in summary_blocks if isinstance(b, Heading) and b.number and heading_number(b.number + "x")[0] == kind]
        if len(same) == 1 and summary_blocks.index(same[0]) == first_numbered(summary_blocks):
            wrapper = same[0]
    if wrapper is not None:
        at = summary_blocks.index(wrapper)
        opening_blocks, body = summary_blocks[:at], summary_blocks[at + 1:]
    else:
        at = first_numbered(summary_blocks)
        opening_blocks, body = summary_blocks[:at], summary_blocks[at:]
    summary = _part(body, wrapper)
    plan = _part(blocks[plan_at + 1:], blocks[plan_at]) if plan_at is not None else None
    return Layout([_plain(b) for b in opening_blocks], summary, plan)


def _is_plan_heading(block: Any) -> bool:
    return isinstance(block, Heading) and any(w in block.text for w in PLAN_WORDS) and not any(w in block.text for w in SUMMARY_WORDS)


def first_numbered(blocks: list) -> int:
    """The index of the first numbered heading (on its own line or run in), or len(blocks)."""
    return next((i for i, b in enumerate(blocks) if _numbered(b)), len(blocks))


def _numbered(block: Any) -> bool:
    if isinstance(block, Heading):
        return bool(block.number)
    return isinstance(block, Paragraph) and block.runs[0].heading_level is not None


def _plain(block: Any) -> str:
    return block.full_text if isinstance(block, Heading) else block.text


def _part(blocks: list, heading: Heading | None) -> Part:
    part = Part(heading=heading)
    stack: list[tuple[str, Section]] = []  # (number kind, section)
    for block in blocks:
        if not _numbered(block):
            text = _plain(block)
            (stack[-1][1].paragraphs if stack else part.paragraphs).append(text)
            continue
        if isinstance(block, Heading):
            kind = heading_number(block.number + "x")[0]
            section = Section(LEVEL_OF_KIND[kind], block.number, block.text, run_in=False)
        else:
            words, rest = block.runs[0].text, "".join(run.text for run in block.runs[1:])
            kind, number = heading_number(words)
            title = words[len(number):]
            title = title[:-1] if title.endswith("。") else title
            section = Section(LEVEL_OF_KIND[kind], number, title, run_in=True, paragraphs=[rest])
        kinds = [k for k, _ in stack]
        if kind in kinds:
            del stack[kinds.index(kind):]
        (stack[-1][1].sections if stack else part.sections).append(section)
        stack.append((kind, section))
    return part


def texts(plan_layout: Layout) -> Iterator[tuple[tuple, str, bool]]:
    """(place, text, in the plan) of every piece of prose, in reading order."""
    for index, text in enumerate(plan_layout.opening):
        yield ("opening", index), text, False
    for name, part in (("summary", plan_layout.summary), ("plan", plan_layout.plan)):
        if part is None:
            continue
        in_plan = name == "plan"
        for index, text in enumerate(part.paragraphs):
            yield (name, "paragraphs", index), text, in_plan
        yield from _section_texts(part.sections, (name,), in_plan)


def _section_texts(sections: list[Section], place: tuple, in_plan: bool) -> Iterator[tuple[tuple, str, bool]]:
    for index, section in enumerate(sections):
        here = place + ("sections", index)
        if section.title:
            yield here + ("title",), section.title, in_plan
        for number, text in enumerate(section.paragraphs):
            yield here + ("paragraphs", number), text, in_plan
        yield from _section_texts(section.sections, here, in_plan)

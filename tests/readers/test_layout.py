"""The layout of a tree: opening, the 总结 and the 计划, sections nested by their numbers."""

from __future__ import annotations

from fulian_report.readers.layout import layout, texts
from tests.writers.test_data_writer import _tree


def test_layout_follows_the_headings():
    plan = layout(_tree())
    assert plan.opening == ["2022年，示例乡妇联开展各项工作。"]
    (part,) = plan.summary.sections
    assert part.title == "强化引领" and [s.title for s in part.sections] == ["宣讲有声势", "帮扶有温度"]
    assert all(s.run_in and s.level == 2 for s in part.sections)
    assert plan.plan.heading.text == "2023年工作计划" and plan.plan.sections[0].title == "抓宣讲"


def test_texts_are_named_by_their_place_and_part():
    places = [(place, in_plan) for place, _, in_plan in texts(layout(_tree()))]
    assert places[0] == (("opening", 0), False)
    assert (("summary", "sections", 0, "sections", 1, "paragraphs", 0), False) in places
    assert places[-1] == (("plan", "sections", 0, "paragraphs", 0), True)

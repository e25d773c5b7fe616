"""Stated totals and shares are checked against their items and counts (`sums`, `shares`)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from fulian_report.model.subjects import Activities, OrganisationBuilding


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ({"a": "52场", "b": "30场", "t": "82场", "sums": {"t": ["a", "b"]}}, None),
        ({"a": "5万元", "b": "3000元", "t": "5.3万元", "sums": {"t": ["a", "b"]}}, None),
        ({"a": "5万元", "b": "3000元", "t": "5.4万元", "sums": {"t": ["a", "b"]}}, "合计 t 5.4万元 不等于各项之和 5.3万元"),
        ({"a": "52场", "b": "30人", "t": "82场", "sums": {"t": ["a", "b"]}}, "量词或单位不同"),
        ({"a": "52场", "t": "82场", "sums": {"t": ["a", "c"]}}, "sums 中分项“c”在这一项中没有写"),
        ({"a": "52场", "sums": {"t": ["a"]}}, "sums 中合计“t”在这一项中没有写"),
        ({"a": "52场", "t": "82场", "sums": {"t": []}}, "没有列出分项"),
    ],
)
def test_a_stated_total_is_the_sum_of_its_items(record, problem):
    if problem is None:
        Activities.model_validate({"x": record})
        return
    with pytest.raises(ValidationError) as caught:
        Activities.model_validate({"x": record})
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("share", "agrees"),
    [("65.3%", True), ("65%", True), ("65.30%", True), ("65.29%", False), ("25.7％", False), ("66%", False)],
)
def test_a_stated_share_agrees_with_its_counts_at_the_precision_written(share, agrees):
    committee = {"members": "559人", "women": "365人", "women_share": share, "shares": {"women_share": ["women", "members"]}}
    if agrees:
        OrganisationBuilding.model_validate({"committees": {"c": committee}})
        return
    with pytest.raises(ValidationError) as caught:
        OrganisationBuilding.model_validate({"committees": {"c": committee}})
    assert f"比例 women_share {share} 与 365人 / 559人" in str(caught.value)


def test_a_share_line_names_a_part_and_a_whole():
    with pytest.raises(ValidationError) as caught:
        Activities.model_validate({"x": {"s": "10%", "shares": {"s": ["a"]}}})
    assert "应写成 [部分的名称, 总数的名称]" in str(caught.value)

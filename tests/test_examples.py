"""The annotated example under examples/ builds, in both styles, and shows what it claims."""

from __future__ import annotations

import shutil

import pytest

from fulian_report.api import validate
from tests.conftest import ROOT, build_text

EXAMPLES = ROOT / "examples" / "data"


@pytest.mark.parametrize("style", ["xiangdong", "furong"])
def test_example_builds_in_each_style(style):
    text = build_text("shili", style, data_root=EXAMPLES)
    assert text.startswith("示例区妇联2021年")
    assert "调和率30%" in text  # derived from 63 of 210 couples
    assert "占59.4%" in text  # women's share derived from 190 of 320
    assert "完成年初计划的40场左右" in text  # last year's plan target, met by 46场次
    assert "超出5万元的计划目标12000元" in text
    assert "0—3岁" in text


@pytest.mark.parametrize(
    ("style", "title"),
    [("furong", "示例区妇联2022年上半年工作总结及下半年工作计划"), ("xiangdong", "示例区妇联2022年上半年工作情况和下半年主要工作打算汇报")],
)
def test_the_half_year_example_is_titled_by_its_period(style, title):
    text = build_text("shili", style, data_root=EXAMPLES, year=2022)
    assert text.startswith(title + "\n") and "下半年，示例区妇联将对标全年任务" in text


def test_every_example_file_is_marked_fictional():
    for path in EXAMPLES.rglob("*.yaml"):
        assert "虚构示例" in path.read_text(encoding="utf-8")[:400], path


def test_the_example_total_is_checked_against_its_items(tmp_path):
    shutil.copytree(EXAMPLES, tmp_path / "data")
    path = tmp_path / "data" / "2021" / "shili" / "organisation_building.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("micro_homes: 9个", "micro_homes: 8个"), encoding="utf-8")
    (finding,) = [f for f in validate([path.parent]) if f.severity.value == "error"]
    assert "合计 count 24个 不等于各项之和 23个" in finding.message

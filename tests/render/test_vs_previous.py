"""The 比上年 filter: a figure against the same figure of the period before, in the genre's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from fulian_report.api import make_document
from fulian_report.errors import FulianError
from fulian_report.model.dataset import load_org
from fulian_report.writers.html import pages_html
from fulian_report.writers.text import to_text
from tests.conftest import write_org

ORGANISATION = """\
name: 示例镇妇联
full_name: 示例县示例镇妇女联合会
region: {{province: 示例省, city: 示例市, district: 示例县, township: 示例镇}}
report_date: {report_date}
style: furong
{period}"""

# A fictional pair of years of a township office.
LAST_YEAR = {
    "cases.yaml": """\
visits:
  received: 60件            # 接待来访
mediation:                  # 婚姻家庭纠纷调解
  couples_received: 444对   # 接待准离婚夫妻
  couples_reconciled: 134对 # 其中调和
hotline:
  calls: 600名              # 热线来电
""",
    "funds.yaml": """\
relief:                     # 困难妇女救助
  direction: 发放
  amount: 30万元
""",
    "organisation_building.yaml": """\
committees:
  village_committees:       # 村两委
    members: 70人
    women: 40人
""",
}
THIS_YEAR = {
    "cases.yaml": """\
visits:
  received: 60件            # 接待来访
mediation:                  # 婚姻家庭纠纷调解
  couples_received: 445对   # 接待准离婚夫妻
  couples_reconciled: 130对 # 其中调和
hotline:
  calls: 700余名            # 热线来电
  volunteers: 12名          # 志愿者（上年没有）
""",
    "funds.yaml": """\
relief:                     # 困难妇女救助
  direction: 发放
  amount: 34.5万元
""",
    "organisation_building.yaml": """\
committees:
  village_committees:       # 村两委
    members: 70人
    women: 42人
""",
}


def _narrative(*paragraphs: str) -> str:
    opening = "".join(f"  - |-\n    {text}\n" for text in paragraphs)
    return f"opening:\n{opening}sections:\n  - title: 其他工作\n    paragraphs: [其他。]\n"


def _org(root: Path, year: int, files: dict[str, str], period: str = "") -> Path:
    organisation = ORGANISATION.format(report_date=f"{year + 1}-01-10" if not period else f"{year}-07-10", period=period)
    return write_org(root, {"organisation.yaml": organisation, **files}, year=year, org="shizhen")


def _pair(root: Path, *paragraphs: str) -> Path:
    _org(root, 2021, {**LAST_YEAR, "narrative.yaml": _narrative("上年。")})
    return _org(root, 2022, {**THIS_YEAR, "narrative.yaml": _narrative(*paragraphs)})


def _opening(folder: Path) -> list[str]:
    """The paragraphs the prose under test became (the text's lines up to the section's heading)."""
    lines = to_text(make_document(load_org(folder))).splitlines()
    return lines[1 : lines.index("一、其他工作")]


def test_a_small_rise_and_a_fall_in_couples(tmp_path):
    folder = _pair(
        tmp_path,
        "接待{{ cases.mediation.couples_received }}，{{ cases.mediation.couples_received | 比上年 }}。",
        "调和{{ cases.mediation.couples_reconciled }}，{{ cases.mediation.couples_reconciled | 比上年 }}。",
    )
    assert _opening(folder) == ["接待445对，比上年增加1对（增长0.2%）。", "调和130对，比上年减少4对（下降3.0%）。"]


def test_other_wordings_the_ascii_alias_and_an_unchanged_figure(tmp_path):
    folder = _pair(
        tmp_path,
        '{{ cases.mediation.couples_received | 比上年("同比") }}；{{ cases.mediation.couples_reconciled | vs_previous("较去年") }}。',
        '来访{{ cases.visits.received }}，{{ cases.visits.received | 比上年 }}，{{ cases.visits.received | 比上年("同比") }}。',
        '调和{{ cases.mediation.couples_reconciled | 比上年("") }}。',
    )
    assert _opening(folder) == [
        "同比增加1对（增长0.2%）；较去年减少4对（下降3.0%）。",
        "来访60件，与上年持平，同比持平。",
        "调和减少4对（下降3.0%）。",
    ]


def test_a_qualifier_makes_the_change_approximate_without_a_rate(tmp_path):
    folder = _pair(tmp_path, "热线来电{{ cases.hotline.calls }}，{{ cases.hotline.calls | 比上年 }}。")
    assert _opening(folder) == ["热线来电700余名，比上年增加约100名。"]


def test_money_changes_in_its_display_unit_and_a_share_by_percentage_points(tmp_path):
    folder = _pair(
        tmp_path,
        "发放救助金{{ funds.relief.amount }}，{{ funds.relief.amount | 比上年 }}。",
        "女性占{{ derived.women_shares.village_committees }}，{{ derived.women_shares.village_committees | 比上年 }}。",
    )
    assert _opening(folder) == ["发放救助金34.5万元，比上年增加4.5万元（增长15.0%）。", "女性占60%，比上年提高2.9个百分点。"]


def test_a_figure_last_year_lacks_is_an_error_at_the_prose_line_naming_where_it_was_looked_for(tmp_path):
    folder = _pair(tmp_path, "来访{{ cases.visits.received }}。", "志愿者{{ cases.hotline.volunteers | 比上年 }}。")
    with pytest.raises(FulianError) as caught:
        make_document(load_org(folder))
    (finding,) = caught.value.findings
    assert finding.location.path.endswith("2022/shizhen/narrative.yaml") and finding.location.line == 5
    assert "cases.hotline.volunteers" in finding.message
    assert "2021/shizhen/cases.yaml" in finding.message


def test_without_last_year_the_error_names_the_folder_looked_in(tmp_path):
    folder = _org(tmp_path, 2022, {**THIS_YEAR, "narrative.yaml": _narrative("调和{{ cases.mediation.couples_reconciled | 比上年 }}。")})
    with pytest.raises(FulianError) as caught:
        make_document(load_org(folder))
    (finding,) = caught.value.findings
    assert finding.location.path.endswith("narrative.yaml") and finding.location.line == 3
    assert "2021/shizhen" in finding.message and "没有这个文件夹" in finding.message


def test_a_date_or_a_figure_of_last_year_is_refused_with_a_reason(tmp_path):
    folder = _pair(tmp_path, "{{ previous.cases.mediation.couples_received | 比上年 }}")
    with pytest.raises(FulianError) as caught:
        make_document(load_org(folder))
    assert "不是本期数据中的数字" in caught.value.findings[0].message


def test_a_half_year_is_set_against_the_half_year_before(tmp_path):
    _org(tmp_path, 2021, {**LAST_YEAR, "narrative.yaml": _narrative("上期。")}, period="period: 下半年\n")
    folder = _org(
        tmp_path, 2022, {**THIS_YEAR, "narrative.yaml": _narrative("{{ cases.mediation.couples_received | 比上年 }}。")},
        period="period: 上半年\n",
    )
    assert _opening(folder) == ["比上期增加1对（增长0.2%）。"]


def test_the_preview_tooltip_shows_the_change_beside_a_figure_last_year_has(tmp_path):
    folder = _pair(tmp_path, "接待{{ cases.mediation.couples_received }}，志愿者{{ cases.hotline.volunteers }}。")
    document = make_document(load_org(folder), provenance=True)
    html = pages_html(document)
    assert "cases.mediation.couples_received\n比上年增加1对（增长0.2%），上年为444对" in html
    labels = {run.text: run.source.label for block in document.blocks for run in getattr(block, "runs", ()) if run.source}
    assert labels["12名"] == "cases.hotline.volunteers"  # nothing last year: no change shown

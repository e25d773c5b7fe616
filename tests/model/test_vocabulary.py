"""An office's own words: administrative levels, measure words, qualifiers, rates, Chinese names.

Each probe is written from scratch as a new office would write it, and must validate and
print exactly as written."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fulian_report.derive import count_by_level, derive
from fulian_report.model.dataset import InvalidOrg, load_org
from fulian_report.model.quantities import COUNT_UNITS, Count, Money, Qualifier, Share, parse_figure
from fulian_report.model.subjects import HONOR_LEVEL_RANKS, Honor, HonorLevel
from tests.conftest import build_text, write_org

ORGANISATION = """\
name: 凤溪县妇联
full_name: 桂南市凤溪县妇女联合会
region: {province: 桂南自治区, city: 桂南市, district: 凤溪县}
report_date: 2018-01-12
style: furong
"""


def _office(tmp_path, narrative: str, files: dict[str, str], organisation: str = ORGANISATION):
    return write_org(tmp_path / "data", {"organisation.yaml": organisation, "narrative.yaml": narrative, **files}, year=2017, org="fengxi")


@pytest.mark.parametrize(
    "written,rank",
    [("全国", 1), ("自治区", 2), ("直辖市", 2), ("省级", 2), ("州", 3), ("盟", 3), ("地区", 3), ("旗", 4),
     ("县级市", 4), ("乡", 5), ("镇", 5), ("街道", 5), ("村", 6), ("社区", 6), ("社区级", 6)],
)
def test_honour_levels_are_administrative_levels_as_written_with_their_rank(written, rank):
    honor = Honor.model_validate({"title": "三八红旗手", "level": written})
    assert str(honor.level) == written and honor.level.rank == rank


def test_an_honour_may_leave_its_level_out_and_an_unknown_level_is_named_in_chinese():
    assert Honor.model_validate({"title": "最美家庭"}).level is None
    with pytest.raises(ValueError) as refused:
        Honor.model_validate({"title": "最美家庭", "level": "片区"})
    message = str(refused.value).split("\n")[2]
    assert "不认识的级别“片区”" in message and "乡/镇/街道" in message and " or " not in message


def test_honours_count_by_rank_under_the_words_written():
    levels = [HonorLevel.parse(word) for word in ("自治区", "镇", "全国", "自治区", "村", "社区", "镇")]
    assert count_by_level([*levels, None]) == {"全国": 1, "自治区": 2, "镇": 2, "村、社区": 2}


def test_every_built_in_level_has_one_rank():
    assert set(HONOR_LEVEL_RANKS.values()) == {1, 2, 3, 4, 5, 6}


@pytest.mark.parametrize(
    "written,qualifier",
    [("500多只", Qualifier.MORE), ("2000名以上", Qualifier.AT_LEAST), ("近500人", Qualifier.NEARLY),
     ("超200户", Qualifier.OVER), ("逾300人次", Qualifier.BEYOND), ("约40场", Qualifier.APPROXIMATELY),
     ("800人上下", Qualifier.ROUGHLY), ("120头", Qualifier.EXACT), ("3000亩", Qualifier.EXACT),
     ("1200平方米", Qualifier.EXACT), ("1.2万余株", Qualifier.MORE_THAN)],
)
def test_counts_with_the_qualifiers_and_measure_words_reports_use_print_as_written(written, qualifier):
    count = parse_figure(written)
    assert isinstance(count, Count) and count.qualifier is qualifier and str(count) == written


@pytest.mark.parametrize("written", ["6万元左右", "6万多元", "近8万元", "逾20万元", "约3000元", "50万元以上"])
def test_money_with_qualifiers_prints_as_written(written):
    money = parse_figure(written)
    assert isinstance(money, Money) and str(money) == written


@pytest.mark.parametrize("written", ["150%", "132%", "100.5％"])
def test_rates_may_exceed_a_hundred_percent(written):
    share = parse_figure(written)
    assert isinstance(share, Share) and str(share) == written


def test_an_unknown_measure_word_is_named_with_how_to_add_it():
    with pytest.raises(ValueError) as refused:
        parse_figure("500多羽只")
    assert "量词“羽只”" in str(refused.value) and "measure_words: [羽只]" in str(refused.value)
    assert str(parse_figure("500多羽只", context={"measure_words": ("羽只",)})) == "500多羽只"


@given(
    value=st.integers(min_value=0, max_value=10**8),
    unit=st.sampled_from(COUNT_UNITS),
    qualifier=st.sampled_from(list(Qualifier)),
)
def test_any_count_prints_back_as_it_is_read(value, unit, qualifier):
    count = Count(value=value, unit=unit, qualifier=qualifier)
    assert parse_figure(str(count)) == count


NARRATIVE = """\
opening:
  - |-
    {{ year }}年，县妇联救助困难家庭{{ cases.救助.户数 }}，发放慰问金{{ funds.慰问.amount }}。
sections:
  - title: 发展特色产业
    paragraphs:
      - |-
        扶持养殖{{ activities.养殖.鸭 }}、{{ activities.养殖.鹅 }}，种植{{ activities.养殖.果树 }}，
        培训妇女{{ activities.培训.participants }}，完成率{{ activities.培训.完成率 }}，
        电商销售额同比增长{{ activities.培训.增长 }}。
  - title: 评先评优
    paragraphs:
      - |-
        获{{ honors.自治区三八红旗集体.level }}级表彰，{{ honors.镇先进.level }}级表彰{{ honors.镇先进.count }}，
        {{ honors.村最美家庭.level }}级{{ honors.村最美家庭.count }}，{{ honors.社区巾帼.level }}{{ honors.社区巾帼.title }}。
"""
FILES = {
    "cases.yaml": "救助:\n  户数: 2000户以上\n",
    "funds.yaml": "慰问:\n  direction: 发放\n  amount: 6万元左右\n",
    "activities.yaml": "养殖:\n  鸭: 500多只\n  鹅: 近300窝\n  果树: 1.2万余株\n培训:\n  participants: 2000名以上\n"
    "  完成率: 132%\n  增长: 150%\n",
    "honors.yaml": "自治区三八红旗集体:\n  title: 三八红旗集体\n  level: 自治区\n镇先进:\n  title: 先进个人\n  level: 镇\n"
    "  count: 12人\n村最美家庭:\n  title: 最美家庭\n  level: 村\n  count: 30户\n社区巾帼:\n  title: 巾帼文明岗\n  level: 社区\n"
    "无级别:\n  title: 好媳妇\n",
}


def test_a_new_office_writes_its_own_words_and_the_report_prints_them_as_written(tmp_path):
    organisation = ORGANISATION + "measure_words: [窝]\n"
    folder = _office(tmp_path, NARRATIVE, FILES, organisation)
    data = load_org(folder)
    assert [f for f in data.warnings if "没有被任何正文用到" not in f.message] == []
    text = build_text("fengxi", data_root=tmp_path / "data", year=2017)
    for written in ("2000户以上", "6万元左右", "500多只", "近300窝", "1.2万余株", "2000名以上", "完成率132%",
                    "同比增长150%", "获自治区级表彰", "镇级表彰12人", "村级30户", "社区巾帼文明岗"):
        assert written in text.replace("\n", ""), written
    assert derive(data).honors_by_level == {"自治区": 1, "镇": 1, "村、社区": 2}


def test_a_measure_word_the_office_did_not_add_is_refused_at_its_line(tmp_path):
    folder = _office(tmp_path, NARRATIVE, FILES)
    with pytest.raises(InvalidOrg) as refused:
        load_org(folder)
    (finding,) = refused.value.findings
    assert finding.location.path.endswith("activities.yaml") and (finding.location.line, finding.location.column) == (3, 6)
    assert "“近300窝”中的量词“窝”不在量词表中" in finding.message


def test_chinese_record_and_field_names_are_names_the_schema_and_the_prose_accept():
    import jsonschema

    from fulian_report.model.schema import subject_schema
    from fulian_report.model.subjects import Cases
    from fulian_report.render.simple_prose import simple_pieces

    data = {"婚调委": {"接待": "444对", "调和": "134对"}}
    jsonschema.validate(data, subject_schema("cases"))
    assert str(Cases.model_validate(data).婚调委.接待) == "444对"
    assert simple_pieces("婚调委接待{{ cases.婚调委.接待 }}。")[1] == ("", ("cases", "婚调委", "接待"), ())


@pytest.mark.parametrize("name,reason", [("12345热线", "不能以数字开头"), ("来电-来访", "含有“-”")])
def test_a_name_prose_cannot_write_is_refused_by_the_tool_and_the_schema(name, reason):
    import jsonschema

    from fulian_report.model.schema import subject_schema
    from fulian_report.model.subjects import Cases

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({name: {"接待": "12件"}}, subject_schema("cases"))
    with pytest.raises(ValueError, match=reason):
        Cases.model_validate({name: {"接待": "12件"}})


def test_the_readme_lists_every_built_in_measure_word():
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = readme.split("**量词**", 1)[1].split("表里没有的量词", 1)[0]
    words = set(re.split("[、。]", listed.split("：", 1)[1].replace("\n", "")))
    assert [word for word in COUNT_UNITS if word not in words] == []


def test_a_plan_target_may_be_measured_by_a_chinese_name():
    from fulian_report.model.subjects import Target

    assert Target.model_validate({"target": "200场左右", "measure": "activities.禁毒宣传.场次"}).measure == "activities.禁毒宣传.场次"
    from pathlib import Path

    from fulian_report.model.dataset import validate_subject
    from fulian_report.source.yaml_source import parse_yaml

    source = parse_yaml("targets:\n  禁毒:\n    target: 200场左右\n    measure: 禁毒宣传\n", Path("plan.yaml"))
    (finding,) = validate_subject("plan", source)[1]
    assert (finding.location.line, finding.location.column) == (4, 14) and "应写成 文件名.条目.字段" in finding.message

"""Recognising figures: typed by the model's parser, names holding digits kept as names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fulian_report.model import quantities as q
from fulian_report.readers.figures import NEXT_YEAR, YEAR, chinese_numeral_value, recognise


def _one(text: str, year: int = 2021, in_plan: bool = False):
    found = recognise(text, year, in_plan)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text,kind,value",
    [
        ("近3000人", q.Count, "近3000人"),
        ("700余名", q.Count, "700余名"),
        ("200场左右", q.Count, "200场左右"),
        ("1名以上", q.Count, "1名以上"),
        ("愈5000人", q.Count, "愈5000人"),
        ("逾300人次", q.Count, "逾300人次"),
        ("220多万元", q.Money, "220多万元"),
        ("3余万元", q.Money, "3余万元"),
        ("6万多元", q.Money, "6万多元"),
        ("愈8万元", q.Money, "愈8万元"),
        ("66000元", q.Money, "66000元"),
        ("34.5万余元", q.Money, "34.5万余元"),
        ("1584.44万元", q.Money, "1584.44万元"),
        ("25.7％", q.Share, "25.7％"),
        ("2021年3月5日", q.ReportDate, "2021年3月5日"),
        ("0—3岁", q.Range, "0—3岁"),
    ],
)
def test_figures_typed_as_the_model_reads_them(text, kind, value):
    found = _one(f"全年共计{text}。")
    assert isinstance(found.figure, kind) and str(found.figure) == value and found.display == ""


def test_a_number_without_a_measure_word_is_no_count_whatever_its_qualifier():
    # The model has no count without its measure word (a bare number in the data is refused as
    # one that lacks it): 参加人数愈5000 stays words, as the README says, until one is written.
    found = _one("活动参加人数愈5000，反响热烈。")
    assert found.figure is None and found.text == "5000"
    with pytest.raises(ValueError):
        q.Count.model_validate("愈5000")
    assert str(_one("活动参加人数愈5000人，反响热烈。").figure) == "愈5000人"


def test_dates_without_a_year_lie_in_the_report_year_or_the_plan_year():
    for text, shown in (("3月5日", "month_day"), ("3月下旬", "month_day"), ("10月中旬", "month_day"), ("6月", "month")):
        found = _one(f"{text}，召开会议。", 2023)
        assert found.figure.year == 2023 and found.display == shown
        assert _one(f"{text}，召开会议。", 2023, in_plan=True).figure.year == 2024


def test_periods_and_ranges():
    found = _one("1月1日至10月31日，开展宣传。", 2022)
    assert isinstance(found.figure, q.Period) and str(found.figure.end) == "2022年10月31日"
    assert str(_one("为0－3岁儿童").figure) == "0—3岁"


def test_chinese_numeral_counts():
    two = _one("两名村妇联主席发言")
    assert two.figure == q.Count(value=2, unit="名") and two.display == "chinese"
    assert _one("不少于四个专题").figure.value == 4
    assert recognise("坚决做到“两个维护”", 2021) == []  # a slogan in quotes is words
    assert recognise("一是抓学习，二是抓落实", 2021) == []
    assert [chinese_numeral_value(n) for n in ("两", "十", "十二", "三十", "九十九")] == [2, 10, 12, 30, 99]


@pytest.mark.parametrize(
    "text,name,field",
    [
        ("通过12345热线转来", "12345热线", "name"),
        ("“出手吧，姐姐——温暖2021”活动", "出手吧，姐姐——温暖2021", "name"),
        ("围绕5.15国际家庭日", "5.15国际家庭日", "occasion"),
        ("以11·20世界儿童日为契机", "11·20世界儿童日", "occasion"),
        ("《长沙市妇女发展规划（2021－2025年）》", "长沙市妇女发展规划（2021－2025年）", "document"),
        ("长芙检联〔2020〕03号文件", "长芙检联〔2020〕03号", "document_number"),
        ("在214会议室召开", "214会议室", "name"),
    ],
)
def test_names_that_hold_digits(text, name, field):
    found = _one(text)
    assert not found.is_figure and found.text == name and found.name_field == field


def test_the_report_years_are_the_years_of_the_report():
    found = recognise("2021年全年，2022年计划", 2021)
    assert [f.year_name for f in found] == [YEAR, NEXT_YEAR]


def test_a_year_outside_the_data_is_kept_apart():
    found = _one("2020年年度“好班子”")
    assert not found.is_figure and found.name_field == "year"


@given(st.integers(min_value=0, max_value=99999), st.sampled_from(q.COUNT_UNITS), st.sampled_from(list(q.Qualifier)))
def test_any_count_the_model_writes_is_recognised_as_itself(value, unit, qualifier):
    count = q.Count(value=value, unit=unit, qualifier=qualifier)
    found = recognise(f"开展活动{count}，效果良好", 2021)
    assert found and found[0].figure == count and found[0].text == str(count)


@given(st.integers(min_value=1, max_value=10**8), st.booleans())
def test_any_amount_is_recognised_as_itself(yuan, wan):
    money = q.Money(yuan=yuan * 100 if wan else yuan, display=q.MoneyDisplay.WAN_YUAN if wan else q.MoneyDisplay.YUAN)
    found = recognise(f"发放资金{money}。", 2021)
    assert found[0].figure == money

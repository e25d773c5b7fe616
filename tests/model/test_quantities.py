"""The figure types: parsed as staff write them, rendered as official documents write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from fulian_report.model.quantities import (
    COUNT_UNITS,
    Count,
    Money,
    MoneyDisplay,
    Period,
    Qualifier,
    Range,
    ReportDate,
    Share,
    parse_figure,
    to_chinese_numeral,
)


@pytest.mark.parametrize(
    "written,value,unit,qualifier",
    [
        ("64名", 64, "名", Qualifier.EXACT),
        ("700余名", 700, "名", Qualifier.MORE_THAN),
        ("近3000人", 3000, "人", Qualifier.NEARLY),
        ("200场左右", 200, "场", Qualifier.ABOUT),
        ("1名以上", 1, "名", Qualifier.AT_LEAST),
        ("超50人次", 50, "人次", Qualifier.OVER),
        ("15余场", 15, "场", Qualifier.MORE_THAN),
        ("０对", 0, "对", Qualifier.EXACT),
        ("２０余场次", 20, "场次", Qualifier.MORE_THAN),
    ],
)
def test_count_parses_and_renders_back(written, value, unit, qualifier):
    count = Count.model_validate(written)
    assert (count.value, count.unit, count.qualifier) == (value, unit, qualifier)
    assert str(count) == written.translate(str.maketrans("０２", "02"))


def test_count_in_wan_keeps_its_value_in_units():
    count = Count.model_validate("2万余人")
    assert count.value == 20000 and str(count) == "2万余人"


@pytest.mark.parametrize(
    "written,message",
    [
        ("64", "缺少量词"),
        ("六十四名", "无法识别"),
        ("64羊只", "量词“羊只”不在量词表中"),
        ("-3件", "是负数：数字不能为负"),
        ("近700余名", "只能带一个修饰词"),
        ("66000元", "是金额"),
    ],
)
def test_count_refuses_what_is_not_a_count(written, message):
    with pytest.raises(ValidationError, match=message):
        Count.model_validate(int(written) if written.isdigit() else written)


def test_count_refuses_negative_values_and_unknown_units():
    with pytest.raises(ValidationError):
        Count(value=-1, unit="人")
    with pytest.raises(ValidationError, match="量词“羊只”不在量词表中"):
        Count(value=1, unit="羊只")


@pytest.mark.parametrize("words", [("羊只",), ["羊只"], ("头", "羊只")])
def test_an_offices_own_measure_words_are_known_however_passed(words):
    context = {"measure_words": words}
    assert Count.model_validate("12羊只", context=context).unit == "羊只"
    assert Count.model_validate("12人", context=context).unit == "人"  # the built-in ones stay known
    for without in (None, {}, {"measure_words": ()}):
        with pytest.raises(ValidationError, match="量词“羊只”不在量词表中"):
            Count.model_validate("12羊只", context=without)


@pytest.mark.parametrize(
    "written,yuan,display",
    [
        ("73600元", Decimal(73600), MoneyDisplay.YUAN),
        ("1584.44万元", Decimal("15844400"), MoneyDisplay.WAN_YUAN),
        ("34.5万余元", Decimal(345000), MoneyDisplay.WAN_YUAN),
        ("27万元", Decimal(270000), MoneyDisplay.WAN_YUAN),
        ("220多万元", Decimal(2200000), MoneyDisplay.WAN_YUAN),
        ("220万多元", Decimal(2200000), MoneyDisplay.WAN_YUAN),
    ],
)
def test_money_is_kept_in_yuan_and_written_as_the_report_writes_it(written, yuan, display):
    money = Money.model_validate(written)
    assert money.yuan == yuan and money.display is display
    assert str(money) == written


def test_money_refuses_a_bare_number_and_a_negative_amount():
    with pytest.raises(ValidationError, match="缺少单位"):
        Money.model_validate(5000)
    with pytest.raises(ValidationError):
        Money(yuan=Decimal(-1))


@pytest.mark.parametrize("written", ["-500只", "近-500只", "－500人", "-5元", "-1.5万元", "-3.5%", -500])
def test_a_negative_figure_is_said_to_be_one(written):
    with pytest.raises(ValueError, match="是负数：数字不能为负"):
        parse_figure(written)
    typed = {"元": Money, "%": Share}.get(str(written)[-1:].removeprefix("万"), Count)
    if isinstance(written, str):  # as a typed field reads it (cases.visits.received: -5件)
        with pytest.raises(ValidationError, match="是负数：数字不能为负"):
            typed.model_validate(written)


def test_share_renders_with_the_sign_it_was_written_with():
    assert str(Share.model_validate("25.7％")) == "25.7％"
    assert str(Share.model_validate("67.9%")) == "67.9%"
    assert str(Share.of(365, 559)) == "65.3%"
    # Rates exceed 100 (同比增长150%, 完成率132%); only a declared share of a whole may not.
    assert str(Share.model_validate("132%")) == "132%"
    with pytest.raises(ValidationError):
        Share.model_validate("-5%")


@pytest.mark.parametrize(
    "written,rendered,without_year",
    [
        ("2021-03-05", "2021年3月5日", "3月5日"),
        ("2021年3月下旬", "2021年3月下旬", "3月下旬"),
        ("2021-06", "2021年6月", "6月"),
        ("2025年", "2025年", "2025年"),
        ("2021-08 下旬", "2021年8月下旬", "8月下旬"),
    ],
)
def test_dates_keep_their_precision(written, rendered, without_year):
    date = ReportDate.model_validate(written)
    assert str(date) == rendered and date.without_year() == without_year


def test_impossible_dates_are_refused_in_chinese():
    with pytest.raises(ValidationError, match="2月没有30日"):
        ReportDate.model_validate("2021年2月30日")
    with pytest.raises(ValidationError, match="无法识别日期"):
        ReportDate.model_validate("三月五日")
    for written in ("2023-13-01", "2023年13月"):  # not "数值太大：13（界限 12）"
        with pytest.raises(ValidationError, match="2023年没有13月：月份只能是 1 到 12"):
            ReportDate.model_validate(written)
    with pytest.raises(ValidationError, match="2021年1月没有32日"):
        ReportDate.model_validate("2021-01-32")


def test_period_is_ordered_and_renders_the_year_once():
    period = Period.model_validate({"start": "2021-01-01", "end": "2021-10-31"})
    assert str(period) == "2021年1月1日至10月31日"
    with pytest.raises(ValidationError, match="早于"):
        Period.model_validate({"start": "2021-10-31", "end": "2021-01-01"})


def test_range_is_written_with_one_dash():
    assert str(Range.model_validate("0－3岁")) == "0—3岁"
    assert str(Range.model_validate("0~3岁")) == "0—3岁"


def test_parse_figure_types_a_value_by_how_it_is_written():
    assert isinstance(parse_figure("16组"), Count)
    assert isinstance(parse_figure("8000元"), Money)
    assert isinstance(parse_figure("25.7%"), Share)
    assert isinstance(parse_figure("2021-11-03"), ReportDate)
    assert isinstance(parse_figure({"start": "2021-04", "end": "2021-05"}), Period)
    with pytest.raises(ValueError, match="文字请写在"):
        parse_figure("芙蓉区")


@pytest.mark.parametrize("n,expected", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (23, "二十三"), (105, "一百零五"), (110, "一百一十")])
def test_chinese_numerals_for_heading_numbers(n, expected):
    assert to_chinese_numeral(n) == expected


@given(
    value=st.integers(min_value=0, max_value=10**9),
    unit=st.sampled_from(COUNT_UNITS),
    qualifier=st.sampled_from(list(Qualifier)),
)
def test_count_round_trips_through_its_written_form(value, unit, qualifier):
    count = Count(value=value, unit=unit, qualifier=qualifier)
    assert Count.model_validate(str(count)) == count


@given(
    cents=st.integers(min_value=0, max_value=10**12),
    display=st.sampled_from(list(MoneyDisplay)),
    qualifier=st.sampled_from([Qualifier.EXACT, Qualifier.MORE_THAN, Qualifier.NEARLY, Qualifier.ABOUT]),
)
def test_money_round_trips_through_its_written_form(cents, display, qualifier):
    money = Money(yuan=Decimal(cents) / 100, display=display, qualifier=qualifier)
    again = Money.model_validate(str(money))
    assert again.yuan == money.yuan and str(again) == str(money)


@given(st.text(max_size=30))
def test_parse_figure_fails_only_with_a_chinese_message(text):
    try:
        parse_figure(text)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError too
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))


@pytest.mark.parametrize("written,chinese", [("4个", "四个"), ("2篇", "两篇"), ("1次", "一次"), ("12户", "十二户"), ("20余人", "二十余人")])
def test_counts_in_chinese_numerals_say_liang_before_a_measure_word(written, chinese):
    from fulian_report.model.quantities import chinese_count

    assert chinese_count(Count.model_validate(written)) == chinese


@pytest.mark.parametrize("written,value", [("3余万人次", 30000), ("3万余人次", 30000), ("6多万人", 60000)])
def test_yu_and_duo_stand_before_or_after_wan_as_written(written, value):
    count = Count.model_validate(written)
    assert count.value == value and count.qualifier.value in ("余", "多")
    assert str(count) == written and str(count.with_value(value + 10000)) == written.replace(str(value // 10000), str(value // 10000 + 1), 1)

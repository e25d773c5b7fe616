"""The report's period: its words, its neighbours and the dates it admits."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from fulian_report.model.period import (
    PARTS_OF_A_YEAR,
    PeriodKind,
    PeriodSpan,
    ReportingPeriod,
    parse_period_setting,
    resolve_period,
)
from fulian_report.model.quantities import ReportDate
from fulian_report.model.subjects import Organisation


def _date(text: str) -> ReportDate:
    return ReportDate.model_validate(text)


@pytest.mark.parametrize(
    ("setting", "words", "short", "annual", "following", "following_short", "before"),
    [
        (None, "2022年", "2022年", "2022年度", "2023年", "2023年", "2021年"),
        ("上半年", "2022年上半年", "上半年", "2022年上半年", "2022年下半年", "下半年", "2021年下半年"),
        ("下半年", "2022年下半年", "下半年", "2022年下半年", "2023年上半年", "2023年上半年", "2022年上半年"),
        ("第一季度", "2022年第一季度", "第一季度", "2022年第一季度", "2022年第二季度", "第二季度", "2021年第四季度"),
        ("第四季度", "2022年第四季度", "第四季度", "2022年第四季度", "2023年第一季度", "2023年第一季度", "2022年第三季度"),
        ({"start": "2018-01-01", "end": "2022-12-31"}, "2018—2022年", "2018—2022年", "2018—2022年",
         "2023—2027年", "2023—2027年", "2013—2017年"),
        ({"start": "2021-07", "end": "2022-06"}, "2021年7月至2022年6月", "2021年7月至2022年6月",
         "2021年7月至2022年6月", "2022年7月至2023年6月", "2022年7月至2023年6月", "2020年7月至2021年6月"),
    ],
)
def test_a_period_has_the_words_reports_write(setting, words, short, annual, following, following_short, before):
    period = resolve_period(PeriodSpan.model_validate(setting) if isinstance(setting, dict) else parse_period_setting(setting), 2022)
    assert (period.words, period.short, period.annual_words) == (words, short, annual)
    assert (period.next.words, period.next.short, period.previous.words) == (following, following_short, before)
    assert str(period) == words


def test_a_period_names_its_length_and_its_days():
    five = resolve_period(parse_period_setting({"start": 2017, "end": 2021}), 2021)
    assert five.kind is PeriodKind.YEARS and five.duration == "五年"
    assert (str(five.start), str(five.end)) == ("2017年1月1日", "2021年12月31日")
    half = ReportingPeriod.part_of_year("上半年", 2024)
    assert half.duration == "半年" and half.last_day == dt.date(2024, 6, 30)
    assert ReportingPeriod.part_of_year("第二季度", 2022).duration == "一个季度"
    assert ReportingPeriod.calendar_year(2021).duration == "一年" and ReportingPeriod.calendar_year(2021).name == "全年"


def test_a_half_year_admits_its_own_months_only():
    half = ReportingPeriod.part_of_year("上半年", 2022)
    assert half.admits(_date("2022-06-30")) and half.admits(_date("2022年3月下旬"))
    assert half.admits(_date("2022年"))  # a year-only date may lie in its first half
    assert not half.admits(_date("2022-10-08")) and not half.admits(_date("2022年7月"))
    assert not half.holds(_date("2022年")) and half.holds(_date("2022年6月"))


def test_a_five_year_period_admits_any_of_its_years():
    five = resolve_period(parse_period_setting({"start": "2017-01-01", "end": "2021-12-31"}), 2021)
    assert five.admits(_date("2018-05-04")) and five.admits(_date("2017年"))
    assert not five.admits(_date("2016-12-31")) and not five.admits(_date("2022年1月"))


@given(st.integers(1960, 2090), st.sampled_from([None, *PARTS_OF_A_YEAR]))
def test_the_period_before_the_next_is_the_period_itself(year, name):
    period = resolve_period(name, year)
    for neighbour in (period.next.previous, period.previous.next):
        assert (neighbour.first_day, neighbour.last_day) == (period.first_day, period.last_day)
    assert period.next.first_day == period.last_day + dt.timedelta(days=1)


_written_dates = st.one_of(
    st.dates(dt.date(2021, 1, 1), dt.date(2023, 12, 31)).map(lambda day: day.isoformat()),
    st.builds("{}年{}月".format, st.integers(2021, 2023), st.integers(1, 12)),
    st.builds("{}年{}月{}".format, st.integers(2021, 2023), st.integers(1, 12), st.sampled_from(["上旬", "中旬", "下旬"])),
    st.integers(2021, 2023).map("{}年".format),
)


@given(st.sampled_from([None, "上半年", "第三季度", {"start": "2021-07-01", "end": "2022-06-30"}, {"start": "2022-03-15", "end": "2022-09-14"}]),
       st.sampled_from(["activities", "organisation", "plan"]), st.lists(_written_dates, min_size=1, max_size=12))
def test_a_window_admits_a_date_as_the_calendar_says_however_often_asked(setting, subject, written):
    from fulian_report.model.period import PeriodWindow, _may_lie_within

    period = resolve_period(PeriodSpan.model_validate(setting) if isinstance(setting, dict) else parse_period_setting(setting), 2022)
    window = PeriodWindow.for_subject(subject, period)
    for text in written + written:  # asked again, the answer is the one remembered
        date = _date(text)
        assert window.admits(date) == _may_lie_within(date, window.first_day, window.last_day)


def test_a_window_tells_the_dekads_of_its_first_month_apart():
    from fulian_report.model.period import PeriodWindow

    period = resolve_period(PeriodSpan.model_validate({"start": "2022-03-15", "end": "2022-09-14"}), 2022)
    window = PeriodWindow.for_subject("activities", period)
    asked = ["2022年3月上旬", "2022年3月中旬", "2022年3月上旬", "2022年9月下旬", "2022年9月中旬", "2022年3月"]
    assert [window.admits(_date(text)) for text in asked] == [False, True, False, False, True, True]


@given(st.dates(dt.date(1960, 1, 1), dt.date(2090, 1, 1)), st.integers(0, 4000))
def test_any_span_of_days_follows_and_precedes_itself(start, days):
    period = ReportingPeriod(start, start + dt.timedelta(days=days), start.year)
    assert period.next.first_day == period.last_day + dt.timedelta(days=1)
    if period.months is None:  # as many days
        assert period.next.last_day - period.next.first_day == period.last_day - period.first_day
    else:  # as many whole months
        assert period.next.months == period.months
    assert period.next.previous.first_day == period.first_day


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("上半", "不认识的期间“上半”"),
        (2022, "期间应写成 上半年、第一季度 等"),
        ({"start": "2021-12-31", "end": "2017-01-01"}, "早于开始日期"),
        ({"start": "2017-01-01"}, "end"),
    ],
)
def test_a_wrong_period_is_refused_in_chinese(setting, expected):
    with pytest.raises(ValidationError) as caught:
        Organisation.model_validate(
            {"name": "示例", "full_name": "示例", "region": {"province": "示例省"}, "style": "furong", "period": setting}
        )
    assert expected in str(caught.value)


def test_a_span_takes_whole_years_or_months():
    span = PeriodSpan.model_validate({"start": "2017年", "end": "2021年6月"})
    assert (span.start, span.end) == (dt.date(2017, 1, 1), dt.date(2021, 6, 30))


def test_a_region_written_on_one_line_is_named_by_level():
    with pytest.raises(ValidationError) as caught:
        Organisation.model_validate(
            {"name": "示例", "full_name": "示例", "region": "江西省萍乡市莲花县", "style": "furong"}
        )
    message = str(caught.value)
    assert "province: 江西省，city: 萍乡市，district: 莲花县" in message and "township（乡、镇、街道）" in message


def test_a_region_takes_every_level_down_to_the_village():
    org = Organisation.model_validate({
        "name": "示例村妇联", "full_name": "示例", "style": "furong",
        "region": {"province": "广西壮族自治区", "city": "示例市", "district": "示例县", "township": "示例乡", "community": "示例村"},
    })
    assert org.region.community == "示例村" and org.report_date is None and org.period is None
    municipal = Organisation.model_validate(
        {"name": "示例", "full_name": "示例", "style": "furong", "region": {"province": "示例直辖市", "district": "示例区"}}
    )
    assert municipal.region.city is None

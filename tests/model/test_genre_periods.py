"""The model stage on fictional reports of other periods: dates checked against the period,
plan dates against the period after it, and `previous` as the period before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fulian_report.errors import FulianError, Severity
from fulian_report.model.dataset import load_org
from tests.conftest import GENRE

DATA = GENRE / "data"


def _copy(tmp_path: Path, *orgs: str) -> Path:
    """Copies of some fictional organisation folders (year/org) under a scratch data folder."""
    for org in orgs:
        shutil.copytree(DATA / org, tmp_path / "data" / org)
    return tmp_path / "data"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _errors(folder: Path) -> list:
    with pytest.raises(FulianError) as caught:
        load_org(folder)
    return [f for f in caught.value.findings if f.severity is Severity.ERROR]


def test_a_half_year_report_refuses_an_october_date(tmp_path):
    data = _copy(tmp_path, "2022/qingshan")
    _replace(data / "2022/qingshan/activities.yaml", "date: 2022-03-15", "date: 2022-10-08")
    (finding,) = _errors(data / "2022/qingshan")
    assert finding.location.path.endswith("activities.yaml") and finding.location.line == 3
    assert "2022年10月8日 不在报告期间2022年上半年（2022年1月1日至2022年6月30日）内" in finding.message


def test_a_half_year_report_accepts_any_date_of_its_months(tmp_path):
    data = _copy(tmp_path, "2022/qingshan")
    _replace(data / "2022/qingshan/activities.yaml", "date: 2022-03-15", "date: 2022年6月下旬")
    assert load_org(data / "2022/qingshan").subjects["activities"].skills.date.dekad == "下旬"


def test_a_plan_date_is_warned_of_inside_the_half_year_not_in_the_next(tmp_path):
    assert load_org(DATA / "2022/qingshan").warnings == []  # due 2022年9月: the second half
    data = _copy(tmp_path, "2022/qingshan")
    _replace(data / "2022/qingshan/plan.yaml", "due: 2022年9月", "due: 2022年5月")
    (warning,) = load_org(data / "2022/qingshan").warnings
    assert warning.severity is Severity.WARNING and warning.location.path.endswith("plan.yaml")
    assert "在报告期间2022年上半年内；计划通常写2022年下半年及以后的事" in warning.message


def test_a_plan_date_before_the_period_is_refused(tmp_path):
    data = _copy(tmp_path, "2022/qingshan")
    _replace(data / "2022/qingshan/plan.yaml", "due: 2022年9月", "due: 2021年12月")
    (finding,) = _errors(data / "2022/qingshan")
    assert "早于报告期间2022年上半年" in finding.message


def test_a_five_year_report_accepts_2018_and_refuses_2016(tmp_path):
    data = load_org(DATA / "2021/lianhua")
    assert str(data.subjects["activities"].library.date) == "2018年6月12日"
    copy = _copy(tmp_path, "2021/lianhua")
    _replace(copy / "2021/lianhua/activities.yaml", "date: 2018-06-12", "date: 2016-06-12")
    (finding,) = _errors(copy / "2021/lianhua")
    assert "2016年6月12日 不在报告期间2017—2021年" in finding.message


def test_a_span_must_end_in_the_folders_year(tmp_path):
    data = _copy(tmp_path, "2021/lianhua")
    _replace(data / "2021/lianhua/organisation.yaml", "end: 2021-12-31", "end: 2020-12-31")
    (finding,) = _errors(data / "2021/lianhua")
    assert finding.location.path.endswith("organisation.yaml") and finding.location.line == 12
    assert "应放在 2020 年的文件夹中" in finding.message


def test_the_report_date_is_checked_against_the_period_and_the_next(tmp_path):
    data = _copy(tmp_path, "2022/qingshan")
    _replace(data / "2022/qingshan/organisation.yaml", "report_date: 2022-07-08", "report_date: 2023-01-09")
    (finding,) = _errors(data / "2022/qingshan")
    assert "应在2022年上半年或2022年下半年（成文日期）" in finding.message


def test_previous_is_the_period_before(tmp_path):
    half = load_org(DATA / "2022/qingshan")
    assert half.previous is not None and half.previous.period.words == "2021年下半年"
    five = load_org(DATA / "2021/lianhua")
    assert five.previous is not None and five.previous.period.words == "2012—2016年"


def test_data_of_another_period_is_not_taken_for_the_period_before(tmp_path):
    data = _copy(tmp_path, "2022/qingshan", "2021/qingshan")
    _replace(data / "2021/qingshan/organisation.yaml", "period: 下半年\n", "")  # 2021 as a whole year
    assert load_org(data / "2022/qingshan").previous is None


def test_an_undated_report_is_warned_of(tmp_path):
    (warning,) = load_org(DATA / "2022/baisha").warnings
    assert warning.location.path.endswith("organisation.yaml")
    assert "没有写成文日期 report_date" in warning.message


@pytest.mark.parametrize("org", ["2022/baisha", "2022/qingshan", "2021/lianhua", "2021/qingshan"])
def test_the_date_an_undated_report_is_told_to_add_is_one_it_accepts(tmp_path, org):
    data = _copy(tmp_path, org)
    organisation = data / org / "organisation.yaml"
    text = organisation.read_text(encoding="utf-8")
    organisation.write_text("\n".join(line for line in text.splitlines() if not line.startswith("report_date:")) + "\n", encoding="utf-8")
    (warning,) = [f for f in load_org(data / org).warnings if "report_date" in f.message]
    suggested = warning.message.rsplit("report_date: ", 1)[1]
    organisation.write_text(organisation.read_text(encoding="utf-8") + f"report_date: {suggested}\n", encoding="utf-8")
    assert not [f for f in load_org(data / org).warnings if "report_date" in f.message]

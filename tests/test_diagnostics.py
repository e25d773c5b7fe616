"""Findings in the order a person reads them: each once, by file, line, column and message."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fulian_report.diagnostics import sorted_findings
from fulian_report.errors import Finding, Location, Severity

_findings = st.builds(
    Finding,
    st.builds(Location, st.sampled_from(["a.yaml", "b.yaml", "文件.yaml"]), st.integers(0, 4), st.integers(0, 3)),
    st.sampled_from(["没有写", "不认识", "数字“12”"]),
    st.sampled_from(list(Severity)),
)


@given(st.lists(_findings, max_size=40))
def test_each_finding_once_in_reading_order(findings):
    shown = sorted_findings(findings)
    assert set(shown) == set(findings) and len(shown) == len(set(findings))
    keys = [f.sort_key for f in shown]
    assert keys == sorted(keys)


@given(st.lists(_findings, max_size=40))
def test_sorting_again_changes_nothing(findings):
    once = sorted_findings(findings)
    assert sorted_findings(once) == once
    assert sorted_findings(once + findings) == once


def test_an_error_and_a_warning_at_one_place_keep_the_order_they_came_in():
    where = Location("a.yaml", 3, 1)
    error, warning = Finding(where, "同一句话"), Finding(where, "同一句话", Severity.WARNING)
    assert sorted_findings([error, warning, error]) == [error, warning]
    assert sorted_findings([warning, error]) == [warning, error]

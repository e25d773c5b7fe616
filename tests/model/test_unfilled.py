"""Markers `init` leaves are found wherever they are written, and a file without one is not searched value by value."""

from __future__ import annotations

from pathlib import Path

from fulian_report.model import unfilled
from fulian_report.source.yaml_source import SourceFile, parse_yaml


def _findings(text: str) -> list[str]:
    found, _ = unfilled.unfilled(parse_yaml(text, Path("cases.yaml")))
    return [f.message for f in found]


def test_a_marker_is_found_as_written_and_as_escapes_spell_it():
    assert _findings("a:\n  received: 待填（2021年：55件）\n") == ["待填：请填写 2022 年的数字或日期（2021 年的报告中是 55件）"]
    assert _findings('a:\n  received: "\\u5f85\\u586b（2021年：55件）"\n') == ["待填：请填写 2022 年的数字或日期（2021 年的报告中是 55件）"]


def test_a_file_without_a_marker_is_not_walked(monkeypatch):
    def walked(*args):
        raise AssertionError("searched value by value")

    monkeypatch.setattr(unfilled, "markers", walked)
    assert _findings("a:\n  received: 55件\n  note: 待定\n") == []


def test_values_given_without_their_text_are_walked():
    source = SourceFile(path=Path("cases.yaml"), data={"a": {"received": "待填（2021年：55件）"}})
    assert len(unfilled.unfilled(source)[0]) == 1

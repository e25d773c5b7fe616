"""The marker `init` leaves where a new year's figure is still to be filled.

    couples_received: 待填（2021年：444对）

It reads as what it is — to be filled, last year's value beside it — and
validation reports each one once, at its own line and column, naming last
year's value.  While a file still holds markers, its other values are
checked with last year's values standing in (a year later, for dates), so
that a marker gives its own message and nothing else.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ..errors import Finding

MARKER = re.compile(r"^待填（(?P<year>\d{4})年：(?P<value>.*)）$", re.S)


def marker(previous_year: int, value: str) -> str:
    return f"待填（{previous_year}年：{value}）"


def is_marker(value: Any) -> bool:
    return isinstance(value, str) and MARKER.match(value.strip()) is not None


def markers(value: Any, path: tuple = ()) -> list[tuple[tuple, re.Match]]:
    """(path, match) of every marker under `value`."""
    if isinstance(value, str):
        match = MARKER.match(value.strip())
        return [(path, match)] if match else []
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in markers(item, path + (key,))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in markers(item, path + (index,))]
    return []


def unfilled(source: Any) -> tuple[list[Finding], Any]:
    """One finding per marker of a loaded file, and its data with stand-ins for validating the rest."""
    text = source.text  # empty where the values were not read from a file
    if text and "待填" not in text and "\\" not in text:
        return [], source.data  # a marker is written out in the file (or spelt with escapes): none here
    found = markers(source.data)
    if not found:
        return [], source.data
    data = copy.deepcopy(source.data)
    findings = []
    for path, match in found:
        year, old = int(match.group("year")), match.group("value")
        findings.append(Finding(source.locate_value(path), f"待填：请填写 {year + 1} 年的数字或日期（{year} 年的报告中是 {old}）"))
        _set(data, path, stand_in(old))
    return findings, data


def stand_in(old: str) -> Any:
    """Last year's value, a year later when it is a date, for checking the rest of a file."""
    def later(match: re.Match) -> str:
        return str(int(match.group(0)) + 1)

    if "至" in old:  # a period: 2021年1月1日至10月31日
        start, end = old.split("至", 1)
        if not re.match(r"^\d{4}", end):
            end = re.match(r"^\d{4}年", start).group(0) + end if re.match(r"^\d{4}年", start) else end
        return {"start": re.sub(r"\d{4}(?=[年-])", later, start), "end": re.sub(r"\d{4}(?=[年-])", later, end)}
    return re.sub(r"^\d{4}(?=[年-]|$)", later, old)


def _set(container: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        container = container[key]
    container[path[-1]] = value

"""The project's promises to a newcomer: the README's quick start is what CI runs."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## 快速开始 / Quick start\n(.*?)(?=^## )", readme, re.S | re.M).group(1)
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the quick start holds exactly one code block"
    return [line for line in blocks[0].splitlines() if line.strip()]


def test_quick_start_has_two_commands_build_then_test():
    build, test = _quick_start_commands()
    assert build.endswith("fulian-report build 2021")
    assert "'.[test]'" in test and test.endswith("pytest")


def test_ci_runs_the_readme_commands_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in _quick_start_commands():
        assert command in ci.splitlines()

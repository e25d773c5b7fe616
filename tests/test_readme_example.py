"""The README's example of validation messages is what the tool prints today."""

from __future__ import annotations

import re
import shutil

from typer.testing import CliRunner

from fulian_report.cli import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block_after(command: str) -> str:
    match = re.search(re.escape(f"$ {command}\n") + r"(.*?)```", README, re.S)
    assert match, command
    return match.group(1)


def _example_data(tmp_path, monkeypatch):
    """A copy of the repository's examples/ in a scratch folder that stands for the repository root."""
    shutil.copytree(ROOT / "examples" / "data", tmp_path / "examples" / "data")
    monkeypatch.chdir(tmp_path)  # messages show paths as the person typed them
    return tmp_path / "examples" / "data" / "2021" / "shili" / "cases.yaml"


def test_the_readme_example_is_real(tmp_path, monkeypatch):
    cases = _example_data(tmp_path, monkeypatch)
    text = cases.read_text(encoding="utf-8")
    text = text.replace("couples_reconciled: 63对", "couples_reconciled: 263对").replace("visits_received: 48件", "visits_received: ４８件")
    text = text.replace("  warnings_issued: 6份            # 出具告诫书\n", "  warnings_issued: 6份            # 出具告诫书\n  dv_reports: 59起\n")
    cases.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "examples/data/2021/shili"])
    assert result.exit_code == 1
    assert result.output == _block_after("fulian-report validate examples/data/2021/shili")


def test_the_readme_json_example_is_real(tmp_path, monkeypatch):
    cases = _example_data(tmp_path, monkeypatch)
    cases.write_text(cases.read_text(encoding="utf-8").replace("couples_reconciled: 63对", "couples_reconciled: 263对"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "examples/data/2021/shili", "--format", "json"])
    assert result.exit_code == 1
    assert result.output == _block_after("fulian-report validate examples/data/2021/shili --format json")


def test_the_readme_diff_example_is_real(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["build", "2021", "--org", "furong", "--out", "旧"]).exit_code == 0
    cases = tmp_path / "data" / "2021" / "furong" / "cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8").replace("couples_received: 444对", "couples_received: 445对"), encoding="utf-8")
    assert runner.invoke(app, ["build", "2021", "--org", "furong", "--out", "新"]).exit_code == 0
    result = runner.invoke(app, ["diff", "旧/2021", "新/2021"])
    assert result.exit_code == 1  # they differ
    expected = _block_after("fulian-report diff 旧/2021 新/2021")
    # The README shortens the two long paragraphs with …; every other line is verbatim.
    for want, got in zip(expected.splitlines(), result.output.splitlines(), strict=True):
        if "……" in want:
            head, *rest = want.split("……")
            assert got.startswith(head) and all(part in got for part in rest), (want, got)
        else:
            assert got == want


def _blocks_of(start: str) -> dict[str, str]:
    """Each `$ command` of the code block that starts with `$ start`, and the lines printed after it."""
    block = re.search(re.escape(f"$ {start}\n") + r"(.*?)```", README, re.S).group(0)
    shown: dict[str, str] = {}
    command = None
    for line in block.removesuffix("```").splitlines(keepends=True):
        if line.startswith("$ "):
            command = line[2:].strip()
            shown[command] = ""
        else:
            shown[command] += line
    return shown


def _matches_with_elision(expected: str, printed: str) -> None:
    """The README's text, where a line …… stands for the lines the README leaves out."""
    if "……\n" not in expected:
        assert printed == expected
        return
    head, tail = expected.split("……\n", 1)
    assert printed.startswith(head) and printed.endswith(tail), (expected, printed)


def test_the_readme_import_examples_are_real(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "tests" / "readers" / "reports" / "qingshi-2023H1.txt", tmp_path / "青石镇妇联上半年总结.txt")
    (tmp_path / "总结.doc").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)  # an old Word file's signature
    examples = _blocks_of("fulian-report import 青石镇妇联上半年总结.txt")
    runner = CliRunner()
    for command, expected in examples.items():
        result = runner.invoke(app, command.split()[1:])
        assert result.exit_code == (0 if command.endswith(".txt") else 1), result.output
        assert result.output == expected


def test_the_readme_init_examples_are_real(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    statuses = {"fulian-report init 2022 --from 2021": 0, "fulian-report validate data/2022": 1, "fulian-report init 2022": 1}
    examples = _blocks_of("fulian-report init 2022 --from 2021")
    assert set(examples) == set(statuses)
    for command, expected in examples.items():
        result = runner.invoke(app, command.split()[1:])
        assert result.exit_code == statuses[command], result.output
        _matches_with_elision(expected, result.output)


# Every `$ fulian-report …` line of the README, and the test above (or in another module) that runs it.
README_COMMANDS_RUN_BY_TESTS = {
    "fulian-report validate examples/data/2021/shili": test_the_readme_example_is_real,
    "fulian-report validate examples/data/2021/shili --format json": test_the_readme_json_example_is_real,
    "fulian-report diff 旧/2021 新/2021": test_the_readme_diff_example_is_real,
    "fulian-report import 青石镇妇联上半年总结.txt": test_the_readme_import_examples_are_real,
    "fulian-report import 总结.doc": test_the_readme_import_examples_are_real,
    "fulian-report init 2022 --from 2021": test_the_readme_init_examples_are_real,
    "fulian-report validate data/2022": test_the_readme_init_examples_are_real,
    "fulian-report init 2022": test_the_readme_init_examples_are_real,
}


def test_every_readme_example_is_run_by_a_test():
    shown = set(re.findall(r"^\$ (fulian-report .*)$", README, re.M))
    assert shown == set(README_COMMANDS_RUN_BY_TESTS), "add a test that runs the README's new example"

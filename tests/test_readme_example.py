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
    shutil.copytree(ROOT / "examples" / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)  # messages show paths as the person typed them
    return tmp_path / "data" / "2021" / "shili" / "cases.yaml"


def test_the_readme_example_is_real(tmp_path, monkeypatch):
    cases = _example_data(tmp_path, monkeypatch)
    text = cases.read_text(encoding="utf-8")
    text = text.replace("couples_reconciled: 63对", "couples_reconciled: 263对").replace("visits_received: 48件", "visits_received: ４８件")
    text = text.replace("  warnings_issued: 6份            # 出具告诫书\n", "  warnings_issued: 6份            # 出具告诫书\n  dv_reports: 59起\n")
    cases.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "data/2021/shili"])
    assert result.exit_code == 1
    assert result.output == _block_after("fulian-report validate data/2021/shili")


def test_the_readme_json_example_is_real(tmp_path, monkeypatch):
    cases = _example_data(tmp_path, monkeypatch)
    cases.write_text(cases.read_text(encoding="utf-8").replace("couples_reconciled: 63对", "couples_reconciled: 263对"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "data/2021/shili", "--format", "json"])
    assert result.exit_code == 1
    assert result.output == _block_after("fulian-report validate data/2021/shili --format json")

"""The JSON Schema an editor checks the data files with while they are typed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from fulian_report.cli import app
from fulian_report.model.schema import schema_comment, subject_schema
from fulian_report.model.subjects import SUBJECT_MODELS
from fulian_report.source.yaml_source import load_yaml
from tests.conftest import ROOT

SCHEMA = ROOT / "schema"
DATA_FILES = sorted([*(ROOT / "data").rglob("*.yaml"), *(ROOT / "examples" / "data").rglob("*.yaml")])


def _as_editor_sees(value):
    """YAML 1.2, as editors read it, has no date type: 2021-03-05 is a string."""
    if isinstance(value, dict):
        return {k: _as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_sees(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def test_committed_schema_files_are_what_the_command_writes(tmp_path):
    result = CliRunner().invoke(app, ["schema", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    generated = sorted(p.name for p in tmp_path.iterdir())
    assert generated == sorted(f"{name}.schema.json" for name in SUBJECT_MODELS)
    assert sorted(p.name for p in SCHEMA.iterdir()) == generated
    for name in generated:
        assert (SCHEMA / name).read_bytes() == (tmp_path / name).read_bytes(), f"运行 fulian-report schema 更新 {name}"


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_data_file_names_its_schema_and_passes_it(path: Path):
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == schema_comment(path, SCHEMA)
    assert (path.parent / first_line.split("$schema=", 1)[1]).resolve().is_file()
    data = _as_editor_sees(load_yaml(path).data)
    jsonschema.validate(data, subject_schema(path.stem))


@pytest.mark.parametrize(
    ("subject", "data", "reason"),
    [
        # An office may add measure words in its organisation.yaml, so the schema checks their form, not the list.
        ("cases", {"mediation": {"couples_received": "444对夫妻们来"}}, "a count whose measure word is not a word"),
        ("cases", {"mediation": {"couples_received": "444多余对"}}, "a count with two qualifiers in one place"),
        ("cases", {"mediation": {"couples_received": 444}}, "a count without a measure word"),
        ("honors", {"model": {"title": "三八红旗手", "level": "乡长"}}, "an honor level outside the list"),
        ("organisation", {"name": "x", "full_name": "x", "region": {}, "report_date": "2022-01-10", "style": "furong", "nmae": 1}, "an unknown key"),
        ("funds", {"relief": {"direction": "筹集", "amount": "5万"}}, "money without 元"),
        ("activities", {"training": {"date": "2021/03/05"}}, "a date written with slashes"),
    ],
)
def test_the_schema_underlines_what_the_tool_refuses(subject, data, reason):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, subject_schema(subject))


def test_figures_may_be_written_with_full_width_digits_as_the_tool_reads_them():
    jsonschema.validate({"visits": {"received": "５５件", "date": "2021年3月下旬"}}, subject_schema("cases"))

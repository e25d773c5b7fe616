"""Property tests: whatever is typed into a data folder, validate answers with located findings.

The mutations start from a real organisation's files, so that the broken
files look like what a person makes while editing: a deleted piece, a pasted
piece, a stray tab or quote, a full-width digit, a control character.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fulian_report.api import validate
from fulian_report.cli import app
from fulian_report.errors import Finding
from tests.conftest import DATA

ORG = DATA / "2021" / "xiangdong"
FILES = sorted(p.name for p in ORG.glob("*.yaml"))
PIECES = st.text(alphabet=st.sampled_from(list("ab_: -\n\t[]{}\"'&*!|>#%@,?年件元%12５\x07\x00\ufeff")), max_size=12)
runner = CliRunner()


def _check(folder: Path, findings: list[Finding]) -> None:
    for finding in findings:
        assert isinstance(finding, Finding)
        path = Path(finding.location.path)
        assert path.is_relative_to(folder) or folder.is_relative_to(path), finding
        if path.suffix == ".yaml" and path.is_file() and path.stat().st_size:
            # a finding inside an existing file has a line, except one about the whole file
            assert finding.location.line >= 1 or "文件" in finding.message, finding
        assert finding.message and not finding.message.isascii(), finding


def _scratch() -> Path:
    root = Path(tempfile.mkdtemp())
    folder = root / "2021" / "xiangdong"
    shutil.copytree(ORG, folder)
    return folder


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(FILES), edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 8), PIECES), min_size=1, max_size=3))
def test_an_edited_real_file_gives_located_findings_never_a_traceback(name, edits):
    folder = _scratch()
    try:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        for where, cut, piece in edits:
            at = int(where * len(text))
            text = text[:at] + piece + text[at + cut:]
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _check(folder.resolve(), validate([folder]))
        result = runner.invoke(app, ["validate", str(folder)])
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
    finally:
        shutil.rmtree(folder.parent.parent)


_leaves = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=8), st.sampled_from(["55件", "-1对", "3万元", "2021-02-30", "2020年", "25.7%", "乡"]))
_structures = st.recursive(_leaves, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)), max_leaves=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(FILES), value=_structures)
def test_any_structure_in_any_file_gives_located_findings(name, value):
    folder = _scratch()
    try:
        (folder / name).write_text(yaml.safe_dump(value, allow_unicode=True), encoding="utf-8")
        _check(folder.resolve(), validate([folder]))
    finally:
        shutil.rmtree(folder.parent.parent)

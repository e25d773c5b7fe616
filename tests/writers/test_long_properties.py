"""A very long organisation name: the .docx is written, its 属性 cut short, its text whole."""

from __future__ import annotations

import zipfile

from hypothesis import given
from hypothesis import strategies as st

from fulian_report.writers.package_parts import MAX_CORE_PROPERTY_CHARACTERS, core_property_text
from tests.conftest import MINIMAL_ORG, write_org
from tests.test_file_safety import run_cli

LONG_NAME = "湘江新区岳麓街道" * 40  # 320 characters


def test_a_300_character_organisation_name_builds(tmp_path):
    files = dict(MINIMAL_ORG)
    files["organisation.yaml"] = files["organisation.yaml"].replace("name: 示例区妇联", f"name: {LONG_NAME}")
    write_org(tmp_path / "data", files)
    result = run_cli(["build", "2021", "--data", tmp_path / "data", "--out", tmp_path / "out", "--format", "docx"])
    assert result.exit_code == 0, result.output
    (report,) = (tmp_path / "out" / "2021").glob("*.docx")
    with zipfile.ZipFile(report) as package:
        core = package.read("docProps/core.xml").decode("utf-8")
        body = package.read("word/document.xml").decode("utf-8")
    assert LONG_NAME[: MAX_CORE_PROPERTY_CHARACTERS - 1] + "…" in core
    assert LONG_NAME not in core
    assert LONG_NAME in body


@given(st.text(max_size=600))
def test_a_property_is_cut_at_a_character_and_only_when_too_long(text):
    cut = core_property_text(text)
    assert len(cut) <= MAX_CORE_PROPERTY_CHARACTERS
    if len(text) <= MAX_CORE_PROPERTY_CHARACTERS:
        assert cut == text
    else:
        assert cut[:-1] == text[: len(cut) - 1] and cut.endswith("…")

"""Changing one value of a data file: only that value's bytes change, or nothing and a Chinese reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from fulian_report import fill
from fulian_report.errors import FulianError
from fulian_report.fill import Edit, apply_edit, scalar_spans, subject_validator, yaml_scalar
from fulian_report.model.period import ReportingPeriod
from fulian_report.source.yaml_source import parse_yaml

CASES = """\
# 维权案件（2022年）
visits:
  received: 待填（2021年：55件）   # 来访
  disputes: '12件'

mediation: {couples_received: 待填（2021年：444对）, couples_reconciled: 134对}
hotline:
  - name: 12338
    calls: 待填（2021年：80次）
"""


def _edit(tmp_path: Path, text: str, path: tuple, was: str, value: str, encoding: str = "utf-8") -> Path:
    file = tmp_path / "cases.yaml"
    file.write_bytes(text.encode(encoding))
    validate = subject_validator(ReportingPeriod.calendar_year(2022), ())
    apply_edit(Edit(file, "cases", path, was, value), validate)
    return file


def test_the_spans_of_block_flow_and_list_values():
    spans = scalar_spans(CASES)
    for path, written in [
        (("visits", "received"), "待填（2021年：55件）"),
        (("visits", "disputes"), "'12件'"),
        (("mediation", "couples_received"), "待填（2021年：444对）"),
        (("hotline", 0, "calls"), "待填（2021年：80次）"),
    ]:
        span = spans[path]
        assert CASES[span.start : span.end] == written


@pytest.mark.parametrize(
    "path, was, value, line",
    [
        (("visits", "received"), "待填（2021年：55件）", "61件", "  received: 61件   # 来访"),
        (("visits", "disputes"), "12件", "15件", "  disputes: '15件'"),
        (("mediation", "couples_received"), "待填（2021年：444对）", "450对",
         "mediation: {couples_received: 450对, couples_reconciled: 134对}"),
        (("hotline", 0, "calls"), "待填（2021年：80次）", "93次", "    calls: 93次"),
    ],
)
def test_a_value_is_written_in_its_place_and_every_other_byte_stays(tmp_path, path, was, value, line):
    file = _edit(tmp_path, CASES, path, was, value)
    old, new = CASES.splitlines(keepends=True), file.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = [index for index, (a, b) in enumerate(zip(old, new)) if a != b]
    assert len(old) == len(new) and len(changed) == 1
    assert new[changed[0]].rstrip("\n") == line


def test_a_gbk_file_with_crlf_stays_gbk_with_crlf(tmp_path):
    text = CASES.replace("\n", "\r\n")
    file = _edit(tmp_path, text, ("visits", "received"), "待填（2021年：55件）", "61件", encoding="gbk")
    assert file.read_bytes() == text.replace("待填（2021年：55件）", "61件").encode("gbk")


@pytest.mark.parametrize(
    "value, words",
    [("abc", "abc"), ("61窝", "量词"), ("", "没有填写"), ("61件\n62件", "一行")],
)
def test_a_wrong_value_writes_nothing_and_says_why_in_chinese(tmp_path, value, words):
    file = tmp_path / "cases.yaml"
    with pytest.raises(FulianError) as caught:
        _edit(tmp_path, CASES, ("visits", "received"), "待填（2021年：55件）", value)
    assert file.read_text(encoding="utf-8") == CASES
    message = str(caught.value)
    assert words in message and "cases.yaml" in message, message


def test_a_value_changed_on_disk_since_the_page_showed_it_is_not_overwritten(tmp_path):
    file = tmp_path / "cases.yaml"
    with pytest.raises(FulianError) as caught:
        _edit(tmp_path, CASES.replace("'12件'", "'13件'"), ("visits", "disputes"), "12件", "15件")
    assert "已改为“13件”" in str(caught.value) and "没有写入" in str(caught.value)
    assert "'13件'" in file.read_text(encoding="utf-8")


def test_an_edit_leaves_nothing_of_the_tools_own_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    data = tmp_path / "data"
    data.mkdir()
    file = _edit(data, CASES, ("visits", "received"), "待填（2021年：55件）", "61件")
    assert "received: 61件" in file.read_text(encoding="utf-8")
    assert sorted(path.name for path in data.iterdir()) == ["cases.yaml"]


def test_an_edit_waits_for_another_process_editing_the_same_file_then_is_refused_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    file = tmp_path / "cases.yaml"
    file.write_text(CASES, encoding="utf-8")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\nfrom fulian_report.output import data_lock\n"
         "with data_lock(Path(sys.argv[1]), 5):\n    print('held', flush=True)\n    time.sleep(60)\n", str(file)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held", "the other process did not take the lock"
        monkeypatch.setattr(fill, "LOCK_WAIT_SECONDS", 0.2)
        validate = subject_validator(ReportingPeriod.calendar_year(2022), ())
        with pytest.raises(FulianError) as caught:
            apply_edit(Edit(file, "cases", ("visits", "received"), "待填（2021年：55件）", "61件"), validate)
        assert "另一处修改正在写入这个文件" in str(caught.value) and "cases.yaml" in str(caught.value)
        assert file.read_text(encoding="utf-8") == CASES
    finally:
        holder.kill()
        holder.wait(timeout=10)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30))
@example("=")  # YAML's value key when plain
def test_any_one_line_text_is_written_so_that_it_reads_back_as_itself_or_as_yaml_reads_it_plain(text):
    for style in (None, "'", '"'):
        written = yaml_scalar(text, style)
        parsed = parse_yaml(f"value: {written}\nnext: 1\n", Path("probe.yaml")).data
        assert parsed["next"] == 1  # nothing of the value spills into the structure
        value = parsed["value"]
        if style or written != text:
            assert value == text


TRAINING = """\
summer_training:
  sessions: 待填（2021年：10场）
  spring_sessions: 待填（2021年：4场）
  autumn_sessions: 待填（2021年：6场）
  sums: {sessions: [spring_sessions, autumn_sessions]}
"""


def test_a_total_is_checked_against_its_parts_once_it_is_written_not_while_it_stands_in(tmp_path):
    file = tmp_path / "activities.yaml"
    file.write_text(TRAINING, encoding="utf-8")
    validate = subject_validator(ReportingPeriod.calendar_year(2022), ())

    def edit(name: str, was: str, value: str) -> None:
        apply_edit(Edit(file, "activities", ("summer_training", name), was, value), validate)

    edit("spring_sessions", "待填（2021年：4场）", "5场")  # 5 + 6 is not last year's 10: the total is still to fill
    edit("autumn_sessions", "待填（2021年：6场）", "7场")
    with pytest.raises(FulianError) as caught:
        edit("sessions", "待填（2021年：10场）", "13场")
    assert "不等于各项之和" in str(caught.value) and "activities.yaml:2" in str(caught.value)
    edit("sessions", "待填（2021年：10场）", "12场")
    with pytest.raises(FulianError):
        edit("autumn_sessions", "7场", "8场")  # the total is written now: a part that breaks it is refused
    assert "sessions: 12场" in file.read_text(encoding="utf-8")

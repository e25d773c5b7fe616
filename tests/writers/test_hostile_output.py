"""The output folder's record (.fulian-report.json) and reports in it as untrusted input: a
record naming FIFOs, devices or files outside, one nested without end, a report that is a FIFO.
None hangs a build, reads outside the folder or exits 3; a bad record counts as no record."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fulian_report.writers.manifest import MANIFEST_NAME, OutputManifest, digest
from tests.test_file_safety import RUN_SECONDS, run_cli

TEXT = "湘东区妇联2021年工作情况和2022年主要工作打算汇报.txt"


def _build(out: Path, *options: str):
    return run_cli(["build", "2021", "--org", "xiangdong", "--format", "txt", "--out", out, *options])


def _manifest(folder: Path) -> OutputManifest:
    """The record read in a daemon thread, failing the test if reading it hangs."""
    outcome: list[OutputManifest] = []
    worker = threading.Thread(target=lambda: outcome.append(OutputManifest(folder)), daemon=True)
    worker.start()
    worker.join(RUN_SECONDS)
    if not outcome:
        raise AssertionError(f"读 {folder / MANIFEST_NAME} 没有在 {RUN_SECONDS} 秒内结束")
    return outcome[0]


def _record(folder: Path, document: object) -> None:
    (folder / MANIFEST_NAME).write_text(json.dumps(document), encoding="utf-8")


def test_pending_names_that_are_fifos_devices_or_outside_are_not_opened(tmp_path):
    assert _build(tmp_path).exit_code == 0
    folder = tmp_path / "2021"
    recorded = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    os.mkfifo(folder / "fifo.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    outside = tmp_path / "outside.txt"
    outside.write_text("外面的文件", encoding="utf-8")
    pending = {
        "fifo.txt": "0" * 64,
        "zero.txt": "0" * 64,
        "../outside.txt": digest(outside.read_bytes()),
        str(outside): digest(outside.read_bytes()),
    }
    _record(folder, {"files": recorded, "pending": pending})
    manifest = _manifest(folder)
    assert "../outside.txt" not in manifest.files and str(outside) not in manifest.files
    assert _build(tmp_path).exit_code == 0


def test_a_report_that_is_a_fifo_is_refused_not_waited_on(tmp_path):
    folder = tmp_path / "2021"
    folder.mkdir()
    os.mkfifo(folder / TEXT)
    result = _build(tmp_path)
    assert result.exit_code == 1, result.output
    assert f"{folder / TEXT}: 错误：" in result.output and "普通文件" in result.output


def test_a_record_nested_without_end_counts_as_no_record(tmp_path):
    assert _build(tmp_path).exit_code == 0
    folder = tmp_path / "2021"
    (folder / MANIFEST_NAME).write_text('{"files": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    result = _build(tmp_path)
    assert result.exit_code == 0, result.output  # the report is what the build writes: rewritten freely
    (folder / TEXT).write_text("手工写的", encoding="utf-8")
    (folder / MANIFEST_NAME).write_text('{"files": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    result = _build(tmp_path)
    assert result.exit_code == 1, result.output
    assert MANIFEST_NAME in result.output and "无法使用" in result.output


def test_a_record_that_is_a_fifo_or_too_big_counts_as_no_record(tmp_path):
    folder = tmp_path / "2021"
    folder.mkdir()
    os.mkfifo(folder / MANIFEST_NAME)
    assert _manifest(folder).files == {}
    os.unlink(folder / MANIFEST_NAME)
    with open(folder / MANIFEST_NAME, "wb") as stream:
        stream.truncate(1 << 30)  # sparse
    assert _manifest(folder).files == {}
    assert _build(tmp_path).exit_code == 0


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["files", "pending", "comment"]) | st.text(max_size=8), _json, max_size=4))
def test_any_record_gives_only_plain_names_inside_the_folder(tmp_path, document):
    folder = tmp_path / "2021"
    folder.mkdir(exist_ok=True)
    _record(folder, document)
    manifest = _manifest(folder)
    for name, hashed in manifest.files.items():
        assert name == Path(name).name and name not in ("", ".", "..") and "\\" not in name and "\0" not in name
        assert len(hashed) == 64


def test_check_does_not_follow_a_report_that_is_a_link(tmp_path):
    assert _build(tmp_path).exit_code == 0
    report = tmp_path / "2021" / TEXT
    outside = tmp_path / "outside.txt"
    outside.write_bytes(report.read_bytes())
    report.unlink()
    report.symlink_to(outside)
    result = _build(tmp_path, "--check")
    assert result.exit_code == 1, result.output
    assert TEXT in result.output

"""Reports given to import and diff that are meant to hurt or were saved badly: zip bombs, damaged
deflate streams, huge text files, and characters the data cannot carry.  Each ends in a Chinese
message at the report's own file (and line), never in a crash, a hang or gigabytes of memory."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fulian_report.readers import MAX_TXT_BYTES
from fulian_report.readers.docx import MAX_PACKAGE_BYTES, MAX_PART_BYTES
from tests.readers.helpers import REPORTS, docx_from_text
from tests.test_file_safety import run_cli

REPORT = (REPORTS / "hexi-2022.txt").read_text(encoding="utf-8")


def _import(path: Path, data: Path):
    return run_cli(["import", path, "--data", data, "--org", "hexi"])


def _bomb(path: Path, parts: dict[str, int]) -> Path:
    """A .docx-shaped zip whose parts inflate to the given sizes of zeros (a few KB on disk each)."""
    docx_from_text(REPORT, path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name, size in parts.items():
            with package.open(name, "w", force_zip64=True) as stream:
                block = bytes(1 << 20)
                for _ in range(size >> 20):
                    stream.write(block)
                stream.write(bytes(size & ((1 << 20) - 1)))
    return path


@pytest.mark.parametrize(
    "parts",
    [
        {"word/media/image1.png": MAX_PART_BYTES + 1},  # one part too big
        {f"word/media/image{i}.png": MAX_PART_BYTES - 1 for i in range(MAX_PACKAGE_BYTES // MAX_PART_BYTES + 1)},  # together
    ],
    ids=["one-part", "all-parts"],
)
def test_a_zip_bomb_is_refused_by_import_and_diff(tmp_path, parts):
    bomb = _bomb(tmp_path / "bomb.docx", parts)
    assert bomb.stat().st_size < 1024 * 1024
    result = _import(bomb, tmp_path / "data")
    assert result.exit_code == 1, result.output
    assert f"{bomb}: 错误：文件解压后太大" in result.output
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.yaml"))
    result = run_cli(["diff", bomb, bomb])
    assert result.exit_code == 2 and f"{bomb}: 错误：文件解压后太大" in result.output, result.output


def test_a_part_that_inflates_past_what_its_header_says_is_damage_not_memory(tmp_path):
    path = docx_from_text(REPORT, tmp_path / "lying.docx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as package:
        info = package.getinfo("word/document.xml")
    # The central directory's uncompressed size of word/document.xml set to 10 bytes.
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + name_length] == info.filename.encode():
            data[central + 24 : central + 28] = (10).to_bytes(4, "little")
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    result = _import(path, tmp_path / "data")
    assert result.exit_code == 1 and f"{path}: 错误：" in result.output, result.output


def test_a_damaged_deflate_stream_is_a_message_not_exit_3(tmp_path):
    path = docx_from_text(REPORT, tmp_path / "damaged.docx")
    with zipfile.ZipFile(path) as package:
        info = package.getinfo("word/document.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 10, start + info.compress_size - 10, 7):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    for result, status in ((_import(path, tmp_path / "data"), 1), (run_cli(["diff", path, path]), 2)):
        assert result.exit_code == status, result.output
        assert f"{path}: 错误：" in result.output and "损坏" in result.output


def test_a_huge_text_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as stream:
        stream.write(REPORT.encode("utf-8"))
        stream.truncate(50 * 1024 * 1024)  # sparse: 50 MB that cost no disk
    assert path.stat().st_size > MAX_TXT_BYTES
    result = _import(path, tmp_path / "data")
    assert result.exit_code == 1 and f"{path}: 错误：文件太大" in result.output, result.output
    result = run_cli(["diff", path, path])
    assert result.exit_code == 2 and f"{path}: 错误：文件太大" in result.output, result.output


def _with(mark: str, line: int = 4) -> str:
    lines = REPORT.split("\n")
    lines[line - 1] = lines[line - 1][:10] + mark + lines[line - 1][10:]
    return "\n".join(lines)


_MARKS = {
    "bell": ("\x07", "控制字符（U+0007）"),
    "form-feed": ("\x0c", "控制字符（U+000C）"),
    "next-line": ("\x85", "下一行符（U+0085）"),
    "variable": ("{{ 数量 }}", "“{{”"),
    "statement": ("{% if x %}", "“{%”"),
    "line-separator": ("\u2028", "行分隔符（U+2028）"),
    "paragraph-separator": ("\u2029", "段分隔符（U+2029）"),
}
# python-docx cannot put a C0 control or NEL into a .docx (XML 1.0 forbids them), and neither can Word.
_IN_DOCX = ("variable", "statement", "line-separator", "paragraph-separator")


@pytest.mark.parametrize(
    "kind, case", [("txt", case) for case in _MARKS] + [("docx", case) for case in _IN_DOCX],
)
def test_what_the_data_cannot_carry_is_reported_at_the_reports_line(tmp_path, kind, case):
    mark, words = _MARKS[case]
    text = _with(mark)
    if kind == "txt":
        path = tmp_path / "report.txt"
        path.write_text(text, encoding="utf-8")
        place = f"{path}:4:11: 错误：第 4 行"
    else:
        import docx

        path = tmp_path / "report.docx"
        document = docx.Document()
        for line in text.split("\n"):  # one paragraph a line: the separators stay inside paragraph 4
            document.add_paragraph(line)
        document.save(path)
        place = f"{path}:4:11: 错误：第 4 段"
    result = _import(path, tmp_path / "data")
    assert result.exit_code == 1, result.output
    assert place in result.output and words in result.output, result.output
    assert ".import-" not in result.output  # not at a scratch copy that is deleted
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.yaml"))


def test_a_report_that_is_a_link_or_fifo_is_not_followed_or_waited_on(tmp_path):
    import os

    outside = tmp_path / "outside.txt"
    outside.write_text(REPORT, encoding="utf-8")
    link = tmp_path / "report.txt"
    link.symlink_to(outside)
    result = _import(link, tmp_path / "data")
    assert result.exit_code == 1 and f"{link}: 错误：" in result.output and "链接" in result.output, result.output
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    for result, status in ((_import(fifo, tmp_path / "data"), 1), (run_cli(["diff", fifo, fifo]), 2)):
        assert result.exit_code == status and f"{fifo}: 错误：" in result.output and "特殊文件" in result.output, result.output


_SMALL_DOCX: list[bytes] = []


def _small_docx(tmp_path_factory) -> bytes:
    if not _SMALL_DOCX:
        path = docx_from_text("示例区妇联2022年工作总结\n开展活动3场。", tmp_path_factory.mktemp("docx") / "small.docx")
        _SMALL_DOCX.append(path.read_bytes())
    return _SMALL_DOCX[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=1, max_value=255)), min_size=1, max_size=8))
def test_a_damaged_package_is_a_located_message_or_read(tmp_path_factory, flips):
    """Whatever bytes of a .docx are damaged, reading its parts gives them or a located message,
    never another exception (a damaged deflate stream or header exited 3)."""
    from fulian_report.errors import FulianError
    from fulian_report.readers.docx import package_parts

    data = bytearray(_small_docx(tmp_path_factory))
    for offset, mask in flips:
        data[offset % len(data)] ^= mask
    try:
        parts = package_parts(bytes(data), "small.docx")
    except FulianError as error:
        assert [str(finding.location.path) for finding in error.findings] == ["small.docx"]
    else:  # the damage missed what is read (a comment, a time stamp): the body is there whole
        assert parts["word/document.xml"].rstrip().endswith(b"</w:document>")

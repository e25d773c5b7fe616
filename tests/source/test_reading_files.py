"""Reading a data file: only regular files of their folder, any encoding a Chinese office saves in."""

from __future__ import annotations

import codecs
import errno
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fulian_report.errors import FulianError, Severity, read_error_message
from fulian_report.source import yaml_source
from fulian_report.source.yaml_source import decode, load_yaml, read_source_bytes

SECRET = "机密标记-qz81-不应出现"
TEXT = "visits:\n  received: 12件  # 东湖街道来访\n"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside.yaml"
    outside.write_text(f"visits:\n  received: {SECRET}\n", encoding="utf-8")
    return outside


def _refusal(path: Path) -> str:
    with pytest.raises(FulianError) as caught:
        load_yaml(path)
    (finding,) = caught.value.findings
    assert finding.location.path.endswith(path.name) and finding.location.line == 0  # no line: no excerpt
    assert SECRET not in str(caught.value)
    return finding.message


def test_a_link_leading_outside_is_refused_without_its_content(tmp_path, secret):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "cases.yaml").symlink_to(secret)
    assert "符号链接" in _refusal(folder / "cases.yaml")


def test_a_link_beside_the_file_is_refused_too(tmp_path):
    (tmp_path / "real.yaml").write_text(TEXT, encoding="utf-8")
    (tmp_path / "cases.yaml").symlink_to("real.yaml")
    assert "符号链接" in _refusal(tmp_path / "cases.yaml")


def test_a_link_to_itself_is_refused(tmp_path):
    (tmp_path / "cases.yaml").symlink_to(tmp_path / "cases.yaml")
    assert "符号链接" in _refusal(tmp_path / "cases.yaml")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_link_to_a_device_is_refused_without_reading_it(tmp_path):
    (tmp_path / "cases.yaml").symlink_to("/dev/zero")
    assert "符号链接" in _refusal(tmp_path / "cases.yaml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / "cases.yaml")
    assert "特殊文件" in _refusal(tmp_path / "cases.yaml")


def test_a_folder_named_like_a_file_is_refused(tmp_path):
    (tmp_path / "cases.yaml").mkdir()
    assert "文件夹" in _refusal(tmp_path / "cases.yaml")


def test_a_file_replaced_between_looking_and_opening_is_not_read(tmp_path, secret, monkeypatch):
    path = tmp_path / "cases.yaml"
    path.write_text(TEXT, encoding="utf-8")
    real_open = os.open

    def swap_then_open(name, flags, *args):
        os.unlink(path)
        os.link(secret, path)  # another file under the same name (a link would fail with ELOOP)
        return real_open(name, flags, *args)

    monkeypatch.setattr(yaml_source.os, "open", swap_then_open)
    assert "特殊文件" in _refusal(path)


def test_a_file_that_grows_past_the_limit_after_looking_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "cases.yaml"
    raw = (TEXT * 10).encode("utf-8")
    path.write_bytes(raw)
    assert read_source_bytes(path, limit=len(raw)) == raw
    real_lstat = os.lstat

    def small_at_first(name):
        values = list(real_lstat(name))
        values[6] = 1  # st_size: what it was when looked at
        return os.stat_result(values)

    monkeypatch.setattr(yaml_source.os, "lstat", small_at_first)
    with pytest.raises(FulianError) as caught:
        read_source_bytes(path, limit=len(raw) // 2)
    assert "文件太大" in str(caught.value) and SECRET not in str(caught.value)


@pytest.mark.parametrize(
    "number, expected",
    [
        (errno.EACCES, "没有读取这个文件的权限"),
        (errno.EPERM, "不允许读取"),
        (errno.ENAMETOOLONG, "改短"),
        (errno.ELOOP, "符号链接"),
        (errno.EISDIR, "文件夹"),
        (errno.ENOTDIR, "路径中有一段是文件"),
        (errno.EIO, "磁盘出错"),
        (errno.EOVERFLOW, "错误号"),
    ],
)
def test_reading_errors_are_chinese_with_advice_that_fits(number, expected):
    message = read_error_message(OSError(number, os.strerror(number)))
    assert expected in message
    assert os.strerror(number) not in message  # the system's English words
    assert "磁盘已满" not in message


def test_permission_denied_on_a_data_file_is_named(tmp_path, monkeypatch):
    path = tmp_path / "cases.yaml"
    path.write_text(TEXT, encoding="utf-8")

    def refuse(*args):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(yaml_source.os, "open", refuse)  # the tests may run as root, who may read anything
    message = _refusal(path)
    assert "没有读取这个文件的权限" in message and "Permission" not in message


def test_a_name_too_long_is_not_blamed_on_a_full_disk(tmp_path):
    message = _refusal(tmp_path / ("很长" * 60 + ".yaml"))
    assert "太长" in message and "磁盘" not in message


@pytest.mark.parametrize("codec, bom", [("utf-16-le", b""), ("utf-16-be", b""), ("utf-16", b"")])
def test_utf16_with_or_without_bom_is_read_with_a_warning(tmp_path, codec, bom):
    path = tmp_path / "cases.yaml"
    path.write_bytes(bom + TEXT.encode(codec))
    source = load_yaml(path)
    assert source.data == {"visits": {"received": "12件"}}
    (warning,) = source.warnings
    assert warning.severity is Severity.WARNING and "UTF-16" in warning.message


@pytest.mark.parametrize(
    "raw",
    [
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4,  # a .docx or .xlsx (zip)
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",  # an image
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b">\x00\x03\x00\xfe\xff",  # an old .doc or .xls
    ],
)
def test_word_excel_and_images_are_still_not_text(tmp_path, raw):
    with pytest.raises(FulianError) as caught:
        decode(raw, tmp_path / "cases.yaml")
    assert "不是文本文件" in str(caught.value)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (TEXT.encode("gbk"), "GBK"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "BOM"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "UTF-16"),
    ],
)
def test_other_encodings_keep_their_warnings(tmp_path, raw, expected):
    path = tmp_path / "cases.yaml"
    path.write_bytes(raw)
    source = load_yaml(path)
    assert source.data == {"visits": {"received": "12件"}}
    assert expected in source.warnings[0].message


@pytest.mark.parametrize("text, expected", [("", "文件是空的"), ("\n\n", "文件是空的"), ("# 暂无\n# 明年再填\n", "只有注释")])
def test_an_empty_or_comment_only_file_is_a_warning_that_says_which(tmp_path, text, expected):
    path = tmp_path / "honors.yaml"
    path.write_text(text, encoding="utf-8")
    source = load_yaml(path)
    assert source.data == {}
    (warning,) = source.warnings
    assert warning.severity is Severity.WARNING and expected in warning.message


def test_utf16_without_bom_of_mostly_chinese_prose_is_read(tmp_path):
    prose = "opening:\n  - " + "二〇二三年，东湖街道妇联围绕中心、服务大局，扎实推进家庭文明建设和妇女儿童权益保障工作。" * 8 + "\n"
    path = tmp_path / "narrative.yaml"
    path.write_bytes(prose.encode("utf-16-le"))
    source = load_yaml(path)
    assert source.data["opening"][0].startswith("二〇二三年") and "UTF-16" in source.warnings[0].message


def test_a_folder_that_cannot_be_listed_is_named_in_chinese(tmp_path, monkeypatch):
    from fulian_report.source.yaml_source import folder_entries

    def refuse(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", refuse)
    with pytest.raises(FulianError) as caught:
        folder_entries(tmp_path)
    assert "没有读取这个文件夹的权限" in str(caught.value) and "Permission" not in str(caught.value)


@given(
    text=st.text(alphabet=st.sampled_from(list("ab: -#\n0１２，。、“”《》") + ["一", "妇", "联", "丁", "鿿"]), max_size=300),
    codec=st.sampled_from(["utf-16-le", "utf-16-be"]),
)
def test_any_utf16_text_with_a_line_end_is_read_back_as_written(text, codec):
    raw = ("key: 值\n" + text).encode(codec)
    decoded, warnings = decode(raw, Path("cases.yaml"))
    assert decoded == "key: 值\n" + text and "UTF-16" in warnings[0].message


def test_a_long_lived_process_parses_a_file_again_only_when_its_bytes_change(tmp_path, monkeypatch):
    from collections import OrderedDict

    monkeypatch.setattr(yaml_source, "_kept", OrderedDict())  # as keep_parsed_files() sets it, for this test only
    path = tmp_path / "cases.yaml"
    path.write_text("visits:\n  received: 55件\n", encoding="utf-8")
    first = yaml_source.load_yaml(path)
    assert yaml_source.load_yaml(path) is first
    stamp = path.stat()
    path.write_text("visits:\n  received: 56件\n", encoding="utf-8")  # same size: only the bytes tell
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    again = yaml_source.load_yaml(path)
    assert again is not first
    assert again.data == {"visits": {"received": "56件"}}
    path.write_text("visits: [\n", encoding="utf-8")
    with pytest.raises(yaml_source.FulianError):
        yaml_source.load_yaml(path)
    path.write_text("visits:\n  received: 56件\n", encoding="utf-8")
    assert yaml_source.load_yaml(path).data == again.data


def test_a_build_keeps_no_parse_between_loads(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_source, "_kept", None)  # as in a build, which reads each file once
    path = tmp_path / "cases.yaml"
    path.write_text("visits:\n  received: 55件\n", encoding="utf-8")
    assert yaml_source.load_yaml(path) is not yaml_source.load_yaml(path)

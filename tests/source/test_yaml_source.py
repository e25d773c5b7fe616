"""The source stage: values with their positions, and the hazards of hand-written YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fulian_report.errors import FulianError, Severity
from fulian_report.source.yaml_source import load_yaml, parse_yaml


def _write(tmp_path: Path, text: str | bytes, name: str = "cases.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def test_positions_are_remembered_for_every_key(tmp_path):
    source = load_yaml(_write(tmp_path, "visits:\n  received: 55件\nlist:\n  - a\n  - b\n"))
    assert source.data == {"visits": {"received": "55件"}, "list": ["a", "b"]}
    assert source.positions[("visits", "received")] == (2, 3)
    assert source.positions[("list", 1)] == (5, 5)
    location = source.locate(("visits", "received", "unit"))  # nearest written ancestor
    assert (location.line, location.column) == (2, 3)


def test_duplicate_keys_are_an_error_naming_both_lines(tmp_path):
    with pytest.raises(FulianError) as caught:
        load_yaml(_write(tmp_path, "a: 1件\nb: 2件\na: 3件\n"))
    (finding,) = caught.value.findings
    assert finding.location.line == 3
    assert "重复" in finding.message and "第 1 行" in finding.message


def test_aliases_are_refused_so_that_a_small_file_cannot_explode(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    with pytest.raises(FulianError) as caught:
        load_yaml(_write(tmp_path, bomb))
    assert all("别名" in f.message for f in caught.value.findings)
    assert caught.value.findings[0].location.line == 2


def test_tabs_get_a_located_chinese_message(tmp_path):
    with pytest.raises(FulianError) as caught:
        load_yaml(_write(tmp_path, "a:\n\tb: 1件\n"))
    (finding,) = caught.value.findings
    assert finding.location.line == 2 and "制表符" in finding.message


def test_unclosed_quote_is_located(tmp_path):
    with pytest.raises(FulianError) as caught:
        load_yaml(_write(tmp_path, 'a: "未闭合\nb: 1件\n'))
    assert caught.value.findings[0].location.line >= 1
    assert "引号" in caught.value.findings[0].message or "格式" in caught.value.findings[0].message


def test_gbk_from_notepad_is_read_with_a_warning(tmp_path):
    source = load_yaml(_write(tmp_path, "名称: 芙蓉区妇联\n".encode("gbk")))
    assert source.data == {"名称": "芙蓉区妇联"}
    assert [w.severity for w in source.warnings] == [Severity.WARNING]
    assert "GBK" in source.warnings[0].message


def test_utf8_bom_and_utf16_are_read(tmp_path):
    assert load_yaml(_write(tmp_path, "\ufeffa: 1件\n".encode("utf-8"))).data == {"a": "1件"}
    assert load_yaml(_write(tmp_path, "a: 1件\n".encode("utf-16"), "b.yaml")).data == {"a": "1件"}


def test_empty_file_is_an_empty_mapping_with_a_warning(tmp_path):
    source = load_yaml(_write(tmp_path, "# 只有注释\n"))
    assert source.data == {} and "空" in source.warnings[0].message


def test_binary_garbage_is_refused_with_a_message(tmp_path):
    with pytest.raises(FulianError) as caught:
        load_yaml(_write(tmp_path, b"a: \x80\x80\x80\n"))
    assert caught.value.findings


@given(st.binary(max_size=40))
def test_any_bytes_decode_or_give_a_located_finding(raw):
    from fulian_report.source.yaml_source import decode

    for prefix in (b"", b"\xef\xbb\xbf", b"\xff\xfe"):
        try:
            decode(prefix + raw, Path("x.yaml"))
        except FulianError as exc:
            assert exc.findings[0].location.line >= 1


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("ab: -\n\t[]{}\"'&*!|>#%@`,?年件1２") ), max_size=60))
def test_any_text_gives_values_or_located_findings_never_a_crash(text):
    try:
        parse_yaml(text, Path("x.yaml"))
    except FulianError as exc:
        assert exc.findings and all(f.location.path == "x.yaml" for f in exc.findings)
        assert all(f.message for f in exc.findings)


def test_plain_scalars_keep_their_yaml_types_when_repeated(tmp_path):
    import datetime

    text = "a: [中文, yes, 12, 2021-03-05, null, ~, 1.5, 中文, yes, 12, '12', name]\nb: {name: 12, 12: name}\n"
    data = parse_yaml(text, tmp_path / "x.yaml").data
    expected = ["中文", True, 12, datetime.date(2021, 3, 5), None, None, 1.5, "中文", True, 12, "12", "name"]
    assert data["a"] == expected
    assert data["b"] == {"name": 12, "12": "name"}


@pytest.mark.parametrize("text", ["x: !!timestamp notadate\n", "x: !!binary 1\n"])
def test_a_tag_on_text_it_cannot_read_is_a_located_error(tmp_path, text):
    with pytest.raises(FulianError) as caught:
        load_yaml(_write(tmp_path, "name: 示例\n" + text))
    (finding,) = caught.value.findings
    assert finding.location.line == 2 and "不支持 YAML 标签" in finding.message

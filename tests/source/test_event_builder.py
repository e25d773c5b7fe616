"""Values read from the event stream and from the composed node tree are the same.

`parse_yaml` reads a file from libyaml's events, and falls back to the node tree for anchors,
aliases and several documents; both must give the same data, positions, warnings and findings
for any file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fulian_report.errors import FulianError
from fulian_report.source import yaml_source
from fulian_report.source.yaml_source import PartialSource, parse_yaml
from tests.conftest import DATA, ROOT


def _read(text: str, from_nodes: bool) -> tuple:
    original = yaml_source._EventBuilder.build

    def nodes_only(self):
        self.parser.dispose()
        raise yaml_source._NodesNeeded

    if from_nodes:
        yaml_source._EventBuilder.build = nodes_only
    try:
        source = parse_yaml(text, Path("probe.yaml"))
        findings = [str(w) for w in source.warnings]
    except PartialSource as exc:
        source = exc.source
        findings = [str(f) for f in exc.findings]
    except FulianError as exc:
        return ("error", [str(f) for f in exc.findings])
    finally:
        yaml_source._EventBuilder.build = original
    return (repr(source.data), list(source.positions.items()), list(source.value_positions.items()), findings)


def _same_either_way(text: str) -> None:
    assert _read(text, from_nodes=True) == _read(text, from_nodes=False)


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.yaml")) + sorted((ROOT / "examples").rglob("*.yaml")), ids=str)
def test_data_files_read_the_same_from_events(path):
    _same_either_way(path.read_text(encoding="utf-8"))


_PIECES = [
    "a: 1\n", "a: 2\n", "<<: {x: 1}\n", "? [1, 2]\n: 3\n", "b: &x 5\n", "c: *x\n", "d: !foo 3\n", "e: !!int 7\n",
    'f: "\\x07"\n', "g: ４８件\n", "h: |\n  text\n", "i:\n  - 1\n  - [2, {j: 3}]\n  - k: ２\n", "l: 2021-02-30\n",
    "m: 2021-03-05\n", "n: {o: 1, o: 2}\n", "---\n", 'p: "\\uff14"\n', "q: [1, *x]\n", "r: {s: [t, u], v: null}\n",
    "~: 5\n", "1: x\n", "{a: 1}: 2\n", 'y: "a\\tb"\n', "z: - bad\n", "aa: [unclosed\n", "bb: yes\n", "ee: >\n  folded\n",
    "ff:\n  gg: 1\n  gg: {hh: 2}\n", "ii: !!merge {a: 1}\n", "jj: !!str 5\n", "- 1\n", "kk:\n", "# comment\n", "",
    # Text taken without resolving it: quoted, block and plain scalars, and the ones that are no text.
    "ll: 'single'\n", 'mm: ""\n', "nn: no\n", 'oo: "plain 文字"\n', "'pp': 1\n", '"qq": x\n', "rr: ! 5\n", "ss: 活动\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=6))
def test_any_mix_of_yaml_features_reads_the_same_from_events(pieces):
    _same_either_way("".join(pieces))


def test_a_file_with_many_records_is_read_from_events(monkeypatch):
    def no_nodes(*args):
        raise AssertionError("read from the node tree")

    monkeypatch.setattr(yaml_source, "_build_from_nodes", no_nodes)
    text = "".join(f"r{i}:\n  name: 活动{i}\n  date: 2021-03-0{i % 9 + 1}\n  sessions: {i}场\n" for i in range(50))
    source = parse_yaml(text, Path("probe.yaml"))
    assert source.data["r7"]["sessions"] == "7场"
    assert source.positions[("r7", "sessions")] == (7 * 4 + 4, 3)
    assert source.value_positions[("r7", "sessions")] == (7 * 4 + 4, 13)


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 100 + "]" * 100,
        "a: " + "[" * 101 + "1" + "]" * 101,
        "".join("  " * i + f"k{i}:\n" for i in range(120)) + "  " * 120 + "v: 1\n",
        "a: 1\na: " + "[" * 120 + "]" * 120,  # too deep inside a duplicate that is not read
        "? " + "[" * 120 + "]" * 120 + "\n: 1\n",
        "a: 1\n---\nb: " + "[" * 120 + "]" * 120,
        "x: &a 1\ny: " + "[" * 120 + "]" * 120,
        "a: " + "[" * 120 + "\n  bad: : :",
    ],
    ids=range(8),
)
def test_depth_is_limited_the_same_from_events(text):
    _same_either_way(text)


# Lines of nested mappings of one-line values, as record files are written, and lines just outside
# that: odd indents, names that read as other types, values that start with or hold a YAML
# indicator, comments, full-width digits.
_KEYS = ["a", "b", "name", "名称", "sessions", "true", "no", "null", "y", "a1", "_x", "活动2"]
_VALUES = [
    "", "12场", "3000余人", "2021-03-05", "2021-02-30", "2021-03", "5.15国际家庭日", "yes", "No", "~", "null", "1e3",
    "0x1F", "+5", "-5", "示例湖公园", "a:b", "a: b", "a #b", "a#b", "文字：全角冒号", "他说“好”", "x,y[z]{w}", "http://x.cn/a",
    "４８件", "a  b  ", "=", "<<", "长芙检联〔2020〕03号", "'q'", "\"q\"", "|", ">", "[1, 2]", "{a: 1}", "&x 1", "*x",
    "!!str 5", "%x", "@x", "`x", "?x", ":x", "—— 破折号", "温暖2021", "1:30", "100%", "\\d",
]


@st.composite
def _mapping_lines(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["pair", "pair", "pair", "name", "blank", "comment", "odd"]))
        indent = " " * draw(st.sampled_from([0, 0, 2, 2, 4, 1, 3, 6]))
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", "  "])))
        elif kind == "comment":
            lines.append(indent + "# 注释 a: b")
        elif kind == "odd":
            lines.append(indent + draw(st.sampled_from(["- item", "---", "key :x", "   continued", "a:\tb", "a: 1\r"])))
        else:
            key = draw(st.sampled_from(_KEYS))
            value = draw(st.sampled_from(_VALUES)) if kind == "pair" else ""
            comment = draw(st.sampled_from(["", "", "  # 说明", " #x"]))
            lines.append(f"{indent}{key}:{' ' + value if value else ''}{comment}")
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@st.composite
def _record_files(draw, depth: int = 0, indent: str = "") -> str:
    """Nested mappings written as record files are."""
    lines = []
    keys = draw(st.lists(st.sampled_from(_KEYS), min_size=1 if depth else 0, max_size=4, unique=True))
    if keys and draw(st.integers(0, 9)) == 0:
        keys.append(keys[0])  # now and then a duplicate
    for key in keys:
        comment = draw(st.sampled_from(["", "", "", "  # 说明", " #x"]))
        if depth < 3 and draw(st.booleans()):
            lines.append(f"{indent}{key}:{comment}")
            lines.append(draw(_record_files(depth + 1, indent + draw(st.sampled_from(["  ", "  ", "    ", " "])))))
        else:
            value = draw(st.sampled_from(_VALUES[:8] + _VALUES[14:16] + ["活动", "3场"]) if draw(st.integers(0, 4)) else st.sampled_from(_VALUES))
            lines.append(f"{indent}{key}:{' ' + value if value else ''}{comment}")
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "# 注释", indent + "  # 缩进的注释"])))
    return "\n".join(lines)


@settings(max_examples=600, deadline=None)
@given(st.one_of(_mapping_lines(), _record_files().map(lambda text: text + "\n")))
def test_mapping_lines_read_the_same_from_events_as_from_nodes(text):
    _same_either_way(text)


@pytest.mark.parametrize("value", _VALUES + ["a:", "a :", "活动：", "x #", "x# y"], ids=repr)
def test_each_kind_of_value_reads_the_same_from_events_as_from_nodes(value):
    _same_either_way(f"r:\n  name: 活动\n  k: {value}\n  z: 1\n")


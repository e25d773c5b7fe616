"""Every layout number of style.yaml has bounds: whatever is written there, a build or a located error.

A page of 1e300 mm once passed validation and stopped the .docx writer with Python's English
(exit 3).  The style's model now refuses any number no printer and no word processor can lay out,
at the value in style.yaml, and a build refuses that style alone.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fulian_report.cli import run
from fulian_report.errors import FulianError
from fulian_report.render.style import resolve_style
from tests.conftest import MINIMAL_ORG, write_org

PAGE = [
    "width_mm", "height_mm", "top_mm", "bottom_mm", "left_mm", "right_mm", "lines_per_page", "chars_per_line",
    "page_number_below_mm", "page_number_side_chars", "signature_right_chars", "date_shift_chars", "sealed_date_right_chars",
]
SETTINGS = [("page", name) for name in PAGE] + [("sizes", name) for name in ("title", "body", "page_number")] + [
    ("summary", "run_in_from"), ("summary", "inline_from"), ("plan", "run_in_from"), ("plan", "inline_from"),
]
# A finding of style.yaml: file:line:column, then Chinese.
LOCATED = re.compile(r"style\.yaml:\d+:\d+: 错误：")


def _yaml_number(value: float | int | str) -> str:
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    return str(value)


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1000, max_value=1000),
    st.integers(-10**6, 10**6),
    st.integers(-1000, 1000),
    st.sampled_from([0, -0.0, 1e300, -1e300, 1e-300, 5e-324, 10**400, -(10**400), "1e300", "true", ".inf", "-.inf", ".nan"]),
).map(_yaml_number)


def _build(root: Path, style_text: str) -> tuple[int, str]:
    """Two organisations, the first in the style written: (exit status, what was printed)."""
    style = root / "style"
    style.mkdir()
    (style / "style.yaml").write_text(style_text, encoding="utf-8")
    own = dict(MINIMAL_ORG, **{"organisation.yaml": MINIMAL_ORG["organisation.yaml"].replace("style: furong", f"style: {style}")})
    other = dict(MINIMAL_ORG, **{"organisation.yaml": MINIMAL_ORG["organisation.yaml"].replace("示例区妇联", "示例二区妇联", 1)})
    write_org(root / "data", own, org="own")
    write_org(root / "data", other, org="other")
    printed = io.StringIO()
    with contextlib.redirect_stderr(printed), contextlib.redirect_stdout(printed):
        code = run(["build", "2021", "--data", str(root / "data"), "--out", str(root / "out")])
    return code, printed.getvalue()


def _reports(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "out" / "2021").glob("*.docx"))


# Each example builds two organisations in this process, most refused before writing: 60 examples
# take about 6 seconds on this 2-core machine, and draw each of the 20 settings a few times.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(changes=st.lists(st.tuples(st.sampled_from(SETTINGS), numbers), min_size=1, max_size=3))
def test_any_number_in_any_layout_setting_builds_or_is_a_located_chinese_error(changes):
    groups: dict[str, dict[str, str]] = {}
    for (group, name), value in changes:
        groups.setdefault(group, {})[name] = value
    text = "name: 随机样式\n" + "".join(
        f"{group}:\n" + "".join(f"  {name}: {value}\n" for name, value in values.items()) for group, values in groups.items()
    )
    root = Path(tempfile.mkdtemp())
    try:
        code, printed = _build(root, text)
        assert code in (0, 1), printed
        assert "Traceback" not in printed and "内部出错" not in printed, printed
        if code == 1:
            findings = [line for line in printed.splitlines() if "错误：" in line]
            assert findings and all(LOCATED.search(line) for line in findings), printed
            messages = [line.split("错误：", 1)[1] for line in findings]
            # Only names of settings, to change, and what the person wrote may be Latin.
            english = [w for m in messages for w in re.findall(r"[A-Za-z_]{4,}", m) if w not in text and w not in PAGE]
            assert english == [], printed
            assert _reports(root) == ["示例二区妇联2021年度工作总结.docx"], printed
        else:
            assert len(_reports(root)) == 2, printed
    finally:
        shutil.rmtree(root)


def test_a_page_of_1e300_mm_is_refused_at_its_value_and_the_other_organisations_are_built(tmp_path):
    code, printed = _build(tmp_path, "name: 巨幅样式\npage: {width_mm: 1e300}\n")
    assert code == 1
    assert re.search(r"style/style\.yaml:2:18: 错误：数值太大：1e300（界限 558\.8）", printed), printed
    assert _reports(tmp_path) == ["示例二区妇联2021年度工作总结.docx"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("page:\n  left_mm: 150\n  right_mm: 60\n", 3, "没有留下版心"),
        ("page:\n  lines_per_page: 60\n", 3, "排不下每面 60 行"),
        ("sizes:\n  body: 42\n", 3, "排不下每面 22 行"),  # the body size, written here, is what breaks the grid
        ("page:\n  chars_per_line: 10\n", 3, "空得太开"),
        ("page:\n  chars_per_line: 40\n", 3, "字会叠在一起"),
        ("page:\n  bottom_mm: 10\n", 3, "页码会印到纸外"),
        ("page:\n  signature_right_chars: 20\n", 3, "超过了每行 28 字的一半"),
        ("page:\n  date_shift_chars: -20\n", 3, "超过了每行 28 字的一半"),
        ("page:\n  width_mm: .nan\n", 3, "不能写 .inf（无穷大）或 .nan"),
        ("sizes:\n  title: 0\n", 3, "数值太小：0（界限 7.5）"),
        ("page:\n  top_mm: " + "9" * 400 + "\n", 3, "数值太大"),
    ],
)
def test_settings_that_leave_no_printable_page_are_errors_at_the_setting_written(tmp_path, text, line, words):
    (tmp_path / "style.yaml").write_text("name: 试样式\n" + text, encoding="utf-8")
    with pytest.raises(FulianError) as caught:
        resolve_style(str(tmp_path))
    (finding,) = caught.value.findings
    assert finding.location.path.endswith("style.yaml") and finding.location.line == line, finding
    assert words in finding.message, finding


def test_the_shipped_styles_keep_within_the_bounds():
    for name in ("furong", "xiangdong"):
        assert resolve_style(name).settings.page.lines_per_page == 22

"""Prose and templates end within their budget, and print only text and figures.

Each runaway (a big power, a huge repetition, long loops, recursion) is refused
with a Chinese message at the line of the prose or template that wrote it,
before it has cost much time or memory.
"""

from __future__ import annotations

import re
import shutil

import pytest

from fulian_report.errors import FulianError
from fulian_report.model.dataset import load_org
from fulian_report.render.environment import (
    RenderLimit,
    compile_prose,
    printable,
    render_budget,
)
from fulian_report.render.report import render_document, render_prose
from fulian_report.render.style import resolve_style
from tests.conftest import MINIMAL_ORG, TEMPLATES, write_org

# The second line of the opening paragraph, which narrative.yaml holds at line 4.
PROSE_LINE = 4


def _org(tmp_path, prose: str, file: str = "narrative.yaml"):
    narrative = MINIMAL_ORG["narrative.yaml"].replace("{{ year }}年，", "第一行。\n    " + prose + "{{ year }}年，")
    return load_org(write_org(tmp_path / "data", dict(MINIMAL_ORG, **{"narrative.yaml": narrative})))


def _only_finding(tmp_path, prose: str):
    with pytest.raises(FulianError) as caught:
        render_prose(_org(tmp_path, prose))
    (finding,) = caught.value.findings
    return finding


RUNAWAYS = {
    "{{ 9**(9**9) }}": "算出的数太大",
    "{{ 10**5000 }}": "算出的数太大",
    "{{ 7 * 10**40 }}": "算出的数太大",
    '{{ "a" * 10**9 }}': "文字太长",
    '{{ ["x"] * 10**9 }}': "文字太长",
    '{{ "x" | center(10**9) }}': "文字太长",
    '{% set ns = namespace(s="ab") %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}': "文字太长",
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}": "次数超出上限",
    "{% for i in range(10**7) %}{% endfor %}": "range 太大",
    "{% macro f(x) %}{{ f(x) }}{% endmacro %}{{ f(1) }}": "递归没有结束",
    "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}": "递归没有结束",
    "{% include 'x' %}": "不能用 include",
    "{% import 'x' as x %}": "不能用 include、import",
    '{{ "%0999999999d" % 1 }}': "不用 % 排版",
}


@pytest.mark.parametrize("prose, says", RUNAWAYS.items(), ids=list(RUNAWAYS))
def test_a_runaway_in_prose_is_refused_at_its_line(tmp_path, prose, says):
    finding = _only_finding(tmp_path, prose)
    assert says in finding.message
    assert finding.location.path.endswith("narrative.yaml") and finding.location.line == PROSE_LINE
    assert not any(word in finding.message for word in ("Exceeds", "loader", "Range", "maximum", "recursion"))


NOT_VALUES = {
    "{{ cases.visits }}": "一条记录（含 received）",
    "{{ cases }}": "一条记录",
    "{{ [1, 2] }}": "一组项目",
    "{{ {'a': 1} }}": "一组按名称排列的项",
    "{{ 3 > 2 }}": "是/否的值",
    "{{ true }}": "是/否的值（True）",
    "{{ none }}": "空值",
    "{{ self }}": "不能写进报告的对象",
    "{{ 1e308 * 10 }}": "算不出的数",
    "{% macro m() %}{% endmacro %}{{ m }}": "宏本身",
    "{% for v in [cases.visits] %}{{ v }}{% endfor %}": "一条记录（含 received）",
    "{{ year }}{{ cases.visits }}": "一条记录（含 received）",
}


@pytest.mark.parametrize("prose, says", NOT_VALUES.items(), ids=list(NOT_VALUES))
def test_only_text_and_figures_reach_the_report(tmp_path, prose, says):
    finding = _only_finding(tmp_path, prose)
    # Named and pointed at: the last {{ … }} of each case is the one that prints it.
    expression = re.findall(r"\{\{ (.*?) \}\}", prose)[-1]
    assert says in finding.message and finding.message.startswith(f"文字无法生成：{{{{ {expression} }}}} 里写出的是")
    assert (finding.location.line, finding.location.column) == (PROSE_LINE, len("    ") + prose.rindex("{{") + 1)
    assert "TemplateReference" not in finding.message and "None" not in finding.message.replace("（None", "")


@pytest.mark.parametrize(
    "prose, says",
    [
        ("{{ cases.visits.received > 3 }}", "不能比较大小"),
        ("{{ 'a' + 1 }}", "连接文字请用 ~"),
        ("{% for x in year %}{% endfor %}", "不能用 for"),
        ("{{ year() }}", "不能加括号调用"),
        ("{{ ''.__class__ }}", "不存在"),
    ],
)
def test_python_errors_in_prose_are_said_in_chinese(tmp_path, prose, says):
    message = _only_finding(tmp_path, prose).message
    assert says in message
    said = re.sub(r"“[^”]*”", "", message).replace("derived", "")  # the names the prose wrote are its own
    assert not re.search(r"[A-Za-z]{4,}", said)


def test_a_record_named_through_the_fast_path_is_refused_too(tmp_path):
    # {{ a.b }} with no filters is filled in without Jinja; it must refuse what Jinja refuses.
    assert "一条记录" in _only_finding(tmp_path, "{{ cases.mediation }}").message


def test_figures_and_records_that_read_as_a_figure_still_print(tmp_path):
    report = render_prose(_org(tmp_path, "{{ cases.visits.received }}、{{ year + 1 }}、{{ 2**10 }}、{{ 'ab' * 3 }}。"))
    assert report.opening[0].startswith("第一行。\n55件、2022、1024、ababab。")
    assert printable("文字") and printable(3) and not printable(True) and not printable(None) and not printable([1])


def test_one_budget_serves_an_organisation_and_is_spent_by_each_render():
    with render_budget() as budget:
        compile_prose("{% for i in range(1000) %}{% endfor %}").render()
        compile_prose("{% for i in range(1000) %}{% endfor %}").render()
    assert budget.steps_left <= 1_000_000 - 2000


def test_the_clock_stops_a_render_that_would_stay_within_the_step_limit():
    with render_budget(seconds=0.0, steps=10**9), pytest.raises(RenderLimit, match="用时超出上限"):
        compile_prose("{% for i in range(99999) %}{% endfor %}").render()


def _style_with(tmp_path, extra: str, file: str = "report.xml.j2"):
    style = tmp_path / "style"
    shutil.copytree(TEMPLATES / "furong", style)
    if file == "report.xml.j2":  # the style's own main template, overriding the shared one
        shared = (TEMPLATES / "_base" / file).read_text(encoding="utf-8")
        template = shared.replace("<document>\n", "<document>\n" + extra + "\n", 1)
        (style / file).write_text(template, encoding="utf-8")
    else:
        shutil.copy(TEMPLATES / "_base" / file, style / file)
        (style / file).write_text(extra + "\n" + (style / file).read_text(encoding="utf-8"), encoding="utf-8")
    return resolve_style(str(style))


@pytest.mark.parametrize(
    "extra, says",
    [
        ("{% macro r(x) %}{{ r(x) }}{% endmacro %}{{ r(1) }}", "递归没有结束"),
        ("{{ 9**(9**9) }}", "算出的数太大"),
        ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}", "次数超出上限"),
        ("{{ org }}", "一条记录"),
        ("{{ 1e308 ** 3 }}", "计算出错"),
        ("{{ year / 0 }}", "除以了 0"),
        ("{{ ''.__class__.__mro__ }}", "不存在"),
    ],
)
def test_a_runaway_in_a_style_template_is_refused_at_its_line(tmp_path, extra, says):
    style = _style_with(tmp_path, extra)
    data = load_org(write_org(tmp_path / "data", MINIMAL_ORG))
    with pytest.raises(FulianError) as caught:
        render_document(data, style)
    (finding,) = caught.value.findings
    assert says in finding.message
    assert finding.location.path.endswith("report.xml.j2") and finding.location.line > 1


def test_recursion_in_a_macro_file_is_located_in_that_file(tmp_path):
    style = _style_with(tmp_path, "{% macro r() %}{{ r() }}{% endmacro %}{% set loops = r() %}", file="macros.xml.j2")
    data = load_org(write_org(tmp_path / "data", MINIMAL_ORG))
    with pytest.raises(FulianError) as caught:
        render_document(data, style)
    (finding,) = caught.value.findings
    assert "递归没有结束" in finding.message and finding.location.path.endswith("macros.xml.j2")
    assert finding.location.line == 1

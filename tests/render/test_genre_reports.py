"""The render stage on fictional reports of other periods and offices: titles and part headings
from style.yaml, items run into one paragraph, parts that are not there."""

from __future__ import annotations

import shutil

import pytest

from fulian_report.doctree import Heading, Paragraph
from fulian_report.errors import FulianError
from fulian_report.model.dataset import load_org
from fulian_report.render.environment import sentence
from fulian_report.render.report import render_document
from fulian_report.render.style import resolve_style
from fulian_report.writers.text import to_text
from tests.conftest import DATA, GENRE, TEMPLATES

TOWNSHIP = GENRE / "styles" / "township"


def _document(org: str, style: str):
    return render_document(load_org(GENRE / "data" / org), resolve_style(style))


def _headings(document) -> list[str]:
    return [block.full_text for block in document.blocks if isinstance(block, Heading)]


@pytest.mark.parametrize(
    ("style", "title", "lines"),
    [
        ("furong", "青山县妇联2022年上半年工作总结及下半年工作计划", ("青山县妇联2022年上半年工作总结及", "下半年工作计划")),
        ("xiangdong", "青山县妇联2022年上半年工作情况和下半年主要工作打算汇报",
         ("青山县妇联2022年上半年工作情况和", "下半年主要工作打算汇报")),
    ],
)
def test_a_half_year_report_is_titled_with_its_period(style, title, lines):
    document = _document("2022/qingshan", style)
    assert document.title.text == title and document.title.lines == lines


def test_the_part_headings_name_the_period():
    assert "下半年工作计划" in _headings(_document("2022/qingshan", "furong"))
    headings = _headings(_document("2022/qingshan", "xiangdong"))
    assert headings[0] == "一、上半年主要工作情况" and "二、下半年主要工作思路和打算" in headings


def test_the_calendar_year_titles_are_unchanged():
    for org, style, title in [
        ("furong", "furong", "芙蓉区妇联2021年度工作总结及2022年工作计划"),
        ("xiangdong", "xiangdong", "湘东区妇联2021年工作情况和2022年主要工作打算汇报"),
    ]:
        document = render_document(load_org(DATA / "2021" / org), resolve_style(style))
        assert document.title.text == title


def test_prose_names_the_period_and_the_one_before():
    text = to_text(_document("2022/qingshan", "furong"))
    assert "2022年上半年，青山县妇联" in text and "上半年共接待来访38件，比2021年下半年的31件有所增加" in text
    assert "下半年，青山县妇联将继续聚焦主责主业。" in text


def test_a_quarter_without_plan_or_date_has_no_plan_part_and_no_date_line():
    document = _document("2022/baisha", "xiangdong")
    assert document.title.text == "白沙街道妇联2022年第三季度工作情况汇报"  # no plan part, none announced
    assert _headings(document) == ["一、第三季度主要工作情况"]
    assert document.signature.date == ""
    assert to_text(document).endswith("走访慰问困难妇女12户。\n白沙街道妇联\n")
    furong = _document("2022/baisha", "furong")
    assert not any("计划" in heading for heading in _headings(furong))
    assert furong.title.text == "白沙街道妇联2022年第三季度工作总结"


def test_a_township_style_is_one_style_yaml_with_items_run_in():
    assert sorted(p.name for p in TOWNSHIP.iterdir()) == ["style.yaml"]
    document = _document("2021/lianhua", str(TOWNSHIP))
    assert document.title.lines == ("莲花镇妇联近五年工作总结", "和未来五年工作谋划")
    assert _headings(document) == ["一、近五年工作回顾", "二、未来五年（2022—2026年）工作谋划"]
    paragraphs = [block.text for block in document.blocks if isinstance(block, Paragraph)]
    assert (
        "（一）思想引领持续加强。五年来，镇妇联把思想引领作为首要任务。一是宣讲进村入户。组建巾帼宣讲队3支，开展宣讲120余场。"
        "二是2018年6月建成“妇女之家”书屋1间，惠及群众2000余人。"
    ) in paragraphs
    assert "一是建好用好村级“妇女之家”12个。二是培育巾帼致富带头人50名以上。" in paragraphs
    assert "（二）维权服务更加有力。一是调解婚姻家庭纠纷86起，比上一个五年（2012—2016年）的54起明显增加。" in paragraphs


def test_run_in_numbers_are_headings_of_their_level():
    document = _document("2021/lianhua", str(TOWNSHIP))
    (plan_items,) = [b for b in document.blocks if isinstance(b, Paragraph) and b.text.startswith("一是建好")]
    assert [(run.text, run.heading_level) for run in plan_items.runs if run.heading_level] == [("一是", 3), ("二是", 3)]


def test_a_run_in_heading_with_no_text_under_it_still_ends_as_a_sentence():
    headings = _headings(_document("2022/qingshan", "xiangdong"))
    assert "（一）巾帼建功有声有色。" in headings


def test_a_heading_keeps_the_punctuation_it_was_written_with(tmp_path):
    data = tmp_path / "data"
    for org in ("2022/qingshan", "2021/qingshan"):
        shutil.copytree(GENRE / "data" / org, data / org)
    narrative = data / "2022" / "qingshan" / "narrative.yaml"
    narrative.write_text(narrative.read_text(encoding="utf-8").replace("巾帼建功有声有色", "巾帼建功有声有色！"), encoding="utf-8")
    document = render_document(load_org(data / "2022" / "qingshan"), resolve_style("xiangdong"))
    assert "（一）巾帼建功有声有色！" in _headings(document)
    document = render_document(load_org(data / "2022" / "qingshan"), resolve_style("furong"))
    assert "一、巾帼建功有声有色！" in _headings(document)


def test_a_setting_with_an_unknown_name_is_named_in_the_style_file(tmp_path):
    style = tmp_path / "broken"
    shutil.copytree(TEMPLATES / "furong", style)
    (style / "style.yaml").write_text("name: 错样式\ntitle:\n  - \"{{ period.wrods }}工作总结\"\n", encoding="utf-8")
    with pytest.raises(FulianError) as caught:
        render_document(load_org(GENRE / "data" / "2022" / "qingshan"), resolve_style(str(style)))
    (finding,) = caught.value.findings
    assert finding.location.path.endswith("style.yaml") and "wrods" in finding.message


def test_a_run_in_heading_written_with_a_colon_keeps_it():
    assert sentence("主要做法：") == "主要做法：" and sentence("开展“最美家庭”") == "开展“最美家庭”。"


@pytest.mark.parametrize("name", ["上半年", "下半年", "第一季度", "第二季度", "第三季度", "第四季度"])
@pytest.mark.parametrize("style", ["furong", "xiangdong"])
def test_every_bundled_style_titles_any_part_of_the_year_by_its_words(tmp_path, name, style):
    folder = tmp_path / "data" / "2022" / "demo"
    shutil.copytree(GENRE / "data" / "2022" / "baisha", folder)
    organisation = folder / "organisation.yaml"
    organisation.write_text(organisation.read_text(encoding="utf-8").replace("period: 第三季度", f"period: {name}"), encoding="utf-8")
    (folder / "activities.yaml").write_text("visits:\n  households: 12户\n", encoding="utf-8")
    (folder / "narrative.yaml").write_text(
        "sections:\n  - title: 关爱帮扶\n    paragraphs:\n      - 走访慰问困难妇女{{ activities.visits.households }}。\n", encoding="utf-8"
    )
    planless = render_document(load_org(folder), resolve_style(style)).title.text
    assert planless == f"白沙街道妇联2022年{name}" + ("工作总结" if style == "furong" else "工作情况汇报")
    (folder / "plan.yaml").write_text("overview:\n  - 继续做好关爱帮扶。\n", encoding="utf-8")
    data = load_org(folder)
    title = render_document(data, resolve_style(style)).title.text
    following = data.period.next
    expected_next = following.name if following.last_year == 2022 else f"2023年{following.name}"
    assert title.startswith(f"白沙街道妇联2022年{name}工作")
    assert expected_next + ("工作计划" if style == "furong" else "主要工作打算汇报") in title


@pytest.mark.parametrize("level", [1, 2, 4])
def test_yi_shi_numbering_works_at_any_level(tmp_path, level):
    style = tmp_path / "yishi"
    style.mkdir()
    (style / "style.yaml").write_text(
        f"name: 一是样式\nnumbering:\n  level{level}: \"{{cn}}是\"\n"
        f"summary:\n  levels: [{level}]\n  run_in_from: 1\n  inline_from: 1\n",
        encoding="utf-8",
    )
    document = render_document(load_org(DATA / "2021" / "xiangdong"), resolve_style(str(style)))
    first = next(block for block in document.blocks if isinstance(block, Paragraph) and block.text.startswith("一是"))
    assert "。二是" in first.text and "。三是" in first.text
    assert {run.heading_level for run in first.runs if run.heading_level} == {level}


def test_a_style_with_a_title_of_its_own_keeps_it_without_a_plan(tmp_path):
    """title_without_plan of _base goes with _base's title: a style that writes its own title
    (as import writes one) keeps it whether or not the report has a plan."""
    style = tmp_path / "own"
    style.mkdir()
    (style / "style.yaml").write_text('name: 自己的样式\ntitle:\n  - "{{ org.name }}{{ period.words }}工作报告"\n', encoding="utf-8")
    document = render_document(load_org(GENRE / "data" / "2022" / "baisha"), resolve_style(str(style)))
    assert document.title.text == "白沙街道妇联2022年第三季度工作报告"


def test_digits_in_the_planless_title_are_refused_as_in_the_title(tmp_path):
    from fulian_report.render.usage import digits_in_templates

    style = tmp_path / "own"
    style.mkdir()
    (style / "style.yaml").write_text('name: 自己的样式\ntitle_without_plan:\n  - "{{ org.name }}2022年工作总结"\n', encoding="utf-8")
    findings = digits_in_templates((style, resolve_style("furong").base))
    assert [(f.location.line, "2022" in f.message) for f in findings] == [(3, True)]

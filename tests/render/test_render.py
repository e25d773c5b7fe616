"""The render stage: prose with figures, styles as folders, the document tree."""

from __future__ import annotations

import shutil

import pytest

from fulian_report.doctree import Heading, Paragraph
from fulian_report.errors import FulianError
from fulian_report.model.dataset import load_org
from fulian_report.render.environment import (
    compile_prose,
    make_environment,
    number,
    sentence,
)
from fulian_report.render.report import render_document, render_prose
from fulian_report.render.style import available_styles, resolve_style
from tests.conftest import DATA, MINIMAL_ORG, TEMPLATES, write_org


def _org(tmp_path, **overrides):
    return load_org(write_org(tmp_path, dict(MINIMAL_ORG, **overrides)))


def test_prose_renders_figures_as_documents_write_them(tmp_path):
    report = render_prose(_org(tmp_path))
    assert report.opening == ("2021年，示例区妇联接待来访55件。",)
    assert report.summary[0].title == "维权服务"
    assert report.summary[0].paragraphs == ("婚调委接待444对，调和134对。",)


def test_an_undefined_name_is_located_at_its_prose_with_a_suggestion(tmp_path):
    narrative = MINIMAL_ORG["narrative.yaml"].replace("cases.mediation.couples_received", "cases.mediation.couples_recieved")
    with pytest.raises(FulianError) as caught:
        render_prose(_org(tmp_path, **{"narrative.yaml": narrative}))
    (finding,) = caught.value.findings
    assert finding.location.path.endswith("narrative.yaml") and finding.location.line == 8
    assert "couples_recieved" in finding.message and "couples_received" in finding.message


@pytest.mark.parametrize("before", [None, "2020"])
def test_a_target_of_a_period_without_data_says_where_that_data_was_looked_for(tmp_path, before):
    if before:  # a folder for 2020 whose data is of another period: not the year before
        first_half = MINIMAL_ORG["organisation.yaml"].replace("report_date: 2022-01-10", "report_date: 2020-07-10") + "period: 上半年\n"
        write_org(tmp_path, dict(MINIMAL_ORG, **{"organisation.yaml": first_half}), year=2020)
    narrative = MINIMAL_ORG["narrative.yaml"].replace("{{ year }}年，", "{{ derived.target_progress.t }}")
    with pytest.raises(FulianError) as caught:
        render_prose(_org(tmp_path, **{"narrative.yaml": narrative}))
    (finding,) = caught.value.findings
    assert finding.message.startswith("“t”不存在：没有找到上一期间（2020年）的数据"), finding.message
    assert str(tmp_path / "2020" / "demo") in finding.message
    assert ("别的期间" if before else "没有这个文件夹") in finding.message


def test_every_broken_prose_is_reported_at_once(tmp_path):
    narrative = MINIMAL_ORG["narrative.yaml"].replace("cases.visits.received", "cases.visit.received").replace(
        "{{ cases.mediation.couples_reconciled }}", "{{ cases.mediation.couples_reconciled "
    )
    with pytest.raises(FulianError) as caught:
        render_prose(_org(tmp_path, **{"narrative.yaml": narrative}))
    assert len(caught.value.findings) == 2


def test_prose_cannot_reach_python_internals(tmp_path):
    narrative = MINIMAL_ORG["narrative.yaml"].replace(
        "{{ year }}年", "{{ cases.__class__.__mro__ }}{{ year }}年"
    )
    with pytest.raises(FulianError):
        render_prose(_org(tmp_path, **{"narrative.yaml": narrative}))
    env = make_environment()
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        env.from_string("{{ x.model_validate({}) }}").render(x=_org(tmp_path).subjects["cases"])


def test_compiled_prose_is_shared_between_reports():
    assert compile_prose("{{ year }}年") is compile_prose("{{ year }}年")


def test_numbering_and_sentence_filters():
    assert number("（{cn}）", 3) == "（三）"
    assert number("{n}．", 12) == "12．"
    assert sentence("家庭创建有成果") == "家庭创建有成果。"
    assert sentence("做实做细维权服务！") == "做实做细维权服务！"


def test_named_styles_are_found():
    assert {"furong", "xiangdong"} <= set(available_styles())
    assert resolve_style("furong").settings.page.lines_per_page == 22


def test_unknown_style_lists_the_available_ones():
    with pytest.raises(FulianError, match="furong"):
        resolve_style("nosuchstyle")


def test_furong_style_layout():
    document = render_document(load_org(DATA / "2021" / "xiangdong"), resolve_style("furong"))
    assert document.title.lines == ("湘东区妇联2021年度工作总结及", "2022年工作计划")
    headings = [b.full_text for b in document.blocks if isinstance(b, Heading)]
    assert headings[0] == "一、家庭创建有成果" and "2022年工作计划" in headings
    assert document.signature.date == "2022年1月20日"


def test_xiangdong_style_layout_with_run_in_headings():
    document = render_document(load_org(DATA / "2021" / "xiangdong"), resolve_style("xiangdong"))
    assert document.title.lines == ("湘东区妇联2021年工作情况和", "2022年主要工作打算汇报")
    first = next(b for b in document.blocks if isinstance(b, Paragraph) and b.runs[0].heading_level)
    assert first.runs[0].text == "（一）家庭创建有成果。" and first.runs[0].heading_level == 2
    assert first.runs[1].text.startswith("荣获全省")


def test_a_third_style_is_a_copied_folder_with_no_code_change(tmp_path):
    third = tmp_path / "district_three"
    shutil.copytree(TEMPLATES / "furong", third)
    (third / "style.yaml").write_text(
        "name: 第三区样式\nnumbering:\n  level1: \"第{cn}部分　\"\n  level3: \"（{n}）\"\nbold_levels: [3]\n"
        "title:\n  - \"{{ org.name }}{{ period.words }}工作总结暨\"\n  - \"{{ next_period.short }}工作要点\"\n",
        encoding="utf-8",
    )
    document = render_document(load_org(DATA / "2021" / "xiangdong"), resolve_style(str(third)))
    assert document.title.text == "湘东区妇联2021年工作总结暨2022年工作要点"
    assert document.title.lines == ("湘东区妇联2021年工作总结暨", "2022年工作要点")
    headings = [b.full_text for b in document.blocks if isinstance(b, Heading)]
    assert headings[0] == "第一部分　家庭创建有成果"
    assert document.settings["bold_levels"] == [3]
    assert document.settings["fonts"]["body"] == "仿宋_GB2312"  # inherited from _base


def test_a_style_template_error_names_the_template(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(TEMPLATES / "furong", broken)
    (broken / "report.xml.j2").write_text("<document><title>{{ org.nam }}</title></document>", encoding="utf-8")
    with pytest.raises(FulianError) as caught:
        render_document(load_org(DATA / "2021" / "xiangdong"), resolve_style(str(broken)))
    assert "nam" in str(caught.value) and "report.xml.j2" in str(caught.value)


def test_markup_in_data_cannot_break_the_document(tmp_path):
    narrative = MINIMAL_ORG["narrative.yaml"].replace("示例区妇联接待来访", "<p>注入</p>&amp;接待来访")
    document = render_document(_org(tmp_path, **{"narrative.yaml": narrative}), resolve_style("furong"))
    assert document.blocks[0].text == "2021年，<p>注入</p>&amp;接待来访55件。"


def test_a_style_setting_error_points_into_the_style_file(tmp_path):
    broken = tmp_path / "typo"
    shutil.copytree(TEMPLATES / "furong", broken)
    (broken / "style.yaml").write_text("name: 错字样式\nnumberring:\n  level1: \"{cn}、\"\n", encoding="utf-8")
    with pytest.raises(FulianError) as caught:
        resolve_style(str(broken))
    (finding,) = caught.value.findings
    assert finding.location.path.endswith("typo/style.yaml") and finding.location.line == 2
    assert "是不是想写“numbering”" in finding.message


def test_a_style_in_the_data_repository_inherits_the_bundled_base(tmp_path, monkeypatch):
    # templates/mystyle/style.yaml beside the data, as a data repository keeps its own style:
    # no copy of templates/_base is needed, the tool's own is inherited.
    (tmp_path / "templates" / "mystyle").mkdir(parents=True)
    shutil.copy(TEMPLATES / "xiangdong" / "style.yaml", tmp_path / "templates" / "mystyle" / "style.yaml")
    folder = write_org(tmp_path / "data", MINIMAL_ORG)
    monkeypatch.chdir(tmp_path)
    assert "mystyle" in available_styles()
    style = resolve_style("mystyle")
    assert style.folder == (tmp_path / "templates" / "mystyle").resolve()
    assert style.base == (TEMPLATES / "_base").resolve()
    document = render_document(load_org(folder), style)
    assert document.title.text == "示例区妇联2021年工作情况汇报"  # the style's own title, without a plan


def test_a_base_in_the_data_repository_is_the_one_its_styles_inherit(tmp_path, monkeypatch):
    shutil.copytree(TEMPLATES / "_base", tmp_path / "templates" / "_base")
    shutil.copytree(TEMPLATES / "furong", tmp_path / "templates" / "mystyle")
    monkeypatch.chdir(tmp_path)
    assert resolve_style("mystyle").base == (tmp_path / "templates" / "_base").resolve()

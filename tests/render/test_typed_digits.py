"""Digits typed into text: every figure of a report comes from typed data."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from fulian_report.api import make_document
from fulian_report.cli import app
from fulian_report.errors import FulianError
from fulian_report.model.dataset import load_org
from fulian_report.render.usage import digits_in_templates, literal_text
from fulian_report.writers.text import to_text
from tests.conftest import DATA, MINIMAL_ORG, ORGS, TEMPLATES, write_org


@pytest.mark.parametrize(
    "prose,kept",
    [("共{{ x }}人", ["共", "人"]), ("{% if a > 3 %}有{% endif %}", ["有"]), ("{# 注：1 #}无", ["无"]),
     ("第一行\n{{ a }}", ["第一行"])],
)
def test_literal_text_blanks_out_jinja_and_keeps_every_offset(prose, kept):
    literal = literal_text(prose)
    assert len(literal) == len(prose) and literal.count("\n") == prose.count("\n") and literal.split() == kept


@pytest.mark.parametrize("org", ORGS)
def test_the_bundled_data_and_styles_type_no_digit_into_text(org):
    make_document(load_org(DATA / "2021" / org))
    assert digits_in_templates(sorted(p for p in TEMPLATES.iterdir() if p.is_dir())) == []


def test_a_name_holding_digits_is_written_in_a_name_field_and_passes(tmp_path):
    files = dict(MINIMAL_ORG)
    files["cases.yaml"] += "hotline:\n  name: 12345热线\n  calls: 86件\n"
    files["narrative.yaml"] = files["narrative.yaml"].replace(
        "。\nsections", "，{{ cases.hotline.name }}受理{{ cases.hotline.calls }}。\nsections"
    )
    folder = write_org(tmp_path, files)
    assert "12345热线受理86件" in to_text(make_document(load_org(folder)))


def test_a_digit_in_a_style_template_text_is_an_error_at_its_line_and_column(tmp_path):
    style = tmp_path / "mystyle"
    shutil.copytree(TEMPLATES / "furong", style)
    template = style / "report.xml.j2"  # the style's own main template, overriding the shared one
    lines = (TEMPLATES / "_base" / "report.xml.j2").read_text(encoding="utf-8").splitlines()
    title = next(i for i, line in enumerate(lines) if "<title>" in line)
    lines[title] = lines[title].replace("<title>", "<title><line>2022年工作计划</line>")
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    column = lines[title].index("2022") + 1
    folder = write_org(tmp_path / "data", MINIMAL_ORG)
    with pytest.raises(FulianError) as refused:
        make_document(load_org(folder), str(style))
    (finding,) = refused.value.findings
    assert (finding.location.line, finding.location.column) == (title + 1, column)
    assert finding.message.startswith("样式模板的文字里直接写了数字“2022”")
    result = CliRunner().invoke(app, ["build", "2021", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"), "--style", str(style)])
    assert result.exit_code == 1 and f"report.xml.j2:{title + 1}:{column}: 错误" in result.output


def test_a_digit_in_the_title_setting_of_style_yaml_is_an_error_there_but_layout_numbers_are_not(tmp_path):
    style = tmp_path / "mystyle"
    style.mkdir()
    (style / "style.yaml").write_text(
        "name: 示例样式\npage:\n  lines_per_page: 22\ntitle:\n  - \"{{ org.name }}2021年度工作总结\"\n", encoding="utf-8")
    folder = write_org(tmp_path / "data", MINIMAL_ORG)
    with pytest.raises(FulianError) as refused:
        make_document(load_org(folder), str(style))
    (finding,) = refused.value.findings
    assert finding.location.path.endswith("style.yaml") and finding.location.line == 5
    assert finding.location.column == len('  - "{{ org.name }}') + 1
    assert "“2021”" in finding.message


def test_a_template_linked_outside_is_never_quoted_by_the_digit_check(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("密码 860321", encoding="utf-8")
    style = tmp_path / "mystyle"
    shutil.copytree(TEMPLATES / "furong", style)
    (style / "leak.xml.j2").symlink_to(secret)
    folder = write_org(tmp_path / "data", MINIMAL_ORG)
    try:
        printed = to_text(make_document(load_org(folder), str(style)))
    except FulianError as refused:
        printed = " ".join(f.message for f in refused.findings)
    assert "860321" not in printed
    # Read directly, the digit check says nothing of the link: the style loader refuses it where it is used.
    assert not digits_in_templates([style])


def test_full_width_braces_in_a_style_template_are_an_error_at_their_place(tmp_path):
    style = tmp_path / "mystyle"
    style.mkdir()
    (style / "report.xml.j2").write_text("<document>\n<title>｛｛ org.name ｝｝</title>\n</document>\n", encoding="utf-8")
    findings = digits_in_templates([style])
    assert [(f.location.line, f.location.column) for f in findings] == [(2, 8), (2, 20)]
    assert "全角的花括号" in findings[0].message


@pytest.mark.parametrize(
    "prose,advice",
    [("帮助400余名妇女", "请把“400余名”写进数据文件"), ("节约6万元左右", "funds.yaml 中一项的 amount: 6万元左右"),
     ("完成率132%。", "完成率: 132%"), ("在2021年，", "报告年度请写 {{ year }}"), ("拨打12345热线", "写进那一项的 name 字段")],
)
def test_the_message_says_how_to_write_the_figure_it_found(tmp_path, prose, advice):
    files = dict(MINIMAL_ORG)
    files["narrative.yaml"] = files["narrative.yaml"].replace("示例区妇联接待来访", f"示例区妇联{prose}接待来访")
    with pytest.raises(FulianError) as refused:
        make_document(load_org(write_org(tmp_path, files)))
    (finding,) = refused.value.findings
    assert finding.location.line == 3 and finding.message.startswith("正文里直接写了数字") and advice in finding.message

"""The data writer: a document tree, its layout and its filed figures → YAML files and a style."""

from __future__ import annotations

import yaml

from fulian_report.doctree import Document, Heading, Paragraph, Run, Signature, Title
from fulian_report.model.dataset import validate_subject
from fulian_report.source.yaml_source import parse_yaml
from fulian_report.readers.figures import recognise_layout
from fulian_report.readers.filing import file_figures
from fulian_report.readers.layout import layout
from fulian_report.writers.data import scalar, write_data


def _tree(signed: bool = True) -> Document:
    return Document(
        title=Title(("示例乡妇联2022年工作总结及2023年工作计划",)),
        blocks=[
            Paragraph((Run("2022年，示例乡妇联开展各项工作。"),)),
            Heading(1, "强化引领", "一、"),
            Paragraph((Run("（一）宣讲有声势。", heading_level=2), Run("开展宣讲26场，覆盖妇女1800余人次。"))),
            Paragraph((Run("（二）帮扶有温度。", heading_level=2), Run("发放慰问金1.9万元，惠及困难妇女38户。"))),
            Heading(1, "2023年工作计划"),
            Paragraph((Run("1．抓宣讲。", heading_level=3), Run("全年开展宣讲100场左右。"))),
        ],
        signature=Signature("示例乡妇联", "2023年1月5日") if signed else None,
    )


def _write(document: Document):
    parts = layout(document)
    units = recognise_layout(parts, 2022, 2023)
    return write_data(
        document, parts, units, file_figures(units), 2022, "示例乡妇联",
        org_signature="示例乡妇联", report_date="2023-01-05", source_name="示例.txt",
    )


def test_files_validate_and_name_their_figures():
    made = _write(_tree())
    assert set(made.files) == {"organisation.yaml", "narrative.yaml", "plan.yaml", "activities.yaml", "funds.yaml"}
    for name, text in made.files.items():
        subject = name.removesuffix(".yaml")
        assert text.startswith(f"# yaml-language-server: $schema=../../../schema/{subject}.schema.json\n")
        source = parse_yaml(text, __import__("pathlib").Path(name))
        model, errors = validate_subject(subject, source, 2022)
        assert model is not None and errors == [], (name, errors)
    narrative = yaml.safe_load(made.files["narrative.yaml"])
    first = narrative["sections"][0]["sections"][0]["paragraphs"][0]
    assert first.startswith("开展宣讲{{ activities.") and "{{ year }}" in narrative["opening"][0]
    assert "  # 发放慰问金1.9万元，惠及困难妇女38户。" in made.files["funds.yaml"]
    assert "{{ plan.targets." in made.files["plan.yaml"] and "target: 100场左右" in made.files["plan.yaml"]


def test_the_style_has_the_reports_layout():
    template = _write(_tree()).style_files["report.xml.j2"]
    assert "<line>{{ org.name }}{{ year }}年工作总结及</line><line>{{ next_year }}年工作计划</line>" in template
    assert "levels=[1, 2], run_in_from=2" in template
    assert '<heading level="1">{{ next_year }}年工作计划</heading>' in template
    assert "m.signature_block()" in template
    assert "m.signature_block()" not in _write(_tree(signed=False)).style_files["report.xml.j2"]


def test_scalars_read_back_as_written():
    for text in ("温暖2021", "12345热线", "“两癌”救助", "《规划》", "a: b", "2021", "yes", "芙蓉区 #1", "－3"):
        assert yaml.safe_load(f"k: {scalar(text)}") == {"k": text}


def test_numbers_are_written_as_the_report_writes_them():
    tree = _tree()
    tree.blocks[-1] = Paragraph((Run("1、抓宣讲。", heading_level=3), Run("全年开展宣讲100场左右。")))
    tree.blocks[1] = Heading(1, "强化引领", "一．")
    style = _write(tree).style_files["style.yaml"]
    assert 'level3: "{n}、"' in style and 'level1: "{cn}．"' in style and 'level2: "（{cn}）"' in style

"""Readers: .txt and .docx → the document tree; bad input refused in Chinese, nothing guessed."""

from __future__ import annotations

import random
import zipfile

import pytest

from fulian_report.doctree import Heading, Paragraph
from fulian_report.errors import FulianError
from fulian_report.readers import read_report
from tests.readers.helpers import REPORTS, docx_from_text

REPORT = """示例县妇联2022年工作总结及2023年工作计划
2022年，示例县妇联团结带领全县妇女建功立业。
一、2022年工作情况
（一）家庭建设有成果。评出“最美家庭”12户。
（二）维权服务有实效。受理来访46件。
二、2023年工作打算
一、抓思想引领。开展宣讲100场左右。
示例县妇联
2023年1月10日
"""


def _check_tree(document) -> None:
    assert document.title.text == "示例县妇联2022年工作总结及2023年工作计划"
    kinds = [type(block).__name__ for block in document.blocks]
    assert kinds == ["Paragraph", "Heading", "Paragraph", "Paragraph", "Heading", "Paragraph"]
    run_in = document.blocks[2]
    assert isinstance(run_in, Paragraph) and run_in.runs[0].text == "（一）家庭建设有成果。" and run_in.runs[0].heading_level == 2
    assert isinstance(document.blocks[1], Heading) and document.blocks[1].number == "一、"
    assert document.signature.organisation == "示例县妇联" and document.signature.date == "2023年1月10日"


def test_txt_in_utf8_and_gbk(tmp_path):
    for encoding in ("utf-8", "gbk"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(REPORT.encode(encoding))
        _check_tree(read_report(path))


def test_docx_with_direct_formatting_or_a_title_style(tmp_path):
    _check_tree(read_report(docx_from_text(REPORT, tmp_path / "direct.docx")))
    _check_tree(read_report(docx_from_text(REPORT, tmp_path / "styled.docx", title_style="Title")))


def test_a_title_broken_over_two_centred_lines(tmp_path):
    lines = REPORT.splitlines()
    text = "\n".join(["示例县妇联2022年工作总结及", "2023年工作计划", *lines[1:]])
    path = docx_from_text(text, tmp_path / "two.docx")
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document(path)
    document.paragraphs[1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.save(path)
    tree = read_report(path)
    assert tree.title.lines == ("示例县妇联2022年工作总结及", "2023年工作计划")


def test_signature_and_date_on_one_line(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(REPORT.replace("示例县妇联\n2023年1月10日", "示例县妇联2023-01-10"), encoding="utf-8")
    signature = read_report(path).signature
    assert (signature.organisation, signature.date) == ("示例县妇联", "2023-01-10")


def test_full_width_digits_read_as_digits(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_text(REPORT.replace("12户", "１２户"), encoding="utf-8")
    assert "12户" in read_report(path).blocks[2].text


@pytest.mark.parametrize("name", ["report.doc", "report.wps", "report.pdf", "scan.png", "scan.JPG"])
def test_formats_that_cannot_be_read_are_named(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0 anything")
    with pytest.raises(FulianError) as caught:
        read_report(path)
    message = caught.value.findings[0].message
    assert "另存为" in message and ".docx" in message


def _message(path) -> str:
    with pytest.raises(FulianError) as caught:
        read_report(path)
    return caught.value.findings[0].message


def test_empty_encrypted_corrupt_and_untitled_files(tmp_path):
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    assert "空的" in _message(empty)
    blank = tmp_path / "blank.txt"
    blank.write_text("\n  \n", encoding="utf-8")
    assert "空的" in _message(blank)
    encrypted = tmp_path / "locked.docx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)  # Word keeps an encrypted .docx in an OLE file
    assert "加密" in _message(encrypted)
    corrupt = tmp_path / "broken.docx"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    assert "损坏" in _message(corrupt)
    no_body = tmp_path / "nobody.docx"
    with zipfile.ZipFile(no_body, "w") as archive:
        archive.writestr("hello.txt", "x")
    assert "损坏" in _message(no_body)
    untitled = tmp_path / "untitled.txt"
    untitled.write_text("今年我们做了很多工作，开展活动12场。\n其他内容。\n", encoding="utf-8")
    assert "找不到标题" in _message(untitled)
    pdf_as_txt = tmp_path / "renamed.txt"
    pdf_as_txt.write_bytes(b"%PDF-1.7 ...")
    assert "PDF" in _message(pdf_as_txt)


def test_the_fictional_reports_have_their_shapes():
    half = read_report(REPORTS / "qingshi-2023H1.txt")
    assert half.title.text == "青石镇妇联2023年上半年工作总结及下半年工作计划"
    assert half.signature is not None
    runs = read_report(REPORTS / "linjiang-2022.txt")
    assert runs.signature is None
    assert all(isinstance(b, (Heading, Paragraph)) for b in runs.blocks)
    assert any("一是" in b.text for b in runs.blocks if isinstance(b, Paragraph))


def test_a_word_table_is_read_in_its_place(tmp_path):
    import docx

    path = docx_from_text(REPORT, tmp_path / "table.docx")
    document = docx.Document(path)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "数量"
    table.cell(1, 0).text, table.cell(1, 1).text = "宣讲", "26场"
    document.paragraphs[3]._p.addnext(table._tbl)
    document.save(path)
    texts = [block.text if isinstance(block, Paragraph) else block.full_text for block in read_report(path).blocks]
    assert "项目\u3000数量" in texts and "宣讲\u300026场" in texts
    assert texts.index("宣讲\u300026场") == texts.index("项目\u3000数量") + 1


@pytest.mark.parametrize("text", ["松林县妇联2024年工作总结\n", "松林县妇联2024年工作总结\n松林县妇联\n2024年7月5日\n"])
def test_a_title_without_a_body_is_refused(tmp_path, text):
    path = tmp_path / "title-only.txt"
    path.write_text(text, encoding="utf-8")
    assert "没有正文" in _message(path)


def test_random_bytes_given_to_import_are_no_readable_report_not_a_yaml_data_file(tmp_path):
    noise = tmp_path / "random.txt"
    noise.write_bytes(bytes(random.Random(7).randrange(256) for _ in range(4096)) + b"\x00")
    message = _message(noise)
    assert "不是能读的文本文件" in message and "另存为" in message
    assert "YAML" not in message and "数据文件" not in message


def test_a_folder_named_like_a_report_is_told_to_be_a_folder(tmp_path):
    folder = tmp_path / "dir.txt"
    folder.mkdir()
    message = _message(folder)
    assert "文件夹" in message and "找不到" not in message


def test_each_part_keeps_its_source_line(tmp_path):
    from fulian_report.readers import read_report_located

    path = tmp_path / "report.txt"
    path.write_text("\n" + REPORT.replace("一、2022年工作情况\n", "一、2022年工作情况\n\n"), encoding="utf-8")
    read = read_report_located(path)
    assert read.title_line == 2
    assert read.block_lines == (3, 4, 6, 7, 8, 9)  # the empty line 5 is no block
    assert read.signature_line == 10
    assert read.where.endswith("report.txt")


@pytest.mark.parametrize("title", ["盘点2021年丨示例县妇联十大亮点工作", "街道妇联工作总结报告", "巾帼建功新时代"])
def test_a_first_line_that_is_no_sentence_is_the_title_whatever_its_words(tmp_path, title):
    path = tmp_path / "report.txt"
    path.write_text(f"{title}\n2021年，全县妇联开展活动12场。\n", encoding="utf-8")
    assert read_report(path).title.text == title


@pytest.mark.parametrize("first", [
    "今年以来，全县妇联开展活动12场。", "一、开展活动", "全县妇联开展活动12场，服务妇女500人，", "附件2", "示妇发〔2023〕5号", "2023年12月20日",
])
def test_a_sentence_or_a_numbered_heading_is_no_title(tmp_path, first):
    path = tmp_path / "report.txt"
    path.write_text(f"{first}\n开展宣讲5场。\n", encoding="utf-8")
    with pytest.raises(FulianError) as error:
        read_report(path)
    (finding,) = error.value.findings
    assert "找不到标题" in finding.message and finding.location.line == 1


@pytest.mark.parametrize("above,signer", [("李明华", "李明华"), ("述职人：李明华", "述职人：李明华"), ("特此报告", ""), ("谢谢大家", "")])
def test_a_person_signs_a_shuzhi_report_and_a_closing_phrase_is_no_signer(tmp_path, above, signer):
    path = tmp_path / "report.txt"
    path.write_text(f"示例县妇联主席2023年度述职报告\n2023年，我认真履职。\n{above}\n2024年1月10日\n", encoding="utf-8")
    document = read_report(path)
    assert document.signature.organisation == signer and document.signature.date == "2024年1月10日"
    assert len(document.blocks) == (1 if signer else 2)

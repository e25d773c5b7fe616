"""Lines of a report → the document tree: title, headings, paragraphs, signature.

What a line is follows from how the genre writes it (GB/T 9704 and habit):
the title first (centred or bold in Word, the first line in a text file);
headings numbered 一、 （一） 1． （1）, on their own line or run into their
paragraph (（一）家庭创建有成果。正文…); an unnumbered short line without
final punctuation is a heading too (2022年工作计划); the signature and date
close the report, on one line or two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..doctree import Document, Heading, Paragraph, Run, Signature, Title
from ..errors import FulianError

# Full-width digits as Chinese input methods type them (202１, ６月): the same digits.
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FULLWIDTH_DIGIT = re.compile("[０-９]")

_CN = "一二三四五六七八九十"
# Heading numbers by kind, with the heading level the bundled styles give each kind.
NUMBER_KINDS = (
    ("cn", re.compile(rf"^([{_CN}]+)[、．.]"), 1),  # 一、 一．
    ("cn_paren", re.compile(rf"^[（(]([{_CN}]+)[）)]"), 2),  # （一）
    ("arabic", re.compile(r"^(\d{1,2})(?:[．、]|\.(?!\d))"), 3),  # 1． 1、 1.
    ("arabic_paren", re.compile(r"^[（(](\d{1,2})[）)]"), 4),  # （1）
)
LEVEL_OF_KIND = {kind: level for kind, _, level in NUMBER_KINDS}
SENTENCE_END = "。！？"
_TITLE_WORDS = ("总结", "计划", "打算", "汇报", "报告", "情况", "谋划", "要点")
# Lines above a title that are no title: 附件2, a document number (芙妇发〔2023〕5号), a date.
_NO_TITLE = re.compile(r"^附件\s*\d*$|〔\d{4}〕\s*\d+\s*号$|^\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?$")
_DATE_LINE = re.compile(r"(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-./](\d{1,2})[-./](\d{1,2}))$")
# A person's name (or 述职人：name) on the line above the date: no punctuation, a few characters.
_PERSON = re.compile(r"(?:述职人|报告人)?[：:]?[\u4e00-\u9fff·]{2,5}")
_NOT_A_NAME = (*_TITLE_WORDS, "特此", "工作", "附件", "此致", "敬礼", "谢谢")
_SIGNER = re.compile(r"(妇联|妇女联合会|委员会|妇工委|妇委会)$")


@dataclass(frozen=True)
class SourceLine:
    """One paragraph of the source as its reader saw it."""

    text: str
    centred: bool = False
    bold: bool = False
    title_style: bool = False


def heading_number(text: str) -> tuple[str, str] | None:
    """(kind, the number as written) when `text` opens with a heading number."""
    for kind, pattern, _ in NUMBER_KINDS:
        match = pattern.match(text)
        if match and len(text) > match.end():
            return kind, match.group(0)
    return None


def split_run_in(body: str) -> tuple[str, str] | None:
    """A run-in heading's words (up to its first full stop) and the text after them."""
    for index, char in enumerate(body):
        if char in SENTENCE_END:
            rest = body[index + 1:]
            return (body[: index + 1], rest) if rest.strip() else None
    return None


@dataclass(frozen=True)
class ReadReport:
    """The document tree and where each of its parts stands in the source: the line of a text
    file, or the paragraph of a Word document (tables' rows counted as paragraphs), from 1."""

    document: Document
    where: str
    title_line: int
    block_lines: tuple[int, ...]  # one for each of document.blocks
    signature_line: int | None
    date_line: int | None = None  # the 落款's date, always the last line of the body


def read_lines(lines: list[SourceLine], where: str) -> Document:
    return read_lines_located(lines, where).document


def read_lines_located(lines: list[SourceLine], where: str) -> ReadReport:
    numbered = [(number, cleaned) for number, line in enumerate(lines, 1) if (cleaned := _cleaned(line)).text]
    if not numbered:
        raise FulianError.single(where, "文件中没有文字，没有可导入的内容")
    numbers = [number for number, _ in numbered]
    cleaned_lines = [line for _, line in numbered]
    title_lines = _title(cleaned_lines, where, numbers[0])
    body = cleaned_lines[len(title_lines):]
    signature, kept = _signature(body)
    if not kept:  # the data needs a paragraph at least: a report of a title alone has nothing to import
        shown = "、".join(f"“{line.text}”" for line in title_lines)
        raise FulianError.single(
            where, f"只有标题{shown}{'和落款' if signature else ''}，没有正文，没有可导入的内容；请检查文件是否完整", line=numbers[0]
        )
    first_body = len(title_lines)
    blocks = [_block(line) for line in kept]
    document = Document(title=Title(tuple(line.text for line in title_lines)), blocks=blocks, signature=signature)
    block_lines = tuple(numbers[first_body:first_body + len(kept)])
    signature_line = numbers[first_body + len(kept)] if signature is not None else None
    date_line = numbers[-1] if signature is not None else None
    return ReadReport(document, where, numbers[0], block_lines, signature_line, date_line)


def _cleaned(line: SourceLine) -> SourceLine:
    """The line without surrounding blanks, its full-width digits as digits; the same line when
    there is nothing to clean (str.translate on every line of a long report took most of its reading)."""
    text = line.text.strip()
    if _FULLWIDTH_DIGIT.search(text):
        text = text.translate(FULLWIDTH_DIGITS)
    return line if text == line.text else SourceLine(text, line.centred, line.bold, line.title_style)


def _looks_like_title(line: SourceLine) -> bool:
    """A first line that is no sentence and no numbered heading: titles need not name the genre
    (盘点2021年|巾帼建功亮点工作), so the words 总结 or 计划 only let a longer line pass."""
    text = line.text
    if text[-1] in SENTENCE_END + "，；：、" or heading_number(text) is not None or _NO_TITLE.search(text):
        return False
    return len(text) <= 40 or (len(text) <= 80 and any(word in text for word in _TITLE_WORDS))


def _title(lines: list[SourceLine], where: str, line_number: int = 0) -> list[SourceLine]:
    first = lines[0]
    if not _looks_like_title(first) and not (first.centred and (first.bold or first.title_style) and len(first.text) <= 80):
        raise FulianError.single(
            where,
            f"找不到标题：第一段“{first.text[:30]}”不像报告的标题（标题应在第一行，如“××区妇联2021年度工作总结及2022年工作计划”）",
            line=line_number,
        )
    title = [first]
    # A Word title broken over two centred lines: …工作总结及 / 2022年工作计划.
    if first.centred:
        for line in lines[1:3]:
            if line.centred and len(line.text) <= 40 and heading_number(line.text) is None and line.text[-1] not in SENTENCE_END:
                title.append(line)
            else:
                break
    return title


def _signature(body: list[SourceLine]) -> tuple[Signature | None, list[SourceLine]]:
    if not body:
        return None, body
    last = body[-1].text.replace(" ", "")
    match = _DATE_LINE.search(last)
    if not match:
        return None, body
    signer = last[: match.start()]
    if signer and len(signer) <= 30 and _SIGNER.search(signer):
        return Signature(signer, match.group(0)), body[:-1]
    above = body[-2].text.replace(" ", "").replace("\u3000", "") if len(body) >= 2 else ""
    if not signer and len(above) <= 30 and _SIGNER.search(above):
        return Signature(above, match.group(0)), body[:-2]
    if not signer and len(body) >= 3 and _PERSON.fullmatch(above) and not any(word in above for word in _NOT_A_NAME):
        return Signature(above, match.group(0)), body[:-2]  # a 述职报告 is signed by its writer: 李明华
    if not signer:
        return Signature("", match.group(0)), body[:-1]
    return None, body


def _block(line: SourceLine):
    text = line.text
    numbered = heading_number(text)
    if numbered:
        kind, number = numbered
        level = LEVEL_OF_KIND[kind]
        body = text[len(number):]
        run_in = split_run_in(body)
        if run_in:
            words, rest = run_in
            return Paragraph(runs=(Run(number + words, heading_level=level), Run(rest)))
        return Heading(level=level, text=body, number=number)
    if len(text) <= 30 and text[-1] not in SENTENCE_END + "，；：、" and "，" not in text:
        return Heading(level=1, text=text, number="")
    return Paragraph(runs=(Run(text),))

"""Filing figures: subjects by the words of the sentence, names from the words next to a figure."""

from __future__ import annotations

import re

from fulian_report.readers.figures import TextUnit, recognise
from fulian_report.readers.filing import file_figures, identifier


def _file(*texts: str, year: int = 2022, in_plan: bool = False):
    units = [TextUnit(i, text, tuple(recognise(text, year, in_plan)), in_plan) for i, text in enumerate(texts)]
    return file_figures(units)


def test_each_subject_by_its_words():
    filing = _file(
        "全年受理妇女维权案件15件。",
        "为困难妇女发放救助金2.4万元，惠及38户。",
        "荣获全省“最美家庭”3户、“书香家庭”1户。",
        "开办家政技能培训班7期，帮助400余名妇女就业。",
        "完成村妇联换届52个。",
        "举办亲子阅读活动8场。",
    )
    subjects = [record.subject for record in filing.records]
    assert subjects == ["cases", "funds", "honors", "honors", "employment", "organisation_building", "activities"]
    fund = filing.of("funds")[0]
    assert fund.fields["direction"] == "发放" and fund.fields["amount"] == "2.4万元"
    honors = filing.of("honors")
    assert [(h.fields["title"], h.fields["level"], h.fields["count"]) for h in honors] == [("最美家庭", "省", "3户"), ("书香家庭", "省", "1户")]


def test_names_are_chinese_words_never_numbered_placeholders():
    filing = _file("举办15场“科学家教进万家”宣讲活动，全区受惠家长近3000人。")
    (record,) = filing.records
    assert record.key == "科学家教进万家"
    assert set(record.fields) == {"宣讲活动", "受惠家长"}
    for name in [record.key, *record.fields]:
        assert not re.search(r"\d", name) and not re.fullmatch(r"f\d*", name)


def test_the_source_sentence_goes_with_its_record_and_each_figure_has_its_expression():
    text = "3月5日，在214会议室召开座谈会，两名村妇联主席发言。"
    filing = _file(text)
    (record,) = filing.records
    assert record.comment == text
    assert record.fields["date"] == "2022年3月5日" and record.fields["name"] == "214会议室"
    expressions = sorted(filing.expressions.values())
    assert any("| month_day" in e for e in expressions) and any("| chinese" in e for e in expressions)


def test_a_plan_sentence_is_a_target():
    filing = _file("开展禁毒宣传活动200场左右。", in_plan=True)
    (record,) = filing.records
    assert record.subject == "plan" and record.fields == {"target": "200场左右"}
    assert filing.expressions[(0, 8)] == "{{ plan.targets.禁毒宣传活动.target }}"


def test_records_of_the_same_name_are_told_apart_without_digits():
    filing = _file("举办“读书会”8场。", "举办“读书会”6场。")
    assert [r.key for r in filing.records] == ["读书会", "读书会乙"]
    assert identifier("第3届ECD项目") == "第届ECD项目"

"""Derived figures: computed from the data, never stored beside it."""

from __future__ import annotations

import shutil

from fulian_report.derive import derive
from fulian_report.doctree import Table
from fulian_report.model.dataset import load_org
from fulian_report.render.report import render_document
from fulian_report.render.style import resolve_style
from tests.conftest import DATA, ROOT, TEMPLATES

EXAMPLE = ROOT / "examples" / "data" / "2021" / "shili"


def test_totals_shares_and_progress_of_the_example():
    derived = derive(load_org(EXAMPLE))
    assert str(derived.funds_raised) == "62000元"
    assert str(derived.funds_paid) == "6万元"
    assert str(derived.funds_over_target["warm_mothers_appeal"]) == "12000元"
    assert derived.honors_by_level["区"] == 1 and derived.honors_by_level["全国"] == 1
    assert str(derived.mediation_success) == "30%"
    assert str(derived.women_shares["two_committees"]) == "59.4%"
    progress = derived.target_progress["anti_drug_sessions"]
    assert progress.met and str(progress.target) == "40场左右" and str(progress.actual) == "46场次"


def test_money_totals_keep_a_more_than_qualifier_and_the_larger_unit():
    derived = derive(load_org(DATA / "2021" / "xiangdong"))
    assert str(derived.funds_raised) == "34.5万余元"
    assert str(derived.funds_paid) == "27万元"


def test_a_style_can_lay_out_derived_figures_as_a_table(tmp_path):
    style = tmp_path / "with_table"
    shutil.copytree(TEMPLATES / "furong", style)
    template = (TEMPLATES / "_base" / "report.xml.j2").read_text(encoding="utf-8")
    table = (
        '<table><row><cell>级别</cell><cell>荣誉（项）</cell></row>'
        "{% for level, n in derived.honors_by_level.items() if n %}<row><cell>{{ level }}</cell><cell>{{ n }}</cell></row>{% endfor %}"
        "</table>\n"
    )
    (style / "report.xml.j2").write_text(template.replace("{{ m.signature_block() }}", table + "{{ m.signature_block() }}"), encoding="utf-8")
    document = render_document(load_org(DATA / "2021" / "xiangdong"), resolve_style(str(style)))
    (found,) = [b for b in document.blocks if isinstance(b, Table)]
    assert found.rows == (("级别", "荣誉（项）"), ("全国", "3"), ("省", "3"), ("市", "7"), ("区", "2"))


def test_a_change_from_nothing_has_no_rate_and_a_tiny_one_is_not_rounded_to_nothing():
    from fulian_report.derive import Change
    from fulian_report.model.quantities import Count, Money

    assert Change(Count.model_validate("0场"), Count.model_validate("5场")).words("比上年") == "比上年增加5场"
    assert Change(Count.model_validate("3000人"), Count.model_validate("3001人")).words("同比") == "同比增加1人（增长不足0.1%）"
    assert Change(Money.model_validate("8000元"), Money.model_validate("6000元")).words() == "减少2000元（下降25.0%）"
    assert Change(Count.model_validate("近100人"), Count.model_validate("100人")).words("较去年") == "与去年基本持平"


def test_every_derived_figure_the_table_can_print_has_a_chinese_name():
    """The 附件 table names a derived row by Derived's metadata: a figure added there without one
    would be left out of the table (a key is never printed)."""
    import dataclasses
    import typing

    from fulian_report.derive import COMPARABLE, Derived

    def holds_figures(hint) -> bool:  # Money | None, dict[str, Share]…
        return hint in COMPARABLE or any(holds_figures(arg) for arg in typing.get_args(hint))

    hints = typing.get_type_hints(Derived)
    comparable = [each for each in dataclasses.fields(Derived) if holds_figures(hints[each.name])]
    assert {each.name for each in comparable} == {"funds_raised", "funds_paid", "funds_over_target", "mediation_success", "women_shares"}
    assert [each.name for each in comparable if not each.metadata.get("words")] == []

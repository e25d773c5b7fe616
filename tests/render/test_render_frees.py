"""A rendered report lets go of its data at once: the contexts a render makes are emptied after it,
so the models of thousands of records are freed as soon as the caller drops them, not at the
collector's next pass, and templates that import macros still work render after render."""

from __future__ import annotations

import gc

from jinja2 import DictLoader

from fulian_report.api import make_document
from fulian_report.model.dataset import load_org
from fulian_report.render.environment import make_environment
from tests.conftest import DATA, MINIMAL_ORG, write_org


def _left_for_the_collector(folder) -> int:
    make_document(load_org(folder))  # once, so that what stays for good (caches) is made
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        make_document(load_org(folder))
        return gc.collect()
    finally:
        if was_enabled:
            gc.enable()


def test_a_report_of_many_records_leaves_nothing_of_them_to_the_collector(tmp_path):
    records = "".join(f"r{index}:\n  name: 虚构活动{index}\n  sessions: {index + 1}场\n" for index in range(500))
    folder = write_org(tmp_path / "data", {**MINIMAL_ORG, "activities.yaml": records}, org="lakeside")
    assert _left_for_the_collector(folder) < 100  # a template's own macros, not 500 records (over 2,000 objects)


def test_the_bundled_reports_leave_nothing_of_their_data_to_the_collector():
    for org in ("furong", "xiangdong"):
        assert _left_for_the_collector(DATA / "2021" / org) < 100


def test_macros_imported_with_and_without_context_work_render_after_render():
    env = make_environment(DictLoader({
        "lib.j2": "{% macro plain() %}P{% endmacro %}{% macro named() %}{{ who }}{% endmacro %}",
        "main.j2": '{% import "lib.j2" as kept %}{% import "lib.j2" as shared with context %}'
                   '{{ kept.plain() }}-{{ shared.named() }}-{% include "part.j2" %}',
        "part.j2": "{{ who }}!",
    }), markup=True)
    template = env.get_template("main.j2")
    for who in ("甲", "乙", "丙"):
        assert template.render(who=who) == f"P-{who}-{who}!"

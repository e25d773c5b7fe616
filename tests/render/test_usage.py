"""A typed figure that no prose uses is a warning at its line."""

from __future__ import annotations

from fulian_report.api import make_document
from fulian_report.errors import Severity
from fulian_report.model.dataset import load_org
from fulian_report.render.usage import names_used, unused_figures
from tests.conftest import MINIMAL_ORG, write_org

CASES_WITH_AN_UNUSED_FIGURE = MINIMAL_ORG["cases.yaml"] + "police:\n  dv_reports: 12起\n"


def _org(tmp_path, **overrides):
    return load_org(write_org(tmp_path, dict(MINIMAL_ORG, **overrides)))


def test_the_bundled_minimal_org_uses_every_figure(tmp_path):
    assert unused_figures(_org(tmp_path)) == []


def test_an_unused_figure_is_a_warning_at_its_line(tmp_path):
    data = _org(tmp_path, **{"cases.yaml": CASES_WITH_AN_UNUSED_FIGURE})
    (finding,) = unused_figures(data)
    assert finding.severity is Severity.WARNING
    assert finding.location.path.endswith("cases.yaml") and finding.location.line == 7
    assert "cases.police.dv_reports" in finding.message and "没有被任何正文用到" in finding.message


def test_building_adds_the_warning_once(tmp_path):
    data = _org(tmp_path, **{"cases.yaml": CASES_WITH_AN_UNUSED_FIGURE})
    make_document(data)
    make_document(data, "xiangdong")
    assert sum("dv_reports" in w.message for w in data.warnings) == 1


def test_names_are_read_through_aliases_loops_and_parts():
    used = names_used(
        [
            "{% set a = activities %}{% set s = a.street %}{{ s.sessions }}{{ cases.mediation.period.start }}",
            "{% for name, fund in funds.items() %}{{ fund.amount }}{% endfor %}",
            "{{ cases.police['dv_reports'] | chinese }}",
            "{{ broken",
        ]
    )
    assert {"activities.street.sessions", "cases.mediation.period.start", "funds", "cases.police.dv_reports"} <= used
    assert "activities" not in used and "a" not in used


def test_a_figure_used_through_a_derived_one_is_used(tmp_path):
    files = {
        "organisation_building.yaml": "committees:\n  two_committees:\n    members: 100名\n    women: 25名\n",
        "narrative.yaml": MINIMAL_ORG["narrative.yaml"] + "      - 女性占{{ derived.women_shares.two_committees }}。\n",
    }
    assert unused_figures(_org(tmp_path, **files)) == []


def test_the_items_of_a_used_total_are_used(tmp_path):
    files = {
        "activities.yaml": "law:\n  spring: 52场\n  autumn: 30场\n  sessions: 82场\n  sums: {sessions: [spring, autumn]}\n",
        "narrative.yaml": MINIMAL_ORG["narrative.yaml"] + "      - 普法{{ activities.law.sessions }}。\n",
    }
    assert unused_figures(_org(tmp_path, **files)) == []


def test_a_figure_spelt_like_a_field_of_its_record_gets_a_did_you_mean(tmp_path):
    files = {
        "activities.yaml": "law:\n  sessions: 3场\n  particpants: 300人\n",
        "narrative.yaml": MINIMAL_ORG["narrative.yaml"] + "      - 普法{{ activities.law.sessions }}。\n",
    }
    (finding,) = unused_figures(_org(tmp_path, **files))
    assert finding.location.line == 3
    assert finding.message == "数字“activities.law.particpants”没有被任何正文用到，报告里不会出现，是不是想写“participants”？"


def test_a_record_none_of_whose_figures_is_used_is_one_warning_at_the_record(tmp_path):
    cases = MINIMAL_ORG["cases.yaml"] + "police:\n  dv_reports: 12起\n  warnings_issued: 3份\n"
    (finding,) = unused_figures(_org(tmp_path, **{"cases.yaml": cases}))
    assert finding.severity is Severity.WARNING
    assert finding.location.path.endswith("cases.yaml") and finding.location.line == 6
    assert finding.message.startswith("记录“cases.police”的 2 个数字（dv_reports、warnings_issued）都没有被任何正文用到")

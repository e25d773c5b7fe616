"""The model stage: subject files validated, every finding located and in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fulian_report.errors import FulianError, Severity
from fulian_report.model.dataset import load_org, validate_subject
from fulian_report.model.quantities import Count, Money
from fulian_report.model.subjects import SUBJECT_MODELS
from fulian_report.source.yaml_source import SourceFile
from tests.conftest import DATA, MINIMAL_ORG, write_org


def _errors(tmp_path, **overrides):
    files = dict(MINIMAL_ORG, **overrides)
    with pytest.raises(FulianError) as caught:
        load_org(write_org(tmp_path, files))
    return caught.value.findings


def test_bundled_data_loads_with_typed_figures():
    data = load_org(DATA / "2021" / "xiangdong")
    funds = data.subjects["funds"]
    assert funds.two_cancers_relief.amount == Money.model_validate("27万元")
    assert funds.charity_projects.amount.yuan == 345000
    assert isinstance(data.subjects["activities"].family_education_talks.participants, Count)
    assert data.year == 2021 and data.next_year == 2022


def test_minimal_org_loads(tmp_path):
    data = load_org(write_org(tmp_path, MINIMAL_ORG))
    assert data.subjects["cases"].mediation.couples_reconciled.value == 134
    assert data.warnings == []


def test_reconciled_couples_cannot_exceed_received(tmp_path):
    findings = _errors(tmp_path, **{"cases.yaml": "mediation:\n  couples_received: 100对\n  couples_reconciled: 134对\n"})
    (finding,) = findings
    # at the field that breaks the rule, not at the record
    assert finding.location.path.endswith("cases.yaml") and (finding.location.line, finding.location.column) == (3, 23)
    assert "调和 134对 多于接待 100对" in finding.message


def test_women_cannot_outnumber_members(tmp_path):
    text = "committees:\n  two_committees:\n    members: 559人\n    women: 600人\n"
    (finding,) = _errors(tmp_path, **{"organisation_building.yaml": text})
    assert finding.location.line == 4 and "女性 600人 多于总人数 559人" in finding.message


def test_unknown_field_gets_a_did_you_mean(tmp_path):
    text = MINIMAL_ORG["organisation.yaml"] + "signatur: 示例区妇联\n"
    (finding,) = _errors(tmp_path, **{"organisation.yaml": text})
    assert finding.location.line == 6
    assert "signatur" in finding.message and "signature" in finding.message


def test_a_badly_written_figure_is_located_at_its_line(tmp_path):
    (finding,) = _errors(tmp_path, **{"cases.yaml": "visits:\n  received: 五十五件\n"})
    assert (finding.location.line, finding.location.column) == (2, 13)  # at the value, not its name
    assert "无法识别" in finding.message


def test_all_problems_are_reported_at_once(tmp_path):
    findings = _errors(
        tmp_path,
        **{
            "cases.yaml": "visits:\n  received: 55\n",
            "funds.yaml": "gift:\n  direction: 捐赠\n  amount: 5000\n",
        },
    )
    messages = " ".join(f.message for f in findings)
    assert len(findings) == 3
    assert "缺少量词" in messages and "缺少单位" in messages and "筹集" in messages


def test_dates_of_the_year_must_lie_in_the_report_year(tmp_path):
    text = "salon:\n  date: 2020-03-05\n  participants: 30人\n"
    (finding,) = _errors(tmp_path, **{"activities.yaml": text})
    assert finding.location.line == 2 and "不在报告年度 2021 年内" in finding.message


def test_honor_level_must_be_a_known_level(tmp_path):
    text = "family:\n  title: 最美家庭\n  level: 国际\n  count: 1户\n"
    (finding,) = _errors(tmp_path, **{"honors.yaml": text})
    assert finding.location.line == 3 and "全国" in finding.message


def test_missing_required_files_are_named(tmp_path):
    folder = write_org(tmp_path, {"cases.yaml": "a:\n  b: 1件\n"})
    with pytest.raises(FulianError) as caught:
        load_org(folder)
    names = sorted(f.location.path.rsplit("/", 1)[-1] for f in caught.value.findings)
    assert names == ["narrative.yaml", "organisation.yaml"]


def test_unknown_file_name_is_a_warning_with_a_suggestion(tmp_path):
    data = load_org(write_org(tmp_path, dict(MINIMAL_ORG, **{"honours.yaml": "a: 1"})))
    (warning,) = data.warnings
    assert warning.severity is Severity.WARNING and "honors.yaml" in warning.message


def test_previous_year_is_loaded_for_comparisons(tmp_path):
    write_org(tmp_path, MINIMAL_ORG, year=2020)
    current = write_org(tmp_path, MINIMAL_ORG, year=2021)
    (current.parent.parent / "2020" / "demo" / "organisation.yaml").write_text(
        MINIMAL_ORG["organisation.yaml"].replace("2022-01-10", "2021-01-10"), encoding="utf-8"
    )
    (current.parent.parent / "2020" / "demo" / "plan.yaml").write_text(
        "targets:\n  mediation:\n    target: 400对\n    measure: cases.mediation.couples_received\n", encoding="utf-8"
    )
    data = load_org(current)
    assert data.previous is not None and data.previous.year == 2020
    from fulian_report.derive import derive

    progress = derive(data).target_progress["mediation"]
    assert progress.met and str(progress.actual) == "444对"


_keys = st.sampled_from(["name", "date", "amount", "direction", "count", "level", "title", "members", "women",
                         "couples_received", "sections", "paragraphs", "mediation", "committees", "x", "期间"])
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=True),
    st.sampled_from(["64名", "73600元", "25.7%", "2021-03-05", "2020-01-01", "近3000人", "筹集", "省", "{{ year }}", ""]),
    st.text(max_size=8),
)
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=4), max_leaves=12)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(subject=st.sampled_from(sorted(SUBJECT_MODELS)), data=_values)
def test_any_structure_gives_a_model_or_located_chinese_findings(subject, data):
    source = SourceFile(path=Path(f"{subject}.yaml"), data=data, positions={(): (1, 1)})
    model, findings = validate_subject(subject, source, 2021)
    assert (model is None) == bool(findings)
    for finding in findings:
        assert finding.location.path == f"{subject}.yaml" and finding.location.line >= 1
        assert finding.message


def test_a_long_lived_process_validates_again_only_what_a_save_changed(tmp_path, monkeypatch):
    """watch and preview keep parses and their validations: an unchanged file keeps its model,
    a saved one is validated again, and so is every file whose dates a new period concerns."""
    from collections import OrderedDict

    from fulian_report.model import dataset
    from fulian_report.source import yaml_source
    from tests.conftest import MINIMAL_ORG, write_org

    monkeypatch.setattr(yaml_source, "_kept", OrderedDict())
    monkeypatch.setattr(dataset, "_validations", OrderedDict())
    folder = write_org(tmp_path, dict(MINIMAL_ORG, **{"activities.yaml": "walk:\n  date: 2021-03-05\n  participants: 20人\n"}))
    first = dataset.load_org(folder)
    (folder / "cases.yaml").write_text(MINIMAL_ORG["cases.yaml"].replace("55件", "56件"), encoding="utf-8")
    second = dataset.load_org(folder)
    assert second.subjects["activities"] is first.subjects["activities"]
    assert second.subjects["cases"] is not first.subjects["cases"]
    assert str(second.subjects["cases"].visits.received) != str(first.subjects["cases"].visits.received)
    organisation = folder / "organisation.yaml"
    organisation.write_text(organisation.read_text(encoding="utf-8") + "period: 下半年\n", encoding="utf-8")
    with pytest.raises(dataset.FulianError) as refused:  # a March date is outside the second half: checked again
        dataset.load_org(folder)
    assert any("activities.yaml" in f.location.path for f in refused.value.findings)

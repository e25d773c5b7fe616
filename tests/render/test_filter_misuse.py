"""Any filter given any value in prose ends in a located message, never a crash."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from fulian_report.errors import FulianError
from fulian_report.model.dataset import load_org
from fulian_report.render.environment import FILTERS
from fulian_report.render.report import render_prose
from tests.conftest import MINIMAL_ORG, write_org

VALUES = ["year", "cases.visits.received", "cases.mediation", "cases", "derived", "org", "'文字'", "none", "[1]", "-1", "previous"]
CALLS = ["", "(1)", "('x')", "(none)"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return load_org(write_org(tmp_path_factory.mktemp("data"), dict(MINIMAL_ORG)))


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_a_filter_given_the_wrong_value_is_a_located_message(data, name):
    for value, call in itertools.product(VALUES, CALLS):
        prose = f"{{{{ {value} | {name}{call} }}}}"
        narrative = data.subjects["narrative"].model_copy(update={"opening": [prose]})
        trial = replace(data, subjects={**data.subjects, "narrative": narrative})
        try:
            render_prose(trial)
        except FulianError as exc:
            for finding in exc.findings:
                assert finding.location.path.endswith("narrative.yaml") and finding.location.line, (prose, finding)
                assert not finding.message.isascii(), (prose, finding)

"""No English word of libyaml's or pydantic's reaches the person: every message is Chinese.

Valid data files are broken the ways a typist breaks them (a character inserted, deleted or
replaced by one a Chinese input method types), and every message the loader and the models
give must hold no ASCII word that is not a name the person wrote or a name of the data model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from fulian_report.errors import FulianError
from fulian_report.model.dataset import validate_subject
from fulian_report.model.subjects import SUBJECT_MODELS
from fulian_report.source.yaml_source import PartialSource, parse_yaml

SAMPLES = {
    "cases": "visits:\n  received: 55件\n  date: 2021-03-05\nmediation:\n  couples_received: 444对\n  couples_reconciled: 134对\n"
    "hotline:\n  name: \"12345热线\"\n  calls: 近300件\n  sums: {calls: [calls]}\n",
    "organisation": "name: 示例区妇联\nfull_name: 示例市示例区妇女联合会\nregion: {province: 示例省, city: 示例市, district: 示例区}\n"
    "report_date: 2022-01-10\nstyle: furong\nmeasure_words: [只, 头]\n",
    "narrative": "opening:\n  - |-\n    {{ year }}年，接待来访{{ cases.visits.received }}。\nsections:\n  - title: 维权服务\n"
    "    paragraphs:\n      - 婚调委接待{{ cases.mediation.couples_received }}。\n",
    "honors": "model:\n  title: 三八红旗手\n  level: 自治区\n  count: 8人\n  year: 2020\n",
    "funds": "relief:\n  direction: 发放\n  amount: 6万元左右\n  recipients: 64名\n",
}
# What a typist slips in: YAML's own marks, their full-width twins, a tab, a line break.
SLIPS = list(":：[]［］{}｛｝\"'“”‘’-—&*!%@`|>?#,，\t\n ") + ["", "  ", "- ", ": "]
ASCII_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]+")
# Words that are names the messages may use: the data model's, the files', the tool's own terms.
MODEL_NAMES = {"yaml", "YAML", "README", "Tab", "true", "false", "hotline", "anti_drug", "sessions", "BOM", "UTF", "GBK"}


def _field_names(model: type[BaseModel], seen: set) -> None:
    if model in seen:
        return
    seen.add(model)
    for name, field in model.model_fields.items():
        MODEL_NAMES.add(name)
        for inner in _models_in(field.annotation):
            _field_names(inner, seen)


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) or () for m in _models_in(arg)]


_seen: set = set()
for _name, _model in SUBJECT_MODELS.items():
    MODEL_NAMES.add(_name)
    _field_names(_model, _seen)
from fulian_report.model.subjects import Activity, Committee, Fund, Honor, Mediation, Target  # noqa: E402

for _model in (Activity, Committee, Fund, Honor, Mediation, Target):
    _field_names(_model, _seen)


def _messages(subject: str, text: str) -> list[str]:
    try:
        source = parse_yaml(text, Path(f"{subject}.yaml"))
    except PartialSource as partial:
        return [f.message for f in partial.findings]
    except FulianError as error:
        return [f.message for f in error.findings]
    _, findings = validate_subject(subject, source, 2021)
    return [f.message for f in source.warnings + findings]


def _english_in(message: str, text: str) -> set[str]:
    written = set(ASCII_WORD.findall(text))
    return {word for word in ASCII_WORD.findall(message) if word not in written and word not in MODEL_NAMES}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    subject=st.sampled_from(sorted(SAMPLES)),
    edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.sampled_from(SLIPS), st.integers(0, 2)), min_size=1, max_size=3),
)
def test_a_broken_file_is_explained_in_chinese(subject, edits):
    text = SAMPLES[subject]
    for where, slip, removed in edits:
        at = int(where * len(text))
        text = text[:at] + slip + text[at + removed :]
    for message in _messages(subject, text):
        assert re.search("[\u4e00-\u9fff]", message), message
        assert not _english_in(message, text), (message, text)


def test_each_known_libyaml_complaint_is_translated():
    broken = [
        "a: @x\n", "a: `x`\n", 'a: "\\q"\n', 'a: "\\xZZ"\n', "a:\n  b: 1\n c: 2\n", "a: 1\n- b\n", "a: {b: 1\nc: 2\n",
        "a: [1]]\n", "a:\n  - x\n  y: 2\n", "%FOO bar\n---\na: 1\n", 'a: "x\n---\n"\n', "a: |x\n  b\n", "a:\n\tb: 1\n",
        "a: &\n", "a: !<x\n", "a: b: c\n", "? a\n? b: c\n  d\n", 'a: "open\n', "a: [1, 2\n", "a: *x\n", "--- a\n--- b\n... c\n",
        "a: - b\n", "a: 1\n b: 2\n", "a: !!binary x\n", "a: !!int x\n", "- a\nb: c\n", "a: 'x''\n",
    ]
    for text in broken:
        for message in _messages("cases", text):
            assert re.search("[\u4e00-\u9fff]", message), (text, message)
            assert not _english_in(message, text), (text, message)


def test_libyamls_own_depth_limit_is_reported_as_ours_and_located():
    from fulian_report.source.yaml_source import MAX_DEPTH

    text = "visits:\n  sums: " + "[" * 2000 + "]" * 2000 + "\n"
    try:
        parse_yaml(text, Path("cases.yaml"))
    except FulianError as error:
        (finding,) = error.findings
    else:
        raise AssertionError("nesting that deep must be refused")
    assert finding.message.startswith(f"层次太深（超过 {MAX_DEPTH} 层）")
    assert finding.location.line == 2 and finding.location.column > 9


@pytest.mark.parametrize(
    "text,where",
    [
        ("sections:\n  - title: 维权服务\n    paragraphs：\n      - 文字\n", (3, 15)),
        ("sections:\n  - title：维权服务\n    paragraphs:\n      - 文字\n", (2, 10)),
        ("name: 示例\nregion：\n  province: 示例省\n", (2, 7)),
        ("visits:\n  received: 55件\nmediation:\n  couples_received：444对\n  couples_reconciled: 134对\n", (4, 19)),
    ],
)
def test_a_full_width_colon_after_a_name_is_named_at_its_own_place(text, where):
    with pytest.raises(FulianError) as refused:
        parse_yaml(text, Path("narrative.yaml"))
    (finding,) = refused.value.findings
    assert (finding.location.line, finding.location.column) == where and "全角冒号“：”" in finding.message

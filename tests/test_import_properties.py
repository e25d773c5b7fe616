"""Import on generated reports of the genre: whatever figures they hold, `build` gives them back."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fulian_report.api import import_report, make_document
from fulian_report.model import quantities as q
from fulian_report.model.dataset import load_org
from fulian_report.writers.text import to_text
from tests.golden import fidelity

UNITS = ("人", "名", "人次", "场", "场次", "户", "对", "件", "期", "个", "家", "份", "册")
NOUNS = ("巾帼宣讲活动", "家庭教育讲座", "技能培训班", "维权咨询", "亲子阅读活动", "走访慰问", "招聘会")
PEOPLE = ("妇女群众", "困难家庭", "留守儿童", "村妇联执委", "家长")
SLOGANS = ("强化思想引领", "深化家庭建设", "维护合法权益", "服务发展大局", "加强自身建设")

counts = st.builds(
    q.Count,
    value=st.integers(min_value=1, max_value=9999),
    unit=st.sampled_from(UNITS),
    qualifier=st.sampled_from([q.Qualifier.EXACT, q.Qualifier.MORE_THAN, q.Qualifier.NEARLY, q.Qualifier.ABOUT]),
)
money = st.builds(q.Money, yuan=st.integers(min_value=100, max_value=10**7))
dates = st.builds(lambda m, d: f"{m}月{d}日", st.integers(1, 12), st.integers(1, 28))


@st.composite
def sentence(draw) -> str:
    kind = draw(st.sampled_from(["count", "two", "money", "date", "share"]))
    noun = draw(st.sampled_from(NOUNS))
    if kind == "count":
        return f"开展{noun}{draw(counts)}。"
    if kind == "two":
        return f"组织{noun}{draw(counts)}，覆盖{draw(st.sampled_from(PEOPLE))}{draw(counts)}。"
    if kind == "money":
        return f"为{draw(st.sampled_from(PEOPLE))}{draw(counts)}发放慰问金{draw(money)}。"
    if kind == "date":
        return f"{draw(dates)}，举办{noun}，{draw(st.sampled_from(PEOPLE))}{draw(counts)}参加。"
    return f"{noun}满意率达到{draw(st.integers(1, 99))}.{draw(st.integers(1, 9))}%。"


@st.composite
def report(draw) -> str:
    year = draw(st.integers(2018, 2030))
    lines = [f"示例镇妇联{year}年工作总结", f"{year}年，示例镇妇联团结带领全镇妇女建功立业。"]
    for index in range(draw(st.integers(1, 3))):
        lines.append(f"{'一二三'[index]}、{draw(st.sampled_from(SLOGANS))}")
        for sub in range(draw(st.integers(1, 3))):
            body = "".join(draw(st.lists(sentence(), min_size=1, max_size=3)))
            lines.append(f"（{'一二三'[sub]}）{draw(st.sampled_from(SLOGANS))}有成效。{body}")
    return "\n".join(lines) + "\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report())
def test_any_report_of_the_genre_comes_back(text):
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "report.txt"
        source.write_text(text, encoding="utf-8")
        result = import_report(source, Path(scratch) / "data")
        built = to_text(make_document(load_org(result.folder, result.year)))
        prose = yaml.safe_load((result.folder / "narrative.yaml").read_text(encoding="utf-8"))
    assert built.strip() == fidelity.normalise_seed(text)
    assert result.digit_runs_in_names == 0
    assert not re.search(r"\d", json.dumps(prose, ensure_ascii=False))

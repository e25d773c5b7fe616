"""Whatever prose or template a person writes, a build ends in time, in Chinese, without a crash.

Hypothesis writes random prose and style templates out of the pieces that
hurt: big powers, huge repetitions, long and nested loops, recursion, filters
with large arguments, attribute access.  Each example is a batch of
organisations built by the command line in a process of its own, under a
time limit: it must exit 0 or 1 (never 3), print no traceback and no English
of Python's or Jinja's, and write every organisation it does not list as failed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fulian_report.model.subjects import SUBJECT_MODELS
from tests.conftest import MINIMAL_ORG, ROOT, TEMPLATES, write_org

# A batch must end well within this on a busy machine: the rendering budget is 5 seconds
# per organisation, and most examples are refused long before it.
BATCH_SECONDS = 90

numbers = st.sampled_from(["0", "1", "3", "40", "99999", "10**9", "9**(9**9)", "2**64", "-5", "1e308"])
names = st.sampled_from(
    ["cases", "cases.visits", "cases.visits.received", "cases.mediation", "cases.nothing", "year", "next_year", "org", "org.name", "self", "none", "true", "loop", "range", "namespace"]
)
filters = st.sampled_from(
    ["center({n})", "indent({n})", "wordwrap({n})", "truncate({n})", "batch({n})", "join", "list", "length", "sum", "first", "string",
     "replace('a', 'bb')", "sentence", "chinese", "wan", "bare", "month_day", "number({n})", "default('x')", "format"]
)


@st.composite
def expressions(draw) -> str:
    kind = draw(st.sampled_from(["power", "repeat", "name", "filter", "range", "attribute"]))
    n, m = draw(numbers), draw(numbers)
    if kind == "power":
        return f"{n} ** {m}"
    if kind == "repeat":
        return draw(st.sampled_from([f"'ab' * {n}", f"[1] * {n}", f"'x' ~ 'y' * {n}"]))
    if kind == "range":
        return f"range({n}) | list | length"
    if kind == "attribute":
        return f"{draw(names)}.{draw(st.sampled_from(['__class__', 'model_fields', 'received', 'title', 'x', 'items']))}"
    if kind == "filter":
        return f"{draw(names)} | {draw(filters).format(n=n)}"
    return draw(names)


@st.composite
def statements(draw, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["print", "print", "loop", "recursion", "doubling", "if", "include"] if depth < 3 else ["print"]))
    if kind == "print":
        return "{{ " + draw(expressions()) + " }}"
    if kind == "loop":
        return f"{{% for i in range({draw(numbers)}) %}}{draw(statements(depth + 1))}{{% endfor %}}"
    if kind == "recursion":
        return draw(st.sampled_from(
            ["{% macro f(x) %}{{ f(x) }}{% endmacro %}{{ f(1) }}", "{% for x in [1] recursive %}{{ loop([x]) }}{% endfor %}",
             "{% macro g(n) %}{{ g(n + 1) ~ g(n + 1) }}{% endmacro %}{{ g(0) }}"]
        ))
    if kind == "doubling":
        return f'{{% set ns = namespace(s="ab") %}}{{% for i in range({draw(numbers)}) %}}{{% set ns.s = ns.s ~ ns.s %}}{{% endfor %}}{{{{ ns.s | length }}}}'
    if kind == "if":
        return f"{{% if {draw(expressions())} %}}是{{% endif %}}"
    return draw(st.sampled_from(["{% include 'x' %}", "{% import 'macros.xml.j2' as m %}", "{% extends 'report.xml.j2' %}"]))


def _organisations(root, proses: list[str], template: str | None) -> list[str]:
    ids = []
    style = None
    if template is not None:
        style = root.parent / "style"
        shutil.copytree(TEMPLATES / "furong", style)
        path = style / "report.xml.j2"  # the style's own main template, overriding the shared one
        path.write_text((TEMPLATES / "_base" / "report.xml.j2").read_text(encoding="utf-8").replace("<document>\n", "<document>\n" + template + "\n", 1), encoding="utf-8")
    for index, prose in enumerate(proses):
        files = dict(MINIMAL_ORG)
        files["organisation.yaml"] = files["organisation.yaml"].replace("示例区妇联", f"示例{index + 1}区妇联", 1)
        if style is not None and index == 0:
            files["organisation.yaml"] = files["organisation.yaml"].replace("style: furong", f"style: {style}")
        files["narrative.yaml"] = files["narrative.yaml"].replace("{{ year }}年，", prose.replace("\n", " ") + "{{ year }}年，", 1)
        write_org(root, files, org=f"org{index}")
        ids.append(f"org{index}")
    return ids


# Words a message may hold: names of Jinja's statements and of the data, quoted as advice.
ALLOWED = {"include", "import", "extends", "range", "derived", "endif", "else", "name", "count", "True", "False", "None", "Word", "WPS", "macro", "endmacro"}
FINDING = re.compile(r"^.+?:\d+(?::\d+)?: (?:错误|警告)：(.*)$|^[^ |].*?: (?:错误|警告)：(.*)$")


def _english_in(stderr: str, written: str) -> list[str]:
    words = []
    for line in stderr.splitlines():
        match = FINDING.match(line)
        if not match:
            continue
        message = match.group(1) or match.group(2)
        message = re.sub(r"“[^”]*”|\{\{.*?\}\}|\{%.*?%\}", "", message)  # the person's own words, and examples
        message = message.split("可用的名称有：")[0]  # the names of the data, offered as they are spelt
        words += [w for w in re.findall(r"[A-Za-z_]{4,}", message) if w not in ALLOWED and w not in written]
    return words


# Each example is a build in a process of its own: about 0.4 s on average on this 2-core machine
# (most prose is refused early; a loop that runs into the budget takes seconds).  50 examples
# took 17 to 21 seconds there: as many as fit in about 20 seconds, where 5 drew too few of the
# pieces above to meet each other.
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], database=None)
@given(proses=st.lists(statements(), min_size=3, max_size=4), template=st.none() | statements())
def test_random_prose_and_templates_end_in_time_in_chinese(tmp_path_factory, proses, template):
    root = tmp_path_factory.mktemp("hostile") / "data"
    ids = _organisations(root, proses, template)
    out = root.parent / "out"
    started = time.monotonic()
    result = subprocess.run(  # noqa: PLW1510 - the exit status is what is checked
        [sys.executable, "-m", "fulian_report", "build", "2021", "--data", str(root), "--out", str(out), "--format", "txt", "-j", "2"],
        capture_output=True, text=True, timeout=BATCH_SECONDS, cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert time.monotonic() - started < BATCH_SECONDS
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "意外错误" not in result.stderr and "内部出错" not in result.stderr
    # Names a message may quote back: the prose's own, the data's, and those every prose may use.
    fields = [name for model in SUBJECT_MODELS.values() for name in model.model_fields]  # a record's fields are listed
    own_words = " ".join([*proses, template or "", *MINIMAL_ORG.values(), *SUBJECT_MODELS, *fields, "next_year derived previous"])
    assert _english_in(result.stderr, own_words) == [], result.stderr[-3000:]
    failed = set(re.findall(r"组织 (org\d+) 生成失败", result.stderr))
    written = len(list((out / "2021").glob("*.txt"))) if (out / "2021").is_dir() else 0
    assert written == len(ids) - len(failed), result.stderr[-3000:]

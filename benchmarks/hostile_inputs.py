"""Benchmark: how long the loader and the renderer take on inputs meant to hurt them, and on real data.

    python benchmarks/hostile_inputs.py [--runs N]

Each input must end in a located message (or values) quickly and without
eating memory; the tests check the messages, this script the time and the
peak memory (tracemalloc).  The second table is the rendering budget: prose
that would run for minutes or take gigabytes, put into one fictional
organisation of benchmarks/synth.py and rendered as a build renders it.
Prints Markdown tables for the README.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.synth import generate  # noqa: E402
from fulian_report.api import make_document  # noqa: E402
from fulian_report.errors import FulianError  # noqa: E402
from fulian_report.model.dataset import load_org  # noqa: E402
from fulian_report.render.environment import render_budget  # noqa: E402
from fulian_report.source.yaml_source import MAX_FILE_BYTES, load_yaml  # noqa: E402


def _alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def _just_under_the_limit() -> str:
    line = "  item_{:06d}: 64名\n"
    count = (MAX_FILE_BYTES - 100) // len(line.format(0).encode("utf-8"))
    return "big:\n" + "".join(line.format(i) for i in range(count))


INPUTS = {
    "真实数据 furong/narrative.yaml": (ROOT / "data/2021/furong/narrative.yaml").read_text(encoding="utf-8"),
    "别名炸弹（9 层，展开后约 3.9 亿项）": _alias_bomb(),
    "嵌套 10 万层的括号": "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "缩进嵌套 500 层": "".join("  " * i + f"k{i}:\n" for i in range(500)) + "  " * 500 + "v\n",
    f"接近上限的大文件（{MAX_FILE_BYTES // 1024} KB）": _just_under_the_limit(),
    "超过上限的文件（3 MB）": "# " + "x" * (3 * 1024 * 1024) + "\n",
}


RENDER_INPUTS = {
    "正常的正文（对照）": "{{ year }}年，",
    "大数的乘方 `{{ 9**(9**9) }}`": "{{ 9**(9**9) }}",
    "超长的数 `{{ 10**5000 }}`": "{{ 10**5000 }}",
    "重复十亿次 `{{ \"a\" * 10**9 }}`": '{{ "a" * 10**9 }}',
    "加宽到十亿字（center(10**9) 过滤器）": '{{ "x" | center(10**9) }}',
    "文字每轮加倍 60 轮": '{% set ns = namespace(s="ab") %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}',
    "两层 `range(99999)` 循环": "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "调用自身的宏": "{% macro f(x) %}{{ f(x) }}{% endmacro %}{{ f(1) }}",
    "每层调用两次自身的宏": "{% macro g(n) %}{{ g(n + 1) ~ g(n + 1) }}{% endmacro %}{{ g(0) }}",
}


def _measure_render(prose: str, runs: int) -> tuple[float, float, str]:
    with tempfile.TemporaryDirectory() as root:
        (folder,) = generate(Path(root), 1)
        narrative = folder / "narrative.yaml"
        text = narrative.read_text(encoding="utf-8")
        narrative.write_text(text.replace("opening:\n  - |-\n    ", "opening:\n  - |-\n    " + prose, 1), encoding="utf-8")

        def render() -> str:
            try:
                with render_budget():
                    make_document(load_org(folder))
                return "生成"
            except FulianError as exc:
                return exc.findings[0].message.removeprefix("文字无法生成：")[:22] + "…"

        times, outcome = [], ""
        for _ in range(runs):
            started = time.perf_counter()
            outcome = render()
            times.append(time.perf_counter() - started)
        tracemalloc.start()
        render()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return statistics.median(times), peak / 1024 / 1024, outcome


def _measure(text: str, runs: int) -> tuple[float, float, str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.yaml"
        path.write_text(text, encoding="utf-8")
        times, outcome = [], ""
        for _ in range(runs):
            started = time.perf_counter()
            try:
                load_yaml(path)
                outcome = "读入"
            except FulianError as exc:
                outcome = exc.findings[0].message[:24] + "…"
            times.append(time.perf_counter() - started)
        tracemalloc.start()
        try:
            load_yaml(path)
        except FulianError:
            pass
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return statistics.median(times), peak / 1024 / 1024, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    print(f"机器：{platform.machine()}，{os.cpu_count()} 核，Python {platform.python_version()}；每项取 {options.runs} 次的中位数。\n")
    print("| 输入 | 用时 | 内存峰值 | 结果 |")
    print("|---|---|---|---|")
    for name, text in INPUTS.items():
        seconds, megabytes, outcome = _measure(text, options.runs)
        print(f"| {name} | {seconds * 1000:.1f} ms | {megabytes:.1f} MB | {outcome} |")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "fulian_report", "validate", "data"], cwd=ROOT, check=True, capture_output=True)
    print(f"| `fulian-report validate data`（两个组织，含启动） | {(time.perf_counter() - started) * 1000:.0f} ms | | 通过 |")
    print("\n| 正文（放进一个合成组织，读入并生成整份报告） | 用时 | 内存峰值 | 结果 |")
    print("|---|---|---|---|")
    for name, prose in RENDER_INPUTS.items():
        seconds, megabytes, outcome = _measure_render(prose, options.runs)
        print(f"| {name} | {seconds * 1000:.0f} ms | {megabytes:.1f} MB | {outcome} |")


if __name__ == "__main__":
    main()

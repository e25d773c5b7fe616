"""Benchmark: how long a build takes, from the command line and in-process.

    python benchmarks/bench.py [--runs N]

Prints a Markdown table; the figures in the README come from it.  Wall
times, so run it on an otherwise idle machine.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _command_seconds(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _stage_seconds(runs: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "src"))
    os.chdir(ROOT)
    from fulian_report.api import make_document
    from fulian_report.model.dataset import load_org
    from fulian_report.render.style import resolve_style
    from fulian_report.writers.docx import docx_bytes

    stages: dict[str, list[float]] = {"load + validate": [], "render": [], "write .docx": []}
    for _ in range(runs):
        for org in ("furong", "xiangdong"):
            started = time.perf_counter()
            data = load_org(ROOT / "data" / "2021" / org)
            loaded = time.perf_counter()
            document = make_document(data, resolve_style(data.organisation.style))
            rendered = time.perf_counter()
            docx_bytes(document)
            written = time.perf_counter()
            stages["load + validate"].append(loaded - started)
            stages["render"].append(rendered - loaded)
            stages["write .docx"].append(written - rendered)
    return {name: statistics.median(values) for name, values in stages.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    exe = [sys.executable, "-m", "fulian_report"]
    with tempfile.TemporaryDirectory() as out:
        build = _command_seconds(exe + ["build", "2021", "--out", out], options.runs)
    help_time = _command_seconds(exe + ["--help"], options.runs)
    stages = _stage_seconds(options.runs * 4)
    print(f"机器：{platform.machine()}，{os.cpu_count()} 核，Python {platform.python_version()}；每项取 {options.runs} 次的中位数。\n")
    print("| 项目 | 用时 |")
    print("|---|---|")
    print(f"| `fulian-report build 2021`（两份报告，含启动） | {build * 1000:.0f} ms |")
    print(f"| `fulian-report --help` | {help_time * 1000:.0f} ms |")
    for name, seconds in stages.items():
        print(f"| 每份报告：{name} | {seconds * 1000:.1f} ms |")


if __name__ == "__main__":
    main()

"""Benchmark: what PDF export adds to a build (LibreOffice's conversion dominates).

    python benchmarks/bench_pdf.py [--runs N]

Prints a Markdown table; the PDF figures in the README come from it.  Wall
times, so run it on an otherwise idle machine.  Needs LibreOffice.
"""

from __future__ import annotations

import argparse
import os
import shutil
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
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            subprocess.run([*args, "--out", out], cwd=ROOT, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def _conversion_seconds(runs: int) -> dict[str, float]:
    """In one process, as a build does it: the first conversion starts LibreOffice's profile."""
    sys.path.insert(0, str(ROOT / "src"))
    os.chdir(ROOT)
    from fulian_report.api import make_document
    from fulian_report.model.dataset import load_org
    from fulian_report.writers.docx import docx_bytes
    from fulian_report.writers.pdf import docx_to_pdf

    content = docx_bytes(make_document(load_org(ROOT / "data" / "2021" / "furong")))
    started = time.perf_counter()
    docx_to_pdf(content)
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        docx_to_pdf(content)
        times.append(time.perf_counter() - started)
    return {"first": first, "later": statistics.median(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    command = shutil.which("fulian-report") or "fulian-report"
    docx = _command_seconds([command, "build", "2021"], runs)
    with_pdf = _command_seconds([command, "build", "2021", "--pdf"], runs)
    conversion = _conversion_seconds(runs)
    print(f"median of {runs} runs, {os.cpu_count()} cores\n")
    print("| 项目 | 用时 |\n|---|---|")
    print(f"| `fulian-report build 2021`（只生成 .docx） | {docx * 1000:.0f} ms |")
    print(f"| `fulian-report build 2021 --pdf`（另生成两份 PDF） | {with_pdf * 1000:.0f} ms |")
    print(f"| 芙蓉区报告（21 页）转 PDF，进程中第一次 | {conversion['first'] * 1000:.0f} ms |")
    print(f"| 芙蓉区报告转 PDF，之后每次 | {conversion['later'] * 1000:.0f} ms |")


if __name__ == "__main__":
    main()

"""Benchmark: writing the .docx of one report, in-process, once the style is warm.

    python benchmarks/bench_docx.py [--runs 50] [--profile]

Builds the document tree of each bundled 2021 report once, writes its .docx once
to warm the per-style caches, then prints the median of `--runs` timed writes
(`docx_bytes`).  Each write gets a title of its own, as each report of a batch has:
the same document twice would find its compressed parts in the cache.
`--profile` prints the cProfile of the furong writes instead.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50, help="每份报告写几次，取中位数")
    parser.add_argument("--profile", action="store_true", help="输出芙蓉区报告写 .docx 的 cProfile 统计")
    options = parser.parse_args()
    os.chdir(ROOT)
    from fulian_report.api import make_document
    from fulian_report.doctree import Title
    from fulian_report.model.dataset import load_org
    from fulian_report.writers.docx import docx_bytes

    documents = {org: make_document(load_org(ROOT / "data" / "2021" / org)) for org in ("furong", "xiangdong")}
    for document in documents.values():
        docx_bytes(document)

    def numbered(document, number: int):
        return dataclasses.replace(document, title=Title(document.title.lines + (f"（{number}）",)))

    if options.profile:
        profile = cProfile.Profile()
        profile.enable()
        for number in range(options.runs):
            docx_bytes(numbered(documents["furong"], number))
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        return
    for org, document in documents.items():
        times = []
        for number in range(options.runs):
            copy = numbered(document, number)
            started = time.perf_counter()
            docx_bytes(copy)
            times.append(time.perf_counter() - started)
        print(f"{org}: 写 .docx {statistics.median(times) * 1000:.2f} ms（{options.runs} 次的中位数）")


if __name__ == "__main__":
    main()

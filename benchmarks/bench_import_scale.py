"""Benchmark: where `import` spends its time on a long report, stage by stage, in one process.

    python benchmarks/bench_import_scale.py [--paragraphs N] [--chars N] [--profile]

A fictional report is made of N paragraphs (numbered sections of a few sentences with
figures) or of about N characters, imported from .txt; each stage's time is printed:
reading, layout, recognising figures, filing them, writing the data, choosing the style
(one build per bundled style), and the peak memory.  The goals: ≤ 1 s for 30,000
characters, ≤ 20 s for 100,000 paragraphs.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from fulian_report import importing  # noqa: E402
from fulian_report.errors import FulianError  # noqa: E402

_CN = "一二三四五六七八九十"
# Each paragraph names its own activity (甲乙丙… spell its index), as a real report's differ.
_SENTENCES = (
    "开展“{name}”宣讲活动{n}场，覆盖妇女{m}人次。",
    "评选“{name}”最美家庭{n}户，推荐上级表彰{k}户。",
    "“{name}”调解室接待妇女来访{n}件，调解婚姻家庭纠纷{k}件。",
    "举办“{name}”技能培训班{n}期，培训妇女{m}名。",
    "组织“{name}”志愿服务队走访困难家庭，送去关爱和温暖。",
)
_STEMS = "甲乙丙丁戊己庚辛壬癸"


def make_report(paragraphs: int) -> str:
    """A fictional county report: sections 一、… each holding numbered items of prose."""
    lines = ["示例县妇联2023年工作总结", "2023年，示例县妇联团结带领全县妇女建功立业，各项工作取得新成效。"]
    section = 0
    for index in range(paragraphs):
        if index % 20 == 0:
            section += 1
            lines.append(f"{_CN[(section - 1) % 9]}、第{section}项工作")
        n = index % 90 + 10
        name = "".join(_STEMS[int(digit)] for digit in str(index))
        lines.append(_SENTENCES[index % len(_SENTENCES)].format(name=name, n=n, m=n * 37, k=n % 9 + 1))
    return "\n".join(lines) + "\n"


class Stages:
    """Wraps importing's steps to time each."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def wrap(self, module, name: str, label: str) -> None:
        original = getattr(module, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.times[label] = self.times.get(label, 0.0) + time.perf_counter() - started

        setattr(module, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paragraphs", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=0, help="instead of --paragraphs: about this many characters")
    parser.add_argument("--profile", action="store_true", help="print the functions that take the most time")
    options = parser.parse_args()
    paragraphs = options.paragraphs
    if options.chars:
        paragraphs = max(1, options.chars // 30)
    text = make_report(paragraphs)
    stages = Stages()
    for name, label in (
        ("read_report_located", "read"), ("layout", "layout"), ("recognise_layout", "recognise"),
        ("file_figures", "file"), ("write_data", "write"), ("_choose_style", "choose style"),
    ):
        stages.wrap(importing, name, label)
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "report.txt"
        source.write_text(text, encoding="utf-8")
        profile = cProfile.Profile() if options.profile else None
        started = time.perf_counter()
        if profile:
            profile.enable()
        outcome = "imported"
        try:
            importing.import_file(source, Path(scratch) / "data")
        except FulianError as exc:  # refused (a data file build could not read): still timed
            outcome = f"refused: {exc.findings[0].message[:60]}…"
        if profile:
            profile.disable()
        total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{paragraphs} paragraphs, {len(text)} characters, {outcome}: {total:.2f} s in all, peak memory {peak:.0f} MB")
    for label, seconds in stages.times.items():
        print(f"  {label:<13} {seconds:7.2f} s")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()

"""Benchmark: `fulian-report import` and the rebuild it names, per report, start-up included.

    python benchmarks/bench_import.py [--runs N]
    python benchmarks/bench_import.py --paragraphs 1000,10000,100000

For each seed and fictional report, from its .txt and from a .docx made of it:
the wall time of `fulian-report import FILE --format json` as a new process,
then of the `build` it names (txt).  The goal is ≤ 3 s for each.

With --paragraphs: a report of that many summary paragraphs (the fictional
reports' own, their figures varied), imported as a new process, and the time
of recognising and filing its figures alone (in this process), with the peak
memory of each.  The goal: time linear in the length, ≤ 20 s for 100,000.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.readers.helpers import REPORTS, docx_from_text  # noqa: E402

SOURCES = [ROOT / "tests" / "golden" / "seeds" / "furong-2021.txt", ROOT / "tests" / "golden" / "seeds" / "xiangdong-2021.txt"]
SOURCES += sorted(REPORTS.glob("*.txt"))


def _run(args: list[str]) -> tuple[float, float, str]:
    """Wall time and CPU time (user + system) of one command as a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "fulian_report", *args], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, done.stdout


def _long_report(paragraphs: int) -> str:
    """A report of `paragraphs` summary paragraphs taken in turn from the fictional reports, each
    with its counts changed by its position, so that no two neighbours are the same text."""
    import re

    body = []
    for source in sorted(REPORTS.glob("*.txt")):
        lines = source.read_text(encoding="utf-8").splitlines()
        body += [line for line in lines[2:] if re.search(r"\d+[场人名户个件次期]", line) and len(line) > 30]
    vary = lambda text, n: re.sub(r"(?<![\d年月])(\d{1,3})(?=[场人名户个件次期])", lambda m: str(int(m.group(1)) + n % 89), text)  # noqa: E731
    lines = ["松林区妇联2023年工作总结", "一、2023年工作总结"]
    lines += [vary(body[i % len(body)], i) for i in range(paragraphs)]
    return "\n".join(lines + ["松林区妇联", "2024年1月15日"]) + "\n"


def report_of_characters(characters: int) -> str:
    """A report of at least `characters` characters, of the fictional reports' paragraphs."""
    paragraphs = max(1, characters // 100)  # the paragraphs are 40–100 characters long
    while len(text := _long_report(paragraphs)) < characters:
        paragraphs += max(1, (characters - len(text)) // 100)
    return text


_TOPICS = ("思想引领", "家庭建设", "维权服务", "巾帼建功", "组织建设")
_SHORT = ("开展“巾帼宣讲”活动{}场。", "走访困难妇女{}户。", "举办家政培训班{}期。", "接待妇女来访{}件。", "组织志愿服务{}次。")


def report_of_short_paragraphs(paragraphs: int) -> str:
    """A report of `paragraphs` paragraphs of one sentence and one figure each, under a numbered
    heading every 50: 100,000 of them are about 2.9 MB, within what the text reader takes (4 MB)."""
    lines = ["松林区妇联2023年工作总结", "2023年，松林区妇联团结带领全区妇女建功立业，各项工作取得新成效。"]
    for index in range(paragraphs):
        if index % 50 == 0:
            lines.append(f"{'一二三四五六七八九'[index // 50 % 9]}、{_TOPICS[index // 50 % len(_TOPICS)]}")
        lines.append(_SHORT[index % len(_SHORT)].format(index % 90 + 10))
    return "\n".join(lines + ["松林区妇联", "2024年1月15日"]) + "\n"


def _stages(text: str) -> tuple[float, int]:
    """Seconds to recognise and file the figures of `text`'s paragraphs, and the peak memory (MiB)
    that takes (a second run under tracemalloc, which slows it several times)."""
    import tracemalloc

    from fulian_report.readers.figures import TextUnit, recognise
    from fulian_report.readers.filing import file_figures

    def both() -> None:
        units = [TextUnit(i, line, tuple(recognise(line, 2023)), False) for i, line in enumerate(text.splitlines())]
        file_figures(units)

    started = time.perf_counter()
    both()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    both()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak // 2**20


def scale(counts: list[int]) -> None:
    print("| paragraphs | characters | import wall (s) | import CPU (s) | recognise + file (s) | their peak memory (MiB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        for count in counts:
            text = _long_report(count)
            source = Path(scratch) / f"long-{count}.txt"
            source.write_text(text, encoding="utf-8")
            try:
                wall, cpu, _ = _run(["import", str(source), "--data", str(Path(scratch) / f"data-{count}"), "--format", "json"])
                whole = f"{wall:.2f} | {cpu:.2f}"
            except SystemExit:  # narrative.yaml over the 2 MB a data file may have: refused, as it should be
                whole = "refused | refused"
            stages, peak = _stages(text)
            print(f"| {count} | {len(text)} | {whole} | {stages:.2f} | {peak} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--paragraphs", help="comma-separated paragraph counts: measure scale instead")
    arguments = parser.parse_args()
    if arguments.paragraphs:
        scale([int(n) for n in arguments.paragraphs.split(",")])
        return
    runs = arguments.runs
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; CPU time is what the machine's other work does not inflate")
    print("| report | input | import wall (s) | import CPU (s) | build wall (s) | build CPU (s) |")
    print("|---|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for source in SOURCES:
            docx = docx_from_text(source.read_text(encoding="utf-8"), scratch / f"{source.stem}.docx")
            for path in (source, docx):
                imports, builds = [], []
                for index in range(runs):
                    data = scratch / f"{path.name}-{index}"
                    wall, cpu, out = _run(["import", str(path), "--data", str(data), "--format", "json"])
                    imports.append((wall, cpu))
                    build = json.loads(out)["build"]
                    wall, cpu, _ = _run([*build, "--out", str(scratch / f"out-{path.name}-{index}"), "--format", "txt"])
                    builds.append((wall, cpu))
                cells = [statistics.median(t[i] for t in times) for times in (imports, builds) for i in (0, 1)]
                print(f"| {source.stem} | {path.suffix} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")


if __name__ == "__main__":
    main()

"""Benchmark: how long builds take, beside pandoc, at scale, and how long start-up takes.

    python benchmarks/bench.py [--runs N] [--sizes 10,100,1000]

Prints Markdown tables; the figures in the README come from it.  Wall times,
so run it on an otherwise idle machine.  Measures:

1. `fulian-report build 2021` on the bundled data, beside pandoc converting
   the same two report texts from Markdown to .docx (skipped without pandoc);
2. building 10, 100 and 1,000 synthetic organisations (benchmarks/synth.py)
   with the default --jobs: time per report and peak memory of all processes;
3. `fulian-report --help`;
4. `validate` of one organisation with 10,000 activity records;
5. per report, in-process: load + validate, render, write .docx.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.synth import generate  # noqa: E402

CLI = [sys.executable, "-m", "fulian_report"]


def _seconds(args: list[str], runs: int = 1, **kwargs) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True, **kwargs)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class PeakMemory:
    """Peak of the summed memory (Pss) of a process and all its descendants, sampled."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, sum(_rss(pid) for pid in _tree(self.pid)))
            self._done.wait(self.interval)


def _tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    ppid = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(parents.get(pid, []))
    return found


def _rss(pid: int) -> int:
    """The process's proportional share of memory (Pss): pages shared with the forked workers
    count once in the sum, not once per process as in the resident size; VmRSS where Pss is unknown."""
    for name, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(name, encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith(key):
                        return int(line.split()[1]) * 1024
        except OSError:
            continue
    return 0


def _timed_with_memory(args: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    memory = PeakMemory(process.pid) if Path("/proc").is_dir() else None
    _, err = process.communicate()
    elapsed = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(err.decode("utf-8", "replace"))
    return elapsed, memory.stop() if memory else 0


def beside_pandoc(work: Path, runs: int) -> tuple[float, float | None]:
    """(our build, pandoc on the same two texts), medians of `runs` alternating runs."""
    texts = work / "texts"
    subprocess.run(CLI + ["build", "2021", "--out", str(texts), "--format", "txt"], cwd=ROOT, check=True, capture_output=True)
    markdown = []
    for index, text in enumerate(sorted((texts / "2021").glob("*.txt"))):
        lines = text.read_text(encoding="utf-8").splitlines()
        target = work / f"report{index}.md"
        target.write_text("# " + lines[0] + "\n\n" + "\n\n".join(lines[1:]) + "\n", encoding="utf-8")
        markdown.append(target)
    pandoc = shutil.which("pandoc")
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(_seconds(CLI + ["build", "2021", "--out", str(work / "out")]))
        if pandoc:
            started = time.perf_counter()
            for source in markdown:
                subprocess.run([pandoc, str(source), "-o", str(source.with_suffix(".docx"))], check=True, capture_output=True)
            theirs.append(time.perf_counter() - started)
    return statistics.median(ours), statistics.median(theirs) if theirs else None


def at_scale(work: Path, sizes: list[int]) -> list[tuple[int, float, int]]:
    """(organisations, seconds per report, peak bytes) for each size, default --jobs."""
    results = []
    for size in sizes:
        data = work / f"synth{size}"
        generate(data, size)
        seconds, peak = _timed_with_memory(CLI + ["build", "2021", "--data", str(data), "--out", str(work / f"out{size}")])
        results.append((size, seconds / size, peak))
        shutil.rmtree(data)
        shutil.rmtree(work / f"out{size}")
    return results


def validate_many_records(work: Path, runs: int, records: int = 10_000) -> float:
    """`validate` of one organisation whose activities.yaml holds `records` more activity records
    (10,000 records: about 1 MB of YAML)."""
    folder = many_records(work, records)
    return _seconds(CLI + ["validate", str(folder)], runs)


def many_records(work: Path, records: int = 10_000) -> Path:
    folder = generate(work / "many", 1)[0]
    lines: list[str] = []
    for index in range(records):
        lines += [
            f"record_{index:05d}:",
            f"  name: 虚构活动{index + 1}号",
            f"  date: 2021-{index % 12 + 1:02d}-{index % 28 + 1:02d}",
            f"  sessions: {index % 50 + 1}场",
            f"  participants: {index % 900 + 10}人",
        ]
    with (folder / "activities.yaml").open("a", encoding="utf-8") as stream:
        stream.write("\n".join(lines) + "\n")
    return folder


def stage_seconds(runs: int) -> dict[str, float]:
    os.chdir(ROOT)
    from fulian_report.api import make_document
    from fulian_report.model.dataset import load_org
    from fulian_report.render.style import resolve_style
    from fulian_report.writers.docx import docx_bytes

    stages: dict[str, list[float]] = {"读取并校验 YAML": [], "生成文字与文档树": [], "写 .docx": []}
    for _ in range(runs):
        for org in ("furong", "xiangdong"):
            started = time.perf_counter()
            data = load_org(ROOT / "data" / "2021" / org)
            loaded = time.perf_counter()
            document = make_document(data, resolve_style(data.organisation.style))
            rendered = time.perf_counter()
            docx_bytes(document)
            written = time.perf_counter()
            stages["读取并校验 YAML"].append(loaded - started)
            stages["生成文字与文档树"].append(rendered - loaded)
            stages["写 .docx"].append(written - rendered)
    return {name: statistics.median(values) for name, values in stages.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="短测量重复几次，取中位数")
    parser.add_argument("--sizes", default="10,100,1000", help="合成组织的个数，逗号分隔")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",") if size]
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        ours, pandoc = beside_pandoc(work, options.runs)
        scale = at_scale(work, sizes)
        validate = validate_many_records(work, max(1, options.runs // 2))
    help_time = _seconds(CLI + ["--help"], options.runs)
    stages = stage_seconds(options.runs * 4)

    print(
        f"{time.strftime('%Y-%m-%d')}，{platform.machine()}，{os.cpu_count()} 核，Python {platform.python_version()}，"
        f"pandoc {_pandoc_version() or '未安装'}；短测量取 {options.runs} 次的中位数。\n"
    )
    print("| 项目 | 目标 | 实测 |")
    print("|---|---|---|")
    if pandoc:
        print(
            f"| `fulian-report build 2021` ÷ pandoc 转换同样两篇（Markdown → .docx） | ≤ 1.0 | "
            f"**{ours / pandoc:.2f}**（{ours * 1000:.0f} ms ÷ {pandoc * 1000:.0f} ms） |"
        )
    else:
        print(f"| `fulian-report build 2021`（未安装 pandoc，无从比较） | — | {ours * 1000:.0f} ms |")
    for size, per_report, peak in scale:
        print(f"| {size} 个合成组织：每份报告 / 内存峰值 | ≤ 15 ms / ≤ 300 MB | {per_report * 1000:.1f} ms / {peak / 2**20:.0f} MB |")
    print(f"| `fulian-report --help` | ≤ 100 ms | {help_time * 1000:.0f} ms |")
    print(f"| `validate` 一个有 10,000 条活动记录的组织 | ≤ 1 s | {validate:.2f} s |")
    for name, seconds in stages.items():
        print(f"| 每份报告（进程内）：{name} | | {seconds * 1000:.1f} ms |")


def _pandoc_version() -> str:
    pandoc = shutil.which("pandoc")
    if not pandoc:
        return ""
    return subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.split("\n", 1)[0].split()[-1]


if __name__ == "__main__":
    main()

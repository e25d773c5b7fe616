"""Benchmark: every speed and memory goal of the tool (issue 14), side by side, in one run.

    python benchmarks/bench.py [--runs N] [--quick] [--pandoc-ms MS]

Prints a Markdown table of goal and measurement; the README's table (## 性能) comes from
it.  Run it with the tool installed as users install it (`pip install -c constraints.txt .`
in a fresh virtual environment: compiled bytecode, no source tree on the path) on an
otherwise idle machine: these are wall times.  It measures:

1. a build after an edit: furong's cases.yaml with one figure changed at every run, then
   `fulian-report build 2021` of both bundled organisations, beside pandoc converting the
   same two report texts from Markdown to .docx.  The build is served by the resident build
   process a build at a terminal leaves behind (resident.py), as a person gets it; the same
   build in a process of its own (scripts, CI) is shown beside it.  Without pandoc the ratio is taken to
   pandoc's time recorded on this machine (see RECORDED_PANDOC) or given by --pandoc-ms;
2. `fulian-report --help`;
3. under `watch`, from saving a file to the new report on disk (benchmarks/bench_watch.py);
4. peak memory, the summed Pss of the tool and its workers, building 20 and 1500 synthetic
   organisations (benchmarks/synth.py), and time per report at 1000 organisations on 2 cores;
5. `validate` of one organisation with 10,000 activity records, served by the resident process
   as at a terminal and in a process of its own;
6. per report, in-process: load + validate, render, write .docx (no goal: where time goes);
7. `fulian-report import` as a new process of a 30,000-character report (the fictional reports'
   paragraphs) and of 100,000 one-sentence paragraphs (benchmarks/bench_import.py makes both),
   with the peak memory of each.

The tool's disk cache (prepared blanks, compiled templates, help) is a temporary folder of
this run, filled by a first build, as a user's is after their first build; that first
build is shown too.  --quick: fewer runs and saves, 300 organisations instead of 1000 and
1500 (the memory goals are then not measured), about a minute in all.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
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

from benchmarks import bench_watch  # noqa: E402
from benchmarks.bench_import import report_of_characters, report_of_short_paragraphs  # noqa: E402
from benchmarks.synth import generate  # noqa: E402

# pandoc 2.17.1.1 (Debian's) converting the same two texts on this machine, 2026-12-01:
# `build 2021` then took 300–424 ms, 3.2–4.1 times as long (issue 14), so 94–103 ms.
RECORDED_PANDOC = 0.100
FIGURE = "couples_received: 444对"


def _tool() -> list[str]:
    """The installed command next to this Python, else `python -m fulian_report`."""
    script = Path(sys.executable).with_name("fulian-report")
    return [str(script)] if script.exists() else [sys.executable, "-m", "fulian_report"]


CLI = _tool()


def _environment(cache: Path) -> dict[str, str]:
    # No resident build process (resident.py) unless a measurement asks for one.
    env = dict(os.environ, FULIAN_REPORT_CACHE_DIR=str(cache), FULIAN_REPORT_RESIDENT="0")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users' Pythons write and reuse bytecode
    if not bench_watch._installed():
        env["PYTHONPATH"] = str(ROOT / "src")
    return env


def _seconds(args: list[str], env: dict[str, str], runs: int = 1, cwd: Path = ROOT) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)
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
            self.peak = max(self.peak, sum(_pss(pid) for pid in _tree(self.pid)))
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


def _pss(pid: int) -> int:
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


def _timed_with_memory(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    memory = PeakMemory(process.pid) if Path("/proc").is_dir() else None
    _, err = process.communicate()
    elapsed = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(err.decode("utf-8", "replace"))
    return elapsed, memory.stop() if memory else 0


def _resident_environment(work: Path, env: dict[str, str]) -> dict[str, str]:
    """`env` with the resident build process a person at a terminal gets (resident.py; the
    benchmark's output is no terminal, so it is switched on), its socket in a folder of this run."""
    runtime = Path(tempfile.mkdtemp(prefix="frb"))  # short: a socket's path is limited
    return dict(env, FULIAN_REPORT_RESIDENT="1", XDG_RUNTIME_DIR=str(runtime))


def _wait_for_resident(env: dict[str, str]) -> Path:
    code = "from fulian_report import resident; print(resident.socket_path())"
    socket = Path(subprocess.run([*_python(), "-c", code], env=env, capture_output=True, text=True, check=True).stdout.strip())
    deadline = time.monotonic() + 60
    while not socket.exists():
        if time.monotonic() > deadline:
            raise SystemExit("the resident build process did not come up")
        time.sleep(0.05)
    return socket


def _python() -> list[str]:
    return [str(Path(CLI[0]).with_name("python"))] if len(CLI) == 1 else [sys.executable]


def build_after_edit(work: Path, env: dict[str, str], runs: int) -> tuple[float, float, float, float | None]:
    """(first build with an empty cache, median build after an edit served by a resident process,
    the same in a process of its own, pandoc's median on the same two texts or None), the builds
    alternating with pandoc."""
    data = work / "data"
    shutil.copytree(ROOT / "data", data)
    cases = data / "2021" / "furong" / "cases.yaml"
    original = cases.read_text(encoding="utf-8")
    assert FIGURE in original, "the bundled data changed: pick another figure"
    build = CLI + ["build", "2021", "--data", str(data), "--out", str(work / "out")]
    first = _seconds(build, env)
    texts = work / "texts"
    subprocess.run(CLI + ["build", "2021", "--data", str(data), "--out", str(texts), "--format", "txt"], env=env, check=True, capture_output=True)
    markdown = []
    for index, text in enumerate(sorted((texts / "2021").glob("*.txt"))):
        lines = text.read_text(encoding="utf-8").splitlines()
        target = work / f"report{index}.md"
        target.write_text("# " + lines[0] + "\n\n" + "\n\n".join(lines[1:]) + "\n", encoding="utf-8")
        markdown.append(target)
    pandoc = shutil.which("pandoc")
    resident = _resident_environment(work, env)
    _seconds(build, resident)  # leaves the resident process, as a person's first build at a terminal
    socket = _wait_for_resident(resident)
    served, alone, theirs = [], [], []
    try:
        for run in range(runs):
            cases.write_text(original.replace(FIGURE, f"couples_received: {445 + run}对"), encoding="utf-8")
            served.append(_seconds(build, resident))
            cases.write_text(original.replace(FIGURE, f"couples_received: {545 + run}对"), encoding="utf-8")
            alone.append(_seconds(build, env))
            if pandoc:
                started = time.perf_counter()
                for source in markdown:
                    subprocess.run([pandoc, str(source), "-o", str(source.with_suffix(".docx"))], check=True, capture_output=True)
                theirs.append(time.perf_counter() - started)
    finally:
        socket.unlink()  # the resident process ends within a second
        shutil.rmtree(socket.parent.parent, ignore_errors=True)
    return first, statistics.median(served), statistics.median(alone), statistics.median(theirs) if theirs else None


def at_scale(work: Path, env: dict[str, str], size: int, jobs: int | None = None) -> tuple[float, int]:
    """(seconds per report, peak bytes) building `size` synthetic organisations."""
    data = work / f"synth{size}"
    generate(data, size)
    args = CLI + ["build", "2021", "--data", str(data), "--out", str(work / f"out{size}")]
    seconds, peak = _timed_with_memory(args + (["--jobs", str(jobs)] if jobs else []), env)
    shutil.rmtree(data)
    shutil.rmtree(work / f"out{size}")
    return seconds / size, peak


def validate_many_records(work: Path, env: dict[str, str], runs: int, records: int = 10_000) -> tuple[float, float]:
    """(`validate` served by a resident process as at a terminal, the same in a process of its own)
    of one organisation whose activities.yaml holds `records` more activity records (10,000 records:
    about 1 MB of YAML), the two alternating."""
    folder = many_records(work, records)
    validate = CLI + ["validate", str(folder)]
    resident = _resident_environment(work, env)
    _seconds(validate, resident)  # leaves the resident process
    socket = _wait_for_resident(resident)
    served, alone = [], []
    try:
        for _ in range(runs):
            served.append(_seconds(validate, resident))
            alone.append(_seconds(validate, env))
    finally:
        socket.unlink()
        shutil.rmtree(socket.parent.parent, ignore_errors=True)
    return statistics.median(served), statistics.median(alone)


def import_report(work: Path, env: dict[str, str], text: str, runs: int) -> tuple[float, float, int, bool]:
    """(median wall seconds, median CPU seconds, peak bytes, imported) of `fulian-report import` of
    `text` as a new process; not imported when it is refused (exit 1), which is timed the same."""
    source = work / f"import-{len(text)}.txt"
    source.write_text(text, encoding="utf-8")
    walls, cpus, peak, imported = [], [], 0, False
    for index in range(runs):
        data = work / f"imported-{len(text)}-{index}"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        process = subprocess.Popen(CLI + ["import", str(source), "--data", str(data), "--format", "json"],
                                   cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        memory = PeakMemory(process.pid) if Path("/proc").is_dir() else None
        _, err = process.communicate()
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        peak = max(peak, memory.stop() if memory else 0)
        if process.returncode not in (0, 1):
            raise RuntimeError(err.decode("utf-8", "replace"))
        imported = process.returncode == 0
        shutil.rmtree(data, ignore_errors=True)
    return statistics.median(walls), statistics.median(cpus), peak, imported


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


def stage_seconds(runs: int, cache: Path) -> dict[str, float]:
    os.environ["FULIAN_REPORT_CACHE_DIR"] = str(cache)
    os.chdir(ROOT)
    if not bench_watch._installed():
        sys.path.insert(0, str(ROOT / "src"))
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


def _row(item: str, goal: str, measured: str, met: bool | None = None) -> str:
    mark = "" if met is None else (" ✓" if met else " ✗")
    return f"| {item} | {goal} | {measured}{mark} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, help="短测量重复几次，取中位数（默认 15，--quick 时 5）")
    parser.add_argument("--quick", action="store_true", help="少测几次、只用 300 个合成组织：约一分钟")
    parser.add_argument("--pandoc-ms", type=float, help="没有 pandoc 时用的 pandoc 用时（毫秒），默认用本机记录的值")
    options = parser.parse_args()
    runs = options.runs or (5 if options.quick else 15)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        cache = work / "cache"
        env = _environment(cache)
        first, ours, alone, pandoc = build_after_edit(work, env, runs)
        help_time = _seconds(CLI + ["--help"], env, runs)
        watch = bench_watch.measure(10 if options.quick else 30, command=CLI, env=env)
        if options.quick:
            small, large, timing = (20, *at_scale(work, env, 20)), None, (300, *at_scale(work, env, 300, jobs=2))
        else:
            small, large = (20, *at_scale(work, env, 20)), (1500, *at_scale(work, env, 1500))
            timing = (1000, *at_scale(work, env, 1000, jobs=2))
        validate = validate_many_records(work, env, max(3, runs // 3))
        imports = (import_report(work, env, report_of_characters(30_000), max(3, runs // 3)),
                   import_report(work, env, report_of_short_paragraphs(100_000), 1))
        stages = stage_seconds(runs, cache)
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else None

    recorded = pandoc is None
    pandoc = pandoc if pandoc is not None else (options.pandoc_ms / 1000 if options.pandoc_ms else RECORDED_PANDOC)
    load = f"，负载 {load_before:.1f}→{load_after:.1f}" if load_before is not None else ""
    print(
        f"{time.strftime('%Y-%m-%d')}，{platform.machine()}，{os.cpu_count()} 核{load}，Python {platform.python_version()}，"
        f"pandoc {_pandoc_version() or '未安装（用记录的用时）'}；短测量取 {runs} 次的中位数；运行的是 {' '.join(CLI)}。\n"
    )
    print("| 项目 | 目标 | 实测 |")
    print("|---|---|---|")
    source = "记录的 pandoc 用时" if recorded else "pandoc 转换同样两篇（Markdown → .docx）"
    print(_row(f"改一个数字后 `build 2021`（两个组织，在终端运行时由常驻进程生成）÷ {source}", "≤ 1.5", f"**{ours / pandoc:.2f}**（{ours * 1000:.0f} ms ÷ {pandoc * 1000:.0f} ms）", ours / pandoc <= 1.5))
    print(_row("同上，没有常驻进程（脚本、CI 里，或设了 FULIAN_REPORT_RESIDENT=0）", "", f"{alone / pandoc:.2f}（{alone * 1000:.0f} ms）"))
    print(_row("`fulian-report --help`", "≤ 50 ms", f"{help_time * 1000:.0f} ms", help_time <= 0.050))
    median_watch = statistics.median(watch)
    quartiles = statistics.quantiles(watch, n=4)
    print(_row("`watch`：保存文件到新报告写到磁盘（中位数）", "≤ 20 ms", f"{median_watch:.1f} ms（四分位 {quartiles[0]:.1f}–{quartiles[2]:.1f}）", median_watch <= 20))
    print(_row(f"内存峰值（各进程 Pss 之和）：{small[0]} 个合成组织", "", f"{small[2] / 2**20:.0f} MB"))
    if large:
        print(_row(f"内存峰值：{large[0]} 个合成组织", "≤ 200 MB", f"{large[2] / 2**20:.0f} MB", large[2] <= 200 * 2**20))
        ratio = large[2] / small[2] if small[2] else float("nan")
        print(_row(f"内存峰值：{large[0]} 个 ÷ {small[0]} 个", "≤ 1.25", f"{ratio:.2f}", ratio <= 1.25))
    per_report = timing[1] * 1000
    goal = "≤ 10 ms" if timing[0] == 1000 else "（目标按 1000 个计）"
    print(_row(f"{timing[0]} 个合成组织，2 个进程：每份报告", goal, f"{per_report:.1f} ms", per_report <= 10 if timing[0] == 1000 else None))
    print(_row("`validate` 一个有 10,000 条活动记录的组织（在终端运行时由常驻进程检查）", "≤ 0.5 s", f"**{validate[0]:.2f} s**", validate[0] <= 0.5))
    print(_row("同上，没有常驻进程", "", f"{validate[1]:.2f} s"))
    (wall, cpu, peak, done), (long_wall, long_cpu, long_peak, long_done) = imports
    print(_row("`import` 一份 30,000 字的报告（.txt，新进程，含启动）", "≤ 1 s", f"**{wall:.2f} s**（CPU {cpu:.2f} s{'' if done else '，未导入'}）", wall <= 1 and done))
    outcome = "导入" if long_done else "拒绝：数据文件超过 2 MB"
    print(_row("`import` 100,000 段（每段一句，2.9 MB 的 .txt）", "≤ 20 s", f"**{long_wall:.1f} s**（CPU {long_cpu:.1f} s，{outcome}）", long_wall <= 20 if long_done else None))
    print(_row("内存峰值：`import` 30,000 字 / 100,000 段", "", f"{peak / 2**20:.0f} MB / {long_peak / 2**20:.0f} MB"))
    print(_row("第一次 `build 2021`（缓存是空的）", "", f"{first * 1000:.0f} ms"))
    for name, seconds in stages.items():
        print(_row(f"每份报告（进程内）：{name}", "", f"{seconds * 1000:.1f} ms"))


def _pandoc_version() -> str:
    pandoc = shutil.which("pandoc")
    if not pandoc:
        return ""
    return subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.split("\n", 1)[0].split()[-1]


if __name__ == "__main__":
    main()

"""Benchmark: the start of the commands people wait on, as whole `fulian-report` processes.

    python benchmarks/bench_startup.py [--runs N] [--tool PATH ...] [--resident]

Each command is run --runs times (default 15) and its median wall time printed, with the
median processor time (user and system, the process and the children it waited for) beside
it, in a Markdown table with one column per tool.  On a machine others use, the processor time
is the steadier of the two: about the wall time the same command takes on an idle one (for a
command served by a resident process, only the caller's part is counted).  With several --tool (say an install of the tool
before a change and one after it), their runs alternate, so that a machine that gets busier
on the way weighs on each alike.  Install each as the README says (`pip install -c
constraints.txt .` in a fresh virtual environment); the default is the `fulian-report` next to
this Python.  Every tool gets a disk cache of its own in a temporary folder, filled by one
run of each command first, as a user's is after their first build.  No resident build process
(FULIAN_REPORT_RESIDENT=0) unless --resident, which adds the same commands served by one.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {
    "`fulian-report -h`": ["-h"],
    "`fulian-report build -h`": ["build", "-h"],
    "`fulian-report validate data`（两个自带组织）": ["validate", "data"],
    "`fulian-report build 2021`（两个自带组织，.docx）": ["build", "2021", "--out", "{out}"],
}
RESIDENT_COMMANDS = ("validate", "build")
WAIT_SECONDS = 60


def _environment(work: Path, resident: bool) -> dict[str, str]:
    env = dict(os.environ, FULIAN_REPORT_CACHE_DIR=str(work / "cache"), FULIAN_REPORT_RESIDENT="1" if resident else "0")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users' Pythons write and reuse bytecode
    if resident:
        runtime = work / "run"  # short: a socket's path is limited
        runtime.mkdir(mode=0o700, exist_ok=True)
        env["XDG_RUNTIME_DIR"] = str(runtime)
    return env


def _once(tool: str, args: list[str], env: dict[str, str], out: Path) -> tuple[float, float]:
    """(wall seconds, processor seconds) of one run."""
    command = [tool, *(arg.format(out=out) for arg in args)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=WAIT_SECONDS)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        raise SystemExit(f"{' '.join(command)} ended with {result.returncode}:\n{result.stderr.decode('utf-8', 'replace')}")
    return elapsed, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _wait_for_socket(tool: str, env: dict[str, str]) -> Path:
    python = str(Path(tool).with_name("python"))
    code = "from fulian_report import resident; print(resident.socket_path())"
    socket = Path(subprocess.run([python, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.strip())
    deadline = time.monotonic() + WAIT_SECONDS
    while not socket.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"no resident process came up for {tool} within {WAIT_SECONDS} s")
        time.sleep(0.05)
    return socket


def measure(tools: list[str], runs: int, resident: bool) -> dict[str, list[tuple[float, float]]]:
    """{row: [(median wall seconds, median processor seconds) per tool]}, the tools' runs alternating."""
    rows = [(name, args, False) for name, args in COMMANDS.items()]
    if resident:
        rows += [(f"{name}，由常驻进程完成", args, True) for name, args in COMMANDS.items() if args[0] in RESIDENT_COMMANDS and "-h" not in args]
    times: dict[str, list[list[tuple[float, float]]]] = {name: [[] for _ in tools] for name, _args, _served in rows}
    with tempfile.TemporaryDirectory(prefix="fbs") as temporary:
        work = Path(temporary)
        folders = [work / str(index) for index in range(len(tools))]
        sockets = []
        try:
            for tool, folder in zip(tools, folders):
                folder.mkdir()
                for _name, args, served in rows:  # fills the cache (and leaves the resident process)
                    _once(tool, args, _environment(folder, served), folder / "out")
                if resident:
                    sockets.append(_wait_for_socket(tool, _environment(folder, True)))
            for _ in range(runs):
                for name, args, served in rows:
                    for index, (tool, folder) in enumerate(zip(tools, folders)):
                        times[name][index].append(_once(tool, args, _environment(folder, served), folder / "out"))
        finally:
            for socket in sockets:
                socket.unlink(missing_ok=True)  # its resident process ends within a second
    return {
        name: [(statistics.median(wall for wall, _ in runs), statistics.median(cpu for _, cpu in runs)) for runs in per_tool]
        for name, per_tool in times.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="每个命令运行几次，取中位数（默认 15）")
    parser.add_argument("--tool", action="append", help="要测的 fulian-report（可写多个，交替运行）；默认是本 Python 旁边的那个")
    parser.add_argument("--resident", action="store_true", help="另测由常驻进程完成的 validate、build")
    options = parser.parse_args()
    tools = options.tool or [str(Path(sys.executable).with_name("fulian-report"))]
    for tool in tools:
        if not shutil.which(tool):
            raise SystemExit(f"找不到 {tool}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    results = measure(tools, options.runs, options.resident)
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{time.strftime('%Y-%m-%d %H:%M')}，{os.cpu_count()} 核，负载 {load:.1f}→{load_after:.1f}，取 {options.runs} 次的中位数；墙钟时间（处理器时间）\n")
    print("| 命令 | " + " | ".join(tools) + " |")
    print("|---|" + "---|" * len(tools))
    for name, medians in results.items():
        print(f"| {name} | " + " | ".join(f"{wall * 1000:.0f} ms（{cpu * 1000:.0f} ms）" for wall, cpu in medians) + " |")


if __name__ == "__main__":
    main()

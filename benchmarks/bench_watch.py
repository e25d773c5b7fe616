"""Benchmark: from saving one organisation's file to its new report on disk, under `watch`.

    python benchmarks/bench_watch.py [--runs 30] [--polling]

Copies the bundled data to a temporary folder, starts `fulian-report watch 2021`
there as a user would, waits for its first build, then saves cases.yaml of
furong with one figure changed (alternately 444对 and 445对), each time
measuring until the report on disk holds the new bytes.  Prints the median,
the quartiles and the extremes in milliseconds.  The goal (issue 14) is a
median of at most 20 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "fulian_report"]
FIGURE = "couples_received: 444对"


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return True
        time.sleep(0.0002)
    return False


def measure(runs: int = 30, polling: bool = False, command: list[str] | None = None, env: dict[str, str] | None = None) -> list[float]:
    """Milliseconds from each save to the new report on disk, sorted; `command` starts the
    tool (default: this Python's `-m fulian_report`, from the source tree unless installed)
    in the environment `env` (default: this one)."""
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        shutil.copytree(ROOT / "data", work / "data")
        shutil.copytree(ROOT / "templates", work / "templates")
        cases = work / "data" / "2021" / "furong" / "cases.yaml"
        text = cases.read_text(encoding="utf-8")
        assert FIGURE in text, "the bundled data changed: pick another figure"
        env = dict(os.environ if env is None else env)
        if command is None and not _installed():
            env["PYTHONPATH"] = str(ROOT / "src")
        if polling:
            env["WATCHFILES_FORCE_POLLING"] = "1"
        process = subprocess.Popen(
            [*(command or CLI), "watch", "2021", "--data", "data", "--out", "out", "--org", "furong"],
            cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        try:
            for line in process.stdout:  # the first build's last line
                if "已生成" in line or "未生成" in line:
                    break
            report = next((work / "out" / "2021").glob("*.docx"))
            time.sleep(0.5)  # the watcher is up
            timings = []
            for run in range(runs):
                before = report.read_bytes()
                new = text.replace(FIGURE, "couples_received: 445对") if run % 2 == 0 else text
                started = time.perf_counter()
                cases.write_text(new, encoding="utf-8")
                if not _wait_for(lambda: report.read_bytes() != before, 5):
                    raise RuntimeError(f"run {run}: the report did not change within 5 s")
                timings.append((time.perf_counter() - started) * 1000)
                time.sleep(0.15)  # let the watcher settle before the next save
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # not this measurement's business: end it
                print("watch did not end within 10 s of Ctrl-C", file=sys.stderr)
                process.kill()
                process.wait()
    return sorted(timings)


def _installed() -> bool:
    """Whether this Python imports fulian_report without the source tree on its path."""
    probe = [sys.executable, "-c", "import fulian_report"]
    return subprocess.run(probe, cwd=tempfile.gettempdir(), capture_output=True).returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--polling", action="store_true", help="watch by polling instead of inotify")
    args = parser.parse_args()
    try:
        timings = measure(args.runs, args.polling)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    quartiles = statistics.quantiles(timings, n=4)
    mode = "polling" if args.polling else "inotify"
    print(f"watch, save → new report on disk ({mode}, {len(timings)} saves):")
    print(f"  median {statistics.median(timings):.1f} ms, quartiles {quartiles[0]:.1f}–{quartiles[2]:.1f} ms, "
          f"min {timings[0]:.1f} ms, max {timings[-1]:.1f} ms (goal: median ≤ 20 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

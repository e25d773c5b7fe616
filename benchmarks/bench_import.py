"""Benchmark: `fulian-report import` and the rebuild it names, per report, start-up included.

    python benchmarks/bench_import.py [--runs N]

For each seed and fictional report, from its .txt and from a .docx made of it:
the wall time of `fulian-report import FILE --format json` as a new process,
then of the `build` it names (txt).  The goal is ≤ 3 s for each.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
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

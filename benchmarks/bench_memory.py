"""Benchmark: peak memory and time per report of `build` as the batch grows.

    python benchmarks/bench_memory.py [--sizes 20,1000,1500] [--jobs N] [--format docx]

Builds that many synthetic organisations (benchmarks/synth.py) once each, with the
default --jobs unless given, and prints per size the seconds per report and the peak
of the summed Pss of the build and its workers (sampled as benchmarks/bench.py does).
Flat memory means the peak at 1,500 stays within 1.25 times the peak at 20.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.bench import CLI, _timed_with_memory  # noqa: E402
from benchmarks.synth import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,1000,1500")
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--format", action="append", dest="formats")
    options = parser.parse_args()
    extra = ["--jobs", str(options.jobs)] if options.jobs else []
    for fmt in options.formats or []:
        extra += ["--format", fmt]
    peaks = {}
    print("| organisations | ms per report | peak memory (MB) |")
    print("|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for size in (int(s) for s in options.sizes.split(",")):
            data, out = work / f"synth{size}", work / f"out{size}"
            generate(data, size)
            seconds, peak = _timed_with_memory(CLI + ["build", "2021", "--data", str(data), "--out", str(out), *extra])
            peaks[size] = peak
            print(f"| {size} | {seconds / size * 1000:.1f} | {peak / 2**20:.0f} |", flush=True)
            shutil.rmtree(data)
            shutil.rmtree(out)
    smallest, largest = min(peaks), max(peaks)
    if smallest != largest and peaks[smallest]:
        print(f"\npeak at {largest} / peak at {smallest}: {peaks[largest] / peaks[smallest]:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark: from Enter in a box of the preview to the new page, for furong's new year.

    python benchmarks/bench_preview_fill.py [--runs 30]

Copies the bundled data to a temporary folder, runs `init 2022 --from 2021` there, starts
`fulian-report preview 2022` as a user would, and then does what the page does on Enter:
POST /edit/furong with one value, then GET /fragment/furong (the redrawn report).  The first
runs fill values still to fill (待填), one each; the rest change one figure back and forth.
Prints the median, the quartiles and the extremes in milliseconds of each kind.  The goal is
at most 300 ms from Enter to the new page.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "fulian_report"]


def _request(url: str, cookie: str, origin: str, body: dict | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Cookie": cookie}
    if data is not None:
        headers.update({"Content-Type": "application/json", "Origin": origin})
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def measure(runs: int = 30) -> dict[str, list[float]]:
    sys.path.insert(0, str(ROOT / "src"))
    from fulian_report.model.unfilled import MARKER, stand_in  # noqa: E402

    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data"
        shutil.copytree(ROOT / "data", data)
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        subprocess.run([*CLI, "init", "2022", "--from", "2021", "--data", str(data)], check=True, env=env, capture_output=True)
        process = subprocess.Popen(
            [*CLI, "preview", "2022", "--data", str(data), "--org", "furong", "--port", "0"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
        )
        try:
            url = process.stdout.readline().split("：", 1)[1].split()[0]
            origin, token = url.split("/?token=")
            port = origin.rsplit(":", 1)[1]
            cookie = f"fulian_preview_{port}={token}"
            _request(f"{origin}/fragment/furong", cookie, origin)  # the first drawing, as opening the page
            # The values to fill, as the page's boxes carry them.
            page = _request(f"{origin}/org/furong", cookie, origin)[1].decode()
            boxes = []
            for chunk in page.split('<input class="fill"')[1:]:
                key = json.loads(chunk.split('data-key="', 1)[1].split('"', 1)[0].replace("&quot;", '"'))
                was = chunk.split('data-was="', 1)[1].split('"', 1)[0]
                boxes.append((key, was))
            timings: dict[str, list[float]] = {"fill": [], "change": []}
            seen = set()
            for key, was in boxes:
                if len(timings["fill"]) >= runs or tuple(key) in seen:
                    continue
                seen.add(tuple(key))
                value = stand_in(MARKER.match(was).group("value"))
                value = f"{value['start']}至{value['end']}" if isinstance(value, dict) else value
                timings["fill"].append(_enter(origin, cookie, key, was, value))
            # A figure changed back and forth: couples received, one more and one fewer.
            key, marker = next((key, was) for key, was in boxes if key[-1] == "couples_received")
            current = stand_in(MARKER.match(marker).group("value"))
            if tuple(key) not in seen:
                timings["fill"].append(_enter(origin, cookie, key, marker, current))
            other = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), current, count=1)
            for _ in range(runs):
                current, other = other, current
                timings["change"].append(_enter(origin, cookie, key, other, current))
            return timings
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=20)


def _enter(origin: str, cookie: str, key: list, was: str, value: str) -> float:
    started = time.perf_counter()
    status, answer = _request(f"{origin}/edit/furong", cookie, origin, {"key": key, "was": was, "value": value})
    if status != 200:
        raise SystemExit(f"{key} = {value}: {status} {answer.decode()}")
    status, _ = _request(f"{origin}/fragment/furong", cookie, origin)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    for kind, times in measure(args.runs).items():
        quartiles = statistics.quantiles(times, n=4)
        print(
            f"{kind}: {len(times)} runs, median {statistics.median(times):.0f} ms, "
            f"quartiles {quartiles[0]:.0f}–{quartiles[2]:.0f} ms, min {min(times):.0f} ms, max {max(times):.0f} ms"
        )


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""How long `trialdocs check` takes on each protocol under protocol/, as a user runs it.

    .venv/bin/python bench/check.py            # 21 runs per protocol
    .venv/bin/python bench/check.py --runs 51

`check` runs on every save in an editor hook and in `watch`, so it must stay
well under a second; the target for the worked example is 0.25 s wall time,
interpreter start included, on an idle machine. Each run is a fresh
`python build.py check FOLDER` (bytecode cached, as after `make build`),
interleaved with `python -c pass` so that both see the same load; the script
prints medians, the spread and the ratio of check to a bare interpreter
start, all from this one run. It also prints the load average, since a
figure taken on a busy machine says little.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


# As after `make build`: bytecode written once and read on every run, even where
# the calling shell sets PYTHONDONTWRITEBYTECODE (which would compile every run).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(args) -> float:
    started = time.perf_counter()
    subprocess.run(args, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    folders = sorted(p for p in (ROOT / "protocol").iterdir() if p.is_dir())
    timed([PYTHON, str(ROOT / "build.py"), "check", str(folders[0])])  # warm the bytecode cache
    print(f"load average before: {os.getloadavg()[0]:.2f}; bytecode cached; {args.runs} runs each")
    print(f"{'protocol':<16} {'check median':>12} {'min':>7} {'max':>7} {'python -c pass':>15} {'ratio':>6}")
    for folder in folders:
        checks, starts = [], []
        for _ in range(args.runs):
            checks.append(timed([PYTHON, str(ROOT / "build.py"), "check", str(folder)]))
            starts.append(timed([PYTHON, "-c", "pass"]))
        median, start = statistics.median(checks), statistics.median(starts)
        print(f"{folder.name:<16} {median:>10.3f} s {min(checks):>6.3f} {max(checks):>6.3f} "
              f"{start:>13.3f} s {median / start:>6.1f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""What the USDM export adds to a build: ``python bench/usdm.py``.

In one run, on the worked example (every document it asks for):

- one cold build (``python build.py build`` into an empty folder, as a user
  runs it): its wall time, and the time the build itself recorded for
  rendering usdm.json (the build cache keeps each job's seconds);
- in a warm process, what the build does for usdm.json before rendering:
  the Wrapper built from the model and the integrity check (median of 20).

Planning plus rendering, divided by the cold build, is the share of a build
the export costs. Comparing whole builds with and without ``usdm`` would
measure the same thing through the noise of two full builds (seconds on a
shared 2-core machine, for a difference of milliseconds).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "protocol" / "nct03970954"
sys.path.insert(0, str(ROOT))


def cold_build(folder: Path, output: Path) -> float:
    shutil.rmtree(output, ignore_errors=True)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", str(folder),
                             "--output", str(output), "--quiet"], cwd=ROOT,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stdout}\n{result.stderr}")
    return seconds


def planning(folder: Path, runs: int = 20) -> tuple[float, float]:
    """Median seconds to build the Wrapper and check it, and to render it, in a warm process."""
    from trialdocs.check import check_protocol
    from trialdocs.model import build_model
    from trialdocs.registry import usdm, usdm_check

    checked = check_protocol(folder)
    model = build_model(checked.source.data, folder.name)
    plan, render = [], []
    for _ in range(runs):
        started = time.perf_counter()
        document = usdm.wrapper(model)
        assert usdm_check.integrity_problems(document) == []
        plan.append(time.perf_counter() - started)
        started = time.perf_counter()
        usdm.render(document)
        render.append(time.perf_counter() - started)
    return statistics.median(plan), statistics.median(render)


def main(argv=None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    from trialdocs.outputs import read_cache

    with tempfile.TemporaryDirectory(prefix="usdm-bench-") as tmp:
        tmp = Path(tmp)
        folder = tmp / EXAMPLE.name
        shutil.copytree(EXAMPLE, folder)
        build = cold_build(folder, tmp / "out")
        costs = read_cache(tmp / "out", folder.name).get("costs", {})
        files = sum(1 for p in (tmp / "out" / folder.name).rglob("*") if p.is_file())
        plan, render = planning(folder)
    rendered = costs.get("usdm.json")
    if rendered is None:
        raise SystemExit("the build recorded no cost for usdm.json")
    print(f"cold build of the worked example: {build:.2f} s, {files} files")
    print(f"usdm.json rendered in the build:  {rendered * 1000:.0f} ms (recorded by the build)")
    print(f"usdm.json planned (Wrapper + integrity check, warm, median of 20): "
          f"{plan * 1000:.1f} ms; rendered warm: {render * 1000:.1f} ms")
    print(f"the export's share of the cold build: {(plan + rendered) / build:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

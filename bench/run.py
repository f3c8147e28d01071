#!/usr/bin/env python3
"""Benchmark of the build engine: ``python bench/run.py [--quick]``.

Measures, in one run, on synthetic protocols of 3, 30 and 300 sites (two
languages each) derived from the worked example, and on the worked example
itself:

- cold build (empty output folder), no-op rebuild, rebuild after changing
  one site's phone number, rebuild after changing the trial's title
  (every document shows it) — wall time of ``python build.py build`` as a
  user runs it, interpreter start included;
- the floor: WeasyPrint alone laying out and writing the same HTML (the
  build's own HTML outputs) serially in one warm process, no Jinja, no
  check, no files — what a build with perfect parallelism and no overhead
  would divide by the number of cores;
- peak memory of the build's process tree (sum of the RSS of the build and
  its workers, sampled every 50 ms) during the cold build;
- for the worked example, the time from saving a consent text to the new
  PDF on disk while ``trialdocs watch`` runs.

It then prints the ratios the acceptance criteria set. The code measured is
a snapshot of the working tree taken at the start (trialdocs/, templates/,
build.py), so that edits made during a long run do not change it. ``--quick``
skips the 300-site protocol (about 1,200 files, several minutes).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "protocol" / "nct03970954"
PYTHON = sys.executable
TITLE = "Low-dose Interleukin-2 in Women With Unexplained Miscarriages"
CONSENT_TEXT = "The study tests start only after you sign."
CITIES = [("Paris", "75012"), ("Lyon", "69003"), ("Marseille", "13005"), ("Lille", "59037"),
          ("Bordeaux", "33076"), ("Toulouse", "31059"), ("Nantes", "44093"), ("Rennes", "35033"),
          ("Strasbourg", "67091"), ("Montpellier", "34295"), ("Nice", "06001"), ("Tours", "37044")]
FIRST = ["Anne", "Bruno", "Claire", "David", "Emma", "Farid", "Gilles", "Hélène", "Inès", "Jules",
         "Karim", "Léa", "Marc", "Nora", "Olivier", "Pauline", "Quentin", "Rose", "Simon", "Zoé"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
        "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier"]


# -- the code measured, and protocols ---------------------------------------------------

def snapshot(dest: Path) -> Path:
    """A copy of the code and templates: what this run measures, whatever is edited meanwhile."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "trialdocs", dest / "trialdocs", ignore=ignore)
    shutil.copytree(ROOT / "templates", dest / "templates", ignore=ignore)
    shutil.copy2(ROOT / "build.py", dest / "build.py")
    return dest


def _yaml():
    import yaml

    return yaml


def _load(path: Path) -> dict:
    from trialdocs.load import load_protocol_file_plain

    return load_protocol_file_plain(path)


def _dump(path: Path, data: dict) -> None:
    path.write_text(_yaml().safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6),
                    encoding="utf-8")


def synthetic(parent: Path, sites: int) -> Path:
    """The worked example with ``sites`` sites, each with its own investigator."""
    folder = parent / f"synthetic-{sites:03d}"
    shutil.copytree(EXAMPLE, folder)
    people = _load(folder / "people.yaml")
    model_site = people["sites"][0]
    model_person = next(p for p in people["people"] if p["id"] == model_site["investigator"])
    people["sites"] = []
    for i in range(sites):
        city, postcode = CITIES[i % len(CITIES)]
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        person = copy.deepcopy(model_person)
        person.update(id=f"inv-{i + 1:03d}", first_name=first, last_name=f"{last}-{i + 1}",
                      affiliation=f"Centre hospitalier {i + 1}, {city}",
                      phone=f"+33 1 00 {i // 100:02d} {i % 100:02d} 11",
                      email=f"investigator-{i + 1:03d}@example.org")
        person["title"] = {"en": f"Investigator, site {i + 1}", "fr": f"Investigateur, centre {i + 1}"}
        people["people"].append(person)
        site = copy.deepcopy(model_site)
        name = f"Centre hospitalier {i + 1} de {city}"
        site.update(id=f"site-{i + 1:03d}", facility=name, city=city, state=city, name=name,
                    investigator=person["id"], phone=f"+33 1 00 {i // 100:02d} {i % 100:02d} 01",
                    emergency_phone=f"+33 1 00 {i // 100:02d} {i % 100:02d} 91",
                    email=f"trial-site-{i + 1:03d}@example.org")
        site["address"] = {"street": f"{i + 1} rue de l'Hôpital", "postcode": postcode,
                           "city": city, "country": "France"}
        if isinstance(site.get("pharmacy"), dict):
            site["pharmacy"]["phone"] = f"+33 1 00 {i // 100:02d} {i % 100:02d} 21"
            site["pharmacy"]["email"] = f"pharmacy-{i + 1:03d}@example.org"
            site["pharmacy"]["name"] = {"en": f"Clinical trials pharmacy, {name}",
                                        "fr": f"Pharmacie des essais, {name}"}
        people["sites"].append(site)
    _dump(folder / "people.yaml", people)
    return folder


def change_one_site(folder: Path) -> str:
    people = folder / "people.yaml"
    data = _load(people)
    site = data["sites"][len(data["sites"]) // 2]
    site["phone"] = site["phone"][:-2] + "99"
    _dump(people, data)
    return site["id"]


def change_title(folder: Path) -> None:
    """A new title everywhere it is written (protocol, registry titles, consent titles)."""
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        text = text.replace(TITLE, TITLE + " (IL-2 trial)")
        text = text.replace("Low-dose interleukin-2 for women", "Low-dose interleukin-2 (IL-2) for women")
        text = text.replace("L'interleukine-2 à faible dose", "L'interleukine-2 (IL-2) à faible dose")
        path.write_text(text, encoding="utf-8")


# -- measuring -----------------------------------------------------------------------------

class TreeMemory:
    """Peak of the summed RSS of a process and all its descendants, sampled."""

    PAGE = os.sysconf("SC_PAGE_SIZE")

    def __init__(self, pid: int, every: float = 0.05):
        self.pid, self.every, self.peak = pid, every, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _tree(self) -> list[int]:
        parents = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += [child for child, parent in parents.items() if parent == pid]
        return tree

    def _run(self):
        while not self.stop.is_set():
            total = 0
            for pid in self._tree():
                try:
                    total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self.PAGE
                except (OSError, IndexError, ValueError):
                    pass
            self.peak = max(self.peak, total)
            self.stop.wait(self.every)

    def done(self) -> int:
        self.stop.set()
        self.thread.join()
        return self.peak


def run_build(src: Path, folder: Path, output: Path, *args) -> dict:
    """One ``python build.py build`` as a user runs it: wall time, counts, peak memory."""
    started = time.perf_counter()
    process = subprocess.Popen([PYTHON, str(src / "build.py"), "build", str(folder), "--output",
                                str(output), *args], cwd=src, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(process.pid)
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    peak = memory.done()
    if process.returncode != 0:
        raise SystemExit(f"build failed ({process.returncode}):\n{out}\n{err}")
    match = re.search(r"built (\d+), up to date (\d+), failed (\d+)", out)
    return {"seconds": seconds, "built": int(match.group(1)), "up_to_date": int(match.group(2)),
            "peak_mb": peak / 2**20}


def floor(src: Path, folder: Path, output: Path) -> dict:
    """WeasyPrint alone: the same HTML laid out and written serially in this (warm) process."""
    code = f"""
import json, sys, time
from pathlib import Path
from trialdocs.check import check_protocol
from trialdocs.documents import document_modules
from trialdocs.model import build_model
from trialdocs import pdf
checked = check_protocol(Path({str(folder)!r}))
model = build_model(checked.source.data, checked.slug)
targets = [t for _, m in document_modules(checked.documents) for t in m.targets(model)]
out = Path({str(output)!r}) / checked.slug
pdf._font_config(); pdf.fetcher()
jobs = []
for t in targets:
    if t.path.endswith(".pdf"):
        html = (out / (t.path[:-4] + ".html")).read_text(encoding="utf-8")
        pdf.stylesheet(tuple(t.payload.get("print_css", [])))
        jobs.append((t, html))
total, same = 0.0, 0
for t, html in jobs:
    started = time.perf_counter()
    data = pdf.render_pdf(t.payload, html=html)
    total += time.perf_counter() - started
    same += data == (out / t.path).read_bytes()
print(json.dumps({{"seconds": total, "documents": len(jobs), "identical": same}}))
"""
    result = subprocess.run([PYTHON, "-c", code], cwd=src, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"floor measurement failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def noop(src: Path, folder: Path, output: Path, runs: int = 5) -> dict:
    results = [run_build(src, folder, output) for _ in range(runs)]
    assert all(r["built"] == 0 for r in results), results
    return {"seconds": statistics.median(r["seconds"] for r in results),
            "best": min(r["seconds"] for r in results)}


def watch_latency(src: Path, folder: Path, output: Path, rounds: int = 3) -> list[float]:
    """Seconds from saving a consent text to the new PDF on disk, with ``watch`` running."""
    import hashlib

    pdf = output / folder.name / "consent" / "saint-antoine.en.pdf"
    process = subprocess.Popen([PYTHON, str(src / "build.py"), "watch", str(folder), "--output",
                                str(output)], cwd=src, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")),
                              daemon=True)
    reader.start()
    latencies = []
    try:
        deadline = time.monotonic() + 300
        while not any("watching" in line for line in lines):
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("watch did not start:\n" + "".join(lines))
            time.sleep(0.05)
        time.sleep(1.0)  # let the workers settle
        patient = folder / "patient.yaml"
        original = patient.read_text(encoding="utf-8")
        for i in range(rounds):
            before = hashlib.sha256(pdf.read_bytes()).digest()
            text = original.replace(CONSENT_TEXT, CONSENT_TEXT.replace(
                "start only", f"start only (round {i + 1})"))
            assert text != original
            patient.write_text(text, encoding="utf-8")
            saved = time.perf_counter()
            while hashlib.sha256(pdf.read_bytes()).digest() == before:
                if time.perf_counter() - saved > 120:
                    raise SystemExit("watch did not rebuild:\n" + "".join(lines))
                time.sleep(0.01)
            latencies.append(time.perf_counter() - saved)
            time.sleep(1.5)  # the rest of that build (manifest) and a quiet moment
        patient.write_text(original, encoding="utf-8")
    finally:
        process.send_signal(2)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    return latencies


def startup(src: Path) -> float:
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([PYTHON, "-c", "pass"], check=True)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


# -- the run ---------------------------------------------------------------------------------

def measure_protocol(src: Path, folder: Path, work: Path, label: str, log) -> dict:
    output = work / f"out-{label}"
    log(f"{label}: cold build ...")
    cold = run_build(src, folder, output)
    pdfs = sum(1 for _ in (output / folder.name).rglob("*.pdf"))
    log(f"{label}: cold {cold['seconds']:.2f} s ({cold['built']} files, {pdfs} PDFs); no-op ...")
    nop = noop(src, folder, output)
    log(f"{label}: floor (WeasyPrint alone, serial) ...")
    base = floor(src, folder, output)
    site = change_one_site(folder)
    log(f"{label}: one site changed ({site}) ...")
    one = run_build(src, folder, output)
    change_title(folder)
    log(f"{label}: title changed ...")
    title = run_build(src, folder, output)
    return {"label": label, "targets": cold["built"], "pdfs": pdfs, "cold": cold, "noop": nop,
            "one_site": one, "title": title, "floor": base,
            "peak_mb": max(cold["peak_mb"], title["peak_mb"])}


def machine() -> str:
    cores = os.cpu_count()
    try:
        mem = [line for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal")][0].split()[1]
        memory = f"{int(mem) / 2**20:.1f} GiB RAM"
    except (OSError, IndexError):
        memory = "? RAM"
    try:
        cpu = [line for line in Path("/proc/cpuinfo").read_text().splitlines()
               if line.startswith("model name")][0].split(":", 1)[1].strip()
    except (OSError, IndexError):
        cpu = platform.processor() or "?"
    return (f"{cores} cores ({cpu}), {memory}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def table(rows: list, example: dict, watch: list, start: float) -> str:
    lines = ["| protocol | files (PDFs) | cold | no-op | one site (files) | title (files) "
             "| WeasyPrint alone | cold / WeasyPrint | per PDF | peak memory |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in [example, *rows]:
        lines.append(
            f"| {r['label']} | {r['targets']} ({r['pdfs']}) | {r['cold']['seconds']:.2f} s "
            f"| {r['noop']['seconds']:.3f} s | {r['one_site']['seconds']:.2f} s "
            f"({r['one_site']['built']}) | {r['title']['seconds']:.2f} s ({r['title']['built']}) "
            f"| {r['floor']['seconds']:.2f} s | {r['cold']['seconds'] / r['floor']['seconds']:.2f} "
            f"| {r['cold']['seconds'] / r['pdfs']:.3f} s | {r['peak_mb']:.0f} MiB |")
    lines.append("")
    lines.append(f"Interpreter start (`python -c pass`): {start * 1000:.0f} ms. "
                 f"Watch, save to new PDF on disk: "
                 + ", ".join(f"{s:.2f} s" for s in watch) + ".")
    lines.append("WeasyPrint alone wrote the same bytes as the build for "
                 + ", ".join(f"{r['floor']['identical']} of {r['floor']['documents']}"
                             for r in [example, *rows]) + " PDFs.")
    return "\n".join(lines)


def verdicts(rows: list, example: dict, watch: list) -> list[tuple[str, str, bool]]:
    by = {r["label"]: r for r in rows}
    out = []
    ratio = example["noop"]["seconds"] / example["cold"]["seconds"]
    out.append(("no-op / cold, worked example", f"{ratio:.1%} (< 5 %)", ratio < 0.05))
    out.append(("no-op wall time, worked example", f"{example['noop']['seconds']:.3f} s (< 0.6 s)",
                example["noop"]["seconds"] < 0.6))
    for r in [example, *rows]:
        expected = r["one_site"]["built"]
        out.append((f"one-site change, {r['label']}",
                    f"{expected} of {r['targets']} files rebuilt", expected < r["targets"]))
    if "30 sites" in by:
        r = by["30 sites"]
        ratio = r["cold"]["seconds"] / r["floor"]["seconds"]
        out.append(("cold / WeasyPrint alone, 30 sites", f"{ratio:.2f} (<= 0.65)", ratio <= 0.65))
    if "30 sites" in by and "300 sites" in by:
        a = by["30 sites"]["cold"]["seconds"] / by["30 sites"]["pdfs"]
        b = by["300 sites"]["cold"]["seconds"] / by["300 sites"]["pdfs"]
        out.append(("per-PDF time, 300 vs 30 sites", f"{b / a:.2f} (0.75 to 1.25)",
                    0.75 <= b / a <= 1.25))
    peak = max(r["peak_mb"] for r in [example, *rows])
    out.append(("peak memory of the build", f"{peak:.0f} MiB (< 1536 MiB)", peak < 1536))
    out.append(("watch: save to new PDF", f"{max(watch):.2f} s worst of {len(watch)} (< 2 s)",
                max(watch) < 2))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 300-site protocol")
    parser.add_argument("--sizes", default=None, help="site counts, comma-separated (default 3,30,300)")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in (args.sizes or ("3,30" if args.quick else "3,30,300")).split(",")]

    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="trialdocs-bench-"))
    began = time.perf_counter()

    def log(message):
        print(f"[{time.perf_counter() - began:6.1f} s] {message}", file=sys.stderr, flush=True)

    try:
        src = snapshot(work / "src")
        log(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}")
        protocols = work / "protocol"
        protocols.mkdir()
        example_folder = protocols / EXAMPLE.name
        shutil.copytree(EXAMPLE, example_folder)
        example = measure_protocol(src, example_folder, work, "worked example", log)
        shutil.rmtree(example_folder)
        shutil.copytree(EXAMPLE, example_folder)
        log("watch latency ...")
        watch = watch_latency(src, example_folder, work / "out-watch")
        rows = []
        for n in sizes:
            log(f"generating {n} sites ...")
            folder = synthetic(protocols, n)
            rows.append(measure_protocol(src, folder, work, f"{n} sites", log))
        start = startup(src)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"trialdocs build benchmark, {dt.date.today().isoformat()}, {machine()}")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print(table(rows, example, watch, start))
    print()
    failed = 0
    for name, figure, ok in verdicts(rows, example, watch):
        print(f"{'ok  ' if ok else 'MISS'} {name}: {figure}")
        failed += not ok
    if args.json:
        args.json.write_text(json.dumps({"example": example, "rows": rows, "watch": watch,
                                         "startup": start, "machine": machine()}, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

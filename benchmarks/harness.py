"""What every benchmark shares: running ``kg build`` with its peak memory, and reporting.

A benchmark prints a table of measured values and ratios and writes the same figures,
with the machine and the kg commit they were measured on, to
``benchmarks/results/<name>.json`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
KG = str(Path(sys.executable).with_name("kg"))
SAMPLE_S = 0.05  # how often the memory of a running build is read
QUIET_PERCENT, QUIET_WAIT_S = 15.0, 180.0  # a run starts when other work uses less CPU


@dataclass
class Run:
    """One command's wall time and peak resident memory (sampled)."""

    seconds: float
    peak_rss_mb: float  # the process and all its descendants (workers) together
    main_rss_mb: float  # the process alone
    others_cpu: float  # share of the machine's CPU time that other programs took meanwhile
    steps: dict[str, float] = field(default_factory=dict)  # kg build's own seconds per step


def _quiet() -> None:
    """Wait (a while at most) until other programs leave the CPUs nearly idle."""
    deadline = time.monotonic() + QUIET_WAIT_S
    while psutil.cpu_percent(interval=2) > QUIET_PERCENT and time.monotonic() < deadline:
        pass


def _busy() -> float:
    """CPU seconds the whole machine has spent working since boot."""
    times = psutil.cpu_times()
    fields = ("user", "nice", "system", "irq", "softirq", "steal")
    return sum(getattr(times, field, 0.0) for field in fields)


def run(command: list[str]) -> tuple[Run, str]:
    """Run ``command`` to the end, reading its process tree's memory and CPU as it goes.

    The sum of resident sets over the tree counts pages shared between processes more
    than once, so it is an upper bound, never an underestimate. The run waits for a quiet
    machine first, and records how much CPU other programs took while it ran.
    """
    _quiet()
    busy = _busy()
    cpu: dict[int, float] = {}  # CPU seconds of each process of the tree, as last read
    peak = main = 0
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = psutil.Popen(command, stdout=output, stderr=errors)
        while process.poll() is None:
            try:
                tree = [process, *process.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            rss = 0
            for member in tree:
                with contextlib.suppress(psutil.NoSuchProcess):  # a worker that just ended
                    with member.oneshot():
                        rss += member.memory_info().rss
                        times = member.cpu_times()
                        cpu[member.pid] = times.user + times.system
                    if member is process:
                        main = max(main, rss)
            peak = max(peak, rss)
            time.sleep(SAMPLE_S)
        seconds = time.perf_counter() - start
        if process.wait() not in (0, 3):  # 3: built, some inputs skipped
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed:\n{errors.read().decode()}")
        output.seek(0)
        printed = output.read().decode()
    others = (_busy() - busy) - sum(cpu.values())
    share = max(0.0, others) / (seconds * (os.cpu_count() or 1))
    figures = round(seconds, 2), round(peak / 2**20, 1), round(main / 2**20, 1), round(share, 3)
    return Run(*figures), printed


def kg_build(paths: list[Path], out: Path, workers: int) -> Run:
    """Run ``kg build``, with the seconds of each step as its summary prints them
    ("seconds: read 0.31, extract 35.20, ..."); no progress bar, as stderr is no terminal."""
    result, printed = run([KG, "build", *map(str, paths), "--out", str(out),
                           "--workers", str(workers)])
    line = next(line for line in printed.splitlines() if line.startswith("seconds: "))
    pairs = (item.split() for item in line.removeprefix("seconds: ").split(", "))
    result.steps = {name: float(value) for name, value in pairs}
    return result


def machine() -> dict[str, Any]:
    """Where and on what code the figures were measured; load shows competing work."""
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "kg_commit": commit,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def report(name: str, rows: list[tuple[str, Any]], data: dict[str, Any]) -> Path:
    """Print ``rows`` as a two-column table and write ``data`` (and the machine) as JSON."""
    width = max(len(label) for label, _ in rows)
    print(f"\n{name}")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    text = json.dumps({**data, "machine": machine()}, indent=2, default=asdict)
    path.write_text(text + "\n", encoding="utf-8")
    print(f"  -> {path.relative_to(ROOT)}")
    return path


def verdict(value: float, target: float, higher_is_better: bool = True) -> str:
    met = value >= target if higher_is_better else value <= target
    return f"{'meets' if met else 'MISSES'} target {'>=' if higher_is_better else '<='} {target:g}"

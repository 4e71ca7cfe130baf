"""Where the first local sync's time and memory go: read + plan, then the write, in one process.

    python bench/profile_write.py [--rows 100000] [--units 5000]

Builds the workload (``bench/workload.py``), runs ``run_cycle(dry_run=True)`` (read, compute,
plan) and then ``LocalWorkbookBackend.write`` of the planned batch, timing each step and taking
the process's peak RSS (``ru_maxrss``, which only grows) after each; the write is also split into
its guard check (the cells the plan guards, read again from the file) and the patch itself.
Prints one line per step: seconds, peak MiB after it, and what the step added to the peak.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import workload  # noqa: E402

from sync.backends import local  # noqa: E402
from sync.config import load_config  # noqa: E402
from sync.cycle import run_cycle  # noqa: E402
from sync.rules.timeparse import parse_moment  # noqa: E402


def peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=5_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config_path = workload.build(Path(tmp), args.rows, args.units)
        gc.collect()
        config = load_config(config_path)
        backend = local.LocalWorkbookBackend(config.resolve(config.backend.workbook))
        now = parse_moment(workload.NOW, config.tz).at
        last = peak()
        print(f"{'step':<34} {'s':>7} {'peak MiB':>9} {'+MiB':>7}")
        print(f"{'start (workload built)':<34} {'':>7} {last:>9.0f}")

        def step(name: str, seconds: float) -> None:
            nonlocal last
            now_peak = peak()
            print(f"{name:<34} {seconds:>7.2f} {now_peak:>9.0f} {now_peak - last:>7.0f}", flush=True)
            last = now_peak

        t0 = time.perf_counter()
        result = run_cycle(config, backend, now, dry_run=True)
        step("read + compute + plan", time.perf_counter() - t0)
        batch = result.batches[""]
        print(f"# {batch.cell_count():,} cells, {len(batch.colours):,} colours, {len(batch.guards):,} guards")
        path = backend.path_of("")
        if hasattr(local, "_guarded_cells"):  # absent before the streaming patch
            t0 = time.perf_counter()
            current = local._guarded_cells(path, batch.guards)
            step("guarded cells read again", time.perf_counter() - t0)
            del current
        t0 = time.perf_counter()
        backend.write("", batch)
        step("write (guards + patch + save)", time.perf_counter() - t0)


if __name__ == "__main__":
    main()

"""Profile the cycle compute (parse, match, evaluate, plan; no I/O) on the scale workload.

    python bench/profile_compute.py [--rows 20000] [--units 5000] [--top 30] [--sort tottime]

Builds the workload of ``bench_scale.py``, reads it once, then runs ``read_state`` +
``plan_writes`` on the books in memory under cProfile and prints the top functions. Used to
find the hot spots recorded in docs/performance.md; times under the profiler are inflated.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import workload  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    args = parser.parse_args()

    from sync.backends.local import LocalWorkbookBackend
    from sync.config import load_config
    from sync.cycle import plan_writes, read_state
    from sync.rules.timeparse import parse_moment

    with tempfile.TemporaryDirectory() as tmp:
        config_path = workload.build(Path(tmp) / "w", args.rows, args.units)
        config = load_config(config_path)
        books = {"": LocalWorkbookBackend(config.resolve(config.backend.workbook)).read("")}

    now = parse_moment(workload.NOW, config.tz).at
    profile = cProfile.Profile()
    t0 = time.perf_counter()
    profile.enable()
    state = read_state(config, workload.InMemory(books), now)
    plan_writes(config, state)
    profile.disable()
    print(f"# {args.rows:,} responses x {args.units:,} units: {time.perf_counter() - t0:.2f} s "
          "under cProfile")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()

"""The local rows of issue 12's table, each against a baseline measured in the same run.

    python bench/bench_scale.py [--rows 100000] [--units 5000] [--repeat 3] [--only read compute ...]

Measures (medians of ``--repeat``; wall clock; every process a fresh interpreter where the row
says "whole process"):

* read: tonghop's local read of the workbook (``LocalWorkbookBackend.read``) vs pandas +
  calamine reading every tab (``pd.read_excel(sheet_name=None, engine="calamine")``), each
  a whole process;
* compute: the cycle without I/O (parse, match, evaluate, plan, on books already in memory)
  vs building a DataFrame of the same values; the median is a cycle of a running process
  (``tonghop run``: key caches and the roster's Matcher kept), the first run a fresh process's
  (each cron ``sync``);
* first / no-op: ``python main.py sync`` on a fresh workspace (writes everything), then again
  (writes nothing, but reads in full: the first sync saved the file), then once more (the
  steady no-op of cron: the workbook as kept by the no-op shortcut; the settled marker the
  cycle before left is removed first), then once more with that cycle's settled marker
  (nothing computed: sync/unattended/settled.py), vs openpyxl loading and saving the same
  workbook, each a whole process;
* memory: peak RSS of the first-sync process (``wait4`` rusage), against the 600 MiB goal of issue 12.

The workbook is the demo grown by ``bench/workload.py`` to ``--rows`` responses and ``--units``
units. Prints one line per measure: tonghop, baseline, ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import workload  # noqa: E402

READ_OURS = "from sync.backends.local import LocalWorkbookBackend as B; import sys; B(sys.argv[1]).read()"
READ_PANDAS = "import pandas as pd, sys; pd.read_excel(sys.argv[1], sheet_name=None, engine='calamine')"
LOAD_SAVE = "import openpyxl, io, sys; openpyxl.load_workbook(sys.argv[1]).save(io.BytesIO())"


def process(*args: str) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one child process; fails loudly if the child does.

    The child's stderr goes to a file, not a pipe: a child with more to say than a pipe holds
    (64 KB) would block on it while we wait for it to end."""
    with tempfile.TemporaryFile() as err_file:
        t0 = time.perf_counter()
        child = subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=err_file)
        _, status, usage = os.wait4(child.pid, 0)  # wait4: the child's own peak RSS
        seconds = time.perf_counter() - t0
        child.returncode = os.waitstatus_to_exitcode(status)
        err_file.seek(0)
        err = err_file.read().decode(errors="replace")
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {child.returncode}: {err[-800:]}")
    return seconds, usage.ru_maxrss / 1024


def compute_once(config_path: Path) -> tuple[float, float]:
    """(cycle compute s, DataFrame of the same values s), in this process."""
    import pandas as pd

    from sync.backends.local import LocalWorkbookBackend
    from sync.config import load_config
    from sync.cycle import plan_writes, read_state
    from sync.rules.timeparse import parse_moment

    config = load_config(config_path)
    disk = LocalWorkbookBackend(config.resolve(config.backend.workbook))
    books = {"": disk.read("")}

    now = parse_moment(workload.NOW, config.tz).at
    t0 = time.perf_counter()
    state = read_state(config, workload.InMemory(books), now)
    plan_writes(config, state)
    ours = time.perf_counter() - t0
    tables = []  # the same values, rows padded to the header's width (as a DataFrame needs)
    for tab in books[""].tabs.values():
        if tab.values:
            width = max(len(r) for r in tab.values)
            tables.append([list(r) + [None] * (width - len(r)) for r in tab.values])
    t0 = time.perf_counter()
    for values in tables:
        pd.DataFrame(values[1:], columns=[str(h) for h in values[0]])
    return ours, time.perf_counter() - t0


def median(values: list[float]) -> float:
    return statistics.median(values)


def line(name: str, ours: float, base: float, unit: str = "s", base_name: str = "") -> None:
    print(f"{name:<44} {ours:>9.2f} {unit:<3} {base:>9.2f} {unit:<3} {ours / base:>6.2f}  {base_name}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=["read", "compute", "sync"],
                        default=["read", "compute", "sync"])
    args = parser.parse_args()
    print(f"# {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{args.rows:,} responses x {args.units:,} units, medians of {args.repeat}")
    print(f"{'measure':<44} {'tonghop':>13} {'baseline':>13} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        pristine = Path(tmp) / "pristine"
        t0 = time.perf_counter()
        config = workload.build(pristine, args.rows, args.units)
        workbook = config.parent / "tonghop.xlsx"
        print(f"# workload built in {time.perf_counter() - t0:.1f} s: {workbook.stat().st_size / 1e6:.1f} MB",
              flush=True)
        if "read" in args.only:
            ours = [process("-c", READ_OURS, str(workbook))[0] for _ in range(args.repeat)]
            base = [process("-c", READ_PANDAS, str(workbook))[0] for _ in range(args.repeat)]
            line("local read (whole process)", median(ours), median(base),
                 base_name="pandas + calamine")
        if "compute" in args.only:
            runs = [compute_once(config) for _ in range(args.repeat)]
            line("cycle compute (parse, match, evaluate, plan)", median([r[0] for r in runs]),
                 median([r[1] for r in runs]), base_name="DataFrame of the same values")
            # the first run of a process keys every name and time and builds the roster's
            # Matcher (what each cron `sync` does); the later ones find the bounded key caches
            # and the roster's Matcher kept, as every cycle of a `tonghop run` after its first
            line("  first cycle of a process (cron sync)", runs[0][0], median([r[1] for r in runs]),
                 base_name="(the median DataFrame: pandas' first is slow too)")
        if "sync" in args.only:
            first, noop, steady, settled, peak, base = [], [], [], [], [], []
            for i in range(args.repeat):
                ws = Path(tmp) / f"run{i}"
                shutil.copytree(pristine, ws)
                cmd = ("main.py", "sync", "--config", str(ws / "config.toml"), "--now", workload.NOW)
                seconds, rss = process(*cmd)
                first.append(seconds)
                peak.append(rss)
                noop.append(process(*cmd)[0])  # reads in full: the first sync saved the file
                # the kept read and the compute, as before the settled marker (this run records
                # the marker again)
                (ws / "data" / "settled.json").unlink(missing_ok=True)
                steady.append(process(*cmd)[0])  # the workbook as kept
                settled.append(process(*cmd)[0])  # what cron sees after: the marker, no compute
                base.append(process("-c", LOAD_SAVE, str(workbook))[0])
                shutil.rmtree(ws)
            b = median(base)
            line("first local sync (whole CLI)", median(first), b, base_name="openpyxl load + save")
            line("no-op local sync after a write", median(noop), b, base_name="openpyxl load + save")
            line("no-op local sync, steady (kept read)", median(steady), b,
                 base_name="openpyxl load + save")
            line("no-op local sync, settled (marker)", median(settled), b,
                 base_name="openpyxl load + save")
            line("peak memory, first sync", max(peak), 600, "MiB", "goal")


if __name__ == "__main__":
    main()

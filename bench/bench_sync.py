"""How long a sync cycle takes on the local workbook as the responses tab grows.

Baseline, measured in the same run: openpyxl loading and saving the same workbook (the I/O floor
of the local backend). Prints one line per size: cycle times (first cycle writes everything, the
second finds nothing to change) and their ratio to the baseline.

    python bench/bench_sync.py [--rows 1000 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync.backends.local import LocalWorkbookBackend  # noqa: E402
from sync.config import load_config  # noqa: E402
from sync.cycle import run_cycle  # noqa: E402
from sync.demo import build_workspace, roster  # noqa: E402
from sync.rules.timeparse import parse_moment  # noqa: E402


def grow(workbook: Path, rows: int) -> None:
    """Replace the first responses tab with `rows` responses spread over the roster."""
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Câu trả lời biểu mẫu 1"]
    header = [c.value for c in ws[1]]
    template = [c.value for c in ws[2]]
    ws.delete_rows(2, ws.max_row)
    units = roster()
    start = datetime(2023, 6, 1)
    name_col = header.index("Tên đơn vị")
    for i in range(rows):
        row = list(template)
        row[0] = start + timedelta(minutes=i)
        row[name_col] = units[i % len(units)][1]
        ws.append(row)
    wb.save(workbook)


def load_and_save(path: Path) -> None:
    openpyxl.load_workbook(path).save(io.BytesIO())


def one_cycle(config, workbook: Path, now) -> None:
    run_cycle(config, LocalWorkbookBackend(workbook), now)


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'rows':>7} {'baseline s':>11} {'1st cycle s':>12} {'ratio':>6} {'no-op s':>8} {'ratio':>6}")
    for rows in args.rows:
        base, first, noop = [], [], []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                config_path = build_workspace(Path(tmp) / "ws")
                workbook = config_path.parent / "tonghop.xlsx"
                grow(workbook, rows)
                pristine = Path(tmp) / "pristine.xlsx"
                shutil.copy(workbook, pristine)
                base.append(timed(partial(load_and_save, pristine)))
                config = load_config(config_path)
                now = parse_moment("2023-06-20T10:00", config.tz).at
                cycle = partial(one_cycle, config, workbook, now)
                first.append(timed(cycle))
                noop.append(timed(cycle))
        b, f, n = (statistics.median(x) for x in (base, first, noop))
        print(f"{rows:>7} {b:>11.2f} {f:>12.2f} {f / b:>6.2f} {n:>8.2f} {n / b:>6.2f}")


if __name__ == "__main__":
    main()

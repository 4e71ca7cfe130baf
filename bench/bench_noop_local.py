"""The local no-op shortcut: an unchanged workbook's kept Book against parsing the .xlsx.

    python bench/bench_noop_local.py [--rows 100000] [--units 5000] [--repeat 3]

The workload of bench_scale.py (the demo grown by ``bench/workload.py``), settled: a first
``sync`` writes everything, a second reads that in full and writes nothing. Then, alternating
(medians of ``--repeat``):

* the read alone, in this process: ``LocalWorkbookBackend.read`` with ``skip_unchanged = false``
  (calamine parses the file) and ``= true`` (size, mtime and SHA-256 of the file match: the kept
  Book is loaded from ``<data_dir>/local-reads/``);
* a no-op ``python main.py sync`` (whole process) with the shortcut off and on: the same cycle,
  the same verdicts, nothing written either way;
* the same with the settled marker (``[backend] settled_skip``, sync/unattended/settled.py): a
  cycle records it (untimed), the next one checks the workbook's identity and skips the cycle.
  Timed as a whole process and, in this process, as ``sync_once`` (the whole cycle, lock
  included), beside ``sync_once`` with the shortcut alone (settled_skip = false).

Also printed once: what keeping costs a full read (hashing the file, writing the kept Book) and
the kept file's size.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import workload  # noqa: E402
from bench_scale import process  # noqa: E402

from sync.backends import open_backend  # noqa: E402
from sync.backends.unchanged import BookCache  # noqa: E402
from sync.config import load_config  # noqa: E402
from sync.rules.timeparse import parse_moment  # noqa: E402
from sync.unattended.job import sync_once  # noqa: E402


def set_shortcut(config_path: Path, on: bool, settled: bool = False) -> None:
    text = config_path.read_text(encoding="utf-8")
    for key in ("skip_unchanged", "settled_skip"):
        text = text.replace(f"{key} = true\n", "").replace(f"{key} = false\n", "")
    keys = f"skip_unchanged = {str(on).lower()}\nsettled_skip = {str(settled).lower()}\n"
    config_path.write_text(text.replace("[backend]\n", f"[backend]\n{keys}", 1), encoding="utf-8")


def cycle_in_process(config_path: Path, skipped: bool) -> float:
    """The whole ``sync_once`` of a no-op cycle in this process (lock, read or check, log)."""
    config = load_config(config_path)
    now = parse_moment(workload.NOW, config.tz).at
    t0 = time.perf_counter()
    outcome = sync_once(config, now)
    seconds = time.perf_counter() - t0
    assert (outcome.unchanged_since is not None) == skipped, "settled marker not used as expected"
    assert not outcome.result.batches, "a no-op cycle planned a write"
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"# {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{args.rows:,} responses x {args.units:,} units, medians of {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        config_path = workload.build(Path(tmp) / "ws", args.rows, args.units)
        workbook = config_path.parent / "tonghop.xlsx"
        sync = ("main.py", "sync", "--config", str(config_path), "--now", workload.NOW)
        process(*sync)  # writes everything
        process(*sync)  # reads that in full, writes nothing: the kept Book is now current
        config = load_config(config_path)
        off = dataclasses.replace(config, backend=dataclasses.replace(config.backend,
                                                                      skip_unchanged=False))
        mtime = workbook.stat().st_mtime_ns
        reads: dict[str, list[float]] = {"off": [], "on": []}
        syncs: dict[str, list[float]] = {"off": [], "on": [], "settled": []}
        cycles: dict[str, list[float]] = {"on": [], "settled": []}
        for _ in range(args.repeat):
            for name, settings in (("off", off), ("on", config)):
                backend = open_backend(settings)
                t0 = time.perf_counter()
                backend.read("")
                reads[name].append(time.perf_counter() - t0)
                assert backend.parsed == (1 if name == "off" else 0), "shortcut not taken"
            for name in ("off", "on"):
                set_shortcut(config_path, name == "on")
                syncs[name].append(process(*sync)[0])
            cycles["on"].append(cycle_in_process(config_path, skipped=False))
            set_shortcut(config_path, True, settled=True)
            process(*sync)  # a config change: this cycle runs, ends settled, records the marker
            syncs["settled"].append(process(*sync)[0])
            cycles["settled"].append(cycle_in_process(config_path, skipped=True))
        assert workbook.stat().st_mtime_ns == mtime, "a no-op sync wrote the workbook"
        data = workbook.read_bytes()
        t0 = time.perf_counter()
        hashlib.sha256(data).hexdigest()
        hashing = time.perf_counter() - t0
        book = open_backend(off).read("")
        cache = BookCache(Path(tmp) / "kept")
        t0 = time.perf_counter()
        cache.put("x", (1, 2, "h"), book)
        keeping = time.perf_counter() - t0
        kept_mb = (Path(tmp) / "kept" / "x.pickle").stat().st_size / 1e6
    r_off, r_on = statistics.median(reads["off"]), statistics.median(reads["on"])
    s_off, s_on = statistics.median(syncs["off"]), statistics.median(syncs["on"])
    print(f"workbook {len(data) / 1e6:.1f} MB; kept Book {kept_mb:.1f} MB")
    print(f"the read alone: parsed {r_off:.2f} s, kept {r_on:.2f} s (ratio {r_on / r_off:.2f})")
    print(f"no-op sync (whole CLI): shortcut off {s_off:.2f} s, on {s_on:.2f} s "
          f"(ratio {s_on / s_off:.2f})")
    t_set = statistics.median(syncs["settled"])
    c_on, c_set = statistics.median(cycles["on"]), statistics.median(cycles["settled"])
    print(f"no-op sync (whole CLI) with the settled marker: {t_set:.2f} s (ratio {t_set / s_on:.2f} "
          f"to the shortcut alone, {t_set / s_off:.2f} to neither)")
    print(f"no-op cycle in process (sync_once): shortcut alone {c_on:.2f} s, settled marker "
          f"{c_set * 1000:.1f} ms (ratio {c_set / c_on:.4f})")
    print(f"what keeping adds to a full read: SHA-256 of the file {hashing * 1000:.0f} ms, "
          f"writing the kept Book {keeping:.2f} s")


if __name__ == "__main__":
    main()

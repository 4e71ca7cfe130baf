"""The local no-op shortcut: an unchanged workbook's kept Book against parsing the .xlsx.

    python bench/bench_noop_local.py [--rows 100000] [--units 5000] [--repeat 3]

The workload of bench_scale.py (the demo grown by ``bench/workload.py``), settled: a first
``sync`` writes everything, a second reads that in full and writes nothing. Then, alternating
(medians of ``--repeat``):

* the read alone, in this process: ``LocalWorkbookBackend.read`` with ``skip_unchanged = false``
  (calamine parses the file) and ``= true`` (size, mtime and SHA-256 of the file match: the kept
  Book is loaded from ``<data_dir>/local-reads/``);
* a no-op ``python main.py sync`` (whole process) with the shortcut off and on: the same cycle,
  the same verdicts, nothing written either way.

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


def set_shortcut(config_path: Path, on: bool) -> None:
    text = config_path.read_text(encoding="utf-8")
    text = text.replace("skip_unchanged = true\n", "").replace("skip_unchanged = false\n", "")
    config_path.write_text(text.replace("[backend]\n", f"[backend]\nskip_unchanged = {str(on).lower()}\n", 1),
                           encoding="utf-8")


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
        syncs: dict[str, list[float]] = {"off": [], "on": []}
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
    print(f"what keeping adds to a full read: SHA-256 of the file {hashing * 1000:.0f} ms, "
          f"writing the kept Book {keeping:.2f} s")


if __name__ == "__main__":
    main()

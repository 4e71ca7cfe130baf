"""Many offices on one machine and one Google account: 126 wards x 4 campaigns, simulated.

    python bench/bench_fleet.py [--offices 126] [--campaigns 4] [--hours 2] [--every 15 30]

Each office is a config whose control spreadsheet lists ``--campaigns`` campaigns, each in its own
Forms spreadsheet, all in the in-process fake and all signing in as one service account. The
multi-office loop (``sync.unattended.fleet``) runs them with the quota buckets
(``sync.unattended.quota``) on a simulated clock, each cycle inline: the real cycles, the real
gspread + google-auth stack, only time is simulated. Per interval it prints:

* requests counted by the fake: the first round, then Sheets reads per no-op round, and the most
  reads/writes seen in any 60 s window (Google's limit: 60 per user);
* the smallest interval that fits the quota (no-op reads per round / 60 a minute), without and
  with a no-op shortcut (a Drive ``files.get`` per spreadsheet, which is not counted against the
  Sheets quota, plus full reads only for the spreadsheets that changed: computed, the shortcut is
  not in this branch);
* cycles per office per hour achieved, and slots skipped because an office had not finished;
* CPU seconds per simulated hour spent by tonghop (the fake's own time subtracted) and the peak
  RSS of the process (the fake's spreadsheets included).
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_google import write_key  # noqa: E402

from sync.unattended import offices as O  # noqa: E402
from sync.unattended.fleet import Fleet  # noqa: E402
from sync.unattended.quota import Kind, Quotas, kind_of  # noqa: E402
from tests.test_fleet import START, SimTime, TimedFake, most_in_a_minute, office_in_fake  # noqa: E402


class MeteredFake(TimedFake):
    def __init__(self, clock):
        super().__init__(clock)
        self.cpu = 0.0

    def handle(self, request, timeout=None):
        t0 = time.process_time()
        try:
            return super().handle(request, timeout)
        finally:
            self.cpu += time.process_time() - t0


def simulate(offices: int, campaigns: int, every: int, hours: float, tmp: Path, changed: float) -> None:
    sim = SimTime(until=START + timedelta(hours=hours))
    fake = MeteredFake(sim.seconds)
    key = write_key(tmp / f"key{every}.json")
    paths = [office_in_fake(fake, tmp / f"e{every}" / f"phuong{i:03d}", key, campaigns, every)
             for i in range(offices)]
    configs = O.load_configs(paths)
    quotas = Quotas(sim.seconds, sim.sleep)
    fleet_offices = O.build_offices(configs, quotas, session_for=lambda config: fake.session())
    fleet = Fleet(fleet_offices, sim, io.StringIO(), sleep=sim.sleep, inline=True)
    sim.fleet = fleet
    cpu0 = time.process_time()
    fleet.run()
    cpu = time.process_time() - cpu0 - fake.cpu

    spreadsheets = offices * (campaigns + 1)
    kinds = [kind_of(r.method, r.url) for r in fake.requests]
    reads = [t for k, t in zip(kinds, fake.times, strict=True) if k is Kind.READ]
    writes = [t for k, t in zip(kinds, fake.times, strict=True) if k is Kind.WRITE]
    cycles = sum(o.cycles for o in fleet_offices)
    noop_reads_per_round = round(len(reads) / cycles * offices)  # reads do not depend on changes
    per_hour = cycles / offices / hours
    fits = noop_reads_per_round / 60
    sustained = noop_reads_per_round / (60 - quotas.limits.burst)  # the bucket's steady rate
    shortcut_reads = 2 * spreadsheets * changed
    print(f"every {every:>3} min | {len(reads):>6,} reads {len(writes):>5,} writes | most in a minute: "
          f"{most_in_a_minute(reads)} reads, {most_in_a_minute(writes)} writes | "
          f"{per_hour:.2f} cycles/office/h (asked {60 / every:.2f}), "
          f"{sum(o.skipped for o in fleet_offices)} slots skipped | waited for quota "
          f"{quotas.waited / 3600:.1f} h in all | CPU {cpu / hours:.0f} s per hour "
          f"({cpu / max(cycles, 1) * 1000:.0f} ms a cycle)", flush=True)
    print(f"   {spreadsheets} spreadsheets: a no-op round reads {noop_reads_per_round} times -> fits "
          f"the 60 reads/min quota at every >= {fits:.1f} min (the bucket's steady {60 - quotas.limits.burst}/min: "
          f">= {sustained:.1f} min); with a no-op shortcut and "
          f"{changed:.0%} changed per round: {spreadsheets} Drive files.get (not Sheets quota) + "
          f"{shortcut_reads:.0f} reads -> every >= {max(shortcut_reads / 60, 1):.1f} min", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=126)
    parser.add_argument("--campaigns", type=int, default=4)
    parser.add_argument("--hours", type=float, default=2)
    parser.add_argument("--every", type=int, nargs="+", default=[15, 30])
    parser.add_argument("--changed", type=float, default=0.1,
                        help="share of spreadsheets changed per round, for the shortcut figure")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # 126 offices' summary lines would drown the figures
    print(f"# {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{args.offices} offices x {args.campaigns} campaigns on one service account, "
          f"{args.hours:g} simulated hours each")
    with tempfile.TemporaryDirectory() as tmp:
        for every in args.every:
            simulate(args.offices, args.campaigns, every, args.hours, Path(tmp), args.changed)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()

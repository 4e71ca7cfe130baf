"""Many offices on one machine and one Google account: 126 wards x 4 campaigns, simulated.

    python bench/bench_fleet.py [--offices 126] [--campaigns 4] [--hours 2] [--every 15 30]
                                [--shortcut off on] [--changed 0.1]

Each office is a config whose control spreadsheet lists ``--campaigns`` campaigns, each in its own
Forms spreadsheet, all in the in-process fake and all signing in as one service account. The
multi-office loop (``sync.unattended.fleet``) runs them with the quota buckets
(``sync.unattended.quota``) on a simulated clock, each cycle inline: the real cycles, the real
gspread + google-auth stack, only time is simulated. Before each of its cycles an office's
spreadsheets are each edited with probability ``--changed`` (a staff note in the control
spreadsheet, an answer retyped in a Forms spreadsheet; seeded, the same in every run).

``--shortcut on``: the offices send drafts to a Drive folder, so the robot signs in with a Drive
scope and the no-op shortcut is on (a Drive ``files.get`` per spreadsheet first, a full read only
when its version moved; those requests go through the Drive bucket). ``off``: no Drive scope,
every cycle reads every spreadsheet in full. Each (interval, shortcut) runs in a child process
of its own, so its peak memory is its own. Per run it prints:

* requests counted by the fake: Sheets reads, writes and Drive requests, and the most seen in any
  60 s window (Google's limits: 60 reads, 60 writes per user; Drive 12,000);
* per round (every office once) after the first two (the first writes the tool's tabs, the
  second reads all that back): Sheets reads and Drive requests, measured; the smallest interval
  that fits the read quota at that rate (at Google's 60 a minute and at the bucket's steady 50);
* cycles per office per hour achieved (asked), over the run and in its last hour (after the
  first rounds, which write the tool's tabs everywhere and cost ~1,500 reads), and slots skipped
  because an office had not finished (the quota held it back);
* CPU seconds per simulated hour spent by tonghop (the fake's own time subtracted) and the peak
  RSS of the process (the fake's spreadsheets included).
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
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


def edits(fake, office_jobs, configs, changed: float, steady: Counter, last_hour, seed: int = 7):
    """Wrap each office's job: before a cycle, each of its spreadsheets is edited with
    probability ``changed`` (deterministic per office and cycle). ``steady`` counts the requests
    by kind of every cycle but an office's first two (the first writes the tool's tabs, so the
    second reads everything again), the cycles, and
    the cycles that started in the last simulated hour (from ``last_hour``)."""
    from sync.rules import headers as H

    for i, (office, config) in enumerate(zip(office_jobs, configs, strict=True)):
        control = config.backend.spreadsheet
        rows = fake.values(control, H.CAMPAIGNS_TAB)
        col = rows[0].index(H.CAMPAIGN_SPREADSHEET[0])
        forms = [r[col] for r in rows[1:]]
        job = office.job

        def run(now, job=job, i=i, office=office, control=control, forms=forms):
            rng = random.Random(f"{seed}-{i}-{office.cycles}")
            if rng.random() < changed:
                fake.set_values(control, H.ROSTER_TAB, "F2", [[f"ghi chú {office.cycles}"]])
            for sid in forms:
                if rng.random() < changed:
                    fake.set_values(sid, "Form Responses 1", "C2", [[f"Báo cáo sửa {office.cycles}"]])
            before = len(fake.requests)
            try:
                return job(now)
            finally:
                if now >= last_hour:
                    steady["last hour"] += 1
                if office.cycles > 2:  # inline: every request since `before` is this cycle's
                    steady["cycles"] += 1
                    steady.update(kind_of(r.method, r.url) for r in fake.requests[before:])
        office.job = run


def simulate(offices: int, campaigns: int, every: int, hours: float, tmp: Path, changed: float,
             shortcut: bool) -> None:
    sim = SimTime(until=START + timedelta(hours=hours))
    fake = MeteredFake(sim.seconds)
    key = write_key(tmp / f"key{every}.json")
    folder = fake.add_drive_folder(name="Dự thảo", shared_drive=True) if shortcut else ""
    # off: the shortcut and the settled marker switched off in the config (a robot without a
    # folder asks drive.metadata.readonly, which would turn them on)
    paths = [office_in_fake(fake, tmp / f"e{every}" / f"phuong{i:03d}", key, campaigns, every, folder,
                            full_reads=not shortcut)
             for i in range(offices)]
    configs = O.load_configs(paths)
    quotas = Quotas(sim.seconds, sim.sleep)
    fleet_offices = O.build_offices(configs, quotas, session_for=lambda config: fake.session())
    steady: Counter = Counter()
    edits(fake, fleet_offices, configs, changed, steady, START + timedelta(hours=hours - 1))
    fleet = Fleet(fleet_offices, sim, io.StringIO(), sleep=sim.sleep, inline=True)
    sim.fleet = fleet
    cpu0 = time.process_time()
    fleet.run()
    cpu = time.process_time() - cpu0 - fake.cpu

    spreadsheets = offices * (campaigns + 1)
    kinds = [kind_of(r.method, r.url) for r in fake.requests]
    at = {k: [t for kind, t in zip(kinds, fake.times, strict=True) if kind is k] for k in Kind}
    reads, writes, drive = at[Kind.READ], at[Kind.WRITE], at[Kind.DRIVE]
    cycles = sum(o.cycles for o in fleet_offices)
    reads_per_round = steady[Kind.READ] / max(steady["cycles"], 1) * offices  # after the first
    drive_per_round = steady[Kind.DRIVE] / max(steady["cycles"], 1) * offices
    per_hour = cycles / offices / hours
    skipped = sum(o.skipped for o in fleet_offices)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"shortcut {'on ' if shortcut else 'off'} every {every:>3} min | {len(reads):>6,} reads "
          f"{len(writes):>5,} writes {len(drive):>6,} Drive | most in a minute: {most_in_a_minute(reads)} "
          f"reads, {most_in_a_minute(writes)} writes, {most_in_a_minute(drive)} Drive | "
          f"{per_hour:.2f} cycles/office/h (asked {60 / every:.2f}; in the last hour "
          f"{steady['last hour'] / offices:.2f}), {skipped} slots skipped | "
          f"CPU {cpu / hours:.0f} s per hour ({cpu / max(cycles, 1) * 1000:.0f} ms a cycle) | "
          f"peak RSS {peak:.0f} MiB", flush=True)
    print(f"   {spreadsheets} spreadsheets, each edited before {changed:.0%} of cycles; after the "
          f"first two rounds, a round reads {reads_per_round:.0f} times and asks Drive "
          f"{drive_per_round:.0f} times -> fits the 60 "
          f"reads/min quota at every >= {reads_per_round / 60:.1f} min (the bucket's steady "
          f"{60 - quotas.limits.burst}/min: >= {reads_per_round / (60 - quotas.limits.burst):.1f} min)",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=126)
    parser.add_argument("--campaigns", type=int, default=4)
    parser.add_argument("--hours", type=float, default=2)
    parser.add_argument("--every", type=int, nargs="+", default=[15, 30])
    parser.add_argument("--shortcut", nargs="+", choices=["off", "on"], default=["off", "on"])
    parser.add_argument("--changed", type=float, default=0.1,
                        help="probability that a spreadsheet is edited before a cycle")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # 126 offices' summary lines would drown the figures
    if args.child:  # one (interval, shortcut) in this process
        with tempfile.TemporaryDirectory() as tmp:
            simulate(args.offices, args.campaigns, args.every[0], args.hours, Path(tmp),
                     args.changed, args.shortcut[0] == "on")
        return
    print(f"# {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{args.offices} offices x {args.campaigns} campaigns on one service account, "
          f"{args.hours:g} simulated hours each", flush=True)
    for mode in args.shortcut:
        for every in args.every:
            subprocess.run([sys.executable, __file__, "--child", "--offices", str(args.offices),
                            "--campaigns", str(args.campaigns), "--hours", str(args.hours),
                            "--every", str(every), "--shortcut", mode, "--changed", str(args.changed)],
                           check=True)


if __name__ == "__main__":
    main()

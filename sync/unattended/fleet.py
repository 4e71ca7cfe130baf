"""Many offices in one process: `run --config A.toml --config B.toml ...` (or a folder of configs).
Each office syncs every ``[schedule] every_minutes`` and writes its drafts daily at ``report_at``.

Each office (one config) keeps its own cycle, lock, data folder, log file, snapshots and reminder
ledger; what they share is the process and, per Google account, the quota (``sync.unattended.quota``).

- **Spread over the interval.** Office i of n starts at ``start + i/n x its interval`` and then
  syncs every ``[schedule] every_minutes`` on its own grid, so 126 offices on a 15-minute interval
  do not all read at :00. A cycle that overruns skips the slots it overran (never queues them).
- **No office delays another.** Offices run in lanes, one per Google account (local workbooks
  share one lane), each lane a few worker threads. An office waiting for its account's quota, a
  slow spreadsheet, a failed cycle or a lock held by a `sync` from cron takes at most one worker of
  its own lane; the loop itself never waits for a cycle. An office still running when its next
  slot comes is skipped for that slot.
- **Time is injected**: ``clock`` (aware datetimes) and ``sleep``; ``inline=True`` runs each cycle
  in the loop's thread, which makes a simulated hour deterministic in tests and in the bench.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from datetime import time as dtime
from typing import TextIO

from sync.errors import LockedError, TonghopError
from sync.rules.text import one_line
from sync.unattended.scheduler import install_stop_signals, short_time, write_stamped

log = logging.getLogger(__name__)

MAX_NAP_SECONDS = 60.0

Clock = Callable[[], datetime]
Job = Callable[[datetime], str]


@dataclass
class Office:
    """One config's unattended work, in the lane of its account: a sync job every ``every`` and,
    with ``drafts`` and ``report_at``, the drafts once a day at that local time."""

    name: str
    job: Job
    every: timedelta
    lane: str = "local"  # the Google account it signs in as; "local" for workbooks
    drafts: Job | None = None
    report_at: dtime | None = None
    tz: tzinfo | None = None  # report_at is wall-clock time there (default: the loop's clock's)
    next_run: datetime | None = None
    drafts_next: datetime | None = None
    cycles: int = 0
    drafts_runs: int = 0
    skipped: int = 0  # slots missed: the previous cycle still running, or the loop running late
    running: Future | None = field(default=None, repr=False)

    def busy(self) -> bool:
        return self.running is not None and not self.running.done()


class Fleet:
    """The loop for many offices; see the module docstring."""

    def __init__(self, offices: Sequence[Office], clock: Clock, out: TextIO, *,
                 sleep: Callable[[float], None] | None = None, workers: int = 2,
                 inline: bool = False, office_scope: Callable[[str], object] | None = None):
        if not offices:
            raise ValueError("no offices to run")
        self.offices = list(offices)
        self.clock, self.out, self.inline = clock, out, inline
        self.workers = max(1, workers)
        self.stopping, self.stop_reason = False, ""
        self._wake = threading.Event()
        self.sleep = sleep or self._wake.wait
        self.office_scope = office_scope  # a context manager per job (the office's log file)
        self._lanes: dict[str, ThreadPoolExecutor] = {}
        self._print_lock = threading.Lock()
        start = clock()
        count = len(self.offices)
        for i, office in enumerate(self.offices):
            office.next_run = start + office.every * i / count
            if office.drafts is not None and office.report_at is not None:
                office.drafts_next = next_daily(office.report_at, start, office.tz)

    # --- the loop ---------------------------------------------------------------------------
    def stop(self, reason: str = "") -> None:
        self.stopping, self.stop_reason = True, reason
        self._wake.set()

    def run(self, handle_signals: bool = False) -> int:
        previous = install_stop_signals(self) if handle_signals else {}
        try:
            while not self.stopping:
                self.run_pending()
                if self.stopping:
                    break
                self.sleep(min(max(self.idle_seconds(), 0.0), MAX_NAP_SECONDS))
        finally:
            for lane in self._lanes.values():
                lane.shutdown(wait=True, cancel_futures=True)  # running cycles finish; no more start
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        cycles = sum(o.cycles for o in self.offices)
        reason = f" ({self.stop_reason})" if self.stop_reason else ""
        self._print(f"stopped{reason} after {cycles} sync{'' if cycles == 1 else 's'} "
                    f"of {len(self.offices)} offices")
        log.info("run: stopped (%s) after %d syncs", self.stop_reason or "requested", cycles)
        return 0

    def idle_seconds(self) -> float:
        now = self.clock()
        waiting = [o.next_run for o in self.offices if o.next_run is not None]
        # Drafts that are due wait for their office's running cycle: look again in a second.
        waiting += [max(o.drafts_next, now + timedelta(seconds=1)) if o.busy() else o.drafts_next
                    for o in self.offices if o.drafts_next is not None]
        return (min(waiting) - now).total_seconds() if waiting else MAX_NAP_SECONDS

    def run_pending(self) -> None:
        """Start every office whose slot has come (skipping those still running)."""
        now = self.clock()
        for office in self.offices:
            if self.stopping:
                return
            if office.drafts_next is not None and now >= office.drafts_next and not office.busy():
                office.drafts_next = next_daily(office.report_at, now, office.tz)  # wait, never skip
                self._start(office, "drafts", office.drafts)
                now = self.clock()
            if office.next_run is None or now < office.next_run:
                continue
            at = office.next_run
            office.next_run = _next_slot(at, office.every, now)
            overrun = (office.next_run - at) // office.every - 1  # slots that passed meanwhile
            if overrun:
                office.skipped += overrun
                log.info("%s: %d sync slots skipped: the office is running late", office.name, overrun)
            if office.busy():
                office.skipped += 1
                log.warning("%s: sync at %s skipped: the previous cycle is still running",
                            office.name, at.strftime("%H:%M:%S"))
                continue
            self._start(office, "sync", office.job)
            now = self.clock()  # an inline cycle takes (simulated) time

    def _start(self, office: Office, what: str, job: Job) -> None:
        if self.inline:
            self._finish(office, self._guarded(office, what, job))
            return
        future = self._lane(office.lane).submit(self._guarded, office, what, job)
        future.add_done_callback(lambda f, o=office: self._finish(o, f.result()))
        office.running = future

    # --- internals --------------------------------------------------------------------------
    def _lane(self, name: str) -> ThreadPoolExecutor:
        if name not in self._lanes:
            self._lanes[name] = ThreadPoolExecutor(self.workers, thread_name_prefix=f"lane-{name[:20]}")
        return self._lanes[name]

    def _guarded(self, office: Office, what: str, job: Job) -> str:
        at = self.clock()
        if what == "sync":
            office.cycles += 1
        else:
            office.drafts_runs += 1
        scope = self.office_scope(office.name) if self.office_scope else None
        try:
            if scope is not None:
                scope.__enter__()
            try:
                return f"{what}: {job(at)}"
            except LockedError as err:
                log.warning("%s skipped: %s", what, one_line(err, 500))
                return f"{what} skipped: {one_line(err, 300)}"
            except TonghopError as err:
                log.error("%s failed: %s", what, one_line(err, 2000))
                return f"{what} failed: {one_line(err, 300)}"
            except Exception as err:  # one office's bad cycle must not end the others' weeks
                log.exception("%s failed with an unexpected error", what)
                return f"{what} failed: unexpected error: {one_line(err, 300)}"
        finally:
            if scope is not None:
                scope.__exit__(None, None, None)

    def _finish(self, office: Office, line: str) -> None:
        drafts = f", drafts {self._when(office.drafts_next)}" if office.drafts_next else ""
        self._print(f"{office.name}: {line} | next {self._when(office.next_run)}{drafts}")

    def _print(self, line: str) -> None:
        with self._print_lock:
            write_stamped(self.out, self.clock(), line)

    def _when(self, moment: datetime | None) -> str:
        return short_time(moment, self.clock(), seconds=True)


def next_daily(at: dtime, now: datetime, tz: tzinfo | None = None) -> datetime:
    """The first ``at`` (wall-clock time in ``tz``, default ``now``'s zone) after ``now``."""
    now = now.astimezone(tz) if tz is not None else now
    day = now.date()
    upcoming = datetime.combine(day, at, now.tzinfo)
    while upcoming <= now:
        day += timedelta(days=1)
        upcoming = datetime.combine(day, at, now.tzinfo)
    return upcoming


def _next_slot(at: datetime, every: timedelta, now: datetime) -> datetime:
    """The next slot on ``at``'s grid after ``now`` (overrun slots are skipped, not queued)."""
    upcoming = at + every
    if upcoming <= now:
        upcoming += every * ((now - upcoming) // every + 1)
    return upcoming

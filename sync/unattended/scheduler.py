"""`tonghop run`: sync every N minutes and write drafts at a fixed local time each day.

Built on the ``schedule`` library, with one change: its jobs read ``datetime.now()`` (naive, the
machine's zone) and take no clock, so :class:`ClockedJob` asks the scheduler's injected ``clock``
instead (aware, the configured timezone). Tests drive the loop with a fake clock and a fake sleep;
the real process uses the wall clock and an Event that a signal wakes.

- The first sync runs at start, then every ``every_minutes`` on the same grid (a cycle longer
  than the interval skips the slots it overran instead of queueing them).
- SIGTERM/SIGINT: the current cycle finishes, then the loop stops (a second SIGINT interrupts).
- A failed cycle is logged and printed; the next one runs as planned.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TextIO

import schedule

from sync.errors import LockedError, TonghopError
from sync.logs import SHOWN
from sync.rules.text import one_line

log = logging.getLogger(__name__)

MAX_NAP_SECONDS = 60.0  # look at the clock at least this often (suspend, clock changes)

Clock = Callable[[], datetime]
Job = Callable[[datetime], str]
"""A job gets the moment it runs at and returns one line for the console."""


class ClockedScheduler(schedule.Scheduler):
    def __init__(self, clock: Clock, on_done: Callable[[ClockedJob, object], None] | None = None):
        super().__init__()
        self.clock, self.on_done = clock, on_done

    def every(self, interval: int = 1) -> ClockedJob:
        return ClockedJob(interval, self)

    @property
    def idle_seconds(self) -> float | None:
        upcoming = self.get_next_run()
        return None if upcoming is None else (upcoming - self.clock()).total_seconds()


class ClockedJob(schedule.Job):
    scheduler: ClockedScheduler

    @property
    def should_run(self) -> bool:
        return self.scheduler.clock() >= self.next_run

    def run(self):
        result = self.job_func()
        self.last_run = self.scheduler.clock()
        self._schedule_next_run()
        if self.scheduler.on_done is not None:
            self.scheduler.on_done(self, result)
        return result

    def _schedule_next_run(self) -> None:
        now = self.scheduler.clock()
        if self.unit == "days" and self.at_time is not None:
            day = now.date()
            upcoming = datetime.combine(day, self.at_time, now.tzinfo)
            while upcoming <= now:
                day += timedelta(days=self.interval)
                upcoming = datetime.combine(day, self.at_time, now.tzinfo)
        else:
            period = timedelta(**{self.unit: self.interval})
            upcoming = (self.next_run or now) + period
            if upcoming <= now:  # overran: next slot on the same grid
                upcoming += period * ((now - upcoming) // period + 1)
        self.next_run = upcoming


class Service:
    """The loop. ``sleep`` waits (and may be cut short by a stop); tests advance a fake clock."""

    def __init__(self, every_minutes: int, report_at: str, clock: Clock, sync_job: Job,
                 report_job: Job | None, out: TextIO, sleep: Callable[[float], None] | None = None):
        self.clock, self.out = clock, out
        self.stopping, self.stop_reason = False, ""
        self._wake = threading.Event()
        self.sleep = sleep or self._wake.wait
        self.cycles = 0
        self.scheduler = ClockedScheduler(clock, self._report)
        self.sync = self.scheduler.every(every_minutes).minutes.do(self._guard, "sync", sync_job)
        self.sync.next_run = clock()  # the first sync at start
        self.drafts = None
        if report_job is not None and report_at:
            self.drafts = self.scheduler.every().day.at(report_at).do(
                self._guard, "drafts", report_job)

    def stop(self, reason: str = "") -> None:
        """Stop after the current job (safe from a signal handler)."""
        self.stopping = True
        self.stop_reason = reason
        self._wake.set()

    def run(self, handle_signals: bool = True) -> int:
        previous = self._install_signals() if handle_signals else {}
        try:
            while not self.stopping:
                self.scheduler.run_pending()
                if self.stopping:
                    break
                idle = self.scheduler.idle_seconds or 0.0
                self.sleep(min(max(idle, 0.0), MAX_NAP_SECONDS))
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        reason = self.stop_reason
        syncs = f"{self.cycles} sync{'' if self.cycles == 1 else 's'}"
        self._print(f"stopped{f' ({reason})' if reason else ''} after {syncs}")
        log.info("run: stopped (%s) after %d syncs", reason or "requested", self.cycles)
        return 0

    def next_runs(self) -> str:
        parts = [f"next sync {self._when(self.sync.next_run)}"]
        if self.drafts is not None:
            parts.append(f"drafts {self._when(self.drafts.next_run)}")
        return ", ".join(parts)

    # --- internals -------------------------------------------------------------------------
    def _guard(self, name: str, job: Job) -> str:
        at = self.clock()
        if name == "sync":
            self.cycles += 1
        # Each outcome is also the line printed for this run: SHOWN keeps it off stderr.
        try:
            return f"{name}: {job(at)}"
        except LockedError as err:
            log.warning("%s skipped: %s", name, one_line(err, 500), extra=SHOWN)
            return f"{name} skipped: {one_line(err, 300)}"
        except TonghopError as err:
            log.error("%s failed: %s", name, one_line(err, 2000), extra=SHOWN)
            return f"{name} failed: {one_line(err, 300)}"
        except Exception as err:  # one bad cycle must not end weeks of unattended running
            log.exception("%s failed with an unexpected error", name, extra=SHOWN)
            return f"{name} failed: unexpected error: {one_line(err, 300)}"

    def _report(self, job: ClockedJob, line: object) -> None:
        self._print(f"{line} | {self.next_runs()}")

    def _print(self, line: str) -> None:
        write_stamped(self.out, self.clock(), line)

    def _when(self, moment: datetime | None) -> str:
        return short_time(moment, self.clock())

    def _install_signals(self) -> dict:
        return install_stop_signals(self)


def write_stamped(out: TextIO, now: datetime, line: str) -> None:
    """One line of a loop's output, led by the local date and time."""
    out.write(f"{now.strftime('%d/%m/%Y %H:%M:%S')} {line}\n")
    out.flush()


def short_time(moment: datetime | None, now: datetime, seconds: bool = False) -> str:
    """When a next run is: the time today, the day and time later; "-" for none."""
    if moment is None:
        return "-"
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return moment.strftime(clock if moment.date() == now.date() else f"%d/%m {clock}")


def install_stop_signals(loop) -> dict:
    """SIGTERM/SIGINT call ``loop.stop(name)`` (the current cycle finishes); a second SIGINT
    interrupts at once. Returns the previous handlers, to restore."""
    previous = {}

    def on_signal(signum, frame):
        name = signal.Signals(signum).name
        if loop.stopping and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.info("run: %s received, stopping after the current cycle", name)
        loop.stop(name)

    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, on_signal)
    return previous

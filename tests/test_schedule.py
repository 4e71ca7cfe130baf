"""The `run` loop with an injected clock and a fake sleep: what runs when, stopping, failures."""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sync.config import load_config
from sync.errors import AccessError, LockedError
from sync.unattended.job import drafts_once, sync_once
from sync.unattended.scheduler import Service

ROOT = Path(__file__).resolve().parents[1]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class FakeTime:
    """The clock the service reads and the sleep it calls: sleeping advances the clock."""

    def __init__(self, start: datetime, until: datetime):
        self.now, self.until = start, until
        self.service: Service | None = None

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += timedelta(seconds=seconds)
        if self.now > self.until:
            self.service.stop("end of test")


def make_service(time: FakeTime, sync_job, report_job=None, every=15, report_at="17:00"):
    out = io.StringIO()
    service = Service(every, report_at, time, sync_job, report_job, out, sleep=time.sleep)
    time.service = service
    return service, out


def at(day: int, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime(2023, 6, day, hh, mm, ss, tzinfo=TZ)


def test_sync_every_n_minutes_and_drafts_daily_at_local_time():
    time = FakeTime(at(20, 16, 20), until=at(21, 17, 1))
    syncs, drafts = [], []
    service, out = make_service(
        time, lambda now: syncs.append(now) or "ok", lambda now: drafts.append(now) or "3 drafts")
    assert service.run(handle_signals=False) == 0

    assert syncs[:4] == [at(20, 16, 20), at(20, 16, 35), at(20, 16, 50), at(20, 17, 5)]
    assert all(b - a == timedelta(minutes=15) for a, b in zip(syncs, syncs[1:], strict=False))
    assert len(syncs) == 1 + (25 * 60 - 20 + 1) // 15  # 16:20 on the 20th to 17:00 on the 21st
    assert drafts == [at(20, 17, 0), at(21, 17, 0)]

    lines = out.getvalue().splitlines()
    assert lines[0] == "20/06/2023 16:20:00 sync: ok | next sync 16:35, drafts 17:00"
    assert "20/06/2023 17:00:00 drafts: 3 drafts | next sync 17:05, drafts 21/06 17:00" in lines
    assert lines[-1].endswith("stopped (end of test) after 99 syncs")


def test_a_cycle_longer_than_the_interval_skips_the_slots_it_overran():
    time = FakeTime(at(20, 8, 0), until=at(20, 9, 0))
    syncs = []

    def slow(now):
        syncs.append(now)
        if len(syncs) == 2:
            time.now += timedelta(minutes=40)  # a slow spreadsheet
        return "ok"

    service, _ = make_service(time, slow, report_at="")
    service.run(handle_signals=False)
    assert syncs == [at(20, 8, 0), at(20, 8, 15), at(20, 9, 0)]
    assert at(20, 8, 30) not in syncs and at(20, 8, 45) not in syncs


def test_a_failed_cycle_is_logged_and_the_next_still_runs(caplog):
    time = FakeTime(at(20, 8, 0), until=at(20, 9, 0))
    calls = []

    def flaky(now):
        calls.append(now)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        if len(calls) == 3:
            raise AccessError("workbook x.xlsx not found")
        if len(calls) == 4:
            raise LockedError("another sync is already running (pid 42 since 08:44)")
        return "ok"

    service, out = make_service(time, flaky, report_at="")
    with caplog.at_level(logging.INFO):
        service.run(handle_signals=False)
    assert calls == [at(20, 8, 0), at(20, 8, 15), at(20, 8, 30), at(20, 8, 45), at(20, 9, 0)]
    text = out.getvalue()
    assert "sync failed: unexpected error: disk full | next sync 08:30" in text
    assert "sync failed: workbook x.xlsx not found" in text
    assert "sync skipped: another sync is already running (pid 42 since 08:44)" in text
    failures = [r for r in caplog.records if r.name == "sync.unattended.scheduler" and r.levelno >= logging.WARNING]
    assert [r.levelname for r in failures] == ["ERROR", "ERROR", "WARNING"]
    assert failures[0].exc_info is not None  # the traceback goes to the log file


def test_sigterm_stops_after_the_current_cycle():
    time = FakeTime(at(20, 8, 0), until=at(21, 8, 0))
    events = []

    def job(now):
        events.append("start")
        os.kill(os.getpid(), signal.SIGTERM)  # arrives mid-cycle
        events.append("finished")
        return "ok"

    service, out = make_service(time, job, report_at="")
    before = signal.getsignal(signal.SIGTERM)
    assert service.run(handle_signals=True) == 0
    assert events == ["start", "finished"]  # the cycle completed, and no other began
    assert out.getvalue().splitlines()[-1].endswith("stopped (SIGTERM) after 1 sync")
    assert signal.getsignal(signal.SIGTERM) is before


def test_real_cycles_on_the_demo_send_each_reminder_once(demo_dir):
    """The loop driving the real runner across midnight of 26/06 -> 27/06: the "-3" reminders of
    the 30/06 campaigns are claimed by the first cycle after 27/06 00:00, and only by it."""
    config = load_config(demo_dir / "config.toml")
    time = FakeTime(at(26, 23, 20), until=at(27, 0, 50))
    service, out = make_service(time, lambda now: sync_once(config, now).summary, report_at="")
    service.run(handle_signals=False)
    lines = out.getvalue().splitlines()
    with_reminders = [line for line in lines if "reminders" in line]
    assert len(with_reminders) == 1
    assert with_reminders[0].startswith("27/06/2023 00:05:00 sync:")
    assert "11 reminders" in with_reminders[0]


def test_run_command_stops_cleanly_on_sigterm(demo_dir):
    process = subprocess.Popen(
        [sys.executable, "main.py", "run", "--config", str(demo_dir / "config.toml")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        assert first.startswith("tonghop run: sync every 15 min, drafts daily at 17:00")
        line = process.stdout.readline()  # the first sync runs at start
        assert " sync: sync " in line and "| next sync " in line
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "stopped (SIGTERM) after 1 sync" in out


def test_daily_drafts_come_from_the_real_report_writer(demo_dir):
    config = load_config(demo_dir / "config.toml")
    time = FakeTime(at(20, 16, 50), until=at(20, 17, 5))

    def drafts(now):
        written = drafts_once(config, now)
        return f"{len(written)} drafts"

    service, out = make_service(time, lambda now: sync_once(config, now).summary, drafts)
    service.run(handle_signals=False)
    lines = out.getvalue().splitlines()
    assert [line[11:19] for line in lines[:-1]] == ["16:50:00", "17:00:00", "17:05:00"]
    assert lines[1].startswith("20/06/2023 17:00:00 drafts: 16 drafts | next sync 17:05")
    assert len(list((demo_dir / "out").glob("2023-06-20_*.docx"))) == 12

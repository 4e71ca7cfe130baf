"""One sync at a time, from cron and ``run`` alike.

An OS-level lock (``flock`` through the filelock library) on ``<data>/tonghop.lock``: the kernel
drops it when the holding process ends, however it ends, so a crash or ``kill -9`` never leaves a
stale lock behind and nobody ever deletes the file by hand. The file's content (pid, start time,
host) is only for the "already running" message; the lock itself is the truth.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import filelock

from sync.errors import ConfigError, LockedError, is_disk_full

LOCK_NAME = "tonghop.lock"


@dataclass(frozen=True)
class Holder:
    pid: int
    since: datetime
    host: str


def read_holder(path: Path) -> Holder | None:
    """Who holds (or last held) the lock, if the file says so."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "null")
        return Holder(int(data["pid"]), datetime.fromisoformat(data["since"]), str(data["host"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None


class SyncLock:
    """``with SyncLock(data_path, now):`` or acquire()/release()."""

    def __init__(self, data_path: Path, now: datetime, wait_seconds: float = 0.0):
        self.data_path, self.now, self.wait = data_path, now, wait_seconds
        self.path = data_path / LOCK_NAME
        self._lock = filelock.FileLock(self.path)

    def acquire(self) -> None:
        try:
            self.data_path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            if is_disk_full(err):
                raise
            raise ConfigError(f"cannot create the data folder {self.data_path} ('data_dir' in the "
                              f"config): {err.strerror}") from None
        try:
            self._lock.acquire(timeout=self.wait, poll_interval=min(1.0, max(self.wait, 0.05)))
        except filelock.Timeout:
            raise LockedError(self._busy_message()) from None
        holder = {"pid": os.getpid(), "since": self.now.isoformat(), "host": socket.gethostname()}
        try:
            with open(self.path, "r+", encoding="utf-8") as handle:
                handle.truncate()
                handle.write(json.dumps(holder))
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as err:  # a full disk: the caller says so in one line
            self.release()
            err.filename = err.filename or str(self.path)
            raise

    def release(self) -> None:
        if self._lock.is_locked:
            try:
                with open(self.path, "r+", encoding="utf-8") as handle:
                    handle.truncate()
            except OSError:  # the content only feeds the "already running" message
                pass
            self._lock.release()

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def _busy_message(self) -> str:
        holder = read_holder(self.path)
        if holder is None:
            who = "its holder is just starting"
        else:
            since = holder.since.astimezone(self.now.tzinfo)
            when = (since.strftime("%H:%M") if since.date() == self.now.date()
                    else since.strftime("%d/%m/%Y %H:%M"))
            where = "" if holder.host == socket.gethostname() else f" on {holder.host}"
            who = f"pid {holder.pid}{where} since {when}"
        return (f"another sync is already running ({who}); this run did nothing. The lock ends "
                f"with that process: there is no lock file to delete ({self.path})")

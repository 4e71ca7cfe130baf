"""The offices of a `run` with several configs, each re-read from its file when the file changes.

A config that cannot be loaded (not valid TOML, an unknown key, a data folder another office
holds, a key file that is missing) makes that office *broken*, never the end of the others: it is
reported at start, and at each of its slots it reads its file again and says why it still cannot
sync. Once the file loads, the office syncs from that slot on, with its own schedule, sign-in and
log file. A healthy office whose file changes is re-read at its next slot; if the new version does
not load, the office stops syncing until it does: it never syncs on a config its file no longer
says. `run` exits 3 when it stops with an office broken (sync/commands/run.py).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

import requests

from sync.config import Config, Schedule, load_config
from sync.errors import ConfigError, TonghopError
from sync.rules.text import one_line
from sync.unattended import offices as O
from sync.unattended.fleet import Office, next_daily
from sync.unattended.job import log_handler
from sync.unattended.quota import Quotas
from sync.unattended.scheduler import write_stamped

STILL_BROKEN = "this office does not sync until its config loads (read again at each of its slots)"


class ReloadingOffice:
    """One config file as an office of the fleet (``office``), re-read when the file changes."""

    def __init__(self, path: Path, name: str, shared: ReloadingOffices):
        self.path, self.name, self.shared = path, name, shared
        self.office = Office(name, self.sync, timedelta(minutes=Schedule.every_minutes),
                             O.LOCAL_LANE, drafts=self.drafts)
        self.config: Config | None = None
        self.error: TonghopError | None = None
        self._seen: str | None = None
        self._jobs: Office | None = None  # the office build_offices made of the loaded config
        self._handler: logging.Handler | None = None

    @property
    def broken(self) -> bool:
        return self.config is None

    def reload(self, now: datetime) -> None:
        """Load the file if it changed since the last try, or if the office is broken."""
        seen = _signature(self.path)
        if not self.broken and seen == self._seen:
            return
        self._seen = seen
        self._release()
        try:
            config = load_config(self.path)
            self.shared.claim(config, self.name)
            try:
                built = O.build_offices([config], self.shared.quotas, names=[self.name],
                                        session_for=self.shared.session_for)[0]
                handler = log_handler(config)
            except TonghopError:
                self.shared.release(self.name)
                raise
        except TonghopError as err:
            self.error = err
            return
        handler.addFilter(O.ThisOffice(self.name))
        logging.getLogger().addHandler(handler)
        self.config, self.error, self._jobs, self._handler = config, None, built, handler
        office = self.office
        office.every, office.lane, office.tz = built.every, built.lane, built.tz
        if built.report_at != office.report_at:
            office.report_at = built.report_at
            office.drafts_next = (next_daily(built.report_at, now, built.tz)
                                  if built.report_at else None)

    def sync(self, now: datetime) -> str:
        self.reload(now)
        return self._job(now, "job")

    def drafts(self, now: datetime) -> str:
        return self._job(now, "drafts")

    def _job(self, now: datetime, which: str) -> str:
        if self._jobs is None:
            raise ConfigError(f"{one_line(self.error, 1500)}; {STILL_BROKEN}")
        job = getattr(self._jobs, which)
        return job(now) if job is not None else "no drafts"

    def _release(self) -> None:
        self.shared.release(self.name)
        if self._handler is not None:
            logging.getLogger().removeHandler(self._handler)
            self._handler.close()
        self.config, self._jobs, self._handler = None, None, None

    def close(self) -> None:
        self._release()


class ReloadingOffices:
    """Every office of one `run`, and the data folders they hold (two offices may not share
    one: the lock, the reminder ledger and the snapshots are per office)."""

    def __init__(self, quotas: Quotas,
                 session_for: Callable[[Config], requests.Session] | None = None):
        self.quotas, self.session_for = quotas, session_for
        self.offices: list[Office] = []
        self.files: list[ReloadingOffice] = []
        self._holders: dict[Path, str] = {}

    def add(self, paths: Sequence[Path], now: datetime) -> ReloadingOffices:
        """An office per file, each loaded once now (a broken one is retried at its slots)."""
        for path, name in zip(paths, O.names_of(paths), strict=True):
            office = ReloadingOffice(path, name, self)
            office.reload(now)
            self.files.append(office)
            self.offices.append(office.office)
        return self

    def report(self, out: TextIO, now: datetime) -> None:
        """A line for each broken office."""
        for office in self.broken():
            write_stamped(out, now, f"{office.name}: {one_line(office.error, 1500)}; {STILL_BROKEN}")

    def broken(self) -> list[ReloadingOffice]:
        return [f for f in self.files if f.broken]

    def healthy(self) -> list[ReloadingOffice]:
        return [f for f in self.files if not f.broken]

    def claim(self, config: Config, name: str) -> None:
        data = config.data_path.resolve()
        holder = self._holders.get(data)
        if holder is not None and holder != name:
            raise ConfigError(
                f"{config.path}: 'data_dir' {data} is also the data folder of {holder}; give "
                "each office its own (they hold its lock, reminder ledger and snapshots)")
        self._holders[data] = name

    def release(self, name: str) -> None:
        for data in [d for d, holder in self._holders.items() if holder == name]:
            del self._holders[data]

    @staticmethod
    def scope(name: str):
        return O.office_scope(name)

    @contextmanager
    def logging(self, verbose: bool = False) -> Iterator[None]:
        """stderr quieted as for one office; each office's own log file is added as it loads
        and closed at the end."""
        try:
            with O.office_logging([], [], verbose=verbose):
                yield
        finally:
            for office in self.files:
                office.close()


def _signature(path: Path) -> str | None:
    """The file's contents, hashed (an edit within one mtime tick is still seen)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None

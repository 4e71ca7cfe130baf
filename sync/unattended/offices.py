"""From config files to the offices of one `run` process: load and check the configs, find the
Google account each signs in as (its quota lane), give each a throttled session, a sync job and
its own log file.

The account is the service account's ``client_email`` in the key file: two key files of one
account share one quota, and so share one set of buckets. Its ``project_id`` names the project
bucket (300 a minute for all the project's accounts together).
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import requests

from sync.backends import google
from sync.backends.credentials import sign_in
from sync.backends.retry import RetryPolicy
from sync.config import Config, load_config
from sync.errors import ConfigError
from sync.progress import Progress
from sync.rules.text import one_line
from sync.unattended.fleet import Office
from sync.unattended.job import drafts_once, log_handler, sync_once
from sync.unattended.quota import Quotas

LOCAL_LANE = "local"
_current = threading.local()


def config_paths(given: Sequence[str]) -> list[Path]:
    """The config files named: each a file, or a folder whose ``*.toml`` files are taken."""
    paths: list[Path] = []
    for item in given:
        path = Path(item)
        if path.is_dir():
            found = sorted(path.glob("*.toml"))
            if not found:
                raise ConfigError(f"{path}: a folder with no .toml config files in it")
            paths += found
        else:
            paths.append(path)
    unique = list(dict.fromkeys(p.resolve() for p in paths))
    return unique


def load_configs(paths: Sequence[Path]) -> list[Config]:
    """Every config, checked; two offices may not share a data folder (lock, ledger, snapshots)."""
    configs = [load_config(p) for p in paths]
    owners: dict[Path, Path] = {}
    for config in configs:
        data = config.data_path.resolve()
        if data in owners:
            raise ConfigError(
                f"{config.path}: 'data_dir' {data} is also the data folder of {owners[data]}; "
                "give each office its own (they hold its lock, reminder ledger and snapshots)")
        owners[data] = config.path
    return configs


def office_names(configs: Sequence[Config]) -> list[str]:
    return names_of([c.path for c in configs])


def names_of(paths: Sequence[Path]) -> list[str]:
    """The config file's name without .toml; its folder too where two names collide."""
    stems = [p.stem for p in paths]
    return [f"{p.parent.name}/{p.stem}" if stems.count(p.stem) > 1 else p.stem for p in paths]


def identity(config: Config) -> tuple[str, str]:
    """(account, project) a Google config signs in as; ("local", "") for a workbook."""
    if config.backend.kind != "google":
        return LOCAL_LANE, ""
    signed = sign_in(config)
    # A person's token does not say whose it is: the token file stands for that account.
    account = signed.identity.email or signed.identity.source
    return account, signed.key.project_id if signed.key is not None else ""


def build_offices(configs: Sequence[Config], quotas: Quotas, *,
                  session_for: Callable[[Config], requests.Session] | None = None,
                  names: Sequence[str] | None = None) -> list[Office]:
    """One Office per config. ``session_for`` (tests, bench) gives a Google config its session;
    by default the key file's credentials make one, once per office, reused across cycles.
    ``names``: the offices' names (default: office_names)."""
    offices = []
    for config, name in zip(configs, names or office_names(configs), strict=True):
        account, project = identity(config)
        backend = _backend_maker(config, quotas, account, project, session_for)
        report_at = (datetime.strptime(config.schedule.report_at, "%H:%M").time()
                     if config.schedule.report_at else None)
        offices.append(Office(name, _sync_job(config, backend),
                              timedelta(minutes=config.schedule.every_minutes), account,
                              drafts=_drafts_job(config, backend), report_at=report_at,
                              tz=config.tz))
    return offices


def _backend_maker(config: Config, quotas: Quotas, account: str, project: str,
                   session_for: Callable[[Config], requests.Session] | None) -> Callable[[], object]:
    """A fresh backend per job; for Google, on one throttled session per office (made on the
    first job, in the office's own thread, then reused: the OAuth token with it)."""
    session: list[requests.Session] = []

    def backend():
        if config.backend.kind != "google":
            return None  # sync_once opens the local workbook
        if not session:
            if session_for is not None:
                made = session_for(config)
            else:
                policy = RetryPolicy.from_settings(config.backend, str(config.path))
                made = google.session_factory(sign_in(config).credentials, policy.timeout)
            session.append(quotas.throttle(made, account, project))
        return google.GoogleSheetsBackend.from_config(config, session=session[0])

    return backend


def _sync_job(config: Config, backend: Callable[[], object]) -> Callable[[datetime], str]:
    def job(now: datetime) -> str:
        outcome = sync_once(config, now, backend=backend(), progress=Progress(enabled=False))
        errors = "".join(f"; error: {one_line(e, 300)}" for e in outcome.errors)
        return outcome.summary + errors

    return job


def _drafts_job(config: Config, backend: Callable[[], object]) -> Callable[[datetime], str]:
    def job(now: datetime) -> str:
        drafts = drafts_once(config, now, backend=backend(), progress=Progress(enabled=False))
        if drafts is None:
            return "no drafts (the reports package is not available)"
        written = sum(1 for d in drafts if getattr(d, "written", True))
        return f"{len(drafts)} drafts, {written} written"

    return job


# --- one log file per office --------------------------------------------------------------------
class ThisOffice(logging.Filter):
    """Passes the records emitted while this office's cycle runs in the current thread."""

    def __init__(self, office: str):
        super().__init__()
        self.office = office

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(_current, "office", None) == self.office


@contextmanager
def office_scope(name: str) -> Iterator[None]:
    """Marks the current thread as running ``name``'s cycle (for its log file)."""
    _current.office = name
    try:
        yield
    finally:
        _current.office = None


@contextmanager
def office_logging(configs: Sequence[Config], names: Sequence[str], verbose: bool = False) -> Iterator[None]:
    """Each office's records into its own ``<data_dir>/logs/tonghop.log`` (rotating, 5 x 2 MB)."""
    handlers = []
    root = logging.getLogger()
    old_level = root.level
    quieted = [h for h in root.handlers if isinstance(h, logging.StreamHandler)
               and getattr(h, "stream", None) in (sys.stderr, sys.__stderr__)
               and h.level == logging.NOTSET]
    try:
        for config, name in zip(configs, names, strict=True):
            handler = log_handler(config)
            handler.addFilter(ThisOffice(name))
            root.addHandler(handler)
            handlers.append(handler)
        for h in quieted:
            h.setLevel(logging.INFO if verbose else logging.WARNING)
        if not old_level or old_level > logging.INFO:
            root.setLevel(logging.INFO)
        yield
    finally:
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(old_level)
        for h in quieted:
            h.setLevel(logging.NOTSET)

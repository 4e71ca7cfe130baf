"""Google's Sheets and Drive quotas, kept on our side: token buckets shared by everything that
signs in as the same account, applied to each HTTP request a session sends (retries included).

The Sheets API allows, per minute, 60 read and 60 write requests per user (a service account is a
user) and 300 of each per project. Going over is answered 429 and costs a retry; with many offices
on one account, it would be answered 429 all day. Drive (the no-op shortcut's ``files.get`` of a
spreadsheet's version, drafts uploaded to a folder) has a quota of its own, not shared with
Sheets': 12,000 queries per minute per user and per project (Drive's documented defaults; Google
now states them in quota units, 325,000 per user and 1,000,000 per project a minute, of which a
query costs at least one), so it has buckets of its own. A bucket here holds ``burst`` tokens and refills
at ``(limit - burst) / 60`` per second, so no 60-second window ever sees more than ``limit``
requests, whatever the timing.

A request takes a token from its account's bucket and its project's bucket (for its kind: read or
write) and waits, in its own thread, until both allow it: an office waiting for its account's
quota never delays an office that signs in as another account.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter

SHEETS_HOST = "sheets.googleapis.com"
DRIVE_HOST = "www.googleapis.com"
DRIVE_PATHS = ("/drive/", "/upload/drive/")
WINDOW_SECONDS = 60.0


class Kind(StrEnum):
    READ = "read"  # Sheets
    WRITE = "write"  # Sheets
    DRIVE = "drive"  # any Drive v3 request


@dataclass(frozen=True)
class Limits:
    """Requests per minute (Google's defaults for the Sheets and Drive APIs)."""

    user_reads: int = 60
    user_writes: int = 60
    project_reads: int = 300
    project_writes: int = 300
    user_drive: int = 12_000
    project_drive: int = 12_000
    burst: int = 10  # tokens a bucket starts with: a cycle's few requests go out at once


def kind_of(method: str, url: str) -> Kind | None:
    """Which quota a request counts against; None for anything else (OAuth tokens, Forms)."""
    parts = urlsplit(url)
    if parts.hostname == DRIVE_HOST and parts.path.startswith(DRIVE_PATHS):
        return Kind.DRIVE
    if parts.hostname != SHEETS_HOST:
        return None
    if method.upper() == "GET" or parts.path.endswith(("getByDataFilter", "batchGetByDataFilter")):
        return Kind.READ
    return Kind.WRITE


class TokenBucket:
    """``burst`` tokens, refilled continuously to stay within ``per_minute`` in any 60 s window.

    :meth:`reserve` takes a token now and says how long to wait before using it (the bucket may
    go negative: later callers queue behind earlier ones, first come first served).
    """

    def __init__(self, per_minute: int, clock: Callable[[], float], burst: int = 10):
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.burst = max(1, min(burst, per_minute - 1)) if per_minute > 1 else 1
        self.rate = (per_minute - self.burst) / WINDOW_SECONDS if per_minute > 1 else 1 / WINDOW_SECONDS
        self.clock = clock
        self.tokens = float(self.burst)
        self.stamp = clock()
        self._lock = threading.Lock()

    def reserve(self) -> float:
        with self._lock:
            now = self.clock()
            self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            self.tokens -= 1
            return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class Quotas:
    """The buckets of one process: per account and per project, for reads and for writes."""

    def __init__(self, clock: Callable[[], float], sleep: Callable[[float], None],
                 limits: Limits | None = None):
        self.clock, self.sleep, self.limits = clock, sleep, limits or Limits()
        self._buckets: dict[tuple[str, str, Kind], TokenBucket] = {}
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds spent waiting for tokens, all threads together

    def _bucket(self, scope: str, name: str, kind: Kind) -> TokenBucket:
        with self._lock:
            key = (scope, name, kind)
            if key not in self._buckets:
                lim = self.limits
                per_minute = {("user", Kind.READ): lim.user_reads, ("user", Kind.WRITE): lim.user_writes,
                              ("user", Kind.DRIVE): lim.user_drive,
                              ("project", Kind.READ): lim.project_reads,
                              ("project", Kind.WRITE): lim.project_writes,
                              ("project", Kind.DRIVE): lim.project_drive}[(scope, kind)]
                self._buckets[key] = TokenBucket(per_minute, self.clock, lim.burst)
            return self._buckets[key]

    def acquire(self, account: str, project: str, kind: Kind) -> float:
        """Wait until ``account`` (and its ``project``) may send one more request of ``kind``."""
        wait = self._bucket("user", account, kind).reserve()
        if project:
            wait = max(wait, self._bucket("project", project, kind).reserve())
        if wait > 0:
            with self._lock:
                self.waited += wait
            self.sleep(wait)
        return wait

    def throttle(self, session: requests.Session, account: str, project: str) -> requests.Session:
        """Route every request of ``session`` through the buckets of ``account``/``project``."""
        for prefix, adapter in list(session.adapters.items()):
            if not isinstance(adapter, ThrottledAdapter):
                session.mount(prefix, ThrottledAdapter(adapter, self, account, project))
        return session


class ThrottledAdapter(BaseAdapter):
    """A transport adapter that takes a quota token before handing the request on."""

    def __init__(self, inner: BaseAdapter, quotas: Quotas, account: str, project: str):
        super().__init__()
        self.inner, self.quotas, self.account, self.project = inner, quotas, account, project

    def send(self, request, **kwargs):
        kind = kind_of(request.method or "GET", request.url or "")
        if kind is not None:
            self.quotas.acquire(self.account, self.project, kind)
        return self.inner.send(request, **kwargs)

    def close(self) -> None:
        self.inner.close()

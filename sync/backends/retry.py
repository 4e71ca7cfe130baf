"""A bounded retry policy for Google's APIs, as gspread's transport (``gspread.HTTPClient``).

gspread 6.2.1's own ``BackOffHTTPClient`` never gives up and does not retry a 5xx whose body is
an HTML page (a proxy's 502), so this one is built on tenacity instead:

* retried: HTTP 408, 429, every 5xx (whatever the body), Drive's 403 rate limits, timeouts and
  dropped connections;
* waits grow exponentially (1, 2, 4 ... s, at most ``max_wait``) with jitter, and follow a
  ``Retry-After`` header when the server sends one;
* it gives up after ``max_attempts`` attempts or ``max_seconds`` of trying, whichever comes first,
  by raising :class:`GaveUp`; every request carries a timeout.

Sleeping, the clock and the jitter are injectable so tests run without waiting.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from google.auth import exceptions as auth_exceptions
from gspread import HTTPClient
from gspread.exceptions import APIError
from tenacity import RetryCallState, Retrying, retry_if_exception

from sync.config import BackendSettings
from sync.errors import ConfigError
from sync.rules.text import one_line

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({408, 429})
# A request that failed this way may still have been applied by the server.
AMBIGUOUS_STATUS = frozenset({500, 502, 504})
DRIVE_RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    max_seconds: float = 120.0  # trying and waiting, in all; one more request timeout at most
    timeout: float = 60.0  # per request
    base_wait: float = 1.0
    max_wait: float = 32.0

    @classmethod
    def from_settings(cls, settings: BackendSettings, where: str = "the config") -> RetryPolicy:
        checks = (("timeout_seconds", settings.timeout_seconds > 0),
                  ("max_attempts", settings.max_attempts >= 1),
                  ("max_retry_seconds", settings.max_retry_seconds >= 0))
        for key, ok in checks:
            if not ok:
                raise ConfigError(f"{where}: 'backend.{key}' must be positive")
        return cls(max_attempts=settings.max_attempts, max_seconds=settings.max_retry_seconds,
                   timeout=settings.timeout_seconds)


class GaveUp(Exception):
    """Retries exhausted; ``maybe_applied`` when an attempt may have reached the server."""

    def __init__(self, attempts: int, seconds: float, last: str, maybe_applied: bool):
        super().__init__(f"no answer after {attempts} attempts over {seconds:.0f} s (last: {last})")
        self.attempts, self.seconds, self.last = attempts, seconds, last
        self.maybe_applied = maybe_applied


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, APIError):
        status = exc.response.status_code
        return status in RETRY_STATUS or status >= 500 or (status == 403 and _rate_limited(exc))
    return isinstance(exc, requests.Timeout | requests.ConnectionError
                      | requests.exceptions.ChunkedEncodingError | auth_exceptions.TransportError)


def maybe_applied(exc: BaseException) -> bool:
    """Whether the server may have applied a request that failed with ``exc``."""
    if isinstance(exc, APIError):
        return exc.response.status_code in AMBIGUOUS_STATUS
    if isinstance(exc, requests.ConnectTimeout):
        return False  # never reached the server
    return isinstance(exc, requests.Timeout | requests.ConnectionError
                      | requests.exceptions.ChunkedEncodingError)


def describe_failure(exc: BaseException) -> str:
    """One short line: '503 Service Unavailable: The service is currently unavailable.'"""
    if isinstance(exc, APIError):
        response = exc.response
        head = f"{response.status_code} {response.reason or ''}".strip()
        if exc.code == -1:  # not a JSON error body (an HTML page from a proxy)
            kind = response.headers.get("Content-Type", "").split(";")[0] or "no"
            return f"{head} ({kind} body)"
        return f"{head}: {one_line(exc.error.get('message', ''), 160)}"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
        return f"connection failed ({type(exc).__name__})"
    return one_line(f"{type(exc).__name__}: {exc}", 160)


def _rate_limited(exc: APIError) -> bool:
    errors = exc.error.get("errors") or []
    return any(isinstance(e, dict) and e.get("reason") in DRIVE_RATE_REASONS for e in errors)


def _retry_after(exc: BaseException | None) -> float:
    if isinstance(exc, APIError):
        try:
            return max(0.0, float(exc.response.headers.get("Retry-After", "")))
        except ValueError:
            return 0.0
    return 0.0


class RetryingHTTPClient(HTTPClient):
    """gspread's transport with the bounded policy. Build with :meth:`with_policy` to hand the
    class to ``gspread.Client(auth, session, http_client=...)``."""

    policy: RetryPolicy = RetryPolicy()
    sleep: Callable[[float], None] = staticmethod(time.sleep)
    clock: Callable[[], float] = staticmethod(time.monotonic)
    rng: random.Random = random.Random()

    def __init__(self, auth, session: requests.Session | None = None) -> None:
        super().__init__(auth, session)
        self.timeout = self.policy.timeout
        self.attempts = 0  # requests sent, retries included (for tests and logs)
        self.last_maybe_applied = False  # of the last call: an attempt may have been applied

    @classmethod
    def with_policy(cls, policy: RetryPolicy, sleep: Callable[[float], None] | None = None,
                    clock: Callable[[], float] | None = None,
                    rng: random.Random | None = None) -> type[RetryingHTTPClient]:
        attrs: dict = {"policy": policy}
        if sleep is not None:
            attrs["sleep"] = staticmethod(sleep)
        if clock is not None:
            attrs["clock"] = staticmethod(clock)
        if rng is not None:
            attrs["rng"] = rng
        return type(cls.__name__, (cls,), attrs)

    def set_timeout(self, timeout) -> None:
        # gspread's None means "wait forever": keep ours instead.
        self.timeout = timeout if timeout is not None else self.policy.timeout

    def request(self, method, endpoint, *args, **kwargs) -> requests.Response:
        start = self.clock()
        self.last_maybe_applied = False

        def stop(state: RetryCallState) -> bool:
            return (state.attempt_number >= self.policy.max_attempts
                    or self.clock() - start >= self.policy.max_seconds)

        def wait(state: RetryCallState) -> float:
            exp = min(self.policy.max_wait, self.policy.base_wait * 2 ** (state.attempt_number - 1))
            delay = max(exp / 2 + self.rng.uniform(0, exp / 2), _retry_after(_error(state)))
            remaining = self.policy.max_seconds - (self.clock() - start)
            return max(0.0, min(delay, remaining))

        def after(state: RetryCallState) -> None:
            exc = _error(state)
            if exc is not None:
                self.last_maybe_applied |= maybe_applied(exc)

        def before_sleep(state: RetryCallState) -> None:
            log.warning("%s %s: %s; retry %d in %.1f s", method.upper(), _short(endpoint),
                        describe_failure(_error(state)), state.attempt_number,
                        state.next_action.sleep if state.next_action else 0.0)

        def give_up(state: RetryCallState):
            exc = _error(state)
            raise GaveUp(state.attempt_number, self.clock() - start, describe_failure(exc),
                         self.last_maybe_applied) from exc

        retrying = Retrying(
            sleep=self.sleep, stop=stop, wait=wait, retry=retry_if_exception(is_transient),
            after=after, before_sleep=before_sleep, retry_error_callback=give_up, reraise=True,
        )
        return retrying(self._attempt, method, endpoint, *args, **kwargs)

    def _attempt(self, method, endpoint, *args, **kwargs) -> requests.Response:
        self.attempts += 1
        return super().request(method, endpoint, *args, **kwargs)


def _error(state: RetryCallState) -> BaseException | None:
    return state.outcome.exception() if state.outcome is not None and state.outcome.failed else None


def _short(endpoint: str) -> str:
    return endpoint.split("?")[0].rsplit("/", 1)[-1][:60]

"""A bounded retry policy for Google's APIs, as gspread's transport (``gspread.HTTPClient``).

gspread 6.2.1's own ``BackOffHTTPClient`` never gives up and does not retry a 5xx whose body is
an HTML page (a proxy's 502), so this one is built on tenacity instead:

* retried: HTTP 408, 429, every 5xx (whatever the body), Drive's 403 rate limits, timeouts and
  dropped connections;
* waits grow exponentially (1, 2, 4 ... s, at most ``max_wait``) with jitter, and follow a
  ``Retry-After`` header when the server sends one;
* it gives up after ``max_attempts`` attempts or ``max_seconds`` of trying, whichever comes first,
  by raising :class:`GaveUp`; every request carries a timeout.

Token requests (google-auth refreshing an access token) go through :class:`TokenRequest` on a
plain session: no urllib3 retries, and an answer google-auth would retry by itself becomes a
``TransportError`` at once, so this one policy decides whether to try again. A connection that
fails is described by :func:`network_problem` as one line with the fix (DNS, proxy, no route).

Sleeping, the clock and the jitter are injectable so tests run without waiting.
"""

from __future__ import annotations

import json
import logging
import os
import random
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from google.auth import exceptions as auth_exceptions
from google.auth import transport as auth_transport
from google.auth.transport.requests import Request as AuthRequest
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
    problem = network_problem(exc)
    if problem is not None:
        return problem
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


def network_problem(exc: BaseException) -> str | None:
    """What stopped a connection, as one line with the fix; None when it is not that."""
    causes = list(_causes(exc))
    host = next((h for h in (_host_of(c) for c in causes) if h), "Google")
    for cause in causes:
        if isinstance(cause, requests.exceptions.ProxyError | urllib3.exceptions.ProxyError):
            proxy = _proxy_setting()
            return (f"the proxy {proxy} does not answer: check its address and port in "
                    "HTTPS_PROXY (or unset it when this network needs no proxy)")
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError | urllib3.exceptions.SSLError):
            text = str(cause)
            if "not yet valid" in text or "has expired" in text:
                return (f"the certificate of {host} looks {'not yet valid' if 'not yet' in text else 'expired'}"
                        ": this computer's clock is wrong; set the date and time right (e.g. `sudo "
                        "timedatectl set-ntp true`)")
            if "certificate verify failed" in text:
                return (f"the certificate of {host} is not trusted (a proxy that inspects HTTPS?): "
                        "set REQUESTS_CA_BUNDLE to your organisation's CA file, or ask IT")
    for cause in causes:
        if isinstance(cause, urllib3.exceptions.NameResolutionError):
            return (f"cannot look up {host} (DNS): this machine has no network or no working DNS; "
                    f"check the connection, then `getent hosts {host}`")
    for cause in causes:  # (urllib3's NewConnectionError is a ConnectTimeoutError too)
        if isinstance(cause, urllib3.exceptions.NewConnectionError):
            return (f"cannot connect to {host} (no network route, or a firewall blocks HTTPS on "
                    "port 443): check the connection, or set HTTPS_PROXY if this network has a proxy")
    for cause in causes:
        if isinstance(cause, urllib3.exceptions.ConnectTimeoutError | requests.ConnectTimeout):
            return (f"no answer from {host} within the timeout: a firewall may block HTTPS "
                    "(port 443); check the connection or set HTTPS_PROXY")
    return None


def _causes(exc: BaseException | None) -> Iterator[BaseException]:
    """The exception, what it wraps (google-auth > requests > urllib3), what that wraps..."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        item = todo.pop(0)
        if item is None or id(item) in seen or not isinstance(item, BaseException):
            continue
        seen.add(id(item))
        yield item
        todo += [item.__cause__, item.__context__, getattr(item, "reason", None)]
        todo += [a for a in item.args if isinstance(a, BaseException)]


def _host_of(exc: BaseException) -> str:
    request = getattr(exc, "request", None)
    if request is not None and getattr(request, "url", None):
        return urlsplit(request.url).hostname or ""
    host = getattr(exc, "_host", "") or getattr(getattr(exc, "conn", None), "host", "")
    return host if isinstance(host, str) else ""


def _proxy_setting() -> str:
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        if os.environ.get(name):
            parts = urlsplit(os.environ[name])
            return f"{parts.hostname}:{parts.port}" if parts.hostname else "in HTTPS_PROXY"
    return "in HTTPS_PROXY"


class TokenRequest(AuthRequest):
    """google-auth's token transport on our session, under our one retry policy.

    google-auth retries a token request answered 5xx/408/429 three times by itself, and the
    session it builds on its own mounts urllib3 retries: with our retries around that, a dead
    network took tens of seconds. Here such an answer raises ``TransportError`` at once (our
    policy treats it as transient), and the session has no retries of its own."""

    def __init__(self, session: requests.Session, timeout: float):
        super().__init__(session)
        self.timeout = timeout

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        response = super().__call__(url, method=method, body=body, headers=headers,
                                    timeout=timeout or self.timeout, **kwargs)
        if response.status in auth_transport.DEFAULT_RETRYABLE_STATUS_CODES \
                or _retryable_oauth_error(response.data):
            raise auth_exceptions.TransportError(
                f"the token endpoint {urlsplit(url).hostname} answered {response.status}")
        return response


def _retryable_oauth_error(data: bytes) -> bool:
    try:
        answer = json.loads(data)
    except (ValueError, TypeError):
        return False
    return isinstance(answer, dict) and answer.get("error") in (
        "internal_failure", "server_error", "temporarily_unavailable")


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
        self.server_date: str | None = None  # the Date header of Google's last answer (clock check)

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
        response = super().request(method, endpoint, *args, **kwargs)
        self.server_date = response.headers.get("Date") or self.server_date
        return response


def _error(state: RetryCallState) -> BaseException | None:
    return state.outcome.exception() if state.outcome is not None and state.outcome.failed else None


def _short(endpoint: str) -> str:
    return endpoint.split("?")[0].rsplit("/", 1)[-1][:60]


def api_disabled_line(api: str, err: APIError) -> str:
    """'the Google Sheets API is not enabled in Cloud project 123: enable it at <url>, ...' from
    Google's 403 (its ErrorInfo SERVICE_DISABLED carries the project and the activation URL)."""
    meta = next((d.get("metadata", {}) for d in err.error.get("details") or []
                 if isinstance(d, dict) and d.get("reason") == "SERVICE_DISABLED"), {})
    project = str(meta.get("consumer", "")).removeprefix("projects/")
    where = f" in Cloud project {project}" if project else " in the Cloud project"
    url = meta.get("activationUrl") or "the Cloud console (APIs & Services > Library)"
    return (f"the {api} is not enabled{where}: enable it at {url}, wait a few minutes, then run "
            "`tonghop check` again")

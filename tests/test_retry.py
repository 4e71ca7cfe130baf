"""The bounded retry policy: what is retried, how long it waits, when it gives up, and what a
failed write leaves behind (said honestly, repaired by the next cycle)."""

from __future__ import annotations

import json
import socket
import threading

import pytest
import requests
from requests.adapters import HTTPAdapter

from sync.backends.google import GoogleSheetsBackend
from sync.backends.retry import RetryingHTTPClient, RetryPolicy
from sync.errors import AccessError, BackendError, ExitCode
from tests.fakesheets import FakeGoogle

from .conftest import DEMO_NOW

WRITES = ("spreadsheets.batchUpdate", "values.batchUpdateByDataFilter")


class Clock:
    """Sleeping moves this clock instead of waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake():
    fake = FakeGoogle()
    yield fake
    fake.assert_clean()


def backend_for(fake, sid, clock, **policy) -> GoogleSheetsBackend:
    return GoogleSheetsBackend(fake.session(), sid, policy=RetryPolicy(**policy),
                               sleep=clock.sleep, clock=clock)


FAULTS = {
    "429 quota": lambda f: f.fail_next(429, times=3),
    "408": lambda f: f.fail_next(408, times=1),
    "500": lambda f: f.fail_next(500, times=2),
    "502 html page": lambda f: f.fail_next(502, times=2, html=True),
    "503": lambda f: f.fail_next(503, times=1),
    "read timeout": lambda f: f.timeout_next(times=2),
    "connect timeout": lambda f: f.timeout_next(times=1, connect=True),
    "dropped connection": lambda f: f.drop_connection_next(times=2),
}


@pytest.mark.parametrize("kind", FAULTS)
def test_transient_failures_are_retried(fake, kind):
    sid = fake.add_spreadsheet(tabs={"A": [["x"]]})
    FAULTS[kind](fake)
    clock = Clock()
    book = backend_for(fake, sid, clock).read("")
    assert book.tabs["A"].values == [["x"]]
    failures = fake.count("spreadsheets.get") - 1
    assert failures >= 1 and len(clock.sleeps) == failures
    for attempt, slept in enumerate(clock.sleeps, 1):
        ceiling = min(32.0, 2 ** (attempt - 1))
        assert ceiling / 2 <= slept <= ceiling  # exponential, with jitter


def test_gives_up_after_max_attempts_and_says_so(fake):
    sid = fake.add_spreadsheet(tabs={"A": [["x"]]})
    fake.fail_next(503, times=100)
    clock = Clock()
    with pytest.raises(BackendError) as caught:
        backend_for(fake, sid, clock, max_attempts=4).read("")
    message = str(caught.value)
    assert "did not answer" in message and "after 4 attempts" in message
    assert "(last: 503 Service Unavailable" in message and "nothing was written" in message
    assert fake.count() == 4 and len(clock.sleeps) == 3


def test_gives_up_after_max_seconds(fake):
    sid = fake.add_spreadsheet(tabs={"A": [["x"]]})
    fake.fail_next(429, times=1000)
    clock = Clock()
    with pytest.raises(BackendError, match=r"over 20 s"):
        backend_for(fake, sid, clock, max_attempts=1000, max_seconds=20).read("")
    assert sum(clock.sleeps) == pytest.approx(20)
    assert fake.count() < 20


def test_html_error_page_is_described_not_dumped(fake):
    sid = fake.add_spreadsheet(tabs={"A": [["x"]]})
    fake.fail_next(502, times=10, html=True)
    with pytest.raises(BackendError) as caught:
        backend_for(fake, sid, Clock(), max_attempts=2).read("")
    assert "(last: 502 Bad Gateway (text/html body))" in str(caught.value)
    assert "<html" not in str(caught.value).lower()


@pytest.mark.parametrize("status, error", [(400, BackendError), (404, AccessError)])
def test_client_errors_are_not_retried(fake, status, error):
    sid = fake.add_spreadsheet(tabs={"A": [["x"]]})
    fake.fail_next(status, times=1)
    clock = Clock()
    with pytest.raises(error):
        backend_for(fake, sid, clock).read("")
    assert fake.count() == 1 and clock.sleeps == []


def test_retry_after_is_followed():
    """Google's front end may say how long to wait; a tiny adapter plays that part."""

    class BusyOnce(HTTPAdapter):
        calls = 0

        def send(self, request, **kwargs):
            BusyOnce.calls += 1
            response = requests.Response()
            response.request, response.url = request, request.url
            busy = BusyOnce.calls == 1
            response.status_code = 429 if busy else 200
            response.headers["Content-Type"] = "application/json"
            response.headers["Retry-After"] = "7" if busy else ""
            body = ({"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}}
                    if busy else {"properties": {"title": "T"}, "sheets": []})
            response._content = json.dumps(body).encode()
            return response

    session = requests.Session()
    session.mount("https://", BusyOnce())
    clock = Clock()
    book = GoogleSheetsBackend(session, "x", sleep=clock.sleep, clock=clock).read("")
    assert book.title == "T" and clock.sleeps == [7.0]


def test_a_request_timeout_is_always_set(fake):
    backend = backend_for(fake, "x", Clock(), timeout=12.5)
    assert backend.http.timeout == 12.5
    backend.client.set_timeout(None)  # gspread's "wait forever" is refused
    assert backend.http.timeout == 12.5


def test_a_server_that_never_answers_times_out():
    """A real socket on loopback that accepts and stays silent."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    held: list[socket.socket] = []

    def accept():
        server.settimeout(10)
        try:
            while len(held) < 3:
                held.append(server.accept()[0])
        except OSError:
            pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()

    class ToLoopback(HTTPAdapter):
        def send(self, request, **kwargs):
            request.url = request.url.replace("https://sheets.googleapis.com", f"http://127.0.0.1:{port}")
            return super().send(request, **kwargs)

    session = requests.Session()
    session.mount("https://", ToLoopback())
    backend = GoogleSheetsBackend(session, "x", policy=RetryPolicy(timeout=0.2, max_attempts=2),
                                  sleep=lambda s: None)
    try:
        with pytest.raises(BackendError, match=r"after 2 attempts .*\(last: timed out\)"):
            backend.read("")
    finally:
        server.close()
        for conn in held:
            conn.close()


# --- failures while writing, through the command line --------------------------------------------
@pytest.fixture
def no_waiting(monkeypatch):
    monkeypatch.setattr(RetryingHTTPClient, "sleep", staticmethod(lambda seconds: None))


def sync(cli, ws):
    return cli("sync", "--config", ws.config_path, "--now", DEMO_NOW)


def converges(cli, ws):
    """A rerun repairs what a failed cycle left, and the one after writes nothing."""
    first = sync(cli, ws)
    assert first.code == 0, first.err
    ws.fake.reset_counts()
    again = sync(cli, ws)
    assert again.code == 0 and "nothing changed" in again.out
    assert not any(ws.fake.count(e) for e in WRITES)


def test_reads_exhausted_fail_the_cycle_and_write_nothing(cli, google_workspace, no_waiting):
    ws = google_workspace
    ws.fake.fail_next(503, times=100, endpoint="values.batchGet")
    result = sync(cli, ws)
    assert result.code == ExitCode.CYCLE and len(result.err.strip().splitlines()) == 1
    assert "after 6 attempts" in result.err and "nothing was written" in result.err
    assert not any(ws.fake.count(e) for e in WRITES)


def test_values_failing_after_tabs_were_added(cli, google_workspace, no_waiting):
    ws = google_workspace
    ws.fake.fail_next(503, times=100, endpoint="values.batchUpdateByDataFilter")
    result = sync(cli, ws)
    assert result.code == ExitCode.CYCLE
    assert ("new tabs, grid sizes and anchors were applied, no values were written"
            in result.err)
    assert "Trạng thái" in ws.tab_titles() and ws.values("Trạng thái") == []
    ws.fake.clear_faults()
    converges(cli, ws)


def test_connection_lost_after_the_values_were_applied(cli, google_workspace, no_waiting):
    ws = google_workspace
    ws.fake.drop_connection_next(times=100, endpoint="values.batchUpdateByDataFilter", after_apply=True)
    result = sync(cli, ws)
    assert result.code == ExitCode.CYCLE
    assert "values may or may not have been applied" in result.err
    assert "the next sync checks and repairs" in result.err
    ws.fake.clear_faults()
    ws.fake.reset_counts()
    again = sync(cli, ws)  # they were applied: no value to write, the colours sent once more
    assert again.code == 0 and "0 cells written" in again.out
    assert "nothing changed" in sync(cli, ws).out


def test_a_resent_write_is_harmless(cli, google_workspace, no_waiting):
    ws = google_workspace
    ws.fake.drop_connection_next(times=1, endpoint="values.batchUpdateByDataFilter", after_apply=True)
    ws.fake.drop_connection_next(times=1, endpoint="spreadsheets.batchUpdate")
    assert sync(cli, ws).code == 0
    assert ws.fake.count("values.batchUpdateByDataFilter") == 2
    ws.fake.reset_counts()
    assert "nothing changed" in sync(cli, ws).out


def test_tabs_added_but_the_answer_lost(cli, google_workspace, no_waiting):
    """addSheet is not idempotent: the resent request is refused, and the message says the
    first one may have worked."""
    ws = google_workspace
    ws.fake.drop_connection_next(times=1, endpoint="spreadsheets.batchUpdate", after_apply=True)
    result = sync(cli, ws)
    assert result.code == ExitCode.CYCLE
    assert "may or may not have been applied" in result.err
    converges(cli, ws)


def test_policy_comes_from_the_config(google_workspace):
    from sync.config import load_config

    text = google_workspace.config_path.read_text(encoding="utf-8")
    google_workspace.config_path.write_text(
        text.replace('kind = "google"\n', 'kind = "google"\ntimeout_seconds = 7\nmax_attempts = 2\n'
                     "max_retry_seconds = 9.5\n"), encoding="utf-8")
    backend = GoogleSheetsBackend.from_config(load_config(google_workspace.config_path))
    assert backend.http.policy == RetryPolicy(max_attempts=2, max_seconds=9.5, timeout=7.0)
    assert backend.http.timeout == 7.0


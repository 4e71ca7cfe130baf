"""`check` on a real network's bad days: each cause is one line with the fix, after at most two
attempts (not the retry cascade), with the exit code the README documents."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest

from sync.backends import retry
from sync.errors import ExitCode

from .conftest import FAKE_ACCOUNT, backend_section, load_into_fake


@pytest.fixture
def waits(monkeypatch):
    """The retry policy's sleeps, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(retry.RetryingHTTPClient, "sleep", staticmethod(slept.append))
    return slept


def check(cli, config):
    return cli("check", "--config", config)


def error_line(result, code: int) -> str:
    assert result.code == code, result.out + result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    return lines[0].removeprefix("tonghop: error: ")


@pytest.mark.parametrize("kind, line", [
    ("dns", "cannot look up sheets.googleapis.com (DNS): this machine has no network or no working "
            "DNS; check the connection, then `getent hosts sheets.googleapis.com`"),
    ("down", "cannot connect to sheets.googleapis.com (no network route, or a firewall blocks HTTPS "
             "on port 443): check the connection, or set HTTPS_PROXY if this network has a proxy"),
    ("clock", "the certificate of sheets.googleapis.com looks not yet valid: this computer's clock is "
              "wrong; set the date and time right (e.g. `sudo timedatectl set-ntp true`)"),
    ("intercepted", "the certificate of sheets.googleapis.com is not trusted (a proxy that inspects "
                    "HTTPS?): set REQUESTS_CA_BUNDLE to your organisation's CA file, or ask IT"),
])
def test_no_network_or_no_dns(cli, google_workspace, waits, kind, line):
    ws = google_workspace
    ws.fake.go_offline(kind)
    err = error_line(check(cli, ws.config_path), ExitCode.CYCLE)
    assert err == (f"Google Sheets cannot be reached for the control spreadsheet ({ws.spreadsheet_id}): "
                   f"{line}; nothing was written")
    assert len(waits) == 1 and sum(waits) <= 1.0  # two attempts, one short wait


def test_a_proxy_that_does_not_answer(cli, demo_dir, service_account_key, waits, monkeypatch):
    """Real requests adapters, a real refused connection to a proxy on this machine."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    for name in ("NO_PROXY", "no_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{port}")
    backend_section(demo_dir, "1ControlSpreadsheetId", f"credentials = '{service_account_key}'\n")
    err = error_line(check(cli, demo_dir / "config.toml"), ExitCode.CYCLE)
    assert err == ("Google Sheets cannot be reached for the control spreadsheet (1ControlSpreadsheetId): "
                   f"the proxy 127.0.0.1:{port} does not answer: check its address and port in "
                   "HTTPS_PROXY (or unset it when this network needs no proxy); nothing was written")
    assert len(waits) == 1


def test_a_clock_hours_off(cli, google_fake, demo_dir, service_account_key, waits):
    sid = load_into_fake(google_fake, demo_dir / "tonghop.xlsx")
    backend_section(demo_dir, sid, f"credentials = '{service_account_key}'\n")
    google_fake.tokens.add_service_account(FAKE_ACCOUNT)
    google_fake.tokens.clock_skew = timedelta(hours=5)  # this machine is five hours slow
    err = error_line(check(cli, demo_dir / "config.toml"), ExitCode.ACCESS)
    assert err.startswith("Google refused to sign in because this computer's clock is wrong "
                          "(invalid_grant: Invalid JWT: Token must be a short-lived token")
    assert err.endswith("set the date and time right (e.g. `sudo timedatectl set-ntp true`) and try again")
    assert google_fake.count("oauth2.token") == 1 and not waits


def test_the_sheets_api_not_enabled(cli, google_workspace, waits):
    ws = google_workspace
    ws.fake.disable_api("sheets", project="731045582216")
    err = error_line(check(cli, ws.config_path), ExitCode.ACCESS)
    assert err == ("the Google Sheets API is not enabled in Cloud project 731045582216: enable it at "
                   "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?"
                   "project=731045582216, wait a few minutes, then run `tonghop check` again")
    assert ws.fake.count() == 1 and not waits


def test_the_drive_api_not_enabled(cli, oauth_ws, google_fake):
    ws = oauth_ws[0]
    google_fake.disable_api("drive", project="731045582216")
    result = check(cli, ws / "config.toml")
    assert result.code == ExitCode.ACCESS
    assert ("FIX  the Google Drive API is not enabled in Cloud project 731045582216: enable it at "
            "https://console.developers.google.com/apis/api/drive.googleapis.com/overview?"
            "project=731045582216, wait a few minutes, then run `tonghop check` again\n") in result.out


def test_the_spreadsheet_not_shared_with_the_person(cli, oauth_ws, google_fake):
    ws, sid = oauth_ws[0], oauth_ws[1]
    google_fake.deny(sid)
    err = error_line(check(cli, ws / "config.toml"), ExitCode.ACCESS)
    assert err == (f"permission denied for spreadsheet {sid}: share it with the Google account you "
                   "signed in with (`tonghop login`) as Editor")


def test_the_spreadsheet_not_shared_with_the_robot(cli, google_workspace):
    ws = google_workspace
    ws.fake.deny(ws.spreadsheet_id)
    err = error_line(check(cli, ws.config_path), ExitCode.ACCESS)
    assert err == f"permission denied for spreadsheet {ws.spreadsheet_id}: share it with {FAKE_ACCOUNT} as Editor"


def test_a_clock_minutes_off_is_noted(cli, oauth_ws, google_fake):
    """A person's sign-in does not mind a wrong clock, but deadlines do: check compares it with the
    Date of Google's answers."""
    ws = oauth_ws[0]
    google_fake.tokens.clock_skew = timedelta(minutes=-20)  # Google's clock 20 min behind ours
    result = check(cli, ws / "config.toml")
    assert result.code == 0, result.out + result.err
    assert ("note this computer's clock is 20 min ahead of Google's: deadlines are judged by it; set "
            "it right (e.g. `sudo timedatectl set-ntp true`)") in result.out
    google_fake.tokens.clock_skew = timedelta(0)
    assert "computer's clock" not in check(cli, ws / "config.toml").out

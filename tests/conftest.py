"""Shared fixtures: the CLI as a user runs it, demo workspaces, the shared/ folder."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from sync.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEMO_NOW = "2023-06-20T10:00"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Run `python main.py ...` in-process; returns exit code, stdout, stderr."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse errors and --help
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """One demo workspace built per test session; tests copy it."""
    from sync.demo import build_workspace

    directory = tmp_path_factory.mktemp("demo-template")
    build_workspace(directory)
    return directory


@pytest.fixture
def demo_dir(demo_template, tmp_path) -> Path:
    """A fresh copy of the demo workspace (config.toml + tonghop.xlsx), not yet synced."""
    target = tmp_path / "ws"
    shutil.copytree(demo_template, target)
    return target


@pytest.fixture
def shared_dir() -> Path:
    """../shared: present beside the project in development and CI, absent in a user's clone."""
    if not SHARED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED} is missing on CI: the fixtures must be there")
        pytest.skip("../shared is not beside the project (fresh clone)")
    return SHARED


# --- One workspace, two backends -----------------------------------------------------------------
# The demo on the local workbook, or the same tabs loaded into the offline Google fake (timestamps
# as DATE_TIME serials, like a Forms sheet) with a config of kind = "google" and a throwaway key.

FAKE_ACCOUNT = "tonghop-test@tonghop-test.iam.gserviceaccount.com"


@dataclass
class Workspace:
    kind: str  # "local" or "google"
    dir: Path
    config_path: Path
    fake: object = None  # tests.fakesheets.FakeGoogle for "google"
    spreadsheet_id: str = ""

    def values(self, tab: str) -> list[list]:
        """A tab of the control book as read back: trimmed rows, empty cells as ""."""
        if self.fake is not None:
            return self.fake.values(self.spreadsheet_id, tab)
        import openpyxl

        ws = openpyxl.load_workbook(self.dir / "tonghop.xlsx")[tab]
        rows = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
        rows = [row[:max([i + 1 for i, v in enumerate(row) if v != ""], default=0)] for row in rows]
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def tab_titles(self) -> list[str]:
        if self.fake is not None:
            return self.fake.tab_titles(self.spreadsheet_id)
        import openpyxl

        return openpyxl.load_workbook(self.dir / "tonghop.xlsx", read_only=True).sheetnames

    def rename_tab(self, old: str, new: str) -> None:
        """What staff do in the UI."""
        if self.fake is not None:
            import gspread

            book = gspread.Client(None, self.fake.session()).open_by_key(self.spreadsheet_id)
            book.worksheet(old).update_title(new)
            return
        import openpyxl

        wb = openpyxl.load_workbook(self.dir / "tonghop.xlsx")
        wb[old].title = new
        wb.save(self.dir / "tonghop.xlsx")

    def fingerprint(self) -> object:
        """Changes whenever anything is written."""
        if self.fake is not None:
            return [(t, self.fake.values(self.spreadsheet_id, t)) for t in self.tab_titles()]
        return (self.dir / "tonghop.xlsx").read_bytes()


@pytest.fixture(scope="session")
def service_account_key(tmp_path_factory) -> Path:
    """A throwaway service-account key file (a real RSA key, no real account behind it)."""
    import json

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = tmp_path_factory.mktemp("key") / "service-account.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "tonghop-test", "private_key_id": "0" * 40,
        "private_key": pem, "client_email": FAKE_ACCOUNT, "client_id": "1" * 21,
        "token_uri": "https://oauth2.googleapis.com/token",
    }), encoding="utf-8")
    return path


def load_into_fake(fake, workbook: Path, **spreadsheet) -> str:
    """Every tab of an .xlsx as a spreadsheet of the fake; Forms tabs' column A as DATE_TIME."""
    import openpyxl

    from sync.rules import headers as H
    from sync.rules.text import header_key

    wb = openpyxl.load_workbook(workbook)
    tabs, dates = {}, {}
    for ws in wb.worksheets:
        rows = [list(row) for row in ws.iter_rows(values_only=True)]
        tabs[ws.title] = rows
        stamps = {header_key(h) for h in H.TIMESTAMP}
        if rows and rows[0] and header_key(rows[0][0]) in stamps:
            dates[ws.title] = [0]
    return fake.add_spreadsheet(tabs=tabs, date_columns=dates, **spreadsheet)


def google_config(config_path: Path, spreadsheet_id: str, key: Path, extra: str = "") -> None:
    """Turn the demo's config into one for the Google backend."""
    text = config_path.read_text(encoding="utf-8")
    local = '[backend]\nkind = "local"\nworkbook = "tonghop.xlsx"\n'
    assert local in text, "the demo config changed: update google_config"
    google = (f'[backend]\nkind = "google"\nspreadsheet = "{spreadsheet_id}"\n'
              f"credentials = '{key}'\n{extra}")
    config_path.write_text(text.replace(local, google), encoding="utf-8")


def google_workspace_in(demo_dir: Path, key: Path, monkeypatch) -> Workspace:
    """The demo's tabs in a fresh fake; the CLI's session seam pointed at it."""
    from sync.backends import google
    from tests.fakesheets import FakeGoogle

    fake = FakeGoogle()
    sid = load_into_fake(fake, demo_dir / "tonghop.xlsx", title="Tổng hợp 2023")
    google_config(demo_dir / "config.toml", sid, key)
    (demo_dir / "tonghop.xlsx").unlink()  # nothing may fall back to the local workbook
    monkeypatch.setattr(google, "session_factory", lambda credentials, timeout: fake.session())
    return Workspace("google", demo_dir, demo_dir / "config.toml", fake, sid)


@pytest.fixture(params=["local", "google"])
def workspace(request, demo_dir, monkeypatch) -> Workspace:
    """The demo workspace, not yet synced, on the local workbook or in the Google fake."""
    yield from on_backend(request, demo_dir, monkeypatch)


def on_backend(request, directory: Path, monkeypatch):
    """A workspace fixture's body: ``directory`` as it is (local), or loaded into the Google fake
    (checked clean afterwards), by the fixture's param."""
    if request.param == "local":
        yield Workspace("local", directory, directory / "config.toml")
        return
    ws = google_workspace_in(directory, request.getfixturevalue("service_account_key"),
                             monkeypatch)
    yield ws
    ws.fake.assert_clean()


@pytest.fixture
def google_workspace(demo_dir, service_account_key, monkeypatch) -> Workspace:
    """The demo workspace in the Google fake only."""
    ws = google_workspace_in(demo_dir, service_account_key, monkeypatch)
    yield ws
    ws.fake.assert_clean()


# --- Signing in for real: the fake's token endpoint behind the production session -----------------
CLIENT_ID = "123456789012-tonghoptest.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-fake-client-secret-0123456789"
CLERK = "van.thu.phuong7@gmail.com"
SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.file"]
TOKEN_URI = "https://oauth2.googleapis.com/token"


@pytest.fixture
def google_fake(monkeypatch):
    """The fake, reached through the production session (AuthorizedSession + TokenRequest)."""
    from sync.backends import google
    from tests.fakesheets import FakeGoogle

    fake = FakeGoogle()
    monkeypatch.setattr(google, "transport_adapters", fake.adapters)
    yield fake
    fake.assert_clean()


def backend_section(ws_dir, sid: str, lines: str) -> None:
    config = ws_dir / "config.toml"
    text = config.read_text(encoding="utf-8")
    local = '[backend]\nkind = "local"\nworkbook = "tonghop.xlsx"\n'
    assert local in text
    config.write_text(text.replace(local, f'[backend]\nkind = "google"\nspreadsheet = "{sid}"\n'
                                          f"max_attempts = 3\n{lines}"), encoding="utf-8")


def client_secret_file(directory, token_uri: str = TOKEN_URI):
    """A "Desktop app" OAuth client as the Cloud console downloads it."""
    path = directory / "client_secret.json"
    path.write_text(json.dumps({"installed": {
        "client_id": CLIENT_ID, "project_id": "tonghop-phuong7",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_secret": CLIENT_SECRET, "redirect_uris": ["http://localhost"]}}), encoding="utf-8")
    return path


def saved_token(path, refresh_token: str, scopes: list[str] = SCOPES) -> None:
    """What `tonghop login` leaves: an authorized_user JSON, mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "type": "authorized_user", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "refresh_token": refresh_token, "token_uri": TOKEN_URI, "scopes": scopes,
        "token": "ya29.expired", "expiry": "2020-01-01T00:00:00Z"}), encoding="utf-8")
    path.chmod(0o600)


@pytest.fixture
def oauth_ws(google_fake, demo_dir):
    fake = google_fake
    sid = load_into_fake(fake, demo_dir / "tonghop.xlsx", title="Tổng hợp 2023")
    (demo_dir / "tonghop.xlsx").unlink()
    client_secret_file(demo_dir)
    backend_section(demo_dir, sid, 'auth = "oauth"\noauth_client = "client_secret.json"\n')
    fake.tokens.add_client(CLIENT_ID, CLIENT_SECRET)
    refresh = fake.tokens.add_user(CLERK, CLIENT_ID, SCOPES)
    token = demo_dir / "data" / "google-token.json"
    saved_token(token, refresh)
    return demo_dir, sid, token, refresh

"""`tonghop login`: the real installed-app flow. google_auth_oauthlib's loopback server gets the
redirect a browser would make after "Allow" (an HTTP GET with a code), and the code exchange
reaches the google_fake token endpoint; the saved token then serves `sync`."""

from __future__ import annotations

import json
import socket
import stat
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from reports import DraftKind
from sync.backends.forms import FORMS_READ_SCOPE, FORMS_WRITE_SCOPE
from sync.errors import ExitCode

from .conftest import (
    CLERK,
    CLIENT_ID,
    CLIENT_SECRET,
    DEMO_NOW,
    SCOPES,
    backend_section,
    client_secret_file,
    load_into_fake,
)

DRAFTS = len(DraftKind) * 4  # every kind of draft for each of the demo's 4 campaigns


@pytest.fixture
def ws(google_fake, demo_dir):
    google_fake.tokens.add_client(CLIENT_ID, CLIENT_SECRET)
    sid = load_into_fake(google_fake, demo_dir / "tonghop.xlsx")
    (demo_dir / "tonghop.xlsx").unlink()
    client_secret_file(demo_dir)
    backend_section(demo_dir, sid, 'auth = "oauth"\noauth_client = "client_secret.json"\n')
    return demo_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def allow(google_fake, consent_url: str, answer: dict | None = None) -> requests.Response:
    """What Google and the browser do after the person clicks "Allow": redirect to the loopback
    address with a code for the scopes asked (and the PKCE challenge)."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(consent_url).query).items()}
    assert urlsplit(consent_url).netloc == "accounts.google.com"
    assert query["client_id"] == CLIENT_ID and query["access_type"] == "offline"
    assert query["code_challenge_method"] == "S256"
    code = google_fake.tokens.consent(CLERK, CLIENT_ID, query["scope"].split(), query["code_challenge"])
    back = answer or {"state": query["state"], "code": code, "scope": query["scope"]}
    for _ in range(100):  # the loopback server is up before the address is shown; be patient
        try:
            return requests.get(f"{query['redirect_uri']}?{urlencode(back)}", timeout=5)
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError("the loopback server never answered")


class Browser:
    """Stands in for the user's browser: opens the consent URL and clicks "Allow"."""

    def __init__(self, google_fake):
        self.google_fake, self.seen, self.page = google_fake, [], None

    def open(self, url, new=0, autoraise=True):
        self.seen.append(url)
        threading.Thread(target=lambda: setattr(self, "page", allow(self.google_fake, url)), daemon=True).start()
        return True


def test_login_with_a_browser_saves_a_token_sync_then_uses(cli, google_fake, ws, monkeypatch):
    browser = Browser(google_fake)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("webbrowser.get", lambda using=None: browser)
    result = cli("login", "--config", ws / "config.toml", "--timeout", "20")
    assert result.code == 0, result.err
    token = ws / "data" / "google-token.json"
    assert f"Signed in. Token saved to {token}" in result.out
    assert f"Next: tonghop check --config {ws / 'config.toml'}" in result.out
    assert browser.seen and browser.page.status_code == 200 and "signed in" in browser.page.text
    # Sheets, the drafts' own Drive files, and reading linked forms (a campaign may link one)
    assert set(parse_qs(urlsplit(browser.seen[0]).query)["scope"][0].split()) == {*SCOPES, FORMS_READ_SCOPE}
    saved = json.loads(token.read_text(encoding="utf-8"))
    assert saved["type"] == "authorized_user" and saved["refresh_token"] in google_fake.tokens.refresh_tokens
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert CLIENT_SECRET not in result.out + result.err and saved["refresh_token"] not in result.out
    assert google_fake.count("oauth2.token") == 1  # the code exchange

    google_fake.reset_counts()
    assert cli("sync", "--config", ws / "config.toml", "--now", DEMO_NOW).code == 0
    assert {r.identity.email for r in google_fake.requests if r.identity} == {CLERK}


def test_login_on_a_headless_server_says_how_to_finish_from_a_laptop(cli, google_fake, ws, monkeypatch, capsys):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    port = free_port()
    shown = []

    def laptop():  # reads the printed address, as the person would, and opens it elsewhere
        for _ in range(400):
            shown.append(capsys.readouterr().out)
            text = "".join(shown)
            url = next((w for w in text.split() if w.startswith("https://accounts.google.com/")), None)
            if url and "Waiting for" in text:
                allow(google_fake, url)
                return
            time.sleep(0.05)

    helper = threading.Thread(target=laptop, daemon=True)
    helper.start()
    result = cli("login", "--config", ws / "config.toml", "--no-browser", "--port", port, "--timeout", "20")
    helper.join(5)
    out = "".join(shown) + result.out
    assert result.code == 0, out + result.err
    assert "No browser on this machine." in out
    assert f"ssh -L {port}:localhost:{port} " in out
    token = ws / "data" / "google-token.json"
    assert f"copy its token file here to\n     {token}   (then: chmod 600 {token})" in out
    assert f"Waiting for Google's answer on http://localhost:{port}/" in out
    assert token.exists()


def test_login_when_the_person_clicks_cancel(cli, google_fake, ws, monkeypatch):
    class Refuses(Browser):
        def open(self, url, new=0, autoraise=True):
            state = parse_qs(urlsplit(url).query)["state"][0]
            threading.Thread(target=lambda: allow(self.google_fake, url, {"error": "access_denied", "state": state}),
                             daemon=True).start()
            return True

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("webbrowser.get", lambda using=None: Refuses(google_fake))
    result = cli("login", "--config", ws / "config.toml", "--timeout", "20")
    assert result.code == ExitCode.ACCESS
    assert result.err.startswith("tonghop: error: Google did not sign you in (access_denied")
    assert result.err.rstrip().endswith('run login again and choose "Allow"')
    assert not (ws / "data" / "google-token.json").exists()


def test_login_needs_a_desktop_client(cli, google_fake, ws):
    client = ws / "client_secret.json"
    info = json.loads(client.read_text(encoding="utf-8"))
    client.write_text(json.dumps({"web": info["installed"]}), encoding="utf-8")
    result = cli("login", "--config", ws / "config.toml")
    assert result.code == ExitCode.ACCESS
    assert result.err.strip() == (
        f"tonghop: error: OAuth client file {client} is a \"Web application\" client; create a "
        "\"Desktop app\" OAuth client in the Cloud console and download its JSON (docs/google.md)")


def test_the_gmail_clerk_walk_through(cli, google_fake, ws, monkeypatch):
    """docs/google.md, "A clerk on a personal Gmail account", steps 6 to 8: login, check, sync,
    report; the drafts land in the clerk's own Drive, in tonghop's folder."""
    from sync.rules import headers as H

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("webbrowser.get", lambda using=None: Browser(google_fake))
    config = ws / "config.toml"
    assert cli("login", "--config", config, "--timeout", "20").code == 0
    checked = cli("check", "--config", config)
    assert checked.code == 0, checked.out + checked.err
    assert checked.out.rstrip().endswith("nothing was written") and "FIX" not in checked.out
    assert cli("sync", "--config", config, "--now", DEMO_NOW).code == 0
    report = cli("report", "--config", config, "--now", DEMO_NOW)
    assert report.code == 0, report.err
    (folder,) = [f for f in google_fake.drive_files.values()
                 if f.name == "tonghop - Báo cáo Phòng Nội vụ"]
    assert report.out.startswith(f"made the Drive folder '{folder.name}' for the drafts: "
                                 f"{folder.web_view_link}\n")
    drafts = [f for f in google_fake.drive_files.values() if folder.file_id in f.parents]
    assert len(drafts) == DRAFTS and {f.owner for f in drafts} == {CLERK}
    sid = next(iter(google_fake.spreadsheets))
    links = [row[4] for row in google_fake.values(sid, H.REPORTS_TAB)[1:]]
    assert sorted(links) == sorted(f.web_view_link for f in drafts)
    assert google_fake.count("oauth2.token") == 1  # the code exchange; then the saved token served all


def test_a_person_signed_in_before_a_form_was_linked_is_told_to_sign_in_again(cli, google_fake, oauth_ws,
                                                                                monkeypatch):
    """OAuth with a linked form, against the fake (which refuses Forms calls without a Forms
    scope): the old token is caught before any Forms request, `login` then asks the Forms scope
    and the form is read; keeping its unit list asks forms.body (`login --edit-forms`)."""
    from tests.conftest import Workspace
    from tests.test_campaign_forms import EDIT_URL, add_demo_form, reduce_to_form_link, set_campaign_cells

    directory, sid, token, _ = oauth_ws
    config = directory / "config.toml"
    ws = Workspace("google", directory, config, google_fake, sid)
    add_demo_form(ws)
    reduce_to_form_link(ws)
    google_fake.reset_counts()
    synced = cli("sync", "--config", config, "--now", DEMO_NOW)
    assert synced.code == 0, synced.err
    assert (f"campaign NTVT: the sign-in (token file {token}) does not allow reading Google Forms (a "
            f"campaign links a form): sign in again: tonghop login --config {config}") in synced.err
    assert google_fake.count("forms.get") == 0

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("webbrowser.get", lambda using=None: Browser(google_fake))
    assert cli("login", "--config", config, "--timeout", "20").code == 0
    assert FORMS_READ_SCOPE in json.loads(token.read_text(encoding="utf-8"))["scopes"]
    checked = cli("check", "--config", config)
    assert checked.code == 0, checked.out + checked.err
    assert "ok   campaign NTVT: form 'Cuộc thi viết NTVT 2023'" in checked.out
    synced = cli("sync", "--config", config, "--now", DEMO_NOW)
    assert synced.code == 0 and "Google Forms" not in synced.err, synced.err
    assert EDIT_URL in str(google_fake.values(sid, "Đợt thu thập"))

    set_campaign_cells(ws, "NTVT", {"Đồng bộ danh sách đơn vị": "Có"})
    def drop_a_unit(form):  # someone removes a unit from the dropdown by hand
        (question,) = [i["questionItem"]["question"] for i in form["items"]
                       if "choiceQuestion" in i.get("questionItem", {}).get("question", {})]
        question["choiceQuestion"]["options"].pop()

    google_fake.edit_form("1FormNTVTdemoEditIdAbCdEfGhIjKlMnOpQrStUvWx", drop_a_unit)
    synced = cli("sync", "--config", config, "--now", DEMO_NOW)
    assert (f"does not allow editing Google Forms (a campaign keeps its unit list): sign in again: "
            f"tonghop login --config {config} --edit-forms") in synced.err
    assert google_fake.count("forms.batchUpdate") == 0
    assert cli("login", "--config", config, "--edit-forms", "--timeout", "20").code == 0
    assert FORMS_WRITE_SCOPE in json.loads(token.read_text(encoding="utf-8"))["scopes"]
    synced = cli("sync", "--config", config, "--now", DEMO_NOW)
    assert synced.code == 0 and "Google Forms" not in synced.err, synced.err
    assert google_fake.count("forms.batchUpdate") == 1

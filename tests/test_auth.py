"""The three ways to sign in (backend.auth), through the google_fake's token endpoint: tokens are really
fetched and refreshed by google-auth over our session, and the google_fake knows who each request is."""

from __future__ import annotations

import json
import stat

from sync.errors import ExitCode

from .conftest import (
    CLERK,
    CLIENT_ID,
    CLIENT_SECRET,
    DEMO_NOW,
    FAKE_ACCOUNT,
    SCOPES,
    backend_section,
    load_into_fake,
    saved_token,
)


def one_line_error(result, code: int) -> str:
    assert result.code == code, result.out + result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err, result.err
    return result.err.strip().removeprefix("tonghop: error: ")


# --- oauth --------------------------------------------------------------------------------------
def test_oauth_refreshes_the_saved_token_unattended_and_saves_it(cli, google_fake, oauth_ws):
    ws, sid, token, refresh = oauth_ws
    result = cli("sync", "--config", ws / "config.toml", "--now", DEMO_NOW)
    assert result.code == 0, result.err
    assert google_fake.count("oauth2.token") == 1  # one refresh, then every request carries the token
    api = [r for r in google_fake.requests if r.endpoint != "oauth2.token"]
    assert api and {(r.identity.email, r.identity.robot) for r in api} == {(CLERK, False)}
    saved = json.loads(token.read_text(encoding="utf-8"))
    assert saved["refresh_token"] == refresh and saved["token"] in google_fake.tokens.access
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    # The next run uses the saved token while it is valid: no refresh.
    google_fake.reset_counts()
    assert cli("sync", "--config", ws / "config.toml", "--now", DEMO_NOW).code == 0
    assert google_fake.count("oauth2.token") == 0


def test_a_testing_mode_token_that_expired_says_how_to_stop_it_recurring(cli, google_fake, oauth_ws):
    ws, sid, token, refresh = oauth_ws
    google_fake.tokens.revoke(refresh)
    err = one_line_error(cli("sync", "--config", ws / "config.toml", "--now", DEMO_NOW), ExitCode.ACCESS)
    assert err == (
        f"Google no longer accepts the saved sign-in in token file {token} (invalid_grant: Token "
        f"has been expired or revoked.): run `tonghop login --config {ws / 'config.toml'}` again. "
        "If this happens every 7 days, the OAuth app is in Testing: set its publishing status to "
        "\"In production\" (or make it Internal) on the OAuth consent screen (docs/google.md)")
    assert google_fake.count("oauth2.token") == 1  # a refused grant is not retried


def test_not_signed_in_yet(cli, google_fake, oauth_ws):
    ws, _, token, _ = oauth_ws
    token.unlink()
    err = one_line_error(cli("sync", "--config", ws / "config.toml"), ExitCode.ACCESS)
    assert err == (f"not signed in yet (token file {token} not found): run `tonghop login "
                   f"--config {ws / 'config.toml'}` (docs/google.md)")
    assert google_fake.count() == 0


def test_an_unknown_auth_mode_names_the_key_and_the_choices(cli, google_fake, oauth_ws):
    ws = oauth_ws[0]
    config = ws / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('"oauth"', '"gmail"'), encoding="utf-8")
    err = one_line_error(cli("check", "--config", config), ExitCode.CONFIG)
    assert err == (f"{config}: 'backend.auth' = 'gmail' is not a way to sign in (allowed: "
                   "'service_account', 'oauth', 'adc')")


def test_token_endpoint_failures_follow_the_one_bounded_policy(cli, google_fake, oauth_ws, monkeypatch):
    from sync.backends import retry

    monkeypatch.setattr(retry.RetryingHTTPClient, "sleep", staticmethod(lambda s: None))
    ws = oauth_ws[0]
    google_fake.fail_next(503, times=2, endpoint="oauth2.token")
    assert cli("sync", "--config", ws / "config.toml", "--now", DEMO_NOW).code == 0
    # google-auth alone would have tried 3 times per attempt: here each try is one of ours.
    assert google_fake.count("oauth2.token") == 3
    google_fake.reset_counts()
    ws_token = ws / "data" / "google-token.json"
    info = json.loads(ws_token.read_text(encoding="utf-8"))
    info["expiry"] = "2020-01-01T00:00:00Z"
    ws_token.write_text(json.dumps(info), encoding="utf-8")
    google_fake.fail_next(503, times=50, endpoint="oauth2.token")
    result = cli("sync", "--config", ws / "config.toml", "--now", DEMO_NOW)
    assert result.code == ExitCode.CYCLE and "after 3 attempts" in result.err
    assert google_fake.count("oauth2.token") == 3  # max_attempts = 3, nothing hidden underneath


def test_no_secret_reaches_output_logs_or_snapshots(cli, google_fake, oauth_ws):
    ws, sid, token, refresh = oauth_ws
    runs = [cli("-v", "sync", "--config", ws / "config.toml", "--now", DEMO_NOW),
            cli("-v", "status", "--config", ws / "config.toml", "--now", DEMO_NOW),
            cli("-v", "check", "--config", ws / "config.toml")]
    google_fake.tokens.revoke(refresh)
    saved = json.loads(token.read_text(encoding="utf-8"))
    saved["expiry"] = "2020-01-01T00:00:00Z"
    token.write_text(json.dumps(saved), encoding="utf-8")
    runs.append(cli("-v", "sync", "--config", ws / "config.toml", "--now", DEMO_NOW))
    assert runs[-1].code == ExitCode.ACCESS
    secrets = [refresh, CLIENT_SECRET, *google_fake.tokens.access]
    assert len(secrets) >= 3
    texts = [r.out + r.err for r in runs]
    for path in ws.rglob("*"):
        if path.is_file() and path not in (token, ws / "client_secret.json") \
                and path.suffix not in (".docx", ".xlsx", ".png"):
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    for secret in secrets:
        assert not any(secret in text for text in texts), secret[:8]
    assert any(secret in token.read_text(encoding="utf-8") for secret in secrets)  # the test can fail


# --- service account, ADC -----------------------------------------------------------------------
def test_a_service_account_key_gets_its_token_from_the_jwt_grant(cli, google_fake, demo_dir, service_account_key):
    sid = load_into_fake(google_fake, demo_dir / "tonghop.xlsx")
    (demo_dir / "tonghop.xlsx").unlink()
    backend_section(demo_dir, sid, f"credentials = '{service_account_key}'\n")
    google_fake.tokens.add_service_account(FAKE_ACCOUNT)
    assert cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW).code == 0
    assert google_fake.count("oauth2.token") == 1
    assert {(r.identity.email, r.identity.robot) for r in google_fake.requests
            if r.endpoint != "oauth2.token"} == {(FAKE_ACCOUNT, True)}


def test_a_wrong_clock_is_named_as_such(cli, google_fake, demo_dir, service_account_key):
    from datetime import timedelta

    sid = load_into_fake(google_fake, demo_dir / "tonghop.xlsx")
    backend_section(demo_dir, sid, f"credentials = '{service_account_key}'\n")
    google_fake.tokens.add_service_account(FAKE_ACCOUNT)
    google_fake.tokens.clock_skew = timedelta(hours=-3)  # this machine runs three hours fast
    err = one_line_error(cli("sync", "--config", demo_dir / "config.toml"), ExitCode.ACCESS)
    assert err == (
        "Google refused to sign in because this computer's clock is wrong (invalid_grant: Invalid "
        "JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check "
        "your iat and exp values in the JWT claim.): set the date and time right (e.g. `sudo "
        "timedatectl set-ntp true`) and try again")


def test_adc_from_an_authorized_user_file(cli, google_fake, demo_dir, tmp_path, monkeypatch):
    sid = load_into_fake(google_fake, demo_dir / "tonghop.xlsx")
    (demo_dir / "tonghop.xlsx").unlink()
    backend_section(demo_dir, sid, 'auth = "adc"\n')
    google_fake.tokens.add_client(CLIENT_ID, CLIENT_SECRET)
    adc = tmp_path / "application_default_credentials.json"
    saved_token(adc, google_fake.tokens.add_user(CLERK, CLIENT_ID, SCOPES))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))
    assert cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW).code == 0
    assert google_fake.count("oauth2.token") == 1
    assert {r.identity.email for r in google_fake.requests if r.endpoint != "oauth2.token"} == {CLERK}


def test_adc_missing_says_how_to_make_it(cli, google_fake, demo_dir, tmp_path, monkeypatch):
    sid = load_into_fake(google_fake, demo_dir / "tonghop.xlsx")
    backend_section(demo_dir, sid, 'auth = "adc"\n')
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "nowhere.json"))
    err = one_line_error(cli("sync", "--config", demo_dir / "config.toml"), ExitCode.ACCESS)
    assert err.startswith("no Application Default Credentials on this machine (File ")
    assert err.endswith("): run `gcloud auth application-default login` or set "
                        "GOOGLE_APPLICATION_CREDENTIALS (docs/google.md)")


def test_adc_impersonating_a_service_account(cli, google_fake, demo_dir, tmp_path, monkeypatch):
    """Keys forbidden: a person's ADC acts as the robot through the IAM Credentials API."""
    robot = "tonghop@tonghop-org.iam.gserviceaccount.com"
    sid = load_into_fake(google_fake, demo_dir / "tonghop.xlsx")
    (demo_dir / "tonghop.xlsx").unlink()
    backend_section(demo_dir, sid, f'auth = "adc"\nimpersonate = "{robot}"\n')
    google_fake.tokens.add_client(CLIENT_ID, CLIENT_SECRET)
    adc = tmp_path / "application_default_credentials.json"
    cloud = ["https://www.googleapis.com/auth/cloud-platform"]
    saved_token(adc, google_fake.tokens.add_user(CLERK, CLIENT_ID, cloud), cloud)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))

    err = one_line_error(cli("sync", "--config", demo_dir / "config.toml"), ExitCode.ACCESS)
    assert err == (f"Google refused the Application Default Credentials impersonating {robot} "
                   "(PERMISSION_DENIED: Permission 'iam.serviceAccounts.getAccessToken' denied on "
                   "resource (or it may not exist).): run `gcloud auth application-default login` "
                   "again, or check the impersonation grant (roles/iam.serviceAccountTokenCreator) "
                   "(docs/google.md)")

    google_fake.tokens.grant_token_creator(CLERK, robot)
    google_fake.reset_counts()
    assert cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW).code == 0
    assert google_fake.count("oauth2.token") == 1 and google_fake.count("iam.generateAccessToken") == 1
    api = [r for r in google_fake.requests if r.endpoint.startswith(("spreadsheets", "values"))]
    assert api and {(r.identity.email, r.identity.robot) for r in api} == {(robot, True)}
    (iam,) = [r for r in google_fake.requests if r.endpoint == "iam.generateAccessToken"]
    assert iam.identity.email == CLERK


def test_a_sign_in_without_the_sheets_permission(cli, google_fake, oauth_ws):
    """The person unticked "Sheets" on the consent page: not a sharing problem, a login one."""
    ws, sid, token, _ = oauth_ws
    drive_only = ["https://www.googleapis.com/auth/drive.file"]
    saved_token(token, google_fake.tokens.add_user(CLERK, CLIENT_ID, drive_only), drive_only)
    google_fake.reset_counts()
    err = one_line_error(cli("sync", "--config", ws / "config.toml"), ExitCode.ACCESS)
    assert err == (f"the sign-in (token file {token}) does not allow Google Sheets: sign in again: "
                   f"tonghop login --config {ws / 'config.toml'}")
    assert google_fake.requests == []  # told from the token file, before any request
    checked = cli("check", "--config", ws / "config.toml")
    assert checked.code == ExitCode.ACCESS and "sign in again: tonghop login" in checked.err


def test_check_notes_a_token_file_others_can_read(cli, google_fake, oauth_ws):
    ws, _, token, _ = oauth_ws
    token.chmod(0o644)
    result = cli("check", "--config", ws / "config.toml")
    assert result.code == 0, result.out + result.err
    assert f"note token file {token} can be read by other users (mode 644): chmod 600 {token}" in result.out
    assert f"ok   signed in as a person (token file {token})" in result.out


def test_a_service_accounts_key_and_tokens_stay_out_of_output_and_logs(
        cli, google_fake, demo_dir, service_account_key):
    sid = load_into_fake(google_fake, demo_dir / "tonghop.xlsx")
    (demo_dir / "tonghop.xlsx").unlink()
    backend_section(demo_dir, sid, f"credentials = '{service_account_key}'\n")
    google_fake.tokens.add_service_account(FAKE_ACCOUNT)
    runs = [cli("-v", "sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW),
            cli("-v", "check", "--config", demo_dir / "config.toml")]
    google_fake.tokens.delete_key(FAKE_ACCOUNT)
    runs.append(cli("-v", "sync", "--config", demo_dir / "config.toml", "--now", "2023-06-21T10:00"))
    assert [r.code for r in runs] == [0, 0, ExitCode.ACCESS]
    key = json.loads(service_account_key.read_text(encoding="utf-8"))["private_key"]
    secrets = [line for line in key.splitlines()[1:-1] if len(line) > 40] + list(google_fake.tokens.access)
    texts = [r.out + r.err for r in runs]
    texts += [p.read_bytes().decode("utf-8", "replace") for p in demo_dir.rglob("*")
              if p.is_file() and p.suffix not in (".docx", ".xlsx", ".png")]
    assert len(google_fake.tokens.access) >= 2
    for secret in secrets:
        assert not any(secret in text for text in texts), secret[:8]
    assert "Invalid JWT Signature." in runs[-1].err  # what Google said, without the key

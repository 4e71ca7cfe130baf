"""Signing in to Google, three ways (``backend.auth``), and who that makes us.

* ``service_account``: a service account's JSON key (``backend.credentials`` or
  $GOOGLE_APPLICATION_CREDENTIALS).
* ``oauth``: a staff member's account; `tonghop login` saves their token (an ``authorized_user``
  JSON) in the data folder, mode 0600; google-auth refreshes it and we save it again.
* ``adc``: Application Default Credentials (``google.auth.default()``), optionally impersonating
  the service account ``backend.impersonate`` (for organisations where keys are forbidden).

Messages name the file and what is wrong, never its secrets: the error text of the JSON and
PEM parsers is not repeated, since it can quote the file's content.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import google.auth
from google.auth import credentials as auth_credentials
from google.auth import exceptions as auth_exceptions
from google.auth import impersonated_credentials
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from sync.backends.files import write_atomically
from sync.config import AuthMode, Config
from sync.errors import AccessError
from sync.rules.text import one_line

ENV_VAR = "GOOGLE_APPLICATION_CREDENTIALS"
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"  # only files the tool created
# A service account has no consent screen and sees only what is shared with it; with drive.file
# it could not see a shared drive's folder a person made, so robots ask for the Drive scope.
DRIVE_SCOPE = "https://www.googleapis.com/auth/drive"
# Without a drafts folder a robot still asks Drive one thing: a spreadsheet's version (the
# one-request no-op, google.py). drive.metadata.readonly tells it and can neither read a file's
# contents nor change one; a robot has no consent screen, so asking it costs nothing.
DRIVE_METADATA_SCOPE = "https://www.googleapis.com/auth/drive.metadata.readonly"
CLOUD_SCOPE = "https://www.googleapis.com/auth/cloud-platform"  # ADC impersonating a robot
TOKEN_MODE = 0o600
REQUIRED_FIELDS = ("client_email", "private_key", "token_uri")
HELP = "download a new JSON key of the service account (see docs/google.md)"


@dataclass(frozen=True)
class ServiceAccountKey:
    path: Path
    client_email: str
    project_id: str
    info: dict = field(repr=False)  # holds the private key: never printed

    def credentials(self, scopes: list[str]) -> service_account.Credentials:
        try:
            return service_account.Credentials.from_service_account_info(self.info, scopes=scopes)
        except (ValueError, TypeError, IndexError):
            raise AccessError(
                f"key file {self.path}: its private_key is not a readable PEM key; {HELP}"
            ) from None


@dataclass(frozen=True)
class Identity:
    """Who tonghop acts as: what to share spreadsheets with, and whether it can own files."""

    mode: AuthMode
    email: str  # "" when Google does not tell (a person's token)
    robot: bool  # a service account: owns no Drive storage
    source: str  # where the credentials come from, for messages

    @property
    def share_with(self) -> str:
        if self.email:
            return self.email
        if self.mode is AuthMode.OAUTH:
            return "the Google account you signed in with (`tonghop login`)"
        return "the account of the Application Default Credentials"


@dataclass
class SignIn:
    credentials: auth_credentials.Credentials = field(repr=False)
    identity: Identity
    key: ServiceAccountKey | None = None

    @property
    def granted(self) -> frozenset[str] | None:
        """The scopes a person's saved token was granted at `tonghop login`; None when it does
        not say (or for a service account, which asks its scopes with every token)."""
        if self.identity.robot:
            return None
        scopes = getattr(self.credentials, "granted_scopes", None) or getattr(self.credentials, "scopes", None)
        return frozenset(scopes) if scopes else None


# A broader scope covers a narrower one.
_COVERS = {DRIVE_FILE_SCOPE: (DRIVE_SCOPE,),
           "https://www.googleapis.com/auth/forms.body.readonly": ("https://www.googleapis.com/auth/forms.body",)}


def lacking(granted: frozenset[str] | None, wanted: list[str]) -> list[str]:
    """Of ``wanted``, the scopes ``granted`` does not cover; none when ``granted`` is unknown."""
    if granted is None:
        return []
    return [w for w in wanted if w not in granted and not any(b in granted for b in _COVERS.get(w, ()))]


def sign_in_again(identity: Identity, config_path: object, what: str, edit_forms: bool = False) -> AccessError:
    """A saved sign-in that lacks a scope the config needs: the command that fixes it."""
    extra = " --edit-forms" if edit_forms else ""
    if identity.mode is AuthMode.OAUTH:
        fix = f"sign in again: tonghop login --config {config_path}{extra}"
    else:
        fix = "sign in again with `gcloud auth application-default login --scopes=...` (docs/google.md)"
    return AccessError(f"the sign-in ({identity.source}) does not allow {what}: {fix}")


def sign_in(config: Config) -> SignIn:
    """Credentials for the configured mode, scoped as narrowly as the job allows. Reads files
    only: no token is fetched until the first request."""
    mode = config.backend.auth_mode
    if mode is AuthMode.OAUTH:
        return _oauth(config)
    if mode is AuthMode.ADC:
        return _adc(config)
    key = load_key(key_path(config))
    identity = Identity(mode, key.client_email, True, f"key file {key.path}")
    return SignIn(key.credentials(scopes_for(config, robot=True)), identity, key)


def scopes_for(config: Config, robot: bool = True) -> list[str]:
    """Sheets, and the narrowest Drive scope the config needs. A person (oauth) gets
    ``drive.file``: files tonghop made, in their own Drive (any wider Drive scope is one Google
    restricts: an app asking it needs Google's verification). A robot gets ``drive`` when a
    drafts folder is configured (see DRIVE_SCOPE), else ``drive.metadata.readonly`` for the
    no-op's version check (see DRIVE_METADATA_SCOPE) while that check is on."""
    scopes = [SHEETS_SCOPE]
    if not robot:
        scopes.append(DRIVE_FILE_SCOPE)
    elif config.reports.drive_folder:
        scopes.append(DRIVE_SCOPE)
    elif config.backend.skip_unchanged or config.backend.settled_skip:
        scopes.append(DRIVE_METADATA_SCOPE)
    return scopes


def key_path(config: Config) -> Path:
    """``backend.credentials`` (relative to the config file), else $GOOGLE_APPLICATION_CREDENTIALS."""
    if config.backend.credentials:
        return config.resolve(config.backend.credentials)
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(os.path.expanduser(env))
    raise AccessError(
        f"no service-account key: set 'backend.credentials' in {config.path} or the "
        f"{ENV_VAR} variable to the JSON key file, or choose another 'backend.auth' "
        "(see docs/google.md)"
    )


# --- oauth: a person's saved token ----------------------------------------------------------------
class SavedUserCredentials(user_credentials.Credentials):
    """A person's credentials that save themselves (mode 0600) each time they are refreshed, so
    an unattended sync keeps working from the last refresh on."""

    saved_path: Path | None = None

    def refresh(self, request) -> None:
        super().refresh(request)
        if self.saved_path is not None:
            save_token(self.saved_path, self)


def save_token(path: Path, credentials: user_credentials.Credentials) -> None:
    """The ``authorized_user`` JSON (the shape ADC reads too), readable by this user only."""
    info = {"type": "authorized_user", **json.loads(credentials.to_json())}
    text = json.dumps(info, indent=2)
    write_atomically(path, lambda handle: handle.write(text.encode("utf-8")), mode=TOKEN_MODE)


def _oauth(config: Config) -> SignIn:
    path = config.token_path
    login = f"run `tonghop login --config {config.path}`"
    where = f"token file {path}"
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AccessError(f"not signed in yet ({where} not found): {login} (docs/google.md)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise AccessError(f"{where} cannot be read as a saved sign-in: {login} again") from None
    if not isinstance(info, dict) or info.get("type", "authorized_user") != "authorized_user":
        raise AccessError(f"{where} is not a saved sign-in (authorized_user JSON): {login} again")
    try:
        credentials = SavedUserCredentials.from_authorized_user_info(info)
    except ValueError:
        raise AccessError(f"{where} lacks refresh_token, client_id or client_secret: {login} "
                          "again") from None
    credentials.saved_path = path
    identity = Identity(AuthMode.OAUTH, str(info.get("account") or ""), False, where)
    signed = SignIn(credentials, identity)
    missing = lacking(signed.granted, scopes_for(config, robot=False))
    if missing:  # before any request: Google would refuse each with a 403
        names = {SHEETS_SCOPE: "Google Sheets", DRIVE_FILE_SCOPE: "Google Drive"}
        raise sign_in_again(identity, config.path, " or ".join(names.get(m, m) for m in missing))
    return signed


# --- adc: whatever the machine is signed in as ----------------------------------------------------
def _adc(config: Config) -> SignIn:
    try:
        found, _project = google.auth.default()
    except auth_exceptions.DefaultCredentialsError as err:
        raise AccessError(
            "no Application Default Credentials on this machine "
            f"({one_line(str(err).split('. ')[0], 120)}): run `gcloud auth application-default "
            f"login` or set {ENV_VAR} (docs/google.md)") from None
    source = "Application Default Credentials"
    target = config.backend.impersonate.strip()
    if target:
        base = auth_credentials.with_scopes_if_required(found, [CLOUD_SCOPE])
        credentials = impersonated_credentials.Credentials(
            source_credentials=base, target_principal=target,
            target_scopes=scopes_for(config, robot=True), lifetime=3600)
        return SignIn(credentials, Identity(AuthMode.ADC, target, True,
                                            f"{source} impersonating {target}"))
    if isinstance(found, user_credentials.Credentials):
        # A person (`gcloud auth application-default login --scopes=...`): the scopes granted
        # at login are the ones refreshed.
        email = getattr(found, "account", "") or ""
        return SignIn(found, Identity(AuthMode.ADC, email, False, f"{source} (a person)"))
    credentials = auth_credentials.with_scopes_if_required(found, scopes_for(config, robot=True))
    email = getattr(credentials, "service_account_email", "") or ""
    return SignIn(credentials, Identity(AuthMode.ADC, email if "@" in email else "", True,
                                        f"{source} (a service account)"))


# --- what Google's refusal means -----------------------------------------------------------------
def refused(identity: Identity, err: auth_exceptions.RefreshError, config_path: str) -> AccessError:
    """One line for a token Google would not issue, with the way out."""
    detail = _refresh_detail(err)
    code = detail.split(":")[0]
    if code == "invalid_grant" and "iat and exp" in detail:
        return AccessError(
            f"Google refused to sign in because this computer's clock is wrong ({detail}): set "
            "the date and time right (e.g. `sudo timedatectl set-ntp true`) and try again")
    if identity.mode is AuthMode.OAUTH and code in ("invalid_grant", "invalid_scope"):
        return AccessError(
            f"Google no longer accepts the saved sign-in in {identity.source} ({detail}): run "
            f"`tonghop login --config {config_path}` again. If this happens every 7 days, the "
            "OAuth app is in Testing: set its publishing status to \"In production\" (or make it "
            "Internal) on the OAuth consent screen (docs/google.md)")
    if identity.mode is AuthMode.OAUTH and code == "invalid_client":
        return AccessError(
            f"Google does not know the OAuth client of {identity.source} ({detail}): it may have "
            f"been deleted; download the client JSON again and run `tonghop login --config "
            f"{config_path}` (docs/google.md)")
    if identity.mode is AuthMode.ADC:
        return AccessError(
            f"Google refused the {identity.source} ({detail}): run `gcloud auth "
            "application-default login` again, or check the impersonation grant "
            "(roles/iam.serviceAccountTokenCreator) (docs/google.md)")
    return AccessError(
        f"Google refused the service-account key {identity.source.removeprefix('key file ')} "
        f"({detail}): the key may have been deleted or the account disabled; create a new key "
        "(docs/google.md)")


def _refresh_detail(err: auth_exceptions.RefreshError) -> str:
    """'invalid_grant: Token has been expired or revoked.' from google-auth's RefreshError."""
    data = err.args[1] if len(err.args) > 1 else None
    if isinstance(data, str):  # impersonation: the IAM API's JSON error body, as text
        try:
            data = json.loads(data)
        except ValueError:
            data = None
    if isinstance(data, dict) and isinstance(data.get("error"), dict):  # {"error": {"status", "message"}}
        inner = data["error"]
        return one_line(f"{inner.get('status', inner.get('code', ''))}: {inner.get('message', '')}", 200)
    if isinstance(data, dict) and data.get("error"):
        text = f"{data['error']}: {data.get('error_description', '')}".rstrip(": ")
    else:
        text = str(err.args[0]) if err.args else type(err).__name__
    return one_line(text, 200)


def load_key(path: Path) -> ServiceAccountKey:
    where = f"key file {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AccessError(f"{where} not found; {HELP}") from None
    except IsADirectoryError:
        raise AccessError(f"{where} is a folder, not the JSON key file") from None
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else "not UTF-8 text"
        raise AccessError(f"{where} cannot be read ({reason})") from None
    try:
        info = json.loads(text)
    except json.JSONDecodeError as err:
        raise AccessError(f"{where} is not JSON (line {err.lineno}, column {err.colno}); {HELP}") from None
    if not isinstance(info, dict):
        raise AccessError(f"{where} is not a JSON object; {HELP}")
    kind = info.get("type")
    if kind != "service_account":
        what = f"a '{kind}' key" if isinstance(kind, str) else "not a key"
        raise AccessError(f"{where} is {what}, not a service-account key; {HELP}")
    missing = [name for name in REQUIRED_FIELDS if not isinstance(info.get(name), str)
               or not info[name].strip()]
    if missing:
        raise AccessError(f"{where} lacks {', '.join(missing)}; {HELP}")
    if "PASTE-THE-KEY" in info["private_key"] or "BEGIN" not in info["private_key"]:
        raise AccessError(f"{where} holds a placeholder, not a private key; {HELP}")
    return ServiceAccountKey(path, info["client_email"].strip(), str(info.get("project_id", "")), info)


def scoped(signed: SignIn, scopes: list[str]) -> auth_credentials.Credentials:
    """The same sign-in with other scopes (e.g. a Forms scope asked only when a campaign links a
    form). A person's token keeps the scopes granted at `tonghop login`."""
    if signed.key is not None:
        return signed.key.credentials(scopes)
    if isinstance(signed.credentials, auth_credentials.Scoped):
        return signed.credentials.with_scopes(scopes)
    return signed.credentials

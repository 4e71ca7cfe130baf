"""The service-account key file: where it is, what is wrong with it, who to share sheets with.

Messages name the file and what is wrong, never the key itself: the error text of the JSON and
PEM parsers is not repeated, since it can quote the file's content.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from google.oauth2 import service_account

from sync.config import Config
from sync.errors import AccessError

ENV_VAR = "GOOGLE_APPLICATION_CREDENTIALS"
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"  # only files the tool created
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


def key_path(config: Config) -> Path:
    """``backend.credentials`` (relative to the config file), else $GOOGLE_APPLICATION_CREDENTIALS."""
    if config.backend.credentials:
        return config.resolve(config.backend.credentials)
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(os.path.expanduser(env))
    raise AccessError(
        f"no service-account key: set 'backend.credentials' in {config.path} or the "
        f"{ENV_VAR} variable to the JSON key file (see docs/google.md)"
    )


def scopes_for(config: Config) -> list[str]:
    """As narrow as the job allows: Sheets; Drive only to publish drafts into a folder."""
    scopes = [SHEETS_SCOPE]
    if config.reports.drive_folder:
        scopes.append(DRIVE_FILE_SCOPE)
    return scopes


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

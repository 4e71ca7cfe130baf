"""Drafts to Google Drive: into which folder, and one upload per draft.

Which folder, by who tonghop signs in as (``backend.auth``):

* a person (``oauth``, or ADC signed in as a person): scope ``drive.file``, so tonghop sees only
  what it made itself. Without ``reports.drive_folder``, or when that folder was made in the Drive
  UI (404 to ``drive.file``), drafts go to tonghop's own folder "tonghop - Báo cáo <issuer>" in
  that person's My Drive, created once; its id is remembered in the data folder.
* a service account (a robot): it owns no storage, so a file it creates in a My Drive folder is
  refused (403 ``storageQuotaExceeded``). Only a folder in a shared drive works; `check` says so
  before any upload, and the upload says the same one line.

Each draft replaces its previous version (same file id; Drive keeps the old one as a revision)
instead of piling up copies. Uploads are google-api-python-client's ``MediaIoBaseUpload``
(a multipart upload) sent through :class:`SessionHttp`, i.e. through the Google backend's
session and its bounded retry policy, like every Sheets call.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import httplib2
from gspread.exceptions import APIError
from gspread.urls import DRIVE_FILES_API_V3_URL

from sync.backends.credentials import Identity
from sync.backends.files import write_atomically
from sync.backends.google import api_disabled_line
from sync.backends.retry import GaveUp, describe_failure
from sync.errors import AccessError, BackendError
from sync.rules.text import one_line

log = logging.getLogger(__name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
FOLDER = "application/vnd.google-apps.folder"
FIELDS = "id,webViewLink"
FOLDER_FIELDS = "id,name,mimeType,driveId,trashed,webViewLink,capabilities(canAddChildren)"
APP_KEY = "tonghop_draft"  # appProperties: which draft a file is, for anyone searching Drive
OWN_FOLDER = "tonghop - Báo cáo"


def robot_in_my_drive(email: str) -> str:
    """The one line a service account gets for a My Drive folder, from `check` and uploads."""
    return (f"a service account ({email}) cannot own files in a My Drive folder, Google gives it "
            "no storage: use a folder in a shared drive, shared with it as Content manager, or "
            "sign in as a person with auth = \"oauth\" in [backend] (docs/google.md)")


@dataclass(frozen=True)
class Uploaded:
    file_id: str
    link: str


@dataclass(frozen=True)
class Folder:
    folder_id: str
    name: str
    link: str
    own: bool  # tonghop's own folder (made by it), not the configured one


class SessionHttp:
    """What google-api-python-client needs of ``httplib2.Http`` (``request`` answering
    ``(response, content)``), over our transport: the session with its token and the one retry
    policy. An HTTP error leaves as gspread's ``APIError``, like the Sheets calls'."""

    def __init__(self, http):
        self.http = http

    def request(self, uri, method="GET", body=None, headers=None, **_ignored):
        response = self.http.request(method.lower(), uri, data=body, headers=dict(headers or {}))
        info = {k.lower(): v for k, v in response.headers.items()
                if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")}
        info["status"] = str(response.status_code)
        return httplib2.Response(info), response.content


class DriveFolder:
    def __init__(self, http, identity: Identity, configured: str = "",
                 remembered: Path | None = None, name: str = OWN_FOLDER,
                 config_path: str = "the config file"):
        self.http, self.identity, self.configured = http, identity, configured.strip()
        self.remembered, self.name, self.config_path = remembered, name, config_path
        self._folder: Folder | None = None
        self._files = None
        self.created: Folder | None = None  # tonghop's own folder, when this run made it

    # -- which folder ---------------------------------------------------------------------------
    def folder(self) -> Folder:
        """The folder drafts go to; tonghop's own one is created here the first time."""
        if self._folder is None:
            found, _ = self.look(create=True)
            if found is None:  # look(create=True) makes one or raises
                raise BackendError("Google Drive: no folder for the drafts")
            self._folder = found
        return self._folder

    def look(self, create: bool = False) -> tuple[Folder | None, bool]:
        """(the folder, or None when tonghop's own is yet to be made; whether the configured one
        was passed over as invisible). Raises AccessError with the fix when none can work."""
        if self.configured:
            info = self._get(self.configured)
            if info is not None:
                return self._usable(info), False
            if self.identity.robot:
                who = self.identity.share_with
                raise AccessError(f"Drive folder {self.configured} is not visible to {who}: share it "
                                  f"(a folder in a shared drive) with {who}, and check "
                                  f"'reports.drive_folder' in {self.config_path}")
        elif self.identity.robot:
            raise AccessError(robot_in_my_drive(self.identity.share_with))
        passed_over = bool(self.configured)
        known = self._remembered_id()
        info = self._get(known) if known else None
        if info is None or info.get("trashed"):
            info = self._find_own()  # the data folder was lost or moved: find it by name
        if info is not None:
            return self._as_folder(info, own=True), passed_over
        if not create:
            return None, passed_over
        return self._create_own(), passed_over

    def _find_own(self) -> dict | None:
        """tonghop's own folder by name (with drive.file only those tonghop made are listed)."""
        name = self.name.replace("\\", "\\\\").replace("'", "\\'")
        query = f"name = '{name}' and mimeType = '{FOLDER}' and trashed = false"
        try:
            found = self.http.request("get", DRIVE_FILES_API_V3_URL, params={
                "q": query, "fields": f"files({FOLDER_FIELDS})", "orderBy": "createdTime",
                "pageSize": "10"}).json().get("files", [])
        except APIError as err:
            raise self._refused(err, "Google Drive") from err
        except GaveUp as err:
            raise BackendError(f"Google Drive did not answer after {err.attempts} attempts "
                               f"({err.last})") from err
        mine = [f for f in found if not f.get("driveId")]
        if mine:
            self._remember(mine[0])
        return mine[0] if mine else None

    def _remember(self, info: dict) -> None:
        if self.remembered is None or self._remembered_id() == info["id"]:
            return
        folder = self._as_folder(info, own=True)
        text = json.dumps({"id": folder.folder_id, "name": folder.name, "link": folder.link},
                          ensure_ascii=False, indent=2)
        write_atomically(self.remembered, lambda h: h.write(text.encode("utf-8")))

    def _usable(self, info: dict) -> Folder:
        name = one_line(info.get("name", self.configured), 80)
        if info.get("mimeType") != FOLDER:
            raise AccessError(f"Drive id {self.configured} ('{name}') is not a folder: check "
                              f"'reports.drive_folder' in {self.config_path}")
        if info.get("capabilities", {}).get("canAddChildren") is False:
            raise AccessError(f"Drive folder '{name}' is shared read-only: give "
                              f"{self.identity.share_with} Editor (or Content manager) access")
        if self.identity.robot and not info.get("driveId"):
            raise AccessError(robot_in_my_drive(self.identity.share_with))
        return self._as_folder(info, own=False)

    def _as_folder(self, info: dict, own: bool) -> Folder:
        fid = info["id"]
        return Folder(fid, info.get("name", fid),
                      info.get("webViewLink") or f"https://drive.google.com/drive/folders/{fid}", own)

    def _remembered_id(self) -> str:
        if self.remembered is None:
            return ""
        try:
            return str(json.loads(self.remembered.read_text(encoding="utf-8")).get("id", ""))
        except (OSError, ValueError, AttributeError):
            return ""

    def _create_own(self) -> Folder:
        info = self._run(self._service().files().create(
            body={"name": self.name, "mimeType": FOLDER}, fields=FOLDER_FIELDS,
            supportsAllDrives=True), f"folder '{self.name}'")
        folder = self._as_folder(info, own=True)
        self._remember(info)
        log.info("created the Drive folder '%s': %s", folder.name, folder.link)
        self.created = folder
        return folder

    def _get(self, file_id: str) -> dict | None:
        """The file's metadata, or None when Drive says it does not exist (for us)."""
        url = f"{DRIVE_FILES_API_V3_URL}/{file_id}"
        try:
            return self.http.request("get", url, params={"fields": FOLDER_FIELDS,
                                                         "supportsAllDrives": "true"}).json()
        except APIError as err:
            if err.response.status_code == 404:
                return None
            raise self._refused(err, f"Drive folder {file_id}") from err
        except GaveUp as err:
            raise BackendError(f"Google Drive did not answer after {err.attempts} attempts "
                               f"({err.last})") from err

    # -- uploads --------------------------------------------------------------------------------
    def upload(self, path: Path, name: str, key: str, file_id: str = "",
               mime_type: str = DOCX) -> Uploaded:
        """Replace file ``file_id`` when it still exists, else create one in the folder."""
        content = path.read_bytes()
        files = self._service().files()
        if file_id:
            try:
                answer = self._run(files.update(
                    fileId=file_id, body={"name": name}, media_body=_media(content, mime_type),
                    supportsAllDrives=True, fields=FIELDS), name, missing_ok=True)
            except _Gone:
                answer = None  # deleted or trashed by someone: upload it afresh
            if answer is not None:
                return Uploaded(answer["id"], answer.get("webViewLink", ""))
        folder = self.folder()
        metadata = {"name": name, "mimeType": mime_type, "parents": [folder.folder_id],
                    "appProperties": {APP_KEY: key}}
        answer = self._run(files.create(body=metadata, media_body=_media(content, mime_type),
                                        supportsAllDrives=True, fields=FIELDS), name)
        return Uploaded(answer["id"], answer.get("webViewLink", ""))

    def _service(self):
        if self._files is None:
            from googleapiclient.discovery import build  # ~0.5 s to import: only when publishing

            self._files = build("drive", "v3", http=SessionHttp(self.http), static_discovery=True,
                                cache_discovery=False)
        return self._files

    def _run(self, call, name: str, missing_ok: bool = False) -> dict:
        try:
            return call.execute()
        except GaveUp as err:
            raise BackendError(f"Google Drive did not take {name} after {err.attempts} "
                               f"attempts ({err.last}); the local copy is in the output folder; "
                               "the next run uploads it again") from err
        except APIError as err:
            status = err.response.status_code
            if status == 404 and missing_ok:
                raise _Gone from err
            if status == 404:
                raise AccessError(f"Drive folder {self._folder.folder_id if self._folder else ''} "
                                  f"not found: check 'reports.drive_folder' in "
                                  f"{self.config_path}") from err
            if status in (401, 403):
                raise self._refused(err, f"Google Drive refused {name}") from err
            raise BackendError(f"Google Drive rejected {name} ({describe_failure(err)})") from err

    def _refused(self, err: APIError, what: str) -> AccessError:
        reasons = {e.get("reason") for e in err.error.get("errors") or [] if isinstance(e, dict)}
        reasons |= {d.get("reason") for d in err.error.get("details") or [] if isinstance(d, dict)}
        if "storageQuotaExceeded" in reasons and self.identity.robot:
            return AccessError(robot_in_my_drive(self.identity.share_with))
        if reasons & {"SERVICE_DISABLED", "accessNotConfigured"}:
            return AccessError(api_disabled_line("Google Drive API", err))
        if reasons & {"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}:
            return AccessError(f"{what}: the sign-in lacks Drive access ({describe_failure(err)}); "
                               "run `tonghop login` again (auth = \"oauth\") or check the scopes "
                               "(docs/google.md)")
        return AccessError(f"{what} ({describe_failure(err)}): give {self.identity.share_with} "
                           "Editor (or Content manager) access to the folder")


def _media(content: bytes, mime_type: str):
    from googleapiclient.http import MediaIoBaseUpload

    return MediaIoBaseUpload(io.BytesIO(content), mimetype=mime_type, resumable=False)


class _Gone(Exception):
    pass

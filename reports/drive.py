"""Drafts to a Google Drive folder: one multipart upload per draft, replacing the previous
version of the same draft (same file id, Drive keeps the old one as a revision) instead of piling
up copies.

``http`` is gspread's transport over a ``requests.Session`` (google-auth's ``AuthorizedSession``
in production, with scope ``drive.file``): the Google backend's bounded-retry client, so Drive
calls retry and give up like Sheets calls do.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from gspread.exceptions import APIError

from sync.backends.retry import GaveUp, describe_failure
from sync.errors import AccessError, BackendError

UPLOAD_URL = "https://www.googleapis.com/upload/drive/v3/files"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
FIELDS = "id,webViewLink"
APP_KEY = "tonghop_draft"  # appProperties: which draft a file is, for anyone searching Drive


@dataclass(frozen=True)
class Uploaded:
    file_id: str
    link: str


def multipart(metadata: dict, content: bytes, mime_type: str) -> tuple[bytes, str]:
    """A ``multipart/related`` body (metadata part, then media part) and its content type."""
    boundary = "tonghop-" + secrets.token_hex(16)
    while boundary.encode() in content:
        boundary = "tonghop-" + secrets.token_hex(16)
    head = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
            f"{json.dumps(metadata, ensure_ascii=False)}\r\n"
            f"--{boundary}\r\nContent-Type: {mime_type}\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head + content + tail, f"multipart/related; boundary={boundary}"


class DriveFolder:
    def __init__(self, http, folder_id: str, account: str = "the service account",
                 config_path: str = "the config file"):
        self.http, self.folder_id = http, folder_id
        self.account, self.config_path = account, config_path

    def upload(self, path: Path, name: str, key: str, file_id: str = "",
               mime_type: str = DOCX) -> Uploaded:
        """Replace file ``file_id`` when it still exists, else create one in the folder."""
        content = path.read_bytes()
        params = {"uploadType": "multipart", "supportsAllDrives": "true", "fields": FIELDS}
        if file_id:
            body, ctype = multipart({"name": name}, content, mime_type)
            try:
                answer = self._send("patch", f"{UPLOAD_URL}/{file_id}", params, body, ctype,
                                    name, missing_ok=True)
            except _Gone:
                answer = None  # deleted or trashed by someone: upload it afresh
            if answer is not None:
                return Uploaded(answer["id"], answer.get("webViewLink", ""))
        metadata = {"name": name, "mimeType": mime_type, "parents": [self.folder_id],
                    "appProperties": {APP_KEY: key}}
        body, ctype = multipart(metadata, content, mime_type)
        answer = self._send("post", UPLOAD_URL, params, body, ctype, name)
        return Uploaded(answer["id"], answer.get("webViewLink", ""))

    def _send(self, method: str, url: str, params: dict, body: bytes, ctype: str, name: str,
              missing_ok: bool = False) -> dict:
        try:
            response = self.http.request(method, url, params=params, data=body,
                                         headers={"Content-Type": ctype})
        except GaveUp as err:
            raise BackendError(f"Google Drive did not take draft {name} after {err.attempts} "
                               f"attempts ({err.last}); the local copy is in the output folder; "
                               "the next run uploads it again") from err
        except APIError as err:
            status = err.response.status_code
            if status == 404 and missing_ok:
                raise _Gone from err
            where = f"Drive folder {self.folder_id}"
            if status == 404:
                raise AccessError(f"{where} not found: check 'reports.drive_folder' in "
                                  f"{self.config_path}") from err
            if status in (401, 403):
                raise AccessError(f"{where} refused draft {name} ({describe_failure(err)}): "
                                  f"share the folder with {self.account} as Editor") from err
            raise BackendError(f"Google Drive rejected draft {name} ({describe_failure(err)})") from err
        return response.json()


class _Gone(Exception):
    pass

"""A small part of Drive v3: files create/update/get/list/delete/copy.

Copied behaviour:

* ``POST /drive/v3/files`` with JSON metadata creates a file; a Google
  Sheets mimeType creates an empty spreadsheet (one ``Sheet1`` of
  1000 x 26, locale en_US, time zone Etc/GMT - recorded). The answer holds
  ``kind, id, name, mimeType`` unless ``fields`` says otherwise (recorded).
* ``POST /upload/drive/v3/files?uploadType=multipart`` takes a multipart body
  (``multipart/related`` as the docs say, or ``multipart/form-data`` as
  requests' ``files=`` sends): first part JSON metadata, second the media.
  ``uploadType=media`` takes the bare content.
* ``PATCH /upload/drive/v3/files/{id}`` replaces content and/or metadata,
  keeps the id and bumps ``version``; ``parents`` cannot be written there
  (403 ``fieldNotWritable``): use ``addParents``/``removeParents``.
* ``GET /drive/v3/files?q=...`` understands the query language for
  ``name``, ``mimeType``, ``trashed``, ``'id' in parents`` (and gspread's
  ``parents in "id"``), ``contains``, ``and``/``or``/``not``/parentheses.
  Without ``orderBy`` the most recently modified file comes first (Drive's
  default order; ``orderBy`` takes ``name``, ``createdTime``, ``modifiedTime``).
* Unknown or unreachable files and parents are 404 ``File not found: <id>.``;
  items of a shared drive are only reachable with ``supportsAllDrives=true``
  and only listed with ``includeItemsFromAllDrives=true`` too.
* ``DELETE`` answers 204 with an empty body (recorded).
* ``GET /drive/v3/files/{id}/comments`` lists no comments (enough for
  gspread's ``Client.copy``); ``POST /drive/v3/files/{id}/copy`` copies.
* Who asks (the identity behind the bearer token, when there is one): with only the
  ``drive.file`` scope a caller sees the files its app created and nothing else (a folder made
  in the Drive UI and shared is 404 ``File not found``); a service account creating a file
  (not a folder) outside a shared drive gets 403 ``storageQuotaExceeded`` ("Service Accounts
  do not have storage quota..."), since the file would be its own. A request without a token
  (the fake's own tests) sees everything, as before.
* ``fields`` selects the answer's fields (``id,name``, ``files(id,name)``);
  a name that is no File field is 400 ``Invalid field selection``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import fieldmask
from .drive_query import Query
from .errors import ApiError, FakeNotImplemented, not_found_drive, storage_quota_exceeded
from .multipart import parse_multipart

FOLDER = "application/vnd.google-apps.folder"
SHEETS = "application/vnd.google-apps.spreadsheet"
DOCS = "application/vnd.google-apps.document"
FILE_FIELDS = {
    "appProperties", "capabilities", "contentHints", "copyRequiresWriterPermission",
    "createdTime", "description", "driveId", "explicitlyTrashed", "exportLinks",
    "fileExtension", "folderColorRgb", "fullFileExtension", "hasThumbnail", "headRevisionId",
    "iconLink", "id", "kind", "lastModifyingUser", "md5Checksum", "mimeType", "modifiedByMe",
    "modifiedTime", "name", "originalFilename", "ownedByMe", "owners", "parents",
    "permissionIds", "permissions", "properties", "quotaBytesUsed", "resourceKey", "shared",
    "size", "spaces", "starred", "teamDriveId", "thumbnailLink", "trashed", "version",
    "viewedByMe", "webContentLink", "webViewLink", "writersCanShare", "sha1Checksum",
    "sha256Checksum",
}


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class DriveFile:
    """A Drive file as the fake keeps it."""

    file_id: str
    name: str
    mime_type: str
    parents: list[str]
    content: bytes = b""
    version: int = 1
    drive_id: str | None = None  # shared drive the file lives in
    description: str | None = None
    app_properties: dict = field(default_factory=dict)
    trashed: bool = False
    writable: bool = True  # the service account may change it / add children
    owner: str = ""  # who created it through the API ("" = made by a person in the UI)
    created_time: str = field(default_factory=now)
    modified_time: str = field(default_factory=now)

    @property
    def web_view_link(self) -> str:
        fid = self.file_id
        if self.mime_type == FOLDER:
            return f"https://drive.google.com/drive/folders/{fid}"
        if self.mime_type == SHEETS:
            return f"https://docs.google.com/spreadsheets/d/{fid}/edit?usp=drivesdk"
        if self.mime_type == DOCS or self.mime_type.endswith("wordprocessingml.document"):
            return f"https://docs.google.com/document/d/{fid}/edit?usp=drivesdk"
        return f"https://drive.google.com/file/d/{fid}/view?usp=drivesdk"

    def capabilities(self) -> dict:
        can = self.writable
        out = {"canEdit": can, "canRename": can, "canDelete": can, "canTrash": can,
               "canDownload": True, "canCopy": self.mime_type != FOLDER}
        if self.mime_type == FOLDER:
            out["canAddChildren"] = can
        return out

    def resource(self) -> dict:
        out: dict[str, Any] = {
            "kind": "drive#file", "id": self.file_id, "name": self.name,
            "mimeType": self.mime_type, "parents": list(self.parents),
            "trashed": self.trashed, "version": str(self.version),
            "createdTime": self.created_time, "modifiedTime": self.modified_time,
            "webViewLink": self.web_view_link,
            "capabilities": self.capabilities(),
        }
        if self.mime_type not in (FOLDER, SHEETS, DOCS):
            out["size"] = str(len(self.content))
            out["webContentLink"] = f"https://drive.google.com/uc?id={self.file_id}&export=download"
        if self.drive_id:
            out["driveId"] = self.drive_id
        if self.description is not None:
            out["description"] = self.description
        if self.app_properties:
            out["appProperties"] = dict(self.app_properties)
        return out


# -- fields --------------------------------------------------------------------------

def _check_fields(paths: list[list[str]], listing: bool) -> None:
    for path in paths:
        name = path[0]
        if listing:
            if name in ("kind", "nextPageToken", "incompleteSearch"):
                continue
            if name != "files":
                raise ApiError(400, f"Invalid field selection {name}", drive=True,
                               reason="invalidParameter", location="fields")
            if len(path) == 1:
                continue
            name = path[1]
        if name not in FILE_FIELDS and name != "*":
            raise ApiError(400, f"Invalid field selection {name}", drive=True,
                           reason="invalidParameter", location="fields")


def shape(resource: dict, fields: str | None, default: tuple[str, ...]) -> dict:
    """Apply Drive's ``fields`` (or its default field set) to a File."""
    if not fields:
        return {k: resource[k] for k in default if k in resource}
    return _select(resource, fields, listing=False)


def _select(resource: dict, fields: str, listing: bool) -> dict:
    """``fields`` applied to a File or to a files.list answer, rejected as Drive rejects it."""
    try:
        paths = fieldmask.parse(fields)
    except fieldmask.MaskError:
        raise ApiError(400, f"Invalid field selection {fields}", drive=True,
                       reason="invalidParameter", location="fields") from None
    _check_fields(paths, listing=listing)
    return fieldmask.select(resource, fieldmask.tree(paths))


DEFAULT_FIELDS = ("kind", "id", "name", "mimeType")


def _unsupported(what: str) -> FakeNotImplemented:
    return FakeNotImplemented(f"Drive: {what}")


# -- endpoints ------------------------------------------------------------------------------

def _flag(params: dict[str, list[str]], name: str) -> bool:
    value = (params.get(name) or [""])[0]
    return value.lower() in ("true", "1")


def _param(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


class DriveApi:
    """The Drive endpoints over the fake's state (``fake.drive_files``)."""

    def __init__(self, fake: Any):
        self.fake = fake
        self.who: Any = None  # the Identity of the request being served (None: no token)

    # access -----------------------------------------------------------------
    def _all_drives(self, params: dict) -> bool:
        return _flag(params, "supportsAllDrives") or _flag(params, "supportsTeamDrives")

    def visible(self, file_id: str, params: dict) -> DriveFile:
        if file_id == "root":  # Drive's alias for My Drive
            file_id = self.fake.root_folder_id
        f = self.fake.drive_files.get(file_id)
        if f is None or file_id in self.fake.denied or (f.drive_id and not self._all_drives(params)) \
                or not self._sees(f):
            raise not_found_drive(file_id)
        return f

    def _sees(self, f: DriveFile) -> bool:
        """drive.file: only what this app created as this identity (and the My Drive root)."""
        who = self.who
        if who is None or not who.drive_file_only or f.file_id == self.fake.root_folder_id:
            return True
        return f.owner == who.email

    def _parent_folders(self, parents: list[str], params: dict) -> str | None:
        """Check parents exist and are folders; the shared drive they are in."""
        if len(parents) > 1:
            raise ApiError(403, "A shared drive item must have exactly one parent."
                           if self._all_drives(params) else
                           "Increasing the number of parents is not allowed.",
                           drive=True, reason="cannotAddParent")
        drive_id = None
        for pid in parents:
            folder = self.visible(pid, params)
            if folder.mime_type != FOLDER:
                raise ApiError(400, "The specified parent is not a folder.", drive=True,
                               reason="invalidParent", location="parents",
                               location_type="other")
            if not folder.writable:
                raise ApiError(403, "The user does not have sufficient permissions for this file.",
                               drive=True, reason="insufficientFilePermissions")
            drive_id = folder.drive_id
        return drive_id

    # bodies -----------------------------------------------------------------
    def _payload(self, params: dict, headers: dict, body: bytes,
                 upload: bool) -> tuple[dict, bytes | None, str | None]:
        ctype = headers.get("content-type", "")
        if not upload:
            meta = json.loads(body.decode("utf-8")) if body else {}
            return meta, None, None
        kind = _param(params, "uploadType")
        if kind == "multipart":
            return parse_multipart(body, ctype)
        if kind == "media":
            return {}, body, ctype.split(";")[0] or None
        if kind == "resumable":
            raise _unsupported("resumable uploads")
        raise ApiError(400, f"Invalid uploadType: {kind}", drive=True,
                       reason="invalidParameter", location="uploadType")

    # files.create -------------------------------------------------------------
    def create(self, params: dict, headers: dict, body: bytes, upload: bool) -> tuple[int, Any]:
        meta, media, media_type = self._payload(params, headers, body, upload)
        parents = [self.fake.root_folder_id if p == "root" else p
                   for p in meta.get("parents") or ["root"]]
        drive_id = self._parent_folders(parents, params)
        mime = meta.get("mimeType") or media_type or "application/octet-stream"
        if self.who is not None and self.who.robot and drive_id is None and mime != FOLDER:
            raise storage_quota_exceeded()
        file_id = meta.get("id") or self.fake._new_id(file=not mime.startswith("application/vnd.google-apps."))
        f = DriveFile(file_id=file_id, name=meta.get("name", "Untitled"), mime_type=mime,
                      parents=parents, content=media or b"", drive_id=drive_id,
                      description=meta.get("description"),
                      app_properties=dict(meta.get("appProperties") or {}),
                      owner=self.who.email if self.who is not None else "")
        if mime == FOLDER and drive_id is None and meta.get("driveId"):
            f.drive_id = meta["driveId"]
        self.fake.drive_files[file_id] = f
        if mime == SHEETS:
            self.fake._new_blank_spreadsheet(file_id, f.name)
        return 200, shape(f.resource(), _param(params, "fields"), DEFAULT_FIELDS)

    # files.update -------------------------------------------------------------
    def update(self, file_id: str, params: dict, headers: dict, body: bytes,
               upload: bool) -> tuple[int, Any]:
        f = self.visible(file_id, params)
        meta, media, media_type = self._payload(params, headers, body, upload)
        if not f.writable:
            raise ApiError(403, "The user does not have sufficient permissions for this file.",
                           drive=True, reason="insufficientFilePermissions")
        if "parents" in meta:
            raise ApiError(403, "The parents field is not directly writable in update requests. "
                           "Use the addParents and removeParents parameters instead.",
                           drive=True, reason="fieldNotWritable")
        added = [p for p in (_param(params, "addParents") or "").split(",") if p]
        removed = [p for p in (_param(params, "removeParents") or "").split(",") if p]
        if added:
            self._parent_folders(added, params)
        if media is not None:
            if f.mime_type in (SHEETS, FOLDER):
                raise _unsupported("replacing the content of a Google Sheets file or folder")
            f.content = media
        for key, attr in (("name", "name"), ("description", "description")):
            if key in meta:
                setattr(f, attr, meta[key])
        if "appProperties" in meta:
            f.app_properties.update(meta["appProperties"] or {})
        f.parents = [p for p in f.parents if p not in removed] + [p for p in added if p not in f.parents]
        f.version += 1
        f.modified_time = now()
        if f.mime_type == SHEETS and "name" in meta and file_id in self.fake.spreadsheets:
            self.fake.spreadsheets[file_id].properties["title"] = f.name
        return 200, shape(f.resource(), _param(params, "fields"), DEFAULT_FIELDS)

    # files.get ----------------------------------------------------------------
    def get(self, file_id: str, params: dict) -> tuple[int, Any]:
        f = self.visible(file_id, params)
        if _param(params, "alt") == "media":
            if f.mime_type.startswith("application/vnd.google-apps."):
                raise ApiError(403, "Only files with binary content can be downloaded. "
                               "Use Export with Docs Editors files.", drive=True,
                               reason="fileNotDownloadable", location="alt")
            return 200, f.content
        self._sync(f)
        return 200, shape(f.resource(), _param(params, "fields"), DEFAULT_FIELDS)

    def _sync(self, f: DriveFile) -> None:
        ss = self.fake.spreadsheets.get(f.file_id)
        if ss is not None:
            f.name = ss.title

    # files.list ---------------------------------------------------------------
    def list(self, params: dict) -> tuple[int, Any]:
        q = _param(params, "q")
        pred = Query(q) if q else (lambda f: True)
        all_drives = self._all_drives(params) and _flag(params, "includeItemsFromAllDrives")
        drive_id = _param(params, "driveId")
        found = []
        for f in self.fake.drive_files.values():
            self._sync(f)
            if f.file_id in self.fake.denied or f.file_id == self.fake.root_folder_id:
                continue
            if f.drive_id and not all_drives:
                continue
            if not self._sees(f):
                continue
            if drive_id and f.drive_id != drive_id:
                continue
            if pred(f):
                found.append(f)
        order = _param(params, "orderBy")
        if not order:  # Drive's default: the most recently modified first (ties: the newest file)
            ranked = sorted(enumerate(found), reverse=True,
                            key=lambda pair: (pair[1].modified_time, pair[1].created_time, pair[0]))
            found = [f for _, f in ranked]
        if order:
            for key in reversed(order.split(",")):
                name, _, direction = key.strip().partition(" ")
                attr = {"name": "name", "createdTime": "created_time",
                        "modifiedTime": "modified_time"}.get(name, "name")
                found.sort(key=lambda f, a=attr: getattr(f, a), reverse=direction == "desc")
        try:
            size = min(int(_param(params, "pageSize") or 100), 1000)
            start = int(_param(params, "pageToken") or 0)
        except ValueError:
            raise ApiError(400, "Invalid Value", drive=True, reason="invalid",
                           location="pageSize") from None
        page = found[start:start + size]
        listing: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False}
        if start + size < len(found):
            listing["nextPageToken"] = str(start + size)
        fields = _param(params, "fields")
        if not fields:
            listing["files"] = [shape(f.resource(), None, ("kind", "mimeType", "id", "name"))
                                for f in page]
            return 200, listing
        listing["files"] = [f.resource() for f in page]
        return 200, _select(listing, fields, listing=True)

    # files.delete ---------------------------------------------------------------
    def delete(self, file_id: str, params: dict) -> tuple[int, Any]:
        self.visible(file_id, params)
        doomed = [file_id]
        while doomed:
            fid = doomed.pop()
            self.fake.drive_files.pop(fid, None)
            self.fake.spreadsheets.pop(fid, None)
            doomed += [c.file_id for c in self.fake.drive_files.values() if fid in c.parents]
        return 204, None

    # comments.list (gspread's copy() reads them; the fake keeps none) ---------------
    def comments(self, file_id: str, params: dict) -> tuple[int, Any]:
        self.visible(file_id, params)
        return 200, {"comments": []}

    # files.copy -----------------------------------------------------------------
    def copy(self, file_id: str, params: dict, body: bytes) -> tuple[int, Any]:
        src = self.visible(file_id, params)
        self._sync(src)
        meta = json.loads(body.decode("utf-8")) if body else {}
        parents = list(meta.get("parents") or src.parents)
        drive_id = self._parent_folders(parents, params)
        if self.who is not None and self.who.robot and drive_id is None:
            raise storage_quota_exceeded()
        new_id = self.fake._new_id(file=src.mime_type != SHEETS)
        f = DriveFile(file_id=new_id, name=meta.get("name") or f"Copy of {src.name}",
                      mime_type=src.mime_type, parents=parents, content=src.content,
                      drive_id=drive_id, description=meta.get("description", src.description),
                      owner=self.who.email if self.who is not None else "")
        self.fake.drive_files[new_id] = f
        if src.mime_type == SHEETS and file_id in self.fake.spreadsheets:
            clone = self.fake.spreadsheets[file_id].clone(new_id)
            clone.properties["title"] = f.name
            self.fake.spreadsheets[new_id] = clone
        return 200, shape(f.resource(), _param(params, "fields"), DEFAULT_FIELDS)

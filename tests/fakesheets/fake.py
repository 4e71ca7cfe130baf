"""FakeGoogle: the in-process Sheets v4 + Drive v3 server and its test API.

Per request, in this order (as far as a client can tell, like Google):
route the URL (unknown path -> HTML 404), record it, validate query and body
against the discovery document (an invalid one is recorded in
``invalid_bodies`` and answered 400), apply an injected fault if one matches,
then check access (unknown spreadsheet 404, ``deny``-ed one 403) and run the
endpoint. Writes run on a snapshot that replaces the spreadsheet only when
the whole request succeeded, which makes every write atomic.
"""

from __future__ import annotations

import json
import random
import string
import threading
from dataclasses import dataclass, field
from typing import Any

import requests

from . import a1, batch_update, cells, defaults, discovery, fieldmask, forms, metadata, values_api
from .adapter import (
    ENDPOINTS,
    IAM_HOST,
    TOKEN_HOST,
    FakeAdapter,
    NoNetworkAdapter,
    Route,
    body_bytes,
    make_response,
    query_params,
    route,
)
from .cells import Cell
from .drive import FOLDER, SHEETS, DriveApi, DriveFile
from .drive import now as drive_now
from .errors import ApiError, InvalidRequestError, api_disabled, errors_html, quota_message, unparsable
from .faults import Fault, FaultQueue
from .forms import FormsApi
from .model import Spreadsheet, new_properties, new_sheet
from .oauth import DRIVE_FILE as DRIVE_FILE_SCOPE
from .oauth import FORMS_BODY, FORMS_READONLY, Identity, TokenServer, insufficient_scopes
from .oauth import SHEETS as SHEETS_SCOPE

SHEETS_PREFIX = "https://sheets.googleapis.com/"
FORMS_PREFIX = "https://forms.googleapis.com/"
DRIVE_PREFIX = "https://www.googleapis.com/"
TOKEN_PREFIX = f"https://{TOKEN_HOST}/"
IAM_PREFIX = f"https://{IAM_HOST}/"
WRITES = {"values.update", "values.batchUpdate", "values.append", "values.clear",
          "values.batchClear", "spreadsheets.batchUpdate", "values.batchUpdateByDataFilter"}
_ID_CHARS = string.ascii_letters + string.digits + "-_"


@dataclass
class RecordedRequest:
    """One request as the fake saw it."""

    method: str
    url: str
    endpoint: str
    spreadsheet_id: str | None
    params: dict[str, list[str]]
    json: Any
    body: bytes = b""
    file_id: str | None = None
    status: int | None = None  # None when the transport raised
    fault: str | None = None  # "fail" / "timeout" / "drop" when one was injected
    applied: bool = False  # a write that changed server state
    timeout: Any = None  # what the client passed to requests (None: would hang forever)
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    identity: Identity | None = None  # who the bearer token speaks for (None: no token sent)


@dataclass
class InvalidRequest:
    endpoint: str
    url: str
    messages: list[str]
    body: Any = field(default=None, repr=False)


def forms_body(body: Any) -> Any:
    return discovery.strip_none(body) if body is not None else None


class FakeGoogle:
    """An offline Google Sheets/Drive for tests; see the package docstring."""

    def __init__(self, *, strict: bool = True, strict_answers: bool = True,
                 require_timeout: bool = False, seed: int | None = 20261125,
                 account: str = "tonghop-fake@fake-project.iam.gserviceaccount.com"):
        """``strict``: keep requests the real API would refuse in ``invalid_bodies``
        (``assert_clean`` fails on them). ``strict_answers``: answer only what Google
        answers, leaving out default-valued fields (defaults.py); off, the fake also sends
        them (easier to read when debugging, kinder than Google). ``require_timeout``: also
        count a request sent without a timeout as invalid (gspread's default of None hangs
        forever). ``account``: who a request without a bearer token is taken to come from
        (the editor a protected range gets)."""
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.drive_files: dict[str, DriveFile] = {}
        self.denied: set[str] = set()
        self.requests: list[RecordedRequest] = []
        self.invalid_bodies: list[InvalidRequest] = []
        self.strict = strict
        self.strict_answers = strict_answers
        self.account = account
        self.require_timeout = require_timeout
        self._faults = FaultQueue()
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self.drive = DriveApi(self)
        self.tokens = TokenServer()
        self.disabled: dict[str, str] = {}  # "sheets"/"drive" -> Cloud project number
        self.network: str | None = None  # "dns" / "down": the transport raises, as offline
        self.forms_api = FormsApi()
        self.root_folder_id = "0AFakeRootFolderUk9PVA"
        self.drive_files[self.root_folder_id] = DriveFile(self.root_folder_id, "My Drive", FOLDER, [])

    # ---------------------------------------------------------------- seeding
    def _new_id(self, file: bool = False) -> str:
        length = 32 if file else 43
        while True:
            new = "1" + "".join(self._rng.choice(_ID_CHARS) for _ in range(length))
            if new not in self.drive_files and new not in self.spreadsheets:
                return new

    def _new_sheet_id(self, taken: set[int]) -> int:
        while True:
            sheet_id = self._rng.randrange(1, 2**31 - 1)
            if sheet_id not in taken:
                return sheet_id

    def _new_blank_spreadsheet(self, spreadsheet_id: str, title: str) -> Spreadsheet:
        """What Drive's create of a Sheets file makes (recorded defaults)."""
        ss = Spreadsheet(spreadsheet_id, new_properties(title, "en_US", "Etc/GMT"))
        ss.sheets.append(new_sheet(0, "Sheet1", 0))
        self.spreadsheets[spreadsheet_id] = ss
        return ss

    def add_spreadsheet(self, tabs: dict[str, list[list[Any]]] | None = None, title: str = "Demo",
                        time_zone: str = "Asia/Ho_Chi_Minh", locale: str = "vi_VN",
                        grid: dict[str, tuple[int, int]] | None = None,
                        date_columns: dict[str, list[int]] | None = None,
                        spreadsheet_id: str | None = None,
                        parents: list[str] | None = None) -> str:
        """Create a spreadsheet directly (no request is recorded); returns its id.

        ``tabs`` maps tab titles (in order) to rows of str/int/float/bool/None
        (``datetime``/``date`` become DATE_TIME/DATE serials). ``grid`` gives
        (rows, cols) per tab, else max(1000, rows) x max(26, widest row).
        ``date_columns`` marks 0-based columns whose numbers below the header
        row are DATE_TIME serials (Forms timestamps).
        """
        with self._lock:
            sid = spreadsheet_id or self._new_id()
            if sid in self.spreadsheets:
                raise ValueError(f"spreadsheet {sid} already exists")
            tabs = tabs if tabs is not None else {"Sheet1": []}
            if not tabs:
                raise ValueError("a spreadsheet needs at least one tab")
            ss = Spreadsheet(sid, new_properties(title, locale, time_zone))
            taken: set[int] = set()
            for index, (tab, rows) in enumerate(tabs.items()):
                sheet_id = 0 if index == 0 else self._new_sheet_id(taken)
                taken.add(sheet_id)
                width = max((len(r) for r in rows), default=0)
                n_rows, n_cols = (grid or {}).get(tab, (max(1000, len(rows)), max(26, width)))
                if len(rows) > n_rows or width > n_cols:
                    raise ValueError(f"tab {tab!r}: values do not fit a {n_rows}x{n_cols} grid")
                sheet = new_sheet(sheet_id, tab, index, n_rows, n_cols)
                dates = set((date_columns or {}).get(tab, []))
                for r, row in enumerate(rows):
                    for c, raw in enumerate(row):
                        value, number_format = cells.python_input(raw)
                        if value is None:
                            continue
                        if r > 0 and c in dates and isinstance(value, (int, float)) \
                                and not isinstance(value, bool):
                            number_format = number_format or {"type": "DATE_TIME"}
                        fmt = {"numberFormat": number_format} if number_format else None
                        sheet.set_cell(r, c, Cell(value=value, format=fmt))
                ss.sheets.append(sheet)
            ss.check_cell_limit()
            self.spreadsheets[sid] = ss
            self.drive_files[sid] = DriveFile(sid, title, SHEETS, list(parents or [self.root_folder_id]))
            return sid

    def add_drive_folder(self, folder_id: str | None = None, name: str = "Folder",
                         shared_drive: bool = False, parent: str | None = None,
                         writable: bool = True) -> str:
        """A folder shared with the service account. ``shared_drive=True`` makes
        it the root of a shared drive (reachable only with supportsAllDrives);
        ``writable=False`` shares it read-only (no children can be added)."""
        with self._lock:
            fid = folder_id or ("0A" + self._new_id(file=True)[2:] if shared_drive else self._new_id(file=True))
            parent_file = self.drive_files.get(parent) if parent else None
            drive_id = fid if shared_drive else (parent_file.drive_id if parent_file else None)
            self.drive_files[fid] = DriveFile(fid, name, FOLDER, [parent or self.root_folder_id],
                                              drive_id=drive_id, writable=writable)
            return fid

    def add_form(self, form_id: str, title: str, items: list[dict], *, linked_sheet_id: str = "",
                 responder_uri: str = "") -> str:
        """A form as ``forms.get`` returns it; ``items`` are Form items (questionItem, ...)."""
        form: dict[str, Any] = {
            "formId": form_id, "info": {"title": title, "documentTitle": title},
            "responderUri": responder_uri or f"https://docs.google.com/forms/d/e/1FAIpQL{form_id}/viewform",
            "items": items,
        }
        if linked_sheet_id:
            form["linkedSheetId"] = linked_sheet_id
        return self.forms_api.add(form)

    def form(self, form_id: str) -> dict:
        """The live form (as the server holds it)."""
        return self.forms_api.forms[form_id]

    def edit_form(self, form_id: str, change: Any) -> None:
        """Someone edits the form in the UI: ``change(form)`` then a new revisionId."""
        with self._lock:
            form = self.forms_api.forms[form_id]
            change(form)
            form["revisionId"] = self.forms_api.next_revision()

    def deny(self, spreadsheet_id: str) -> None:
        """Later requests for it answer 403 (Sheets) / 404 (Drive), as when the
        file is not shared with the service account."""
        self.denied.add(spreadsheet_id)
        self.forms_api.denied.add(spreadsheet_id)

    def allow(self, spreadsheet_id: str) -> None:
        self.denied.discard(spreadsheet_id)
        self.forms_api.denied.discard(spreadsheet_id)

    def set_values(self, spreadsheet_id: str, tab: str, start: str, rows: list[list[Any]],
                   user_entered: bool = False) -> None:
        """Change cells as a person would in the UI (no request recorded)."""
        with self._lock:
            ss = self.spreadsheet(spreadsheet_id)
            sheet, rect = ss.resolve(f"{a1.quote_sheet(tab, always=True)}!{start}")
            values_api.write_block(ss, sheet, a1.Rect(rect.start_row, rect.start_col,
                                                      rect.start_row + 1, rect.start_col + 1),
                                   start, rows, "ROWS", "USER_ENTERED" if user_entered else "RAW")
            self.touch(spreadsheet_id)

    def touch(self, spreadsheet_id: str) -> None:
        """Drive's ``version`` (and ``modifiedTime``) move with every change to the file, by a
        request or by a person (a test helper)."""
        f = self.drive_files.get(spreadsheet_id)
        if f is not None:
            f.version += 1
            f.modified_time = drive_now()

    # ---------------------------------------------------------------- inspection
    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        """The live model (replaced on every write: do not keep it around)."""
        try:
            return self.spreadsheets[spreadsheet_id]
        except KeyError:
            raise KeyError(f"no spreadsheet {spreadsheet_id}") from None

    def _sheet(self, spreadsheet_id: str, tab: str):
        sheet = self.spreadsheet(spreadsheet_id).find_sheet(tab)
        if sheet is None or sheet.title != tab:
            raise KeyError(f"no tab {tab!r} in {spreadsheet_id}")
        return sheet

    def values(self, spreadsheet_id: str, tab: str) -> list[list[Any]]:
        """The tab's values as UNFORMATTED_VALUE reads them (trimmed)."""
        ss = self.spreadsheet(spreadsheet_id)
        sheet = self._sheet(spreadsheet_id, tab)
        box = a1.Rect(0, 0, sheet.row_count, sheet.col_count)
        return values_api.value_range(ss, sheet, box, "ROWS", "UNFORMATTED_VALUE").get("values", [])

    def formatted_values(self, spreadsheet_id: str, tab: str) -> list[list[str]]:
        """The tab as FORMATTED_VALUE reads it (what a person sees)."""
        ss = self.spreadsheet(spreadsheet_id)
        sheet = self._sheet(spreadsheet_id, tab)
        box = a1.Rect(0, 0, sheet.row_count, sheet.col_count)
        return values_api.value_range(ss, sheet, box).get("values", [])

    def cell(self, spreadsheet_id: str, tab: str, label: str) -> Cell:
        row, col = a1.parse_cell(label)
        return self._sheet(spreadsheet_id, tab).cell(row, col)

    def grid_size(self, spreadsheet_id: str, tab: str) -> tuple[int, int]:
        sheet = self._sheet(spreadsheet_id, tab)
        return sheet.row_count, sheet.col_count

    def tab_titles(self, spreadsheet_id: str) -> list[str]:
        return [s.title for s in self.spreadsheet(spreadsheet_id).sheets]

    def conditional_formats(self, spreadsheet_id: str, tab: str) -> list[dict]:
        return self._sheet(spreadsheet_id, tab).conditional_formats

    def data_validations(self, spreadsheet_id: str, tab: str) -> list[dict]:
        return self._sheet(spreadsheet_id, tab).data_validations

    def count(self, endpoint: str | None = None, spreadsheet_id: str | None = None,
              method: str | None = None) -> int:
        """Recorded requests matching all the given filters. An unknown endpoint name is an
        error, so a misspelt count cannot pass by always being 0."""
        if endpoint is not None and endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; known: {sorted(ENDPOINTS)}")
        return sum(1 for r in self.requests
                   if (endpoint is None or r.endpoint == endpoint)
                   and (spreadsheet_id is None or r.spreadsheet_id == spreadsheet_id)
                   and (method is None or r.method == method.upper()))

    def reset_counts(self) -> None:
        self.requests.clear()

    def assert_clean(self) -> None:
        """Fail if any request had a body/query the real API would reject."""
        if self.invalid_bodies:
            lines = [f"{i.endpoint} {i.url}: {'; '.join(i.messages)}" for i in self.invalid_bodies]
            raise InvalidRequestError("requests the real API would reject:\n" + "\n".join(lines))

    # ---------------------------------------------------------------- faults
    def fail_next(self, status: int = 429, times: int = 3, endpoint: str | None = None,
                  html: bool = False, message: str | None = None) -> None:
        self._faults.add(Fault("fail", times, endpoint, status=status, html=html, message=message))

    def timeout_next(self, times: int = 1, endpoint: str | None = None, connect: bool = False,
                     after_apply: bool = False) -> None:
        self._faults.add(Fault("timeout", times, endpoint, connect=connect, after_apply=after_apply))

    def drop_connection_next(self, times: int = 1, endpoint: str | None = None,
                             after_apply: bool = False) -> None:
        self._faults.add(Fault("drop", times, endpoint, after_apply=after_apply))

    def clear_faults(self) -> None:
        self._faults.clear()

    def disable_api(self, service: str, project: str = "123456789012") -> None:
        """``service`` ("sheets" or "drive") is not enabled in the caller's Cloud project."""
        self.disabled[service] = project

    def go_offline(self, kind: str = "dns") -> None:
        """The machine loses DNS ("dns") or its route ("down"): every request raises the
        ConnectionError requests would raise; ``None`` comes back online."""
        self.network = kind

    # ---------------------------------------------------------------- transport
    def adapters(self) -> dict[str, requests.adapters.BaseAdapter]:
        """Transport adapters by URL prefix: Sheets, Drive and the token endpoint to the fake,
        anything else refused (mount them on any requests.Session)."""
        adapter = FakeAdapter(self)
        return {"http://": NoNetworkAdapter(), "https://": NoNetworkAdapter(),
                SHEETS_PREFIX: adapter, DRIVE_PREFIX: adapter, TOKEN_PREFIX: adapter,
                FORMS_PREFIX: adapter, IAM_PREFIX: adapter}

    def session(self) -> requests.Session:
        """A requests.Session talking to this fake (and to nothing else)."""
        session = requests.Session()
        for prefix, adapter in self.adapters().items():
            session.mount(prefix, adapter)
        return session

    def handle(self, request: requests.PreparedRequest, timeout: Any = None) -> requests.Response:
        with self._lock:
            response = self._handle(request, timeout)
        # Google's front end dates every answer by its own clock (tokens.clock_skew moves it).
        response.headers["Date"] = self.tokens.now().strftime("%a, %d %b %Y %H:%M:%S GMT")
        return response

    def _handle(self, request: requests.PreparedRequest, timeout: Any) -> requests.Response:
        method = (request.method or "GET").upper()
        found = route(method, request.url)
        params = query_params(request.url)
        raw = body_bytes(request)
        ctype = request.headers.get("Content-Type", "")
        if found is None:
            self.requests.append(RecordedRequest(method, request.url, "unknown", None, params,
                                                 None, raw, status=404))
            return make_response(request, 404, errors_html(404, request.path_url))
        if found.endpoint in ("oauth2.token", "iam.generateAccessToken"):
            return self._token(request, found, params, raw, timeout)
        body, body_error = self._parse_body(found, raw, ctype)
        rec = RecordedRequest(method, request.url, found.endpoint, found.spreadsheet_id, params,
                              body, raw, file_id=found.file_id, timeout=timeout,
                              headers=dict(request.headers))
        if found.file_id and found.file_id in self.spreadsheets:
            rec.spreadsheet_id = found.file_id
        self.requests.append(rec)

        messages = [body_error] if body_error else []
        if not messages and found.endpoint.startswith("forms."):
            messages = forms.validate(found.endpoint, params, forms_body(body))
        elif not messages and not found.endpoint.startswith("drive."):
            messages = discovery.validate_params(found.endpoint, params) + \
                discovery.validate_body(found.endpoint, discovery.strip_none(body))
        if messages and self.strict:
            self.invalid_bodies.append(InvalidRequest(found.endpoint, request.url, messages, body))
        if timeout is None and self.require_timeout:
            self.invalid_bodies.append(InvalidRequest(
                found.endpoint, request.url, ["sent without a timeout: it could hang forever"]))

        fault = self._faults.take(found.endpoint)
        if fault is not None:
            rec.fault = fault.kind
            if fault.kind == "fail":
                rec.status = fault.status
                return self._fault_response(request, found, fault)
            if not fault.after_apply:
                raise fault.exception(request)

        drive = found.endpoint.startswith("drive.")
        try:
            rec.identity = self._authorise(found, request)
        except ApiError as exc:
            rec.status = exc.code
            return make_response(request, exc.code, exc.body(found.endpoint))
        if messages:
            error = ApiError(400, messages[0], drive=True) if drive else unparsable(messages)
            status, payload = 400, error.body()
        else:
            self.drive.who = rec.identity
            status, payload = self._dispatch(found, params, body, raw, request, rec)
        if fault is not None:  # after_apply: the server did the work, the client never hears
            raise fault.exception(request)
        rec.status = status
        ctype_out = None
        if isinstance(payload, bytes) and found.file_id in self.drive_files:
            ctype_out = self.drive_files[found.file_id].mime_type
        return make_response(request, status, payload, ctype_out)

    def _authorise(self, found: Route, request: requests.PreparedRequest) -> Identity | None:
        """401 for a bad token, 403 for a missing scope or a disabled API; who is asking."""
        who = self.tokens.identify(request.headers.get("Authorization"))
        drive = found.endpoint.startswith("drive.")
        describing = (found.endpoint in ("drive.files.get", "drive.files.list")
                      and request.method == "GET" and "alt=media" not in (request.url or ""))
        if found.endpoint.startswith("forms."):  # forms.get: either Forms scope; an edit: forms.body
            wanted = (FORMS_BODY,) if found.endpoint == "forms.batchUpdate" else (FORMS_BODY, FORMS_READONLY)
            if who is not None and not who.can(*wanted):
                raise insufficient_scopes(False, service="forms.googleapis.com")
        elif who is not None and not who.can(DRIVE_FILE_SCOPE if drive else SHEETS_SCOPE) \
                and not (describing and who.reads_drive_metadata()):
            raise insufficient_scopes(drive)
        service = "drive" if drive else "sheets"
        if service in self.disabled:
            raise api_disabled(service, self.disabled[service])
        return who

    def _token(self, request: requests.PreparedRequest, found: Route, params: dict, raw: bytes,
               timeout: Any) -> requests.Response:
        rec = RecordedRequest("POST", request.url, found.endpoint, None, params, None, raw,
                              timeout=timeout)
        self.requests.append(rec)
        fault = self._faults.take(found.endpoint)
        if fault is not None:
            rec.fault = fault.kind
            if fault.kind != "fail":
                raise fault.exception(request)
            rec.status = fault.status
            return make_response(request, fault.status, {"error": "internal_failure"}
                                 if fault.status >= 500 else {"error": "invalid_request"})
        if found.endpoint == "iam.generateAccessToken":
            try:
                rec.identity = self.tokens.identify(request.headers.get("Authorization"))
                rec.status, payload = self.tokens.impersonate(rec.identity, found.file_id or "", raw)
            except ApiError as exc:
                rec.status, payload = exc.code, exc.body()
            return make_response(request, rec.status, payload)
        rec.status, payload = self.tokens.handle(raw, request.headers.get("Authorization"))
        return make_response(request, rec.status, payload)

    def _parse_body(self, found: Route, raw: bytes, ctype: str) -> tuple[Any, str | None]:
        if not raw:
            return None, None
        if found.upload and "multipart" in ctype:
            try:
                return self.drive._payload({"uploadType": ["multipart"]},
                                           {"content-type": ctype}, raw, True)[0], None
            except ApiError as exc:
                return None, exc.message
        if found.upload:
            return None, None
        try:
            return json.loads(raw.decode("utf-8")), None
        except ValueError:
            return None, "Invalid JSON payload received. Unexpected token."

    def _fault_response(self, request: requests.PreparedRequest, found: Route,
                        fault: Fault) -> requests.Response:
        if fault.html:
            return make_response(request, fault.status, errors_html(fault.status, request.path_url))
        drive = found.endpoint.startswith("drive.")
        message = fault.message
        if message is None and fault.status == 429:
            message = "User rate limit exceeded." if drive else quota_message(found.endpoint)
        error = ApiError(fault.status, message, drive=drive)
        return make_response(request, fault.status, error.body(found.endpoint))

    def _dispatch(self, found: Route, params: dict, body: Any, raw: bytes,
                  request: requests.PreparedRequest, rec: RecordedRequest) -> tuple[int, Any]:
        try:
            if found.endpoint == "forms.get":
                status, payload = 200, self.forms_api.get(found.file_id, params)
            elif found.endpoint == "forms.batchUpdate":
                status, payload = 200, self.forms_api.batch_update(found.file_id, forms_body(body))
                rec.applied = True
                return status, payload
            elif found.endpoint.startswith("drive."):
                status, payload = self._drive(found, params, raw, request)
            else:
                status, payload = 200, self._sheets(found, params, body or {}, rec)
                if self.strict_answers:
                    payload = defaults.prune(payload)
                fields = (params.get("fields") or [None])[0]
                if fields and found.endpoint not in ("spreadsheets.get", "forms.get"):
                    payload = fieldmask.select_fields(payload, fields)
            rec.applied = found.endpoint in WRITES or found.endpoint in (
                "drive.files.create", "drive.files.update", "drive.files.delete",
                "drive.files.copy", "spreadsheets.create", "sheets.copyTo")
            return status, payload
        except ApiError as exc:
            return exc.code, exc.body(found.endpoint)

    def _drive(self, found: Route, params: dict, raw: bytes,
               request: requests.PreparedRequest) -> tuple[int, Any]:
        headers = {k.lower(): v for k, v in request.headers.items()}
        api = self.drive
        if found.endpoint == "drive.files.create":
            return api.create(params, headers, raw, found.upload)
        if found.endpoint == "drive.files.update":
            return api.update(found.file_id, params, headers, raw, found.upload)
        if found.endpoint == "drive.files.get":
            return api.get(found.file_id, params)
        if found.endpoint == "drive.files.list":
            return api.list(params)
        if found.endpoint == "drive.files.delete":
            return api.delete(found.file_id, params)
        if found.endpoint == "drive.comments.list":
            return api.comments(found.file_id, params)
        return api.copy(found.file_id, params, raw)

    def _open(self, spreadsheet_id: str | None) -> Spreadsheet:
        if spreadsheet_id in self.denied:
            raise ApiError(403)
        ss = self.spreadsheets.get(spreadsheet_id or "")
        if ss is None:
            raise ApiError(404)
        return ss

    def _sheets(self, found: Route, params: dict, body: dict, rec: RecordedRequest) -> dict:
        ep = found.endpoint
        if ep == "spreadsheets.create":
            sid = self._new_id()
            ss = metadata.create_spreadsheet(sid, discovery.strip_none(body), self._rng)
            self.spreadsheets[sid] = ss
            self.drive_files[sid] = DriveFile(sid, ss.title, SHEETS, [self.root_folder_id])
            rec.spreadsheet_id = sid
            return metadata.spreadsheet_json(ss)
        ss = self._open(found.spreadsheet_id)
        if ep == "spreadsheets.get":
            return metadata.spreadsheets_get(ss, params)
        if ep == "values.get":
            return values_api.values_get(ss, found.range, params)
        if ep == "values.batchGet":
            return values_api.values_batch_get(ss, params)
        if ep == "values.batchGetByDataFilter":
            return values_api.values_batch_get_by_data_filter(ss, discovery.strip_none(body))
        if ep == "sheets.copyTo":
            source = ss.sheet_by_id(found.sheet_id)
            if source is None:
                raise ApiError(404)
            dest_id = body.get("destinationSpreadsheetId")
            dest = self._open(dest_id).clone()
            reply = metadata.copy_sheet_to(source, dest, self._rng)
            self.spreadsheets[dest.spreadsheet_id] = dest
            self.touch(dest.spreadsheet_id)
            return reply
        draft = ss.clone()  # writes are atomic: commit only on success
        body = discovery.strip_none(body)
        if ep == "values.update":
            reply = values_api.values_update(draft, found.range, params, body)
        elif ep == "values.batchUpdate":
            reply = values_api.values_batch_update(draft, body)
        elif ep == "values.append":
            reply = values_api.values_append(draft, found.range, params, body)
        elif ep == "values.clear":
            reply = values_api.values_clear(draft, found.range)
        elif ep == "values.batchClear":
            reply = values_api.values_batch_clear(draft, body)
        elif ep == "values.batchUpdateByDataFilter":
            reply = values_api.values_batch_update_by_data_filter(draft, body)
        else:
            account = rec.identity.email if rec.identity is not None else self.account
            reply = batch_update.batch_update(draft, body, self._rng, account)
            if body.get("includeSpreadsheetInResponse"):
                reply["updatedSpreadsheet"] = metadata.spreadsheet_json(draft)
        self.spreadsheets[draft.spreadsheet_id] = draft
        if draft.spreadsheet_id in self.drive_files:
            self.drive_files[draft.spreadsheet_id].name = draft.title
        self.touch(draft.spreadsheet_id)  # every write request, as Drive does
        return reply

"""Google Sheets through gspread 6: the same books, tabs and columns as the local workbook.

Per spreadsheet and cycle it sends one ``spreadsheets.get`` (metadata only) and one
``values:batchGet`` (every tab) to read; to write, at most one ``spreadsheets:batchUpdate`` (new
tabs, grid growth, anchors for new tool columns; only when needed), one
``values:batchUpdateByDataFilter`` with ``valueInputOption=RAW``, every tool column addressed by
its developer-metadata anchor (see sheets_requests), and one ``spreadsheets:batchUpdate`` for the
status colours, placed where the values answer says the anchored columns now are. A cycle that
anchors new columns in a staff tab reads them back first (one ``values:batchGetByDataFilter``).
An empty batch sends nothing.
With ``backend.skip_unchanged`` and a sign-in that has a Drive scope, a read first asks Drive for
the file's ``version`` and sends nothing else when it has not moved since the last full read
(unchanged.py). The number of requests never depends on the number of rows (past
~1.8 MB of values, the values write is split).

The session is a google-auth ``AuthorizedSession`` built from the configured sign-in
(``backend.auth``: a service-account key, a person's saved OAuth token, or Application Default
Credentials; see credentials.py) with the narrowest scopes, handed to
``gspread.Client(None, session)`` with our bounded retry transport. Token refreshes go through
:class:`~sync.backends.retry.TokenRequest` on a plain session, so they too follow that one policy.
gspread's own ``service_account()`` would ask for the full Drive scope and retry without bound.

Test seams: ``transport_adapters`` (requests adapters by URL prefix, mounted on both the API and
the token sessions: the fake's, so tokens are really fetched and refreshed); ``session=`` on
:meth:`GoogleSheetsBackend.from_config`, or ``session_factory``, which turns credentials into a
session (a fake's bare session: credentials are loaded and checked but no token is fetched).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import gspread
import requests
from google.auth import credentials as auth_credentials
from google.auth import exceptions as auth_exceptions
from google.auth.transport.requests import AuthorizedSession
from gspread.exceptions import APIError
from gspread.urls import SPREADSHEETS_API_V4_BASE_URL

from sync.backends.base import Backend, Book, Cell, SkippedWrite, Tab, WriteBatch, trim
from sync.backends.credentials import (
    Identity,
    ServiceAccountKey,
    SignIn,
    lacking,
    refused,
    scoped,
    scopes_for,
    sign_in,
    sign_in_again,
)
from sync.backends.forms import FORMS_READ_SCOPE, FORMS_WRITE_SCOPE, FormsClient
from sync.backends.payload import split_requests
from sync.backends.retry import (
    GaveUp,
    RetryingHTTPClient,
    RetryPolicy,
    TokenRequest,
    api_disabled_line,
    network_problem,
)
from sync.backends.sheets_requests import (
    ANCHOR_KEY,
    MAX_PAYLOAD,
    Anchor,
    anchor_id,
    anchored_column,
    by_rows_worth,
    colour_requests,
    column_ranges,
    lookup,
    planned_columns,
    quote_tab,
    structure_requests,
    value_ranges,
)
from sync.backends.unchanged import BookCache, identity_text
from sync.config import AuthMode, Config
from sync.errors import AccessError, BackendError, TonghopError
from sync.rules import headers as H
from sync.rules.book import WHOLE_COLUMN, CellWrite
from sync.rules.text import header_key, one_line
from sync.rules.timeparse import TimeParseError, from_serial

__all__ = ["GoogleSheetsBackend", "session_factory", "spreadsheet_id", "value_ranges"]

log = logging.getLogger(__name__)

SHEETS_BASE = SPREADSHEETS_API_V4_BASE_URL
_ID_IN_URL = re.compile(r"/spreadsheets/d/([a-zA-Z0-9_-]+)")
_VALID_ID = re.compile(r"[a-zA-Z0-9_-]+")
METADATA_FIELDS = (
    "spreadsheetId,properties(title,locale,timeZone),"
    "sheets.properties(sheetId,title,index,sheetType,gridProperties(rowCount,columnCount)),"
    # where the tool's anchored columns are now, and merged ranges a write must avoid
    "sheets.merges,sheets.data.columnMetadata.developerMetadata(metadataId,metadataKey,metadataValue)"
)
DRIVE_FILES_URL = "https://www.googleapis.com/drive/v3/files"
# Drive scopes that may ask a file's version (the Sheets scope alone may not)
DRIVE_METADATA_SCOPES = frozenset(f"https://www.googleapis.com/auth/{s}" for s in (
    "drive", "drive.file", "drive.readonly", "drive.metadata", "drive.metadata.readonly"))
READ_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",  # independent of the spreadsheet's locale
    "majorDimension": "ROWS",
}


def no_adapters() -> Mapping[str, requests.adapters.BaseAdapter]:
    return {}


transport_adapters: Callable[[], Mapping[str, requests.adapters.BaseAdapter]] = no_adapters
"""Adapters by URL prefix mounted on every session we build (none: requests' own, no retries)."""


def authorized_session(credentials: auth_credentials.Credentials, timeout: float) -> requests.Session:
    """The production session: fetches and refreshes the token itself, through TokenRequest on a
    plain session (requests' default adapter retries nothing)."""
    adapters = transport_adapters()
    token_session = requests.Session()
    for prefix, adapter in adapters.items():
        token_session.mount(prefix, adapter)
    session = AuthorizedSession(credentials, refresh_timeout=timeout,
                                auth_request=TokenRequest(token_session, timeout))
    for prefix, adapter in adapters.items():
        session.mount(prefix, adapter)
    return session


session_factory: Callable[[auth_credentials.Credentials, float], requests.Session] = authorized_session
"""How the command line turns credentials into a session; tests swap in a fake's session."""


def spreadsheet_id(ref: str) -> str:
    """An id from an id or a URL (``https://docs.google.com/spreadsheets/d/<id>/edit#gid=0``)."""
    text = ref.strip()
    found = _ID_IN_URL.search(text)
    return found.group(1) if found else text


class GoogleSheetsBackend(Backend):
    kind = "google"
    max_body_bytes = MAX_PAYLOAD  # per request, values and structure alike (Google recommends <= 2 MB)

    def __init__(self, session: requests.Session, control: str, *,
                 policy: RetryPolicy | None = None, key: ServiceAccountKey | None = None,
                 identity: Identity | None = None,
                 config_path: str = "the config file", campaigns_tab: str = H.CAMPAIGNS_TAB,
                 sleep: Callable[[float], None] | None = None,
                 clock: Callable[[], float] | None = None):
        transport = RetryingHTTPClient.with_policy(policy or RetryPolicy(), sleep=sleep, clock=clock)
        self.session = session
        self.client = gspread.Client(None, session, http_client=transport)
        self.http: RetryingHTTPClient = self.client.http_client  # type: ignore[assignment]
        self.control_id = spreadsheet_id(control)
        self.key = key
        self.identity = identity or Identity(AuthMode.SERVICE_ACCOUNT, key.client_email if key else "",
                                             True, f"key file {key.path}" if key else "the key file")
        self.config_path = config_path
        self.campaigns_tab = campaigns_tab
        self._sheets: dict[str, dict[str, dict]] = {}  # id -> title -> SheetProperties, last read
        # Forms: a session with a Forms scope, made only when a campaign links a form
        self.forms_session: Callable[[list[str]], requests.Session] = lambda scopes: session
        self.forms_cache: Path | None = None
        self._policy, self._sleep, self._clock = policy or RetryPolicy(), sleep, clock
        self._forms: dict[bool, FormsClient] = {}
        self._read: dict[str, _Read] = {}  # id -> anchors, merges and values as last read
        # the no-op shortcut (unchanged.py): None = off; ids whose version Drive will not tell
        self.reads: BookCache | None = None
        self._no_version: set[str] = set()
        self.granted: frozenset[str] | None = None  # a person's token's scopes, when it says

    @classmethod
    def from_config(cls, config: Config, session: requests.Session | None = None, *,
                    sleep: Callable[[float], None] | None = None,
                    clock: Callable[[], float] | None = None) -> GoogleSheetsBackend:
        policy = RetryPolicy.from_settings(config.backend, str(config.path))
        signed: SignIn | None = None
        if session is None or config.backend.credentials \
                or config.backend.auth_mode is not AuthMode.SERVICE_ACCOUNT:
            signed = sign_in(config)
        if session is None:
            session = session_factory(signed.credentials, policy.timeout)
        backend = cls(session, config.backend.spreadsheet, policy=policy,
                      key=signed.key if signed else None, identity=signed.identity if signed else None,
                      config_path=str(config.path), campaigns_tab=config.tabs.campaigns,
                      sleep=sleep, clock=clock)
        if signed is not None:
            def forms_session(extra: list[str]) -> requests.Session:
                return session_factory(scoped(signed, scopes_for(config, signed.identity.robot) + extra),
                                       policy.timeout)
            backend.forms_session = forms_session
            backend.granted = signed.granted
        backend.forms_cache = config.data_path / "forms"
        if config.backend.skip_unchanged and (signed is None or _sees_drive(
                getattr(signed.credentials, "scopes", None)
                or scopes_for(config, signed.identity.robot))):
            backend.reads = BookCache(config.data_path / "google-reads")
        return backend

    def forms(self, write: bool = False) -> FormsClient:
        """The Forms client; its session asks a Forms scope (read, or read-write with ``write``)
        only now, when a campaign links a form."""
        if write not in self._forms:
            scope = FORMS_WRITE_SCOPE if write else FORMS_READ_SCOPE
            if lacking(self.granted, [scope]):  # a person's token: refused before any request
                what = "editing Google Forms (a campaign keeps its unit list)" if write \
                    else "reading Google Forms (a campaign links a form)"
                raise sign_in_again(self.identity, self.config_path, what, edit_forms=write)
            transport = RetryingHTTPClient.with_policy(self._policy, sleep=self._sleep,
                                                       clock=self._clock)
            http = transport(None, self.forms_session([scope]))
            self._forms[write] = FormsClient(http, self.forms_cache, self.account,
                                             rescope=_forms_rescope(self.identity, self.config_path))
        return self._forms[write]

    @property
    def account(self) -> str:
        """Who to share spreadsheets and folders with."""
        if self.identity.email:
            return self.identity.email
        if self.identity.mode is AuthMode.SERVICE_ACCOUNT:
            return "the service account's client_email"
        return self.identity.share_with

    # -- references ---------------------------------------------------------------------------
    def normalise_ref(self, ref: str) -> str:
        """Ids and URLs of one spreadsheet are one book; the control spreadsheet is ""."""
        sid = spreadsheet_id(ref)
        return "" if sid in ("", self.control_id) else sid

    def sid(self, ref: str) -> str:
        return self.normalise_ref(ref) or self.control_id

    def describe(self, ref: str = "") -> str:
        if not self.normalise_ref(ref):
            return f"the control spreadsheet ({self.control_id})"
        return f"spreadsheet {self.sid(ref)}"

    # -- reading ------------------------------------------------------------------------------
    def read(self, ref: str = "") -> Book:
        sid = self.sid(ref)
        if not _VALID_ID.fullmatch(sid):
            raise AccessError(f"{one_line(ref or sid, 120)!r} is not a spreadsheet id or URL "
                              "(e.g. https://docs.google.com/spreadsheets/d/1AbC.../edit)")
        version = self._version(sid)
        if version is not None and self.reads is not None:
            kept = self.reads.get(sid, version)
            if kept is not None:  # nothing changed on Google since that read: send nothing else
                book = kept.book
                book.ref = self.normalise_ref(ref)
                self._remember(sid, kept.extra, book)
                return book
        meta = self._call(ref, lambda: self.http.fetch_sheet_metadata(
            sid, params={"includeGridData": "false", "fields": METADATA_FIELDS}))
        grids = _grid_sheets(meta)
        ranges = []
        if grids:
            answer = self._call(ref, lambda: self.http.values_batch_get(
                sid, [quote_tab(s["properties"]["title"]) for s in grids],
                params=dict(READ_PARAMS)))
            ranges = answer.get("valueRanges", [])
        book = self._book(ref, sid, meta, ranges)
        if version is not None and self.reads is not None:
            # the version asked *before* this read; the metadata (sheets: grids, merges, anchors)
            # without its values, which the Book holds
            self.reads.put(sid, version, book, meta)
        self._remember(sid, meta, book)
        return book

    def book_identity(self, ref: str = "") -> str | None:
        """``Book.identity`` of a read now: Drive's ``version`` (the one ``files.get`` a read
        asks first, through the same retries). A read that follows asks again rather than trust
        a version asked earlier: a backend kept across cycles would otherwise read an old kept
        Book after an edit. None with the shortcut off or a file Drive will not describe."""
        sid = self.sid(ref)
        if not _VALID_ID.fullmatch(sid):
            return None
        version = self._version(sid)
        return None if version is None else identity_text(sid, version)

    def _version(self, sid: str) -> str | None:
        """Drive's ``version`` of the spreadsheet (one small ``files.get``), or None when the
        shortcut is off or the sign-in cannot see the file (``drive.file`` and a spreadsheet a
        person made; the Drive API disabled): then the read is simply in full."""
        if self.reads is None or sid in self._no_version:
            return None
        try:
            answer = self._call(None, lambda: self.http.request(
                "get", f"{DRIVE_FILES_URL}/{sid}",
                params={"fields": "version,modifiedTime", "supportsAllDrives": "true"}).json())
        except TonghopError as err:
            cause = err.__cause__
            if isinstance(cause, GaveUp) and isinstance(cause.__cause__, APIError):
                cause = cause.__cause__  # Drive kept answering 429/5xx: Sheets may still answer
            elif not isinstance(cause, APIError):
                raise  # no network or the sign-in refused: the full read could not do better
            if cause.response.status_code in (403, 404):  # cannot see it: off for this run
                self._no_version.add(sid)
            log.info("Drive cannot tell whether %s changed (%s): reading it in full",
                     self.describe(sid), one_line(str(err), 200))
            return None
        version = answer.get("version") if isinstance(answer, dict) else None
        return str(version) if version else None

    def _book(self, ref: str, sid: str, meta: dict, ranges: list[dict]) -> Book:
        """The Book from Google's two answers."""
        props = meta.get("properties", {})
        zone = book_zone(props.get("timeZone"))
        tabs = {}
        for sheet, value_range in zip(_grid_sheets(meta), ranges, strict=False):
            p = sheet["properties"]
            values = [list(row) for row in value_range.get("values", [])]
            if zone is not None:
                localise_timestamps(values, zone)
            size = p.get("gridProperties", {})
            rows, cols = size.get("rowCount", 0), size.get("columnCount", 0)
            tabs[p["title"]] = Tab(p["title"], trim(values), rows, cols, p.get("sheetId"),
                                   merges=_merges(sheet, rows, cols))
        return Book(self.normalise_ref(ref), props.get("title", sid), tabs, props.get("timeZone"),
                    props.get("locale"))

    def _remember(self, sid: str, meta: dict, book: Book) -> None:
        """What the write that may follow needs: grids, anchors, merges and values as read."""
        self._sheets[sid] = {p["title"]: p for p in _grid_properties(meta)}
        read = self._read[sid] = _Read()
        for sheet in _grid_sheets(meta):
            tab = book.tabs[sheet["properties"]["title"]]
            read.note(sheet, tab)
            tab.anchored = frozenset(col for title, col in read.anchors if title == tab.title)

    # -- writing ------------------------------------------------------------------------------
    def write(self, ref: str, batch: WriteBatch) -> list[SkippedWrite]:
        """Structure first (new tabs, grids, anchors for new tool columns), then the values
        through the anchors (``values:batchUpdateByDataFilter``), so a column staff
        insert, move or delete meanwhile moves the target or drops the write, never shifts it.
        A column anchored in this very write is read back through its anchor first (one more
        read, only in such cycles) and written only if it still holds what the plan expects."""
        if batch.is_empty():
            return []
        sid = self.sid(ref)
        if sid not in self._sheets:
            self.read(ref)  # a write without a read in this cycle (not the cycle's path)
        read = self._read.get(sid) or _Read()
        batch, skipped = batch.checked(read.value, read.merged)
        ids, new = read.plan_anchors(batch)
        structure = structure_requests(batch, self._sheets[sid], new, read.stale, colours=False)
        sheet_ids = {t: p["sheetId"] for t, p in self._sheets[sid].items()}
        sheet_ids.update({r["addSheet"]["properties"]["title"]: r["addSheet"]["properties"]["sheetId"]
                          for r in structure if "addSheet" in r})
        self._sheets.pop(sid, None)  # grids and tabs change: the next read refreshes them
        self._read.pop(sid, None)
        if self.reads is not None:  # Drive's version moves with this write; never trust the old
            self.reads.forget(sid)
        self._send_structure(ref, sid, structure, "tabs, grid sizes and anchors")
        after = "new tabs, grid sizes and anchors" if structure else ""
        check = [a for a in new if a.tab not in batch.new_tabs]
        if check:
            bad = self._verify_new_anchors(ref, sid, check, batch)
            skipped += bad
            batch = batch.without({(s.tab, s.col) for s in bad})
        # Values through the anchors; each answer says where the anchored column is now, and
        # the colours follow it (a colour-only column is located with a range of one null).
        written = {(c.tab, c.col) for c in batch.cells}
        locate = {(c.tab, c.col) for c in batch.colours} - written
        where: dict[tuple[str, int], int] = {}
        gone: set[tuple[str, int]] = set()
        rows_at = self._locate_for_rows(ref, sid, batch, ids, sheet_ids, after, where, gone, skipped)
        parts = column_ranges([c for c in batch.cells if (c.tab, c.col) not in gone], ids, locate,
                              self.max_body_bytes, rows_at=rows_at)
        told = self.on_progress  # (a terminal's bar: counted only when someone is told)
        cells = [sum(map(_cell_count, data)) for data in parts] if told else []
        for i, data in enumerate(parts):
            if told:  # how far as each request goes; all of it as the last one goes
                told(sum(cells[:i]), sum(cells), "cells")
                if i == len(parts) - 1:
                    told(sum(cells), sum(cells), "cells")
            body = {"valueInputOption": "RAW", "data": data}
            answer = self._call(ref, lambda body=body: self.http.request(
                "post", f"{SHEETS_BASE}/{sid}/values:batchUpdateByDataFilter", json=body).json(),
                writing=_part("values", i, len(parts)), after=_applied_before(after, i, len(parts)))
            landed = {}
            for r in answer.get("responses", []):
                metadata_id = r.get("dataFilter", {}).get("developerMetadataLookup", {}).get("metadataId")
                landed[metadata_id] = anchored_column(r.get("updatedRange", ""))
            for (tab, col), metadata_id in ids.items():
                sent = any(d["dataFilter"].get("developerMetadataLookup", {}).get("metadataId")
                           == metadata_id for d in data)
                if not sent:
                    continue
                if metadata_id not in landed:
                    gone.add((tab, col))
                    skipped.append(SkippedWrite(tab, 1, col, "the tool's column was deleted "
                                                "since the read; it is created again next cycle"))
                elif landed[metadata_id]:
                    where[(tab, col)] = landed[metadata_id]
        colours = [c for c in batch.colours if (c.tab, c.col) not in gone]
        self._send_structure(ref, sid, colour_requests(colours, sheet_ids, where), "colours",
                             after="values")
        return skipped

    def _locate_for_rows(self, ref: str, sid: str, batch: WriteBatch, ids: dict[tuple[str, int], int],
                         sheet_ids: dict[str, int], after: str, where: dict[tuple[str, int], int],
                         gone: set[tuple[str, int]], skipped: list[SkippedWrite],
                         ) -> dict[tuple[str, int], tuple[int, int]] | None:
        """The anchored columns whose few changed rows lie far down (``by_rows_worth``): located
        through their anchors in one small request (a null each: nothing written), so their runs
        go as row ranges at the column's place now, not as an anchored range padded with nulls
        from row 1. None when no column is worth it (the common case: no request)."""
        wanted = [key for key, rows in planned_columns(batch.cells).items()
                  if key in ids and key[0] in sheet_ids and by_rows_worth(rows)]
        if not wanted:
            return None
        data = [{"dataFilter": lookup(ids[key]), "majorDimension": "COLUMNS", "values": [[None]]}
                for key in wanted]
        answer = self._call(ref, lambda: self.http.request(
            "post", f"{SHEETS_BASE}/{sid}/values:batchUpdateByDataFilter",
            json={"valueInputOption": "RAW", "data": data}).json(),
            writing="values (locating the tool's columns)", after=after)
        landed = {}
        for r in answer.get("responses", []):
            metadata_id = r.get("dataFilter", {}).get("developerMetadataLookup", {}).get("metadataId")
            landed[metadata_id] = anchored_column(r.get("updatedRange", ""))
        rows_at = {}
        for tab, col in wanted:
            now = landed.get(ids[(tab, col)])
            if now:
                where[(tab, col)] = now
                rows_at[(tab, col)] = (sheet_ids[tab], now)
            else:
                gone.add((tab, col))
                skipped.append(SkippedWrite(tab, 1, col, "the tool's column was deleted since the "
                                            "read; it is created again next cycle"))
        return rows_at

    def _send_structure(self, ref: str, sid: str, requests_: list[dict], what: str,
                        after: str = "") -> None:
        """A ``spreadsheets:batchUpdate``, cut within ~2 MB when larger (almost always one)."""
        chunks = split_requests(requests_, self.max_body_bytes)
        for i, chunk in enumerate(chunks):
            done = ", ".join(x for x in (after, f"the first {i} of {len(chunks)} requests for {what}"
                                         if i else "") if x)
            self._call(ref, lambda chunk=chunk: self.http.batch_update(sid, {"requests": chunk}),
                       writing=_part(what, i, len(chunks)), after=done)

    def _verify_new_anchors(self, ref: str, sid: str, anchors: list[Anchor],
                            batch: WriteBatch) -> list[SkippedWrite]:
        """Read back, through the anchors just created, the cells the guards protect."""
        body = {"dataFilters": [lookup(a.metadata_id) for a in anchors],
                "majorDimension": "COLUMNS", "valueRenderOption": "UNFORMATTED_VALUE",
                "dateTimeRenderOption": "SERIAL_NUMBER"}
        answer = self._call(ref, lambda: self.http.request(
            "post", f"{SHEETS_BASE}/{sid}/values:batchGetByDataFilter", json=body).json())
        columns: dict[int, list] = {}
        for matched in answer.get("valueRanges", []):
            for data_filter in matched.get("dataFilters", []):
                metadata_id = data_filter.get("developerMetadataLookup", {}).get("metadataId")
                values = matched.get("valueRange", {}).get("values", [[]])
                columns[metadata_id] = values[0] if values else []
        by_column = {(a.tab, a.col): a.metadata_id for a in anchors}

        def now(tab: str, row: int, col: int) -> Cell | list[Cell]:
            column = columns.get(by_column.get((tab, col)), [])
            if row == WHOLE_COLUMN:
                return list(column)
            return column[row - 1] if row - 1 < len(column) else None
        guarded = WriteBatch(cells=[c for c in batch.cells if (c.tab, c.col) in by_column],
                             guards=[g for g in batch.guards if (g.tab, g.col) in by_column])
        _, bad = guarded.checked(now)
        missing = [SkippedWrite(a.tab, 1, a.col, "the column was deleted while the tool "
                                "anchored it; planned again next cycle")
                   for a in anchors if a.metadata_id not in columns]
        return bad + missing

    # -- errors -------------------------------------------------------------------------------
    def _call(self, ref: str | None, request: Callable, writing: str = "", after: str = ""):
        """Run one request; turn what can go wrong into a message that says what to do."""
        where = self.describe(ref) if ref is not None else "Google Drive"
        service = "Google Sheets" if ref is not None else "Google Drive"
        try:
            return request()
        except GaveUp as err:
            problem = network_problem(err.__cause__) if err.__cause__ else None
            if problem:  # the same after every attempt: say what it is, not how often
                raise BackendError(f"{service} cannot be reached for {where}: {problem}; "
                                   f"{_written(writing, after, err.maybe_applied)}") from err
            raise BackendError(
                f"{service} did not answer for {where} after {err.attempts} attempts over "
                f"{err.seconds:.0f} s (last: {err.last}); "
                f"{_written(writing, after, err.maybe_applied)}") from err
        except APIError as err:
            raise self._api_error(ref, where, err, writing, after) from err
        except auth_exceptions.RefreshError as err:
            raise refused(self.identity, err, self.config_path) from err
        except requests.exceptions.JSONDecodeError as err:
            raise BackendError(f"Google answered {where} with something that is not JSON; "
                               f"{_written(writing, after, False)}") from err

    def _api_error(self, ref: str | None, where: str, err: APIError, writing: str,
                   after: str) -> Exception:
        status = err.response.status_code
        message = one_line(err.error.get("message", ""), 200)
        if ref is None and status in (403, 404):  # Drive: the caller says what to share
            return AccessError(f"{status} {message}")
        sid = self.sid(ref) if ref is not None else ""
        if status == 404 and ref is not None:
            if not self.normalise_ref(ref):
                hint = f"'backend.spreadsheet' in {self.config_path}"
            else:
                hint = f"column '{H.CAMPAIGN_SPREADSHEET[0]}' of tab '{self.campaigns_tab}'"
            return AccessError(f"spreadsheet {sid} not found: check the id in {hint}")
        if status == 403 and _api_disabled(err):
            return AccessError(api_disabled_line("Google Sheets API", err))
        if status == 403 and _reason(err) == "ACCESS_TOKEN_SCOPE_INSUFFICIENT":
            return AccessError(f"the sign-in ({self.identity.source}) lacks permission for Google "
                               f"Sheets ({message}): {_rescope(self.identity, self.config_path)}")
        if status == 403:
            what = f"spreadsheet {sid}" if ref is not None else "Google Drive"
            extra = " (it may be shared read-only)" if writing else ""
            return AccessError(f"permission denied for {what}: share it with {self.account} "
                               f"as Editor{extra}")
        if status == 401:
            return AccessError(f"Google did not accept the credentials (401 {message}): create a "
                               "new key for the service account (docs/google.md)")
        # A retry after a dropped connection can be refused because the first attempt was
        # applied after all (e.g. "A sheet with this name already exists").
        maybe = self.http.last_maybe_applied
        return BackendError(f"Google Sheets rejected a request for {where} ({status} {message}); "
                            f"{_written(writing, after, maybe)}")


def _sees_drive(scopes: Iterable[str]) -> bool:
    """Whether the sign-in asks a scope that lets Drive tell a file's version. No scope is added
    for the shortcut: without one it is off."""
    return any(s in DRIVE_METADATA_SCOPES for s in scopes)


def _part(what: str, i: int, parts: int) -> str:
    return what if parts == 1 else f"{what} (request {i + 1} of {parts})"


def _applied_before(structure: str, i: int, parts: int) -> str:
    """What earlier requests of the same write applied, for a failure message."""
    done = [structure] if structure else []
    if i:
        done.append(f"values requests 1-{i} of {parts}" if i > 1 else f"values request 1 of {parts}")
    return " and ".join(done)


def _written(writing: str, after: str, maybe: bool) -> str:
    """What a failed call leaves behind, said honestly."""
    if not writing:
        return "nothing was written"
    done = f"{after} were applied, " if after else ""
    if maybe:
        return (f"{done}the {writing} may or may not have been applied (the connection failed "
                "after sending); the next sync checks and repairs")
    return f"{done}no {writing} were written" if done else "nothing was written"


def _api_disabled(err: APIError) -> bool:
    details = err.error.get("details") or []
    reasons = {d.get("reason") for d in details if isinstance(d, dict)}
    return "SERVICE_DISABLED" in reasons or "has not been used in project" in str(err.error)


def _reason(err: APIError) -> str:
    details = err.error.get("details") or []
    return next((d.get("reason", "") for d in details if isinstance(d, dict) and d.get("reason")), "")


def _forms_rescope(identity: Identity, config_path: str) -> str:
    """What to do when Google says the sign-in lacks a Forms scope."""
    if identity.mode is AuthMode.OAUTH:
        return f"sign in again: tonghop login --config {config_path} (--edit-forms to keep unit lists)"
    if identity.mode is AuthMode.ADC and identity.robot:  # a VM's attached account
        return ("give the VM the Forms scope in its access scopes, or set backend.impersonate "
                "(docs/google.md, \"On a Google VM\")")
    return "sign in again with the Forms scope (docs/google.md)"


def _rescope(identity: Identity, config_path: str) -> str:
    """How to sign in again with the scopes tonghop asks for."""
    if identity.mode is AuthMode.OAUTH:
        return f"run `tonghop login --config {config_path}` again and tick every permission"
    if identity.mode is AuthMode.ADC and not identity.robot:
        return ("run `gcloud auth application-default login` again with the scopes in "
                "docs/google.md")
    return "give the account the Sheets and Drive scopes (docs/google.md)"


# --- what a read learnt, for the write that follows -----------------------------------------------
class _Read:
    """Per spreadsheet: values as read (for the guards), merged ranges, and the tool's anchors:
    valid ones (on the column whose header they name) by (tab, column), stale ones by id."""

    def __init__(self) -> None:
        self.tabs: dict[str, Tab] = {}
        self.anchors: dict[tuple[str, int], int] = {}
        self.stale: list[int] = []
        self.ids: set[int] = set()

    def note(self, sheet: dict, tab: Tab) -> None:
        title = tab.title
        self.tabs[title] = tab
        for data in sheet.get("data", []):
            start = data.get("startColumn", 0)
            for i, column in enumerate(data.get("columnMetadata", [])):
                for meta in column.get("developerMetadata", []):
                    self.ids.add(meta["metadataId"])  # ids are per spreadsheet: never reuse one
                    if meta.get("metadataKey") != ANCHOR_KEY:
                        continue
                    col = start + i + 1
                    if meta.get("metadataValue") == header_key(tab.cell(1, col)) \
                            and (title, col) not in self.anchors:
                        self.anchors[(title, col)] = meta["metadataId"]
                    else:  # staff renamed or retyped the header, or a second copy
                        self.stale.append(meta["metadataId"])

    def value(self, tab: str, row: int, col: int) -> Cell | list[Cell]:
        found = self.tabs.get(tab)
        if row == WHOLE_COLUMN:
            return [found.cell(r, col) for r in range(1, len(found.values) + 1)] if found else []
        return found.cell(row, col) if found else None

    def merged(self, tab: str, row: int, col: int) -> str | None:
        found = self.tabs.get(tab)
        return found.merged(row, col) if found else None

    def plan_anchors(self, batch: WriteBatch) -> tuple[dict[tuple[str, int], int], list[Anchor]]:
        """The anchor id of every column the batch writes, and the anchors to create."""
        ids: dict[tuple[str, int], int] = {}
        new: list[Anchor] = []
        headers = {(c.tab, c.col): c.value for c in batch.cells  # (a header: a cell of its own)
                   if type(c) is CellWrite and c.row == 1}
        for (tab, col), expected in batch.columns().items():
            if (tab, col) in self.anchors:
                ids[(tab, col)] = self.anchors[(tab, col)]
                continue
            header = header_key(expected or headers.get((tab, col)) or self.value(tab, 1, col))
            anchor = Anchor(tab, col, anchor_id(tab, col, header, self.ids), header)
            new.append(anchor)
            ids[(tab, col)] = anchor.metadata_id
        return ids, new


# --- reading helpers ----------------------------------------------------------------------------
def _merges(sheet: dict, rows: int, cols: int) -> tuple[tuple[int, int, int, int], ...]:
    """A sheet's merged ranges, 1-based and inclusive (Google leaves out a 0 start index)."""
    return tuple((m.get("startRowIndex", 0) + 1, m.get("startColumnIndex", 0) + 1,
                  m.get("endRowIndex", rows), m.get("endColumnIndex", cols))
                 for m in sheet.get("merges", []))


def _grid_sheets(meta: dict) -> list[dict]:
    return [s for s in meta.get("sheets", [])
            if s.get("properties", {}).get("sheetType", "GRID") == "GRID"]


def _grid_properties(meta: dict) -> list[dict]:
    return [s["properties"] for s in _grid_sheets(meta)]


def book_zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("spreadsheet timezone %r unknown; timestamps read in the configured one",
                    one_line(name, 60))
        return None


def localise_timestamps(values: list[list[Cell]], zone: ZoneInfo) -> None:
    """Forms stamps a response with the *spreadsheet's* clock: a serial in the timestamp column is
    wall-clock time in the spreadsheet's timeZone, which need not be the configured one. Make
    those cells aware datetimes; the cycle converts them. Other numbers (and staff's typed
    deadlines, which mean local time) stay as they are."""
    if not values:
        return
    wanted = {header_key(h) for h in H.TIMESTAMP}
    cols = [i for i, h in enumerate(values[0]) if header_key(h) in wanted]
    for row in values[1:]:
        for c in cols:
            value = row[c] if c < len(row) else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                with contextlib.suppress(TimeParseError):  # left as a number: reported later
                    row[c] = from_serial(value, zone)


def _cell_count(data: dict) -> int:
    """The cells one range of a values request carries (a column's, or rows')."""
    values = data.get("values") or []
    if data.get("majorDimension") == "COLUMNS":
        return sum(map(len, values))
    return sum(map(len, values)) if values and isinstance(values[0], list) else len(values)

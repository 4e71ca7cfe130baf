"""A new office's control spreadsheet made in Google Drive, through gspread: one Drive create
(in a shared drive's folder for a service account, which owns no storage; gspread then reads
its metadata once), then one batchUpdate laying out the staff tabs (headers with notes,
dropdowns, date checks, the example row) and the spreadsheet's locale and timezone, so dates
typed there read day-first."""

from __future__ import annotations

from collections.abc import Sequence

import gspread
from google.auth import exceptions as auth_exceptions
from gspread.exceptions import APIError

from sync.backends import google
from sync.backends.credentials import DRIVE_FILE_SCOPE, DRIVE_SCOPE, SHEETS_SCOPE, refused, scoped, sign_in
from sync.backends.retry import GaveUp, RetryingHTTPClient, RetryPolicy, network_problem
from sync.backends.sheets_requests import quote_tab
from sync.config import Config
from sync.errors import AccessError, BackendError
from sync.rules.office import StaffTab
from sync.rules.text import one_line

LOCALE = "vi_VN"
GREY = {"red": 0.5, "green": 0.5, "blue": 0.5}
FIRST_SHEET = 0  # the id of the one tab ("Sheet1", gid=0) of a spreadsheet Drive creates


def create_spreadsheet(config: Config, title: str, tabs: Sequence[StaffTab], folder: str = "") -> tuple[str, str]:
    """(spreadsheet id, who owns it) of a new spreadsheet laid out with ``tabs``."""
    signed = sign_in(config)
    robot = signed.identity.robot
    scopes = [SHEETS_SCOPE, DRIVE_SCOPE if robot else DRIVE_FILE_SCOPE]
    policy = RetryPolicy.from_settings(config.backend, str(config.path))
    session = google.session_factory(scoped(signed, scopes), policy.timeout)
    client = gspread.Client(None, session, http_client=RetryingHTTPClient.with_policy(policy))
    who = signed.identity.share_with
    try:
        book = client.create(title, folder_id=folder or None)
        book.batch_update({"requests": layout_requests(tabs, config.timezone)})
    except APIError as err:
        raise _refusal(err, robot, folder, who) from None
    except GaveUp as err:
        problem = network_problem(err.__cause__) if err.__cause__ else None
        raise BackendError(f"Google cannot be reached to create the spreadsheet: "
                           f"{problem or err.last}; nothing was made in Drive's view, run init "
                           "again") from None
    except auth_exceptions.RefreshError as err:
        raise refused(signed.identity, err, str(config.path)) from None
    return book.id, who


def _refusal(err: APIError, robot: bool, folder: str, who: str) -> AccessError:
    status = err.response.status_code
    message = one_line(err.error.get("message", ""), 200)
    reasons = {d.get("reason") for d in err.error.get("errors") or [] if isinstance(d, dict)}
    if "storageQuotaExceeded" in reasons or (robot and not folder and status == 403):
        return AccessError(f"a service account ({who}) cannot own files in a My Drive: pass "
                           "--folder with the id of a folder in a shared drive it is a member of "
                           "(Content manager), or sign in as a person (--auth oauth)")
    if status == 404 and folder:
        return AccessError(f"Drive folder {folder} not found or not shared with {who}: share it "
                           "(Content manager in a shared drive) or check the id")
    if status == 403:
        return AccessError(f"Google refused to create the spreadsheet ({message}): enable the "
                           "Google Sheets and Drive APIs in the Cloud project and sign in again "
                           "(docs/google.md)")
    return AccessError(f"Google refused to create the spreadsheet ({status} {message})")


def layout_requests(tabs: Sequence[StaffTab], timezone: str) -> list[dict]:
    first = FIRST_SHEET
    requests: list[dict] = [{"updateSpreadsheetProperties": {
        "properties": {"locale": LOCALE, "timeZone": timezone}, "fields": "locale,timeZone"}}]
    ids = {}
    for i, tab in enumerate(tabs):
        sheet_id = first if i == 0 else 1000 + i
        ids[tab.title] = sheet_id
        props = {"sheetId": sheet_id, "title": tab.title, "index": i,
                 "gridProperties": {"frozenRowCount": 1}}
        if i == 0:
            requests.append({"updateSheetProperties": {
                "properties": props, "fields": "title,index,gridProperties.frozenRowCount"}})
        else:
            requests.append({"addSheet": {"properties": props}})
    for tab in tabs:
        requests += _tab_requests(tab, ids[tab.title])
    return requests


def _tab_requests(tab: StaffTab, sheet_id: int) -> list[dict]:
    header = [{"userEnteredValue": {"stringValue": c.header}, "note": c.note,
               "userEnteredFormat": {"textFormat": {"bold": True}}} for c in tab.columns]
    rows = [{"values": header}]
    rows += [{"values": [_cell(v) for v in row]} for row in tab.rows]
    if tab.example is not None:
        rows.append({"values": [{**_cell(v), "userEnteredFormat": {
            "textFormat": {"italic": True, "foregroundColor": GREY}}} for v in tab.example]})
    out: list[dict] = [{"updateCells": {
        "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}, "rows": rows,
        "fields": "userEnteredValue,note,userEnteredFormat.textFormat"}}]
    for j, column in enumerate(tab.columns):
        rule = _rule(column)
        if rule is not None:
            out.append({"setDataValidation": {
                "range": {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": j,
                          "endColumnIndex": j + 1}, "rule": rule}})
        out.append({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": j, "endIndex": j + 1},
            "properties": {"pixelSize": column.width * 7}, "fields": "pixelSize"}})
    return out


def _cell(value: object) -> dict:
    """RAW: a unit's name that starts with '=' stays text."""
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": "" if value is None else str(value)}}


def _rule(column) -> dict | None:
    if column.choices:
        return {"condition": {"type": "ONE_OF_LIST",
                              "values": [{"userEnteredValue": w} for w in column.choices]},
                "strict": True, "showCustomUi": True, "inputMessage": column.note}
    if column.codes_of is not None:
        tab, col = column.codes_of
        letter = gspread.utils.rowcol_to_a1(1, col).rstrip("0123456789")
        source = f"={quote_tab(tab)}!${letter}$2:${letter}"
        return {"condition": {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": source}]},
                "strict": False, "showCustomUi": True, "inputMessage": column.note}
    if column.date:
        return {"condition": {"type": "DATE_IS_VALID"}, "strict": False,
                "inputMessage": column.note}
    return None

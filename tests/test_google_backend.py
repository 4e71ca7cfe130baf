"""The Google Sheets backend against the offline fake: the request budget, RAW writes, grids,
colours, timezones and locales, references by URL, and the messages a user can act on."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from google.auth.transport.requests import AuthorizedSession

from sync.backends import google
from sync.backends.base import CellColour, CellWrite, WriteBatch
from sync.backends.google import GoogleSheetsBackend, spreadsheet_id, value_ranges
from sync.demo import roster
from sync.errors import ExitCode
from sync.rules import headers as H
from sync.rules.models import Status
from sync.rules.text import header_key
from sync.rules.timeparse import SHEETS_EPOCH
from tests.fakesheets import FakeGoogle

from .conftest import DEMO_NOW, FAKE_ACCOUNT

WRITES = ("spreadsheets.batchUpdate", "values.batchUpdateByDataFilter", "values.batchUpdate", "values.update",
          "values.append",
          "values.clear", "values.batchClear")
FORMS_TAB = "Form Responses 1"
RESPONSES_TAB = "Câu trả lời biểu mẫu 1"


def counts(fake, spreadsheet_id=None) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in fake.requests:
        if spreadsheet_id is None or r.spreadsheet_id == spreadsheet_id:
            out[r.endpoint] = out.get(r.endpoint, 0) + 1
    return out


def serial(moment: datetime) -> float:
    return (moment - SHEETS_EPOCH) / timedelta(days=1)


def sync(cli, config, now=DEMO_NOW):
    result = cli("sync", "--config", config, "--now", now)
    assert result.code == 0, result.err
    return result


def status_json(cli, config, now=DEMO_NOW) -> list[dict]:
    result = cli("status", "--config", config, "--now", now, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.fixture
def google_ws(google_workspace):
    return google_workspace


@pytest.fixture
def fake_session(monkeypatch):
    """A fresh fake, and the command line's session seam pointed at it."""
    fake = FakeGoogle()
    monkeypatch.setattr(google, "session_factory", lambda credentials, timeout: fake.session())
    yield fake
    fake.assert_clean()


def forms_setup(fake, tmp_path, key, rows: int, *, spare_cols: int = 0, tz="Asia/Ho_Chi_Minh",
                locale="vi_VN", stamp_tz=None):
    """A control spreadsheet (roster, one campaign) and a Forms spreadsheet whose responses tab
    is exactly as wide as the form (plus ``spare_cols``), ``rows`` responses long."""
    units = roster()
    roster_rows = [[H.UNIT_CODE[0], H.UNIT_NAME[0], H.UNIT_GROUP[0], H.UNIT_EMAIL[0],
                    H.UNIT_ALIASES[0], H.UNIT_ACTIVE[0]]]
    roster_rows += [[c, n, g, e, a, "Có"] for c, n, g, e, a in units]
    header = ["Timestamp", "Email Address", "Tên đơn vị", "Nội dung báo cáo"]
    responses = [header]
    for i in range(rows):
        code, name, _, email, _ = units[i % len(units)]
        responses.append([datetime(2023, 6, 1, 7) + timedelta(minutes=173 * i), email, name,
                          f"Báo cáo số {i} của {code}"])
    forms = fake.add_spreadsheet(tabs={FORMS_TAB: responses}, title="Báo cáo (Responses)",
                                 grid={FORMS_TAB: (max(rows + 1, 1000), len(header) + spare_cols)},
                                 date_columns={FORMS_TAB: [0]}, time_zone=stamp_tz or tz,
                                 locale=locale)
    campaigns = [[H.CAMPAIGN_CODE[0], H.CAMPAIGN_TITLE[0], H.CAMPAIGN_TAB[0],
                  H.CAMPAIGN_SPREADSHEET[0], H.CAMPAIGN_DEADLINE[0], H.CAMPAIGN_TARGETS[0],
                  H.CAMPAIGN_REQUIRED[0], H.CAMPAIGN_UNIT_QUESTION[0]],
                 ["BC", "Báo cáo tháng 6", FORMS_TAB, forms, "10/6/2023", "Tất cả",
                  "Nội dung báo cáo", "Tên đơn vị"]]
    control = fake.add_spreadsheet(tabs={H.ROSTER_TAB: roster_rows, H.CAMPAIGNS_TAB: campaigns},
                                   title="Tổng hợp", time_zone=tz, locale=locale)
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = tmp_path / "config.toml"
    config.write_text(f'timezone = "Asia/Ho_Chi_Minh"\n\n[backend]\nkind = "google"\n'
                      f"spreadsheet = \"{control}\"\ncredentials = '{key}'\n", encoding="utf-8")
    return config, control, forms


# --- the request budget -------------------------------------------------------------------------
def test_demo_budget_first_second_and_one_new_response(cli, google_ws):
    fake, sid = google_ws.fake, google_ws.spreadsheet_id
    sync(cli, google_ws.config_path)
    # The first sync anchors the tool's columns in the form tabs and reads them back through
    # their anchors before writing (one more read, only in cycles that create anchors); the
    # colours follow the values, where the anchors say the columns are (a second batchUpdate
    # only in cycles that also change the structure).
    # (each read follows Drive's version of the spreadsheet: the no-op shortcut's one request)
    assert counts(fake) == {"drive.files.get": 1, "spreadsheets.get": 1, "values.batchGet": 1,
                            "spreadsheets.batchUpdate": 2, "values.batchGetByDataFilter": 1,
                            "values.batchUpdateByDataFilter": 1}
    assert set(fake.tab_titles(sid)) >= {"Trạng thái", "Chi tiết", "Nhật ký đồng bộ"}

    fake.reset_counts()
    assert "nothing changed" in sync(cli, google_ws.config_path).out
    assert counts(fake) == {"drive.files.get": 1, "spreadsheets.get": 1, "values.batchGet": 1}
    fake.reset_counts()  # the cycle before wrote nothing: this one stops at Drive's version
    assert "unchanged since" in sync(cli, google_ws.config_path).out
    assert counts(fake) == {"drive.files.get": 1}

    # A unit that was overdue for NTVT (deadline 10/6) submits now: overdue -> late, red -> amber.
    records = status_json(cli, google_ws.config_path)
    late_comer = next(r for r in records if r["campaign"] == "NTVT" and r["status"] == "overdue")
    add_response(fake, sid, RESPONSES_TAB, late_comer["unit_name"], datetime(2023, 6, 20, 9, 30))
    fake.reset_counts()
    sync(cli, google_ws.config_path)
    assert counts(fake) == {"drive.files.get": 2, "spreadsheets.get": 1, "values.batchGet": 1,
                            "spreadsheets.batchUpdate": 1, "values.batchUpdateByDataFilter": 1}
    assert status_of(google_ws, late_comer["unit"], "NTVT") == Status.LATE.label


def add_response(fake, sid, tab, unit_name, when, answer="Có nội dung"):
    """What Forms does: one more row at the bottom, timestamp as a serial."""
    rows = fake.values(sid, tab)
    header = rows[0]
    line = [serial(when) if i == 0 else unit_name if h == "Tên đơn vị" else
            "" if h.startswith("tonghop:") or "email" in h.lower()
            else "3" if h.startswith("Số") else answer  # the demo's figure questions take a number
            for i, h in enumerate(header)]
    fake.set_values(sid, tab, f"A{len(rows) + 1}", [line])


def status_of(ws, unit_code, campaign):
    rows = ws.values("Trạng thái")
    header = rows[0]
    row = next(r for r in rows if r and r[0] == unit_code)
    return row[header.index(campaign)]


def test_resubmission_without_status_change_writes_values_only(cli, google_ws):
    fake, sid = google_ws.fake, google_ws.spreadsheet_id
    sync(cli, google_ws.config_path)
    records = status_json(cli, google_ws.config_path)
    late = next(r for r in records if r["campaign"] == "NTVT" and r["status"] == "late")
    add_response(fake, sid, RESPONSES_TAB, late["unit_name"], datetime(2023, 6, 20, 8))
    fake.reset_counts()
    sync(cli, google_ws.config_path)
    assert counts(fake).get("values.batchUpdateByDataFilter") == 1
    assert status_of(google_ws, late["unit"], "NTVT") == Status.LATE.label
    structure = [r.json for r in fake.requests if r.endpoint == "spreadsheets.batchUpdate"]
    assert structure == [], (
        "no status colour changed, yet the plan sends structure requests: " + json.dumps(structure)[:600])


@pytest.mark.parametrize("rows", [10, 10_000])
def test_budget_does_not_grow_with_rows(cli, fake_session, tmp_path, service_account_key, rows):
    fake = fake_session
    config, control, forms = forms_setup(fake, tmp_path, service_account_key, rows)
    sync(cli, config, "2023-06-20T10:00")
    for sid in (control, forms):
        got = counts(fake, sid)
        anchored = {"values.batchGetByDataFilter": 1} if sid == forms else {}  # new columns
        structure = 2 if sid == control else 1  # + the status colours, after the values
        assert got == {"drive.files.get": 1, "spreadsheets.get": 1, "values.batchGet": 1,
                       "spreadsheets.batchUpdate": structure, **anchored,
                       "values.batchUpdateByDataFilter": 1}, (sid, got)
    # The Forms tab had no spare column: the grid grew in that one batchUpdate.
    assert fake.grid_size(forms, FORMS_TAB) == (max(rows + 1, 1000), 6)
    header = fake.values(forms, FORMS_TAB)[0]
    assert header[4:] == [H.VERDICT_COL, H.MATCHED_COL]
    assert len(fake.values(forms, FORMS_TAB)) == rows + 1
    grow = [r.json for r in fake.requests
            if r.endpoint == "spreadsheets.batchUpdate" and r.spreadsheet_id == forms]
    assert grow[0]["requests"][0] == {"updateSheetProperties": {
        "properties": {"sheetId": 0, "gridProperties": {"columnCount": 6}},
        "fields": "gridProperties.columnCount"}}
    anchors = [r["createDeveloperMetadata"]["developerMetadata"] for r in grow[0]["requests"][1:]]
    assert [(a["metadataValue"], a["location"]["dimensionRange"]["startIndex"]) for a in anchors] \
        == [(header_key(H.VERDICT_COL), 4), (header_key(H.MATCHED_COL), 5)]

    fake.reset_counts()
    assert "nothing changed" in sync(cli, config, "2023-06-20T10:00").out
    assert counts(fake) == {"drive.files.get": 2, "spreadsheets.get": 2, "values.batchGet": 2}


def test_values_go_in_few_ranges():
    cells = [CellWrite("T", r, c, f"{r},{c}") for r in range(2, 6) for c in (1, 2, 3)]
    cells += [CellWrite("T", 9, 1, "x"), CellWrite("T", 9, 4, "y"), CellWrite("T", 9, 20, "far")]
    cells += [CellWrite("Bob's", 1, 1, "q")]
    data = value_ranges(cells)
    assert [d["range"] for d in data] == ["'Bob''s'!A1", "'T'!A2:C5", "'T'!A9:D9", "'T'!T9"]
    assert data[2]["values"] == [["x", None, None, "y"]]  # null: leave those cells alone


# --- what is written, and how --------------------------------------------------------------------
def test_raw_writes_keep_a_formula_as_text(cli, google_ws):
    fake, sid = google_ws.fake, google_ws.spreadsheet_id
    hostile = '=IMPORTXML("http://x", "//a")'
    rows = fake.values(sid, H.ROSTER_TAB)
    fake.set_values(sid, H.ROSTER_TAB, f"A{len(rows) + 1}", [["X01", hostile, "Phường", "", "", "Có"]])
    add_response(fake, sid, RESPONSES_TAB, hostile, datetime(2023, 6, 5, 9))
    sync(cli, google_ws.config_path)
    row = next(i for i, r in enumerate(google_ws.values("Trạng thái"), 1) if r and r[0] == "X01")
    cell = fake.cell(sid, "Trạng thái", f"B{row}")
    assert cell.value == hostile and cell.formula is None
    assert status_of(google_ws, "X01", "NTVT") == Status.ON_TIME.label
    responses = fake.values(sid, RESPONSES_TAB)
    assert any(f"X01 - {hostile}" in r for r in responses)
    batches = [r.json for r in fake.requests if r.endpoint == "values.batchUpdateByDataFilter"]
    assert batches and all(b["valueInputOption"] == "RAW" for b in batches)
    # Times written as text stay text (USER_ENTERED would turn them into date serials).
    assert isinstance(status_row(google_ws, "X01")["NTVT: nộp lúc"], str)


def status_row(ws, unit_code) -> dict:
    rows = ws.values("Trạng thái")
    row = next(r for r in rows if r and r[0] == unit_code)
    return dict(zip(rows[0], row, strict=False))


def test_status_cells_are_coloured_in_a_new_tab(cli, google_ws):
    fake, sid = google_ws.fake, google_ws.spreadsheet_id
    sync(cli, google_ws.config_path)
    rows = google_ws.values("Trạng thái")
    col = rows[0].index("NTVT")
    colours = {}
    for i, r in enumerate(rows[1:], 2):
        cell = fake.cell(sid, "Trạng thái", f"{chr(65 + col)}{i}")
        colours.setdefault(r[col], cell.background)
    green = {"red": 0xB7 / 255, "green": 0xE1 / 255, "blue": 0xCD / 255}
    assert colours[Status.ON_TIME.label] == pytest.approx(green)
    assert colours[Status.OVERDUE.label]["red"] == pytest.approx(0xF4 / 255)
    assert colours[Status.EXEMPT.label] == pytest.approx({"red": 0xD9 / 255, "green": 0xD9 / 255,
                                                         "blue": 0xD9 / 255})


def test_backend_interface_quotes_tabs_and_grows_grids(fake_session):
    fake = fake_session
    sid = fake.add_spreadsheet(tabs={"Bob's tab": [["a"]], "A1": [["b"]]},
                               grid={"Bob's tab": (1, 1), "A1": (1, 1)})
    backend = GoogleSheetsBackend(fake.session(), sid)
    book = backend.read("")
    assert set(book.tabs) == {"Bob's tab", "A1"} and book.tabs["A1"].values == [["b"]]
    batch = WriteBatch(new_tabs={"Mới": (1000, 26)},
                       cells=[CellWrite("Bob's tab", 3, 2, "x"), CellWrite("A1", 1, 2, "y"),
                              CellWrite("Mới", 1, 1, "z")],
                       colours=[CellColour("Mới", 1, 1, "#FCE8B2"), CellColour("A1", 1, 1, None)])
    backend.write("", batch)
    assert fake.values(sid, "Bob's tab") == [["a"], [], ["", "x"]]
    assert fake.grid_size(sid, "Bob's tab") == (3, 2) and fake.grid_size(sid, "A1") == (1, 2)
    assert fake.values(sid, "Mới") == [["z"]] and fake.grid_size(sid, "Mới") == (1000, 26)
    assert fake.cell(sid, "Mới", "A1").background["red"] == pytest.approx(0xFC / 255)
    assert counts(fake) == {"spreadsheets.get": 1, "values.batchGet": 1,
                            "spreadsheets.batchUpdate": 2, "values.batchGetByDataFilter": 1,
                            "values.batchUpdateByDataFilter": 1}
    fake.reset_counts()
    backend.write("", WriteBatch())
    assert fake.requests == []


# --- time: serial numbers, the spreadsheet's timezone, any locale --------------------------------
@pytest.mark.parametrize("stamp_tz, expected", [
    ("Asia/Ho_Chi_Minh", ("2023-06-10T22:00:00+07:00", "on_time")),
    # Forms stamps with the spreadsheet's clock: 22:00 in Los Angeles is 12:00 next day in Hà Nội.
    ("America/Los_Angeles", ("2023-06-11T12:00:00+07:00", "late")),
])
def test_timestamps_follow_the_spreadsheets_timezone(cli, fake_session, tmp_path,
                                                     service_account_key, stamp_tz, expected):
    fake = fake_session
    config, control, forms = forms_setup(fake, tmp_path, service_account_key, 0, stamp_tz=stamp_tz)
    fake.set_values(forms, FORMS_TAB, "A2", [[serial(datetime(2023, 6, 10, 22)), "",
                                              "Phòng Nội vụ", "Báo cáo"]])
    record = next(r for r in status_json(cli, config) if r["unit"] == "PNV")
    assert (record["submitted_at"], record["status"]) == expected


def test_locale_does_not_change_what_is_read(cli, fake_session, tmp_path, service_account_key):
    fake = fake_session
    seen = []
    for locale in ("vi_VN", "en_US"):
        config, _, _ = forms_setup(fake, tmp_path / locale, service_account_key, 120, locale=locale)
        seen.append(status_json(cli, config))
    assert seen[0] == seen[1]
    assert {r["status"] for r in seen[0]} >= {"on_time", "late"}


# --- references -----------------------------------------------------------------------------------
def test_spreadsheet_id_from_url():
    sid = "1AbC-d_E2"
    assert spreadsheet_id(f"https://docs.google.com/spreadsheets/d/{sid}/edit#gid=0") == sid
    assert spreadsheet_id(f" {sid} ") == sid
    backend = GoogleSheetsBackend(FakeGoogle().session(), f"https://docs.google.com/spreadsheets/d/{sid}/")
    assert backend.normalise_ref(sid) == "" and backend.normalise_ref("x") == "x"
    assert backend.refs(["https://docs.google.com/spreadsheets/d/x/edit", "x", sid]) == ["", "x"]


def test_campaigns_by_url_share_one_read(cli, fake_session, tmp_path, service_account_key):
    fake = fake_session
    config, control, forms = forms_setup(fake, tmp_path, service_account_key, 30)
    rows = fake.values(control, H.CAMPAIGNS_TAB)
    second = list(rows[1])
    second[0], second[3] = "BC2", f"https://docs.google.com/spreadsheets/d/{forms}/edit#gid=0"
    fake.set_values(control, H.CAMPAIGNS_TAB, "A3", [second])
    sync(cli, config)
    assert counts(fake, forms)["values.batchGet"] == 1
    assert counts(fake, forms)["spreadsheets.get"] == 1


# --- messages a user can act on -------------------------------------------------------------------
def one_line_error(result, code):
    assert result.code == code, (result.out, result.err)
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    return result.err


def test_spreadsheet_not_found(cli, google_ws):
    text = google_ws.config_path.read_text(encoding="utf-8")
    google_ws.config_path.write_text(text.replace(google_ws.spreadsheet_id, "1NoSuchSheet"),
                                     encoding="utf-8")
    err = one_line_error(cli("sync", "--config", google_ws.config_path), ExitCode.ACCESS)
    assert "spreadsheet 1NoSuchSheet not found: check the id" in err
    assert "backend.spreadsheet" in err and str(google_ws.config_path) in err


def test_permission_denied_names_the_account(cli, google_ws):
    google_ws.fake.deny(google_ws.spreadsheet_id)
    err = one_line_error(cli("sync", "--config", google_ws.config_path), ExitCode.ACCESS)
    assert f"permission denied for spreadsheet {google_ws.spreadsheet_id}" in err
    assert f"share it with {FAKE_ACCOUNT} as Editor" in err


def test_api_not_enabled(cli, google_ws):
    google_ws.fake.fail_next(403, times=1, endpoint="spreadsheets.get",
                             message="Google Sheets API has not been used in "
                             "project 123 before or it is disabled.")
    err = one_line_error(cli("sync", "--config", google_ws.config_path), ExitCode.ACCESS)
    assert "not enabled" in err and "Cloud console" in err


def test_missing_tab_is_named_with_the_tabs_that_exist(cli, google_ws):
    google_ws.rename_tab(H.ROSTER_TAB, "Don vi")
    err = one_line_error(cli("sync", "--config", google_ws.config_path), ExitCode.ACCESS)
    assert f"no tab '{H.ROSTER_TAB}'" in err and "Don vi" in err


KEY_CASES = {
    "missing": (None, "not found"),
    "not json": ("{nope", "is not JSON (line 1"),
    "user key": (json.dumps({"type": "authorized_user"}), "is a 'authorized_user' key, not a service-account"),
    "fields": (json.dumps({"type": "service_account", "client_email": "a@b"}), "lacks private_key, token_uri"),
    "placeholder": (None, "placeholder"),
    "bad pem": ("BAD_PEM", "private_key is not a readable PEM key"),
}


@pytest.mark.parametrize("case", KEY_CASES)
def test_key_file_problems_say_what_is_wrong_and_never_print_the_key(
        cli, google_ws, service_account_key, tmp_path, case):
    from .conftest import ROOT

    key = tmp_path / "key.json"
    content, words = KEY_CASES[case]
    real = json.loads(service_account_key.read_text())
    if case == "placeholder":
        content = (ROOT / "credentials.example.json").read_text(encoding="utf-8")
    elif content == "BAD_PEM":
        pem = real["private_key"]
        content = json.dumps(dict(real, private_key=pem[:200] + "Zm9v" + pem[260:]))
    if content is not None:
        key.write_text(content, encoding="utf-8")
    text = google_ws.config_path.read_text(encoding="utf-8")
    google_ws.config_path.write_text(text.replace(str(service_account_key), str(key)),
                                     encoding="utf-8")
    err = one_line_error(cli("sync", "--config", google_ws.config_path), ExitCode.ACCESS)
    assert str(key) in err and words in err
    body = real["private_key"].splitlines()[5]
    assert body not in err and "PRIVATE KEY" not in err


def test_credentials_from_the_environment(cli, google_ws, service_account_key, monkeypatch):
    text = google_ws.config_path.read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("credentials"))
    google_ws.config_path.write_text(text + "\n", encoding="utf-8")
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    err = one_line_error(cli("sync", "--config", google_ws.config_path), ExitCode.ACCESS)
    assert "backend.credentials" in err and "GOOGLE_APPLICATION_CREDENTIALS" in err
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key))
    sync(cli, google_ws.config_path)


def test_scopes_are_narrow(google_ws, monkeypatch):
    from sync.config import load_config

    seen = []
    monkeypatch.setattr(google, "session_factory",
                        lambda credentials, timeout: seen.append(credentials) or google_ws.fake.session())
    GoogleSheetsBackend.from_config(load_config(google_ws.config_path))
    # no drafts folder: Drive only to tell a spreadsheet's version (the no-op shortcut)
    assert seen[0].scopes == ["https://www.googleapis.com/auth/spreadsheets",
                              "https://www.googleapis.com/auth/drive.metadata.readonly"]
    assert seen[0].service_account_email == FAKE_ACCOUNT
    with google_ws.config_path.open("a", encoding="utf-8") as handle:
        handle.write('\n[reports]\ndrive_folder = "1Folder"\n')
    GoogleSheetsBackend.from_config(load_config(google_ws.config_path))
    # A robot sees only what is shared with it; drive.file would hide a shared drive's folder.
    assert seen[1].scopes == ["https://www.googleapis.com/auth/spreadsheets",
                              "https://www.googleapis.com/auth/drive"]
    # The production session: google-auth fetches and refreshes the token itself (not here).
    session = google.authorized_session(seen[1], 5.0)
    assert isinstance(session, AuthorizedSession) and session.credentials is seen[1]
    assert not seen[1].token


def test_something_that_is_not_an_id(cli, google_ws):
    rows = google_ws.values(H.CAMPAIGNS_TAB)
    col = rows[0].index(H.CAMPAIGN_SPREADSHEET[0])
    google_ws.fake.set_values(google_ws.spreadsheet_id, H.CAMPAIGNS_TAB, f"{chr(65 + col)}4",
                              [["bảng tính của phường"]])
    result = sync(cli, google_ws.config_path)
    assert "campaign PCCC skipped: 'bảng tính của phường' is not a spreadsheet id or URL" in result.err
    assert "nothing changed" not in result.out  # the other campaigns still synced


def test_drafts_on_sync_share_the_one_control_write(cli, google_ws):
    """With reports.on_sync, the "Báo cáo" rows travel in the cycle's one values:batchUpdate."""
    text = google_ws.config_path.read_text(encoding="utf-8")
    google_ws.config_path.write_text(text + "\n[reports]\non_sync = true\n", encoding="utf-8")
    fake, sid = google_ws.fake, google_ws.spreadsheet_id
    result = sync(cli, google_ws.config_path)
    assert "16 of 16 drafts written" in result.out
    first = counts(fake, sid)
    assert first["values.batchUpdateByDataFilter"] == 1 and first["spreadsheets.batchUpdate"] == 2
    assert [r[:2] for r in fake.values(sid, "Báo cáo")[1:4]] == [
        ["NTVT", "Báo cáo"], ["NTVT", "Danh sách đề nghị khen thưởng"],
        ["NTVT", "Phụ lục tình hình nộp của các đơn vị"]]
    fake.reset_counts()
    sync(cli, google_ws.config_path)
    assert not any(counts(fake, sid).get(w) for w in WRITES)

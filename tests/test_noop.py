"""The no-op shortcut on Google (sync/backends/unchanged.py): Drive's ``version`` of a spreadsheet
moves with every change in the fake, a cycle reads fully after any change, an untouched
spreadsheet costs one Drive ``files.get`` and no Sheets request, and time still passes."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime

import gspread
import pytest

from sync.backends.google import GoogleSheetsBackend
from sync.backends.unchanged import BookCache
from sync.config import load_config
from sync.rules.book import Book, Tab
from sync.rules.models import Status
from tests.fakesheets import FakeGoogle

from .conftest import CLERK, DEMO_NOW
from .test_check import _set_drive_folder
from .test_google_backend import counts

DRIVE_FILE = "https://www.googleapis.com/drive/v3/files/{}"
READS = {"spreadsheets.get": 1, "values.batchGet": 1}


def version(fake: FakeGoogle, sid: str) -> str:
    answer = fake.session().get(DRIVE_FILE.format(sid),
                                params={"fields": "version", "supportsAllDrives": "true"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"version"}, body  # the fields selection is honoured
    assert body["version"].isdigit()  # int64 as a string, as Drive sends it
    return body["version"]


def sync(cli, ws, now=DEMO_NOW):
    result = cli("sync", "--config", str(ws.config_path), "--now", now)
    assert result.code == 0, result.err
    return result


@pytest.fixture
def ws(google_workspace):
    """The Google demo with a Drive folder for drafts: the robot signs in with a Drive scope."""
    folder = google_workspace.fake.add_drive_folder(name="Dự thảo", shared_drive=True)
    _set_drive_folder(google_workspace, folder)
    return google_workspace


def steady(cli, ws, now=DEMO_NOW) -> None:
    """Sync until a cycle writes nothing (the first ones build the tool's tabs)."""
    for _ in range(4):
        ws.fake.reset_counts()
        sync(cli, ws, now)
        if not any(r.applied for r in ws.fake.requests):
            return
    raise AssertionError("the demo never settled")


# --- the fake's version ------------------------------------------------------------------------
def test_every_change_moves_the_fake_version():
    fake = FakeGoogle()
    sid = fake.add_spreadsheet({"Sheet1": [["a", "b"], [1, 2]]})
    seen = [version(fake, sid)]
    assert version(fake, sid) == seen[-1]  # reading is no change

    def moved() -> None:
        now = version(fake, sid)
        assert int(now) > int(seen[-1])
        seen.append(now)

    fake.set_values(sid, "Sheet1", "A2", [["x"]])  # a person types
    moved()
    book = gspread.Client(None, fake.session()).open_by_key(sid)
    book.sheet1.update([["y"]], "B2")  # values.update
    moved()
    book.add_worksheet("Tab 2", 10, 5)  # batchUpdate: a tab
    moved()
    book.batch_update({"requests": [{"sortRange": {  # a sort
        "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2},
        "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "DESCENDING"}]}}]})
    moved()
    book.batch_update({"requests": [{"repeatCell": {  # a format
        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
        "fields": "userEnteredFormat.textFormat.bold"}}]})
    moved()
    book.batch_update({"requests": [{"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": "k", "metadataValue": "v", "visibility": "DOCUMENT",
        "location": {"spreadsheet": True}}}}]})  # developer metadata
    moved()
    fake.assert_clean()


# --- the cycle ---------------------------------------------------------------------------------
def test_an_untouched_spreadsheet_costs_one_drive_request(cli, ws):
    steady(cli, ws)
    for _ in range(2):
        ws.fake.reset_counts()
        sync(cli, ws)
        assert counts(ws.fake) == {"drive.files.get": 1}
    get = ws.fake.requests[0]
    assert get.params["fields"] == ["version,modifiedTime"]
    assert get.params["supportsAllDrives"] == ["true"]


def _edit_value(ws) -> None:
    ws.fake.set_values(ws.spreadsheet_id, "Câu trả lời biểu mẫu 3", "D2", [["Sửa tay"]])


def _add_tab(ws) -> None:
    gspread.Client(None, ws.fake.session()).open_by_key(ws.spreadsheet_id).add_worksheet(
        "Ghi chú", 10, 3)


def _sort(ws) -> None:
    book = gspread.Client(None, ws.fake.session()).open_by_key(ws.spreadsheet_id)
    sheet = book.worksheet("Câu trả lời biểu mẫu 3")
    book.batch_update({"requests": [{"sortRange": {
        "range": {"sheetId": sheet.id, "startRowIndex": 1},
        "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "DESCENDING"}]}}]})


def _rename_tab(ws) -> None:
    book = gspread.Client(None, ws.fake.session()).open_by_key(ws.spreadsheet_id)
    book.worksheet("Nhật ký đồng bộ").update_title("Nhật ký cũ")


@pytest.mark.parametrize("edit", [_edit_value, _add_tab, _sort, _rename_tab],
                         ids=["value", "tab", "sort", "renamed"])
def test_any_edit_makes_the_next_cycle_read_fully(cli, ws, edit):
    steady(cli, ws)
    edit(ws)
    ws.fake.reset_counts()
    sync(cli, ws)
    seen = counts(ws.fake)
    assert seen["drive.files.get"] == 2  # the settled check's, then the read's own
    assert {k: seen.get(k, 0) for k in READS} == READS
    steady(cli, ws)  # whatever that cycle wrote is read back in full once, then not
    ws.fake.reset_counts()
    sync(cli, ws)
    assert counts(ws.fake) == {"drive.files.get": 1}


def test_a_deadline_passing_between_noop_cycles_still_turns_units_overdue(cli, ws):
    before, after = "2023-06-29T10:00", "2023-07-01T10:00"  # PCCC and NSNN close on 30/6/2023
    steady(cli, ws, before)
    overdue = Status.OVERDUE.label
    shown = sum(row.count(overdue) for row in ws.values("Trạng thái"))
    ws.fake.reset_counts()
    sync(cli, ws, after)
    seen = counts(ws.fake)
    assert seen.get("spreadsheets.get", 0) == 0 and seen.get("values.batchGet", 0) == 0
    assert seen["drive.files.get"] == 1
    assert seen["values.batchUpdateByDataFilter"] >= 1  # the status write goes out as usual
    assert sum(row.count(overdue) for row in ws.values("Trạng thái")) > shown
    ws.fake.reset_counts()  # the tool's own write moved the version: the next cycle reads fully
    sync(cli, ws, after)
    assert {k: counts(ws.fake).get(k, 0) for k in READS} == READS


def test_switched_off_it_reads_in_full(cli, ws):
    steady(cli, ws)
    text = ws.config_path.read_text(encoding="utf-8")
    ws.config_path.write_text(text.replace("[backend]\n", "[backend]\nskip_unchanged = false\n", 1),
                              encoding="utf-8")
    ws.fake.reset_counts()
    sync(cli, ws)
    assert counts(ws.fake) == READS


def test_a_robot_without_a_drafts_folder_asks_drive_metadata_only_and_keeps_the_shortcut(
        cli, google_workspace):
    """No drafts folder: the robot asks drive.metadata.readonly beside Sheets (it can tell a
    file's version, not read or change a file), and an untouched spreadsheet costs one Drive
    request as with a folder."""
    ws = google_workspace
    steady(cli, ws)
    ws.fake.reset_counts()
    sync(cli, ws)
    assert counts(ws.fake) == {"drive.files.get": 1}
    from sync.backends.credentials import sign_in

    assert sign_in(load_config(ws.config_path)).credentials.scopes == [
        "https://www.googleapis.com/auth/spreadsheets",
        "https://www.googleapis.com/auth/drive.metadata.readonly"]


def test_with_the_sheets_scope_alone_the_shortcut_is_off(cli, google_workspace, monkeypatch):
    """A sign-in that grants no Drive scope (an ADC person logged in with Sheets only): every
    cycle reads in full, no Drive request."""
    from sync.backends import credentials

    ws = google_workspace
    monkeypatch.setattr(credentials, "scopes_for", lambda config, robot=True: [credentials.SHEETS_SCOPE])
    steady(cli, ws)
    ws.fake.reset_counts()
    sync(cli, ws)
    assert counts(ws.fake) == READS


def test_drive_refusing_the_version_falls_back_to_a_full_read(cli, ws, caplog):
    steady(cli, ws)
    ws.fake.fail_next(404, times=1, endpoint="drive.files.get")
    ws.fake.reset_counts()
    with caplog.at_level(logging.INFO, logger="sync.backends.google"):
        sync(cli, ws)
    assert counts(ws.fake) == {"drive.files.get": 1, **READS}
    said = [r for r in caplog.records if "reading it in full" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.INFO


def test_the_kept_book_is_what_a_full_read_gives(ws):
    """Timestamps localised, tabs trimmed, grids, anchors and merges for the write: the same."""
    config = load_config(ws.config_path)
    off = dataclasses.replace(config, backend=dataclasses.replace(config.backend,
                                                                  skip_unchanged=False))
    fresh = GoogleSheetsBackend.from_config(config, session=ws.fake.session())
    full = fresh.read("")
    ws.fake.reset_counts()
    kept = GoogleSheetsBackend.from_config(config, session=ws.fake.session())
    again = kept.read("")
    assert counts(ws.fake) == {"drive.files.get": 1}
    assert again == full == GoogleSheetsBackend.from_config(off, session=ws.fake.session()).read("")
    assert any(isinstance(v, datetime) and v.tzinfo for t in again.tabs.values()
               for row in t.values for v in row)  # Forms' serials came back as aware datetimes
    assert kept._sheets == fresh._sheets
    assert vars(kept._read[ws.spreadsheet_id]) == vars(fresh._read[ws.spreadsheet_id])


def test_a_damaged_cache_file_costs_a_full_read(cli, ws):
    steady(cli, ws)
    before = ws.values("Trạng thái")
    kept = list((ws.config_path.parent / "data" / "google-reads").glob("*.pickle"))
    assert kept
    for path in kept:
        path.write_bytes(path.read_bytes()[:200])  # cut short: the header loads, the Book not
    # without the settled marker (which would skip the cycle, test_settled.py) the cycle runs
    (ws.config_path.parent / "data" / "settled.json").unlink(missing_ok=True)
    ws.fake.reset_counts()
    sync(cli, ws)
    assert counts(ws.fake) == {"drive.files.get": 1, **READS}
    assert ws.values("Trạng thái") == before  # nothing to write: the same verdicts


def test_drive_file_scope_on_a_spreadsheet_a_person_made_reads_in_full(cli, google_fake, oauth_ws,
                                                                       caplog):
    """``drive.file`` sees only files tonghop made: Drive answers 404, the cycle reads in full."""
    ws, sid, _, _ = oauth_ws
    config = ws / "config.toml"
    assert cli("sync", "--config", config, "--now", DEMO_NOW).code == 0
    google_fake.reset_counts()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="sync.backends.google"):
        assert cli("sync", "--config", config, "--now", DEMO_NOW).code == 0
    api = {k: v for k, v in counts(google_fake).items() if k != "oauth2.token"}
    assert api == {"drive.files.get": 1, **READS}
    drive = next(r for r in google_fake.requests if r.endpoint == "drive.files.get")
    assert drive.status == 404 and drive.identity.email == CLERK
    assert sum("reading it in full" in r.getMessage() for r in caplog.records) == 1


def test_the_book_cache_answers_only_for_the_identity_it_was_taken_at(tmp_path):
    cache = BookCache(tmp_path / "google-reads")
    book = Book("", "Sổ", {"A": Tab("A", [["Tên", "Đơn vị"], ["x", 1.5]], 1000, 26, 7)},
                "Asia/Ho_Chi_Minh", "vi_VN")
    meta = {"properties": {"title": "Sổ"}, "sheets": []}
    cache.put("1AbC", "41", book, meta)
    kept = cache.get("1AbC", "41")
    assert kept.book == book and kept.book is not book and kept.extra == meta
    assert cache.get("1AbC", "42") is None and cache.get("1XyZ", "41") is None
    cache.put("1AbC", "43", book, meta)  # a newer read replaces the older one
    assert cache.get("1AbC", "41") is None and cache.get("1AbC", "43") is not None
    assert [p.name for p in (tmp_path / "google-reads").iterdir()] == ["1AbC.pickle"]
    assert (tmp_path / "google-reads" / "1AbC.pickle").stat().st_mode & 0o777 == 0o600
    cache.forget("1AbC")  # the tool wrote: nothing is trusted until the next full read
    assert cache.get("1AbC", "43") is None


def test_the_raw_answers_an_older_tonghop_kept_are_cleared(tmp_path):
    cache = BookCache(tmp_path / "google-reads")
    legacy = tmp_path / "google-reads" / "1AbC"
    legacy.mkdir(parents=True)
    (legacy / "41.json").write_text("{}", encoding="utf-8")
    cache.put("1AbC", "42", Book("", "Sổ", {}))
    assert not legacy.exists() and cache.get("1AbC", "42") is not None


def test_a_folder_that_cannot_be_written_only_costs_the_shortcut(tmp_path, caplog):
    blocked = tmp_path / "google-reads"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    cache = BookCache(blocked)
    with caplog.at_level(logging.INFO, logger="sync.backends.unchanged"):
        cache.put("1AbC", "42", Book("", "Sổ", {}))
    assert cache.get("1AbC", "42") is None
    assert any("the next cycle reads in full" in r.getMessage() for r in caplog.records)

"""The fake as strict as Google on what issue 19 found it kinder on: merges, default-valued fields,
status codes and error bodies, update counts, append's table, Drive's order, computed fields.

Each behaviour is the one the recordings in ../shared/fixtures/sheets-api-recordings-next show
(replayed in test_fakesheets_fidelity.py); these tests pin the parts the recordings do not reach
(covered values, partial overlaps, tabs other than the first, append's table) and the switch
``strict_answers``.
"""

from __future__ import annotations

import gspread
import pytest
from gspread.exceptions import APIError

from tests.fakesheets import FakeGoogle

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
FILES = "https://www.googleapis.com/drive/v3/files"


@pytest.fixture
def fake():
    fake = FakeGoogle()
    yield fake
    fake.assert_clean()


@pytest.fixture
def client(fake):
    client = gspread.Client(None, fake.session())
    client.set_timeout(5)
    return client


def grid(sid: int, r1: int, c1: int, r2: int, c2: int) -> dict:
    return {"sheetId": sid, "startRowIndex": r1, "endRowIndex": r2,
            "startColumnIndex": c1, "endColumnIndex": c2}


def merges(sh: gspread.Spreadsheet, index: int = 0) -> list[tuple[int, int, int, int]]:
    sheet = sh.fetch_sheet_metadata()["sheets"][index]
    return [(m["startRowIndex"], m["startColumnIndex"], m["endRowIndex"], m["endColumnIndex"])
            for m in sheet.get("merges", [])]


# -- merges ---------------------------------------------------------------------------------------

def test_merge_types_make_one_merge_per_row_or_column(fake, client):
    sh = client.open_by_key(fake.add_spreadsheet(tabs={"T": [["a"]]}))
    sh.batch_update({"requests": [{"mergeCells": {"range": grid(0, 0, 0, 3, 2),
                                                  "mergeType": "MERGE_COLUMNS"}}]})
    assert merges(sh) == [(0, 0, 3, 1), (0, 1, 3, 2)]
    sh.batch_update({"requests": [{"mergeCells": {"range": grid(0, 5, 0, 7, 3),
                                                  "mergeType": "MERGE_ROWS"}}]})
    assert merges(sh)[2:] == [(5, 0, 6, 3), (6, 0, 7, 3)]


def test_a_merge_over_merges_replaces_them_and_clears_the_covered_values(fake, client):
    sid = fake.add_spreadsheet(tabs={"T": [["top", "b1", "c1"], ["a2", "b2", "c2"]]})
    sh = client.open_by_key(sid)
    sh.batch_update({"requests": [{"mergeCells": {"range": grid(0, 0, 0, 2, 2),
                                                  "mergeType": "MERGE_ROWS"}}]})
    assert merges(sh) == [(0, 0, 1, 2), (1, 0, 2, 2)]
    assert fake.values(sid, "T") == [["top", "", "c1"], ["a2", "", "c2"]]
    sh.batch_update({"requests": [{"mergeCells": {"range": grid(0, 0, 0, 2, 2),
                                                  "mergeType": "MERGE_ALL"}}]})
    assert merges(sh) == [(0, 0, 2, 2)]
    assert fake.values(sid, "T") == [["top", "", "c1"], ["", "", "c2"]]


def test_unmerge_removes_every_merge_inside_and_refuses_to_cut_one(fake, client):
    sh = client.open_by_key(fake.add_spreadsheet(tabs={"T": [["a"]]}))
    sh.batch_update({"requests": [
        {"mergeCells": {"range": grid(0, 0, 0, 2, 2), "mergeType": "MERGE_ALL"}},
        {"mergeCells": {"range": grid(0, 3, 0, 5, 1), "mergeType": "MERGE_ALL"}},
        {"mergeCells": {"range": grid(0, 8, 0, 10, 1), "mergeType": "MERGE_ALL"}}]})
    with pytest.raises(APIError) as err:
        sh.batch_update({"requests": [{"unmergeCells": {"range": grid(0, 0, 0, 9, 2)}}]})
    assert err.value.code == 400 and "partially spans the merge A9:A10" in str(err.value)
    assert len(merges(sh)) == 3  # the failed request changed nothing
    sh.batch_update({"requests": [{"unmergeCells": {"range": grid(0, 0, 0, 6, 4)}}]})
    assert merges(sh) == [(8, 0, 10, 1)]


# -- strict answers: no default-valued fields --------------------------------------------------------

def test_default_valued_fields_are_left_out_as_google_does(fake, client):
    sid = fake.add_spreadsheet(tabs={"A": [["x"]], "B": [["y"]]})
    sh = client.open_by_key(sid)
    other = sh.worksheet("B").id
    sh.batch_update({"requests": [
        {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {
            "frozenRowCount": 0, "hideGridlines": False}, "hidden": False},
            "fields": "gridProperties.frozenRowCount,gridProperties.hideGridlines,hidden"}},
        {"mergeCells": {"range": grid(0, 0, 0, 2, 2), "mergeType": "MERGE_ALL"}},
        {"mergeCells": {"range": grid(other, 0, 0, 2, 2), "mergeType": "MERGE_ALL"}}]})
    a, b = sh.fetch_sheet_metadata()["sheets"]
    assert a["properties"]["sheetId"] == 0 and a["properties"]["index"] == 0  # these are kept
    assert a["properties"]["gridProperties"] == {"rowCount": 1000, "columnCount": 26}
    assert "hidden" not in a["properties"]
    assert a["merges"] == [{"startRowIndex": 0, "endRowIndex": 2,
                            "startColumnIndex": 0, "endColumnIndex": 2}]
    assert b["merges"][0]["sheetId"] == other


def test_without_strict_answers_the_fake_still_sends_the_defaults():
    fake = FakeGoogle(strict_answers=False)
    sh = gspread.Client(None, fake.session()).open_by_key(fake.add_spreadsheet(tabs={"A": [["x"]]}))
    sh.batch_update({"requests": [{"mergeCells": {"range": grid(0, 0, 0, 2, 2),
                                                  "mergeType": "MERGE_ALL"}}]})
    assert sh.fetch_sheet_metadata()["sheets"][0]["merges"][0]["sheetId"] == 0


def test_colours_are_kept_in_8_bits_with_their_style_twin_and_cleared_by_an_empty_style(fake, client):
    sid = fake.add_spreadsheet(tabs={"A": [["x"]]})
    sh = client.open_by_key(sid)
    sh.batch_update({"requests": [
        {"updateSheetProperties": {"properties": {"sheetId": 0, "tabColorStyle": {
            "rgbColor": {"red": 1, "green": 0, "blue": 0.5}}}, "fields": "tabColorStyle"}},
        {"repeatCell": {"range": grid(0, 0, 0, 1, 1), "cell": {"userEnteredFormat": {
            "backgroundColor": {"red": 0.9}}}, "fields": "userEnteredFormat.backgroundColor"}}]})
    props = sh.fetch_sheet_metadata()["sheets"][0]["properties"]
    assert props["tabColorStyle"] == {"rgbColor": {"red": 1, "blue": 0.49803922}}
    assert props["tabColor"] == {"red": 1, "blue": 0.49803922}
    fmt = fake.cell(sid, "A", "A1").format
    assert fmt["backgroundColor"] == {"red": 0.8980392}
    assert fmt["backgroundColorStyle"] == {"rgbColor": {"red": 0.8980392}}
    sh.batch_update({"requests": [{"updateSheetProperties": {
        "properties": {"sheetId": 0, "tabColorStyle": {"rgbColor": None}}, "fields": "tabColorStyle"}}]})
    props = sh.fetch_sheet_metadata()["sheets"][0]["properties"]
    assert "tabColorStyle" not in props and "tabColor" not in props


# -- status codes and error bodies ---------------------------------------------------------------------

def test_hiding_the_last_visible_tab_is_refused(fake, client):
    sh = client.open_by_key(fake.add_spreadsheet(tabs={"A": [], "B": []}))
    b = sh.worksheet("B").id
    sh.batch_update({"requests": [{"updateSheetProperties": {
        "properties": {"sheetId": b, "hidden": True}, "fields": "hidden"}}]})
    with pytest.raises(APIError) as err:
        sh.batch_update({"requests": [{"updateSheetProperties": {
            "properties": {"sheetId": 0, "hidden": True}, "fields": "hidden"}}]})
    assert err.value.code == 400
    assert err.value.response.json()["error"]["message"] == \
        "Invalid requests[0].updateSheetProperties: You can't hide all the sheets in a document."


def test_a_body_of_the_wrong_type_is_a_400_with_field_violations(fake):
    sid = fake.add_spreadsheet(tabs={"A": []})
    answer = fake.session().put(f"{SHEETS}/{sid}/values/A!A1", params={"valueInputOption": "RAW"},
                                json={"values": "X"}, timeout=5)
    message = "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\""
    assert answer.status_code == 400
    assert answer.json()["error"] == {
        "code": 400, "message": message, "status": "INVALID_ARGUMENT",
        "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                     "fieldViolations": [{"field": "data.values", "description": message}]}]}
    fake.invalid_bodies.clear()  # sent on purpose


# -- ranges and listings -----------------------------------------------------------------------------

def test_an_update_counts_the_cells_sent_a_value_not_the_nulls(fake):
    sid = fake.add_spreadsheet(tabs={"A": []})
    answer = fake.session().put(f"{SHEETS}/{sid}/values/A!A1:D6", params={"valueInputOption": "RAW"},
                                json={"values": [["x", None, None, None], *[[None] * 4] * 4,
                                                 [None, None, "", "y"]]}, timeout=5).json()
    assert answer["updatedRange"] == "A!A1:D6"
    assert (answer["updatedRows"], answer["updatedColumns"], answer["updatedCells"]) == (2, 3, 3)


def test_append_writes_after_the_last_block_from_its_first_column(fake, client):
    sid = fake.add_spreadsheet(tabs={"A": [["h1", "h2"], ["a", "b"], [], [None, None, "c", "d"],
                                           [None, None, "e", "f"]]})
    reply = client.open_by_key(sid).values_append("A!A1:D", {"valueInputOption": "RAW"},
                                                  {"values": [["g", "h"]]})
    assert reply["tableRange"] == "A!C4:D5"
    assert reply["updates"]["updatedRange"] == "A!C6:D6"
    assert fake.values(sid, "A")[5] == ["", "", "g", "h"]


def test_drive_lists_the_most_recently_modified_first(fake):
    older = fake.add_spreadsheet(title="older")
    newer = fake.add_spreadsheet(title="newer")
    fake.drive_files[older].modified_time = "2026-01-01T00:00:00.000Z"
    fake.drive_files[newer].modified_time = "2026-02-01T00:00:00.000Z"
    listed = fake.session().get(FILES, timeout=5).json()["files"]
    assert [f["id"] for f in listed] == [newer, older]
    fake.set_values(older, "Sheet1", "A1", [["touched"]])  # a change moves it to the top
    listed = fake.session().get(FILES, timeout=5).json()["files"]
    assert [f["id"] for f in listed] == [older, newer]


# -- computed fields ---------------------------------------------------------------------------------

def test_a_protected_range_is_answered_with_its_computed_fields(client, fake):
    sh = client.open_by_key(fake.add_spreadsheet(tabs={"A": []}))
    reply = sh.batch_update({"requests": [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}, "warningOnly": False,
        "requestingUserCanEdit": False, "editors": {"users": ["staff@example.org"]}}}}]})
    made = reply["replies"][0]["addProtectedRange"]["protectedRange"]
    assert made["requestingUserCanEdit"] is True and "warningOnly" not in made
    assert made["range"] == {"startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0,
                             "endColumnIndex": 26}
    assert made["editors"] == {"users": ["staff@example.org"]}
    stored = sh.fetch_sheet_metadata()["sheets"][0]["protectedRanges"][0]
    assert stored["editors"] == {"users": [fake.account, "staff@example.org"]}
    assert stored["protectedRangeId"] == made["protectedRangeId"]


def test_merges_follow_inserted_and_deleted_rows_and_a_copied_tab(fake, client):
    sh = client.open_by_key(fake.add_spreadsheet(tabs={"T": [["a"]]}))
    sh.batch_update({"requests": [
        {"mergeCells": {"range": grid(0, 2, 0, 4, 2), "mergeType": "MERGE_ALL"}},
        {"mergeCells": {"range": grid(0, 6, 0, 8, 1), "mergeType": "MERGE_ALL"}},
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0,
                                       "endIndex": 1}}}]})
    assert merges(sh) == [(3, 0, 5, 2), (7, 0, 9, 1)]
    sh.batch_update({"requests": [{"deleteDimension": {"range": {
        "sheetId": 0, "dimension": "ROWS", "startIndex": 4, "endIndex": 8}}}]})
    assert merges(sh) == [(3, 0, 4, 2)]  # the second lost all but one cell: no merge left
    copied = sh.batch_update({"requests": [{"duplicateSheet": {"sourceSheetId": 0}}]})
    new_id = copied["replies"][0]["duplicateSheet"]["properties"]["sheetId"]
    assert sh.fetch_sheet_metadata()["sheets"][1]["merges"] == [
        {"sheetId": new_id, "startRowIndex": 3, "endRowIndex": 4, "startColumnIndex": 0,
         "endColumnIndex": 2}]


def test_rows_an_append_inserts_move_the_merges_below(fake, client):
    sid = fake.add_spreadsheet(tabs={"T": [["h1", "h2"], ["a", "b"]]})
    sh = client.open_by_key(sid)
    sh.batch_update({"requests": [{"mergeCells": {"range": grid(0, 4, 0, 6, 2),
                                                  "mergeType": "MERGE_ALL"}}]})
    sh.values_append("T!A1:B2", {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                     {"values": [["c", "d"]]})
    assert merges(sh) == [(5, 0, 7, 2)]


def test_a_shrunk_grid_cuts_the_merges_it_cuts_off(fake, client):
    sh = client.open_by_key(fake.add_spreadsheet(tabs={"T": [["a"]]}, grid={"T": (10, 5)}))
    sh.batch_update({"requests": [
        {"mergeCells": {"range": grid(0, 2, 0, 5, 1), "mergeType": "MERGE_ALL"}},
        {"mergeCells": {"range": grid(0, 6, 0, 8, 1), "mergeType": "MERGE_ALL"}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"rowCount": 4}},
                                   "fields": "gridProperties.rowCount"}}]})
    assert merges(sh) == [(2, 0, 4, 1)]


def test_every_parse_problem_is_named_with_a_violation_each(fake):
    sid = fake.add_spreadsheet(tabs={"A": []})
    answer = fake.session().put(f"{SHEETS}/{sid}/values/A!A1", params={"valueInputOption": "RAW"},
                                json={"values": [["x"]], "majorDimension": "ROWZ", "colour": 1},
                                timeout=5).json()["error"]
    unknown = "Invalid JSON payload received. Unknown name \"colour\" at 'data': Cannot find field."
    enum = "Invalid value at 'data.major_dimension' (TYPE_ENUM), \"ROWZ\""
    assert sorted(answer["message"].split("\n")) == sorted([unknown, enum])
    assert sorted(answer["details"][0]["fieldViolations"], key=lambda v: v["field"]) == [
        {"field": "data", "description": unknown},
        {"field": "data.major_dimension", "description": enum}]
    fake.invalid_bodies.clear()  # sent on purpose


def test_tonghops_backend_works_on_a_spreadsheet_answered_without_defaults(fake, client):
    """tonghop's Google backend reads and writes a spreadsheet whose answers leave out what Google
    leaves out (merges on tab 0 without sheetId, no frozenRowCount, hidden: false gone, a filter,
    a protected range, a tab colour): nothing it indexes may be missing."""
    from sync.backends.base import CellWrite, WriteBatch
    from sync.backends.google import GoogleSheetsBackend

    sid = fake.add_spreadsheet(tabs={"Trạng thái": [["Đơn vị", "Tình trạng"], ["A", ""], ["B", ""],
                                                    ["C", "x"]], "Ẩn": [["y"]]})
    sh = client.open_by_key(sid)
    hidden = sh.worksheet("Ẩn").id
    sh.batch_update({"requests": [
        {"mergeCells": {"range": grid(0, 2, 1, 4, 2), "mergeType": "MERGE_ALL"}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {
            "frozenRowCount": 0}, "tabColorStyle": {"rgbColor": {"red": 1}}},
            "fields": "gridProperties.frozenRowCount,tabColorStyle"}},
        {"updateSheetProperties": {"properties": {"sheetId": hidden, "hidden": True},
                                   "fields": "hidden"}},
        {"setBasicFilter": {"filter": {"range": {"sheetId": 0}}}},
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0, "startRowIndex": 0,
                                                            "endRowIndex": 1}}}}]})
    backend = GoogleSheetsBackend(fake.session(), sid)
    book = backend.read("")
    assert book.tabs["Trạng thái"].values[3] == ["C"]  # B4 is covered by the merge B3:B4: cleared
    skipped = backend.write("", WriteBatch(cells=[CellWrite("Trạng thái", 2, 2, "Đã nộp"),
                                                  CellWrite("Trạng thái", 4, 2, "Quá hạn")]))
    assert [(s.row, s.col) for s in skipped] == [(4, 2)] and "B3:B4" in skipped[0].reason
    assert fake.values(sid, "Trạng thái")[1] == ["A", "Đã nộp"]

"""The fake's developer metadata: creation, movement with the grid, data-filter reads and writes
(bodies validated against the discovery document), and the tool's payload at 100,000 rows."""

from __future__ import annotations

import json

import gspread
import pytest

from sync.backends.sheets_requests import MAX_PAYLOAD, column_ranges
from sync.rules.book import CellWrite
from tests.fakesheets import FakeGoogle

BASE = "https://sheets.googleapis.com/v4/spreadsheets"


@pytest.fixture
def book():
    fake = FakeGoogle()
    sid = fake.add_spreadsheet(tabs={"T": [["a", "b", "tool"], [1, 2, "x"]]})
    client = gspread.Client(None, fake.session())
    yield fake, sid, client, client.open_by_key(sid)
    fake.assert_clean()


def anchor(sh, col, metadata_id=7):
    return sh.batch_update({"requests": [{"createDeveloperMetadata": {"developerMetadata": {
        "metadataId": metadata_id, "metadataKey": "k", "metadataValue": "tool",
        "visibility": "DOCUMENT", "location": {"dimensionRange": {
            "sheetId": 0, "dimension": "COLUMNS", "startIndex": col, "endIndex": col + 1}}}}}]})


def where(fake, sid):
    return [m["location"]["dimensionRange"]["startIndex"]
            for m in fake.spreadsheet(sid).developer_metadata]


def dim(kind, start, end, **extra):
    key = "source" if kind == "moveDimension" else "range"
    return {kind: {key: {"sheetId": 0, "dimension": "COLUMNS", "startIndex": start,
                         "endIndex": end}, **extra}}


def test_created_metadata_answers_with_its_location_type(book):
    fake, sid, _, sh = book
    reply = anchor(sh, 2)
    meta = reply["replies"][0]["createDeveloperMetadata"]["developerMetadata"]
    assert meta["metadataId"] == 7 and meta["location"]["locationType"] == "COLUMN"


@pytest.mark.parametrize("request_, expected", [
    (dim("insertDimension", 0, 2), [4]), (dim("insertDimension", 3, 4), [2]),
    (dim("deleteDimension", 0, 1), [1]), (dim("deleteDimension", 2, 3), []),
    (dim("moveDimension", 2, 3, destinationIndex=0), [0]),
    (dim("moveDimension", 0, 1, destinationIndex=3), [1]),
])
def test_column_metadata_moves_with_the_grid(book, request_, expected):
    fake, sid, _, sh = book
    anchor(sh, 2)
    sh.batch_update({"requests": [request_]})
    assert where(fake, sid) == expected


def test_move_dimension_moves_the_cells_too(book):
    fake, sid, _, sh = book
    sh.batch_update({"requests": [dim("moveDimension", 2, 3, destinationIndex=0)]})
    assert fake.values(sid, "T") == [["tool", "a", "b"], ["x", 1, 2]]


def test_data_filter_write_and_read_follow_the_anchor(book):
    fake, sid, client, sh = book
    anchor(sh, 2)
    sh.batch_update({"requests": [dim("insertDimension", 0, 1)]})
    body = {"valueInputOption": "RAW", "data": [{
        "dataFilter": {"developerMetadataLookup": {"metadataId": 7}}, "majorDimension": "COLUMNS",
        "values": [[None, "=1+1"]]}]}
    reply = client.http_client.request("post", f"{BASE}/{sid}/values:batchUpdateByDataFilter",
                                       json=body).json()
    assert reply["responses"][0]["updatedRange"] == "T!D1:D2"
    assert fake.values(sid, "T")[1] == ["", 1, 2, "=1+1"]  # RAW: text, not a formula
    got = client.http_client.request("post", f"{BASE}/{sid}/values:batchGetByDataFilter", json={
        "dataFilters": [{"developerMetadataLookup": {"metadataKey": "k"}}],
        "majorDimension": "COLUMNS"}).json()
    assert got["valueRanges"][0]["valueRange"]["values"] == [["tool", "=1+1"]]


def test_a_filter_matching_nothing_writes_nothing(book):
    fake, sid, client, _ = book
    body = {"valueInputOption": "RAW", "data": [{
        "dataFilter": {"developerMetadataLookup": {"metadataId": 99}}, "values": [["z"]]}]}
    reply = client.http_client.request("post", f"{BASE}/{sid}/values:batchUpdateByDataFilter",
                                       json=body).json()
    assert "responses" not in reply and fake.values(sid, "T")[0] == ["a", "b", "tool"]


def test_an_invalid_data_filter_body_is_refused_like_the_api(book):
    fake, sid, client, _ = book
    with pytest.raises(gspread.exceptions.APIError):
        client.http_client.request("post", f"{BASE}/{sid}/values:batchUpdateByDataFilter",
                                   json={"valueInputOption": "RAW", "data": [{"dataFiltr": {}}]})
    assert fake.invalid_bodies
    fake.invalid_bodies.clear()


def test_column_metadata_is_listed_by_spreadsheets_get(book):
    fake, sid, client, sh = book
    anchor(sh, 1)
    got = client.http_client.request("get", f"{BASE}/{sid}", params={
        "fields": "sheets.data.columnMetadata.developerMetadata(metadataId,metadataValue)"}).json()
    columns = got["sheets"][0]["data"][0]["columnMetadata"]
    assert columns[1] == {"developerMetadata": [{"metadataId": 7, "metadataValue": "tool"}]}


def test_payload_stays_under_two_megabytes_at_100k_rows():
    cells = [CellWrite("Câu trả lời biểu mẫu 1", r, 9, f"Hợp lệ - nộp đúng hạn, đơn vị số {r}")
             for r in range(2, 100_002)]
    cells += [CellWrite("Câu trả lời biểu mẫu 1", r, 10, f"P{r:05d} - UBND phường") for r in
              range(2, 100_002)]
    requests_ = column_ranges(cells, {("Câu trả lời biểu mẫu 1", 9): 1,
                                      ("Câu trả lời biểu mẫu 1", 10): 2})
    sizes = [len(json.dumps({"valueInputOption": "RAW", "data": d}, ensure_ascii=False).encode())
             for d in requests_]
    assert all(size <= MAX_PAYLOAD + 1000 for size in sizes), sizes
    written = {}
    for data in requests_:
        for item in data:
            for row, value in enumerate(item["values"][0], 1):
                if value is not None:
                    written[(item["dataFilter"]["developerMetadataLookup"]["metadataId"], row)] = value
    assert len(written) == 200_000 and written[(1, 100_001)].endswith("100001")

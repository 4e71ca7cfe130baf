"""Writes within Google's recommended payload: a large values:batchUpdate cut by bytes (never per
row), in an order that keeps the sheet consistent when one request fails."""

from __future__ import annotations

import json
import math
import re

import pytest

from sync.backends.google import GoogleSheetsBackend
from sync.backends.payload import ENVELOPE_BYTES, in_write_order, split_requests, split_value_ranges
from sync.backends.sheets_requests import value_ranges
from sync.config import load_config
from sync.errors import BackendError
from sync.rules import headers as H
from sync.rules.book import CellWrite
from sync.rules.timeparse import parse_moment
from sync.unattended.job import sync_once

from .conftest import DEMO_NOW

A1 = re.compile(r"^(.*)!([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$")


def request_bytes(part: list[dict]) -> int:
    """The body as requests sends it (json=, ASCII escapes)."""
    return len(json.dumps({"valueInputOption": "RAW", "data": part}))


def cells_of(data: list[dict]) -> list[tuple[str, int, int, object]]:
    """Every (tab, row, col, value) the ranges write, in the order they are sent."""
    out = []
    for item in data:
        a1 = item.get("range") or item["dataFilter"]["a1Range"]
        tab, c1, r1, _, _ = A1.match(a1).groups()
        col = ord(c1) - 64
        for r, row in enumerate(item["values"]):
            out += [(tab, int(r1) + r, col + c, v) for c, v in enumerate(row) if v is not None]
    return out


def big_ranges(rows: int) -> list[dict]:
    """Two tabs' owned columns plus a status tab, Vietnamese text (6 bytes a letter on the wire)."""
    cells = [CellWrite("Câu trả lời biểu mẫu 1", r, 10, "Đúng hạn - đã nộp đủ nội dung")
             for r in range(2, rows + 2)]
    cells += [CellWrite("Câu trả lời biểu mẫu 1", r, 11, f"Mã đơn vị P{r:05d}") for r in range(2, rows + 2)]
    cells += [CellWrite("Trạng thái", r, 3, "Quá hạn, chưa nộp") for r in range(2, rows // 3)]
    cells += [CellWrite("Nhật ký đồng bộ", 7, 1, "20/06/2023 10:00")]
    return value_ranges(cells)


def test_parts_stay_under_the_limit_and_keep_every_cell_in_order():
    data = big_ranges(6000)
    limit = 60_000
    total = request_bytes(data)
    parts = split_value_ranges(data, limit)
    assert total > 10 * limit
    assert all(request_bytes(p) <= limit for p in parts)
    # Cut by bytes, never per row: about total/limit requests.
    assert len(parts) <= math.ceil(total / (limit - ENVELOPE_BYTES)) + 1
    assert len(parts) < 6000 // 10
    flat = [item for p in parts for item in p]
    assert cells_of(flat) == cells_of(data)  # same cells, same order: nothing lost or moved


def test_small_writes_stay_one_request():
    data = big_ranges(50)
    assert split_value_ranges(data) == [data]
    assert split_value_ranges([]) == []


def test_a_row_too_big_for_a_request_goes_alone():
    huge = "ư" * 20_000  # 120 KB on the wire
    data = [{"range": "'T'!A1:B3", "majorDimension": "ROWS",
             "values": [["a", "b"], [huge, huge], ["c", "d"]]}]
    parts = split_value_ranges(data, limit=100_000)
    assert [p[0]["range"] for p in parts] == ["'T'!A1:B1", "'T'!A2:B2", "'T'!A3:B3"]
    assert cells_of([p[0] for p in parts]) == cells_of(data)


def test_data_filter_ranges_are_cut_by_a1_and_metadata_ones_kept_whole():
    rows = [[f"Đã nộp {i}"] for i in range(3000)]
    by_a1 = {"dataFilter": {"a1Range": "'Bob''s'!C2:C3001"}, "majorDimension": "ROWS", "values": rows}
    by_meta = {"dataFilter": {"developerMetadataLookup": {"metadataKey": "tonghop:verdict"}},
               "majorDimension": "ROWS", "values": rows[:10]}
    parts = split_value_ranges([by_meta, by_a1], limit=20_000)
    assert parts[0][0] == by_meta
    flat = [item for p in parts for item in p][1:]
    assert flat[0]["dataFilter"]["a1Range"].startswith("'Bob''s'!C2:C")
    assert flat[-1]["dataFilter"]["a1Range"].endswith(":C3001")
    assert cells_of(flat) == cells_of([by_a1])
    assert all(request_bytes(p) <= 20_000 for p in parts)


def test_write_order_follows_the_plan_responses_first_log_last():
    data = value_ranges([CellWrite("Nhật ký đồng bộ", 9, 1, "x"), CellWrite("Trạng thái", 2, 2, "y"),
                         CellWrite("Câu trả lời biểu mẫu 1", 3, 9, "z"), CellWrite("Trạng thái", 5, 2, "w")])
    planned = ["Câu trả lời biểu mẫu 1", "Trạng thái", "Nhật ký đồng bộ"]
    ordered = in_write_order(data, planned)
    assert [d["range"] for d in ordered] == ["'Câu trả lời biểu mẫu 1'!I3", "'Trạng thái'!B2",
                                             "'Trạng thái'!B5", "'Nhật ký đồng bộ'!A9"]


def test_structure_requests_are_cut_in_order_a_big_colour_run_by_rows():
    add = {"addSheet": {"properties": {"sheetId": 7, "title": "Trạng thái"}}}
    colour = {"userEnteredFormat": {"backgroundColor": {"red": 0.96, "green": 0.8, "blue": 0.8}}}
    run = {"updateCells": {"start": {"sheetId": 7, "rowIndex": 1, "columnIndex": 3},
                           "rows": [{"values": [colour]} for _ in range(5000)],
                           "fields": "userEnteredFormat.backgroundColor"}}
    grow = {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"rowCount": 9}},
                                      "fields": "gridProperties.rowCount"}}
    parts = split_requests([add, grow, run], limit=50_000)
    assert all(len(json.dumps({"requests": p})) <= 50_000 for p in parts)
    flat = [r for p in parts for r in p]
    assert flat[:2] == [add, grow]  # the new tab exists before its colours
    pieces = [r["updateCells"] for r in flat[2:]]
    assert len(pieces) >= 5  # 5,000 rows x ~100 bytes over 50 KB requests
    assert [p["start"]["rowIndex"] for p in pieces] == [1 + sum(len(q["rows"]) for q in pieces[:i])
                                                        for i in range(len(pieces))]
    assert sum(len(p["rows"]) for p in pieces) == 5000
    assert split_requests([add, grow]) == [[add, grow]]


# --- through the Google backend and the fake -----------------------------------------------------
def _cycle(config_path, fake, limit, hook=None):
    config = load_config(config_path)
    session = fake.session()
    if hook:
        session.hooks["response"].append(hook)
    backend = GoogleSheetsBackend.from_config(config, session=session)
    backend.max_body_bytes = limit
    return sync_once(config, parse_moment(DEMO_NOW, config.tz).at, backend=backend)


def test_a_split_first_write_equals_the_one_request_write(google_workspace, tmp_path, monkeypatch,
                                                          service_account_key, demo_template):
    ws = google_workspace
    _cycle(ws.config_path, ws.fake, limit=20_000)
    writes = [r for r in ws.fake.requests if r.endpoint == "values.batchUpdate"]
    assert len(writes) >= 4
    assert all(len(r.body) <= 20_000 for r in writes)
    first, last = writes[0].json["data"], writes[-1].json["data"]
    assert "Câu trả lời biểu mẫu" in first[0]["range"]  # the responses' columns first
    assert "Nhật ký đồng bộ" in last[-1]["range"]  # the log line last

    from .conftest import google_workspace_in
    other_dir = tmp_path / "other"
    import shutil
    shutil.copytree(demo_template, other_dir)
    other = google_workspace_in(other_dir, service_account_key, monkeypatch)
    _cycle(other.config_path, other.fake, limit=2_000_000)
    assert other.fake.count("values.batchUpdate") == 1
    assert ws.fake.count("spreadsheets.batchUpdate") > 1  # the status colours too
    assert all(len(r.body) <= 20_000 for r in ws.fake.requests)
    for tab in ws.tab_titles():
        assert ws.values(tab) == other.values(tab), tab
        rows, cols = ws.fake.grid_size(ws.spreadsheet_id, tab)
        assert (rows, cols) == other.fake.grid_size(other.spreadsheet_id, tab)
        if tab == "Trạng thái":
            coloured = 0
            for r in range(1, 95):
                for c in "ABCDEFGHIJKL":
                    mine = ws.fake.cell(ws.spreadsheet_id, tab, f"{c}{r}").background
                    theirs = other.fake.cell(other.spreadsheet_id, tab, f"{c}{r}").background
                    assert mine == theirs, (c, r)
                    coloured += mine is not None
            assert coloured > 150  # the status cells (192), coloured through several requests


def test_a_failed_part_leaves_the_status_behind_the_responses_and_the_next_cycle_repairs(
        google_workspace):
    ws = google_workspace
    fake = ws.fake
    seen = []

    def fail_the_third(response, *args, **kwargs):
        if ":batchUpdate" in response.url and "/values" in response.url:
            seen.append(response.status_code)
            if len(seen) == 2:
                fake.fail_next(status=400, times=1, endpoint="values.batchUpdate",
                               message="Invalid data[0]: injected")

    with pytest.raises(BackendError) as err:
        _cycle(ws.config_path, fake, limit=40_000, hook=fail_the_third)
    assert "values requests 1-2 of" in str(err.value)
    assert "no values (request 3 of" in str(err.value)
    applied = [d["range"] for r in fake.requests if r.endpoint == "values.batchUpdate" and r.applied
               for d in r.json["data"]]
    assert applied and "Câu trả lời biểu mẫu 1" in applied[0]  # the responses' columns went first
    assert H.VERDICT_COL in ws.values("Câu trả lời biểu mẫu 1")[0]
    assert not any("Nhật ký đồng bộ" in a for a in applied)  # no log line for an unfinished write

    _cycle(ws.config_path, fake, limit=40_000)  # the next cycle writes what is missing
    assert len(ws.values("Nhật ký đồng bộ")) == 2
    fake.reset_counts()
    outcome = _cycle(ws.config_path, fake, limit=40_000)
    assert not outcome.result.written  # and then nothing is left to write

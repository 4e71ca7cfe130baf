"""Writes within Google's recommended payload: a large values:batchUpdate cut by bytes (never per
row), in an order that keeps the sheet consistent when one request fails."""

from __future__ import annotations

import json
import math

import pytest

from sync.backends.google import GoogleSheetsBackend
from sync.backends.payload import ENVELOPE_BYTES, split_requests
from sync.backends.sheets_requests import column_ranges
from sync.config import load_config
from sync.errors import BackendError
from sync.rules import headers as H
from sync.rules.book import CellWrite
from sync.rules.timeparse import parse_moment
from sync.unattended.job import sync_once

from .conftest import DEMO_NOW


def request_bytes(part: list[dict]) -> int:
    """The body as requests sends it (json=, ASCII escapes)."""
    return len(json.dumps({"valueInputOption": "RAW", "data": part}))


def cells_of(data: list[dict], tab_of: dict[int, str]) -> list[tuple[str, int, int, object]]:
    """Every (tab, row, col, value) the anchored column ranges write, in the order they are sent."""
    out = []
    for item in data:
        tab, col = tab_of[item["dataFilter"]["developerMetadataLookup"]["metadataId"]]
        column = item["values"][0]
        out += [(tab, r, col, v) for r, v in enumerate(column, 1) if v is not None]
    return out


def big_write(rows: int) -> tuple[list[CellWrite], dict[tuple[str, int], int]]:
    """Two owned columns of a responses tab, a status tab and the log, in plan order; Vietnamese
    text (6 bytes a letter on the wire)."""
    cells = [CellWrite("Câu trả lời biểu mẫu 1", r, 10, "Đúng hạn - đã nộp đủ nội dung")
             for r in range(2, rows + 2)]
    cells += [CellWrite("Câu trả lời biểu mẫu 1", r, 11, f"Mã đơn vị P{r:05d}") for r in range(2, rows + 2)]
    cells += [CellWrite("Trạng thái", r, 3, "Quá hạn, chưa nộp") for r in range(2, rows // 3)]
    cells += [CellWrite("Nhật ký đồng bộ", 7, 1, "20/06/2023 10:00")]
    ids = {key: i for i, key in enumerate(dict.fromkeys((c.tab, c.col) for c in cells), 1)}
    return cells, ids


def test_parts_stay_under_the_limit_and_keep_every_cell_in_order():
    cells, ids = big_write(6000)
    tab_of = {v: k for k, v in ids.items()}
    limit = 60_000
    whole = column_ranges(cells, ids, limit=10**9)
    parts = column_ranges(cells, ids, limit=limit)
    total = request_bytes(whole[0])
    assert len(whole) == 1 and total > 10 * limit
    assert all(request_bytes(p) <= limit for p in parts)
    # Cut by bytes, never per row: O(total/limit) requests. A later part of a long column is led by
    # nulls (an anchored range starts at row 1), which costs up to 2x the ideal count.
    assert len(parts) <= 2 * math.ceil(total / (limit - ENVELOPE_BYTES)) + 2
    assert len(parts) < 6000 // 50
    flat = [item for p in parts for item in p]
    assert cells_of(flat, tab_of) == cells_of(whole[0], tab_of)  # same cells, same order


def test_small_writes_stay_one_request():
    cells, ids = big_write(50)
    assert len(column_ranges(cells, ids)) == 1
    assert column_ranges([], {}) == []


def test_write_order_follows_the_plan_responses_first_log_last():
    cells = [CellWrite("Câu trả lời biểu mẫu 1", 3, 9, "z"), CellWrite("Trạng thái", 2, 2, "y"),
             CellWrite("Trạng thái", 5, 2, "w"), CellWrite("Nhật ký đồng bộ", 9, 1, "x")]
    ids = {("Câu trả lời biểu mẫu 1", 9): 3, ("Trạng thái", 2): 1, ("Nhật ký đồng bộ", 1): 2}
    tab_of = {v: k for k, v in ids.items()}
    (data,) = column_ranges(cells, ids)
    assert [tab for tab, _, _, _ in cells_of(data, tab_of)] == [
        "Câu trả lời biểu mẫu 1", "Trạng thái", "Trạng thái", "Nhật ký đồng bộ"]


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


VALUES_WRITE = "values.batchUpdateByDataFilter"  # tool columns addressed by their anchors


def _tabs_written(fake, request) -> list[str]:
    """The tabs a values write addressed, in request order (anchor id -> its column's tab)."""
    ss = fake.spreadsheets[request.spreadsheet_id]
    where = {m["metadataId"]: m["location"]["dimensionRange"]["sheetId"] for m in ss.developer_metadata
             if "dimensionRange" in m.get("location", {})}
    return [ss.sheet_by_id(where[d["dataFilter"]["developerMetadataLookup"]["metadataId"]]).title
            for d in request.json["data"]]


def test_a_split_first_write_equals_the_one_request_write(google_workspace, tmp_path, monkeypatch,
                                                          service_account_key, demo_template):
    ws = google_workspace
    _cycle(ws.config_path, ws.fake, limit=40_000)
    writes = [r for r in ws.fake.requests if r.endpoint == VALUES_WRITE]
    assert len(writes) >= 4
    assert all(len(r.body) <= 40_000 for r in writes)
    first, last = _tabs_written(ws.fake, writes[0]), _tabs_written(ws.fake, writes[-1])
    assert "Câu trả lời biểu mẫu" in first[0]  # the responses' columns first
    assert "Nhật ký đồng bộ" in last[-1]  # the log line last

    from .conftest import google_workspace_in
    other_dir = tmp_path / "other"
    import shutil
    shutil.copytree(demo_template, other_dir)
    other = google_workspace_in(other_dir, service_account_key, monkeypatch)
    _cycle(other.config_path, other.fake, limit=2_000_000)
    assert other.fake.count(VALUES_WRITE) == 1
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
                fake.fail_next(status=400, times=1, endpoint=VALUES_WRITE,
                               message="Invalid data[0]: injected")

    with pytest.raises(BackendError) as err:
        _cycle(ws.config_path, fake, limit=40_000, hook=fail_the_third)
    assert "values requests 1-2 of" in str(err.value)
    assert "no values (request 3 of" in str(err.value)
    applied = [tab for r in fake.requests if r.endpoint == VALUES_WRITE and r.applied
               for tab in _tabs_written(fake, r)]
    assert applied and "Câu trả lời biểu mẫu 1" in applied[0]  # the responses' columns went first
    assert H.VERDICT_COL in ws.values("Câu trả lời biểu mẫu 1")[0]
    assert not any("Nhật ký đồng bộ" in a for a in applied)  # no log line for an unfinished write

    _cycle(ws.config_path, fake, limit=40_000)  # the next cycle writes what is missing
    assert len(ws.values("Nhật ký đồng bộ")) == 2
    fake.reset_counts()
    outcome = _cycle(ws.config_path, fake, limit=40_000)
    assert not outcome.result.written  # and then nothing is left to write

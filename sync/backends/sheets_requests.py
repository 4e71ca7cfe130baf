"""Request bodies for the Sheets API, built from a WriteBatch: pure functions, no I/O.

``structure_requests`` -> the one ``spreadsheets:batchUpdate`` (new tabs, grid sizes, colours,
anchors, dropdowns);
``column_ranges`` -> the ``data`` of ``values:batchUpdateByDataFilter`` (RAW), each
tool column addressed by its anchor; ``value_ranges`` -> ``values:batchUpdate`` by A1 range
(what a write without anchors would send; kept for the request-shape tests and bench).

Anchors: every column the tool writes carries developer metadata (key ``tonghop.column``, value
the column's header key, location = that column). The metadata moves with its column when staff
insert, delete or move other columns, and goes away with it, so a write addressed through it
lands in the tool's column or nowhere, never in the column that now stands where it stood.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from sync.backends.payload import ENVELOPE_BYTES, body_bytes
from sync.errors import BackendError
from sync.rules.book import CellColour, CellRun, CellWrite, ColumnChoice, WriteBatch, column_letters
from sync.rules.text import header_key

CELL_CHARS = 50_000  # Google rejects a longer cell, and with it the whole batch
ANCHOR_KEY = "tonghop.column"
MAX_PAYLOAD = 1_800_000  # bytes per values request: Google recommends at most about 2 MB


@dataclass(frozen=True)
class Anchor:
    """Developer metadata on a tool column: where it is (1-based) and which header it marks."""

    tab: str
    col: int
    metadata_id: int
    header: str  # header_key of the column's header


def anchor_id(tab: str, col: int, header: str, taken: set[int]) -> int:
    """A metadata id chosen here (the API allows it), so the values write can use it in the
    same cycle; stable for a given tab, column and header."""
    found = zlib.crc32(f"{tab}\x00{col}\x00{header}".encode()) & 0x7FFFFFFF or 1
    while found in taken:
        found = found % 0x7FFFFFFF + 1
    taken.add(found)
    return found


def lookup(metadata_id: int) -> dict:
    return {"developerMetadataLookup": {"metadataId": metadata_id}}
MAX_GAP = 3  # unchanged cells (JSON null) worth sending to keep one range instead of two
# A column whose anchored range (from row 1) would carry more nulls than this goes as row ranges
# after one small request that locates it (google.py): one new row on a 100,000-row tab is a
# few KB, not 600 KB of nulls per column.
NULL_BYTES = 6  # "null, "
RUNS_AFTER_NULLS = 8_000
RUN_GAP = 20  # rows: nulls cheaper than the ~150 bytes of another grid range
BACKGROUND = "userEnteredFormat.backgroundColor"
NUMBER_FORMAT = "userEnteredFormat.numberFormat"


# --- writing helpers (pure) ---------------------------------------------------------------------
def quote_tab(title: str) -> str:
    """Always quoted, embedded quotes doubled: 'Câu trả lời biểu mẫu 1', 'Bob''s'."""
    return "'" + title.replace("'", "''") + "'"


def a1_range(title: str, row: int, col: int, last_row: int, last_col: int) -> str:
    start, end = f"{column_letters(col)}{row}", f"{column_letters(last_col)}{last_row}"
    return f"{quote_tab(title)}!{start}" + ("" if start == end else f":{end}")


def _lookup(sheets: dict[str, dict], title: str) -> dict | None:
    if title in sheets:
        return sheets[title]
    key = header_key(title)
    return next((p for t, p in sheets.items() if header_key(t) == key), None)


def structure_requests(batch: WriteBatch, sheets: dict[str, dict], anchors: Iterable[Anchor] = (),
                       stale: Iterable[int] = (), colours: bool = True) -> list[dict]:
    """The ``spreadsheets:batchUpdate`` requests: add tabs, grow grids, anchor new tool columns,
    drop anchors left on a column that is no longer the tool's (``stale`` ids), colour cells
    (unless ``colours`` is False: the Google backend sends them after the values, see
    :func:`colour_requests`).

    New tabs get a sheetId chosen here, so colours for them go in the same request. Grids grow
    with ``updateSheetProperties`` to an absolute size: unlike ``appendDimension``, repeating it
    (a retry after a dropped connection) changes nothing.
    """
    requests_: list[dict] = []
    known = {title: dict(p) for title, p in sheets.items()}
    used = {p.get("sheetId") for p in known.values()}
    for title, (rows, cols) in batch.new_tabs.items():
        if _lookup(known, title) is not None:
            continue
        sheet_id = zlib.crc32(title.encode("utf-8")) & 0x7FFFFFFF
        while sheet_id in used:
            sheet_id = (sheet_id + 1) & 0x7FFFFFFF
        used.add(sheet_id)
        grid = {"rowCount": rows, "columnCount": cols}
        known[title] = {"sheetId": sheet_id, "title": title, "gridProperties": grid}
        # A tab the tool creates: its header row frozen and bold, like the staff's own tabs.
        requests_.append({"addSheet": {"properties": {**known[title], "gridProperties": {
            **grid, "frozenRowCount": 1}}}})
        requests_.append({"repeatCell": {
            "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1},
            "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
            "fields": "userEnteredFormat.textFormat.bold"}})

    need: dict[str, tuple[int, int]] = dict(batch.grow)
    for item in (*batch.cells, *batch.colours):
        rows, cols = need.get(item.tab, (0, 0))
        bottom = max(item.rows) if isinstance(item, CellRun) else item.row
        need[item.tab] = (max(rows, bottom), max(cols, item.col))
    for title, (rows, cols) in need.items():
        props = _lookup(known, title)
        if props is None:
            raise BackendError(f"tab '{title}' vanished while syncing; run sync again")
        grid = props.get("gridProperties", {})
        have_rows, have_cols = grid.get("rowCount", 0), grid.get("columnCount", 0)
        size, fields = {}, []
        if rows > have_rows:
            size["rowCount"] = rows
            fields.append("gridProperties.rowCount")
        if cols > have_cols:
            size["columnCount"] = cols
            fields.append("gridProperties.columnCount")
        if size:
            requests_.append({"updateSheetProperties": {
                "properties": {"sheetId": props["sheetId"], "gridProperties": size},
                "fields": ",".join(fields)}})

    for choice in batch.choices:
        requests_.append(data_validation(choice, _lookup(known, choice.tab)["sheetId"]))
    for (title, column), pattern in batch.number_formats.items():
        props = _lookup(known, title)
        if props is None:
            raise BackendError(f"tab '{title}' vanished while syncing; run sync again")
        requests_.append({"repeatCell": {  # the data rows of the column, to the end of the grid
            "range": {"sheetId": props["sheetId"], "startRowIndex": 1,
                      "startColumnIndex": column - 1, "endColumnIndex": column},
            "cell": {"userEnteredFormat": {"numberFormat": {"type": "NUMBER", "pattern": pattern}}},
            "fields": NUMBER_FORMAT}})
    for anchor in anchors:
        requests_.append({"createDeveloperMetadata": {"developerMetadata": {
            "metadataId": anchor.metadata_id, "metadataKey": ANCHOR_KEY,
            "metadataValue": anchor.header, "visibility": "DOCUMENT",
            "location": {"dimensionRange": {
                "sheetId": _lookup(known, anchor.tab)["sheetId"], "dimension": "COLUMNS",
                "startIndex": anchor.col - 1, "endIndex": anchor.col}}}}})
    for metadata_id in stale:
        requests_.append({"deleteDeveloperMetadata": {"dataFilter": lookup(metadata_id)}})

    if colours:
        requests_ += colour_requests(batch.colours, {t: p["sheetId"] for t, p in known.items()})
    return requests_


def colour_requests(colours: Iterable[CellColour], sheet_ids: dict[str, int],
                    where: dict[tuple[str, int], int] | None = None) -> list[dict]:
    """``updateCells`` per vertical run of colours. ``where`` moves a planned column to where its
    anchor says it is now (the values write answers with each anchored column's range)."""
    where = where or {}
    out = []
    for title, column, first_row, run in _colour_runs(colours):
        sheet_id = sheet_ids.get(title)
        if sheet_id is None:
            key = header_key(title)
            sheet_id = next(i for t, i in sheet_ids.items() if header_key(t) == key)
        out.append({"updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": first_row - 1,
                      "columnIndex": where.get((title, column), column) - 1},
            "rows": [{"values": [_background(c)]} for c in run],
            "fields": BACKGROUND,
        }})
    return out


def anchored_column(updated_range: str) -> int | None:
    """The column (1-based) of an ``updatedRange`` such as ``'Trạng thái'!F1:F90``."""
    cell = updated_range.rpartition("!")[2].split(":")[0]
    letters = "".join(ch for ch in cell if ch.isalpha()).upper()
    if not letters:
        return None
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col


def data_validation(choice: ColumnChoice, sheet_id: int) -> dict:
    """A dropdown on a whole column below the header (no end row: it covers rows added later),
    listing another tab's column: it follows that column with no further request."""
    letter = column_letters(choice.source_col)
    source = f"={quote_tab(choice.source_tab)}!${letter}$2:${letter}"
    rule: dict = {"condition": {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": source}]},
                  "strict": True, "showCustomUi": True}
    if choice.hint:
        rule["inputMessage"] = choice.hint
    return {"setDataValidation": {
        "range": {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": choice.col - 1,
                  "endColumnIndex": choice.col},
        "rule": rule}}


def _background(colour: str | None) -> dict:
    """A cell's new background; an empty CellData under the field mask clears it."""
    if not colour:
        return {}
    rgb = colour.lstrip("#")
    red, green, blue = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return {"userEnteredFormat": {"backgroundColor": {"red": red, "green": green, "blue": blue}}}


def _colour_runs(colours: Iterable[CellColour]) -> list[tuple[str, int, int, list[str | None]]]:
    """Vertical runs of consecutive rows in one column: (tab, column, first row, colours)."""
    latest = {(c.tab, c.col, c.row): c.colour for c in colours}
    runs: list[tuple[str, int, int, list[str | None]]] = []
    for (tab, col, row), colour in sorted(latest.items()):
        if runs and runs[-1][:2] == (tab, col) and runs[-1][2] + len(runs[-1][3]) == row:
            runs[-1][3].append(colour)
        else:
            runs.append((tab, col, row, [colour]))
    return runs


def _raw(value: object) -> str | int | float | bool:
    if isinstance(value, str):
        return value[:CELL_CHARS]
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else ""
    return "" if value is None else str(value)[:CELL_CHARS]


def value_ranges(cells: Iterable[CellWrite]) -> list[dict]:
    """The ``data`` of one ``values:batchUpdate``: cells grouped into few rectangles.

    Per tab and row, cells a few columns apart share a segment; consecutive rows whose segments
    nest merge into one rectangle. Cells inside a rectangle that must not change are JSON null,
    which the API skips.
    """
    latest = {(c.tab, c.row, c.col): c.value for c in cells}
    by_row: dict[tuple[str, int], list[int]] = {}
    for tab, row, col in sorted(latest):
        by_row.setdefault((tab, row), []).append(col)
    blocks: list[list] = []  # [tab, first row, last row, first col, last col]
    extended: list[int] = []  # blocks that reached the previous row
    for (tab, row), cols in by_row.items():
        open_ = [i for i in extended if blocks[i][0] == tab and blocks[i][2] == row - 1]
        extended = []
        for first, last in _segments(cols):
            for i in open_:
                _, _, _, c1, c2 = blocks[i]
                if (c1 <= first and last <= c2) or (first <= c1 and c2 <= last):
                    blocks[i][2:] = [row, min(c1, first), max(c2, last)]
                    open_.remove(i)
                    break
            else:
                blocks.append([tab, row, row, first, last])
                i = len(blocks) - 1
            extended.append(i)
    data = []
    for tab, r1, r2, c1, c2 in blocks:
        values = [[_raw(latest[(tab, r, c)]) if (tab, r, c) in latest else None
                   for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        data.append({"range": a1_range(tab, r1, c1, r2, c2), "majorDimension": "ROWS",
                     "values": values})
    return data


def _segments(cols: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for col in cols:
        if out and col - out[-1][1] <= MAX_GAP + 1:
            out[-1] = (out[-1][0], col)
        else:
            out.append((col, col))
    return out


def planned_columns(cells: Iterable[CellWrite | CellRun]) -> dict[tuple[str, int], dict[int, object]]:
    """(tab, column) -> row -> value, in the order the planner produced the tabs (a later write
    of a cell wins)."""
    rank: dict[str, int] = {}
    planned: dict[tuple[str, int], dict[int, object]] = {}
    for item in cells:  # (a batch's runs as they are: a column of a run is taken at C speed)
        rank.setdefault(item.tab, len(rank))
        column = planned.setdefault((item.tab, item.col), {})
        if type(item) is CellRun:
            column.update(zip(item.rows, item.values, strict=True))
        else:
            column[item.row] = item.value  # type: ignore[union-attr]
    return {key: planned[key] for key in sorted(planned, key=lambda key: (rank[key[0]], key[1]))}


def by_rows_worth(rows: dict[int, object]) -> bool:
    """Whether a column's changed rows go better as row ranges than as one anchored range from
    row 1: the nulls the anchored range would carry cost more than RUNS_AFTER_NULLS."""
    return (max(rows) - len(rows)) * NULL_BYTES > RUNS_AFTER_NULLS


def column_ranges(cells: Iterable[CellWrite | CellRun], ids: dict[tuple[str, int], int],
                  locate: Iterable[tuple[str, int]] = (), limit: int = MAX_PAYLOAD,
                  rows_at: dict[tuple[str, int], tuple[int, int]] | None = None) -> list[list[dict]]:
    """The ``data`` of ``values:batchUpdateByDataFilter`` requests, one list per request: one
    DataFilterValueRange per tool column, addressed by its anchor. A column range starts at
    row 1, so cells that must not change are JSON null (the API skips them). Requests stay under
    ``limit`` bytes; a column too long for one is split by rows (the later part led by nulls).
    ``locate``: columns with no value to write whose place the answer should still give (their
    range is one null: nothing is written). ``rows_at``: columns located just before (their
    sheet id and column now, see ``by_rows_worth``) whose changed rows go as row ranges instead,
    one per run of consecutive rows (:func:`run_ranges`), in the same planner order.

    Several requests are not atomic together, so they go in the order the planner produced the
    tabs: the responses' own columns first, then the status tabs, the log line last. If request k
    fails, the status never claims more than the responses' columns show, and no log line records
    a write that did not finish; the next cycle diffs and repairs."""
    by_column = planned_columns(cells)
    for key in locate:
        by_column.setdefault(key, {1: None})
    requests_: list[list[dict]] = [[]]
    size = 0
    for key, rows in by_column.items():
        if rows_at and key in rows_at:
            items = run_ranges(rows, *rows_at[key], limit=limit)
        else:
            column = [None] * max(rows)
            for row, value in rows.items():
                column[row - 1] = None if value is None else _raw(value)
            items = [{"dataFilter": lookup(ids[key]), "majorDimension": "COLUMNS", "values": [part]}
                     for part in _parts(column, limit)]
        for item in items:
            length = body_bytes(item) + 2  # and ", "
            if requests_[-1] and size + length > limit - ENVELOPE_BYTES:
                requests_.append([])
                size = 0
            requests_[-1].append(item)
            size += length
    return [r for r in requests_ if r]


def run_ranges(rows: dict[int, object], sheet_id: int, col: int,
               limit: int = MAX_PAYLOAD) -> list[dict]:
    """One DataFilterValueRange (a grid range of column ``col``) per run of consecutive changed
    rows; runs fewer than RUN_GAP rows apart go as one, the rows between as nulls (cheaper than
    another range); a run too long for one request is cut."""
    ordered = sorted(rows)
    runs: list[list[int]] = [[ordered[0], ordered[0]]]
    for row in ordered[1:]:
        if row - runs[-1][1] <= RUN_GAP:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    out = []
    for first, last in runs:
        values = [None if rows.get(r) is None else _raw(rows[r]) for r in range(first, last + 1)]
        start, size = 0, 0
        for i, value in enumerate(values + [None]):  # (the extra None closes the last piece)
            size += body_bytes(value) + 2 if i < len(values) else limit
            if size > limit * 0.8 and i > start:
                out.append({"dataFilter": {"gridRange": {
                    "sheetId": sheet_id, "startRowIndex": first - 1 + start,
                    "endRowIndex": first - 1 + i, "startColumnIndex": col - 1,
                    "endColumnIndex": col}}, "majorDimension": "COLUMNS", "values": [values[start:i]]})
                start, size = i, body_bytes(value) + 2
    return out


def _parts(column: list, limit: int = MAX_PAYLOAD) -> list[list]:
    """A column's values cut so each part fits a request; each part keeps its rows' places."""
    parts, start, size = [], 0, 0
    for i, value in enumerate(column):
        size += body_bytes(value) + 2
        if size > limit * 0.8 and i > start:
            parts.append([None] * start + column[start:i])
            start, size = i, 5 * i
    parts.append([None] * start + column[start:])
    return parts

"""Request bodies for the Sheets API, built from a WriteBatch: pure functions, no I/O.

``structure_requests`` -> the one ``spreadsheets:batchUpdate`` (new tabs, grid sizes, colours,
dropdowns);
``value_ranges`` -> the ``data`` of the one ``values:batchUpdate`` (RAW).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable

from sync.errors import BackendError
from sync.rules.book import CellColour, CellWrite, ColumnChoice, WriteBatch
from sync.rules.text import header_key

CELL_CHARS = 50_000  # Google rejects a longer cell, and with it the whole batch
MAX_GAP = 3  # unchanged cells (JSON null) worth sending to keep one range instead of two
BACKGROUND = "userEnteredFormat.backgroundColor"
NUMBER_FORMAT = "userEnteredFormat.numberFormat"


# --- writing helpers (pure) ---------------------------------------------------------------------
def quote_tab(title: str) -> str:
    """Always quoted, embedded quotes doubled: 'Câu trả lời biểu mẫu 1', 'Bob''s'."""
    return "'" + title.replace("'", "''") + "'"


def column_letters(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def a1_range(title: str, row: int, col: int, last_row: int, last_col: int) -> str:
    start, end = f"{column_letters(col)}{row}", f"{column_letters(last_col)}{last_row}"
    return f"{quote_tab(title)}!{start}" + ("" if start == end else f":{end}")


def _lookup(sheets: dict[str, dict], title: str) -> dict | None:
    if title in sheets:
        return sheets[title]
    key = header_key(title)
    return next((p for t, p in sheets.items() if header_key(t) == key), None)


def structure_requests(batch: WriteBatch, sheets: dict[str, dict]) -> list[dict]:
    """The ``spreadsheets:batchUpdate`` requests: add tabs, grow grids, colour cells.

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
        need[item.tab] = (max(rows, item.row), max(cols, item.col))
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

    for title, column, first_row, colours in _colour_runs(batch.colours):
        requests_.append({"updateCells": {
            "start": {"sheetId": _lookup(known, title)["sheetId"], "rowIndex": first_row - 1,
                      "columnIndex": column - 1},
            "rows": [{"values": [_background(c)]} for c in colours],
            "fields": BACKGROUND,
        }})
    return requests_


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

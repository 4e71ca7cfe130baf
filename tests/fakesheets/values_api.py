"""spreadsheets.values.*: get, batchGet, update, batchUpdate, append, clear, batchClear.

Copied behaviour (recorded where marked R):

* Reads return ``{"range", "majorDimension", "values"}``; ``range`` is the
  request clipped to the grid and printed like the API (R: ``'Sheet1'`` ->
  ``Sheet1!A1:Z1000``, ``A:A`` on a 10-row tab -> ``A1:A10``, ``A1:1`` ->
  ``A1:Z1``). Trailing blank cells of each row and trailing blank rows are
  dropped, interior blank rows are ``[]`` (R); no ``values`` key when
  nothing is left (R). A range wholly outside the grid is a 400 ``exceeds
  grid limits``; a partly outside one is clipped.
* ``valueInputOption`` is required for writes (``'valueInputOption' is
  required but not specified``). Writes answer ``updatedRange/Rows/Columns/
  Cells`` (R: counting the rows, columns and cells sent a value, not the
  nulls) and refuse to leave the grid: ``Range (Tab!Y1) exceeds grid
  limits. Max rows: 1000, max columns: 24``. A single-cell range is an
  anchor; a larger range bounds the data (``Requested writing within range
  [...], but tried writing to row [N]``).
* ``values.batchUpdate`` totals count distinct rows/columns (R: two 1x4
  rows -> totalUpdatedRows 2, totalUpdatedColumns 4, totalUpdatedCells 8).
* ``values.append`` finds the table in the range (the last block of
  consecutive rows holding something, spanning the columns that block uses),
  writes after its last row starting at its first column, and - unlike every other write - grows
  the grid ("adding data to the end of the sheet will still insert new rows
  or columns"). No ``tableRange`` key when the range was empty (R).
* ``values.clear`` clears values and formulas but keeps formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import a1, cells, devmeta
from .errors import bad_request
from .model import Sheet, Spreadsheet, grid_error

MAX_CELL_CHARS = 50_000


def param(params: dict[str, list[str]], name: str, default: str | None = None) -> str | None:
    values = params.get(name)
    return values[0] if values else default


def flag(params: dict[str, list[str]], name: str) -> bool:
    value = param(params, name)
    return value is not None and value.lower() in ("true", "1")


def _major(value: str | None) -> str:
    return "COLUMNS" if value == "COLUMNS" else "ROWS"


# -- reading -----------------------------------------------------------------

def resolve_read(ss: Spreadsheet, text: str) -> tuple[Sheet, a1.Rect]:
    """Tab and clipped rectangle of a range to read (400 when outside)."""
    sheet, rect = ss.resolve(text)
    rect = rect or a1.Rect()
    if rect.start_row >= sheet.row_count or rect.start_col >= sheet.col_count:
        raise grid_error(sheet.title, rect, sheet.row_count, sheet.col_count)
    return sheet, rect.clip(sheet.row_count, sheet.col_count)


def value_range(ss: Spreadsheet, sheet: Sheet, box: a1.Rect, major: str = "ROWS",
                value_render: str = "FORMATTED_VALUE", date_render: str = "SERIAL_NUMBER") -> dict:
    """A ValueRange of a bounded rectangle, trimmed like the API trims it."""
    out: dict[str, Any] = {"range": a1.format_range(sheet.title, box), "majorDimension": major}
    locale = ss.locale
    grid: list[list[Any]] = []
    for r in range(box.start_row, min(box.end_row, len(sheet.rows))):
        line = sheet.rows[r][box.start_col:box.end_col]
        n = len(line)
        while n and line[n - 1].is_blank:
            n -= 1
        grid.append([cells.render(c, value_render, date_render, locale) for c in line[:n]])
    if major == "COLUMNS":
        width = max((len(row) for row in grid), default=0)
        grid = [[row[j] if j < len(row) else "" for row in grid] for j in range(width)]
        for col in grid:
            while col and col[-1] == "":
                col.pop()
    while grid and not grid[-1]:
        grid.pop()
    if grid:
        out["values"] = grid
    return out


def _read_params(params: dict) -> tuple[str, str, str]:
    return (_major(param(params, "majorDimension")),
            param(params, "valueRenderOption", "FORMATTED_VALUE"),
            param(params, "dateTimeRenderOption", "SERIAL_NUMBER"))


def values_get(ss: Spreadsheet, range_text: str, params: dict) -> dict:
    sheet, box = resolve_read(ss, range_text)
    return value_range(ss, sheet, box, *_read_params(params))


def values_batch_get(ss: Spreadsheet, params: dict) -> dict:
    major, vr, dr = _read_params(params)
    found = [resolve_read(ss, text) for text in params.get("ranges", [])]
    return {"spreadsheetId": ss.spreadsheet_id,
            "valueRanges": [value_range(ss, s, box, major, vr, dr) for s, box in found]}


# -- writing -----------------------------------------------------------------

def input_option(option: str | None) -> str:
    if option is None:
        raise bad_request("'valueInputOption' is required but not specified")
    if option not in ("RAW", "USER_ENTERED"):
        raise bad_request(f"Invalid valueInputOption: {option}")
    return option


def _rows(values: Any, major: str) -> list[list[Any]]:
    rows = [list(r) for r in (values or [])]
    if major == "COLUMNS":
        height = max((len(c) for c in rows), default=0)
        rows = [[c[i] if i < len(c) else None for c in rows] for i in range(height)]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if isinstance(value, dict):
                raise bad_request(f"Invalid values[{i}][{j}]: struct_value")
            if isinstance(value, list):
                raise bad_request(f"Invalid values[{i}][{j}]: list_value")
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise bad_request("Your input contains more than the maximum of "
                                  f"{MAX_CELL_CHARS} characters in a single cell.")
    return rows


@dataclass
class Written:
    """What a write changed: the cells sent a value (not null), and their rows and columns.
    Google counts these, not the range's size (recorded: a 6 x 4 range holding two values and
    22 nulls answers updatedRows 2, updatedColumns 2, updatedCells 2)."""

    cells: int = 0
    rows: set[int] = field(default_factory=set)
    cols: set[int] = field(default_factory=set)


def write_block(ss: Spreadsheet, sheet: Sheet, rect: a1.Rect | None, range_text: str,
                values: Any, major: str, option: str) -> tuple[a1.Rect | None, Written]:
    """Write a ValueRange's values; returns (the values' rectangle, what was written)."""
    rows = _rows(values, major)
    width = max((len(r) for r in rows), default=0)
    if not rows or width == 0:
        return None, Written()
    bound = rect or a1.Rect()
    r0, c0 = bound.start_row, bound.start_col
    data = a1.Rect(r0, c0, r0 + len(rows), c0 + width)
    single = rect is not None and rect.bounded and \
        rect.end_row - r0 == 1 and rect.end_col - c0 == 1
    if not single:
        if bound.end_row is not None and data.end_row > bound.end_row:
            raise bad_request(f"Requested writing within range [{range_text}], but tried "
                              f"writing to row [{bound.end_row + 1}]")
        if bound.end_col is not None and data.end_col > bound.end_col:
            raise bad_request(f"Requested writing within range [{range_text}], but tried "
                              f"writing to column [{a1.col_to_letters(bound.end_col)}]")
    sheet.check_inside(data)
    written = Written()
    locale = ss.locale
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is None:
                continue
            written.cells += 1
            written.rows.add(r0 + i)
            written.cols.add(c0 + j)
            old = sheet.cell(r0 + i, c0 + j)
            sheet.set_cell(r0 + i, c0 + j, cells.write(old, value, option, locale))
    return data, written


def _update_reply(ss: Spreadsheet, sheet: Sheet, rect: a1.Rect | None, data: a1.Rect | None,
                  written: Written, params: dict, include: bool) -> dict:
    reply: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if data is None:
        box = (rect or a1.Rect()).clip(sheet.row_count, sheet.col_count)
        reply["updatedRange"] = a1.format_range(sheet.title, box)
        return reply
    reply.update({
        "updatedRange": a1.format_range(sheet.title, data),
        "updatedRows": len(written.rows),
        "updatedColumns": len(written.cols),
        "updatedCells": written.cells,
    })
    if include:
        reply["updatedData"] = value_range(
            ss, sheet, data, "ROWS",
            param(params, "responseValueRenderOption", "FORMATTED_VALUE"),
            param(params, "responseDateTimeRenderOption", "SERIAL_NUMBER"))
    return reply


def _same_range(ss: Spreadsheet, a: str, b: str) -> bool:
    sheet_a, rect_a = ss.resolve(a)
    sheet_b, rect_b = ss.resolve(b)
    return sheet_a is sheet_b and rect_a == rect_b


def values_update(ss: Spreadsheet, range_text: str, params: dict, body: dict) -> dict:
    option = input_option(param(params, "valueInputOption"))
    body = body or {}
    if "range" in body and not _same_range(ss, body["range"], range_text):
        raise bad_request(f"Requested range [{range_text}] does not match the range in "
                          f"the body [{body['range']}].")
    sheet, rect = ss.resolve(range_text)
    data, written = write_block(ss, sheet, rect, range_text, body.get("values"),
                                _major(body.get("majorDimension")), option)
    return _update_reply(ss, sheet, rect, data, written, params,
                         flag(params, "includeValuesInResponse"))


def values_batch_update(ss: Spreadsheet, body: dict) -> dict:
    body = body or {}
    option = input_option(body.get("valueInputOption"))
    include = bool(body.get("includeValuesInResponse"))
    opts = {k: [body[k]] for k in ("responseValueRenderOption", "responseDateTimeRenderOption")
            if k in body}
    replies, rows, cols, cells_sent, sheets = [], set(), set(), 0, set()
    for item in body.get("data", []):
        text = item.get("range")
        if not text:
            raise bad_request("Invalid data[]: range is required")
        sheet, rect = ss.resolve(text)
        data, written = write_block(ss, sheet, rect, text, item.get("values"),
                                    _major(item.get("majorDimension")), option)
        replies.append(_update_reply(ss, sheet, rect, data, written, opts, include))
        if data is not None:
            sheets.add(sheet.sheet_id)
            rows.update((sheet.sheet_id, r) for r in written.rows)
            cols.update((sheet.sheet_id, c) for c in written.cols)
            cells_sent += written.cells
    reply: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if replies:
        reply.update({"totalUpdatedRows": len(rows), "totalUpdatedColumns": len(cols),
                      "totalUpdatedCells": cells_sent, "totalUpdatedSheets": len(sheets),
                      "responses": replies})
    return reply


def find_table(sheet: Sheet, box: a1.Rect) -> a1.Rect | None:
    """The table ``append`` writes after: the last block of consecutive rows of ``box`` holding
    something, spanning the columns that block uses (None if ``box`` is all blank). A table
    higher up, above a blank row, is not part of it (its columns do not move the start)."""
    block: list[tuple[int, int, int]] = []  # (row, first used column, last used column)
    for r in range(box.start_row, min(box.end_row, len(sheet.rows))):
        line = sheet.rows[r]
        used = [c for c in range(box.start_col, min(box.end_col, len(line)))
                if not line[c].is_blank]
        if not used:
            continue
        if block and block[-1][0] != r - 1:
            block = []
        block.append((r, used[0], used[-1]))
    if not block:
        return None
    return a1.Rect(block[0][0], min(b[1] for b in block), block[-1][0] + 1,
                   max(b[2] for b in block) + 1)


def values_append(ss: Spreadsheet, range_text: str, params: dict, body: dict) -> dict:
    option = input_option(param(params, "valueInputOption"))
    insert = param(params, "insertDataOption", "OVERWRITE")
    body = body or {}
    sheet, rect = ss.resolve(range_text)
    rect = rect or a1.Rect()
    box = rect.clip(sheet.row_count, sheet.col_count)
    table = find_table(sheet, box)
    start_row, start_col = (table.end_row, table.start_col) if table else (box.start_row, box.start_col)
    rows = _rows(body.get("values"), _major(body.get("majorDimension")))
    height, width = len(rows), max((len(r) for r in rows), default=0)
    if insert == "INSERT_ROWS" and height:
        sheet.insert("ROWS", start_row, height)
    elif start_row + height > sheet.row_count:
        sheet.resize(rows=start_row + height)
    if start_col + width > sheet.col_count:
        sheet.resize(cols=start_col + width)
    ss.check_cell_limit()
    anchor = a1.Rect(start_row, start_col, start_row + 1, start_col + 1)
    data, written = write_block(ss, sheet, anchor, range_text, rows, "ROWS", option)
    reply: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if table is not None:
        reply["tableRange"] = a1.format_range(sheet.title, table)
    reply["updates"] = _update_reply(ss, sheet, anchor, data, written, params,
                                     flag(params, "includeValuesInResponse"))
    return reply


# -- clearing ----------------------------------------------------------------

def clear_range(ss: Spreadsheet, text: str) -> str:
    sheet, box = resolve_read(ss, text)
    for r in range(box.start_row, min(box.end_row, len(sheet.rows))):
        line = sheet.rows[r]
        for c in range(box.start_col, min(box.end_col, len(line))):
            if not line[c].is_blank:
                line[c] = line[c].with_value(None)
    return a1.format_range(sheet.title, box)


def values_clear(ss: Spreadsheet, range_text: str) -> dict:
    return {"spreadsheetId": ss.spreadsheet_id, "clearedRange": clear_range(ss, range_text)}


def values_batch_clear(ss: Spreadsheet, body: dict) -> dict:
    ranges = (body or {}).get("ranges", [])
    return {"spreadsheetId": ss.spreadsheet_id,
            "clearedRanges": [clear_range(ss, text) for text in ranges]}


# -- by data filter (developer metadata, see devmeta.py) --------------------------------------

def values_batch_get_by_data_filter(ss: Spreadsheet, body: dict) -> dict:
    major = _major(body.get("majorDimension"))
    vr = body.get("valueRenderOption", "FORMATTED_VALUE")
    dr = body.get("dateTimeRenderOption", "SERIAL_NUMBER")
    out = []
    for data_filter in body.get("dataFilters", []):
        for sheet, box in devmeta.ranges_of(ss, data_filter):
            out.append({"valueRange": value_range(ss, sheet, box, major, vr, dr),
                        "dataFilters": [data_filter]})
    reply: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if out:
        reply["valueRanges"] = out
    return reply


def values_batch_update_by_data_filter(ss: Spreadsheet, body: dict) -> dict:
    """Each DataFilterValueRange is written at the top-left of every range its filter matches;
    values larger than a matched range fail the whole request."""
    option = input_option(body.get("valueInputOption"))
    replies, rows, cols, cells_sent, sheets = [], set(), set(), 0, set()
    for i, item in enumerate(body.get("data", [])):
        data_filter = item.get("dataFilter") or {}
        values = _rows(item.get("values"), _major(item.get("majorDimension")))
        for sheet, box in devmeta.ranges_of(ss, data_filter):
            height, width = len(values), max((len(r) for r in values), default=0)
            if height > box.end_row - box.start_row or width > box.end_col - box.start_col:
                raise bad_request(f"Invalid data[{i}]: the values exceed the range "
                                  f"{a1.format_range(sheet.title, box)} matched by the data filter")
            data, written = write_block(ss, sheet, box, a1.format_range(sheet.title, box),
                                        item.get("values"), _major(item.get("majorDimension")),
                                        option)
            reply: dict[str, Any] = {"dataFilter": data_filter}
            if data is not None:
                reply.update({"updatedRange": a1.format_range(sheet.title, data),
                              "updatedRows": len(written.rows),
                              "updatedColumns": len(written.cols),
                              "updatedCells": written.cells})
                sheets.add(sheet.sheet_id)
                rows.update((sheet.sheet_id, r) for r in written.rows)
                cols.update((sheet.sheet_id, c) for c in written.cols)
                cells_sent += written.cells
            replies.append(reply)
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if replies:
        out.update({"totalUpdatedRows": len(rows), "totalUpdatedColumns": len(cols),
                    "totalUpdatedCells": cells_sent, "totalUpdatedSheets": len(sheets),
                    "responses": replies})
    return out

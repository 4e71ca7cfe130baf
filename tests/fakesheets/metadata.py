"""spreadsheets.get / spreadsheets.create / spreadsheets.sheets.copyTo.

Copied behaviour (recorded): ``GET /v4/spreadsheets/{id}?includeGridData=false``
answers ``spreadsheetId``, ``properties`` (title, locale, autoRecalc,
timeZone, defaultFormat, spreadsheetTheme), ``sheets[].properties`` and
``spreadsheetUrl``. Tabs with conditional formats, merges, protected ranges
or a basic filter list them beside ``properties``. Grid data
(``sheets[].data[].rowData[].values[]`` CellData) is included with
``includeGridData=true`` or when ``fields`` asks for ``sheets.data``;
``ranges=`` limits it (and the listed tabs) to those ranges. ``fields``
filters the answer (partial response).
"""

from __future__ import annotations

import copy
import random
from typing import Any

from . import a1, batch_update, cells, devmeta, fieldmask
from .errors import bad_request
from .model import Sheet, Spreadsheet, new_properties, new_sheet


def cell_data(cell: cells.Cell, locale: str) -> dict:
    """CellData JSON of one cell ({} for a cell with nothing in it)."""
    out: dict[str, Any] = {}
    uev = cells.user_entered_value(cell)
    if uev is not None:
        out["userEnteredValue"] = uev
        out["effectiveValue"] = cells.effective_value(cell)
        out["formattedValue"] = cells.formatted(cell, locale)
    if cell.format:
        out["userEnteredFormat"] = copy.deepcopy(cell.format)
    if cell.note:
        out["note"] = cell.note
    return out


def grid_data(sheet: Sheet, box: a1.Rect, locale: str, ss: Spreadsheet | None = None) -> dict:
    rows = []
    last = min(box.end_row, len(sheet.rows))
    for r in range(box.start_row, last):
        line = sheet.rows[r][box.start_col:box.end_col]
        values = [cell_data(c, locale) for c in line]
        while values and not values[-1]:
            values.pop()
        rows.append({"values": values} if values else {})
    while rows and not rows[-1]:
        rows.pop()
    out: dict[str, Any] = {}
    if box.start_row:
        out["startRow"] = box.start_row
    if box.start_col:
        out["startColumn"] = box.start_col
    if rows:
        out["rowData"] = rows
    out["rowMetadata"] = [{"pixelSize": 21} for _ in range(box.end_row - box.start_row)]
    out["columnMetadata"] = [{"pixelSize": 100} for _ in range(box.end_col - box.start_col)]
    if ss is not None:
        for i, col in enumerate(range(box.start_col, box.end_col)):
            found = devmeta.column_metadata(ss, sheet, col)
            if found:
                out["columnMetadata"][i]["developerMetadata"] = found
    return out


def sheet_json(sheet: Sheet, boxes: list[a1.Rect] | None, locale: str,
               ss: Spreadsheet | None = None) -> dict:
    out: dict[str, Any] = {"properties": copy.deepcopy(sheet.properties)}
    if boxes is not None:
        out["data"] = [grid_data(sheet, box, locale, ss) for box in boxes]
    if ss is not None and devmeta.sheet_metadata(ss, sheet):
        out["developerMetadata"] = devmeta.sheet_metadata(ss, sheet)
    if sheet.merges:
        out["merges"] = copy.deepcopy(sheet.merges)
    if sheet.conditional_formats:
        out["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
    if sheet.protected_ranges:
        out["protectedRanges"] = copy.deepcopy(sheet.protected_ranges)
    if sheet.basic_filter:
        out["basicFilter"] = copy.deepcopy(sheet.basic_filter)
    return out


def spreadsheet_json(ss: Spreadsheet, include_grid: bool = False,
                     ranges: list[str] | None = None) -> dict:
    wanted: dict[int, list[a1.Rect]] | None = None
    if ranges:
        wanted = {}
        for text in ranges:
            sheet, rect = ss.resolve(text)
            box = (rect or a1.Rect()).clip(sheet.row_count, sheet.col_count)
            wanted.setdefault(sheet.sheet_id, []).append(box)
    sheets = []
    for sheet in ss.sheets:
        if wanted is not None and sheet.sheet_id not in wanted:
            continue
        boxes = None
        if include_grid:
            boxes = wanted[sheet.sheet_id] if wanted is not None else \
                [a1.Rect(0, 0, sheet.row_count, sheet.col_count)]
        sheets.append(sheet_json(sheet, boxes, ss.locale, ss))
    out: dict[str, Any] = {
        "spreadsheetId": ss.spreadsheet_id,
        "properties": copy.deepcopy(ss.properties),
        "sheets": sheets,
    }
    if ss.named_ranges:
        out["namedRanges"] = copy.deepcopy(ss.named_ranges)
    top = [copy.deepcopy(m) for m in ss.developer_metadata if m["location"].get("spreadsheet")]
    if top:
        out["developerMetadata"] = top
    out["spreadsheetUrl"] = ss.url
    return out


def spreadsheets_get(ss: Spreadsheet, params: dict[str, list[str]]) -> dict:
    fields = (params.get("fields") or [None])[0]
    include = (params.get("includeGridData") or ["false"])[0].lower() == "true"
    try:
        tree = fieldmask.tree(fieldmask.parse(fields)) if fields else None
    except fieldmask.MaskError:
        raise bad_request(f"Invalid field selection {fields}") from None
    sheets_sel = (tree or {}).get("sheets")
    if isinstance(sheets_sel, dict) and "data" in sheets_sel:
        include = True  # asking for sheets.data in fields returns grid data
    body = spreadsheet_json(ss, include, params.get("ranges"))
    return fieldmask.select(body, tree) if tree is not None else body


def create_spreadsheet(spreadsheet_id: str, body: dict, rng: random.Random) -> Spreadsheet:
    """spreadsheets.create: a new file from a (partial) Spreadsheet body."""
    props = body.get("properties", {})
    ss = Spreadsheet(spreadsheet_id, new_properties(
        props.get("title", "Untitled spreadsheet"), props.get("locale", "en_US"),
        props.get("timeZone", "Etc/GMT")))
    for i, sheet in enumerate(body.get("sheets") or [{}]):
        sp = sheet.get("properties", {})
        grid = sp.get("gridProperties", {})
        sheet_id = sp.get("sheetId", 0 if i == 0 else rng.randrange(1, 2**31 - 1))
        ss.sheets.append(new_sheet(sheet_id, sp.get("title", f"Sheet{i + 1}"), i,
                                   grid.get("rowCount", 1000), grid.get("columnCount", 26)))
    return ss


def copy_sheet_to(source: Sheet, dest: Spreadsheet, rng: random.Random) -> dict:
    """spreadsheets.sheets.copyTo: the tab lands at the end as "Copy of X"."""
    title = f"Copy of {source.title}"
    n = 2
    while dest.find_sheet(title) is not None:
        title = f"Copy of {source.title} {n}"
        n += 1
    clone = source.clone()
    clone.properties.update({"sheetId": rng.randrange(1, 2**31 - 1), "title": title,
                             "index": len(dest.sheets)})
    batch_update.renumber(clone, clone.properties["sheetId"], rng)
    dest.sheets.append(clone)
    return copy.deepcopy(clone.properties)

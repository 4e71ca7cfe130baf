"""spreadsheets.batchUpdate: the structural and formatting requests.

Copied behaviour:

* Requests apply in order and atomically: the caller applies them to a
  snapshot and keeps it only when all succeed. A failure is a 400
  ``Invalid requests[i].<kind>: <reason>``; an empty list is ``Must specify
  at least one request.``
* Replies mirror the requests (``{}`` for those without a reply; recorded:
  ``addSheet`` replies ``{"addSheet": {"properties": {...}}}``).
* addSheet: default title ``SheetN``, 1000 x 26 grid, random sheetId; a
  duplicate title is ``A sheet with the name "X" already exists. Please
  enter another name.``
* updateSheetProperties needs a ``fields`` mask; rowCount is applied (and
  the 10M-cell limit checked) before columnCount.
* GridRange/DimensionRange default to sheetId 0 and unbounded ends, as proto
  defaults do; an unknown sheet is ``No grid with id: N``.
* repeatCell/updateCells write ``userEnteredValue``/``userEnteredFormat``/
  ``note`` through the ``fields`` mask; conditional format rules, data
  validation (its condition checked: a ONE_OF_RANGE names one range of the
  spreadsheet), merges, protected ranges and filters are stored (no effect on
  values); column widths, borders and auto-resize are accepted and ignored.

Request kinds not listed in HANDLERS raise FakeNotImplemented.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

from . import a1, cells, colors, devmeta, fieldmask, model
from .cells import Cell
from .errors import ApiError, FakeNotImplemented, bad_request
from .model import DEFAULT_COLS, DEFAULT_ROWS, Sheet, Spreadsheet, grid_error


class RequestError(Exception):
    """A reason a single request is invalid (prefixed by the dispatcher)."""


def _fail(message: str) -> None:
    raise RequestError(message)


def _sheet(ss: Spreadsheet, sheet_id: int | None) -> Sheet:
    sheet = ss.sheet_by_id(sheet_id or 0)
    if sheet is None:
        _fail(f"No grid with id: {sheet_id or 0}")
    return sheet


def _title_taken(ss: Spreadsheet, title: str, besides: Sheet | None = None) -> bool:
    """Tab titles are unique ignoring case."""
    return any(s.title.casefold() == title.casefold() and s is not besides for s in ss.sheets)


def grid_rect(ss: Spreadsheet, gr: dict) -> tuple[Sheet, a1.Rect]:
    """GridRange -> (tab, bounded rectangle inside its grid)."""
    sheet = _sheet(ss, gr.get("sheetId"))
    rect = a1.Rect(gr.get("startRowIndex", 0), gr.get("startColumnIndex", 0),
                   gr.get("endRowIndex"), gr.get("endColumnIndex"))
    box = rect.clip(sheet.row_count, sheet.col_count)
    if (rect.end_row or 0) > sheet.row_count or (rect.end_col or 0) > sheet.col_count \
            or box.start_row > box.end_row or box.start_col > box.end_col:
        _fail(grid_error(sheet.title, rect, sheet.row_count, sheet.col_count).message)
    return sheet, box


def _masks(fields: str | None) -> list[list[str]]:
    if not fields:
        _fail("At least one field must be specified.")
    try:
        return fieldmask.parse(fields)
    except fieldmask.MaskError:
        _fail(f"Invalid field mask: {fields}")
    raise AssertionError  # unreachable


# -- cell data -------------------------------------------------------------------

def cell_paths(fields: str | None) -> list[list[str]]:
    """The CellData field mask of repeatCell/updateCells, checked."""
    paths = _masks(fields)
    if any(p == ["*"] for p in paths):
        return [["userEnteredValue"], ["userEnteredFormat"], ["note"]]
    for p in paths:
        if p[0] not in ("userEnteredValue", "userEnteredFormat", "note", "dataValidation",
                        "textFormatRuns", "hyperlink", "pivotTable", "dataSourceTable",
                        "dataSourceFormula", "chipRuns"):
            _fail(f"Invalid field mask: unknown CellData field {p[0]}")
    return paths


def cell_updater(data: dict, paths: list[list[str]]) -> Callable[[Cell], Cell]:
    """A function applying one CellData through a (checked) field mask."""
    value_set = any(p[0] == "userEnteredValue" for p in paths)
    fmt_paths = [p[1:] for p in paths if p[0] == "userEnteredFormat"]
    note_set = any(p[0] == "note" for p in paths)
    new_value: tuple[Any, str | None] = (None, None)
    if value_set:
        ev = data.get("userEnteredValue") or {}
        if "formulaValue" in ev:
            new_value = (cells.evaluate(ev["formulaValue"]), ev["formulaValue"])
        elif "stringValue" in ev:
            new_value = (ev["stringValue"] or None, None)
        elif "numberValue" in ev:
            new_value = (cells.json_number(ev["numberValue"]), None)
        elif "boolValue" in ev:
            new_value = (ev["boolValue"], None)
    src_fmt = {"userEnteredFormat": data.get("userEnteredFormat")} \
        if "userEnteredFormat" in data else {}
    cache: dict[int, tuple[dict | None, dict | None]] = {}  # id(old) -> (old kept alive, new)

    def new_format(old: dict | None) -> dict | None:
        key = id(old)
        if key not in cache:
            target = {"userEnteredFormat": copy.deepcopy(old) if old else {}}
            fieldmask.apply_update(target, src_fmt, [["userEnteredFormat", *p] for p in fmt_paths])
            colors.sync_format(target.get("userEnteredFormat") or {}, fmt_paths)
            cache[key] = (old, target.get("userEnteredFormat") or None)
        return cache[key][1]

    def update(cell: Cell) -> Cell:
        kw: dict[str, Any] = {}
        if value_set:
            kw["value"], kw["formula"] = new_value
        if fmt_paths:
            kw["format"] = new_format(cell.format)
        if note_set:
            kw["note"] = data.get("note") or None
        return Cell(**{"value": cell.value, "formula": cell.formula, "format": cell.format,
                       "note": cell.note, **kw}) if kw else cell

    return update


def _apply_box(sheet: Sheet, box: a1.Rect, fn: Callable[[Cell], Cell]) -> None:
    for r in range(box.start_row, box.end_row):
        for c in range(box.start_col, box.end_col):
            sheet.set_cell(r, c, fn(sheet.cell(r, c)))


# -- handlers ----------------------------------------------------------------------

def add_sheet(ss: Spreadsheet, req: dict, rng: random.Random) -> dict:
    props = copy.deepcopy(req.get("properties", {}))
    title = props.get("title")
    if title is None:
        n = len(ss.sheets) + 1
        while ss.find_sheet(f"Sheet{n}"):
            n += 1
        title = f"Sheet{n}"
    if title.strip() == "":
        _fail("Sheet name cannot be empty.")
    if _title_taken(ss, title):
        _fail(f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = rng.randrange(1, 2**31 - 1)
        while ss.sheet_by_id(sheet_id):
            sheet_id = rng.randrange(1, 2**31 - 1)
    elif ss.sheet_by_id(sheet_id) is not None:
        _fail(f"Sheet with id {sheet_id} already exists.")
    grid = {"rowCount": DEFAULT_ROWS, "columnCount": DEFAULT_COLS, **props.get("gridProperties", {})}
    index = min(max(props.get("index", len(ss.sheets)), 0), len(ss.sheets))
    props.update({"sheetId": sheet_id, "title": title, "index": index,
                  "sheetType": props.get("sheetType", "GRID"), "gridProperties": grid})
    ordered = {k: props[k] for k in ("sheetId", "title", "index", "sheetType", "gridProperties")}
    ordered.update({k: v for k, v in props.items() if k not in ordered})
    if grid["rowCount"] < 1 or grid["columnCount"] < 1:
        _fail("The grid must have at least one row and one column.")
    ss.sheets.insert(index, Sheet(properties=ordered))
    ss.reindex()
    return {"addSheet": {"properties": copy.deepcopy(ordered)}}


def delete_sheet(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    sheet = _sheet(ss, req.get("sheetId"))
    if len(ss.sheets) == 1:
        _fail("You can't remove all the sheets in a document.")
    ss.sheets.remove(sheet)
    devmeta.sheet_deleted(ss, sheet.sheet_id)
    ss.reindex()


def update_sheet_properties(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    props = req.get("properties", {})
    sheet = _sheet(ss, props.get("sheetId"))
    paths = _masks(req.get("fields"))
    if ["*"] in paths:
        paths = [[k] for k in props if k != "sheetId"]
    grid_paths = []
    for path in paths:
        head = path[0]
        if head == "sheetId":
            if props.get("sheetId", 0) != sheet.sheet_id:
                _fail("Cannot change sheetId.")
        elif head == "title":
            title = props.get("title", "")
            if title.strip() == "":
                _fail("Sheet name cannot be empty.")
            if _title_taken(ss, title, sheet):
                _fail(f'A sheet with the name "{title}" already exists. Please enter another name.')
            sheet.properties["title"] = title
        elif head == "index":
            ss.sheets.remove(sheet)
            ss.sheets.insert(min(max(props.get("index", 0), 0), len(ss.sheets)), sheet)
            ss.reindex()
        elif head == "gridProperties":
            grid_paths.append(path)
        elif head == "sheetType":
            if props.get("sheetType", "GRID") != sheet.properties.get("sheetType"):
                _fail("Cannot change sheetType.")
        else:
            fieldmask.apply_update(sheet.properties, props, [path])
    colors.sync_pair(sheet.properties, "tabColor", "tabColorStyle", paths)
    if sheet.properties.get("hidden") and all(s.properties.get("hidden") for s in ss.sheets):
        _fail("You can't hide all the sheets in a document.")
    # rowCount first, then the cell limit, then columnCount (as the real API)
    grid_src = props.get("gridProperties", {})
    for key in ("rowCount", "columnCount"):
        if any(p == ["gridProperties"] or p[1:2] == [key] for p in grid_paths):
            value = grid_src.get(key, 0)
            sheet.resize(rows=value) if key == "rowCount" else sheet.resize(cols=value)
            ss.check_cell_limit()
    rest = [p for p in grid_paths if len(p) > 1 and p[1] not in ("rowCount", "columnCount")]
    if any(p == ["gridProperties"] for p in grid_paths):
        rest = [["gridProperties", k] for k in grid_src if k not in ("rowCount", "columnCount")]
    fieldmask.apply_update(sheet.properties, props, rest)


def update_spreadsheet_properties(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    paths = _masks(req.get("fields"))
    if ["*"] in paths:
        paths = [[k] for k in req.get("properties", {})]
    fieldmask.apply_update(ss.properties, req.get("properties", {}), paths)


def append_dimension(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    sheet = _sheet(ss, req.get("sheetId"))
    length = req.get("length", 0)
    if length < 1:
        _fail("length must be positive")
    if req.get("dimension") == "COLUMNS":
        sheet.resize(cols=sheet.col_count + length)
    elif req.get("dimension") == "ROWS":
        sheet.resize(rows=sheet.row_count + length)
    else:
        _fail("dimension must be ROWS or COLUMNS")


def _dimension_range(ss: Spreadsheet, rng_: dict) -> tuple[Sheet, str, int, int]:
    sheet = _sheet(ss, rng_.get("sheetId"))
    dim = rng_.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        _fail("dimension must be ROWS or COLUMNS")
    size = sheet.row_count if dim == "ROWS" else sheet.col_count
    start = rng_.get("startIndex", 0)
    end = rng_.get("endIndex", size)
    if start < 0 or end < start:
        _fail("Invalid dimension range")
    return sheet, dim, start, end


def insert_dimension(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    sheet, dim, start, end = _dimension_range(ss, req.get("range", {}))
    size = sheet.row_count if dim == "ROWS" else sheet.col_count
    if start > size:
        _fail(f"Cannot insert {dim.lower()} at index {start}; the sheet has {size}.")
    if end > start:
        sheet.insert(dim, start, end - start)
        devmeta.inserted(ss, sheet.sheet_id, dim, start, end - start)


def delete_dimension(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    sheet, dim, start, end = _dimension_range(ss, req.get("range", {}))
    size = sheet.row_count if dim == "ROWS" else sheet.col_count
    if end > size:
        rect = a1.Rect(start, 0, end, None) if dim == "ROWS" else a1.Rect(0, start, None, end)
        _fail(grid_error(sheet.title, rect, sheet.row_count, sheet.col_count).message)
    if end > start:
        sheet.delete(dim, start, end)
        devmeta.deleted(ss, sheet.sheet_id, dim, start, end)


def _moved(seq: list, start: int, end: int, destination: int, pad: Any) -> list:
    seq = seq + [pad() for _ in range(max(end, destination) - len(seq))]
    block, rest = seq[start:end], seq[:start] + seq[end:]
    at = destination if destination < start else destination - (end - start)
    return rest[:at] + block + rest[at:]


def move_dimension(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    sheet, dim, start, end = _dimension_range(ss, req.get("source", {}))
    destination = req.get("destinationIndex", 0)
    size = sheet.row_count if dim == "ROWS" else sheet.col_count
    if end > size or destination > size or start < destination <= end:
        _fail("Invalid destinationIndex or source range")
    if end == start:
        return
    if dim == "ROWS":
        sheet.rows = _moved(sheet.rows, start, end, destination, list)
    else:
        sheet.rows = [_moved(line, start, end, destination, lambda: cells.EMPTY)
                      for line in sheet.rows]
    devmeta.moved(ss, sheet.sheet_id, dim, start, end, destination)


def create_developer_metadata(ss: Spreadsheet, req: dict, rng: random.Random) -> dict:
    return devmeta.create(ss, req, rng, _fail)


def delete_developer_metadata(ss: Spreadsheet, req: dict, rng: random.Random) -> dict:
    return devmeta.delete(ss, req, _fail)


def repeat_cell(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    sheet, box = grid_rect(ss, req.get("range", {}))
    fn = cell_updater(req.get("cell", {}), cell_paths(req.get("fields")))
    _apply_box(sheet, box, fn)


def update_cells(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    rows = req.get("rows", [])
    paths = cell_paths(req.get("fields"))
    if "range" in req:
        sheet, box = grid_rect(ss, req["range"])
        height = box.end_row - box.start_row
        width = box.end_col - box.start_col
        if len(rows) > height or any(len(r.get("values", [])) > width for r in rows):
            _fail("Attempting to write beyond the requested range.")
    else:
        start = req.get("start", {})
        sheet = _sheet(ss, start.get("sheetId"))
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        width = max((len(r.get("values", [])) for r in rows), default=0)
        box = a1.Rect(r0, c0, r0 + len(rows), c0 + width)
        if box.end_row > sheet.row_count or box.end_col > sheet.col_count:
            _fail(grid_error(sheet.title, box, sheet.row_count, sheet.col_count).message)
    for i, r in enumerate(range(box.start_row, box.end_row)):
        values = rows[i].get("values", []) if i < len(rows) else []
        for j, c in enumerate(range(box.start_col, box.end_col)):
            if j >= len(values) and "range" not in req:
                continue
            data = values[j] if j < len(values) else {}
            sheet.set_cell(r, c, cell_updater(data, paths)(sheet.cell(r, c)))


def add_conditional_format_rule(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    rule = copy.deepcopy(req.get("rule", {}))
    ranges = rule.get("ranges", [])
    if not ranges:
        _fail("At least one range must be specified.")
    sheet, _ = grid_rect(ss, ranges[0])
    for gr in ranges:
        grid_rect(ss, gr)
    index = min(req.get("index", 0), len(sheet.conditional_formats))
    sheet.conditional_formats.insert(index, rule)


def _rule_at(ss: Spreadsheet, req: dict) -> tuple[Sheet, int]:
    sheet = _sheet(ss, req.get("sheetId"))
    index = req.get("index", 0)
    if not 0 <= index < len(sheet.conditional_formats):
        _fail(f"No conditional format on sheet {sheet.sheet_id} at index {index}")
    return sheet, index


def delete_conditional_format_rule(ss: Spreadsheet, req: dict, rng: random.Random) -> dict:
    sheet, index = _rule_at(ss, req)
    rule = sheet.conditional_formats.pop(index)
    return {"deleteConditionalFormatRule": {"rule": rule}}


def update_conditional_format_rule(ss: Spreadsheet, req: dict, rng: random.Random) -> dict:
    sheet, index = _rule_at(ss, req)
    old = sheet.conditional_formats[index]
    if "rule" in req:
        sheet.conditional_formats[index] = copy.deepcopy(req["rule"])
        return {"updateConditionalFormatRule": {"oldRule": old, "newRule": req["rule"],
                                                "oldIndex": index, "newIndex": index}}
    new_index = req.get("newIndex", index)
    sheet.conditional_formats.insert(new_index, sheet.conditional_formats.pop(index))
    return {"updateConditionalFormatRule": {"oldRule": old, "newRule": old,
                                            "oldIndex": index, "newIndex": new_index}}


_CONDITION_VALUES = {  # how many values a dropdown-like condition takes (None: one or more)
    "ONE_OF_RANGE": 1, "ONE_OF_LIST": None, "BOOLEAN": None,
}


def _check_rule(ss: Spreadsheet, rule: dict) -> None:
    """What Sheets checks of a DataValidationRule before storing it (wording not recorded)."""
    condition = rule.get("condition") or {}
    kind = condition.get("type")
    if not kind or kind == "CONDITION_TYPE_UNSPECIFIED":
        _fail("Invalid DataValidationRule: the condition type must be specified.")
    values = condition.get("values") or []
    wanted = _CONDITION_VALUES.get(kind, -1)
    if wanted == 1 and len(values) != 1:
        _fail(f"Invalid DataValidationRule: {kind} requires exactly one ConditionValue.")
    if wanted is None and kind == "ONE_OF_LIST" and not values:
        _fail("Invalid DataValidationRule: ONE_OF_LIST requires at least one ConditionValue.")
    if kind == "ONE_OF_RANGE":
        text = str(values[0].get("userEnteredValue", ""))
        if not text.startswith("="):
            _fail(f"Invalid DataValidationRule: ONE_OF_RANGE value must be a range formula "
                  f"(=Sheet!A1:A), got {text!r}.")
        try:  # absolute references ($A$2) name the same cells
            ss.resolve(text[1:].replace("$", ""))
        except ApiError:
            _fail(f"Invalid DataValidationRule: {text!r} is not a range of this spreadsheet.")


def set_data_validation(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    """One rule per range: a new rule for the same range replaces the old one; no rule clears
    it. Stored only (typing into the cells is not checked)."""
    gr = req.get("range", {})
    sheet, box = grid_rect(ss, gr)
    rule = req.get("rule")
    if rule is not None:
        _check_rule(ss, rule)
    sheet.data_validations = [v for v in sheet.data_validations if v["range"] != gr]
    if rule is not None:
        sheet.data_validations.append({"range": copy.deepcopy(gr), "rule": copy.deepcopy(rule)})


def _sort_key(cell: Cell) -> tuple:
    """Sheets' ascending order: numbers, then text (ignoring case), then booleans."""
    value = cell.value
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value).casefold())


def sort_range(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    """Rows of the range reordered by ``sortSpecs`` (the first spec decides first); blank cells
    of a sort column go last in either order. Only the range's columns move."""
    sheet, box = grid_rect(ss, req.get("range", {}))
    rows = [[sheet.cell(r, c) for c in range(box.start_col, box.end_col)]
            for r in range(box.start_row, box.end_row)]
    for spec in reversed(req.get("sortSpecs") or []):
        if "dimensionIndex" not in spec:
            _fail("sortSpecs[0]: only dimensionIndex is supported by the fake")
        i = spec["dimensionIndex"] - box.start_col
        if not 0 <= i < box.end_col - box.start_col:
            _fail(f"sortSpecs dimensionIndex {spec['dimensionIndex']} is outside the range")
        filled = [row for row in rows if row[i].value not in (None, "")]
        blank = [row for row in rows if row[i].value in (None, "")]
        filled.sort(key=lambda row, i=i: _sort_key(row[i]),
                    reverse=spec.get("sortOrder") == "DESCENDING")
        rows = filled + blank
    for r, row in enumerate(rows, start=box.start_row):
        for c, cell in enumerate(row, start=box.start_col):
            sheet.set_cell(r, c, cell)


def stored_range(sheet: Sheet, box: a1.Rect) -> dict:
    """A bounded GridRange as Sheets keeps and answers it."""
    return {"sheetId": sheet.sheet_id, "startRowIndex": box.start_row, "endRowIndex": box.end_row,
            "startColumnIndex": box.start_col, "endColumnIndex": box.end_col}


def _box(gr: dict) -> a1.Rect:
    return a1.Rect(gr["startRowIndex"], gr["startColumnIndex"], gr["endRowIndex"],
                   gr["endColumnIndex"])


def renumber(sheet: Sheet, sheet_id: int, rng: random.Random) -> None:
    """A copied tab's ranges name the copy; its protected ranges get ids of their own."""
    for gr in [*sheet.merges, *(p.get("range", {}) for p in sheet.protected_ranges),
               *([sheet.basic_filter.get("range", {})] if sheet.basic_filter else [])]:
        if "sheetId" in gr:
            gr["sheetId"] = sheet_id
    for p in sheet.protected_ranges:
        p["protectedRangeId"] = rng.randrange(1, 2**31 - 1)


def _overlap(a: a1.Rect, b: a1.Rect) -> bool:
    return a.start_row < b.end_row and b.start_row < a.end_row and \
        a.start_col < b.end_col and b.start_col < a.end_col


def _inside(inner: a1.Rect, outer: a1.Rect) -> bool:
    return outer.start_row <= inner.start_row and inner.end_row <= outer.end_row and \
        outer.start_col <= inner.start_col and inner.end_col <= outer.end_col


_MERGE_TYPES = ("MERGE_ALL", "MERGE_COLUMNS", "MERGE_ROWS")


def merge_cells(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    """MERGE_ALL makes one merge, MERGE_COLUMNS one per column, MERGE_ROWS one per row (recorded);
    a merge already there that the new range overlaps is replaced (recorded: MERGE_ALL over a
    MERGE_ROWS leaves one merge); a covered cell loses its value (only the top-left one's is kept)."""
    sheet, box = grid_rect(ss, req.get("range", {}))
    kind = req.get("mergeType", "MERGE_ALL")
    if kind not in _MERGE_TYPES:
        _fail(f"Invalid mergeType: {kind}")
    if kind == "MERGE_ALL":
        pieces = [box]
    elif kind == "MERGE_COLUMNS":
        pieces = [a1.Rect(box.start_row, c, box.end_row, c + 1)
                  for c in range(box.start_col, box.end_col)]
    else:
        pieces = [a1.Rect(r, box.start_col, r + 1, box.end_col)
                  for r in range(box.start_row, box.end_row)]
    pieces = [p for p in pieces if (p.end_row - p.start_row) * (p.end_col - p.start_col) > 1]
    sheet.merges = [m for m in sheet.merges if not _overlap(_box(m), box)]
    for piece in pieces:
        sheet.merges.append(stored_range(sheet, piece))
        for r in range(piece.start_row, piece.end_row):
            for c in range(piece.start_col, piece.end_col):
                if (r, c) != (piece.start_row, piece.start_col):
                    old = sheet.cell(r, c)
                    if not old.is_blank:
                        sheet.set_cell(r, c, old.with_value(None))


def unmerge_cells(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    """Every merge inside the range goes (recorded: one unmerge of A1:D4 removes five); the range
    must not cut through a merge (the API reference's rule; wording not recorded)."""
    sheet, box = grid_rect(ss, req.get("range", {}))
    for m in sheet.merges:
        if _overlap(_box(m), box) and not _inside(_box(m), box):
            _fail(f"The range {model.describe(box)} partially spans the merge "
                  f"{model.describe(_box(m))}: unmerge the whole merge.")
    sheet.merges = [m for m in sheet.merges if not _inside(_box(m), box)]


def set_basic_filter(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    """The filter's range is answered bounded by the grid (recorded: ``{"sheetId": 0}`` on a
    20 x 20 tab reads back as rows 0-20, columns 0-20)."""
    flt = copy.deepcopy(req.get("filter", {}))
    sheet, box = grid_rect(ss, flt.get("range", {}))
    flt["range"] = stored_range(sheet, box)
    sheet.basic_filter = flt


def clear_basic_filter(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    _sheet(ss, req.get("sheetId")).basic_filter = None


def add_protected_range(ss: Spreadsheet, req: dict, rng: random.Random,
                        account: str = "") -> dict:
    """Recorded: the range is kept bounded; the reply echoes the editors asked for (``{}`` when
    none), while the range itself lists its creator as an editor; ``requestingUserCanEdit`` is
    computed (true for the creator), whatever was sent."""
    pr = copy.deepcopy(req.get("protectedRange", {}))
    sheet, box = grid_rect(ss, pr.get("range", {}))
    pr["range"] = stored_range(sheet, box)
    if "protectedRangeId" not in pr:
        pr["protectedRangeId"] = rng.randrange(1, 2**31 - 1)
    asked = {k: v for k, v in (pr.get("editors") or {}).items() if v not in ([], None)}
    pr["requestingUserCanEdit"] = True
    ordered = {"protectedRangeId": pr.pop("protectedRangeId"), "range": pr.pop("range"), **pr}
    reply = {**copy.deepcopy(ordered), "editors": copy.deepcopy(asked)}
    users = [account] if account else []
    users += [u for u in asked.get("users", []) if u not in users]
    ordered["editors"] = {**asked, "users": users} if users else asked
    sheet.protected_ranges.append(ordered)
    return {"addProtectedRange": {"protectedRange": reply}}


def duplicate_sheet(ss: Spreadsheet, req: dict, rng: random.Random) -> dict:
    source = _sheet(ss, req.get("sourceSheetId"))
    title = req.get("newSheetName") or f"Copy of {source.title}"
    if _title_taken(ss, title):
        _fail(f'A sheet with the name "{title}" already exists. Please enter another name.')
    copy_ = source.clone()
    new_id = req.get("newSheetId") or rng.randrange(1, 2**31 - 1)
    copy_.properties.update({"sheetId": new_id, "title": title})
    renumber(copy_, new_id, rng)
    index = min(req.get("insertSheetIndex", len(ss.sheets)), len(ss.sheets))
    ss.sheets.insert(index, copy_)
    ss.reindex()
    return {"duplicateSheet": {"properties": copy.deepcopy(copy_.properties)}}


def _accept(ss: Spreadsheet, req: dict, rng: random.Random) -> None:
    """Requests with no effect on what the API lets us read back here."""
    for key in ("range", "dimensions"):
        gr = req.get(key)
        if isinstance(gr, dict) and "sheetId" in gr:
            _sheet(ss, gr.get("sheetId"))


HANDLERS: dict[str, Callable[[Spreadsheet, dict, random.Random], dict | None]] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "duplicateSheet": duplicate_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "appendDimension": append_dimension,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "moveDimension": move_dimension,
    "createDeveloperMetadata": create_developer_metadata,
    "deleteDeveloperMetadata": delete_developer_metadata,
    "repeatCell": repeat_cell,
    "sortRange": sort_range,
    "updateCells": update_cells,
    "addConditionalFormatRule": add_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
    "updateConditionalFormatRule": update_conditional_format_rule,
    "setDataValidation": set_data_validation,
    "mergeCells": merge_cells,
    "unmergeCells": unmerge_cells,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "addProtectedRange": add_protected_range,
    "updateDimensionProperties": _accept,
    "autoResizeDimensions": _accept,
    "updateBorders": _accept,
}


def batch_update(ss: Spreadsheet, body: dict, rng: random.Random, account: str = "") -> dict:
    """Apply all requests to ``ss`` (a snapshot the caller may discard); ``account`` is who
    asks (a protected range's first editor)."""
    requests_ = (body or {}).get("requests") or []
    if not requests_:
        raise bad_request("Must specify at least one request.")
    replies = []
    for i, req in enumerate(requests_):
        if not req:
            raise bad_request(f"Invalid requests[{i}]: No request set.")
        if len(req) > 1:
            raise bad_request(f"Invalid requests[{i}]: Only one kind of request may be set.")
        (kind, payload), = req.items()
        handler = HANDLERS.get(kind)
        if handler is None:
            raise FakeNotImplemented(f"spreadsheets.batchUpdate request {kind!r}")
        try:
            if handler is add_protected_range:
                reply = add_protected_range(ss, payload or {}, rng, account)
            else:
                reply = handler(ss, payload or {}, rng)
            ss.check_cell_limit()
        except RequestError as exc:
            raise bad_request(f"Invalid requests[{i}].{kind}: {exc}") from None
        except ApiError as exc:  # from the model: limits, resize
            raise bad_request(f"Invalid requests[{i}].{kind}: {exc.message}") from None
        replies.append(reply or {})
    return {"spreadsheetId": ss.spreadsheet_id, "replies": replies}

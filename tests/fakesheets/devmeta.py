"""Developer metadata: createDeveloperMetadata / deleteDeveloperMetadata, lookups by data
filter, and how column and row metadata move with the grid.

Copied behaviour (Sheets API v4 reference, DeveloperMetadata):

* Metadata sits on the spreadsheet, a sheet, or one row or column
  (``location.dimensionRange`` of exactly one index). Inserting or deleting
  rows/columns before it moves it; deleting its row/column deletes it;
  moveDimension carries it along; deleteSheet deletes the sheet's metadata.
* ``metadataId`` may be chosen by the caller (positive, unique in the
  spreadsheet), else one is assigned. The answer's location carries the
  read-only ``locationType`` (SPREADSHEET, SHEET, ROW, COLUMN).
* A ``developerMetadataLookup`` matches metadata whose given fields all
  match (id, key, value, visibility, locationType, metadataLocation with
  EXACT or INTERSECTING matching). As a values range, a matched column is the
  whole column of its tab, a row the whole row, a sheet the whole grid.
* A data filter that matches nothing selects no range: a write through it
  updates nothing (not verified against the live API: the reference does not
  say; the tool treats such a column as not written either way).
"""

from __future__ import annotations

import copy
import random

from . import a1
from .errors import bad_request
from .model import Sheet, Spreadsheet


def location_type(location: dict) -> str:
    if location.get("spreadsheet"):
        return "SPREADSHEET"
    if "dimensionRange" in location:
        return "ROW" if location["dimensionRange"].get("dimension") == "ROWS" else "COLUMN"
    return "SHEET"


def create(ss: Spreadsheet, req: dict, rng: random.Random, fail) -> dict:
    meta = copy.deepcopy(req.get("developerMetadata") or {})
    location = meta.get("location") or {}
    if not meta.get("metadataKey"):
        fail("metadataKey must be set")
    if meta.get("visibility") not in ("DOCUMENT", "PROJECT"):
        fail("visibility must be DOCUMENT or PROJECT")
    if "dimensionRange" in location:
        dr = location["dimensionRange"]
        sheet = ss.sheet_by_id(dr.get("sheetId", 0))
        if sheet is None:
            fail(f"No grid with id: {dr.get('sheetId', 0)}")
        start, end = dr.get("startIndex"), dr.get("endIndex")
        if dr.get("dimension") not in ("ROWS", "COLUMNS"):
            fail("dimension must be ROWS or COLUMNS")
        size = sheet.row_count if dr["dimension"] == "ROWS" else sheet.col_count
        if start is None or end is None or end - start != 1 or not 0 <= start < size:
            fail("Developer metadata may only be associated with a single row or column.")
    elif "sheetId" in location:
        if ss.sheet_by_id(location["sheetId"]) is None:
            fail(f"No grid with id: {location['sheetId']}")
    elif not location.get("spreadsheet"):
        fail("location must be set")
    location["locationType"] = location_type(location)
    meta["location"] = location
    taken = {m["metadataId"] for m in ss.developer_metadata}
    if "metadataId" in meta:
        if meta["metadataId"] <= 0:
            fail("metadataId must be positive")
        if meta["metadataId"] in taken:
            fail(f"Developer metadata with ID {meta['metadataId']} already exists.")
    else:
        meta["metadataId"] = rng.randrange(1, 2**31 - 1)
        while meta["metadataId"] in taken:
            meta["metadataId"] = rng.randrange(1, 2**31 - 1)
    ordered = {k: meta[k] for k in ("metadataId", "metadataKey", "metadataValue", "location",
                                    "visibility") if k in meta}
    ss.developer_metadata.append(ordered)
    return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(ordered)}}


def delete(ss: Spreadsheet, req: dict, fail) -> dict:
    lookup = (req.get("dataFilter") or {}).get("developerMetadataLookup")
    if lookup is None:
        fail("dataFilter.developerMetadataLookup must be set")
    gone = [m for m in ss.developer_metadata if matches(m, lookup)]
    ss.developer_metadata = [m for m in ss.developer_metadata if m not in gone]
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": copy.deepcopy(gone)}}


def _location_matches(meta: dict, wanted: dict, strategy: str) -> bool:
    have = meta["location"]
    if wanted.get("spreadsheet"):
        return bool(have.get("spreadsheet")) or strategy == "INTERSECTING_LOCATION"
    if "dimensionRange" in wanted:
        return have.get("dimensionRange") and all(
            have["dimensionRange"].get(k) == wanted["dimensionRange"].get(k)
            for k in ("sheetId", "dimension", "startIndex", "endIndex"))
    if "sheetId" in wanted:
        sheet_of = have.get("sheetId", (have.get("dimensionRange") or {}).get("sheetId"))
        if "dimensionRange" in have and strategy != "INTERSECTING_LOCATION":
            return False
        return sheet_of == wanted["sheetId"]
    return True


def matches(meta: dict, lookup: dict) -> bool:
    if "metadataId" in lookup and meta["metadataId"] != lookup["metadataId"]:
        return False
    for key in ("metadataKey", "metadataValue", "visibility"):
        if key in lookup and meta.get(key) != lookup[key]:
            return False
    if "locationType" in lookup and meta["location"]["locationType"] != lookup["locationType"]:
        return False
    if "metadataLocation" in lookup:
        strategy = lookup.get("locationMatchingStrategy", "EXACT_LOCATION")
        if not _location_matches(meta, lookup["metadataLocation"], strategy):
            return False
    return True


def ranges_of(ss: Spreadsheet, data_filter: dict) -> list[tuple[Sheet, a1.Rect]]:
    """What a DataFilter selects: (tab, rectangle) per match, in the grid's bounds."""
    if "a1Range" in data_filter:
        sheet, rect = ss.resolve(data_filter["a1Range"])
        return [(sheet, (rect or a1.Rect()).clip(sheet.row_count, sheet.col_count))]
    if "gridRange" in data_filter:
        gr = data_filter["gridRange"]
        sheet = ss.sheet_by_id(gr.get("sheetId", 0))
        if sheet is None:
            raise bad_request(f"No grid with id: {gr.get('sheetId', 0)}")
        rect = a1.Rect(gr.get("startRowIndex", 0), gr.get("startColumnIndex", 0),
                       gr.get("endRowIndex"), gr.get("endColumnIndex"))
        return [(sheet, rect.clip(sheet.row_count, sheet.col_count))]
    lookup = data_filter.get("developerMetadataLookup")
    if lookup is None:
        raise bad_request("Invalid dataFilter: no filter set")
    out = []
    for meta in ss.developer_metadata:
        if not matches(meta, lookup):
            continue
        location = meta["location"]
        if "dimensionRange" in location:
            dr = location["dimensionRange"]
            sheet = ss.sheet_by_id(dr["sheetId"])
            if dr["dimension"] == "COLUMNS":
                rect = a1.Rect(0, dr["startIndex"], sheet.row_count, dr["endIndex"])
            else:
                rect = a1.Rect(dr["startIndex"], 0, dr["endIndex"], sheet.col_count)
        elif "sheetId" in location:
            sheet = ss.sheet_by_id(location["sheetId"])
            rect = a1.Rect(0, 0, sheet.row_count, sheet.col_count)
        else:
            continue  # spreadsheet-level metadata selects no single grid
        out.append((sheet, rect))
    return out


# -- movement with the grid -----------------------------------------------------------------

def _on(meta: dict, sheet_id: int, dimension: str) -> dict | None:
    dr = meta["location"].get("dimensionRange")
    if dr and dr["sheetId"] == sheet_id and dr["dimension"] == dimension:
        return dr
    return None


def inserted(ss: Spreadsheet, sheet_id: int, dimension: str, start: int, count: int) -> None:
    for meta in ss.developer_metadata:
        dr = _on(meta, sheet_id, dimension)
        if dr and dr["startIndex"] >= start:
            dr["startIndex"] += count
            dr["endIndex"] += count


def deleted(ss: Spreadsheet, sheet_id: int, dimension: str, start: int, end: int) -> None:
    kept = []
    for meta in ss.developer_metadata:
        dr = _on(meta, sheet_id, dimension)
        if dr and start <= dr["startIndex"] < end:
            continue
        if dr and dr["startIndex"] >= end:
            dr["startIndex"] -= end - start
            dr["endIndex"] -= end - start
        kept.append(meta)
    ss.developer_metadata = kept


def moved(ss: Spreadsheet, sheet_id: int, dimension: str, start: int, end: int,
          destination: int) -> None:
    """moveDimension: [start, end) goes before index ``destination`` (of the grid before the
    move), like the API."""
    count = end - start
    for meta in ss.developer_metadata:
        dr = _on(meta, sheet_id, dimension)
        if not dr:
            continue
        i = dr["startIndex"]
        if start <= i < end:
            new = i - start + (destination if destination < start else destination - count)
        elif destination <= i < start:
            new = i + count
        elif end <= i < destination:
            new = i - count
        else:
            new = i
        dr["startIndex"], dr["endIndex"] = new, new + 1


def sheet_deleted(ss: Spreadsheet, sheet_id: int) -> None:
    ss.developer_metadata = [
        m for m in ss.developer_metadata
        if m["location"].get("sheetId") != sheet_id
        and (m["location"].get("dimensionRange") or {}).get("sheetId") != sheet_id]


def column_metadata(ss: Spreadsheet, sheet: Sheet, col: int) -> list[dict]:
    return [copy.deepcopy(m) for m in ss.developer_metadata
            if (dr := _on(m, sheet.sheet_id, "COLUMNS")) and dr["startIndex"] == col]


def sheet_metadata(ss: Spreadsheet, sheet: Sheet) -> list[dict]:
    return [copy.deepcopy(m) for m in ss.developer_metadata
            if m["location"].get("sheetId") == sheet.sheet_id and "dimensionRange" not in m["location"]]

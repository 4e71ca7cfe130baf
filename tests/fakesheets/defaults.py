"""Strict answers: what Google leaves out of a Sheets answer (``FakeGoogle(strict_answers=True)``,
the default).

Sheets answers are proto3 JSON: a plain scalar field holding its default (0, false, "") is not
sent, nor is ``null``; fields with presence (the wrapper-typed ones) are sent even at 0. Which
is which was read off the recordings (../shared/fixtures/sheets-api-recordings*):

* GridRange: ``sheetId: 0`` left out, ``startRowIndex: 0`` kept (merges, filters, protected
  ranges); DimensionRange's ``sheetId: 0`` left out likewise (inferred: the same plain int32).
* SheetProperties: ``sheetId: 0`` and ``index: 0`` kept; ``hidden: false`` left out (recorded:
  unhiding a tab removes the key), ``rightToLeft: false`` likewise.
* GridProperties: ``frozenRowCount: 0``, ``frozenColumnCount: 0``, ``hideGridlines: false``
  (recorded), ``rowGroupControlAfter`` / ``columnGroupControlAfter: false`` left out.
* Color: each channel at 0 left out (``{"red": 1, "blue": 0.49803922}``, black is ``{}``);
  an empty ColorStyle (no rgbColor, no themeColor) is no colour at all: left out.
* TextFormat keeps ``bold: false`` and the like (recorded in ``defaultFormat``): not pruned.
* ProtectedRange: ``warningOnly: false``, ``requestingUserCanEdit: false``, ``description: ""``.
* DataValidationRule: ``strict: false``, ``showCustomUi: false``.
* UpdateValuesResponse and the batch totals: a count of 0 left out.

Cell values are never touched: ``values`` arrays and ExtendedValue (a oneof: ``numberValue: 0``
is sent) are not pruned.
"""

from __future__ import annotations

from typing import Any

_GRID_RANGE = {"sheetId", "startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"}
_DIMENSION_RANGE = {"sheetId", "dimension", "startIndex", "endIndex"}
_CHANNELS = {"red", "green", "blue", "alpha"}
_FALSE_OR_ZERO = {
    "gridProperties": {"frozenRowCount", "frozenColumnCount", "hideGridlines",
                       "rowGroupControlAfter", "columnGroupControlAfter"},
}
_SHEET_PROPERTIES_FALSE = {"hidden", "rightToLeft"}
_PROTECTED_RANGE_DEFAULTS = {"warningOnly": False, "requestingUserCanEdit": False, "description": ""}
_VALIDATION_RULE_FALSE = {"strict", "showCustomUi"}
_COUNTS = {"updatedRows", "updatedColumns", "updatedCells", "totalUpdatedRows",
           "totalUpdatedColumns", "totalUpdatedCells", "totalUpdatedSheets"}
_VALUE_KEYS = {"userEnteredValue", "effectiveValue", "formattedValue",
               "metadataValue"}  # cell contents and the like: never pruned


def is_grid_range(obj: dict) -> bool:
    return bool(obj) and set(obj) <= _GRID_RANGE


def prune(obj: Any, key: str = "") -> Any:
    """A copy of a Sheets answer without what Google would leave out (see module doc)."""
    if isinstance(obj, list):
        return [prune(item, key) for item in obj]
    if not isinstance(obj, dict):
        return obj
    out: dict[str, Any] = {}
    for k, v in obj.items():
        if v is None:
            continue
        grid = k == "values" and isinstance(v, list) and v and isinstance(v[0], list)
        out[k] = v if k in _VALUE_KEYS or grid else prune(v, k)  # a ValueRange's rows: as is
    a_range = is_grid_range(out) or (set(out) <= _DIMENSION_RANGE and "dimension" in out)
    if a_range and out.get("sheetId") == 0:
        del out["sheetId"]
    if out and set(out) <= _CHANNELS:
        out = {k: v for k, v in out.items() if v != 0}
    for name in _FALSE_OR_ZERO.get(key, ()):
        if out.get(name) in (0, False):
            out.pop(name, None)
    if "sheetType" in out and "title" in out:  # SheetProperties
        for name in _SHEET_PROPERTIES_FALSE:
            if out.get(name) is False:
                del out[name]
    if "protectedRangeId" in out:
        for name, default in _PROTECTED_RANGE_DEFAULTS.items():
            if name in out and out[name] == default and type(out[name]) is type(default):
                del out[name]
    if "condition" in out:  # DataValidationRule
        for name in _VALIDATION_RULE_FALSE:
            if out.get(name) is False:
                del out[name]
    for name in _COUNTS:
        if out.get(name) == 0:
            del out[name]
    for name in [k for k in out if k.endswith("ColorStyle") and out[k] == {}]:
        del out[name]
    return out

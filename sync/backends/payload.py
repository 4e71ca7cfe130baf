"""Writes within Google's recommended payload: a large ``values:batchUpdate`` cut into requests of
at most ~2 MB of JSON each. Pure functions, no I/O.

Google recommends a maximum of 2 MB per request ("Usage limits": a larger payload is slower and
more likely to time out, and a retried timeout re-sends all of it). The cut is by bytes, never per
row: a first write of 100,000 rows (about 13 MB) becomes 7 requests, not 100,000.

Several requests are no longer atomic together, so the order matters: :func:`in_write_order`
puts the ranges in the order the planner produced the tabs (the responses' own columns first,
then the status tabs, the log line last), and :func:`split_value_ranges` keeps that order, cutting
a range too big for one request into runs of rows top to bottom. If request k fails, requests
1..k-1 are applied and the rest is not: the status never claims more than the responses' columns
show, and no log line records a write that did not finish. The next cycle diffs and repairs.

:func:`split_requests` does the same for the ``spreadsheets:batchUpdate`` that adds tabs, grows
grids and colours status cells (thousands of units' colours can pass 2 MB too).

Works on the ``data`` items of ``values:batchUpdate`` (ValueRange: ``range``) and of
``values:batchUpdateByDataFilter`` (DataFilterValueRange: ``dataFilter.a1Range``). A
DataFilterValueRange that locates its cells another way (developer metadata) is never cut: it
has no row numbers to cut at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence

MAX_BODY_BYTES = 2_000_000  # Google's recommended maximum payload per request
ENVELOPE_BYTES = 200  # {"valueInputOption": "RAW", "includeValuesInResponse": ..., "data": [...]}

_A1 = re.compile(r"^(?P<tab>.*)!(?P<c1>[A-Z]+)(?P<r1>\d+)(?::(?P<c2>[A-Z]+)(?P<r2>\d+))?$")


def body_bytes(item: object) -> int:
    """How many bytes ``item`` adds to a request body, as requests serialises ``json=``
    (``json.dumps`` with ASCII escapes: one Vietnamese letter is 6 bytes)."""
    return len(json.dumps(item, allow_nan=False))


def a1_of(item: dict) -> str | None:
    """The A1 range of a ValueRange or of a DataFilterValueRange located by A1; else None."""
    if "range" in item:
        return item["range"]
    return (item.get("dataFilter") or {}).get("a1Range")


def tab_of(item: dict) -> str | None:
    """The tab title of an item's A1 range (quotes undone), or None."""
    found = _A1.match(a1_of(item) or "")
    if not found:
        return None
    tab = found.group("tab")
    if tab.startswith("'") and tab.endswith("'"):
        tab = tab[1:-1].replace("''", "'")
    return tab


def in_write_order(data: Sequence[dict], tabs: Sequence[str],
                   tab: Callable[[dict], str | None] = tab_of) -> list[dict]:
    """``data`` stably sorted by the position of each item's tab in ``tabs`` (the order the
    planner produced them: responses' columns, status, detail, reminders, log). Items whose tab
    is unknown (not in ``tabs``, or located by developer metadata) go first, in their order."""
    rank = {title: i + 1 for i, title in enumerate(tabs)}
    return sorted(data, key=lambda item: rank.get(tab(item) or "", 0))


def split_value_ranges(data: Sequence[dict], limit: int = MAX_BODY_BYTES) -> list[list[dict]]:
    """``data`` cut into consecutive parts whose JSON fits ``limit`` bytes with the envelope.

    Items are packed greedily in the order given (never reordered); an item larger than a
    request is cut into runs of whole rows. A single row larger than a request goes alone (it
    cannot be cut without splitting the row). O(total bytes / limit) parts.
    """
    budget = max(limit - ENVELOPE_BYTES, 1)
    parts: list[list[dict]] = []
    current: list[dict] = []
    used = 0
    for item in data:
        size = body_bytes(item) + 2  # ", " between items
        pieces = [(item, size)] if size <= budget else _row_runs(item, budget)
        for piece, piece_size in pieces:
            if current and used + piece_size > budget:
                parts.append(current)
                current, used = [], 0
            current.append(piece)
            used += piece_size
    if current:
        parts.append(current)
    return parts


def _row_runs(item: dict, budget: int) -> list[tuple[dict, int]]:
    """A range too big for one request as runs of whole rows, each (item, bytes) within
    ``budget`` when a row allows; the range's columns stay, its rows are renumbered."""
    found = _A1.match(a1_of(item) or "")
    values = item.get("values") or []
    if not found or item.get("majorDimension", "ROWS") != "ROWS" or len(values) < 2:
        return [(item, body_bytes(item) + 2)]
    tab, c1, first = found.group("tab"), found.group("c1"), int(found.group("r1"))
    c2 = found.group("c2") or c1
    skeleton = dict(item, values=[])
    overhead = body_bytes(skeleton) + 40  # the renumbered range may be a few digits longer
    runs: list[tuple[dict, int]] = []
    start, run_bytes = 0, overhead
    for i, row in enumerate(values):
        row_bytes = body_bytes(row) + 2
        if i > start and run_bytes + row_bytes > budget:
            runs.append(_run(item, tab, c1, c2, first, values, start, i))
            start, run_bytes = i, overhead
        run_bytes += row_bytes
    runs.append(_run(item, tab, c1, c2, first, values, start, len(values)))
    return runs


def _run(item: dict, tab: str, c1: str, c2: str, first: int, values: list, start: int,
         end: int) -> tuple[dict, int]:
    a1 = f"{tab}!{c1}{first + start}:{c2}{first + end - 1}"
    if "range" in item:
        piece = dict(item, range=a1, values=values[start:end])
    else:
        piece = dict(item, dataFilter=dict(item["dataFilter"], a1Range=a1), values=values[start:end])
    return piece, body_bytes(piece) + 2


def split_requests(requests_: Sequence[dict], limit: int = MAX_BODY_BYTES) -> list[list[dict]]:
    """``spreadsheets:batchUpdate`` requests cut into consecutive parts under ``limit`` bytes.

    Order is kept (an ``addSheet`` stays before the colours of its new tab); an ``updateCells``
    too big for one request (the status colours of thousands of units) is cut into runs of rows.
    """
    budget = max(limit - ENVELOPE_BYTES, 1)
    parts: list[list[dict]] = []
    current: list[dict] = []
    used = 0
    for request in requests_:
        size = body_bytes(request) + 2
        pieces = [(request, size)] if size <= budget else _cell_runs(request, budget)
        for piece, piece_size in pieces:
            if current and used + piece_size > budget:
                parts.append(current)
                current, used = [], 0
            current.append(piece)
            used += piece_size
    if current:
        parts.append(current)
    return parts


def _cell_runs(request: dict, budget: int) -> list[tuple[dict, int]]:
    """An ``updateCells`` with a ``start`` cut into runs of whole rows; anything else whole."""
    update = request.get("updateCells")
    if not update or "start" not in update or len(update.get("rows") or []) < 2:
        return [(request, body_bytes(request) + 2)]
    rows, start = update["rows"], update["start"]
    overhead = body_bytes({"updateCells": dict(update, rows=[])}) + 20
    runs: list[tuple[dict, int]] = []
    first, used = 0, overhead
    for i, row in enumerate(rows):
        row_bytes = body_bytes(row) + 2
        if i > first and used + row_bytes > budget:
            runs.append(_cells_piece(update, start, rows, first, i))
            first, used = i, overhead
        used += row_bytes
    runs.append(_cells_piece(update, start, rows, first, len(rows)))
    return runs


def _cells_piece(update: dict, start: dict, rows: list, first: int, end: int) -> tuple[dict, int]:
    piece = {"updateCells": dict(update, start=dict(start, rowIndex=start.get("rowIndex", 0) + first),
                                 rows=rows[first:end])}
    return piece, body_bytes(piece) + 2

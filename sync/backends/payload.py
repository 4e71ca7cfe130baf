"""The ``spreadsheets:batchUpdate`` within Google's recommended payload: its requests (new tabs,
grids, anchors, status colours) cut into parts of at most ~2 MB of JSON each. Pure, no I/O.

Google recommends a maximum of 2 MB per request ("Usage limits": a larger payload is slower and
more likely to time out, and a retried timeout re-sends all of it). The status colours of
thousands of units can pass that. The cut is by bytes, never per row, and keeps the order: an
``addSheet`` stays before the colours of its new tab; an ``updateCells`` too big for one request
is cut into runs of rows. (The values go through ``sheets_requests.column_ranges``, which cuts
them the same way, addressed by the tool columns' anchors.)
"""

from __future__ import annotations

import json
from collections.abc import Sequence

MAX_BODY_BYTES = 2_000_000  # Google's recommended maximum payload per request
ENVELOPE_BYTES = 200  # {"requests": [...]} around the requests


def body_bytes(item: object) -> int:
    """How many bytes ``item`` adds to a request body, as requests serialises ``json=``
    (``json.dumps`` with ASCII escapes: one Vietnamese letter is 6 bytes)."""
    return len(json.dumps(item, allow_nan=False))


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

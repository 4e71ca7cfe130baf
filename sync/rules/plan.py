"""What to write: the cells the tool owns, diffed against what the sheet holds now.

Pure: existing tabs and desired values in, a :class:`WriteBatch` out. A cell is written only when
its value differs; a tab or column is created only when missing; a grid grows only when the write
would not fit. Cells whose header the tool does not own are never in a batch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat

from sync.rules.book import (
    NEW_TAB_SIZE,
    WHOLE_COLUMN,
    Cell,
    CellColour,
    CellGuard,
    CellRun,
    CellWrite,
    ColumnChoice,
    Doubled,
    Tab,
    WriteBatch,
    column_of,
    same_value,
)
from sync.rules.models import Status
from sync.rules.text import clean, header_key, nfc

STATUS_COLOURS = {
    Status.ON_TIME: "#B7E1CD",  # green
    Status.LATE: "#FCE8B2",  # amber
    Status.INCOMPLETE: "#FCE8B2",
    Status.OVERDUE: "#F4C7C3",  # red
    Status.EXEMPT: "#D9D9D9",  # grey
    Status.PENDING: None,
}


@dataclass(frozen=True)
class Colouring:
    """Which columns carry a background colour, and the colour of a value (None: no colour).

    Only cells of these columns get a colour request, and only when their value changes, so a
    new submission time costs no formatting request."""

    headers: frozenset[str]
    colour_of: Callable[[Cell], str | None]


ABSENT = object()  # a row that leaves a column out


def _differs(existing: Cell, value: Cell) -> bool:
    """Whether writing ``value`` changes what the cell holds. Equal text, or an empty cell and
    "", are settled without normalising (the common case, hundreds of thousands of cells);
    only text that differs as typed is compared after NFC."""
    if type(value) is str:
        if type(existing) is str:
            return existing != value and nfc(existing) != nfc(value)
        if existing is None:  # printable text holds no invisible character: not "" after NFC
            return value != "" and (value.isprintable() or nfc(value) != "")
    return not same_value(existing, value)


class _Grid:
    """Where owned headers and rows sit in an existing (or new) tab."""

    def __init__(self, title: str, tab: Tab | None, headers: Sequence[str],
                 formats: Mapping[str, str] | None = None):
        self.title, self.tab = title, tab
        self.batch = WriteBatch()
        values = tab.values if tab else []
        header_row = [clean(v) for v in (values[0] if values else [])]
        self.col: dict[str, int] = {}
        where: dict[str, list[int]] = {}
        for i, text in enumerate(header_row):
            where.setdefault(header_key(text), []).append(i + 1)
        index = {key: cols[0] for key, cols in where.items()}
        # A tool header on several columns (staff pasted a copy of a tool column): the tool's
        # own is the anchored one, when one is; else the header's column is not planned at all
        # (``unsure``), rather than written over what may be staff's copy.
        self.unsure: set[str] = set()
        for header in headers:
            cols = where.get(header_key(header), [])
            if len(cols) > 1 and clean(header):
                mine = [c for c in cols if tab is not None and c in tab.anchored]
                written = mine[0] if len(mine) == 1 else None
                self.batch.doubled.append(Doubled(title, header, tuple(cols), written))
                if written is None:
                    self.unsure.add(header)
                else:
                    index[header_key(header)] = written
        # A new column goes right of the last non-empty cell of any row: staff's unheaded notes
        # beside the table are theirs.
        next_col = max(map(len, values), default=0) + 1
        self.new_cols: set[int] = set()
        self._columns: dict[int, list[Cell]] = {}
        for header in headers:
            if header in self.unsure:
                continue
            col = index.get(header_key(header))
            if col is None:
                col, next_col = next_col, next_col + 1
                self.batch.cells.append(CellWrite(title, 1, col, header))
                if formats and header in formats:
                    self.batch.number_formats[(title, col)] = formats[header]
                if tab is not None:  # the whole column must still be empty when written:
                    self.new_cols.add(col)  # the tool owns every cell of it afterwards
                    self.batch.guards.append(CellGuard(title, WHOLE_COLUMN, col, ""))
            elif tab is not None:
                self.batch.guards.append(CellGuard(title, 1, col, header))
            self.col[header] = col
        self.last_row = len(values)
        self.max_col = max([next_col - 1, *self.col.values()], default=1)
        # what the batch writes, kept as it is planned (a first cycle plans hundreds of
        # thousands of cells: finish() does not read them again)
        self.written_cols: set[int] = {c.col for c in self.batch.cells}
        self.bottom = 1 if self.batch.cells else 0

    def column(self, header: str) -> list[Cell]:
        """The existing cells of ``header``'s column, index 0 = row 1 (taken once per column:
        a plan compares hundreds of thousands of cells)."""
        col = self.col[header]
        found = self._columns.get(col)
        if found is None:  # a column made this cycle is empty (its guard checks it still is)
            values = self.tab.values if self.tab and col not in self.new_cols else []
            found = self._columns[col] = column_of(values, col - 1)
        return found

    def wrote(self, col: int, rows: Sequence[int] = ()) -> None:
        """Note what the batch writes in ``col``: cells at ``rows``, or (no rows) colours."""
        self.written_cols.add(col)
        if rows:
            self.bottom = max(self.bottom, rows[-1] if isinstance(rows, range) else max(rows))

    def put(self, row: int, header: str, value: Cell, colouring: Colouring | None,
            repaint: bool = False) -> None:
        column = self.column(header)
        self.diff(row, header, column[row - 1] if row <= len(column) else None,
                  "" if value is None else value, colouring, repaint)

    def diff(self, row: int, header: str, existing: Cell, value: Cell,
             colouring: Colouring | None, repaint: bool = False) -> None:
        """Write ``value`` at ``row`` unless the sheet holds it already (``existing``)."""
        coloured = colouring is not None and header in colouring.headers
        if not _differs(existing, value):
            if repaint and coloured and self.tab is not None:  # value right, colour unknown
                self.batch.colours.append(CellColour(self.title, row, self.col[header],
                                                     colouring.colour_of(value)))
                self.wrote(self.col[header])
            return
        col = self.col[header]
        self.batch.cells.append(CellWrite(self.title, row, col, value))
        self.wrote(col, (row,))
        if coloured:
            colour = colouring.colour_of(value)
            if colour is not None or self.tab is not None:
                self.batch.colours.append(CellColour(self.title, row, col, colour))

    def finish(self) -> WriteBatch:
        if not self.batch.cells and not self.batch.colours:  # (formats come with a header cell)
            return WriteBatch(doubled=self.batch.doubled)
        self.batch.guards = [g for g in self.batch.guards if g.col in self.written_cols]
        rows = max(self.last_row, self.bottom, 1)
        cols = max(self.max_col, max(self.written_cols, default=1))
        if self.tab is None:
            self.batch.new_tabs[self.title] = (max(NEW_TAB_SIZE[0], rows), max(NEW_TAB_SIZE[1], cols))
        elif rows > self.tab.rows or cols > self.tab.cols:
            self.batch.grow[self.title] = (max(rows, self.tab.rows), max(cols, self.tab.cols))
        return self.batch


def plan_keyed_table(
    tab: Tab | None,
    title: str,
    key_headers: Sequence[str],
    headers: Sequence[str],
    rows: Sequence[Mapping[str, Cell]] | Table,
    colouring: Colouring | None = None,
    staff_headers: Sequence[str] = (),
    formats: Mapping[str, str] | None = None,
    repaint: bool = False,
    keep: Callable[[tuple[str, ...]], bool] | None = None,
    beside: bool = False,
) -> WriteBatch:
    """A table with one row per key (e.g. unit code). Existing rows keep their place (staff may
    have sorted or annotated them); new keys go at the bottom; rows whose key is gone get their
    owned cells blanked, unless ``keep(key)``. ``rows``: a dict per row, or a :class:`Table`
    (one list per column: what the big tabs give). ``headers`` are the columns in the order a
    new tab gets them, key headers first; those in ``staff_headers`` are staff's: their header
    is created, their cells never written. ``formats`` (header -> number format) formats a
    column when it is created. ``repaint``: send every coloured cell's colour even where the
    value is unchanged (after a failed write, the colours on the sheet may not match its
    values). ``beside``: the tab holds another table side by side with this one: new keys go
    below this table's own last non-empty row, not below the tab's."""
    grid = _Grid(title, tab, headers, formats)
    if grid.unsure.intersection(key_headers):  # rows cannot be told apart: the tab waits
        return WriteBatch(doubled=grid.batch.doubled)
    headers = [h for h in headers if h not in staff_headers and h not in grid.unsure]
    table = rows if isinstance(rows, Table) else Table.of_rows(rows, headers)
    where: dict[tuple[str, ...], int] = {}
    if tab is not None:
        existing_keys = zip(*(map(clean, grid.column(h)[1:]) for h in key_headers), strict=True)
        for r, key in enumerate(existing_keys, start=2):
            if any(key):
                where.setdefault(key, r)
    next_row = max(_own_last_row(grid, headers) if beside else grid.last_row, 1) + 1
    at: Sequence[int]  # the sheet row of each row of the table
    if not where:  # a new (or empty) tab: the rows in the table's order
        wanted: set[tuple[str, ...]] = set()
        at = range(next_row, next_row + len(table.columns[key_headers[0]]))
    else:
        keys = list(zip(*(map(clean, table.columns[h]) for h in key_headers), strict=True))
        wanted, at = set(keys), []
        for key in keys:
            row = where.get(key)
            if row is None:
                row, next_row = next_row, next_row + 1
            at.append(row)
    # column by column: each existing column is taken once, an unchanged cell costs a comparison
    for header in headers:
        news = table.columns.get(header)
        if news is None:
            continue
        column = grid.column(header)
        known = len(column)
        olds = [column[row - 1] if row <= known else None for row in at] if known else [None] * len(at)
        written = _plan_column(grid, header, at, olds, news)
        if colouring is not None and header in colouring.headers:  # colours follow the value
            _plan_colours(grid, header, colouring, at, news, written, repaint)
    for key, row in where.items():
        if key not in wanted and not (keep and keep(key)):
            for header in headers:
                if header not in key_headers:
                    grid.put(row, header, "", colouring, repaint)
    return grid.finish()


def _own_last_row(grid: _Grid, headers: Sequence[str]) -> int:
    """The last row where any of ``headers``' columns holds something (1: the header row)."""
    last = 1
    for header in headers:
        if header not in grid.col:
            continue
        column = grid.column(header)
        for row in range(len(column), last, -1):
            if column[row - 1] not in (None, ""):
                last = row
                break
    return last


def plan_choice(batch: WriteBatch, title: str, header: str, source_tab: Tab | None,
                source_header: Sequence[str], hint: str = "") -> WriteBatch:
    """A dropdown on the column ``header`` of ``title``, listing ``source_tab``'s column
    ``source_header``; planned only when ``batch`` creates that column's header, so a cycle
    with nothing new sends nothing (the rule follows the source column by itself)."""
    created = next((c for c in batch.cells if type(c) is CellWrite and c.tab == title
                    and c.row == 1 and c.value == header), None)
    if created is None or source_tab is None or not source_tab.values:
        return WriteBatch()
    keys = [header_key(h) for h in source_header]
    source_col = next((i + 1 for i, h in enumerate(source_tab.values[0])
                       if header_key(h) in keys), None)
    if source_col is None:
        return WriteBatch()
    return WriteBatch(choices=[ColumnChoice(title, created.col, source_tab.title, source_col, hint)])


def plan_row_columns(
    tab: Tab, headers: Sequence[str], rows: Sequence[int], columns: Mapping[str, Sequence[Cell]]
) -> WriteBatch:
    """Tool-owned columns at the right of a responses tab: ``columns`` gives each header's
    values, one per sheet row of ``rows`` (ascending); other rows (blank rows) are blanked.
    Diffed column by column."""
    grid = _Grid(tab.title, tab, headers)
    last = max(len(tab.values), rows[-1] if rows else 1)
    contiguous = isinstance(rows, range) and rows.start == 2 and rows.step == 1
    every = range(2, last + 1)
    for header in headers:
        if header in grid.unsure:
            continue
        wanted = columns.get(header, ())
        if contiguous:
            values = [*wanted, *[""] * (last - 1 - len(wanted))]
        else:
            values = [""] * (last - 1)
            for row, value in zip(rows, wanted, strict=True):
                values[row - 2] = value
        existing = grid.column(header)[1:last]
        _plan_column(grid, header, every, [*existing, *[None] * (last - 1 - len(existing))], values)
    return grid.finish()


def _plan_column(grid: _Grid, header: str, rows: Sequence[int], olds: Sequence[Cell],
                 news: Sequence[object]) -> list[int]:
    """Write ``news[k]`` (None: "", ``ABSENT``: leave alone) at sheet row ``rows[k]`` of
    ``header``'s column where it differs from ``olds[k]``. Equal cells are passed over at C
    speed, only cells whose value or type differs are compared closely (:func:`_differs`), and
    the writes are made as tuples without a Python call each (a first cycle plans hundreds of
    thousands). Returns the positions written."""
    # onto an empty cell, whether a value changes it depends on the value alone: decided once
    # per distinct value (a tool column repeats a few texts on thousands of rows)
    if olds.count(None) == len(olds):  # an empty column (a new tab or column): one pass
        idle = _idle(set(news))
        write = ([k for k, v in enumerate(news) if v not in idle] if idle
                 else range(len(news)))  # (None is idle: the values are written as they are)
    else:
        changed = [k for k, old, new in zip(range(len(news)), olds, news, strict=True)
                   if old != new or type(old) is not type(new)]
        idle = _idle({news[k] for k in changed if olds[k] is None})
        write = [k for k in changed if (news[k] not in idle if olds[k] is None else news[k] is not ABSENT
                                        and _differs(olds[k], "" if news[k] is None else news[k]))]  # type: ignore[arg-type]
    if len(write) == len(news) and None not in news:  # every value is written, as it is
        at, values = rows, news
    else:
        at = [rows[k] for k in write]
        values = ["" if news[k] is None else news[k] for k in write]
    col = grid.col[header]
    if at:  # one run for the column, not an object per cell
        grid.batch.cells.append(CellRun(grid.title, col, at, values))
        grid.wrote(col, at)
    return write


def _idle(values: set[object]) -> set[object]:
    """Those of ``values`` that leave an empty cell as it is (None and "" among them,
    ``ABSENT``). Text with a visible character is written: the common case is settled for
    every distinct value in one pass, without a call each."""
    if set(map(type, values)) == {str} and "".join(values).isprintable():  # type: ignore[arg-type]
        return values & {""}  # (text only, all printable: at C speed)
    # a number always shows (as digits); printable text with a character too
    unsure = {v for v in values if v.__class__ not in (int, float)
              and (v.__class__ is not str or not v or not v.isprintable())}
    return {v for v in unsure if not _takes(v)}


def _takes(value: object) -> bool:
    """Whether ``value`` (None: "", ``ABSENT``: nothing) changes an empty cell."""
    return value is not ABSENT and _differs(None, "" if value is None else value)  # type: ignore[arg-type]


def _plan_colours(grid: _Grid, header: str, colouring: Colouring, rows: Sequence[int],
                  news: Sequence[object], written: Sequence[int], repaint: bool) -> None:
    """The colours of ``header``'s cells: each written cell's (a new tab needs none where the
    value has no colour); with ``repaint``, every cell's of an existing tab. A colour is decided
    once per distinct value."""
    positions: Sequence[int] = written
    if repaint and grid.tab is not None:
        positions = [k for k in range(len(news)) if news[k] is not ABSENT]
    if not positions:
        return
    values = list(map(news.__getitem__, positions))
    colour_of = {v: colouring.colour_of("" if v is None else v) for v in set(values)}  # type: ignore[arg-type]
    shades = list(map(colour_of.__getitem__, values))
    if grid.tab is None:  # a new tab: no colour to clear
        kept = [k for k, shade in enumerate(shades) if shade is not None]
        positions, shades = [positions[k] for k in kept], [shades[k] for k in kept]
    col = grid.col[header]
    grid.batch.colours.extend(map(tuple.__new__, repeat(CellColour), zip(
        repeat(grid.title), map(rows.__getitem__, positions), repeat(col), shades)))
    if positions:
        grid.wrote(col)


@dataclass(frozen=True)
class Table:
    """Rows for :func:`plan_keyed_table` column by column: header -> one value per row (None:
    ""). A header the table lacks is not written; ``ABSENT`` leaves one cell alone."""

    columns: Mapping[str, Sequence[object]]

    @classmethod
    def of_rows(cls, rows: Sequence[Mapping[str, Cell]], headers: Sequence[str]) -> Table:
        return cls({h: [values.get(h, ABSENT) for values in rows] for h in headers})


def plan_append(tab: Tab | None, title: str, headers: Sequence[str], line: Sequence[Cell]) -> WriteBatch:
    """One more row at the bottom of a log tab (headers written when the tab is new)."""
    grid = _Grid(title, tab, headers)
    row = max(grid.last_row, 1) + 1
    for header, value in zip(headers, line, strict=True):
        grid.put(row, header, value, None)
    return grid.finish()

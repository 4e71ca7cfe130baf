"""The in-memory spreadsheet: books, tabs, cells and the batch of writes the rules plan.

A *book* is a spreadsheet (Google) or a workbook file (local), named by a reference string: the
empty string is the control spreadsheet, anything else is a spreadsheet id/URL or a workbook path.
Both backends behave the same: the cycle cannot tell them apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, repeat
from operator import itemgetter
from typing import NamedTuple

from sync.rules.text import clean, header_key, nfc

Cell = str | int | float | bool | datetime | None

NEW_TAB_SIZE = (1000, 26)  # what Google gives a new tab


@dataclass
class Tab:
    title: str
    values: list[list[Cell]]  # rows as read, trailing empties trimmed
    rows: int  # grid size (Google's gridProperties); the local backend reports Excel's limits
    cols: int
    sheet_id: int | None = None
    # columns (1-based) the tool's own columns are known by whatever their place (Google's
    # developer-metadata anchors); a header there is the tool's even when staff copied it
    anchored: frozenset[int] = frozenset()
    # merged ranges as read, (first row, first col, last row, last col), 1-based, inclusive
    merges: tuple[tuple[int, int, int, int], ...] = ()

    def merged(self, row: int, col: int) -> str | None:
        """The merged range covering the cell (``"F4:F5"``), if any."""
        for r1, c1, r2, c2 in self.merges:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return f"{a1(r1, c1)}:{a1(r2, c2)}"
        return None

    def cell(self, row: int, col: int) -> Cell:
        """1-based, like the sheet; outside the data is empty."""
        if row - 1 < len(self.values):
            line = self.values[row - 1]
            if col - 1 < len(line):
                return line[col - 1]
        return None


def column_of(lines: Sequence[Sequence[Cell]], i: int | None) -> list[Cell]:
    """Column ``i`` (0-based) of every line: None past a short line, or for every line when
    ``i`` is None. Taken at C speed when no line is short (a column of 100,000 rows)."""
    if i is None:
        return [None] * len(lines)
    try:
        return list(map(itemgetter(i), lines))
    except IndexError:
        return [line[i] if i < len(line) else None for line in lines]


@dataclass
class Book:
    ref: str
    title: str
    tabs: dict[str, Tab]
    time_zone: str | None = None  # the spreadsheet's own timezone property, when it has one
    locale: str | None = None
    # What the backend knows names exactly these contents (Drive's version of the file, or the
    # workbook's size, time and hash), when the no-op shortcut is on; None: not known. Two
    # reads with the same identity hold the same values, so work done on one (a snapshot's
    # digest) need not be done again on the other.
    identity: str | None = field(default=None, compare=False)

    def merged(self, tab: str, row: int, col: int) -> str | None:
        """The merged range (as read) covering a cell of a tab, if any."""
        found = self.tabs.get(tab)
        return found.merged(row, col) if found is not None and found.merges else None

    def find_tab(self, name: str) -> Tab | None:
        """Exact title first, then after NFC/whitespace/case normalisation."""
        if name in self.tabs:
            return self.tabs[name]
        key = header_key(name)
        for title, tab in self.tabs.items():
            if header_key(title) == key:
                return tab
        return None


class CellWrite(NamedTuple):
    """One cell to write (a tuple: a first cycle plans hundreds of thousands of them)."""

    tab: str
    row: int  # 1-based
    col: int  # 1-based
    value: str | int | float  # always stored as given (RAW), never parsed as a formula


class CellRun(NamedTuple):
    """Cells of one column planned together: ``values[k]`` at row ``rows[k]``. A planner's
    column is one run, not an object per cell (a first cycle plans 100,000-row columns); a
    writer takes its cells with :meth:`WriteBatch.all_cells`."""

    tab: str
    col: int  # 1-based
    rows: Sequence[int]  # 1-based
    values: Sequence[str | int | float]  # as CellWrite.value

    def each(self) -> Iterator[CellWrite]:
        # (rows and values are as long as each other; repeat is endless)
        return map(tuple.__new__, repeat(CellWrite),
                   zip(repeat(self.tab), self.rows, repeat(self.col), self.values, strict=False))


class CellColour(NamedTuple):
    tab: str
    row: int
    col: int
    colour: str | None  # "#RRGGBB"; None clears the background


WHOLE_COLUMN = 0  # CellGuard.row: the whole column; ``current(tab, WHOLE_COLUMN, col)`` is a list


@dataclass(frozen=True)
class ColumnChoice:
    """A dropdown on a column (row 2 down): one of the values of another tab's column (row 2
    down), so it follows that column without being rewritten."""

    tab: str
    col: int
    source_tab: str
    source_col: int
    hint: str = ""  # shown when a cell of the column is selected


@dataclass(frozen=True)
class CellGuard:
    """What the planner read in a cell of a tool column, checked again just before writing: the
    column's header (``expected`` = the header), or, for a column the tool is creating, a target
    cell that must still be empty (``expected`` = ""). A staff edit between the read and the
    write (a column inserted, a note typed) makes it fail, and the column is not written."""

    tab: str
    row: int  # WHOLE_COLUMN: every cell of the column, however many rows it has now
    col: int
    expected: str

    def holds(self, value: Cell | list[Cell]) -> bool:
        if isinstance(value, list):  # a whole column
            return all(clean(v) == "" for v in value)
        if self.expected == "":
            return clean(value) == ""
        return header_key(value) == header_key(self.expected)


@dataclass(frozen=True)
class SkippedWrite:
    """A tool column (or one cell) left unwritten because the sheet no longer held what was
    read, or because a merged range covers it. The next cycle plans again from a fresh read."""

    tab: str
    row: int
    col: int
    reason: str

    def __str__(self) -> str:
        return f"tab '{self.tab}', cell {a1(self.row, self.col)}: {self.reason}; not written"


def column_letters(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def a1(row: int, col: int) -> str:
    return f"{column_letters(col)}{row}"


class Doubled(NamedTuple):
    """A tool header on several columns of a tab."""

    tab: str
    header: str
    cols: tuple[int, ...]
    written: int | None  # the anchored column the tool still writes; None: none of them


@dataclass
class WriteBatch:
    """Everything one cycle writes to one book, applied in one go."""

    new_tabs: dict[str, tuple[int, int]] = field(default_factory=dict)  # title -> (rows, cols)
    grow: dict[str, tuple[int, int]] = field(default_factory=dict)  # title -> minimum grid size
    # the values to write, in the order planned (a later write to a cell wins): single cells
    # and column runs; all_cells() gives each cell
    cells: list[CellWrite | CellRun] = field(default_factory=list)
    colours: list[CellColour] = field(default_factory=list)
    choices: list[ColumnChoice] = field(default_factory=list)
    guards: list[CellGuard] = field(default_factory=list)
    # (tab, column) -> number format pattern ("#,##0.##") for the column's data rows; planned
    # with the column's header, so a column is formatted once, when the tool creates it.
    number_formats: dict[tuple[str, int], str] = field(default_factory=dict)
    # tool headers found on several columns of a tab (a staff copy): reported, and written only
    # where an anchor tells the tool's own column (``written``), else not at all
    doubled: list[Doubled] = field(default_factory=list)

    def columns(self) -> dict[tuple[str, int], str | None]:
        """Every (tab, column) the batch writes, with the header its guard expects (None: a
        column of a new tab, or one with no guard)."""
        out: dict[tuple[str, int], str | None] = {}
        for item in (*self.cells, *self.colours):
            out.setdefault((item.tab, item.col), None)
        for guard in self.guards:
            if guard.row == 1 and guard.expected:
                out[(guard.tab, guard.col)] = guard.expected
        return out

    def all_cells(self) -> Iterator[CellWrite]:
        """Every cell the batch writes, in the order planned."""
        return chain.from_iterable((item,) if type(item) is CellWrite else item.each()  # type: ignore[union-attr]
                                   for item in self.cells)

    def cell_count(self) -> int:
        return sum(1 if type(item) is CellWrite else len(item.rows) for item in self.cells)  # type: ignore[union-attr]

    def without(self, columns: set[tuple[str, int]], cells: set[tuple[str, int, int]] = frozenset()
                ) -> WriteBatch:
        """The batch less whole columns and single cells (those that failed a check)."""
        def keep(item) -> bool:
            return (item.tab, item.col) not in columns and (item.tab, item.row, item.col) not in cells
        kept: list[CellWrite | CellRun] = []
        for item in self.cells:
            if (item.tab, item.col) in columns:
                continue
            if cells and type(item) is CellRun and any((item.tab, row, item.col) in cells
                                                       for row in item.rows):
                kept += [c for c in item.each() if keep(c)]  # a run less the cells that failed
            elif type(item) is CellRun or keep(item):
                kept.append(item)
        return WriteBatch(dict(self.new_tabs), dict(self.grow), cells=kept,
                          colours=[c for c in self.colours if keep(c)],
                          choices=[c for c in self.choices if (c.tab, c.col) not in columns],
                          guards=[g for g in self.guards if (g.tab, g.col) not in columns],
                          number_formats={k: v for k, v in self.number_formats.items() if k not in columns},
                          doubled=list(self.doubled))

    def checked(self, current: Callable[[str, int, int], Cell],
                merged: Callable[[str, int, int], str | None] = lambda tab, row, col: None,
                ) -> tuple[WriteBatch, list[SkippedWrite]]:
        """Check every guard against ``current`` (the cell as the sheet holds it now) and every
        target against ``merged`` (the merged range covering it, if any); return the batch less
        what failed, and what was skipped. Pure: the backends supply both lookups."""
        skipped: list[SkippedWrite] = []
        bad_columns: set[tuple[str, int]] = set()
        for guard in self.guards:
            if (guard.tab, guard.col) in bad_columns:
                continue
            value = current(guard.tab, guard.row, guard.col)
            if not guard.holds(value):
                bad_columns.add((guard.tab, guard.col))
                what = f"header '{guard.expected}'" if guard.expected else "an empty cell"
                if isinstance(value, list):
                    what, value = "an empty column", next(v for v in value if clean(v))
                skipped.append(SkippedWrite(
                    guard.tab, max(guard.row, 1), guard.col,
                    f"expected {what} but the sheet now holds {clean(value)[:40]!r} (a column "
                    "was inserted, moved or typed into since the read); this column is planned "
                    "again next cycle"))
        bad_cells, covered = self._covered(merged, bad_columns)
        skipped += covered
        if not skipped:
            return self, []
        return self.without(bad_columns, bad_cells), skipped

    def uncovered(self, merged: Callable[[str, int, int], str | None],
                  ) -> tuple[WriteBatch, list[SkippedWrite]]:
        """The batch less the targets a merged range covers, and those: the planner leaves
        out what the merges it read would skip, so a cycle with nothing else to do writes
        nothing (no log row, no save) while the merge stays."""
        bad_cells, skipped = self._covered(merged, set())
        return (self.without(set(), bad_cells), skipped) if skipped else (self, [])

    def _covered(self, merged: Callable[[str, int, int], str | None],
                 bad_columns: set[tuple[str, int]],
                 ) -> tuple[set[tuple[str, int, int]], list[SkippedWrite]]:
        bad_cells: set[tuple[str, int, int]] = set()
        skipped: list[SkippedWrite] = []
        for item in chain(self.all_cells(), self.colours):
            key = (item.tab, item.row, item.col)
            if (item.tab, item.col) in bad_columns or key in bad_cells:
                continue
            span = merged(item.tab, item.row, item.col)
            if span:
                bad_cells.add(key)
                skipped.append(SkippedWrite(item.tab, item.row, item.col,
                                            f"merged range {span} covers it; unmerge it"))
        return bad_cells, skipped

    def is_empty(self) -> bool:
        return not (self.new_tabs or self.grow or self.cells or self.colours or self.choices
                    or self.number_formats)

    def merge(self, other: WriteBatch) -> None:
        self.new_tabs.update(other.new_tabs)
        for title, (rows, cols) in other.grow.items():
            old = self.grow.get(title, (0, 0))
            self.grow[title] = (max(old[0], rows), max(old[1], cols))
        self.cells.extend(other.cells)
        self.colours.extend(other.colours)
        self.choices.extend(other.choices)
        self.guards.extend(other.guards)
        self.number_formats.update(other.number_formats)
        self.doubled.extend(other.doubled)

    def tabs_touched(self) -> list[str]:
        seen: dict[str, None] = dict.fromkeys(self.new_tabs)
        for item in (*self.cells, *self.colours, *self.choices):
            seen.setdefault(item.tab)
        for tab, _col in self.number_formats:
            seen.setdefault(tab)
        return list(seen)


def trim(values: list[list[Cell]]) -> list[list[Cell]]:
    """Like the Sheets API answers: no trailing empty cells or rows; interior empty rows stay []."""
    out = [trim_row(row) for row in values]
    while out and not out[-1]:
        out.pop()
    return out


def trim_row(row: list[Cell]) -> list[Cell]:
    """The row without its empty cells at the end (the row itself when it has none)."""
    end = len(row)
    while end and row[end - 1] in (None, ""):
        end -= 1
    return row if end == len(row) else row[:end]


def same_value(existing: Cell, new: Cell) -> bool:
    """Whether a cell already holds what we would write (so we write nothing)."""
    return nfc(existing) == nfc(new)

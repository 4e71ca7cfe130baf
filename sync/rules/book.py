"""The in-memory spreadsheet: books, tabs, cells and the batch of writes the rules plan.

A *book* is a spreadsheet (Google) or a workbook file (local), named by a reference string: the
empty string is the control spreadsheet, anything else is a spreadsheet id/URL or a workbook path.
Both backends behave the same: the cycle cannot tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sync.rules.text import header_key, nfc

Cell = str | int | float | bool | datetime | None

NEW_TAB_SIZE = (1000, 26)  # what Google gives a new tab


@dataclass
class Tab:
    title: str
    values: list[list[Cell]]  # rows as read, trailing empties trimmed
    rows: int  # grid size (Google's gridProperties); the local backend reports Excel's limits
    cols: int
    sheet_id: int | None = None

    def cell(self, row: int, col: int) -> Cell:
        """1-based, like the sheet; outside the data is empty."""
        if row - 1 < len(self.values):
            line = self.values[row - 1]
            if col - 1 < len(line):
                return line[col - 1]
        return None


@dataclass
class Book:
    ref: str
    title: str
    tabs: dict[str, Tab]
    time_zone: str | None = None  # the spreadsheet's own timezone property, when it has one
    locale: str | None = None

    def find_tab(self, name: str) -> Tab | None:
        """Exact title first, then after NFC/whitespace/case normalisation."""
        if name in self.tabs:
            return self.tabs[name]
        key = header_key(name)
        for title, tab in self.tabs.items():
            if header_key(title) == key:
                return tab
        return None


@dataclass(frozen=True)
class CellWrite:
    tab: str
    row: int  # 1-based
    col: int  # 1-based
    value: str | int | float  # always stored as given (RAW), never parsed as a formula


@dataclass(frozen=True)
class CellColour:
    tab: str
    row: int
    col: int
    colour: str | None  # "#RRGGBB"; None clears the background


@dataclass
class WriteBatch:
    """Everything one cycle writes to one book, applied in one go."""

    new_tabs: dict[str, tuple[int, int]] = field(default_factory=dict)  # title -> (rows, cols)
    grow: dict[str, tuple[int, int]] = field(default_factory=dict)  # title -> minimum grid size
    cells: list[CellWrite] = field(default_factory=list)
    colours: list[CellColour] = field(default_factory=list)
    # (tab, column) -> number format pattern ("#,##0.##") for the column's data rows; planned
    # with the column's header, so a column is formatted once, when the tool creates it.
    number_formats: dict[tuple[str, int], str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.new_tabs or self.grow or self.cells or self.colours or self.number_formats)

    def merge(self, other: WriteBatch) -> None:
        self.new_tabs.update(other.new_tabs)
        for title, (rows, cols) in other.grow.items():
            old = self.grow.get(title, (0, 0))
            self.grow[title] = (max(old[0], rows), max(old[1], cols))
        self.cells.extend(other.cells)
        self.colours.extend(other.colours)
        self.number_formats.update(other.number_formats)

    def tabs_touched(self) -> list[str]:
        seen: dict[str, None] = dict.fromkeys(self.new_tabs)
        for item in (*self.cells, *self.colours):
            seen.setdefault(item.tab)
        for tab, _col in self.number_formats:
            seen.setdefault(tab)
        return list(seen)


def trim(values: list[list[Cell]]) -> list[list[Cell]]:
    """Like the Sheets API answers: no trailing empty cells or rows; interior empty rows stay []."""
    out = []
    for row in values:
        end = len(row)
        while end and row[end - 1] in (None, ""):
            end -= 1
        out.append(row[:end])
    while out and not out[-1]:
        out.pop()
    return out


def same_value(existing: Cell, new: Cell) -> bool:
    """Whether a cell already holds what we would write (so we write nothing)."""
    return nfc(existing) == nfc(new)

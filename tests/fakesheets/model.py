"""Spreadsheets, tabs and their grids, as the Sheets API models them.

Copied behaviour:

* A spreadsheet has properties (title, locale, timeZone, autoRecalc,
  defaultFormat, spreadsheetTheme - defaults as recorded for a new file) and
  ordered tabs; every tab has ``SheetProperties`` (sheetId, title, index,
  sheetType GRID, gridProperties rowCount/columnCount; 1000 x 26 when new).
* The grid size is a hard limit for writes; a whole spreadsheet holds at most
  10,000,000 cells (``This action would increase the number of cells in the
  workbook above the limit of 10000000 cells.``).
* Tab titles are unique ignoring case; ranges find a tab by exact title,
  then case-insensitively. ``Unable to parse range: X`` for an unknown tab.
* Shrinking a grid drops the cells outside it; inserting or deleting rows and
  columns shifts cells, and the merges, protected ranges and basic filter with
  them (a range grows or shrinks with what happens inside it; a merge left
  with one cell goes).

Cells are stored sparsely as a list of rows (only up to the last written
row/column) of immutable ``Cell`` objects, so a snapshot for atomic requests
is a cheap copy of the row lists.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from . import a1
from .cells import EMPTY, Cell
from .errors import bad_request

CELL_LIMIT = 10_000_000
DEFAULT_ROWS = 1000
DEFAULT_COLS = 26

# What spreadsheets.get returns for a new spreadsheet (recorded 2023).
DEFAULT_FORMAT = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10,
        "bold": False, "italic": False, "strikethrough": False, "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}


def _theme_color(kind: str, rgb: dict) -> dict:
    return {"colorType": kind, "color": {"rgbColor": rgb}}


SPREADSHEET_THEME = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        _theme_color("TEXT", {}),
        _theme_color("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
        _theme_color("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
        _theme_color("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
        _theme_color("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
        _theme_color("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
        _theme_color("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
        _theme_color("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
        _theme_color("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
    ],
}


def grid_error(title: str, rect: a1.Rect, rows: int, cols: int, quote: bool = False) -> Exception:
    """``Range (Tab!Y1) exceeds grid limits. Max rows: 981, max columns: 24``."""
    text = f"{a1.quote_sheet(title, always=quote)}!{describe(rect)}"
    return bad_request(f"Range ({text}) exceeds grid limits. Max rows: {rows}, max columns: {cols}")


def describe(rect: a1.Rect) -> str:
    """A rectangle printed the way it was asked for (``A1:B2``, ``3:5``, ``A:C``)."""
    whole_rows = rect.start_col == 0 and rect.end_col is None
    whole_cols = rect.start_row == 0 and rect.end_row is None

    def corner(row: int | None, col: int | None) -> str:
        return ("" if whole_rows or col is None else a1.col_to_letters(col)) + \
               ("" if whole_cols or row is None else str(row + 1))

    start = corner(rect.start_row, rect.start_col)
    end = corner(None if rect.end_row is None else rect.end_row - 1,
                 None if rect.end_col is None else rect.end_col - 1)
    if rect.bounded and rect.end_row - rect.start_row == 1 and rect.end_col - rect.start_col == 1:
        return start
    return f"{start}:{end}"


def _shifted(first: int, last: int, at: int, count: int) -> tuple[int, int]:
    """[first, last) after ``count`` rows/columns are inserted at ``at`` (count > 0) or the
    ``-count`` before ``at`` are deleted (count < 0): a range grows or shrinks with what happens
    inside it and moves with what happens before it."""
    if count > 0:
        return (first + count if first >= at else first), (last + count if last > at else last)
    gone = at + count  # the deleted span is [gone, at)

    def moved(i: int) -> int:
        return i if i <= gone else gone if i <= at else i + count

    return moved(first), moved(last)


def _ranges_follow(sheet: Sheet, dim: str, at: int, count: int) -> None:
    """Merges, protected ranges and the basic filter follow rows/columns inserted or deleted, as
    in Sheets; a merge left with one cell, or a range left empty, goes."""
    lo, hi = ("startRowIndex", "endRowIndex") if dim == "ROWS" else \
        ("startColumnIndex", "endColumnIndex")

    def follow(gr: dict) -> bool:
        if lo not in gr or hi not in gr:
            return True
        gr[lo], gr[hi] = _shifted(gr[lo], gr[hi], at, count)
        return gr[hi] > gr[lo]

    sheet.merges = [m for m in sheet.merges if follow(m) and
                    (m["endRowIndex"] - m["startRowIndex"]) * (m["endColumnIndex"] - m["startColumnIndex"]) > 1]
    sheet.protected_ranges = [p for p in sheet.protected_ranges if follow(p.get("range", {}))]
    if sheet.basic_filter and not follow(sheet.basic_filter.get("range", {})):
        sheet.basic_filter = None


@dataclass
class Sheet:
    """One tab: its SheetProperties JSON and its cells."""

    properties: dict
    rows: list[list[Cell]] = field(default_factory=list)
    conditional_formats: list[dict] = field(default_factory=list)
    data_validations: list[dict] = field(default_factory=list)
    merges: list[dict] = field(default_factory=list)
    protected_ranges: list[dict] = field(default_factory=list)
    basic_filter: dict | None = None

    @property
    def sheet_id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def row_count(self) -> int:
        return self.properties["gridProperties"]["rowCount"]

    @property
    def col_count(self) -> int:
        return self.properties["gridProperties"]["columnCount"]

    def clone(self) -> Sheet:
        return Sheet(
            properties=copy.deepcopy(self.properties),
            rows=[list(r) for r in self.rows],
            conditional_formats=copy.deepcopy(self.conditional_formats),
            data_validations=copy.deepcopy(self.data_validations),
            merges=copy.deepcopy(self.merges),
            protected_ranges=copy.deepcopy(self.protected_ranges),
            basic_filter=copy.deepcopy(self.basic_filter),
        )

    # -- cells -------------------------------------------------------------
    def cell(self, row: int, col: int) -> Cell:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return EMPTY

    def set_cell(self, row: int, col: int, cell: Cell) -> None:
        if cell == EMPTY and self.cell(row, col) == EMPTY:
            return
        while len(self.rows) <= row:
            self.rows.append([])
        line = self.rows[row]
        if len(line) <= col:
            line.extend([EMPTY] * (col + 1 - len(line)))
        line[col] = cell

    def data_extent(self) -> tuple[int, int]:
        """(rows, cols) up to the last non-blank cell."""
        last_row, last_col = 0, 0
        for r, line in enumerate(self.rows):
            for c in range(len(line) - 1, -1, -1):
                if not line[c].is_blank:
                    last_row = r + 1
                    last_col = max(last_col, c + 1)
                    break
        return last_row, last_col

    def check_inside(self, rect: a1.Rect) -> None:
        """400 unless a bounded rectangle lies inside the grid."""
        if rect.end_row > self.row_count or rect.end_col > self.col_count:
            raise grid_error(self.title, rect, self.row_count, self.col_count)

    # -- dimensions --------------------------------------------------------
    def resize(self, rows: int | None = None, cols: int | None = None) -> None:
        grid = self.properties["gridProperties"]
        if rows is not None:
            if rows < 1:
                raise bad_request("You can't delete all the rows on the sheet.")
            if rows < grid["rowCount"]:  # the rows cut off go, as deleted
                _ranges_follow(self, "ROWS", grid["rowCount"], rows - grid["rowCount"])
            grid["rowCount"] = rows
            del self.rows[rows:]
        if cols is not None:
            if cols < 1:
                raise bad_request("You can't delete all the columns on the sheet.")
            if cols < grid["columnCount"]:
                _ranges_follow(self, "COLUMNS", grid["columnCount"], cols - grid["columnCount"])
            grid["columnCount"] = cols
            for line in self.rows:
                del line[cols:]

    def insert(self, dimension: str, start: int, count: int) -> None:
        _ranges_follow(self, dimension, start, count)
        grid = self.properties["gridProperties"]
        if dimension == "ROWS":
            if start < len(self.rows):
                self.rows[start:start] = [[] for _ in range(count)]
            grid["rowCount"] += count
        else:
            for line in self.rows:
                if start < len(line):
                    line[start:start] = [EMPTY] * count
            grid["columnCount"] += count

    def delete(self, dimension: str, start: int, end: int) -> None:
        if end - start >= (self.row_count if dimension == "ROWS" else self.col_count):
            what = "rows" if dimension == "ROWS" else "columns"
            raise bad_request(f"You can't delete all the {what} on the sheet.")
        _ranges_follow(self, dimension, end, start - end)
        if dimension == "ROWS":
            del self.rows[start:end]
            self.properties["gridProperties"]["rowCount"] -= end - start
        else:
            for line in self.rows:
                del line[start:end]
            self.properties["gridProperties"]["columnCount"] -= end - start


@dataclass
class Spreadsheet:
    """A spreadsheet file: properties and ordered tabs."""

    spreadsheet_id: str
    properties: dict
    sheets: list[Sheet] = field(default_factory=list)
    named_ranges: list[dict] = field(default_factory=list)
    developer_metadata: list[dict] = field(default_factory=list)  # see devmeta.py

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def locale(self) -> str:
        return self.properties.get("locale", "en_US")

    @property
    def url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit"

    def clone(self, new_id: str | None = None) -> Spreadsheet:
        return Spreadsheet(
            spreadsheet_id=new_id or self.spreadsheet_id,
            properties=copy.deepcopy(self.properties),
            sheets=[s.clone() for s in self.sheets],
            named_ranges=copy.deepcopy(self.named_ranges),
            developer_metadata=copy.deepcopy(self.developer_metadata),
        )

    def reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.properties["index"] = i

    def total_cells(self) -> int:
        return sum(s.row_count * s.col_count for s in self.sheets)

    def check_cell_limit(self) -> None:
        if self.total_cells() > CELL_LIMIT:
            raise bad_request(
                "This action would increase the number of cells in the workbook "
                f"above the limit of {CELL_LIMIT} cells.")

    def find_sheet(self, title: str) -> Sheet | None:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        folded = [s for s in self.sheets if s.title.casefold() == title.casefold()]
        return folded[0] if len(folded) == 1 else None

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        return None

    def resolve(self, text: str) -> tuple[Sheet, a1.Rect | None]:
        """A range string -> (tab, rectangle or None for the whole tab)."""
        try:
            ref = a1.parse_range(text)
        except a1.A1Error:
            raise bad_request(f"Unable to parse range: {text}") from None
        if ref.bare is not None:
            sheet = self.find_sheet(ref.bare)
            if sheet is not None:
                return sheet, None
            if ref.cells is None or not self.sheets:
                raise bad_request(f"Unable to parse range: {text}")
            return self.sheets[0], ref.cells
        sheet = self.find_sheet(ref.sheet)
        if sheet is None:
            raise bad_request(f"Unable to parse range: {text}")
        return sheet, ref.cells


def new_sheet(sheet_id: int, title: str, index: int, rows: int = DEFAULT_ROWS,
              cols: int = DEFAULT_COLS) -> Sheet:
    return Sheet(properties={
        "sheetId": sheet_id, "title": title, "index": index, "sheetType": "GRID",
        "gridProperties": {"rowCount": rows, "columnCount": cols},
    })


def new_properties(title: str, locale: str, time_zone: str) -> dict:
    return {
        "title": title, "locale": locale, "autoRecalc": "ON_CHANGE", "timeZone": time_zone,
        "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
        "spreadsheetTheme": copy.deepcopy(SPREADSHEET_THEME),
    }

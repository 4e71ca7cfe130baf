"""A1 notation, as the Sheets API v4 parses and prints it.

Copied behaviour (see the recordings in shared/fixtures/sheets-api-recordings):

* A range is ``[sheet!]cells``. The sheet part may be quoted (``'My tab'!A1``,
  a quote inside doubled: ``'It''s'!A1``) or, leniently, unquoted even when it
  holds spaces (``🌵 test 1!A:A`` is accepted by the real API).
* A bare string without ``!`` is a sheet title when a tab of that name exists,
  otherwise an A1 range on the first sheet.
* Cell parts: ``A1``, ``A1:C2``, whole columns ``A:C``, whole rows ``2:5``,
  half-open ``A5:C`` / ``A1:1``; ``$`` markers are ignored, letters are
  case-insensitive, reversed corners are normalised.
* Printed ranges quote the tab name only when needed (``Sheet1!A1:D4`` but
  ``'🌵 test 1'!A1:C2``) and print a single cell as ``A1``.

Everything is 0-based and half-open internally (like a ``GridRange``);
``None`` stands for an unbounded side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_COLUMNS = 18278  # ZZZ, the widest a Sheets grid can be


class A1Error(ValueError):
    """The text is not A1 notation."""


@dataclass(frozen=True)
class Rect:
    """A rectangle of a grid: 0-based, end-exclusive, ``None`` = unbounded."""

    start_row: int = 0
    start_col: int = 0
    end_row: int | None = None
    end_col: int | None = None

    def clip(self, rows: int, cols: int) -> Rect:
        """The rectangle with unbounded or oversized ends cut to a grid."""
        end_row = rows if self.end_row is None else min(self.end_row, rows)
        end_col = cols if self.end_col is None else min(self.end_col, cols)
        return Rect(self.start_row, self.start_col, end_row, end_col)

    @property
    def bounded(self) -> bool:
        return self.end_row is not None and self.end_col is not None


@dataclass(frozen=True)
class RangeRef:
    """A parsed range before it is resolved against a spreadsheet.

    ``sheet`` is the tab title given (``None`` when absent). ``cells`` is the
    parsed cell part or ``None`` for "the whole tab". ``bare`` is the raw text
    when the input had no ``!`` and might be a tab title or a cell range.
    """

    sheet: str | None
    cells: Rect | None
    bare: str | None = None


_COL_RE = re.compile(r"^\$?([A-Za-z]{1,3})$")
_ROW_RE = re.compile(r"^\$?([0-9]+)$")
_CELL_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


def col_to_letters(col: int) -> str:
    """0-based column index -> letters (0 -> A, 25 -> Z, 26 -> AA)."""
    if col < 0:
        raise ValueError(col)
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def letters_to_col(letters: str) -> int:
    """Letters -> 0-based column index (A -> 0)."""
    col = 0
    for ch in letters.upper():
        col = col * 26 + (ord(ch) - 64)
    return col - 1


def cell_name(row: int, col: int) -> str:
    """0-based (row, col) -> ``A1``-style name."""
    return f"{col_to_letters(col)}{row + 1}"


def parse_cell(text: str) -> tuple[int, int]:
    """``B2`` -> (1, 1). Raises A1Error for anything else."""
    m = _CELL_RE.match(text.strip())
    if not m:
        raise A1Error(text)
    row = int(m.group(2)) - 1
    if row < 0:
        raise A1Error(text)
    return row, letters_to_col(m.group(1))


def _parse_endpoint(token: str) -> tuple[int | None, int | None]:
    """One side of ``X:Y`` -> (row, col); either may be None."""
    token = token.strip()
    m = _CELL_RE.match(token)
    if m:
        row = int(m.group(2)) - 1
        if row < 0:
            raise A1Error(token)
        return row, letters_to_col(m.group(1))
    m = _COL_RE.match(token)
    if m:
        return None, letters_to_col(m.group(1))
    m = _ROW_RE.match(token)
    if m:
        row = int(m.group(1)) - 1
        if row < 0:
            raise A1Error(token)
        return row, None
    raise A1Error(token)


def parse_cells(text: str) -> Rect:
    """Parse the cell part of a range (``A1``, ``A1:B2``, ``A:C``, ``2:5``...)."""
    if not text or text.count(":") > 1:
        raise A1Error(text)
    if ":" not in text:
        row, col = parse_cell(text)
        return Rect(row, col, row + 1, col + 1)
    left, right = text.split(":")
    r1, c1 = _parse_endpoint(left)
    r2, c2 = _parse_endpoint(right)
    # "A:1" or "1:A" mix a pure column with a pure row: not A1 notation.
    if (r1 is None and c2 is None) or (c1 is None and r2 is None):
        raise A1Error(text)
    if r1 is not None and r2 is not None and r1 > r2:
        r1, r2 = r2, r1
    if c1 is not None and c2 is not None and c1 > c2:
        c1, c2 = c2, c1
    start_row = r1 if r1 is not None else 0
    start_col = c1 if c1 is not None else 0
    end_row = None if r2 is None else r2 + 1
    end_col = None if c2 is None else c2 + 1
    # "A2:B" is unbounded downwards; "A:B2" starts at row 1 and ends at row 2.
    return Rect(start_row, start_col, end_row, end_col)


def _split_quoted(text: str) -> tuple[str, str | None]:
    """``'It''s'!A1`` -> ("It's", "A1"); ``'Tab'`` -> ("Tab", None)."""
    i = 1
    name = []
    while i < len(text):
        ch = text[i]
        if ch == "'":
            if i + 1 < len(text) and text[i + 1] == "'":
                name.append("'")
                i += 2
                continue
            rest = text[i + 1 :]
            if rest == "":
                return "".join(name), None
            if rest.startswith("!"):
                return "".join(name), rest[1:]
            raise A1Error(text)
        name.append(ch)
        i += 1
    raise A1Error(text)  # unterminated quote


def parse_range(text: str) -> RangeRef:
    """Split a range into sheet title and cell rectangle (see module doc)."""
    if text is None or text.strip() == "":
        raise A1Error(text)
    if text.startswith("'"):
        sheet, cells = _split_quoted(text)
        if cells is None:
            return RangeRef(sheet, None)
        if cells == "":
            raise A1Error(text)
        return RangeRef(sheet, parse_cells(cells))
    if "!" in text:
        sheet, _, cells = text.rpartition("!")
        if sheet == "" or cells == "":
            raise A1Error(text)
        return RangeRef(sheet, parse_cells(cells))
    try:
        rect = parse_cells(text)
    except A1Error:
        rect = None
    return RangeRef(None, rect, bare=text)


_CELLISH = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*)$")


def needs_quotes(title: str) -> bool:
    """Whether the API quotes this tab title when it prints a range.

    Observed: ``Sheet1`` bare, anything with spaces or symbols (emoji) quoted.
    Assumed (not recorded): letters of any script, digits and ``_`` stay bare
    unless the title starts with a digit or looks like a cell reference.
    """
    if not re.fullmatch(r"[^\W\d]\w*", title):
        return True
    return bool(_CELLISH.match(title)) or title.lower() in ("true", "false")


def quote_sheet(title: str, always: bool = False) -> str:
    """Tab title as it appears before ``!``."""
    if always or needs_quotes(title):
        return "'" + title.replace("'", "''") + "'"
    return title


def format_cells(rect: Rect) -> str:
    """A bounded rectangle -> ``A1`` or ``A1:C2``."""
    assert rect.end_row is not None and rect.end_col is not None
    start = cell_name(rect.start_row, rect.start_col)
    if rect.end_row - rect.start_row == 1 and rect.end_col - rect.start_col == 1:
        return start
    return f"{start}:{cell_name(rect.end_row - 1, rect.end_col - 1)}"


def format_range(title: str, rect: Rect) -> str:
    """``Sheet1!A1:D4`` / ``'My tab'!A1`` like the API prints ranges."""
    return f"{quote_sheet(title)}!{format_cells(rect)}"

"""A worksheet's rows as a stream: how the patch edits a 100,000-row tab without holding it.

A worksheet part is read twice, never whole: once for its *skeleton* (the part with every
``<row>`` taken out of ``<sheetData>``: columns, dimension, merged ranges, validations, all
small), and once when it is saved, row by row (lxml ``iterparse``), the rows the tool writes to
edited in passing and new rows slotted in by number. Each row is serialised on its own and
dropped, so memory holds one row at a time, whatever the tab's length.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from typing import BinaryIO

from lxml import etree

from sync.rules.book import column_letters

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROW = f"{{{NS}}}row"
CELL = f"{{{NS}}}c"
# What a staff file may hold: no entity expansion, no network, long texts allowed.
_PARSING = {"resolve_entities": False, "no_network": True, "huge_tree": True}


class RowsOutOfOrder(ValueError):
    """A row without a number, or rows not in ascending order (Excel never writes either)."""


def skeleton(stream: BinaryIO) -> etree._Element:
    """The worksheet with its ``<sheetData>`` emptied; everything else as it was."""
    parsing = etree.iterparse(stream, events=("end",), tag=ROW, **_PARSING)
    for _, row in parsing:
        row.clear(keep_tail=False)
        row.getparent().remove(row)
    return parsing.root


def letters_of(ref: str) -> str:
    return ref.rstrip("0123456789")


def column_of(ref: str | None) -> int:
    """The column of a cell reference ("AB12" -> 28); 0 when it is not one."""
    n = 0
    for ch in letters_of(ref or ""):
        if not "A" <= ch <= "Z":
            return 0
        n = n * 26 + ord(ch) - 64
    return n


class RowText:
    """Rows serialised one by one, as they would be inside their ``<sheetData>``.

    ``etree.tostring`` of a lone row repeats every namespace declaration in scope (``xmlns``,
    ``xmlns:r``, ``xmlns:mc``...) on the row; inside the worksheet they are declared already, so
    they are cut when the row starts with exactly the declarations a bare row under the same
    parent gets. A row that declares more of its own is kept as lxml wrote it (still valid)."""

    def __init__(self, parent: etree._Element):
        self.parent = parent
        probe = etree.SubElement(parent, ROW)
        bare = etree.tostring(probe, encoding="UTF-8")
        parent.remove(probe)
        self.prefix = bare[:-2]  # up to the "/>": '<row xmlns="..." xmlns:r="..."'
        space = bare.find(b" ")
        self.open = bare[:space] if space > 0 else self.prefix  # '<row' (or '<x:row')

    def __call__(self, row: etree._Element) -> bytes:
        text = etree.tostring(row, encoding="UTF-8")  # not ASCII: no &#7901; per letter
        n = len(self.prefix)
        if n != len(self.open) and text.startswith(self.prefix) and text[n:n + 1] in (b" ", b">", b"/"):
            return self.open + text[n:]
        return text

    def new(self, number: int, edit: Callable[[etree._Element, int], None]) -> bytes:
        """A row the sheet does not have yet, with the tool's cells."""
        row = etree.SubElement(self.parent, ROW)
        row.set("r", str(number))
        edit(row, number)
        text = self(row)
        self.parent.remove(row)
        return text


def rows(stream: BinaryIO | None, holder: etree._Element, numbers: list[int],
         edit: Callable[[etree._Element, int], None]) -> Iterator[bytes]:
    """Every row of ``stream`` (a worksheet part) as bytes, in order, with ``edit(row, number)``
    applied to each row numbered in ``numbers`` (ascending) first; a number the sheet has no row
    for becomes a new row in its place. ``holder``: a ``<sheetData>`` to build rows in when the
    stream has none (or for a new tab, ``stream`` None)."""
    i, last, text = 0, 0, None
    if stream is not None:
        for _, row in etree.iterparse(stream, events=("end",), tag=ROW, **_PARSING):
            mark = row.get("r", "")
            if not mark.isdigit() or int(mark) <= last:
                raise RowsOutOfOrder(mark)
            number = last = int(mark)
            if text is None:
                text = RowText(row.getparent())
            while i < len(numbers) and numbers[i] < number:
                yield text.new(numbers[i], edit)
                i += 1
            if i < len(numbers) and numbers[i] == number:
                edit(row, number)
                i += 1
            yield text(row)
            row.clear(keep_tail=False)
            row.getparent().remove(row)
    if i < len(numbers):
        text = RowText(holder)
        for number in numbers[i:]:
            yield text.new(number, edit)


class RowCells:
    """The ``<c>`` elements of one row by column, created where missing (in column order).

    Columns are read from the references only when needed: a write right of the last cell (the
    tool's columns, in a first sync every row) appends without reading the others."""

    def __init__(self, row: etree._Element, number: int, complain: Callable[[str], Exception]):
        self.row, self.number, self.complain = row, number, complain
        self.cells = [child for child in row if child.tag == CELL]
        self.cols: list[int] | None = None

    def _column(self, cell: etree._Element) -> int:
        col = column_of(cell.get("r"))
        if not col:
            raise self.complain(f"a cell of row {self.number} has no reference")
        return col

    def get(self, col: int) -> etree._Element:
        """The cell of column ``col``, created if the row has none."""
        if self.cols is None:
            if not self.cells or self._column(self.cells[-1]) < col:
                return self._insert(len(self.cells), col)
            self.cols = [self._column(c) for c in self.cells]
            if any(a >= b for a, b in zip(self.cols, self.cols[1:], strict=False)):
                raise self.complain(f"the cells of row {self.number} are not in column order")
        i = bisect_left(self.cols, col)
        if i < len(self.cols) and self.cols[i] == col:
            return self.cells[i]
        return self._insert(i, col)

    def _insert(self, i: int, col: int) -> etree._Element:
        cell = self.row.makeelement(CELL)
        cell.set("r", f"{column_letters(col)}{self.number}")
        if i < len(self.cells):
            self.cells[i].addprevious(cell)
        elif self.cells:
            self.cells[-1].addnext(cell)
        else:
            self.row.insert(0, cell)
        self.cells.insert(i, cell)
        if self.cols is not None:
            self.cols.insert(i, col)
        return cell

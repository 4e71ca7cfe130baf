"""The embedded default: a local .xlsx workbook stands in for the Google spreadsheet.

calamine reads it (fast: a no-op cycle never parses it with openpyxl); openpyxl writes it, keeping
staff's other tabs, columns, formulas and cell formatting. A save is atomic (temporary file in the
same folder, fsync, rename), and an empty batch saves nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineError, CalamineWorkbook

from sync.backends.base import Backend, Book, SkippedWrite, Tab, WriteBatch, trim
from sync.backends.files import write_atomically
from sync.errors import AccessError
from sync.rules.book import ColumnChoice
from sync.rules.text import one_line

EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384
EXCEL_CELL_LIMIT = 32_767


class LocalWorkbookBackend(Backend):
    kind = "local"

    def __init__(self, control: Path, base_dir: Path | None = None):
        self.control = Path(control)
        self.base_dir = Path(base_dir) if base_dir else self.control.parent

    def path_of(self, ref: str) -> Path:
        if not ref:
            return self.control
        path = Path(os.path.expanduser(ref))
        return path if path.is_absolute() else self.base_dir / path

    def describe(self, ref: str = "") -> str:
        return f"workbook {self.path_of(ref)}"

    def read(self, ref: str = "") -> Book:
        """Values through calamine (a Rust reader, ~10x faster than openpyxl here): a cycle that
        finds nothing to change never loads the workbook into openpyxl at all."""
        path = self.path_of(ref)
        if not path.is_file():
            raise AccessError(f"workbook {path} not found (run `tonghop demo` for an example)")
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            tabs = {}
            for title in workbook.sheet_names:
                sheet = workbook.get_sheet_by_name(title)
                values = sheet.to_python(skip_empty_area=False)  # keep row 1 as row 1
                tabs[title] = Tab(title, trim(values), EXCEL_ROWS, EXCEL_COLS)
        except (CalamineError, OSError, ValueError) as err:
            raise AccessError(f"workbook {path} cannot be opened as .xlsx: {one_line(err, 200)}") from None
        return Book(ref, path.stem, tabs)

    def write(self, ref: str, batch: WriteBatch) -> list[SkippedWrite]:
        if batch.is_empty():
            return []
        path = self.path_of(ref)
        workbook = openpyxl.load_workbook(path)  # keeps staff's formatting, formulas, other tabs
        # The file may have been saved by staff since the cycle read it: check what is there now.
        batch, skipped = batch.checked(_current(workbook), _merged(workbook))
        gone = {i.tab for i in (*batch.cells, *batch.colours)
                if i.tab not in workbook.sheetnames and i.tab not in batch.new_tabs}
        if gone:
            skipped += [SkippedWrite(tab, 1, 1, "the tab vanished since the read") for tab in gone]
            batch = WriteBatch(batch.new_tabs, batch.grow,
                               [c for c in batch.cells if c.tab not in gone],
                               [c for c in batch.colours if c.tab not in gone])
        if not batch.cells and not batch.colours and not batch.new_tabs:
            return skipped
        created = []
        for title in batch.new_tabs:
            if title not in workbook.sheetnames:
                created.append(workbook.create_sheet(title))
                created[-1].freeze_panes = "A2"  # header row frozen (and bold, below)
        for cell in batch.cells:
            target = workbook[cell.tab].cell(row=cell.row, column=cell.col)
            value = cell.value
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_CELL_LIMIT]
                target.value = value if value != "" else None
                if value.startswith("="):
                    target.data_type = "s"  # RAW: text, never a formula
            else:
                target.value = value
                column_format = sheet_column_format(workbook[cell.tab], cell.col)
                if column_format and target.number_format == "General":
                    target.number_format = column_format  # like a cell typed in that column
        for (title, col), pattern in batch.number_formats.items():
            sheet = workbook[title]
            sheet.column_dimensions[get_column_letter(col)].number_format = pattern
            for (target,) in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
                if isinstance(target.value, int | float) and not isinstance(target.value, bool):
                    target.number_format = pattern
        for colour in batch.colours:
            target = workbook[colour.tab].cell(row=colour.row, column=colour.col)
            if colour.colour:
                rgb = colour.colour.lstrip("#").upper()
                target.fill = PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)
            else:
                target.fill = PatternFill(fill_type=None)
        for choice in batch.choices:
            add_choice(workbook, choice)
        for sheet in created:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
        save_atomically(workbook, path)
        return skipped


def _current(workbook: openpyxl.Workbook):
    def value(tab: str, row: int, col: int):
        if tab not in workbook.sheetnames:
            return None
        sheet = workbook[tab]
        if row > sheet.max_row or col > sheet.max_column:
            return None
        return sheet.cell(row=row, column=col).value
    return value


def _merged(workbook: openpyxl.Workbook):
    def span(tab: str, row: int, col: int) -> str | None:
        if tab not in workbook.sheetnames:
            return None
        for merged in workbook[tab].merged_cells.ranges:
            if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
                return merged.coord
        return None
    return span


def add_choice(workbook: openpyxl.Workbook, choice: ColumnChoice) -> None:
    """A dropdown on a column (row 2 down) listing another tab's column: Excel and LibreOffice
    show it like Google's; the list follows the source column."""
    letter, source = get_column_letter(choice.col), get_column_letter(choice.source_col)
    quoted = "'" + choice.source_tab.replace("'", "''") + "'"
    rule = DataValidation(type="list", formula1=f"{quoted}!${source}$2:${source}${EXCEL_ROWS}",
                          allow_blank=True, showErrorMessage=True, showInputMessage=bool(choice.hint),
                          prompt=choice.hint or None)
    rule.add(f"{letter}2:{letter}{EXCEL_ROWS}")
    workbook[choice.tab].add_data_validation(rule)


def sheet_column_format(sheet, col: int) -> str | None:
    """The number format staff (or the tool) gave a whole column, if any."""
    letter = get_column_letter(col)
    if letter not in sheet.column_dimensions:
        return None
    pattern = sheet.column_dimensions[letter].number_format
    return None if pattern == "General" else pattern


def save_atomically(workbook: openpyxl.Workbook, path: Path) -> None:
    """A crash mid-save leaves the old file intact."""
    write_atomically(path, workbook.save)

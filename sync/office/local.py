"""A new office's control workbook (.xlsx) written with openpyxl: the staff tabs with a note on
each header, dropdowns, date checks and the example row in grey italics."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from sync.backends.local import save_atomically
from sync.rules.office import StaffTab

LAST_ROW = 5000  # how far down the dropdowns and date checks reach
AUTHOR = "tonghop"
EXAMPLE_FONT = Font(italic=True, color="808080")


def build_workbook(path: Path, tabs: Sequence[StaffTab], extra_tabs: Sequence[tuple[str, list]] = ()) -> None:
    """``extra_tabs``: (title, rows) of other tabs to make, e.g. an empty responses tab."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for tab in tabs:
        ws = wb.create_sheet(tab.title)
        ws.append(tab.headers)
        for row in tab.rows:
            _append_raw(ws, row)
        if tab.example is not None:
            _append_raw(ws, tab.example)
            for cell in ws[ws.max_row]:
                cell.font = EXAMPLE_FONT
        ws.freeze_panes = "A2"
        for j, column in enumerate(tab.columns, 1):
            letter = get_column_letter(j)
            head = ws.cell(1, j)
            head.font = Font(bold=True)
            head.comment = Comment(column.note, AUTHOR, width=320, height=120)
            ws.column_dimensions[letter].width = column.width
            cells = f"{letter}2:{letter}{LAST_ROW}"
            rule = _validation(column)
            if rule is not None:
                rule.add(cells)
                ws.add_data_validation(rule)
    for title, rows in extra_tabs:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
        for cell in ws[1]:
            cell.font = Font(bold=True)
    save_atomically(wb, path)


def _append_raw(ws, row: Sequence[object]) -> None:
    """A row as typed: a name from the office's list that starts with "=" stays text, never a
    formula (openpyxl would store it as one)."""
    ws.append(list(row))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _validation(column) -> DataValidation | None:
    if column.choices:
        words = ",".join(column.choices)
        return DataValidation(type="list", formula1=f'"{words}"', allow_blank=True,
                              showErrorMessage=True, errorStyle="stop",
                              error=f"Chọn một trong: {', '.join(column.choices)}",
                              errorTitle=column.header)
    if column.codes_of is not None:
        tab, col = column.codes_of
        letter = get_column_letter(col)
        quoted = "'" + tab.replace("'", "''") + "'"
        return DataValidation(type="list", formula1=f"{quoted}!${letter}$2:${letter}${LAST_ROW}",
                              allow_blank=True, showErrorMessage=True, errorStyle="warning",
                              error=f"Không có trong tab '{tab}'", errorTitle=column.header)
    if column.date:
        return DataValidation(type="date", operator="greaterThan", formula1="1",
                              allow_blank=True, showErrorMessage=True, errorStyle="warning",
                              error="Ngày dd/mm/yyyy hoặc dd/mm/yyyy HH:MM", errorTitle=column.header)
    return None

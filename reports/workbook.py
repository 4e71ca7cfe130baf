""""Biểu tổng hợp": the spreadsheet staff attach to the report (.xlsx, openpyxl).

Per unit, group by group: status, when it sent, and each figure as a real number; a subtotal row
per group and a total row, with the same numbers as the "Số liệu" tab and ``status --json``
(values, not formulas, so any reader sees them). Laid out for printing: A4 landscape, fit to the
page width, title and header rows repeated on every page, Times New Roman, column widths that
fit the content.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sync.backends.files import write_atomically
from sync.rules.figure_table import FigureTable
from sync.rules.views import DECIMAL_FORMAT, WHOLE_FORMAT, figures_formats

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FIXED = ["STT", "Đơn vị", "Tình trạng", "Thời điểm gửi"]
WIDTHS = [6, 42, 20, 17]  # characters
FIGURE_WIDTH = 18
SENT = {"on_time", "late", "incomplete"}


def write_summary(context: dict, table: FigureTable, path: Path) -> None:
    """``context`` is the campaign's draft context; ``table`` its figures (may be empty)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Biểu tổng hợp"
    headers = FIXED + [c.spec.question for c in table.columns]
    formats = figures_formats(table) if not table.is_empty() else {}
    last_col = len(headers)
    _title(ws, context, last_col)
    header_row = ws.max_row + 2
    for col, text in enumerate(headers, 1):
        cell = ws.cell(header_row, col, text)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    ws.row_dimensions[header_row].height = 36  # two lines of a long question
    row = header_row + 1
    by_code = {u["code"]: u for g in context["annex_groups"] for u in g["units"]}
    subtotal = {line.name: line for line in table.groups}
    for group in context["annex_groups"]:
        ws.cell(row, 1, group["label"]).font = Font(name=FONT, size=12, bold=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
        ws.cell(row, 1).border = BOX
        row += 1
        for unit in group["units"]:
            values = [unit["stt"], unit["name"], unit["status"], unit["submitted"]]
            for column in table.columns:
                values.append(table.value(unit["code"], column.header)
                              if unit["code"] in table.units.index else None)
            _line(ws, row, values, formats, table, bold=False)
            row += 1
        name = group["name"]
        line = next((ln for n, ln in subtotal.items()
                     if n.casefold().endswith(" " + name.casefold())), None)
        sent = sum(u["status_code"] in SENT for u in group["units"])
        due = sum(u["status_code"] != "exempt" for u in group["units"])
        _line(ws, row, ["", line.name if line else f"Cộng {name}", f"Đã gửi {sent}/{due}", "",
                        *(line.values[c.header] if line else None for c in table.columns)],
              formats, table, bold=True)
        row += 1
    total = table.total if not table.is_empty() else None
    sent = sum(u["status_code"] in SENT for u in by_code.values())
    due = sum(u["status_code"] != "exempt" for u in by_code.values())
    _line(ws, row, ["", "TỔNG CỘNG", f"Đã gửi {sent}/{due}", "",
                    *((total.values[c.header] for c in table.columns) if total else ())],
          formats, table, bold=True)
    row += 1
    if total is not None:
        row += 1
        for result in context["results"] or []:
            note = (f"{result['heading']}: {result['way']}, số liệu của "
                    f"{result['covered']}/{result['due']} đơn vị phải gửi.")
            ws.cell(row, 1, note).font = Font(name=FONT, size=11, italic=True)
            row += 1
    _signature(ws, row + 1, context, last_col)
    _print_setup(ws, header_row, last_col)
    write_atomically(path, wb.save)


def _title(ws: Worksheet, context: dict, last_col: int) -> None:
    org = context["org"]
    lines = [(org["parent_body"], False, 12), (org["issuing_body"], True, 12),
             ("BIỂU TỔNG HỢP", True, 14), (context["campaign"]["summary_line"], True, 13),
             (f"(Kèm theo Báo cáo số {context['number']} {context['date_text']} của "
              f"{org['issuing_body_name']}; số liệu tính đến {context['as_of']})", False, 12)]
    lines = [line for line in lines if line[0]]
    for text, bold, size in lines:
        row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value else 1
        cell = ws.cell(row, 1, text)
        cell.font = Font(name=FONT, size=size, bold=bold, italic=not bold)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)


def _line(ws: Worksheet, row: int, values: list, formats: dict, table: FigureTable,
          bold: bool) -> None:
    for col, value in enumerate(values, 1):
        cell = ws.cell(row, col, value)
        cell.font = Font(name=FONT, size=12, bold=bold)
        cell.border = BOX
        cell.alignment = Alignment(vertical="top", wrap_text=True,
                                   horizontal="center" if col in (1, 4) else None)
        if col > len(FIXED) and isinstance(value, int | float):
            header = table.columns[col - len(FIXED) - 1].header
            cell.number_format = formats.get(header, DECIMAL_FORMAT)
        elif col == 1 and isinstance(value, int):
            cell.number_format = WHOLE_FORMAT
        elif isinstance(value, datetime):
            cell.number_format = "dd/mm/yyyy hh:mm"


def _print_setup(ws: Worksheet, header_row: int, last_col: int) -> None:
    for col in range(1, last_col + 1):
        width = WIDTHS[col - 1] if col <= len(WIDTHS) else FIGURE_WIDTH
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"  # the header on every printed page
    ws.page_margins.left, ws.page_margins.right = 0.8, 0.6  # inches: ~20 and 15 mm
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = FONT


def _signature(ws: Worksheet, row: int, context: dict, last_col: int) -> None:
    """The signer's block at the right, as under the report: authority, title, room, name."""
    org = context["org"]
    col = max(last_col - 1, 3)
    lines = [(org["signer_authority"], True), (org["signer_title"], True), ("", False),
             ("", False), ("", False), (org["signer_name"], True)]
    for text, bold in lines:
        if text or not bold:
            cell = ws.cell(row, col, text or None)
            cell.font = Font(name=FONT, size=12, bold=bold)
            cell.alignment = Alignment(horizontal="center")
            ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=last_col)
            row += 1

""""Biểu tổng hợp": the spreadsheet staff attach to the report (.xlsx, openpyxl).

Per unit, group by group: status, when it sent, and each figure as a real number; a subtotal row
per group and a total row, with the same numbers as the "Số liệu" tab and ``status --json``
(values, not formulas, so any reader sees them). Laid out for printing: A4 landscape, fit to the
page width, title and header rows repeated on every page, Times New Roman, column widths that
fit the content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.figures import split_unit
from sync.backends.files import write_atomically
from sync.rules import headers as H
from sync.rules.book import Cell
from sync.rules.compare import Against, Change, Comparison, Missing
from sync.rules.compare_view import AGAINST_ZERO, PERCENT_FORMAT, line_change, reference_notes
from sync.rules.figure_table import FigureTable, Line
from sync.rules.models import SENT as STATUSES_SENT
from sync.rules.views import DECIMAL_FORMAT, WHOLE_FORMAT, figures_formats

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FIXED = ["STT", "Đơn vị", "Tình trạng", "Thời điểm gửi"]
WIDTHS = [6, 42, 20, 17]  # characters
FIGURE_WIDTH = 18
SENT = {status.value for status in STATUSES_SENT}  # as the context codes them


def write_summary(context: dict, table: FigureTable, path: Path,
                  comparison: Comparison | None = None) -> None:
    """``context`` is the campaign's draft context; ``table`` its figures (may be empty); a
    repeating campaign's ``comparison`` adds, after each figure, its change against the period
    before and the same period a year before (those evaluated)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Biểu tổng hợp"
    columns = _columns(table, comparison)
    headers = FIXED + [c.title for c in columns]
    last_col = len(headers)
    _title(ws, context, last_col)
    header_row = ws.max_row + 2
    for col, text in enumerate(headers, 1):
        cell = ws.cell(header_row, col, text)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    ws.row_dimensions[header_row].height = 54 if comparison else 36  # a long question's lines
    row = header_row + 1
    by_code = {u["code"]: u for g in context["annex_groups"] for u in g["units"]}
    for group in context["annex_groups"]:
        ws.cell(row, 1, group["label"]).font = Font(name=FONT, size=12, bold=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
        ws.cell(row, 1).border = BOX
        row += 1
        for unit in group["units"]:
            values = [unit["stt"], unit["name"], unit["status"], unit["submitted"]]
            _line(ws, row, values + [c.of_unit(unit["code"]) for c in columns], columns,
                  bold=False)
            row += 1
        name = group["name"]
        sent = sum(u["status_code"] in SENT for u in group["units"])
        due = sum(u["status_code"] != "exempt" for u in group["units"])
        _line(ws, row, ["", f"{H.FIGURES_SUBTOTAL} {name}", f"Đã gửi {sent}/{due}", "",
                        *(c.of_group(name) for c in columns)], columns, bold=True)
        row += 1
    sent = sum(u["status_code"] in SENT for u in by_code.values())
    due = sum(u["status_code"] != "exempt" for u in by_code.values())
    _line(ws, row, ["", "TỔNG CỘNG", f"Đã gửi {sent}/{due}", "",
                    *(c.of_group(None) for c in columns)], columns, bold=True)
    row += 1
    if not table.is_empty():
        row += 1
        notes = [f"{result['heading']}: {result['way']}, số liệu của {result['covered']}/"
                 f"{result['due']} đơn vị phải gửi." for result in context["results"] or []]
        if comparison is not None and (said := reference_notes(comparison, None)):
            notes.append(f"Các cột so sánh: {'; '.join(said)}.")
        for note in notes:
            ws.cell(row, 1, note).font = Font(name=FONT, size=11, italic=True)
            row += 1
    _signature(ws, row + 1, context, last_col)
    _print_setup(ws, header_row, last_col)
    write_atomically(path, wb.save)


@dataclass(frozen=True)
class _Column:
    """A column after the fixed ones: its header, its value for a unit (by code) and for a
    group (by name; None: the total), and its number format."""

    title: str
    of_unit: Callable[[str], Cell | None]
    of_group: Callable[[str | None], Cell | None]
    number_format: str


def _columns(table: FigureTable, comparison: Comparison | None) -> list[_Column]:
    """Each figure (the "Số liệu" tab's numbers); after it, for a repeating campaign, its change
    against each reference period evaluated: a percentage, or for a rate (%) the difference in
    percentage points (as the report says it)."""
    if table.is_empty():
        return []
    formats = figures_formats(table)
    lines = {line.name.removeprefix(H.FIGURES_SUBTOTAL).strip(): line for line in table.groups}
    compared = {f.column.header: f for f in comparison.figures} if comparison else {}
    references = [w for w in Against
                  if any(f.against(w).missing is not Missing.NOT_EVALUATED
                         for f in compared.values())]
    out = []
    for column in table.columns:
        header = column.header
        out.append(_Column(
            column.spec.question,
            lambda code, h=header: table.value(code, h) if code in table.units.index else None,
            lambda group, h=header: (table.total if group is None else lines.get(group, _NONE)
                                     ).values.get(h),
            formats.get(header, DECIMAL_FORMAT)))
        figure = compared.get(header)
        if figure is None:
            continue
        points = split_unit(column.spec.question)[1] == "%"
        for which in references:
            versus = figure.against(which)
            out.append(_Column(
                f"So với {which.words} ({versus.reference.label}), "
                f"{'điểm %' if points else '%'}",
                lambda code, v=versus, p=points: _change(v.units.get(code), p),
                lambda group, v=versus, p=points: _change(line_change(v, group), p),
                POINTS_FORMAT if points else PERCENT_FORMAT))
    return out


POINTS_FORMAT = "+0.0#;-0.0#;0"
_NONE = Line("", {}, {}, {})


def _change(change: Change | None, points: bool) -> Cell | None:
    """A change as the report says it: in percentage points for a rate, else in percent (a
    fraction under a percent format); against 0 in words; none when not compared."""
    if change is None or not change.both:
        return None
    if points:
        return round(change.difference, 6)
    return AGAINST_ZERO if change.percent is None else round(change.percent / 100, 6)


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


def _line(ws: Worksheet, row: int, values: list, columns: list[_Column], bold: bool) -> None:
    for col, value in enumerate(values, 1):
        cell = ws.cell(row, col, value)
        cell.font = Font(name=FONT, size=12, bold=bold)
        cell.border = BOX
        cell.alignment = Alignment(vertical="top", wrap_text=True,
                                   horizontal="center" if col in (1, 4) else None)
        if col > len(FIXED) and isinstance(value, int | float):
            cell.number_format = columns[col - len(FIXED) - 1].number_format
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

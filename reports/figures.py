"""The figures of one campaign as a draft says them: a table by unit group with totals, and
sentences with the totals in Vietnamese number format, how many units each covers, and the
highest and lowest units.

Pure: the campaign's :class:`~sync.rules.figure_table.FigureTable` in, plain dicts out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sync.rules import headers as H
from sync.rules.figure_table import FigureColumn, FigureTable, Line
from sync.rules.figures import Aggregate
from sync.rules.models import UnitStatus
from sync.rules.numbers import vn_number

DECIMALS = 2  # shown in drafts; the "Số liệu" tab and the .xlsx keep the full number

WAY_WORDS = {Aggregate.SUM: "tổng", Aggregate.MEAN: "bình quân", Aggregate.MIN: "nhỏ nhất",
             Aggregate.MAX: "lớn nhất", Aggregate.COUNT: "số đơn vị báo cáo"}


def split_unit(question: str) -> tuple[str, str]:
    """"Số thu 6 tháng (triệu đồng)" -> ("Số thu 6 tháng", "triệu đồng"); "Tỷ lệ (%)" -> ("Tỷ lệ",
    "%"); a question without a unit in brackets keeps its words and no unit."""
    match = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", question)
    if match and match.group(1):
        return match.group(1), match.group(2).strip()
    return question, ""


def amount(value: float, unit: str, decimals: int = DECIMALS) -> str:
    """"1.234,5 triệu đồng", "60,56%", "180"."""
    number = vn_number(value, decimals)
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[:2].isupper() else text


def figure_results(table: FigureTable, statuses: Sequence[UnitStatus]) -> list[dict]:
    """One entry per figure: its sentence, and its rows by unit group with the total."""
    unreadable = {
        (s.campaign.code, s.unit.code, line.split(":")[0])
        for s in statuses for line in s.missing if "không đọc được số" in line
    }
    out = []
    for column in table.columns:
        label, unit = split_unit(column.spec.question)
        header = column.header
        bad = sum(1 for c, _u, q in unreadable if c == column.campaign.code
                  and q == column.spec.question)
        out.append({
            "question": column.spec.question,
            "label": label,
            "unit": unit,
            "way": WAY_WORDS[column.spec.aggregate],
            "heading": f"{column.spec.question}: {WAY_WORDS[column.spec.aggregate]}",
            "sentence": sentence(table, column, label, unit, bad),
            "groups": [_row(line, header, unit, column) for line in table.groups
                       if line.expected[header]],
            "total": _row(table.total, header, unit, column),
        })
    return out


def _row(line: Line, header: str, unit: str, column: FigureColumn) -> dict:
    value = line.values[header]
    shown = "" if value is None else (
        str(int(value)) if column.spec.aggregate is Aggregate.COUNT else vn_number(value, DECIMALS))
    group = line.name.removeprefix(H.FIGURES_SUBTOTAL).strip()
    return {"name": line.name, "group": group, "covered": f"{line.covered[header]}/{line.expected[header]}",
            "value": shown, "number": value}


def sentence(table: FigureTable, column: FigureColumn, label: str, unit: str, unreadable: int) -> str:
    header = column.header
    covered, expected = table.total.covered[header], table.total.expected[header]
    value = table.total.values[header]
    way = column.spec.aggregate
    if not covered or value is None:
        text = f"{label}: chưa có đơn vị nào báo cáo số liệu"
    else:
        if way is Aggregate.SUM:
            text = f"Tổng {_lower_first(label)}: {amount(value, unit)}"
        elif way is Aggregate.COUNT:
            text = f"Số đơn vị báo cáo {_lower_first(label)}: {int(value)}"
        else:
            text = f"{label} {WAY_WORDS[way]}: {amount(value, unit)}"
        text += f" (số liệu của {covered}/{expected} đơn vị)"
        values = table.units[header].dropna()
        if len(values) >= 2 and values.max() != values.min():
            high, low = values.idxmax(), values.idxmin()
            text += (f"; cao nhất: {table.units.at[high, 'name']} ({amount(values[high], unit)}), "
                     f"thấp nhất: {table.units.at[low, 'name']} ({amount(values[low], unit)})")
        elif len(values) == 1:
            text += f"; chỉ có {table.units.at[values.index[0], 'name']} báo cáo"
    if unreadable:
        text += (f"; {unreadable} đơn vị ghi số liệu chưa đọc được, chưa tính, "
                 "cần kiểm tra lại với đơn vị")
    return text + "."


def unit_figures(status: UnitStatus) -> str:
    """For the per-unit annex: "Số thu 6 tháng: 8.756,2 triệu đồng; Tỷ lệ so với dự toán: 60,4%"."""
    parts = []
    for spec in status.campaign.figures:
        value = status.figure(spec.question)
        if value is not None:
            label, unit = split_unit(spec.question)
            parts.append(f"{label}: {amount(value, unit)}")
    return "; ".join(parts)

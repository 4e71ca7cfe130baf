"""Synthetic workloads for the scale benchmarks: the demo workspace grown to N responses and U units.

The demo's tabs (campaigns, exemptions, the three smaller responses tabs) are kept; the roster
grows to ``units`` (the demo's ~90 plus "Tổ dân phố" units) and the first responses tab (NTVT,
"Tất cả" units) to ``rows`` responses spread over the roster, 8% typed without accents, 20% with
a day-first text timestamp instead of a date cell. Written with openpyxl's write-only mode, so a
100,000-row workbook takes seconds to build, not minutes.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from sync.backends.base import Backend, Book
from sync.demo import WARDS, build_workspace, roster
from sync.rules import headers as H
from sync.rules.text import strip_accents

RESPONSES_TAB = "Câu trả lời biểu mẫu 1"
NOW = "2023-06-20T10:00"


def units(count: int) -> list[tuple[str, str, str, str, str]]:
    """(code, name, group, email, aliases): the demo's roster, then "Tổ dân phố" units."""
    out = roster()
    i = 0
    while len(out) < count:
        i += 1
        ward = WARDS[i % len(WARDS)]
        code = f"TDP{i:05d}"
        out.append((code, f"Tổ dân phố số {i} phường {ward}", "Tổ dân phố",
                    f"{code.lower()}@thanhxuan.example.vn", ""))
    return out[:count]


def response_rows(header: list, roster_units: list[tuple], rows: int, seed: int = 12) -> list[list]:
    """``rows`` responses (header first) in the shape of ``header``: unit name, then answers."""
    rng = random.Random(seed)
    name_col = header.index("Tên đơn vị")
    start = datetime(2023, 6, 1)
    out = [list(header)]
    for i in range(rows):
        _, name, *_ = roster_units[i % len(roster_units)]
        when = start + timedelta(seconds=9 * i)
        stamp: object = when
        if rng.random() < 0.2:
            stamp = f"{when.day:02d}/{when.month:02d}/{when.year} {when.hour}:{when.minute:02d}:{when.second:02d}"
        typed = strip_accents(name) if rng.random() < 0.08 else name
        row: list = [f"Câu trả lời {i} cột {c}" for c in range(len(header))]
        row[0], row[1], row[name_col] = stamp, f"u{i % 997}@example.vn", typed
        row[name_col + 1] = f"Nguyễn Văn {i % 100}"
        row[name_col + 2] = f"09{i:08d}"[:10]
        out.append(row)
    return out


def build(directory: Path, rows: int, unit_count: int = 0) -> Path:
    """A workspace (config.toml + tonghop.xlsx) in ``directory``; returns the config path.
    ``unit_count`` 0 keeps the demo's roster."""
    config = build_workspace(directory)
    workbook = directory / "tonghop.xlsx"
    book = CalamineWorkbook.from_path(str(workbook))
    tabs = {title: book.get_sheet_by_name(title).to_python(skip_empty_area=False)
            for title in book.sheet_names}
    roster_units = units(unit_count) if unit_count else roster()
    if unit_count:
        tabs[H.ROSTER_TAB] = [tabs[H.ROSTER_TAB][0]] + [[c, n, g, e, a, "Có"]
                                                       for c, n, g, e, a in roster_units]
    tabs[RESPONSES_TAB] = response_rows(tabs[RESPONSES_TAB][0], roster_units, rows)
    out = openpyxl.Workbook(write_only=True)
    for title, values in tabs.items():
        sheet = out.create_sheet(title)
        for row in values:
            sheet.append([None if v == "" else v for v in row])
    out.save(workbook)
    return config


class InMemory(Backend):
    """Books already read, served again: the cycle's compute measured without I/O."""

    def __init__(self, books: dict[str, Book]):
        self.books = books

    def read(self, ref: str = "") -> Book:
        return self.books[ref]

    def write(self, ref, batch):
        raise AssertionError("compute only")

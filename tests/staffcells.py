"""Staff's cells, compared cell by cell before and after a cycle (the reliability matrix).

Every test of the matrix takes a picture of the cells staff own, runs the tool, and checks that
each one still holds what it held. ``COMPARED`` counts the cells checked in a pytest session;
``docs/reliability.md`` quotes it (``python bench/reliability_counts.py`` prints it).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from sync.config import TabNames, tool_tabs
from sync.rules import headers as H
from sync.rules.text import header_key

TOOL_TABS = set(tool_tabs(TabNames()).values())  # every tab the tool owns, new ones included
TOOL_COLUMNS = {header_key(H.VERDICT_COL), header_key(H.MATCHED_COL)}
COMPARED = {"cells": 0, "changed": 0, "faults": 0, "examples": 0}


def fault(count: int = 1) -> None:
    """Count a fault a test injects (a staff edit, a hostile cell, a failing save...)."""
    COMPARED["faults"] += count


def rows_of(values: list[list]) -> dict[tuple[int, int], object]:
    return {(r, c): v for r, row in enumerate(values, 1) for c, v in enumerate(row, 1)
            if v not in (None, "")}


def staff_cells(tabs: dict[str, list[list]]) -> dict[tuple[str, int, int], object]:
    """Cells of staff's tabs outside the tool's columns (a tool column is one headed by a tool
    header in row 1)."""
    out = {}
    for title, values in tabs.items():
        if title in TOOL_TABS:
            continue
        header = values[0] if values else []
        owned = {c for c, h in enumerate(header, 1) if header_key(h) in TOOL_COLUMNS}
        for (r, c), v in rows_of(values).items():
            if c not in owned:
                out[(title, r, c)] = v
    return out


def workbook_tabs(path: Path) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def changed_staff_cells(before: dict, after_tabs: dict[str, list[list]]) -> list:
    """Staff cells (as pictured in ``before``) that no longer hold their value, and cells the
    tool filled outside its own tabs and columns."""
    after = {(t, r, c): v for t, values in after_tabs.items() for (r, c), v in rows_of(values).items()}
    changed = [(k, before[k], after.get(k)) for k in before if after.get(k) != before[k]]
    for (title, r, c), v in after.items():
        if title in TOOL_TABS or (title, r, c) in before:
            continue
        header = after_tabs[title][0] if after_tabs[title] else []
        if c > len(header) or header_key(header[c - 1]) not in TOOL_COLUMNS:
            changed.append(((title, r, c), None, v))
    COMPARED["cells"] += len(before)
    COMPARED["changed"] += len(changed)
    return changed

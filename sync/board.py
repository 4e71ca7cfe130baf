"""The public board (config [board]): read with the cycle's other books, written in its batch.

A book of its own, so that it can be shared view-only with every unit: it holds the board's tab
and nothing else of the office's. A local workbook is made when it does not exist yet (on the
first write); a Google spreadsheet is made by staff and shared with the tool as Editor.
"""

from __future__ import annotations

from sync.backends.base import Backend, Book, WriteBatch
from sync.config import Config
from sync.errors import AccessError, ConfigError, Problem
from sync.rules import headers as H
from sync.rules.board import board_rows
from sync.rules.models import Campaign, UnitStatus
from sync.rules.plan import plan_keyed_table


def board_ref(config: Config, backend: Backend, campaigns: list[Campaign]) -> str | None:
    """The board's book, None without one. Never the control book nor a campaign's: what units
    typed and the office's tabs would be shared with it."""
    if not config.board.spreadsheet.strip():
        return None
    ref = backend.normalise_ref(config.board.spreadsheet)
    others = {backend.describe(backend.normalise_ref(c.spreadsheet)): f"campaign {c.code}'s"
              for c in campaigns}
    others[backend.describe("")] = "the control"
    same = others.get(backend.describe(ref))
    if same is not None:
        raise ConfigError(f"{config.path}: 'board.spreadsheet' is {same} book: the board must be "
                          "a book of its own, shared with the units (give another workbook or "
                          "spreadsheet)")
    return ref


def read_board(config: Config, backend: Backend, ref: str, problems: list[Problem]) -> Book | None:
    path_of = getattr(backend, "path_of", None)  # the local workbook: made on the first write
    if path_of is not None and not path_of(ref).exists():
        return Book(ref, path_of(ref).stem, {})
    try:
        return backend.read(ref)
    except AccessError as err:
        problems.append(Problem(config.board.tab, 1, None, f"public board not written: {err}"))
        return None


def plan_board(config: Config, book: Book, campaigns: list[Campaign],
               statuses: list[UnitStatus], skipped: frozenset[str]) -> WriteBatch:
    tab = book.find_tab(config.board.tab)
    rows = board_rows(campaigns, statuses, config.tz)
    return plan_keyed_table(tab, tab.title if tab else config.board.tab,
                            [H.BOARD_CAMPAIGN, H.BOARD_UNIT], H.BOARD_HEADERS, rows,
                            keep=lambda key: key[0] in skipped)


__all__ = ["board_ref", "plan_board", "read_board"]

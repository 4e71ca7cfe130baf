"""What staff see of repeating campaigns: the "Theo kỳ" tab, one row per (campaign, unit) and
one column per period, each cell that period's status.

Pure functions; ``plan`` decides which cells need writing. A new period is a new column at the
right: the tab grows month by month, the earlier columns keep their place.
"""

from __future__ import annotations

from collections.abc import Sequence

from sync.rules import headers as H
from sync.rules.book import Cell
from sync.rules.by_period import PeriodHistory
from sync.rules.models import Unit
from sync.rules.periods import Period
from sync.rules.plan import Colouring, Table
from sync.rules.views import NOT_EXPECTED_MARK, status_colour


def by_period_headers(histories: Sequence[PeriodHistory]) -> list[str]:
    """The key and unit columns, then every evaluated period of every repeating campaign, in
    time order (a period's data window, then the shorter kind first)."""
    periods = {p for h in histories for p in h.periods}
    return [*H.BY_PERIOD_KEYS, H.BY_PERIOD_NAME, H.BY_PERIOD_GROUP,
            *(p.label for p in sorted(periods, key=_when))]


def by_period_rows(histories: Sequence[PeriodHistory], units: Sequence[Unit]) -> Table:
    """Each campaign's units (every unit any of its periods expects, in roster order), each
    period's status label; "—" where that period does not expect the unit, "" for a period
    that campaign does not have (another campaign's kind)."""
    headers = by_period_headers(histories)
    columns: dict[str, list[Cell]] = {h: [] for h in headers}
    for history in histories:
        by_unit: dict[str, dict[str, str]] = {}
        for period, statuses in history.periods.items():
            label = period.label
            for s in statuses:
                by_unit.setdefault(s.unit.code, {})[label] = s.status.label
        labels = {p.label for p in history.periods}
        for unit in units:
            mine = by_unit.get(unit.code)
            if mine is None:
                continue
            columns[H.BY_PERIOD_KEYS[0]].append(history.campaign.code)
            columns[H.BY_PERIOD_KEYS[1]].append(unit.code)
            columns[H.BY_PERIOD_NAME].append(unit.name)
            columns[H.BY_PERIOD_GROUP].append(unit.group)
            for header in headers[4:]:
                columns[header].append(mine.get(header, NOT_EXPECTED_MARK if header in labels
                                                else ""))
    return Table(columns)


def by_period_colouring(headers: Sequence[str]) -> Colouring:
    """The period columns coloured as the status tab's."""
    return Colouring(frozenset(headers[4:]), status_colour)


def _when(period: Period) -> tuple[int, int, int]:
    return period.year, period.last_month, period.kind.months

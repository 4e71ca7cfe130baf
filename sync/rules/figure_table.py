"""The figures across units: one row per expected unit, one column per figure per campaign,
subtotals per unit group and a total, each the way its campaign declared (sum, mean, ...).

The aggregates are plain Python over at most a few hundred units (:func:`figure_lines`, also
what the comparisons add up with); the units' rows are a pandas frame for the views. The "Số
liệu" tab, ``status --json``, the drafts and the .xlsx summary read the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sync.rules import headers as H
from sync.rules.figures import Aggregate, FigureSpec
from sync.rules.models import Campaign, Status, UnitStatus

if TYPE_CHECKING:  # pandas is imported when a table is made, not by every cycle
    import pandas as pd

DIGITS = 6  # decimals kept in subtotals and totals (sums of floats: 0.1 + 0.2)
_UNIT = "unit"


@dataclass(frozen=True)
class FigureColumn:
    campaign: Campaign
    spec: FigureSpec

    @property
    def header(self) -> str:
        return H.figure_col(self.campaign.code, self.spec.question)


@dataclass(frozen=True)
class Line:
    """A subtotal or the total: the aggregate of each column, and how many units it covers."""

    name: str
    values: dict[str, float | None]  # by column header; None: no unit gave a number
    covered: dict[str, int]  # units whose number is in the aggregate
    expected: dict[str, int]  # units expected to give one


@dataclass(frozen=True)
class FigureTable:
    columns: list[FigureColumn]
    units: pd.DataFrame  # index: unit code; columns: name, group, then one per column header
    groups: list[Line]
    total: Line

    def value(self, unit_code: str, header: str) -> float | None:
        import pandas as pd

        value = self.units.at[unit_code, header]
        return None if pd.isna(value) else float(value)

    def is_empty(self) -> bool:
        return not self.columns


def figure_columns(campaigns: Sequence[Campaign]) -> list[FigureColumn]:
    return [FigureColumn(c, spec) for c in campaigns for spec in c.figures]


def figure_table(statuses: Sequence[UnitStatus], campaigns: Sequence[Campaign]) -> FigureTable:
    """``statuses`` in roster order (as the cycle makes them); only campaigns with figures."""
    columns = figure_columns(campaigns)
    wanted = {c.code: [(spec.question, H.figure_col(c.code, spec.question)) for spec in c.figures]
              for c in campaigns if c.figures}
    units: dict[str, tuple[str, str]] = {}
    by_campaign: dict[str, list[UnitStatus]] = {code: [] for code in wanted}
    for s in statuses:
        mine = by_campaign.get(s.campaign.code)
        if mine is not None:
            mine.append(s)
            if s.unit.code not in units:
                units[s.unit.code] = (s.unit.name, s.unit.listed_group)
    position = {code: i for i, code in enumerate(units)}
    # one list per figure column, a place per unit (None: no number, or not expected)
    values: dict[str, list[float | None]] = {col.header: [None] * len(units) for col in columns}
    owed: dict[str, list[bool]] = {col.header: [False] * len(units) for col in columns}
    for code, mine in by_campaign.items():
        for s in mine:
            i, given = position[s.unit.code], dict(s.figures)
            owes = s.status is not Status.EXEMPT  # an exempt unit owes no figure ("của x/y")
            for question, header in wanted[code]:
                values[header][i] = given.get(question)
                owed[header][i] = owes
    groups = [group for _, group in units.values()]
    lines = figure_lines(columns, values, owed, groups)
    return FigureTable(columns, _frame(units, values), lines[:-1], lines[-1])


def figure_lines(columns: Sequence[FigureColumn], values: Mapping[str, Sequence[float | None]],
                 owed: Mapping[str, Sequence[bool]], groups: Sequence[str]) -> list[Line]:
    """A subtotal per unit group (in the order groups first appear) and the total, last: each
    column aggregated its own way over the units of ``groups`` (their places in ``values`` and
    ``owed``, by column header). The one home of the aggregation rules: the figures tab, the
    drafts and the comparisons (:mod:`sync.rules.compare`) all add up here."""
    members: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        members.setdefault(group, []).append(i)
    places = [(f"{H.FIGURES_SUBTOTAL} {group}", positions) for group, positions in members.items()]
    places.append((H.FIGURES_TOTAL, range(len(groups))))
    out = []
    for name, positions in places:
        line = Line(name, {}, {}, {})
        for column in columns:
            header = column.header
            mine = values[header]
            given = [v for i in positions if (v := mine[i]) is not None]
            base = (values[H.figure_col(column.campaign.code, column.spec.base)]
                    if column.spec.aggregate is Aggregate.RATIO else None)
            line.values[header] = _aggregate(column.spec.aggregate, given, mine, base, positions)
            line.covered[header] = len(given)
            line.expected[header] = sum(1 for i in positions if owed[header][i])
        out.append(line)
    return out


def _aggregate(way: Aggregate, given: list[float], column: Sequence[float | None],
               base: Sequence[float | None] | None, positions: Sequence[int]) -> float | None:
    """One column over one group's units, ``given`` its numbers; a sum over no number is no
    number (not 0), a count of none is 0. Rounded: a float sum's last bits would not
    round-trip."""
    if way is Aggregate.COUNT:
        return float(len(given)) if positions else None
    if way is Aggregate.RATIO:  # the units that gave both: their amounts over their estimates
        assert base is not None
        pairs = [(amount, amount / rate * 100) for i in positions
                 if (rate := column[i]) is not None and rate != 0
                 and (amount := base[i]) is not None]
        estimate = math.fsum(e for _, e in pairs)
        if not pairs or estimate == 0:
            return None
        value = math.fsum(a for a, _ in pairs) / estimate * 100
    elif not given:
        return None
    elif way is Aggregate.SUM:
        value = math.fsum(given)
    elif way is Aggregate.MEAN:
        value = math.fsum(given) / len(given)
    elif way is Aggregate.MIN:
        value = min(given)
    else:
        value = max(given)
    return round(value, DIGITS) + 0.0  # -0.0 -> 0.0


def _frame(units: Mapping[str, tuple[str, str]],
           values: Mapping[str, Sequence[float | None]]) -> pd.DataFrame:
    """The units' rows: index the unit code, then name, group and one float column per figure
    (NaN: no number)."""
    import numpy as np
    import pandas as pd

    nan = float("nan")
    data: dict[str, object] = {"name": [name for name, _ in units.values()],
                               "group": [group for _, group in units.values()]}
    for header, column in values.items():
        data[header] = np.array([nan if v is None else v for v in column], dtype="float64")
    return pd.DataFrame(data, index=pd.Index(list(units), name=_UNIT, dtype=object))

"""The figures across units: one row per expected unit, one column per figure per campaign,
subtotals per unit group and a total, each the way its campaign declared (sum, mean, ...).

Built with pandas on the evaluated table (a pivot, then a group-by per way of adding up), so the
"Số liệu" tab, ``status --json``, the drafts and the .xlsx summary read the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sync.rules import headers as H
from sync.rules.figures import Aggregate, FigureSpec
from sync.rules.models import Campaign, Status, UnitStatus

if TYPE_CHECKING:  # pandas is imported when a campaign declares figures, not by every cycle
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
    import numpy as np
    import pandas as pd

    columns = figure_columns(campaigns)
    headers = [col.header for col in columns]
    wanted = {c.code: [(spec.question, H.figure_col(c.code, spec.question)) for spec in c.figures]
              for c in campaigns if c.figures}
    units: dict[str, tuple[str, str]] = {}
    by_campaign: dict[str, list[UnitStatus]] = {code: [] for code in wanted}
    for s in statuses:  # the one loop over Python objects; the rest is pandas
        mine = by_campaign.get(s.campaign.code)
        if mine is not None:
            mine.append(s)
            if s.unit.code not in units:
                units[s.unit.code] = (s.unit.name, s.unit.group or "Khác")
    index = pd.Index(list(units), name=_UNIT)
    frames: list[pd.DataFrame] = []
    dues: list[pd.DataFrame] = []
    nan = float("nan")
    for code, mine in by_campaign.items():  # one block per campaign, built row-wise at C speed
        codes = pd.Index([s.unit.code for s in mine])
        questions = [question for question, _ in wanted[code]]
        mine_headers = [header for _, header in wanted[code]]
        given = [dict(s.figures) for s in mine]
        frames.append(pd.DataFrame([[g.get(q, nan) for q in questions] for g in given],
                                   index=codes, columns=mine_headers, dtype="float64"))
        # an exempt unit owes no figure: out of "số liệu của x/y" as in the drafts
        owes = [s.status is not Status.EXEMPT for s in mine]
        dues.append(pd.DataFrame({h: owes for h in mine_headers}, index=codes, dtype=bool))
    # one column per figure, aligned on the units (a unit a campaign does not expect: NaN)
    values = _aligned(frames, index, headers, "float64")
    expected = _aligned(dues, index, headers, "boolean").fillna(False).astype(bool)
    info = pd.DataFrame(list(units.values()), index=index, columns=["name", "group"])
    # grouped by the plain array: a Series key makes pandas print it (repr) for every groupby
    group_key = info["group"].to_numpy()
    table = pd.concat([info, values], axis=1)
    ways = {col.header: col.spec.aggregate for col in columns}
    bases = {col.header: H.figure_col(col.campaign.code, col.spec.base)
             for col in columns if col.spec.aggregate is Aggregate.RATIO}
    values = _with_ratio_parts(values, bases)
    by_group = values.groupby(group_key, sort=False)
    aggregated = _aggregate(by_group, ways)
    values = values[headers]
    by_group = values.groupby(group_key, sort=False)
    covered, due_by_group = by_group.count(), expected.groupby(group_key, sort=False).sum()
    groups = [_line(f"{H.FIGURES_SUBTOTAL} {name}", aggregated.loc[name], covered.loc[name],
                    due_by_group.loc[name]) for name in aggregated.index]
    everyone = _with_ratio_parts(values, bases).groupby(np.zeros(len(index), dtype=int), sort=False)
    total = _line(H.FIGURES_TOTAL, _aggregate(everyone, ways).iloc[0] if len(index) else None,
                  values.count(), expected.sum())
    return FigureTable(columns, table, groups, total)


def _aligned(blocks: list[pd.DataFrame], index: pd.Index, headers: list[str],
             dtype: str) -> pd.DataFrame:
    """The campaigns' blocks side by side on every unit (a unit a block lacks: NA)."""
    import pandas as pd

    if not blocks:
        return pd.DataFrame(index=index, columns=headers, dtype=dtype)
    joined = pd.concat([b.reindex(index) for b in blocks], axis=1)
    return joined.reindex(columns=headers).astype(dtype)


_NUM, _DEN = "\x00amount", "\x00estimate"  # a rate's two sums, in helper columns


def _with_ratio_parts(values: pd.DataFrame, bases: dict[str, str]) -> pd.DataFrame:
    """For each rate of totals, the units that gave both numbers: their amount, and their
    estimate (amount / rate x 100), summed later per group."""
    if not bases:
        return values
    extra = {}
    for header, base in bases.items():
        rate, amount = values[header], values[base]
        both = rate.notna() & amount.notna() & (rate != 0)
        extra[header + _NUM] = amount.where(both)
        extra[header + _DEN] = (amount / rate * 100).where(both)
    return values.assign(**extra)


def _aggregate(grouped, ways: dict[str, Aggregate]) -> pd.DataFrame:
    """Each column by its own way; a sum over no number is no number (not 0)."""
    import pandas as pd

    parts = []
    for way in Aggregate:
        cols = [h for h, w in ways.items() if w is way]
        if not cols:
            continue
        if way is Aggregate.RATIO:
            amounts = grouped[[c + _NUM for c in cols]].sum(min_count=1)
            estimates = grouped[[c + _DEN for c in cols]].sum(min_count=1)
            amounts.columns = estimates.columns = cols
            parts.append(amounts / estimates * 100)
            continue
        part = grouped[cols]
        if way is Aggregate.SUM:
            parts.append(part.sum(min_count=1))
        elif way is Aggregate.COUNT:
            parts.append(part.count().astype("float64"))
        else:
            parts.append(getattr(part, way.value)())
    if not parts:
        return pd.DataFrame(index=grouped.size().index)
    return pd.concat(parts, axis=1)[list(ways)]


def _line(name: str, values, covered, expected) -> Line:
    import pandas as pd

    def number(v) -> float | None:  # rounded: a float sum's last bits would not round-trip
        return None if v is None or pd.isna(v) else round(float(v), DIGITS)

    headers = list(covered.index)
    return Line(
        name,
        {h: number(values[h] if values is not None else None) for h in headers},
        {h: int(covered[h]) for h in headers},
        {h: int(expected[h]) for h in headers},
    )

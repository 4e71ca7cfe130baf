"""A period's figures against the period before ("so với kỳ trước") and the same period a year
before ("so với cùng kỳ năm trước"): per unit, per unit group and in total.

A comparison is taken only over the units that have a number for the figure in both periods
(and are exempt in neither): adding up 11 wards this month against 9 last month would read as
growth that is only two more reports. Each group and the total say how many units that is, of
the units expected in the period. A rate of totals (``Aggregate.RATIO``) counts a unit when it
gave the rate (not 0) and its base amount in both periods, the units whose numbers enter it.

Groups and totals are aggregated by :func:`sync.rules.figure_table.figure_lines`, the campaign's
own way (sum, mean, ..., rate of totals), on the numbers of the common units only: one home for
the aggregation rules. The reference period's numbers are laid on the
compared period's units (their names and groups), so both sides are grouped alike.

No comparison, never 0: a reference period that was not evaluated (before the campaign's first
period) or that shares no unit with data. A percentage against 0 is undefined (None).

Pure: a :class:`~sync.rules.by_period.PeriodHistory` in, plain records out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

from sync.rules import headers as H
from sync.rules.by_period import PeriodHistory
from sync.rules.figure_table import (
    FigureColumn,
    FigureTable,
    Line,
    figure_columns,
    figure_lines,
    figure_table,
)
from sync.rules.figures import Aggregate, FigureSpec
from sync.rules.models import Campaign, Status, UnitStatus
from sync.rules.periods import Period


class Against(StrEnum):
    """The two references a clerk compares a period with; the value is the stable code."""

    PREVIOUS = "previous"  # kỳ trước
    YEAR_BEFORE = "year_before"  # cùng kỳ năm trước

    @property
    def words(self) -> str:
        return "kỳ trước" if self is Against.PREVIOUS else "cùng kỳ năm trước"

    def of(self, period: Period) -> Period:
        return period.previous() if self is Against.PREVIOUS else period.year_before()


class Missing(StrEnum):
    """Why there is no comparison."""

    NOT_EVALUATED = "not_evaluated"  # before the campaign's first period (or not yet read)
    NO_COMMON_UNIT = "no_common_unit"  # no unit has a number in both periods
    NO_VALUE = "no_value"  # units in both, but no aggregate: a rate of totals whose amounts are 0


class Change(NamedTuple):
    """One value now against one then. ``difference`` and ``percent`` only when both are
    numbers; ``percent`` is undefined (None) against 0. (A tuple: a comparison makes one per
    unit and figure.)"""

    now: float | None
    then: float | None
    # a unit with a number on both sides still left out: exempt in one period, or a rate of 0
    # or without its base amount (shown, not compared)
    left_out: bool = False

    @property
    def both(self) -> bool:
        return self.now is not None and self.then is not None and not self.left_out

    @property
    def difference(self) -> float | None:
        return None if not self.both else self.now - self.then  # type: ignore[operator]

    @property
    def percent(self) -> float | None:
        if not self.both or self.then == 0:
            return None
        return (self.now - self.then) / abs(self.then) * 100  # type: ignore[operator]


@dataclass(frozen=True)
class Aggregated:
    """A group or the total over the units in both periods: ``change`` None when there is
    none; ``covered`` of ``expected`` units (expected in the compared period, exempt ones out)."""

    change: Change | None
    covered: int
    expected: int


@dataclass(frozen=True)
class Versus:
    """One figure against one reference period."""

    against: Against
    reference: Period
    missing: Missing | None  # None: compared
    units: dict[str, Change]  # by unit code: each unit's own numbers (``both``: it is compared)
    groups: dict[str, Aggregated]  # by group name, in the table's order
    total: Aggregated

    @property
    def compared(self) -> bool:
        return self.missing is None


@dataclass(frozen=True)
class FigureComparison:
    column: FigureColumn
    previous: Versus
    year_before: Versus

    @property
    def spec(self) -> FigureSpec:
        return self.column.spec

    def against(self, which: Against) -> Versus:
        return self.previous if which is Against.PREVIOUS else self.year_before


@dataclass(frozen=True)
class Comparison:
    """Every figure of a campaign, ``period`` against its two references."""

    campaign: Campaign
    period: Period
    statuses: list[UnitStatus] = field(repr=False)  # the period's, every expected unit
    figures: list[FigureComparison]

    @cached_property
    def table(self) -> FigureTable:
        """The period's own figures (every unit), as the "Số liệu" tab has them; made when a
        draft asks (the cycle's figures tab has its own, of every campaign)."""
        return figure_table(self.statuses, [self.campaign])

    def is_empty(self) -> bool:
        return not self.figures


def compare(history: PeriodHistory, period: Period | None = None) -> Comparison:
    """``period`` (the current one by default) against the period before and the same period a
    year before, for every figure of the campaign."""
    period = period or history.current
    campaign = history.campaign
    now = history.statuses(period)
    if not campaign.figures:
        return Comparison(campaign, period, now, [])
    versus = {which: _versus(history, campaign, now, which.of(period), which) for which in Against}
    figures = [FigureComparison(column, versus[Against.PREVIOUS][column.header],
                                versus[Against.YEAR_BEFORE][column.header])
               for column in figure_columns([campaign])]
    return Comparison(campaign, period, now, figures)


def _versus(history: PeriodHistory, campaign: Campaign, now: list[UnitStatus],
            reference: Period, which: Against) -> dict[str, Versus]:
    """Each figure of ``now`` against ``reference``, by the figure's header. Both sides add up
    the way the figures tab does (:func:`figure_lines`), each side a copy of the campaign under
    its own code, on this period's units (their groups, what they owe): a reference not
    evaluated has no number on either side, and nothing is compared."""
    then_by_unit = {s.unit.code: s for s in history.statuses(reference)}
    kept_now, kept_then = _common(campaign.figures, now, then_by_unit)
    codes = [s.unit.code for s in now]
    owes = [s.status is not Status.EXEMPT for s in now]
    sides = [replace(campaign, code=_side(campaign, which, side)) for side in ("now", "then")]
    values = {H.figure_col(side.code, spec.question): [kept[code].get(spec.question)
                                                      for code in codes]
              for side, kept in zip(sides, (kept_now, kept_then), strict=True)
              for spec in campaign.figures}
    lines = figure_lines(figure_columns(sides), values, dict.fromkeys(values, owes),
                         [s.unit.listed_group for s in now])
    evaluated = reference in history.periods
    raw_now = {s.unit.code: dict(s.figures) for s in now}
    raw_then = {code: dict(s.figures) for code, s in then_by_unit.items()}
    out = {}
    for column in figure_columns([campaign]):
        question, header = column.spec.question, column.header
        mine, theirs = (H.figure_col(side.code, question) for side in sides)
        units = {code: Change(raw_now[code].get(question), raw_then.get(code, {}).get(question),
                              question not in kept_now[code]) for code in codes}
        groups = {line.name.removeprefix(H.FIGURES_SUBTOTAL).strip(): _sides(line, mine, theirs)
                  for line in lines[:-1]}
        total = _sides(lines[-1], mine, theirs)
        missing = (Missing.NOT_EVALUATED if not evaluated
                   else Missing.NO_COMMON_UNIT if not total.covered
                   else Missing.NO_VALUE if total.change is None else None)
        out[header] = Versus(which, reference, missing, units, groups, total)
    return out


def _side(campaign: Campaign, which: Against, side: str) -> str:
    return f"{campaign.code}\x00{which.value}\x00{side}"


def _sides(line: Line, mine: str, theirs: str) -> Aggregated:
    """One line of the joint table: this period's side against the reference's."""
    return _aggregated(line.values[mine], line.values[theirs], line.covered[mine],
                       line.expected[mine])


def _aggregated(now: float | None, then: float | None, covered: int, expected: int) -> Aggregated:
    if not covered or now is None or then is None:
        return Aggregated(None, covered, expected)
    return Aggregated(Change(now, then), covered, expected)


def _counts(spec: FigureSpec, figures: Mapping[str, float]) -> bool:
    """Whether a unit's numbers of one period enter the figure's aggregate."""
    value = figures.get(spec.question)
    if value is None:
        return False
    if spec.aggregate is Aggregate.RATIO:
        return value != 0 and spec.base in figures
    return True


def _common(specs: Sequence[FigureSpec], now: Sequence[UnitStatus],
            then: Mapping[str, UnitStatus]) -> tuple[dict[str, dict[str, float]],
                                                       dict[str, dict[str, float]]]:
    """Per unit of ``now``, the numbers of each period that are compared: those of the figures
    the unit has in both periods, neither period exempting it."""
    kept_now: dict[str, dict[str, float]] = {}
    kept_then: dict[str, dict[str, float]] = {}
    for s in now:
        before = then.get(s.unit.code)
        mine_now, mine_then = {}, {}
        if before is not None and Status.EXEMPT not in (s.status, before.status):
            figures_now, figures_then = dict(s.figures), dict(before.figures)
            for spec in specs:
                if _counts(spec, figures_now) and _counts(spec, figures_then):
                    mine_now[spec.question] = figures_now[spec.question]
                    mine_then[spec.question] = figures_then[spec.question]
        kept_now[s.unit.code], kept_then[s.unit.code] = mine_now, mine_then
    return kept_now, kept_then

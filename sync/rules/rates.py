"""Reporting rates over a year (DHIS2's "reporting rate" and "reporting rate on time"): of the
periods of the year whose deadline has passed, how many each unit sent, sent on time, sent
complete; per unit group and in total too.

* due: the unit's periods of the year whose deadline (its own, an extension included) had passed
  by ``now``; a period the unit was exempt from, or not expected in, is not counted;
* sent: on time, late or incomplete (a report came in);
* on time: by the deadline, an extension included: ``ON_TIME``, or ``INCOMPLETE`` not late;
* complete: ``ON_TIME`` or ``LATE`` (nothing missing).

Rates are percentages of ``due``; None when nothing is due (not 0%). Pure: a
:class:`~sync.rules.by_period.PeriodHistory` and ``now`` in, counts out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sync.rules.by_period import PeriodHistory
from sync.rules.models import SENT, Campaign, Status, Unit, UnitStatus
from sync.rules.periods import Period

COMPLETE = (Status.ON_TIME, Status.LATE)


def on_time(s: UnitStatus) -> bool:
    return s.status is Status.ON_TIME or (s.status is Status.INCOMPLETE and s.late_by is None)


@dataclass
class Rate:
    """Counts of periods: due, sent, on time, complete; ``missed``: due and not sent."""

    due: int = 0
    sent: int = 0
    on_time: int = 0
    complete: int = 0
    missed: list[Period] = field(default_factory=list)

    def add(self, s: UnitStatus) -> None:
        self.due += 1
        if s.status in SENT:
            self.sent += 1
        else:
            self.missed.append(s.campaign.period)  # type: ignore[arg-type]
        self.on_time += on_time(s)
        self.complete += s.status in COMPLETE

    def merge(self, other: Rate) -> None:
        self.due += other.due
        self.sent += other.sent
        self.on_time += other.on_time
        self.complete += other.complete

    def _rate(self, part: int) -> float | None:
        return part / self.due * 100 if self.due else None

    @property
    def sent_rate(self) -> float | None:
        return self._rate(self.sent)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.on_time)

    @property
    def complete_rate(self) -> float | None:
        return self._rate(self.complete)


@dataclass(frozen=True)
class UnitRate:
    unit: Unit
    rate: Rate

    @property
    def group(self) -> str:
        return self.unit.listed_group


@dataclass(frozen=True)
class Rates:
    """One campaign's rates for ``year`` at ``now``: ``periods`` are those of the year whose
    deadline had passed for some unit; units in roster order (the latest period's), groups in
    their first unit's order."""

    campaign: Campaign
    year: int
    now: datetime
    periods: list[Period]
    units: list[UnitRate]
    groups: dict[str, Rate]
    total: Rate


def reporting_rates(history: PeriodHistory, year: int, now: datetime,
                    until: Period | None = None) -> Rates:
    """Each unit's counts over the periods of ``year`` evaluated in ``history`` (up to ``until``
    included, when given: a past period's draft counts the year as far as that period)."""
    by_unit: dict[str, Unit] = {}
    rates: dict[str, Rate] = {}
    periods: list[Period] = []
    # the latest period's roster first (its order and names), then units seen only before
    for period in reversed(list(history.periods)):
        for s in history.periods[period]:
            by_unit.setdefault(s.unit.code, s.unit)
    for period, statuses in history.periods.items():
        if period.year != year or (until is not None and period > until):
            continue
        counted = False
        for s in statuses:
            if s.status is Status.EXEMPT or s.deadline is None or s.deadline >= now:
                continue
            rates.setdefault(s.unit.code, Rate()).add(s)
            counted = True
        if counted:
            periods.append(period)
    units = [UnitRate(unit, rates[code]) for code, unit in by_unit.items() if code in rates]
    groups: dict[str, Rate] = {}
    total = Rate()
    for u in units:
        groups.setdefault(u.group, Rate()).merge(u.rate)
        total.merge(u.rate)
    return Rates(history.campaign, year, now, periods, units, groups, total)

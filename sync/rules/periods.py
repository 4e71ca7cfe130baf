"""Reporting periods (kỳ báo cáo): months, quarters, halves and years, their data cut-off and
deadline, and which period a response belongs to.

Decree 09/2019/NĐ-CP on the reporting regime of state administrative bodies, Article 12
("Thời gian chốt số liệu báo cáo"), sets the data cut-off of periodic reports:

1. monthly: from the 15th of the previous month to the 14th of the month of the period;
2. quarterly: from the 15th of the month before the quarter to the 14th of its last month;
3. six months: the first half from 15 December of the year before to 14 June, the second half
   from 15 June to 14 December;
4. yearly: from 15 December of the year before to 14 December;
5. other periodic reports: as the authority issuing the regime decides.

So each period's window runs from the day after the cut-off day of the month before its first
month to the cut-off day of its last month (:class:`CutOff`, day 14 by default; clause 5 lets a
campaign set another day, or calendar months). Deadlines are each regime's own (Article 13):
:class:`DeadlineRule`. Pure: dates in, periods out; time is always passed in.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class PeriodKind(StrEnum):
    MONTH = "tháng"
    QUARTER = "quý"
    HALF_YEAR = "6 tháng"
    YEAR = "năm"

    @property
    def months(self) -> int:
        return _MONTHS[self]

    @property
    def per_year(self) -> int:
        return 12 // _MONTHS[self]


_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF_YEAR: 6, PeriodKind.YEAR: 12}
_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True, order=True)
class Period:
    """One period of a kind: ``index`` is its place in the year (month 1-12, quarter 1-4,
    half 1-2, year 1). Ordered by year, then index (compare periods of one kind only)."""

    year: int
    index: int
    kind: PeriodKind

    def __post_init__(self) -> None:
        if not 1 <= self.index <= self.kind.per_year:
            raise ValueError(f"{self.kind} {self.index} does not exist "
                             f"(1 to {self.kind.per_year})")
        if not 1900 <= self.year <= 9998:
            raise ValueError(f"year {self.year} is out of range")

    @classmethod
    def of_month(cls, kind: PeriodKind, year: int, month: int) -> Period:
        """The period of ``kind`` that holds calendar month ``month`` of ``year``."""
        return cls(year, (month - 1) // kind.months + 1, kind)

    @property
    def first_month(self) -> int:
        return (self.index - 1) * self.kind.months + 1

    @property
    def last_month(self) -> int:
        return self.index * self.kind.months

    @property
    def label(self) -> str:
        """As a clerk writes it: "Tháng 6/2025", "Quý II/2025", "6 tháng đầu năm 2025"."""
        if self.kind is PeriodKind.MONTH:
            return f"Tháng {self.index}/{self.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"Quý {_ROMAN[self.index - 1]}/{self.year}"
        if self.kind is PeriodKind.HALF_YEAR:
            return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {self.year}"
        return f"Năm {self.year}"

    def __str__(self) -> str:
        return self.label

    @property
    def _ordinal(self) -> int:
        """Periods of this kind since the year 0."""
        return self.year * self.kind.per_year + self.index - 1

    def shift(self, n: int) -> Period:
        """The period ``n`` periods later (earlier when negative)."""
        position = self._ordinal + n
        return Period(position // self.kind.per_year, position % self.kind.per_year + 1, self.kind)

    def through(self, last: Period) -> list[Period]:
        """This period and each after it up to ``last`` included (none when ``last`` is earlier)."""
        return [self.shift(n) for n in range(last._ordinal - self._ordinal + 1)]

    def previous(self) -> Period:
        """"Kỳ trước"."""
        return self.shift(-1)

    def year_before(self) -> Period:
        """"Cùng kỳ năm trước"."""
        return Period(self.year - 1, self.index, self.kind)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    position = year * 12 + month - 1 + n
    return position // 12, position % 12 + 1


def _day_in(year: int, month: int, day: int) -> date:
    """``day`` of the month, or its last day when the month is shorter ("ngày 31" of June)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class CutOff:
    """The data cut-off rule: ``day`` is the last day of a period's data in its last month
    (Decree 09: 14, so the window starts on the 15th of the month before); None: calendar
    months (the 1st of the first month to the last day of the last month)."""

    day: int | None = 14

    def __post_init__(self) -> None:
        if self.day is not None and not 1 <= self.day <= 28:
            raise ValueError(f"cut-off day {self.day} must be 1 to 28 (every month has it)")

    def window(self, period: Period) -> tuple[date, date]:
        """The first and the last day of the period's data, both included."""
        last_year, last_month = period.year, period.last_month
        if self.day is None:
            return (date(period.year, period.first_month, 1),
                    _day_in(last_year, last_month, 31))
        year, month = _add_months(period.year, period.first_month, -1)
        # the day after the last period's cut-off: 1 March after a 28 February one
        return date(year, month, self.day) + timedelta(days=1), date(last_year, last_month, self.day)

    def period_of(self, day: date, kind: PeriodKind) -> Period:
        """The period of ``kind`` whose window holds ``day``."""
        year, month = day.year, day.month
        if self.day is not None and day.day > self.day:
            year, month = _add_months(year, month, 1)
        return Period.of_month(kind, year, month)

    @property
    def text(self) -> str:
        if self.day is None:
            return "theo tháng dương lịch"
        if self.day == 14:
            return "theo Nghị định 09/2019/NĐ-CP (ngày 15 kỳ trước đến ngày 14)"
        return f"ngày {self.day + 1} kỳ trước đến ngày {self.day}"


DECREE_09 = CutOff(14)
CALENDAR = CutOff(None)


class Anchor(StrEnum):
    LAST_MONTH = "tháng cuối kỳ"  # "ngày 18 của tháng cuối kỳ"
    NEXT_MONTH = "tháng sau kỳ"  # "ngày 5 của tháng sau kỳ"
    CUTOFF = "ngày chốt số liệu"  # "5 ngày sau ngày chốt số liệu"


@dataclass(frozen=True)
class DeadlineRule:
    """When each period's report is due: a day of the period's last month or of the month
    after it (a day past the month's end is its last day), or days after the cut-off."""

    anchor: Anchor
    days: int

    def day(self, period: Period, cutoff: CutOff) -> date:
        if self.anchor is Anchor.CUTOFF:
            return cutoff.window(period)[1] + timedelta(days=self.days)
        year, month = period.year, period.last_month
        if self.anchor is Anchor.NEXT_MONTH:
            year, month = _add_months(year, month, 1)
        return _day_in(year, month, self.days)

    @property
    def text(self) -> str:
        if self.anchor is Anchor.CUTOFF:
            return f"{self.days} ngày sau ngày chốt số liệu"
        return f"ngày {self.days} của {self.anchor}"


@dataclass(frozen=True)
class Schedule:
    """A campaign that repeats: its kind of period, the first period it collects, its deadline
    rule and its cut-off."""

    kind: PeriodKind
    first: Period
    deadline_rule: DeadlineRule
    cutoff: CutOff = DECREE_09

    def __post_init__(self) -> None:
        if self.first.kind is not self.kind:
            raise ValueError(f"the first period {self.first} is not a {self.kind} period")

    def window(self, period: Period, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period's data window as moments: from its first day's start, to (excluded) the
        start of the day after its last."""
        first, last = self.cutoff.window(period)
        return _start(first, tz), _start(last + timedelta(days=1), tz)

    def deadline(self, period: Period, tz: ZoneInfo) -> datetime:
        """The last moment that is on time: the end of the deadline's day (as ``Hạn nộp``)."""
        day = self.deadline_rule.day(period, self.cutoff)
        return datetime.combine(day, time(23, 59, 59, 999_999), tz)

    def opens(self, period: Period) -> date:
        """The first day a response counts for ``period`` by when it was sent: its cut-off day
        (the report follows its data), or its deadline when that comes first."""
        return min(self.cutoff.window(period)[1], self.deadline_rule.day(period, self.cutoff))

    def sent_in(self, moment: datetime, tz: ZoneInfo) -> Period:
        """The period a response sent at ``moment`` is for, by time alone: the last one that
        had opened by the day it was sent (see :meth:`opens`)."""
        day = moment.astimezone(tz).date() if moment.tzinfo else moment.date()
        # a period opens within its own data window (on or before its last day)
        guess = self.cutoff.period_of(day, self.kind)
        return guess if self.opens(guess) <= day else guess.previous()

    def current(self, now: datetime, tz: ZoneInfo) -> Period:
        """The period staff watch at ``now``: the one whose deadline is nearest, past or to
        come (a tie goes to the past one, still being chased); the first before it is due."""
        period = self.first
        while self.deadline(period, tz) < now:
            period = period.shift(1)
        if period == self.first:
            return period
        before = period.previous()
        past, ahead = now - self.deadline(before, tz), self.deadline(period, tz) - now
        return before if past <= ahead else period

    def next_turn(self, now: datetime, tz: ZoneInfo) -> datetime:
        """The first moment after ``now`` at which the periods seen at ``now`` could change:
        a deadline passes, the current period moves on (half-way between two deadlines), or a
        period's data window begins (from then a unit may report for it)."""
        current = self.current(now, tz)
        following = current.shift(1)
        deadline, after = self.deadline(current, tz), self.deadline(following, tz)
        tick = timedelta(microseconds=1)
        moments = [deadline + tick, after + tick, deadline + (after - deadline) / 2 + tick,
                   self.window(following, tz)[0], self.window(following.shift(1), tz)[0]]
        return min(m for m in moments if m > now)

    def due(self, now: datetime, tz: ZoneInfo) -> list[Period]:
        """The periods from the first whose deadline has passed by ``now``."""
        out, period = [], self.first
        while self.deadline(period, tz) < now:
            out.append(period)
            period = period.shift(1)
        return out


def _start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tz)

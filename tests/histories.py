"""Period histories made by hand for the comparison, rate and draft tests: random numbers,
units missing in some periods, exempt units, and statuses of every kind, as the per-period
evaluation gives them (each status's campaign is the row with its period and deadline)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sync.rules.by_period import PeriodHistory
from sync.rules.figures import Aggregate, FigureSpec
from sync.rules.models import Campaign, Status, Unit, UnitStatus
from sync.rules.periods import Anchor, DeadlineRule, Period, PeriodKind, Schedule

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MONEY = "Số thu ngân sách (triệu đồng)"
RATE = "Tỷ lệ so với dự toán (%)"
HOUSES = "Số hộ tham gia"
SCORE = "Điểm đánh giá"

SPECS = (FigureSpec(MONEY), FigureSpec(RATE, Aggregate.RATIO, MONEY),
         FigureSpec(HOUSES, Aggregate.COUNT), FigureSpec(SCORE, Aggregate.MEAN),
         FigureSpec("Điểm cao nhất", Aggregate.MAX), FigureSpec("Điểm thấp nhất", Aggregate.MIN))


def units(n: int = 11) -> list[Unit]:
    groups = ("Phường", "Xã", "Phòng ban")
    return [Unit(f"U{i:02d}", f"UBND đơn vị {i}", groups[i % len(groups)]) for i in range(1, n + 1)]


def campaign(kind: PeriodKind = PeriodKind.MONTH, first: Period | None = None,
             specs: tuple[FigureSpec, ...] = SPECS) -> Campaign:
    first = first or Period(2024, 1, kind)
    schedule = Schedule(kind, first, DeadlineRule(Anchor.NEXT_MONTH, 5))
    return Campaign("NSNN", "Báo cáo thu ngân sách", "Phản hồi NSNN", figures=specs,
                    schedule=schedule)


def status(row: Campaign, period: Period, unit: Unit, kind: Status,
           figures: dict[str, float] | None = None, late_hours: float = 0,
           extension: timedelta | None = None) -> UnitStatus:
    """One unit's status for one period, with a submission time that fits ``kind``."""
    assert row.schedule is not None
    deadline = row.schedule.deadline(period, TZ) + (extension or timedelta())
    copy = replace(row, period=period, deadline=deadline)
    sent = kind in (Status.ON_TIME, Status.LATE, Status.INCOMPLETE)
    late_by = timedelta(hours=late_hours) if sent and late_hours else None
    submitted = (deadline + late_by if late_by else deadline - timedelta(days=2)) if sent else None
    return UnitStatus(copy, unit, kind, deadline, submitted, late_by,
                      ("Thiếu: Ghi chú",) if kind is Status.INCOMPLETE else (),
                      figures=tuple((figures or {}).items()),
                      new_deadline=deadline if extension else None)


def random_figures(rng: random.Random, specs=SPECS) -> dict[str, float]:
    out: dict[str, float] = {}
    for spec in specs:
        if rng.random() < 0.15:
            continue  # left empty
        if spec.question == RATE:
            out[spec.question] = rng.choice([0.0, round(rng.uniform(20, 140), 1)])
        elif rng.random() < 0.1:
            out[spec.question] = 0.0
        else:
            out[spec.question] = round(rng.uniform(0, 5000), rng.choice([0, 1, 2]))
    return out


def random_history(rng: random.Random, periods: list[Period], row: Campaign | None = None,
                   roster: list[Unit] | None = None, now: datetime | None = None) -> PeriodHistory:
    """Every period of ``periods`` evaluated: some units absent (a roster that changed),
    exempt, overdue, late, incomplete; statuses in roster order."""
    row = row or campaign(periods[0].kind, periods[0])
    roster = roster or units()
    evaluated: dict[Period, list[UnitStatus]] = {}
    for period in periods:
        mine = []
        for unit in roster:
            if rng.random() < 0.08:
                continue  # not expected in this period
            kind = rng.choices(list(Status), weights=[5, 2, 2, 1, 2, 1])[0]
            sent = kind in (Status.ON_TIME, Status.LATE, Status.INCOMPLETE)
            exempt_sent = kind is Status.EXEMPT and rng.random() < 0.5
            figures = random_figures(rng, row.figures) if sent or exempt_sent else {}
            late = rng.uniform(1, 200) if kind is Status.LATE or (
                kind is Status.INCOMPLETE and rng.random() < 0.5) else 0
            extension = timedelta(days=3) if rng.random() < 0.1 else None
            mine.append(status(row, period, unit, kind, figures, late, extension))
        evaluated[period] = mine
    return PeriodHistory(row, periods[-1], evaluated)


def months(first: Period, n: int) -> list[Period]:
    return [first.shift(i) for i in range(n)]

"""Reporting rates over a year, against a count written separately: every status of the
history walked once, with its own deadline, in plain Python."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from sync.rules.models import Status
from sync.rules.periods import Period, PeriodKind
from sync.rules.rates import reporting_rates

from .histories import TZ, campaign, months, random_history, status, units


def _independent(history, year, now):
    counts: dict[str, list[int]] = {}
    missed: dict[str, list] = {}
    for period, statuses in history.periods.items():
        for s in statuses:
            if period.year != year or s.status == Status.EXEMPT or not s.deadline < now:
                continue
            c = counts.setdefault(s.unit.code, [0, 0, 0, 0])
            c[0] += 1
            if s.status in (Status.ON_TIME, Status.LATE, Status.INCOMPLETE):
                c[1] += 1
            else:
                missed.setdefault(s.unit.code, []).append(period)
            if s.status == Status.ON_TIME or (s.status == Status.INCOMPLETE and not s.late_by):
                c[2] += 1
            if s.status in (Status.ON_TIME, Status.LATE):
                c[3] += 1
    return counts, missed


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("kind", [PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR])
def test_rates_equal_an_independent_count(seed, kind):
    rng = random.Random(seed)
    periods = months(Period(2024, 1, kind), {PeriodKind.MONTH: 30, PeriodKind.QUARTER: 10,
                                             PeriodKind.YEAR: 3}[kind])
    history = random_history(rng, periods)
    now = datetime(2025, rng.randint(1, 12), rng.randint(1, 28), 9, tzinfo=TZ)
    for year in (2024, 2025, 2026):
        rates = reporting_rates(history, year, now)
        counts, missed = _independent(history, year, now)
        assert {u.unit.code: [u.rate.due, u.rate.sent, u.rate.on_time, u.rate.complete]
                for u in rates.units} == counts
        assert {u.unit.code: u.rate.missed for u in rates.units if u.rate.missed} == missed
        for name, group in rates.groups.items():
            mine = [c for code, c in counts.items()
                    if next(u for u in units() if u.code == code).group == name]
            assert [group.due, group.sent, group.on_time, group.complete] == \
                [sum(c[i] for c in mine) for i in range(4)]
        total = [sum(c[i] for c in counts.values()) for i in range(4)]
        assert [rates.total.due, rates.total.sent, rates.total.on_time,
                rates.total.complete] == total
        if total[0]:
            assert rates.total.sent_rate == pytest.approx(100 * total[1] / total[0])
            assert rates.total.on_time_rate == pytest.approx(100 * total[2] / total[0])
        else:
            assert rates.total.sent_rate is None and rates.units == []
    if kind is PeriodKind.MONTH:  # mid-2025: some of 2025's months are due, not all
        assert 0 < len(reporting_rates(history, 2025, now).periods) <= 12


def test_rules_on_one_unit():
    """On time means by the unit's own deadline (its extension too); a period not yet due, or
    exempt, is not counted; incomplete and on time counts as sent and on time, not complete."""
    row = campaign(PeriodKind.MONTH, Period(2026, 1, PeriodKind.MONTH))
    u = units(1)[0]
    jan, feb, mar, apr, may = months(Period(2026, 1, PeriodKind.MONTH), 5)
    now = datetime(2026, 5, 7, tzinfo=TZ)  # April's deadline (5 May) passed, May's not
    from sync.rules.by_period import PeriodHistory

    history = PeriodHistory(row, may, {
        jan: [status(row, jan, u, Status.ON_TIME, {})],
        feb: [status(row, feb, u, Status.INCOMPLETE, {})],
        mar: [status(row, mar, u, Status.EXEMPT)],
        apr: [status(row, apr, u, Status.PENDING, extension=timedelta(days=5))],  # until 10 May
        may: [status(row, may, u, Status.ON_TIME, {})],
    })
    rate = reporting_rates(history, 2026, now).units[0].rate
    assert (rate.due, rate.sent, rate.on_time, rate.complete) == (2, 2, 2, 1)
    assert rate.complete_rate == 50 and rate.missed == []
    later = reporting_rates(history, 2026, datetime(2026, 5, 11, tzinfo=TZ)).units[0].rate
    assert (later.due, later.sent, later.missed) == (3, 2, [apr])
    assert reporting_rates(history, 2025, now).total.sent_rate is None


def test_rate_rows_and_json():
    import json

    from sync.rules.compare_view import RATES_HEADERS, RATES_KEYS, rate_rows, rates_json

    history = random_history(random.Random(9), months(Period(2025, 1, PeriodKind.MONTH), 14))
    now = datetime(2026, 2, 20, tzinfo=TZ)
    rates = reporting_rates(history, 2025, now)
    table = rate_rows([rates]).columns
    assert list(table) == list(RATES_HEADERS)
    keys = list(zip(*(table[h] for h in RATES_KEYS), strict=True))
    assert len(keys) == len(set(keys)) == len(rates.units) + len(rates.groups) + 1
    by_code = {code: i for i, code in enumerate(table["Mã đơn vị"]) if code}
    for u in rates.units:
        i = by_code[u.unit.code]
        assert [table[h][i] for h in RATES_HEADERS[5:9]] == \
            [u.rate.due, u.rate.sent, u.rate.on_time, u.rate.complete]
        assert table["Tỷ lệ gửi"][i] == pytest.approx(u.rate.sent / u.rate.due)
    assert table["Tên đơn vị"][-1] == "TỔNG CỘNG" and table["Số kỳ đã đến hạn"][-1] == \
        rates.total.due == sum(u.rate.due for u in rates.units)
    record = json.loads(json.dumps(rates_json(rates), allow_nan=False))
    assert record["periods"] == [f"Tháng {m}/2025" for m in range(1, 13)]
    assert record["total"]["sent"] == rates.total.sent

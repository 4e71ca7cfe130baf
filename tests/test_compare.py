"""Comparisons with the period before and the same period a year before, checked against an
independent computation in plain Python (no pandas, no figure_table) on random histories."""

from __future__ import annotations

import math
import random

import pytest

from sync.rules.compare import Against, Missing, compare
from sync.rules.figures import Aggregate
from sync.rules.models import Status
from sync.rules.periods import Period, PeriodKind

from .histories import MONEY, RATE, SPECS, campaign, months, random_history, status, units


def _plain(spec, pairs):
    """The campaign's way of adding up, over (now, then) number dicts of the common units."""
    def one(side):
        values = [p[side][spec.question] for p in pairs]
        if spec.aggregate is Aggregate.SUM:
            total = 0.0
            for v in values:
                total += v
            return total
        if spec.aggregate is Aggregate.MEAN:
            return sum(values) / len(values)
        if spec.aggregate is Aggregate.MIN:
            return min(values)
        if spec.aggregate is Aggregate.MAX:
            return max(values)
        if spec.aggregate is Aggregate.COUNT:
            return float(len(values))
        amount = sum(p[side][spec.base] for p in pairs)
        estimate = sum(p[side][spec.base] / p[side][spec.question] * 100 for p in pairs)
        return amount / estimate * 100 if estimate else None  # amounts all 0: no rate
    return one(0), one(1)


def _enters(spec, figures) -> bool:
    if spec.question not in figures:
        return False
    return spec.aggregate is not Aggregate.RATIO or (figures[spec.question] != 0
                                                     and spec.base in figures)


def _expected(history, period, reference):
    """By figure, by group name (None: the total): (now, then, covered, expected) or None."""
    now = history.periods[period]
    then = {s.unit.code: s for s in history.periods.get(reference, [])}
    out = {}
    for spec in SPECS:
        by_group: dict[str | None, list] = {}
        due: dict[str | None, int] = {}
        for s in now:
            group = s.unit.group or "Khác"
            for key in (group, None):
                by_group.setdefault(key, [])
                due[key] = due.get(key, 0) + (s.status is not Status.EXEMPT)
            before = then.get(s.unit.code)
            if before is None or Status.EXEMPT in (s.status, before.status):
                continue
            a, b = dict(s.figures), dict(before.figures)
            if _enters(spec, a) and _enters(spec, b):
                by_group[group].append((a, b))
                by_group[None].append((a, b))
        out[spec.question] = {
            key: (*_plain(spec, pairs), len(pairs), due[key]) if pairs else (None, None, 0, due[key])
            for key, pairs in by_group.items()}
    return out


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-5)


def _check(history, period):
    result = compare(history, period)
    assert result.period == period
    for which in Against:
        reference = which.of(period)
        wanted = _expected(history, period, reference)
        for figure in result.figures:
            versus = figure.against(which)
            assert versus.reference == reference
            mine = wanted[figure.spec.question]
            cases = [(name, versus.groups[name]) for name in versus.groups] + [(None, versus.total)]
            assert {name for name, _ in cases} == set(mine)
            for name, got in cases:
                now, then, covered, due = mine[name]
                assert (got.covered, got.expected) == (covered, due), (figure.spec, name)
                if now is None or then is None:
                    assert got.change is None
                    continue
                assert _close(got.change.now, now) and _close(got.change.then, then), \
                    (which, figure.spec, name, got, now, then)
                percent = None if then == 0 else (now - then) / abs(then) * 100
                if percent is None:
                    assert got.change.percent is None
                else:
                    assert math.isclose(got.change.percent, percent, rel_tol=1e-6, abs_tol=1e-4)
            if reference not in history.periods:
                assert versus.missing is Missing.NOT_EVALUATED
            elif not mine[None][2]:
                assert versus.missing is Missing.NO_COMMON_UNIT
            elif mine[None][0] is None or mine[None][1] is None:
                assert versus.missing is Missing.NO_VALUE
            else:
                assert versus.compared
            # each unit: its own numbers, compared when both count
            then_by_unit = {s.unit.code: s for s in history.periods.get(reference, [])}
            for s in history.periods[period]:
                change = versus.units[s.unit.code]
                assert change.now == s.figure(figure.spec.question)
                before = then_by_unit.get(s.unit.code)
                assert change.then == (before.figure(figure.spec.question) if before else None)
                counted = (before is not None and Status.EXEMPT not in (s.status, before.status)
                           and _enters(figure.spec, dict(s.figures))
                           and _enters(figure.spec, dict(before.figures)))
                assert change.both == counted
                if counted and change.then:
                    assert math.isclose(change.percent,
                                        (change.now - change.then) / abs(change.then) * 100)
    return result


@pytest.mark.parametrize("seed", range(12))
def test_months_across_a_year_boundary(seed):
    """Tháng 1/2026 against Tháng 12/2025 and Tháng 1/2025; random numbers, absent and exempt
    units; every way of adding up (sum, rate of totals, count, mean, max, min)."""
    rng = random.Random(seed)
    periods = months(Period(2024, 11, PeriodKind.MONTH), 16)
    history = random_history(rng, periods)
    current = Period(2026, 1, PeriodKind.MONTH)
    assert current in history.periods
    result = _check(history, current)
    assert result.figures[0].previous.reference.label == "Tháng 12/2025"
    assert result.figures[0].year_before.reference.label == "Tháng 1/2025"
    _check(history, Period(2025, 6, PeriodKind.MONTH))


@pytest.mark.parametrize("seed", range(6))
def test_quarters_and_years(seed):
    rng = random.Random(100 + seed)
    quarters = months(Period(2024, 3, PeriodKind.QUARTER), 8)
    history = random_history(rng, quarters)
    result = _check(history, Period(2026, 1, PeriodKind.QUARTER))
    assert [result.figures[0].previous.reference.label,
            result.figures[0].year_before.reference.label] == ["Quý IV/2025", "Quý I/2025"]
    years = months(Period(2023, 1, PeriodKind.YEAR), 4)
    _check(random_history(rng, years), Period(2026, 1, PeriodKind.YEAR))


def test_first_period_has_no_comparison_not_zero():
    rng = random.Random(7)
    first = Period(2025, 12, PeriodKind.MONTH)
    history = random_history(rng, months(first, 2))
    result = compare(history, first)
    for figure in result.figures:
        for which in Against:
            versus = figure.against(which)
            assert versus.missing is Missing.NOT_EVALUATED
            assert versus.total.change is None and versus.total.covered == 0
            assert all(g.change is None for g in versus.groups.values())
            assert not any(c.both for c in versus.units.values())
    later = compare(history, first.shift(1))  # Tháng 1/2026: December is there, January 2025 not
    assert later.figures[0].previous.compared
    assert later.figures[0].year_before.missing is Missing.NOT_EVALUATED


def test_no_unit_with_data_in_both_periods():
    row = campaign(PeriodKind.MONTH, Period(2025, 5, PeriodKind.MONTH))
    roster = units(4)
    may, june = Period(2025, 5, PeriodKind.MONTH), Period(2025, 6, PeriodKind.MONTH)
    history = _history(row, {
        may: [status(row, may, roster[0], Status.ON_TIME, {MONEY: 10}),
              status(row, may, roster[1], Status.OVERDUE)],
        june: [status(row, june, roster[0], Status.OVERDUE),
               status(row, june, roster[1], Status.ON_TIME, {MONEY: 12})]})
    versus = compare(history, june).figures[0].previous
    assert versus.missing is Missing.NO_COMMON_UNIT
    assert versus.total == type(versus.total)(None, 0, 2)


def test_percent_against_zero_is_undefined_and_exempt_units_are_left_out():
    row = campaign(PeriodKind.MONTH, Period(2025, 5, PeriodKind.MONTH))
    a, b, c = units(3)
    may, june = Period(2025, 5, PeriodKind.MONTH), Period(2025, 6, PeriodKind.MONTH)
    history = _history(row, {
        may: [status(row, may, a, Status.ON_TIME, {MONEY: 0, RATE: 50}),
              status(row, may, b, Status.EXEMPT, {MONEY: 900, RATE: 90}),
              status(row, may, c, Status.ON_TIME, {MONEY: 0, RATE: 0})],
        june: [status(row, june, a, Status.ON_TIME, {MONEY: 40, RATE: 80}),
               status(row, june, b, Status.ON_TIME, {MONEY: 1000, RATE: 100}),
               status(row, june, c, Status.LATE, {MONEY: 5, RATE: 10}, late_hours=3)]})
    result = compare(history, june)
    money, rate = result.figures[0].previous, result.figures[1].previous
    assert money.total.change.now == 45 and money.total.change.then == 0
    assert money.total.change.difference == 45 and money.total.change.percent is None
    assert (money.total.covered, money.total.expected) == (2, 3)  # b was exempt in May
    assert money.units[b.code].now == 1000 and not money.units[b.code].both
    # a rate of 0 (c in May) has no base to take a rate of totals on: c is not compared
    assert (rate.total.covered, rate.units[c.code].both) == (1, False)
    # a's May amount is 0: no estimate to take May's rate of totals on, so no value, not 0
    assert rate.missing is Missing.NO_VALUE and rate.total.change is None


def _history(row, periods):
    from sync.rules.by_period import PeriodHistory

    return PeriodHistory(row, max(periods), periods)


# --- What staff see: the "Số liệu" tab's comparison columns, status --json ---------------------

def test_comparison_columns_sit_beside_the_figures_rows():
    """Same keys in the same order as views.figures_rows, also when the tab holds another
    campaign's figures and units; values and percentages from the comparison; nothing is 0 that
    was not compared."""
    import json

    from sync.rules.compare_view import (
        AGAINST_ZERO,
        COMPARE_NOTE,
        comparison_columns,
        comparison_formats,
        comparison_headers,
        comparison_json,
        percent_col,
        value_col,
    )
    from sync.rules.figure_table import figure_table
    from sync.rules.figures import FigureSpec
    from sync.rules.models import Campaign, Unit, UnitStatus
    from sync.rules.views import figures_formats, figures_rows

    rng = random.Random(3)
    history = random_history(rng, months(Period(2024, 11, PeriodKind.MONTH), 15))
    current = history.current
    statuses = history.periods[current]
    other = Campaign("KT", "Khen thưởng", "Phản hồi KT", figures=(FigureSpec("Số bài"),))
    stranger = Unit("Z99", "Hội Cựu chiến binh", "Đoàn thể")
    extra = [UnitStatus(other, stranger, Status.ON_TIME, None, figures=(("Số bài", 3.0),))]
    table = figure_table(statuses + extra, [history.campaign, other])
    comparison = compare(history)
    got = comparison_columns(table, [comparison]).columns
    rows = figures_rows(table, statuses + extra).columns
    assert got["Mã đơn vị"] == rows["Mã đơn vị"] and got["Tên đơn vị"] == rows["Tên đơn vị"]
    headers = comparison_headers([comparison])
    assert set(got) == {"Mã đơn vị", "Tên đơn vị", *headers} and headers[-1] == COMPARE_NOTE
    assert set(comparison_formats(figures_formats(table), [comparison])) == set(headers[:-1])
    money = comparison.figures[0]
    total_at = rows["Tên đơn vị"].index("TỔNG CỘNG")
    for which in Against:
        versus = money.against(which)
        then = got[value_col(money.column.header, which)]
        percent = got[percent_col(money.column.header, which)]
        assert then[total_at] == pytest.approx(versus.total.change.then)
        assert percent[total_at] == pytest.approx(versus.total.change.percent / 100, abs=1e-6)
        assert then[rows["Mã đơn vị"].index("Z99")] == ""  # not in this campaign
        for i, code in enumerate(rows["Mã đơn vị"]):
            if code and code != "Z99":
                change = versus.units[code]
                assert then[i] == ("" if change.then is None else pytest.approx(change.then))
                if not change.both:
                    assert percent[i] == ""
                elif change.percent is None:
                    assert percent[i] == AGAINST_ZERO
    note = got[COMPARE_NOTE][total_at]
    assert "so với kỳ trước (Tháng 12/2025) trên" in note and "có số liệu cả hai kỳ" in note
    json.dumps(comparison_json(comparison), allow_nan=False)  # no NaN, no infinity


def test_first_period_columns_are_empty_and_say_why():
    from sync.rules.compare_view import COMPARE_NOTE, comparison_columns, comparison_json
    from sync.rules.figure_table import figure_table

    first = Period(2025, 12, PeriodKind.MONTH)
    history = random_history(random.Random(5), months(first, 1))
    comparison = compare(history)
    table = figure_table(history.periods[first], [history.campaign])
    got = comparison_columns(table, [comparison]).columns
    for header, cells in got.items():
        if header not in ("Mã đơn vị", "Tên đơn vị", COMPARE_NOTE):
            assert set(cells) == {""}, header
    assert got[COMPARE_NOTE][-1] == ("NSNN: so với kỳ trước (Tháng 11/2025): chưa có số liệu kỳ "
                                     "đó; NSNN: so với cùng kỳ năm trước (Tháng 12/2024): chưa có "
                                     "số liệu kỳ đó")
    record = comparison_json(comparison)["figures"][0]["previous"]
    assert (record["compared"], record["missing"], record["total"]["now"]) == \
        (False, "not_evaluated", None)

"""Reporting periods: Decree 09/2019/NĐ-CP's cut-off windows, deadline rules, reading "Kỳ báo
cáo" answers, and assigning a response to a period (answer, time, staff)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sync.rules.period_assign import Basis, assign
from sync.rules.period_text import (
    PeriodTextError,
    parse_cutoff,
    parse_deadline_rule,
    parse_first_period,
    parse_kind,
    read_period,
    read_periods,
)
from sync.rules.periods import (
    CALENDAR,
    DECREE_09,
    Anchor,
    CutOff,
    DeadlineRule,
    Period,
    PeriodKind,
    Schedule,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
M, Q, H6, Y = PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR
DAY_18 = DeadlineRule(Anchor.LAST_MONTH, 18)


def at(day: int, month: int, year: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TZ)


# --- Decree 09's windows ------------------------------------------------------------------
@pytest.mark.parametrize(("period", "first", "last"), [
    (Period(2025, 6, M), date(2025, 5, 15), date(2025, 6, 14)),
    (Period(2025, 1, M), date(2024, 12, 15), date(2025, 1, 14)),  # across the new year
    (Period(2024, 3, M), date(2024, 2, 15), date(2024, 3, 14)),  # leap February inside
    (Period(2025, 1, Q), date(2024, 12, 15), date(2025, 3, 14)),
    (Period(2025, 2, Q), date(2025, 3, 15), date(2025, 6, 14)),
    (Period(2025, 4, Q), date(2025, 9, 15), date(2025, 12, 14)),
    (Period(2025, 1, H6), date(2024, 12, 15), date(2025, 6, 14)),
    (Period(2025, 2, H6), date(2025, 6, 15), date(2025, 12, 14)),
    (Period(2025, 1, Y), date(2024, 12, 15), date(2025, 12, 14)),
])
def test_decree_09_windows(period, first, last):
    assert DECREE_09.window(period) == (first, last)


@pytest.mark.parametrize(("day", "kind", "expected"), [
    (date(2024, 12, 14), Y, Period(2024, 1, Y)),
    (date(2024, 12, 15), Y, Period(2025, 1, Y)),  # 15 December opens the next year
    (date(2024, 12, 15), H6, Period(2025, 1, H6)),
    (date(2024, 12, 14), H6, Period(2024, 2, H6)),
    (date(2025, 6, 14), H6, Period(2025, 1, H6)),
    (date(2025, 6, 15), H6, Period(2025, 2, H6)),
    (date(2025, 3, 14), Q, Period(2025, 1, Q)),
    (date(2025, 3, 15), Q, Period(2025, 2, Q)),
    (date(2024, 2, 29), M, Period(2024, 3, M)),  # leap day: after the 14th, March's data
    (date(2025, 1, 31), M, Period(2025, 2, M)),
    (date(2025, 12, 31), M, Period(2026, 1, M)),
    (date(2025, 12, 31), Q, Period(2026, 1, Q)),
])
def test_period_of_a_day_at_the_boundaries(day, kind, expected):
    assert DECREE_09.period_of(day, kind) == expected


def test_calendar_cutoff_and_another_day():
    assert CALENDAR.window(Period(2024, 1, Q)) == (date(2024, 1, 1), date(2024, 3, 31))
    assert CALENDAR.window(Period(2024, 2, M)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert CALENDAR.window(Period(2023, 2, M)) == (date(2023, 2, 1), date(2023, 2, 28))
    assert CALENDAR.period_of(date(2025, 12, 31), Y) == Period(2025, 1, Y)
    assert CutOff(20).window(Period(2025, 3, M)) == (date(2025, 2, 21), date(2025, 3, 20))
    with pytest.raises(ValueError, match="1 to 28"):
        CutOff(30)


def test_window_as_moments_is_half_open_in_local_time():
    schedule = Schedule(M, Period(2025, 1, M), DAY_18)
    start, end = schedule.window(Period(2025, 6, M), TZ)
    assert (start, end) == (datetime(2025, 5, 15, tzinfo=TZ), datetime(2025, 6, 15, tzinfo=TZ))
    # 23:30 on 14 June in Hà Nội is 16:30 UTC: still June's by local time
    late = datetime(2025, 6, 14, 16, 30, tzinfo=ZoneInfo("UTC"))
    assert DECREE_09.period_of(late.astimezone(TZ).date(), M) == Period(2025, 6, M)


# --- periods ----------------------------------------------------------------------------
def test_labels_shift_and_comparisons():
    assert [p.label for p in (Period(2025, 6, M), Period(2025, 2, Q), Period(2025, 1, H6),
                              Period(2025, 2, H6), Period(2025, 1, Y))] == [
        "Tháng 6/2025", "Quý II/2025", "6 tháng đầu năm 2025", "6 tháng cuối năm 2025", "Năm 2025"]
    assert Period(2025, 1, M).previous() == Period(2024, 12, M)
    assert Period(2025, 4, Q).shift(1) == Period(2026, 1, Q)
    assert Period(2025, 1, H6).shift(-3) == Period(2023, 2, H6)
    assert Period(2025, 3, Q).year_before() == Period(2024, 3, Q)
    assert Period.of_month(Q, 2025, 12) == Period(2025, 4, Q)
    with pytest.raises(ValueError, match="1 to 4"):
        Period(2025, 5, Q)


# --- deadline rules -----------------------------------------------------------------------
@pytest.mark.parametrize(("text", "period", "due"), [
    ("ngày 18 của tháng cuối kỳ", Period(2025, 2, Q), date(2025, 6, 18)),
    ("Ngày 18 tháng cuối kỳ", Period(2025, 6, M), date(2025, 6, 18)),
    ("ngay 18 cua thang cuoi ky", Period(2025, 1, Y), date(2025, 12, 18)),
    ("5 ngày sau ngày chốt số liệu", Period(2025, 6, M), date(2025, 6, 19)),
    ("5 ngày sau ngày chốt số liệu", Period(2025, 1, Y), date(2025, 12, 19)),
    ("10 ngày sau chốt số liệu", Period(2025, 4, Q), date(2025, 12, 24)),
    ("20 ngày sau ngày chốt số liệu", Period(2025, 4, Q), date(2026, 1, 3)),  # into next year
    ("ngày 5 của tháng sau kỳ", Period(2025, 12, M), date(2026, 1, 5)),
    ("ngày 31 của tháng cuối kỳ", Period(2025, 6, M), date(2025, 6, 30)),  # June's last day
    ("ngày 31 của tháng cuối kỳ", Period(2024, 2, M), date(2024, 2, 29)),  # leap February
    ("ngày 30 của tháng cuối kỳ", Period(2023, 2, M), date(2023, 2, 28)),
    ("ngày chốt số liệu", Period(2025, 2, H6), date(2025, 12, 14)),
])
def test_deadline_rules(text, period, due):
    rule = parse_deadline_rule(text)
    assert rule.day(period, DECREE_09) == due
    schedule = Schedule(period.kind, period, rule)
    assert schedule.deadline(period, TZ) == datetime(due.year, due.month, due.day, 23, 59, 59,
                                                     999_999, tzinfo=TZ)
    assert parse_deadline_rule(rule.text) == rule  # what the tool writes, it reads back


def test_deadline_after_cutoff_follows_the_cutoff_rule():
    rule = parse_deadline_rule("5 ngày sau ngày chốt số liệu")
    assert rule.day(Period(2025, 2, M), CALENDAR) == date(2025, 3, 5)
    assert rule.day(Period(2024, 2, M), CALENDAR) == date(2024, 3, 5)  # from 29 February


@pytest.mark.parametrize("text", ["hạn 18", "ngày 32 của tháng cuối kỳ", "18", "",
                                  "ngày 0 của tháng cuối kỳ", "sau chốt số liệu"])
def test_bad_deadline_rule_names_what_is_valid(text):
    with pytest.raises(PeriodTextError) as err:
        parse_deadline_rule(text)
    message = str(err.value)
    assert f"'{text}' is not a deadline rule" in message
    assert "ngày 18 của tháng cuối kỳ" in message and "5 ngày sau ngày chốt số liệu" in message


def test_cutoff_kind_and_first_period_texts():
    assert parse_cutoff("") == DECREE_09
    assert parse_cutoff("Nghị định 09/2019/NĐ-CP") == DECREE_09
    assert parse_cutoff("cuối tháng") == CALENDAR
    assert parse_cutoff("ngày 20 hằng tháng") == CutOff(20)
    with pytest.raises(PeriodTextError, match="'ngày 30' is not a cut-off rule .*Nghị định 09"):
        parse_cutoff("ngày 30")
    assert [parse_kind(t) for t in ("Tháng", "hằng quý", "6 tháng", "Sáu tháng", "NĂM")] == [
        M, Q, H6, H6, Y]
    with pytest.raises(PeriodTextError, match="'tuần' is not a kind of period .*'quý'"):
        parse_kind("tuần")
    assert parse_first_period("Quý I/2025", Q) == Period(2025, 1, Q)
    with pytest.raises(PeriodTextError, match="'Tháng 1/2025' is not a quý period .*Quý I/2025"):
        parse_first_period("Tháng 1/2025", Q)


# --- "Kỳ báo cáo" answers ------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("Tháng 6/2025", Period(2025, 6, M)),
    ("T6-2025", Period(2025, 6, M)),
    ("t6/2025", Period(2025, 6, M)),
    ("thg 6/2025", Period(2025, 6, M)),
    ("H1/2025", Period(2025, 1, H6)),
    ("06/2025", Period(2025, 6, M)),
    ("6.2025", Period(2025, 6, M)),
    ("2025-06", Period(2025, 6, M)),
    ("tháng 06 năm 2025", Period(2025, 6, M)),
    ("Báo cáo tháng 12/2024", Period(2024, 12, M)),
    ("Quý II/2025", Period(2025, 2, Q)),
    ("quý 2 năm 2025", Period(2025, 2, Q)),
    ("Q2/2025", Period(2025, 2, Q)),
    ("QUÝ IV - 2024", Period(2024, 4, Q)),
    ("6 tháng đầu năm 2025", Period(2025, 1, H6)),
    ("Sơ kết sáu tháng cuối năm 2025", Period(2025, 2, H6)),
    ("Năm 2025", Period(2025, 1, Y)),
    ("2025", Period(2025, 1, Y)),
    ("tổng kết năm 2024", Period(2024, 1, Y)),
    (unicodedata.normalize("NFD", "Tháng 6/2025"), Period(2025, 6, M)),  # as a Mac may send it
])
def test_read_period_leniently(text, expected):
    assert read_periods(text) == {expected}
    assert read_period(text, expected.kind) == expected


@pytest.mark.parametrize("text", ["tháng 13/2025", "Quý V/2025", "Q5/2025", "tháng 13 năm 2025",
                                  "kỳ trước", "", "không rõ", "15/06/2025", "12/6"])
def test_unreadable_periods_are_none(text):
    assert read_periods(text) == set()


def test_a_text_naming_two_periods_of_the_kind_is_no_answer():
    assert read_period("Tháng 5/2025 và tháng 6/2025", M) is None
    assert read_period("Quý II/2025", M) is None


# --- assigning a response ---------------------------------------------------------------
MONTHLY = Schedule(M, Period(2025, 1, M), DAY_18)


def test_an_answer_decides_whatever_the_time():
    got = assign("T5-2025", at(20, 6, 2025), MONTHLY, TZ)  # May's report, sent late
    assert (got.period, got.basis) == (Period(2025, 5, M), Basis.ANSWER)


@pytest.mark.parametrize(("sent", "expected"), [
    (at(14, 6, 2025, 8), Period(2025, 6, M)),  # cut-off day: June's data are closed
    (at(18, 6, 2025, 23), Period(2025, 6, M)),  # on its deadline
    (at(25, 6, 2025), Period(2025, 6, M)),  # late, still June's
    (at(13, 7, 2025), Period(2025, 6, M)),
    (at(14, 7, 2025, 0), Period(2025, 7, M)),
    (at(13, 6, 2025, 23), Period(2025, 5, M)),
])
def test_no_answer_goes_by_when_it_was_sent(sent, expected):
    got = assign("", sent, MONTHLY, TZ)
    assert (got.period, got.basis) == (expected, Basis.TIME)
    assert assign(None, sent, MONTHLY, TZ).period == expected


def test_a_deadline_before_the_cutoff_opens_the_period():
    calendar_monthly = Schedule(M, Period(2025, 1, M), DAY_18, CALENDAR)
    assert calendar_monthly.sent_in(at(18, 6, 2025), TZ) == Period(2025, 6, M)
    assert calendar_monthly.sent_in(at(17, 6, 2025), TZ) == Period(2025, 5, M)


def test_yearly_by_time_across_14_15_december():
    yearly = Schedule(Y, Period(2024, 1, Y), parse_deadline_rule("5 ngày sau ngày chốt số liệu"))
    assert assign("", at(14, 12, 2025), yearly, TZ).period == Period(2025, 1, Y)
    assert assign("", at(10, 1, 2026), yearly, TZ).period == Period(2025, 1, Y)
    assert assign("", at(13, 12, 2025), yearly, TZ).period == Period(2024, 1, Y)


@pytest.mark.parametrize(("answer", "sent", "note", "candidates"), [
    ("tháng trước", at(20, 6, 2025), "không đọc được kỳ báo cáo 'tháng trước'; gửi trong thời "
     "gian của kỳ Tháng 6/2025", (Period(2025, 6, M),)),
    ("Quý II/2025", at(20, 6, 2025), "câu trả lời 'Quý II/2025' ghi Quý II/2025, không phải "
     "kỳ tháng", (Period(2025, 6, M),)),
    ("T5/2025, T6/2025", None, "câu trả lời 'T5/2025, T6/2025' ghi nhiều kỳ (Tháng 5/2025, "
     "Tháng 6/2025)", (Period(2025, 5, M), Period(2025, 6, M))),
    ("", None, "không ghi kỳ báo cáo, không đọc được thời điểm gửi", ()),
    ("", at(20, 12, 2024), "không ghi kỳ báo cáo, gửi trước kỳ đầu tiên (Tháng 1/2025)",
     (Period(2025, 1, M),)),
])
def test_when_neither_tells_staff_decide(answer, sent, note, candidates):
    got = assign(answer, sent, MONTHLY, TZ)
    assert (got.period, got.basis) == (None, Basis.STAFF)
    assert got.note.startswith(note)
    assert got.candidates == candidates


def test_due_periods():
    schedule = Schedule(Q, Period(2025, 1, Q), DAY_18)
    assert schedule.due(at(18, 6, 2025, 23), TZ) == [Period(2025, 1, Q)]
    assert schedule.due(at(19, 6, 2025, 0), TZ) == [Period(2025, 1, Q), Period(2025, 2, Q)]
    with pytest.raises(ValueError, match="not a quý period"):
        Schedule(Q, Period(2025, 1, M), DAY_18)


@pytest.mark.parametrize(("now", "expected"), [
    (at(1, 1, 2024), Period(2025, 1, M)),  # before the first: the first
    (at(18, 2, 2025, 23), Period(2025, 2, M)),  # on February's deadline day
    (at(20, 2, 2025), Period(2025, 2, M)),  # 2 days past it, 26 days before March's
    (at(5, 3, 2025), Period(2025, 3, M)),  # 15 days past February's, 13 before March's
    (at(18, 3, 2025, 23), Period(2025, 3, M)),
])
def test_current_period_is_the_one_whose_deadline_is_nearest(now, expected):
    assert MONTHLY.current(now, TZ) == expected


# --- properties -------------------------------------------------------------------------
kinds = st.sampled_from(list(PeriodKind))
cutoffs = st.one_of(st.just(DECREE_09), st.just(CALENDAR), st.integers(1, 28).map(CutOff))
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31))
rules = st.one_of(
    st.builds(DeadlineRule, st.sampled_from([Anchor.LAST_MONTH, Anchor.NEXT_MONTH]),
              st.integers(1, 31)),
    st.builds(DeadlineRule, st.just(Anchor.CUTOFF), st.integers(0, 60)))


@settings(max_examples=300, deadline=None)
@given(day=days, kind=kinds, cutoff=cutoffs)
@example(day=date(2001, 1, 1), kind=PeriodKind.MONTH, cutoff=CutOff(28))  # the 29th of a February
def test_every_day_is_in_exactly_one_window(day, kind, cutoff):
    period = cutoff.period_of(day, kind)
    first, last = cutoff.window(period)
    assert first <= day <= last
    for other in (period.shift(-2), period.previous(), period.shift(1), period.shift(2)):
        o_first, o_last = cutoff.window(other)
        assert not o_first <= day <= o_last
    # windows tile the calendar: each starts the day after the previous one ends
    assert cutoff.window(period.previous())[1] + timedelta(days=1) == first
    assert cutoff.window(period.shift(1))[0] == last + timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(day=days, kind=kinds, cutoff=cutoffs)
def test_coarser_windows_are_unions_of_months(day, kind, cutoff):
    """A day's quarter (half, year) is the one holding the month whose window holds the day."""
    month = cutoff.period_of(day, PeriodKind.MONTH)
    assert cutoff.period_of(day, kind) == Period.of_month(kind, month.year, month.index)


@settings(max_examples=300, deadline=None)
@given(day=days, kind=kinds, cutoff=cutoffs, rule=rules, hour=st.integers(0, 23))
def test_every_moment_is_sent_in_exactly_one_period(day, kind, cutoff, rule, hour):
    schedule = Schedule(kind, Period(1900, 1, kind), rule, cutoff)
    period = schedule.sent_in(datetime(day.year, day.month, day.day, hour, tzinfo=TZ), TZ)
    assert schedule.opens(period) <= day < schedule.opens(period.shift(1))
    assert schedule.opens(period.previous()) < schedule.opens(period)


@settings(max_examples=200, deadline=None)
@given(year=st.integers(1900, 2099), kind=kinds, data=st.data())  # years units write
def test_labels_read_back(year, kind, data):
    period = Period(year, data.draw(st.integers(1, kind.per_year)), kind)
    assert read_periods(period.label) == {period}
    assert read_period(period.label.upper(), kind) == period


def test_through_lists_each_period_from_one_to_another():
    nov = Period(2022, 11, PeriodKind.MONTH)
    assert [p.label for p in nov.through(Period(2023, 2, PeriodKind.MONTH))] == [
        "Tháng 11/2022", "Tháng 12/2022", "Tháng 1/2023", "Tháng 2/2023"]
    assert nov.through(nov) == [nov]
    assert nov.through(Period(2022, 10, PeriodKind.MONTH)) == []

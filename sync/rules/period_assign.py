"""Which period a response of a repeating campaign is for: by its "Kỳ báo cáo" answer, else by
when it was sent; when neither tells, staff decide (the tool shows the candidates, never guesses
silently)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sync.rules.period_text import read_periods
from sync.rules.periods import Period, Schedule
from sync.rules.text import clean, header_key

PERIOD_QUESTION = ("Kỳ báo cáo", "Báo cáo kỳ", "Kỳ")  # the form's question naming the period
PERIOD_KEYS = tuple(header_key(q) for q in PERIOD_QUESTION)  # as headers are compared


class Basis(StrEnum):
    ANSWER = "theo câu trả lời"  # the unit named the period
    TIME = "theo thời điểm gửi"  # no answer: the period the response was sent in
    STAFF = "cần xác nhận"  # neither tells: staff decide


@dataclass(frozen=True)
class Assignment:
    period: Period | None  # None when staff must decide
    basis: Basis
    candidates: tuple[Period, ...] = ()  # what staff choose from (Basis.STAFF)
    note: str = ""  # why staff must decide, in Vietnamese

    def __post_init__(self) -> None:
        if (self.period is None) != (self.basis is Basis.STAFF):
            raise ValueError("a period is set exactly when staff need not decide")


def assign(answer: object, sent_at: datetime | None, schedule: Schedule,
           tz: ZoneInfo) -> Assignment:
    """The period of one response. ``answer`` is its "Kỳ báo cáo" answer (None or "" when the
    form has no such question or the unit left it empty); ``sent_at`` its timestamp (None when
    unreadable).

    - An answer naming one period of the campaign's kind decides (even before the first
      period: the unit said so; the caller shows it as outside the campaign).
    - An answer naming nothing readable, a period of another kind, or several periods goes
      to staff, with the period it was sent in as a candidate: what the unit typed outweighs
      the clock, so the clock alone does not overrule it.
    - No answer: the period it was sent in (:meth:`Schedule.sent_in`), unless that is before
      the campaign's first period or the timestamp is unreadable (staff)."""
    text = clean(answer)
    if text:
        named = read_periods(text)
        of_kind = sorted(p for p in named if p.kind is schedule.kind)
        if len(of_kind) == 1:  # (whenever it was sent)
            return Assignment(of_kind[0], Basis.ANSWER)
    by_time = schedule.sent_in(sent_at, tz) if sent_at is not None else None
    if text:
        candidates = _candidates(of_kind, by_time)
        if of_kind:
            shown = ", ".join(p.label for p in of_kind)
            note = f"câu trả lời '{text}' ghi nhiều kỳ ({shown})"
        elif named:
            shown = ", ".join(p.label for p in sorted(named, key=_order))
            note = f"câu trả lời '{text}' ghi {shown}, không phải kỳ {schedule.kind}"
        else:
            note = f"không đọc được kỳ báo cáo '{text}'"
        return Assignment(None, Basis.STAFF, candidates, note + _sent_note(by_time))
    if by_time is None:
        return Assignment(None, Basis.STAFF, (), "không ghi kỳ báo cáo, không đọc được thời "
                                                 "điểm gửi")
    if by_time < schedule.first:
        return Assignment(None, Basis.STAFF, (schedule.first,),
                          f"không ghi kỳ báo cáo, gửi trước kỳ đầu tiên ({schedule.first})")
    return Assignment(by_time, Basis.TIME)


def _candidates(named: list[Period], by_time: Period | None) -> tuple[Period, ...]:
    out = list(named)
    if by_time is not None and by_time not in out:
        out.append(by_time)
    return tuple(out)


def _sent_note(by_time: Period | None) -> str:
    return f"; gửi trong thời gian của kỳ {by_time}" if by_time is not None else ""


def _order(period: Period) -> tuple[int, int, int]:
    return period.year, period.kind.months, period.index

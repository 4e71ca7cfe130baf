"""A repeating campaign evaluated period by period: one form and one responses tab serve every
period; each response goes to its period (:mod:`sync.rules.period_assign`), and each period is
evaluated on its own, as a one-off campaign whose deadline is that period's, with its own
exemptions and extensions. The current period is the one staff watch (status tab, reminders,
drafts); the others feed the unit x period tab, the comparisons and the reporting rates.

Pure: parsed data and ``now`` in, statuses and verdicts out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sync.errors import Problem
from sync.rules.evaluate import evaluate_campaign
from sync.rules.models import (
    Campaign,
    Exemption,
    Responses,
    RowResults,
    Unit,
    UnitStatus,
    Verdict,
)
from sync.rules.period_assign import PERIOD_KEYS, PERIOD_QUESTION, Assignment, Basis, assign
from sync.rules.periods import Period, Schedule


@dataclass(frozen=True)
class PeriodHistory:
    """Every evaluated period of one repeating campaign.

    ``periods`` runs from the campaign's first period to the latest evaluated (the current one,
    or a later one a unit already reported for), in order; each period's statuses are in roster
    order and their ``campaign`` is the row with ``period`` and ``deadline`` set to that
    period's. ``assignments`` are by response position (the tab's :class:`Responses`)."""

    campaign: Campaign  # the row as read (``period`` None)
    current: Period
    periods: dict[Period, list[UnitStatus]]
    assignments: Sequence[Assignment] = ()
    copies: Mapping[Period, Campaign] = field(default_factory=dict)  # the row each period saw

    @property
    def schedule(self) -> Schedule:
        assert self.campaign.schedule is not None
        return self.campaign.schedule

    def statuses(self, period: Period) -> list[UnitStatus]:
        """The period's statuses; none for a period that was not evaluated."""
        return self.periods.get(period, [])

    def campaign_at(self, period: Period) -> Campaign:
        """The row as that period's evaluation saw it (its ``period`` and deadline)."""
        return self.copies.get(period) or replace(self.campaign, period=period)

    def waiting(self) -> list[int]:
        """The response positions whose period staff must decide."""
        return [i for i, a in enumerate(self.assignments) if a.basis is Basis.STAFF]


@dataclass(frozen=True)
class PeriodEvaluation:
    history: PeriodHistory
    rows: RowResults  # every response's verdict and period (``RowResults.periods``)


def evaluate_periods(campaign: Campaign, units: Sequence[Unit], responses: Responses,
                     exemptions: Sequence[Exemption], now: datetime,
                     tz: ZoneInfo) -> PeriodEvaluation:
    """Each period of a repeating campaign evaluated on its own, from its first period to the
    current one (or a later one a unit already reported for, once its data window has begun).

    A response whose period staff must decide, or that names a period outside those, counts
    for no period: its verdict says why (never credited on a guess)."""
    schedule = campaign.schedule
    assert schedule is not None
    assignments = assign_all(responses, schedule, tz)
    current = schedule.current(now, tz)
    last = current
    for a in assignments:
        if a.period is not None and a.period > last and schedule.window(a.period, tz)[0] <= now:
            last = a.period
    periods = schedule.first.through(last)
    positions: dict[Period, list[int]] = {p: [] for p in periods}
    verdicts = [Verdict.PERIOD_UNKNOWN] * len(responses)
    # what each response's verdict is said of: its period, or why it has none
    period_of: list[Period | Assignment] = list(assignments)
    for i, a in enumerate(assignments):
        if a.period is None:
            continue
        mine = positions.get(a.period)
        if mine is None:
            verdicts[i] = Verdict.PERIOD_OUTSIDE
        else:
            mine.append(i)
            period_of[i] = a.period
    mine_only = [e for e in exemptions if e.campaign_code == campaign.code]
    statuses: dict[Period, list[UnitStatus]] = {}
    copies = {p: replace(campaign, period=p, deadline=schedule.deadline(p, tz)) for p in periods}
    details: dict[int, tuple[tuple[str, ...], timedelta | None]] = {}
    for period in periods:
        at = positions[period]
        result = evaluate_campaign(copies[period], units, responses.take(at),
                                   [e for e in mine_only if e.period in (None, period)], now)
        statuses[period] = result.statuses
        for n, i in enumerate(at):
            verdicts[i] = result.rows.verdicts[n]
        details.update((at[n], detail) for n, detail in result.rows.details.items())
    history = PeriodHistory(campaign, current, statuses, assignments, copies)
    return PeriodEvaluation(history, RowResults(responses, verdicts, details, period_of))


def assign_all(responses: Responses, schedule: Schedule, tz: ZoneInfo) -> list[Assignment]:
    """Each response's period: its "Kỳ báo cáo" answer when the tab has that question, else
    when it was sent. Worked out once per answer naming the period, else once per distinct
    (answer, day sent)."""
    out: list[Assignment] = []
    seen: dict[tuple[str, object], Assignment] = {}
    named: dict[str, Assignment] = {}  # answers that name the period, whenever they were sent
    for i, answer in enumerate(responses.answers_to(PERIOD_KEYS)):
        found = named.get(answer)
        if found is None:
            at = responses.submitted_at(i)
            key = (answer, at.astimezone(tz).date() if at is not None else None)
            found = seen.get(key)
            if found is None:
                found = seen[key] = assign(answer, at, schedule, tz)
                if found.basis is Basis.ANSWER:
                    named[answer] = found
        out.append(found)
    return out


def period_problems(history: PeriodHistory, rows: RowResults, tab: str) -> list[Problem]:
    """One problem per response whose period staff must decide, or that names a period outside
    the campaign: what the tool read, the candidates, and how to settle it."""
    out = []
    for i, verdict in enumerate(rows.verdicts):
        if verdict not in (Verdict.PERIOD_UNKNOWN, Verdict.PERIOD_OUTSIDE):
            continue
        assignment = history.assignments[i]
        row = rows.responses.rows[i]
        if verdict is Verdict.PERIOD_OUTSIDE:
            message = (f"campaign {history.campaign.code}: the response names "
                       f"{assignment.period}, outside the periods collected so far "
                       f"({history.campaign.schedule.first} to {max(history.periods)}); "
                       "not counted")
        else:
            message = (f"campaign {history.campaign.code}: which period? {assignment.note}"
                       f"{_candidates(assignment)}; not counted until staff write the period "
                       f"in column '{PERIOD_QUESTION[0]}' of this row")
        out.append(Problem(tab, row, PERIOD_QUESTION[0], message))
    return out


def _candidates(assignment: Assignment) -> str:
    if not assignment.candidates:
        return ""
    return " (perhaps " + " or ".join(p.label for p in assignment.candidates) + ")"

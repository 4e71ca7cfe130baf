"""The rules: which units must submit, which response counts, on time or not, complete or not.

Pure functions of the parsed data and ``now``; nothing here reads a clock or a file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from operator import le

from sync.rules.answers import Answers, answer_by_key
from sync.rules.figures import FigureReader
from sync.rules.matching import CREDITING
from sync.rules.models import (
    Campaign,
    Exemption,
    Match,
    MatchKind,
    Response,
    Responses,
    Resubmission,
    RowResults,
    Status,
    Unit,
    UnitStatus,
    Verdict,
)
from sync.rules.text import header_key, simple_key


def expected_units(campaign: Campaign, units: Iterable[Unit]) -> list[Unit]:
    """Active units the campaign targets (every active unit when it names none)."""
    active = [u for u in units if u.active]
    if not campaign.targets:
        return active
    groups = {simple_key(t) for t in campaign.targets}
    codes = {t.casefold() for t in campaign.targets}
    return [u for u in active if simple_key(u.group) in groups or u.code.casefold() in codes]


def missing_answers(answers: Mapping[str, str], required: Sequence[str]) -> tuple[str, ...]:
    """Required questions left empty. A question the form does not have is reported elsewhere
    as a header problem, not blamed on every unit."""
    if isinstance(answers, Answers):
        return answers.left_empty(required)
    missing = []
    for question in required:
        answer = answer_by_key(answers, header_key(question))
        if answer is not None and not answer.strip():
            missing.append(question)
    return tuple(missing)


@dataclass(frozen=True)
class Evaluation:
    statuses: list[UnitStatus]
    rows: RowResults


def evaluate_campaign(
    campaign: Campaign,
    units: Sequence[Unit],
    responses: Responses | Sequence[Response],
    exemptions: Sequence[Exemption],
    now: datetime,
) -> Evaluation:
    """Each expected unit's status and each response's verdict, read column by column: a
    response is a position in ``responses``, a row object is built only for those that count."""
    if not isinstance(responses, Responses):
        responses = Responses.of(campaign.code, responses)
    expected = expected_units(campaign, units)
    expected_codes = {u.code for u in expected}
    mine = {e.unit_code: e for e in exemptions if e.campaign_code == campaign.code}

    # What a response's match says, once per distinct match: the expected unit it counts for
    # (superseded unless it is the one that counts, below), or None and the verdict of a
    # response that counts for no unit
    said = [_said(match, expected_codes) for match in responses.matches]
    guessed = _guessed(responses, expected_codes)
    unit_of, verdict_of = [unit for unit, _ in said], [verdict for _, verdict in said]
    # ... then per position, at C speed: one verdict and unit each; each unit's count and the
    # position that counts (the latest or first by time, then by row) taken by dicts
    found = responses.found
    verdicts = list(map(verdict_of.__getitem__, found))
    units_at = list(map(unit_of.__getitem__, found))
    times = responses.times
    _set_aside(times, responses.moment(now), verdicts, units_at, responses.future)
    sent = Counter(units_at)
    order = _time_order(times)
    if campaign.resubmission is Resubmission.FIRST:  # a dict keeps a key's last value
        order = order[::-1]
    counts_at = dict(zip(map(units_at.__getitem__, order), order, strict=True))

    figures_of = FigureReader(campaign.figures).read
    statuses: list[UnitStatus] = []
    details: dict[int, tuple[tuple[str, ...], timedelta | None]] = {}
    for unit in expected:
        exemption = mine.get(unit.code)
        deadline = (exemption.new_deadline if exemption and exemption.new_deadline
                    else campaign.deadline)
        counted_at = counts_at.get(unit.code)
        counted = None if counted_at is None else responses[counted_at]
        status, late_by, missing = _unit_status(campaign, counted, deadline, exemption, now)
        figures: dict[str, float] = {}
        if counted is not None and campaign.figures:
            figures, unreadable = figures_of(counted.answers)
            if unreadable:  # never read as 0: the unit is asked to fix it
                missing = (*missing, *unreadable)
                if status in (Status.ON_TIME, Status.LATE):
                    status = Status.INCOMPLETE
        if counted is not None:
            verdicts[counted_at] = (Verdict.INCOMPLETE if missing else Verdict.LATE if late_by
                                    else Verdict.VALID)
            details[counted_at] = (missing, late_by)
        statuses.append(UnitStatus(
            campaign=campaign, unit=unit, status=status, deadline=deadline,
            submitted_at=counted.submitted_at if counted else None, late_by=late_by,
            missing=missing, responses=sent[unit.code], counted=counted,
            exemption_reason=exemption.reason if exemption else "",
            figures=tuple(figures.items()),
            new_deadline=exemption.new_deadline if exemption else None,
            guessed=guessed.get(unit.code, ()),
        ))
    return Evaluation(statuses, RowResults(responses, verdicts, details))


def _guessed(responses: Responses, expected: Collection[str]) -> dict[str, tuple[str, ...]]:
    """The names typed in the tab that were only guessed to be an expected unit, by unit: they
    count for no unit until staff settle them, and the unit's detail row says so."""
    guesses = {i for i, m in enumerate(responses.matches)
               if m.kind is MatchKind.FUZZY and m.unit is not None and m.unit.code in expected}
    if not guesses:
        return {}
    out: dict[str, dict[str, None]] = {}
    for position, i in enumerate(responses.found):
        if i in guesses:
            out.setdefault(responses.matches[i].unit.code, {})[responses.names[position]] = None
    return {code: tuple(names) for code, names in out.items()}


def _set_aside(times: Sequence[datetime | None], now_at: datetime | None,
               verdicts: list[Verdict], units_at: list[str | None],
               future: frozenset[int] = frozenset()) -> None:
    """A response without a usable timestamp, or stamped after ``now`` (figures are "as of"
    now: a later one is reported only), counts for no unit: its verdict says why. ``future``:
    stamps set aside as too far ahead (their time is None), after ``now`` all the same."""
    if None not in times and (not times or max(times) <= now_at):  # type: ignore[operator,type-var]
        return  # (the common case: checked at C speed)
    for i, at in enumerate(times):
        if at is None:
            verdicts[i] = Verdict.AFTER_NOW if i in future else Verdict.BAD_TIMESTAMP
            units_at[i] = None
        elif at > now_at:  # type: ignore[operator]
            verdicts[i], units_at[i] = Verdict.AFTER_NOW, None


def _time_order(times: Sequence[datetime | None]) -> Sequence[int]:
    """The positions with a timestamp, by time and then by position (row). A form appends in
    time order, so usually that is every position as it is (checked at C speed)."""
    if None not in times and all(map(le, times, islice(times, 1, None))):  # type: ignore[call-overload]
        return range(len(times))
    usable = [i for i, at in enumerate(times) if at is not None]
    return sorted(usable, key=times.__getitem__)  # stable: equal times keep the row order


def _said(match: Match, expected: Collection[str]) -> tuple[str | None, Verdict]:
    if match.kind not in CREDITING or match.unit is None:  # a guess waits for staff
        return None, Verdict.UNKNOWN_UNIT
    if match.unit.code not in expected:
        return None, Verdict.NOT_EXPECTED
    return match.unit.code, Verdict.SUPERSEDED


def _unit_status(campaign, counted, deadline, exemption, now):
    late_by = None
    missing: tuple[str, ...] = ()
    if counted is not None:
        missing = missing_answers(counted.answers, campaign.required)
        if deadline is not None and counted.submitted_at > deadline:
            late_by = counted.submitted_at - deadline
    if exemption is not None and exemption.exempt:
        return Status.EXEMPT, None, missing  # exempt means exempt: never late
    if counted is not None:
        if missing:
            return Status.INCOMPLETE, late_by, missing
        return (Status.LATE if late_by else Status.ON_TIME), late_by, missing
    if deadline is None or now <= deadline:
        return Status.PENDING, None, ()
    return Status.OVERDUE, None, ()

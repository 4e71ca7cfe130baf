"""The rules: which units must submit, which response counts, on time or not, complete or not.

Pure functions of the parsed data and ``now``; nothing here reads a clock or a file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sync.rules.answers import answer_by_key
from sync.rules.figures import read_figures
from sync.rules.models import (
    Campaign,
    Exemption,
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

    # What a response's match says, once per distinct match: the expected unit's code, or the
    # verdict of a response that counts for no unit
    target: list[str | Verdict] = []
    for match in responses.matches:
        if match.kind is MatchKind.NONE or match.unit is None:
            target.append(Verdict.UNKNOWN_UNIT)
        elif match.unit.code not in expected_codes:
            target.append(Verdict.NOT_EXPECTED)
        else:
            target.append(match.unit.code)
    # One verdict per position (superseded unless told otherwise below); each expected unit's
    # responses as (time, position) pairs, sorted natively (positions follow the sheet's rows)
    now_at = responses.moment(now)
    verdicts = [Verdict.SUPERSEDED] * len(responses)
    by_unit: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for i, (at, found) in enumerate(zip(responses.times, responses.found, strict=True)):
        if at is None:
            verdicts[i] = Verdict.BAD_TIMESTAMP
        elif at > now_at:  # type: ignore[operator]  # figures "as of" now: a later stamp is reported only
            verdicts[i] = Verdict.AFTER_NOW
        else:
            unit = target[found]
            if type(unit) is Verdict:
                verdicts[i] = unit
            else:
                by_unit[unit].append((at, i))  # type: ignore[index]

    statuses: list[UnitStatus] = []
    details: dict[int, tuple[tuple[str, ...], timedelta | None]] = {}
    for unit in expected:
        exemption = mine.get(unit.code)
        deadline = (exemption.new_deadline if exemption and exemption.new_deadline
                    else campaign.deadline)
        submitted = by_unit.get(unit.code, [])
        submitted.sort()
        counted = None
        if submitted:
            counted_at = (submitted[-1] if campaign.resubmission is Resubmission.LATEST
                          else submitted[0])[1]
            counted = responses[counted_at]
        status, late_by, missing = _unit_status(campaign, counted, deadline, exemption, now)
        figures: dict[str, float] = {}
        if counted is not None and campaign.figures:
            figures, unreadable = read_figures(campaign.figures, counted.answers)
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
            missing=missing, responses=len(submitted), counted=counted,
            exemption_reason=exemption.reason if exemption else "",
            figures=tuple(figures.items()),
            new_deadline=exemption.new_deadline if exemption else None,
        ))
    return Evaluation(statuses, RowResults(responses, verdicts, details))


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

"""The rules: which units must submit, which response counts, on time or not, complete or not.

Pure functions of the parsed data and ``now``; nothing here reads a clock or a file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sync.rules.figures import read_figures
from sync.rules.models import (
    Campaign,
    Exemption,
    MatchKind,
    Response,
    Resubmission,
    RowResult,
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


def missing_answers(response: Response, required: Sequence[str]) -> tuple[str, ...]:
    """Required questions left empty. A question the form does not have is reported elsewhere
    as a header problem, not blamed on every unit."""
    if not required:
        return ()
    answers = {header_key(q): a for q, a in response.answers.items()}
    return tuple(
        q for q in required if header_key(q) in answers and not answers[header_key(q)].strip()
    )


@dataclass(frozen=True)
class Evaluation:
    statuses: list[UnitStatus]
    rows: list[RowResult]


def evaluate_campaign(
    campaign: Campaign,
    units: Sequence[Unit],
    responses: Sequence[Response],
    exemptions: Sequence[Exemption],
    now: datetime,
) -> Evaluation:
    expected = expected_units(campaign, units)
    expected_codes = {u.code for u in expected}
    mine = {e.unit_code: e for e in exemptions if e.campaign_code == campaign.code}

    # one verdict per response, by position; each expected unit's responses as sortable
    # (timestamp, row, position) tuples: sorted natively, no key function per response
    results: list[RowResult | None] = [None] * len(responses)
    by_unit: dict[str, list[tuple[datetime, int, int]]] = defaultdict(list)
    for i, response in enumerate(responses):
        at, match = response.submitted_at, response.match
        if at is None:
            results[i] = RowResult(response, Verdict.BAD_TIMESTAMP)
        elif at > now:  # figures "as of" now: a later stamp is reported only
            results[i] = RowResult(response, Verdict.AFTER_NOW)
        elif match.kind is MatchKind.NONE or match.unit is None:
            results[i] = RowResult(response, Verdict.UNKNOWN_UNIT)
        elif match.unit.code not in expected_codes:
            results[i] = RowResult(response, Verdict.NOT_EXPECTED)
        else:
            by_unit[match.unit.code].append((at, response.row, i))

    statuses: list[UnitStatus] = []
    for unit in expected:
        exemption = mine.get(unit.code)
        deadline = (exemption.new_deadline if exemption and exemption.new_deadline
                    else campaign.deadline)
        submitted = by_unit.get(unit.code, [])
        submitted.sort()
        counted, counted_at = None, -1
        if submitted:
            counted_at = (submitted[-1] if campaign.resubmission is Resubmission.LATEST
                          else submitted[0])[2]
            counted = responses[counted_at]
            for _, _, i in submitted:
                if i != counted_at:
                    results[i] = RowResult(responses[i], Verdict.SUPERSEDED)
        status, late_by, missing = _unit_status(campaign, counted, deadline, exemption, now)
        figures: dict[str, float] = {}
        if counted is not None and campaign.figures:
            figures, unreadable = read_figures(campaign.figures, counted.answers)
            if unreadable:  # never read as 0: the unit is asked to fix it
                missing = (*missing, *unreadable)
                if status in (Status.ON_TIME, Status.LATE):
                    status = Status.INCOMPLETE
        if counted is not None:
            verdict = (Verdict.INCOMPLETE if missing else Verdict.LATE if late_by else Verdict.VALID)
            results[counted_at] = RowResult(counted, verdict, missing, late_by)
        statuses.append(UnitStatus(
            campaign=campaign, unit=unit, status=status, deadline=deadline,
            submitted_at=counted.submitted_at if counted else None, late_by=late_by,
            missing=missing, responses=len(submitted), counted=counted,
            exemption_reason=exemption.reason if exemption else "",
            figures=tuple(figures.items()),
            new_deadline=exemption.new_deadline if exemption else None,
        ))
    rows = cast(list[RowResult], results)  # every position has its verdict now
    rows.sort(key=lambda r: r.response.row)
    return Evaluation(statuses, rows)


def _unit_status(campaign, counted, deadline, exemption, now):
    late_by = None
    missing: tuple[str, ...] = ()
    if counted is not None:
        missing = missing_answers(counted, campaign.required)
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

"""The evaluated table as plain records: for `status --json`, reports and reminders."""

from __future__ import annotations

from sync.cycle import State
from sync.rules.models import Campaign, MatchKind, Status, Verdict


def status_records(state: State) -> list[dict]:
    return [
        {
            "campaign": s.campaign.code,
            "unit": s.unit.code,
            "unit_name": s.unit.name,
            "group": s.unit.group,
            "status": s.status.value,
            "status_label": s.status.label,
            # "the whole day counts" ends at 23:59:59.999999; to the second is what people read
            "deadline": s.deadline.isoformat(timespec="seconds") if s.deadline else None,
            "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
            "late_seconds": int(s.late_by.total_seconds()) if s.late_by else None,
            "missing": list(s.missing),
            "responses": s.responses,
            **({"figures": {spec.question: s.figure(spec.question) for spec in s.campaign.figures}}
               if s.campaign.figures else {}),
            **({"period": period_record(s.campaign)} if s.campaign.period is not None else {}),
        }
        for s in state.statuses
    ]


def period_record(campaign: Campaign) -> dict:
    """A repeating campaign's period: its label, kind, year, place in the year and data window."""
    period, schedule = campaign.period, campaign.schedule
    assert period is not None and schedule is not None
    first, last = schedule.cutoff.window(period)
    return {"label": period.label, "kind": period.kind.value, "year": period.year,
            "index": period.index, "from": first.isoformat(), "to": last.isoformat()}


def outcome_record(outcome) -> dict:
    """`sync --json`: what the summary line says, as one object (``outcome`` is a
    ``sync.unattended.job.Outcome``)."""
    state = outcome.result.state
    counts = state.counts()
    result = outcome.result
    d = outcome.delivery
    return {
        "now": state.now.isoformat(timespec="seconds"),
        "unchanged_since": outcome.unchanged_since.isoformat(timespec="seconds")
        if outcome.unchanged_since else None,
        "campaigns": [c.code for c in state.campaigns],
        "responses": len(state.rows),
        "unknown_units": state.rows.verdict_count(Verdict.UNKNOWN_UNIT),
        "matched_by_guess": len(state.rows.matched({MatchKind.FUZZY})),
        "statuses": {s.value: counts[s] for s in Status},
        "cells_written": result.changed_cells if result.written else 0,
        "cells_to_write": result.changed_cells if result.batches and not result.written else 0,
        "problems": [str(p) for p in state.problems],
        "reminders": outcome.claimed,
        "receipts": {"claimed": outcome.receipts, "next_cycle": outcome.receipts_left},
        "emails": {"sent": d.sent, "waiting": d.waiting, "failed": d.failed},
        "drafts": None if outcome.drafts is None else {
            "written": sum(1 for x in outcome.drafts if x.written), "total": len(outcome.drafts)},
        "errors": [str(e) for e in outcome.errors],
        "exit_code": outcome.exit_code,
        "summary": outcome.summary,
    }

"""The evaluated table as plain records: for `status --json`, reports and reminders."""

from __future__ import annotations

from collections.abc import Sequence

from sync.cycle import State
from sync.rules.compare import Against
from sync.rules.compare_view import comparison_json, rates_json
from sync.rules.models import Campaign, MatchKind, Status, Verdict


def status_records(state: State) -> list[dict]:
    compared, rates = periodic_by_unit(state)
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
            **({"compared": compared[key]} if (key := (s.campaign.code, s.unit.code)) in compared
               else {}),
            **({"reporting_rate": rates[key]} if key in rates else {}),
        }
        for s in state.statuses
    ]


def periodic_records(state: State, campaigns: Sequence[Campaign]) -> list[dict]:
    """`status --compare`: each chosen repeating campaign's comparison and reporting rates."""
    return [{"campaign": code, "period": state.shown(code).label,
             "comparison": (comparison_json(state.comparisons[code])
                            if state.comparisons[code].campaign.figures else None),
             "rates": rates_json(found)}
            for code, found in state.rates.items() if code in {c.code for c in campaigns}]


def periodic_by_unit(state: State) -> tuple[dict[tuple[str, str], dict], dict[tuple[str, str], dict]]:
    """For each (repeating campaign, unit): each figure against the period before and the same
    period a year before ({question: {"previous": ..., "year_before": ...}}, each the unit's
    change or null when it cannot be compared), and the unit's reporting rate this year."""
    compared: dict[tuple[str, str], dict] = {}
    for code, comparison in state.comparisons.items():
        figures = comparison_json(comparison)["figures"]
        for s in state.statuses_of(code) if figures else ():
            compared[code, s.unit.code] = {
                f["question"]: {w.value: _unit_change(f[w.value], s.unit.code) for w in Against}
                for f in figures}
    rates: dict[tuple[str, str], dict] = {}
    for code, found in state.rates.items():
        record = rates_json(found)
        for unit in record["units"]:
            rates[code, unit["code"]] = {
                "year": record["year"], **{k: v for k, v in unit.items()
                                           if k not in ("code", "name", "group")}}
    return compared, rates


def _unit_change(versus: dict, unit_code: str) -> dict | None:
    change = versus["units"].get(unit_code)
    return None if change is None else {"period": versus["period"], **change}


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

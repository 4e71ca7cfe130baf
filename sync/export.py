"""The evaluated table as plain records: for `status --json`, reports and reminders."""

from __future__ import annotations

from sync.cycle import State


def status_records(state: State) -> list[dict]:
    return [
        {
            "campaign": s.campaign.code,
            "unit": s.unit.code,
            "unit_name": s.unit.name,
            "group": s.unit.group,
            "status": s.status.value,
            "status_label": s.status.label,
            "deadline": s.deadline.isoformat() if s.deadline else None,
            "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
            "late_seconds": int(s.late_by.total_seconds()) if s.late_by else None,
            "missing": list(s.missing),
            "responses": s.responses,
            **({"figures": {spec.question: s.figure(spec.question) for spec in s.campaign.figures}}
               if s.campaign.figures else {}),
        }
        for s in state.statuses
    ]

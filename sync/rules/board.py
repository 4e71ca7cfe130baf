"""The public board: what every unit may see of every other. Four columns, roster names only:
the unit, the campaign, its status and when it sent. Nothing a unit typed (not even its name as
typed), no figures, no addresses, no people."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sync.rules import headers as H
from sync.rules.book import Cell
from sync.rules.models import Campaign, UnitStatus
from sync.rules.text import collation_key
from sync.rules.timeparse import format_vn


def board_rows(campaigns: Sequence[Campaign], statuses: Sequence[UnitStatus],
               tz: ZoneInfo) -> list[dict[str, Cell]]:
    """One row per (campaign, expected unit): campaigns in their order, units by group and name."""
    order = {c.code: i for i, c in enumerate(campaigns)}
    shown = sorted((s for s in statuses if s.campaign.code in order),
                   key=lambda s: (order[s.campaign.code], collation_key(s.unit.group),
                                  collation_key(s.unit.name)))
    return [{H.BOARD_UNIT: s.unit.name, H.BOARD_CAMPAIGN: s.campaign.code,
             H.BOARD_STATUS: s.status.label, H.BOARD_SENT: format_vn(s.submitted_at, tz)}
            for s in shown]

"""A repeating campaign evaluated period by period: one form and one responses tab serve every
period; each response goes to its period (:mod:`sync.rules.period_assign`), and each period is
evaluated on its own, as a one-off campaign whose deadline is that period's, with its own
exemptions and extensions. The current period is the one staff watch (status tab, reminders,
drafts); the others feed the unit x period tab, the comparisons and the reporting rates.

Pure: parsed data and ``now`` in, statuses and verdicts out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sync.rules.models import (
    Campaign,
    UnitStatus,
)
from sync.rules.period_assign import Assignment, Basis
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

    @property
    def schedule(self) -> Schedule:
        assert self.campaign.schedule is not None
        return self.campaign.schedule

    def statuses(self, period: Period) -> list[UnitStatus]:
        """The period's statuses; none for a period that was not evaluated."""
        return self.periods.get(period, [])

    def due(self, now: datetime, tz: ZoneInfo) -> list[Period]:
        """The evaluated periods whose deadline had passed at ``now``."""
        return [p for p in self.periods if self.schedule.deadline(p, tz) < now]

    def waiting(self) -> list[int]:
        """The response positions whose period staff must decide."""
        return [i for i, a in enumerate(self.assignments) if a.basis is Basis.STAFF]

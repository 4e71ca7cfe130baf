"""What one unattended cycle did: the result, reminders, snapshots, drafts and late errors.

Its own module so that job.py (which makes it) and settled.py (which reads it to decide whether
the cycle ended settled) both import it and not each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sync.cycle import CycleResult
from sync.errors import ExitCode, TonghopError
from sync.summary import counted, summary_line
from sync.unattended.mailer import Delivery


@dataclass
class Outcome:
    result: CycleResult
    claimed: int = 0  # reminders claimed this cycle (would be, in a dry run)
    receipts: int = 0  # receipts claimed this cycle (would be, in a dry run)
    receipts_left: int = 0  # receipts due beyond the cycle's bound: the next cycle's
    delivery: Delivery = field(default_factory=Delivery)
    snapshots: list[Path] = field(default_factory=list)
    drafts: list | None = None  # what reports.write_drafts returned, when it ran
    errors: list[TonghopError] = field(default_factory=list)  # after the sheet was written
    unchanged_since: datetime | None = None  # skipped: the settled cycle this one would repeat

    @property
    def exit_code(self) -> int:
        return max((e.exit_code for e in self.errors), default=ExitCode.OK)

    @property
    def summary(self) -> str:
        if self.unchanged_since is not None:
            return (f"sync {self.result.state.now.isoformat(timespec='seconds')}: unchanged since "
                    f"{self.unchanged_since.isoformat(timespec='seconds')}; nothing to do")
        line = summary_line(self.result)
        d = self.delivery
        if self.receipts or self.receipts_left:
            later = f", {self.receipts_left} next cycle" if self.receipts_left else ""
            line += f"; {counted(self.receipts, 'receipt')}{later}"
        if self.claimed or d.sent or d.failed or d.waiting:
            parts = [f"{d.sent} e-mailed"] if d.sent else []
            parts += [f"{d.waiting} waiting"] if d.waiting else []
            parts += [f"{d.failed} failed"] if d.failed else []
            detail = f" ({', '.join(parts)})" if parts else ""
            line += f"; {counted(self.claimed, 'reminder')}{detail}" if self.claimed else \
                f"; {', '.join(parts)}"
        if self.drafts:
            line += f"; {sum(1 for d in self.drafts if d.written)} of {len(self.drafts)} drafts written"
        return line

"""Human-readable summaries of a cycle: one line for cron, a table for the demo, a diff for
--dry-run."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from sync.cycle import CycleResult, State
from sync.rules.models import MatchKind, Status, Verdict
from sync.rules.text import one_line


def summary_line(result: CycleResult) -> str:
    state = result.state
    counts = state.counts()
    parts = ", ".join(f"{counts[s]} {s.value}" for s in Status if counts[s])
    if result.written:
        action = f"{result.changed_cells} cells written"
    elif result.batches:
        action = f"{result.changed_cells} cells would change (dry run)"
    else:
        action = "nothing changed"
    unknown = sum(1 for r in state.rows if r.verdict is Verdict.UNKNOWN_UNIT)
    guesses = sum(1 for r in state.rows if r.response.match.kind is MatchKind.FUZZY)
    flagged = f" ({unknown} from unknown units, {guesses} matched by guess)" if unknown or guesses else ""
    return (f"sync {state.now.isoformat(timespec='seconds')}: {len(state.campaigns)} campaigns, "
            f"{len(state.rows)} responses{flagged}; {parts or 'no expected units'}; {action}; "
            f"{len(state.problems)} problems")


def status_table(state: State) -> str:
    """Campaign x status counts, as a fixed-width table."""
    cols = list(Status)
    head = f"{'campaign':<10}{'units':>6}" + "".join(f"{s.value:>11}" for s in cols)
    lines = [head, "-" * len(head)]
    for campaign in state.campaigns:
        mine = state.statuses_of(campaign.code)
        counts = Counter(s.status for s in mine)
        lines.append(f"{campaign.code:<10}{len(mine):>6}" + "".join(f"{counts[s]:>11}" for s in cols))
    return "\n".join(lines)


def print_changes(result: CycleResult, out: TextIO, limit: int = 50) -> None:
    if not result.batches:
        print("dry run: nothing would change", file=out)
        return
    for ref, batch in result.batches.items():
        book = ref or "control spreadsheet"
        for title, size in batch.new_tabs.items():
            print(f"dry run: {book}: would create tab '{title}' ({size[0]} x {size[1]})", file=out)
        for title, size in batch.grow.items():
            print(f"dry run: {book}: would grow tab '{title}' to {size[0]} x {size[1]}", file=out)
        for cell in batch.cells[:limit]:
            print(f"dry run: {book}: '{cell.tab}' row {cell.row} col {cell.col} <- "
                  f"{one_line(cell.value, 80)!r}", file=out)
        if len(batch.cells) > limit:
            print(f"dry run: {book}: … and {len(batch.cells) - limit} more cells", file=out)

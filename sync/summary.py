"""Human-readable summaries of a cycle: one line for cron, a table for the demo, a diff for
--dry-run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, tzinfo
from itertools import islice
from typing import TextIO

from sync.cycle import CycleResult, State
from sync.rules.book import a1
from sync.rules.models import Campaign, MatchKind, Status, Verdict
from sync.rules.text import one_line


def counted(n: int, word: str) -> str:
    """"1 reminder", "11 reminders", "0 problems"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


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
    unknown = state.rows.verdict_count(Verdict.UNKNOWN_UNIT)
    guesses = len(state.rows.matched({MatchKind.FUZZY}))
    flagged = (f" ({unknown} from no identified unit, {guesses} of them guessed for staff to confirm)"
               if unknown else "")
    return (f"sync {state.now.isoformat(timespec='seconds')}: {counted(len(state.campaigns), 'campaign')}, "
            f"{counted(len(state.rows), 'response')}{flagged}; {parts or 'no expected units'}; {action}; "
            f"{counted(len(state.problems), 'problem')}")


def status_table(state: State, campaigns: Sequence[Campaign] | None = None) -> str:
    """Campaign x status counts, as a fixed-width table."""
    cols = list(Status)
    head = f"{'campaign':<10}{'units':>6}" + "".join(f"{s.value:>11}" for s in cols)
    lines = [head, "-" * len(head)]
    for campaign in state.campaigns if campaigns is None else campaigns:
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
        for cell in islice(batch.all_cells(), limit):
            print(f"dry run: {book}: '{cell.tab}'!{a1(cell.row, cell.col)} <- "
                  f"{one_line(cell.value, 80)!r}", file=out)
        if batch.cell_count() > limit:
            print(f"dry run: {book}: … and {batch.cell_count() - limit} more cells", file=out)


NAME_WIDTH = 30


def as_of_line(state: State, tz: tzinfo) -> str:
    at = state.now.astimezone(tz)
    return f"as of {at:%d/%m/%Y %H:%M} ({tz}, UTC{at.isoformat()[-6:]})"


def status_grid(state: State, campaigns: Sequence[Campaign], tz: tzinfo) -> str:
    """Unit x campaign, as staff see the "Trạng thái" tab: each cell the status and, when
    something counts, when it was submitted (local time, dd/mm HH:MM); "—" where the campaign
    does not expect the unit. Units in roster order; a legend of the status codes below."""
    by_key = {(s.campaign.code, s.unit.code): s for s in state.statuses}
    units = [u for u in state.units if any((c.code, u.code) in by_key for c in campaigns)]
    cells = {key: _cell(s, tz) for key, s in by_key.items()}
    periods = [c.period.label if c.period else "" for c in campaigns]  # repeating campaigns'
    width = {c.code: max([len(c.code), 16, len(p), *(len(cells.get((c.code, u.code), ""))
                                                     for u in units)])
             for c, p in zip(campaigns, periods, strict=True)}
    code_width = max([4, *(len(u.code) for u in units)])

    def row(code: str, name: str, values: Sequence[str]) -> str:
        return "  ".join([code.ljust(code_width), name.ljust(NAME_WIDTH),
                          *(v.ljust(width[c.code]) for c, v in zip(campaigns, values, strict=True))]
                         ).rstrip()

    head = row("unit", "name", [c.code for c in campaigns])
    deadlines = row("", "deadline", [_when(c.deadline, tz, "%d/%m/%Y %H:%M") for c in campaigns])
    rule = "-" * (code_width + NAME_WIDTH + sum(width.values()) + 2 * len(campaigns) + 2)
    lines = [as_of_line(state, tz), "", head, deadlines]
    if any(periods):
        lines.append(row("", "period", periods))
    lines.append(rule)
    for unit in units:
        lines.append(row(one_line(unit.code, 40), _clip(unit.name),
                         [cells.get((c.code, unit.code), "—") for c in campaigns]))
    lines += ["", "  ".join(f"{s.value} = {s.label}" for s in Status)]
    return "\n".join(lines)


def _cell(status, tz: tzinfo) -> str:
    when = _when(status.submitted_at, tz, "%d/%m %H:%M")
    return f"{status.status.value} {when}".strip()


def _when(moment: datetime | None, tz: tzinfo, fmt: str) -> str:
    return moment.astimezone(tz).strftime(fmt) if moment else ""


def _clip(name: str) -> str:
    text = one_line(name, 500)
    return text if len(text) <= NAME_WIDTH else text[:NAME_WIDTH - 1] + "…"

"""What staff see: the evaluated table turned into rows for the status, detail and response tabs.

Pure functions; ``plan`` decides which of these cells actually need writing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sync.errors import Problem
from sync.rules import headers as H
from sync.rules.book import Cell
from sync.rules.chat import chat_text
from sync.rules.figure_table import FigureTable, Line
from sync.rules.figures import Aggregate
from sync.rules.models import (
    Campaign,
    Match,
    MatchKind,
    RowResults,
    Status,
    Unit,
    UnitStatus,
    Verdict,
)
from sync.rules.period_assign import Assignment
from sync.rules.periods import Period
from sync.rules.plan import STATUS_COLOURS, Colouring, Table
from sync.rules.receipts import is_receipt, received_at
from sync.rules.reminders import Offset
from sync.rules.sent import Entry
from sync.rules.sent import State as Sending
from sync.rules.text import one_line
from sync.rules.timeparse import format_duration, format_vn

NOT_EXPECTED_MARK = "—"


def status_headers(campaigns: Sequence[Campaign], extra: Sequence[str] = ()) -> list[str]:
    out = [H.STATUS_CODE, H.STATUS_NAME, H.STATUS_GROUP]
    for campaign in campaigns:
        out += [H.status_col(campaign.code), H.submitted_col(campaign.code)]
        if campaign.period is not None:
            out.append(H.period_col(campaign.code))
    return out + list(extra)


def status_rows(
    units: Sequence[Unit], campaigns: Sequence[Campaign], statuses: Sequence[UnitStatus], tz: ZoneInfo,
    links: Mapping[str, Mapping[str, str]] | None = None,
) -> Table:
    """One row per unit of the roster, one status column per campaign; with ``links`` (campaign
    code -> unit code -> pre-filled link), one link column per campaign in it; a repeating
    campaign's period (the one its column shows) on every row the campaign expects."""
    by_key = {(s.campaign.code, s.unit.code): s for s in statuses}
    columns: dict[str, list[Cell]] = {
        H.STATUS_CODE: [u.code for u in units], H.STATUS_NAME: [u.name for u in units],
        H.STATUS_GROUP: [u.group for u in units]}
    for campaign in campaigns:
        mine = [by_key.get((campaign.code, u.code)) for u in units]
        columns[H.status_col(campaign.code)] = [s.status.label if s else NOT_EXPECTED_MARK
                                                for s in mine]
        columns[H.submitted_col(campaign.code)] = [format_vn(s.submitted_at, tz) if s else ""
                                                   for s in mine]
        if campaign.period is not None:  # a repeating campaign: the period its column shows
            columns[H.period_col(campaign.code)] = [campaign.period.label if s else ""
                                                    for s in mine]
    for code, by_unit in (links or {}).items():
        columns[H.prefill_col(code)] = [by_unit.get(u.code, "") for u in units]
    return Table(columns)


def status_colouring(campaigns: Sequence[Campaign]) -> Colouring:
    """Status cells are coloured by status; the other columns are left as staff format them."""
    return Colouring(frozenset(H.status_col(c.code) for c in campaigns), status_colour)


def status_colour(value: Cell) -> str | None:
    """A status label's colour (None: the cell is not a status)."""
    status = Status.from_label(str(value))
    return STATUS_COLOURS[status] if status else None


def detail_rows(statuses: Sequence[UnitStatus], tz: ZoneInfo) -> Table:
    """One row per (campaign, expected unit), column by column."""
    values = (
        [s.campaign.code for s in statuses], [s.unit.code for s in statuses],
        [s.unit.name for s in statuses], [s.unit.group for s in statuses],
        [s.status.label for s in statuses], [format_vn(s.deadline, tz) for s in statuses],
        [format_vn(s.submitted_at, tz) for s in statuses],
        [format_duration(s.late_by) if s.late_by else "" for s in statuses],
        ["; ".join(s.missing) for s in statuses], [s.responses for s in statuses],
        [_detail_note(s, tz) for s in statuses],
    )
    return Table(dict(zip(H.DETAIL_HEADERS, values, strict=True)))


def _detail_note(s: UnitStatus, tz: ZoneInfo) -> str:
    period = s.campaign.period
    if s.new_deadline is None and not s.exemption_reason and not s.guessed and period is None:
        return ""
    notes = [] if period is None else [f"kỳ {period.label}"]
    if s.new_deadline is not None and s.status is not Status.EXEMPT:
        notes.append(f"gia hạn đến {format_vn(s.new_deadline, tz)}")
    if s.exemption_reason:
        notes.append(s.exemption_reason)
    if s.guessed:
        names = ", ".join(f"'{one_line(n, 60)}'" for n in s.guessed[:3])
        notes.append(f"có câu trả lời ghi tên {names}, đoán là đơn vị này: chưa tính, chờ xác "
                     "nhận ở tab Đối chiếu tên đơn vị")
    return "; ".join(notes)


def verdict_label(verdict: Verdict, missing: Sequence[str] = (), late_by: timedelta | None = None) -> str:
    if verdict is Verdict.LATE and late_by:
        return f"{verdict.label} {format_duration(late_by)}"
    if verdict is Verdict.INCOMPLETE:
        return f"{verdict.label}: {'; '.join(missing)}"
    return verdict.label


def with_period(said: Period | Assignment, verdict: str) -> str:
    """A repeating campaign's verdict, said of its period ("Tháng 6/2025: Hợp lệ"), or with why
    the response has none."""
    if isinstance(said, Period):
        return f"{said.label}: {verdict}"
    if said.period is not None:  # a period outside those collected
        return f"{said.period.label}: {verdict}"
    return f"{verdict}: {said.note}" if said.note else verdict


def matched_text(match: Match) -> str:
    if match.kind is MatchKind.AMBIGUOUS:
        return "nhiều đơn vị cùng tên: " + ", ".join(u.code for u in match.candidates)
    if match.kind is MatchKind.FUZZY and match.unit is not None:
        return f"đoán {match.unit.code} - {match.unit.name}? chưa tính, chờ xác nhận"
    if match.unit is None:
        if match.candidates:  # e.g. a former district typed for the ward of its name
            return "gần giống: " + ", ".join(u.code for u in match.candidates) + "; chờ xác nhận"
        return ""
    return f"{match.unit.code} - {match.unit.name}"


def response_columns(rows: RowResults) -> dict[str, list[Cell]]:
    """The tool's two columns of a responses tab, header -> text by position (the sheet row of
    each is ``rows.responses.rows``). Each text is made once per distinct verdict and match (a
    tab repeats them on thousands of rows); only a counted response has a text of its own."""
    labels = {v: v.label for v in Verdict}
    verdicts = list(map(labels.__getitem__, rows.verdicts))
    for i, (missing, late_by) in rows.details.items():
        verdicts[i] = verdict_label(rows.verdicts[i], missing, late_by)
    if rows.periods is not None:  # a repeating campaign: which period each verdict is of
        verdicts = list(map(with_period, rows.periods, verdicts))
    texts = [matched_text(m) for m in rows.responses.matches]
    return {H.VERDICT_COL: verdicts, H.MATCHED_COL: list(map(texts.__getitem__, rows.responses.found))}


def log_line(
    now: datetime, tz: ZoneInfo, responses: int, statuses: Sequence[UnitStatus], changed: int,
    problems: Sequence[Problem],
) -> list[Cell]:
    counts = Counter(s.status for s in statuses)
    by_status = "; ".join(f"{st.label}: {counts[st]}" for st in Status if counts[st])
    shown = "\n".join(str(p) for p in problems[:20])
    if len(problems) > 20:
        shown += f"\n… và {len(problems) - 20} vấn đề khác"
    return [format_vn(now, tz), responses, by_status, changed, shown]


def chat_rows(campaigns: Sequence[Campaign], statuses: Sequence[UnitStatus], now: datetime,
              tz: ZoneInfo) -> list[dict[str, Cell]]:
    """The reminders tab's group-chat cells: one row per campaign."""
    by_campaign: dict[str, list[UnitStatus]] = {c.code: [] for c in campaigns}
    for s in statuses:
        by_campaign.get(s.campaign.code, []).append(s)
    return [{H.CHAT_CAMPAIGN: c.code, H.CHAT_TEXT: chat_text(c, by_campaign[c.code], now, tz)}
            for c in campaigns]


def reminder_rows(entries: Sequence[Entry], tz: ZoneInfo) -> list[dict[str, Cell]]:
    """The "Nhắc nhở" tab: one row per reminder or receipt of the ledger."""
    rows = []
    for e in entries:
        if e.state is Sending.SENT:
            sent = f"{e.state.label} {format_vn(e.sent_at, tz)}"
        elif e.error:
            sent = f"{e.state.label}: {one_line(e.error, 200)}"
        else:
            sent = e.state.label
        if is_receipt(e.offset):
            moment = f"Xác nhận đã nhận bản gửi {format_vn(received_at(e.offset), tz)}"
        else:
            offset = Offset.parse(e.offset)
            moment = f"{offset.label} ({offset.code})"
        values = (
            e.campaign, e.unit, format_vn(datetime.fromisoformat(e.deadline), tz) if e.deadline else "",
            moment, e.unit_name, format_vn(e.claimed_at, tz), e.status,
            e.missing, e.link, e.email, sent,
        )
        rows.append(dict(zip(H.REMINDER_HEADERS, values, strict=True)))
    return rows


# --- The "Số liệu" tab: figures per unit, group subtotals, a total --------------------------------

def figures_headers(table: FigureTable) -> list[str]:
    return [H.FIGURES_CODE, H.FIGURES_NAME, H.FIGURES_GROUP,
            *(c.header for c in table.columns), H.FIGURES_NOTE]


def figures_formats(table: FigureTable) -> dict[str, str]:
    """A number format per figure column, chosen when the column is created: whole numbers
    grouped by thousands, or one or two decimals where a figure has them or is a mean."""
    values = table.units[[column.header for column in table.columns]]
    whole = ((values == values.round()) | values.isna()).all()  # every column at once
    return {column.header: WHOLE_FORMAT if whole[column.header]
            and column.spec.aggregate is not Aggregate.MEAN else DECIMAL_FORMAT
            for column in table.columns}


WHOLE_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"


def figures_rows(table: FigureTable, statuses: Sequence[UnitStatus]) -> Table:
    """Units group by group, each group followed by its subtotal; the total last. Numbers are
    written as numbers; a unit that gave none has an empty cell (never 0). Column by column."""
    unreadable: dict[str, list[str]] = {}
    for s in statuses:
        if s.missing and s.campaign.figures:
            for line in s.missing:
                if "không đọc được số" in line:
                    unreadable.setdefault(s.unit.code, []).append(f"{s.campaign.code}: {line}")
    subtotal = {line.name: line for line in table.groups}
    headers = [column.header for column in table.columns]
    frame = table.units
    codes, names, groups = frame.index.tolist(), frame["name"].tolist(), frame["group"].tolist()
    numbers = {h: list(map(_cell, frame[h].to_numpy(dtype="float64").tolist())) for h in headers}
    members: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        members.setdefault(group, []).append(i)
    columns: dict[str, list[Cell]] = {h: [] for h in (H.FIGURES_CODE, H.FIGURES_NAME,
                                                      H.FIGURES_GROUP, *headers, H.FIGURES_NOTE)}
    notes = ["; ".join(unreadable.get(code, ())) for code in codes]
    for group, positions in members.items():
        for header, values in ((H.FIGURES_CODE, codes), (H.FIGURES_NAME, names),
                               (H.FIGURES_NOTE, notes), *numbers.items()):
            columns[header] += map(values.__getitem__, positions)
        columns[H.FIGURES_GROUP] += [group] * len(positions)
        _add_line(columns, table, subtotal[f"{H.FIGURES_SUBTOTAL} {group}"], group)
    _add_line(columns, table, table.total, "")
    return Table(columns)


def _cell(value: float | None) -> Cell:
    if value is None or value != value:  # NaN: no number
        return ""
    return int(value) if float(value).is_integer() else value


def _add_line(columns: dict[str, list[Cell]], table: FigureTable, line: Line, group: str) -> None:
    """A subtotal or the total, as one more row of ``columns``."""
    columns[H.FIGURES_CODE].append("")
    columns[H.FIGURES_NAME].append(line.name)
    columns[H.FIGURES_GROUP].append(group)
    for column in table.columns:
        columns[column.header].append(_cell(line.values[column.header]))
    columns[H.FIGURES_NOTE].append(coverage_note(table, line))


def coverage_note(table: FigureTable, line: Line) -> str:
    """"NSNN: số liệu của 7/12 đơn vị" per campaign (per figure when they differ)."""
    parts = []
    for code in dict.fromkeys(c.campaign.code for c in table.columns):
        mine = [c for c in table.columns if c.campaign.code == code and line.expected[c.header]]
        if not mine:
            continue
        pairs = {(line.covered[c.header], line.expected[c.header]) for c in mine}
        if len(pairs) == 1:
            covered, expected = pairs.pop()
            parts.append(f"{code}: số liệu của {covered}/{expected} đơn vị")
        else:
            parts += [f"{c.header}: số liệu của {line.covered[c.header]}/{line.expected[c.header]} "
                      "đơn vị" for c in mine]
    return "; ".join(parts)

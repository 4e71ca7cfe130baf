"""Receipts: which units get an e-mail saying their response arrived, and what it says.

A campaign row with "Gửi xác nhận" = Có asks for them. A receipt is due for the response that
counts for a unit (on time, late or incomplete) once, ever: the ledger's record
(sync/rules/sent.py) of ``receipt@<the response's time>`` for that campaign and unit keeps it
from going twice, whatever the deadline becomes. A response the tool only guessed to be a unit
(MatchKind.FUZZY) counts for no unit, so it has no receipt until staff settle its name. A
response older than the catch-up window (first cycle after receipts are turned on, a long
outage) gets none: its sender has long moved on. At most ``limit`` are due in one cycle, oldest
first; the rest wait for the next.

"Câu hỏi email người gửi" names the form question holding the respondent's e-mail (a form that
collects addresses has one): the receipt then goes there as well as to the roster's address.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sync.rules import headers as H
from sync.rules.chat import missing_label
from sync.rules.models import SENT, Campaign, MatchKind, Status, UnitStatus
from sync.rules.reminders import deadline_key
from sync.rules.text import clean
from sync.rules.timeparse import format_duration

RECEIPT = "receipt"
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
CREDITED = (MatchKind.EXACT, MatchKind.SETTLED)


def receipt_code(submitted_at: datetime) -> str:
    """The ledger's offset column for a receipt: one per response."""
    return f"{RECEIPT}@{deadline_key(submitted_at)}"


def is_receipt(code: str) -> bool:
    return code.startswith(RECEIPT)


def received_at(code: str) -> datetime:
    return datetime.fromisoformat(code.partition("@")[2])


def wants_receipts(campaign: Campaign) -> bool:
    return clean(campaign.value(H.CAMPAIGN_RECEIPTS)).casefold() in H.YES


@dataclass(frozen=True)
class Receipt:
    status: UnitStatus
    code: str
    respondent: str  # the address the respondent typed in the form ("" when none asked)


def due_receipts(statuses: Iterable[UnitStatus], sent: Collection[tuple[str, str, str]],
                 now: datetime, catch_up: timedelta, limit: int) -> tuple[list[Receipt], int]:
    """(the receipts to claim now, oldest response first; how many more wait for the next
    cycle). ``sent``: (campaign, unit, receipt code) already in the ledger."""
    due: list[Receipt] = []
    for s in statuses:
        counted = s.counted
        if (s.status not in SENT or counted is None or s.submitted_at is None
                or counted.match.kind not in CREDITED or not wants_receipts(s.campaign)):
            continue
        if s.submitted_at > now or now - s.submitted_at > catch_up:
            continue
        code = receipt_code(s.submitted_at)
        if (s.campaign.code, s.unit.code, code) in sent:
            continue
        question = s.campaign.value(H.CAMPAIGN_RESPONDENT_EMAIL)
        typed = clean(counted.answers.get(question, "")) if question else ""
        respondent = typed if _PLAIN_ADDRESS.fullmatch(typed) else ""  # typed: nothing else
        due.append(Receipt(s, code, respondent))
    due.sort(key=lambda r: (r.status.submitted_at, r.status.campaign.code, r.status.unit.code))
    return due[:limit], max(len(due) - limit, 0)


def verdict_text(status: Status, missing: Iterable[str], deadline: str, late_by: timedelta | None) -> str:
    """The verdict in plain Vietnamese, as the receipt says it. ``deadline``: already formatted."""
    if status is Status.INCOMPLETE:
        items = "; ".join(map(missing_label, missing))
        return (f"đã nhận, còn thiếu: {items}. Đề nghị đơn vị gửi bổ sung trước {deadline}"
                if deadline else f"đã nhận, còn thiếu: {items}. Đề nghị đơn vị gửi bổ sung sớm nhất có thể")
    if status is Status.LATE:
        return f"đã nhận, gửi sau hạn {format_duration(late_by)}" if late_by else "đã nhận, gửi sau hạn"
    return "đã nhận, hợp lệ"

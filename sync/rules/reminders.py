"""Which reminders are due: pure rules on the evaluated table, the ledger's record and ``now``.

A campaign row's "Nhắc nhở" column lists offsets from the deadline: "-3; -1; +1" (days), or with
units, "-3d, -1d, +1d", "-12h", "-3 ngày", "+2 giờ".

- A day offset is due from 00:00 (local time) of that calendar day: with a deadline of 30/6, "-3" is
  due from 27/6 00:00 and "+1" from 1/7 00:00. An hour offset is due that many hours from the
  deadline itself, to the second.
- Only units still pending, incomplete or overdue get one; the unit's own deadline counts (an
  extension moves its reminders).
- Only the latest offset that has passed is sent: a process down for five days sends one
  reminder, not three. An offset whose moment passed more than ``catch_up`` ago is not sent at all
  (first install, long outage), and a before-deadline offset is never sent once the deadline has
  passed (its wording would be wrong).
- Nothing already in the ledger for that (campaign, unit, deadline) at this offset or a later one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sync.errors import Problem
from sync.rules import headers as H
from sync.rules.models import Campaign, Status, UnitStatus
from sync.rules.parse import cell_problems
from sync.rules.text import collation_key

REMIND = frozenset({Status.PENDING, Status.INCOMPLETE, Status.OVERDUE})

_DAY_WORDS = {"", "d", "ngày", "ngay", "n"}
_HOUR_WORDS = {"h", "giờ", "gio", "g", "tiếng"}
_TOKEN = re.compile(r"^([+-]?)\s*(\d{1,4})\s*([^\d\s+-]*)$")


@dataclass(frozen=True)
class Offset:
    amount: int  # negative: before the deadline
    unit: str  # "d" or "h"

    @property
    def code(self) -> str:
        """Stable text: the ledger key and what the reminders tab shows staff beside the label."""
        return f"{self.amount:+d}{self.unit}"

    @classmethod
    def parse(cls, token: str) -> Offset:
        match = _TOKEN.match(token.strip().casefold())
        if not match:
            raise ValueError(f"'{token.strip()}' is not an offset (e.g. -3, -1, +1, -12h)")
        sign, digits, word = match.groups()
        amount = int(digits)
        if word in _DAY_WORDS:
            unit = "d"
        elif word in _HOUR_WORDS:
            unit = "h"
        else:
            raise ValueError(f"'{token.strip()}': unit '{word}' is not d/ngày or h/giờ")
        if amount and not sign:
            raise ValueError(f"'{token.strip()}': write -{amount} for before the deadline, "
                             f"+{amount} for after")
        return cls(-amount if sign == "-" else amount, unit)

    def due_at(self, deadline: datetime, tz: ZoneInfo) -> datetime:
        try:
            if self.unit == "h":
                return deadline + timedelta(hours=self.amount)
            day = deadline.astimezone(tz).date() + timedelta(days=self.amount)
            return datetime.combine(day, time(), tz)
        except OverflowError:  # a deadline typed as 31/12/9999 (or year 1): never due
            return (datetime.max if self.amount > 0 else datetime.min).replace(tzinfo=tz)

    @property
    def label(self) -> str:
        size = abs(self.amount)
        word = "ngày" if self.unit == "d" else "giờ"
        if not self.amount:
            return "ngày hết hạn" if self.unit == "d" else "đúng hạn"
        return f"{size} {word} {'trước' if self.amount < 0 else 'sau'} hạn"


def parse_offsets(text: str) -> tuple[Offset, ...]:
    """Offsets in a cell, sorted, duplicates dropped; raises ValueError on the first bad one."""
    tokens = [t for t in re.split(r"[;,\n]", text) if t.strip()]
    return tuple(sorted({Offset.parse(t) for t in tokens}, key=_hours))


def _hours(offset: Offset) -> int:
    return offset.amount * (24 if offset.unit == "d" else 1)


def campaign_offsets(campaign: Campaign) -> tuple[Offset, ...]:
    return parse_offsets(campaign.value(H.CAMPAIGN_REMINDERS))


def offset_problems(campaigns: Sequence[Campaign], tab: str) -> list[Problem]:
    return cell_problems(campaigns, tab, H.CAMPAIGN_REMINDERS[0], campaign_offsets, "no reminders")


def deadline_key(deadline: datetime) -> str:
    """The deadline as the ledger stores it: UTC, to the second."""
    return deadline.astimezone(UTC).isoformat(timespec="seconds")


Sent = Mapping[tuple[str, str, str], Iterable[str]]
"""(campaign code, unit code, deadline key) -> offset codes already in the ledger."""


@dataclass(frozen=True)
class Due:
    status: UnitStatus
    offset: Offset
    due_at: datetime

    @property
    def key(self) -> tuple[str, str, str, str]:
        s = self.status
        return (s.campaign.code, s.unit.code, deadline_key(s.deadline), self.offset.code)


def due_reminders(
    statuses: Iterable[UnitStatus], sent: Sent, now: datetime, tz: ZoneInfo, catch_up: timedelta
) -> list[Due]:
    """The reminders to send at ``now``, by campaign then unit name (Vietnamese order)."""
    offsets: dict[str, tuple[Offset, ...]] = {}
    out: list[Due] = []
    for s in statuses:
        if s.status not in REMIND or s.deadline is None:
            continue
        if s.guessed:  # a response was guessed to be this unit: staff decide before a reminder
            continue
        if s.campaign.code not in offsets:
            try:
                offsets[s.campaign.code] = campaign_offsets(s.campaign)
            except ValueError:  # reported once per cycle by offset_problems
                offsets[s.campaign.code] = ()
        passed = [(o.due_at(s.deadline, tz), o) for o in offsets[s.campaign.code]]
        passed = [(at, o) for at, o in passed if at <= now]
        if not passed:
            continue
        at, offset = max(passed, key=lambda p: p[0])
        if now - at > catch_up or (at < s.deadline < now):
            continue
        done = sent.get((s.campaign.code, s.unit.code, deadline_key(s.deadline)), ())
        if any(Offset.parse(code).due_at(s.deadline, tz) >= at for code in done):
            continue
        out.append(Due(s, offset, at))
    out.sort(key=lambda d: (d.status.campaign.code, collation_key(d.status.unit.name)))
    return out

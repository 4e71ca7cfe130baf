"""The horizon of a cycle: the earliest moment after ``now`` at which the same books could give a
different result. Until then a cycle that found nothing to do would find nothing again (the
settled marker, sync/unattended/settled.py, skips it).

A cycle is a function of the books, the config, tonghop's version, the reminder ledger and
``now``. ``now`` is compared in these places only (``grep -n now`` in sync/rules, sync/cycle.py,
sync/unattended/job.py and reports/), and each gives its moments:

- evaluate ``_unit_status``: a unit with nothing counted is PENDING while ``now <= deadline``,
  then OVERDUE: the first instant after every campaign deadline and every exemption's new
  deadline (the unit's own deadline in its status).
- evaluate: a response stamped after ``now`` is AFTER_NOW (``at > now``), counted from ``at``.
- parse ``implausible_timestamps``: a stamp after ``now + FUTURE_SLACK`` is not counted at all
  (its submitted_at is dropped, so it is read again from its cell, :func:`set_aside_stamps`);
  it becomes an AFTER_NOW row at ``at - FUTURE_SLACK``. The 2000 floor does not move with ``now``.
- reminders ``due_reminders`` (statuses still to remind, reminders on): each offset's due
  moment (``at <= now``), that moment plus the catch-up (``now - at > catch_up``), and the
  deadline again (``at < deadline < now``).
- reports (drafts on sync): the drafts' file names and date lines carry the local date, so the
  next local midnight. Their clock ("as_of", "generated_at") is left out of what decides a
  rewrite (reports/drafts.py), so it moves nothing.
- the group-chat message (sync/rules/chat.py) counts the local days to each campaign deadline
  still ahead: the next local midnight, while a deadline is on a later day.
- by_period ``evaluate_periods``: a repeating campaign's current period (``Schedule.current``)
  and the periods evaluated move on at :meth:`Schedule.next_turn`.
- the log row (views.log_line) and the reminder e-mails use ``now`` only when there is
  something to write or send, which a settled cycle has not; the lock and the snapshots' file
  names use it without changing what is written.

Pure: data in, a datetime (or None: no moment ahead changes anything) out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sync.rules import headers as H
from sync.rules.book import Tab
from sync.rules.models import Campaign, CycleRows, Exemption, UnitStatus, Verdict
from sync.rules.parse import FUTURE_SLACK, columns_of
from sync.rules.reminders import REMIND, campaign_offsets
from sync.rules.timeparse import DateOrder, TimeParseError, parse_moment

__all__ = ["TICK", "next_change", "response_stamps", "set_aside_stamps"]

TICK = timedelta(microseconds=1)  # datetime's resolution: "after the deadline" starts here


def next_change(
    now: datetime, *,
    campaigns: Iterable[Campaign] = (),
    exemptions: Iterable[Exemption] = (),
    statuses: Iterable[UnitStatus] = (),
    stamps: Iterable[datetime] = (),
    tz: ZoneInfo,
    catch_up: timedelta | None = None,
    dated: bool = False,
) -> datetime | None:
    """The earliest moment strictly after ``now`` at which a cycle over the same books could
    differ from the one at ``now``; None when none ever could.

    ``stamps``: every response timestamp, counted or not (:func:`response_stamps`);
    ``catch_up``: the reminders' catch-up window, None when reminders are off; ``dated``: drafts
    are written on sync (dated by the local day)."""
    moments: list[datetime] = []
    deadlines: set[datetime] = {c.deadline for c in campaigns if c.deadline is not None}
    deadlines |= {e.new_deadline for e in exemptions if e.new_deadline is not None}
    reminded: dict[tuple[str, datetime], Campaign] = {}
    for s in statuses:
        if s.deadline is None:
            continue
        deadlines.add(s.deadline)
        if catch_up is not None and s.status in REMIND:
            reminded.setdefault((s.campaign.code, s.deadline), s.campaign)
    moments += [d + TICK for d in deadlines]
    for (_, deadline), campaign in reminded.items():  # once per (campaign, deadline), not per unit
        try:
            offsets = campaign_offsets(campaign)
        except ValueError:  # reported by offset_problems; never due
            offsets = ()
        for offset in offsets:
            at = offset.due_at(deadline, tz)
            moments += [at, at + catch_up + TICK]
    for at in stamps:
        moments += [at, at - FUTURE_SLACK]
    # a repeating campaign: its current period moves on, a new period can be reported for
    moments += [c.schedule.next_turn(now, tz) for c in campaigns if c.schedule is not None]
    ahead = [c.deadline for c in campaigns if c.deadline is not None and c.deadline > now]
    if dated or any(d.astimezone(tz).date() > now.astimezone(tz).date() for d in ahead):
        moments.append(next_midnight(now, tz))  # drafts are dated; the chat counts days left
    ahead = [m for m in moments if m > now]
    return min(ahead, default=None)


def next_midnight(now: datetime, tz: ZoneInfo) -> datetime:
    """00:00 of the next local day."""
    day: date = now.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(day, time(), tz)


_SET_ASIDE = (Verdict.BAD_TIMESTAMP, Verdict.AFTER_NOW)  # with no time: unreadable, or too far ahead


def response_stamps(rows: CycleRows, now: datetime) -> tuple[list[datetime], dict[str, list[int]]]:
    """The timestamps after ``now`` the rows carry (only those can be a moment ahead), and, by
    campaign code, the sheet rows without one (an unreadable stamp, or one too far in the future
    that was set aside: see :func:`set_aside_stamps`). Read from the columns: no row object for
    the 100,000 responses of a big tab."""
    stamps: list[datetime] = []
    without: dict[str, list[int]] = {}
    for code, results in rows.campaigns.items():
        responses = results.responses
        after = responses.moment(now)
        stamps += [responses.submitted_at(i) for i, at in enumerate(responses.times)  # type: ignore[misc]
                   if at is not None and at > after]  # type: ignore[operator]
        unread = [responses.rows[i] for i, verdict in enumerate(results.verdicts)
                  if verdict in _SET_ASIDE and responses.times[i] is None]
        if unread:
            without[code] = unread
    return stamps, without


def set_aside_stamps(tab: Tab, rows: Sequence[int], tz: ZoneInfo,
                     order: DateOrder = DateOrder.DAY_FIRST) -> list[datetime]:
    """The timestamps in the cells of ``rows`` (sheet rows) that can be read: those that were
    set aside as too far in the future (an unreadable one has no moment)."""
    if not rows:
        return []
    cols = columns_of(tab)
    c_time = cols.find(H.TIMESTAMP)
    if c_time is None:
        return []
    out = []
    for r in rows:
        line = tab.values[r - 1] if 0 < r <= len(tab.values) else []
        try:
            out.append(parse_moment(line[c_time] if c_time < len(line) else None, tz, order).at)
        except TimeParseError:
            continue
    return out

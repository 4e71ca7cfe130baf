"""The sync log tab ("Nhật ký đồng bộ") read back: the moment of the last cycle that wrote.

Every cycle that writes appends one line stamped with its moment (``views.log_line``). A cycle
whose moment is earlier than that (a server clock that jumped back) would write older statuses
over newer ones and send reminders already overtaken: it must write nothing instead.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sync.rules import headers as H
from sync.rules.book import Tab, column_of
from sync.rules.text import header_key
from sync.rules.timeparse import TimeParseError, parse_moment

_MOMENT = header_key(H.LOG_HEADERS[0])


def last_written(tab: Tab | None, tz: ZoneInfo) -> datetime | None:
    """The latest moment the log tab records (staff may sort it: the latest, not the last
    line); None without a tab or a readable moment. The tab shows minutes: a cycle later in the
    same minute is not earlier than it."""
    if tab is None or not tab.values:
        return None
    header = [header_key(h) if isinstance(h, str) else "" for h in tab.values[0]]
    if _MOMENT not in header:
        return None
    latest = None
    for value in column_of(tab.values[1:], header.index(_MOMENT)):
        try:
            at = parse_moment(value, tz).at
        except TimeParseError:
            continue  # a line staff typed over: not the tool's
        if latest is None or at > latest:
            latest = at
    return latest


def behind(now: datetime, last: datetime | None) -> bool:
    """Whether a cycle at ``now`` comes before the last one that wrote."""
    return last is not None and now < last

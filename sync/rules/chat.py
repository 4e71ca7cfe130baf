"""The message staff paste into a group chat (Zalo, Messenger): who has not sent yet, who sent
an incomplete answer, and the form link. Plain text, one short line each, no tables: chat apps
keep line breaks and nothing else. Each list names at most :data:`LISTED` units, then says how
many more (thousands of names is no message, and no cell holds them).

Time left is told in local calendar days ("còn 3 ngày", "hôm nay là hạn cuối"), so the text
changes at most once a day before the deadline (sync/rules/horizon.py wakes a cycle at midnight
for it) and not at all after: "đã quá hạn" names the deadline instead of counting days.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sync.rules import headers as H
from sync.rules.forms import form_id
from sync.rules.models import SENT, Campaign, Status, UnitStatus
from sync.rules.numbers import vn_number
from sync.rules.text import COLLATION_CACHE, collation_key, one_line
from sync.rules.timeparse import format_vn

NOT_SENT = (Status.PENDING, Status.OVERDUE)
LISTED = 100  # units named per list: a chat message is read on a phone (and a cell holds 32,767)


def time_left(deadline: datetime | None, now: datetime, tz: ZoneInfo) -> str:
    if deadline is None:
        return "không có hạn nộp"
    if now > deadline:
        return "đã quá hạn"
    days = (deadline.astimezone(tz).date() - now.astimezone(tz).date()).days
    if days == 0:
        return "hôm nay là hạn cuối"
    if days == 1:
        return "hạn cuối là ngày mai"
    return f"còn {days} ngày"


def form_url(campaign: Campaign) -> str:
    """The responder link units open ("" when the row has none, or only an edit link)."""
    url = campaign.value(H.CAMPAIGN_FORM_URL).strip()
    if not url.startswith(("http://", "https://")) or form_id(url) is not None:
        return ""
    return url


def chat_text(campaign: Campaign, statuses: Sequence[UnitStatus], now: datetime,
              tz: ZoneInfo) -> str:
    """The message for one campaign at ``now``; ``statuses``: the campaign's expected units."""
    mine = [s for s in statuses if s.campaign.code == campaign.code and s.status is not Status.EXEMPT]
    # only the units the message names are put in order (thousands may have sent)
    order = sorted((s for s in mine if s.status in NOT_SENT or s.status is Status.INCOMPLETE),
                   key=lambda s: _listed_order(s.unit.group, s.unit.name))
    waiting = [s for s in order if s.status in NOT_SENT]
    incomplete = [s for s in order if s.status is Status.INCOMPLETE]
    sent = sum(1 for s in mine if s.status in SENT)
    period = f" - {campaign.period.label}" if campaign.period is not None else ""
    lines = [f"[{campaign.code}] {one_line(campaign.title, 120)}{period}"]
    if campaign.deadline is not None:
        lines.append(f"Hạn nộp: {format_vn(campaign.deadline, tz)} ({time_left(campaign.deadline, now, tz)})")
    lines.append(f"Đã nhận: {vn_number(sent)}/{vn_number(len(mine))} đơn vị")
    if waiting:
        late = campaign.deadline is not None and now > campaign.deadline
        lines += ["", f"{'Quá hạn, chưa gửi' if late else 'Chưa gửi'} ({vn_number(len(waiting))}):"]
        group = None
        for s in waiting[:LISTED]:
            if s.unit.group != group:
                group = s.unit.group
                if group:
                    lines.append(f"{one_line(group, 60)}:")
            note = " (có bản gửi chờ xác nhận tên)" if s.guessed else ""
            extended = s.deadline != campaign.deadline and s.deadline is not None
            if extended and s.status is Status.PENDING:
                note += f" (gia hạn đến {format_vn(s.deadline, tz)})"
            lines.append(f"- {one_line(s.unit.name, 80)}{note}")
        lines += _more(len(waiting))
    if incomplete:
        lines += ["", f"Còn thiếu nội dung ({vn_number(len(incomplete))}):"]
        for s in incomplete[:LISTED]:
            missing = "; ".join(map(missing_label, s.missing[:5]))
            more = f" và {len(s.missing) - 5} mục khác" if len(s.missing) > 5 else ""
            lines.append(f"- {one_line(s.unit.name, 80)}: thiếu {missing}{more}")
        lines += _more(len(incomplete))
    if not waiting and not incomplete:
        lines += ["", "Tất cả các đơn vị đã gửi đủ. Cảm ơn các đơn vị!"]
    url = form_url(campaign)
    if url and (waiting or incomplete):
        lines += ["", "Đề nghị các đơn vị gửi tại:", url]
    return "\n".join(lines)


@functools.lru_cache(maxsize=COLLATION_CACHE)  # the same units are listed every cycle
def _listed_order(group: str, name: str) -> tuple:
    return collation_key(group), collation_key(name)


def _more(listed: int) -> list[str]:
    """The line after a list cut at :data:`LISTED` units (the status tab names them all)."""
    if listed <= LISTED:
        return []
    return [f"- … và {vn_number(listed - LISTED)} đơn vị khác"]


def missing_label(item: str) -> str:
    """A missing answer by its question only: "Số bài viết (không đọc được số)", never what
    the unit typed (a chat is no place to echo it)."""
    question, _, why = item.partition(": ")
    if why.startswith("không đọc được số"):
        return f"{one_line(question, 60)} (không đọc được số)"
    return one_line(item, 60)

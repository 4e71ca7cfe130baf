"""The message staff paste into a group chat (Zalo, Messenger): who has not sent yet, who sent
an incomplete answer, and the form link. Plain text, one short line each, no tables: chat apps
keep line breaks and nothing else.

Time left is told in local calendar days ("còn 3 ngày", "hôm nay là hạn cuối"), so the text
changes at most once a day before the deadline (sync/rules/horizon.py wakes a cycle at midnight
for it) and not at all after: "đã quá hạn" names the deadline instead of counting days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sync.rules import headers as H
from sync.rules.forms import form_id
from sync.rules.models import Campaign, Status, UnitStatus
from sync.rules.text import collation_key, one_line
from sync.rules.timeparse import format_vn

NOT_SENT = (Status.PENDING, Status.OVERDUE)
SENT = (Status.ON_TIME, Status.LATE, Status.INCOMPLETE)


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
    order = sorted(mine, key=lambda s: (collation_key(s.unit.group), collation_key(s.unit.name)))
    waiting = [s for s in order if s.status in NOT_SENT]
    incomplete = [s for s in order if s.status is Status.INCOMPLETE]
    sent = sum(1 for s in mine if s.status in SENT)
    period = f" - {campaign.period.label}" if campaign.period is not None else ""
    lines = [f"[{campaign.code}] {one_line(campaign.title, 120)}{period}"]
    if campaign.deadline is not None:
        lines.append(f"Hạn nộp: {format_vn(campaign.deadline, tz)} ({time_left(campaign.deadline, now, tz)})")
    lines.append(f"Đã nhận: {sent}/{len(mine)} đơn vị")
    if waiting:
        late = campaign.deadline is not None and now > campaign.deadline
        lines += ["", f"{'Quá hạn, chưa gửi' if late else 'Chưa gửi'} ({len(waiting)}):"]
        group = None
        for s in waiting:
            if s.unit.group != group:
                group = s.unit.group
                if group:
                    lines.append(f"{one_line(group, 60)}:")
            note = " (có bản gửi chờ xác nhận tên)" if s.guessed else ""
            extended = s.deadline != campaign.deadline and s.deadline is not None
            if extended and s.status is Status.PENDING:
                note += f" (gia hạn đến {format_vn(s.deadline, tz)})"
            lines.append(f"- {one_line(s.unit.name, 80)}{note}")
    if incomplete:
        lines += ["", f"Còn thiếu nội dung ({len(incomplete)}):"]
        for s in incomplete:
            missing = "; ".join(map(missing_label, s.missing[:5]))
            more = f" và {len(s.missing) - 5} mục khác" if len(s.missing) > 5 else ""
            lines.append(f"- {one_line(s.unit.name, 80)}: thiếu {missing}{more}")
    if not waiting and not incomplete:
        lines += ["", "Tất cả các đơn vị đã gửi đủ. Cảm ơn các đơn vị!"]
    url = form_url(campaign)
    if url and (waiting or incomplete):
        lines += ["", "Đề nghị các đơn vị gửi tại:", url]
    return "\n".join(lines)


def missing_label(item: str) -> str:
    """A missing answer by its question only: "Số bài viết (không đọc được số)", never what
    the unit typed (a chat is no place to echo it)."""
    question, _, why = item.partition(": ")
    if why.startswith("không đọc được số"):
        return f"{one_line(question, 60)} (không đọc được số)"
    return one_line(item, 60)

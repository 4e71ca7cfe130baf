"""The record of what was sent to units (reminders, receipts): the type both the rules and the
ledger (sync/unattended/ledger.py, which keeps it on disk) speak. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class State(StrEnum):
    CLAIMED = "claimed"  # in the tab; e-mail not confirmed yet
    SENT = "sent"  # the SMTP server accepted the e-mail
    TAB_ONLY = "tab_only"  # no SMTP configured: the "Nhắc nhở" tab is the reminder
    NO_EMAIL = "no_email"  # the unit has no address in the roster
    FAILED = "failed"  # the server refused it for good, or two uncertain attempts

    @property
    def label(self) -> str:
        return {
            State.CLAIMED: "Đang chờ gửi",
            State.SENT: "Đã gửi",
            State.TAB_ONLY: "Chỉ ghi vào bảng (chưa cấu hình SMTP)",
            State.NO_EMAIL: "Đơn vị chưa có email",
            State.FAILED: "Gửi lỗi",
        }[self]


@dataclass(frozen=True)
class Entry:
    """One message to one unit, as recorded. A reminder's ``offset`` is an Offset.code ("-3d");
    a receipt's is ``RECEIPT`` and its ``deadline`` is the response's key (see receipts.py)."""

    id: int
    campaign: str
    unit: str
    deadline: str  # reminders.deadline_key: UTC ISO to the second
    offset: str  # Offset.code: "-3d", "+12h"; RECEIPT for a receipt
    due_at: datetime
    claimed_at: datetime
    unit_name: str
    status: str  # the unit's status label when claimed
    missing: str
    link: str
    email: str
    state: State
    attempts: int = 0
    sent_at: datetime | None = None
    error: str = ""
    deferrals: int = 0

"""Reminders: offsets at their boundaries (pure), the durable ledger, and real e-mail through an
SMTP server on loopback (aiosmtpd, started here)."""

from __future__ import annotations

import email
import email.policy
import socket
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from aiosmtpd.controller import Controller

from sync.errors import ExitCode
from sync.rules import headers as H
from sync.rules.models import Campaign, Status, Unit, UnitStatus
from sync.rules.prefill import form_link
from sync.rules.reminders import Offset, deadline_key, due_reminders, parse_offsets
from sync.unattended.ledger import Ledger
from sync.unattended.ledger import State as Sent

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CATCH_UP = timedelta(hours=72)
END_OF_30_6 = datetime(2023, 6, 30, 23, 59, 59, 999_999, tzinfo=TZ)  # "Hạn nộp: 30/6/2023"


def at(day: int, hh: int = 0, mm: int = 0, ss: int = 0, month: int = 6) -> datetime:
    return datetime(2023, month, day, hh, mm, ss, tzinfo=TZ)


def unit_status(offsets: str, status: Status = Status.PENDING, deadline: datetime = END_OF_30_6,
                code: str = "P01") -> UnitStatus:
    campaign = Campaign("PCCC", "Sơ kết PCCC", "Câu trả lời biểu mẫu 3", deadline=deadline,
                        extra={"Nhắc nhở": offsets})
    unit = Unit(code, "UBND phường Nhân Chính", "Phường", email="p01@example.vn")
    return UnitStatus(campaign, unit, status, deadline)


def due(statuses, now, sent=None):
    return [(d.status.unit.code, d.offset.code, d.due_at)
            for d in due_reminders(statuses, sent or {}, now, TZ, CATCH_UP)]


# --- offsets ---------------------------------------------------------------------------------
def test_offsets_are_read_in_every_documented_spelling():
    days = (Offset(-3, "d"), Offset(-1, "d"), Offset(1, "d"))
    assert parse_offsets("-3; -1; +1") == days
    assert parse_offsets("-3d, -1d, +1d") == days
    assert parse_offsets("+1 ngày\n-3 ngày; -1") == days
    assert parse_offsets("-12h; +2 giờ") == (Offset(-12, "h"), Offset(2, "h"))
    assert parse_offsets("") == ()
    assert [o.label for o in days] == ["3 ngày trước hạn", "1 ngày trước hạn", "1 ngày sau hạn"]


@pytest.mark.parametrize("bad", ["3", "-3 tuần", "soon", "-3;x"])
def test_bad_offsets_say_what_is_valid(bad):
    with pytest.raises(ValueError, match="-3|offset|unit"):
        parse_offsets(bad)


def test_a_bad_offset_cell_is_a_problem_of_its_row(demo_dir, cli):
    workbook = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(workbook)
    wb["Đợt thu thập"]["M2"] = "3 ngày trước"
    wb.save(workbook)
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", "2023-06-20T10:00")
    assert result.code == 0
    assert "tab 'Đợt thu thập', row 2, column 'Nhắc nhở': campaign NTVT:" in result.err


# --- when a reminder is due ------------------------------------------------------------------
def test_no_reminder_while_a_response_guessed_to_be_the_unit_waits_for_staff():
    waiting = unit_status("-3; -1; +1")._replace(guessed=("UBND phuong Nhan Chin",))
    assert [code for code, _, _ in due([unit_status("-3; -1; +1")], at(30, 9))] == ["P01"]
    assert due([waiting], at(30, 9)) == []  # the same unit and moment, a guess waiting: none

def test_a_day_offset_is_due_from_midnight_of_its_day_to_the_second():
    s = [unit_status("-3; -1; +1")]
    assert due(s, at(26, 23, 59, 59)) == []
    assert due(s, at(27)) == [("P01", "-3d", at(27))]
    assert due(s, at(28, 23, 59, 59)) == [("P01", "-3d", at(27))]
    assert due(s, at(29)) == [("P01", "-1d", at(29))]


def test_an_hour_offset_is_due_to_the_second_from_the_deadline_time():
    deadline = at(15, 17)  # "15/6/2023 17:00"
    s = [unit_status("-12h", deadline=deadline)]
    assert due(s, at(15, 4, 59, 59)) == []
    assert due(s, at(15, 5)) == [("P01", "-12h", at(15, 5))]


def test_after_the_deadline_only_overdue_offsets_go_out():
    deadline = at(15, 17)  # "15/6/2023 17:00"
    s = [unit_status("-1; +1", Status.OVERDUE, deadline=deadline)]
    assert due(s, at(15, 17, 0, 1)) == []  # "-1" would say "1 day before": stale; "+1" not yet
    assert due(s, at(16)) == [("P01", "+1d", at(16))]
    # A date-only deadline ends at 23:59:59.999999: its "+1" day starts the next instant.
    assert due([unit_status("+1", Status.OVERDUE)], at(1, month=7)) == [
        ("P01", "+1d", at(1, month=7))]
    only_before = [unit_status("-3; -1", Status.OVERDUE)]
    assert due(only_before, at(1, 8, month=7)) == []


def test_after_an_outage_only_the_latest_offset_is_sent_and_only_if_recent():
    s = [unit_status("-3; -1; +1", Status.OVERDUE)]
    # Down from 26/6 to 3/7: one reminder, the "+1", not three.
    assert due(s, at(3, 23, 59, 59, month=7)) == [("P01", "+1d", at(1, month=7))]
    assert due(s, at(4, 0, 0, 0, month=7)) == [("P01", "+1d", at(1, month=7))]  # exactly 72 h
    assert due(s, at(4, 0, 0, 1, month=7)) == []  # too late to be useful


def test_only_pending_incomplete_and_overdue_units_get_reminders():
    now = at(27, 9)
    for status in (Status.ON_TIME, Status.LATE, Status.EXEMPT):
        assert due([unit_status("-3", status)], now) == []
    assert due([unit_status("-3", Status.INCOMPLETE)], now) == [("P01", "-3d", at(27))]


def test_what_the_ledger_holds_is_never_due_again():
    s = [unit_status("-3; -1; +1")]
    key = ("PCCC", "P01", deadline_key(END_OF_30_6))
    assert due(s, at(27, 9), {key: {"-3d"}}) == []
    assert due(s, at(29, 9), {key: {"-3d"}}) == [("P01", "-1d", at(29))]
    # A later offset already sent: an earlier one is not sent after it (clock set back).
    assert due(s, at(27, 9), {key: {"-1d"}}) == []


def test_an_extension_is_a_new_deadline_with_its_own_reminders():
    extended = at(5, 23, 59, 59, month=7)
    s = [unit_status("-3", deadline=extended)]
    old_key = ("PCCC", "P01", deadline_key(END_OF_30_6))
    assert due(s, at(2, 9, month=7), {old_key: {"-3d"}}) == [("P01", "-3d", at(2, month=7))]


# --- pre-filled links ------------------------------------------------------------------------
def test_prefilled_link_encodes_the_unit_name():
    campaign = Campaign("X", "X", "t", extra={
        "Link biểu mẫu": "https://docs.google.com/forms/d/e/1FAIpQLSabc/viewform?usp=sf_link",
        "Mã câu hỏi đơn vị": "entry.1234567"})
    link = form_link(campaign).for_unit(Unit("P01", "UBND phường Nhân Chính", "Phường"))
    assert link == ("https://docs.google.com/forms/d/e/1FAIpQLSabc/viewform?usp=pp_url"
                    "&entry.1234567=UBND+ph%C6%B0%E1%BB%9Dng+Nh%C3%A2n+Ch%C3%ADnh")


@pytest.mark.parametrize(("url", "entry", "message"), [
    ("https://forms.gle/abc", "123", "forms.gle"),
    ("docs.google.com/forms/x", "123", "not a web address"),
    ("https://docs.google.com/forms/d/e/x/viewform", "câu 1", "not an entry id"),
    ("", "123", "is empty"),
])
def test_unusable_form_links_are_explained(url, entry, message):
    campaign = Campaign("X", "X", "t", extra={"Link biểu mẫu": url, "Mã câu hỏi đơn vị": entry})
    with pytest.raises(ValueError, match=message):
        form_link(campaign)


def test_status_tab_gets_each_units_link(demo_dir, cli):
    cli("sync", "--config", demo_dir / "config.toml", "--now", "2023-06-20T10:00")
    ws = openpyxl.load_workbook(demo_dir / "tonghop.xlsx")["Trạng thái"]
    headers = [c.value for c in ws[1]]
    column = headers.index("PCCC: link điền sẵn")
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["P01"][column].endswith("&entry.1902845633=UBND+ph%C6%B0%E1%BB%9Dng+Nh%C3%A2n+Ch%C3%ADnh")
    assert not rows["PNV"][column]  # not expected to submit PCCC


# --- the ledger, through the command line ----------------------------------------------------
def _reminder_rows(workbook: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(workbook)["Nhắc nhở"]
    return list(ws.iter_rows(min_row=2, values_only=True))


def _ledger(demo_dir: Path) -> list[tuple]:
    with sqlite3.connect(demo_dir / "data" / "reminders.sqlite3") as db:
        return db.execute("SELECT campaign, unit, offset_code, state FROM reminders").fetchall()


def test_no_duplicate_reminders_across_cycles_and_a_restart(demo_dir, cli):
    config = demo_dir / "config.toml"
    first = cli("sync", "--config", config, "--now", "2023-06-28T09:00")
    assert first.code == 0 and "; 11 reminders" in first.out
    rows = _reminder_rows(demo_dir / "tonghop.xlsx")
    assert len(rows) == 11 and len(_ledger(demo_dir)) == 11
    assert {r[3] for r in rows} == {"3 ngày trước hạn (-3d)"}
    assert all(r[10] == "Chỉ ghi vào bảng (chưa cấu hình SMTP)" for r in rows)

    for minute in range(1, 4):  # cycles every minute: nothing new, nothing written
        again = cli("sync", "--config", config, "--now", f"2023-06-28T09:0{minute}")
        assert "reminders" not in again.out
        # the second no-op cycle is skipped: nothing can have changed (test_settled.py)
        assert ("nothing changed" if minute == 1 else "nothing to do") in again.out
    # A "restart": a new process opens the ledger from disk.
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "main.py", "sync", "--config", str(config), "--now",
                          "2023-06-28T09:10"], cwd=Path(__file__).resolve().parents[1],
                         capture_output=True, text=True, check=True).stdout
    assert "reminders" not in out
    assert len(_reminder_rows(demo_dir / "tonghop.xlsx")) == 11

    # The next offset, the next day: once more per unit still pending.
    later = cli("sync", "--config", config, "--now", "2023-06-29T08:00")
    assert "reminders" in later.out
    offsets = [r[2] for r in _ledger(demo_dir)]
    assert offsets.count("-3d") == 11 and offsets.count("-1d") >= 1


# --- e-mail through a real SMTP server on loopback -------------------------------------------
class Inbox:
    """An aiosmtpd handler that keeps what arrives and can refuse chosen recipients."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()
        self.greylist: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        if address in self.greylist:
            return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def _with_smtp(demo_dir: Path, port: int, extra: str = "") -> Path:
    config = demo_dir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + (
        f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n'
        f'sender = "nhac-han@thanhxuan.example.vn"\n{extra}'), encoding="utf-8")
    return config


def test_reminders_arrive_by_email_once_with_vietnamese_intact(demo_dir, cli, smtp_server):
    inbox, port = smtp_server
    config = _with_smtp(demo_dir, port)
    result = cli("sync", "--config", config, "--now", "2023-06-28T09:00")
    assert result.code == 0, result.err
    assert "; 11 reminders (11 e-mailed)" in result.out
    assert len(inbox.messages) == 11

    by_unit = {msg["X-Tonghop-Reminder"]: (to, msg) for to, msg in inbox.messages}
    to, msg = by_unit["PCCC/P07/-3d"]
    assert to == ["p07@thanhxuan.example.vn"]
    assert msg["To"] == "p07@thanhxuan.example.vn"
    assert msg["From"] == "nhac-han@thanhxuan.example.vn"
    assert msg["Subject"] == "[Nhắc hạn] PCCC - UBND phường Hạ Đình: hạn nộp 30/06/2023 23:59"
    body = msg.get_body().get_content()
    assert msg.get_body().get_content_charset() == "utf-8"
    assert "Kính gửi: UBND phường Hạ Đình" in body
    assert ('"Sơ kết 6 tháng mô hình Tổ liên gia an toàn phòng cháy, chữa cháy năm 2023" '
            "là 30/06/2023 23:59 (3 ngày trước hạn)") in body
    assert "usp=pp_url&entry.1902845633=UBND+ph%C6%B0%E1%BB%9Dng+H%E1%BA%A1+%C4%90%C3%ACnh" in body
    assert "PHÒNG NỘI VỤ" in body

    rows = _reminder_rows(demo_dir / "tonghop.xlsx")
    assert all(r[10] == "Đã gửi 28/06/2023 09:00" for r in rows)

    for now in ("2023-06-28T09:01", "2023-06-28T09:15", "2023-06-28T17:00"):
        assert cli("sync", "--config", config, "--now", now).code == 0
    assert len(inbox.messages) == 11  # no duplicates
    assert len({m["X-Tonghop-Reminder"] for _, m in inbox.messages}) == 11


def test_smtp_down_keeps_reminders_queued_then_sends_them_once(demo_dir, cli, smtp_server):
    inbox, port = smtp_server
    config = _with_smtp(demo_dir, _free_port())  # nobody listens there
    down = cli("sync", "--config", config, "--now", "2023-06-28T09:00")
    assert down.code == 5
    assert "cannot connect" in down.err and "retried next cycle" in down.err
    assert "; 11 reminders (11 waiting)" in down.out
    assert {state for *_, state in _ledger(demo_dir)} == {"claimed"}
    rows = _reminder_rows(demo_dir / "tonghop.xlsx")  # the tab already shows them
    assert len(rows) == 11 and all(r[10].startswith("Đang chờ gửi") for r in rows)

    config.write_text(config.read_text(encoding="utf-8").replace(
        f"port = {_port_in(config)}", f"port = {port}"), encoding="utf-8")
    up = cli("sync", "--config", config, "--now", "2023-06-28T09:15")
    assert up.code == 0, up.err
    assert len(inbox.messages) == 11
    cli("sync", "--config", config, "--now", "2023-06-28T09:30")
    assert len(inbox.messages) == 11


def _port_in(config: Path) -> int:
    line = next(x for x in config.read_text(encoding="utf-8").splitlines() if x.startswith("port"))
    return int(line.split("=")[1])


def test_a_refused_address_is_marked_failed_and_not_retried(demo_dir, cli, smtp_server):
    inbox, port = smtp_server
    inbox.refuse.add("p07@thanhxuan.example.vn")
    config = _with_smtp(demo_dir, port)
    result = cli("sync", "--config", config, "--now", "2023-06-28T09:00")
    # Never silent: the refused e-mail is one line on stderr and in the log, and the exit is 5.
    assert result.code == ExitCode.CYCLE
    refused = "reminder PCCC/P07 -3d to p07@thanhxuan.example.vn failed: p07@thanhxuan.example.vn: 550"
    assert result.err.strip().splitlines() == [f"tonghop: error: {refused} 5.1.1 mailbox unavailable"]
    assert refused in (demo_dir / "data" / "logs" / "tonghop.log").read_text(encoding="utf-8")
    assert len(inbox.messages) == 10
    states = {(c, u): s for c, u, _, s in _ledger(demo_dir)}
    assert states[("PCCC", "P07")] == "failed"
    row = next(r for r in _reminder_rows(demo_dir / "tonghop.xlsx") if r[:2] == ("PCCC", "P07"))
    assert row[10].startswith("Gửi lỗi: p07@thanhxuan.example.vn: 550")
    inbox.refuse.clear()
    cli("sync", "--config", config, "--now", "2023-06-28T09:15")
    assert len(inbox.messages) == 10


def test_a_crash_after_sending_resends_at_most_once(demo_dir, cli, smtp_server):
    """Simulate the crash window: the attempt was recorded, the server may have the message, the
    process died before marking it sent."""
    inbox, port = smtp_server
    config = _with_smtp(demo_dir, port)
    cli("sync", "--config", config, "--now", "2023-06-28T09:00")
    assert len(inbox.messages) == 11
    with sqlite3.connect(demo_dir / "data" / "reminders.sqlite3") as db:
        db.execute("UPDATE reminders SET state = 'claimed', attempts = 1 WHERE unit = 'P07'")
        db.execute("UPDATE reminders SET state = 'claimed', attempts = 2 WHERE unit = 'P08'")
    cli("sync", "--config", config, "--now", "2023-06-28T09:15")
    resent = [m["X-Tonghop-Reminder"] for _, m in inbox.messages[11:]]
    assert resent == ["PCCC/P07/-3d"]  # once more, and P08 (two uncertain attempts) never again
    with Ledger.open(demo_dir / "data" / "reminders.sqlite3") as ledger:
        states = {(e.campaign, e.unit): e.state for e in ledger.entries()}
    assert states[("PCCC", "P07")] is Sent.SENT
    assert states[("PCCC", "P08")] is Sent.FAILED


def test_a_template_typo_is_a_config_error_but_the_sheet_is_still_written(
        demo_dir, cli, smtp_server, tmp_path):
    _, port = smtp_server
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "reminder_subject.txt.j2").write_text("Nhắc {{ unit.name }", encoding="utf-8")
    (templates / "reminder_body.txt.j2").write_text("x", encoding="utf-8")
    config = _with_smtp(demo_dir, port, f'\n[reminders]\ntemplates_dir = "{templates}"\n')
    result = cli("sync", "--config", config, "--now", "2023-06-28T09:00")
    assert result.code == 3
    assert f"{templates / 'reminder_subject.txt.j2'}: line 1:" in result.err
    assert "11 reminders (11 waiting)" in result.out
    assert len(_reminder_rows(demo_dir / "tonghop.xlsx")) == 11


def test_a_missing_smtp_password_names_the_variable(demo_dir, cli, smtp_server, monkeypatch):
    _, port = smtp_server
    monkeypatch.delenv("TONGHOP_TEST_SMTP", raising=False)
    config = _with_smtp(demo_dir, port, 'username = "nhac-han"\npassword_env = "TONGHOP_TEST_SMTP"\n')
    result = cli("sync", "--config", config, "--now", "2023-06-28T09:00")
    assert result.code == 3
    assert "TONGHOP_TEST_SMTP" in result.err


def test_reminders_and_links_ride_in_the_one_control_batch(workspace, cli):
    """Local workbook and Google fake alike: the cycle that claims reminders writes the control
    spreadsheet once; values go RAW in one values.batchUpdate."""
    config = workspace.config_path
    assert cli("sync", "--config", config, "--now", "2023-06-20T10:00").code == 0
    if workspace.fake is not None:
        workspace.fake.reset_counts()
    result = cli("sync", "--config", config, "--now", "2023-06-28T09:00")
    assert result.code == 0, result.err
    assert "; 11 reminders" in result.out
    rows = workspace.values("Nhắc nhở")
    assert rows[0] == list(H.REMINDER_HEADERS + H.CHAT_HEADERS)  # the chat messages beside
    # 12 reminders (one of 20/6, 11 of 28/6) right below one another, and beside them (rows
    # 2-5) a message per campaign
    assert len(rows) == 13 and all(r[:2] != ["", ""] for r in rows[1:])
    assert [r[11] for r in rows[1:5]] == ["NTVT", "KN75", "PCCC", "NSNN"]
    p04 = next(r for r in rows if r[:2] == ["PCCC", "P07"])
    assert "usp=pp_url&entry.1902845633=UBND+ph%C6%B0%E1%BB%9Dng" in p04[8]
    if workspace.fake is not None:
        fake, sid = workspace.fake, workspace.spreadsheet_id
        assert fake.count("values.batchUpdateByDataFilter", sid) == 1
        assert fake.count("values.batchGet", sid) == 1
        fake.reset_counts()
        again = cli("sync", "--config", config, "--now", "2023-06-28T09:15")
        assert "nothing changed" in again.out
        assert fake.count("values.batchUpdateByDataFilter", sid) == fake.count("spreadsheets.batchUpdate", sid) == 0


def test_offsets_and_recipients_may_be_one_per_line_in_the_campaign_row():
    """The docs allow new lines between offsets (and "Nơi nhận" entries) in a campaign cell."""
    from zoneinfo import ZoneInfo

    from reports.context import issuer_for
    from sync.backends.base import Tab
    from sync.config import Organization
    from sync.rules import headers as H
    from sync.rules.models import Unit
    from sync.rules.parse import parse_campaigns
    from sync.rules.reminders import campaign_offsets

    tab = Tab("Đợt thu thập", [
        [H.CAMPAIGN_CODE[0], H.CAMPAIGN_TAB[0], H.CAMPAIGN_UNIT_QUESTION[0],
         H.CAMPAIGN_REMINDERS[0], H.CAMPAIGN_RECIPIENTS[0]],
        ["C1", "Câu trả lời biểu mẫu 1", "Tên đơn vị", "-3\n-1\n+1", "UBND quận\nLưu trữ"],
    ], 1000, 26)
    (campaign,), problems = parse_campaigns(tab, [Unit("A", "A", "Phường")],
                                            ZoneInfo("Asia/Ho_Chi_Minh"), "dmy")
    assert problems == []
    assert [o.amount for o in campaign_offsets(campaign)] == [-3, -1, 1]
    assert issuer_for(Organization(), campaign).recipients == ("UBND quận", "Lưu trữ")


def test_a_temporary_refusal_is_retried_next_cycle_then_sent(demo_dir, cli, smtp_server):
    inbox, port = smtp_server
    inbox.greylist.add("p07@thanhxuan.example.vn")
    config = _with_smtp(demo_dir, port)
    first = cli("sync", "--config", config, "--now", "2023-06-28T09:00")
    assert len(inbox.messages) == 10 and "451" in first.err
    states = {(c, u): s for c, u, _, s in _ledger(demo_dir)}
    assert states[("PCCC", "P07")] == "claimed"  # waiting, not failed
    inbox.greylist.clear()  # the greylisting period is over
    cli("sync", "--config", config, "--now", "2023-06-28T09:15")
    assert [m["X-Tonghop-Reminder"] for _, m in inbox.messages[10:]] == ["PCCC/P07/-3d"]
    states = {(c, u): s for c, u, _, s in _ledger(demo_dir)}
    assert states[("PCCC", "P07")] == "sent"


def test_temporary_refusals_and_outages_are_retried_a_bounded_number_of_times(
        demo_dir, cli, smtp_server):
    from sync.unattended.ledger import MAX_DEFERRALS

    inbox, port = smtp_server
    inbox.greylist.add("p07@thanhxuan.example.vn")
    config = _with_smtp(demo_dir, port)
    for minute in range(MAX_DEFERRALS + 2):
        cli("sync", "--config", config, "--now", f"2023-06-28T09:{minute:02d}")
    states = {(c, u): s for c, u, _, s in _ledger(demo_dir)}
    assert states[("PCCC", "P07")] == "failed"
    row = next(r for r in _reminder_rows(demo_dir / "tonghop.xlsx") if r[:2] == ("PCCC", "P07"))
    assert "451" in row[10] and f"{MAX_DEFERRALS} cycles in a row" in row[10]
    assert len(inbox.messages) == 10


def test_an_smtp_server_down_for_good_fails_the_reminders_after_the_bound(demo_dir, cli):
    from sync.unattended.ledger import MAX_DEFERRALS

    config = _with_smtp(demo_dir, _free_port())  # nobody listens
    for minute in range(MAX_DEFERRALS):
        assert cli("sync", "--config", config, "--now", f"2023-06-28T09:{minute:02d}").code == 5
    assert {state for *_, state in _ledger(demo_dir)} == {"failed"}

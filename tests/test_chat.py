"""The group-chat message: `remind --text` at three moments of a campaign, and the same text
in the reminders tab, written only when it changes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl

from sync.rules import headers as H
from sync.rules.chat import chat_text, time_left
from sync.rules.models import Campaign, Status, Unit, UnitStatus

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = datetime(2023, 6, 30, 23, 59, 59, 999_999, tzinfo=TZ)
FORM = "https://docs.google.com/forms/d/e/1FAIpQLSabc/viewform"


def _statuses() -> list[UnitStatus]:
    campaign = Campaign("PCCC", "Sơ kết PCCC", "t", deadline=DEADLINE,
                        extra={"Link biểu mẫu": FORM})
    units = {
        "P01": Unit("P01", "UBND phường Nhân Chính", "Phường"),
        "P02": Unit("P02", "UBND phường Hạ Đình", "Phường"),
        "T01": Unit("T01", "Trường THCS Nhân Chính", "Trường"),
        "V01": Unit("V01", "Văn phòng HĐND và UBND quận", "Phòng ban"),
        "X01": Unit("X01", "Phòng Nội vụ", "Phòng ban"),
    }
    return [
        UnitStatus(campaign, units["P01"], Status.PENDING, DEADLINE),
        UnitStatus(campaign, units["T01"], Status.PENDING, DEADLINE, guessed=("Truong Nhan Chinh",)),
        UnitStatus(campaign, units["P02"], Status.INCOMPLETE, DEADLINE,
                   missing=("Số vụ cháy: không đọc được số ('=HYPERLINK(\"x\")')", "Kiến nghị")),
        UnitStatus(campaign, units["V01"], Status.ON_TIME, DEADLINE),
        UnitStatus(campaign, units["X01"], Status.EXEMPT, DEADLINE),
    ]


def test_the_message_before_on_and_after_the_deadline():
    statuses = _statuses()
    campaign = statuses[0].campaign
    before = chat_text(campaign, statuses, datetime(2023, 6, 20, 10, tzinfo=TZ), TZ)
    assert before == "\n".join([
        "[PCCC] Sơ kết PCCC",
        "Hạn nộp: 30/06/2023 23:59 (còn 10 ngày)",
        "Đã nhận: 2/4 đơn vị",
        "",
        "Chưa gửi (2):",
        "Phường:",
        "- UBND phường Nhân Chính",
        "Trường:",
        "- Trường THCS Nhân Chính (có bản gửi chờ xác nhận tên)",
        "",
        "Còn thiếu nội dung (1):",
        "- UBND phường Hạ Đình: thiếu Số vụ cháy (không đọc được số); Kiến nghị",
        "",
        "Đề nghị các đơn vị gửi tại:",
        FORM,
    ])
    on_the_day = chat_text(campaign, statuses, datetime(2023, 6, 30, 8, tzinfo=TZ), TZ)
    assert "Hạn nộp: 30/06/2023 23:59 (hôm nay là hạn cuối)" in on_the_day
    overdue = [s._replace(status=Status.OVERDUE) if s.status is Status.PENDING else s
               for s in statuses]
    after = chat_text(campaign, overdue, datetime(2023, 7, 1, 9, tzinfo=TZ), TZ)
    assert "Hạn nộp: 30/06/2023 23:59 (đã quá hạn)" in after
    assert "Quá hạn, chưa gửi (2):" in after
    for text in (before, on_the_day, after):
        assert all(len(line) <= 100 for line in text.splitlines())  # short lines, no table
        assert "\t" not in text and "|" not in text and "HYPERLINK" not in text


def test_time_left_counts_local_calendar_days():
    assert time_left(DEADLINE, datetime(2023, 6, 29, 23, 59, tzinfo=TZ), TZ) == "hạn cuối là ngày mai"
    assert time_left(DEADLINE, datetime(2023, 6, 30, 0, 0, tzinfo=TZ), TZ) == "hôm nay là hạn cuối"
    assert time_left(DEADLINE, datetime(2023, 7, 1, tzinfo=TZ), TZ) == "đã quá hạn"
    assert time_left(None, datetime(2023, 7, 1, tzinfo=TZ), TZ) == "không có hạn nộp"


def test_everyone_sent_says_thanks_and_no_link():
    statuses = [s._replace(status=Status.ON_TIME, missing=()) for s in _statuses()]
    text = chat_text(statuses[0].campaign, statuses, datetime(2023, 6, 20, tzinfo=TZ), TZ)
    assert text.endswith("Tất cả các đơn vị đã gửi đủ. Cảm ơn các đơn vị!")
    assert FORM not in text


def _chat_cells(workbook) -> dict[str, str]:
    ws = openpyxl.load_workbook(workbook)["Nhắc nhở"]
    headers = [c.value for c in ws[1]]
    code, text = headers.index(H.CHAT_CAMPAIGN), headers.index(H.CHAT_TEXT)
    return {row[code]: row[text] for row in ws.iter_rows(min_row=2, values_only=True) if row[code]}


def test_remind_text_at_three_moments_and_the_same_text_in_the_reminders_tab(demo_dir, cli):
    config = demo_dir / "config.toml"
    said = {}
    for now in ("2023-06-20T10:00", "2023-06-30T09:00", "2023-07-01T09:00"):
        result = cli("remind", "--text", "--config", config, "--campaign", "PCCC", "--now", now)
        assert result.code == 0, result.err
        said[now] = result.out.rstrip("\n")
    assert said["2023-06-20T10:00"].startswith("[PCCC] Sơ kết 6 tháng mô hình Tổ liên gia")
    assert "(còn 10 ngày)" in said["2023-06-20T10:00"]
    assert "(hôm nay là hạn cuối)" in said["2023-06-30T09:00"]
    assert "(đã quá hạn)" in said["2023-07-01T09:00"]
    assert "\nQuá hạn, chưa gửi (" in said["2023-07-01T09:00"]
    assert "\nChưa gửi (" in said["2023-06-20T10:00"]
    assert "https://docs.google.com/forms/" in said["2023-06-20T10:00"]
    assert "[NTVT]" not in said["2023-06-20T10:00"]  # --campaign: that one only

    assert cli("sync", "--config", config, "--now", "2023-06-20T10:00").code == 0
    cells = _chat_cells(demo_dir / "tonghop.xlsx")
    assert cells["PCCC"] == said["2023-06-20T10:00"]
    assert len(cells) == 4  # one cell per campaign
    again = cli("sync", "--config", config, "--now", "2023-06-20T10:30")
    assert "nothing changed" in again.out  # same day: same text, nothing written
    assert cli("sync", "--config", config, "--now", "2023-06-30T09:00").code == 0
    assert _chat_cells(demo_dir / "tonghop.xlsx")["PCCC"] == said["2023-06-30T09:00"]


def test_remind_without_text_says_what_to_type(demo_dir, cli):
    result = cli("remind", "--config", demo_dir / "config.toml")
    assert result.code != 0 and "--text" in result.err


def test_remind_help_has_an_example(cli):
    result = cli("remind", "--help")
    assert result.code == 0 and "tonghop remind --text --config" in result.out


def test_reminders_that_come_after_the_messages_start_right_below_their_header(demo_dir, cli):
    config = demo_dir / "config.toml"
    plain = config.read_text(encoding="utf-8")
    config.write_text(plain + "\n[reminders]\nenabled = false\n", encoding="utf-8")
    assert cli("sync", "--config", config, "--now", "2023-06-20T10:00").code == 0
    ws = openpyxl.load_workbook(demo_dir / "tonghop.xlsx")["Nhắc nhở"]
    assert [c.value for c in ws[1]] == list(H.CHAT_HEADERS)  # the messages made the tab
    config.write_text(plain, encoding="utf-8")
    assert cli("sync", "--config", config, "--now", "2023-06-28T09:00").code == 0
    ws = openpyxl.load_workbook(demo_dir / "tonghop.xlsx")["Nhắc nhở"]
    headers = [c.value for c in ws[1]]
    assert headers == list(H.CHAT_HEADERS + H.REMINDER_HEADERS)
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    campaign = headers.index("Mã đợt")
    assert all(r[campaign] for r in rows)  # 11 reminders in rows 2-12, no gap beside the messages
    assert len(rows) == 11 and [r[0] for r in rows[:4]] == ["NTVT", "KN75", "PCCC", "NSNN"]


def test_a_long_list_names_the_first_units_in_order_then_how_many_more():
    """Thousands of units late is no message to paste (nor a cell to hold): each list names
    LISTED units, in Vietnamese order, then says how many more."""
    from sync.rules.chat import LISTED

    campaign = _statuses()[0].campaign
    many = [UnitStatus(campaign, Unit(f"P{i:04d}", f"Tổ dân phố số {i}", "Phường"),
                       Status.OVERDUE, DEADLINE) for i in range(LISTED + 2450, 0, -1)]
    many += [UnitStatus(campaign, Unit(f"Q{i:04d}", f"Đội {i}", "Đội"), Status.INCOMPLETE,
                        DEADLINE, missing=("Kiến nghị",)) for i in range(LISTED)]
    text = chat_text(campaign, many, datetime(2023, 7, 1, 9, tzinfo=TZ), TZ)
    lines = text.splitlines()
    assert f"Quá hạn, chưa gửi ({vn(LISTED + 2450)}):" in lines
    named = [line for line in lines if line.startswith("- Tổ dân phố")]
    assert len(named) == LISTED and named[:2] == ["- Tổ dân phố số 1", "- Tổ dân phố số 10"]
    assert "- … và 2.450 đơn vị khác" in lines
    assert f"Còn thiếu nội dung ({LISTED}):" in lines and text.count("khác") == 1  # not cut
    assert len(text) < 32_767


def vn(n: int) -> str:
    return f"{n:,}".replace(",", ".")

"""Receipts: one e-mail per response that counts, through the reminders' mailer and ledger, to a
real SMTP server on loopback (aiosmtpd, the fixture of test_reminders.py)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import openpyxl

from sync.rules import headers as H

from .test_reminders import _with_smtp, smtp_server  # noqa: F401 (a fixture)

PCCC_TAB = "Câu trả lời biểu mẫu 3"  # PCCC: units of the "Phường" group, deadline 30/6/2023


def _receipts_on(demo_dir: Path, port: int, respondent: bool = False) -> Path:
    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Đợt thu thập"]
    col = ws.max_column + 1
    ws.cell(1, col, H.CAMPAIGN_RECEIPTS[0])
    if respondent:
        ws.cell(1, col + 1, H.CAMPAIGN_RESPONDENT_EMAIL[0])
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 1).value == "PCCC":
            ws.cell(row, col, "Có")
            if respondent:
                ws.cell(row, col + 1, "Địa chỉ email")
    wb.save(path)
    # reminders off: every e-mail in the inbox is a receipt
    return _with_smtp(demo_dir, port, "\n[reminders]\nenabled = false\n")


def _respond(demo_dir: Path, stamp: datetime, name: str, complete: bool = True,
             email: str = "nguoi-gui@example.vn") -> None:
    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    wb[PCCC_TAB].append([stamp, email, name, "Người A", "0900000000", 3, 40,
                         "Đã thực hiện" if complete else None])
    wb.save(path)


def _receipts(inbox) -> dict[str, tuple[list[str], object]]:
    """Unit code -> (envelope recipients, message), in the order they arrived."""
    out = {}
    for to, msg in inbox.messages:
        campaign, unit, code = msg["X-Tonghop-Reminder"].split("/", 2)
        assert campaign == "PCCC" and code.startswith("receipt@")
        out.setdefault(unit, []).append((to, msg))
    return out


def _body(msg) -> str:
    return msg.get_body().get_content()


def test_a_receipt_per_verdict_with_its_text_and_never_a_second(demo_dir, cli, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    config = _receipts_on(demo_dir, port)
    _respond(demo_dir, datetime(2023, 6, 28, 8, 0), "UBND phường Khương Mai")  # P04, valid
    _respond(demo_dir, datetime(2023, 6, 28, 8, 30), "Phường Phương Liệt", complete=False)  # P06
    first = cli("sync", "--config", config, "--now", "2023-06-28T09:00")
    assert first.code == 0, first.err
    assert "; 2 receipts; 2 e-mailed" in first.out
    got = _receipts(inbox)
    assert set(got) == {"P04", "P06"}  # older responses (before the 72 h catch-up): none

    (to, valid), = got["P04"]
    assert to == ["p04@thanhxuan.example.vn"]
    assert valid["Subject"] == "[Xác nhận] PCCC - UBND phường Khương Mai: đã nhận, hợp lệ"
    body = _body(valid)
    assert "Kính gửi: UBND phường Khương Mai" in body
    assert ('xác nhận đã nhận nội dung "Sơ kết 6 tháng mô hình Tổ liên gia an toàn phòng cháy, '
            'chữa cháy năm 2023" của đơn vị, gửi lúc 28/06/2023 08:00 (hạn nộp 30/06/2023 23:59).'
            ) in body
    assert "Kết quả: đã nhận, hợp lệ." in body
    assert "usp=pp_url&entry.1902845633=UBND+ph%C6%B0%E1%BB%9Dng+Kh%C6%B0%C6%A1ng+Mai" in body

    (_, incomplete), = got["P06"]
    assert ("Kết quả: đã nhận, còn thiếu: Kết quả 6 tháng. Đề nghị đơn vị gửi bổ sung trước "
            "30/06/2023 23:59.") in _body(incomplete)
    assert "Đơn vị gửi bổ sung tại đường dẫn sau" in _body(incomplete)

    _respond(demo_dir, datetime(2023, 7, 1, 10, 0), "UBND phường Khương Đình")  # P08, late
    late = cli("sync", "--config", config, "--now", "2023-07-01T10:30")
    assert late.code == 0, late.err
    got = _receipts(inbox)
    (_, msg), = got["P08"]
    assert "Kết quả: đã nhận, gửi sau hạn 10 giờ." in _body(msg)
    assert msg["Subject"] == "[Xác nhận] PCCC - UBND phường Khương Đình: đã nhận, gửi sau hạn 10 giờ"

    for now in ("2023-07-01T10:45", "2023-07-01T12:00", "2023-07-02T09:00"):
        assert cli("sync", "--config", config, "--now", now).code == 0
    assert len(inbox.messages) == 3  # once per response, never twice

    # the reminders tab shows each receipt beside the reminders
    ws = openpyxl.load_workbook(demo_dir / "tonghop.xlsx")["Nhắc nhở"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[1]]
    assert {r[1] for r in rows} == {"P04", "P06", "P08"}
    p04 = next(r for r in rows if r[1] == "P04")
    assert p04[3] == "Xác nhận đã nhận bản gửi 28/06/2023 08:00"
    assert p04[10] == "Đã gửi 28/06/2023 09:00"


def test_a_new_response_gets_its_own_receipt_and_the_respondent_one_too(demo_dir, cli, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    config = _receipts_on(demo_dir, port, respondent=True)
    _respond(demo_dir, datetime(2023, 6, 28, 8, 30), "Phường Phương Liệt", complete=False,
             email="van-thu@phuongliet.example.vn")
    cli("sync", "--config", config, "--now", "2023-06-28T09:00")
    _respond(demo_dir, datetime(2023, 6, 28, 15, 0), "Phường Phương Liệt")  # the corrected one
    cli("sync", "--config", config, "--now", "2023-06-28T15:30")
    _respond(demo_dir, datetime(2023, 6, 28, 16, 0), "Phường Phương Liệt",
             email="a@phuongliet.example.vn, sep@example.vn")  # not one plain address: unused
    cli("sync", "--config", config, "--now", "2023-06-28T16:30")
    got = _receipts(inbox)["P06"]
    assert [to for to, _ in got] == [["p06@thanhxuan.example.vn", "van-thu@phuongliet.example.vn"],
                                     ["p06@thanhxuan.example.vn", "nguoi-gui@example.vn"],
                                     ["p06@thanhxuan.example.vn"]]
    assert "còn thiếu" in _body(got[0][1]) and "Kết quả: đã nhận, hợp lệ." in _body(got[1][1])
    assert "sep@example.vn" not in got[2][1]["To"]


def test_after_a_crash_between_send_and_record_at_most_once_more(demo_dir, cli, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    config = _receipts_on(demo_dir, port)
    _respond(demo_dir, datetime(2023, 6, 28, 8, 0), "UBND phường Khương Mai")
    _respond(demo_dir, datetime(2023, 6, 28, 8, 5), "UBND phường Khương Đình")
    cli("sync", "--config", config, "--now", "2023-06-28T09:00")
    assert len(inbox.messages) == 2
    with sqlite3.connect(demo_dir / "data" / "reminders.sqlite3") as db:  # the crash window
        db.execute("UPDATE reminders SET state = 'claimed', attempts = 1 WHERE unit = 'P04'")
        db.execute("UPDATE reminders SET state = 'claimed', attempts = 2 WHERE unit = 'P08'")
    for now in ("2023-06-28T09:15", "2023-06-28T09:30"):
        cli("sync", "--config", config, "--now", now)
    again = [m["X-Tonghop-Reminder"].split("/")[1] for _, m in inbox.messages[2:]]
    assert again == ["P04"]  # once more; P08 (two uncertain attempts) never again
    with sqlite3.connect(demo_dir / "data" / "reminders.sqlite3") as db:
        states = dict(db.execute("SELECT unit, state FROM reminders"))
    assert states == {"P04": "sent", "P08": "failed"}


def test_no_receipt_for_a_guess_until_staff_settle_it(demo_dir, cli, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    config = _receipts_on(demo_dir, port)
    typed = "UBND phường Phương Lệt"
    _respond(demo_dir, datetime(2023, 6, 28, 8, 0), typed)
    assert cli("sync", "--config", config, "--now", "2023-06-28T09:00").code == 0
    path = demo_dir / "tonghop.xlsx"
    ws = openpyxl.load_workbook(path)[H.CORRECTIONS_TAB]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == typed)
    assert row[header.index(H.CORRECTION_GUESS)].startswith("P06 - ")  # a guess, not a credit
    assert inbox.messages == []
    assert cli("sync", "--config", config, "--now", "2023-06-28T09:15").code == 0
    assert inbox.messages == []

    wb = openpyxl.load_workbook(path)
    ws = wb[H.CORRECTIONS_TAB]
    line = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == typed)
    ws.cell(line, header.index(H.CORRECTION_CODE) + 1, "P06")  # staff settle it
    wb.save(path)
    assert cli("sync", "--config", config, "--now", "2023-06-28T09:30").code == 0
    (_, msg), = _receipts(inbox)["P06"]
    assert "gửi lúc 28/06/2023 08:00" in _body(msg)


def test_no_smtp_no_receipt_claimed(demo_dir, cli):
    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Đợt thu thập"]
    col = ws.max_column + 1
    ws.cell(1, col, H.CAMPAIGN_RECEIPTS[0])
    ws.cell(4, col, "Có")
    wb.save(path)
    _respond(demo_dir, datetime(2023, 6, 28, 8, 0), "UBND phường Khương Mai")
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", "2023-06-28T09:00")
    assert result.code == 0 and "receipt" not in result.out


def test_at_most_receipts_per_cycle_then_the_rest_next_cycle(demo_dir, cli, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    config = _receipts_on(demo_dir, port)
    config.write_text(config.read_text(encoding="utf-8") + "receipts_per_cycle = 1\n",
                      encoding="utf-8")  # (appended to [reminders])
    _respond(demo_dir, datetime(2023, 6, 28, 8, 0), "UBND phường Khương Mai")
    _respond(demo_dir, datetime(2023, 6, 28, 8, 5), "UBND phường Khương Đình")
    first = cli("sync", "--config", config, "--now", "2023-06-28T09:00")
    assert "; 1 receipt, 1 next cycle" in first.out
    dry = cli("sync", "--config", config, "--now", "2023-06-28T09:00", "--dry-run", "--json")
    assert json.loads(dry.out)["receipts"] == {"claimed": 1, "next_cycle": 0}  # P08's, not sent
    assert list(_receipts(inbox)) == ["P04"]  # the older response first
    second = cli("sync", "--config", config, "--now", "2023-06-28T09:01")
    assert "; 1 receipt;" in second.out and list(_receipts(inbox)) == ["P04", "P08"]
    assert "nothing changed" in cli("sync", "--config", config, "--now", "2023-06-28T09:02").out


def test_check_says_whether_receipts_can_be_sent(demo_dir, cli, smtp_server):  # noqa: F811
    _, port = smtp_server
    config = demo_dir / "config.toml"
    plain = config.read_text(encoding="utf-8")
    _receipts_on(demo_dir, port)
    with_smtp = config.read_text(encoding="utf-8")
    ready = cli("check", "--config", config)
    assert ready.code == 0, ready.err
    assert "ok   campaign PCCC: receipts by e-mail via 127.0.0.1 to 11 of 11 units" in ready.out
    config.write_text(plain, encoding="utf-8")
    no_smtp = cli("check", "--config", config)
    assert ("note campaign PCCC asks for receipts ('Gửi xác nhận'), but no SMTP server is set"
            in no_smtp.out)
    assert with_smtp != plain


def test_the_verdict_in_plain_vietnamese():
    from datetime import timedelta

    from sync.rules.models import Status
    from sync.rules.receipts import verdict_text

    assert verdict_text(Status.ON_TIME, (), "30/06/2023 23:59", None) == "đã nhận, hợp lệ"
    assert verdict_text(Status.INCOMPLETE, ("Kiến nghị", "Số hộ: không đọc được số ('abc')"),
                        "30/06/2023 23:59", None) == (
        "đã nhận, còn thiếu: Kiến nghị; Số hộ (không đọc được số). Đề nghị đơn vị gửi bổ sung "
        "trước 30/06/2023 23:59")
    assert verdict_text(Status.INCOMPLETE, ("Kiến nghị",), "", None).endswith(
        "gửi bổ sung sớm nhất có thể")  # the deadline has passed: no date in the past
    assert verdict_text(Status.LATE, (), "", timedelta(days=2, hours=3)) == \
        "đã nhận, gửi sau hạn 2 ngày 3 giờ"


def test_an_office_folder_of_reminder_templates_still_gets_the_bundled_receipt_ones(
        demo_dir, cli, smtp_server, tmp_path):  # noqa: F811
    from sync import bundled

    inbox, port = smtp_server
    mine = tmp_path / "mau-thu"
    mine.mkdir()
    for name in ("reminder_subject.txt.j2", "reminder_body.txt.j2"):
        (mine / name).write_text(bundled.template(name).read_text(encoding="utf-8"), encoding="utf-8")
    config = _receipts_on(demo_dir, port)
    config.write_text(config.read_text(encoding="utf-8") + f"templates_dir = '{mine}'\n",
                      encoding="utf-8")
    _respond(demo_dir, datetime(2023, 6, 28, 8, 0), "UBND phường Khương Mai")
    assert cli("sync", "--config", config, "--now", "2023-06-28T09:00").code == 0
    (_, msg), = _receipts(inbox)["P04"]
    assert "Kết quả: đã nhận, hợp lệ." in _body(msg)
    # and the office's own receipt template wins once it is there
    (mine / "receipt_subject.txt.j2").write_text("Đã nhận: {{ unit.name }}", encoding="utf-8")
    (mine / "receipt_body.txt.j2").write_text("{{ verdict }} ({{ received }})", encoding="utf-8")
    _respond(demo_dir, datetime(2023, 6, 28, 9, 30), "UBND phường Khương Mai")
    assert cli("sync", "--config", config, "--now", "2023-06-28T10:00").code == 0
    msg = _receipts(inbox)["P04"][1][1]
    assert msg["Subject"] == "Đã nhận: UBND phường Khương Mai"
    assert _body(msg).strip() == "đã nhận, hợp lệ (28/06/2023 09:30)"


def test_a_late_report_for_an_earlier_period_gets_a_receipt_naming_that_period(
        demo_dir, cli, smtp_server):  # noqa: F811
    """A repeating campaign: last month's report sent late gets its receipt, said of that month
    and its deadline (not of the current period's); this month's report gets its own."""
    from .test_by_period import NOW, TAB, add_periodic_campaign

    inbox, port = smtp_server
    path = demo_dir / "tonghop.xlsx"
    add_periodic_campaign(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Đợt thu thập"]
    col = ws.max_column + 1
    ws.cell(1, col, H.CAMPAIGN_RECEIPTS[0])
    thu = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "THU")
    ws.cell(thu, col, "Có")
    wb[TAB].append(["19/06/2023 08:00:00", "UBND phường Hạ Đình", "Tháng 5/2023", "88"])  # P07
    wb[TAB].append(["19/06/2023 09:00:00", "UBND phường Khương Mai", "Tháng 6/2023", "91"])  # P04
    wb.save(path)
    config = _with_smtp(demo_dir, port, "\n[reminders]\nenabled = false\n")
    result = cli("sync", "--config", config, "--now", NOW)
    assert result.code == 0, result.err
    got = {}
    for _, msg in inbox.messages:
        campaign, unit, code = msg["X-Tonghop-Reminder"].split("/", 2)
        assert campaign == "THU" and code.startswith("receipt@")
        got[unit] = msg
    assert set(got) == {"P07", "P04"}  # the older responses are past the 72 h catch-up
    may, june = got["P07"], got["P04"]
    assert may["Subject"] == ("[Xác nhận] THU Tháng 5/2023 - UBND phường Hạ Đình: đã nhận, gửi "
                              "sau hạn 31 ngày 8 giờ")
    assert ('nội dung "Báo cáo thu ngân sách tháng" kỳ Tháng 5/2023 của đơn vị, gửi lúc '
            "19/06/2023 08:00 (hạn nộp 18/05/2023 23:59).") in _body(may)
    assert june["Subject"] == ("[Xác nhận] THU Tháng 6/2023 - UBND phường Khương Mai: đã nhận, "
                               "gửi sau hạn 9 giờ")
    assert "kỳ Tháng 6/2023 của đơn vị, gửi lúc 19/06/2023 09:00 (hạn nộp 18/06/2023 23:59)" in (
        _body(june))
    again = cli("sync", "--config", config, "--now", "2023-06-20T11:00")
    assert again.code == 0 and len(inbox.messages) == 2  # once each

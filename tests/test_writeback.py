"""Write-back on the local workbook: only owned cells change, a second run is a no-op, RAW text,
atomic saves, staff's tabs/columns/formatting survive, bad rows reported and skipped."""

from __future__ import annotations

import hashlib
from datetime import datetime

import openpyxl
from openpyxl.styles import PatternFill

from sync.backends.local import LocalWorkbookBackend
from sync.backends.xlsx_patch import XlsxPatch
from sync.config import load_config
from sync.cycle import run_cycle
from sync.rules import headers as H
from sync.rules.timeparse import parse_moment

NOW = "2023-06-20T10:00"


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sync(demo_dir, now=NOW, dry_run=False):
    config = load_config(demo_dir / "config.toml")
    backend = LocalWorkbookBackend(demo_dir / "tonghop.xlsx")
    return run_cycle(config, backend, parse_moment(now, config.tz).at, dry_run=dry_run)


def snapshot(path):
    """Every cell of every tab, by (tab, coordinate)."""
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.value is not None}


def test_second_run_changes_nothing_and_does_not_rewrite_the_file(demo_dir):
    first = sync(demo_dir)
    assert first.written and first.changed_cells > 1000
    path = demo_dir / "tonghop.xlsx"
    before, mtime = digest(path), path.stat().st_mtime_ns
    second = sync(demo_dir)
    assert not second.written and second.batches == {}
    assert digest(path) == before and path.stat().st_mtime_ns == mtime


def test_only_owned_cells_change(demo_dir):
    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb[H.ROSTER_TAB]
    ws["H1"] = "Ghi chú của phòng"  # staff's own column
    ws["H2"] = "=1+1"
    ws["A1"].fill = PatternFill("solid", start_color="FFFF00", end_color="FFFF00")
    wb.create_sheet("Ghi chép riêng")["A1"] = "của tôi"
    wb.save(path)
    before = snapshot(path)
    sync(demo_dir)
    after = snapshot(path)
    owned_tabs = {H.STATUS_TAB, H.DETAIL_TAB, H.LOG_TAB, H.CORRECTIONS_TAB, H.FIGURES_TAB,
                  "Nhắc nhở"}
    response_tabs = {c for c in {k[0] for k in before} if c.startswith("Câu trả lời")}
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    wb = openpyxl.load_workbook(path)
    for tab, coord in changed:
        if tab in owned_tabs:
            continue
        assert tab in response_tabs, (tab, coord)
        header = wb[tab][f"{''.join(ch for ch in coord if ch.isalpha())}1"].value
        assert header in (H.VERDICT_COL, H.MATCHED_COL), (tab, coord, header)
    assert wb[H.ROSTER_TAB]["H2"].value == "=1+1"  # staff's formula kept
    assert wb[H.ROSTER_TAB]["A1"].fill.start_color.rgb.endswith("FFFF00")
    assert wb["Ghi chép riêng"]["A1"].value == "của tôi"


def test_owned_columns_are_found_by_header_wherever_staff_moved_them(demo_dir):
    sync(demo_dir)
    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb[H.STATUS_TAB]
    ws.insert_cols(1)  # staff insert a column of their own in front
    ws["A1"] = "STT"
    ws["A2"] = 1
    ws.insert_rows(2)  # and an empty row under the header
    wb.save(path)
    assert sync(demo_dir).batches == {}  # same values, just moved: nothing to write
    wb = openpyxl.load_workbook(path)
    assert wb[H.STATUS_TAB]["A3"].value == 1


def test_new_response_writes_only_what_it_changes(demo_dir):
    sync(demo_dir)
    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Câu trả lời biểu mẫu 3"]
    header = [c.value for c in ws[1]]
    row = [None] * len(header)
    row[0] = datetime(2023, 6, 20, 9, 0)
    row[header.index("Tên đơn vị")] = "P. Kim Giang"
    for q in ("Số Tổ liên gia an toàn PCCC", "Số hộ tham gia", "Kết quả 6 tháng"):
        row[header.index(q)] = "5"
    ws.append(row)
    wb.save(path)
    result = sync(demo_dir)
    cells = list(result.batches[""].all_cells())
    tabs = {c.tab for c in cells}
    # the reminders tab: PCCC's group-chat message, one cell, no longer lists Kim Giang
    assert tabs == {"Câu trả lời biểu mẫu 3", H.STATUS_TAB, H.DETAIL_TAB, H.LOG_TAB, H.FIGURES_TAB,
                    "Nhắc nhở"}
    chat = [c for c in cells if c.tab == "Nhắc nhở"]
    assert len(chat) == 1 and "UBND phường Kim Giang" not in chat[0].value
    assert len([c for c in cells if c.tab == H.STATUS_TAB]) == 2  # status + submitted time
    assert len([c for c in cells if c.tab == "Câu trả lời biểu mẫu 3"]) == 2


def test_formula_like_text_is_written_as_text(demo_dir):
    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    wb[H.ROSTER_TAB]["B2"] = None
    ws = wb[H.ROSTER_TAB]
    ws.cell(row=2, column=2).value = '=IMPORTXML("http://x", "//a")'
    ws.cell(row=2, column=2).data_type = "s"
    wb.save(path)
    sync(demo_dir)
    wb = openpyxl.load_workbook(path)
    status = wb[H.STATUS_TAB]
    cell = next(c for c in status["B"] if c.value == '=IMPORTXML("http://x", "//a")')
    assert cell.data_type == "s"  # a string, not a formula
    raw = openpyxl.load_workbook(path, data_only=True)[H.STATUS_TAB][cell.coordinate].value
    assert raw == '=IMPORTXML("http://x", "//a")'


def test_atomic_save_leaves_the_old_file_on_a_crash(demo_dir, monkeypatch, cli):
    path = demo_dir / "tonghop.xlsx"
    before = digest(path)

    def crash(self, handle):
        handle.write(b"half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(XlsxPatch, "save", crash)
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", NOW)
    assert result.code == 5 and "Traceback" not in result.err
    assert "could not be saved ([Errno 28] No space left on device); it is unchanged" in result.err
    assert digest(path) == before
    assert [p.name for p in demo_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_dry_run_writes_nothing(demo_dir):
    path = demo_dir / "tonghop.xlsx"
    before = digest(path)
    result = sync(demo_dir, dry_run=True)
    assert result.batches and not result.written
    assert digest(path) == before


def test_bad_staff_rows_are_reported_and_the_rest_runs(demo_dir):
    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    roster = wb[H.ROSTER_TAB]
    roster.append(["P01", "Trùng mã", "Phường", "", "", ""])  # duplicate code
    campaigns = wb[H.CAMPAIGNS_TAB]
    campaigns["E3"] = "31/02/2023"  # unparseable deadline
    campaigns["F4"] = "Phường; Bệnh viện"  # unknown group
    campaigns.append(["X1", "Đợt lỗi", "Không có tab này", "", "", "", "", "Tên đơn vị", "", ""])
    wb.save(path)
    result = sync(demo_dir)
    messages = [str(p) for p in result.state.problems]
    dup_row = roster.max_row
    assert any(f"tab 'Đơn vị', row {dup_row}, column 'Mã đơn vị': duplicate code 'P01'" in m
               for m in messages), messages
    assert any("row 3, column 'Hạn nộp'" in m and "31/02/2023" in m for m in messages)
    assert any("row 4, column 'Đơn vị phải nộp'" in m and "Bệnh viện" in m for m in messages)
    assert any("X1 skipped" in m and "Không có tab này" in m for m in messages)
    # a deadline that cannot be read skips its campaign (fails closed), and no other
    assert any("KN75 skipped" in m and "31/02/2023" in m for m in messages)
    assert {c.code for c in result.state.campaigns} == {"NTVT", "PCCC", "NSNN"}
    log = openpyxl.load_workbook(path)[H.LOG_TAB]
    assert "duplicate code" in log.cell(row=log.max_row, column=5).value


def test_every_response_row_gets_a_verdict(demo_dir):
    sync(demo_dir)
    wb = openpyxl.load_workbook(demo_dir / "tonghop.xlsx")
    for title in [t for t in wb.sheetnames if t.startswith("Câu trả lời")]:
        ws = wb[title]
        header = [c.value for c in ws[1]]
        verdict_col = header.index(H.VERDICT_COL) + 1
        for r in range(2, ws.max_row + 1):
            if ws.cell(row=r, column=1).value is not None:
                assert ws.cell(row=r, column=verdict_col).value, (title, r)
        verdicts = {ws.cell(row=r, column=verdict_col).value for r in range(2, ws.max_row + 1)}
        assert "Không xác định được đơn vị" in verdicts


def test_saving_keeps_the_workbook_permissions(demo_dir):
    path = demo_dir / "tonghop.xlsx"
    path.chmod(0o640)
    sync(demo_dir)
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_deadline_typed_as_an_excel_date_means_the_whole_day(demo_dir):
    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb[H.CAMPAIGNS_TAB]
    ws["E2"] = datetime(2023, 6, 10)  # a date cell, as Excel makes when staff type 10/06/2023
    ws["E2"].number_format = "dd/mm/yyyy"
    wb.save(path)
    state = sync(demo_dir, dry_run=True).state
    ntvt = next(c for c in state.campaigns if c.code == "NTVT")
    assert (ntvt.deadline.day, ntvt.deadline.hour, ntvt.deadline.minute) == (10, 23, 59)


def test_tabs_the_tool_creates_have_a_frozen_bold_header(demo_dir):
    sync(demo_dir)
    wb = openpyxl.load_workbook(demo_dir / "tonghop.xlsx")
    for title in (H.STATUS_TAB, H.DETAIL_TAB, H.LOG_TAB):
        assert wb[title].freeze_panes == "A2"
        assert all(c.font.bold for c in wb[title][1] if c.value)
    assert wb[H.ROSTER_TAB].freeze_panes is None  # staff's tabs are left as they are

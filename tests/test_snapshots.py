"""Snapshots of what each sync read: written when values change, retention, history, restore into
a new tab (never over the live one)."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import openpyxl

from sync.config import Config, load_config
from sync.unattended.snapshots import list_snapshots, restore_title

NOW = "2023-06-20T10:00"
RESPONSES = "Câu trả lời biểu mẫu 1"


def _set_keep(demo_dir: Path, keep: int) -> Path:
    config = demo_dir / "config.toml"
    config.write_text(f"snapshot_keep = {keep}\n" + config.read_text(encoding="utf-8"),
                      encoding="utf-8")
    return config


def _snapshot_files(demo_dir: Path) -> list[Path]:
    return sorted((demo_dir / "data" / "snapshots" / "control").glob("*.json.gz"))


def _add_response(workbook: Path, name: str) -> None:
    wb = openpyxl.load_workbook(workbook)
    wb[RESPONSES].append([datetime(2023, 6, 9, 8, 0), "", name, "Người nộp", "0912345678",
                          3, "Bài 1; Bài 2", "", "Cá nhân | A | B | Giấy khen | C"])
    wb.save(workbook)


def test_a_snapshot_is_kept_when_the_values_change_and_only_then(demo_dir, cli):
    config = demo_dir / "config.toml"
    cli("sync", "--config", config, "--now", NOW)
    files = _snapshot_files(demo_dir)
    assert [f.name[:16] for f in files] == ["20230620T030000Z"]  # UTC
    data = json.loads(gzip.decompress(files[0].read_bytes()))
    assert data["format"] == "tonghop-snapshot/1" and data["ref"] == ""
    responses = data["tabs"][RESPONSES]
    assert responses[0][0] == "Dấu thời gian"
    # Real datetimes survive, tagged; text timestamps typed by hand stay text.
    assert any(isinstance(row[0], dict) and "$datetime" in row[0] for row in responses[1:])
    assert any(isinstance(row[0], str) for row in responses[1:])

    cli("sync", "--config", config, "--now", "2023-06-20T10:05")  # reads what the first wrote:
    cli("sync", "--config", config, "--now", "2023-06-20T10:10")  # the tool's own cells are no
    assert len(_snapshot_files(demo_dir)) == 1  # change of staff's: no snapshot
    _add_response(demo_dir / "tonghop.xlsx", "Đơn vị thử")  # a real change: one snapshot
    cli("sync", "--config", config, "--now", "2023-06-20T10:15")
    cli("sync", "--config", config, "--now", "2023-06-20T10:20")
    assert len(_snapshot_files(demo_dir)) == 2


def test_retention_keeps_the_newest_n(demo_dir, cli):
    config = _set_keep(demo_dir, 2)
    for i, minute in enumerate(("00", "10", "20", "30")):
        _add_response(demo_dir / "tonghop.xlsx", f"Đơn vị thử {i}")
        assert cli("sync", "--config", config, "--now", f"2023-06-20T10:{minute}").code == 0
    names = [f.name[:16] for f in _snapshot_files(demo_dir)]
    assert names == ["20230620T032000Z", "20230620T033000Z"]


def test_history_lists_snapshots_with_local_times(demo_dir, cli):
    config = demo_dir / "config.toml"
    assert "no snapshots yet" in cli("history", "--config", config).out
    cli("sync", "--config", config, "--now", NOW)
    _add_response(demo_dir / "tonghop.xlsx", "Đơn vị thử")  # a real change: a second snapshot
    cli("sync", "--config", config, "--now", "2023-06-20T10:05")
    result = cli("history", "--config", config)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["snapshot", "taken", "at", "size", "spreadsheet"]
    assert lines[1].startswith("control/20230620T030000Z-") and "20/06/2023 10:00" in lines[1]
    assert lines[2].startswith("control/20230620T030500Z-") and "20/06/2023 10:05" in lines[2]
    assert lines[1].endswith("control spreadsheet")

    shown = cli("history", "--config", config, "--show", "control/20230620T0300")
    assert f"  {RESPONSES}" in shown.out and "79 rows" in shown.out


def test_deleted_responses_come_back_in_a_new_tab(demo_dir, cli):
    config = demo_dir / "config.toml"
    workbook = demo_dir / "tonghop.xlsx"
    original = [list(r) for r in openpyxl.load_workbook(workbook)[RESPONSES].iter_rows(
        values_only=True)]
    cli("sync", "--config", config, "--now", NOW)

    # A clerk deletes rows by mistake; the next sync snapshots the damaged tab too.
    wb = openpyxl.load_workbook(workbook)
    wb[RESPONSES].delete_rows(2, 40)
    wb.save(workbook)
    cli("sync", "--config", config, "--now", "2023-06-20T11:00")
    live_before = [list(r) for r in openpyxl.load_workbook(workbook)[RESPONSES].iter_rows(
        values_only=True)]

    result = cli("restore", "--config", config, "--snapshot", "20230620T0300", "--tab", RESPONSES)
    assert result.code == 0, result.err
    title = restore_title(RESPONSES, datetime.fromisoformat("2023-06-20T03:00:00+00:00"),
                          load_config(config), 31)
    assert f"restored 79 rows of '{RESPONSES}'" in result.out and f"'{title}'" in result.out
    assert len(title) <= 31  # Excel's limit on the local workbook

    wb = openpyxl.load_workbook(workbook)
    restored = [list(r) for r in wb[title].iter_rows(values_only=True)]
    live_after = [list(r) for r in wb[RESPONSES].iter_rows(values_only=True)]
    assert live_after == live_before  # the live tab is untouched
    assert len(restored) == len(original)
    for got, want in zip(restored, original, strict=True):
        want = [v.strftime("%d/%m/%Y" if v.time() == datetime.min.time() else "%d/%m/%Y %H:%M:%S")
                if isinstance(v, datetime) else v for v in want]  # the reader gives midnight as a date
        assert got[:len(want)] == want  # dates as day-first text; the rest exactly
    # A formula-looking answer comes back as text, never as a live formula.
    assert any(isinstance(v, str) and v.startswith("=HYPERLINK") for row in restored for v in row)
    assert wb[title]["A1"].data_type == "s"

    again = cli("restore", "--config", config, "--snapshot", "20230620T0300", "--tab", RESPONSES)
    assert again.code == 2
    assert f"already has a tab '{title}'" in again.err


def test_restore_explains_a_wrong_tab_or_snapshot(demo_dir, cli):
    config = demo_dir / "config.toml"
    cli("sync", "--config", config, "--now", NOW)
    no_tab = cli("restore", "--config", config, "--snapshot", "control/2023", "--tab", "Sheet9")
    assert no_tab.code == 2 and "has no tab 'Sheet9' (tabs: 'Đơn vị'" in no_tab.err
    missing = cli("restore", "--config", config, "--snapshot", "control/2023")
    assert missing.code == 2 and "--tab is required" in missing.err
    unknown = cli("restore", "--config", config, "--snapshot", "1999", "--tab", RESPONSES)
    assert unknown.code == 2 and "history" in unknown.err


def test_restore_titles_fit_each_backend():
    config = Config(path=Path("/nonexistent/config.toml"))  # defaults: Asia/Ho_Chi_Minh
    when = datetime.fromisoformat("2023-06-20T03:00:00+00:00")
    assert restore_title(RESPONSES, when, config, 100) == (
        "Khôi phục Câu trả lời biểu mẫu 1 20-06-2023 10h00")
    short = restore_title(RESPONSES, when, config, 31)
    assert len(short) == 31 and short.endswith(" 20-06-2023 10h00") and short.startswith("KP ")
    assert restore_title("a/b:c", when, config, 100) == "Khôi phục a-b-c 20-06-2023 10h00"


def test_snapshot_ids_are_listed_oldest_first(demo_dir, cli):
    config = demo_dir / "config.toml"
    cli("sync", "--config", config, "--now", "2023-06-20T10:05")
    _add_response(demo_dir / "tonghop.xlsx", "Đơn vị thử")  # a real change
    cli("sync", "--config", config, "--now", "2023-06-20T10:10")
    found = list_snapshots(load_config(config))
    assert [s.taken_at.minute for s in found] == [5, 10]


def test_restore_through_either_backend(workspace, cli):
    config = workspace.config_path
    cli("sync", "--config", config, "--now", NOW)
    snapshot = list_snapshots(load_config(config))[0]
    result = cli("restore", "--config", config, "--snapshot", snapshot.id, "--tab", RESPONSES)
    assert result.code == 0, result.err
    limit = 31 if workspace.kind == "local" else 100
    title = restore_title(RESPONSES, snapshot.taken_at, load_config(config), limit)
    assert title in workspace.tab_titles()
    restored = workspace.values(title)
    assert len(restored) == 80  # header + 79 responses
    assert restored[0][:3] == ["Dấu thời gian", "Địa chỉ email", "Tên đơn vị"]
    assert any(isinstance(v, str) and v.startswith("=HYPERLINK") for row in restored for v in row)


def test_the_tools_columns_leave_no_trace_in_what_a_snapshot_hashes(tmp_path):
    """Before the tool's first write a row ends at its last answer; after it, an optional last
    answer left empty sits before the verdict columns. Both are the same staff data."""
    from sync.rules import headers as H
    from sync.unattended.snapshots import staff_part

    config = Config(path=tmp_path / "config.toml")
    before = {"Form": [["Dấu thời gian", "Tên đơn vị", "Ghi chú"], ["01/06/2023", "P01"]]}
    after = {"Form": [["Dấu thời gian", "Tên đơn vị", "Ghi chú", H.VERDICT_COL, H.MATCHED_COL],
                      ["01/06/2023", "P01", "", "Hợp lệ", "P01 - UBND phường Nhân Chính"]]}
    assert staff_part(before, config) == staff_part(after, config)
    typed = {"Form": [after["Form"][0], ["01/06/2023", "P01", "xem lại", "Hợp lệ", ""]]}
    assert staff_part(typed, config) != staff_part(before, config)

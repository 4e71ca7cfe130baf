"""The fault matrix's later rows (issue 19): a full disk at any free space, merged cells over the
tool's cells, a broken office among several, tab names Excel refuses, a workbook outside the
config's folder, groups with commas, restore, future timestamps, writes of the changed runs.
A scenario that writes compares staff's cells before and after (tests/staffcells.py); one that
must write nothing compares the file's bytes."""

from __future__ import annotations

import errno
import io
import os
import sqlite3
import subprocess

import pytest

from sync.unattended import job, ledger, lock
from tests.staffcells import changed_staff_cells, fault, staff_cells

NOW = "2023-06-20T10:00"
FREE_SPACE = "free some space"


def tabs_of(ws) -> dict[str, list[list]]:
    """Every tab of the workspace's control book, as read back (local workbook or the fake)."""
    return {t: ws.values(t) for t in ws.tab_titles()}


def enospc(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class FullFile(io.StringIO):
    """A text file on a full disk: writes are buffered, flushing and closing fail."""

    def flush(self):
        enospc()

    def close(self):
        super().close()
        enospc()


def one_error_line(err: str) -> str:
    assert "Traceback" not in err and "Logging error" not in err, err
    lines = [line for line in err.splitlines() if FREE_SPACE in line]
    assert len(lines) == 1, err
    others = [line for line in err.splitlines() if line not in lines]
    assert all("cannot write the log" in line for line in others), err
    return lines[0]


@pytest.fixture
def log_on_a_full_disk(monkeypatch):
    """The log file opens (an inode is free) but nothing written to it reaches the disk."""
    monkeypatch.setattr(job.QuietFileHandler, "_open", lambda self: FullFile())


def test_a_disk_full_at_zero_bytes_is_exit_5_and_one_line(demo_dir, cli, monkeypatch,
                                                           log_on_a_full_disk):
    real_open = open

    def lock_file(path, *args, **kwargs):
        return FullFile() if str(path).endswith(lock.LOCK_NAME) else real_open(path, *args, **kwargs)
    monkeypatch.setattr(lock, "open", lock_file, raising=False)
    fault(2)
    path = demo_dir / "tonghop.xlsx"
    before = path.read_bytes()
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", NOW)
    assert result.code == 5, result.err
    line = one_error_line(result.err)
    assert "no space left on the disk" in line and lock.LOCK_NAME in line, line
    assert path.read_bytes() == before
    monkeypatch.undo()  # the lock was released: the next sync runs
    assert cli("sync", "--config", demo_dir / "config.toml", "--now", NOW).code == 0


def test_a_log_that_cannot_be_closed_is_not_a_traceback(demo_dir, cli, log_on_a_full_disk):
    fault()
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", NOW)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err and result.err.count("cannot write the log") == 1


def test_a_full_disk_at_the_ledger_is_not_a_corrupt_ledger(demo_dir, cli, monkeypatch):
    """A few KB free: the lock and the snapshot fit, SQLite's journal does not."""
    def full(*_args, **_kwargs):
        err = sqlite3.OperationalError("database or disk is full")
        err.sqlite_errorcode = sqlite3.SQLITE_FULL
        raise err
    monkeypatch.setattr(ledger.Ledger, "claim", full)
    fault()
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", NOW)
    assert result.code == 5, result.err
    line = one_error_line(result.err)
    assert "aside" not in line and "database or disk is full" in line


def test_a_full_disk_when_the_ledger_opens_is_not_a_corrupt_ledger(demo_dir, cli, monkeypatch):
    real_connect = sqlite3.connect

    class Full:
        def __init__(self, *args, **kwargs):
            self.db = real_connect(":memory:")

        def execute(self, sql, *args):
            if sql.startswith("PRAGMA"):
                return self.db.execute(sql, *args)
            err = sqlite3.OperationalError("database or disk is full")
            err.sqlite_errorcode = sqlite3.SQLITE_FULL
            raise err

        executescript = execute

        def close(self):
            self.db.close()
    monkeypatch.setattr(ledger.sqlite3, "connect", Full)
    fault()
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", NOW)
    assert result.code == 5, result.err
    assert "aside" not in one_error_line(result.err)


def test_sqlite_rolling_back_a_full_transaction_itself_keeps_the_full_disk_error(tmp_path):
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = sqlite3.SQLITE_FULL
    with ledger.Ledger.open(tmp_path / "reminders.sqlite3") as book, \
            pytest.raises(sqlite3.OperationalError) as raised, book._transaction():
        book.db.execute("ROLLBACK")  # what SQLite does itself on SQLITE_FULL
        raise full
    assert raised.value is full


@pytest.mark.parametrize("point", ["fsync", "replace"])
def test_a_full_disk_at_the_save_is_exit_5_and_one_line(demo_dir, cli, monkeypatch, point):
    from sync.backends import files

    real = getattr(os, point)

    def full_for_the_workbook(*args, **kwargs):
        if point == "replace" and str(args[1]).endswith("tonghop.xlsx"):
            enospc()
        if point == "fsync" and os.path.basename(os.readlink(f"/proc/self/fd/{args[0]}")
                                                ).startswith(".tonghop.xlsx"):
            enospc()
        return real(*args, **kwargs)
    if point == "fsync" and not os.path.exists("/proc/self/fd"):
        pytest.skip("needs /proc to tell the workbook's file descriptor")
    monkeypatch.setattr(files.os, point, full_for_the_workbook)
    fault()
    path = demo_dir / "tonghop.xlsx"
    before = path.read_bytes()
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", NOW)
    assert result.code == 5, result.err
    one_error_line(result.err)
    assert path.read_bytes() == before
    assert [p.name for p in demo_dir.iterdir() if p.name.endswith(".tmp")] == []


TINY = "/tmp/tonghop-tinyfs"


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 512 KB tmpfs (Linux, root only): the data folder on a disk that really fills."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on Linux")
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace')}")
    try:
        yield mount
    finally:
        done = subprocess.run(["umount", str(mount)], capture_output=True)
        if done.returncode:  # busy: detach it now, the kernel frees it when the last file closes
            subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk, free_kb: int) -> None:
    """Fill ``disk`` with a file, then give back ``free_kb``."""
    filler = disk / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while os.write(handle, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(handle)
    os.truncate(filler, max(0, filler.stat().st_size - free_kb * 1024))


def test_a_real_full_disk_is_exit_5_and_one_line_at_any_free_space(demo_dir, cli, tiny_disk):
    """Every 4 KB from 0 to 96: with the demo, the lock (0), the snapshot, SQLite's journal and
    SQLite's own rollback (~60) meet the full disk in turn; from ~70 KB the cycle fits."""
    config = demo_dir / "config.toml"
    data = tiny_disk / "data"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'data_dir = "data"', f'data_dir = "{data}"'), encoding="utf-8")
    path = demo_dir / "tonghop.xlsx"
    before = path.read_bytes()
    codes = {}
    for free_kb in range(0, 100, 4):
        for old in tiny_disk.iterdir():
            subprocess.run(["rm", "-rf", str(old)], check=True)
        data.mkdir()
        fill(tiny_disk, free_kb)
        fault()
        result = cli("sync", "--config", config, "--now", NOW)
        codes[free_kb] = result.code
        if result.code == 5:
            one_error_line(result.err)
            assert path.read_bytes() == before
        else:
            assert result.code == 0, (free_kb, result.err)
            path.write_bytes(before)
    assert codes[0] == 5 and codes[96] == 0 and sum(c == 5 for c in codes.values()) >= 5, codes


# --- merged cells over the tool's cells settle ---------------------------------------------------
def merge_over_a_status_cell(ws) -> str:
    """Staff merge two cells of a campaign's status column (rows 4-5); returns the range."""
    import gspread
    import openpyxl

    from sync.rules import headers as H
    from sync.rules.book import column_letters

    header = ws.values(H.STATUS_TAB)[0]
    col = header.index(next(h for h in header if h and str(h).startswith("PCCC"))) + 1
    span = f"{column_letters(col)}4:{column_letters(col)}5"
    fault()
    if ws.fake is None:
        path = ws.dir / "tonghop.xlsx"
        wb = openpyxl.load_workbook(path)
        wb[H.STATUS_TAB].merge_cells(span)
        wb.save(path)
        return span
    book = gspread.Client(None, ws.fake.session()).open_by_key(ws.spreadsheet_id)
    book.batch_update({"requests": [{"mergeCells": {"mergeType": "MERGE_ALL", "range": {
        "sheetId": book.worksheet(H.STATUS_TAB).id, "startRowIndex": 3, "endRowIndex": 5,
        "startColumnIndex": col - 1, "endColumnIndex": col}}}]})
    # Google clears the cells a merge covers (the fake keeps them for now)
    ws.fake.set_values(ws.spreadsheet_id, H.STATUS_TAB, f"{column_letters(col)}5", [[""]])
    return span


def test_merged_cells_over_tool_cells_settle(workspace, cli):
    from sync.rules import headers as H

    ws = workspace
    config = str(ws.config_path)
    assert cli("sync", "--config", config, "--now", NOW).code == 0
    span = merge_over_a_status_cell(ws)
    result = cli("sync", "--config", config, "--now", NOW)
    assert result.code == 0 and f"merged range {span} covers it; unmerge it" in result.err
    log_rows = len(ws.values(H.LOG_TAB))
    staff = staff_cells(tabs_of(ws))
    before = ws.fingerprint()
    if ws.fake is not None:
        ws.fake.reset_counts()
    result = cli("sync", "--config", config, "--now", NOW)
    assert result.code == 0 and f"merged range {span} covers it; unmerge it" in result.err
    assert len(ws.values(H.LOG_TAB)) == log_rows  # no log row for a cell it cannot write
    assert ws.fingerprint() == before and changed_staff_cells(staff, tabs_of(ws)) == []
    if ws.fake is not None:
        assert not any(r.applied for r in ws.fake.requests)
    else:
        stamp = (ws.dir / "tonghop.xlsx").stat().st_mtime_ns
        result = cli("sync", "--config", config, "--now", NOW)
        assert "unchanged since" in result.out, result.out  # settled: the next one is skipped
        assert (ws.dir / "tonghop.xlsx").stat().st_mtime_ns == stamp


# --- one broken office among several -------------------------------------------------------------
def offices_dir(demo_template, tmp_path, names):
    import shutil

    for name in names:
        shutil.copytree(demo_template, tmp_path / name)
    return [tmp_path / name / "config.toml" for name in names]


def test_a_broken_office_is_reported_and_the_healthy_ones_keep_syncing(demo_template, tmp_path):
    from datetime import timedelta

    from sync.unattended import reloads
    from sync.unattended.fleet import Fleet
    from sync.unattended.quota import Quotas
    from tests.test_fleet import START, SimTime

    a, b, c = offices_dir(demo_template, tmp_path, ["a", "b", "c"])
    b.write_text(b.read_text(encoding="utf-8") + "\n[backend\n", encoding="utf-8")  # not TOML
    c.write_text(c.read_text(encoding="utf-8").replace("[backend]", "[backend]\nwrokbook = 1"),
                 encoding="utf-8")
    fault(2)
    time = SimTime(until=START + timedelta(minutes=31))
    out = io.StringIO()
    offices = reloads.ReloadingOffices(Quotas(time.seconds, time.sleep)).add([a, b, c], time())
    offices.report(out, time())
    assert [o.name for o in offices.broken()] == ["b/config", "c/config"]
    start = out.getvalue()
    assert f"b/config: {b}: not valid TOML" in start and "does not sync until" in start
    assert f"c/config: {c}: unknown key 'backend.wrokbook' in [backend]" in start
    healthy_b = b.read_text(encoding="utf-8").replace("\n[backend\n", "\n")

    def sleep(seconds):  # staff fix b a quarter of an hour in, and break a
        time.sleep(seconds)
        if time.now >= START + timedelta(minutes=14) and "wrokbook" not in a.read_text(encoding="utf-8"):
            b.write_text(healthy_b, encoding="utf-8")
            a.write_text(a.read_text(encoding="utf-8").replace("[backend]", "[backend]\nwrokbook = 1"),
                         encoding="utf-8")
            fault(2)
    with offices.logging():
        fleet = Fleet(offices.offices, time, out, sleep=sleep, inline=True,
                      office_scope=offices.scope)
        time.fleet = fleet
        assert fleet.run() == 0
        assert [o.name for o in offices.broken()] == ["a/config", "c/config"]
    text = out.getvalue()
    # a at 08:00 (synced) and 08:15 (its config now broken), b at 08:05 (broken) and 08:20 (fixed)
    assert [o.cycles for o in offices.offices] == [3, 2, 2]
    assert " a/config: sync: sync 2023-06-20T08:00" in text
    assert " b/config: sync failed: " in text and " b/config: sync: sync 2023-06-20T08:20" in text
    assert f" a/config: sync failed: {a}: unknown key 'backend.wrokbook'" in text
    assert text.count(" c/config: sync failed: ") == 2  # at each of its slots
    logs = {n: tmp_path / n / "data" / "logs" / "tonghop.log" for n in "abc"}
    assert logs["b"].read_text(encoding="utf-8").count("INFO sync.unattended.job: sync 2023-06-20T08:20") == 1
    assert "08:20" not in logs["a"].read_text(encoding="utf-8")


def test_two_offices_sharing_a_data_folder_the_second_is_broken(demo_template, tmp_path):
    from sync.unattended import reloads
    from sync.unattended.quota import Quotas
    from tests.test_fleet import START, SimTime

    a, b = offices_dir(demo_template, tmp_path, ["a", "b"])
    b.write_text(b.read_text(encoding="utf-8").replace('data_dir = "data"',
                                                       f"data_dir = '{a.parent / 'data'}'"), encoding="utf-8")
    time = SimTime(START)
    out = io.StringIO()
    offices = reloads.ReloadingOffices(Quotas(time.seconds, time.sleep)).add([a, b], time())
    offices.report(out, time())
    assert [o.name for o in offices.broken()] == ["b/config"]
    assert "'data_dir'" in out.getvalue() and "also the data folder of a/config" in out.getvalue()


def test_run_with_a_broken_office_exits_3_when_stopped_and_all_broken_at_once(demo_template,
                                                                                 tmp_path, cli):
    import signal
    import subprocess
    import sys
    from pathlib import Path

    a, b = offices_dir(demo_template, tmp_path, ["a", "b"])
    b.write_text("[backend\n", encoding="utf-8")
    fault()
    process = subprocess.Popen(
        [sys.executable, "main.py", "run", "--config", str(a), "--config", str(b)],
        cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        assert lines[0].startswith("tonghop run: 2 offices (a/config, b/config)"), lines
        assert f"b/config: {b}: not valid TOML" in lines[1], lines
        assert " a/config: sync: sync " in lines[2], lines
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 3, (out, err)
    assert "1 of 2 offices broken" in out
    a.write_text("[backend\n", encoding="utf-8")
    result = cli("run", "--config", a, "--config", b)
    assert result.code == 3 and "no office can run" in result.err
    assert f"{a}: not valid TOML" in result.out and f"{b}: not valid TOML" in result.out


# --- tool tab names Excel and Google refuse ------------------------------------------------------
@pytest.mark.parametrize(("name", "reason"), [
    ("Nhắc/nhở", "'/'"), ("Nhắc\\\\nhở", "'\\\\'"), ("Nhắc nhở?", "'?'"), ("Nhắc*", "'*'"),
    ("[Nhắc nhở]", "'['"), ("Nhắc: nhở", "':'"),
    ("Nhắc nhở các đơn vị chưa nộp báo cáo", "longer than 31"),
    ("History", "reserved"), ("history", "reserved"), ("   ", "empty"),
    ("'Nhắc nhở", "apostrophe"), ("Nhắc nhở'", "apostrophe"),
])
def test_a_tool_tab_name_excel_or_google_refuse_is_a_config_error(demo_dir, cli, name, reason):
    config = demo_dir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'\n[tabs]\nreminders = "{name}"\n',
                      encoding="utf-8")
    fault()
    before = (demo_dir / "tonghop.xlsx").read_bytes()
    for command in ("check", "sync"):
        result = cli(command, "--config", config, "--now", NOW) if command == "sync" \
            else cli(command, "--config", config)
        assert result.code == 3, result.err
        assert f"{config}: 'tabs.reminders'" in result.err and reason in result.err, result.err
        assert "Traceback" not in result.err
    assert (demo_dir / "tonghop.xlsx").read_bytes() == before


def test_tool_tab_names_at_the_limits_are_accepted(demo_dir, cli):
    config = demo_dir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + '\n[tabs]\nreminders = "Nhắc nhở các đơn vị chưa nộp bc"\n'
                      + "log = \"Nhật ký 'đồng bộ'x\"\nfigures = \"Lịch sử (History)\"\n",
                      encoding="utf-8")
    result = cli("sync", "--config", config, "--now", NOW)
    assert result.code == 0, result.err
    import openpyxl
    titles = openpyxl.load_workbook(demo_dir / "tonghop.xlsx", read_only=True).sheetnames
    assert "Nhắc nhở các đơn vị chưa nộp bc" in titles


# --- a campaign's workbook outside the config's folder -------------------------------------------
def point_campaign_at(demo_dir, workbook) -> None:
    import openpyxl

    from sync.rules import headers as H

    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb[H.CAMPAIGNS_TAB]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index(H.CAMPAIGN_SPREADSHEET[0]) + 1).value = str(workbook)
    wb.save(path)


def test_a_campaign_workbook_outside_the_config_folder_is_refused_unless_allowed(demo_dir, cli,
                                                                                 tmp_path):
    import shutil

    other = tmp_path / "another-office"
    other.mkdir()
    target = other / "tonghop.xlsx"
    shutil.copy(demo_dir / "tonghop.xlsx", target)
    point_campaign_at(demo_dir, target)
    fault()
    before = target.read_bytes()
    config = demo_dir / "config.toml"
    result = cli("sync", "--config", config, "--now", NOW)
    assert result.code == 0, result.err
    assert f"lies outside {demo_dir}" in result.err and "workbook_folders" in result.err
    assert "skipped" in result.err
    assert target.read_bytes() == before  # not one cell written into another office's workbook
    relative = demo_dir / "sub" / ".." / ".." / "another-office" / "tonghop.xlsx"
    point_campaign_at(demo_dir, os.path.relpath(relative, demo_dir))
    result = cli("sync", "--config", config, "--now", NOW)
    assert f"lies outside {demo_dir}" in result.err and target.read_bytes() == before
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('workbook = "tonghop.xlsx"',
                                   f'workbook = "tonghop.xlsx"\nworkbook_folders = ["{other}"]'),
                      encoding="utf-8")
    result = cli("sync", "--config", config, "--now", NOW)
    assert result.code == 0 and "lies outside" not in result.err, result.err
    assert target.read_bytes() != before  # allowed by name: its tool columns are written


def test_a_campaign_workbook_through_a_symlink_out_of_the_folder_is_refused(demo_dir, cli, tmp_path):
    import shutil

    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy(demo_dir / "tonghop.xlsx", other / "forms.xlsx")
    (demo_dir / "forms.xlsx").symlink_to(other / "forms.xlsx")
    point_campaign_at(demo_dir, "forms.xlsx")
    before = (other / "forms.xlsx").read_bytes()
    fault()
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", NOW)
    assert "lies outside" in result.err and (other / "forms.xlsx").read_bytes() == before


# --- a roster group with a comma in its name -----------------------------------------------------
@pytest.mark.parametrize(("targets", "groups"), [
    ("Phòng, ban", {"Phòng, ban"}),
    ("Phòng, ban; Phường", {"Phòng, ban", "Phường"}),
    ("Phòng, ban, Phường", {"Phòng, ban", "Phường"}),
    ("Phường, Phòng, ban", {"Phòng, ban", "Phường"}),
    ("Phường,Phòng,ban; Trường", {"Phòng, ban", "Phường", "Trường"}),
    ("Sở, ngành, Phường", {"Sở, ngành", "Phường"}),
])
def test_a_group_whose_name_has_a_comma_can_be_targeted(demo_dir, targets, groups):
    import openpyxl

    from sync.backends.local import LocalWorkbookBackend
    from sync.config import load_config
    from sync.cycle import read_state
    from sync.rules import headers as H
    from sync.rules.evaluate import expected_units
    from sync.rules.timeparse import parse_moment

    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    roster = wb[H.ROSTER_TAB]
    for row in roster.iter_rows(min_row=2):
        if row[2].value == "Phòng ban":
            row[2].value = "Phòng, ban"
        elif row[2].value == "Ngành dọc":
            row[2].value = "Sở, ngành"
    campaigns = wb[H.CAMPAIGNS_TAB]
    header = [c.value for c in campaigns[1]]
    campaigns.cell(row=4, column=header.index(H.CAMPAIGN_TARGETS[0]) + 1).value = targets
    wb.save(path)
    fault()
    config = load_config(demo_dir / "config.toml")
    state = read_state(config, LocalWorkbookBackend(path), parse_moment(NOW, config.tz).at)
    assert not [p for p in state.problems if p.column == H.CAMPAIGN_TARGETS[0]], state.problems
    campaign = next(c for c in state.campaigns if c.code == "PCCC")
    assert {u.group for u in expected_units(campaign, state.units)} == groups


def test_a_target_that_is_no_group_is_still_named(demo_dir):
    import openpyxl

    from sync.backends.local import LocalWorkbookBackend
    from sync.config import load_config
    from sync.cycle import read_state
    from sync.rules import headers as H
    from sync.rules.timeparse import parse_moment

    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    campaigns = wb[H.CAMPAIGNS_TAB]
    header = [c.value for c in campaigns[1]]
    campaigns.cell(row=4, column=header.index(H.CAMPAIGN_TARGETS[0]) + 1).value = "Phường, Phòng xa"
    wb.save(path)
    config = load_config(demo_dir / "config.toml")
    state = read_state(config, LocalWorkbookBackend(path), parse_moment(NOW, config.tz).at)
    named = [p.message for p in state.problems if p.column == H.CAMPAIGN_TARGETS[0]]
    assert len(named) == 1 and "'Phòng xa' is neither a group nor a unit code" in named[0]


# --- restore keeps types and names the tab as its help says --------------------------------------
def test_restore_keeps_whole_numbers_and_names_the_tab_as_its_help_says(workspace, cli):
    from sync.commands import restore
    from sync.config import load_config
    from sync.unattended.snapshots import list_snapshots

    responses = "Câu trả lời biểu mẫu 1"
    config = workspace.config_path
    assert cli("sync", "--config", config, "--now", NOW).code == 0
    live = workspace.values(responses)
    wholes = [(r, c) for r, row in enumerate(live) for c, v in enumerate(row)
              if c > 0 and type(v) is int and not isinstance(v, bool)]  # column A: timestamps
    snapshot = list_snapshots(load_config(config))[0]
    titles = set(workspace.tab_titles())
    result = cli("restore", "--config", config, "--snapshot", snapshot.id, "--tab", responses)
    assert result.code == 0, result.err
    [title] = set(workspace.tab_titles()) - titles
    if workspace.kind == "google":  # room for the long form
        assert title == f"Khôi phục {responses} 20-06-2023 10h00", title
    else:  # 31 characters at most in an .xlsx: the short form the help gives
        assert title.startswith("KP ") and len(title) <= 31 and title.endswith(" 20-06-2023 10h00")
    assert '"Khôi phục <tab> <dd-mm-yyyy HHhMM>"' in restore.__doc__
    assert '"KP <tab> <dd-mm-yyyy HHhMM>"' in restore.__doc__
    restored = workspace.values(title)
    wrong = [(r, c, restored[r][c], live[r][c]) for r, c in wholes
             if type(restored[r][c]) is not int or restored[r][c] != live[r][c]]
    assert wholes and not wrong, wrong[:5]


def test_restore_usage_shows_tab_as_required(cli):
    result = cli("restore", "--help")
    usage = result.out.split("\n\n")[0]
    assert "--tab NAME" in usage and "[--tab NAME]" not in usage, usage


# --- a timestamp in the future -------------------------------------------------------------------
@pytest.mark.parametrize("stamp", ["2099-01-01 08:00", "2023-08-30 08:00", "2023-06-21 08:00"])
def test_a_future_timestamp_reads_as_the_readme_says(workspace, cli, stamp):
    from datetime import datetime

    from sync.rules import headers as H

    responses = "Câu trả lời biểu mẫu 1"
    at = datetime.fromisoformat(stamp)
    row = [at, "", "Phòng Tư pháp", "Người nộp", "0912345678", 3, "Bài 1", "", ""]
    if workspace.fake is None:
        import openpyxl

        path = workspace.dir / "tonghop.xlsx"
        wb = openpyxl.load_workbook(path)
        wb[responses].append(row)
        wb.save(path)
    else:
        from zoneinfo import ZoneInfo

        from sync.rules.timeparse import to_serial

        n = len(workspace.values(responses)) + 1
        serial = to_serial(at.replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), ZoneInfo("Asia/Ho_Chi_Minh"))
        workspace.fake.set_values(workspace.spreadsheet_id, responses, f"A{n}", [[serial] + row[1:]])
    fault()
    staff = staff_cells(tabs_of(workspace))
    result = cli("sync", "--config", workspace.config_path, "--now", NOW)
    assert result.code == 0, result.err
    assert changed_staff_cells(staff, tabs_of(workspace)) == []
    tab = workspace.values(responses)
    verdict = tab[0].index(H.VERDICT_COL)
    assert tab[-1][verdict] == "Gửi sau thời điểm tổng hợp, chưa tính", tab[-1]


# --- a change's write carries the changed runs only ----------------------------------------------
@pytest.fixture
def fake_session(monkeypatch):
    from sync.backends import google
    from tests.fakesheets import FakeGoogle

    fake = FakeGoogle()
    monkeypatch.setattr(google, "session_factory", lambda credentials, timeout: fake.session())
    yield fake
    fake.assert_clean()


def big_forms_tab(cli, fake_session, tmp_path, key, rows):
    from tests.test_google_backend import FORMS_TAB, forms_setup

    config, control, forms = forms_setup(fake_session, tmp_path, key, rows)
    assert cli("sync", "--config", config, "--now", NOW).code == 0
    return config, forms, FORMS_TAB


def new_response(fake, forms, tab):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import gspread

    from sync.rules.timeparse import to_serial

    n = len(fake.values(forms, tab)) + 1
    gspread.Client(None, fake.session()).open_by_key(forms).worksheet(tab).add_rows(1)  # Forms does
    at = to_serial(datetime(2023, 6, 20, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
                   ZoneInfo("Asia/Ho_Chi_Minh"))
    fake.set_values(forms, tab, f"A{n}", [[at, "pcvh@x.vn", "Phòng Văn hóa và Thông tin", "Có"]])
    return n


def values_bytes(fake, sid):
    return sum(len(r.body) for r in fake.requests if r.spreadsheet_id == sid
               and r.endpoint == "values.batchUpdateByDataFilter")


def test_one_new_row_on_a_long_tab_sends_its_runs_not_the_column(cli, fake_session, tmp_path,
                                                                  service_account_key):
    from sync.rules import headers as H

    fake = fake_session
    config, forms, tab = big_forms_tab(cli, fake, tmp_path, service_account_key, 5000)
    row = new_response(fake, forms, tab)
    fault()
    staff = staff_cells({tab: fake.values(forms, tab)})
    fake.reset_counts()
    assert cli("sync", "--config", config, "--now", NOW).code == 0
    assert changed_staff_cells(staff, {tab: fake.values(forms, tab)}) == []
    sent = values_bytes(fake, forms)
    assert sent < 3000, sent  # the run of one row, and the columns located: not 5,000 nulls
    values = fake.values(forms, tab)
    header = values[0]
    assert values[row - 1][header.index(H.VERDICT_COL)] and values[row - 1][header.index(H.MATCHED_COL)]
    assert len(values) == row
    fake.reset_counts()  # and the write is the one a full rewrite would make: nothing left to do
    assert "nothing changed" in cli("sync", "--config", config, "--now", NOW).out


def test_the_runs_follow_a_column_staff_insert_before_the_write(fake_session, tmp_path, cli,
                                                                service_account_key):
    import gspread

    from sync.backends import open_backend
    from sync.config import load_config
    from sync.cycle import apply_writes, plan_writes, read_state
    from sync.rules import headers as H
    from sync.rules.timeparse import parse_moment

    fake = fake_session
    config_path, forms, tab = big_forms_tab(cli, fake, tmp_path, service_account_key, 3000)
    row = new_response(fake, forms, tab)
    config = load_config(config_path)
    backend = open_backend(config)
    state = read_state(config, backend, parse_moment(NOW, config.tz).at)
    batches = plan_writes(config, state)
    book = gspread.Client(None, fake.session()).open_by_key(forms)
    sheet = book.worksheet(tab)
    book.batch_update({"requests": [{"insertDimension": {"range": {  # staff insert column B
        "sheetId": sheet.id, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2}}}]})
    fault()
    before = [r[:4] for r in fake.values(forms, tab)]
    staff = staff_cells({tab: fake.values(forms, tab)})
    apply_writes(backend, batches, state.problems)
    values = fake.values(forms, tab)
    assert changed_staff_cells(staff, {tab: values}) == []
    header = values[0]
    assert header[1] == "" and header.index(H.VERDICT_COL) == 5  # moved one to the right
    assert values[row - 1][5] and values[row - 1][6]  # the run landed in the moved columns
    assert [r[:4] for r in values] == before  # staff's columns (and the new one) untouched


def test_runs_are_one_range_each_close_ones_merged_long_ones_cut():
    from sync.backends.sheets_requests import by_rows_worth, run_ranges

    rows = {5: "a", 6: "b", 20: "c", 100: "d", 101: 4}
    ranges = run_ranges(rows, 7, 3)
    spans = [(r["dataFilter"]["gridRange"]["startRowIndex"], r["dataFilter"]["gridRange"]["endRowIndex"],
              r["values"]) for r in ranges]
    assert spans == [(4, 20, [["a", "b"] + [None] * 13 + ["c"]]), (99, 101, [["d", 4]])]
    assert all(r["dataFilter"]["gridRange"]["startColumnIndex"] == 2 for r in ranges)
    long = {r: "x" * 100 for r in range(1, 2001)}
    cut = run_ranges(long, 7, 3, limit=20_000)
    assert len(cut) > 1 and sum(len(r["values"][0]) for r in cut) == 2000
    assert [r["dataFilter"]["gridRange"]["startRowIndex"] for r in cut][1:] == [
        r["dataFilter"]["gridRange"]["endRowIndex"] for r in cut][:-1]  # contiguous, no overlap
    assert not by_rows_worth({r: 1 for r in range(1, 5001)})  # a first write: no nulls at all
    assert by_rows_worth({100_000: 1}) and not by_rows_worth({900: 1})

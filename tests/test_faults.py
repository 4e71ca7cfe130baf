"""The fault matrix's later rows (issue 19): a full disk at any free space, merged cells over the
tool's cells, a broken office among several, tab names Excel refuses, a workbook outside the
config's folder. Each scenario also checks that no staff cell changed (tests/staffcells.py)."""

from __future__ import annotations

import errno
import io
import os
import sqlite3
import subprocess

import pytest

from sync.unattended import job, ledger, lock
from tests.staffcells import fault

NOW = "2023-06-20T10:00"
FREE_SPACE = "free some space"


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
        subprocess.run(["umount", str(mount)], check=False)


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
    before = ws.fingerprint()
    if ws.fake is not None:
        ws.fake.reset_counts()
    result = cli("sync", "--config", config, "--now", NOW)
    assert result.code == 0 and f"merged range {span} covers it; unmerge it" in result.err
    assert len(ws.values(H.LOG_TAB)) == log_rows  # no log row for a cell it cannot write
    assert ws.fingerprint() == before
    if ws.fake is not None:
        assert not any(r.applied for r in ws.fake.requests)
    else:
        stamp = (ws.dir / "tonghop.xlsx").stat().st_mtime_ns
        result = cli("sync", "--config", config, "--now", NOW)
        assert "unchanged since" in result.out, result.out  # settled: the next one is skipped
        assert (ws.dir / "tonghop.xlsx").stat().st_mtime_ns == stamp

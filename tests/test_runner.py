"""`sync` as cron runs it: exit codes, one summary line, the log file, dry runs, two at once."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl

from sync.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
NOW = "2023-06-20T10:00"


def _config(demo_dir: Path) -> Path:
    return demo_dir / "config.toml"


def test_success_is_exit_0_with_one_summary_line(demo_dir, cli):
    result = cli("sync", "--config", _config(demo_dir), "--now", NOW)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == 1  # stdout is not a terminal here: no progress output
    assert lines[0].startswith("sync 2023-06-20T10:00:00+07:00: 4 campaigns")
    assert "cells written" in lines[0]

    again = cli("sync", "--config", _config(demo_dir), "--now", NOW)
    assert again.code == 0
    assert "nothing changed" in again.out


def test_log_file_gets_the_summary(demo_dir, cli):
    cli("sync", "--config", _config(demo_dir), "--now", NOW)
    log = (demo_dir / "data" / "logs" / "tonghop.log").read_text(encoding="utf-8")
    assert "INFO sync.unattended.job: sync 2023-06-20T10:00:00+07:00: 4 campaigns" in log


def test_config_error_is_exit_3(tmp_path, cli):
    config = tmp_path / "config.toml"
    config.write_text('timezone = "Asia/Ho_Chi_Minh"\nsnapshot_keep = "many"\n', encoding="utf-8")
    result = cli("sync", "--config", config)
    assert result.code == 3
    assert "snapshot_keep" in result.err and str(config) in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_missing_workbook_is_exit_4(demo_dir, cli):
    (demo_dir / "tonghop.xlsx").unlink()
    result = cli("sync", "--config", _config(demo_dir), "--now", NOW)
    assert result.code == 4
    assert "not found" in result.err


def test_unexpected_failure_is_exit_5_with_details_in_the_log(demo_dir, cli):
    # The snapshots folder is a file: writing the snapshot fails in a way no rule foresaw.
    (demo_dir / "data").mkdir()
    (demo_dir / "data" / "snapshots").write_text("in the way")
    result = cli("sync", "--config", _config(demo_dir), "--now", NOW)
    assert result.code == 5
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "unexpected error" in lines[0] and "tonghop.log" in lines[0]
    log = (demo_dir / "data" / "logs" / "tonghop.log").read_text(encoding="utf-8")
    assert "Traceback" in log  # the details are kept for IT, not shown to cron


def test_dry_run_changes_nothing(demo_dir, cli):
    workbook = demo_dir / "tonghop.xlsx"
    before = workbook.read_bytes()
    result = cli("sync", "--config", _config(demo_dir), "--now", "2023-06-28T09:00", "--dry-run")
    assert result.code == 0
    assert "dry run: control spreadsheet: would create tab 'Nhắc nhở'" in result.out
    assert "reminders" in result.out.splitlines()[-1]
    assert workbook.read_bytes() == before
    data = demo_dir / "data"
    assert not (data / "snapshots").exists()
    assert not (data / "reminders.sqlite3").exists()
    assert not (data / "tonghop.lock").exists()


GATED = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from sync.backends.local import LocalWorkbookBackend
    from sync.config import load_config
    from sync.unattended.job import sync_once
    from sync.rules.timeparse import parse_moment

    config, gate = load_config(sys.argv[1]), Path(sys.argv[2])

    class Gated(LocalWorkbookBackend):
        # A slow spreadsheet: reading waits until the test opens the gate.
        def read(self, ref=""):
            print("reading", flush=True)
            while not gate.exists():
                time.sleep(0.05)
            return super().read(ref)

    backend = Gated(config.resolve(config.backend.workbook), config.base_dir)
    outcome = sync_once(config, parse_moment("2023-06-20T10:00", config.tz).at, backend=backend)
    print(outcome.summary, flush=True)
""")


def test_two_syncs_at_once_one_runs_one_exits_6(demo_dir, cli, tmp_path):
    gate = tmp_path / "gate"
    first = subprocess.Popen([sys.executable, "-c", GATED, str(_config(demo_dir)), str(gate)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert first.stdout.readline().strip() == "reading"  # holds the lock, mid-cycle
        second = cli("sync", "--config", _config(demo_dir), "--now", NOW)
        assert second.code == 6
        assert f"another sync is already running (pid {first.pid} since 10:00)" in second.err
        assert second.out == ""
    finally:
        gate.touch()
        out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert "cells written" in out
    # And once it is done, the next sync runs normally.
    assert cli("sync", "--config", _config(demo_dir), "--now", NOW).code == 0


def test_unit_typed_newlines_do_not_forge_log_lines(demo_dir, cli):
    workbook = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(workbook)
    wb["Đơn vị"].append(["", "Tên giả\n2023-06-20 10:00:00 ERROR forged line", "Phường"])
    wb.save(workbook)
    result = cli("sync", "--config", _config(demo_dir), "--now", NOW)
    assert result.code == 0
    log = (demo_dir / "data" / "logs" / "tonghop.log").read_text(encoding="utf-8")
    assert "Tên giả 2023-06-20 10:00:00 ERROR forged line" in log
    assert not any(line.startswith("2023-06-20 10:00:00 ERROR") for line in log.splitlines())


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only():
    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = Progress(stream)
        progress.show("reading workbook tonghop.xlsx (1)…")
        progress.clear()
    assert "reading workbook tonghop.xlsx (1)…" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\x1b[K")
    assert pipe.getvalue() == ""

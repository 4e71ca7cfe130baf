"""First contact on the command line: what a new user meets in one afternoon.

-v after the command, a pipe closed early, --now typed wrong, one line per problem, failures in
the log file and never silent, no log line from a dry run, offsets in the log, the status grid,
the program name as typed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from sync import bundled
from sync.errors import ExitCode
from tests.conftest import DEMO_NOW, ROOT
from tests.test_reports import add_campaign_columns

LOG_LINE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+07:00 (INFO|WARNING|ERROR) \S+: ")


def log_of(ws: Path) -> str:
    path = ws / "data" / "logs" / "tonghop.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def with_reports_on_sync(ws: Path) -> Path:
    config = ws / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[reports]\non_sync = true\n",
                      encoding="utf-8")
    return config


# --- -v, --version, the program name -------------------------------------------------------------

@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_before_or_after_the_command(cli, demo_dir, where):
    args = ["sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW]
    result = cli(*(["-v", *args] if where == "before" else [*args, "-v"]))
    assert result.code == 0, result.err
    assert re.search(r"[+-]\d\d:\d\d INFO sync\.unattended\.job: sync 2023-06-20T10:00:00\+07:00: ",
                     result.err), result.err


def test_without_verbose_a_clean_sync_says_nothing_on_stderr(cli, demo_dir):
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW)
    assert result.code == 0 and result.err == ""
    assert len(result.out.splitlines()) == 1


def test_version(cli):
    result = cli("--version")
    assert result.code == 0 and result.out.strip() == f"tonghop {bundled.tonghop_version()}"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", bundled.tonghop_version())


def test_usage_names_the_program_as_typed():
    script = subprocess.run([sys.executable, "main.py", "status", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert script.returncode == 0, script.stderr
    assert script.stdout.startswith("usage: python main.py status ")
    assert "\n  python main.py status --config tonghop-demo/config.toml" in script.stdout
    wrong = subprocess.run([sys.executable, "main.py", "sync"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and wrong.stderr.startswith("usage: python main.py sync ")


def test_in_process_usage_is_the_console_script(cli):
    result = cli("report", "--help")
    assert result.out.startswith("usage: tonghop report ")
    assert "\n  tonghop report --config tonghop-demo/config.toml" in result.out


# --- a pipe closed early --------------------------------------------------------------------------

def test_a_closed_pipe_ends_quietly(demo_dir):
    """What `tonghop status ... | head` does when head has read enough: the reader is gone before
    the output is written. No BrokenPipeError traceback, no "Exception ignored" at exit."""
    process = subprocess.Popen(
        [sys.executable, "main.py", "status", "--config", str(demo_dir / "config.toml"),
         "--now", DEMO_NOW, "--json"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader goes away before a byte is written
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert err == ""


def test_a_closed_pipe_on_stderr_too_ends_quietly():
    """`tonghop ... 2>&1 | head -0`: the one error line into a closed pipe."""
    process = subprocess.Popen([sys.executable, "main.py", "status", "--config", "nope.toml"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    process.stdout.close()
    assert process.wait(timeout=120) == 141  # 1 (or 120) with a traceback


def test_head_reads_the_first_line_and_the_rest_ends_quietly(demo_dir):
    status = subprocess.Popen(
        [sys.executable, "main.py", "status", "--config", str(demo_dir / "config.toml"),
         "--now", DEMO_NOW], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = subprocess.run(["head", "-n", "1"], stdin=status.stdout, capture_output=True,
                          text=True, timeout=120)
    status.stdout.close()
    err = status.stderr.read().decode()
    assert status.wait(timeout=120) in (0, 141)  # 0 when all of it fitted in the pipe first
    assert head.stdout == "as of 20/06/2023 10:00 (Asia/Ho_Chi_Minh, UTC+07:00)\n"
    assert err == ""


# --- --now ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, why", [
    ("5", "is not a date and time"),
    ("45000", "is not a date and time"),
    ("yesterday", "is not a date and time"),
    ("2023-02-30T10:00", "no such moment (day is out of range for month)"),
    ("31/02/2023", "no such moment (day is out of range for month)"),
    ("2023-06-20T24:30", "no such moment (hour must be in 0..23)"),
])
def test_now_refuses_what_is_not_a_moment_listing_the_forms(cli, demo_dir, typed, why):
    result = cli("status", "--config", demo_dir / "config.toml", "--now", typed)
    assert result.code == ExitCode.USAGE and result.out == ""
    (line,) = result.err.splitlines()
    assert line.startswith(f"tonghop: error: --now {typed!r}") and why in line
    assert line.endswith("accepted forms: 2023-06-20T10:00 (local time in the configured timezone), "
                         "2023-06-20 10:00:30, 2023-06-20T10:00+07:00, 2023-06-20T03:00Z, "
                         "20/06/2023 10:00, 2023-06-20 (midnight)")


@pytest.mark.parametrize("typed", ["20/06/2023 10:00", "2023-06-20 10:00:00", "2023-06-20T03:00Z",
                                   "2023-06-20T10:00+07:00"])
def test_now_accepts_the_forms_it_lists(cli, demo_dir, typed):
    config = demo_dir / "config.toml"
    expected = cli("status", "--config", config, "--now", DEMO_NOW, "--json").out
    assert cli("status", "--config", config, "--now", typed, "--json").out == expected


# --- one line per problem, failures never silent and in the log -----------------------------------

def test_each_problem_is_one_line_on_stderr_once(cli, demo_dir):
    book = openpyxl.load_workbook(demo_dir / "tonghop.xlsx")
    book["Đơn vị"].cell(3, 1).value = book["Đơn vị"].cell(2, 1).value  # a duplicate unit code
    book.save(demo_dir / "tonghop.xlsx")
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW)
    assert result.code == 0
    lines = result.err.splitlines()
    assert lines and len(lines) == len(set(lines))
    assert all(line.startswith("  ! tab 'Đơn vị', row ") for line in lines), lines
    for line in lines:  # each one is in the log file too, once
        assert log_of(demo_dir).count(line.removeprefix("  ! ")) == 1


def test_demo_without_its_templates_says_so_and_exits_non_zero(cli, tmp_path, monkeypatch):
    """An install that lost its package data (the bug of a wheel without templates/): the demo
    still syncs, then names what it could not make."""
    monkeypatch.setattr(bundled, "PACKAGE", "sync.rules")  # a package without the templates
    result = cli("demo", "--dir", tmp_path / "d")
    assert result.code == ExitCode.CONFIG
    (line,) = result.err.splitlines()
    assert line.startswith("tonghop: error: template bao-cao.docx not found in ")
    assert "reinstall tonghop" in line
    assert "tonghop demo: 90 active units" in result.out
    assert line.removeprefix("tonghop: error: ") in log_of(tmp_path / "d")


def test_sync_with_a_missing_template_prints_it_writes_the_status_and_exits_3(cli, demo_dir):
    add_campaign_columns(demo_dir, "PCCC", {"Mẫu báo cáo": "mau-khong-co"})
    config = with_reports_on_sync(demo_dir)
    result = cli("sync", "--config", config, "--now", DEMO_NOW)
    assert result.code == ExitCode.CONFIG
    (line,) = result.err.splitlines()
    assert line.startswith("tonghop: error: campaign PCCC: template 'mau-khong-co'")
    assert "cells written" in result.out  # the status still reached the sheet
    assert line.removeprefix("tonghop: error: ") in log_of(demo_dir)


def test_report_failures_are_in_the_log_file(cli, demo_dir):
    add_campaign_columns(demo_dir, "PCCC", {"Mẫu báo cáo": "mau-khong-co"})
    result = cli("report", "--config", demo_dir / "config.toml", "--now", DEMO_NOW)
    assert result.code == ExitCode.CONFIG and result.out == ""
    (line,) = result.err.splitlines()
    assert "template 'mau-khong-co'" in line
    assert re.search(r"\+07:00 ERROR sync\.unattended\.job: drafts: campaign PCCC: template "
                     r"'mau-khong-co'", log_of(demo_dir))


# --- the log file ---------------------------------------------------------------------------------

def test_dry_run_writes_nothing_to_the_log_file(cli, demo_dir):
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW, "--dry-run")
    assert result.code == 0 and "dry run:" in result.out
    assert not (demo_dir / "data" / "logs").exists()
    cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW)
    before = log_of(demo_dir)
    cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW, "--dry-run")
    assert log_of(demo_dir) == before != ""


def test_log_timestamps_carry_the_offset(cli, demo_dir):
    cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW)
    lines = [line for line in log_of(demo_dir).splitlines() if line]
    assert lines
    for line in lines:
        assert LOG_LINE.match(line), line


# --- status ---------------------------------------------------------------------------------------

def _grid(cli, config: Path, *extra: str):
    result = cli("status", "--config", config, "--now", DEMO_NOW, *extra)
    assert result.code == 0, result.err
    return result.out.splitlines()


def test_status_is_a_unit_by_campaign_grid_in_local_time(cli, demo_dir):
    config = demo_dir / "config.toml"
    records = json.loads(cli("status", "--config", config, "--now", DEMO_NOW, "--json").out)
    lines = _grid(cli, config)
    assert lines[0] == "as of 20/06/2023 10:00 (Asia/Ho_Chi_Minh, UTC+07:00)"
    assert lines[2].split() == ["unit", "name", "NTVT", "KN75", "PCCC", "NSNN"]
    assert lines[3].split()[:3] == ["deadline", "10/06/2023", "23:59"]
    rows = {line.split()[0]: line for line in lines[5:] if line and line[0] != " "}
    for r in records:
        cell = r["status"]
        if r["submitted_at"]:  # shown in local time, day first
            cell += " " + datetime.fromisoformat(r["submitted_at"]).strftime("%d/%m %H:%M")
        assert cell in rows[r["unit"]], (r, rows[r["unit"]])
    assert "P01" in rows and "—" in rows["DG01"]  # PCCC does not expect DG01
    assert "on_time = Đã nộp đúng hạn" in "\n".join(lines)


def test_status_campaign_filters_the_grid(cli, demo_dir):
    config = demo_dir / "config.toml"
    expected = [r for r in json.loads(cli("status", "--config", config, "--now", DEMO_NOW, "--json").out)
                if r["campaign"] == "PCCC"]
    lines = _grid(cli, config, "--campaign", "pccc")
    assert lines[2].split() == ["unit", "name", "PCCC"]
    rows = lines[5:lines.index("", 5)]
    assert len(rows) == len(expected) > 0 and all(" — " not in row for row in rows)
    assert "NTVT" not in "\n".join(lines)


def test_status_unknown_campaign_is_an_error_like_report(cli, demo_dir):
    config = demo_dir / "config.toml"
    status = cli("status", "--config", config, "--campaign", "XYZ")
    report = cli("report", "--config", config, "--campaign", "XYZ")
    assert status.code == report.code == ExitCode.USAGE
    assert status.err == report.err
    assert status.err == ("tonghop: error: --campaign 'XYZ': no such campaign was evaluated "
                          "(campaigns: NTVT, KN75, PCCC, NSNN; a skipped campaign is listed by "
                          "`sync`)\n")


def test_a_missing_config_points_at_the_example_that_exists(cli, tmp_path):
    result = cli("status", "--config", tmp_path / "nope.toml")
    assert result.code == ExitCode.CONFIG
    (line,) = result.err.splitlines()
    assert "config file not found (start from config.example.toml" in line
    assert "config.example.toml" in cli("status", "--help").out
    assert (ROOT / "config.example.toml").is_file()

"""What the commands print, in the forms people and scripts read: cells named as in the
spreadsheet (D83), deadlines to the second, --json for check, sync and history, hints that run
as printed."""

from __future__ import annotations

import json
import re

from sync.errors import ExitCode

from .conftest import DEMO_NOW


def test_dry_run_names_cells_as_the_spreadsheet_does(cli, demo_dir):
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW, "--dry-run")
    assert result.code == 0, result.err
    cells = [line for line in result.out.splitlines() if "<-" in line]
    assert cells and all(re.match(r"dry run: control spreadsheet: '[^']+'![A-Z]+[0-9]+ <- ", c) for c in cells)
    assert "col " not in result.out


def test_status_json_deadlines_are_to_the_second(cli, demo_dir):
    result = cli("status", "--config", demo_dir / "config.toml", "--now", DEMO_NOW, "--json",
                 "--campaign", "NTVT")
    deadlines = {r["deadline"] for r in json.loads(result.out)}
    assert "2023-06-10T23:59:59+07:00" in deadlines
    assert not [d for d in deadlines if d and "." in d]


def test_sync_json_is_the_summary_as_an_object(cli, demo_dir):
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW, "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert record["campaigns"] == ["NTVT", "KN75", "PCCC", "NSNN"]
    assert record["responses"] == 179 and record["statuses"]["exempt"] == 1  # the demo's responses
    assert record["cells_written"] > 0 and record["reminders"] == 1 and record["exit_code"] == 0
    assert record["summary"].startswith("sync 2023-06-20T10:00:00+07:00: 4 campaigns")
    again = json.loads(cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW, "--json").out)
    assert again["unchanged_since"] is None or again["cells_written"] == 0


def test_check_json(cli, tmp_path):
    assert cli("init", tmp_path / "o").code == 0
    result = cli("check", "--config", tmp_path / "o" / "config.toml", "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert record["ready"] is True and record["exit_code"] == 0 and record["backend"] == "local"
    levels = {i["level"] for i in record["items"]}
    assert levels == {"ok", "todo"}
    assert {"level": "todo", "text": "add a campaign: one row per form in tab 'Đợt thu thập'"} in record["items"]


def test_history_json(cli, demo_dir):
    assert cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW).code == 0
    listed = json.loads(cli("history", "--config", demo_dir / "config.toml", "--json").out)
    assert len(listed) == 1 and listed[0]["spreadsheet"] == "" and listed[0]["bytes"] > 0
    assert listed[0]["taken_at"].endswith("+07:00")
    shown = json.loads(cli("history", "--config", demo_dir / "config.toml", "--json", "--show",
                           listed[0]["id"]).out)
    assert shown["tabs"]["Đơn vị"] == 91


def test_the_demos_hint_runs_as_printed_from_a_folder_with_spaces(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("demo", "--dir", "bản demo")
    assert result.code == 0, result.err
    assert "Try: tonghop status --config 'bản demo/config.toml' --now 2023-06-20T10:00" in result.out


def test_login_on_a_local_config_says_it_needs_no_sign_in(cli, demo_dir):
    result = cli("login", "--config", demo_dir / "config.toml")
    assert result.code == ExitCode.USAGE
    assert "uses the local workbook (backend.kind = \"local\"), which needs no sign-in" in result.err
    assert "service_account" not in result.err

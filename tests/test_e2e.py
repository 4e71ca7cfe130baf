"""The whole loop through the command line, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sync.cli import build_parser, command_names
from sync.errors import ExitCode

from .conftest import DEMO_NOW, ROOT

STATUS_CODES = {"on_time", "late", "incomplete", "pending", "overdue", "exempt"}


def test_demo_twice(cli, tmp_path):
    first = cli("demo", "--dir", tmp_path / "demo")
    assert first.code == 0, first.err
    assert "NTVT" in first.out and "PCCC" in first.out
    assert "cells written" in first.out
    assert (tmp_path / "demo" / "tonghop.xlsx").exists()
    second = cli("demo", "--dir", tmp_path / "demo")
    assert second.code == 0
    assert "nothing changed" in second.out
    table = lambda out: out.split("\n\n")[1]  # noqa: E731
    assert table(first.out) == table(second.out)


def test_sync_then_status_json(cli, workspace):
    config = workspace.config_path
    result = cli("sync", "--config", config, "--now", DEMO_NOW)
    assert result.code == 0, result.err
    assert result.out.count("\n") == 1 and result.out.startswith("sync 2023-06-20T10:00:00+07:00")
    status = cli("status", "--config", config, "--now", DEMO_NOW, "--json")
    records = json.loads(status.out)
    assert len(records) == 90 + 90 + 11 + 11  # PCCC and NSNN: the wards
    for r in records:
        assert {"campaign", "unit", "unit_name", "status", "submitted_at", "missing", "responses"} <= r.keys()
        assert r["status"] in STATUS_CODES
        assert (r["submitted_at"] is None) == (r["responses"] == 0)
        if r["submitted_at"]:
            assert r["submitted_at"].endswith("+07:00")
    ntvt = {r["unit"]: r for r in records if r["campaign"] == "NTVT"}
    assert ntvt["MN10"]["status"] == "exempt"
    assert any(r["status"] == "incomplete" and r["missing"] for r in records)
    assert any(r["status"] == "late" for r in records)
    pccc = {r["status"] for r in records if r["campaign"] == "PCCC"}
    assert pccc <= {"pending", "on_time", "late", "incomplete"}  # deadline 30/6 still ahead


def test_status_agrees_with_the_sheet(cli, workspace):
    config = workspace.config_path
    cli("sync", "--config", config, "--now", DEMO_NOW)
    records = json.loads(cli("status", "--config", config, "--now", DEMO_NOW, "--json").out)
    header, *rows = workspace.values("Trạng thái")
    sheet = {(row[header.index("Mã đơn vị")], code): row[header.index(code)]
             for row in rows for code in ("NTVT", "PCCC")}
    from sync.rules.models import Status

    for r in records:
        if r["campaign"] in ("NTVT", "PCCC"):
            assert sheet[(r["unit"], r["campaign"])] == Status(r["status"]).label


def test_dry_run_prints_and_writes_nothing(cli, workspace):
    before = workspace.fingerprint()
    result = cli("sync", "--config", workspace.config_path, "--now", DEMO_NOW, "--dry-run")
    assert result.code == 0
    assert "dry run: control spreadsheet: would create tab 'Trạng thái'" in result.out
    assert workspace.fingerprint() == before


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_with_an_example(cli, name):
    result = cli(name, "--help")
    assert result.code == 0
    assert "Example" in result.out and f"usage: tonghop {name}" in result.out and f"  tonghop {name}" in result.out


def test_top_level_help_lists_commands():
    text = build_parser().format_help()
    for name in command_names():
        assert name in text


@pytest.mark.parametrize("args, code, words", [
    (["sync", "--config", "nope.toml"], ExitCode.CONFIG, ["nope.toml", "not found"]),
    (["sync", "--config", "{cfg}", "--now", "yesterday"], ExitCode.USAGE, ["--now", "yesterday"]),
    (["status", "--config", "{bad}"], ExitCode.CONFIG, ["bad.toml", "colour"]),
    (["sync", "--config", "{noworkbook}"], ExitCode.ACCESS, ["missing.xlsx", "not found"]),
])
def test_user_mistakes_end_with_one_line(cli, demo_dir, args, code, words):
    (demo_dir / "bad.toml").write_text("colour = 'blue'\n", encoding="utf-8")
    (demo_dir / "noworkbook.toml").write_text("[backend]\nworkbook = 'missing.xlsx'\n", encoding="utf-8")
    paths = {"{cfg}": demo_dir / "config.toml", "{bad}": demo_dir / "bad.toml",
             "{noworkbook}": demo_dir / "noworkbook.toml"}
    result = cli(*[str(paths.get(a, a)) for a in args])
    assert result.code == code
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    for word in words:
        assert word in result.err


def test_missing_roster_tab_names_it_and_lists_tabs(cli, workspace):
    workspace.rename_tab("Đơn vị", "Don vi")
    result = cli("sync", "--config", workspace.config_path, "--now", DEMO_NOW)
    assert result.code == ExitCode.ACCESS
    assert "no tab 'Đơn vị'" in result.err and "Don vi" in result.err


def test_main_py_runs_as_a_script(tmp_path):
    out = subprocess.run([sys.executable, "main.py", "demo", "--dir", str(tmp_path / "d")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "tonghop demo:" in out.stdout


def _trimmed(row):
    row = ["" if v is None else v for v in row]
    while row and row[-1] == "":
        row.pop()
    return row


def test_only_owned_cells_change_and_a_second_sync_is_a_no_op(cli, workspace):
    """On both backends: staff's tabs and columns are untouched; the same data twice writes
    nothing the second time."""
    from sync.rules import headers as H

    before = {t: workspace.values(t) for t in workspace.tab_titles()}
    first = cli("sync", "--config", workspace.config_path, "--now", DEMO_NOW)
    assert first.code == 0 and "cells written" in first.out
    written = workspace.fingerprint()
    second = cli("sync", "--config", workspace.config_path, "--now", DEMO_NOW)
    assert second.code == 0 and "nothing changed" in second.out
    assert workspace.fingerprint() == written
    for tab, rows in before.items():
        after = workspace.values(tab)
        header = after[0]
        owned = [i for i, h in enumerate(header) if h in (H.VERDICT_COL, H.MATCHED_COL)]
        keep = min(owned, default=len(header))
        assert all(i >= keep for i in owned), tab  # our columns sit at the right
        assert [_trimmed(r[:keep]) for r in after] == [_trimmed(r) for r in rows], tab
        if owned:  # every response row got a verdict
            assert all(r[owned[0]] for r in after[1:] if _trimmed(r[:keep])), tab

"""The public board (config [board]): a book of its own with four columns, roster names only,
written in the cycle's batch; on the local workbook and in the Google fake."""

from __future__ import annotations

import openpyxl

from sync.rules import headers as H

from .conftest import Workspace

TYPED = "UBND PHƯỜNG NHÂN CHÍNH"  # how P01 typed its name in the PCCC form


def _board(workspace: Workspace, where: str) -> list[list]:
    if workspace.fake is not None:
        return workspace.fake.values(where, "Tình hình nộp")
    ws = openpyxl.load_workbook(workspace.dir / where)["Tình hình nộp"]
    return [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]


def _with_board(workspace: Workspace) -> str:
    if workspace.fake is not None:
        where = workspace.fake.add_spreadsheet(tabs={"Trang tính1": []}, title="Bảng công khai")
    else:
        where = "cong-khai.xlsx"
    config = workspace.config_path
    config.write_text(config.read_text(encoding="utf-8") + f'\n[board]\nspreadsheet = "{where}"\n',
                      encoding="utf-8")
    return where


def test_the_board_has_four_columns_roster_names_and_nothing_typed(workspace, cli):
    where = _with_board(workspace)
    if workspace.fake is not None:
        workspace.fake.reset_counts()
    result = cli("sync", "--config", workspace.config_path, "--now", "2023-06-20T10:00")
    assert result.code == 0, result.err
    rows = _board(workspace, where)
    assert rows[0] == list(H.BOARD_HEADERS)
    assert all(len(row) <= 4 for row in rows)  # no column beyond the four
    body = rows[1:]
    statuses = {r["campaign"] + "/" + r["unit_name"]: r for r in _records(cli, workspace)}
    assert len(body) == len(statuses)
    for unit, campaign, status, sent in (r + [""] * (4 - len(r)) for r in body):
        record = statuses[f"{campaign}/{unit}"]
        assert status == record["status_label"]
        assert bool(sent) == bool(record["submitted_at"])
    names = {r[0] for r in body}
    assert "UBND phường Nhân Chính" in names and TYPED not in names
    text = repr(rows)
    assert "@" not in text and "Phạm Thu Phương" not in text  # no e-mail, no person
    assert "Trường Quốc tế ABC" not in text  # a name typed by no unit of the roster
    if workspace.fake is not None:  # one write of the board, RAW, in the cycle
        assert workspace.fake.count("values.batchUpdateByDataFilter", where) == 1
    # a second cycle: nothing changed, nothing written
    again = cli("sync", "--config", workspace.config_path, "--now", "2023-06-20T10:05")
    assert "nothing changed" in again.out
    assert _board(workspace, where) == rows


def _records(cli, workspace):
    import json

    out = cli("status", "--config", workspace.config_path, "--now", "2023-06-20T10:00", "--json")
    return json.loads(out.out)


def test_the_board_may_not_be_the_control_book(demo_dir, cli):
    config = demo_dir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[board]\nspreadsheet = "tonghop.xlsx"\n',
                      encoding="utf-8")
    result = cli("sync", "--config", config, "--now", "2023-06-20T10:00")
    assert result.code == 3
    assert "'board.spreadsheet' is the control book" in result.err


def test_check_names_the_board(demo_dir, cli):
    config = demo_dir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[board]\nspreadsheet = "cong-khai.xlsx"\n',
                      encoding="utf-8")
    result = cli("check", "--config", config)
    assert result.code == 0, result.err
    assert f"ok   public board: workbook {demo_dir / 'cong-khai.xlsx'} (made on the first sync)" in result.out
    assert not (demo_dir / "cong-khai.xlsx").exists()  # check writes nothing

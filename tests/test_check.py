"""`check`: what it finds, what it asks to fix, and that it never writes."""

from __future__ import annotations

from sync.errors import ExitCode
from sync.rules import headers as H

from .conftest import FAKE_ACCOUNT, load_into_fake

WRITES = ("spreadsheets.batchUpdate", "values.batchUpdateByDataFilter", "values.batchUpdate", "values.update",
          "values.append",
          "values.clear", "values.batchClear", "drive.files.create", "drive.files.update")


def check(cli, ws):
    return cli("check", "--config", ws.config_path)


def test_a_good_setup_is_ready_and_nothing_is_written(cli, workspace):
    before = workspace.fingerprint()
    result = check(cli, workspace)
    assert result.code == 0, result.out + result.err
    out = result.out
    assert "check: ready to sync" in out and "nothing was written" in out
    assert f"tab '{H.ROSTER_TAB}': 91 units (90 active)" in out and f"tab '{H.CAMPAIGNS_TAB}': 4 campaigns" in out
    for code in ("NTVT", "KN75", "PCCC", "NSNN"):
        assert f"ok   campaign {code}: tab 'Câu trả lời biểu mẫu" in out
    assert "FIX" not in out
    assert workspace.fingerprint() == before
    if workspace.kind == "google":
        fake = workspace.fake
        assert f"service account {FAKE_ACCOUNT}" in out
        assert "timezone Asia/Ho_Chi_Minh, locale vi_VN" in out
        assert fake.count() == 2 and not any(fake.count(e) for e in WRITES)


def test_a_campaign_on_an_unshared_spreadsheet(cli, google_workspace):
    ws = google_workspace
    other = load_into_fake(ws.fake, _forms_book(ws), title="Biểu mẫu khác")
    ws.fake.deny(other)
    _point_campaign(ws, "PCCC", f"https://docs.google.com/spreadsheets/d/{other}/edit#gid=0")
    result = check(cli, ws)
    assert result.code == ExitCode.ACCESS
    assert "FIX  campaign PCCC: cannot be read" in result.out
    assert f"permission denied for spreadsheet {other}: share it with {FAKE_ACCOUNT}" in result.out
    assert "check: 1 thing(s) to fix; nothing was written" in result.out
    assert not any(ws.fake.count(e) for e in WRITES)


def test_a_missing_responses_tab_and_header(cli, google_workspace):
    ws = google_workspace
    ws.rename_tab("Câu trả lời biểu mẫu 3", "Form Responses 3")
    sid = ws.spreadsheet_id
    header = ws.fake.values(sid, "Câu trả lời biểu mẫu 4")[0]
    col = header.index("Kết quả nổi bật")
    ws.fake.set_values(sid, "Câu trả lời biểu mẫu 4", f"{chr(65 + col)}1", [["Kết quả"]])
    result = check(cli, ws)
    assert result.code == ExitCode.ACCESS
    assert "has no tab 'Câu trả lời biểu mẫu 3'" in result.out and "Form Responses 3" in result.out
    assert "'Kết quả nổi bật'" in result.out and "required question not found" in result.out
    assert "check: 2 thing(s) to fix" in result.out


def test_a_missing_roster_header_is_one_clear_line(cli, workspace):
    if workspace.kind == "google":
        workspace.fake.set_values(workspace.spreadsheet_id, H.ROSTER_TAB, "C1", [["Khối?"]])
    else:
        import openpyxl

        wb = openpyxl.load_workbook(workspace.dir / "tonghop.xlsx")
        wb[H.ROSTER_TAB]["C1"] = "Khối?"
        wb.save(workspace.dir / "tonghop.xlsx")
    result = check(cli, workspace)
    assert result.code == ExitCode.ACCESS
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert "no column 'Nhóm'" in result.err and "Khối?" in result.err


def test_the_drive_folder_for_drafts(cli, google_workspace):
    ws = google_workspace
    folder = ws.fake.add_drive_folder(name="Dự thảo báo cáo", shared_drive=True)
    _set_drive_folder(ws, folder)
    result = check(cli, ws)
    assert result.code == 0, result.out
    assert (f"ok   Drive folder 'Dự thảo báo cáo' ({folder}): "
            f"https://drive.google.com/drive/folders/{folder}") in result.out

    _set_drive_folder(ws, "1NoSuchFolder")
    result = check(cli, ws)
    assert result.code == ExitCode.ACCESS
    assert (f"FIX  Drive folder 1NoSuchFolder is not visible to {FAKE_ACCOUNT}: share it (a folder "
            f"in a shared drive) with {FAKE_ACCOUNT}, and check 'reports.drive_folder' in "
            f"{ws.config_path}") in result.out


def _set_drive_folder(ws, folder):
    text = ws.config_path.read_text(encoding="utf-8")
    if "[reports]" not in text:
        text += '\n[reports]\ndrive_folder = ""\n'
    lines = [f'drive_folder = "{folder}"' if line.startswith("drive_folder") else line
             for line in text.splitlines()]
    ws.config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _forms_book(ws):
    import openpyxl

    path = ws.dir / "forms.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Câu trả lời biểu mẫu 1"
    wb.active.append(["Dấu thời gian", "Tên đơn vị"])
    wb.save(path)
    return path


def _point_campaign(ws, code, ref):
    rows = ws.values(H.CAMPAIGNS_TAB)
    header = rows[0]
    row = next(i for i, r in enumerate(rows, 1) if r and r[0] == code)
    col = header.index(H.CAMPAIGN_SPREADSHEET[0])
    ws.fake.set_values(ws.spreadsheet_id, H.CAMPAIGNS_TAB, f"{chr(65 + col)}{row}", [[ref]])

"""Campaigns fail closed (issue 18): when what a verdict rests on cannot be read (the unit
question, the deadline, the linked form), when the clock goes back, or when a tool column has a
staff copy, the tool writes no verdict it cannot stand behind and sends no reminder on it. The
earlier statuses stay as they were; one problem line says why."""

from __future__ import annotations

import gspread
import openpyxl
import pytest

from sync.rules import headers as H
from sync.rules.book import column_letters
from tests.test_campaign_forms import EDIT_URL, FORM_ID, add_demo_form, reduce_to_form_link
from tests.test_corrections import set_cell

BEFORE = "2023-06-10T09:00"  # NTVT is due at the end of 10/06: every unit still has time
AFTER = "2023-06-11T09:00"  # a day later: the "+1" reminders of NTVT are due
LATER = "2023-06-20T10:00"  # the demo's moment: NTVT's late responses are in
RESPONSES = "Câu trả lời biểu mẫu 1"  # NTVT's form tab


def sync(cli, ws, now):
    return cli("sync", "--config", ws.config_path, "--now", now)


def ntvt_view(ws) -> dict:
    """Everything the tool shows of NTVT: its status column, its detail rows, its response
    tab's tool columns, its reminders."""
    status = ws.values(H.STATUS_TAB)
    col = next(i for i, h in enumerate(status[0]) if str(h).startswith("NTVT"))
    responses = ws.values(RESPONSES)
    tool = [i for i, h in enumerate(responses[0]) if h in (H.VERDICT_COL, H.MATCHED_COL)]
    reminders = ws.values(H.REMINDERS_TAB) if H.REMINDERS_TAB in ws.tab_titles() else []
    return {
        "status": [r[col] if col < len(r) else "" for r in status],
        "detail": [r for r in ws.values(H.DETAIL_TAB) if r and r[0] == "NTVT"],
        "verdicts": [[r[i] if i < len(r) else "" for i in tool] for r in responses],
        # the reminders' own columns (the chat messages beside them are per campaign: NTVT's kept)
        "reminders": [r[:len(H.REMINDER_HEADERS)] for r in reminders if r and r[0] == "NTVT"],
        "chat": [r[len(H.REMINDER_HEADERS):] for r in reminders
                 if len(r) > len(H.REMINDER_HEADERS) and r[len(H.REMINDER_HEADERS)] == "NTVT"],
    }


def campaign_cell(ws, header: str) -> str:
    rows = ws.values(H.CAMPAIGNS_TAB)
    row = next(i for i, r in enumerate(rows, start=1) if r and r[0] == "NTVT")
    return f"{chr(65 + rows[0].index(header))}{row}"


def header_cell(ws, tab: str, header: str) -> str:
    return f"{chr(65 + ws.values(tab)[0].index(header))}1"


BREAKS = {
    "unit question cleared on the campaign row":
        lambda ws: set_cell(ws, H.CAMPAIGNS_TAB, campaign_cell(ws, "Câu hỏi tên đơn vị"), ""),
    "unit question renamed on the campaign row":
        lambda ws: set_cell(ws, H.CAMPAIGNS_TAB, campaign_cell(ws, "Câu hỏi tên đơn vị"), "Đơn vị"),
    "unit column renamed in the responses tab":
        lambda ws: set_cell(ws, RESPONSES, header_cell(ws, RESPONSES, "Tên đơn vị"), "Tên cơ quan"),
    "unit column header cleared in the responses tab":
        lambda ws: set_cell(ws, RESPONSES, header_cell(ws, RESPONSES, "Tên đơn vị"), ""),
    "deadline that cannot be read":
        lambda ws: set_cell(ws, H.CAMPAIGNS_TAB, campaign_cell(ws, "Hạn nộp"), "cuối tháng 6"),
}


@pytest.mark.parametrize("broken", list(BREAKS))
def test_a_campaign_that_cannot_be_read_keeps_its_statuses_and_sends_nothing(cli, workspace, broken):
    assert sync(cli, workspace, BEFORE).code == 0
    before = ntvt_view(workspace)
    BREAKS[broken](workspace)
    result = sync(cli, workspace, AFTER)
    assert "campaign NTVT skipped" in result.err, result.err
    assert "Traceback" not in result.err
    after = ntvt_view(workspace)
    assert after["status"] == before["status"]
    assert after["detail"] == before["detail"]
    assert after["verdicts"][1:] == before["verdicts"][1:]
    assert after["reminders"] == before["reminders"]
    assert after["chat"] == before["chat"] and before["chat"]
    # the other campaigns go on: KN75's column is still written
    assert "KN75" not in result.err.split("campaign NTVT skipped")[0].split("\n")[-1]


def test_the_campaigns_tab_without_its_unit_question_header_writes_nothing(cli, workspace):
    assert sync(cli, workspace, BEFORE).code == 0
    set_cell(workspace, H.CAMPAIGNS_TAB, header_cell(workspace, H.CAMPAIGNS_TAB, "Câu hỏi tên đơn vị"), "")
    before = workspace.fingerprint()
    result = sync(cli, workspace, AFTER)
    assert result.code == 4 and "Câu hỏi tên đơn vị" in result.err and "Traceback" not in result.err
    assert workspace.fingerprint() == before


def test_a_linked_form_that_lost_its_unit_dropdown_skips_the_campaign(cli, google_workspace):
    ws = google_workspace
    add_demo_form(ws)
    reduce_to_form_link(ws)
    assert sync(cli, ws, BEFORE).code == 0
    before = ntvt_view(ws)

    def without_unit_question(form):
        form["items"] = [i for i in form["items"] if i.get("title") != "Tên đơn vị"]
    ws.fake.edit_form(FORM_ID, without_unit_question)
    result = sync(cli, ws, AFTER)
    assert "campaign NTVT skipped" in result.err, result.err
    assert ntvt_view(ws) == before


def test_a_linked_form_that_cannot_be_read_skips_the_campaign(cli, google_workspace):
    """The row types its tab and unit question, but the form gives the required questions: with
    the form unreadable (and no copy kept), every incomplete response would turn green."""
    ws = google_workspace
    add_demo_form(ws)
    set_cell(ws, H.CAMPAIGNS_TAB, campaign_cell(ws, "Câu hỏi bắt buộc"), "")
    set_cell(ws, H.CAMPAIGNS_TAB, campaign_cell(ws, "Link biểu mẫu"), EDIT_URL)
    assert sync(cli, ws, BEFORE).code == 0
    before = ntvt_view(ws)
    (ws.dir / "data" / "forms" / f"{FORM_ID}.json").unlink()  # no copy to fall back on
    ws.fake.deny(FORM_ID)
    result = sync(cli, ws, AFTER)
    assert "campaign NTVT skipped" in result.err, result.err
    assert ntvt_view(ws) == before


def test_a_clock_gone_back_writes_nothing_and_sends_nothing(cli, workspace):
    assert sync(cli, workspace, AFTER).code == 0
    ledger = workspace.dir / "data" / "reminders.sqlite3"
    sent = ledger.read_bytes()
    before = workspace.fingerprint()
    result = sync(cli, workspace, "2023-06-08T09:00")  # the server's time jumped back 3 days
    assert result.code == 5, result.out + result.err
    assert "last synced at 11/06/2023 09:00" in result.err and "nothing written" in result.err
    assert len([line for line in result.err.splitlines() if line.strip()]) == 1, result.err
    assert workspace.fingerprint() == before and ledger.read_bytes() == sent
    # what reads at a past moment still works: status, a dry run, the same moment again
    assert cli("status", "--config", workspace.config_path, "--now", BEFORE).code == 0
    dry = cli("sync", "--config", workspace.config_path, "--now", BEFORE, "--dry-run")
    assert dry.code == 0, dry.err
    assert sync(cli, workspace, AFTER).code == 0


def paste_copy_left(ws, tab: str, header: str) -> int:
    """Staff copy a tool column and paste it as a new column on its left; the copy's column."""
    rows = ws.values(tab)
    col = rows[0].index(header) + 1
    copy = [r[col - 1] if col - 1 < len(r) else "" for r in rows]
    if ws.fake is not None:
        book = gspread.Client(None, ws.fake.session()).open_by_key(ws.spreadsheet_id)
        sheet = ws.fake.spreadsheet(ws.spreadsheet_id).find_sheet(tab).sheet_id
        book.batch_update({"requests": [{"insertDimension": {"range": {
            "sheetId": sheet, "dimension": "COLUMNS", "startIndex": col - 1, "endIndex": col}}}]})
        ws.fake.set_values(ws.spreadsheet_id, tab, f"{column_letters(col)}1", [[v] for v in copy])
    else:
        path = ws.dir / "tonghop.xlsx"
        wb = openpyxl.load_workbook(path)
        wb[tab].insert_cols(col)
        for r, value in enumerate(copy, start=1):
            wb[tab].cell(r, col).value = value if value != "" else None
        wb.save(path)
    return col


def column(ws, tab: str, col: int) -> list:
    return [r[col - 1] if col - 1 < len(r) else "" for r in ws.values(tab)]


@pytest.mark.parametrize("tab", [H.STATUS_TAB, RESPONSES])
def test_a_staff_copy_of_a_tool_column_is_reported_and_never_written(cli, workspace, tab):
    assert sync(cli, workspace, BEFORE).code == 0
    header = next(h for h in workspace.values(tab)[0]
                  if str(h).startswith("NTVT") or h == H.VERDICT_COL)
    copy = paste_copy_left(workspace, tab, header)
    copied, tool = column(workspace, tab, copy), column(workspace, tab, copy + 1)
    result = sync(cli, workspace, LATER)  # statuses and verdicts of NTVT change by then
    assert f"'{header}' heads columns" in result.err, result.err
    assert column(workspace, tab, copy) == copied  # staff's copy: never written
    if workspace.kind == "google":  # the tool's own column is known by its anchor: written
        assert column(workspace, tab, copy + 1) != tool
    else:  # which one is the tool's cannot be told: neither is written
        assert column(workspace, tab, copy + 1) == tool
    # staff remove the copy: the next cycle writes the tool's column again
    if workspace.fake is not None:
        book = gspread.Client(None, workspace.fake.session()).open_by_key(workspace.spreadsheet_id)
        book.worksheet(tab).delete_columns(copy)
    else:
        path = workspace.dir / "tonghop.xlsx"
        wb = openpyxl.load_workbook(path)
        wb[tab].delete_cols(copy)
        wb.save(path)
    result = sync(cli, workspace, LATER)
    assert result.code == 0 and "heads columns" not in result.err, result.err
    assert column(workspace, tab, copy) != tool or workspace.kind == "google"


def test_a_staff_copy_is_reported_when_merged_cells_trim_the_batch():
    """The planner's notes of a doubled header survive the batch being trimmed for merges."""
    from sync.rules.book import CellWrite, Doubled, WriteBatch

    batch = WriteBatch(cells=[CellWrite("T", 2, 3, "x"), CellWrite("T", 3, 3, "y")],
                       doubled=[Doubled("T", "tonghop: Kết quả", (3, 5), None)])
    trimmed, skipped = batch.uncovered(lambda tab, row, col: "C2:C2" if row == 2 else None)
    assert len(skipped) == 1 and trimmed.doubled == batch.doubled

"""The correction tab "Đối chiếu tên đơn vị": unknown -> staff pick a code -> counted, on both
backends; staff's column never overwritten; a code not on the roster reported; the dropdown set
once, in the one structural batch."""

from __future__ import annotations

import json

import gspread
import openpyxl
import pytest

from sync.rules import headers as H
from sync.rules.book import Tab
from sync.rules.corrections import Settled, Standing, correction_rows, read_settled
from sync.rules.matching import typed_key
from sync.rules.models import Match, MatchKind, Response, RowResult, Unit, Verdict
from tests.conftest import DEMO_NOW
from tests.fakesheets import FakeGoogle

TAB = H.CORRECTIONS_TAB
UNKNOWN = "Trường Quốc tế ABC"  # the demo's response from a school not on the roster


def sync(cli, ws):
    result = cli("sync", "--config", ws.config_path, "--now", DEMO_NOW)
    assert result.code == 0, result.err
    return result


def records(cli, ws) -> list[dict]:
    result = cli("status", "--config", ws.config_path, "--now", DEMO_NOW, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def table(ws) -> list[dict]:
    rows = ws.values(TAB)
    return [dict(zip(rows[0], row + [""] * (len(rows[0]) - len(row)), strict=True))
            for row in rows[1:]]


def set_cell(ws, tab: str, label: str, value: str) -> None:
    """What staff do in the sheet."""
    if ws.fake is not None:
        ws.fake.set_values(ws.spreadsheet_id, tab, label, [[value]])
        return
    path = ws.dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    wb[tab][label] = value
    wb.save(path)


def staff_cell(ws, name: str) -> str:
    rows = ws.values(TAB)
    row = next(i for i, r in enumerate(rows, start=1) if r and r[0] == name)
    col = rows[0].index(H.CORRECTION_CODE)
    return f"{chr(65 + col)}{row}"


def dropdowns(ws) -> list[tuple[str, str]]:
    """(cells, list source) of each data validation on the correction tab."""
    if ws.fake is not None:
        out = []
        for v in ws.fake.data_validations(ws.spreadsheet_id, TAB):
            condition = v["rule"]["condition"]
            assert condition["type"] == "ONE_OF_RANGE" and v["rule"]["strict"]
            col = v["range"]["startColumnIndex"]
            assert v["range"]["endColumnIndex"] == col + 1 and "endRowIndex" not in v["range"]
            out.append((f"{chr(65 + col)}{v['range']['startRowIndex'] + 1}",
                        condition["values"][0]["userEnteredValue"]))
        return out
    sheet = openpyxl.load_workbook(ws.dir / "tonghop.xlsx")[TAB]
    return [(str(v.sqref).split(":")[0], v.formula1) for v in sheet.data_validations.dataValidation
            if v.type == "list"]


def test_round_trip_unknown_name_settled_by_staff_is_counted(cli, workspace):
    sync(cli, workspace)
    rows = {r[H.CORRECTION_NAME]: r for r in table(workspace)}
    unknown = rows[UNKNOWN]
    assert unknown[H.CORRECTION_STATE] == Standing.UNKNOWN
    assert unknown[H.CORRECTION_COUNT] == 4 and unknown[H.CORRECTION_CODE] == ""
    assert unknown[H.CORRECTION_WHERE].startswith("NTVT: ")
    guessed = next(r for r in rows.values() if r[H.CORRECTION_STATE] == Standing.GUESSED)
    assert guessed[H.CORRECTION_GUESS].startswith("TH04 - ") and 85 <= guessed[H.CORRECTION_SCORE] < 100
    # the staff column is a dropdown of the roster's codes (column A of "Đơn vị", row 2 down)
    source = dropdowns(workspace)
    assert len(source) == 1 and source[0][0] == "B2"
    assert source[0][1].lstrip("=") in ("'Đơn vị'!$A$2:$A", "'Đơn vị'!$A$2:$A$1048576")

    overdue = next(r for r in records(cli, workspace)
                   if r["campaign"] == "NTVT" and r["status"] == "overdue")
    set_cell(workspace, TAB, staff_cell(workspace, UNKNOWN), overdue["unit"].lower())
    if workspace.fake is not None:
        workspace.fake.reset_counts()
    sync(cli, workspace)

    after = next(r for r in records(cli, workspace)
                 if r["campaign"] == "NTVT" and r["unit"] == overdue["unit"])
    assert after["status"] != "overdue" and after["submitted_at"]
    row = next(r for r in table(workspace) if r[H.CORRECTION_NAME] == UNKNOWN)
    assert row[H.CORRECTION_STATE] == Standing.SETTLED
    assert row[H.CORRECTION_GUESS].startswith(overdue["unit"] + " - ")
    assert row[H.CORRECTION_CODE] == overdue["unit"].lower()  # staff's text, never rewritten
    if workspace.fake is not None:  # the dropdown was set once: no second rule, no extra request
        bodies = [r.json for r in workspace.fake.requests
                  if r.endpoint == "spreadsheets.batchUpdate"]
        assert not any("setDataValidation" in q for b in bodies for q in b["requests"])
        assert len(dropdowns(workspace)) == 1

    fingerprint = workspace.fingerprint()
    assert "nothing changed" in sync(cli, workspace).out
    assert workspace.fingerprint() == fingerprint


def test_a_code_not_on_the_roster_is_reported_and_not_used(cli, workspace):
    sync(cli, workspace)
    set_cell(workspace, TAB, staff_cell(workspace, UNKNOWN), "KHONGCO")
    result = sync(cli, workspace)
    assert "'KHONGCO' is not a unit code of the roster" in result.out + result.err
    row = next(r for r in table(workspace) if r[H.CORRECTION_NAME] == UNKNOWN)
    assert row[H.CORRECTION_STATE] == Standing.BAD_CODE and row[H.CORRECTION_CODE] == "KHONGCO"
    responses = workspace.values("Câu trả lời biểu mẫu 1")
    verdict = responses[0].index(H.VERDICT_COL)
    unknown_rows = [r for r in responses[1:] if UNKNOWN in r]
    assert unknown_rows and all(r[verdict] == Verdict.UNKNOWN_UNIT.label for r in unknown_rows)


# --- the rules, without a backend ---------------------------------------------------------------
UNITS = [Unit("P03", "UBND phường Khương Trung", "Phường"), Unit("TH08", "Trường TH Khương Trung",
                                                                "Trường")]


def result(campaign, row, typed, match):
    return RowResult(Response(campaign, row, None, typed, {}, match), Verdict.UNKNOWN_UNIT)


def test_one_row_per_typed_name_across_campaigns():
    none = Match(MatchKind.NONE)
    ambiguous = Match(MatchKind.AMBIGUOUS, candidates=tuple(UNITS), score=0.0)
    rows = correction_rows([
        result("A", 5, "Khương Trung", ambiguous),
        result("B", 3, "khương  trung.", ambiguous),  # the same name, typed differently
        result("A", 7, "Quốc tế ABC", none),
        result("A", 8, "", none),  # nothing typed: nothing to settle (flagged in the row)
        result("A", 9, "UBND phường Khương Trung", Match(MatchKind.EXACT, UNITS[0])),
    ], Settled())
    assert [r[H.CORRECTION_NAME] for r in rows] == ["Khương Trung", "Quốc tế ABC"]
    assert rows[0][H.CORRECTION_WHERE] == "A: 5; B: 3" and rows[0][H.CORRECTION_COUNT] == 2
    assert rows[0][H.CORRECTION_STATE] == Standing.AMBIGUOUS
    assert rows[0][H.CORRECTION_GUESS] == ("P03 - UBND phường Khương Trung, "
                                           "TH08 - Trường TH Khương Trung")
    assert H.CORRECTION_CODE not in rows[0]  # staff's column is never in what the tool writes


def test_read_settled_codes_by_typed_name():
    tab = Tab(TAB, [
        [H.CORRECTION_NAME, H.CORRECTION_CODE],
        ["Khương Trung", " p03 "],
        ["KHƯƠNG TRUNG", "TH08"],  # same name settled twice: the first counts
        ["Quốc tế ABC", "XYZ"],
        ["Khác", ""],
    ], 1000, 26)
    settled, problems = read_settled(tab, UNITS)
    assert settled.codes == {typed_key("Khương Trung"): "P03"}
    assert settled.bad == {typed_key("Quốc tế ABC"): "XYZ"}
    assert [(p.row, p.column) for p in problems] == [(3, H.CORRECTION_CODE), (4, H.CORRECTION_CODE)]
    assert "was settled as P03 on row 2" in problems[0].message


def test_a_tab_without_the_staff_column_is_reported():
    settled, problems = read_settled(Tab(TAB, [[H.CORRECTION_NAME], ["x"]], 10, 2), UNITS)
    assert settled.codes == {} and problems[0].column == H.CORRECTION_CODE


def test_the_fake_checks_a_dropdown_like_sheets():
    fake_google = FakeGoogle()
    sid = fake_google.add_spreadsheet(tabs={"Đơn vị": [["Mã đơn vị"], ["P03"]], TAB: [["x"]]})
    book = gspread.Client(None, fake_google.session()).open_by_key(sid)
    sheet_id = book.worksheet(TAB).id
    rule = {"range": {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": 1,
                      "endColumnIndex": 2},
            "rule": {"condition": {"type": "ONE_OF_RANGE",
                                   "values": [{"userEnteredValue": "='Không có'!$A$2:$A"}]}}}
    with pytest.raises(gspread.exceptions.APIError, match="not a range of this spreadsheet"):
        book.batch_update({"requests": [{"setDataValidation": rule}]})
    rule["rule"]["condition"]["values"][0]["userEnteredValue"] = "='Đơn vị'!$A$2:$A"
    book.batch_update({"requests": [{"setDataValidation": rule}]})
    book.batch_update({"requests": [{"setDataValidation": rule}]})  # the same range: replaced
    assert len(fake_google.data_validations(sid, TAB)) == 1


def test_a_staff_column_deleted_by_mistake_comes_back_with_its_dropdown(demo_dir):
    from sync.backends.local import LocalWorkbookBackend
    from sync.config import load_config
    from sync.cycle import run_cycle
    from sync.rules.timeparse import parse_moment

    config = load_config(demo_dir / "config.toml")
    backend = LocalWorkbookBackend(demo_dir / "tonghop.xlsx")
    now = parse_moment(DEMO_NOW, config.tz).at
    run_cycle(config, backend, now)
    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    wb[TAB].delete_cols(2)  # "Mã đơn vị đúng"
    wb[TAB].data_validations.dataValidation.clear()
    wb.save(path)
    result = run_cycle(config, backend, now)
    assert any(p.column == H.CORRECTION_CODE and "adds the column back" in p.message
               for p in result.state.problems)
    sheet = openpyxl.load_workbook(path)[TAB]
    header = [c.value for c in sheet[1]]
    assert header[-1] == H.CORRECTION_CODE
    (rule,) = sheet.data_validations.dataValidation
    assert str(rule.sqref).startswith(f"{openpyxl.utils.get_column_letter(len(header))}2")


def test_a_guessed_name_counts_for_no_unit_until_staff_confirm_it(cli, workspace):
    guessed_name = "Trường Tiểu học Kim Gang"  # the demo's NTVT row with a letter dropped
    sync(cli, workspace)
    responses = workspace.values("Câu trả lời biểu mẫu 1")
    head = responses[0]

    def the_row():
        rows = workspace.values("Câu trả lời biểu mẫu 1")
        return next(r for r in rows[1:] if guessed_name in r)
    row = the_row()
    assert row[head.index(H.VERDICT_COL)] == Verdict.UNKNOWN_UNIT.label
    assert row[head.index(H.MATCHED_COL)].startswith("đoán TH04 - ") and "chưa tính" in row[head.index(H.MATCHED_COL)]
    detail = next(r for r in workspace.values(H.DETAIL_TAB) if r[:2] == ["NTVT", "TH04"])
    assert "'Trường Tiểu học Kim Gang', đoán là đơn vị này: chưa tính" in detail[-1]

    set_cell(workspace, TAB, staff_cell(workspace, guessed_name), "TH04")  # staff confirm it
    sync(cli, workspace)
    row = the_row()
    assert row[head.index(H.VERDICT_COL)] != Verdict.UNKNOWN_UNIT.label
    assert row[head.index(H.MATCHED_COL)] == "TH04 - Trường Tiểu học Kim Giang"
    detail = next(r for r in workspace.values(H.DETAIL_TAB) if r[:2] == ["NTVT", "TH04"])
    assert "đoán là đơn vị này" not in str(detail[-1])

"""The reliability matrix (issue 9): staff edits between and during a cycle, hostile cells,
faults; in every scenario no staff cell changes (compared cell by cell, tests/staffcells.py)."""

from __future__ import annotations

import os
import time
from datetime import datetime

import gspread
import openpyxl
import pytest

from sync.backends import open_backend
from sync.backends.local import LocalWorkbookBackend
from sync.config import load_config
from sync.cycle import apply_writes, plan_writes, read_state
from sync.rules import headers as H
from sync.rules.book import column_letters
from sync.rules.timeparse import parse_moment
from tests.staffcells import changed_staff_cells, fault, staff_cells, workbook_tabs

NOW = "2023-06-20T10:00"
FORM = "Câu trả lời biểu mẫu 3"


def local(demo_dir):
    config = load_config(demo_dir / "config.toml")
    return config, LocalWorkbookBackend(demo_dir / "tonghop.xlsx")


def cycle(demo_dir, now=NOW, during=None):
    """One cycle on the local workbook; ``during(path)`` is a staff edit saved between the read
    and the write."""
    config, backend = local(demo_dir)
    state = read_state(config, backend, parse_moment(now, config.tz).at)
    batches = plan_writes(config, state)
    if during is not None:
        during(demo_dir / "tonghop.xlsx")
    apply_writes(backend, batches, state.problems)
    return state, batches


def edit(path, change):
    fault()
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


def insert_column(title, at, header):
    def change(wb):
        ws = wb[title]
        ws.insert_cols(at)
        ws.cell(row=1, column=at).value = header
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=at).value = f"ghi chú {r}"
    return lambda path: edit(path, change)


def test_column_inserted_during_the_first_cycle_is_not_overwritten(demo_dir):
    path = demo_dir / "tonghop.xlsx"
    staff_edit = insert_column(FORM, 2, "Ghi chú của phòng")
    state, _ = cycle(demo_dir, during=lambda p: (staff_edit(p), before.update(
        staff_cells(workbook_tabs(p)))))
    assert changed_staff_cells(before, workbook_tabs(path)) == []
    skipped = [p for p in state.problems if p.tab == FORM and "not written" in p.message]
    assert skipped and "planned again next cycle" in skipped[0].message
    cycle(demo_dir)  # the next cycle re-plans from a fresh read and writes the columns
    header = workbook_tabs(path)[FORM][0]
    assert H.VERDICT_COL in header and header[1] == "Ghi chú của phòng"


before: dict = {}


@pytest.fixture(autouse=True)
def _fresh_picture():
    before.clear()


def test_column_inserted_during_a_later_cycle_is_not_overwritten(demo_dir):
    path = demo_dir / "tonghop.xlsx"
    cycle(demo_dir)
    verdict_at = workbook_tabs(path)[FORM][0].index(H.VERDICT_COL) + 1

    def blank_verdicts(wb):  # something for the next cycle to write in the tool's column
        for r in range(2, wb[FORM].max_row + 1):
            wb[FORM].cell(row=r, column=verdict_at).value = None
    edit(path, blank_verdicts)
    staff_edit = insert_column(FORM, 1, "STT")
    state, batches = cycle(demo_dir, during=lambda p: (staff_edit(p), before.update(
        staff_cells(workbook_tabs(p)))))
    assert any(c.tab == FORM for c in batches[""].cells)
    assert changed_staff_cells(before, workbook_tabs(path)) == []
    assert any(p.tab == FORM and "expected header" in p.message for p in state.problems)
    cycle(demo_dir)
    tabs = workbook_tabs(path)
    col = tabs[FORM][0].index(H.VERDICT_COL)
    assert all(row[col] for row in tabs[FORM][1:] if row[1])


def test_unheaded_notes_right_of_the_headers_are_not_overwritten(demo_dir):
    path = demo_dir / "tonghop.xlsx"

    def notes(wb):
        ws = wb[FORM]
        ws.cell(row=3, column=len(list(ws[1])) + 2).value = "đã gọi điện nhắc"
    edit(path, notes)
    before.update(staff_cells(workbook_tabs(path)))
    cycle(demo_dir)
    assert changed_staff_cells(before, workbook_tabs(path)) == []


def test_merged_cells_over_a_tool_cell_skip_that_cell_and_name_it(demo_dir):
    path = demo_dir / "tonghop.xlsx"
    cycle(demo_dir)

    def merge(wb):
        ws = wb[H.STATUS_TAB]
        header = [c.value for c in ws[1]]
        col = header.index(next(h for h in header if h and h.startswith("PCCC"))) + 1
        letter = openpyxl.utils.get_column_letter(col)
        ws[f"{letter}4"] = None
        ws.merge_cells(f"{letter}4:{letter}5")
    edit(path, merge)
    state, _ = cycle(demo_dir)
    merged = [str(p) for p in state.problems if "merged range" in p.message]
    assert merged and f"tab '{H.STATUS_TAB}'" in merged[0] and "unmerge" in merged[0]
    state, _ = cycle(demo_dir)  # every later cycle runs, and says the same
    assert [str(p) for p in state.problems if "merged range" in p.message] == merged


def set_config(demo_dir, old, new):
    path = demo_dir / "config.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("key, name", [("detail", FORM), ("status", H.ROSTER_TAB),
                                       ("log", H.STATUS_TAB)])
def test_tool_tab_named_like_a_staff_tab_is_refused_at_load_and_by_check(demo_dir, cli, key, name):
    path = demo_dir / "tonghop.xlsx"
    config = demo_dir / "config.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + f'\n[tabs]\n{key} = "{name}"\n' if "[tabs]" not in text
                      else text.replace("[tabs]", f'[tabs]\n{key} = "{name}"', 1), encoding="utf-8")
    before.update(staff_cells(workbook_tabs(path)))
    for args in (("check",), ("sync", "--now", NOW)):
        result = cli(*args, "--config", config)
        assert result.code == 3, (args, result.out, result.err)
        assert f"'tabs.{key}' = '{name}'" in result.err and "another name" in result.err \
            or "every tab needs its own name" in result.err, result.err
    assert changed_staff_cells(before, workbook_tabs(path)) == []


def test_two_campaigns_on_one_tab_are_reported_and_the_sheet_settles(demo_dir, cli):
    path = demo_dir / "tonghop.xlsx"

    def same_tab(wb):
        wb[H.CAMPAIGNS_TAB]["C5"] = FORM  # NSNN now names PCCC's form tab too
    edit(path, same_tab)
    config = demo_dir / "config.toml"
    check = cli("check", "--config", config)
    assert check.code == 4 and "campaign NSNN skipped: tab" in check.out
    assert "already read by campaign PCCC (row 4)" in check.out
    cycle(demo_dir)
    _, batches = cycle(demo_dir, now="2023-06-20T10:05")
    assert batches == {}  # settled: the second cycle writes nothing


def test_a_duplicate_header_with_other_values_skips_the_campaign_instead_of_guessing(demo_dir):
    path = demo_dir / "tonghop.xlsx"

    def duplicate(wb):
        ws = wb[FORM]
        ws.insert_cols(2)
        ws["B1"] = "Tên đơn vị"
        ws["B2"] = "Phường Nhân Chính"  # a stray name typed into the copy
    edit(path, duplicate)
    state, _ = cycle(demo_dir)
    problem = next(str(p) for p in state.problems if "PCCC skipped" in p.message)
    assert "'Tên đơn vị' in columns B, D" in problem and "will not guess" in problem
    assert "PCCC" not in {c.code for c in state.campaigns}
    assert {"NTVT", "KN75", "NSNN"} <= {c.code for c in state.campaigns}


def test_a_duplicate_header_over_an_empty_column_reads_the_filled_one(demo_dir):
    path = demo_dir / "tonghop.xlsx"
    expected = {s.unit.code: s.status for s in cycle(demo_dir)[0].statuses_of("PCCC")}

    def empty_copy(wb):
        ws = wb[FORM]
        ws.insert_cols(2)
        ws["B1"] = "Tên đơn vị"
    edit(path, empty_copy)
    state, _ = cycle(demo_dir, now=NOW)
    assert {s.unit.code: s.status for s in state.statuses_of("PCCC")} == expected


def test_a_negative_snapshot_keep_is_refused(demo_dir, cli):
    config = set_config(demo_dir, 'data_dir = "data"', 'data_dir = "data"\nsnapshot_keep = -5')
    result = cli("sync", "--config", config, "--now", NOW)
    assert result.code == 3 and "'snapshot_keep' = -5 must be 0 (no snapshots) or more" in result.err


# --- Google: tool columns anchored by developer metadata ---------------------------------------
def google_cycle(ws, now=NOW, during=None):
    """One cycle against the fake; ``during()`` is a staff edit between the read and the write."""
    config = load_config(ws.config_path)
    backend = open_backend(config)
    state = read_state(config, backend, parse_moment(now, config.tz).at)
    batches = plan_writes(config, state)
    if during is not None:
        during()
    apply_writes(backend, batches, state.problems)
    return state, batches


def google_tabs(ws):
    return {t: ws.values(t) for t in ws.tab_titles()}


def staff_request(ws, *requests):
    """What staff do in the Sheets UI, as the API sees it."""
    fault(len(requests))
    book = gspread.Client(None, ws.fake.session()).open_by_key(ws.spreadsheet_id)
    book.batch_update({"requests": list(requests)})


def sheet_id(ws, title):
    return ws.fake.spreadsheet(ws.spreadsheet_id).find_sheet(title).sheet_id


def columns(ws, title, dimension_request, **extra):
    return {dimension_request: {"range" if dimension_request != "moveDimension" else "source": {
        "sheetId": sheet_id(ws, title), "dimension": "COLUMNS", **extra.pop("span")}, **extra}}


def staff_insert_column(ws, title, at, header):
    def edit():
        staff_request(ws, columns(ws, title, "insertDimension", span={"startIndex": at - 1,
                                                                      "endIndex": at}))
        rows = len(ws.values(title))
        ws.fake.set_values(ws.spreadsheet_id, title, f"{column_letters(at)}1",
                           [[header]] + [[f"ghi chú {r}"] for r in range(2, rows + 1)])
        before.update(staff_cells(google_tabs(ws)))
    return edit


def blank_tool_column(ws, title, header):
    rows = ws.values(title)
    col = rows[0].index(header) + 1
    ws.fake.set_values(ws.spreadsheet_id, title, f"{column_letters(col)}2",
                       [[""] for _ in rows[1:]])


def test_google_column_inserted_during_the_first_cycle_is_not_overwritten(google_workspace):
    ws = google_workspace
    state, _ = google_cycle(ws, during=staff_insert_column(ws, FORM, 2, "Ghi chú của phòng"))
    assert changed_staff_cells(before, google_tabs(ws)) == []
    assert any(p.tab == FORM and "not written" in p.message for p in state.problems)
    google_cycle(ws)  # re-planned from a fresh read: the columns land right of staff's data
    header = ws.values(FORM)[0]
    assert H.VERDICT_COL in header and header[1] == "Ghi chú của phòng"
    _, batches = google_cycle(ws)
    assert batches == {}


@pytest.mark.parametrize("at", [1, 3])
def test_google_column_inserted_during_a_later_cycle_moves_the_write_with_it(google_workspace, at):
    ws = google_workspace
    google_cycle(ws)
    wanted = ws.values(FORM)
    blank_tool_column(ws, FORM, H.VERDICT_COL)
    state, batches = google_cycle(ws, during=staff_insert_column(ws, FORM, at, "STT"))
    assert any(c.tab == FORM for c in batches[""].cells)
    assert changed_staff_cells(before, google_tabs(ws)) == []
    now = ws.values(FORM)
    col = wanted[0].index(H.VERDICT_COL)
    assert [row[col + 1] if len(row) > col + 1 else "" for row in now[1:]] == \
        [row[col] if len(row) > col else "" for row in wanted[1:]]  # landed one to the right
    assert not [p for p in state.problems if "not written" in p.message]


def test_google_tool_column_moved_during_a_cycle_is_followed(google_workspace):
    ws = google_workspace
    google_cycle(ws)
    blank_tool_column(ws, FORM, H.VERDICT_COL)
    col = ws.values(FORM)[0].index(H.VERDICT_COL)

    def move():
        staff_request(ws, columns(ws, FORM, "moveDimension", span={"startIndex": col,
                                                                    "endIndex": col + 1},
                                  destinationIndex=1))
        before.update(staff_cells(google_tabs(ws)))
    google_cycle(ws, during=move)
    assert changed_staff_cells(before, google_tabs(ws)) == []
    rows = ws.values(FORM)
    assert rows[0][1] == H.VERDICT_COL and all(row[1] for row in rows[1:] if row and row[0])


def test_google_tool_column_deleted_during_a_cycle_is_not_written_anywhere(google_workspace):
    ws = google_workspace
    google_cycle(ws)
    blank_tool_column(ws, FORM, H.VERDICT_COL)
    col = ws.values(FORM)[0].index(H.VERDICT_COL)

    def delete():
        staff_request(ws, columns(ws, FORM, "deleteDimension", span={"startIndex": col,
                                                                      "endIndex": col + 1}))
        before.update(staff_cells(google_tabs(ws)))
    state, _ = google_cycle(ws, during=delete)
    assert changed_staff_cells(before, google_tabs(ws)) == []
    assert any("was deleted since the read" in p.message for p in state.problems)
    google_cycle(ws)  # the next cycle creates the column again
    assert H.VERDICT_COL in ws.values(FORM)[0]


def test_google_merged_range_over_a_tool_cell_is_skipped_and_named(google_workspace):
    ws = google_workspace
    google_cycle(ws)
    header = ws.values(H.STATUS_TAB)[0]
    col = header.index(next(h for h in header if h.startswith("PCCC")))
    ws.fake.set_values(ws.spreadsheet_id, H.STATUS_TAB, f"{column_letters(col + 1)}4", [[""]])
    staff_request(ws, {"mergeCells": {"mergeType": "MERGE_ALL", "range": {
        "sheetId": sheet_id(ws, H.STATUS_TAB), "startRowIndex": 3, "endRowIndex": 5,
        "startColumnIndex": col, "endColumnIndex": col + 1}}})
    state, _ = google_cycle(ws)
    merged = [str(p) for p in state.problems if "merged range" in p.message]
    assert merged and f"{column_letters(col + 1)}4:{column_letters(col + 1)}5" in merged[0]


# --- cells that cannot stop a cycle ----------------------------------------------------------
# NaN and infinities cannot be stored in an .xlsx (they read back empty): tried on Google below.
HOSTILE = [3000000, 1e308, -5, "0912345678", "1e308", "31/02/2023", "\u200b", True]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_a_hostile_timestamp_or_deadline_stops_nothing_else(demo_dir, value):
    path = demo_dir / "tonghop.xlsx"

    def poison(wb):
        wb[FORM]["A2"] = value  # one response's timestamp (PCCC's tab)
        wb[H.CAMPAIGNS_TAB]["E5"] = value  # NSNN's deadline
    edit(path, poison)
    before.update(staff_cells(workbook_tabs(path)))
    state, _ = cycle(demo_dir)
    deadline = [str(p) for p in state.problems if p.row == 5 and p.column == "Hạn nộp"]
    if value == "\u200b":  # an empty cell is no deadline
        assert {c.code for c in state.campaigns} == {"NTVT", "KN75", "PCCC", "NSNN"}
    else:  # a deadline that cannot be read: that campaign is skipped (fails closed), no other
        assert {c.code for c in state.campaigns} == {"NTVT", "KN75", "PCCC"}
        assert deadline and "NSNN skipped" in deadline[0], state.problems
    stamp = [str(p) for p in state.problems if p.tab == FORM and p.row == 2]
    assert stamp and "timestamp" in stamp[0], state.problems
    row2 = next(r for r in state.rows if r.response.campaign_code == "PCCC" and r.response.row == 2)
    assert row2.verdict.value == "bad_timestamp"
    assert changed_staff_cells(before, workbook_tabs(path)) == []


def test_google_huge_serial_in_a_timestamp_stops_nothing(google_workspace):
    ws = google_workspace
    fault(4)
    ws.fake.set_values(ws.spreadsheet_id, FORM, "A2", [[3000000]])
    ws.fake.set_values(ws.spreadsheet_id, FORM, "A3", [[1e308]])
    ws.fake.set_values(ws.spreadsheet_id, FORM, "A4", [["NaN"]])
    ws.fake.set_values(ws.spreadsheet_id, H.CAMPAIGNS_TAB, "E4", [[1e308]])
    state, _ = google_cycle(ws)
    assert {c.code for c in state.campaigns} == {"NTVT", "KN75", "NSNN"}  # PCCC: its deadline
    assert "PCCC" in state.skipped
    assert any(p.row == 4 and p.column == "Hạn nộp" and "1e+308" in p.message
               for p in state.problems)
    ws.fake.set_values(ws.spreadsheet_id, H.CAMPAIGNS_TAB, "E4", [["30/6/2023"]])
    state, _ = google_cycle(ws)
    flagged = {p.row for p in state.problems if p.tab == FORM and "timestamp" in p.message}
    assert flagged == {2, 3, 4}


def test_a_far_future_timestamp_does_not_supersede_the_real_submission(demo_dir):
    path = demo_dir / "tonghop.xlsx"
    first, _ = cycle(demo_dir)
    row = next(r for r in first.rows if r.response.campaign_code == "PCCC"
               and r.verdict.value == "valid")
    unit = row.response.match.unit

    def resubmit_in_2099(wb):
        ws = wb[FORM]
        line = [c.value for c in ws[row.response.row]]
        line[0] = datetime(2099, 1, 1, 8, 0)
        ws.append(line)
    edit(path, resubmit_in_2099)
    state, _ = cycle(demo_dir)
    status = next(s for s in state.statuses_of("PCCC") if s.unit.code == unit.code)
    assert status.submitted_at == row.response.submitted_at
    assert any("in the future; not counted" in p.message for p in state.problems)


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u2060", "\ufeff", "\u200e"])
def test_invisible_characters_neither_defeat_matching_nor_count_as_an_answer(demo_dir, invisible):
    path = demo_dir / "tonghop.xlsx"
    first, _ = cycle(demo_dir)
    row = next(r for r in first.rows if r.response.campaign_code == "PCCC"
               and r.verdict.value == "valid" and r.response.match.kind.value == "exact")
    name = row.response.unit_text

    def garble(wb):
        ws = wb[FORM]
        header = [c.value for c in ws[1]]
        ws.cell(row=row.response.row, column=header.index("Tên đơn vị") + 1).value = \
            name[:3] + invisible + name[3:]
        ws.cell(row=row.response.row, column=header.index("Kết quả 6 tháng") + 1).value = invisible
    edit(path, garble)
    state, _ = cycle(demo_dir)
    again = next(r for r in state.rows if r.response.row == row.response.row
                 and r.response.campaign_code == "PCCC")
    assert again.response.match.unit == row.response.match.unit
    assert again.verdict.value == "incomplete"  # the answer holding only {invisible} is empty


# --- local saves keep what staff made ----------------------------------------------------------
X14_MAIN = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="' + X14_MAIN + '">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>'Đơn vị'!$B$2:$B$90</xm:f></x14:formula1><xm:sqref>K2:K50</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext></extLst>")


def rewrite_part(path, name, change):
    """Edit one part of the .xlsx as Excel would have saved it (what openpyxl cannot write)."""
    import zipfile
    with zipfile.ZipFile(path) as old:
        parts = {i.filename: old.read(i.filename) for i in old.infolist()}
    parts[name] = change(parts[name].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for part, data in parts.items():
            new.writestr(part, data)


def cached(xml, ref, value, kind=None):
    """Give a formula cell the value Excel saves beside it."""
    import re
    found = re.search(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v></v></c>', xml)
    assert found, ref
    kind = f' t="{kind}"' if kind else ""
    return xml.replace(found.group(0),
                       f'<c r="{ref}"{found.group(1)}{kind}><f>{found.group(2)}</f><v>{value}</v></c>')


def staff_workbook(path):
    """The demo as an office has it after a year of Excel: a deadline and an e-mail built by
    formula (saved with their values), a chart, an image, and a dropdown whose list is on
    another tab (an x14 data validation)."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.drawing.image import Image
    from PIL import Image as Picture

    wb = openpyxl.load_workbook(path)
    wb[H.CAMPAIGNS_TAB]["E4"] = "=DATE(2023,6,30)"
    wb[H.ROSTER_TAB]["D2"] = '=LOWER(A2)&"@thanhxuan.example.vn"'
    chart = BarChart()
    chart.add_data(Reference(wb[H.ROSTER_TAB], min_col=1, min_row=1, max_row=5))
    wb[H.ROSTER_TAB].add_chart(chart, "M2")
    Picture.new("RGB", (8, 8), "red").save(path.parent / "logo.png")
    wb[H.CAMPAIGNS_TAB].add_image(Image(path.parent / "logo.png"), "M2")
    wb.save(path)
    sheets = {ws.title: f"xl/worksheets/sheet{i}.xml" for i, ws in enumerate(wb.worksheets, 1)}
    rewrite_part(path, sheets[H.CAMPAIGNS_TAB], lambda x: cached(x, "E4", "45107"))
    rewrite_part(path, sheets[H.ROSTER_TAB], lambda x: cached(
        x, "D2", "dg01@thanhxuan.example.vn", 'str').replace("</worksheet>",
                                                               X14_VALIDATION + "</worksheet>"))
    return sheets


def test_local_save_keeps_cached_formula_values_validations_charts_and_images(demo_dir):
    import zipfile

    from python_calamine import CalamineWorkbook

    path = demo_dir / "tonghop.xlsx"
    sheets = staff_workbook(path)
    roster_xml = zipfile.ZipFile(path).read(sheets[H.ROSTER_TAB]).decode()
    assert "x14:dataValidation" in roster_xml and "<v>dg01@" in roster_xml
    with zipfile.ZipFile(path) as z:
        before = {i.filename: z.read(i.filename) for i in z.infolist()}
    cycle(demo_dir)
    with zipfile.ZipFile(path) as z:
        after = {i.filename: z.read(i.filename) for i in z.infolist()}
    untouched = [n for n in before if n not in (
        "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml",
        sheets[FORM], *[s for t, s in sheets.items() if t.startswith("Câu trả lời")])]
    assert {n: after.get(n) for n in untouched} == {n: before[n] for n in untouched}
    assert any(n.startswith("xl/charts/") for n in after) and any(n.startswith("xl/media/") for n in after)
    book = CalamineWorkbook.from_path(str(path))
    assert book.get_sheet_by_name(H.CAMPAIGNS_TAB).to_python()[3][4] == datetime(2023, 6, 30) \
        or book.get_sheet_by_name(H.CAMPAIGNS_TAB).to_python()[3][4] == 45107.0
    assert book.get_sheet_by_name(H.ROSTER_TAB).to_python()[1][3] == "dg01@thanhxuan.example.vn"
    state, batches = cycle(demo_dir, now="2023-06-20T10:05")  # the formulas still read
    assert batches == {}
    pccc = next(c for c in state.campaigns if c.code == "PCCC")
    assert (pccc.deadline.day, pccc.deadline.month) == (30, 6)
    wb = openpyxl.load_workbook(path)  # and the file opens (openpyxl validates the package)
    assert H.STATUS_TAB in wb.sheetnames and wb[H.STATUS_TAB].freeze_panes == "A2"


def test_a_date_cell_out_of_range_survives_a_save(demo_dir):
    from python_calamine import CalamineWorkbook
    path = demo_dir / "tonghop.xlsx"
    edit(path, lambda wb: wb[FORM].__setitem__("A2", 3000000))
    cycle(demo_dir)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(FORM).to_python()
    assert rows[1][0] == 3000000.0


def test_a_read_only_workbook_is_refused_with_a_message(demo_dir, cli):
    path = demo_dir / "tonghop.xlsx"
    path.chmod(0o444)
    fault()
    try:
        before = path.read_bytes()
        result = cli("sync", "--config", demo_dir / "config.toml", "--now", NOW)
        assert result.code == 4 and "is read-only" in result.err and "Traceback" not in result.err
        assert path.read_bytes() == before
    finally:
        path.chmod(0o644)


def test_a_crashed_saves_temp_file_is_cleaned_up(demo_dir):
    stale = demo_dir / ".tonghop.xlsx.abc123.tmp"
    stale.write_bytes(b"half a zip")
    fault()
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = demo_dir / ".tonghop.xlsx.def456.tmp"  # another save in progress: left alone
    fresh.write_bytes(b"")
    cycle(demo_dir)
    assert not stale.exists() and fresh.exists()


# --- settling and repair -----------------------------------------------------------------------
def test_colours_are_repaired_after_a_write_failed_between_values_and_colours(google_workspace, cli):
    from sync.rules.models import Status
    from sync.rules.plan import STATUS_COLOURS
    from sync.rules.timeparse import SHEETS_EPOCH

    ws = google_workspace
    config = ws.config_path
    assert cli("sync", "--config", config, "--now", NOW).code == 0
    status = ws.values(H.STATUS_TAB)
    col = next(i for i, h in enumerate(status[0]) if str(h).startswith("NTVT"))
    row = next(r for r, line in enumerate(status[1:], 2) if line[col] == Status.OVERDUE.label)
    unit_name = status[row - 1][1]
    form = "Câu trả lời biểu mẫu 1"
    rows = ws.values(form)
    line = [(datetime(2023, 6, 20, 9) - SHEETS_EPOCH).total_seconds() / 86400 if i == 0 else
            unit_name if h == "Tên đơn vị" else "" if str(h).startswith("tonghop")
            else "3" if str(h).startswith("Số") else "có"  # a figure question wants a number
            for i, h in enumerate(rows[0])]
    ws.fake.set_values(ws.spreadsheet_id, form, f"A{len(rows) + 1}", [line])
    fault()
    ws.fake.fail_next(400, times=1, endpoint="spreadsheets.batchUpdate")
    assert cli("sync", "--config", config, "--now", NOW).code == 5  # values landed, colours not
    where = f"{column_letters(col + 1)}{row}"
    assert ws.values(H.STATUS_TAB)[row - 1][col] == Status.LATE.label
    red, amber = STATUS_COLOURS[Status.OVERDUE], STATUS_COLOURS[Status.LATE]
    cell = ws.fake.cell(ws.spreadsheet_id, H.STATUS_TAB, where)
    assert cell.background["red"] == pytest.approx(int(red[1:3], 16) / 255)  # stale
    assert cli("sync", "--config", config, "--now", NOW).code == 0  # the value is right already
    cell = ws.fake.cell(ws.spreadsheet_id, H.STATUS_TAB, where)
    assert cell.background["red"] == pytest.approx(int(amber[1:3], 16) / 255)  # repaired
    ws.fake.reset_counts()
    assert cli("sync", "--config", config, "--now", NOW).code == 0
    assert ws.fake.count("spreadsheets.batchUpdate") == 0  # repainted once, then settled


def test_google_colours_follow_a_column_inserted_during_the_cycle(google_workspace, cli):
    """Colours are sent after the values, where the anchors say the columns are now."""
    from sync.rules.models import Status
    from sync.rules.timeparse import SHEETS_EPOCH

    ws = google_workspace
    google_cycle(ws)
    status = ws.values(H.STATUS_TAB)
    col = next(i for i, h in enumerate(status[0]) if str(h).startswith("NTVT"))
    row = next(r for r, line in enumerate(status[1:], 2) if line[col] == Status.OVERDUE.label)
    form = "Câu trả lời biểu mẫu 1"
    rows = ws.values(form)
    line = [(datetime(2023, 6, 20, 9) - SHEETS_EPOCH).total_seconds() / 86400 if i == 0 else
            status[row - 1][1] if h == "Tên đơn vị" else "" if str(h).startswith("tonghop") else "có"
            for i, h in enumerate(rows[0])]
    ws.fake.set_values(ws.spreadsheet_id, form, f"A{len(rows) + 1}", [line])

    def insert():
        staff_request(ws, columns(ws, H.STATUS_TAB, "insertDimension",
                                  span={"startIndex": 0, "endIndex": 1}))
        before.update(staff_cells(google_tabs(ws)))
    google_cycle(ws, during=insert)
    moved = ws.fake.cell(ws.spreadsheet_id, H.STATUS_TAB, f"{column_letters(col + 2)}{row}")
    assert moved.background["red"] == pytest.approx(0xFC / 255)  # amber, on the moved cell
    stayed = ws.fake.cell(ws.spreadsheet_id, H.STATUS_TAB, f"{column_letters(col + 1)}{row}")
    assert not stayed.background or stayed.background.get("red") != pytest.approx(0xFC / 255)


def test_a_skipped_campaign_keeps_its_last_status_and_detail_rows_alike(demo_dir):
    path = demo_dir / "tonghop.xlsx"
    cycle(demo_dir)
    tabs = workbook_tabs(path)
    detail_before = [r for r in tabs[H.DETAIL_TAB] if r[0] == "PCCC"]
    header = tabs[H.STATUS_TAB][0]
    col = next(i for i, h in enumerate(header) if h and str(h).startswith("PCCC"))
    status_before = [r[col] for r in tabs[H.STATUS_TAB]]
    edit(path, lambda wb: wb[H.CAMPAIGNS_TAB].__setitem__("C4", "Tab đã bị xoá"))
    state, _ = cycle(demo_dir)
    assert "PCCC" in state.skipped and any("PCCC skipped" in p.message for p in state.problems)
    tabs = workbook_tabs(path)
    assert [r for r in tabs[H.DETAIL_TAB] if r[0] == "PCCC"] == detail_before and detail_before
    assert [r[col] for r in tabs[H.STATUS_TAB]] == status_before


def test_a_full_disk_is_one_line_exit_5_and_the_workbook_intact(demo_dir, cli, monkeypatch):
    from logging.handlers import RotatingFileHandler

    from sync.unattended import snapshots

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(snapshots, "_write_atomically", full)
    monkeypatch.setattr(RotatingFileHandler, "shouldRollover", full)
    fault(2)
    path = demo_dir / "tonghop.xlsx"
    before = path.read_bytes()
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", NOW)
    assert result.code == 5, result.err
    assert "Traceback" not in result.err and "Logging error" not in result.err
    assert "cannot save a snapshot" in result.err and "No space left on device" in result.err
    assert result.err.count("cannot write the log") == 1
    assert path.read_bytes() == before


def test_a_staff_save_while_the_tool_writes_wins_and_is_reported(demo_dir, monkeypatch):
    from sync.backends.xlsx_patch import XlsxPatch

    path = demo_dir / "tonghop.xlsx"
    real_save = XlsxPatch.save

    def save_and_staff_saves_too(self, handle):
        real_save(self, handle)
        edit(path, lambda wb: wb[H.ROSTER_TAB].__setitem__("H2", "sửa giữa chừng"))
        before.update(staff_cells(workbook_tabs(path)))
    monkeypatch.setattr(XlsxPatch, "save", save_and_staff_saves_too)
    state, _ = cycle(demo_dir)
    assert changed_staff_cells(before, workbook_tabs(path)) == []
    assert any("saved by someone else" in p.message for p in state.problems)
    assert [p.name for p in demo_dir.iterdir() if p.name.endswith(".tmp")] == []
    monkeypatch.setattr(XlsxPatch, "save", real_save)
    cycle(demo_dir)  # the next cycle writes what this one could not
    assert H.STATUS_TAB in workbook_tabs(path)
    assert workbook_tabs(path)[H.ROSTER_TAB][1][7] == "sửa giữa chừng"

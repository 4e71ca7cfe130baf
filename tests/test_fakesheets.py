"""Behaviour of the Sheets/Drive fake, exercised through the real gspread client.

Every test talks HTTP: ``gspread.Client(None, fake.session())`` or plain
``requests`` on the fake's session. Where a test pins an exact error text,
the text is the one the real API sends (recordings or public issue threads).
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime

import gspread
import pytest
import requests
from gspread.exceptions import APIError, SpreadsheetNotFound

from tests.fakesheets import FakeGoogle, FakeNotImplemented, InvalidRequestError, a1, numfmt

FORM = "Câu trả lời biểu mẫu 1"
STATUS = "Trạng thái"
UPLOAD = "https://www.googleapis.com/upload/drive/v3/files"
FILES = "https://www.googleapis.com/drive/v3/files"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def serial(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> float:
    """Days since 1899-12-30 plus the fraction of the day (SERIAL_NUMBER)."""
    return (date(y, m, d) - date(1899, 12, 30)).days + (hh * 3600 + mm * 60 + ss) / 86400


@pytest.fixture
def fake():
    fake = FakeGoogle()
    yield fake
    fake.assert_clean()  # no request the real API would have refused


@pytest.fixture
def client(fake):
    client = gspread.Client(None, fake.session())
    client.set_timeout(5)
    return client


def forms_book(fake: FakeGoogle, locale: str = "vi_VN") -> str:
    return fake.add_spreadsheet(
        tabs={
            STATUS: [["Đơn vị", "Trạng thái"], ["Phòng A", "Đã nộp"]],
            FORM: [["Dấu thời gian", "Đơn vị", "Ghi chú"],
                   [serial(2026, 11, 25, 9, 5, 3), "Phòng A", ""],
                   [],
                   [serial(2026, 11, 5, 14, 0, 0), "Phòng B", "x"]],
        },
        title="Tổng hợp", locale=locale, time_zone="Asia/Ho_Chi_Minh", date_columns={FORM: [0]})


@pytest.fixture
def book(fake):
    return forms_book(fake)


def multipart(metadata: dict, content: bytes, mime: str, boundary: str = "tonghop-boundary") -> tuple[bytes, str]:
    """A multipart/related upload body, built by hand as a client without googleapiclient does."""
    body = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
            f"{json.dumps(metadata)}\r\n--{boundary}\r\nContent-Type: {mime}\r\n\r\n").encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/related; boundary={boundary}"


# -- A1 notation ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "sheet", "rect"), [
    (f"'{FORM}'!A1:C2", FORM, a1.Rect(0, 0, 2, 3)),
    ("'It''s'!A1", "It's", a1.Rect(0, 0, 1, 1)),
    ("Sheet1!A:C", "Sheet1", a1.Rect(0, 0, None, 3)),
    ("Sheet1!$B$2:c", "Sheet1", a1.Rect(1, 1, None, 3)),
    ("Sheet1!A1:1", "Sheet1", a1.Rect(0, 0, 1, None)),
    ("🌵 test 1!A:A", "🌵 test 1", a1.Rect(0, 0, None, 1)),
    (f"'{STATUS}'", STATUS, None),
    ("Sheet1!C3:A1", "Sheet1", a1.Rect(0, 0, 3, 3)),
])
def test_a1_parses_sheet_and_cells(text, sheet, rect):
    ref = a1.parse_range(text)
    assert (ref.sheet, ref.cells) == (sheet, rect)


def test_a1_bare_text_may_be_a_tab_or_cells():
    assert a1.parse_range("2:5") == a1.RangeRef(None, a1.Rect(1, 0, 5, None), bare="2:5")
    assert a1.parse_range(STATUS) == a1.RangeRef(None, None, bare=STATUS)


@pytest.mark.parametrize("text", ["Sheet1!", "'open!A1", "A1:B2:C3", "Sheet1!A0", "'x'y!A1", "Sheet1!A:1", ""])
def test_a1_rejects_garbage(text):
    with pytest.raises(a1.A1Error):
        ref = a1.parse_range(text)
        if ref.bare is not None and ref.cells is None:
            raise a1.A1Error(text)


def test_a1_prints_like_the_api():
    assert a1.format_range("Sheet1", a1.Rect(0, 0, 4, 4)) == "Sheet1!A1:D4"
    assert a1.format_range("🌵 test 1", a1.Rect(0, 0, 2, 3)) == "'🌵 test 1'!A1:C2"
    assert a1.format_range("It's", a1.Rect(0, 0, 1, 1)) == "'It''s'!A1"
    assert a1.format_range(FORM, a1.Rect(0, 0, 1000, 26)) == f"'{FORM}'!A1:Z1000"
    assert [a1.col_to_letters(c) for c in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert all(a1.letters_to_col(a1.col_to_letters(c)) == c for c in range(2000))


def test_serial_numbers_match_the_recorded_anchor():
    assert numfmt.to_serial(datetime(2020, 1, 1)) == 43831  # recorded: "2020-01-01" -> 43831
    assert numfmt.to_serial(datetime(1999, 1, 2)) == 36162  # recorded
    assert numfmt.format_datetime(serial(2026, 11, 25, 9, 5, 3), "dd/MM/yyyy H:mm:ss") == "25/11/2026 9:05:03"


# -- reading ------------------------------------------------------------------------------------------

def test_open_by_key_and_worksheets(fake, client, book):
    sh = client.open_by_key(book)
    assert sh.title == "Tổng hợp"
    assert sh.locale == "vi_VN" and sh.timezone == "Asia/Ho_Chi_Minh"
    assert fake.count("spreadsheets.get", book) == 1  # open_by_key is one metadata GET
    worksheets = sh.worksheets()
    assert [w.title for w in worksheets] == [STATUS, FORM]
    assert worksheets[0].id == 0 and worksheets[1].id != 0
    assert (worksheets[1].row_count, worksheets[1].col_count) == (1000, 26)
    assert fake.count("spreadsheets.get", book) == 2  # ...and worksheets() another one
    assert fake.requests[0].params == {"includeGridData": ["false"]}


def test_get_all_values_and_the_trimmed_wire_format(client, book):
    sh = client.open_by_key(book)
    assert sh.worksheet(FORM).get_all_values() == [  # gspread pads rows to equal length
        ["Dấu thời gian", "Đơn vị", "Ghi chú"],
        ["25/11/2026 9:05:03", "Phòng A", ""],
        ["", "", ""],
        ["05/11/2026 14:00:00", "Phòng B", "x"],
    ]
    raw = sh.values_get(f"'{FORM}'")
    assert raw["range"] == f"'{FORM}'!A1:Z1000"  # clipped to the grid, quoted as needed
    assert raw["values"][1:3] == [["25/11/2026 9:05:03", "Phòng A"], []]  # trailing "" dropped, gap kept
    assert "values" not in sh.values_get(f"'{FORM}'!D1:F9")  # an empty range has no values key
    assert sh.values_get("Trạng thái")["range"] == f"'{STATUS}'!A1:Z1000"  # bare tab name


def test_values_batch_get_with_quoted_vietnamese_tabs_is_one_request(fake, client, book):
    sh = client.open_by_key(book)
    fake.reset_counts()
    answer = sh.values_batch_get([f"'{STATUS}'", f"'{FORM}'!A1:B", f"{FORM}!C:C"],
                                 params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert fake.count() == 1 and fake.count("values.batchGet", book) == 1
    assert fake.requests[0].params["ranges"] == [f"'{STATUS}'", f"'{FORM}'!A1:B", f"{FORM}!C:C"]
    assert [v["range"] for v in answer["valueRanges"]] == [
        f"'{STATUS}'!A1:Z1000", f"'{FORM}'!A1:B1000", f"'{FORM}'!C1:C1000"]
    assert answer["valueRanges"][2]["values"] == [["Ghi chú"], [], [], ["x"]]


@pytest.mark.parametrize(("locale", "first", "second"), [
    ("vi_VN", "25/11/2026 9:05:03", "05/11/2026 14:00:00"),
    ("en_US", "11/25/2026 9:05:03", "11/5/2026 14:00:00"),
])
def test_serial_dates_unformatted_and_formatted_by_locale(fake, client, locale, first, second):
    sid = forms_book(fake, locale)
    ws = client.open_by_key(sid).worksheet(FORM)
    unformatted = ws.get("A2:A4", value_render_option="UNFORMATTED_VALUE")
    assert unformatted == [[pytest.approx(serial(2026, 11, 25, 9, 5, 3))], [], [serial(2026, 11, 5, 14)]]
    assert ws.get("A2:A4") == [[first], [], [second]]  # FORMATTED_VALUE follows the locale
    as_strings = ws.get("A2:B2", value_render_option="UNFORMATTED_VALUE", date_time_render_option="FORMATTED_STRING")
    assert as_strings == [[first, "Phòng A"]]


def test_numbers_and_booleans_render_per_option(fake, client):
    sid = fake.add_spreadsheet(tabs={"T": [[1.5, 53, True, 2.0]]}, locale="vi_VN")
    ws = client.open_by_key(sid).sheet1
    assert ws.get("A1:D1") == [["1,5", "53", "TRUE", "2"]]  # vi_VN decimal comma
    assert ws.get("A1:D1", value_render_option="UNFORMATTED_VALUE") == [[1.5, 53, True, 2]]
    raw = ws.spreadsheet.values_get("T!D1", params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert raw["range"] == "T!D1" and type(raw["values"][0][0]) is int  # 2.0 comes back as 2


def test_columns_major_dimension(client, book):
    answer = client.open_by_key(book).values_get(f"'{FORM}'!A1:C4", params={"majorDimension": "COLUMNS"})
    assert answer["majorDimension"] == "COLUMNS"
    assert answer["values"][1] == ["Đơn vị", "Phòng A", "", "Phòng B"]
    assert answer["values"][2] == ["Ghi chú", "", "", "x"]


def test_unknown_tab_is_unable_to_parse_range(client, book):
    sh = client.open_by_key(book)
    with pytest.raises(APIError) as err:
        sh.values_get("'Không có'!A1")
    assert err.value.response.status_code == 400
    assert err.value.error == {"code": 400, "message": "Unable to parse range: 'Không có'!A1",
                               "status": "INVALID_ARGUMENT"}


def test_fields_give_a_partial_response(client, book):
    meta = client.open_by_key(book).fetch_sheet_metadata(params={
        "includeGridData": "false",
        "fields": "spreadsheetId,properties(title,locale,timeZone),"
                  "sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))"})
    assert set(meta) == {"spreadsheetId", "properties", "sheets"}
    assert meta["properties"] == {"title": "Tổng hợp", "locale": "vi_VN", "timeZone": "Asia/Ho_Chi_Minh"}
    assert meta["sheets"][1] == {"properties": {"sheetId": meta["sheets"][1]["properties"]["sheetId"],
                                                "title": FORM,
                                                "gridProperties": {"rowCount": 1000, "columnCount": 26}}}


# -- writing values ---------------------------------------------------------------------------------

FORMULA = '=IMPORTXML("http://x", "//a")'


def test_raw_stores_text_user_entered_makes_a_formula(fake, client, book):
    ws = client.open_by_key(book).worksheet(STATUS)
    ws.update([[FORMULA]], "C2", value_input_option="RAW")
    ws.update([[FORMULA]], "C3", value_input_option="USER_ENTERED")
    raw, typed = fake.cell(book, STATUS, "C2"), fake.cell(book, STATUS, "C3")
    assert (raw.value, raw.formula) == (FORMULA, None)  # inert text
    assert typed.formula == FORMULA and typed.value == "#N/A"  # a live formula
    assert ws.get("C2:C3", value_render_option="FORMULA") == [[FORMULA], [FORMULA]]
    assert ws.get("C2:C3") == [[FORMULA], ["#N/A"]]


def test_user_entered_parses_typed_text_raw_does_not(fake, client):
    sid = fake.add_spreadsheet(tabs={"T": []}, locale="en_US")
    ws = client.open_by_key(sid).sheet1
    row = ["12", "0.5", "2020-01-01", "TRUE", "'007", "=4/2", "text"]
    ws.update([row], "A1", value_input_option="USER_ENTERED")
    ws.update([row], "A2", value_input_option="RAW")
    assert fake.values(sid, "T") == [[12, 0.5, 43831, True, "007", 2, "text"], row]
    assert ws.get("C1") == [["2020-01-01"]]  # a typed ISO date keeps its look (recorded)


def test_value_input_option_is_required(client, book):
    sh = client.open_by_key(book)
    with pytest.raises(APIError) as err:
        sh.values_update(f"'{STATUS}'!A1", body={"values": [["x"]]})
    assert err.value.error["message"] == "'valueInputOption' is required but not specified"
    with pytest.raises(APIError):
        sh.values_batch_update({"data": [{"range": f"'{STATUS}'!A1", "values": [["x"]]}]})


def test_write_outside_the_grid_is_refused_with_the_real_message(fake, client):
    sid = fake.add_spreadsheet(tabs={"Solar": [["h"]], STATUS: [["h"]]},
                               grid={"Solar": (981, 24), STATUS: (1000, 24)})
    sh = client.open_by_key(sid)
    with pytest.raises(APIError) as err:
        sh.worksheet("Solar").update_cell(1, 25, "x")
    # verbatim from a public issue thread (home-assistant/core#104198)
    assert err.value.error["message"] == "Range (Solar!Y1) exceeds grid limits. Max rows: 981, max columns: 24"
    with pytest.raises(APIError) as err:
        sh.worksheet(STATUS).update([["x"]], "A1001")
    assert err.value.error["message"] == \
        f"Range ('{STATUS}'!A1001) exceeds grid limits. Max rows: 1000, max columns: 24"
    assert fake.values(sid, "Solar") == [["h"]] and fake.values(sid, STATUS) == [["h"]]


def test_data_larger_than_the_requested_range_is_refused(client, book):
    sh = client.open_by_key(book)
    with pytest.raises(APIError) as err:
        sh.values_update(f"'{STATUS}'!A1:B1", params={"valueInputOption": "RAW"},
                         body={"values": [["a", "b", "c"]]})
    assert "tried writing to column [C]" in err.value.error["message"]


def test_update_answers_like_the_api(client, book):
    answer = client.open_by_key(book).worksheet(STATUS).update([["a", "b"], ["c", ""]], "B5")
    assert {k: v for k, v in answer.items() if k != "spreadsheetId"} == {
        "updatedRange": f"'{STATUS}'!B5:C6", "updatedRows": 2, "updatedColumns": 2, "updatedCells": 4}


def test_values_batch_update_totals(fake, client, book):
    answer = client.open_by_key(book).values_batch_update({
        "valueInputOption": "RAW",
        "data": [{"range": f"'{STATUS}'!A5:D5", "values": [["1", "2", "", "4"]]},
                 {"range": f"'{STATUS}'!A8:D8", "values": [["5", None, "7", "8"]]}]})
    assert (answer["totalUpdatedRows"], answer["totalUpdatedColumns"], answer["totalUpdatedSheets"]) == (2, 4, 1)
    assert answer["totalUpdatedCells"] == 7  # null means "leave the cell alone"
    assert fake.values(book, STATUS)[4:8] == [["1", "2", "", "4"], [], [], ["5", "", "7", "8"]]


def test_append_grows_the_grid(fake, client):
    sid = fake.add_spreadsheet(tabs={STATUS: [["a", "b"], ["c", "d"], ["e", "f"]]}, grid={STATUS: (3, 3)})
    ws = client.open_by_key(sid).worksheet(STATUS)
    answer = ws.append_rows([["g", "h"], ["i", "j"]])
    assert answer["tableRange"] == f"'{STATUS}'!A1:B3"
    assert answer["updates"]["updatedRange"] == f"'{STATUS}'!A4:B5"
    assert fake.grid_size(sid, STATUS) == (5, 3)
    assert fake.values(sid, STATUS)[-1] == ["i", "j"]


def test_clear_keeps_formats(fake, client, book):
    sh = client.open_by_key(book)
    ws = sh.worksheet(STATUS)
    ws.format("A1:B1", {"backgroundColor": {"red": 1, "green": 0.8, "blue": 0.8}})
    ws.clear()
    assert fake.values(book, STATUS) == []
    assert fake.cell(book, STATUS, "A1").background == {"red": 1, "green": 0.8, "blue": 0.8}


def test_gspread_none_fields_are_accepted(fake, client, book):
    ws = client.open_by_key(book).worksheet(STATUS)
    ws.update([["x"]], "A9")  # body carries "majorDimension": null
    ws.batch_update([{"range": "A10", "values": [["y"]]}])  # body carries four nulls
    assert fake.requests[-1].json["includeValuesInResponse"] is None
    assert fake.invalid_bodies == []


def test_gspread_batch_update_mutates_its_argument(client, book):
    """gspread quirk: Worksheet.batch_update rewrites data[i]["range"] in place, so
    retrying with the same list sends "'Tab'!'Tab'!A1" and fails."""
    ws = client.open_by_key(book).worksheet(STATUS)
    data = [{"range": "A12", "values": [["x"]]}]
    ws.batch_update(data)
    assert data[0]["range"] == f"'{STATUS}'!A12"
    with pytest.raises(APIError) as err:
        ws.batch_update(data)
    assert err.value.error["message"] == f"Unable to parse range: '{STATUS}'!'{STATUS}'!A12"


def test_gspread_update_cell_always_types_the_value(fake, client, book):
    """gspread quirk: update_cell/update_acell send USER_ENTERED with no way to ask for RAW,
    so a form answer written with them becomes a live formula (CWE-1236)."""
    client.open_by_key(book).worksheet(STATUS).update_cell(3, 1, FORMULA)
    assert fake.cell(book, STATUS, "A3").formula == FORMULA
    assert fake.requests[-1].params["valueInputOption"] == ["USER_ENTERED"]


def test_gspread_values_batch_get_mutates_its_params(client, book):
    params = {"valueRenderOption": "UNFORMATTED_VALUE"}
    client.open_by_key(book).values_batch_get([f"'{STATUS}'"], params=params)
    assert params == {"valueRenderOption": "UNFORMATTED_VALUE", "ranges": [f"'{STATUS}'"]}  # pass a copy


def test_rows_shift_on_insert_and_delete(fake, client, book):
    ws = client.open_by_key(book).worksheet(FORM)
    ws.insert_rows([["chèn"]], row=2)
    first_column = [r[0] if r else "" for r in fake.values(book, FORM)]
    assert first_column[:3] == ["Dấu thời gian", "chèn", pytest.approx(serial(2026, 11, 25, 9, 5, 3))]
    assert fake.grid_size(book, FORM) == (1001, 26)
    ws.delete_rows(2, 3)
    assert fake.values(book, FORM) == [["Dấu thời gian", "Đơn vị", "Ghi chú"], [],
                                       [serial(2026, 11, 5, 14), "Phòng B", "x"]]
    assert fake.grid_size(book, FORM) == (999, 26)


def test_notes_come_back_through_grid_data(client, book):
    ws = client.open_by_key(book).worksheet(STATUS)
    ws.update_note("B2", "gọi lại")
    assert ws.get_note("B2") == "gọi lại"
    assert ws.get_notes()[1] == ["", "gọi lại"]


# -- spreadsheets.batchUpdate -------------------------------------------------------------------------

def test_batch_update_structure_and_formats(fake, client, book):
    sh = client.open_by_key(book)
    reply = sh.batch_update({"requests": [
        {"addSheet": {"properties": {"title": "Nhật ký", "gridProperties": {"rowCount": 10, "columnCount": 5}}}},
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 5}},
        {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                        "cell": {"userEnteredFormat": {"backgroundColor": {"red": 0.9, "green": 0.9, "blue": 0.9},
                                                       "textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat(backgroundColor,textFormat)"}},
    ]})
    added = reply["replies"][0]["addSheet"]["properties"]
    assert added["title"] == "Nhật ký" and added["index"] == 2 and isinstance(added["sheetId"], int)
    assert added["gridProperties"] == {"rowCount": 10, "columnCount": 5}
    assert reply["replies"][1:] == [{}, {}]
    assert fake.tab_titles(book) == [STATUS, FORM, "Nhật ký"]
    assert fake.grid_size(book, STATUS) == (1005, 26)
    # kept in 8 bits, as Google does: 0.9 -> 229/255
    assert fake.cell(book, STATUS, "Z1").background == {"red": 0.8980392, "green": 0.8980392, "blue": 0.8980392}
    assert fake.cell(book, STATUS, "A2").background is None
    sh.worksheet("Nhật ký").resize(rows=3, cols=2)  # updateSheetProperties with a fields mask
    assert fake.grid_size(book, "Nhật ký") == (3, 2)
    sh.worksheet("Nhật ký").update_title("Nhật ký 2026")
    assert fake.tab_titles(book)[2] == "Nhật ký 2026"


def test_update_cells_clears_a_background_with_an_empty_cell(fake, client, book):
    body = {"requests": [{"updateCells": {
        "start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 1},
        "rows": [{"values": [{"userEnteredFormat": {"backgroundColor": {"green": 1}}}]}, {"values": [{}]}],
        "fields": "userEnteredFormat.backgroundColor"}}]}
    sh = client.open_by_key(book)
    sh.batch_update(body)
    assert fake.cell(book, STATUS, "B2").background == {"green": 1}
    body["requests"][0]["updateCells"]["rows"] = [{"values": [{}]}]
    sh.batch_update(body)
    assert fake.cell(book, STATUS, "B2").background is None
    assert fake.cell(book, STATUS, "B2").value == "Đã nộp"  # the mask only touched the colour


def test_conditional_formats_and_validation_are_stored(fake, client, book):
    rule = {"ranges": [{"sheetId": 0, "startRowIndex": 1}],
            "booleanRule": {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "Đã nộp"}]},
                            "format": {"backgroundColor": {"green": 1}}}}
    sh = client.open_by_key(book)
    sh.batch_update({"requests": [
        {"addConditionalFormatRule": {"rule": rule, "index": 0}},
        {"setDataValidation": {"range": {"sheetId": 0, "startColumnIndex": 1, "endColumnIndex": 2},
                               "rule": {"condition": {"type": "ONE_OF_LIST",
                                                      "values": [{"userEnteredValue": "Đã nộp"}]}}}},
    ]})
    assert fake.conditional_formats(book, STATUS) == [rule]
    assert len(fake.data_validations(book, STATUS)) == 1
    # as Google answers it: sheetId 0 of a GridRange left out
    answered = {**rule, "ranges": [{"startRowIndex": 1}]}
    assert sh.fetch_sheet_metadata()["sheets"][0]["conditionalFormats"] == [answered]


def test_duplicate_tab_title_is_refused(client, book):
    sh = client.open_by_key(book)
    for title in (STATUS, STATUS.upper()):
        with pytest.raises(APIError) as err:
            sh.add_worksheet(title, 10, 5)
        assert err.value.error["message"] == (
            f'Invalid requests[0].addSheet: A sheet with the name "{title}" already exists. '
            "Please enter another name.")


def test_batch_update_is_atomic(fake, client, book):
    sh = client.open_by_key(book)
    with pytest.raises(APIError) as err:
        sh.batch_update({"requests": [
            {"addSheet": {"properties": {"title": "Mới"}}},
            {"updateSheetProperties": {"properties": {"sheetId": 999, "title": "x"}, "fields": "title"}},
        ]})
    assert err.value.error["message"] == "Invalid requests[1].updateSheetProperties: No grid with id: 999"
    assert fake.tab_titles(book) == [STATUS, FORM]
    with pytest.raises(APIError):
        sh.values_batch_update({"valueInputOption": "RAW", "data": [
            {"range": f"'{STATUS}'!A1", "values": [["changed"]]},
            {"range": "'Không có'!A1", "values": [["x"]]}]})
    assert fake.values(book, STATUS)[0][0] == "Đơn vị"


def test_ten_million_cell_limit_checks_rows_before_columns(fake, client, book):
    sh = client.open_by_key(book)
    grow_rows_first = {"updateSheetProperties": {
        "properties": {"sheetId": 0, "gridProperties": {"rowCount": 390_000, "columnCount": 10}},
        "fields": "gridProperties.rowCount,gridProperties.columnCount"}}
    with pytest.raises(APIError) as err:
        sh.batch_update({"requests": [grow_rows_first]})
    assert err.value.error["message"] == (
        "Invalid requests[0].updateSheetProperties: This action would increase the number of cells "
        "in the workbook above the limit of 10000000 cells.")
    sh.worksheet(STATUS).resize(cols=10)  # shrink columns first, then grow rows: fine
    sh.worksheet(STATUS).resize(rows=390_000)
    assert fake.grid_size(book, STATUS) == (390_000, 10)


def test_unimplemented_request_kind_is_loud(client, book):
    with pytest.raises(FakeNotImplemented):
        client.open_by_key(book).batch_update({"requests": [{"randomizeRange": {"range": {"sheetId": 0}}}]})


# -- errors and access ------------------------------------------------------------------------------

def test_unknown_spreadsheet_is_404(client):
    with pytest.raises(SpreadsheetNotFound) as err:
        client.open_by_key("1doesNotExist")
    assert err.value.args[0].status_code == 404
    assert err.value.args[0].json() == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}


def test_denied_spreadsheet_is_403(fake, client, book):
    sh = client.open_by_key(book)
    fake.deny(book)
    with pytest.raises(PermissionError) as err:  # gspread 6.2.1 turns a 403 on open into PermissionError
        client.open_by_key(book)
    cause = err.value.__cause__
    assert isinstance(cause, APIError) and cause.code == 403
    assert cause.response.json() == {"error": {"code": 403, "message": "The caller does not have permission",
                                               "status": "PERMISSION_DENIED"}}
    with pytest.raises(APIError) as err:  # an already opened Spreadsheet gets the APIError itself
        sh.values_get(f"'{STATUS}'")
    assert err.value.response.status_code == 403
    fake.allow(book)
    assert sh.values_get(f"'{STATUS}'!A1")["values"] == [["Đơn vị"]]


# -- injected faults --------------------------------------------------------------------------------

def test_429_twice_then_success(fake, client, book):
    sh = client.open_by_key(book)
    fake.reset_counts()
    fake.fail_next(status=429, times=2, endpoint="values.batchGet")
    answer, refused = None, 0
    while answer is None and refused < 5:  # a bounded retry, as production must write its own
        try:
            answer = sh.values_batch_get([f"'{STATUS}'"])
        except APIError as err:
            refused += 1
            assert err.response.status_code == 429
            assert err.error["status"] == "RESOURCE_EXHAUSTED"
            assert "Read requests per minute per user" in err.error["message"]
    assert refused == 2 and answer["valueRanges"][0]["values"][0] == ["Đơn vị", "Trạng thái"]
    assert [r.fault for r in fake.requests] == ["fail", "fail", None]
    assert [r.status for r in fake.requests] == [429, 429, 200]


def test_html_502_is_an_api_error_without_json(fake, client, book):
    sh = client.open_by_key(book)
    fake.fail_next(status=502, times=1, html=True)
    with pytest.raises(APIError) as err:
        sh.values_get(f"'{STATUS}'")
    assert err.value.code == -1  # gspread could not parse the body
    assert err.value.response.status_code == 502
    assert err.value.response.text.startswith("<!DOCTYPE html>")
    assert sh.values_get(f"'{STATUS}'!A1")["values"] == [["Đơn vị"]]  # consumed: next one works


def test_timeouts(fake, client, book):
    ws = client.open_by_key(book).worksheet(STATUS)
    fake.timeout_next(times=1, endpoint="values.get")
    with pytest.raises(requests.exceptions.ReadTimeout):
        ws.get_all_values()
    fake.timeout_next(connect=True)
    with pytest.raises(requests.exceptions.ConnectTimeout):
        ws.get_all_values()
    assert ws.get_all_values()[0] == ["Đơn vị", "Trạng thái"]


def test_connection_drop_after_apply_leaves_the_write_done(fake, client, book):
    sh = client.open_by_key(book)
    body = {"valueInputOption": "RAW", "data": [{"range": f"'{STATUS}'!C1", "values": [["ghi"]]}]}
    fake.drop_connection_next(endpoint="values.batchUpdate")
    with pytest.raises(requests.exceptions.ConnectionError):
        sh.values_batch_update(body)
    assert fake.cell(book, STATUS, "C1").value is None  # dropped before: nothing happened
    fake.drop_connection_next(endpoint="values.batchUpdate", after_apply=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        sh.values_batch_update(body)
    assert fake.cell(book, STATUS, "C1").value == "ghi"  # the nasty case: applied, client never heard
    last = fake.requests[-1]
    assert (last.fault, last.applied, last.status) == ("drop", True, None)


# -- request validation -----------------------------------------------------------------------------

def test_unknown_field_is_rejected_and_recorded(fake, client, book):
    sh = client.open_by_key(book)
    with pytest.raises(APIError) as err:
        sh.batch_update({"requests": [{"addSheet": {"properties": {"title": "x", "colour": "red"}}}]})
    assert err.value.error["message"] == ('Invalid JSON payload received. Unknown name "colour" at '
                                          "'requests[0].addSheet.properties': Cannot find field.")
    assert fake.tab_titles(book) == [STATUS, FORM]
    with pytest.raises(InvalidRequestError, match="colour"):  # fails the test even if the 400 was caught
        fake.assert_clean()
    fake.invalid_bodies.clear()  # this test sent it on purpose


def test_bad_enum_and_unknown_query_parameter(fake, client, book):
    sh = client.open_by_key(book)
    with pytest.raises(APIError) as err:
        sh.values_get(f"'{STATUS}'", params={"valueRenderOption": "formatted"})
    assert err.value.error["message"] == "Invalid value at 'value_render_option' (TYPE_ENUM), \"formatted\""
    with pytest.raises(APIError) as err:
        sh.values_get(f"'{STATUS}'", params={"renderOption": "FORMULA"})
    assert err.value.error["message"].startswith('Invalid JSON payload received. Unknown name "renderOption"')
    with pytest.raises(APIError) as err:
        sh.batch_update({"requests": [{"addSheet": {}, "deleteSheet": {"sheetId": 0}}]})
    assert "Oneof field 'kind' is already set" in err.value.error["message"]
    assert len(fake.invalid_bodies) == 3
    fake.invalid_bodies.clear()


def test_strict_fixture_catches_a_swallowed_400():
    fake = FakeGoogle()
    session = fake.session()
    sid = fake.add_spreadsheet(tabs={"T": []})
    answer = session.put(f"https://sheets.googleapis.com/v4/spreadsheets/{sid}/values/T!A1",
                         params={"valueInputOption": "RAW"}, json={"values": [["x"]], "rows": 1})
    assert answer.status_code == 400  # code under test might just log this...
    with pytest.raises(InvalidRequestError):
        fake.assert_clean()  # ...but the fixture's teardown check fails the test


# -- counting -----------------------------------------------------------------------------------------

def test_request_counting(fake, client, book):
    sh = client.open_by_key(book)
    fake.reset_counts()
    for ws in sh.worksheets():
        ws.get_all_values()
    assert fake.count("spreadsheets.get") == 1 and fake.count("values.get", book) == 2
    fake.reset_counts()
    sh.values_batch_get([f"'{w}'" for w in (STATUS, FORM)])
    assert fake.count() == 1
    assert fake.count(spreadsheet_id="other") == 0 and fake.count(method="GET") == 1
    assert fake.requests[0].endpoint == "values.batchGet" and fake.requests[0].json is None


def test_a_ten_thousand_row_tab_reads_and_writes_fine(fake, client):
    rows = [["Dấu thời gian", "Đơn vị", *[f"Câu {i}" for i in range(8)]]]
    rows += [[serial(2026, 1, 1) + i / 1440, f"Đơn vị {i}", *[f"trả lời {i}.{j}" for j in range(8)]]
             for i in range(10_000)]
    sid = fake.add_spreadsheet(tabs={FORM: rows}, date_columns={FORM: [0]})
    started = time.perf_counter()
    ws = client.open_by_key(sid).worksheet(FORM)
    values = ws.get_all_values()
    assert len(values) == 10_001 and values[10_000][1] == "Đơn vị 9999"
    ws.update([[f"đã xử lý {i}"] for i in range(10_000)], "K2", value_input_option="RAW")
    assert fake.values(sid, FORM)[10_000][10] == "đã xử lý 9999"
    assert fake.grid_size(sid, FORM) == (10_001, 26)
    assert time.perf_counter() - started < 10


# -- Drive --------------------------------------------------------------------------------------------

def test_drive_multipart_create_update_and_list(fake):
    folder = fake.add_drive_folder(name="Báo cáo")
    session = fake.session()
    body, ctype = multipart({"name": "Báo cáo tháng 11.docx", "parents": [folder], "mimeType": DOCX},
                            b"PK\x03\x04 first draft", DOCX)
    created = session.post(UPLOAD, params={"uploadType": "multipart", "supportsAllDrives": "true",
                                           "fields": "id,name,webViewLink,version"},
                           data=body, headers={"Content-Type": ctype})
    assert created.status_code == 200, created.text
    file_id = created.json()["id"]
    assert created.json() == {"id": file_id, "name": "Báo cáo tháng 11.docx", "version": "1",
                              "webViewLink": f"https://docs.google.com/document/d/{file_id}/edit?usp=drivesdk"}
    stored = fake.drive_files[file_id]
    assert (stored.content, stored.parents, stored.mime_type) == (b"PK\x03\x04 first draft", [folder], DOCX)
    assert fake.requests[-1].endpoint == "drive.files.create"
    assert fake.requests[-1].json["parents"] == [folder]

    body, ctype = multipart({"name": "Báo cáo tháng 11.docx"}, b"PK\x03\x04 second draft", DOCX)
    updated = session.patch(f"{UPLOAD}/{file_id}", params={"uploadType": "multipart"},
                            data=body, headers={"Content-Type": ctype})
    assert updated.status_code == 200 and updated.json()["id"] == file_id
    assert fake.drive_files[file_id].version == 2
    assert fake.drive_files[file_id].content == b"PK\x03\x04 second draft"
    assert fake.requests[-1].endpoint == "drive.files.update"

    query = f"name = 'Báo cáo tháng 11.docx' and '{folder}' in parents and trashed = false"
    listed = session.get(FILES, params={"q": query, "fields": "files(id,name,version)"})
    assert listed.json() == {"files": [{"id": file_id, "name": "Báo cáo tháng 11.docx", "version": "2"}]}
    other = session.get(FILES, params={"q": "name = 'nope' and trashed = false"}).json()
    assert other == {"kind": "drive#fileList", "incompleteSearch": False, "files": []}
    assert session.get(f"{FILES}/{file_id}", params={"alt": "media"}).content == b"PK\x03\x04 second draft"
    assert session.delete(f"{FILES}/{file_id}").status_code == 204
    assert file_id not in fake.drive_files
    assert fake.count("drive.files.list") == 2


def test_drive_accepts_requests_form_data_uploads(fake):
    folder = fake.add_drive_folder()
    files = {"metadata": ("metadata", json.dumps({"name": "a.docx", "parents": [folder]}), "application/json"),
             "file": ("a.docx", b"bytes", DOCX)}
    answer = fake.session().post(UPLOAD, params={"uploadType": "multipart"}, files=files)
    assert answer.status_code == 200
    assert fake.drive_files[answer.json()["id"]].content == b"bytes"


def test_drive_errors(fake):
    session = fake.session()
    body, ctype = multipart({"name": "x.docx", "parents": ["1missingFolder"]}, b"x", DOCX)
    missing = session.post(UPLOAD, params={"uploadType": "multipart"}, data=body, headers={"Content-Type": ctype})
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "File not found: 1missingFolder."
    assert missing.json()["error"]["errors"][0]["reason"] == "notFound"

    shared = fake.add_drive_folder(shared_drive=True)
    body, ctype = multipart({"name": "x.docx", "parents": [shared]}, b"x", DOCX)
    assert session.post(UPLOAD, params={"uploadType": "multipart"}, data=body,
                        headers={"Content-Type": ctype}).status_code == 404  # needs supportsAllDrives
    created = session.post(UPLOAD, params={"uploadType": "multipart", "supportsAllDrives": "true"},
                           data=body, headers={"Content-Type": ctype})
    assert created.status_code == 200
    assert session.get(FILES, params={"q": "trashed = false"}).json()["files"] == []
    everywhere = session.get(FILES, params={"q": "trashed = false", "supportsAllDrives": "true",
                                            "includeItemsFromAllDrives": "true"}).json()
    # newest first, Drive's default order
    assert [f["id"] for f in everywhere["files"]] == [created.json()["id"], shared]

    moved = session.patch(f"{FILES}/{created.json()['id']}", params={"supportsAllDrives": "true"},
                          json={"parents": ["elsewhere"]})
    assert moved.status_code == 403 and moved.json()["error"]["errors"][0]["reason"] == "fieldNotWritable"

    read_only = fake.add_drive_folder(writable=False)
    meta = session.get(f"{FILES}/{read_only}", params={"fields": "id,name,mimeType,capabilities(canAddChildren)"})
    assert meta.json()["capabilities"] == {"canAddChildren": False}
    body, ctype = multipart({"name": "x.docx", "parents": [read_only]}, b"x", DOCX)
    assert session.post(UPLOAD, params={"uploadType": "multipart"}, data=body,
                        headers={"Content-Type": ctype}).status_code == 403


def test_gspread_create_open_by_title_and_delete_go_through_drive(fake, client):
    created = client.create("Bảng mới")
    assert created.sheet1.title == "Sheet1" and created.locale == "en_US"  # Drive-made defaults (recorded)
    assert client.open("Bảng mới").id == created.id  # files.list with gspread's own q syntax
    client.del_spreadsheet(created.id)
    assert created.id not in fake.spreadsheets
    with pytest.raises(SpreadsheetNotFound):
        client.open_by_key(created.id)


def test_timeouts_are_recorded_and_can_be_required(fake, client, book):
    client.open_by_key(book)
    assert fake.requests[-1].timeout == 5
    strict = FakeGoogle(require_timeout=True)
    sid = strict.add_spreadsheet()
    gspread.Client(None, strict.session()).open_by_key(sid)  # gspread's default timeout is None
    with pytest.raises(InvalidRequestError, match="without a timeout"):
        strict.assert_clean()


def test_the_session_reaches_nothing_else(fake):
    with pytest.raises(FakeNotImplemented):
        fake.session().get("https://accounts.google.com/o/oauth2/auth")

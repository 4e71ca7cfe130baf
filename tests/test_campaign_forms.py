"""A campaign from its Google Form (Forms API through the fake): a row reduced to the form's
edit link syncs like the fully typed row; the unit dropdown kept as the roster."""

from __future__ import annotations

import json
from datetime import datetime

from sync.backends import google
from sync.backends.forms import FORMS_READ_SCOPE, FORMS_WRITE_SCOPE
from sync.rules import headers as H
from sync.rules.book import column_letters
from sync.rules.forms import form_id, read_form, unit_options
from sync.rules.text import collation_key
from tests.conftest import DEMO_NOW
from tests.test_google_backend import add_response

FORM_ID = "1FormNTVTdemoEditIdAbCdEfGhIjKlMnOpQrStUvWx"
EDIT_URL = f"https://docs.google.com/forms/d/{FORM_ID}/edit"
RESPONDER = "https://docs.google.com/forms/d/e/1FAIpQLSdemoNTVTtonghop2023/viewform"
ENTRY = 1902845631  # what the demo row types in "Mã câu hỏi đơn vị"
REQUIRED = ("Số bài viết dự thi", "Tên các bài viết", "Danh sách đề nghị khen thưởng")
RESPONSES = "Câu trả lời biểu mẫu 1"
CAMPAIGNS = "Đợt thu thập"


def add_demo_form(ws, options=None) -> None:
    """The NTVT form as Google would describe it: one question per column of its tab."""
    header = ws.values(RESPONSES)[0]
    titles = [h for h in header[1:] if h != "Địa chỉ email" and not h.startswith("tonghop:")]
    items = []
    for i, title in enumerate(titles):
        if title == "Tên đơn vị":
            names = options if options is not None else roster_names(ws)
            question = {"questionId": format(ENTRY, "x"), "required": True, "choiceQuestion": {
                "type": "DROP_DOWN", "options": [{"value": n} for n in names]}}
        else:
            question = {"questionId": format(0x2A000000 + i, "x"), "required": title in REQUIRED,
                        "textQuestion": {"paragraph": False}}
        items.append({"itemId": f"{i:08x}", "title": title, "questionItem": {"question": question}})
    items.insert(0, {"itemId": "intro", "title": "Hướng dẫn", "textItem": {}})
    ws.fake.add_form(FORM_ID, "Cuộc thi viết NTVT 2023", items, linked_sheet_id=ws.spreadsheet_id,
                     responder_uri=RESPONDER)


def roster_names(ws) -> list[str]:
    rows = ws.values("Đơn vị")
    head = rows[0]
    active = head.index("Đang hoạt động") if "Đang hoạt động" in head else None
    names = [r[head.index("Tên đơn vị")] for r in rows[1:]
             if active is None or len(r) <= active or r[active] != "Không"]
    return sorted(names, key=collation_key)


def set_campaign_cells(ws, code: str, values: dict[str, str]) -> None:
    rows = ws.values(CAMPAIGNS)
    head = list(rows[0])
    row = next(i for i, r in enumerate(rows, start=1) if r and r[0] == code)
    for header, value in values.items():
        if header not in head:
            head.append(header)
            sheet = ws.fake.spreadsheets[ws.spreadsheet_id].find_sheet(CAMPAIGNS)
            if sheet.col_count < len(head):  # as staff add a column at the grid's edge
                sheet.resize(cols=len(head))
            ws.fake.set_values(ws.spreadsheet_id, CAMPAIGNS, f"{column_letters(len(head))}1", [[header]])
        ws.fake.set_values(ws.spreadsheet_id, CAMPAIGNS, f"{column_letters(head.index(header) + 1)}{row}",
                           [[value]])


def reduce_to_form_link(ws, code="NTVT") -> None:
    """The row as a newcomer fills it: the code, title, deadline, targets and the form link."""
    set_campaign_cells(ws, code, {"Bảng câu trả lời": "", "Câu hỏi bắt buộc": "",
                                  "Câu hỏi tên đơn vị": "", "Mã câu hỏi đơn vị": "",
                                  "Link biểu mẫu": EDIT_URL})


def run(cli, ws, *args):
    now = () if args[0] == "check" else ("--now", DEMO_NOW)
    result = cli(*args, "--config", ws.config_path, *now)
    assert result.code == 0, result.out + result.err
    return result


def records(cli, ws) -> list[dict]:
    return json.loads(run(cli, ws, "status", "--json").out)


def options_of(ws) -> list[str]:
    item = next(i for i in ws.fake.form(FORM_ID)["items"] if i.get("title") == "Tên đơn vị")
    return [o["value"] for o in item["questionItem"]["question"]["choiceQuestion"]["options"]]


# --- a campaign from a form link ----------------------------------------------------------------
def test_a_campaign_given_by_its_form_link_alone_syncs_like_the_typed_row(cli, google_workspace,
                                                                         monkeypatch):
    ws = google_workspace
    typed = records(cli, ws)
    add_demo_form(ws)
    reduce_to_form_link(ws)
    scopes = []
    monkeypatch.setattr(google, "session_factory", lambda credentials, timeout:
                        scopes.append(credentials.scopes) or ws.fake.session())
    ws.fake.reset_counts()
    assert records(cli, ws) == typed
    assert ws.fake.count("forms.get") == 1  # one per form per cycle
    assert scopes[-1][-1] == FORMS_READ_SCOPE and FORMS_WRITE_SCOPE not in scopes[-1]

    out = run(cli, ws, "check").out
    assert "form 'Cuộc thi viết NTVT 2023'" in out
    assert f"from the form: Bảng câu trả lời = {RESPONSES}" in out
    assert f"from the form: Mã câu hỏi đơn vị = {ENTRY}" in out
    assert f"from the form: Link biểu mẫu = {RESPONDER}" in out
    assert "from the form: Câu hỏi tên đơn vị = Tên đơn vị" in out

    run(cli, ws, "sync")
    links = ws.values("Trạng thái")
    column = links[0].index(H.prefill_col("NTVT"))
    assert links[1][column].startswith(f"{RESPONDER}?usp=pp_url&entry.{ENTRY}=")
    assert (ws.dir / "data" / "forms" / f"{FORM_ID}.json").is_file()  # the cached form
    assert "nothing changed" in run(cli, ws, "sync").out


def test_typed_values_win_and_disagreements_are_shown(cli, google_workspace):
    ws = google_workspace
    add_demo_form(ws)
    set_campaign_cells(ws, "NTVT", {"Link biểu mẫu": EDIT_URL, "Mã câu hỏi đơn vị": "entry.42"})
    out = run(cli, ws, "check").out
    assert f"'Mã câu hỏi đơn vị' is '42' on the row, the form says '{ENTRY}'; the row wins" in out
    assert "from the form: Bảng câu trả lời" not in out  # typed on the row


def test_a_form_the_account_cannot_open_is_named(cli, google_workspace):
    ws = google_workspace
    reduce_to_form_link(ws)  # no such form in the fake
    result = cli("check", "--config", ws.config_path)
    assert result.code != 0
    assert f"campaign NTVT skipped: form {FORM_ID} not found: check the edit link in 'Link biểu mẫu'" \
        in result.out
    assert "is not an entry id" not in result.out and "has no tab ''" not in result.out, result.out
    run(cli, ws, "sync")  # the other campaigns still sync
    assert "form 1FormNTVT" in (ws.dir / "data" / "logs" / "tonghop.log").read_text(encoding="utf-8")


def test_the_forms_scope_is_not_asked_without_a_form_link(cli, google_workspace, monkeypatch):
    ws = google_workspace
    scopes = []
    monkeypatch.setattr(google, "session_factory", lambda credentials, timeout:
                        scopes.append(credentials.scopes) or ws.fake.session())
    run(cli, ws, "sync")
    assert scopes and all(not any("forms" in s for s in found) for found in scopes)
    assert ws.fake.count("forms.get") == 0


# --- the unit question kept as the roster -------------------------------------------------------
def test_the_dropdown_follows_the_roster_in_one_request_and_none_when_equal(cli, google_workspace):
    ws = google_workspace
    names = roster_names(ws)
    add_demo_form(ws, options=names[1:] + ["Đơn vị đã giải thể"])
    reduce_to_form_link(ws)
    set_campaign_cells(ws, "NTVT", {"Đồng bộ danh sách đơn vị": "Có"})
    out = run(cli, ws, "check").out
    assert f"unit list: 'Tên đơn vị' will be set to the roster on the next sync: {len(names)} " \
           "units, add 1, remove 1" in out
    assert ws.fake.count("forms.batchUpdate") == 0  # check writes nothing
    ws.fake.reset_counts()
    run(cli, ws, "sync")
    assert ws.fake.count("forms.batchUpdate") == 1
    assert options_of(ws) == names  # Vietnamese order
    assert f"'Tên đơn vị' lists the roster ({len(names)} units)" in run(cli, ws, "check").out
    log = (ws.dir / "data" / "logs" / "tonghop.log").read_text(encoding="utf-8")
    assert "unit list set to the roster" in log and "added 1, removed 1" in log

    ws.fake.reset_counts()
    run(cli, ws, "sync")
    assert ws.fake.count("forms.batchUpdate") == 0 and ws.fake.count("forms.get") == 1

    # staff rename one unit, deactivate another and add a third, in the roster
    roster = ws.values("Đơn vị")
    head = roster[0]
    c_name, c_code = head.index("Tên đơn vị"), head.index("Mã đơn vị")
    renamed = roster[5]
    old_name = renamed[c_name]
    new_name = "Trường Tiểu học Bình Minh"  # nothing like the old name: no fuzzy rescue
    ws.fake.set_values(ws.spreadsheet_id, "Đơn vị", f"{chr(65 + c_name)}6", [[new_name]])
    if "Đang hoạt động" not in head:
        ws.fake.set_values(ws.spreadsheet_id, "Đơn vị", f"{chr(65 + len(head))}1",
                           [["Đang hoạt động"]])
        head = head + ["Đang hoạt động"]
    ws.fake.set_values(ws.spreadsheet_id, "Đơn vị", f"{chr(65 + head.index('Đang hoạt động'))}7",
                       [["Không"]])
    new_row = [""] * len(head)
    new_row[c_code], new_row[c_name] = "MOI01", "Trường Mầm non Ánh Dương"
    new_row[head.index("Nhóm")] = roster[7][head.index("Nhóm")]
    ws.fake.set_values(ws.spreadsheet_id, "Đơn vị", f"A{len(roster) + 1}", [new_row])
    ws.fake.reset_counts()
    run(cli, ws, "sync")
    assert ws.fake.count("forms.batchUpdate") == 1
    options = options_of(ws)
    assert options == roster_names(ws)
    assert new_name in options and old_name not in options
    assert "Trường Mầm non Ánh Dương" in options and roster[6][c_name] not in options

    # an answer under the old option text still counts for the renamed unit, cycles later
    run(cli, ws, "sync")
    add_response(ws.fake, ws.spreadsheet_id, RESPONSES, old_name, datetime(2023, 6, 20, 9))
    run(cli, ws, "sync")
    record = next(r for r in records(cli, ws)
                  if r["campaign"] == "NTVT" and r["unit"] == renamed[c_code])
    assert record["submitted_at"].startswith("2023-06-20T09:00")
    rows = ws.values(RESPONSES)
    matched = rows[-1][rows[0].index(H.MATCHED_COL)]
    assert matched == f"{renamed[c_code]} - {new_name}"  # an exact match, not a guess


def test_a_stale_revision_is_refused_and_retried_next_cycle(cli, google_workspace, monkeypatch):
    ws = google_workspace
    add_demo_form(ws, options=["Một đơn vị"])
    reduce_to_form_link(ws)
    set_campaign_cells(ws, "NTVT", {"Đồng bộ danh sách đơn vị": "Có"})
    api = ws.fake.forms_api
    answer = api.get

    def someone_edits_right_after(form_id, params):  # a colleague saves the form meanwhile
        reply = answer(form_id, params)
        ws.fake.edit_form(form_id, lambda form: form["info"].update(description="sửa"))
        return reply

    monkeypatch.setattr(api, "get", someone_edits_right_after)
    out = run(cli, ws, "sync")
    assert options_of(ws) == ["Một đơn vị"]  # the colleague's form is untouched
    assert "changed since it was read" in (ws.dir / "data" / "logs" / "tonghop.log").read_text("utf-8") \
        + out.out + out.err
    monkeypatch.setattr(api, "get", answer)
    ws.fake.reset_counts()
    run(cli, ws, "sync")
    assert ws.fake.count("forms.batchUpdate") == 1 and options_of(ws) == roster_names(ws)


# --- pure rules -----------------------------------------------------------------------------------
def test_form_ids_from_links():
    assert form_id(EDIT_URL) == FORM_ID
    assert form_id(f"https://docs.google.com/forms/u/0/d/{FORM_ID}/viewform?usp=sf") == FORM_ID
    assert form_id(FORM_ID) == FORM_ID
    assert form_id(RESPONDER) is None  # the published id is not the form id
    assert form_id("https://forms.gle/abc") is None and form_id("") is None


def test_entry_id_is_the_question_id_read_as_hex():
    facts = read_form({"formId": "F", "revisionId": "r", "items": [
        {"title": "Tên đơn vị", "questionItem": {"question": {
            "questionId": "716b7e3f", "required": True,
            "choiceQuestion": {"type": "DROP_DOWN", "options": [{"value": "A"}]}}}}]})
    assert facts.unit_question().entry_id == str(0x716B7E3F)


def test_unit_options_in_vietnamese_order():
    from sync.rules.models import Unit

    units = [Unit("1", "Phường Đống Đa", "P"), Unit("2", "Phường Dịch Vọng", "P"),
             Unit("3", "Phường Ân Thi", "P"), Unit("4", "Phường An Khánh", "P")]
    assert unit_options(units) == ("Phường An Khánh", "Phường Ân Thi", "Phường Dịch Vọng",
                                   "Phường Đống Đa")


def test_on_the_local_workbook_a_form_link_is_reported_and_the_typed_row_still_counts(cli,
                                                                                     demo_dir):
    import openpyxl

    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb[CAMPAIGNS]
    column = [c.value for c in ws[1]].index("Link biểu mẫu") + 1
    ws.cell(row=2, column=column, value=EDIT_URL)
    wb.save(path)
    result = cli("check", "--config", demo_dir / "config.toml")
    assert "campaign NTVT: reading the form needs the Google backend" in result.out
    assert "ok   campaign NTVT: tab 'Câu trả lời biểu mẫu 1'" in result.out


def test_derive_fills_only_empty_cells_and_finds_the_tab_by_question_titles():
    from sync.rules.book import Tab
    from sync.rules.forms import derive, responses_tab
    from sync.rules.models import Campaign

    facts = read_form({
        "formId": "F", "revisionId": "7", "responderUri": RESPONDER, "linkedSheetId": "S9",
        "items": [
            {"title": "Tên đơn vị", "questionItem": {"question": {
                "questionId": "0a", "required": True,
                "choiceQuestion": {"type": "DROP_DOWN", "options": [{"value": "A"}]}}}},
            {"title": "Số liệu", "questionItem": {"question": {
                "questionId": "0b", "required": True, "textQuestion": {}}}},
            {"title": "Ghi chú", "questionItem": {"question": {"questionId": "0c",
                                                                "textQuestion": {}}}},
        ]})
    row = Campaign("C", "C", "", spreadsheet="https://docs.google.com/spreadsheets/d/S9/edit",
                   extra={"Link biểu mẫu": "F" * 40, "Mã câu hỏi đơn vị": ""})
    derived = derive(row, facts)
    c = derived.campaign
    assert c.spreadsheet.endswith("/S9/edit") and not derived.disagreements  # same sheet, typed
    assert c.unit_question == "Tên đơn vị" and c.required == ("Số liệu",)
    assert c.value(("Mã câu hỏi đơn vị",)) == "10" and c.value(("Link biểu mẫu",)) == RESPONDER
    tabs = {
        "Trang tính1": Tab("Trang tính1", [["Tên đơn vị", "Số liệu"]], 10, 5),
        "Câu trả lời biểu mẫu 2": Tab("x", [["Dấu thời gian", "Tên đơn vị", "Số liệu", "Ghi chú"]],
                                     10, 5),
        "Câu trả lời biểu mẫu 1": Tab("y", [["Timestamp", "Tên đơn vị"]], 10, 5),
    }
    assert responses_tab(tabs, facts) == "Câu trả lời biểu mẫu 2"
    other = derive(replace_spreadsheet(row, "S1"), facts)
    assert other.disagreements == ["'Bảng tính' is 'S1' on the row, the form says 'S9'; the row wins"]


def replace_spreadsheet(campaign, value):
    from dataclasses import replace

    return replace(campaign, spreadsheet=value)


# --- a repeating campaign's "Kỳ báo cáo" dropdown -------------------------------------------------
PERIOD_FORM = "1FormTHUmonthlyEditIdAbCdEfGhIjKlMnOpQrStUvWxYz"


def test_the_period_dropdown_follows_the_calendar(cli, demo_dir, service_account_key,
                                                    monkeypatch):
    """A monthly campaign whose form asks "Kỳ báo cáo" from a dropdown: each sync keeps it to
    the current period and the two before it, newest first, one request when the period turns
    and none otherwise; the unit question (a text here) is never taken for the dropdown."""
    from sync.rules.forms import PERIODS_LISTED
    from tests.conftest import google_workspace_in
    from tests.test_by_period import QUESTIONS, TAB, add_periodic_campaign

    add_periodic_campaign(demo_dir / "tonghop.xlsx")
    ws = google_workspace_in(demo_dir, service_account_key, monkeypatch)
    items = []
    for i, title in enumerate(QUESTIONS[1:]):
        question = {"questionId": format(0x3B000000 + i, "x"), "required": True}
        if title == "Kỳ báo cáo":
            question["choiceQuestion"] = {"type": "DROP_DOWN",
                                          "options": [{"value": "Tháng 3/2023"}]}
        else:
            question["textQuestion"] = {"paragraph": False}
        items.append({"itemId": f"{i:08x}", "title": title, "questionItem": {"question": question}})
    ws.fake.add_form(PERIOD_FORM, "Báo cáo thu ngân sách tháng", items,
                     linked_sheet_id=ws.spreadsheet_id, responder_uri=RESPONDER)
    set_campaign_cells(ws, "THU", {"Link biểu mẫu": f"https://docs.google.com/forms/d/{PERIOD_FORM}/edit",
                                   "Đồng bộ danh sách kỳ báo cáo": "Có"})

    def periods() -> list[str]:
        item = next(i for i in ws.fake.form(PERIOD_FORM)["items"] if i["title"] == "Kỳ báo cáo")
        return [o["value"] for o in item["questionItem"]["question"]["choiceQuestion"]["options"]]

    def sync(now: str) -> None:
        result = cli("sync", "--config", ws.config_path, "--now", now)
        assert result.code == 0, result.out + result.err

    check = cli("check", "--config", ws.config_path, "--now", "2023-06-20T10:00")
    assert ("period list: 'Kỳ báo cáo' will list Tháng 6/2023, Tháng 5/2023, Tháng 4/2023 after "
            "the next sync") in check.out
    ws.fake.reset_counts()
    sync("2023-06-20T10:00")
    assert ws.fake.count("forms.batchUpdate") == 1
    assert periods() == ["Tháng 6/2023", "Tháng 5/2023", "Tháng 4/2023"] and PERIODS_LISTED == 3
    ws.fake.reset_counts()
    sync("2023-06-21T10:00")  # the same period: nothing written to the form
    assert ws.fake.count("forms.batchUpdate") == 0
    sync("2023-07-10T10:00")  # July's deadline (18/07) is now the nearest
    assert periods() == ["Tháng 7/2023", "Tháng 6/2023", "Tháng 5/2023"]
    # the campaign's unit question is still the text one, answers still credited by name
    rows = ws.values(TAB)
    assert rows[1][rows[0].index(H.MATCHED_COL)].startswith("P01 - ")
    ws.fake.assert_clean()


def test_the_period_list_starts_at_the_first_period_and_a_lone_period_dropdown_is_no_unit_list():
    from sync.rules.forms import FormFacts, Question, period_options
    from sync.rules.periods import Anchor, DeadlineRule, Period, PeriodKind, Schedule

    quarterly = Schedule(PeriodKind.QUARTER, Period(2025, 2, PeriodKind.QUARTER),
                         DeadlineRule(Anchor.LAST_MONTH, 18))
    assert period_options(quarterly, Period(2025, 3, PeriodKind.QUARTER)) == (
        "Quý III/2025", "Quý II/2025")
    assert period_options(quarterly, Period(2026, 1, PeriodKind.QUARTER)) == (
        "Quý I/2026", "Quý IV/2025", "Quý III/2025")
    facts = FormFacts("f", "t", "r", "", "", (
        Question("Đơn vị của bạn", "1", True, 0, kind="text"),
        Question("Kỳ báo cáo", "2", True, 1, kind="DROP_DOWN", options=("Quý I/2026",))))
    assert facts.unit_question() is None  # not the period's dropdown
    assert facts.period_question().title == "Kỳ báo cáo"

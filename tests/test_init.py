"""`tonghop init`: a working office from nothing, from an office's own list of units in the
layouts offices keep, on the local workbook and in Google Drive (the fake); then `sync` exits 0
with no hand edits and `check` names what is left to do."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import tomllib
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from sync.office.config_text import example_text
from sync.rules.office import is_example
from sync.rules.roster_import import make_code, read_roster
from sync.rules.text import TONE_MARKS

from .conftest import FAKE_ACCOUNT, ROOT

DEMO_NOW = "2025-06-20T10:00"

# --- Three layouts of an office's list ------------------------------------------------------------

def layout_titled_xlsx(path: Path) -> Path:
    """A title, a date and a blank row above the header; codes given; 'Nhóm'; a phone column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DS don vi"
    ws.append(["ỦY BAN NHÂN DÂN QUẬN THANH XUÂN"])
    ws.append(["DANH SÁCH CÁC ĐƠN VỊ TRỰC THUỘC (cập nhật 01/2025)"])
    ws.append([])
    ws.append(["STT", "Mã đơn vị", "Tên đơn vị", "Nhóm", "Email", "Số điện thoại"])
    ws.append([1, "P01", "UBND phường Nhân Chính", "Phường", "p01@thanhxuan.gov.vn", "0243"])
    ws.append([2, "P02", "UBND phường Khương Trung", "Phường", "p02@thanhxuan.gov.vn", ""])
    ws.append([3, "PNV", "Phòng Nội vụ", "Phòng ban", "pnv@thanhxuan.gov.vn", ""])
    ws.append([4, "PTP", "Phòng Tư pháp", "Phòng ban", "", ""])
    wb.save(path)
    return path


def layout_sections_xlsx(path: Path) -> Path:
    """Section rows instead of a group column, no codes, 'Tên cơ quan, đơn vị' / 'Thư điện tử',
    a unit listed twice, an address that is not one, a total row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Tên cơ quan, đơn vị", "Thư điện tử", "Ghi chú"])
    ws.append(["I", "KHỐI ĐẢNG"])
    ws.append([1, "Ban Tổ chức Quận ủy", "btc@thanhxuan.gov.vn"])
    ws.append([2, "Ban Tuyên giáo Quận ủy", "không có"])
    ws.append(["II", "KHỐI TRƯỜNG HỌC"])
    ws.append([3, "Trường THCS Nhân Chính", "thcsnc@thanhxuan.edu.vn"])
    ws.append([4, "Trường THCS Nhân Chính", "thcsnc@thanhxuan.edu.vn", "trùng"])
    ws.append([5, "Trường Tiểu học Kim Giang", "thkg@thanhxuan.edu.vn; hieutruong@thanhxuan.edu.vn"])
    ws.append(["", "Tổng cộng: 5 đơn vị"])
    wb.save(path)
    return path


def layout_windows_csv(path: Path) -> Path:
    """What Excel on a Vietnamese Windows saves as "CSV": cp1258, semicolons; 'Đơn vị',
    'Lĩnh vực', 'Mã' for some rows only."""
    rows = [["STT", "Mã", "Đơn vị", "Lĩnh vực", "E-mail"],
            ["1", "CAQ", "Công an quận", "Ngành dọc", "caq@thanhxuan.gov.vn"],
            ["2", "", "Chi cục Thuế quận", "Ngành dọc", "cct@thanhxuan.gov.vn"],
            ["3", "", "Hội Liên hiệp Phụ nữ quận", "Đoàn thể", ""]]
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    path.write_bytes(windows_1258(text.getvalue()))
    return path


def windows_1258(text: str) -> bytes:
    """As Windows writes Vietnamese in its code page: a letter cp1258 lacks precomposed goes as
    its base letter and a combining tone mark."""
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            out.append((base + "".join(c for c in parts if c in TONE_MARKS)).encode("cp1258"))
    return b"".join(out)


def layout_two_row_header_xlsx(path: Path) -> Path:
    """A header on two rows: 'STT', 'Mã ĐV', 'Tên đơn vị (*)' and 'Loại hình' merged down, 'Liên
    hệ' merged across 'Email' and 'Điện thoại' below it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Mã ĐV", "Tên đơn vị (*)", "Liên hệ", None, "Loại hình"])
    ws.append([None, None, None, "Email", "Điện thoại", None])
    for col in "ABCF":
        ws.merge_cells(f"{col}1:{col}2")
    ws.merge_cells("D1:E1")
    ws.append([1, "MN01", "Trường Mầm non Hoa Sen", "mnhoasen@thanhxuan.edu.vn", "0243", "Mầm non"])
    ws.append([2, "TH01", "Trường Tiểu học Nhân Chính", "thnc@thanhxuan.edu.vn", "", "Tiểu học"])
    wb.save(path)
    return path


LAYOUTS = {
    "two-row-header.xlsx": (layout_two_row_header_xlsx, ["MN01", "TH01"]),
    "titled.xlsx": (layout_titled_xlsx, ["P01", "P02", "PNV", "PTP"]),
    "sections.xlsx": (layout_sections_xlsx, ["BTCQU", "BTGQU", "THCSNC", "THKG"]),
    "windows.csv": (layout_windows_csv, ["CAQ", "CCTQ", "HLHPNQ"]),
}


def roster_rows(rows: list[list]) -> list[list]:
    return [r for r in rows[1:] if r and not is_example(r[0])]


# --- The pure part ---------------------------------------------------------------------------------

def test_the_sections_layout_reads_groups_codes_and_says_what_it_could_not(tmp_path):
    from sync.office.roster_file import read_roster_file

    roster, where = read_roster_file(layout_sections_xlsx(tmp_path / "ds.xlsx"))
    assert [(u.code, u.name, u.group) for u in roster.units] == [
        ("BTCQU", "Ban Tổ chức Quận ủy", "KHỐI ĐẢNG"), ("BTGQU", "Ban Tuyên giáo Quận ủy", "KHỐI ĐẢNG"),
        ("THCSNC", "Trường THCS Nhân Chính", "KHỐI TRƯỜNG HỌC"),
        ("THKG", "Trường Tiểu học Kim Giang", "KHỐI TRƯỜNG HỌC")]
    assert roster.units[3].email == "thkg@thanhxuan.edu.vn; hieutruong@thanhxuan.edu.vn"
    assert roster.units[1].email == ""
    notes = "\n".join(roster.notes)
    assert "row 4, column 'Thư điện tử': 'không có' is not an e-mail address; left empty" in notes
    assert "row 7: 'Trường THCS Nhân Chính' is listed again (first on row 6); row skipped" in notes
    assert "4 unit(s) had no code" in notes
    assert roster.unused == ["Ghi chú"]


def test_a_two_row_header_is_read_with_the_row_below_it(tmp_path):
    from sync.office.roster_file import read_roster_file

    roster, _ = read_roster_file(layout_two_row_header_xlsx(tmp_path / "ds.xlsx"))
    assert roster.columns == {"number": "STT", "code": "Mã ĐV", "name": "Tên đơn vị (*)",
                              "group": "Loại hình", "email": "Email"}
    assert roster.unused == ["Điện thoại"]
    assert [(u.code, u.group, u.email) for u in roster.units] == [
        ("MN01", "Mầm non", "mnhoasen@thanhxuan.edu.vn"), ("TH01", "Tiểu học", "thnc@thanhxuan.edu.vn")]
    assert roster.notes == []


def test_codes_are_made_from_names_stable_and_unique():
    assert make_code("UBND phường Nhân Chính") == "PNC"
    assert make_code("Trường THCS Nhân Chính") == "THCSNC"
    assert make_code("Phòng Nội vụ") == "PNV"
    rows = [["Tên đơn vị", "Mã"], ["Phòng Nội vụ", ""], ["Phòng Ngoại vụ", ""], ["Phòng Tư pháp", "PNV"]]
    first = read_roster(rows)
    assert [u.code for u in first.units] == ["PNV2", "PNV3", "PNV"]  # a given code is never taken
    assert [u.code for u in read_roster(rows).units] == [u.code for u in first.units]


def test_a_list_without_a_header_says_so():
    roster = read_roster([["a", "b"], ["c", "d"]], "x.xlsx")
    assert not roster.units
    assert roster.notes == ["x.xlsx: no header row naming the units (e.g. 'Tên đơn vị' or 'Đơn vị') "
                            "in its first 20 rows; nothing read"]


# --- init then sync then check, local --------------------------------------------------------------

@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_init_from_an_office_list_then_sync_and_check_locally(cli, tmp_path, layout):
    build, codes = LAYOUTS[layout]
    source = build(tmp_path / layout)
    office = tmp_path / "văn phòng"
    result = cli("init", office, "--roster", source, "--name", "PHÒNG NỘI VỤ")
    assert result.code == 0, result.err
    assert f"units: {len(codes)} from {source}" in result.out and "  groups: " in result.out
    config = office / "config.toml"
    assert f"Next: tonghop check --config '{config}'" in result.out

    rows = openpyxl.load_workbook(office / "tonghop.xlsx")["Đơn vị"]
    listed = [[c.value for c in r] for r in rows.iter_rows()]
    assert [r[0] for r in roster_rows(listed)] == codes

    synced = cli("sync", "--config", config, "--now", DEMO_NOW)
    assert synced.code == 0, synced.err
    assert "0 campaigns, 0 responses" in synced.out
    checked = cli("check", "--config", config)
    assert checked.code == 0, checked.out
    assert "todo add a campaign: one row per form in tab 'Đợt thu thập'" in checked.out
    assert "todo tab 'Đợt thu thập', row 2 is an example" in checked.out
    assert f"ok   tab 'Đơn vị': {len(codes)} units ({len(codes)} active)" in checked.out


def test_the_workbook_has_notes_dropdowns_date_checks_and_marked_examples(cli, tmp_path):
    office = tmp_path / "o"
    assert cli("init", office).code == 0
    wb = openpyxl.load_workbook(office / "tonghop.xlsx")
    assert wb.sheetnames == ["Đơn vị", "Đợt thu thập", "Gia hạn - Miễn nộp"]
    for ws in wb.worksheets:
        assert all(c.comment is not None and len(c.comment.text) > 20 for c in ws[1]), ws.title
        assert ws.freeze_panes == "A2"
        example = [c.value for c in ws[2]]
        assert is_example(example[0]) and ws[2][0].font.italic
    campaigns = wb["Đợt thu thập"]
    rules = {str(v.sqref).split(":")[0]: v for v in campaigns.data_validations.dataValidation}
    assert rules["E2"].type == "date"  # Hạn nộp
    assert rules["I2"].formula1 == '"Lấy bản mới nhất,Lấy bản đầu tiên"'
    exemptions = {str(v.sqref).split(":")[0]: v for v in wb["Gia hạn - Miễn nộp"].data_validations.dataValidation}
    assert exemptions["A2"].formula1 == "'Đơn vị'!$A$2:$A$5000"
    assert exemptions["D2"].formula1 == '"Có,Không"'


def test_config_has_every_key_of_the_example_commented_and_loads(cli, tmp_path):
    office = tmp_path / "o"
    assert cli("init", office, "--name", "PHÒNG VĂN HÓA \"và\" THÔNG TIN").code == 0
    text = (office / "config.toml").read_text(encoding="utf-8")
    mine, example = tomllib.loads(text), tomllib.loads(example_text())
    assert {s: set(v) if isinstance(v, dict) else None for s, v in mine.items()} == \
        {s: set(v) if isinstance(v, dict) else None for s, v in example.items()}
    assert mine["organization"]["issuing_body"] == "PHÒNG VĂN HÓA \"và\" THÔNG TIN"
    assert all("#" in line for line in text.splitlines() if " = " in line)
    assert example_text() == (ROOT / "config.example.toml").read_text(encoding="utf-8"), \
        "templates/config.example.toml (shipped in the wheel) must equal the one at the top"


def test_init_never_overwrites_an_office(cli, tmp_path):
    office = tmp_path / "o"
    assert cli("init", office).code == 0
    before = {p.name: p.read_bytes() for p in office.iterdir()}
    result = cli("init", office, "--roster", layout_titled_xlsx(tmp_path / "ds.xlsx"))
    assert result.code == 2
    assert "already holds an office (config.toml, tonghop.xlsx); nothing was changed" in result.err
    assert {p.name: p.read_bytes() for p in office.iterdir()} == before


def test_a_roster_that_cannot_be_read_leaves_nothing_behind(cli, tmp_path):
    bad = tmp_path / "ds.xlsx"
    bad.write_bytes(b"not a workbook")
    result = cli("init", tmp_path / "o", "--roster", bad)
    assert result.code == 2 and "cannot be opened" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "o").exists()


def test_on_a_terminal_init_asks_for_what_is_missing(cli, tmp_path, monkeypatch):
    source = layout_windows_csv(tmp_path / "ds.csv")
    answers = iter([str(source), "PHÒNG NỘI VỤ", "UBND QUẬN THANH XUÂN",
                    "https://docs.google.com/forms/d/e/1FAIpQLSx/viewform?usp=pp_url&entry.1234567=P",
                    ""])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    office = tmp_path / "o"
    result = cli("init", office)
    assert result.code == 0, result.err
    config = tomllib.loads((office / "config.toml").read_text(encoding="utf-8"))
    assert config["organization"]["parent_body"] == "UBND QUẬN THANH XUÂN"
    campaigns = openpyxl.load_workbook(office / "tonghop.xlsx")["Đợt thu thập"]
    head = [c.value for c in campaigns[1]]
    row = dict(zip(head, [c.value for c in campaigns[2]], strict=False))
    assert row["Mã đợt"] == "DOT1" and row["Mã câu hỏi đơn vị"] == "1234567"
    assert row["Link biểu mẫu"] == "https://docs.google.com/forms/d/e/1FAIpQLSx/viewform"
    synced = cli("sync", "--config", office / "config.toml", "--now", DEMO_NOW)
    assert synced.code == 0 and "1 campaign, 0 responses; 3 pending" in synced.out
    checked = cli("check", "--config", office / "config.toml")
    assert "todo fill a deadline for DOT1 (tab 'Đợt thu thập', row 2, column 'Hạn nộp')" in checked.out
    assert "todo 1 of 3 units have no e-mail (first: HLHPNQ" in checked.out


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice Calc makes the .xls")
def test_an_old_xls_list_is_read(cli, tmp_path):
    source = layout_titled_xlsx(tmp_path / "ds.xlsx")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", "xls", "--outdir", str(tmp_path / "x"), str(source)],
                   capture_output=True, timeout=180)
    if not (tmp_path / "x" / "ds.xls").is_file():
        pytest.skip("this LibreOffice has no Calc (Writer only) to write an .xls")
    result = cli("init", tmp_path / "o", "--roster", tmp_path / "x" / "ds.xls")
    assert result.code == 0, result.err
    assert "units: 4 from" in result.out


# --- init on Google (the fake) ---------------------------------------------------------------------

@pytest.fixture
def drive(google_fake):
    """The fake reached through the production session: the key's JWT signed in for real."""
    google_fake.tokens.add_service_account(FAKE_ACCOUNT)
    return google_fake


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_init_in_a_shared_drive_then_sync_and_check(cli, tmp_path, drive, service_account_key, layout):
    build, codes = LAYOUTS[layout]
    folder = drive.add_drive_folder(name="Thi đua 2025", shared_drive=True)
    office = tmp_path / "o"
    result = cli("init", office, "--google", "--credentials", service_account_key, "--folder", folder,
                 "--roster", build(tmp_path / layout))
    assert result.code == 0, result.err
    config = tomllib.loads((office / "config.toml").read_text(encoding="utf-8"))
    sid = config["backend"]["spreadsheet"]
    assert config["backend"]["kind"] == "google" and config["reports"]["drive_folder"] == folder
    assert drive.drive_files[sid].parents == [folder]
    assert drive.tab_titles(sid) == ["Đơn vị", "Đợt thu thập", "Gia hạn - Miễn nộp"]
    assert [r[0] for r in roster_rows(drive.values(sid, "Đơn vị"))] == codes
    assert drive.cell(sid, "Đơn vị", "A1").note.startswith("Mã đơn vị, duy nhất")
    kinds = {v["rule"]["condition"]["type"] for v in drive.data_validations(sid, "Đợt thu thập")}
    assert kinds == {"DATE_IS_VALID", "ONE_OF_LIST"}
    made = [r.endpoint for r in drive.requests if r.endpoint != "oauth2.token"][:3]
    assert made == ["drive.files.create", "spreadsheets.get", "spreadsheets.batchUpdate"]
    props = drive.spreadsheet(sid).properties
    assert props["locale"] == "vi_VN" and props["timeZone"] == "Asia/Ho_Chi_Minh"

    synced = cli("sync", "--config", office / "config.toml", "--now", DEMO_NOW)
    assert synced.code == 0, synced.err
    checked = cli("check", "--config", office / "config.toml")
    assert checked.code == 0, checked.out
    assert f"note share every spreadsheet with {FAKE_ACCOUNT} as Editor" in checked.out
    assert "todo add a campaign" in checked.out


def test_a_service_account_without_a_shared_folder_is_told_what_to_do(cli, tmp_path, drive,
                                                                      service_account_key):
    result = cli("init", tmp_path / "o", "--google", "--credentials", service_account_key)
    assert result.code == 4
    assert "cannot own files in a My Drive: pass --folder" in result.err
    assert not (tmp_path / "o").exists()


def test_init_with_a_form_link_on_google_reads_the_form_at_the_first_sync(cli, tmp_path, drive,
                                                                           service_account_key):
    folder = drive.add_drive_folder(name="Thi đua", shared_drive=True)
    answers = drive.add_spreadsheet(tabs={"Câu trả lời biểu mẫu 1": [
        ["Dấu thời gian", "Tên đơn vị", "Kết quả 6 tháng"],
        [45820.5, "P. Nhân Chính", "Đã làm"]]}, date_columns={"Câu trả lời biểu mẫu 1": [0]})
    form = "1FormInitTestAbCdEfGhIjKlMnOpQrStUvWxYz012"
    drive.add_form(form, "Sơ kết 6 tháng", [
        {"itemId": "01", "title": "Tên đơn vị", "questionItem": {"question": {
            "questionId": "2a000001", "required": True, "textQuestion": {"paragraph": False}}}},
        {"itemId": "02", "title": "Kết quả 6 tháng", "questionItem": {"question": {
            "questionId": "2a000002", "required": True, "textQuestion": {"paragraph": True}}}},
    ], linked_sheet_id=answers)
    office = tmp_path / "o"
    result = cli("init", office, "--google", "--credentials", service_account_key, "--folder", folder,
                 "--roster", layout_titled_xlsx(tmp_path / "ds.xlsx"),
                 "--form", f"https://docs.google.com/forms/d/{form}/edit")
    assert result.code == 0, result.err
    synced = cli("sync", "--config", office / "config.toml", "--now", DEMO_NOW)
    assert synced.code == 0, synced.err
    assert "1 campaign, 1 response" in synced.out and "1 on_time" in synced.out


def test_the_example_config_ships_in_the_wheel_as_package_data():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "*.toml" in pyproject["tool"]["setuptools"]["package-data"]["templates"]
    assert json.loads(json.dumps(example_text())).startswith("# tonghop")


def test_init_signed_in_as_a_person_with_a_form_then_sync(cli, tmp_path, google_fake, monkeypatch):
    """--auth oauth: init signs the person in first (Google's consent page asks the Forms scope,
    since a form is linked), makes the spreadsheet in their My Drive, and the first sync reads
    the form."""
    from .conftest import CLERK, CLIENT_ID, CLIENT_SECRET, client_secret_file
    from .test_login import Browser

    google_fake.tokens.add_client(CLIENT_ID, CLIENT_SECRET)
    answers = google_fake.add_spreadsheet(tabs={"Câu trả lời biểu mẫu 1": [
        ["Dấu thời gian", "Tên đơn vị", "Kết quả 6 tháng"], [45820.5, "Phòng Nội vụ", "Đã làm"]]},
        date_columns={"Câu trả lời biểu mẫu 1": [0]})
    form = "1FormInitOauthAbCdEfGhIjKlMnOpQrStUvWxYz01"
    google_fake.add_form(form, "Sơ kết 6 tháng", [
        {"itemId": "01", "title": "Tên đơn vị", "questionItem": {"question": {
            "questionId": "2a000001", "required": True, "textQuestion": {"paragraph": False}}}},
        {"itemId": "02", "title": "Kết quả 6 tháng", "questionItem": {"question": {
            "questionId": "2a000002", "required": True, "textQuestion": {"paragraph": True}}}},
    ], linked_sheet_id=answers)
    browser = Browser(google_fake)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("webbrowser.get", lambda using=None: browser)
    office = tmp_path / "o"
    result = cli("init", office, "--google", "--auth", "oauth", "--oauth-client",
                 client_secret_file(tmp_path), "--roster", layout_titled_xlsx(tmp_path / "ds.xlsx"),
                 "--form", f"https://docs.google.com/forms/d/{form}/edit", "--name", "PHÒNG NỘI VỤ")
    assert result.code == 0, result.err
    assert "Signed in. Token saved to" in result.out
    asked = re.search(r"scope=([^&]+)", browser.seen[0]).group(1)
    assert "forms.body.readonly" in asked
    config = tomllib.loads((office / "config.toml").read_text(encoding="utf-8"))
    sid = config["backend"]["spreadsheet"]
    assert config["backend"]["auth"] == "oauth"
    assert google_fake.drive_files[sid].owner == CLERK and google_fake.drive_files[sid].name == "tonghop - PHÒNG NỘI VỤ"
    synced = cli("sync", "--config", office / "config.toml", "--now", DEMO_NOW)
    assert synced.code == 0, synced.err
    assert "1 campaign, 1 response" in synced.out and "1 on_time" in synced.out


@pytest.mark.parametrize("kind", ["local", "google"])
def test_a_name_that_looks_like_a_formula_stays_text(cli, tmp_path, kind, request):
    source = tmp_path / "ds.csv"
    source.write_text('Tên đơn vị,Email\n"=HYPERLINK(""http://x.example"",""Bấm"")",a@b.vn\n',
                      encoding="utf-8-sig")
    office = tmp_path / "o"
    if kind == "local":
        assert cli("init", office, "--roster", source).code == 0
        ws = openpyxl.load_workbook(office / "tonghop.xlsx")["Đơn vị"]
        assert ws["B2"].data_type == "s" and ws["B2"].value.startswith("=HYPERLINK")
    else:
        drive = request.getfixturevalue("drive")
        key = request.getfixturevalue("service_account_key")
        folder = drive.add_drive_folder(shared_drive=True)
        assert cli("init", office, "--roster", source, "--google", "--credentials", key,
                   "--folder", folder).code == 0
        sid = tomllib.loads((office / "config.toml").read_text(encoding="utf-8"))["backend"]["spreadsheet"]
        cell = drive.cell(sid, "Đơn vị", "B2")
        assert cell.formula is None and cell.value.startswith("=HYPERLINK")
    synced = cli("sync", "--config", office / "config.toml", "--now", DEMO_NOW)
    assert synced.code == 0, synced.err


def test_sign_in_options_without_google_or_a_key_are_refused_before_anything_is_made(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    local = cli("init", tmp_path / "a", "--folder", "0AbC")
    assert local.code == 2 and "--folder: only with --google" in local.err
    keyless = cli("init", tmp_path / "b", "--google")
    assert keyless.code == 2 and "needs --credentials KEY" in keyless.err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()

"""Report drafts: every generated .docx is opened again with python-docx and checked - header
texts, date line, figures against the statuses, Vietnamese order, hostile answers, page setup,
the "Báo cáo" tab, reruns, campaign overrides and templates, PDF, Drive upload."""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm

from reports import write_drafts
from reports.context import DRAFT_STATUS
from reports.pdf import find_soffice
from reports.proposals import Kind, by_kind, parse_proposals
from sync.backends import open_backend
from sync.config import load_config
from sync.cycle import read_state
from sync.demo import CAMPAIGNS
from sync.errors import ExitCode
from sync.rules import headers as H
from sync.rules.models import Status
from sync.rules.text import person_sort_key
from sync.rules.timeparse import parse_moment

from .conftest import DEMO_NOW

DAY = "2023-06-20"
KINDS = ("bao-cao", "danh-sach-khen-thuong", "phu-luc-don-vi")
TNR = "Times New Roman"


def report(cli, ws: Path, *args: str, now: str = DEMO_NOW):
    result = cli("report", "--config", ws / "config.toml", "--now", now, *args)
    assert result.code == 0, result.err
    return result


def draft(ws: Path, code: str, kind: str, day: str = DAY) -> Document:
    path = ws / "out" / f"{day}_{code}_{kind}.docx"
    assert path.exists(), sorted(p.name for p in (ws / "out").iterdir())
    return Document(str(path))


def texts(doc: Document) -> list[str]:
    """Every paragraph, in body order, tables included."""
    body = doc.element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def mm(*lengths) -> tuple[float, ...]:
    """Word stores twentieths of a point: 210 mm comes back as 209.99 mm."""
    return tuple(round(length.mm, 1) for length in lengths)


def cell_rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def statuses(cli, ws: Path, code: str) -> list[dict]:
    result = cli("status", "--config", ws / "config.toml", "--now", DEMO_NOW, "--json")
    return [r for r in json.loads(result.out) if r["campaign"] == code]


def workbook_tab(ws: Path, title: str) -> list[list]:
    sheet = openpyxl.load_workbook(ws / "tonghop.xlsx")[title]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def set_answer(ws: Path, tab: str, unit_code: str, header: str, value: str) -> None:
    """Put ``value`` into every response of a unit (found by its e-mail), as if it typed it."""
    wb = openpyxl.load_workbook(ws / "tonghop.xlsx")
    sheet = wb[tab]
    head = [c.value for c in sheet[1]]
    col, email_col = head.index(header) + 1, head.index("Địa chỉ email") + 1
    hits = 0
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, email_col).value == f"{unit_code.lower()}@thanhxuan.example.vn":
            sheet.cell(row, col).value = value
            hits += 1
    assert hits, unit_code
    wb.save(ws / "tonghop.xlsx")


# --- Drafts, names, header and date line ------------------------------------------------------

def test_report_writes_three_drafts_per_campaign_that_open_again(cli, demo_dir):
    result = report(cli, demo_dir)
    names = sorted(p.name for p in (demo_dir / "out").iterdir() if p.suffix == ".docx")
    assert names == sorted(f"{DAY}_{c.code}_{k}.docx" for c in CAMPAIGNS for k in KINDS)
    assert sorted(p.name for p in (demo_dir / "out").glob("*.xlsx")) == sorted(
        f"{DAY}_{c.code}_bieu-tong-hop.xlsx" for c in CAMPAIGNS)  # the fourth draft
    assert "16 written" in result.out
    for name in names:
        Document(str(demo_dir / "out" / name))  # opens
        with zipfile.ZipFile(demo_dir / "out" / name) as package:
            assert package.testzip() is None


def test_summary_report_header_signature_and_date_line(cli, demo_dir):
    report(cli, demo_dir)
    doc = draft(demo_dir, "NTVT", "bao-cao")
    header, signature = doc.tables[0], doc.tables[-1]
    left, right = (c.paragraphs for c in header.rows[0].cells)
    assert [p.text for p in left if p.text] == ["UBND QUẬN THANH XUÂN", "PHÒNG NỘI VỤ", "Số:       /BC-NV"]
    assert left[1].runs[0].bold and not left[0].runs[0].bold
    assert [p.text for p in right if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Thanh Xuân, ngày 20 tháng 6 năm 2023"]
    date_line = [p for p in right if p.text.startswith("Thanh Xuân")][0]
    assert all(r.italic for r in date_line.runs)
    # A rule (top border of an indented empty paragraph) under the issuing body and the motto.
    for cell in (left, right):
        assert any(p._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is not None for p in cell)
    body = texts(doc)
    at = body.index("BÁO CÁO")
    assert body[at + 1] == ("Tổng kết Cuộc thi viết về gương điển hình tiên tiến, người tốt, việc "
                            "tốt năm 2023")  # the campaign's column "Trích yếu"
    for heading in ("I. CÔNG TÁC TRIỂN KHAI, CHỈ ĐẠO", "II. KẾT QUẢ THỰC HIỆN",
                    "III. ĐÁNH GIÁ CHUNG", "IV. NHIỆM VỤ TRONG THỜI GIAN TỚI",
                    "V. ĐỀ XUẤT, KIẾN NGHỊ"):
        assert heading in body
    assert any(t.startswith("Thực hiện Kế hoạch số 317/KH-UBND") and
               ", Phòng Nội vụ báo cáo tổng kết Cuộc thi viết" in t for t in body)
    placeholders = [r for p in doc.paragraphs for r in p.runs if r.text.startswith("[Cần viết")]
    assert placeholders and all(r.italic and r.font.highlight_color for r in placeholders)
    recipients, signer = (c.paragraphs for c in signature.rows[0].cells)
    assert [p.text for p in recipients if p.text] == [
        "Nơi nhận:", "- UBND quận (để báo cáo);", "- Hội đồng Thi đua - Khen thưởng quận;",
        "- Lưu: VT, NV."]
    assert [p.text for p in signer if p.text] == ["TRƯỞNG PHÒNG", "Nguyễn Văn A"]
    assert not any("{{" in t or "{%" in t for t in body)


@pytest.mark.parametrize(("now", "line"), [
    ("2023-06-05T09:00", "Thanh Xuân, ngày 05 tháng 6 năm 2023"),
    ("2024-02-09T09:00", "Thanh Xuân, ngày 09 tháng 02 năm 2024"),
    ("2023-11-25T09:00", "Thanh Xuân, ngày 25 tháng 11 năm 2023"),
])
def test_date_line_pads_day_and_months_one_and_two(cli, demo_dir, now, line):
    report(cli, demo_dir, "--campaign", "NTVT", now=now)
    doc = draft(demo_dir, "NTVT", "bao-cao", day=now[:10])
    assert line in [p.text for p in doc.tables[0].rows[0].cells[1].paragraphs]
    annex = texts(draft(demo_dir, "NTVT", "phu-luc-don-vi", day=now[:10]))
    assert f"(Kèm theo Báo cáo số       /BC-NV {line.split(', ', 1)[1]} của Phòng Nội vụ)" in annex


# --- Figures against the statuses -------------------------------------------------------------

@pytest.mark.parametrize("code", [c.code for c in CAMPAIGNS])
def test_figures_agree_with_the_evaluated_statuses(cli, demo_dir, code):
    assert cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW).code == 0
    report(cli, demo_dir)
    records = statuses(cli, demo_dir, code)
    counts = Counter(r["status"] for r in records)
    doc = draft(demo_dir, code, "bao-cao")
    groups = cell_rows(doc.tables[1])
    assert groups[0][:2] == ["Khối đơn vị", "Phải gửi"]
    order = ["on_time", "late", "incomplete", "pending", "overdue", "exempt"]
    required = len(records) - counts["exempt"]  # "Phải gửi": an exempt unit need not
    assert groups[-1] == ["Tổng cộng", str(required), *[str(counts[s]) for s in order]]
    by_group = Counter((r["group"], r["status"]) for r in records)
    for row in groups[1:-1]:
        assert row[2:] == [str(by_group[(row[0], s)]) for s in order]
    submitted = counts["on_time"] + counts["late"] + counts["incomplete"]
    body = " ".join(texts(doc))
    assert f"{submitted}/{required} đơn vị đã gửi" in body
    assert f"Số đơn vị thuộc diện gửi báo cáo: {len(records)} đơn vị" in body
    if counts["overdue"] and counts["pending"]:  # a count of 0 is left out of the sentence
        assert f"{counts['overdue']} đơn vị đã quá hạn, {counts['pending']} đơn vị còn trong hạn" in body
    elif counts["overdue"] or counts["pending"]:
        assert ("đều đã quá hạn" if counts["overdue"] else "vẫn còn trong hạn") in body
    # The annex lists every expected unit with its status and submission time.
    annex = draft(demo_dir, code, "phu-luc-don-vi").tables[0]
    listed = {row[1]: row for row in cell_rows(annex)[1:] if row[0].isdigit()}
    assert len(listed) == len(records)
    for r in records:
        row = listed[r["unit_name"]]
        assert row[2] == DRAFT_STATUS[Status(r["status"])]  # the drafts say "gửi", not "nộp"
        assert (row[3] != "") == (r["submitted_at"] is not None)
    # Proposals: only the response that counts, one list per form of commendation, each list's
    # total the report's row for that form.
    by_form = [t for t in doc.tables if t.rows[0].cells[0].text == "Hình thức đề nghị"]
    forms = cell_rows(by_form[0])[1:-1] if by_form else []
    listing = texts(draft(demo_dir, code, "danh-sach-khen-thuong"))
    totals = [t for t in listing if t.startswith("Tổng số:") and "cần kiểm tra" not in t]
    expected = []
    for _form, collectives, individuals, _all in forms:
        parts = [f"{int(n):02d} {what}" if int(n) < 10 else f"{n} {what}"
                 for n, what in ((collectives, "tập thể"), (individuals, "cá nhân")) if int(n)]
        expected.append("Tổng số: " + ", ".join(parts) + ".")
    assert totals == expected


def test_only_the_counted_response_contributes_proposals(cli, demo_dir):
    config = load_config(demo_dir / "config.toml")
    backend = open_backend(config)
    now = parse_moment(DEMO_NOW, config.tz).at
    state = read_state(config, backend, now)
    mine = [s for s in state.statuses_of("NTVT") if s.counted is not None]
    expected = sum(len(parse_proposals(s.counted.answers[H.DEFAULT_PROPOSALS_QUESTION]))
                   for s in mine)
    superseded = [r for r in state.rows if r.response.campaign_code == "NTVT"
                  and r.verdict.value == "superseded"]
    assert superseded  # the demo has resubmissions whose first version must not count
    write_drafts(config, backend, state, now, campaigns=["NTVT"])
    tables = [cell_rows(t)[1:] for t in draft(demo_dir, "NTVT", "danh-sach-khen-thuong").tables]
    assert any("CHƯA XÁC ĐỊNH ĐƯỢC ĐƠN VỊ" in row[0] for row in tables[-1])  # the list to check
    numbered = [row for rows in tables[:-1] for row in rows if row[0].isdigit()]
    assert len(numbered) == expected


# --- Vietnamese order -------------------------------------------------------------------------

KNOWN = ["Đỗ Minh Đức", "Lê Thị Ánh", "Trần Văn Hòa", "Phạm Quang Anh", "Vũ Ngọc Dũng",
         "Nguyễn Thị Bình", "Bùi Văn Anh"]
KNOWN_ORDER = ["Bùi Văn Anh", "Phạm Quang Anh", "Lê Thị Ánh", "Nguyễn Thị Bình",
               "Vũ Ngọc Dũng", "Đỗ Minh Đức", "Trần Văn Hòa"]


def test_people_sorted_by_given_name_then_family_name_d_before_dj_tones_second():
    text = "\n".join(f"Cá nhân | {name} | Giáo viên | Giấy khen | Tốt" for name in KNOWN)
    people = by_kind(parse_proposals(text, "Trường A"))[Kind.INDIVIDUAL]
    assert [p.name for p in people] == KNOWN_ORDER


def test_the_list_is_grouped_and_sorted_the_vietnamese_way(cli, demo_dir):
    lines = "\n".join(f"Cá nhân | {n} | Giáo viên | Giấy khen | Tốt" for n in KNOWN)
    set_answer(demo_dir, "Câu trả lời biểu mẫu 3", "P05",
               H.DEFAULT_PROPOSALS_QUESTION, lines + "\nTập thể | Tổ dân phố số 10 | | Giấy khen\n"
               "Tập thể | Tổ dân phố số 2 | | Giấy khen\nmột dòng không đọc được")
    report(cli, demo_dir, "--campaign", "PCCC")
    doc = draft(demo_dir, "PCCC", "danh-sach-khen-thuong")
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert mm(section.page_width, section.page_height) == (297, 210)
    # one list per form (all Giấy khen here), then the list to check
    assert len(doc.tables) == 2
    rows = cell_rows(doc.tables[0]) + cell_rows(doc.tables[1])[1:]
    assert rows[0] == ["STT", "Họ và tên / Tên tập thể", "Chức vụ", "Đơn vị công tác",
                       "Hình thức đề nghị", "Tóm tắt thành tích", "Ghi chú"]
    labels = [r[0] for r in rows if not r[0].isdigit() and not r[0].startswith("Tổng số")][1:]
    assert [re.sub(r" \(\d+\)$", "", x) for x in labels] == [
        "I. TẬP THỂ", "II. CÁ NHÂN", "I. DÒNG ĐỀ NGHỊ CHƯA ĐỌC ĐƯỢC",
        "II. ĐỀ NGHỊ TỪ LƯỢT GỬI CHƯA XÁC ĐỊNH ĐƯỢC ĐƠN VỊ (CẦN KIỂM TRA)"]
    groups: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        if row[0].startswith("Tổng số"):
            continue
        if not row[0].isdigit():
            groups[row[0]] = []
        else:
            groups[list(groups)[-1]].append(row)
    collectives, people, unclear, _unidentified = groups.values()
    names = [r[1] for r in people]
    assert names == sorted(names, key=person_sort_key)
    assert [n for n in names if n in KNOWN] == KNOWN_ORDER
    mine = [r[1] for r in collectives if r[3] == "UBND phường Thanh Xuân Trung"]
    assert mine.index("Tổ dân phố số 2") < mine.index("Tổ dân phố số 10")
    assert [r[1:4] + r[6:] for r in people if r[1] == "Trần Văn Hòa"] == [
        ["Trần Văn Hòa", "Giáo viên", "UBND phường Thanh Xuân Trung", ""]]
    assert unclear[0][6] == "Dòng gốc: một dòng không đọc được"
    assert [int(r[0]) for r in people] == list(range(1, len(people) + 1))


def test_parser_tolerates_what_clerks_type():
    import unicodedata

    text = unicodedata.normalize("NFD", (
        "  1.  cá nhân |  Nguyễn   Văn  Đức | Giáo viên\n"
        "Tập thể\tTổ dân phố số 5\t\tgiấy khen\tTiêu biểu\n"
        "\n"
        "Cá nhân | Lê Thị Hoa | Cán bộ | Bằng khen | Gương mẫu | thêm 1 | thêm 2\n"
        "Đề nghị khen anh A vì đã làm tốt\n"))
    got = parse_proposals(text, "Phường X")
    assert [(p.kind, p.name, p.position, p.form, p.achievements, p.note) for p in got] == [
        (Kind.INDIVIDUAL, "Nguyễn Văn Đức", "Giáo viên", "", "", ""),
        (Kind.COLLECTIVE, "Tổ dân phố số 5", "", "Giấy khen", "Tiêu biểu", ""),
        (Kind.INDIVIDUAL, "Lê Thị Hoa", "Cán bộ", "Bằng khen", "Gương mẫu", "thêm 1; thêm 2"),
        (Kind.UNKNOWN, "", "", "", "", "Dòng gốc: Đề nghị khen anh A vì đã làm tốt"),
    ]
    assert all(p.unit == "Phường X" and unicodedata.is_normalized("NFC", p.name) for p in got)


# --- Hostile answers --------------------------------------------------------------------------

HOSTILE = "Nguyễn <b>Văn</b> & \"A\" 'B' {{ x }} {_{ y }_} </w:t>"
LONG = "Thành tích " + "rất dài, " * 555  # over 5,000 characters


def test_hostile_answers_are_plain_text_and_the_docx_opens(cli, demo_dir):
    config = load_config(demo_dir / "config.toml")
    backend = open_backend(config)
    now = parse_moment(DEMO_NOW, config.tz).at
    state = read_state(config, backend, now)
    target = next(s for s in state.statuses_of("NTVT") if s.counted is not None)
    answers = dict(target.counted.answers)
    answers[H.DEFAULT_PROPOSALS_QUESTION] = "\n".join([
        f"Cá nhân | {HOSTILE} | Chức vụ\x01\x0b\x7f | Giấy khen | {LONG}",
        'Cá nhân | =HYPERLINK("http://example.com/x","Bấm vào đây") | | Giấy khen | hai\r\ndòng',
    ])
    counted = replace(target.counted, answers=answers)
    state.statuses[state.statuses.index(target)] = target._replace(counted=counted)
    write_drafts(config, backend, state, now, campaigns=["NTVT"])
    path = demo_dir / "out" / f"{DAY}_NTVT_danh-sach-khen-thuong.docx"
    rows = [row for t in Document(str(path)).tables for row in cell_rows(t)]
    hostile = next(r for r in rows if r[1] == HOSTILE)
    assert hostile[2] == "Chức vụ" and hostile[5] == LONG.strip() and len(hostile[5]) > 5000
    formula = next(r for r in rows if r[1].startswith("=HYPERLINK"))
    assert formula[1] == '=HYPERLINK("http://example.com/x","Bấm vào đây")'
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    assert "HYPERLINK" not in re.sub(r"<w:t[^>]*>[^<]*</w:t>", "", xml)  # no field, no link
    assert "<w:hyperlink" not in xml and "\x01" not in xml and "\x0b" not in xml
    assert "&lt;b&gt;Văn&lt;/b&gt; &amp;" in xml


# --- Page setup and fonts ---------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_page_setup_fonts_and_page_numbers(cli, demo_dir, kind):
    report(cli, demo_dir, "--campaign", "NTVT")
    doc = draft(demo_dir, "NTVT", kind)
    section = doc.sections[0]
    landscape = kind in ("danh-sach-khen-thuong", "phu-luc-don-vi")
    assert mm(section.page_width, section.page_height) == ((297, 210) if landscape else (210, 297))
    assert mm(section.top_margin, section.bottom_margin) == (20, 20)
    assert mm(section.left_margin, section.right_margin) == (30, 15)
    # Times New Roman for every script, with no theme font anywhere to override it.
    styles = doc.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {TNR}
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None
    assert styles.find(f"{qn('w:docDefaults')}//{qn('w:rFonts')}") is not None
    for fonts in doc.element.body.iter(qn("w:rFonts")):
        assert fonts.get(qn("w:ascii")) in (None, TNR)
    # No number on page 1; from page 2 a centred PAGE field in the header.
    assert section.different_first_page_header_footer
    assert not section.first_page_header.paragraphs[0].text
    header = section.header.paragraphs[0]
    assert header.alignment == 1  # centred
    assert "PAGE" in "".join(i.text for i in header._p.iter(qn("w:instrText")))
    body = doc.styles["VB Nội dung"].paragraph_format
    assert body.first_line_indent == Cm(1.27) and body.alignment == 3  # justified


# --- The "Báo cáo" tab, reruns ----------------------------------------------------------------

def test_reports_tab_lists_paths_and_a_rerun_writes_nothing(cli, demo_dir):
    report(cli, demo_dir)
    rows = workbook_tab(demo_dir, H.REPORTS_TAB)
    assert tuple(rows[0][:len(H.REPORT_HEADERS)]) == H.REPORT_HEADERS
    assert len(rows) == 1 + 16
    for _, _, name, at, location, file_id, _ in rows[1:]:
        assert Path(location).exists() and Path(location).name == name
        assert at == "20/06/2023 10:00" and not file_id
    assert {r[1] for r in rows[1:]} == {"Báo cáo", "Danh sách đề nghị khen thưởng",
                                         "Phụ lục tình hình nộp của các đơn vị", "Biểu tổng hợp"}
    workbook = demo_dir / "tonghop.xlsx"
    before = workbook.read_bytes()
    again = report(cli, demo_dir, now="2023-06-20T16:00")
    assert "0 written, 16 unchanged" in again.out
    assert workbook.read_bytes() == before
    # The next day: new files, the same 16 rows pointing at them, no duplicates.
    report(cli, demo_dir, now="2023-06-21T08:00")
    rows = workbook_tab(demo_dir, H.REPORTS_TAB)
    assert len(rows) == 17 and all(r[2].startswith("2023-06-21_") for r in rows[1:])
    assert len(list((demo_dir / "out").glob("2023-06-21_*.*"))) == 16


def test_a_changed_figure_rewrites_only_that_campaigns_drafts(cli, demo_dir):
    report(cli, demo_dir)
    set_answer(demo_dir, "Câu trả lời biểu mẫu 4", "P07",
               H.DEFAULT_PROPOSALS_QUESTION, "Cá nhân | Hoàng Văn Nam | Cán bộ | Giấy khen | Tốt")
    result = report(cli, demo_dir)
    written = [line.split()[1] for line in result.out.splitlines() if line.startswith("wrote")]
    assert written == ["NSNN"] * 4


# --- Per-campaign settings and templates ------------------------------------------------------

def add_campaign_columns(ws: Path, code: str, values: dict[str, str]) -> None:
    wb = openpyxl.load_workbook(ws / "tonghop.xlsx")
    sheet = wb[H.CAMPAIGNS_TAB]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == code)
    for header, value in values.items():
        col = sheet.max_column + 1
        sheet.cell(1, col).value = header
        sheet.cell(row, col).value = value
    wb.save(ws / "tonghop.xlsx")


def test_campaign_row_overrides_the_issuer(cli, demo_dir):
    add_campaign_columns(demo_dir, "PCCC", {
        "Cơ quan chủ quản": "CÔNG AN THÀNH PHỐ HÀ NỘI", "Cơ quan ban hành": "Công an quận Thanh Xuân",
        "Ký hiệu văn bản": "CAQ-TM", "Số văn bản": "7", "Người ký": "Trần Văn B",
        "Chức vụ người ký": "Trưởng Công an quận", "Nơi nhận": "Công an thành phố; UBND quận",
        "Trích yếu": "Sơ kết 6 tháng mô hình Tổ liên gia an toàn PCCC"})
    report(cli, demo_dir, "--campaign", "PCCC")
    doc = draft(demo_dir, "PCCC", "bao-cao")
    left = [p.text for p in doc.tables[0].rows[0].cells[0].paragraphs if p.text]
    assert left == ["CÔNG AN THÀNH PHỐ HÀ NỘI", "CÔNG AN QUẬN THANH XUÂN", "Số: 07/BC-CAQ-TM"]
    body = texts(doc)
    assert "Sơ kết 6 tháng mô hình Tổ liên gia an toàn PCCC" in body
    recipients, signer = (c.paragraphs for c in doc.tables[-1].rows[0].cells)
    assert [p.text for p in recipients if p.text][1:] == [
        "- Công an thành phố;", "- UBND quận;", "- Lưu: VT, CAQ-TM."]
    assert [p.text for p in signer if p.text] == ["TRƯỞNG CÔNG AN QUẬN", "Trần Văn B"]
    assert "Thanh Xuân" not in "".join(Path(__file__).parent.parent.joinpath(
        "reports").joinpath(n).read_text(encoding="utf-8") for n in
        ("context.py", "drafts.py", "publish.py", "render.py"))


def test_a_campaign_can_name_its_own_template(cli, demo_dir):
    from sync import bundled

    own = Document(str(bundled.template("bao-cao.docx")))
    own.add_paragraph("Mẫu riêng của đợt {{ campaign.code }}: {{ figures.expected }} đơn vị")
    own.save(demo_dir / "mau-pccc.docx")
    add_campaign_columns(demo_dir, "PCCC", {"Mẫu báo cáo": "mau-pccc"})
    report(cli, demo_dir, "--campaign", "PCCC")
    assert "Mẫu riêng của đợt PCCC: 11 đơn vị" in texts(draft(demo_dir, "PCCC", "bao-cao"))
    (demo_dir / "mau-pccc.docx").unlink()
    missing = cli("report", "--config", demo_dir / "config.toml", "--now", DEMO_NOW)
    assert missing.code == ExitCode.CONFIG and "Traceback" not in missing.err
    assert "template 'mau-pccc'" in missing.err and "Mẫu báo cáo" in missing.err


def test_a_broken_template_is_one_clear_line(cli, demo_dir):
    folder = demo_dir / "mau"
    folder.mkdir()
    broken = Document()
    broken.add_paragraph("{{ campaign.title ")
    broken.save(folder / "danh-sach-khen-thuong.docx")
    (folder / "phu-luc-don-vi.docx").write_bytes(b"not a docx")
    config = demo_dir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[reports]\ntemplates_dir = "mau"\n',
                      encoding="utf-8")
    result = cli("report", "--config", config, "--now", DEMO_NOW, "--campaign", "NTVT")
    assert result.code == ExitCode.CONFIG and "Traceback" not in result.err
    assert "danh-sach-khen-thuong.docx" in result.err and "fix the" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_unknown_campaign_is_a_usage_error(cli, demo_dir):
    result = cli("report", "--config", demo_dir / "config.toml", "--campaign", "XYZ")
    assert result.code == ExitCode.USAGE and "NTVT" in result.err


def test_our_faster_passes_give_the_same_document_as_stock_docxtpl(demo_dir):
    import jinja2
    from docxtpl import DocxTemplate

    from reports.context import DraftKind, campaign_context
    from reports.render import render, sanitised
    from sync import bundled

    config = load_config(demo_dir / "config.toml")
    now = parse_moment(DEMO_NOW, config.tz).at
    state = read_state(config, open_backend(config), now)
    context = campaign_context(config, state, state.campaigns[0], now)
    for kind in (k for k in DraftKind if k is not DraftKind.SUMMARY):  # the .xlsx has no template
        template = bundled.template(f"{kind.value}.docx")
        ours, stock = demo_dir / f"ours-{kind.value}.docx", demo_dir / f"stock-{kind.value}.docx"
        render(template, context, ours)
        doc = DocxTemplate(template)
        doc.render(sanitised(context) | {"chart": ""}, jinja2.Environment(autoescape=True),
                   autoescape=True)
        doc.save(stock)
        read = [zipfile.ZipFile(p).read("word/document.xml") for p in (ours, stock)]
        assert read[0] == read[1], kind


# --- PDF --------------------------------------------------------------------------------------

@pytest.mark.skipif(find_soffice() is None,
                    reason="LibreOffice (soffice) is not installed: apt-get install "
                           "libreoffice-writer-nogui to run the --pdf test")
def test_pdf_through_libreoffice(cli, demo_dir):
    report(cli, demo_dir, "--campaign", "PCCC", "--pdf")
    for kind in KINDS:
        pdf = demo_dir / "out" / f"{DAY}_PCCC_{kind}.pdf"
        assert pdf.read_bytes()[:5] == b"%PDF-"


def test_pdf_without_libreoffice_says_so_and_keeps_the_docx(cli, demo_dir, monkeypatch):
    monkeypatch.setenv("PATH", str(demo_dir))  # no soffice there
    result = cli("report", "--config", demo_dir / "config.toml", "--now", DEMO_NOW,
                 "--campaign", "PCCC", "--pdf")
    assert result.code != 0 and "LibreOffice" in result.err and "Traceback" not in result.err
    assert (demo_dir / "out" / f"{DAY}_PCCC_bao-cao.docx").exists()


# --- Google Drive -----------------------------------------------------------------------------

def test_drafts_go_to_drive_and_replace_their_previous_version(cli, google_workspace):
    ws = google_workspace
    fake = ws.fake
    folder = fake.add_drive_folder(name="Báo cáo tổng hợp", shared_drive=True)  # robots: shared drives
    config = ws.config_path
    config.write_text(config.read_text(encoding="utf-8")
                      + f'\n[reports]\ndrive_folder = "{folder}"\n', encoding="utf-8")
    assert cli("sync", "--config", config, "--now", DEMO_NOW).code == 0
    report(cli, ws.dir)
    uploads = [f for f in fake.drive_files.values() if folder in f.parents]
    assert len(uploads) == 16
    assert {f.name for f in uploads} == {f"{DAY}_{c.code}_{k}.docx" for c in CAMPAIGNS for k in KINDS
                                         } | {f"{DAY}_{c.code}_bieu-tong-hop.xlsx" for c in CAMPAIGNS}
    for f in uploads:
        kind = "spreadsheetml.sheet" if f.name.endswith(".xlsx") else "wordprocessingml.document"
        assert f.mime_type.endswith(kind) and f.content[:2] == b"PK"
    rows = ws.values(H.REPORTS_TAB)
    assert len(rows) == 17
    ids = {f.file_id for f in uploads}
    for row in rows[1:]:
        assert row[5] in ids and row[5] in row[4]  # the link names the file
    fake.reset_counts()
    report(cli, ws.dir, now="2023-06-20T15:00")  # nothing changed: no upload, no write
    assert fake.count("drive.files.update") == fake.count("drive.files.create") == 0
    assert fake.count("values.batchUpdateByDataFilter") == 0
    report(cli, ws.dir, now="2023-06-21T08:00")  # a new day: each file replaced in place
    again = [f for f in fake.drive_files.values() if folder in f.parents]
    assert {f.file_id for f in again} == ids and all(f.version == 2 for f in again)
    assert all(f.name.startswith("2023-06-21_") for f in again)
    assert fake.count("drive.files.create") == 0 and fake.count("drive.files.update") == 16
    # A draft deleted on Drive is uploaded afresh rather than failing.
    gone = rows[1][5]
    del fake.drive_files[gone]
    report(cli, ws.dir, now="2023-06-22T08:00")
    assert len([f for f in fake.drive_files.values() if folder in f.parents]) == 16


def test_sync_with_drafts_on_sync_uploads_to_drive(cli, google_workspace):
    """The unattended path (sync, run, demo) wraps the backend; Drive must still be reachable."""
    ws = google_workspace
    folder = ws.fake.add_drive_folder(name="Báo cáo tổng hợp", shared_drive=True)
    ws.config_path.write_text(ws.config_path.read_text(encoding="utf-8")
                              + f'\n[reports]\non_sync = true\ndrive_folder = "{folder}"\n',
                              encoding="utf-8")
    result = cli("sync", "--config", ws.config_path, "--now", DEMO_NOW)
    assert result.code == 0, result.err
    assert len([f for f in ws.fake.drive_files.values() if folder in f.parents]) == 16
    assert all(row[4].startswith(("https://docs.google.com/", "https://drive.google.com/file/"))
               for row in ws.values(H.REPORTS_TAB)[1:])


def test_status_colours_of_the_chart_are_the_sheet_colours():
    from reports.chart import status_chart

    png = status_chart([{"name": "Phường", **{s.value: 1 for s in Status}}])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"

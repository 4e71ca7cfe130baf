"""Drafts that carry the figures, and the review's findings: totals equal an independent sum of
``status --json``, the .xlsx summary read back, rows that cannot split, a chart legible in
greyscale, and wording that reads as a clerk writes it at any moment."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from reports.chart import CHART_STYLE, GREYS, draw, luminance, serif_font
from reports.context import DraftKind, campaign_context
from reports.drafts import template_for
from reports.render import render
from sync.backends import open_backend
from sync.config import load_config
from sync.cycle import read_state
from sync.demo import CAMPAIGNS
from sync.rules.models import Status
from sync.rules.numbers import vn_number
from sync.rules.timeparse import parse_moment

from .conftest import DEMO_NOW

DAY = "2023-06-20"


def _report(cli, ws: Path, now: str = DEMO_NOW) -> None:
    result = cli("report", "--config", ws / "config.toml", "--now", now)
    assert result.code == 0, result.err


def _texts(path: Path) -> list[str]:
    body = Document(str(path)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def _records(cli, ws: Path) -> list[dict]:
    out = cli("status", "--config", ws / "config.toml", "--now", DEMO_NOW, "--json").out
    return json.loads(out)


def _one_decimal(value: float) -> str:
    """1234.56 -> "1.234,6": the demo's money and rates carry one decimal, and a draft writes
    every number of one figure with as many (written here without the drafts' code)."""
    whole, frac = f"{value:,.1f}".split(".")
    return whole.replace(",", ".") + "," + frac


def _ratio_of_totals(records) -> tuple[float, int]:
    """The tax office's rate: total collected over total estimate (each ward's estimate is its
    amount over its rate), over the wards that gave both."""
    amount = estimate = 0.0
    n = 0
    for r in records:
        money = r["figures"].get("Số thu 6 tháng (triệu đồng)") if r["campaign"] == "NSNN" else None
        rate = r["figures"].get("Tỷ lệ so với dự toán (%)") if r["campaign"] == "NSNN" else None
        if money is not None and rate:
            amount, estimate, n = amount + money, estimate + money / rate * 100, n + 1
    return amount / estimate * 100, n


def _sum(records, campaign, question):
    values = [r["figures"][question] for r in records
              if r["campaign"] == campaign and r["figures"][question] is not None]
    total = 0.0
    for v in values:  # plain Python, not pandas
        total += v
    return total, len(values)


@pytest.fixture
def drafted(cli, demo_dir):
    _report(cli, demo_dir)
    return demo_dir, _records(cli, demo_dir)


def test_report_states_totals_equal_to_an_independent_sum(drafted):
    ws, records = drafted
    text = "\n".join(_texts(ws / "out" / f"{DAY}_NSNN_bao-cao.docx"))
    total, n = _sum(records, "NSNN", "Số thu 6 tháng (triệu đồng)")
    expected = sum(1 for r in records if r["campaign"] == "NSNN" and r["status"] != "exempt")
    assert (f"Tổng số thu 6 tháng: {_one_decimal(total)} triệu đồng (số liệu của {n}/{expected} "
            "đơn vị)") in text
    _rates, m = _sum(records, "NSNN", "Tỷ lệ so với dự toán (%)")
    rate, _both = _ratio_of_totals(records)
    assert (f"Tỷ lệ so với dự toán (tính trên tổng số thu 6 tháng): {_one_decimal(rate)}% "
            f"(số liệu của {m}/{expected} đơn vị)") in text
    assert "cao nhất: " in text and "thấp nhất: " in text
    # the ward that typed words: a clerk's phrase, not the program's message
    assert "1 đơn vị ghi tỷ lệ so với dự toán chưa đúng, chưa tính, đề nghị đơn vị bổ sung" in text
    assert "không phải là số" not in text and "không đọc được" not in text
    pccc = "\n".join(_texts(ws / "out" / f"{DAY}_PCCC_bao-cao.docx"))
    households, k = _sum(records, "PCCC", "Số hộ tham gia")
    assert f"Tổng số hộ tham gia: {vn_number(households)} hộ (số liệu của {k}/" in pccc
    # the table by group: its total row carries the same number
    doc = Document(str(ws / "out" / f"{DAY}_NSNN_bao-cao.docx"))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Khối đơn vị"
                 and len(t.columns) == 3)
    totals = [[c.text for c in row.cells] for row in table.rows if row.cells[0].text == "Tổng cộng"]
    assert totals[0][1:] == [f"{n}/{expected}", _one_decimal(total)]


def test_annex_carries_each_units_figures(drafted):
    ws, records = drafted
    text = "\n".join(_texts(ws / "out" / f"{DAY}_NSNN_phu-luc-don-vi.docx"))
    for r in records:
        value = r.get("figures", {}).get("Số thu 6 tháng (triệu đồng)")
        if r["campaign"] == "NSNN" and value is not None:
            assert f"Số thu 6 tháng: {_one_decimal(value)} triệu đồng" in text


def test_summary_workbook_opens_and_its_totals_read_back(drafted):
    ws, records = drafted
    path = ws / "out" / f"{DAY}_NSNN_bieu-tong-hop.xlsx"
    sheet = openpyxl.load_workbook(path).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if r[0] == "STT")
    total_row = next(r for r in rows if r[1] == "TỔNG CỘNG")
    money = header.index("Số thu 6 tháng (triệu đồng)")
    total, n = _sum(records, "NSNN", "Số thu 6 tháng (triệu đồng)")
    assert total_row[money] == pytest.approx(total, abs=1e-6)
    rate, _m = _ratio_of_totals(records)
    assert total_row[header.index("Tỷ lệ so với dự toán (%)")] == pytest.approx(rate, abs=1e-6)
    wards = next(r for r in rows if r[1] == "Cộng Phường")
    assert wards[money] == pytest.approx(sum(
        r["figures"]["Số thu 6 tháng (triệu đồng)"] or 0 for r in records
        if r["campaign"] == "NSNN" and r["group"] == "Phường"), abs=1e-6)
    # per unit: the same number as status --json
    by_name = {r["unit_name"]: r for r in records if r["campaign"] == "NSNN"}
    for row in rows:
        if row[1] in by_name:
            assert row[money] == by_name[row[1]]["figures"]["Số thu 6 tháng (triệu đồng)"]
    # printing: A4 landscape, header repeated, Times New Roman, widths
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    header_row = rows.index(header) + 1
    assert sheet.print_title_rows == f"${header_row}:${header_row}"
    assert sheet.cell(header_row, 2).font.name == "Times New Roman"
    assert sheet.cell(header_row + 2, money + 1).font.name == "Times New Roman"
    assert sheet.column_dimensions["B"].width >= 40


def _xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode()


def test_table_rows_cannot_split_and_header_rows_repeat(drafted):
    ws, _ = drafted
    for kind in ("bao-cao", "danh-sach-khen-thuong", "phu-luc-don-vi"):
        doc = Document(str(ws / "out" / f"{DAY}_NTVT_{kind}.docx"))
        bordered = [t for t in doc.tables if t.style is not None and t.style.name == "Table Grid"]
        assert bordered, kind
        for t in bordered:
            rows = t._tbl.findall(qn("w:tr"))
            assert rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None, kind
            for tr in rows:
                props = tr.find(qn("w:trPr"))
                assert props is not None and props.find(qn("w:cantSplit")) is not None, kind


def test_annex_is_landscape_with_columns_that_fit(drafted):
    ws, _ = drafted
    doc = Document(str(ws / "out" / f"{DAY}_NTVT_phu-luc-don-vi.docx"))
    section = doc.sections[0]
    assert round(section.page_width.mm) == 297
    table = next(t for t in doc.tables if t.style is not None and t.style.name == "Table Grid")
    widths = [round(c.width.cm, 1) for c in table.columns]
    assert sum(widths) == pytest.approx(25.2, abs=0.1)
    headers = [c.text for c in table.rows[0].cells]
    assert widths[headers.index("STT")] >= 1.3  # "STT" on one line
    assert widths[headers.index("Ghi chú")] >= 3.5 and "Số liệu" in headers


# --- The chart in greyscale ----------------------------------------------------------------------

def test_chart_statuses_have_distinct_grey_levels_on_the_png():
    groups = [{"name": f"Khối {i}", **{s.value: (10 if s is status else 0) for s in Status}}
              for i, status in enumerate(Status)]
    fig = draw(groups)
    png = io.BytesIO()
    fig.savefig(png, format="png")
    image = Image.open(io.BytesIO(png.getvalue())).convert("L")
    height = image.height
    ax = fig.axes[0]
    levels = {}
    for patch in ax.patches:
        (x0, y0), (x1, y1) = patch.get_window_extent().get_points()
        if x1 - x0 < 20:
            continue
        status = next(s for s in Status if patch.get_label() == s.label or
                      patch.get_facecolor()[:3] == tuple(int(CHART_STYLE[s][0][i:i + 2], 16) / 255
                                                         for i in (1, 3, 5)))
        # a box a fifth of the way along the bar, away from its centred label
        box = (int(x0 + (x1 - x0) * 0.15), int(height - y1 + (y1 - y0) * 0.25),
               int(x0 + (x1 - x0) * 0.3), int(height - y1 + (y1 - y0) * 0.75))
        pixels = image.crop(box).tobytes()  # one byte per pixel in mode "L"
        levels[status] = sum(pixels) / len(pixels)
    assert set(levels) == set(Status)
    ordered = sorted(levels.values())
    gaps = [b - a for a, b in zip(ordered, ordered[1:], strict=False)]
    assert min(gaps) >= 12, levels  # hatching lines included, still apart when printed grey
    for name, weights in GREYS.items():  # apart however the printer makes grey
        fills = sorted(luminance(c, weights) for c, _ in CHART_STYLE.values())
        assert min(b - a for a, b in zip(fills, fills[1:], strict=False)) >= 30, name


def test_chart_uses_the_documents_serif_face():
    fig = draw([{"name": "Phường", **{s.value: 1 for s in Status}}])
    family = serif_font()
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontfamily") and
                                    hasattr(a, "get_text") and a.get_text())]
    assert texts and all(t.get_fontfamily()[0] == family for t in texts)
    from matplotlib import font_manager
    installed = {f.name for f in font_manager.fontManager.ttflist}
    if {"Times New Roman", "Liberation Serif"} & installed:
        assert family in ("Times New Roman", "Liberation Serif")


# --- Wording at every moment ---------------------------------------------------------------------

MOMENTS = ["2023-05-01T08:00", "2023-06-10T23:59", "2023-06-15T17:00", "2023-06-20T10:00",
           "2023-06-30T23:59", "2023-07-15T09:00"]


def test_wording_reads_right_before_at_and_after_each_deadline(demo_dir, tmp_path):
    config = load_config(demo_dir / "config.toml")
    backend = open_backend(config)
    titles = {c.code: c.title for c in CAMPAIGNS}
    for moment in MOMENTS:
        now = parse_moment(moment, config.tz).at
        state = read_state(config, backend, now)
        for campaign in state.campaigns:
            context = campaign_context(config, state, campaign, now)
            for kind in (DraftKind.REPORT, DraftKind.ANNEX):
                out = tmp_path / f"{moment[:10]}_{campaign.code}_{kind.value}.docx"
                render(template_for(config, campaign, kind), context, out, None)
                text = "\n".join(_texts(out))
                where = f"{campaign.code} {kind.value} at {moment}"
                assert not re.search(r"(?<![\d.,/])0 đơn vị", text), where
                assert "còn 0" not in text and " 0 tập thể" not in text and " 0 cá nhân" not in text, where
                assert not re.search(r"\bnộp\b", text.replace("Nộp", "nộp")), where  # "gửi" only
                title = titles[campaign.code]
                assert not re.search(r"[a-zà-ỹđ,] " + re.escape(title), text), where
                if kind is DraftKind.REPORT:
                    assert "Tính đến" in text, where


# --- Unidentified responses, extensions, exemptions, campaign columns ----------------------------

def test_unidentified_responses_are_named_and_their_proposals_kept_apart(drafted):
    ws, _ = drafted
    text = "\n".join(_texts(ws / "out" / f"{DAY}_NTVT_bao-cao.docx"))
    # the school not on the roster, and a name only guessed (it counts once staff confirm it)
    assert "chưa xác định được đơn vị (tên ghi trên phiếu: “Trường Quốc tế ABC”; " \
           "“Trường Tiểu học Kim Gang”)" in text
    annex = Document(str(ws / "out" / f"{DAY}_NTVT_phu-luc-don-vi.docx"))
    kim_giang = next(r for r in annex.tables[-1].rows if r.cells[1].text == "Trường Tiểu học Kim Giang")
    assert "có lượt gửi ghi tên “Trường Tiểu học Kim Gang”, có thể là đơn vị này, chưa tính" in \
        kim_giang.cells[-1].text
    assert "đề nghị từ lượt gửi chưa xác định được đơn vị" in text
    doc = Document(str(ws / "out" / f"{DAY}_NTVT_danh-sach-khen-thuong.docx"))
    rows = [[c.text for c in r.cells] for r in doc.tables[-1].rows]
    label = next(i for i, r in enumerate(rows)
                 if "ĐỀ NGHỊ TỪ LƯỢT GỬI CHƯA XÁC ĐỊNH ĐƯỢC ĐƠN VỊ (CẦN KIỂM TRA)" in r[0])
    assert rows[label + 1][3] == "Trường Quốc tế ABC"


def test_extension_shows_its_date_and_exempt_means_exempt(drafted):
    ws, records = drafted
    text = "\n".join(_texts(ws / "out" / f"{DAY}_NTVT_phu-luc-don-vi.docx"))
    assert "gia hạn đến hết ngày 20/6/2023" in text
    doc = Document(str(ws / "out" / f"{DAY}_NTVT_phu-luc-don-vi.docx"))
    table = doc.tables[-1]
    mn10 = next(r for r in table.rows if r.cells[1].text == "Trường Mầm non Mặt Trời")
    assert mn10.cells[2].text == "Được miễn" and mn10.cells[4].text == ""


def test_campaign_columns_parent_body_legal_basis_and_award_issuer(drafted):
    ws, _ = drafted
    pccc = _texts(ws / "out" / f"{DAY}_PCCC_bao-cao.docx")
    assert pccc[0] == "CÔNG AN THÀNH PHỐ HÀ NỘI" and pccc[1] == "CÔNG AN QUẬN THANH XUÂN"
    joined = "\n".join(pccc)
    assert ("Thực hiện Kế hoạch số 87/KH-UBND ngày 10/3/2023 của UBND quận Thanh Xuân về xây dựng "
            "mô hình “Tổ liên gia an toàn PCCC” trên địa bàn quận năm 2023, Công an quận Thanh "
            "Xuân báo cáo sơ kết") in joined
    assert "- Công an thành phố Hà Nội (để báo cáo);" in joined  # its own parent body
    assert "Giấy khen của Chủ tịch UBND quận" in joined
    ntvt = _texts(ws / "out" / f"{DAY}_NTVT_bao-cao.docx")
    assert ntvt[0] == "UBND QUẬN THANH XUÂN"
    assert "Phòng Nội vụ báo cáo tổng kết Cuộc thi viết" in "\n".join(ntvt)


def test_an_empty_parent_body_cell_means_none(cli, demo_dir):
    wb = openpyxl.load_workbook(demo_dir / "tonghop.xlsx")
    sheet = wb["Đợt thu thập"]
    header = [c.value for c in sheet[1]]
    col = header.index("Cơ quan chủ quản") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "NTVT")
    sheet.cell(row, col).value = None
    wb.save(demo_dir / "tonghop.xlsx")
    _report(cli, demo_dir)
    texts = _texts(demo_dir / "out" / f"{DAY}_NTVT_bao-cao.docx")
    # the parent's line stays, empty, so the issuer sits level with the motto as usual
    assert texts[:2] == ["", "PHÒNG NỘI VỤ"] and "UBND QUẬN THANH XUÂN" not in texts


# --- Demo data that reads true -------------------------------------------------------------------

def test_demo_reads_true_to_a_clerk(demo_dir):
    from reports.context import proposals_of

    config = load_config(demo_dir / "config.toml")
    state = read_state(config, open_backend(config), parse_moment(DEMO_NOW, config.tz).at)
    school_only = {"Hiệu trưởng", "Phó Hiệu trưởng", "Giáo viên", "Tổ trưởng chuyên môn"}
    group_of = {u.name: u.group for u in state.units}
    for campaign in state.campaigns:
        mine = state.statuses_of(campaign.code)
        for proposal in proposals_of(campaign, mine):
            group = group_of[proposal.unit]
            if group != "Trường":
                assert proposal.position not in school_only, proposal
            if group == "Trường":
                assert not proposal.name.startswith("Tổ dân phố"), proposal
        # the consolidating unit is never late or missing in its own campaign
        owners = {o.strip() for o in campaign.owner.split(";")}
        for s in mine:
            if s.unit.name in owners:
                assert s.status is Status.ON_TIME, (campaign.code, s.unit.name)
        # every response is stamped before the demo's moment
        assert all(r.response.submitted_at is None or r.response.submitted_at <= state.now
                   for r in state.rows if r.response.campaign_code == campaign.code)
    # figures of a plausible size per kind of unit
    by_unit = {(s.campaign.code, s.unit.group): s for s in state.statuses}
    wards = [s.figure("Số thu 6 tháng (triệu đồng)") for s in state.statuses_of("NSNN")
             if s.unit.group == "Phường" and s.figure("Số thu 6 tháng (triệu đồng)") is not None]
    assert wards and all(1_000 <= v <= 100_000 for v in wards)
    rates = [s.figure("Tỷ lệ so với dự toán (%)") for s in state.statuses_of("NSNN")
             if s.figure("Tỷ lệ so với dự toán (%)") is not None]
    assert rates and all(30 <= v <= 100 for v in rates)
    assert by_unit


def test_demo_proposals_read_true_to_a_district_clerk(demo_dir):
    """Issue 21's findings on the demo, each checked on the proposals the drafts list."""
    from collections import Counter

    from reports.context import proposals_of
    from sync.demo import ACHIEVEMENTS, CITY_AWARDS, COLLECTIVE_FEAT, MEN, POSITIONS_BY_KIND, WOMEN

    config = load_config(demo_dir / "config.toml")
    state = read_state(config, open_backend(config), parse_moment(DEMO_NOW, config.tz).at)
    heads = {positions[0] for positions in POSITIONS_BY_KIND.values()}
    for campaign in state.campaigns:
        proposals = proposals_of(campaign, state.statuses_of(campaign.code))
        # a unit's head is proposed at most once (no three principals of one kindergarten)
        held = Counter((p.unit, p.position) for p in proposals if p.position in heads)
        assert all(n == 1 for n in held.values()), held.most_common(3)
        # a centre has no "Trưởng ban"; a kindergarten no "Khối 1-5"
        for p in proposals:
            if p.unit == "Trung tâm Chính trị quận":
                assert p.position in POSITIONS_BY_KIND["Trung tâm Chính trị quận"], p
            if "Mầm non" in p.unit:
                assert "Khối" not in p.name, p
            # feats belong to this campaign
            assert p.achievements in ACHIEVEMENTS[campaign.code] + [COLLECTIVE_FEAT], p
            # "Thị" goes with a woman's name, "Văn" with a man's
            if p.kind.value == "individual":
                middle, given = p.name.split()[1], p.name.split()[-1]
                if middle == "Thị":
                    assert given in WOMEN[1], p.name
                if middle == "Văn":
                    assert given in MEN[1], p.name
        # the city's Bằng khen: a few from a district, not 29-40
        assert sum(p.form == "Bằng khen" for p in proposals) <= CITY_AWARDS
    # households per fire-safety group: 10-15
    for s in state.statuses_of("PCCC"):
        groups, households = s.figure("Số Tổ liên gia an toàn PCCC"), s.figure("Số hộ tham gia")
        if groups and households:
            assert 10 <= households / groups <= 15, s.unit.name
    # the tax campaign asks wards, not a finance office that collects no tax
    assert {s.unit.group for s in state.statuses_of("NSNN")} == {"Phường"}


def test_detail_tab_note_shows_an_extensions_date(cli, demo_dir):
    assert cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW).code == 0
    sheet = openpyxl.load_workbook(demo_dir / "tonghop.xlsx")["Chi tiết"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    thcs05 = next(r for r in rows if r[0] == "NTVT" and r[1] == "THCS05")
    assert "gia hạn đến 20/06/2023 23:59" in thcs05[-1]

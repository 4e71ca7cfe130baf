"""The drafts' layout, read in their XML: what keeps a lead-in with its table and a total with
its rows, the header cell measured against the longest parent body of the demo, and one list
per form of commendation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from sync.demo import CAMPAIGNS

from .conftest import DEMO_NOW

DAY = DEMO_NOW[:10]
TWIPS_PER_CM = 1440 / 2.54
WORD_CELL_MARGIN = 108  # twips, left and right: Word's default for a table without tblCellMar


@pytest.fixture(scope="module")
def drafted(demo_template, tmp_path_factory):
    import shutil

    from sync.cli import main

    ws = tmp_path_factory.mktemp("layout") / "ws"
    shutil.copytree(demo_template, ws)
    assert main(["report", "--config", str(ws / "config.toml"), "--now", DEMO_NOW]) == 0
    return ws / "out"


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _keeps(paragraph) -> bool:
    ppr = paragraph.find(qn("w:pPr"))
    return ppr is not None and ppr.find(qn("w:keepNext")) is not None


def _rows(table) -> list:
    return table.findall(qn("w:tr"))


def test_a_lead_in_ending_with_a_colon_keeps_with_its_table(drafted):
    for code in ("NTVT", "NSNN"):
        body = Document(str(drafted / f"{DAY}_{code}_bao-cao.docx")).element.body
        children = list(body)
        lead_ins = 0
        for here, after in zip(children, children[1:], strict=False):
            if here.tag == qn("w:p") and after.tag == qn("w:tbl") and _text(here).endswith(":"):
                assert _keeps(here), _text(here)
                lead_ins += 1
        assert lead_ins == 3, code  # the status table, the figures, the forms of commendation


def test_short_tables_keep_their_rows_with_their_total(drafted):
    """In the report's tables every row but a total keeps with the next, so a total never
    opens a page alone; a total ends each block."""
    doc = Document(str(drafted / f"{DAY}_NTVT_bao-cao.docx"))
    checked = 0
    for table in doc.tables[1:-1]:  # between the header and the signature
        rows = _rows(table._tbl)
        assert _text(rows[-1]).startswith("Tổng cộng")
        for row in rows[:-1]:
            if _text(row).startswith("Tổng cộng"):
                continue  # one figure's total: the next figure may start a page
            assert all(_keeps(p) for p in row.iter(qn("w:p"))), _text(row)
        checked += 1
    assert checked == 3


@pytest.mark.parametrize("kind", ["danh-sach-khen-thuong", "phu-luc-don-vi"])
def test_a_lists_total_is_its_last_row_and_group_labels_keep_with_their_first_item(drafted, kind):
    doc = Document(str(drafted / f"{DAY}_NTVT_{kind}.docx"))
    for table in doc.tables:
        rows = _rows(table._tbl)
        assert _text(rows[-1]).startswith("Tổng số: ")  # inside the table, under its header
        assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        labels = [r for r in rows[1:-1] if _text(r)[:3] in ("I. ", "II.", "III", "IV.", "V. ", "VI.")]
        assert labels and all(_keeps(p) for r in labels for p in r.iter(qn("w:p")))
    # and nothing after the last table that could stand alone on a page
    assert not [p for p in doc.element.body.findall(qn("w:p")) if _text(p).startswith("Tổng số")]


def test_one_list_per_form_of_commendation(drafted):
    report = Document(str(drafted / f"{DAY}_NTVT_bao-cao.docx"))
    by_form = next(t for t in report.tables if t.rows[0].cells[0].text == "Hình thức đề nghị")
    forms = [r.cells[0].text for r in by_form.rows[1:-1]]
    assert len(forms) == 2  # the city's Bằng khen and the district's Giấy khen
    listing = Document(str(drafted / f"{DAY}_NTVT_danh-sach-khen-thuong.docx"))
    body = listing.element.body
    titles = [_text(p) for p in body.findall(qn("w:p")) if _text(p).startswith("DANH SÁCH")]
    assert titles == ["DANH SÁCH ĐỀ NGHỊ CHỦ TỊCH UBND THÀNH PHỐ HÀ NỘI TẶNG BẰNG KHEN",
                      "DANH SÁCH ĐỀ NGHỊ CHỦ TỊCH UBND QUẬN TẶNG GIẤY KHEN",
                      "DANH SÁCH ĐỀ NGHỊ CẦN KIỂM TRA TRƯỚC KHI XÉT"]
    tables = listing.tables
    assert len(tables) == len(titles)
    for form, table in zip(forms, tables, strict=False):
        cells = {r.cells[4].text for r in table.rows[1:] if r.cells[0].text.isdigit()}
        assert len(cells) == 1 and form.startswith(cells.pop())  # one form in each list
        labels = [r.cells[0].text for r in table.rows if not r.cells[0].text[:1].isdigit()]
        assert all(x.startswith(("STT", "I. ", "II. ", "Tổng số")) for x in labels)
    # each list starts on its own page
    starts = [p for p in body.findall(qn("w:p")) if _text(p).startswith("Phụ lục I.")]
    assert len(starts) == 3
    assert all(p.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None for p in starts)


# --- The header cell, measured ------------------------------------------------------------------

def _font_files() -> dict[bool, str] | None:
    """Times New Roman, or Liberation Serif (its metric twin): {bold: path}."""
    from matplotlib import font_manager

    found: dict[bool, str] = {}
    for path in font_manager.findSystemFonts():
        stem = Path(path).stem.replace(" ", "").casefold()
        for bold, names in ((False, ("timesnewroman", "times", "liberationserif-regular")),
                            (True, ("timesnewromanbold", "timesbd", "liberationserif-bold"))):
            if stem in names:
                found.setdefault(bold, path)
    return found if len(found) == 2 else None


def _width_cm(text: str, path: str, points: float) -> float:
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    font.set_size(points, 72)
    font.set_text(text)
    return font.get_width_height()[0] / 64 / 72 * 2.54


def _runs_format(paragraph) -> tuple[float, bool]:
    run = paragraph.find(qn("w:r"))
    rpr = run.find(qn("w:rPr"))
    size = rpr.find(qn("w:sz"))
    bold = rpr.find(qn("w:b")) is not None
    return int(size.get(qn("w:val"))) / 2, bold


def test_the_header_cell_holds_the_longest_parent_body_of_the_demo_on_one_line(drafted):
    fonts = _font_files()
    if fonts is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no Times New Roman or Liberation Serif to measure the header with")
        pytest.skip("no Times New Roman or Liberation Serif installed (fonts-liberation2)")
    widest: dict[str, tuple[float, str]] = {}
    for campaign in CAMPAIGNS:
        doc = Document(str(drafted / f"{DAY}_{campaign.code}_bao-cao.docx"))
        header = doc.tables[0]._tbl
        grid = [int(c.get(qn("w:w"))) for c in header.find(qn("w:tblGrid"))]
        for col, cell in enumerate(header.iter(qn("w:tc"))):
            room = (grid[col] - 2 * WORD_CELL_MARGIN) / TWIPS_PER_CM
            for p in cell.findall(qn("w:p")):
                text = _text(p)
                if not text or text.startswith(("Số:", "Thanh Xuân")):
                    continue
                size, bold = _runs_format(p)
                width = _width_cm(text, fonts[bold], size)
                assert width <= room, (campaign.code, text, round(width, 2), round(room, 2))
                if width > widest.get(str(col), (0, ""))[0]:
                    widest[str(col)] = (width, text)
    # the measure was taken on the long names, not on short ones
    assert widest["0"][1] == "CHI CỤC THUẾ QUẬN THANH XUÂN"
    assert widest["1"][1] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def test_the_number_and_the_date_line_stand_level(drafted):
    """"Số:" is the fourth line of the left cell and the date line the fourth of the right one,
    each on one line: they stand level whatever the issuer."""
    for campaign in CAMPAIGNS:
        header = Document(str(drafted / f"{DAY}_{campaign.code}_bao-cao.docx")).tables[0]
        left, right = header.rows[0].cells
        assert [p.text.startswith("Số:") for p in left.paragraphs].index(True) == 3
        assert [p.text.startswith("Thanh Xuân,") for p in right.paragraphs].index(True) == 3

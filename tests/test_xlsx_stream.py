"""The local save streams a worksheet's rows (``xlsx_stream``): what streaming could break.

Each test builds a small .xlsx by hand (the XML as Excel or other tools save it: spans, self-
closing rows and cells, shared strings, an empty sheetData), writes a batch through
``LocalWorkbookBackend.write`` and reads the file back with calamine and as XML.
"""

from __future__ import annotations

import re
import zipfile

import pytest

from sync.backends.local import LocalWorkbookBackend, _guarded_cells
from sync.backends.xlsx_patch import CannotPatch
from sync.rules.book import WHOLE_COLUMN, CellColour, CellGuard, CellWrite, WriteBatch

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET = "xl/worksheets/sheet1.xml"
TAB = "Dữ liệu"


def override(part: str, kind: str) -> str:
    return (f'<Override PartName="{part}" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.{kind}+xml"/>')


def make_xlsx(path, sheet_data: str, shared: list[str] = (), after: str = "",
              cols: str = "", calc_chain: bool = False):
    """A one-tab workbook whose sheet1.xml holds ``sheet_data`` as its <sheetData> (verbatim)."""
    sst = "".join(f"<si><t>{s}</t></si>" for s in shared)
    parts = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + override("/xl/workbook.xml", "sheet.main") + override("/" + SHEET, "worksheet")
            + override("/xl/styles.xml", "styles") + override("/xl/sharedStrings.xml", "sharedStrings")
            + (override("/xl/calcChain.xml", "calcChain") if calc_chain else "") + "</Types>",
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{NS}" xmlns:r="{R}">'
            f'<sheets><sheet name="{TAB}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{R}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{R}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{R}/sharedStrings" Target="sharedStrings.xml"/>'
            + (f'<Relationship Id="rId4" Type="{R}/calcChain" Target="calcChain.xml"/>' if calc_chain else "")
            + "</Relationships>",
        "xl/styles.xml":
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{NS}">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            "</styleSheet>",
        "xl/sharedStrings.xml":
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<sst xmlns="{NS}" count="{len(shared)}" uniqueCount="{len(shared)}">{sst}</sst>',
        SHEET:
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{NS}" xmlns:r="{R}">'
            f'<dimension ref="A1:C3"/>{cols}{sheet_data}{after}</worksheet>',
    }
    if calc_chain:
        parts["xl/calcChain.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                     f'<calcChain xmlns="{NS}"><c r="B1" i="1"/></calcChain>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


def write(path, *cells, colours=(), guards=()):
    batch = WriteBatch(cells=[CellWrite(TAB, r, c, v) for r, c, v in cells],
                       colours=[CellColour(TAB, r, c, colour) for r, c, colour in colours],
                       guards=list(guards))
    return LocalWorkbookBackend(path).write("", batch)


def values(path):
    return LocalWorkbookBackend(path).read().tabs[TAB].values


def sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(SHEET).decode()


def row_xml(path, number: int) -> str:
    found = re.search(rf'<row r="{number}"[^>]*?(/>|>.*?</row>)', sheet_xml(path))
    assert found, number
    return found.group(0)


def test_new_rows_go_between_existing_rows_and_past_the_last(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx",
                     '<sheetData><row r="2"><c r="A2"><v>2</v></c></row>'
                     '<row r="5"><c r="A5"><v>5</v></c></row></sheetData>')
    write(path, (7, 2, "sau"), (1, 1, "đầu"), (3, 2, "giữa"), (4, 1, 4), (5, 2, "năm"))
    assert values(path) == [["đầu"], [2.0], ["", "giữa"], [4.0], [5.0, "năm"], [], ["", "sau"]]
    numbers = [int(n) for n in re.findall(r'<row r="(\d+)"', sheet_xml(path))]
    assert numbers == [1, 2, 3, 4, 5, 7]  # in order, each once
    assert '<dimension ref="A1:C7"/>' in sheet_xml(path)


def test_a_cell_between_existing_cells_keeps_the_row_in_column_order(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx",
                     '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="C1"><v>3</v></c>'
                     '<c r="E1"><v>5</v></c></row></sheetData>')
    write(path, (1, 4, "bốn"), (1, 2, "hai"), (1, 3, "ba"), (1, 6, "sáu"))
    assert values(path) == [[1.0, "hai", "ba", "bốn", 5.0, "sáu"]]
    assert re.findall(r'<c r="([A-Z]+)1"', row_xml(path, 1)) == ["A", "B", "C", "D", "E", "F"]


def test_spans_are_dropped_on_edited_rows_and_kept_on_the_others(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx",
                     '<sheetData><row r="1" spans="1:2"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'
                     '<row r="2" spans="1:2" ht="20" customHeight="1"><c r="A2"><v>3</v></c></row>'
                     '</sheetData>')
    write(path, (2, 5, "mới"))
    assert 'spans="1:2"' in row_xml(path, 1)
    assert "spans" not in row_xml(path, 2) and 'ht="20" customHeight="1"' in row_xml(path, 2)
    assert values(path) == [[1.0, 2.0], [3.0, "", "", "", "mới"]]


def test_self_closing_rows_and_cells(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx",
                     '<sheetData><row r="1"><c r="A1" s="0"/><c r="B1"><v>2</v></c></row>'
                     '<row r="2"/><row r="3" ht="30" customHeight="1"/></sheetData>')
    write(path, (1, 1, "một"), (2, 2, "hai"))
    assert values(path) == [["một", 2.0], ["", "hai"]]
    assert row_xml(path, 3) == '<row r="3" ht="30" customHeight="1"/>'  # kept as it was


def test_shared_strings_of_kept_cells_still_read(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx",
                     '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
                     '<row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData>',
                     shared=["Tên đơn vị", "Phường Khương Đình"])
    with zipfile.ZipFile(path) as z:
        sst = z.read("xl/sharedStrings.xml")
    write(path, (2, 2, "Trạng thái"), (1, 2, "thay"))
    assert values(path) == [["Tên đơn vị", "thay"], ["Phường Khương Đình", "Trạng thái"]]
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/sharedStrings.xml") == sst  # the table is never rewritten
    assert '<c r="B1" t="inlineStr"><is><t>thay</t></is></c>' in row_xml(path, 1)


def test_an_empty_sheet_data_gets_its_rows(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", "<sheetData/>",
                     after='<mergeCells count="1"><mergeCell ref="E1:F1"/></mergeCells>')
    skipped = write(path, (2, 1, "b"), (1, 1, "a"), (1, 5, "merged"))
    assert values(path) == [["a"], ["b"]]
    assert [s.reason.split(";")[0] for s in skipped] == ["merged range E1:F1 covers it"]
    assert sheet_xml(path).index("</sheetData>") < sheet_xml(path).index("<mergeCells")


def test_rows_are_written_as_they_were_without_namespaces_or_character_references(tmp_path):
    kept = '<row r="1"><c r="A1" t="inlineStr"><is><t>Trường THCS Nhân Chính</t></is></c></row>'
    path = make_xlsx(tmp_path / "t.xlsx",
                     f'<sheetData>{kept}<row r="2"><c r="A2"><v>2</v></c></row></sheetData>')
    write(path, (2, 2, "Đã nộp"), (3, 1, "y"))
    xml = sheet_xml(path)
    assert xml.count("xmlns=") == 1 and xml.count("xmlns:r=") == 1
    assert kept in xml and "&#" not in xml  # an untouched row as it was, UTF-8 as it was
    assert "<t>Đã nộp</t>" in xml


def test_a_prefixed_worksheet_keeps_its_prefix(tmp_path):
    """Some generators (the OpenXML SDK) write ``x:row``/``x:c``: rows keep the prefix, and
    the cells the tool adds use it too."""
    path = make_xlsx(tmp_path / "t.xlsx", "")
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    parts[SHEET] = (f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{NS}">'
                    '<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData>'
                    "</x:worksheet>").encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    write(path, (1, 2, "hai"), (2, 1, 3))
    assert values(path) == [[1.0, "hai"], [3]]
    xml = sheet_xml(path)
    assert "<x:row" in xml and "<row" not in xml and xml.count("xmlns:x=") == 1


def test_a_formula_overwritten_drops_the_calc_chain(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx",
                     '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f><v>2</v></c>'
                     "</row></sheetData>", calc_chain=True)
    write(path, (1, 2, "=A1"))
    with zipfile.ZipFile(path) as z:
        assert "xl/calcChain.xml" not in z.namelist()
        assert b"calcChain" not in z.read("[Content_Types].xml")
        assert b"calcChain" not in z.read("xl/_rels/workbook.xml.rels")
    assert values(path) == [[1.0, "=A1"]]  # text, not a formula
    assert "<f>" not in sheet_xml(path)


@pytest.mark.parametrize("rows, what", [
    ('<row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>1</v></c></row>', "row 1 out of order"),
    ('<row><c r="A1"><v>1</v></c></row>', "a row without a number"),
    ('<row r="1"><c r="C1"><v>1</v></c><c r="A1"><v>1</v></c></row>', "not in column order"),
])
def test_rows_the_patch_cannot_place_are_refused_in_one_line(tmp_path, rows, what):
    path = make_xlsx(tmp_path / "t.xlsx", f"<sheetData>{rows}</sheetData>")
    before = path.read_bytes()
    with pytest.raises(CannotPatch, match=what) as err:
        write(path, (1, 1, "x"))
    assert "\n" not in str(err.value) and "save it once in Excel" in str(err.value)
    assert path.read_bytes() == before


def test_colours_and_values_of_one_cell_both_land(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>')
    write(path, (1, 2, "đỏ"), (3, 2, "xanh"), colours=[(1, 2, "#FF0000"), (3, 2, "#00FF00"), (4, 1, "#0000FF")])
    with zipfile.ZipFile(path) as z:
        styles = z.read("xl/styles.xml").decode()
    assert styles.count("<xf ") == 1 + 1 + 3  # cellStyleXfs + the original + one per colour
    fills = re.findall(r'<c r="(\w+)"[^>]*? s="(\d+)"', sheet_xml(path))
    assert [ref for ref, _ in fills] == ["B1", "B3", "A4"] and len({s for _, s in fills}) == 3


def test_twenty_thousand_rows_round_trip(tmp_path):
    rows = "".join(f'<row r="{n}" spans="1:3"><c r="A{n}" t="inlineStr"><is><t>Đơn vị {n}</t></is></c>'
                   f'<c r="B{n}"><v>{n}</v></c><c r="C{n}" t="s"><v>{n % 2}</v></c></row>'
                   for n in range(1, 20_001))
    path = make_xlsx(tmp_path / "t.xlsx", f"<sheetData>{rows}</sheetData>", shared=["có", "không"])
    before = values(path)
    # every other row gets a status in D, every third a colour in B, and rows past the end
    write(path, *[(n, 4, f"Đã nộp {n}") for n in range(2, 20_001, 2)],
          *[(n, 1, f"mới {n}") for n in range(20_001, 20_101)],
          colours=[(n, 2, "#FFF2CC") for n in range(3, 20_001, 3)])
    after = values(path)
    assert len(after) == 20_100
    for n in range(1, 20_001):
        expected = before[n - 1] + ([f"Đã nộp {n}"] if n % 2 == 0 else [])
        assert after[n - 1] == expected, n
    assert after[20_000:] == [[f"mới {n}"] for n in range(20_001, 20_101)]


def test_guards_read_like_the_whole_sheet(tmp_path):
    """The guard check reads only guarded cells, a row at a time (calamine ``iter_rows``, which
    starts at row 1 but at the first used column); it must see what a whole read sees."""
    path = make_xlsx(tmp_path / "t.xlsx",
                     '<sheetData><row r="3"><c r="C3" t="inlineStr"><is><t>Tiêu đề</t></is></c>'
                     '<c r="D3" t="inlineStr"><is><t>Khác</t></is></c></row>'
                     '<row r="6"><c r="E6"><v>7</v></c></row></sheetData>')
    guards = [CellGuard(TAB, 3, 3, "Tiêu đề"), CellGuard(TAB, 3, 4, "Khác"),
              CellGuard(TAB, WHOLE_COLUMN, 5, ""), CellGuard(TAB, WHOLE_COLUMN, 6, ""),
              CellGuard(TAB, 1, 1, ""), CellGuard("Không có", 1, 1, "x")]
    current = _guarded_cells(path, guards)
    tab = LocalWorkbookBackend(path).read().tabs[TAB]
    assert current(TAB, 3, 3) == tab.cell(3, 3) == "Tiêu đề"
    assert current(TAB, 3, 4) == tab.cell(3, 4) == "Khác"
    assert current(TAB, WHOLE_COLUMN, 5) == [7.0] and current(TAB, WHOLE_COLUMN, 6) == []
    assert current(TAB, 1, 1) in ("", None) and current("Không có", 1, 1) is None
    skipped = write(path, (7, 5, "x"), (7, 6, "y"), guards=guards[:-1])
    assert {(s.col, s.reason.split(" (")[0]) for s in skipped} == {
        (5, "expected an empty column but the sheet now holds '7'")}
    assert values(path)[6] == ["", "", "", "", "", "y"]


def test_a_read_starts_at_a1(tmp_path):
    """The read takes calamine's rows one at a time (``iter_rows``, which starts at the first
    used column): the values must sit where a whole read puts them, trimmed alike."""
    from python_calamine import CalamineWorkbook

    from sync.backends.base import trim

    path = make_xlsx(tmp_path / "t.xlsx",
                     '<sheetData><row r="3"><c r="C3" t="inlineStr"><is><t>x</t></is></c>'
                     '<c r="E3" t="inlineStr"><is><t>y</t></is></c></row><row r="4"/>'
                     '<row r="6"><c r="D6"><v>2</v></c><c r="F6" t="inlineStr"><is><t></t></is></c></row>'
                     '</sheetData>')
    whole = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(TAB).to_python(skip_empty_area=False)
    assert values(path) == trim(whole) == [[], [], ["", "", "x", "", "y"], [], [], ["", "", "", 2.0]]


def test_parts_not_edited_are_copied_as_they_were_stored(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>')
    picture = bytes(range(256)) * 64
    with zipfile.ZipFile(path, "a") as z:
        z.writestr(zipfile.ZipInfo("xl/media/image1.png", (2023, 6, 1, 8, 0, 0)), picture)  # stored
    write(path, (1, 2, "x"))
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        image = z.getinfo("xl/media/image1.png")
        assert image.compress_type == zipfile.ZIP_STORED and image.date_time == (2023, 6, 1, 8, 0, 0)
        assert z.read("xl/media/image1.png") == picture
        assert z.getinfo(SHEET).compress_type == zipfile.ZIP_DEFLATED


def test_two_writes_before_one_save_both_land(tmp_path):
    """A second ``write`` streams the rows the first one produced, not the original part."""
    import io

    from sync.backends.xlsx_patch import XlsxPatch

    path = make_xlsx(tmp_path / "t.xlsx", '<sheetData><row r="2"><c r="A2"><v>2</v></c></row></sheetData>')
    patch = XlsxPatch(path)
    try:
        patch.write([CellWrite(TAB, 2, 2, "một"), CellWrite(TAB, 4, 1, "bốn")], [])
        patch.write([CellWrite(TAB, 2, 3, "hai"), CellWrite(TAB, 1, 1, "đầu")], [CellColour(TAB, 4, 1, "#FF0000")])
        saved = io.BytesIO()
        patch.save(saved)
    finally:
        patch.close()
    path.write_bytes(saved.getvalue())
    assert values(path) == [["đầu"], [2.0, "một", "hai"], [], ["bốn"]]
    assert list(tmp_path.iterdir()) == [path]  # the streamed rows left nothing beside the workbook

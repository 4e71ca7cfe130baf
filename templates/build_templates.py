"""Build the bundled report templates (templates/*.docx) with python-docx, so they are
reproducible. Staff edit the .docx files in Word or LibreOffice; run this only to start over:

    python templates/build_templates.py            # rewrites the three .docx beside this file

The layout follows Decree 30/2020/NĐ-CP, Appendix I: A4, margins 20/20/30/15 mm, Times New
Roman, header and signature blocks as borderless two-cell tables, page numbers from page 2
centred at the top. Jinja tags (docxtpl) fill in what the tool knows; the highlighted italic
"[Cần viết: ...]" passages are for staff to write.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"

BODY, HEADING, CELL, CELL_CENTRE, RECIPIENT = (
    "VB Nội dung", "VB Đề mục", "VB Bảng", "VB Bảng giữa", "VB Nơi nhận")
TO_WRITE = "VB Cần viết"  # character style of the passages staff write

CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT


# --- Document-wide setup ----------------------------------------------------------------------

def _fonts(rpr) -> None:
    """Times New Roman for every script, Vietnamese included (eastAsia and cs too), with no theme
    font left to override it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def setup(doc, landscape: bool = False, base_size: int = 14) -> None:
    """Page, fonts and styles. ``base_size`` is Normal's: 12 in the annexes, whose table cells
    carry no formatting of their own (a 5,000-row list renders faster and stays small)."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    for style_rpr in styles.iter(qn("w:rPr")):
        if style_rpr.find(qn("w:rFonts")) is not None:
            _fonts(style_rpr)

    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(base_size)
    _fonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0

    body = _para_style(doc, BODY, size=14, align=JUSTIFY)
    body.paragraph_format.first_line_indent = Cm(1.27)
    body.paragraph_format.space_after = Pt(6)
    body.paragraph_format.line_spacing = 1.15
    heading = _para_style(doc, HEADING, size=14, align=JUSTIFY, base=body)
    heading.font.bold = True
    heading.paragraph_format.space_before = Pt(6)
    heading.paragraph_format.keep_with_next = True
    _para_style(doc, CELL, size=12, align=LEFT)
    _para_style(doc, CELL_CENTRE, size=12, align=CENTER)
    _para_style(doc, RECIPIENT, size=11, align=LEFT)
    to_write = doc.styles.add_style(TO_WRITE, WD_STYLE_TYPE.CHARACTER)
    to_write.font.italic = True
    to_write.font.highlight_color = WD_COLOR_INDEX.YELLOW

    props = doc.core_properties
    props.title, props.author, props.language = "", "tonghop", "vi-VN"

    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    page_numbers(section)


def _para_style(doc, name: str, size: int, align, base=None):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = base or doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(size)
    _fonts(style.element.get_or_add_rPr())
    style.paragraph_format.alignment = align
    return style


def page_numbers(section) -> None:
    """No number on page 1; from page 2 a PAGE field, centred in the top margin, 14 pt."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"),
                       ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(14)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    section.first_page_header.paragraphs[0].text = ""


# --- Building blocks --------------------------------------------------------------------------

def para(container, text: str = "", *, style: str | None = None, size: float | None = None,
         bold: bool = False, italic: bool = False, align=None, before: float = 0,
         after: float | None = None):
    """A paragraph whose text may carry [[...]] passages for staff to write (highlighted)."""
    p = container.add_paragraph(style=style)
    if align is not None:
        p.alignment = align
    if before:
        p.paragraph_format.space_before = Pt(before)
    if after is not None:
        p.paragraph_format.space_after = Pt(after)
    for i, piece in enumerate(text.replace("]]", "[[").split("[[")):
        if not piece:
            continue
        to_write = i % 2 == 1
        run = p.add_run(f"[{piece}]" if to_write else piece, style=TO_WRITE if to_write else None)
        if bold:
            run.bold = True
        if italic or to_write:
            run.italic = True
        if to_write:  # direct formatting too: LibreOffice ignores a highlight set by style
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        if size:
            run.font.size = Pt(size)
    return p


def first_paragraph(cell, text: str, **kwargs):
    """Use the empty paragraph a new cell comes with."""
    p = para(cell, text, **kwargs)
    cell._tc.remove(cell.paragraphs[0]._p)
    return p


def rule(container, width_cm: float, box_cm: float, before: float = 0) -> None:
    """A short solid rule, centred: the top border of an empty paragraph indented on both
    sides (Decree 30 rules under the issuing body, the motto and the summary line)."""
    side = max((box_cm - width_cm) / 2, 0)
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(side)
    fmt.space_before, fmt.space_after, fmt.first_line_indent = Pt(before), Pt(0), Cm(0)
    run = p.add_run()
    run.font.size = Pt(4)
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    border.append(top)
    ppr.insert(1 if ppr.find(qn("w:pStyle")) is not None else 0, border)


def table(doc, widths_cm: list[float], style: str | None = None, borders: bool = True):
    t = doc.add_table(rows=1, cols=len(widths_cm))
    if style:
        t.style = doc.styles[style]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tbl_pr = t._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    if not borders:
        edges = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            e = OxmlElement(f"w:{edge}")
            e.set(qn("w:val"), "nil")
            edges.append(e)
        tbl_pr.append(edges)
    for col, width in zip(t.columns, widths_cm, strict=True):
        col.width = Cm(width)
    for cell, width in zip(t.rows[0].cells, widths_cm, strict=True):
        cell.width = Cm(width)
    if borders:
        cant_split(t.rows[0])
    return t


def add_row(t, widths_cm: list[float]):
    row = t.add_row()
    for cell, width in zip(row.cells, widths_cm, strict=True):
        cell.width = Cm(width)
    cant_split(row)
    return row


def cant_split(row) -> None:
    """A row is never broken across two pages (docxtpl copies it with each looped row)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def repeat_as_header(row) -> None:
    flag = OxmlElement("w:tblHeader")
    row._tr.get_or_add_trPr().append(flag)  # after cantSplit: the schema's order


def tag_row(t, widths_cm: list[float], tag: str) -> None:
    """A row holding only a docxtpl row tag ({%tr ... %}); docxtpl replaces the row by it."""
    row = add_row(t, widths_cm)
    row.cells[0].paragraphs[0].add_run(tag)


def keep_with_next(paragraph) -> None:
    """Never the last line of a page without what follows it (a lead-in ending ":" and its
    table; the rows of a short table and its total)."""
    paragraph.paragraph_format.keep_with_next = True


def merged_row(t, widths_cm: list[float], text: str, bold: bool = True, keep: bool = False) -> None:
    row = add_row(t, widths_cm)
    cell = row.cells[0].merge(row.cells[-1])
    p = first_paragraph(cell, text, style=CELL, bold=bold)
    if keep:
        keep_with_next(p)


def fill_row(row, texts: list[str], centred: set[int] = frozenset(), bold: bool = False,
             keep: bool = False) -> None:
    for i, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
        p = first_paragraph(cell, text, style=CELL_CENTRE if i in centred else CELL, bold=bold)
        if keep:
            keep_with_next(p)


def plain_row(row, texts: list[str], centred: set[int] = frozenset()) -> None:
    """A looped data row: cells with Normal text and no properties of their own (the grid
    gives the widths), so each of thousands of rendered rows is as small as it can be."""
    for i, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
        tc_pr = cell._tc.tcPr
        if tc_pr is not None:
            cell._tc.remove(tc_pr)
        paragraph = cell.paragraphs[0]
        if i in centred:
            paragraph.alignment = CENTER
        paragraph.add_run(text)


# --- The blocks every draft shares ------------------------------------------------------------

# The header's two cells, measured (tests/test_drafts_layout.py) so that the longest parent and
# issuing body of the demo ("CHI CỤC THUẾ QUẬN THANH XUÂN", 12 pt bold, 7.3 cm) and "CỘNG HÒA XÃ
# HỘI CHỦ NGHĨA VIỆT NAM" (12 pt bold, 8.8 cm) each stay on one line: 17.3 cm, 0.8 cm of it in
# the 30 mm left margin, as Decree 30 headers often are.
HEADER_WIDTHS = [8.0, 9.3]
HEADER_INDENT = -0.8
HEADER_SIZE = 12  # parent and issuing body (Decree 30: 12-13)
CELL_MARGIN = 0.19  # Word's default left and right cell margin, cm
SIGNATURE_WIDTHS = [7.5, 9.0]  # "Nơi nhận" and the signer, within the 165 mm text width


def grouped_table(doc, widths: list[float], headers: list[str], *, groups: str, label: str,
                  item: str, items: str, fields: list[str], centred: set[int],
                  total: str = "") -> None:
    """A bordered table: a header row repeated on every page, then for each group of ``groups``
    a merged label row (kept with its first item) and one row per item, made with docxtpl row
    loops ({%tr %}) so that thousands of rows render fast; ``total``, the last row, is inside
    the table so that it never stands alone on a page (the header row repeats above it)."""
    t = table(doc, widths, style="Table Grid")
    fill_row(t.rows[0], headers, centred=set(range(len(headers))), bold=True)
    repeat_as_header(t.rows[0])
    tag_row(t, widths, f"{{%tr for g in {groups} %}}")
    merged_row(t, widths, label, keep=True)
    tag_row(t, widths, f"{{%tr for {item} in {items} %}}")
    plain_row(add_row(t, widths), [f"{{{{ {item}.{f} }}}}" for f in fields], centred=centred)
    tag_row(t, widths, "{%tr endfor %}")
    tag_row(t, widths, "{%tr endfor %}")
    if total:
        merged_row(t, widths, total)


def indent_table(t, cm: float) -> None:
    """A table starting ``cm`` from the text's left edge (negative: into the margin)."""
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    ind = OxmlElement("w:tblInd")
    ind.set(qn("w:w"), str(round(cm / 2.54 * 1440)))
    ind.set(qn("w:type"), "dxa")
    t._tbl.tblPr.append(ind)


def national_header(doc) -> None:
    """Issuing body and number (left), national title, motto and place-and-date line (right)."""
    t = table(doc, HEADER_WIDTHS, borders=False)
    indent_table(t, HEADER_INDENT)
    left, right = t.rows[0].cells
    first_paragraph(left, "{{ org.parent_body }}", align=CENTER, size=HEADER_SIZE)
    para(left, "{{ org.issuing_body }}", align=CENTER, size=HEADER_SIZE, bold=True)
    rule(left, 2.2, HEADER_WIDTHS[0], before=3)
    para(left, "Số: {{ number }}", align=CENTER, size=13, before=4)
    first_paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align=CENTER, size=12, bold=True)
    para(right, "Độc lập - Tự do - Hạnh phúc", align=CENTER, size=14, bold=True)
    rule(right, 6.0, HEADER_WIDTHS[1], before=3)
    para(right, "{{ date_line }}", align=CENTER, size=14, italic=True, before=4)


def signature_block(doc) -> None:
    """"Nơi nhận" (left) and the signer (right), a borderless two-cell table."""
    doc.add_paragraph()
    t = table(doc, SIGNATURE_WIDTHS, borders=False)
    left, right = t.rows[0].cells
    first_paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True)
    para(left, "{%p for r in recipients %}", style=RECIPIENT)
    para(left, "{{ r }}", style=RECIPIENT)
    para(left, "{%p endfor %}", style=RECIPIENT)
    first_paragraph(right, "{%p if org.signer_authority %}", align=CENTER)
    para(right, "{{ org.signer_authority }}", align=CENTER, size=14, bold=True)
    para(right, "{%p endif %}", align=CENTER)
    para(right, "{{ org.signer_title }}", align=CENTER, size=14, bold=True)
    for _ in range(4):  # room for the signature and seal
        para(right, "", align=CENTER)
    para(right, "{{ org.signer_name }}", align=CENTER, size=14, bold=True)


def annex_title(doc, number: str, title: str, box_cm: float, new_page: bool = False) -> None:
    p = para(doc, f"Phụ lục {number}", align=CENTER, size=14, bold=True)
    p.paragraph_format.page_break_before = new_page
    para(doc, title, align=CENTER, size=14, bold=True)
    para(doc, "{{ campaign.title }}", align=CENTER, size=14, bold=True)
    para(doc, "{{ annex_ref }}", align=CENTER, size=14, italic=True)
    rule(doc, 5.0, box_cm, before=4)


# --- The three templates ----------------------------------------------------------------------

def report() -> Document:
    doc = Document()
    setup(doc)
    national_header(doc)
    para(doc, "BÁO CÁO", align=CENTER, size=14, bold=True, before=18)
    para(doc, "{{ campaign.summary_line }}", align=CENTER, size=14, bold=True)
    rule(doc, 4.0, 16.5, before=3)

    def body(text: str):
        return para(doc, text, style=BODY)

    def lead_in(text: str):
        keep_with_next(p := body(text))
        return p

    def heading(text: str) -> None:
        para(doc, text, style=HEADING)

    def after_table(text: str):
        return para(doc, text, style=BODY, before=6)

    def tag(text: str) -> None:
        para(doc, text, style=BODY)

    # A report opens "Thực hiện <the plan, with its subject>, <issuer> báo cáo ... như sau:"
    # ("Căn cứ ...;" is a decision's opening).
    tag("{%p if campaign.legal_basis %}")
    body("Thực hiện {{ campaign.legal_basis }}, {{ org.issuing_body_name }} báo cáo "
         "{{ campaign.subject }} như sau:")
    tag("{%p else %}")
    body("Thực hiện [[Cần viết: số, ngày, trích yếu của kế hoạch hoặc văn bản phát động]], "
         "{{ org.issuing_body_name }} báo cáo {{ campaign.subject }} như sau:")
    tag("{%p endif %}")
    heading("I. CÔNG TÁC TRIỂN KHAI, CHỈ ĐẠO")
    body("[[Cần viết: công tác lãnh đạo, chỉ đạo, tuyên truyền, hướng dẫn các đơn vị; "
         "các văn bản đã ban hành.]]")
    heading("II. KẾT QUẢ THỰC HIỆN")
    heading("1. Tình hình các đơn vị gửi báo cáo")
    body("Số đơn vị thuộc diện gửi báo cáo: {{ figures.expected }} đơn vị"
         "{% if figures.exempt %}, trong đó {{ figures.exempt }} đơn vị được miễn{% endif %}; "
         "hạn gửi: {{ campaign.deadline }}.")
    body("{{ progress }}")
    tag("{%p if figures.unknown_responses %}")
    body("Ngoài ra, {{ figures.unknown_responses }} lượt gửi chưa xác định được đơn vị (tên ghi "
         "trên phiếu: {{ unidentified }}), cần kiểm tra lại.")
    tag("{%p endif %}")
    for var, text in (("units_late", "Đơn vị gửi muộn"),
                      ("units_incomplete", "Đơn vị gửi còn thiếu nội dung"),
                      ("units_overdue", "Đơn vị quá hạn chưa gửi"),
                      ("units_pending", "Đơn vị được gia hạn, chưa gửi"),
                      ("units_exempt", "Đơn vị được miễn")):
        tag(f"{{%p if {var} %}}")
        body(f"- {text}: {{{{ {var} }}}}.")
        tag("{%p endif %}")
    tag("{%p if has_status %}")
    lead_in("Số đơn vị theo tình trạng và khối đơn vị:")
    widths = [4.1, 1.7, 1.8, 1.8, 1.8, 1.8, 1.8, 1.7]
    t = table(doc, widths, style="Table Grid")
    fill_row(t.rows[0], ["Khối đơn vị", "Phải gửi", "Gửi đúng hạn", "Gửi muộn", "Thiếu nội dung",
                         "Chưa gửi (còn hạn)", "Quá hạn, chưa gửi", "Được miễn"],
             centred=set(range(8)), bold=True, keep=True)
    repeat_as_header(t.rows[0])
    columns = ["expected", "on_time", "late", "incomplete", "pending", "overdue", "exempt"]
    tag_row(t, widths, "{%tr for g in groups %}")
    fill_row(add_row(t, widths), ["{{ g.name }}", *[f"{{{{ g.{c} }}}}" for c in columns]],
             centred=set(range(1, 8)), keep=True)
    tag_row(t, widths, "{%tr endfor %}")
    fill_row(add_row(t, widths), ["{{ totals.name }}", *[f"{{{{ totals.{c} }}}}" for c in columns]],
             centred=set(range(1, 8)), bold=True)
    para(doc, "{%p if chart %}", align=CENTER)
    keep_with_next(para(doc, "{{ chart }}", align=CENTER, before=6))
    para(doc, "Biểu đồ: số đơn vị theo tình trạng gửi báo cáo và khối đơn vị", align=CENTER,
         size=12, italic=True, after=6)
    para(doc, "{%p endif %}", align=CENTER)
    after_table("(Chi tiết từng đơn vị tại Phụ lục II kèm theo.)")
    tag("{%p endif %}")
    reporting_rates(doc, body, lead_in, tag)
    heading("2. Kết quả cụ thể")
    tag("{%p for r in results %}")
    body("- {{ r.sentence }}")
    tag("{%p endfor %}")
    tag("{%p for r in results_pending %}")
    body("- {{ r }}")
    tag("{%p endfor %}")
    tag("{%p if results %}")
    lead_in("Số liệu theo khối đơn vị:")
    results_table(doc)
    tag("{%p endif %}")
    comparisons(doc, body, tag)
    para(doc, "[[Cần viết: kết quả theo từng nội dung, chỉ tiêu; mô hình, cách làm hay; gương "
              "điển hình tiêu biểu.]]", style=BODY, before=6)
    # a form that asks for no proposal (a budget report) has no such section, unless some came
    tag("{%p if proposals.asked or proposals.total or proposals.unclear "
        "or proposals.unidentified %}")
    heading("3. Đề nghị khen thưởng")
    tag("{%p if proposals.total %}")
    lead_in("Các đơn vị đề nghị khen thưởng {{ proposals.who }} (danh sách tại Phụ lục I kèm "
            "theo{% if proposals.forms > 1 %}, mỗi hình thức khen thưởng một danh sách"
            "{% endif %}), cụ thể:")
    widths = [8.5, 2.6, 2.6, 2.6]
    t = table(doc, widths, style="Table Grid")
    fill_row(t.rows[0], ["Hình thức đề nghị", "Tập thể", "Cá nhân", "Cộng"],
             centred={0, 1, 2, 3}, bold=True, keep=True)
    repeat_as_header(t.rows[0])
    tag_row(t, widths, "{%tr for f in proposals.by_form %}")
    fill_row(add_row(t, widths), ["{{ f.form }}", "{{ f.collectives }}", "{{ f.individuals }}",
                                  "{{ f.total }}"], centred={1, 2, 3}, keep=True)
    tag_row(t, widths, "{%tr endfor %}")
    fill_row(add_row(t, widths), ["Tổng cộng", "{{ proposals.collectives }}",
                                  "{{ proposals.individuals }}", "{{ proposals.total }}"],
             centred={1, 2, 3}, bold=True)
    tag("{%p else %}")
    body("Chưa có đơn vị nào gửi đề nghị khen thưởng.")
    tag("{%p endif %}")
    tag("{%p if proposals.unclear %}")
    after_table("Có {{ proposals.unclear }} dòng đề nghị chưa đọc được (danh sách cần kiểm tra, "
                "cuối Phụ lục I), cần đối chiếu lại với đơn vị gửi.")
    tag("{%p endif %}")
    tag("{%p if proposals.unidentified %}")
    after_table("Ngoài ra, có {{ proposals.unidentified }} đề nghị từ lượt gửi chưa xác định được "
                "đơn vị, xếp riêng ở cuối Phụ lục I, cần kiểm tra trước khi xét.")
    tag("{%p endif %}")
    tag("{%p endif %}")
    heading("III. ĐÁNH GIÁ CHUNG")
    heading("1. Ưu điểm")
    body("[[Cần viết: những mặt làm được.]]")
    heading("2. Hạn chế, nguyên nhân")
    body("[[Cần viết: hạn chế và nguyên nhân]]{{ shortfall }}.")
    heading("3. Bài học kinh nghiệm")
    body("[[Cần viết: bài học kinh nghiệm.]]")
    heading("IV. NHIỆM VỤ TRONG THỜI GIAN TỚI")
    body("[[Cần viết: nhiệm vụ, giải pháp thời gian tới.]]")
    heading("V. ĐỀ XUẤT, KIẾN NGHỊ")
    body("[[Cần viết: đề xuất, kiến nghị]]{% if proposals.total %}; đề nghị xem xét khen thưởng "
         "các tập thể, cá nhân có thành tích theo danh sách kèm theo{% endif %}.")
    body("Trên đây là báo cáo {{ campaign.subject }} của {{ org.issuing_body_name }}./.")
    signature_block(doc)
    return doc


def results_table(doc) -> None:
    """Each figure by unit group, with its total: a merged label row per figure; a figure's
    rows are kept together with its total."""
    widths = [7.5, 4.0, 5.0]
    t = table(doc, widths, style="Table Grid")
    fill_row(t.rows[0], ["Khối đơn vị", "Số đơn vị có số liệu", "Kết quả"], centred={0, 1, 2},
             bold=True, keep=True)
    repeat_as_header(t.rows[0])
    tag_row(t, widths, "{%tr for r in results %}")
    merged_row(t, widths, "{{ r.heading }}", keep=True)
    tag_row(t, widths, "{%tr for g in r.groups %}")
    fill_row(add_row(t, widths), ["{{ g.group }}", "{{ g.covered }}", "{{ g.value }}"],
             centred={1, 2}, keep=True)
    tag_row(t, widths, "{%tr endfor %}")
    fill_row(add_row(t, widths), ["Tổng cộng", "{{ r.total.covered }}", "{{ r.total.value }}"],
             centred={1, 2}, bold=True)
    tag_row(t, widths, "{%tr endfor %}")


def reporting_rates(doc, body, lead_in, tag) -> None:
    """A repeating campaign's year so far (reports/periods.py): a sentence, the units that
    missed the most periods, a row per unit group with the total. Nothing for a one-off."""
    tag("{%p if periodic and periodic.rates %}")
    body("{{ periodic.rates.sentence }}")
    tag("{%p if periodic.rates.missed %}")
    body("{{ periodic.rates.missed }}")
    tag("{%p endif %}")
    lead_in("{{ periodic.rates.title }} theo khối đơn vị (lượt báo cáo của các kỳ đã đến hạn):")
    widths = [4.5, 2.2, 2.2, 2.2, 2.7, 2.7]
    t = table(doc, widths, style="Table Grid")
    fill_row(t.rows[0], ["Khối đơn vị", "Phải gửi", "Đã gửi", "Tỷ lệ gửi", "Gửi đúng hạn",
                         "Gửi đầy đủ"], centred=set(range(6)), bold=True, keep=True)
    repeat_as_header(t.rows[0])
    columns = ["due", "sent", "sent_rate", "on_time", "complete"]
    tag_row(t, widths, "{%tr for g in periodic.rates.groups %}")
    fill_row(add_row(t, widths), ["{{ g.name }}", *[f"{{{{ g.{c} }}}}" for c in columns]],
             centred=set(range(1, 6)), keep=True)
    tag_row(t, widths, "{%tr endfor %}")
    fill_row(add_row(t, widths), ["{{ periodic.rates.total.name }}",
                                  *[f"{{{{ periodic.rates.total.{c} }}}}" for c in columns]],
             centred=set(range(1, 6)), bold=True)
    para(doc, "", style=BODY)
    tag("{%p endif %}")


def comparisons(doc, body, tag) -> None:
    """A repeating campaign's figures against the period before and a year before; a short
    line when there is nothing to compare with. Nothing for a one-off."""
    tag("{%p if periodic %}")
    tag("{%p if periodic.comparisons %}")
    keep_with_next(para(doc, "So với kỳ trước và cùng kỳ năm trước:", style=BODY, before=6))
    tag("{%p for s in periodic.comparisons %}")
    body("- {{ s }}")
    tag("{%p endfor %}")
    tag("{%p endif %}")
    tag("{%p if periodic.no_comparison %}")
    body("{{ periodic.no_comparison }}")
    tag("{%p endif %}")
    tag("{%p endif %}")


def proposals_list() -> Document:
    """One list per form of commendation (they go to different authorities), each on its own
    pages with I. Tập thể, II. Cá nhân and its total; then the proposals to check."""
    doc = Document()
    setup(doc, landscape=True, base_size=12)
    para(doc, "{%p for l in proposal_lists %}")
    annex_title(doc, "{{ l.number }}", "{{ l.title }}", 25.2, new_page=True)
    para(doc, "")
    grouped_table(
        doc, [1.2, 4.4, 3.0, 4.2, 4.4, 6.0, 2.0],  # 252 mm
        ["STT", "Họ và tên / Tên tập thể", "Chức vụ", "Đơn vị công tác", "Hình thức đề nghị",
         "Tóm tắt thành tích", "Ghi chú"],
        groups="l.groups", label="{{ g.label }}", item="p", items="g.proposals",
        fields=["stt", "name", "position", "unit", "form", "achievements", "note"], centred={0},
        total="{{ l.total }}")
    para(doc, "{%p endfor %}")
    return doc


def unit_annex() -> Document:
    """A4 landscape: room for the figures and for notes that stay within two or three lines."""
    doc = Document()
    setup(doc, landscape=True, base_size=12)
    annex_title(doc, "II", "TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐƠN VỊ", 25.2)
    para(doc, "(Số liệu tính đến {{ as_of }}; hạn gửi: {{ campaign.deadline }})", align=CENTER,
         size=13, italic=True, after=6)
    grouped_table(
        doc, [1.3, 5.4, 2.9, 2.4, 1.8, 3.6, 4.2, 3.6],  # 252 mm of A4 landscape text width
        ["STT", "Đơn vị", "Tình trạng", "Thời điểm gửi", "Muộn", "Nội dung còn thiếu", "Số liệu",
         "Ghi chú"],
        groups="annex_groups", label="{{ g.label }}", item="u", items="g.units",
        fields=["stt", "name", "status", "submitted_at", "late_by", "missing", "figures", "note"],
        centred={0, 3}, total="{{ annex_total }}")
    return doc


TEMPLATES = {"bao-cao.docx": report, "danh-sach-khen-thuong.docx": proposals_list,
             "phu-luc-don-vi.docx": unit_annex}


def main(target: Path = HERE) -> None:
    for name, build in TEMPLATES.items():
        build().save(target / name)
        print(f"wrote {target / name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)

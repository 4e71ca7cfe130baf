"""The drafts read as a clerk writes them, at any moment of a campaign.

A matrix over every demo campaign at five moments (before any deadline, at one, the demo's
moment, the last minute of a deadline day, weeks after): every draft attached at that moment is
rendered and read back, and checked for what a clerk would have to rewrite: a named minimum of
zero, one name for a tie, a program's message, a sentence about zero, a title that breaks the
phrase, denominators that disagree between the report, the annex and the .xlsx (counted here,
from the statuses, not by the drafts' code). Then each wording rule on its own.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from reports.context import DraftKind, attached, campaign_context
from reports.drafts import template_for
from reports.figures import Style, extremes
from reports.header import summary_line
from reports.lists import list_title, proposal_lists
from reports.proposals import parse_proposals
from reports.render import render
from reports.status_prose import extension_note, missing_phrase, shortfall
from reports.vn import fixed, padded
from reports.workbook import write_summary
from sync.backends import open_backend
from sync.config import load_config
from sync.cycle import read_state
from sync.rules.models import Campaign, Status
from sync.rules.text import simple_key
from sync.rules.timeparse import parse_moment

MOMENTS = {
    "before any deadline": "2023-05-01T08:00",
    "at a deadline": "2023-06-15T17:00",
    "the demo's moment": "2023-06-20T10:00",
    "last minute of a deadline day": "2023-06-30T23:59",
    "weeks after": "2023-07-21T09:00",
}
SENT = (Status.ON_TIME, Status.LATE, Status.INCOMPLETE)
PROGRAM_WORDS = ("không đọc được", "không phải là số", "=HYPERLINK", "Traceback", "None", "nan",
                 "{{", "{%", "'")
BROKEN_TITLES = ("Kết quả sơ kết", "Kết quả tổng kết", "Kết quả kỷ niệm", "thực hiện kỷ niệm",
                 "kết quả thực hiện sơ kết", "kết quả thực hiện tổng kết", "Kết quả Kỷ niệm")


def _docx_text(path: Path) -> str:
    body = Document(str(path)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


def _xlsx_rows(path: Path) -> list[list]:
    sheet = openpyxl.load_workbook(path).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.fixture(scope="module")
def matrix(demo_template, tmp_path_factory):
    """Every campaign at every moment: its statuses, context and drafts read back."""
    import shutil

    ws = tmp_path_factory.mktemp("matrix") / "ws"
    shutil.copytree(demo_template, ws)
    config = load_config(ws / "config.toml")
    backend = open_backend(config)
    out = []
    for moment_name, moment in MOMENTS.items():
        now = parse_moment(moment, config.tz).at
        state = read_state(config, backend, now)
        for campaign in state.campaigns:
            context = campaign_context(config, state, campaign, now)
            drafts: dict[DraftKind, object] = {}
            for kind in attached(context):
                path = ws / "out" / f"{moment[:10]}_{campaign.code}_{kind.value}{kind.suffix}"
                path.parent.mkdir(exist_ok=True)
                if kind is DraftKind.SUMMARY:
                    write_summary(context, state.figure_table(campaign.code), path)
                    drafts[kind] = _xlsx_rows(path)
                else:
                    render(template_for(config, campaign, kind), context, path, None)
                    drafts[kind] = _docx_text(path)
            out.append((f"{campaign.code} at {moment_name}", campaign, now,
                        state.statuses_of(campaign.code), context, drafts))
    return out


def _texts(drafts) -> str:
    return "\n".join(v for v in drafts.values() if isinstance(v, str))


def test_the_matrix_covers_every_campaign_before_during_and_after(matrix):
    campaigns = {where.split(" at ")[0] for where, *_ in matrix}
    assert campaigns == {"NTVT", "KN75", "PCCC", "NSNN"} and len(matrix) == 4 * len(MOMENTS)
    # before any deadline nothing was sent: only the report, saying so in a sentence
    for where, _c, _now, _statuses, _context, drafts in matrix:
        if "before any deadline" in where:
            assert set(drafts) == {DraftKind.REPORT}, where
            assert "chưa có đơn vị nào gửi (vẫn còn trong hạn)" in drafts[DraftKind.REPORT]
            assert "Số đơn vị theo tình trạng" not in drafts[DraftKind.REPORT]
            assert "Số liệu theo khối đơn vị" not in drafts[DraftKind.REPORT]
            assert "Chưa có đơn vị nào gửi đề nghị khen thưởng." in drafts[DraftKind.REPORT]
        if "weeks after" in where:
            assert DraftKind.ANNEX in drafts and DraftKind.SUMMARY in drafts, where


def test_no_named_minimum_of_zero_and_no_zero_sentence(matrix):
    for where, _c, _now, _s, _ctx, drafts in matrix:
        text = _texts(drafts)
        assert not re.search(r"\((?:0|00|0,0+)(?:%|\s[^)]*)?\)", text), where
        assert not re.search(r"(?<![\d.,/])0 (?:đơn vị|tập thể|cá nhân|bài|hộ|tổ|công trình)",
                             text), where
        assert not re.search(r"còn 0(?!\d)|Tổng số: 0(?!\d)|: 0\.", text), where


def _figure_value(status, question):
    value = status.figure(question)
    return None if value is None else round(value, 6)


def test_no_single_name_for_a_tie(matrix):
    """Each unit a sentence names alone as highest or lowest is, counted from the statuses,
    the only one with its value; a lowest is never zero."""
    named = 0
    for where, _c, _now, statuses, context, _drafts in matrix:
        by_name = {s.unit.name: s for s in statuses}
        for result in context["results"]:
            question = result["question"]
            values = [_figure_value(s, question) for s in statuses
                      if s.status is not Status.EXEMPT and _figure_value(s, question) is not None]
            for word, name in re.findall(r"(nhiều nhất|ít nhất|cao nhất|thấp nhất): "
                                         r"([^;,(]+?) \(", result["sentence"]):
                if name.strip() in by_name:
                    value = _figure_value(by_name[name.strip()], question)
                    assert Counter(values)[value] == 1, (where, result["sentence"])
                    assert value != 0, (where, word, name)
                    named += 1
    assert named  # the check ran on real sentences


def test_no_program_message_in_signed_text(matrix):
    for where, _c, _now, _s, _ctx, drafts in matrix:
        text = _texts(drafts)
        for word in PROGRAM_WORDS:
            assert word not in text, (where, word)


def test_titles_read_as_vietnamese(matrix):
    for where, campaign, _now, _s, context, drafts in matrix:
        text = _texts(drafts)
        for broken in BROKEN_TITLES:
            assert broken not in text, (where, broken)
        # the campaign's title keeps no capital mid-sentence
        assert not re.search(r"[a-zà-ỹđ,] " + re.escape(campaign.title), text), where
        assert context["campaign"]["subject"][:1].islower(), where


def _required(statuses, group=None) -> int:
    return sum(1 for s in statuses if s.status is not Status.EXEMPT
               and (group is None or (s.unit.group or "Khác") == group))


def _sent(statuses, group=None) -> int:
    return sum(1 for s in statuses if s.status in SENT
               and (group is None or (s.unit.group or "Khác") == group))


def test_denominators_agree_between_report_annex_and_xlsx(matrix):
    for where, _c, _now, statuses, _ctx, drafts in matrix:
        required, sent = _required(statuses), _sent(statuses)
        report = drafts[DraftKind.REPORT]
        assert (f"{sent}/{required} đơn vị đã gửi" in report
                or (sent == required and f"tất cả {required} đơn vị đã gửi" in report)
                or (not sent and "chưa có đơn vị nào gửi" in report)), where
        for covered, due in re.findall(r"số liệu của (\d+)/(\d+) đơn vị", report):
            assert int(due) == required and int(covered) <= required, where
        if DraftKind.ANNEX in drafts:
            assert re.search(rf"phải gửi {required}\b", drafts[DraftKind.ANNEX]), where
        if DraftKind.SUMMARY in drafts:
            rows = drafts[DraftKind.SUMMARY]
            total = next(r for r in rows if r[1] == "TỔNG CỘNG")
            assert total[2] == f"Đã gửi {sent}/{required}", where
            for row in rows:
                if isinstance(row[1], str) and row[1].startswith("Cộng "):
                    group = row[1].removeprefix("Cộng ")
                    assert row[2] == f"Đã gửi {_sent(statuses, group)}/{_required(statuses, group)}"
            notes = [r[0] for r in rows if isinstance(r[0], str) and "số liệu của" in r[0]]
            for note in notes:
                assert f"/{required} đơn vị phải gửi" in note, (where, note)


def test_the_status_table_counts_must_send_without_the_exempt(matrix):
    for where, _c, _now, statuses, context, _drafts in matrix:
        for row in context["groups"]:
            assert row["expected"] == _required(statuses, row["name"]), where
        for result in context["results"]:
            for row in result["groups"]:
                assert row["covered"].endswith(f"/{_required(statuses, row['group'])}"), where


def test_units_within_their_deadline_are_no_shortfall_and_not_listed_before_it(matrix):
    for where, campaign, now, statuses, context, _drafts in matrix:
        pending = sum(1 for s in statuses if s.status is Status.PENDING)
        if pending:
            assert "chưa gửi" not in context["shortfall"] or "quá hạn chưa gửi" in context["shortfall"]
        if campaign.deadline is not None and now <= campaign.deadline:
            assert context["units_pending"] == "", where


# --- Each rule on its own ----------------------------------------------------------------------

def _series(values: dict[str, float]):
    import pandas as pd

    return pd.Series(values, dtype="float64")


ARTICLES = Style("Số bài viết dự thi", "bài", 0, True)


def test_leaders_are_named_with_their_value_ties_grouped():
    names = {f"U{i}": f"Đơn vị {i}" for i in range(20)}
    one = extremes(_series({"U0": 6, "U1": 2, "U2": 1}), names, ARTICLES)
    assert one == "; nhiều nhất: Đơn vị 0 (06 bài), ít nhất: Đơn vị 2 (01 bài)"
    two = extremes(_series({"U0": 6, "U1": 6, "U2": 1, "U3": 3}), names, ARTICLES)
    assert two.startswith("; nhiều nhất: Đơn vị 0 và Đơn vị 1 (cùng 06 bài)")
    many = extremes(_series({f"U{i}": 1 for i in range(14)} | {"U15": 4}), names, ARTICLES)
    assert many == "; nhiều nhất: Đơn vị 15 (04 bài), ít nhất: 14 đơn vị cùng có 01 bài"


def test_a_lowest_of_zero_is_never_named():
    names = {f"U{i}": f"Đơn vị {i}" for i in range(80)}
    plaques = Style("Số công trình gắn biển", "công trình", 0, True)
    text = extremes(_series({f"U{i}": 0 for i in range(72)} | {"U72": 4, "U73": 1}), names, plaques)
    assert text == "; nhiều nhất: Đơn vị 72 (04 công trình), 72 đơn vị chưa có công trình gắn biển"
    assert extremes(_series({"U0": 0, "U1": 0}), names, plaques) == (
        "; 2 đơn vị báo cáo đều chưa có công trình gắn biển")


def test_amounts_keep_one_number_of_decimals_and_their_unit():
    money = Style("Số thu 6 tháng", "triệu đồng", 1, False)
    assert money.say(3900.5) == "3.900,5 triệu đồng" and money.say(41940) == "41.940,0 triệu đồng"
    assert Style("Tỷ lệ", "%", 1, False).say(60.56) == "60,6%"
    assert padded(6) == "06" and padded(0) == "0" and padded(14) == "14"
    assert fixed(-1234.5, 2) == "-1.234,50"


def test_a_program_message_becomes_a_clerks_phrase():
    missing = ("Số bài viết dự thi: không đọc được số ('=HYPERLINK(\"x\")' không phải là số)",
               "Kết quả 6 tháng", "Tỷ lệ so với dự toán (%): không đọc được số ('đang' ...)")
    assert missing_phrase(missing) == (
        "còn thiếu kết quả 6 tháng; số bài viết dự thi, tỷ lệ so với dự toán ghi chưa đúng, "
        "đề nghị bổ sung")
    assert missing_phrase(()) == ""


def test_the_shortfall_leaves_out_units_still_in_time():
    counts = Counter({Status.PENDING: 40, Status.ON_TIME: 5})
    assert shortfall(counts) == ""
    counts.update({Status.LATE: 3, Status.OVERDUE: 2})
    assert shortfall(counts) == " (còn 3 đơn vị gửi muộn, 2 đơn vị quá hạn chưa gửi)"


def _campaign(title: str, **extra: str) -> Campaign:
    return Campaign(code="X", title=title, responses_tab="t", extra=extra)


@pytest.mark.parametrize(("title", "line"), [
    ("Sơ kết 6 tháng phong trào thi đua ABC", "Sơ kết 6 tháng phong trào thi đua ABC"),
    ("Kỷ niệm 75 năm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua ái quốc",
     "Kết quả tổ chức các hoạt động kỷ niệm 75 năm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi "
     "thi đua ái quốc"),
    ("Cuộc thi viết về gương người tốt", "Kết quả cuộc thi viết về gương người tốt"),
    ("UBND phường phát động", "Kết quả UBND phường phát động"),
])
def test_the_default_summary_line_reads_as_vietnamese(title, line):
    assert summary_line(_campaign(title)) == line
    assert summary_line(_campaign(title, **{"Trích yếu": "Tổng kết năm"})) == "Tổng kết năm"


def test_an_extension_and_its_reason_read_as_one_phrase():
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Ho_Chi_Minh")

    class S:  # the two fields extension_note reads
        status = Status.PENDING
        new_deadline = datetime(2023, 6, 20, 23, 59, tzinfo=tz)
        exemption_reason = "Gia hạn theo đề nghị của nhà trường"

    assert extension_note(S(), tz) == "gia hạn đến hết ngày 20/6/2023 theo đề nghị của nhà trường"
    S.exemption_reason = "Trường đang sửa chữa"
    assert extension_note(S(), tz) == "gia hạn đến hết ngày 20/6/2023; trường đang sửa chữa"


def test_one_list_per_form_of_commendation_each_with_its_authority():
    text = "\n".join([
        "Cá nhân | Nguyễn Văn Nam | Hiệu trưởng | Bằng khen | Tốt",
        "Cá nhân | Lê Thị Lan | Giáo viên | Giấy khen | Tốt",
        "Tập thể | Tổ chuyên môn Khối 1 | | giấy khen | Tốt",
        "Cá nhân | Trần Văn Hùng | Giáo viên | | Tốt",
        "một dòng không đọc được"])
    issuers = {simple_key("Bằng khen"): "Chủ tịch UBND thành phố Hà Nội",
               simple_key("Giấy khen"): "Chủ tịch UBND quận"}
    lists = proposal_lists(parse_proposals(text, "Trường A"), [], issuers)
    assert [x["title"] for x in lists] == [
        "DANH SÁCH ĐỀ NGHỊ CHỦ TỊCH UBND THÀNH PHỐ HÀ NỘI TẶNG BẰNG KHEN",
        "DANH SÁCH ĐỀ NGHỊ CHỦ TỊCH UBND QUẬN TẶNG GIẤY KHEN",
        "DANH SÁCH ĐỀ NGHỊ CẦN KIỂM TRA TRƯỚC KHI XÉT"]
    assert [x["number"] for x in lists] == ["I.1", "I.2", "I.3"]
    assert [g["label"] for g in lists[1]["groups"]] == ["I. TẬP THỂ (1)", "II. CÁ NHÂN (1)"]
    assert lists[1]["total"] == "Tổng số: 01 tập thể, 01 cá nhân."
    assert [g["label"] for g in lists[2]["groups"]] == [
        "I. CHƯA GHI HÌNH THỨC KHEN THƯỞNG (1)", "II. DÒNG ĐỀ NGHỊ CHƯA ĐỌC ĐƯỢC (1)"]
    assert list_title("Lao động tiên tiến", {}) == (
        "DANH SÁCH ĐỀ NGHỊ CÔNG NHẬN DANH HIỆU LAO ĐỘNG TIÊN TIẾN")

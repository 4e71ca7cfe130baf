"""A repeating campaign's draft: comparisons in a clerk's words, the year's reporting rates, and
a one-off campaign's draft rendered exactly as before the section was added."""

from __future__ import annotations

import random
import re
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from reports import periods as drafts
from reports.context import campaign_context
from reports.render import render
from sync.backends import open_backend
from sync.config import load_config
from sync.cycle import read_state
from sync.rules.by_period import PeriodHistory
from sync.rules.compare import compare
from sync.rules.figures import Aggregate, FigureSpec
from sync.rules.models import Status
from sync.rules.periods import Period, PeriodKind
from sync.rules.rates import reporting_rates
from sync.rules.timeparse import parse_moment
from templates import build_templates

from .conftest import DEMO_NOW
from .histories import MONEY, RATE, TZ, campaign, months, random_history, status, units

JUNE = Period(2026, 6, PeriodKind.MONTH)
MAY, LAST_JUNE = JUNE.previous(), JUNE.year_before()
SPECS = (FigureSpec(MONEY), FigureSpec(RATE, Aggregate.RATIO, MONEY))



def periodic_context(history, now):
    """The draft's periodic section for the history's current period, as campaign_context makes
    it from the state's comparison and rates."""
    period = history.current
    return drafts.periodic_context(compare(history, period),
                                   reporting_rates(history, period.year, now, until=period))


def _split(total: float, n: int) -> list[float]:
    """``total`` over ``n`` units in whole numbers."""
    base = [int(total // n)] * n
    base[0] += int(total - sum(base))
    return [float(v) for v in base]


def _history(now_total=12_600, may_total=13_000, last_total=11_200, n=11,
             missing_in_may=()) -> PeriodHistory:
    row = campaign(PeriodKind.MONTH, LAST_JUNE, SPECS)
    roster = units(n)
    periods = {}
    for period in months(LAST_JUNE, 13):
        total = {JUNE: now_total, MAY: may_total}.get(period, last_total)
        values = _split(total, n)
        periods[period] = [
            status(row, period, u, Status.OVERDUE) if period == MAY and u.code in missing_in_may
            else status(row, period, u, Status.ON_TIME, {MONEY: v, RATE: 80.0 if period == JUNE
                                                         else 75.0})
            for u, v in zip(roster, values, strict=True)]
    return PeriodHistory(row, JUNE, periods)


NOW = datetime(2026, 7, 10, 9, tzinfo=TZ)  # June's deadline (5 July) has passed


@pytest.mark.parametrize(("phrase", "period", "said"), [
    ("Tổng số thu trong tháng", Period(2026, 6, PeriodKind.MONTH), "Tổng số thu trong tháng 6/2026"),
    ("Tổng lũy kế từ đầu năm", Period(2026, 6, PeriodKind.MONTH),
     "Tổng lũy kế từ đầu năm đến tháng 6/2026"),
    ("Tổng lũy kế từ đầu năm", Period(2026, 2, PeriodKind.QUARTER),
     "Tổng lũy kế từ đầu năm đến quý II/2026"),
    ("Tổng lũy kế từ đầu năm", Period(2026, 1, PeriodKind.HALF_YEAR),
     "Tổng lũy kế từ đầu năm đến hết 6 tháng đầu năm 2026"),
    ("Tổng lũy kế từ đầu năm", Period(2026, 1, PeriodKind.YEAR), "Tổng lũy kế từ đầu năm 2026"),
    ("Tổng dự toán năm", Period(2026, 6, PeriodKind.MONTH), "Tổng dự toán năm 2026"),
    ("Tổng số thu 6 tháng", Period(2026, 1, PeriodKind.HALF_YEAR),
     "Tổng số thu 6 tháng đầu năm 2026"),
    ("Số hộ nghèo tháng 5/2026", Period(2026, 6, PeriodKind.MONTH), "Số hộ nghèo tháng 5/2026"),
])
def test_the_period_is_said_where_a_clerk_says_it(phrase, period, said):
    """Not "Tổng dự toán năm tháng 6/2026" nor "lũy kế từ đầu năm tháng 6/2026"."""
    assert drafts.in_period(phrase, period) == said


def test_the_clerks_sentence():
    context = periodic_context(_history(), NOW)
    assert context["comparisons"][0] == (
        "Tổng số thu ngân sách tháng 6/2026 đạt 12.600 triệu đồng, tăng 12,5% so với cùng kỳ năm "
        "2025 và giảm 3,1% so với kỳ trước (so sánh trên 11/11 đơn vị có số liệu cả hai kỳ).")
    # a rate moves by percentage points, not by a percentage of itself
    assert context["comparisons"][1] == (
        "Tỷ lệ so với dự toán tháng 6/2026 (tính trên tổng số thu ngân sách) đạt 80%, tăng 5 "
        "điểm phần trăm so với cùng kỳ năm 2025 và tăng 5 điểm phần trăm so với kỳ trước (so "
        "sánh trên 11/11 đơn vị có số liệu cả hai kỳ).")
    assert context["no_comparison"] == ""


def test_equal_and_against_zero():
    same = periodic_context(_history(now_total=11_200, may_total=0), NOW)["comparisons"][0]
    assert "đạt 11.200 triệu đồng, bằng cùng kỳ năm 2025 và tăng 11.200 triệu đồng so với kỳ " \
        "trước (kỳ trước bằng 0)" in same
    assert "inf" not in same and "%" not in same


def test_fewer_units_compared_than_the_total_holds():
    """Two wards did not send in May: the change on the other nine, and both their totals."""
    history = _history(missing_in_may=("U01", "U02"))
    sentence = periodic_context(history, NOW)["comparisons"][0]
    june = {s.unit.code: s.figure(MONEY) for s in history.periods[JUNE]}
    may = {s.unit.code: s.figure(MONEY) for s in history.periods[MAY]}
    nine = [c for c in june if may[c] is not None]
    now, then = sum(june[c] for c in nine), sum(may[c] for c in nine)
    percent = f"{abs(now - then) / then * 100:.1f}".replace(".", ",").removesuffix(",0")
    assert f"giảm {percent}% so với kỳ trước" in sentence
    dots = f"{now:,.0f} so với {then:,.0f}".replace(",", ".")
    assert (f"(so sánh trên các đơn vị có số liệu cả hai kỳ: cùng kỳ năm 2025 11/11 đơn vị; "
            f"kỳ trước 9/11 đơn vị, {dots} triệu đồng)") in sentence


def test_first_period_says_there_is_nothing_to_compare():
    rng = random.Random(1)
    history = random_history(rng, months(Period(2026, 1, PeriodKind.MONTH), 1))
    context = periodic_context(history, datetime(2026, 2, 10, tzinfo=TZ))
    assert context["comparisons"] == []
    assert context["no_comparison"] == ("Chưa có số liệu Tháng 1/2025 (cùng kỳ năm trước) và "
                                        "Tháng 12/2025 (kỳ trước) để so sánh.")
    year = random_history(rng, months(Period(2025, 1, PeriodKind.YEAR), 2))
    said = periodic_context(year, datetime(2027, 2, 10, tzinfo=TZ))["comparisons"]
    assert said and all(" năm 2026 đạt " in s and " năm 2025 " in s and "cùng kỳ" not in s
                        and "kỳ trước" not in s for s in said)


def test_rates_for_the_draft():
    history = _history(missing_in_may=("U01",))
    rates = periodic_context(history, NOW)["rates"]
    assert rates["title"] == "Tình hình gửi báo cáo năm 2026"
    # January to June 2026 are due by 10 July: 6 periods x 11 units, one report missing
    assert rates["sentence"] == (
        "Năm 2026 có 6 kỳ báo cáo đã đến hạn (từ Tháng 1/2026 đến Tháng 6/2026); các đơn vị đã "
        "gửi 65/66 lượt báo cáo phải gửi (98,5%), trong đó gửi đúng hạn 65 (98,5%), gửi đầy đủ "
        "nội dung 65 (98,5%).")
    assert rates["missed"] == "Còn thiếu kỳ báo cáo: UBND đơn vị 1 (1 kỳ: Tháng 5/2026)."
    assert rates["total"] == {"name": "Tổng cộng", "due": 66, "sent": "65/66",
                              "sent_rate": "98,5%", "on_time": "65 (98,5%)",
                              "complete": "65 (98,5%)"}
    assert sum(g["due"] for g in rates["groups"]) == 66


# --- Rendered ---------------------------------------------------------------------------------

def _texts(path: Path) -> list[str]:
    body = Document(str(path)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


@pytest.fixture
def demo_state(cli, demo_dir):
    config = load_config(demo_dir / "config.toml")
    now = parse_moment(DEMO_NOW, config.tz).at
    return config, read_state(config, open_backend(config), now), now


def test_one_off_draft_renders_exactly_as_before(demo_state, tmp_path, monkeypatch):
    """The template without the new section (its two builders made no-ops) and the bundled one
    give the same document for every one-off campaign of the demo."""
    config, state, now = demo_state
    bundled = Path(build_templates.__file__).parent / "bao-cao.docx"
    monkeypatch.setattr(build_templates, "reporting_rates", lambda *a: None)
    monkeypatch.setattr(build_templates, "comparisons", lambda *a: None)
    before = tmp_path / "before.docx"
    build_templates.report().save(before)
    assert not state.periodic
    for one in state.campaigns:
        context = campaign_context(config, state, one, now)
        assert context["periodic"] is None
        render(before, context, tmp_path / "a.docx")
        render(bundled, context, tmp_path / "b.docx")
        with zipfile.ZipFile(tmp_path / "a.docx") as a, zipfile.ZipFile(tmp_path / "b.docx") as b:
            assert a.read("word/document.xml") == b.read("word/document.xml"), one.code


def test_periodic_draft_carries_comparisons_and_rates(demo_state, tmp_path):
    config, state, now = demo_state
    # as a cycle leaves it: the campaign shows its history's current period, at NOW
    history = state.periodic["NSNN"] = _history(missing_in_may=("U01", "U02"))
    state.now = NOW
    state.campaigns = [replace(c, period=history.current) if c.code == "NSNN" else c
                       for c in state.campaigns]
    nsnn = next(c for c in state.campaigns if c.code == "NSNN")
    context = campaign_context(config, state, nsnn, NOW)
    bundled = Path(build_templates.__file__).parent / "bao-cao.docx"
    out = tmp_path / "periodic.docx"
    render(bundled, context, out)
    text = "\n".join(_texts(out))
    for sentence in context["periodic"]["comparisons"]:
        assert f"- {sentence}" in text
    assert context["periodic"]["rates"]["sentence"] in text
    assert "Tình hình gửi báo cáo năm 2026 theo khối đơn vị" in text
    doc = Document(str(out))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Khối đơn vị"
                 and t.rows[0].cells[2].text == "Đã gửi")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[-1] == ["Tổng cộng", "66", "64/66", "97%", "64 (97%)", "64 (97%)"]
    assert not re.search(r"\{[{%]", text)  # every tag rendered


def test_a_periodic_campaign_through_report(cli, demo_dir):
    """The lead's monthly campaign (tests/test_by_period.py) through `report`: June 2023 against
    May, no June 2022 (the campaign began in March 2023), the year's rates; read back from the
    .docx."""
    from .test_by_period import add_periodic_campaign

    add_periodic_campaign(demo_dir / "tonghop.xlsx")
    result = cli("report", "--config", demo_dir / "config.toml", "--now", "2023-06-20T10:00")
    assert result.code == 0, result.err
    text = "\n".join(_texts(next((demo_dir / "out").glob("*_THU*_bao-cao.docx"))))
    # June: Nhân Chính 140 (May 125), Thượng Đình none yet; May: both sent
    assert ("Tổng số thu tháng 6/2023 đạt 140 triệu đồng, tăng 12% so với kỳ trước (so sánh "
            "trên 1/11 đơn vị có số liệu cả hai kỳ).") in text
    assert "Chưa có số liệu Tháng 6/2022 (cùng kỳ năm trước) để so sánh." in text
    # June's deadline (18 June) has passed: 4 periods x 11 wards, less Khương Trung's April
    assert ("Năm 2023 có 4 kỳ báo cáo đã đến hạn (từ Tháng 3/2023 đến Tháng 6/2023); các đơn vị "
            "đã gửi 7/43 lượt báo cáo phải gửi (16,3%), trong đó gửi đúng hạn 6 (14%), gửi đầy "
            "đủ nội dung 7 (16,3%).") in text
    # Nhân Chính sent every month; Thượng Đình all but June; the nine others nothing
    assert ("Có 9 đơn vị chưa gửi kỳ nào. Còn thiếu kỳ báo cáo: UBND phường Thượng Đình (1 kỳ: "
            "Tháng 6/2023).") in text
    # its form asks for no commendation: no empty "Đề nghị khen thưởng" section for a clerk
    # to delete; the letter's campaigns, whose forms ask, keep theirs
    assert "3. Đề nghị khen thưởng" not in text and "II. KẾT QUẢ THỰC HIỆN" in text
    # the annex says which month it lists, as the report does
    annex = _texts(next((demo_dir / "out").glob("*_THU*_phu-luc-don-vi.docx")))
    assert "Báo cáo thu ngân sách tháng 6/2023" in annex
    for one_off in ("NTVT", "PCCC"):
        letter = "\n".join(_texts(next((demo_dir / "out").glob(f"*_{one_off}_bao-cao.docx"))))
        assert "3. Đề nghị khen thưởng" in letter, one_off
    # May's draft: May against April, the year as far as May
    result = cli("report", "--config", demo_dir / "config.toml", "--now", "2023-06-20T10:00",
                 "--campaign", "THU", "--period", "Tháng 5/2023")
    assert result.code == 0, result.err
    may = "\n".join(_texts(next((demo_dir / "out").glob("*_THU*5-2023_bao-cao.docx"))))
    # May: Nhân Chính 125 (April 130), Thượng Đình 99 (April 97)
    assert ("Tổng số thu tháng 5/2023 đạt 224 triệu đồng, giảm 1,3% so với kỳ trước (so sánh "
            "trên 2/11 đơn vị có số liệu cả hai kỳ).") in may
    assert "Năm 2023 có 3 kỳ báo cáo đã đến hạn (từ Tháng 3/2023 đến Tháng 5/2023)" in may


@pytest.mark.parametrize("kind, label, words", [
    (PeriodKind.QUARTER, "Quý I/2026", "cùng kỳ năm 2025"),
    (PeriodKind.HALF_YEAR, "6 tháng đầu năm 2026", "cùng kỳ năm 2025"),
])
def test_quarters_and_halves_are_named_as_a_clerk_does(kind, label, words):
    history = random_history(random.Random(4), months(Period(2025, 1, kind), kind.per_year + 1))
    assert history.current.label == label
    said = periodic_context(history, datetime(2026, 12, 31, tzinfo=TZ))["comparisons"]
    # mid-sentence, as a clerk writes it: "quý I/2026", "6 tháng đầu năm 2026"
    named = f" {label[:1].lower() + label[1:]}"
    assert said and all(named in s and s.index(named) < s.index(" đạt ") for s in said)
    assert any(f"so với {words}" in s or f"bằng {words}" in s for s in said)


def test_a_tiny_change_is_not_a_change_of_zero_percent():
    said = periodic_context(_history(now_total=1_000_001, last_total=1_000_000,
                                     may_total=1_000_000), NOW)["comparisons"][0]
    assert "tăng không đáng kể (dưới 0,01%) so với cùng kỳ năm 2025" in said

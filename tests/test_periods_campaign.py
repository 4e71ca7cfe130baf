"""A repeating campaign's columns on "Đợt thu thập": read into a Schedule, bad cells reported
with tab, row and column (the campaign is then skipped: it fails closed)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import openpyxl

from sync.backends.base import Tab
from sync.rules import headers as H
from sync.rules.models import Unit
from sync.rules.parse import parse_campaigns
from sync.rules.periods import CALENDAR, DECREE_09, Anchor, DeadlineRule, Period, PeriodKind

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER = [H.CAMPAIGN_CODE[0], H.CAMPAIGN_TAB[0], H.CAMPAIGN_UNIT_QUESTION[0],
          H.CAMPAIGN_PERIOD_KIND[0], H.CAMPAIGN_FIRST_PERIOD[0], H.CAMPAIGN_DEADLINE_RULE[0],
          H.CAMPAIGN_CUTOFF[0], H.CAMPAIGN_TITLE[0]]


def parse(*rows):
    tab = Tab("Đợt thu thập", [HEADER, *[[f"C{i}", "Tab", "Tên đơn vị", *r, "Đợt"]
                                         for i, r in enumerate(rows, 1)]], 1000, 26)
    return parse_campaigns(tab, [Unit("A", "A", "Phường")], TZ, "dmy")


def test_a_periodic_row_is_read_and_a_one_off_has_no_schedule():
    campaigns, problems = parse(
        ["Tháng", "Tháng 1/2025", "ngày 18 của tháng cuối kỳ", ""],
        ["quý", "Quý I/2025", "5 ngày sau ngày chốt số liệu", "cuối tháng"],
        ["", "", "", ""])
    assert problems == []
    monthly, quarterly, one_off = (c.schedule for c in campaigns)
    assert (monthly.kind, monthly.first, monthly.deadline_rule, monthly.cutoff) == (
        PeriodKind.MONTH, Period(2025, 1, PeriodKind.MONTH),
        DeadlineRule(Anchor.LAST_MONTH, 18), DECREE_09)
    assert (quarterly.first, quarterly.cutoff) == (Period(2025, 1, PeriodKind.QUARTER), CALENDAR)
    assert one_off is None
    # the period columns are read by the tool, not kept as extra text for the drafts
    assert not set(campaigns[0].extra) & set(HEADER)


def test_bad_cells_name_tab_row_and_column_and_what_is_valid():
    campaigns, problems = parse(
        ["tuần", "Tháng 1/2025", "ngày 18 của tháng cuối kỳ", ""],
        ["tháng", "Quý I/2025", "hạn 18", "ngày 30"],
        ["", "Tháng 1/2025", "", ""],
        ["năm", "", "", ""])
    assert [c.schedule for c in campaigns] == [None] * 4
    # each is skipped (fails closed), its first bad cell its fault, the others problems
    assert all(c.fault is not None for c in campaigns)
    shown = sorted(str(p) for p in [*problems, *(c.fault for c in campaigns)])
    assert shown == sorted([
        "tab 'Đợt thu thập', row 2, column 'Định kỳ': campaign C1: 'tuần' is not a kind of "
        "period (write 'tháng', 'quý', '6 tháng' or 'năm'); the campaign is not evaluated until this is fixed",
        "tab 'Đợt thu thập', row 3, column 'Hạn nộp mỗi kỳ': campaign C2: 'hạn 18' is not a "
        "deadline rule (write 'ngày 18 của tháng cuối kỳ', 'ngày 5 của tháng sau kỳ' or "
        "'5 ngày sau ngày chốt số liệu'); the campaign is not evaluated until this is fixed",
        "tab 'Đợt thu thập', row 3, column 'Chốt số liệu': campaign C2: 'ngày 30' is not a "
        "cut-off rule (write 'Nghị định 09' (empty: the 15th of the month before to the 14th), "
        "'ngày N' (N from 1 to 28: the data end on day N of the last month) or 'cuối tháng' "
        "(calendar months)); the campaign is not evaluated until this is fixed",
        "tab 'Đợt thu thập', row 3, column 'Kỳ đầu tiên': campaign C2: 'Quý I/2025' is not a "
        "tháng period (write it as 'Tháng 1/2025'); the campaign is not evaluated until this is fixed",
        "tab 'Đợt thu thập', row 4, column 'Định kỳ': campaign C3: 'Kỳ đầu tiên' filled but "
        "not 'Định kỳ' (write 'tháng', 'quý', '6 tháng' or 'năm'); the campaign is not "
        "evaluated until this is fixed",
        "tab 'Đợt thu thập', row 5, column 'Hạn nộp mỗi kỳ': campaign C4: a periodic campaign "
        "needs the deadline of each period (write 'ngày 18 của tháng cuối kỳ', 'ngày 5 của "
        "tháng sau kỳ' or '5 ngày sau ngày chốt số liệu'); the campaign is not evaluated until this is fixed",
        "tab 'Đợt thu thập', row 5, column 'Kỳ đầu tiên': campaign C4: a periodic campaign "
        "needs its first period (e.g. 'Năm 2025'); the campaign is not evaluated until this is fixed",
    ])


def test_a_repeating_campaign_ignores_its_single_deadline_even_unreadable():
    """Each period's deadline comes from 'Hạn nộp mỗi kỳ': an unreadable 'Hạn nộp' left on a
    repeating row is a note to clear it, not a fault skipping the campaign; on a one-off row it
    still is one (no deadline would make every overdue unit pending)."""
    header = [*HEADER, H.CAMPAIGN_DEADLINE[0]]
    rows = [["C1", "Tab", "Tên đơn vị", "Tháng", "Tháng 1/2025", "ngày 18 của tháng cuối kỳ", "",
             "Đợt", "hằng tháng"],
            ["C2", "Tab", "Tên đơn vị", "", "", "", "", "Đợt", "hằng tháng"]]
    campaigns, problems = parse_campaigns(Tab("Đợt thu thập", [header, *rows], 1000, 26),
                                          [Unit("A", "A", "Phường")], TZ, "dmy")
    monthly, one_off = campaigns
    assert monthly.fault is None and monthly.schedule is not None and monthly.deadline is None
    assert [str(p) for p in problems] == [
        "tab 'Đợt thu thập', row 2, column 'Hạn nộp': campaign C1 repeats, so this deadline is "
        "not used (each period's comes from 'Hạn nộp mỗi kỳ'); clear the cell (it cannot be "
        "read: not a date: 'hằng tháng' (expected dd/mm/yyyy H:MM:SS, ISO or a serial))"]
    assert one_off.fault is not None and one_off.fault.column == H.CAMPAIGN_DEADLINE[0]


def test_a_bad_period_cell_is_reported_by_a_sync_and_the_rest_runs(demo_dir, cli):
    workbook = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(workbook)
    sheet = wb["Đợt thu thập"]
    free = sheet.max_column + 1
    for offset, names in enumerate((H.CAMPAIGN_PERIOD_KIND, H.CAMPAIGN_FIRST_PERIOD,
                                    H.CAMPAIGN_DEADLINE_RULE)):
        sheet.cell(1, free + offset, names[0])
    sheet.cell(2, free, "Tháng")
    sheet.cell(2, free + 1, "T13/2025")
    sheet.cell(2, free + 2, "ngày 18 của tháng cuối kỳ")
    code = sheet.cell(2, 1).value
    wb.save(workbook)
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", "2023-06-20T10:00")
    assert result.code == 0
    assert (f"tab 'Đợt thu thập', row 2, column 'Kỳ đầu tiên': campaign {code} skipped: "
            "'T13/2025' is not a tháng period") in result.err

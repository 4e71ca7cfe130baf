"""The demo's repeating campaign (issue 22, in ``tonghop demo`` unless ``--one-off``): its row read by the tool
as a monthly schedule, a responses tab with a year and a half of history in which every period has
reports, the same workbook from the same seed, the other campaigns' data untouched."""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import openpyxl
import pytest

from sync.backends import open_backend
from sync.config import load_config
from sync.cycle import read_state
from sync.demo import CAMPAIGNS, DEMO_NOW, build_workbook, build_workspace
from sync.demo_periodic import CODE, FIRST, RATE, TAB, UNREADABLE
from sync.rules.figures import Aggregate
from sync.rules.period_assign import Basis, assign
from sync.rules.periods import Period, PeriodKind
from sync.rules.timeparse import parse_moment


@pytest.fixture(scope="module")
def periodic_template(tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo-periodic")
    build_workspace(directory, periodic=True)
    return directory


@pytest.fixture
def demo_dir(periodic_template, tmp_path):
    """A fresh copy of the demo workspace with the repeating campaign, not yet synced."""
    shutil.copytree(periodic_template, tmp_path / "ws")
    return tmp_path / "ws"


def _state(demo_dir):
    config = load_config(demo_dir / "config.toml")
    now = parse_moment(DEMO_NOW, config.tz).at
    return config, now, read_state(config, open_backend(config), now)


def _rows(demo_dir):
    wb = openpyxl.load_workbook(demo_dir / "tonghop.xlsx")
    rows = list(wb[TAB].iter_rows(values_only=True))
    return rows[0], rows[1:]


def _sent(stamp) -> datetime:
    return stamp if isinstance(stamp, datetime) else datetime.strptime(stamp, "%d/%m/%Y %H:%M:%S")


def test_the_campaign_row_is_read_as_a_monthly_schedule_with_four_figures(demo_dir):
    config, now, state = _state(demo_dir)
    campaign = next(c for c in state.campaigns if c.code == CODE)
    schedule = campaign.schedule
    assert schedule is not None and schedule.kind is PeriodKind.MONTH
    assert schedule.first.label == FIRST == "Tháng 1/2022"
    june = Period(2023, 6, PeriodKind.MONTH)
    assert schedule.current(now, config.tz) == june  # its deadline, 18/06, two days past
    assert schedule.deadline(june, config.tz).strftime("%d/%m/%Y") == "18/06/2023"
    assert [f.aggregate for f in campaign.figures] == [Aggregate.SUM] * 3 + [Aggregate.RATIO]
    assert campaign.responses_tab == TAB
    # one problem: the response whose period staff must write
    assert [(p.tab, p.column) for p in state.problems] == [(TAB, "Kỳ báo cáo")]
    assert UNREADABLE in state.problems[0].message


def test_every_period_from_the_first_to_june_2023_has_responses(demo_dir):
    config, _, state = _state(demo_dir)
    schedule = next(c for c in state.campaigns if c.code == CODE).schedule
    header, rows = _rows(demo_dir)
    assert header[:5] == ("Dấu thời gian", "Địa chỉ email", "Tên đơn vị", "Người đầu mối",
                          "Kỳ báo cáo")
    answer = header.index("Kỳ báo cáo")
    found = [assign(r[answer], _sent(r[0]).replace(tzinfo=config.tz), schedule, config.tz)
             for r in rows]
    by_period = Counter(a.period for a in found if a.period is not None)
    expected = [Period(2022, 1, PeriodKind.MONTH).shift(n) for n in range(18)]
    assert sorted(by_period) == expected
    assert expected[-1].label == "Tháng 6/2023"
    # the mix staff meet: mostly named periods, a few placed by time, one they must decide
    bases = Counter(a.basis for a in found)
    assert bases[Basis.STAFF] == 1 and 3 <= bases[Basis.TIME] <= 20
    staff = next(r for r, a in zip(rows, found, strict=True) if a.basis is Basis.STAFF)
    assert staff[answer] == UNREADABLE
    # varied spellings, some reports late, a few periods never sent, two resubmissions
    assert len({str(r[answer]).split()[0] for r in rows if r[answer]}) >= 4
    late = [a for r, a in zip(rows, found, strict=True)
            if a.period and _sent(r[0]).replace(tzinfo=config.tz)
            > schedule.deadline(a.period, config.tz)]
    assert 5 <= len(late) <= len(rows) // 5
    per_unit = Counter((r[1], a.period) for r, a in zip(rows, found, strict=True) if a.period)
    assert sum(1 for n in per_unit.values() if n > 1) == 2
    wards = {r[1] for r in rows}
    assert len(wards) == 11
    assert 0 < len(wards) * 18 - len(per_unit) - 1 <= 12  # missing (the unplaced one aside)


def test_figures_have_a_season_and_grow_from_one_year_to_the_next(demo_dir):
    config, _, state = _state(demo_dir)
    schedule = next(c for c in state.campaigns if c.code == CODE).schedule
    header, rows = _rows(demo_dir)
    answer, monthly = header.index("Kỳ báo cáo"), header.index("Số thu trong tháng (triệu đồng)")
    totals: dict[Period, float] = defaultdict(float)
    latest = {}
    for r in rows:  # the latest response of each unit and period, as the campaign's rule says
        a = assign(r[answer], _sent(r[0]).replace(tzinfo=config.tz), schedule, config.tz)
        if a.period is not None:
            latest[(r[1], a.period)] = r
    for (_, period), r in latest.items():
        value = r[monthly]
        totals[period] += value if isinstance(value, float | int) else float(
            value.replace(".", "").replace(",", "."))

    def month(year, index):
        return totals[Period(year, index, PeriodKind.MONTH)]

    assert month(2022, 12) > month(2022, 2) * 1.3  # the year's end against the Tết month
    assert sum(month(2023, m) for m in range(1, 6)) > sum(month(2022, m) for m in range(1, 6))


def test_the_same_seed_gives_the_same_workbook(tmp_path):
    first, second, other = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    build_workbook(first, periodic=True)
    build_workbook(second, periodic=True)
    build_workbook(other, seed=7, periodic=True)

    def cells(path, tab):
        return list(openpyxl.load_workbook(path)[tab].iter_rows(values_only=True))

    assert cells(first, TAB) == cells(second, TAB)
    assert cells(first, "Đợt thu thập") == cells(second, "Đợt thu thập")
    assert cells(first, TAB) != cells(other, TAB)


def test_the_other_campaigns_keep_their_data_and_the_default_demo_has_no_repeating_one(tmp_path):
    plain, periodic = tmp_path / "plain.xlsx", tmp_path / "periodic.xlsx"
    build_workbook(plain)
    build_workbook(periodic, periodic=True)
    one, two = openpyxl.load_workbook(plain), openpyxl.load_workbook(periodic)
    assert two.sheetnames == [*one.sheetnames, TAB]
    for title in one.sheetnames:
        rows = list(one[title].iter_rows(values_only=True))
        width = len(rows[0])
        assert [r[:width] for r in two[title].iter_rows(values_only=True)][:len(rows)] == rows
    assert [r[0] for r in one["Đợt thu thập"].iter_rows(min_row=2, values_only=True)] == [
        c.code for c in CAMPAIGNS]


def test_the_demo_syncs_and_shows_each_period(cli, tmp_path):
    result = cli("demo", "--dir", tmp_path / "ws")
    assert result.code == 0, result.err
    line = next(x for x in result.out.splitlines() if x.startswith(CODE))
    # Tháng 6/2023: 6 on time, 2 late, 3 overdue (two not sent, one whose period staff decide)
    assert line.split()[1:] == ["11", "6", "2", "0", "0", "3", "0"]
    assert f"'{UNREADABLE}'" in result.out
    sheet = openpyxl.load_workbook(tmp_path / "ws" / "tonghop.xlsx")["Theo kỳ"]
    header = [c.value for c in sheet[1]]
    assert header[4] == FIRST and header[-1] == "Tháng 6/2023" and len(header) == 4 + 18
    assert sheet.max_row == 1 + 11


def test_the_horizon_comes_no_later_than_the_next_period(demo_dir):
    """From the demo's moment, horizon after horizon (as the settled marker would skip cycles),
    none may jump past the moment the period staff watch turns to Tháng 7/2023."""
    from tests.test_horizon import _horizon

    config, now, state = _state(demo_dir)
    backend = open_backend(config)
    schedule = next(c for c in state.campaigns if c.code == CODE).schedule
    turn = now  # the first hour the current period is no longer Tháng 6/2023
    while schedule.current(turn, config.tz) == Period(2023, 6, PeriodKind.MONTH):
        turn = turn.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    anchor = now
    while anchor < turn:
        horizon = _horizon(config, read_state(config, backend, anchor))
        assert horizon is not None and horizon <= turn, (anchor, horizon, turn)
        anchor = horizon


def test_the_tools_first_write_takes_no_second_snapshot(demo_dir, cli):
    config = demo_dir / "config.toml"
    for minute in ("00", "05", "10"):
        assert cli("sync", "--config", config, "--now", f"2023-06-20T10:{minute}").code == 0
    assert len(list((demo_dir / "data" / "snapshots" / "control").glob("*.json.gz"))) == 1


def test_a_number_cell_with_three_decimals_is_read_as_that_number(demo_dir):
    path = demo_dir / "tonghop.xlsx"
    wb = openpyxl.load_workbook(path)
    sheet = wb[TAB]
    header = [c.value for c in sheet[1]]
    row = sheet.max_row  # the latest response: Tháng 6/2023's, counted
    sheet.cell(row, header.index(RATE) + 1, 51.375)  # a number cell, as Sheets stores 51,375
    wb.save(path)
    email = sheet.cell(row, 2).value
    _, _, state = _state(demo_dir)
    table = state.figure_table(CODE)
    unit = email.split("@")[0].upper()
    assert table.value(unit, f"{CODE}: {RATE}") == 51.375


def test_the_demo_leaves_it_out_on_asking(cli, tmp_path):
    result = cli("demo", "--dir", tmp_path / "ws", "--one-off")
    assert result.code == 0, result.err
    assert not any(x.startswith(CODE) for x in result.out.splitlines())
    assert "Theo kỳ" not in openpyxl.load_workbook(tmp_path / "ws" / "tonghop.xlsx").sheetnames


def test_the_summary_workbook_shows_each_figure_against_its_references(cli, tmp_path):
    """The "Biểu tổng hợp" of the repeating campaign: after each figure its change against
    Tháng 5/2023 and Tháng 6/2022, per unit and in total, equal to the comparison (in percent; a
    rate in percentage points, as the report says it); the one-off campaigns' stay as they were
    (no comparison column)."""
    from sync.rules.compare import Against, compare

    result = cli("demo", "--dir", tmp_path / "ws")
    assert result.code == 0, result.err
    out = tmp_path / "ws" / "out"
    sheet = openpyxl.load_workbook(next(out.glob(f"*_{CODE}-*_bieu-tong-hop.xlsx"))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header_at = next(i for i, r in enumerate(rows) if r[0] == "STT")
    header = rows[header_at]
    config, now, state = _state(tmp_path / "ws")
    comparison = compare(state.periodic[CODE])
    names = {s.unit.name: s.unit.code for s in comparison.statuses}
    checked = 0
    for figure in comparison.figures:
        at = header.index(figure.spec.question)
        points = figure.spec.question == RATE
        word = "điểm %" if points else "%"
        assert header[at + 1:at + 3] == [f"So với kỳ trước (Tháng 5/2023), {word}",
                                         f"So với cùng kỳ năm trước (Tháng 6/2022), {word}"]
        for row in rows[header_at + 1:]:
            code = names.get(row[1])
            if row[1] == "TỔNG CỘNG":
                changes = [figure.against(w).total.change for w in Against]
            elif code is not None:
                changes = [figure.against(w).units[code] for w in Against]
            else:
                continue
            for change, cell in zip(changes, row[at + 1:at + 3], strict=True):
                if change is None or not change.both:
                    assert cell is None
                    continue
                expected = change.difference if points else change.percent / 100
                assert cell == pytest.approx(expected, abs=1e-6), (row[1], figure.spec.question)
                checked += 1
    assert checked > 4 * 2 * 8  # four figures, two references, eight units and the total
    note = next(r[0] for r in rows if str(r[0]).startswith("Các cột so sánh"))
    assert "so với kỳ trước (Tháng 5/2023) trên 8/11 đơn vị có số liệu cả hai kỳ" in note
    letter = openpyxl.load_workbook(next(out.glob("*_NTVT_bieu-tong-hop.xlsx"))).active
    assert not any(str(c.value).startswith("So với") for row in letter.iter_rows() for c in row)

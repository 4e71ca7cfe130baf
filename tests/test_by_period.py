"""A repeating campaign through `sync` on both backends: each period evaluated on its own, the
status tab's current period, the "Theo kỳ" tab, each response's verdict naming its period, a
response whose period staff must decide, an exemption for one period; and evaluate_periods
itself against hand-worked statuses."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from sync.rules import headers as H
from sync.rules.by_period import evaluate_periods
from sync.rules.models import (
    Campaign,
    Exemption,
    Match,
    MatchKind,
    Response,
    Responses,
    Status,
    Unit,
    Verdict,
)
from sync.rules.period_assign import Basis
from sync.rules.periods import Anchor, DeadlineRule, Period, PeriodKind, Schedule
from tests.conftest import Workspace, on_backend

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = "2023-06-20T10:00"
TAB = "Thu ngân sách"
QUESTIONS = ["Dấu thời gian", "Tên đơn vị", "Kỳ báo cáo", "Số thu (triệu đồng)"]
M = PeriodKind.MONTH


def month(n: int, year: int = 2023) -> Period:
    return Period(year, n, M)


# (sent, unit typed, "Kỳ báo cáo", amount): the deadline is the 18th of each month
RESPONSES = [
    ("16/03/2023 09:00:00", "UBND phường Nhân Chính", "Tháng 3/2023", "120"),
    ("17/03/2023 10:00:00", "Phường Thượng Đình", "T3-2023", "95"),
    ("20/04/2023 08:00:00", "phuong Nhan Chinh", "T4-2023", "130"),  # late by two days
    ("15/04/2023 08:00:00", "Phường Thượng Đình", "", "97"),  # by time: April (after 14/04)
    ("17/05/2023 11:00:00", "UBND phường Nhân Chính", "", "125"),  # by time: May
    ("15/05/2023 11:00:00", "Phường Thượng Đình", "05/2023", "99"),
    ("15/06/2023 15:00:00", "UBND phường Nhân Chính", "06/2023", "140"),
    ("16/06/2023 09:00:00", "Phường Khương Trung", "báo cáo tháng này", "70"),  # staff decide
    ("16/06/2023 09:30:00", "Phường Khương Mai", "Tháng 12/2030", "10"),  # not begun
    ("10/04/2023 09:30:00", "Phường Khương Trung", "Tháng 4/2023", "60"),  # exempt that month
]


def add_periodic_campaign(workbook) -> None:
    """A monthly campaign of the wards (demo roster P01-P11) from March 2023, its form tab, and
    P03's exemption for April 2023 only."""
    wb = openpyxl.load_workbook(workbook)
    sheet = wb[H.CAMPAIGNS_TAB]
    headers = [c.value for c in sheet[1]]
    extra = [H.CAMPAIGN_PERIOD_KIND[0], H.CAMPAIGN_FIRST_PERIOD[0], H.CAMPAIGN_DEADLINE_RULE[0]]
    for i, header in enumerate(extra):
        sheet.cell(1, len(headers) + 1 + i, header)
    headers += extra
    row = {"Mã đợt": "THU", "Tên đợt": "Báo cáo thu ngân sách tháng", "Bảng câu trả lời": TAB,
           "Đơn vị phải nộp": "Phường", "Câu hỏi bắt buộc": "Số thu (triệu đồng)",
           "Câu hỏi tên đơn vị": "Tên đơn vị", "Số liệu tổng hợp": "Số thu (triệu đồng): tổng",
           "Định kỳ": "tháng", "Kỳ đầu tiên": "Tháng 3/2023",
           "Hạn nộp mỗi kỳ": "ngày 18 của tháng cuối kỳ"}
    sheet.append([row.get(h) for h in headers])
    form = wb.create_sheet(TAB)
    form.append(QUESTIONS)
    for line in RESPONSES:
        form.append(list(line))
    exemptions = wb[H.EXEMPTIONS_TAB]
    columns = [c.value for c in exemptions[1]]
    exemptions.cell(1, len(columns) + 1, H.EXEMPT_PERIOD[0])
    values = {"Mã đơn vị": "P03", "Mã đợt": "THU", "Miễn nộp": "Có", "Lý do": "Sáp nhập",
              H.EXEMPT_PERIOD[0]: "Tháng 4/2023"}
    exemptions.append([values.get(h) for h in [*columns, H.EXEMPT_PERIOD[0]]])
    wb.save(workbook)


@pytest.fixture(params=["local", "google"])
def periodic(request, demo_dir, monkeypatch) -> Workspace:
    add_periodic_campaign(demo_dir / "tonghop.xlsx")
    yield from on_backend(request, demo_dir, monkeypatch)


def column(values: list[list], header: str) -> list:
    i = values[0].index(header)
    return [row[i] if i < len(row) else "" for row in values[1:]]


def by_code(values: list[list], code_header: str = "Mã đơn vị") -> dict[str, dict]:
    head = values[0]
    return {row[head.index(code_header)]: dict(zip(head, row, strict=False)) for row in values[1:]}


def test_each_period_on_its_own_through_sync(periodic, cli):
    result = cli("sync", "--config", periodic.config_path, "--now", NOW)
    assert result.code == 0, result.err

    status = by_code(periodic.values(H.STATUS_TAB))
    # June is current: its deadline (18/06) is nearest to 20/06
    assert status["P01"]["THU"] == Status.ON_TIME.label
    assert status["P02"]["THU"] == Status.OVERDUE.label
    assert status["P01"][H.period_col("THU")] == "Tháng 6/2023"
    assert status["DG01"]["THU"] == "—" and status["DG01"].get(H.period_col("THU"), "") == ""

    grid = periodic.values("Theo kỳ")
    assert grid[0][:8] == ["Mã đợt", "Mã đơn vị", "Tên đơn vị", "Nhóm", "Tháng 3/2023",
                           "Tháng 4/2023", "Tháng 5/2023", "Tháng 6/2023"]
    rows = {row[1]: row[4:8] for row in grid[1:] if row[0] == "THU"}
    assert rows["P01"] == [Status.ON_TIME.label, Status.LATE.label, Status.ON_TIME.label,
                           Status.ON_TIME.label]
    assert rows["P02"] == [Status.ON_TIME.label, Status.ON_TIME.label, Status.ON_TIME.label,
                           Status.OVERDUE.label]
    # P03: no March, exempt for April only, June's report waits for staff to name its period
    assert rows["P03"] == [Status.OVERDUE.label, Status.EXEMPT.label, Status.OVERDUE.label,
                           Status.OVERDUE.label]
    assert len(rows) == 11

    verdicts = column(periodic.values(TAB), H.VERDICT_COL)
    assert verdicts[0] == "Tháng 3/2023: Hợp lệ"
    assert verdicts[2].startswith("Tháng 4/2023: Nộp muộn 1 ngày")  # 20/04 08:00 after 18/04 23:59
    assert verdicts[3] == "Tháng 4/2023: Hợp lệ"  # no answer: sent in April's window
    assert verdicts[4] == "Tháng 5/2023: Hợp lệ"
    assert verdicts[7] == ("Chưa xác định được kỳ báo cáo, chưa tính: không đọc được kỳ báo "
                           "cáo 'báo cáo tháng này'; gửi trong thời gian của kỳ Tháng 6/2023")
    assert verdicts[8] == "Tháng 12/2030: Kỳ báo cáo ngoài các kỳ đang thu, chưa tính"
    assert verdicts[9] == "Tháng 4/2023: Hợp lệ"  # exempt, and sent all the same
    assert ("campaign THU: which period? không đọc được kỳ báo cáo 'báo cáo tháng này'"
            in result.err)
    assert "(perhaps Tháng 6/2023); not counted until staff write the period" in result.err

    # a second cycle has nothing to write
    before = periodic.fingerprint()
    again = cli("sync", "--config", periodic.config_path, "--now", NOW)
    assert again.code == 0 and periodic.fingerprint() == before


def test_status_json_carries_the_period(periodic, cli):
    result = cli("status", "--config", periodic.config_path, "--now", NOW, "--campaign", "THU",
                 "--json")
    records = json.loads(result.out)
    assert {r["period"]["label"] for r in records} == {"Tháng 6/2023"}
    p01 = next(r for r in records if r["unit"] == "P01")
    assert p01["period"] == {"label": "Tháng 6/2023", "kind": "tháng", "year": 2023, "index": 6,
                             "from": "2023-05-15", "to": "2023-06-14"}
    assert p01["deadline"] == "2023-06-18T23:59:59+07:00"
    assert p01["figures"] == {"Số thu (triệu đồng)": 140.0}


# --- evaluate_periods, pure --------------------------------------------------------------------

UNITS = [Unit("A", "Phường A", "Phường"), Unit("B", "Phường B", "Phường")]
SCHEDULE = Schedule(M, month(1), DeadlineRule(Anchor.LAST_MONTH, 18))
CAMPAIGN = Campaign("C", "Báo cáo tháng", "Tab", unit_question="Tên đơn vị", schedule=SCHEDULE)


def response(row: int, unit: Unit, sent: str, period: str = "") -> Response:
    at = datetime.fromisoformat(sent).replace(tzinfo=TZ)
    return Response("C", row, at, unit.name, {"Kỳ báo cáo": period}, Match(MatchKind.EXACT, unit))


def test_a_late_report_counts_for_the_period_it_names_not_the_one_it_was_sent_in():
    a, b = UNITS
    responses = Responses.of("C", [
        response(2, a, "2023-01-10T09:00", "Tháng 1/2023"),
        response(3, a, "2023-03-02T09:00", "Tháng 2/2023"),  # February's, sent in March
        response(4, b, "2023-02-16T09:00"),  # by time: February (its window ends 14/02)
        response(5, b, "2023-02-17T09:00"),  # resubmitted: this one counts
    ])
    now = datetime(2023, 3, 2, 12, tzinfo=TZ)
    done = evaluate_periods(CAMPAIGN, UNITS, responses, [], now, TZ)
    history = done.history
    assert history.current == month(2)  # 18/02 is nearer 02/03 than 18/03 is
    assert list(history.periods) == [month(1), month(2)]  # March has not been reported for
    statuses = {(p, s.unit.code): s for p, mine in history.periods.items() for s in mine}
    assert statuses[month(1), "A"].status is Status.ON_TIME
    assert statuses[month(1), "B"].status is Status.OVERDUE
    assert statuses[month(2), "A"].status is Status.LATE
    assert statuses[month(2), "A"].campaign.period == month(2)
    assert statuses[month(2), "B"].status is Status.ON_TIME
    assert statuses[month(2), "B"].submitted_at.day == 17
    assert statuses[month(2), "B"].responses == 2
    assert done.rows.verdicts == [Verdict.VALID, Verdict.LATE, Verdict.SUPERSEDED, Verdict.VALID]
    assert done.rows.periods == [month(1), month(2), month(2), month(2)]


def test_exemptions_and_extensions_hold_for_their_period_only():
    a, b = UNITS
    now = datetime(2023, 3, 20, tzinfo=TZ)
    exemptions = [Exemption("A", "C", exempt=True, period=month(1)),
                  Exemption("B", "C", new_deadline=datetime(2023, 3, 25, 23, 59, tzinfo=TZ),
                            period=month(3)),
                  Exemption("B", "C", exempt=True)]  # no period: every period... of B
    done = evaluate_periods(CAMPAIGN, UNITS, Responses.of("C", []), exemptions[:2], now, TZ)
    got = {(p.index, s.unit.code): s.status for p, mine in done.history.periods.items()
           for s in mine}
    assert got == {(1, "A"): Status.EXEMPT, (1, "B"): Status.OVERDUE,
                   (2, "A"): Status.OVERDUE, (2, "B"): Status.OVERDUE,
                   (3, "A"): Status.OVERDUE, (3, "B"): Status.PENDING}
    done = evaluate_periods(CAMPAIGN, UNITS, Responses.of("C", []), exemptions[2:], now, TZ)
    assert {s.status for mine in done.history.periods.values() for s in mine
            if s.unit.code == "B"} == {Status.EXEMPT}


def test_what_staff_must_decide_counts_for_no_period():
    a, _ = UNITS
    responses = Responses.of("C", [
        response(2, a, "2023-01-10T09:00", "quý 1"),  # no year, another kind: unreadable
        response(3, a, "2023-01-11T09:00", "Quý I/2023"),  # another kind
        response(4, a, "2022-12-01T09:00"),  # before the first period, no answer
    ])
    done = evaluate_periods(CAMPAIGN, UNITS, responses, [], datetime(2023, 1, 20, tzinfo=TZ), TZ)
    assert done.rows.verdicts == [Verdict.PERIOD_UNKNOWN] * 3
    assert [a.basis for a in done.history.assignments] == [Basis.STAFF] * 3
    assert done.history.waiting() == [0, 1, 2]
    assert done.history.statuses(month(1))[0].status is Status.OVERDUE


def test_the_horizon_stops_at_every_turn_of_the_periods():
    """A settled office is woken when the current period moves on, a deadline passes or a new
    window begins: at each such moment, and only then, what the schedule says changes."""
    from datetime import timedelta

    start = datetime(2023, 1, 1, tzinfo=TZ)

    def seen(at):
        return (SCHEDULE.current(at, TZ), tuple(SCHEDULE.due(at, TZ)),
                SCHEDULE.cutoff.period_of(at.date(), M))

    at, turns = start, []
    while at < datetime(2023, 4, 1, tzinfo=TZ):
        turn = SCHEDULE.next_turn(at, TZ)
        assert turn > at
        # nothing the schedule says changes before the turn (checked hourly)
        probe = at
        while probe + timedelta(hours=1) < turn:
            probe += timedelta(hours=1)
            assert seen(probe)[:2] == seen(at)[:2]
        turns.append(turn)
        at = turn
    assert datetime(2023, 1, 18, 23, 59, 59, 999_999, tzinfo=TZ) + timedelta(microseconds=1) \
        in turns  # January's deadline passes
    assert datetime(2023, 1, 15, tzinfo=TZ) in turns  # February's window begins


def test_status_shows_another_period_on_asking(periodic, cli):
    result = cli("status", "--config", periodic.config_path, "--now", NOW, "--campaign", "THU",
                 "--period", "T4-2023", "--json")
    records = {r["unit"]: r for r in json.loads(result.out)}
    assert records["P01"]["period"]["label"] == "Tháng 4/2023"
    assert (records["P01"]["status"], records["P02"]["status"], records["P03"]["status"]) == (
        "late", "on_time", "exempt")
    assert records["P01"]["late_seconds"] == 32 * 3600  # 20/04 08:00 after 18/04 23:59:59.999
    wrong = cli("status", "--config", periodic.config_path, "--now", NOW, "--period", "Tháng 2/2023")
    assert wrong.code == 2
    assert ("--period 'Tháng 2/2023': no repeating campaign has evaluated that period (THU: "
            "Tháng 3/2023 to Tháng 6/2023)") in wrong.err


def test_each_period_has_its_own_drafts(periodic, cli):
    current = cli("report", "--config", periodic.config_path, "--now", NOW, "--campaign", "THU")
    assert current.code == 0, current.err
    earlier = cli("report", "--config", periodic.config_path, "--now", NOW, "--campaign", "THU",
                  "--period", "Tháng 4/2023")
    assert earlier.code == 0, earlier.err
    out = periodic.dir / "out"
    names = sorted(p.name for p in out.glob("*THU*.docx"))
    assert "2023-06-20_THU-Tháng-6-2023_bao-cao.docx" in names
    assert "2023-06-20_THU-Tháng-4-2023_bao-cao.docx" in names
    listed = {row[0] for row in periodic.values(H.REPORTS_TAB)[1:]}
    assert {"THU Tháng 6/2023", "THU Tháng 4/2023"} <= listed


@pytest.mark.parametrize(("line", "period", "expected"), [
    ("Báo cáo thu ngân sách tháng", month(6), "Báo cáo thu ngân sách tháng 6/2023"),
    ("Báo cáo kết quả công tác quý", Period(2023, 2, PeriodKind.QUARTER),
     "Báo cáo kết quả công tác quý II/2023"),
    ("Sơ kết 6 tháng", Period(2023, 1, PeriodKind.HALF_YEAR), "Sơ kết 6 tháng đầu năm 2023"),
    ("Tổng kết công tác năm", Period(2023, 1, PeriodKind.YEAR), "Tổng kết công tác năm 2023"),
    ("Kết quả thu ngân sách", month(6), "Kết quả thu ngân sách tháng 6/2023"),
    ("Báo cáo tháng 5/2023", month(6), "Báo cáo tháng 5/2023"),  # staff named one: kept
    ("Kết quả thu ngân sách", None, "Kết quả thu ngân sách"),
])
def test_a_drafts_summary_line_names_its_period(line, period, expected):
    from reports.header import of_period

    assert of_period(line, period) == expected


def test_comparisons_and_rates_reach_the_tabs_and_json(periodic, cli):
    assert cli("sync", "--config", periodic.config_path, "--now", NOW).code == 0
    figures = by_code(periodic.values(H.FIGURES_TAB))
    p01 = figures["P01"]
    assert p01["THU: Số thu (triệu đồng)"] == 140
    assert p01["THU: Số thu (triệu đồng) - kỳ trước"] == 125
    assert p01["THU: Số thu (triệu đồng) - % so với kỳ trước"] == pytest.approx(0.12)
    assert p01.get("THU: Số thu (triệu đồng) - cùng kỳ năm trước", "") == ""  # no June 2022
    total = next(row for row in periodic.values(H.FIGURES_TAB) if row[1] == H.FIGURES_TOTAL)
    head = periodic.values(H.FIGURES_TAB)[0]
    note = total[head.index("Ghi chú so sánh")]
    assert "so với kỳ trước (Tháng 5/2023) trên 1/11 đơn vị có số liệu cả hai kỳ" in note

    rates = {(row[0], row[2]): row for row in periodic.values("Tỷ lệ báo cáo")[1:]}
    # P01: March, April (late), May, June sent; P03: April exempt, the rest not sent
    assert rates["THU", "P01"][5:12] == [4, 4, 3, 4, 1, 0.75, 1]
    assert rates["THU", "P03"][5:9] == [3, 0, 0, 0]
    assert rates["THU", "P03"][12] == "Tháng 3/2023, Tháng 5/2023, Tháng 6/2023"

    result = cli("status", "--config", periodic.config_path, "--now", NOW, "--campaign", "THU",
                 "--json")
    record = next(r for r in json.loads(result.out) if r["unit"] == "P01")
    previous = record["compared"]["Số thu (triệu đồng)"]["previous"]
    assert (previous["period"], previous["now"], previous["then"], previous["percent"]) == (
        "Tháng 5/2023", 140.0, 125.0, 12.0)
    assert record["reporting_rate"]["on_time_rate"] == 75.0
    whole = json.loads(cli("status", "--config", periodic.config_path, "--now", NOW,
                           "--compare").out)
    assert [w["campaign"] for w in whole] == ["THU"]
    total = whole[0]["comparison"]["figures"][0]["previous"]["total"]
    assert (total["now"], total["then"], total["covered"], total["expected"]) == (140, 125, 1, 11)
    assert whole[0]["rates"]["total"]["due"] == 43  # 11 wards x 4 months, P03's April exempt


def test_check_shows_the_schedule_and_asks_for_no_single_deadline(periodic, cli):
    result = cli("check", "--config", periodic.config_path, "--now", NOW)
    assert result.code == 0, result.out + result.err
    assert ("campaign THU repeats: every tháng from Tháng 3/2023, due ngày 18 của tháng cuối kỳ, "
            "data theo Nghị định 09/2019/NĐ-CP (ngày 15 kỳ trước đến ngày 14); current period "
            "Tháng 6/2023 (due 18/06/2023 23:59)") in result.out
    assert "fill a deadline for THU" not in result.out
    assert "its form has no question 'Kỳ báo cáo'" not in result.out  # this form asks it


@pytest.mark.parametrize("periodic", ["google"], indirect=True)
def test_google_quota_the_same_budget_as_any_cycle(periodic, cli):
    """Every period, "Theo kỳ", "Tỷ lệ báo cáo" and the comparisons cost no extra request: the
    first cycle has the demo's budget (test_google_backend), the next one reads and writes
    nothing."""
    from collections import Counter

    periodic.fake.reset_counts()
    assert cli("sync", "--config", periodic.config_path, "--now", NOW).code == 0
    assert Counter(r.endpoint for r in periodic.fake.requests) == {
        "drive.files.get": 1, "spreadsheets.get": 1, "values.batchGet": 1,
        "spreadsheets.batchUpdate": 2, "values.batchGetByDataFilter": 1,
        "values.batchUpdateByDataFilter": 1}
    periodic.fake.reset_counts()
    assert cli("sync", "--config", periodic.config_path, "--now", NOW).code == 0
    assert Counter(r.endpoint for r in periodic.fake.requests) == {
        "drive.files.get": 1, "spreadsheets.get": 1, "values.batchGet": 1}

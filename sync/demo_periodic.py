"""The demo's repeating campaign (issue 22): each ward's monthly report on budget collection,
from Tháng 1/2022 to the demo's moment (Tháng 6/2023), on one form and one responses tab.

A year and a half of history, generated deterministically from its own seed (the other
campaigns' data do not move): revenue with a seasonal pattern and growth from one year to the
next, the year-to-date total and rate against the year's estimate worked out as a ward's
accountant does; most reports on time, some late, a few periods missing, two resubmissions
correcting a figure; "Kỳ báo cáo" typed in the ways clerks type it, a few left empty (the tool
places them by when they were sent), and one that names no period ("báo cáo tháng này"):
staff decide it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl.workbook import Workbook

from sync.rules import headers as H
from sync.rules.numbers import vn_number
from sync.rules.periods import Period, PeriodKind
from sync.rules.text import strip_accents

CODE = "TNS"
TITLE = "Báo cáo tình hình thu ngân sách tháng"
TAB = "Câu trả lời biểu mẫu 5"
PERIOD_KIND = "Tháng"
FIRST = "Tháng 1/2022"
# Decree 09's cut-off (the 14th) and the report due four days later: at the demo's moment
# (20/06/2023) June's report is two days overdue, the period staff are chasing.
DEADLINE_RULE = "ngày 18 của tháng cuối kỳ"
CUTOFF = ""  # empty: Decree 09
TARGETS = "Phường"
OWNER = "Phòng Tài chính - Kế hoạch"
MONTHLY = "Số thu trong tháng (triệu đồng)"
TO_DATE = "Lũy kế từ đầu năm (triệu đồng)"
ESTIMATE = "Dự toán năm (triệu đồng)"
RATE = "Tỷ lệ lũy kế so với dự toán (%)"
QUESTIONS = ("Kỳ báo cáo", MONTHLY, TO_DATE, ESTIMATE, RATE, "Ghi chú")
REQUIRED = (MONTHLY, TO_DATE)
FIGURES = f"{MONTHLY}: tổng; {TO_DATE}: tổng; {ESTIMATE}: tổng; {RATE}: tỷ lệ trên tổng {TO_DATE}"
BASIS = ("Công văn số 12/TCKH ngày 05/01/2022 của Phòng Tài chính - Kế hoạch quận Thanh Xuân về "
         "chế độ báo cáo tình hình thu ngân sách nhà nước hằng tháng của các phường")
SUMMARY = "Tình hình thu ngân sách nhà nước trên địa bàn các phường"
ISSUER = ("PHÒNG TÀI CHÍNH - KẾ HOẠCH", "TCKH", "Phạm Thị Hằng", "TRƯỞNG PHÒNG")
PARENT = "UBND QUẬN THANH XUÂN"
RECIPIENTS = "UBND quận Thanh Xuân (để báo cáo)\nChi cục Thuế quận (để phối hợp)"
# each ward's accountant (công chức Tài chính - Kế toán), who sends the report every month
CONTACTS = ("Nguyễn Thị Hằng", "Trần Văn Dũng", "Lê Thu Trang", "Phạm Ngọc Lan", "Vũ Đức Hải",
            "Đặng Thị Thảo", "Bùi Quang Long", "Đỗ Minh Phương", "Ngô Xuân Sơn", "Dương Thị Yến",
            "Hoàng Hữu Tuấn")
UNREADABLE = "báo cáo tháng này"  # names no period: the one response staff must place

# Revenue by month relative to the year's average: high before Tết and in the year's last
# months, low in the Tết month, the tax settlement in March and April.
SEASON = (1.20, 0.78, 1.05, 1.15, 0.92, 0.98, 0.90, 0.93, 0.97, 1.02, 1.08, 1.30)
MISSING_CHANCE = 0.03  # a period a ward never reported
LATE_CHANCE = 0.10
EMPTY_PERIOD_CHANCE = 0.05  # "Kỳ báo cáo" left empty (only on reports sent in their own window)


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
    email: str
    base: float  # revenue of an average month in 2022, triệu đồng
    growth: float  # 2023 over 2022
    contact: str


def _period_texts(p: Period) -> tuple[str, ...]:
    """How clerks write the period (all read by :func:`sync.rules.period_text.read_period`)."""
    return (p.label, p.label, p.label, f"T{p.index}-{p.year}", f"{p.index:02d}/{p.year}",
            f"thang {p.index} nam {p.year}", f"Tháng {p.index:02d} năm {p.year}",
            f"Báo cáo tháng {p.index}/{p.year}")


def _typed_name(rng: random.Random, name: str) -> str:
    ward = name.removeprefix("UBND phường ")
    roll = rng.random()
    if roll < 0.10:
        return strip_accents(name)
    if roll < 0.22:
        return f"P. {ward}"
    if roll < 0.30:
        return f"Phường {ward}"
    if roll < 0.34:
        return name.upper()
    return name


def _typed(rng: random.Random, value: float, decimals: int, percent: bool = False) -> object:
    """A number cell, or text the Vietnamese way ("1.234,5", "45,3%")."""
    if rng.random() < 0.7:
        return round(value, decimals)
    text = vn_number(value, decimals)
    return f"{text}%" if percent else text


def _periods(now: datetime) -> list[Period]:
    return Period(2022, 1, PeriodKind.MONTH).through(Period(now.year, now.month, PeriodKind.MONTH))


def _revenue(rng: random.Random, ward: Ward, p: Period) -> float:
    growth = ward.growth ** (p.year - 2022)
    return round(ward.base * growth * SEASON[p.index - 1] * rng.uniform(0.93, 1.07), 1)


def _estimate(ward: Ward, year: int) -> float:
    """The year's estimate (dự toán), set at the start of the year: round hundreds."""
    expected = ward.base * ward.growth ** (year - 2022) * sum(SEASON)
    return round(expected * 0.97, -2)


def responses(wards: Sequence[tuple[str, str, str]], now: datetime, tz: ZoneInfo,
              seed: int) -> list[list[object]]:
    """The responses tab (header first), oldest first; ``wards`` are (code, name, email)."""
    rng = random.Random(seed)
    people = [Ward(code, name, email, rng.uniform(1_800, 6_500), rng.uniform(1.06, 1.14),
                   CONTACTS[i % len(CONTACTS)]) for i, (code, name, email) in enumerate(wards)]
    periods = _periods(now)
    stamp_limit = now.replace(tzinfo=None) - timedelta(hours=1)
    rows: list[list[object]] = []
    resubmit = {(people[2].code, periods[7]), (people[6].code, periods[-3])}
    unreadable = (people[4].code, periods[-1])
    for ward in people:
        to_date = 0.0
        for p in periods:
            revenue = _revenue(rng, ward, p)
            to_date = (0.0 if p.index == 1 else to_date) + revenue
            special = (ward.code, p) in resubmit or (ward.code, p) == unreadable
            roll = 0.5 if special else rng.random()
            current = p == periods[-1]
            if roll < (0.12 if current else MISSING_CHANCE):
                continue  # never sent (or not yet, for the current period)
            late = roll > 1 - LATE_CHANCE
            # on time: from the cut-off (the 14th) to the deadline (the 18th); late: up to
            # twelve days after it; in office hours
            day = rng.randint(19, 30) if late else rng.randint(14, 18)
            sent = datetime(p.year, p.last_month, 1, rng.randint(7, 17), rng.randint(0, 59)) \
                + timedelta(days=day - 1)
            if sent > stamp_limit:  # late for June: sent yesterday or this morning
                sent = stamp_limit - timedelta(minutes=rng.randint(30, 20 * 60))
            if (ward.code, p) == unreadable:
                label: object = UNREADABLE
            elif not late and rng.random() < EMPTY_PERIOD_CHANCE:
                label = ""
            else:
                label = rng.choice(_period_texts(p))
            estimate = _estimate(ward, p.year)
            figures = [revenue, to_date, estimate, to_date / estimate * 100]
            if (ward.code, p) in resubmit:  # a figure mistyped, corrected a day later
                wrong_to_date = to_date + revenue * 9  # an extra zero typed
                wrong = [revenue * 10, wrong_to_date, estimate, wrong_to_date / estimate * 100]
                rows.append(_row(rng, sent, ward, label, wrong, ""))
                sent = min(sent + timedelta(hours=rng.randint(18, 30)), stamp_limit)
                rows.append(_row(rng, sent, ward, label, figures, "Báo cáo thay thế, sửa số thu"))
                continue
            rows.append(_row(rng, sent, ward, label, figures, ""))
    rows.sort(key=lambda r: r[0] if isinstance(r[0], datetime)
              else datetime.strptime(r[0], "%d/%m/%Y %H:%M:%S"))
    header = [H.TIMESTAMP[0], "Địa chỉ email", "Tên đơn vị", "Người đầu mối", *QUESTIONS]
    return [header, *rows]


def _row(rng: random.Random, sent: datetime, ward: Ward, label: object,
         figures: list[float], note: str) -> list[object]:
    revenue, to_date, estimate, rate = figures
    stamp: object = sent.replace(second=rng.randint(0, 59), microsecond=0)
    if rng.random() < 0.1:  # pasted by hand: text in the vi_VN display format
        stamp = f"{stamp:%d/%m/%Y} {stamp.hour}:{stamp:%M:%S}"
    return [stamp, ward.email, _typed_name(rng, ward.name), ward.contact, label,
            _typed(rng, revenue, 1), _typed(rng, to_date, 1), _typed(rng, estimate, 0),
            _typed(rng, rate, 1, percent=True), note]


def add_campaign(wb: Workbook, units: Sequence[tuple], now: datetime, tz: ZoneInfo,
                 seed: int) -> None:
    """Add the campaign's row to the campaigns tab (with the period columns, at its right) and
    its responses tab at the end of the workbook. ``units`` are the roster's (code, name,
    group, email, ...)."""
    sheet = wb[H.CAMPAIGNS_TAB]
    headers = [cell.value for cell in sheet[1]]
    for names in (H.CAMPAIGN_PERIOD_KIND, H.CAMPAIGN_FIRST_PERIOD, H.CAMPAIGN_DEADLINE_RULE,
                  H.CAMPAIGN_CUTOFF):
        sheet.cell(1, len(headers) + 1, names[0])
        headers.append(names[0])
    form = f"https://docs.google.com/forms/d/e/1FAIpQLSdemo{CODE}tonghop2022/viewform"
    cells = {
        H.CAMPAIGN_CODE: CODE, H.CAMPAIGN_TITLE: TITLE, H.CAMPAIGN_TAB: TAB,
        H.CAMPAIGN_TARGETS: TARGETS, H.CAMPAIGN_REQUIRED: "\n".join(REQUIRED),
        H.CAMPAIGN_UNIT_QUESTION: "Tên đơn vị", H.CAMPAIGN_RESUBMISSION: "Lấy bản mới nhất",
        H.CAMPAIGN_OWNER: OWNER, H.CAMPAIGN_FORM_URL: form, H.CAMPAIGN_ENTRY_ID: "entry.1902845635",
        H.CAMPAIGN_REMINDERS: "-3; -1; +1",
        H.CAMPAIGN_ISSUING_BODY: ISSUER[0], H.CAMPAIGN_SYMBOL: ISSUER[1],
        H.CAMPAIGN_SIGNER_NAME: ISSUER[2], H.CAMPAIGN_SIGNER_TITLE: ISSUER[3],
        H.CAMPAIGN_FIGURES: FIGURES, H.CAMPAIGN_PARENT_BODY: PARENT,
        H.CAMPAIGN_LEGAL_BASIS: BASIS, H.CAMPAIGN_SUMMARY_LINE: SUMMARY,
        H.CAMPAIGN_RECIPIENTS: RECIPIENTS, H.CAMPAIGN_PERIOD_KIND: PERIOD_KIND,
        H.CAMPAIGN_FIRST_PERIOD: FIRST, H.CAMPAIGN_DEADLINE_RULE: DEADLINE_RULE,
        H.CAMPAIGN_CUTOFF: CUTOFF,
    }
    by_header = {names[0]: value for names, value in cells.items()}
    sheet.append([by_header.get(h, "") for h in headers])
    wards = [(u[0], u[1], u[3]) for u in units if u[2] == "Phường"]
    tab = wb.create_sheet(TAB)
    for row in responses(wards, now, tz, seed):
        tab.append(row)
    for cell in tab["A"][1:]:
        if isinstance(cell.value, datetime):
            cell.number_format = "dd/mm/yyyy h:mm:ss"

"""Periods, cut-offs and deadline rules as staff and units write them.

Read leniently (case, accents, tone style and punctuation do not matter: "Quý II/2025",
"quy 2-2025" and "Q2/2025" are one period); what cannot be read raises :class:`PeriodTextError`
naming what is valid, or gives None for a unit's answer (the caller shows it to staff).
"""

from __future__ import annotations

import re

from sync.errors import Problem
from sync.rules import headers as H
from sync.rules.periods import (
    CALENDAR,
    DECREE_09,
    Anchor,
    CutOff,
    DeadlineRule,
    Period,
    PeriodKind,
    Schedule,
)
from sync.rules.text import simple_key, strip_accents


class PeriodTextError(ValueError):
    pass


def _key(value: object) -> str:
    """Lower case, no accents, punctuation as spaces: "Quý II/2025" -> "quy ii 2025"."""
    return strip_accents(simple_key(value))


_KINDS = {
    PeriodKind.MONTH: {"thang", "hang thang", "monthly", "month"},
    PeriodKind.QUARTER: {"quy", "hang quy", "quarterly", "quarter"},
    PeriodKind.HALF_YEAR: {"6 thang", "sau thang", "nua nam", "ban nien", "hang nua nam",
                           "half year", "half yearly"},
    PeriodKind.YEAR: {"nam", "hang nam", "ca nam", "yearly", "annual", "year"},
}
KIND_WORDS = "'tháng', 'quý', '6 tháng' or 'năm'"


def parse_kind(text: object) -> PeriodKind:
    key = _key(text)
    for kind, words in _KINDS.items():
        if key in words:
            return kind
    raise PeriodTextError(f"'{text}' is not a kind of period (write {KIND_WORDS})")


_YEAR = r"((?:19|20)\d\d)"
_HALF = re.compile(rf"\b(?:6|sau) thang (dau|cuoi) (?:nam )?{_YEAR}\b|\bh([12]) {_YEAR}\b")
_QUARTER = re.compile(rf"\b(?:quy|q) ?(iv|i{{1,3}}|[1-4]) (?:nam )?{_YEAR}\b")
_MONTH = re.compile(rf"\b(?:thang|thg|th|t) ?(\d{{1,2}}) (?:nam )?{_YEAR}\b")
_NUMERIC_MONTH = re.compile(rf"^(\d{{1,2}}) {_YEAR}$|^{_YEAR} (\d{{1,2}})$")
_YEAR_ONLY = re.compile(rf"^(?:nam )?{_YEAR}$|\bnam {_YEAR}\b")
# words or numbers that name something finer than a year ("tháng 13 năm 2025" is no year)
_FINER = re.compile(r"\b(?:thang|quy|q ?\d|t ?\d|h[12])\b|\d")
_YEAR_DIGITS = re.compile(rf"\b{_YEAR}\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def read_periods(text: object) -> set[Period]:
    """Every period ``text`` names, of any kind: a month ("Tháng 6/2025", "T6-2025",
    "06/2025"), a quarter ("Quý II/2025", "Q2/2025"), a half ("6 tháng đầu năm 2025") or a
    year ("Năm 2025", "2025"). A year counts only when nothing finer is named ("Tháng 6 năm
    2025" is a month). Months and quarters that do not exist are not read."""
    key = _key(text)
    found: set[Period] = set()
    for m in _HALF.finditer(key):
        if m[1]:
            found.add(Period(int(m[2]), 1 if m[1] == "dau" else 2, PeriodKind.HALF_YEAR))
        else:
            found.add(Period(int(m[4]), int(m[3]), PeriodKind.HALF_YEAR))
    for m in _QUARTER.finditer(key):
        index = _ROMAN.get(m[1]) or int(m[1])
        found.add(Period(int(m[2]), index, PeriodKind.QUARTER))
    months = [(m[1], m[2]) for m in _MONTH.finditer(key)]
    numeric = _NUMERIC_MONTH.match(key)
    if numeric:
        months.append((numeric[1], numeric[2]) if numeric[1] else (numeric[4], numeric[3]))
    for month, year in months:
        if 1 <= int(month) <= 12:
            found.add(Period(int(year), int(month), PeriodKind.MONTH))
    if not found:
        years = {int(m[1] or m[2]) for m in _YEAR_ONLY.finditer(key)}
        if len(years) == 1 and not _FINER.search(_YEAR_DIGITS.sub(" ", key)):
            found.add(Period(years.pop(), 1, PeriodKind.YEAR))
    return found


def read_period(text: object, kind: PeriodKind) -> Period | None:
    """The one period of ``kind`` that ``text`` names; None when it names none, or several."""
    of_kind = {p for p in read_periods(text) if p.kind is kind}
    return next(iter(of_kind)) if len(of_kind) == 1 else None


def parse_first_period(text: object, kind: PeriodKind) -> Period:
    period = read_period(text, kind)
    if period is None:
        example = Period(2025, 1, kind).label
        raise PeriodTextError(f"'{text}' is not a {kind} period (write it as '{example}')")
    return period


_CUTOFF_DEFAULT = {"", "nghi dinh 09", "nd 09", "theo nghi dinh 09", "nghi dinh 09 2019 nd cp",
                   "theo nghi dinh 09 2019 nd cp", "mac dinh", "default"}
_CUTOFF_CALENDAR = {"cuoi thang", "theo thang duong lich", "thang duong lich", "theo lich",
                    "duong lich", "calendar", "ngay cuoi thang"}
_CUTOFF_DAY = re.compile(r"^(?:ngay )?(\d{1,2})(?: hang thang| cua thang cuoi ky)?$")
CUTOFF_WORDS = ("'Nghị định 09' (empty: the 15th of the month before to the 14th), "
                "'ngày N' (N from 1 to 28: the data end on day N of the last month) "
                "or 'cuối tháng' (calendar months)")


def parse_cutoff(text: object) -> CutOff:
    key = _key(text)
    if key in _CUTOFF_DEFAULT:
        return DECREE_09
    if key in _CUTOFF_CALENDAR:
        return CALENDAR
    m = _CUTOFF_DAY.match(key)
    if m and 1 <= int(m[1]) <= 28:
        return CutOff(int(m[1]))
    raise PeriodTextError(f"'{text}' is not a cut-off rule (write {CUTOFF_WORDS})")


_IN_MONTH = re.compile(r"^(?:ngay )?(\d{1,2}) (?:cua )?thang (cuoi ky|cuoi cua ky|"
                       r"sau ky|sau|ke tiep|tiep theo|dau ky sau)$")
_AFTER_CUTOFF = re.compile(r"^(\d{1,3}) ngay (?:sau|ke tu|tinh tu) (?:ngay )?chot so lieu$")
_AT_CUTOFF = {"ngay chot so lieu", "chot so lieu"}
DEADLINE_WORDS = ("'ngày 18 của tháng cuối kỳ', 'ngày 5 của tháng sau kỳ' or "
                  "'5 ngày sau ngày chốt số liệu'")


def parse_deadline_rule(text: object) -> DeadlineRule:
    key = _key(text)
    if key in _AT_CUTOFF:
        return DeadlineRule(Anchor.CUTOFF, 0)
    m = _AFTER_CUTOFF.match(key)
    if m:
        return DeadlineRule(Anchor.CUTOFF, int(m[1]))
    m = _IN_MONTH.match(key)
    if m and 1 <= int(m[1]) <= 31:
        anchor = Anchor.LAST_MONTH if m[2].startswith("cuoi") else Anchor.NEXT_MONTH
        return DeadlineRule(anchor, int(m[1]))
    raise PeriodTextError(f"'{text}' is not a deadline rule (write {DEADLINE_WORDS})")


# --- a campaign's row ----------------------------------------------------------------------
SCHEDULE_COLUMNS = (H.CAMPAIGN_PERIOD_KIND, H.CAMPAIGN_FIRST_PERIOD, H.CAMPAIGN_DEADLINE_RULE,
                    H.CAMPAIGN_CUTOFF)


def read_schedule(cells: dict[str, str], tab: str, row: int, code: str
                  ) -> tuple[Schedule | None, list[Problem]]:
    """A campaign row's period columns (keyed by canonical header) as a :class:`Schedule`;
    None when they are all empty (a one-off campaign) or when one cannot be read: then each
    bad cell is a problem naming its column, and the caller skips the campaign (read as a
    one-off, each of its periods would be judged by one deadline: it fails closed)."""
    kind_col, first_col, rule_col, cutoff_col = (names[0] for names in SCHEDULE_COLUMNS)
    if not any(cells.values()):
        return None, []
    problems: list[Problem] = []

    def fault(column: str, reason: str) -> None:
        problems.append(Problem(tab, row, column, f"campaign {code}: {reason}; the campaign is "
                                                  "not evaluated until this is fixed"))

    if not cells[kind_col]:
        filled = ", ".join(f"'{c}'" for c in (first_col, rule_col, cutoff_col) if cells[c])
        fault(kind_col, f"{filled} filled but not '{kind_col}' (write {KIND_WORDS})")
        return None, problems
    values: dict[str, object] = {}
    for column, reader in ((kind_col, parse_kind), (rule_col, parse_deadline_rule),
                           (cutoff_col, parse_cutoff)):
        if column == rule_col and not cells[column]:
            fault(column, f"a periodic campaign needs the deadline of each period (write "
                          f"{DEADLINE_WORDS})")
            continue
        try:
            values[column] = reader(cells[column])
        except PeriodTextError as err:
            fault(column, str(err))
    kind = values.get(kind_col)
    if isinstance(kind, PeriodKind):
        if not cells[first_col]:
            fault(first_col, f"a periodic campaign needs its first period (e.g. "
                             f"'{Period(2025, 1, kind).label}')")
        else:
            try:
                values[first_col] = parse_first_period(cells[first_col], kind)
            except PeriodTextError as err:
                fault(first_col, str(err))
    if problems:
        return None, problems
    return Schedule(values[kind_col], values[first_col], values[rule_col],  # type: ignore[arg-type]
                    values[cutoff_col]), []

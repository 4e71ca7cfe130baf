"""The correction tab "Đối chiếu tên đơn vị": staff settle the names the matcher could not place.

One row per distinct typed name (compared by ``typed_key``: case, tone style, punctuation and
invisible characters do not count) that was unknown, ambiguous or only guessed in any campaign,
or that staff already settled. Staff pick the unit's code in "Mã đơn vị đúng" (a dropdown of the
roster's codes); the next cycle uses it for every response with that name, in every campaign.
The tool never writes that column. Pure: tabs and results in, rows and problems out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sync.errors import Problem
from sync.rules import headers as H
from sync.rules.book import Cell, Tab
from sync.rules.matching import typed_key
from sync.rules.models import MatchKind, RowResult, Unit
from sync.rules.parse import columns_of
from sync.rules.text import clean, one_line, safe_text


class Standing(StrEnum):
    """Where a typed name stands; the value is what staff read in "Tình trạng"."""

    UNKNOWN = "Chưa xác định được: chọn mã đơn vị"
    AMBIGUOUS = "Nhiều đơn vị cùng tên: chọn mã đơn vị"
    GUESSED = "Đoán gần đúng: chọn mã để xác nhận"
    SETTLED = "Đã đối chiếu"
    BAD_CODE = "Mã không có trong danh sách đơn vị: chọn lại"


@dataclass
class Settled:
    """What staff entered in the correction tab, read at the start of a cycle."""

    codes: dict[str, str] = field(default_factory=dict)  # typed_key -> roster code
    bad: dict[str, str] = field(default_factory=dict)  # typed_key -> a code not on the roster
    spelling: dict[str, str] = field(default_factory=dict)  # typed_key -> the name cell as it is


def read_settled(tab: Tab | None, units: Sequence[Unit]) -> tuple[Settled, list[Problem]]:
    settled = Settled()
    if tab is None or not tab.values:
        return settled, []
    cols = columns_of(tab)
    c_name, c_code = cols.find(H.CORRECTION_NAME), cols.find(H.CORRECTION_CODE)
    if c_name is None or c_code is None:
        missing = H.CORRECTION_NAME if c_name is None else H.CORRECTION_CODE
        return settled, [Problem(tab.title, 1, missing, "column missing: no name settled here is "
                                 "used this time; the sync adds the column back at the right")]
    by_code = {u.code.casefold(): u.code for u in units}
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    for r, line in enumerate(tab.values[1:], start=2):
        name = clean(line[c_name]) if c_name < len(line) else ""
        code = clean(line[c_code]) if c_code < len(line) else ""
        key = typed_key(name)
        if not key:
            continue
        settled.spelling.setdefault(key, name)
        if not code:
            continue
        unit_code = by_code.get(code.casefold())
        if unit_code is None:
            settled.bad.setdefault(key, code)
            problems.append(Problem(tab.title, r, H.CORRECTION_CODE,
                                    f"'{one_line(code, 40)}' is not a unit code of the roster; "
                                    "choose one from the list"))
        elif key in settled.codes and settled.codes[key] != unit_code:
            problems.append(Problem(tab.title, r, H.CORRECTION_CODE,
                                    f"'{one_line(name, 60)}' was settled as {settled.codes[key]} "
                                    f"on row {first_row[key]}; this row ({unit_code}) is ignored"))
        else:
            settled.codes.setdefault(key, unit_code)
            first_row.setdefault(key, r)
    return settled, problems


_OPEN = {MatchKind.NONE: Standing.UNKNOWN, MatchKind.AMBIGUOUS: Standing.AMBIGUOUS,
         MatchKind.FUZZY: Standing.GUESSED, MatchKind.SETTLED: Standing.SETTLED}


OPEN_MATCHES = frozenset(_OPEN)  # the match kinds the correction tab lists


def correction_rows(results: Iterable[RowResult], settled: Settled) -> list[dict[str, Cell]]:
    """The tool's columns of the correction tab, one row per typed name, in order of first
    appearance (campaign order, then sheet row). Rows whose match is not open are passed over
    (a cycle gives only the open ones: ``CycleRows.matched(OPEN_MATCHES)``)."""
    groups: dict[str, list[RowResult]] = {}
    for result in results:
        if result.response.match.kind not in _OPEN:
            continue
        key = typed_key(result.response.unit_text)
        if key:
            groups.setdefault(key, []).append(result)
    rows = []
    for key, mine in groups.items():
        match = mine[0].response.match
        standing = Standing.BAD_CODE if key in settled.bad else _OPEN[match.kind]
        guess, score = "", ""
        if match.candidates:  # ambiguous, or a level that disagrees
            guess = ", ".join(f"{u.code} - {u.name}" for u in match.candidates)
        elif match.unit is not None:
            guess = f"{match.unit.code} - {match.unit.name}"
            score = match.score if match.kind is MatchKind.FUZZY else ""
        where: dict[str, list[str]] = {}
        for result in mine:
            where.setdefault(result.response.campaign_code, []).append(str(result.response.row))
        rows.append({
            H.CORRECTION_NAME: settled.spelling.get(key) or safe_text(mine[0].response.unit_text),
            H.CORRECTION_STATE: standing.value,
            H.CORRECTION_GUESS: guess,
            H.CORRECTION_SCORE: score,
            H.CORRECTION_COUNT: len(mine),
            H.CORRECTION_WHERE: "; ".join(f"{c}: {', '.join(rs)}" for c, rs in where.items()),
        })
    return rows

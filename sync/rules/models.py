"""Domain objects: plain dataclasses, statuses as enums with their Vietnamese labels in one place."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import chain, compress, count
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sync.errors import Problem
from sync.rules.answers import Answers, Questions, answer_by_key
from sync.rules.figures import FigureSpec
from sync.rules.periods import Period, Schedule
from sync.rules.text import header_key, nfc


class Status(StrEnum):
    """Where one expected unit stands for one campaign. The value is the stable code."""

    ON_TIME = "on_time"
    LATE = "late"
    INCOMPLETE = "incomplete"
    PENDING = "pending"
    OVERDUE = "overdue"
    EXEMPT = "exempt"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @classmethod
    def from_label(cls, label: str) -> Status | None:
        return _STATUS_OF_LABEL.get(label)



SENT = (Status.ON_TIME, Status.LATE, Status.INCOMPLETE)  # a report came in (late, incomplete too)


STATUS_LABELS = {
    Status.ON_TIME: "Đã nộp đúng hạn",
    Status.LATE: "Nộp muộn",
    Status.INCOMPLETE: "Thiếu nội dung",
    Status.PENDING: "Chưa nộp (còn hạn)",
    Status.OVERDUE: "Quá hạn, chưa nộp",
    Status.EXEMPT: "Miễn nộp",
}
_STATUS_OF_LABEL = {text: status for status, text in STATUS_LABELS.items()}


class Verdict(StrEnum):
    """What the tool says of one response row."""

    VALID = "valid"
    LATE = "late"
    INCOMPLETE = "incomplete"
    SUPERSEDED = "superseded"
    UNKNOWN_UNIT = "unknown_unit"
    NOT_EXPECTED = "not_expected"
    BAD_TIMESTAMP = "bad_timestamp"
    AFTER_NOW = "after_now"  # stamped after the moment the figures are taken at
    PERIOD_UNKNOWN = "period_unknown"  # a repeating campaign's response: staff decide its period
    PERIOD_OUTSIDE = "period_outside"  # it names a period before the first, or not begun yet

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self]


VERDICT_LABELS = {
    Verdict.VALID: "Hợp lệ",
    Verdict.LATE: "Nộp muộn",
    Verdict.INCOMPLETE: "Thiếu nội dung",
    Verdict.SUPERSEDED: "Đã có bản nộp khác thay thế",
    Verdict.UNKNOWN_UNIT: "Không xác định được đơn vị",
    Verdict.NOT_EXPECTED: "Đơn vị không thuộc diện phải nộp",
    Verdict.BAD_TIMESTAMP: "Không đọc được thời gian",
    Verdict.AFTER_NOW: "Gửi sau thời điểm tổng hợp, chưa tính",
    Verdict.PERIOD_UNKNOWN: "Chưa xác định được kỳ báo cáo, chưa tính",
    Verdict.PERIOD_OUTSIDE: "Kỳ báo cáo ngoài các kỳ đang thu, chưa tính",
}


class MatchKind(StrEnum):
    EXACT = "exact"  # name, code or alias after normalisation
    FUZZY = "fuzzy"  # a guess for staff to confirm: credits no unit until they do
    SETTLED = "settled"  # staff chose the unit in the correction tab
    AMBIGUOUS = "ambiguous"  # several units fit equally: left for staff, never guessed
    NONE = "none"


class Resubmission(StrEnum):
    LATEST = "latest"  # the newest response counts (default)
    FIRST = "first"  # the first response counts; later ones are superseded


OTHER_GROUP = "Khác"  # the group of a unit the roster gives none


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    group: str
    email: str = ""
    aliases: tuple[str, ...] = ()
    active: bool = True
    row: int = 0  # sheet row, for messages

    @property
    def listed_group(self) -> str:
        """The group the unit is listed and added up under: "Khác" when the roster gives none."""
        return self.group or OTHER_GROUP


@dataclass(frozen=True)
class Campaign:
    code: str
    title: str
    responses_tab: str
    spreadsheet: str = ""  # another spreadsheet id/URL (Google) or workbook path (local); "" = control
    deadline: datetime | None = None
    targets: tuple[str, ...] = ()  # groups or unit codes; empty = every active unit
    required: tuple[str, ...] = ()  # question headers that must not be empty
    unit_question: str = ""  # header of the question naming the unit
    resubmission: Resubmission = Resubmission.LATEST
    owner: str = ""  # consolidating unit
    extra: dict[str, str] = field(default_factory=dict)  # other columns of the row, by header
    row: int = 0
    figures: tuple[FigureSpec, ...] = ()  # numeric questions and how each adds up
    # Why the campaign cannot be evaluated this cycle (a deadline or a linked form that cannot
    # be read), None when it can. Such a campaign is skipped, never evaluated on a guess: its
    # last statuses stay and no reminder goes out on it (it fails closed).
    fault: Problem | None = None
    # A campaign that repeats (its period, first period, deadline rule and cut-off); None for a
    # one-off. A repeating campaign is evaluated once per period (sync.rules.by_period): each
    # evaluation sees a copy of the row with ``period`` set and ``deadline`` that period's.
    schedule: Schedule | None = None
    period: Period | None = None  # the period this copy of a repeating campaign evaluates

    def value(self, names: Sequence[str]) -> str:
        """An optional column of the row (kept in ``extra``), by any accepted spelling of its
        header; "" when absent or empty. Lines are kept: a cell may list several items."""
        wanted = {header_key(n) for n in names}
        for header, value in self.extra.items():
            if header_key(header) in wanted and value.strip():
                return value.strip()
        return ""


@dataclass(frozen=True)
class Exemption:
    """A per-unit extension (new deadline) or exemption for one campaign."""

    unit_code: str
    campaign_code: str
    new_deadline: datetime | None = None
    exempt: bool = False
    reason: str = ""
    row: int = 0
    period: Period | None = None  # a repeating campaign's period it is for; None: every period


@dataclass(frozen=True)
class Match:
    kind: MatchKind
    unit: Unit | None = None
    score: float = 100.0
    candidates: tuple[Unit, ...] = ()  # the units an ambiguous name fits


NO_MATCH = Match(MatchKind.NONE)


@dataclass(frozen=True)
class Response:
    """One row of a responses tab."""

    campaign_code: str
    row: int  # sheet row (1-based, header is row 1)
    submitted_at: datetime | None
    unit_text: str  # what the unit typed as its name
    answers: Mapping[str, str]  # question header -> answer text (NFC); a dict or Answers
    match: Match = NO_MATCH
    future: bool = False  # its stamp, too far ahead to count, was set aside (submitted_at None)


@dataclass(frozen=True)
class RowResult:
    """The tool's verdict on one response row."""

    response: Response
    verdict: Verdict
    missing: tuple[str, ...] = ()
    late_by: timedelta | None = None


class Responses(Sequence[Response]):
    """A responses tab column by column: one entry per response row (blank rows left out), in
    sheet order. The cycle's per-row work reads these lists, never a row object: a
    :class:`Response` is built only for a position someone asks for (the responses that count,
    a report's list of unidentified senders).

    ``times`` are the moments in ``tz``, all in one form: aware with exactly ``tz`` as their
    tzinfo when ``aware`` (a Google read), else wall-clock without a tzinfo (a workbook's date
    cells), so the tab's own datetimes are kept as they are, not copied; two of them, or one and
    :meth:`moment` of another time, compare as the aware times do. None: no usable timestamp.
    ``found[i]`` indexes ``matches``, the distinct answers of the matcher (a tab repeats each
    unit's name on every row it sends). ``lines[i]`` is the row's own list (answers are taken
    from it when read, see :class:`Answers`), or its answers mapping when ``questions`` is None.
    """

    __slots__ = ("campaign_code", "rows", "times", "names", "found", "matches", "tz", "aware",
                 "_lines", "_questions", "future")

    def __init__(self, campaign_code: str, rows: Sequence[int], times: list[datetime | None],
                 names: Sequence[str], found: Sequence[int], matches: Sequence[Match],
                 tz: ZoneInfo | None, aware: bool, lines: Sequence[object],
                 questions: Questions | None, future: frozenset[int] = frozenset()):
        self.campaign_code, self.rows, self.times, self.names = campaign_code, rows, times, names
        self.found, self.matches, self.tz, self.aware = found, matches, tz, aware
        self._lines, self._questions = lines, questions
        # positions whose stamp, too far in the future to count, was set aside (time None)
        self.future = future

    @classmethod
    def of(cls, campaign_code: str, responses: Iterable[Response]) -> Responses:
        """From Response objects (tests, and callers that build a few by hand)."""
        responses = sorted(responses, key=lambda r: r.row)
        tz = next((r.submitted_at.tzinfo for r in responses
                   if r.submitted_at is not None and r.submitted_at.tzinfo is not None), None)
        distinct: dict[int, int] = {}
        matches: list[Match] = []
        for r in responses:
            if id(r.match) not in distinct:
                distinct[id(r.match)] = len(matches)
                matches.append(r.match)
        return cls(campaign_code, [r.row for r in responses],
                   [_in_form(r.submitted_at, tz, True) for r in responses],  # type: ignore[arg-type]
                   [r.unit_text for r in responses], [distinct[id(r.match)] for r in responses],
                   matches, tz, tz is not None, [r.answers for r in responses], None,  # type: ignore[arg-type]
                   frozenset(i for i, r in enumerate(responses) if r.future))

    def moment(self, at: datetime | None) -> datetime | None:
        """``at`` in the form of ``times``, to compare with them."""
        return _in_form(at, self.tz, self.aware)

    def replace_times(self, times: list[datetime | None],
                      future: frozenset[int] = frozenset()) -> Responses:
        return Responses(self.campaign_code, self.rows, times, self.names, self.found,
                         self.matches, self.tz, self.aware, self._lines, self._questions,
                         self.future | future)

    def take(self, positions: Sequence[int]) -> Responses:
        """The responses at ``positions`` (in sheet order), sharing this tab's matches."""
        def pick(values):
            return [values[i] for i in positions]
        return Responses(self.campaign_code, pick(self.rows), pick(self.times), pick(self.names),
                         pick(self.found), self.matches, self.tz, self.aware, pick(self._lines),
                         self._questions, frozenset(n for n, i in enumerate(positions)
                                                    if i in self.future))

    def answers(self, i: int) -> Mapping[str, str]:
        if self._questions is None:
            return self._lines[i]  # type: ignore[return-value]
        return Answers(self._lines[i], self._questions)  # type: ignore[arg-type]

    def answers_to(self, keys: Sequence[str]) -> list[str]:
        """Each response's answer (NFC, stripped) to the first question of ``keys`` (each a
        :func:`header_key`) the tab asks; "" for every response when it asks none. The column
        is found once for the tab."""
        if self._questions is None:
            return [next((a for k in keys if (a := answer_by_key(line, k)) is not None), "")
                    for line in self._lines]  # type: ignore[arg-type]
        column = next((i for i in self._questions.positions(tuple(keys)) if i is not None), None)
        if column is None:
            return [""] * len(self._lines)
        return [nfc(line[column] if column < len(line) else None).strip()
                for line in self._lines]  # type: ignore[index, arg-type]

    def submitted_at(self, i: int) -> datetime | None:
        """The aware moment of position ``i``."""
        at = self.times[i]
        return at if at is None or self.aware or self.tz is None else at.replace(tzinfo=self.tz)

    def __len__(self) -> int:
        return len(self.times)

    def __getitem__(self, i: int) -> Response:  # type: ignore[override]
        i = _position(i, len(self))
        return Response(self.campaign_code, self.rows[i], self.submitted_at(i), self.names[i],
                        self.answers(i), self.matches[self.found[i]], i in self.future)

    def __iter__(self) -> Iterator[Response]:
        return map(self.__getitem__, range(len(self)))

    def positions_matched(self, kinds: Collection[MatchKind]) -> list[int]:
        """The positions whose match is of one of ``kinds``, in sheet order."""
        wanted = {i for i, m in enumerate(self.matches) if m.kind in kinds}
        if not wanted:
            return []
        return list(compress(count(), map(wanted.__contains__, self.found)))  # at C speed


def _in_form(at: datetime | None, tz: ZoneInfo | None, aware: bool) -> datetime | None:
    """``at`` as :class:`Responses` keep times in ``tz``: aware with ``tz`` as its tzinfo, or
    its wall-clock time there (a naive ``at`` is already one)."""
    if at is None or tz is None:
        return at
    at = at.astimezone(tz) if at.tzinfo is not None else at.replace(tzinfo=tz)
    return at if aware else at.replace(tzinfo=None)


def _position(i: object, length: int) -> int:
    """``i`` as a position in a column-wise sequence (negative: from the end). A slice is not
    taken: it would build a row object for each position."""
    if not isinstance(i, int):
        raise TypeError(f"indexed by position only, not by {type(i).__name__}")
    return i + length if i < 0 else i


class RowResults(Sequence[RowResult]):
    """One campaign's verdicts, by position in its :class:`Responses`: a list of
    :class:`Verdict` plus the missing answers and lateness of the responses that count.
    A :class:`RowResult` is built only for a position someone asks for."""

    __slots__ = ("responses", "verdicts", "details", "periods")

    def __init__(self, responses: Responses, verdicts: list[Verdict],
                 details: Mapping[int, tuple[tuple[str, ...], timedelta | None]],
                 periods: Sequence[object] | None = None):
        self.responses, self.verdicts, self.details = responses, verdicts, details
        # a repeating campaign's: each response's period, or the Assignment staff must settle
        self.periods = periods

    @property
    def campaign_code(self) -> str:
        return self.responses.campaign_code

    def __len__(self) -> int:
        return len(self.verdicts)

    def __getitem__(self, i: int) -> RowResult:  # type: ignore[override]
        i = _position(i, len(self))
        missing, late_by = self.details.get(i, ((), None))
        return RowResult(self.responses[i], self.verdicts[i], missing, late_by)

    def __iter__(self) -> Iterator[RowResult]:
        return map(self.__getitem__, range(len(self)))

    def with_verdict(self, verdict: Verdict) -> list[RowResult]:
        return [self[i] for i, v in enumerate(self.verdicts) if v is verdict]

    def matched(self, kinds: Collection[MatchKind]) -> list[RowResult]:
        return [self[i] for i in self.responses.positions_matched(kinds)]


class CycleRows(Sequence[RowResult]):
    """Every campaign's :class:`RowResults` of a cycle, in campaign order."""

    __slots__ = ("campaigns",)

    def __init__(self, campaigns: Iterable[RowResults] = ()):
        self.campaigns = {r.campaign_code: r for r in campaigns}

    def of(self, campaign_code: str) -> RowResults:
        """The campaign's rows (none for a campaign that was not evaluated)."""
        found = self.campaigns.get(campaign_code)
        if found is None:
            return RowResults(Responses.of(campaign_code, ()), [], {})
        return found

    def __len__(self) -> int:
        return sum(map(len, self.campaigns.values()))

    def __getitem__(self, i: int) -> RowResult:  # type: ignore[override]
        i = _position(i, len(self))
        for rows in self.campaigns.values():
            if i < len(rows):
                return rows[i]
            i -= len(rows)
        raise IndexError(i)

    def __iter__(self) -> Iterator[RowResult]:
        return chain.from_iterable(self.campaigns.values())

    def verdict_count(self, verdict: Verdict) -> int:
        """How many responses got ``verdict``, without a row object each."""
        return sum(rows.verdicts.count(verdict) for rows in self.campaigns.values())

    def with_verdict(self, verdict: Verdict) -> list[RowResult]:
        return [r for rows in self.campaigns.values() for r in rows.with_verdict(verdict)]

    def matched(self, kinds: Collection[MatchKind]) -> list[RowResult]:
        return [r for rows in self.campaigns.values() for r in rows.matched(kinds)]


class UnitStatus(NamedTuple):
    """One (campaign, expected unit): the table that feeds the sheet, JSON, reports, reminders.
    Immutable like the other records; a NamedTuple because a cycle makes one per unit and
    campaign it expects (10,023 in the scale bench: 5,000 units, two campaigns expecting all) and
    a frozen dataclass costs 6x as much to build (docs/performance.md)."""

    campaign: Campaign
    unit: Unit
    status: Status
    deadline: datetime | None
    submitted_at: datetime | None = None
    late_by: timedelta | None = None
    missing: tuple[str, ...] = ()
    responses: int = 0
    counted: Response | None = None  # the response that counts, when there is one
    exemption_reason: str = ""
    figures: tuple[tuple[str, float], ...] = ()  # (question, number) read from ``counted``
    new_deadline: datetime | None = None  # an extension granted to this unit
    guessed: tuple[str, ...] = ()  # names typed that were only guessed to be this unit

    def figure(self, question: str) -> float | None:
        return next((v for q, v in self.figures if q == question), None)

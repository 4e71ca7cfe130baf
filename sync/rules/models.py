"""Domain objects: plain dataclasses, statuses as enums with their Vietnamese labels in one place."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sync.rules.figures import FigureSpec
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
}


class MatchKind(StrEnum):
    EXACT = "exact"  # name, code or alias after normalisation
    FUZZY = "fuzzy"  # a guess for staff to confirm
    SETTLED = "settled"  # staff chose the unit in the correction tab
    AMBIGUOUS = "ambiguous"  # several units fit equally: left for staff, never guessed
    NONE = "none"


class Resubmission(StrEnum):
    LATEST = "latest"  # the newest response counts (default)
    FIRST = "first"  # the first response counts; later ones are superseded


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    group: str
    email: str = ""
    aliases: tuple[str, ...] = ()
    active: bool = True
    row: int = 0  # sheet row, for messages


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


@dataclass(frozen=True)
class Match:
    kind: MatchKind
    unit: Unit | None = None
    score: float = 100.0
    candidates: tuple[Unit, ...] = ()  # the units an ambiguous name fits


NO_MATCH = Match(MatchKind.NONE)


class Answers(Mapping[str, str]):
    """A response's answers, question header -> answer text (NFC, stripped), taken from its row
    of the tab when first read: a cycle reads the answers of the responses that count, not of
    the thousands they supersede. The row is the tab's own list (a read Book is never changed)."""

    __slots__ = ("_line", "_questions", "_answers")

    def __init__(self, line: Sequence[object], questions: Sequence[tuple[int, str]]):
        self._line, self._questions = line, questions
        self._answers: dict[str, str] | None = None

    def _dict(self) -> dict[str, str]:
        answers = self._answers
        if answers is None:
            line, width = self._line, len(self._line)
            answers = self._answers = {h: nfc(line[i] if i < width else None).strip()
                                       for i, h in self._questions}
            self._line = ()
        return answers

    def __getitem__(self, question: str) -> str:
        return self._dict()[question]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._questions)

    def __repr__(self) -> str:
        return f"Answers({self._dict()!r})"


@dataclass(frozen=True)
class Response:
    """One row of a responses tab."""

    campaign_code: str
    row: int  # sheet row (1-based, header is row 1)
    submitted_at: datetime | None
    unit_text: str  # what the unit typed as its name
    answers: Mapping[str, str]  # question header -> answer text (NFC); a dict or Answers
    match: Match = NO_MATCH


@dataclass(frozen=True)
class RowResult:
    """The tool's verdict on one response row."""

    response: Response
    verdict: Verdict
    missing: tuple[str, ...] = ()
    late_by: timedelta | None = None


@dataclass(frozen=True)
class UnitStatus:
    """One (campaign, expected unit): the table that feeds the sheet, JSON, reports, reminders."""

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

    def figure(self, question: str) -> float | None:
        return next((v for q, v in self.figures if q == question), None)

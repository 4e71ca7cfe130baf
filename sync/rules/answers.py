"""A response's answers, read from its row of the tab only when asked for.

A cycle reads the answers of the responses that count (one per unit), not of the thousands they
supersede; and of those, only the questions it checks (required, figures) until a report lists
them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from operator import itemgetter

from sync.rules.text import header_key, nfc

__all__ = ["Answers", "Questions", "answer_by_key", "answered"]


class Questions:
    """A responses tab's questions, shared by the :class:`Answers` of all its rows: the column
    of each header, and the header of each :func:`header_key`."""

    __slots__ = ("columns", "by_key", "_positions", "_takers", "_asked")

    def __init__(self, questions: Sequence[tuple[int, str]]):
        self.columns = {header: i for i, header in questions}
        self.by_key = {header_key(header): header for _, header in questions}
        self._positions: dict[tuple[str, ...], tuple[int | None, ...]] = {}
        self._takers: dict[tuple[str, ...], tuple[Callable | None, int]] = {}
        self._asked: dict[tuple[str, ...], tuple[tuple[str, int], ...]] = {}

    def positions(self, keys: tuple[str, ...]) -> tuple[int | None, ...]:
        """The column of each question :func:`header_key` ``keys`` name (None: the form lacks
        it), found once per tab for all its rows."""
        found = self._positions.get(keys)
        if found is None:
            found = tuple(None if (h := self.by_key.get(k)) is None else self.columns[h]
                          for k in keys)
            self._positions[keys] = found
        return found

    def asking(self, questions: Sequence[str]) -> tuple[tuple[str, int], ...]:
        """Those of ``questions`` (headers as staff typed them) the form asks, each with its
        column; found once per tab."""
        wanted = tuple(questions)
        found = self._asked.get(wanted)
        if found is None:
            positions = self.positions(tuple(header_key(q) for q in wanted))
            found = tuple((q, i) for q, i in zip(wanted, positions, strict=True) if i is not None)
            self._asked[wanted] = found
        return found

    def taker(self, keys: tuple[str, ...]) -> tuple[Callable | None, int]:
        """A function taking the cells of ``keys`` from a row (a tuple of them), and the last
        column it reads; None when the form lacks one of them, or for fewer than two."""
        found = self._takers.get(keys)
        if found is None:
            positions = self.positions(keys)
            found = ((itemgetter(*positions), max(positions))
                     if len(positions) > 1 and None not in positions else (None, -1))
            self._takers[keys] = found
        return found


class Answers(Mapping[str, str]):
    """A response's answers, question header -> answer text (NFC, stripped), each taken from
    its row of the tab when read: a cycle reads the answers of the responses that count, not of
    the thousands they supersede. The row is the tab's own list (a read Book is never changed)."""

    __slots__ = ("_line", "_questions")

    def __init__(self, line: Sequence[object], questions: Questions):
        self._line, self._questions = line, questions

    def __getitem__(self, question: str) -> str:
        i, line = self._questions.columns[question], self._line
        return nfc(line[i] if i < len(line) else None).strip()

    def by_key(self, key: str) -> str | None:
        """The answer to the question whose :func:`header_key` is ``key``; None: no such question."""
        header = self._questions.by_key.get(key)
        return None if header is None else self[header]

    def cells_by_keys(self, keys: tuple[str, ...]) -> Sequence[object | None]:
        """The cell answering each question whose :func:`header_key` is in ``keys`` as the
        tab holds it (None: no such question, or an empty cell), not its text: 51.375 in a
        number cell is fifty-one and a bit, while the text '51.375' typed by a unit reads the
        Vietnamese way, as fifty-one thousand (see sync.rules.numbers). The columns are found
        once per tab; text cells are the caller's to normalise."""
        line = self._line
        take, last = self._questions.taker(keys)
        if take is not None and last < len(line):
            return take(line)  # every question asked and the row long enough: at C speed
        size = len(line)
        return [None if i is None or i >= size else line[i]
                for i in self._questions.positions(keys)]

    def left_empty(self, questions: Sequence[str]) -> tuple[str, ...]:
        """Those of ``questions`` (matched by :func:`header_key`) the form asks and this
        response left empty; taken from the row without making each answer's text."""
        line = self._line
        size = len(line)
        return tuple(question for question, i in self._questions.asking(questions)
                     if not answered(line[i] if i < size else None))

    def __iter__(self) -> Iterator[str]:
        return iter(self._questions.columns)

    def __len__(self) -> int:
        return len(self._questions.columns)

    def __repr__(self) -> str:
        return f"Answers({dict(self.items())!r})"


def answered(value: object) -> bool:
    """Whether a cell holds an answer: text left after NFC and stripping. Printable text that is
    not all spaces is settled without normalising (it holds no invisible character)."""
    if value.__class__ is str and value and value.isprintable() and not value.isspace():
        return True
    return bool(nfc(value).strip())


def answer_by_key(answers: Mapping[str, str], key: str) -> str | None:
    """The answer to the question whose :func:`header_key` is ``key`` (None: no such question),
    from :class:`Answers` or any mapping of header -> answer."""
    if isinstance(answers, Answers):
        return answers.by_key(key)
    found = None
    for question, answer in answers.items():
        if header_key(question) == key:
            found = answer  # the last of equal keys, as a dict of them would keep
    return found

"""A response's answers, read from its row of the tab only when asked for.

A cycle reads the answers of the responses that count (one per unit), not of the thousands they
supersede; and of those, only the questions it checks (required, figures) until a report lists
them all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from sync.rules.text import header_key, nfc

__all__ = ["Answers", "Questions", "answer_by_key", "answered"]


class Questions:
    """A responses tab's questions, shared by the :class:`Answers` of all its rows: the column
    of each header, and the header of each :func:`header_key`."""

    __slots__ = ("columns", "by_key")

    def __init__(self, questions: Sequence[tuple[int, str]]):
        self.columns = {header: i for i, header in questions}
        self.by_key = {header_key(header): header for _, header in questions}


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

    def value_by_key(self, key: str) -> object | None:
        """As :meth:`by_key`, but a number cell is the number itself, not its text: 51.375 in a
        number cell is fifty-one and a bit, while the text '51.375' typed by a unit reads the
        Vietnamese way, as fifty-one thousand (see sync.rules.numbers)."""
        header = self._questions.by_key.get(key)
        if header is None:
            return None
        i, line = self._questions.columns[header], self._line
        cell = line[i] if i < len(line) else None
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            return cell
        return self[header]

    def left_empty(self, questions: Sequence[str]) -> tuple[str, ...]:
        """Those of ``questions`` (matched by :func:`header_key`) the form asks and this
        response left empty; taken from the row without making each answer's text."""
        line, by_key, columns = self._line, self._questions.by_key, self._questions.columns
        empty = []
        for question in questions:
            header = by_key.get(header_key(question))
            if header is not None:
                i = columns[header]
                if not answered(line[i] if i < len(line) else None):
                    empty.append(question)
        return tuple(empty)

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

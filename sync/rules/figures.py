"""Figures staff declare on a campaign row, and what each unit's counted response says of them.

A campaign's column "Số liệu tổng hợp" names its numeric questions and how each adds up::

    Số thu 6 tháng (triệu đồng): tổng; Tỷ lệ so với dự toán (%): trung bình

(one per line or after ";", the way after the last ":"; none = "tổng"). A rate each unit
computes on its own base adds up as the rate of the totals, not the mean of the rates:
``Tỷ lệ so với dự toán (%): tỷ lệ trên tổng Số thu 6 tháng (triệu đồng)`` gives total collected
over total estimate (each unit's estimate being its amount over its rate). Pure: text in, specs
and values out. The table across units (pandas) is :mod:`sync.rules.figure_table`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sync.rules.answers import Answers, answer_by_key
from sync.rules.numbers import LIMIT, NumberError, read_number
from sync.rules.text import clean, header_key, nfc, simple_key, split_list


class Aggregate(StrEnum):
    """How a figure adds up across units; the value is the stable code."""

    SUM = "sum"
    MEAN = "mean"
    MIN = "min"
    MAX = "max"
    COUNT = "count"
    RATIO = "ratio"  # a rate of the totals: sum of the base over sum of base / rate

    @property
    def label(self) -> str:
        return AGGREGATE_WORDS[self][0]


# The first spelling is the one shown; the others are accepted.
AGGREGATE_WORDS = {
    Aggregate.SUM: ("tổng", "tổng cộng", "cộng", "sum"),
    Aggregate.MEAN: ("trung bình", "bình quân", "tb", "mean", "average"),
    Aggregate.MIN: ("nhỏ nhất", "thấp nhất", "min"),
    Aggregate.MAX: ("lớn nhất", "cao nhất", "max"),
    Aggregate.COUNT: ("số đơn vị", "đếm", "count"),
    Aggregate.RATIO: ("tỷ lệ trên tổng", "tỷ lệ tổng", "ratio"),
}
_AGGREGATES = {simple_key(w): agg for agg, words in AGGREGATE_WORDS.items() for w in words}


@dataclass(frozen=True)
class FigureSpec:
    question: str  # the form's question header, as staff typed it
    aggregate: Aggregate = Aggregate.SUM
    base: str = ""  # RATIO: the question whose total the rate is taken of

    @property
    def label(self) -> str:
        return self.question


def parse_figure_specs(text: object) -> list[FigureSpec]:
    """``"Số thu (triệu đồng): tổng; Tỷ lệ (%): trung bình"`` -> specs. Raises ValueError naming
    the item that cannot be read (the caller reports tab, row and column)."""
    specs: list[FigureSpec] = []
    seen: set[str] = set()
    for item in split_list(text):
        question, sep, way = item.rpartition(":")
        base = ""
        if not sep:
            question, way = item, ""
        elif (words := way.split()) and len(words) > 4 and \
                _AGGREGATES.get(simple_key(" ".join(words[:4]))) is Aggregate.RATIO:
            way, base = " ".join(words[:4]), clean(" ".join(words[4:]))
        elif simple_key(way) and simple_key(way) not in _AGGREGATES:
            words = ", ".join(w[0] for w in AGGREGATE_WORDS.values())
            raise ValueError(f"'{clean(way)}' in '{clean(item)}' is not one of: {words}")
        question = clean(question)
        if not question:
            raise ValueError(f"'{clean(item)}' names no question")
        if header_key(question) in seen:
            raise ValueError(f"question '{question}' is listed twice")
        seen.add(header_key(question))
        aggregate = _AGGREGATES.get(simple_key(way), Aggregate.SUM)
        if aggregate is Aggregate.RATIO and not base:
            raise ValueError(f"'{clean(item)}': say the rate of which total, e.g. "
                             f"'{question}: tỷ lệ trên tổng Số thu (triệu đồng)'")
        specs.append(FigureSpec(question, aggregate, base))
    for spec in specs:
        if spec.base and header_key(spec.base) not in seen:
            raise ValueError(f"'{spec.question}' is a rate of '{spec.base}', which is not listed "
                             "as a figure")
    return specs


def read_figures(
    specs: tuple[FigureSpec, ...] | list[FigureSpec], answers: Mapping[str, str]
) -> tuple[dict[str, float], list[str]]:
    """The numbers one response gives, by question; and one line per answer that is not a
    number ("Số thu ...: không đọc được '12 tr đ'"), never read as 0. An empty answer or a
    question the form lacks gives neither (the form's header is checked elsewhere)."""
    return FigureReader(specs).read(answers)


class FigureReader:
    """:func:`read_figures` for many responses to the same questions: each question's key is
    made once, and a number cell within bounds is taken as it is (the common case)."""

    __slots__ = ("_specs", "_keys")

    def __init__(self, specs: tuple[FigureSpec, ...] | list[FigureSpec]):
        self._specs = tuple(specs)
        self._keys = tuple(header_key(spec.question) for spec in specs)

    def read(self, answers: Mapping[str, str]) -> tuple[dict[str, float], list[str]]:
        # a number cell is read as the number it holds, not as the text it would print as
        cells = (answers.cells_by_keys(self._keys) if isinstance(answers, Answers)
                 else [answer_by_key(answers, key) for key in self._keys])
        values: dict[str, float] = {}
        unreadable: list[str] = []
        for spec, cell in zip(self._specs, cells, strict=True):
            if cell.__class__ is float and -LIMIT <= cell <= LIMIT:  # NaN fails the bounds
                values[spec.question] = cell + 0.0  # -0.0 -> 0.0, as read_number gives
                continue
            if cell.__class__ is str:
                cell = nfc(cell).strip()
            try:
                number = read_number(cell, spec.question)
            except NumberError as err:
                unreadable.append(f"{spec.question}: không đọc được số ({err})")
                continue
            if number is not None:
                values[spec.question] = number
        return values, unreadable

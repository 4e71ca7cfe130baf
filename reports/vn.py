"""Dates, numbers and quotes written the way a Vietnamese office prints them.

Pure helpers every section of the drafts uses: one home for each convention (Decree 30's dates,
counts below 10 with a leading 0, decimal commas, typographic quotes).
"""

from __future__ import annotations

from datetime import datetime

from sync.rules.numbers import vn_number


def vn_date(moment: datetime) -> str:
    """"ngày 05 tháng 6 năm 2023": day below 10 and months 1-2 take a leading 0 (Decree 30)."""
    month = f"{moment.month:02d}" if moment.month <= 2 else str(moment.month)
    return f"ngày {moment.day:02d} tháng {month} năm {moment.year}"


def date_line(place: str, moment: datetime) -> str:
    return f"{place}, {vn_date(moment)}" if place else vn_date(moment).capitalize()


def short_date(moment: datetime) -> str:
    """In running text: 10/6/2023."""
    return f"{moment.day}/{moment.month}/{moment.year}"


def clock(moment: datetime) -> str:
    return f"{moment.hour} giờ {moment.minute:02d}"


def deadline_text(deadline: datetime | None, tz) -> str:
    if deadline is None:
        return "không quy định hạn"
    local = deadline.astimezone(tz)
    if (local.hour, local.minute) == (23, 59):  # a date alone means the whole day
        return f"hết ngày {short_date(local)}"
    return f"{clock(local)} ngày {short_date(local)}"


def percent(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    return f"{100 * part / whole:.1f}".replace(".", ",").removesuffix(",0") + "%"


def fixed(value: float, decimals: int) -> str:
    """1234.5 with 2 decimals -> "1.234,50": every number of one table the same way."""
    return vn_number(value, max(decimals, 0), trim=False)


def padded(count: int) -> str:
    """A count from 1 to 9 takes a leading 0 in administrative text: "06 bài", "01 tập thể"."""
    return f"{count:02d}" if 0 < count < 10 else vn_number(count, 0)


def quoted(text: str) -> str:
    """Vietnamese print's curly quotes around what a unit typed."""
    return f"“{text}”"


def roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out += letters * count
    return out


def lower_first(title: str) -> str:
    """"Cuộc thi viết ..." -> "cuộc thi viết ..." mid-sentence; a proper name ("Hà Nội ...",
    "UBND ...") keeps its capitals."""
    words = title.split()
    if len(words) < 2 or words[0].isupper() or words[1][:1].isupper():
        return title
    return title[:1].lower() + title[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def join_and(items: list[str]) -> str:
    """"A", "A và B", "A, B và C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]

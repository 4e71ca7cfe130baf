"""Timestamps and deadlines as Forms, Sheets and staff write them.

Every result is an aware datetime in the configured timezone. Naive inputs (serial numbers,
"dd/mm/yyyy H:MM:SS" strings, Excel datetimes) are wall-clock time in the spreadsheet's timezone.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import compress, repeat
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sync.rules.text import KEY_CACHE, clean

SHEETS_EPOCH = datetime(1899, 12, 30)


class DateOrder(StrEnum):
    DAY_FIRST = "dmy"  # vi_VN and most of the world: 10/6/2023 is 10 June
    MONTH_FIRST = "mdy"  # en_US spreadsheets: 6/10/2023 is 10 June


class TimeParseError(ValueError):
    pass


SLASHED = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$"
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class Parsed(NamedTuple):  # (a cycle may parse 20,000 text stamps: a tuple is cheaper to make)
    at: datetime
    has_time: bool


MAX_SERIAL = 2_958_465  # 31/12/9999, the last day Sheets and Excel can show


def from_serial(serial: float, tz: ZoneInfo) -> datetime:
    """A spreadsheet serial number (days since 1899-12-30) as wall-clock time in ``tz``.

    Raises :class:`TimeParseError` for what cannot be a date: NaN, infinities, negative serials,
    and numbers past year 9999 (a phone number or 1e308 pasted into a date cell)."""
    serial = float(serial)
    if not math.isfinite(serial) or not 0 <= serial < MAX_SERIAL + 1:
        shown = f"{serial:.15g}"
        raise TimeParseError(f"not a date: {shown} is not a day count between 0 and "
                             f"{MAX_SERIAL} (31/12/9999)")
    # Round to the millisecond: serials are binary fractions of a day.
    moment = SHEETS_EPOCH + timedelta(milliseconds=round(serial * 86_400_000))
    return moment.replace(tzinfo=tz)


def to_serial(moment: datetime, tz: ZoneInfo) -> float:
    local = moment.astimezone(tz).replace(tzinfo=None)
    return (local - SHEETS_EPOCH) / timedelta(days=1)


def parse_moment(value: object, tz: ZoneInfo, order: DateOrder = DateOrder.DAY_FIRST) -> Parsed:
    """Parse a timestamp cell; raises :class:`TimeParseError` with the text when it can't."""
    if type(value) is str:  # text as Sheets shows a date ("20/06/2023 9:05:00"): no cleaning
        match = SLASHED.match(value)
        if match:
            return Parsed(slashed(match, tz, order), match[4] is not None)
    if isinstance(value, datetime):
        at = value if value.tzinfo else value.replace(tzinfo=tz)
        return Parsed(at.astimezone(tz), True)
    if isinstance(value, date):
        return Parsed(datetime.combine(value, time(), tz), False)
    if isinstance(value, bool):
        raise TimeParseError(f"not a date: {value!r}")
    if isinstance(value, int | float):
        serial = float(value)
        return Parsed(from_serial(serial, tz), not serial.is_integer())
    text = clean(value)
    if not text:
        raise TimeParseError("empty")
    match = SLASHED.match(text)
    if match:
        return Parsed(slashed(match, tz, order), match[4] is not None)
    if _ISO_DATE.match(text):
        try:
            at = datetime.fromisoformat(text)
        except ValueError:
            raise TimeParseError(f"not a date: {text!r}") from None
        has_time = len(text) > 10
        at = at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)
        return Parsed(at, has_time)
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        pass
    else:
        return parse_moment(number, tz, order)
    raise TimeParseError(f"not a date: {text!r} (expected dd/mm/yyyy H:MM:SS, ISO or a serial)")


def slashed(match: re.Match, tz: ZoneInfo | None, order: DateOrder) -> datetime:
    """The moment a match of :data:`SLASHED` ("dd/mm/yyyy H:MM:SS") writes, in ``tz`` (None:
    the wall-clock time it writes)."""
    a, b, year, hh, mm, ss, frac = match.groups()
    day, month = (a, b) if order is DateOrder.DAY_FIRST else (b, a)
    try:  # (a cycle may read 20,000 of these: no int() of what is absent)
        return datetime(int(year), int(month), int(day), int(hh) if hh else 0,
                        int(mm) if mm else 0, int(ss) if ss else 0,
                        int(frac.ljust(6, "0")) if frac else 0, tz)
    except ValueError as err:
        raise TimeParseError(f"not a date: {match.string!r} ({err})") from None


# A line in the form Sheets shows a form's timestamp (a day-first or month-first locale; ASCII
# digits, a time of day that exists), or any other line (its groups empty)
_SHOWN = re.compile(r"^(?:([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}) "
                    r"((?:[01]?[0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])|.*)$", re.MULTILINE)


def shown_stamps(texts: Iterable[str], tz: ZoneInfo | None, order: DateOrder) -> dict[str, datetime]:
    """Those of ``texts`` in the form Sheets shows a timestamp ("20/06/2023 9:05:00"), each
    with its moment, read without a Python call per text: one regex pass over them all (a line
    each), each distinct day read once, each time of day by ``time.fromisoformat`` ("9:05:00"
    zero-filled to "09:05:00"), the moments made by ``map`` (a big tab holds 20,000 such
    texts). The moments are what :func:`slashed` makes of each (``tz`` None: wall-clock). A
    text in any other form, or whose day does not exist (31/06/2023), is left out: it is read
    on its own, with its reason."""
    lines = [text for text in texts if "\n" not in text]
    found = _SHOWN.findall("\n".join(lines))
    if not lines or len(found) != len(lines):
        return {}
    a, b, years, clock = zip(*found, strict=True)
    days, months = (a, b) if order is DateOrder.DAY_FIRST else (b, a)
    day_keys = list(zip(years, months, days, strict=True))
    day_of = {}
    for key in set(day_keys):
        with contextlib.suppress(ValueError):  # another form (no year), or no such day
            day_of[key] = date(int(key[0]), int(key[1]), int(key[2]))
    if len(day_of) < len(set(day_keys)):  # those texts left out
        kept = [key in day_of for key in day_keys]
        lines, day_keys, clock = (list(compress(x, kept)) for x in (lines, day_keys, clock))
    moments = map(datetime.combine, map(day_of.__getitem__, day_keys),
                  map(time.fromisoformat, map(str.zfill, clock, repeat(8))), repeat(tz))
    return dict(zip(lines, moments, strict=True))


def parse_deadline(value: object, tz: ZoneInfo, order: DateOrder = DateOrder.DAY_FIRST) -> datetime:
    """The last moment that still counts as on time.

    A date alone means the whole day ("trước ngày 30/6" is read as by the end of 30/6):
    23:59:59.999999 local time. A date with a time means that very second.
    """
    parsed = parse_moment(value, tz, order)
    if parsed.has_time:
        return parsed.at
    return parsed.at.replace(hour=23, minute=59, second=59, microsecond=999_999)


def format_vn(moment: datetime | None, tz: ZoneInfo) -> str:
    """Day-first wall-clock time for cells staff read: 10/06/2023 17:05."""
    if moment is None:
        return ""
    return _format_vn(moment, tz)


@functools.lru_cache(maxsize=KEY_CACHE)  # the status and detail tabs show each time once more
def _format_vn(moment: datetime, tz: ZoneInfo) -> str:
    at = moment.astimezone(tz)  # (what strftime("%d/%m/%Y %H:%M") writes, at half its cost)
    return f"{at.day:02d}/{at.month:02d}/{at.year} {at.hour:02d}:{at.minute:02d}"


def format_duration(delta: timedelta) -> str:
    """How late, in Vietnamese: "2 ngày 3 giờ", "45 phút"."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} ngày")
    if hours:
        parts.append(f"{hours} giờ")
    if mins and not days:
        parts.append(f"{mins} phút")
    return " ".join(parts) or "dưới 1 phút"

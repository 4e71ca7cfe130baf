"""Number and date formats: how Sheets shows a number, and reads typed text.

Copied behaviour:

* Dates and times are serial numbers: days since 1899-12-30, the fraction is
  the time of day (``SERIAL_NUMBER``); no time zone arithmetic is involved.
* A number without a number format is shown in the "automatic" format:
  integers plainly, fractions with up to 10 decimals, the locale's decimal
  separator (``1.5`` in en_US, ``1,5`` in vi_VN), no grouping.
* DATE / TIME / DATE_TIME cells without a pattern use the locale's default
  (en_US ``M/d/yyyy H:mm:ss`` -> ``11/25/2026 9:05:03``; vi_VN
  ``dd/MM/yyyy H:mm:ss`` -> ``25/11/2026 9:05:03``, as Forms timestamps show).
* Patterns use the Sheets date tokens (``yyyy mm dd hh mm ss am/pm``...),
  case-insensitive, ``m`` meaning minutes next to hours or seconds.
* USER_ENTERED text is parsed as typed: locale numbers (``1,234.5`` en_US,
  ``1.234,5`` vi_VN), percentages, ``TRUE``/``FALSE``, ISO dates
  (``2020-01-01`` keeps the ``yyyy-mm-dd`` look, as recorded) and locale dates.

Only en_US-like and vi_VN-like locales are modelled; other locales fall back
to en_US conventions.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

EPOCH = datetime(1899, 12, 30)

_DAY_FIRST = {"vi_VN", "en_GB", "fr_FR", "de_DE", "es_ES", "it_IT", "en_AU", "pt_BR"}
_COMMA_DECIMAL = {"vi_VN", "fr_FR", "de_DE", "es_ES", "it_IT", "pt_BR", "id_ID"}

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def separators(locale: str) -> tuple[str, str]:
    """(decimal, grouping) separators of a locale."""
    return (",", ".") if locale in _COMMA_DECIMAL else (".", ",")


def default_pattern(kind: str, locale: str) -> str:
    """The pattern a DATE / TIME / DATE_TIME cell shows without its own."""
    day_first = locale in _DAY_FIRST
    date = "dd/MM/yyyy" if day_first else "M/d/yyyy"
    time = "H:mm:ss" if day_first else "h:mm:ss am/pm"
    if kind == "DATE":
        return date
    if kind == "TIME":
        return time
    return f"{date} H:mm:ss"


def to_serial(dt: datetime) -> float | int:
    """A naive datetime -> serial number (int when it is midnight)."""
    delta = dt - EPOCH
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return int(serial) if serial == int(serial) else serial


def from_serial(serial: float) -> datetime:
    """Serial number -> datetime, rounded to the second like the display."""
    return EPOCH + timedelta(seconds=round(serial * 86400))


# -- date patterns ---------------------------------------------------------

_TOKEN_RE = re.compile(
    r'"[^"]*"|\\.|am/pm|a/p|y+|m+|d+|h+|s+|\.0+|.', re.IGNORECASE | re.DOTALL
)


def _tokens(pattern: str) -> list[tuple[str, str]]:
    """Split a pattern into (kind, text): kind is a token letter or 'lit'."""
    out: list[tuple[str, str]] = []
    for tok in _TOKEN_RE.findall(pattern):
        low = tok.lower()
        if tok.startswith('"'):
            out.append(("lit", tok[1:-1]))
        elif tok.startswith("\\"):
            out.append(("lit", tok[1:]))
        elif low in ("am/pm", "a/p"):
            out.append(("ampm", low))
        elif low[0] in "ymdhs" and low == low[0] * len(low):
            out.append((low[0], low))
        else:
            out.append(("lit", tok))
    # "m" is minutes after an hour or before a second
    fields = [i for i, (k, _) in enumerate(out) if k != "lit"]
    for pos, i in enumerate(fields):
        kind, text = out[i]
        if kind != "m" or len(text) > 2:
            continue
        prev_k = out[fields[pos - 1]][0] if pos > 0 else None
        next_k = out[fields[pos + 1]][0] if pos + 1 < len(fields) else None
        if prev_k == "h" or next_k == "s":
            out[i] = ("min", text)
    return out


def format_datetime(serial: float, pattern: str) -> str:
    """Render a serial number with a Sheets date/time pattern. A number no date can hold
    (3000000, 1e308 in a timestamp column) is shown as the number (assumed, not recorded)."""
    try:
        dt = from_serial(serial)
    except (OverflowError, ValueError):
        return f"{serial:.15g}"
    toks = _tokens(pattern)
    twelve = any(k == "ampm" for k, _ in toks)
    parts = []
    for kind, text in toks:
        n = len(text)
        if kind == "lit":
            parts.append(text)
        elif kind == "y":
            parts.append(f"{dt.year % 100:02d}" if n <= 2 else f"{dt.year:04d}")
        elif kind == "m":
            if n == 1:
                parts.append(str(dt.month))
            elif n == 2:
                parts.append(f"{dt.month:02d}")
            elif n == 3:
                parts.append(MONTHS[dt.month - 1][:3])
            elif n == 4:
                parts.append(MONTHS[dt.month - 1])
            else:
                parts.append(MONTHS[dt.month - 1][0])
        elif kind == "d":
            if n == 1:
                parts.append(str(dt.day))
            elif n == 2:
                parts.append(f"{dt.day:02d}")
            elif n == 3:
                parts.append(DAYS[dt.weekday()][:3])
            else:
                parts.append(DAYS[dt.weekday()])
        elif kind == "h":
            hour = dt.hour
            if twelve:
                hour = hour % 12 or 12
            parts.append(str(hour) if n == 1 else f"{hour:02d}")
        elif kind == "min":
            parts.append(str(dt.minute) if n == 1 else f"{dt.minute:02d}")
        elif kind == "s":
            parts.append(str(dt.second) if n == 1 else f"{dt.second:02d}")
        elif kind == "ampm":
            am = dt.hour < 12
            parts.append(("AM" if am else "PM") if text == "am/pm" else ("A" if am else "P"))
    return "".join(parts)


# -- numbers ---------------------------------------------------------------

def format_general(value: float | int, locale: str) -> str:
    """A number in the automatic format of a locale."""
    decimal, _ = separators(locale)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return "#NUM!"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    if abs(value) >= 1e15 or abs(value) < 1e-10:
        mantissa, exp = f"{value:.2E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        text = f"{mantissa}E{exp[0]}{int(exp[1:]):02d}"
    else:
        text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text.replace(".", decimal)


_NUM_CORE = re.compile(r"[#0,]*(\.[#0]*)?")


def format_number(value: float | int, pattern: str, locale: str) -> str:
    """A number with a simple NUMBER/PERCENT/CURRENCY pattern (``#,##0.00``)."""
    decimal, group = separators(locale)
    pattern = pattern.split(";")[0]
    literal = re.sub(r'"([^"]*)"', r"\1", pattern)
    literal = re.sub(r"\[\$([^\]-]*)[^\]]*\]", r"\1", literal)
    m = None
    for m in _NUM_CORE.finditer(literal):
        if m.group(0).strip(",."):
            break
    if m is None or not m.group(0).strip(",."):
        return format_general(value, locale)
    core = m.group(0)
    if "%" in literal:
        value = value * 100
    frac = core.split(".")[1] if "." in core else ""
    min_dec, max_dec = frac.count("0"), len(frac)
    text = f"{abs(value):.{max_dec}f}"
    int_part, _, dec_part = text.partition(".")
    while len(dec_part) > min_dec and dec_part.endswith("0"):
        dec_part = dec_part[:-1]
    if "," in core.split(".")[0]:
        int_part = f"{int(int_part):,}".replace(",", group)
    body = int_part + (decimal + dec_part if dec_part else "")
    sign = "-" if value < 0 else ""
    return literal[: m.start()] + sign + body + literal[m.end():]


# -- typed input (USER_ENTERED) --------------------------------------------

def _number_re(locale: str) -> re.Pattern[str]:
    dec, grp = (re.escape(c) for c in separators(locale))
    return re.compile(
        rf"^([+-]?)(\d{{1,3}}(?:{grp}\d{{3}})+|\d*)({dec}\d+)?(?:[eE]([+-]?\d+))?(%?)$"
    )


def parse_number(text: str, locale: str) -> tuple[float | int, dict | None] | None:
    """Typed text -> (number, numberFormat or None), or None if not a number."""
    m = _number_re(locale).match(text.strip())
    if not m or not (m.group(2) or m.group(3)):
        return None
    dec, grp = separators(locale)
    sign, int_part, frac, exp, pct = m.groups()
    canon = (int_part or "0").replace(grp, "") + (frac or "").replace(dec, ".")
    if exp:
        canon += "e" + exp
    value: float | int = float(canon)
    if sign == "-":
        value = -value
    fmt = None
    if pct:
        value = value / 100
        decimals = len(frac) - 1 if frac else 0
        fmt = {"type": "PERCENT", "pattern": "0" + ("." + "0" * decimals if decimals else "") + "%"}
    elif grp in int_part:
        fmt = {"type": "NUMBER", "pattern": "#,##0" + ("." + "0" * (len(frac) - 1) if frac else "")}
    if float(value).is_integer() and abs(value) < 2**53:
        value = int(value)
    return value, fmt


_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_LOCAL_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_datetime(text: str, locale: str) -> tuple[float | int, dict] | None:
    """Typed date/time text -> (serial, numberFormat), or None."""
    text = text.strip()
    try:
        m = _ISO_RE.match(text)
        if m:
            y, mo, d, h, mi, s = m.groups()
            dt = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
            if h is None:
                return to_serial(dt), {"type": "DATE", "pattern": "yyyy-mm-dd"}
            return to_serial(dt), {"type": "DATE_TIME", "pattern": "yyyy-mm-dd H:mm:ss"}
        m = _LOCAL_RE.match(text)
        if m:
            a, b, y, h, mi, s = m.groups()
            day, month = (a, b) if locale in _DAY_FIRST else (b, a)
            dt = datetime(int(y), int(month), int(day), int(h or 0), int(mi or 0), int(s or 0))
            kind = "DATE" if h is None else "DATE_TIME"
            return to_serial(dt), {"type": kind}
        m = _TIME_RE.match(text)
        if m:
            h, mi, s = (int(x or 0) for x in m.groups())
            if h < 24 and mi < 60 and s < 60:
                return (h * 3600 + mi * 60 + s) / 86400, {"type": "TIME"}
    except ValueError:  # 2026-02-30 and the like stay text
        return None
    return None

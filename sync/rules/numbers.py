"""Numbers as units type them on a form, the Vietnamese way and the machine way; and numbers
written back the Vietnamese way.

Pure functions, no I/O. Read (``read_number``):

- a number cell (int or float) as it is; ``True``/``False`` is not a number;
- ``1.234.567`` and ``1 234 567`` (dots or spaces group thousands), ``1.234,5`` (comma decimal),
  ``1,5``; the machine way ``1,234,567.5`` and ``1234.5`` (the last separator of two kinds is the
  decimal one);
- **an ambiguous ``1.234``** (one dot, exactly three digits after it, no comma) is read the
  Vietnamese way, as thousands: 1234. ``1.5``, ``12.75``, ``0.125`` (not three digits, or a
  leading 0) are decimals. A single comma is always the decimal comma: ``1,234`` is 1,234;
- a sign (``-``, ``−``), ``%`` after the number, scale words ``nghìn``/``ngàn``, ``triệu``,
  ``tỷ``/``tỉ`` and the currency ``đồng``/``đ``/``VNĐ``, converted to the question's own unit
  when its header names one ("Số thu (triệu đồng)" + ``2,5 tỷ`` -> 2500);
- words after the number that the question already says ("Số bài viết" + ``12 bài``).

Anything else raises :class:`NumberError` with a short Vietnamese reason: an unreadable answer is
never counted as 0. NaN, infinity and magnitudes above :data:`LIMIT` are refused.
"""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal, InvalidOperation

from sync.rules.text import clean, simple_key

LIMIT = 1e15  # a thousand trillion: more than any office figure; keeps sums finite and exact-ish
MAX_CHARS = 60  # longer than any number a clerk types

_SCALES = {simple_key(word): power for word, power in (
    ("nghìn", 3), ("ngàn", 3), ("nghin", 3), ("ngan", 3), ("triệu", 6), ("trieu", 6), ("tr", 6),
    ("tỷ", 9), ("tỉ", 9), ("ty", 9), ("ti", 9))}
_CURRENCY = {simple_key(word) for word in ("đồng", "dong", "đ", "vnđ", "vnd")}
_SPACE_CHARS = "\u00a0\u202f\u2009\u2007"  # no-break, narrow no-break, thin, figure spaces
_AS_SPACES = {ord(c): " " for c in _SPACE_CHARS}
_NUMBER = re.compile(r"^(?P<sign>[-−+]?)\s*(?P<digits>[0-9][0-9., ]*[0-9]|[0-9])\s*(?P<rest>.*)$")
_GROUPED = re.compile(r"^[1-9][0-9]{0,2}(?:X[0-9]{3})+$")  # X = the grouping separator


class NumberError(ValueError):
    """An answer that is not a number; the message says why, in Vietnamese."""


@functools.lru_cache(maxsize=1024)
def question_scale(question: str) -> int:
    """The power of ten a question's unit stands for: "(triệu đồng)" -> 6, "(%)" -> 0."""
    found = re.findall(r"\(([^)]*)\)", question)
    words = simple_key(found[-1]).split() if found else []
    return next((_SCALES[w] for w in words if w in _SCALES), 0)


def read_number(value: object, question: str = "") -> float | None:
    """The number an answer holds, in the question's unit; None for an empty answer."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberError(f"'{value}' không phải là số")
    if isinstance(value, int | float):
        return _checked(float(value))
    text = clean(str(value).translate(_AS_SPACES))
    if not text:
        return None
    if len(text) > MAX_CHARS:
        raise NumberError("quá dài để là một số")
    match = _NUMBER.match(text)
    if match is None:
        raise NumberError(f"'{text}' không phải là số")
    number = _digits(match["digits"].strip())
    scale = _unit_scale(match["rest"].strip(), question)
    number = number.scaleb(scale - question_scale(question)) if scale else number
    if match["sign"] in ("-", "−"):
        number = -number
    return _checked(float(number))


def _checked(number: float) -> float:
    if math.isnan(number) or math.isinf(number):
        raise NumberError("không phải là số hữu hạn")
    if abs(number) > LIMIT:
        raise NumberError("số quá lớn (quá 10^15), cần kiểm tra lại")
    return number + 0.0  # -0.0 -> 0.0


def _digits(text: str) -> Decimal:
    """'1.234.567', '1 234', '1.234,5', '1,234,567.5', '1,5', '1.234' (thousands), '1.5'."""
    if " " in text:  # "1 234" or "1 234,5": spaces group, one comma or dot is the decimal
        if text.count(",") + text.count(".") > 1:
            raise NumberError(f"'{text}' lẫn nhiều kiểu dấu phân cách")
        whole, _, frac = re.split(r"([.,])", text) if re.search(r"[.,]", text) else (text, "", "")
        _grouped(whole, " ")
        return _decimal(whole.replace(" ", ""), frac)
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        whole, _, frac = text.rpartition(decimal_sep)
        if decimal_sep in whole:
            raise NumberError(f"'{text}' có hai dấu thập phân")
        _grouped(whole, group_sep)
        return _decimal(whole.replace(group_sep, ""), frac)
    if commas > 1 or dots > 1:
        sep = "," if commas else "."
        _grouped(text, sep)
        return _decimal(text.replace(sep, ""), "")
    if commas == 1:  # the Vietnamese decimal comma
        whole, _, frac = text.partition(",")
        return _decimal(whole, frac)
    if dots == 1:
        whole, _, frac = text.partition(".")
        if len(frac) == 3 and _GROUPED.match(text.replace(".", "X")):
            return _decimal(whole + frac, "")  # "1.234": thousands, the Vietnamese reading
        return _decimal(whole, frac)
    return _decimal(text, "")


def _grouped(whole: str, sep: str) -> None:
    if not _GROUPED.match(whole.replace(sep, "X")):
        raise NumberError(f"'{whole}' không đúng cách nhóm 3 chữ số")


def _decimal(whole: str, frac: str) -> Decimal:
    if not whole.isdigit() or (frac and not frac.isdigit()):
        raise NumberError(f"'{whole}{',' + frac if frac else ''}' không phải là số")
    try:
        return Decimal(f"{whole}.{frac}" if frac else whole)
    except InvalidOperation as err:  # pragma: no cover - isdigit() above rules it out
        raise NumberError(f"'{whole}' không phải là số") from err


def _unit_scale(rest: str, question: str) -> int:
    """The power of ten of the words after the number; words the question says are fine."""
    rest = rest.strip()
    if rest.startswith("%"):
        rest = rest[1:].strip()
    if not rest:
        return 0
    scale = 0
    allowed = _question_words(question)
    for word in simple_key(rest).split():
        if word in _SCALES and not scale:
            scale = _SCALES[word]
        elif word in _CURRENCY or word in allowed:
            continue
        else:
            raise NumberError(f"không hiểu '{clean(rest)}' sau con số")
    if rest and not simple_key(rest):
        raise NumberError(f"không hiểu '{clean(rest)}' sau con số")
    return scale


@functools.lru_cache(maxsize=1024)
def _question_words(question: str) -> frozenset[str]:
    return frozenset(simple_key(question).split())


# --- Written back the Vietnamese way -------------------------------------------------------------

def vn_number(value: float, decimals: int = 2, trim: bool = True) -> str:
    """1234.5 -> '1.234,5'; 1234 -> '1.234'; at most ``decimals`` decimals, trailing zeros cut
    (``trim=False``: exactly ``decimals``, "1.234,50", for one table's numbers alike)."""
    rounded = round(value, decimals)
    text = f"{abs(rounded):,.{decimals}f}"
    whole, _, frac = text.partition(".")
    if trim:
        frac = frac.rstrip("0")
    out = whole.replace(",", ".") + ("," + frac if frac else "")
    return ("-" if rounded < 0 and out.strip("0.,") else "") + out

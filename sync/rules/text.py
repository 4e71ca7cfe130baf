"""Vietnamese text: NFC, matching keys, collation, safe display.

Pure functions, no I/O. See ``docs/vietnamese.md`` for the rules they implement.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Combining marks that carry a tone (huyền, sắc, hỏi, ngã, nặng). The other marks on Vietnamese
# letters (circumflex, breve, horn) belong to the letter and stay.
TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"
_TONE_ORDER = {"": 0, "\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
# Invisible format characters a paste or a phone keyboard leaves inside words: soft hyphen,
# zero-width space/non-joiner/joiner, word joiner, BOM, Mongolian vowel separator, and the
# bidirectional marks, embeddings and isolates (RTL text pasted from elsewhere). Removed, not
# turned into spaces: "Thanh\u00adXuân" is "ThanhXuân" to the eye too.
INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def nfc(value: object) -> str:
    """Any cell value as NFC text; ``None`` is the empty string."""
    if type(value) is str:
        # ASCII text is already NFC and holds no invisible character: most cells of a tab
        # (codes, numbers, dates typed as text). No cache for the rest: answers are mostly unique,
        # and a miss costs more than normalising.
        if value.isascii():
            return value
        if value.isprintable():  # the invisible characters are not printable: none to remove
            return unicodedata.normalize("NFC", value)
        return unicodedata.normalize("NFC", INVISIBLE.sub("", value))
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        value = int(value)  # 12.0 -> "12"; 1e308 stays "1e+308", not 309 digits
    return unicodedata.normalize("NFC", INVISIBLE.sub("", str(value)))


def clean(value: object) -> str:
    """NFC, control characters removed, whitespace collapsed: for headers and names."""
    if type(value) is str:
        # Printable text holds no control character and no whitespace but " ": with no space
        # to collapse or strip, it is clean once NFC (most names, codes and headers)
        if value.isprintable() and "  " not in value and value[:1] != " " != value[-1:]:
            return value if value.isascii() else unicodedata.normalize("NFC", value)
        return _clean_of_text(value)
    return _SPACES.sub(" ", _CONTROL.sub(" ", nfc(value))).strip()


def safe_text(value: object) -> str:
    """Text a unit typed, fit for a cell, a log line or a document: NFC, no control
    characters except tab and newline. Nothing else is changed (escaping is the writer's job)."""
    return _CONTROL.sub("", nfc(value))


def one_line(value: object, limit: int = 120) -> str:
    """Text for a log line: no newlines or control characters, shortened."""
    text = _SPACES.sub(" ", _CONTROL.sub(" ", nfc(value))).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Keys are computed once per distinct text: a cycle sees the same headers, unit names and words
# thousands of times (100,000 responses from 5,000 units). Bounded, so unique answers cannot grow
# the caches without limit; thread-safe (lru_cache), so offices in one process share them.
KEY_CACHE = 65_536


@functools.lru_cache(maxsize=KEY_CACHE)
def _clean_of_text(text: str) -> str:
    return _SPACES.sub(" ", _CONTROL.sub(" ", nfc(text))).strip()


def header_key(value: object) -> str:
    """How headers are compared: NFC, collapsed whitespace, case-folded."""
    if isinstance(value, str):
        return _header_key_of_text(value)
    return clean(value).casefold()


@functools.lru_cache(maxsize=KEY_CACHE)
def _header_key_of_text(text: str) -> str:
    return clean(text).casefold()


def unify_tones(text: str) -> str:
    """Put each word's tone mark at its end, so "hòa"/"hoà", "thủy"/"thuỷ" give the same key.

    Only for keys: the result is not readable Vietnamese.
    """
    if text.isascii():  # no tone mark to move (a name typed without accents)
        return text
    return " ".join(map(_unify_word, text.split(" ")))


@functools.lru_cache(maxsize=KEY_CACHE)
def _unify_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(ch for ch in decomposed if ch in TONE_MARKS)
    base = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    return unicodedata.normalize("NFC", base + tones)


# The combining marks of U+0300-U+036F, Vietnamese's among them: removed by one str.translate
_MARKS = dict.fromkeys(c for c in range(0x300, 0x370) if unicodedata.combining(chr(c)))


@functools.lru_cache(maxsize=KEY_CACHE)
def strip_accents(text: str) -> str:
    """ASCII-ish fallback key: every mark removed, đ -> d (NFD does not decompose đ)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = decomposed.translate(_MARKS)
    if plain.isascii():  # Vietnamese: no mark is left
        return plain
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def simple_key(value: object) -> str:
    """NFC, case-folded, tone style unified, punctuation dropped, spaces collapsed."""
    if isinstance(value, str):
        return _simple_key_of_text(value)
    return _simple_key_of_text(nfc(value))


@functools.lru_cache(maxsize=KEY_CACHE)
def _simple_key_of_text(text: str) -> str:
    text = clean(text).casefold()
    if not text.replace(" ", "").isalnum():  # punctuation (not a word character) to drop
        text = _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()
    return unify_tones(text)


# --- Vietnamese collation -------------------------------------------------------------------
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"  # each letter one NFC code point
_LETTER_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}


@functools.lru_cache(maxsize=4096)
def _letter_and_tone(ch: str) -> tuple[str, str]:
    decomposed = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in decomposed if c in TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return base, tone


def collation_key(value: object) -> tuple:
    """Sort key in Vietnamese alphabetical order: letters first (đ after d, ă â after a), tones
    second (none, huyền, sắc, hỏi, ngã, nặng), then case."""
    return _collation_key_of_text(clean(value))


COLLATION_CACHE = 16_384  # a roster's names and groups (a key is ~0.6 kB: ~10 MB at most)


@functools.lru_cache(maxsize=COLLATION_CACHE)  # unit names and groups, sorted again every cycle
def _collation_key_of_text(text: str) -> tuple:
    keys = list(map(_char_key, text.casefold()))  # (a cold cron cycle keys thousands of names)
    return (tuple([primary for primary, _ in keys]), tuple([tone for _, tone in keys]), text)


@functools.lru_cache(maxsize=4096)
def _char_key(ch: str) -> tuple[tuple[int, int | str], int]:
    """One character's place: its letter (spaces first, then the alphabet, then the rest) and
    its tone."""
    base, tone = _letter_and_tone(ch)
    rank = _LETTER_RANK.get(base)
    primary = (1, rank) if rank is not None else (0 if base.isspace() else 2, base)
    return primary, _TONE_ORDER.get(tone[:1], 0)


def person_sort_key(full_name: object) -> tuple:
    """Lists of people: given name (last word), then family name (first word), then middle."""
    words = clean(full_name).split(" ")
    if len(words) == 1:
        return (collation_key(words[0]), (), ())
    return (
        collation_key(words[-1]),
        collation_key(words[0]),
        collation_key(" ".join(words[1:-1])),
    )


def split_list(value: object) -> list[str]:
    """A cell holding several items separated by newlines or semicolons."""
    return [item for item in (clean(p) for p in re.split(r"[\n;]", nfc(value))) if item]

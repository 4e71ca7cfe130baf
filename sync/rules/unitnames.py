"""A unit's name as words: what typing does to it undone, abbreviations written out, levels and
parents told apart. Pure; ``sync/rules/matching.py`` compares names with these pieces and
``docs/vietnamese.md`` states the rules.

A name becomes *words*: look-alike letters mapped (Ð, Cyrillic and Greek capitals, full-width
digits), case folded, tone style unified ("hoà" = "hòa"), "&" read as "và", punctuation and
hyphens as spaces, numbers without leading zeros ("05" = "5"; "l5" and "2O" as 15 and 20), and
"số" before a number dropped ("Tổ dân phố số 5" = "Tổ dân phố 5"). Abbreviations are written out
(:data:`ABBREVIATIONS`); one that may mean several things ("TT": trung tâm, thị trấn or thể thao)
gives several *readings*, and a name is matched under each.

A syllable typed with its marks missing, telex or VNI leftovers ("Xuaan", "Xua6n", "Ddinhf"), a
doubled letter or Đ typed as D keeps its *skeleton* (:func:`skeleton`); it is the same syllable
only when the marks it does carry agree with the roster's (:func:`agrees`): "Mai" may be "Mãi",
"Mãi" is never "Mai". A different syllable, number or trailing letter is never forgiven.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from itertools import product

from sync.rules.text import KEY_CACHE, TONE_MARKS, strip_accents, unify_tones

# Administrative levels, longest first ("thị xã" before "xã"). A level word must agree between
# what a unit typed and the roster: "Quận Ba Đình" is not "Phường Ba Đình".
LEVELS = ("thành phố", "thị trấn", "thị xã", "phường", "quận", "huyện", "tỉnh", "xã")
# Words in front of a name that units leave out or add ("UBND phường X" = "Phường X",
# "Trường THCS X" = "THCS X"); dropped only when what is left is not a bare place name.
ORGANISATION_WORDS = ("ủy ban nhân dân", "trung tâm", "trường", "phòng", "ban", "hội")

# Abbreviations Vietnamese offices use, by word as typed (after case folding): each expands to
# one reading, or several when the short form means different things.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    # levels
    "p": ("phường",), "ph": ("phường",), "q": ("quận",), "x": ("xã",), "h": ("huyện",),
    "tx": ("thị xã",), "tp": ("thành phố",), "tt": ("trung tâm", "thị trấn", "thể thao"),
    # bodies of the State and the Party
    "ubnd": ("ủy ban nhân dân",), "ub": ("ủy ban",), "hđnd": ("hội đồng nhân dân",),
    "vp": ("văn phòng",), "bql": ("ban quản lý",), "bqlda": ("ban quản lý dự án",),
    "kbnn": ("kho bạc nhà nước",), "kv": ("khu vực",), "bhxh": ("bảo hiểm xã hội",),
    "ca": ("công an",), "cap": ("công an phường",), "cax": ("công an xã",),
    "caq": ("công an quận",), "catp": ("công an thành phố",),
    "chqs": ("chỉ huy quân sự",), "bchqs": ("ban chỉ huy quân sự",), "bch": ("ban chỉ huy",),
    "qs": ("quân sự",), "hcc": ("hành chính công",), "pvhcc": ("phục vụ hành chính công",),
    "ttpvhcc": ("trung tâm phục vụ hành chính công",), "kcn": ("khu công nghiệp",),
    "cx": ("chế xuất",), "tdp": ("tổ dân phố",), "dp": ("dân phố",),
    # mass organisations
    "mttq": ("mặt trận tổ quốc",), "ubmttq": ("ủy ban mặt trận tổ quốc",),
    "lđlđ": ("liên đoàn lao động",), "hlhpn": ("hội liên hiệp phụ nữ",),
    "lhpn": ("liên hiệp phụ nữ",), "hpn": ("hội phụ nữ",), "pn": ("phụ nữ",),
    "hccb": ("hội cựu chiến binh",), "ccb": ("cựu chiến binh",),
    "đtn": ("đoàn thanh niên",), "đtncs": ("đoàn thanh niên cộng sản",),
    "tncs": ("thanh niên cộng sản",), "tn": ("thanh niên",), "cs": ("cộng sản", "cảnh sát"),
    "hcm": ("hồ chí minh",), "nct": ("người cao tuổi",), "ctđ": ("chữ thập đỏ",),
    "nd": ("nông dân",), "vn": ("việt nam",),
    # schools, health
    "thcs": ("trung học cơ sở",), "thpt": ("trung học phổ thông",), "th": ("tiểu học",),
    "mn": ("mầm non",), "mg": ("mẫu giáo",), "ttyt": ("trung tâm y tế",),
    "tyt": ("trạm y tế",), "bv": ("bệnh viện",), "bvđk": ("bệnh viện đa khoa",),
    "đk": ("đa khoa",),
    # fields of a department or office ("Sở GD&ĐT", "Phòng VH-XH", "Phòng KT-HT&ĐT")
    "gd": ("giáo dục",), "đt": ("đào tạo", "đô thị"), "gdđt": ("giáo dục và đào tạo",),
    "nn": ("nông nghiệp",), "mt": ("môi trường",), "kh": ("khoa học", "khuyến học", "kế hoạch"),
    "cn": ("công nghệ",), "khcn": ("khoa học và công nghệ",), "vh": ("văn hóa",),
    "xh": ("xã hội",), "vhxh": ("văn hóa xã hội",), "kt": ("kinh tế",), "ht": ("hạ tầng",),
    "ktht": ("kinh tế hạ tầng",), "tc": ("tài chính",), "tckh": ("tài chính kế hoạch",),
}
# Expansions of single letters and level words only stand for a level before a place: a last
# word "B" or "X" is a school's letter, not "huyện" or "xã".
_NOT_LAST = frozenset({"p", "ph", "q", "x", "h"})
MAX_READINGS = 8

# Labels in front of a name: "Đơn vị: ...", "Tên đơn vị - ...", "Đơn vị báo cáo: ..."
_LABEL = re.compile(r"^\s*(?:tên\s+)?(?:đơn\s*vị|cơ\s*quan|đv)(?:\s+(?:báo\s*cáo|gửi|nộp))?\s*[:\-–—]\s*",
                    re.IGNORECASE)

# Letters that look like Vietnamese ones: Ð (eth) and Ɖ for Đ, Cyrillic and Greek capitals
_LOOKALIKES = str.maketrans({
    "\u00d0": "Đ", "\u00f0": "đ", "\u0189": "Đ", "\u0256": "đ",
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Т": "T", "Х": "X", "а": "a", "е": "e", "і": "i", "о": "o", "р": "p", "с": "c",
    "у": "y", "х": "x", "Α": "A", "Β": "B", "Ε": "E", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X", "Υ": "Y", "ο": "o",
})
_NUMBERISH = re.compile(r"^[0-9lo]*[0-9][0-9lo]*$")  # "l5", "2o": a number with look-alikes
_TOKEN = re.compile(r"[^\W_]+|[-–—,(/;:|]")
# Where a typed name breaks (a dash, comma or bracket): what follows may be a place added to the
# name ("Trường THPT Mê Linh, xã Mê Linh"). Kept in the words for that, left out when comparing.
BREAK = "¦"
AND = "và"  # "Sở Giáo dục và Đào tạo" = "Sở Giáo dục - Đào tạo" = "Sở GD&ĐT": left out too


@functools.lru_cache(maxsize=KEY_CACHE)
def words(text: str) -> tuple[str, ...]:
    """The name's words, as described in the module docstring (no abbreviation written out)."""
    simple = _simple_words(text)
    return simple if simple is not None else _all_passes(text)


def _all_passes(text: str) -> tuple[str, ...]:
    """:func:`words` by every pass, whatever the name holds."""
    text = _LABEL.sub("", text, count=1) or text
    text = unicodedata.normalize("NFKC", text.translate(_LOOKALIKES)).casefold()
    text = text.replace("&", " và ").replace("+", " và ")
    out = []
    for word in _TOKEN.findall(text):
        if not word[0].isalnum():
            word = BREAK
        elif _NUMBERISH.match(word):
            word = _number(word)
        elif (split := _LETTERS_NUMBER.match(word)) and split[1] in _ABBREVIATED:  # "TDP5"
            out += [split[1], _number(split[2])]
            continue
        out.append(word)
    kept: list[str] = []
    dropped = False  # "số" before a number is left out, and a break after it ("số: 9")
    for i, word in enumerate(out):
        number_next = next((w for w in out[i + 1:] if w != BREAK), "").isdigit()
        dropped = number_next and (fits((word,), _NUMBER_WORD) or (word == BREAK and dropped))
        if not dropped:
            kept.append(word)
    return tuple(w if w == BREAK else unify_tones(w) for w in kept)


_LETTERS_NUMBER = re.compile(r"^([^\W\d_]+)(\d+)$")
_SIMPLE = re.compile(r"[^\W_]+(?: [^\W_]+)*")  # words and single spaces, nothing else
_LOOKALIKE_SET = frozenset(chr(c) for c in _LOOKALIKES)


def _simple_words(text: str) -> tuple[str, ...] | None:
    """The words of a name made of NFKC words and single spaces, each word all letters or all
    digits, no look-alike letter (most roster names, and most typed ones): what :func:`words`
    gives, without its passes. None for any other name."""
    if not _SIMPLE.fullmatch(text) or not unicodedata.is_normalized("NFKC", text) \
            or not _LOOKALIKE_SET.isdisjoint(text) or (not text.isascii() and not text.isprintable()):
        return None
    typed = text.casefold().split(" ")
    out = []
    for word, after in zip(typed, [*typed[1:], ""], strict=True):
        if word.isdigit():
            if word[0] == "0" or not word.isascii():
                return None  # numbers to read ("05", full-width digits): the whole pass
        elif not word.isalpha():
            return None
        elif after.isdigit() and (word == _NUMBER_WORD[0] or skeleton(word) == "so"
                                  and agrees(word, _NUMBER_WORD[0])):
            continue  # "số" before a number
        out.append(word)
    return tuple(map(unify_tones, out)) if not text.isascii() else tuple(out)


def compared(words_: Sequence[str]) -> tuple[str, ...]:
    """The words two names are compared by: no break, no "và"; "Ủy ban MTTQ Việt Nam" is
    "Mặt trận Tổ quốc"."""
    out = [w for w in words_ if w != BREAK and (skeleton(w) != "va" or not agrees(w, AND))]
    if not _CANONICAL_STARTS.intersection(map(skeleton, out)):
        return tuple(out)
    for i in range(len(out) - 1, -1, -1):
        pair = out[i:i + 2]
        if (fits(pair, _VIET_NAM) and fits(out[i - 2:i], _TO_QUOC)) or \
                (fits(pair, _UY_BAN) and fits(out[i + 2:i + 3], _MAT)):
            del out[i:i + 2]
    return tuple(out)


def _number(word: str) -> str:
    digits = word.replace("l", "1").replace("o", "0")
    return digits.lstrip("0") or "0"


def readings(typed: Sequence[str]) -> list[tuple[str, ...]]:
    """The words with their abbreviations written out: one reading per meaning of an ambiguous
    abbreviation (at most :data:`MAX_READINGS`, the first meanings first). "tổ" before a number
    is "tổ dân phố"."""
    if _ABBREVIATED.keys().isdisjoint(typed) and (_GROUP_WORD not in typed or not any(
            w == _GROUP_WORD and n.isdigit() for w, n in zip(typed, typed[1:], strict=False))):
        return [tuple(typed)]  # most names: nothing to write out
    choices: list[tuple[str, ...]] = []
    for i, word in enumerate(typed):
        meanings = _ABBREVIATED.get(word)
        if meanings is None or (word in _NOT_LAST and i == len(typed) - 1):
            group = word == "tổ" and i + 1 < len(typed) and typed[i + 1].isdigit()
            meanings = (_GROUP,) if group else (word,)
        choices.append(meanings)
    out = []
    for combination in product(*choices):
        out.append(tuple(" ".join(combination).split(" ")))
        if len(out) == MAX_READINGS:
            break
    return out


_ABBREVIATED = {k: tuple(unify_tones(m) for m in v) for k, v in ABBREVIATIONS.items()}
_ABBREVIATED.update({strip_accents(k): v for k, v in list(_ABBREVIATED.items())})
class Prefixes(tuple):
    """Word sequences looked for at the start of a name (levels, organisation words), in their
    order, and by their first word and its skeleton (made when first asked): a name's first
    word rules out all but a few, and a roster of 5,000 names asks thousands of times."""

    _by_first: dict[str, list[tuple[str, ...]]] | None = None

    def by_first(self) -> dict[str, list[tuple[str, ...]]]:
        if self._by_first is None:
            out: dict[str, list[tuple[str, ...]]] = {}
            for prefix in self:
                for key in dict.fromkeys((prefix[0], skeleton(prefix[0]))):
                    out.setdefault(key, []).append(prefix)
            self._by_first = out
        return self._by_first


LEVEL_WORDS = Prefixes(tuple(unify_tones(level).split(" ")) for level in LEVELS)
ORGANISATION = Prefixes(tuple(unify_tones(w).split(" ")) for w in ORGANISATION_WORDS)


def starts_with(words_: Sequence[str], prefixes: Prefixes) -> tuple[str, ...] | None:
    """The first of ``prefixes`` that ``words_`` begins with (as :func:`fits` reads words),
    leaving something after it."""
    if len(words_) < 2:
        return None
    by_first = prefixes.by_first()
    first = words_[0]
    for prefix in by_first.get(first) or by_first.get(skeleton(first), ()):
        if len(words_) > len(prefix) and fits(words_[:len(prefix)], prefix):
            return prefix
    return None


def level_and_place(core: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """("phường", ("ba", "đình")) for "phường ba đình"; ("", core) for a name without a
    level in front."""
    level = starts_with(core, LEVEL_WORDS)
    if level is None:
        return "", tuple(core)
    return " ".join(level), tuple(core[len(level):])


# --- syllables typed with their marks missing or as telex/VNI --------------------------------------
_TELEX_TONE = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_VNI_TONE = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
_VNI_MOD = {"6": "\u0302", "7": "\u031b", "8": "\u0306", "9": "stroke"}
_TELEX_MOD = {"aa": ("a", "\u0302"), "ee": ("e", "\u0302"), "oo": ("o", "\u0302"),
              "aw": ("a", "\u0306"), "ow": ("o", "\u031b"), "uw": ("u", "\u031b"),
              "dd": ("d", "stroke")}
_VNI_LEFTOVER = re.compile(r"(?<=[a-zđ])[1-9]+")
_ROMAN = re.compile(r"^[ivxlc]+$")  # "II" is not a doubled "I"


@functools.lru_cache(maxsize=KEY_CACHE)
def skeleton(word: str) -> str:
    """What is left of a word with every mark, telex and VNI leftover and doubled letter gone:
    "Xuaan", "Xua6n", "Xuân" and "xuan" are all "xuan". Numbers are kept as they are (a different
    number is a different unit); a lone "0" or "l" is read as the letter it looks like."""
    if word.isdigit():
        return "o" if word == "0" else word
    if word == "l":
        return "i"
    plain = strip_accents(word)
    if _ROMAN.match(plain):
        return plain
    plain = _VNI_LEFTOVER.sub("", plain)
    if len(plain) > 1 and plain[-1] in _TELEX_TONE and not plain.isdigit():
        plain = plain[:-1]
    plain = plain.replace("w", "") or plain
    return re.sub(r"(.)\1+", r"\1", plain)


def _marks(word: str) -> tuple[Counter, set[str]]:
    """The vowel marks (letter, mark) and tone marks a word carries as typed."""
    mods: Counter = Counter()
    tones: set[str] = set()
    base = ""
    for ch in unicodedata.normalize("NFD", word):
        if ch in TONE_MARKS:
            tones.add(ch)
        elif unicodedata.combining(ch):
            mods[(base, ch)] += 1
        else:
            base = ch
            if ch == "đ":
                mods[("d", "stroke")] += 1
    return mods, tones


def _typed_marks(word: str) -> list[tuple[Counter, set[str]]]:
    """The marks a typed word may mean: as it is, and as telex or VNI when it has leftovers."""
    seen = [_marks(re.sub(r"(.)\1+", r"\1", word))]
    letters = strip_accents(word)
    if any(c.isdigit() for c in letters) and not letters.isdigit():  # VNI
        mods, tones = _marks(re.sub(r"\d", "", word))
        for i, ch in enumerate(letters):
            if ch in _VNI_TONE:
                tones.add(_VNI_TONE[ch])
            elif ch in _VNI_MOD and i:
                mods[(letters[i - 1], _VNI_MOD[ch])] += 1
        seen.append((mods, tones))
    if word.isascii() and word.isalpha():  # telex
        mods, tones = Counter(), set()
        rest = word
        if len(rest) > 1 and rest[-1] in _TELEX_TONE:
            tones.add(_TELEX_TONE[rest[-1]])
            rest = rest[:-1]
        for pair, mark in _TELEX_MOD.items():
            if pair in rest:
                mods[mark] += 1
        if "w" in rest and not any(p in rest for p in ("aw", "ow", "uw")):
            mods[("u", "\u031b")] += 1
        seen.append((mods, tones))
    return seen


@functools.lru_cache(maxsize=KEY_CACHE)
def agrees(typed: str, roster: str) -> bool:
    """Whether a typed word of the same skeleton may be the roster's word: every mark it carries
    (read as typed, or as telex/VNI) is on the roster's word, and its tone, if any, is the
    roster's. Missing marks are forgiven; a different mark never is."""
    if typed == roster:
        return True
    want_mods, want_tones = _marks(roster)
    for mods, tones in _typed_marks(typed):
        if tones and tones != want_tones:
            continue
        if all(want_mods[m] >= n for m, n in mods.items()):
            return True
    return False


def all_agree(typed: Sequence[str], roster: Sequence[str]) -> bool:
    """Word by word, those of one skeleton agree (see :func:`agrees`)."""
    return len(typed) == len(roster) and all(map(agrees, typed, roster))


def fits(typed: Sequence[str], roster: Sequence[str]) -> bool:
    """Whether typed words may be the roster's: each the same, or of the same skeleton with
    agreeing marks ("phuong" fits "phường", "phưởng" does not)."""
    if len(typed) != len(roster):
        return False
    if tuple(typed) == tuple(roster):
        return True
    return all(t == r or (skeleton(t) == skeleton(r) and agrees(t, r)) for t, r in zip(typed, roster, strict=True))


_NUMBER_WORD = (unify_tones("số"),)
_GROUP = unify_tones("tổ dân phố")  # "Tổ 5" is the residential group
_GROUP_WORD = unify_tones("tổ")
_AND = (AND,)
_VIET_NAM, _TO_QUOC = unify_tones("việt nam").split(" "), unify_tones("tổ quốc").split(" ")
_UY_BAN, _MAT = unify_tones("ủy ban").split(" "), [unify_tones("mặt")]
_CANONICAL_STARTS = {skeleton(_VIET_NAM[0]), skeleton(_UY_BAN[0])}

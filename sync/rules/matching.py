"""Which roster unit a response names.

In order: exact match of the normalised name, code or alias; the same without the generic prefix
("UBND", "Trường"); the same without accents, when that is unambiguous; then a fuzzy guess that
must clear a threshold and beat the runner-up, reported as a guess for staff to confirm.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from sync.rules.models import Match, MatchKind, Unit
from sync.rules.text import simple_key, strip_accents, unify_tones

# Common abbreviations in unit names, by normalised token.
ABBREVIATIONS = {
    "p": "phường",
    "ph": "phường",
    "q": "quận",
    "x": "xã",
    "ubnd": "ủy ban nhân dân",
    "ub": "ủy ban",
    "hđnd": "hội đồng nhân dân",
    "mttq": "mặt trận tổ quốc",
    "thcs": "trung học cơ sở",
    "thpt": "trung học phổ thông",
    "th": "tiểu học",
    "mn": "mầm non",
    "mg": "mẫu giáo",
    "ca": "công an",
    "bql": "ban quản lý",
    "bqlda": "ban quản lý dự án",
    "lđlđ": "liên đoàn lao động",
    "hlhpn": "hội liên hiệp phụ nữ",
    "hccb": "hội cựu chiến binh",
    "tncs": "thanh niên cộng sản",
    "vp": "văn phòng",
    "tt": "trung tâm",
}
_EXPANSIONS = {k: unify_tones(v) for k, v in ABBREVIATIONS.items()}
_EXPANSIONS.update({strip_accents(k): v for k, v in _EXPANSIONS.items()})
# Generic words in front of a name that units often leave out or add.
_GENERIC = ("ủy ban nhân dân", "trường", "phòng")
_PREFIXES = tuple(unify_tones(p) + " " for p in _GENERIC)
_PLAIN_PREFIXES = tuple(strip_accents(p) + " " for p in _GENERIC)


def full_key(text: str) -> str:
    tokens = simple_key(text).split(" ")
    return " ".join(_EXPANSIONS.get(t, t) for t in tokens if t)


def _strip_prefixes(key: str, prefixes: tuple[str, ...]) -> str:
    stripped = True
    while stripped:
        stripped = False
        for prefix in prefixes:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, stripped = key[len(prefix):], True
    return key


def core_key(text: str) -> str:
    """The full key without generic leading words ("UBND", "Trường", "Phòng")."""
    return _strip_prefixes(full_key(text), _PREFIXES)


def plain_key(text: str) -> str:
    """The core key without any accent: for names typed on a keyboard with no Vietnamese input."""
    return _strip_prefixes(strip_accents(full_key(text)), _PLAIN_PREFIXES)


class Matcher:
    """Built once per cycle from the roster; caches answers per typed text."""

    def __init__(self, units: Iterable[Unit], threshold: float = 85.0, margin: float = 5.0):
        self.units = [u for u in units]
        self.threshold, self.margin = threshold, margin
        self._full: dict[str, set[str]] = defaultdict(set)
        self._core: dict[str, set[str]] = defaultdict(set)
        self._plain: dict[str, set[str]] = defaultdict(set)
        self._by_code = {u.code: u for u in self.units}
        for unit in self.units:
            self._full[unit.code.casefold()].add(unit.code)
            for name in (unit.name, *unit.aliases):
                self._full[full_key(name)].add(unit.code)
                core = core_key(name)
                self._core[core].add(unit.code)
                self._plain[plain_key(name)].add(unit.code)
        self._fuzzy_choices = {key: codes for key, codes in self._core.items() if len(codes) == 1}
        self._fuzzy_plain = {key: plain_key(key) for key in self._fuzzy_choices}
        self._cache: dict[str, Match] = {}

    def match(self, typed: str) -> Match:
        if typed not in self._cache:
            self._cache[typed] = self._match(typed)
        return self._cache[typed]

    def _unique(self, index: dict[str, set[str]], key: str) -> Unit | None:
        codes = index.get(key)
        if codes and len(codes) == 1:
            return self._by_code[next(iter(codes))]
        return None

    def _match(self, typed: str) -> Match:
        if not typed.strip():
            return Match(MatchKind.NONE)
        code_hit = self._unique(self._full, typed.strip().casefold())
        if code_hit:
            return Match(MatchKind.EXACT, code_hit)
        core = core_key(typed)
        for index, key in (
            (self._full, full_key(typed)),
            (self._core, core),
            (self._plain, plain_key(typed)),
        ):
            unit = self._unique(index, key)
            if unit:
                return Match(MatchKind.EXACT, unit)
        return self._fuzzy(plain_key(typed))

    def _fuzzy(self, plain: str) -> Match:
        if not plain or not self._fuzzy_choices:
            return Match(MatchKind.NONE)
        choices = self._fuzzy_plain
        best = process.extract(plain, choices, scorer=fuzz.token_sort_ratio, limit=2)
        if not best:
            return Match(MatchKind.NONE)
        _, score, key = best[0]
        runner_up = best[1][1] if len(best) > 1 else 0.0
        if score < self.threshold or score - runner_up < self.margin:
            return Match(MatchKind.NONE, score=score)
        code = next(iter(self._fuzzy_choices[key]))
        return Match(MatchKind.FUZZY, self._by_code[code], score=round(score, 1))

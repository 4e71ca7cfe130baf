"""Which roster unit a response names.

Keys, from strict to loose (see ``docs/vietnamese.md``): the code; the full name (abbreviations
expanded); the name without leading organisation words ("UBND", "Trường", "Phòng", ...); the name
without leading organisation *and* administrative-level words ("phường", "xã", "quận", ...),
where a bare place name is ambiguous when another unit's name ends with it; the last two again
without accents. At each step the units the campaign expects are tried first, then the whole
roster; a name that fits several units is reported as ambiguous, never guessed. Only then a fuzzy
guess that must clear a threshold and beat the runner-up, reported as a guess for staff to confirm.
A name staff settled in the correction tab ("Đối chiếu tên đơn vị") wins over all of these.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping

from rapidfuzz import fuzz, process

from sync.rules.models import Match, MatchKind, Unit
from sync.rules.text import simple_key, strip_accents, unify_tones

# Common abbreviations in unit names, by normalised token.
ABBREVIATIONS = {
    "p": "phường",
    "ph": "phường",
    "q": "quận",
    "x": "xã",
    "tx": "thị xã",
    "tp": "thành phố",
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
    "ttyt": "trung tâm y tế",
}
# Words in front of a name that units often leave out or add: optional in both directions.
ORGANISATION_WORDS = ("ủy ban nhân dân", "trường", "phòng", "ban", "hội", "trung tâm")
ADMINISTRATIVE_WORDS = ("phường", "xã", "thị trấn", "quận", "huyện", "thị xã", "tỉnh", "thành phố")

_EXPANSIONS = {k: unify_tones(v) for k, v in ABBREVIATIONS.items()}
_EXPANSIONS.update({strip_accents(k): v for k, v in _EXPANSIONS.items()})
# Characters that render as nothing; text.clean removes the usual ones, these come from some
# phone keyboards and word processors.
_INVISIBLE = re.compile("[\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def _prefixes(words: Iterable[str], plain: bool) -> tuple[str, ...]:
    keys = (unify_tones(w) for w in words)
    # longest first, so "thị xã" goes before "xã" and "trung tâm" is not read as two words
    return tuple(sorted(((strip_accents(k) if plain else k) + " " for k in keys), key=len, reverse=True))


_ORG = _prefixes(ORGANISATION_WORDS, plain=False)
_ORG_PLAIN = _prefixes(ORGANISATION_WORDS, plain=True)
_ALL = _prefixes(ORGANISATION_WORDS + ADMINISTRATIVE_WORDS, plain=False)
_ALL_PLAIN = _prefixes(ORGANISATION_WORDS + ADMINISTRATIVE_WORDS, plain=True)


def _visible(text: str) -> str:
    """``text`` without the characters that render as nothing. Printable text holds none of
    them but the combining grapheme joiner (a mark): most names are returned as they are."""
    return text if text.isprintable() and "\u034f" not in text else _INVISIBLE.sub("", text)


def typed_key(text: str) -> str:
    """How two typed names are "the same name" (for the correction tab): NFC, case, tone style,
    punctuation, spaces and invisible characters do not count."""
    return simple_key(_visible(text))


def full_key(text: str) -> str:
    return _expanded(typed_key(text))


def _expanded(typed: str) -> str:
    """A typed key with its abbreviations written out: the full key."""
    words = typed.split(" ")
    if _EXPANSIONS.keys().isdisjoint(words) and "" not in words:  # most names: as they are
        return typed
    return " ".join(_EXPANSIONS.get(t, t) for t in words if t)


def _strip_prefixes(key: str, prefixes: tuple[str, ...]) -> str:
    """``key`` without the leading ``prefixes`` (longest first; none of them begins another),
    as long as something is left."""
    while key.startswith(prefixes):  # one test of them all: most names have none
        for prefix in prefixes:
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix):]
                break
        else:
            break
    return key


def core_key(text: str) -> str:
    """The full key without leading organisation words ("UBND", "Trường", "Phòng", ...)."""
    return _core(full_key(text))


def bare_key(text: str) -> str:
    """The full key without leading organisation and administrative-level words: the place name
    ("UBND phường Khương Trung" -> "khương trung")."""
    return _bare(full_key(text))


def plain_key(text: str) -> str:
    """The core key without any accent: for names typed on a keyboard with no Vietnamese input."""
    return _plain(full_key(text))


def plain_bare_key(text: str) -> str:
    return _plain_bare(full_key(text))


# The keys above, from a full key (a name is keyed once, then each layer derives its own key)
def _full(full: str) -> str:
    return full


def _core(full: str) -> str:
    return _strip_prefixes(full, _ORG)


def _bare(full: str) -> str:
    return _strip_prefixes(full, _ALL)


def _plain(full: str) -> str:
    return _strip_prefixes(strip_accents(full), _ORG_PLAIN)


def _plain_bare(full: str) -> str:
    return _strip_prefixes(strip_accents(full), _ALL_PLAIN)


_NONE: frozenset[str] = frozenset()


class _Index:
    """Codes by key; with ``tails``, also the names that end with a key as whole words, which
    make a short name ambiguous (a bare "khương trung" may mean "tiểu học khương trung") but
    never match by themselves. The keys are sorted back to front the first time a lookup needs
    the names ending with one (most names are found, exactly, before a layer with tails is
    asked): those names are then one range of that order."""

    def __init__(self, tails: bool = False):
        self.exact: dict[str, set[str]] = defaultdict(set)
        self.tails = tails
        self._ends: tuple[list[str], list[set[str]]] | None = None

    def add(self, key: str, code: str) -> None:
        if key:
            self.exact[key].add(code)
            self._ends = None

    def _ending(self, key: str) -> set[str]:
        """The codes of the keys that end with `` key``."""
        if self._ends is None:
            backwards = sorted((k[::-1], codes) for k, codes in self.exact.items())
            self._ends = [k for k, _ in backwards], [codes for _, codes in backwards]
        keys, codes = self._ends
        start = key[::-1] + " "  # (keys are unique: the sort never compares two sets)
        found: set[str] = set()
        for i in range(bisect_left(keys, start), bisect_left(keys, start[:-1] + "!")):
            found |= codes[i]  # "!" follows " ": the range is every key beginning with start
        return found

    def find(self, key: str) -> tuple[set[str], set[str]]:
        """(units named exactly so, units the name may also mean); both empty for none."""
        exact = self.exact.get(key) if key else None
        if not exact:
            return _NONE, _NONE
        return exact, (exact | self._ending(key) if self.tails else exact)


ANSWERS_KEPT = 200_000  # typed names (per campaign scope) a Matcher remembers
SCOPES_KEPT = 64  # campaign scopes a Matcher remembers answers under
KEPT_MATCHERS = 8  # rosters whose Matcher a process keeps (offices sharing a `run`)
_kept: OrderedDict[tuple, Matcher] = OrderedDict()
_kept_lock = threading.Lock()


def matcher_for(units: Iterable[Unit], threshold: float = 85.0, margin: float = 5.0,
                settled: Mapping[str, str] | None = None) -> Matcher:
    """The :class:`Matcher` of this roster, kept while the process lives: a `run` loop reads
    the same roster cycle after cycle, and a tab repeats the same typed names, so the keys of
    the roster and the answers to names matched before are not made again (at 5,000 units and
    9,000 distinct names, ~0.1 s a cycle). Any change to a unit, an alias, a settled name or a
    threshold is another roster: its Matcher is made afresh."""
    key = (tuple(units), threshold, margin, tuple(sorted((settled or {}).items())))
    with _kept_lock:
        matcher = _kept.get(key)
        if matcher is not None:
            _kept.move_to_end(key)
            return matcher
    matcher = Matcher(key[0], threshold, margin, settled)
    with _kept_lock:
        _kept[key] = matcher
        while len(_kept) > KEPT_MATCHERS:
            _kept.popitem(last=False)
    return matcher


class Matcher:
    """Built once per cycle from the roster (and staff's settled names); caches answers per
    typed text and campaign scope."""

    def __init__(self, units: Iterable[Unit], threshold: float = 85.0, margin: float = 5.0,
                 settled: Mapping[str, str] | None = None):
        self.units = list(units)
        self.threshold, self.margin = threshold, margin
        self._by_code = {u.code: u for u in self.units}
        by_folded = {u.code.casefold(): u.code for u in self.units}
        # typed_key -> unit code, as staff settled them (a code not on the roster is ignored
        # here; corrections.read_settled reports it). Keys are not re-keyed: typed_key is not
        # idempotent (NFC recomposes a moved tone mark with the last letter).
        self._settled = {k: by_folded[c.casefold()] for k, c in (settled or {}).items()
                         if c.casefold() in by_folded}
        self._codes = _Index()
        self._layers = [
            (_Index(), _full), (_Index(tails=True), _core), (_Index(tails=True), _bare),
            (_Index(tails=True), _plain), (_Index(tails=True), _plain_bare),
        ]  # each layer's key is derived from the name's full key
        self._steps = [(self._codes, None), *self._layers]  # (None: the text casefolded)
        keyed: list[tuple[Unit, str, str]] = []  # each unit's name: (unit, typed key, full key)
        plain_of_core: dict[str, str] = {}
        for unit in self.units:
            self._codes.add(unit.code.casefold(), unit.code)
            for n, name in enumerate((unit.name, *unit.aliases)):
                typed = typed_key(name)
                full = _expanded(typed)
                keys = [key(full) for _, key in self._layers]
                for (index, _), key in zip(self._layers, keys, strict=True):
                    index.add(key, unit.code)
                plain_of_core.setdefault(keys[1], keys[3])  # (plain_key of the core key)
                if n == 0:
                    keyed.append((unit, typed, full))
        # A unit's name typed as the roster writes it (what a pre-filled link or a dropdown
        # sends) is that unit, whatever the campaign expects, when no code is spelled so, staff
        # settled nothing for it and no other unit has its full key: what _match would find
        self._as_written: dict[str, Match] = {}
        full_names = self._layers[0][0].exact
        for unit, typed, full in keyed:
            name = unit.name
            if (_visible(name).strip() == name and name
                    and not self._codes.exact.get(name.casefold())
                    and typed not in self._settled and full_names.get(full) == {unit.code}):
                self._as_written[name] = Match(MatchKind.EXACT, unit)
        core = self._layers[1][0].exact
        self._fuzzy_choices = {key: codes for key, codes in core.items() if len(codes) == 1}
        # the guesses' keys: a core key's plain_key is the plain layer's key of its full key
        self._fuzzy_plain = {key: plain_of_core[key] for key in self._fuzzy_choices}
        self._cache: dict[tuple[str, frozenset[str] | None], Match] = {}
        self._scopes: dict[frozenset[str], frozenset[str]] = {}

    def match(self, typed: str, expected: Collection[str] | None = None) -> Match:
        """The unit ``typed`` names; ``expected`` (unit codes the campaign expects) are tried
        first, so a name ambiguous across the roster may still be unique among them."""
        found = self._as_written.get(typed)
        if found is not None:
            return found
        key = (typed, self._scope(expected))
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= ANSWERS_KEPT:  # a kept Matcher meets new names every cycle
                self._cache.clear()
            found = self._cache[key] = self._match(typed, key[1])
        return found

    def scoped(self, expected: Collection[str] | None) -> Callable[[str], Match]:
        """:meth:`match` within one campaign's scope, for each name of its tab."""
        scope = self._scope(expected)
        return lambda typed: self.match(typed, scope)

    def _scope(self, expected: Collection[str] | None) -> frozenset[str] | None:
        """The one frozenset this Matcher keeps for a scope: an answer is cached under the
        scope, and a scope is thousands of codes, so two cycles' equal scopes must be the same
        object to be compared at once (an equal copy is compared code by code)."""
        if expected is None:
            return None
        scope = expected if isinstance(expected, frozenset) else frozenset(expected)
        if len(self._scopes) >= SCOPES_KEPT:  # campaigns' targets edited many times
            self._scopes.clear()
            self._cache.clear()
        return self._scopes.setdefault(scope, scope)

    def _match(self, typed: str, expected: frozenset[str] | None) -> Match:
        text = _visible(typed).strip()
        if not text:
            return Match(MatchKind.NONE)
        typed_text = typed_key(text)
        settled = self._settled.get(typed_text)
        if settled:
            return Match(MatchKind.SETTLED, self._by_code[settled])
        full = _expanded(typed_text)
        scopes = (expected, None) if expected else (None,)
        for index, key in self._steps:  # the code first, then each layer from strict to loose
            exact, near = index.find(text.casefold() if key is None else key(full))
            if not exact:
                continue
            for scope in scopes:
                if scope is not None and exact.isdisjoint(scope):
                    continue  # none of the expected units: try the whole roster
                fits = near & scope if scope is not None else near
                if len(fits) == 1:
                    return Match(MatchKind.EXACT, self._by_code[next(iter(fits))])
                return self._ambiguous(fits)
        return self._fuzzy(_plain(full))

    def _ambiguous(self, codes: Iterable[str]) -> Match:
        units = tuple(sorted((self._by_code[c] for c in codes), key=lambda u: u.code))
        return Match(MatchKind.AMBIGUOUS, candidates=units, score=0.0)

    def _fuzzy(self, plain: str) -> Match:
        if not plain or not self._fuzzy_choices:
            return Match(MatchKind.NONE)
        best = process.extract(plain, self._fuzzy_plain, scorer=fuzz.token_sort_ratio, limit=2)
        if not best:
            return Match(MatchKind.NONE)
        _, score, key = best[0]
        runner_up = best[1][1] if len(best) > 1 else 0.0
        if score < self.threshold or score - runner_up < self.margin:
            return Match(MatchKind.NONE, score=score)
        code = next(iter(self._fuzzy_choices[key]))
        return Match(MatchKind.FUZZY, self._by_code[code], score=round(score, 1))

"""Which roster unit a response names: credited only when the name identifies one unit.

A name is read as words (``sync/rules/unitnames.py``: look-alike letters, case, tone style,
punctuation, "&", numbers, abbreviations with each of their meanings). Then, strict to loose:
a name staff settled in "Đối chiếu tên đơn vị"; the unit's code; its full name or an alias; the
name without organisation words in front ("UBND", "Trường", "Phòng", ...: optional both ways,
unless what is left is a bare place name); the place without its level word, when none was typed
(a typed level must be the unit's: "Quận Ba Đình" is never "Phường Ba Đình"); the same with
syllables typed without their marks, as telex/VNI or with a doubled letter, when every mark
typed agrees with the roster's; and each of these again with a trailing place that names the
units' own parents taken off ("Sở Tài chính Hà Nội", "... - quận Thanh Xuân"). At each step the
units the campaign expects are tried first; a name that fits several units (or is the end of
another unit's name) is ambiguous.

What is found no other way is a *guess* for staff, never a credit: a shortened name that begins
one unit's name ("Sở Giáo dục"), one letter dropped or added in one syllable, the end of a
single unit's name. A name with a level that disagrees ("Huyện Mê Linh" for "Xã Mê Linh") is
left for staff with that unit as the candidate. See ``docs/vietnamese.md``.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from sync.rules.models import Match, MatchKind, Unit
from sync.rules.text import simple_key, strip_accents, unify_tones
from sync.rules.unitnames import (
    BREAK,
    LEVEL_WORDS,
    ORGANISATION,
    all_agree,
    compared,
    fits,
    level_and_place,
    readings,
    skeleton,
    starts_with,
    words,
)

# The match kinds that credit a unit: a guess waits for staff (a name settled in the tab).
CREDITING = frozenset({MatchKind.EXACT, MatchKind.SETTLED})

# Characters that render as nothing; text.clean removes the usual ones, these come from some
# phone keyboards and word processors.
_INVISIBLE = re.compile("[\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_UBND = ORGANISATION[0]  # "ủy ban nhân dân": the only organisation word in front of a place
_OF = (unify_tones("thuộc"),)
MAX_CANDIDATES = 5  # shown to staff for a name left to them


def _visible(text: str) -> str:
    """``text`` without the characters that render as nothing. Printable text holds none of
    them but the combining grapheme joiner (a mark): most names are returned as they are."""
    return text if text.isprintable() and "\u034f" not in text else _INVISIBLE.sub("", text)


def typed_key(text: str) -> str:
    """How two typed names are "the same name" (for the correction tab): NFC, case, tone style,
    punctuation, spaces and invisible characters do not count."""
    return simple_key(_visible(text))


_NONE: frozenset[str] = frozenset()


class _Index:
    """Codes by key; with ``tails``, also the names that end with a key as whole words, which
    make a short name ambiguous (a bare "khương trung" may mean "tiểu học khương trung") but
    never match by themselves. The keys are sorted back to front the first time a lookup needs
    the names ending with one: those names are then one range of that order."""

    def __init__(self, tails: bool = False):
        self.exact: dict[str, set[str]] = defaultdict(set)
        self.tails = tails
        self._ends: tuple[list[str], list[set[str]]] | None = None

    def add(self, key: str, code: str) -> None:
        if key:
            self.exact[key].add(code)
            self._ends = None

    def ending(self, key: str) -> set[str]:
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
        return exact, (exact | self.ending(key) if self.tails else exact)


class _Name:
    """One name of a unit, read once: its words, without organisation words (core), and its
    level and place."""

    __slots__ = ("code", "full", "core", "level", "place", "skel")

    def __init__(self, code: str, full: tuple[str, ...], core: tuple[str, ...],
                 level: str, place: tuple[str, ...]):
        self.code, self.full, self.core, self.level, self.place = code, full, core, level, place
        self.skel = tuple(map(skeleton, core))

    @classmethod
    def of(cls, code: str, full: tuple[str, ...], core: tuple[str, ...], level: str,
           place: tuple[str, ...], places: Collection[str]) -> _Name:
        """From the words read without the roster's places (``core``, ``level``, ``place``),
        read again only where an organisation word was dropped before a place."""
        if len(core) < len(full) and not level:
            again = _core(full, places)
            if again != core:
                return cls(code, full, again, *level_and_place(again))
        return cls(code, full, core, level, place)


def _core(full: Sequence[str], places: Collection[str]) -> tuple[str, ...]:
    """The words without organisation words in front: "ủy ban nhân dân" always, the others
    only when what is left is not a bare place name ("Trường Khương Trung" is a school, not the
    ward)."""
    core = tuple(full)
    while True:
        word = starts_with(core, ORGANISATION)
        if word is None:
            return core
        rest = core[len(word):]
        if word != _UBND and _key(map(skeleton, rest)) in places:
            return core
        core = rest


def _key(words_: Iterable[str]) -> str:
    return " ".join(words_)


ANSWERS_KEPT = 200_000  # typed names (per campaign scope) a Matcher remembers
SCOPES_KEPT = 64  # campaign scopes a Matcher remembers answers under
KEPT_MATCHERS = 8  # rosters whose Matcher a process keeps (offices sharing a `run`)
_kept: OrderedDict[tuple, Matcher] = OrderedDict()
_kept_lock = threading.Lock()


def matcher_for(units: Iterable[Unit], threshold: float = 85.0, margin: float = 5.0,
                settled: Mapping[str, str] | None = None, places: Sequence[str] = ()) -> Matcher:
    """The :class:`Matcher` of this roster, kept while the process lives: a `run` loop reads
    the same roster cycle after cycle, and a tab repeats the same typed names, so the keys of
    the roster and the answers to names matched before are not made again. Any change to a
    unit, an alias, a settled name, a place or a threshold is another roster: its Matcher is
    made afresh."""
    key = (tuple(units), threshold, margin, tuple(sorted((settled or {}).items())), tuple(places))
    with _kept_lock:
        matcher = _kept.get(key)
        if matcher is not None:
            _kept.move_to_end(key)
            return matcher
    matcher = Matcher(key[0], threshold, margin, settled, places)
    with _kept_lock:
        _kept[key] = matcher
        while len(_kept) > KEPT_MATCHERS:
            _kept.popitem(last=False)
    return matcher


class Matcher:
    """Built from the roster (staff's settled names and the office's own places, e.g. "quận
    Thanh Xuân" or "Hà Nội", too); caches answers per typed text and campaign scope.
    ``threshold`` and ``margin`` (0-100) bound the one-letter guesses shown to staff."""

    def __init__(self, units: Iterable[Unit], threshold: float = 85.0, margin: float = 5.0,
                 settled: Mapping[str, str] | None = None, places: Sequence[str] = ()):
        self.units = list(units)
        self.threshold, self.margin = threshold, margin
        self._by_code = {u.code: u for u in self.units}
        by_folded = {u.code.casefold(): u.code for u in self.units}
        # typed_key -> unit code, as staff settled them (a code not on the roster is ignored
        # here; corrections.read_settled reports it). Keys are not re-keyed: typed_key is not
        # idempotent (NFC recomposes a moved tone mark with the last letter).
        self._settled = {k: by_folded[c.casefold()] for k, c in (settled or {}).items()
                         if c.casefold() in by_folded}
        self._codes = {code.casefold(): code for code in self._by_code}
        fulls = [(u, n, compared(readings(words(name))[0]))
                 for u in self.units for n, name in enumerate((u.name, *u.aliases))]
        # the places of the roster (their skeletons): a bare place name left after an
        # organisation word is that place, not another body ("Trường Khương Trung" is a school)
        self._places: set[str] = set()
        self._roster_places: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        read = []
        for unit, _, full in fulls:
            if not full:
                continue
            core = _core(full, ())
            level, place = level_and_place(core)
            read.append((unit.code, full, core, level, place))
            if level:
                self._places.add(" ".join(map(skeleton, place)))
                self._roster_places.append((tuple(level.split(" ")), place))
        self._names = [_Name.of(*words_, self._places) for words_ in read]
        self._full, self._core, self._place = _Index(), _Index(tails=True), _Index(tails=True)
        # names with their last letter left off ("Mỹ Đức" may be "THPT Mỹ Đức A"): ambiguity only
        self._lettered = _Index(tails=True)
        self._levels: dict[str, set[str]] = defaultdict(set)  # code -> levels of its names
        self._skel: dict[str, list[_Name]] = defaultdict(list)  # skeleton of a core -> names
        self._skel_place: dict[str, list[_Name]] = defaultdict(list)
        self._skel_ends = _Index(tails=True)  # the names a skeleton may be the end of
        full, core, place, lettered = (self._full.exact, self._core.exact, self._place.exact,
                                       self._lettered.exact)
        skel, skel_place, skel_ends = self._skel, self._skel_place, self._skel_ends.exact
        for name in self._names:
            code, skel_key = name.code, " ".join(name.skel)
            full[" ".join(name.full)].add(code)
            core[" ".join(name.core)].add(code)
            place[" ".join(name.place)].add(code)
            if len(name.place) > 1 and len(name.place[-1]) == 1 and name.place[-1].isalpha():
                lettered[" ".join(name.place[:-1])].add(code)  # "THPT Mỹ Đức [A]"
            self._levels[code].add(name.level)
            skel[skel_key].append(name)
            skel_place_key = " ".join(name.skel[len(name.core) - len(name.place):])
            skel_place[skel_place_key].append(name)
            skel_ends[skel_place_key].add(code)
            skel_ends[skel_key].add(code)
        self._parents = self._parent_places(places)
        # A unit's name typed as the roster writes it (what a pre-filled link or a dropdown
        # sends) is that unit, whatever the campaign expects, when no code is spelled so, staff
        # settled nothing for it and no other unit has its full words: what _match would find
        self._as_written: dict[str, Match] = {}
        for unit, n, full in fulls:
            name = unit.name
            if (n == 0 and name and _visible(name).strip() == name
                    and name.casefold() not in self._codes
                    and (not self._settled or typed_key(name) not in self._settled)
                    and self._full.exact.get(_key(full)) == {unit.code}):
                self._as_written[name] = Match(MatchKind.EXACT, unit)
        # ... and typed with every mark left out (a keyboard without Vietnamese input): the
        # full name with its marks missing, when no other name of the roster loses its marks
        # into the same text (step 6 on the full name, found at once)
        unmarked: dict[str, set[str]] = defaultdict(set)
        for unit, _, _ in fulls:
            for name in (unit.name, *unit.aliases):
                unmarked[strip_accents(name)].add(unit.code)
        for name, match in list(self._as_written.items()):
            plain = strip_accents(name)
            if (plain != name and unmarked[plain] == {match.unit.code}
                    and plain.casefold() not in self._codes
                    and (not self._settled or typed_key(plain) not in self._settled)):
                self._as_written[plain] = match
        self._prefixes: tuple[list[str], list[str]] | None = None  # made when first guessed
        self._core_keys: dict[str, str] = {}  # code -> its first name's core, with the prefixes
        # names by word count, then by (position, skeleton with that word as "*")
        self._one_off: dict[int, dict[tuple[int, str], list[_Name]]] = {}
        self._cache: dict[tuple[str, frozenset[str] | None], Match] = {}
        self._scopes: dict[frozenset[str], frozenset[str]] = {}

    def _parent_places(self, places: Sequence[str]) -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...], bool]]]:
        """(level words, place words, needs a break) a unit may add after its name, by the
        skeleton of the place's last word, longest place first. A level and place that end two
        or more of the roster's names ("... phường Khương Đình", "... thành phố Hà Nội") are the
        units' own parent: taken off wherever they are. The office's configured places (a former
        district, the province) and the roster's own places only after a break ("..., xã Mê
        Linh", "... - quận Thanh Xuân"): "Công an quận Thanh Xuân" is the district's police."""
        found: Counter = Counter()
        for name in self._names:
            core = name.core
            for i in range(len(core) - 1, 0, -1):
                if name.skel[i] not in _LEVEL_STARTS:  # (most words: no call)
                    continue
                level = starts_with(core[i:], LEVEL_WORDS)
                if level is not None:  # ("xã hội" ends many names: a place has two words or more)
                    place = core[i + len(level):]
                    if 2 <= len(place) <= 4:
                        found[(level, place)] += 1
                    break
        parents = {(level, place, False) for (level, place), n in found.items() if n >= 2}
        for text in places:
            typed = compared(readings(words(text))[0])
            level = starts_with(typed, LEVEL_WORDS) or ()
            if typed[len(level):]:
                parents.add((level, tuple(typed[len(level):]), True))
        parents |= {(level, place, True) for level, place in self._roster_places}
        by_last: dict[str, list] = defaultdict(list)
        for parent in sorted(parents, key=lambda p: (-len(p[1]), p[2], p)):
            by_last[skeleton(parent[1][-1])].append(parent)
        return by_last

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

    # --- the rules ------------------------------------------------------------------------------
    def _match(self, typed: str, scope: frozenset[str] | None) -> Match:
        text = _visible(typed).strip()
        if not text:
            return Match(MatchKind.NONE)
        settled = self._settled.get(typed_key(text))
        if settled:
            return Match(MatchKind.SETTLED, self._by_code[settled])
        code = self._codes.get(text.casefold())
        if code is not None:
            return Match(MatchKind.EXACT, self._by_code[code])
        typed_words = words(text)
        meanings = readings(typed_words)
        plain = [r for r in map(compared, meanings) if r]
        if not plain:
            return Match(MatchKind.NONE)
        found = self._found([self._exact(r, scope, tails=True) for r in plain])
        if found is None:  # the same without a place that names the units' parent
            found = self._found([self._exact(r, scope, tails=False)
                                 for m in meanings for r in self._unqualified(m) if r])
        if found is not None and found.kind is not MatchKind.NONE:
            return found
        return self._guess(meanings, scope, near=found.candidates if found else ())

    def _found(self, answers: list[Match | None]) -> Match | None:
        """One answer of several readings: the unit all that found one agree on; ambiguous when
        they name different units; None when none found anything."""
        units = {a.unit.code: a for a in answers if a is not None and a.kind is MatchKind.EXACT}
        ambiguous = any(a is not None and a.kind is MatchKind.AMBIGUOUS for a in answers)
        if len(units) == 1 and not ambiguous:
            return next(iter(units.values()))
        candidates = {u.code: u for a in answers if a is not None
                      for u in (a.candidates or ((a.unit,) if a.unit else ()))}
        if len(units) > 1 or ambiguous:
            return self._ambiguous(candidates)
        if candidates:  # a level that disagrees: nothing credited, the units shown
            return Match(MatchKind.NONE, candidates=self._sorted(candidates))
        return None

    def _exact(self, typed: tuple[str, ...], scope: frozenset[str] | None,
               tails: bool) -> Match | None:
        """The first step, strict to loose, that finds the name: a unit, ambiguous, or (level
        disagreeing) NONE with candidates; None when no step finds it."""
        exact = self._full.exact.get(_key(typed))
        if exact:
            return self._decide(exact, exact, scope, tails)
        core = _core(typed, self._places)
        level, place = level_and_place(core)
        found, near = self._core.find(_key(core))
        if found:
            return self._decide(found, near if not level else found, scope, tails)
        others: set[str] = set()
        place_key = _key(place)
        found, near = self._place.find(place_key)
        if level:  # a level typed must be the unit's: the others are only candidates
            agreeing = {c for c in found if level in self._levels[c]}
            others = found - agreeing
            found = near = agreeing
        elif found:  # a place alone may also be a unit's name with its last letter left off
            near = near | self._lettered.exact.get(place_key, _NONE) | self._lettered.ending(place_key)
        elif tails and scope is not None:  # the end of one expected unit's name
            ending = self._place.ending(place_key) & scope
            if len(ending) == 1:
                return self._unit(ending)
        if found:
            return self._decide(found, near, scope, tails)
        # syllables typed without marks, as telex/VNI, or with a doubled letter
        skel = tuple(map(skeleton, core))
        skel_place = _key(skel[len(core) - len(place):])
        agreeing = {n.code for n in self._skel.get(_key(skel), ()) if all_agree(core, n.core)}
        if not agreeing:
            fits = {n.code for n in self._skel_place.get(skel_place, ()) if all_agree(place, n.place)}
            agreeing = {c for c in fits if not level or level in self._levels[c]}
            others |= fits - agreeing
        if agreeing:
            near = agreeing if level else agreeing | self._skel_ends.ending(skel_place)
            return self._decide(agreeing, near, scope, tails)
        if others:
            return Match(MatchKind.NONE, candidates=self._sorted(others))
        return None

    def _decide(self, exact: set[str], near: set[str], scope: frozenset[str] | None,
                tails: bool) -> Match:
        if scope is not None:
            fits = near & scope
            if fits and (exact & scope or tails):
                return self._unit(fits)
        return self._unit(near)

    def _unit(self, codes: set[str]) -> Match:
        if len(codes) == 1:
            return Match(MatchKind.EXACT, self._by_code[next(iter(codes))])
        return self._ambiguous(codes)

    def _unqualified(self, typed: tuple[str, ...]) -> list[tuple[str, ...]]:
        """``typed`` (words with their breaks) without trailing places that name the units'
        parent ("... - Hà Nội", "... thuộc phường Khương Đình", "... UBND phường Khương Đình"),
        and without only the place where the level word belongs to the name ("Văn phòng ...
        phường [Khương Đình]"); as compared."""
        out: list[tuple[str, ...]] = []
        words_ = typed
        while words_:
            while words_ and words_[-1] == BREAK:
                words_ = words_[:-1]
            for level, place, needs_break in self._parents.get(skeleton(words_[-1]) if words_ else "", ()):
                if len(words_) <= len(place) or not fits(words_[-len(place):], place):
                    continue
                cut = len(words_) - len(place)
                keep_level = None
                if level and cut > len(level) and fits(words_[cut - len(level):cut], level):
                    keep_level = words_[:cut]
                    cut -= len(level)
                if cut > len(_UBND) and fits(words_[cut - len(_UBND):cut], _UBND):
                    cut -= len(_UBND)
                if cut > 1 and fits(words_[cut - 1:cut], _OF):
                    cut -= 1
                elif needs_break and words_[cut - 1] != BREAK:
                    continue
                if keep_level is not None and not needs_break:
                    out.append(compared(keep_level))  # the level word kept
                words_ = words_[:cut]
                out.append(compared(words_))
                break
            else:
                return out
        return out

    # --- guesses for staff ----------------------------------------------------------------------
    def _guess(self, meanings: list[tuple[str, ...]], scope: frozenset[str] | None,
               near: Sequence[Unit]) -> Match:
        if near:  # a level that disagrees: those units are the candidates, nothing is guessed
            return Match(MatchKind.NONE, candidates=tuple(near))
        for typed in meanings:
            for words_ in (compared(typed), *self._unqualified(typed)):
                core = _core(words_, self._places)
                if not _says_something(core):
                    continue
                guess = self._begins(core, scope) or self._one_letter_off(core, scope)
                if guess is not None:
                    return guess
        return Match(MatchKind.NONE)

    def _begins(self, core: tuple[str, ...], scope: frozenset[str] | None) -> Match | None:
        """A shortened name: the first words of one unit's name ("Sở Giáo dục")."""
        if self._prefixes is None:
            keyed = sorted({(_key(n.core), n.code) for n in self._names}
                           | {(_key(n.full), n.code) for n in self._names})
            self._prefixes = [k for k, _ in keyed], [c for _, c in keyed]
            self._core_keys = {}
            for name in self._names:  # (a unit's first name, for a guess's score)
                self._core_keys.setdefault(name.code, _key(name.core))
        keys, codes = self._prefixes
        start = _key(core) + " "
        found = {codes[i] for i in range(bisect_left(keys, start), bisect_left(keys, start[:-1] + "!"))}
        return self._one_guess(found, scope, lambda code: fuzz.ratio(_key(core), self._core_keys[code]))

    def _one_letter_off(self, core: tuple[str, ...], scope: frozenset[str] | None) -> Match | None:
        """One syllable with one letter dropped, added or changed ("Kim Gang", "Sóc Sơ"); never
        a number or a single letter, every other syllable the same."""
        skel = tuple(map(skeleton, core))
        one_off = self._one_off.get(len(skel))
        if one_off is None:  # made for names of this many words when first asked
            one_off = self._one_off[len(skel)] = defaultdict(list)
            for name in self._names:
                if len(name.skel) == len(skel):
                    for i in range(len(name.skel)):
                        one_off[(i, _key((*name.skel[:i], "*", *name.skel[i + 1:])))].append(name)
        found: dict[str, float] = {}
        for i, word in enumerate(skel):
            if len(word) < 2 or word.isdigit():
                continue
            for name in one_off.get((i, _key((*skel[:i], "*", *skel[i + 1:]))), ()):
                theirs = name.skel[i]
                if (len(theirs) >= 2 and not theirs.isdigit() and Levenshtein.distance(word, theirs) == 1
                        and all_agree(core[:i] + core[i + 1:], name.core[:i] + name.core[i + 1:])):
                    found[name.code] = max(found.get(name.code, 0.0), fuzz.ratio(_key(skel), _key(name.skel)))
        if not found:
            return None
        ranked = sorted(found.items(), key=lambda item: -item[1])
        best, score = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if score < self.threshold or score - runner_up < self.margin:
            return Match(MatchKind.NONE, candidates=self._sorted(dict(ranked[:MAX_CANDIDATES])))
        return Match(MatchKind.FUZZY, self._by_code[best], score=round(score, 1))

    def _one_guess(self, found: set[str], scope: frozenset[str] | None,
                   score: Callable[[str], float]) -> Match | None:
        if scope is not None and found & scope:
            found = found & scope
        if len(found) == 1:
            code = next(iter(found))
            return Match(MatchKind.FUZZY, self._by_code[code], score=round(score(code), 1))
        if found:
            return Match(MatchKind.NONE, candidates=self._sorted(found)[:MAX_CANDIDATES])
        return None

    def _sorted(self, codes: Iterable[str]) -> tuple[Unit, ...]:
        return tuple(sorted((self._by_code[c] for c in codes), key=lambda u: u.code))

    def _ambiguous(self, codes: Iterable[str]) -> Match:
        return Match(MatchKind.AMBIGUOUS, candidates=self._sorted(codes), score=0.0)


def _says_something(core: tuple[str, ...]) -> bool:
    """More than an organisation or a level word: "Hội" or "Phường" alone begins many names."""
    return bool(core) and _key(core) not in _BARE_WORDS


_BARE_WORDS = {_key(w) for w in (*ORGANISATION, *LEVEL_WORDS)}
_LEVEL_STARTS = {skeleton(level[0]) for level in LEVEL_WORDS}

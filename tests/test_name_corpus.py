"""The name corpus of issue 18: names typed as people in Vietnamese offices type them, matched
against two rosters (Hà Nội's 126 communes and wards after 1 July 2025 with city departments,
schools and hospitals that share their names; a ward's own units and residential groups 1-21).

Each row of ``tests/names/typed.csv`` says which unit a careful clerk who knows the roster would
credit, or nothing when the name does not identify exactly one unit (then staff decide). The test
fails on any name credited to a unit it does not mean, and when fewer than 85% of the names that
have a right answer are credited to it. ``python tests/test_name_corpus.py`` prints the table per
class of typing (docs/vietnamese.md quotes it).

The rosters: the 126 names are those of the Standing Committee's resolution of June 2025 on Hà
Nội's commune-level units (in force 1 July 2025); Hà Nội's military command is the Bộ Tư lệnh Thủ
đô, so that is its name here. ``note`` in typed.csv says why when the answer is not obvious; a
former district, town or ward typed for the new unit of the same name is never an exact match, so
its answer is empty (staff decide).
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from collections import Counter
from pathlib import Path

if __name__ == "__main__":  # run as a script from anywhere
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync.config import Matching
from sync.rules import matching
from sync.rules.models import MatchKind, Unit

NAMES = Path(__file__).parent / "names"
ROSTERS = ("hanoi", "ward")
CLASSES = ("exact", "accents", "case_space_punct", "abbreviation", "and_ampersand", "label",
           "shortened", "level_right", "level_wrong", "no_level", "typo", "near_miss",
           "other_unit", "ambiguous")
# the match kinds that credit a unit (turn its status green)
CREDITING = frozenset(getattr(matching, "CREDITING",
                              {MatchKind.EXACT, MatchKind.SETTLED, MatchKind.FUZZY}))
RECALL_NEEDED = 0.85
# [matching] places of each office's config: the parents its units may add after their names
# that the roster does not show (the ward's former district, the city)
PLACES = {"hanoi": (), "ward": ("quận Thanh Xuân", "Hà Nội")}
OUTCOMES = ("right", "wrong", "missed", "unmatched_ok")
GUESSES = ("guess_right", "guess_wrong")  # not credited, shown to staff as "đoán ..."


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_roster(name: str) -> list[Unit]:
    return [Unit(code=r["code"], name=r["name"], group=r["group"],
                 aliases=tuple(a.strip() for a in r["aliases"].split(";") if a.strip()),
                 row=n)
            for n, r in enumerate(_read(NAMES / f"roster_{name}.csv"), start=2)]


def scope_codes(scope: str, units: list[Unit]) -> frozenset[str] | None:
    """A campaign's expected units: each "|"-separated part is a group name or a unit code;
    empty means everyone (no scope passed, as a campaign without targets)."""
    parts = [p.strip() for p in scope.split("|") if p.strip()]
    if not parts:
        return None
    codes = {u.code for u in units}
    found: set[str] = set()
    for part in parts:
        in_group = {u.code for u in units if u.group == part}
        if not in_group and part not in codes:
            raise ValueError(f"typed.csv: scope {scope!r}: {part!r} is neither a group nor a code")
        found |= in_group or {part}
    return frozenset(found)


def run_corpus() -> tuple[Counter, list[dict[str, str]]]:
    """(counts by (class, outcome), the wrong credits)."""
    rosters = {name: load_roster(name) for name in ROSTERS}
    config = Matching()  # the defaults of [matching], passed as a cycle passes them
    matchers = {name: matching.matcher_for(units, config.fuzzy_threshold, config.fuzzy_margin,
                                           places=PLACES[name])
                for name, units in rosters.items()}
    counts: Counter = Counter()
    wrong: list[dict[str, str]] = []
    for n, row in enumerate(_read(NAMES / "typed.csv"), start=2):
        units = rosters[row["roster"]]
        expected = row["expected"]
        if expected and expected not in {u.code for u in units}:
            raise ValueError(f"typed.csv row {n}: {expected!r} is not on roster {row['roster']}")
        found = matchers[row["roster"]].match(row["typed"], expected=scope_codes(row["scope"], units))
        got = found.unit.code if found.kind in CREDITING and found.unit is not None else ""
        if got and got == expected:
            outcome = "right"
        elif got:
            outcome = "wrong"
            wrong.append({**row, "got": got, "kind": str(found.kind), "score": f"{found.score:g}"})
        elif expected:
            outcome = "missed"
        else:
            outcome = "unmatched_ok"
        counts[row["cls"], outcome] += 1
        if found.kind is MatchKind.FUZZY and found.kind not in CREDITING:  # shown to staff
            counts[row["cls"], "guess_right" if found.unit.code == expected else "guess_wrong"] += 1
    return counts, wrong


def table(counts: Counter) -> tuple[str, Counter]:
    head = (f"{'class':18} {'names':>5} {'right':>5} {'wrong':>5} {'missed':>6} {'unmatched ok':>12}"
            f" {'guessed right/wrong':>20}")
    lines = [head, "-" * len(head)]
    total: Counter = Counter()
    for cls in [*CLASSES, "total"]:
        if cls == "total":
            row = total
            lines.append("-" * len(head))
        else:
            row = Counter({o: counts[cls, o] for o in (*OUTCOMES, *GUESSES)})
            total.update(row)
        guessed = f"{row['guess_right']}/{row['guess_wrong']}"
        lines.append(f"{cls:18} {sum(row[o] for o in OUTCOMES):5} {row['right']:5} {row['wrong']:5} "
                     f"{row['missed']:6} {row['unmatched_ok']:12} {guessed:>20}")
    return "\n".join(lines), total


def _with_answer() -> int:
    return sum(1 for r in _read(NAMES / "typed.csv") if r["expected"])


def report(counts: Counter, wrong: list[dict[str, str]]) -> str:
    text, total = table(counts)
    having = _with_answer()
    lines = [text, "",
             f"credited to the right unit: {total['right']} of {having} names that have one "
             f"({total['right'] / having:.1%}; needed {RECALL_NEEDED:.0%})",
             f"credited to a wrong unit: {total['wrong']} of {sum(total[o] for o in OUTCOMES)} names",
             f"guesses shown to staff (credited to no unit): {total['guess_right']} right, "
             f"{total['guess_wrong']} wrong"]
    if wrong:
        lines.append("")
        lines.append("wrong credits (roster | typed | expected | got | kind score | class):")
        for w in wrong:
            lines.append(f"  {w['roster']} | {w['typed']} | {w['expected'] or '(none)'} | "
                         f"{w['got']} | {w['kind']} {w['score']} | {w['cls']}")
    return "\n".join(lines)


def test_corpus_is_well_formed():
    rows = _read(NAMES / "typed.csv")
    assert len(rows) >= 400
    for name in ("typed.csv", "roster_hanoi.csv", "roster_ward.csv"):
        text = (NAMES / name).read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), name
    by_class = Counter(r["cls"] for r in rows)
    assert set(by_class) == set(CLASSES)
    assert min(by_class.values()) >= 15
    for cls in ("near_miss", "level_wrong", "abbreviation", "typo"):
        assert by_class[cls] >= 40, cls
    hanoi = load_roster("hanoi")
    assert Counter(u.group for u in hanoi)["Phường"] == 51
    assert Counter(u.group for u in hanoi)["Xã"] == 75
    ward = load_roster("ward")
    assert [u.code for u in ward if u.group == "Tổ dân phố"] == [f"TDP{i:02}" for i in range(1, 22)]


def test_no_wrong_credit_and_recall():
    counts, wrong = run_corpus()
    text = report(counts, wrong)
    right = sum(counts[c, "right"] for c in CLASSES)
    if wrong:
        raise AssertionError(f"{len(wrong)} names credited to a unit they do not mean:\n{text}")
    if right < RECALL_NEEDED * _with_answer():
        raise AssertionError(f"too few names credited to the right unit:\n{text}")


if __name__ == "__main__":
    print(report(*run_corpus()))

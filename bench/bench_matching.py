"""How long matching the unit names of a responses tab takes, with and without campaign scope.

Baseline, measured in the same run: normalising each typed name once (``typed_key``: NFC, case,
tone style, punctuation), the floor any matcher pays. Names are the demo roster's, each typed in
one of the ways a unit would (as on the roster, bare place name, accents dropped, abbreviated, a
doubled letter), so many reach the looser keys and the typos the fuzzy guess; names repeat as
they do in a tab (the matcher caches per name, like in a cycle). Prints times per 1,000 rows.

    python bench/bench_matching.py [--names 1000 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_seconds  # noqa: E402

from sync.demo import roster  # noqa: E402
from sync.rules.matching import Matcher, typed_key  # noqa: E402
from sync.rules.models import MatchKind, Unit  # noqa: E402
from sync.rules.text import strip_accents  # noqa: E402


def typed_names(units: list[Unit], count: int, rng: random.Random) -> list[str]:
    """``count`` texts, as units type them."""
    out: list[str] = []
    while len(out) < count:
        name = rng.choice(units).name
        words = name.split(" ")
        kind = rng.randrange(5)
        if kind == 0:
            text = " ".join(words[2:]) if len(words) > 3 else name  # "UBND phường X" -> "X"
        elif kind == 1:
            text = strip_accents(name)
        elif kind == 2:
            text = name.replace("Ủy ban nhân dân", "UBND").replace("phường", "P.")
        elif kind == 3:
            i = rng.randrange(len(name))
            text = name[:i] + name[i:i + 1] * 2 + name[i + 1:]  # a doubled letter
        else:
            text = name
        out.append(text)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    units = [Unit(code, name, group, aliases=tuple(a for a in [aliases] if a))
             for code, name, group, _, aliases in roster()]
    wards = [u.code for u in units if u.group == "Phường"]
    print(f"roster: {len(units)} units; per 1,000 rows (median of {args.repeat})")
    print(f"{'rows':>7} {'distinct':>8} {'baseline':>10} {'match':>10} {'ratio':>7} {'scoped':>10} {'ratio':>7}"
          f"  exact/fuzzy/ambiguous/none")
    for count in args.names:
        names = typed_names(units, count, random.Random(20261129))
        base = median_seconds(lambda names=names: [typed_key(n) for n in names], args.repeat)
        plain = median_seconds(lambda names=names: _match_all(units, names, None), args.repeat)
        scoped = median_seconds(lambda names=names: _match_all(units, names, wards), args.repeat)
        kinds = [m.kind for m in _match_all(units, names, None)]
        tally = "/".join(str(kinds.count(k)) for k in (MatchKind.EXACT, MatchKind.FUZZY,
                                                         MatchKind.AMBIGUOUS, MatchKind.NONE))
        per = 1000 / count
        print(f"{count:>7} {len(set(names)):>8} {base * per * 1000:>8.1f}ms {plain * per * 1000:>8.1f}ms "
              f"{plain / base:>7.1f} {scoped * per * 1000:>8.1f}ms {scoped / base:>7.1f}  {tally}")


def _match_all(units: list[Unit], names: list[str], expected: list[str] | None):
    matcher = Matcher(units)  # built once per cycle, like the cycle does
    return [matcher.match(n, expected) for n in names]


if __name__ == "__main__":
    main()

"""Profile the cycle compute (parse, match, evaluate, plan; no I/O) on the scale workload.

    python bench/profile_compute.py [--rows 20000] [--units 5000] [--top 30] [--sort tottime]
    python bench/profile_compute.py --rows 100000 --phases     # time per part, no profiler

Builds the workload of ``bench_scale.py``, reads it once, then runs ``read_state`` +
``plan_writes`` on the books in memory under cProfile and prints the top functions. Used to
find the hot spots recorded in docs/performance.md; times under the profiler are inflated.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import workload  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    parser.add_argument("--phases", action="store_true",
                        help="process time of each part of the compute (median of 3), no profiler")
    args = parser.parse_args()

    from sync.backends.local import LocalWorkbookBackend
    from sync.config import load_config
    from sync.cycle import plan_writes, read_state
    from sync.rules.timeparse import parse_moment

    with tempfile.TemporaryDirectory() as tmp:
        config_path = workload.build(Path(tmp) / "w", args.rows, args.units)
        config = load_config(config_path)
        books = {"": LocalWorkbookBackend(config.resolve(config.backend.workbook)).read("")}

    now = parse_moment(workload.NOW, config.tz).at
    if args.phases:
        phases(config, books, now, args)
        return
    profile = cProfile.Profile()
    t0 = time.perf_counter()
    profile.enable()
    state = read_state(config, workload.InMemory(books), now)
    plan_writes(config, state)
    profile.disable()
    print(f"# {args.rows:,} responses x {args.units:,} units: {time.perf_counter() - t0:.2f} s "
          "under cProfile")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


def phases(config, books, now, args) -> None:
    """The compute cut where it grows differently: with the roster, with the responses."""
    import statistics

    from sync.cycle import OWNED_RESPONSE_COLUMNS, plan_writes, read_state
    from sync.gc_pause import gc_paused
    from sync.rules import views
    from sync.rules.evaluate import evaluate_campaign, expected_units
    from sync.rules.matching import matcher_for
    from sync.rules.parse import parse_responses, parse_roster
    from sync.rules.plan import plan_row_columns

    book, clock = books[""], time.process_time
    runs: dict[str, list[float]] = {}
    for _ in range(3):
        with gc_paused():
            t = clock()
            units, _ = parse_roster(book.find_tab(config.tabs.roster))
            matcher = matcher_for(units)  # as the cycle: the roster's, kept after the first run
            runs.setdefault("roster + matcher (per unit)", []).append(clock() - t)
            state = read_state(config, workload.InMemory(books), now)
            parse = evaluate = columns = 0.0
            for campaign in state.campaigns:
                tab = book.find_tab(campaign.responses_tab)
                scope = frozenset(u.code for u in expected_units(campaign, units))
                t = clock()
                responses, _ = parse_responses(tab, campaign, config.tz, config.order,
                                               OWNED_RESPONSE_COLUMNS,
                                               match=matcher.scoped(scope))
                t1 = clock()
                result = evaluate_campaign(campaign, units, responses, state.exemptions, now)
                t2 = clock()
                plan_row_columns(tab, OWNED_RESPONSE_COLUMNS, responses.rows,
                                 views.response_columns(result.rows))
                t3 = clock()
                parse, evaluate, columns = parse + t1 - t, evaluate + t2 - t1, columns + t3 - t2
            t = clock()
            plan_writes(config, state)
            whole_plan = clock() - t
        runs.setdefault("parse + match (per response)", []).append(parse)
        runs.setdefault("evaluate (per response and unit)", []).append(evaluate)
        runs.setdefault("plan: the response columns (per response)", []).append(columns)
        runs.setdefault("plan: the staff tabs (per unit x campaign)", []).append(whole_plan - columns)
    print(f"# {args.rows:,} responses x {args.units:,} units: process time, median of 3")
    for name, values in runs.items():
        print(f"{name:<48} {statistics.median(values):6.3f} s")


if __name__ == "__main__":
    main()

"""How fast is the figures step at 100,000 responses from 5,000 units?

Measures, in the same run and on the same machine, on the same numbers:

* ours: ``figure_table`` on the evaluated table (100,000 UnitStatus: 20 campaigns x 5,000 units,
  two figures each, one a sum and one a mean) -> per unit, subtotals per unit group, total,
  coverage; then the "Số liệu" tab's rows (``views.figures_rows``);
* baseline: a bare pandas pivot of the same values plus one group-by sum per unit group and a
  total: what any pandas user would write, without coverage, ways or empty-vs-zero. Measured two
  ways: from the evaluated table (records taken from the same UnitStatus objects, then pivot:
  the like-for-like comparison, both start from the cycle's data) and from a ready DataFrame
  (pandas alone, the floor).

Also shown, not in the ratio: reading the 200,000 typed answers as numbers (``read_figures``),
which the cycle does once per counted response during evaluation.

Prints the median of a few repeats and the ratio (goal: ours within 2x the baseline).

    python bench/bench_figures.py [--units 5000] [--campaigns 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pandas as pd  # noqa: E402
from timing import median_seconds  # noqa: E402

from sync.rules.figure_table import figure_table  # noqa: E402
from sync.rules.figures import parse_figure_specs, read_figures  # noqa: E402
from sync.rules.models import Campaign, Response, Status, Unit, UnitStatus  # noqa: E402
from sync.rules.numbers import vn_number  # noqa: E402
from sync.rules.views import figures_rows  # noqa: E402

GROUPS = ["Phường", "Trường", "Phòng ban", "Đoàn thể", "Khối Đảng"]
SPEC = "Số thu (triệu đồng): tổng; Tỷ lệ (%): trung bình"


def build(units: int, campaigns: int, seed: int = 7):
    rng = random.Random(seed)
    roster = [Unit(f"U{i:05d}", f"Đơn vị {i}", GROUPS[i % len(GROUPS)]) for i in range(units)]
    specs = tuple(parse_figure_specs(SPEC))
    camps = [Campaign(f"C{c:02d}", f"Đợt {c}", "r", unit_question="Tên đơn vị", figures=specs)
             for c in range(campaigns)]
    statuses, answers = [], []
    for campaign in camps:
        for unit in roster:
            money, rate = round(rng.uniform(100, 50_000), 1), round(rng.uniform(40, 90), 1)
            typed = {specs[0].question: vn_number(money, 1), specs[1].question: f"{vn_number(rate, 1)}%"}
            answers.append(typed)
            response = Response(campaign.code, 2, None, unit.name, typed)
            statuses.append(UnitStatus(campaign, unit, Status.ON_TIME, None, counted=response,
                                       figures=((specs[0].question, money), (specs[1].question, rate))))
    return roster, camps, statuses, answers


def ours(statuses, campaigns):
    return figure_table(statuses, campaigns)


def ours_with_rows(statuses, campaigns):
    table = figure_table(statuses, campaigns)
    return figures_rows(table, statuses)


def records_of(statuses) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [(s.unit.code, f"{s.campaign.code}: {q}", v) for s in statuses for q, v in s.figures],
        columns=["unit", "column", "value"])


def baseline_from_statuses(statuses, groups: pd.Series):
    return baseline(records_of(statuses), groups)


def baseline(records: pd.DataFrame, groups: pd.Series):
    wide = records.pivot(index="unit", columns="column", values="value")
    by_group = wide.groupby(groups.reindex(wide.index)).sum()
    return by_group, wide.sum()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--campaigns", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    roster, campaigns, statuses, answers = build(args.units, args.campaigns)
    records = records_of(statuses)
    groups = pd.Series({u.code: u.group for u in roster})
    specs = campaigns[0].figures
    floor = median_seconds(lambda: baseline(records, groups), args.repeat)
    base = median_seconds(lambda: baseline_from_statuses(statuses, groups), args.repeat)
    mine = median_seconds(lambda: ours(statuses, campaigns), args.repeat)
    with_rows = median_seconds(lambda: ours_with_rows(statuses, campaigns), args.repeat)
    parse = median_seconds(lambda: [read_figures(specs, a) for a in answers], 1)
    # the same numbers: our total equals the bare pivot's
    table = figure_table(statuses, campaigns)
    _, bare_total = baseline(records, groups)
    header = campaigns[0].figures[0].question
    assert abs(table.total.values[f"C00: {header}"] - bare_total[f"C00: {header}"]) < 1e-3
    print(f"responses {len(statuses):,} x units {args.units:,} "
          f"({args.campaigns} campaigns, 2 figures each)")
    print(f"baseline: records from the statuses + bare pivot + group-by sum  {base:7.3f} s")
    print(f"ours: figure_table (the figures step)                          {mine:7.3f} s   "
          f"ratio {mine / base:5.2f}")
    print(f"ours + the 'Số liệu' tab's rows (views.figures_rows)           {with_rows:7.3f} s   "
          f"ratio {with_rows / base:5.2f}")
    print(f"floor: bare pivot + group-by sum of a ready DataFrame          {floor:7.3f} s   "
          f"(ours / floor {mine / floor:5.2f})")
    print(f"reading {2 * len(answers):,} typed answers as numbers (read_figures)  {parse:7.3f} s   "
          "(in evaluation, not in the ratios)")


if __name__ == "__main__":
    main()

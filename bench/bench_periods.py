"""How fast is a repeating campaign evaluated period by period (issue 22)?

Workload: one monthly campaign, 24 periods (Tháng 1/2022 to Tháng 12/2023) x 126 wards x 20
figures: 3,024 responses on one form's tab, plus a few resubmissions (a figure corrected the next
day), 10% late; "Kỳ báo cáo" typed as clerks type it ("Tháng 6/2023",
"T6-2023", "06/2023"). Measured at 20/12/2023 10:00 (the current period: Tháng 12/2023).

Measures, in the same run and on the same books (CPU time, ``time.process_time``, median of
``--repeat``):

* ours, **what a sync computes** (the ratio against the goal): ``sync.cycle.read_state`` (parse,
  match, assign each response its period, evaluate every period on its own: ``State.periodic``)
  then ``plan_writes`` on the books already read (no I/O), a first cycle, every tab to write:
  the responses tab's verdicts, the status tab, "Số liệu" with the current period's figures and
  its comparisons with the period before and the same period a year before
  (``sync.rules.compare``: totals, groups, per unit), "Theo kỳ", "Tỷ lệ báo cáo";
* also shown, what no sync does: every one of the 24 periods' figure tables and comparisons
  (``figure_table`` and ``compare`` per period), and where the time goes;
* baseline: pandas doing the history's arithmetic directly on the tab's values: the period from
  the "Kỳ báo cáo" column (one regex), the unit by its name (a dict), on time against each
  period's deadline, the last response per unit and period, the figures per unit and period,
  per-period sums, the change from the period before and from a year before (totals and per
  unit), and the missing units of each period.

Prints both, the ratio and the goal (within 5x of pandas: docs/performance.md).

    python bench/bench_periods.py [--wards 126] [--periods 24] [--figures 20] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
from timing import median_seconds  # noqa: E402
from workload import InMemory  # noqa: E402

from sync.backends.local import LocalWorkbookBackend  # noqa: E402
from sync.config import load_config  # noqa: E402
from sync.cycle import plan_writes, read_state  # noqa: E402
from sync.demo import CONFIG_TEMPLATE  # noqa: E402
from sync.rules import headers as H  # noqa: E402
from sync.rules.compare import compare  # noqa: E402
from sync.rules.figure_table import figure_table  # noqa: E402
from sync.rules.timeparse import parse_moment  # noqa: E402

GOAL = 5.0
CODE, TAB = "TNS", "Câu trả lời biểu mẫu"
FIRST_YEAR = 2022
DEADLINE_DAY = 18  # "ngày 18 của tháng cuối kỳ"
PERIOD = "Kỳ báo cáo"
WORDS = ["An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Long", "Phước", "Thuận", "Hưng", "Mỹ",
         "Khánh", "Quang", "Đông"]
CAMPAIGN_HEADER = [H.CAMPAIGN_CODE, H.CAMPAIGN_TITLE, H.CAMPAIGN_TAB, H.CAMPAIGN_DEADLINE,
                   H.CAMPAIGN_TARGETS, H.CAMPAIGN_REQUIRED, H.CAMPAIGN_UNIT_QUESTION,
                   H.CAMPAIGN_RESUBMISSION, H.CAMPAIGN_FIGURES, H.CAMPAIGN_PERIOD_KIND,
                   H.CAMPAIGN_FIRST_PERIOD, H.CAMPAIGN_DEADLINE_RULE, H.CAMPAIGN_CUTOFF]


def ward_names(count: int) -> list[str]:
    """Distinct ward names of two words ("UBND phường Tân Phú"), then numbered ones."""
    pairs = [f"{a} {b}" for a in WORDS for b in WORDS if a != b]
    names = pairs[:count] + [f"Số {i}" for i in range(len(pairs), count)]
    return [f"UBND phường {n}" for n in names]


def figure_names(count: int) -> list[str]:
    return [f"Chỉ tiêu {i:02d} (triệu đồng)" for i in range(1, count + 1)]


def months(periods: int) -> list[tuple[int, int]]:
    return [(FIRST_YEAR + n // 12, n % 12 + 1) for n in range(periods)]


def moment(periods: int) -> str:
    """The bench's now: two days after the last period's deadline (it is the current one)."""
    year, month = months(periods)[-1]
    return f"{year}-{month:02d}-20T10:00"


def response_rows(wards: int, periods: int, figures: int, seed: int = 22) -> list[list]:
    """The responses tab (header first): every ward, every period, 10% late, 1% resubmitted
    the next day with corrected figures; nothing sent after the bench's now."""
    rng = random.Random(seed)
    header = ["Dấu thời gian", "Tên đơn vị", PERIOD, *figure_names(figures)]
    rows: list[list] = []
    names = ward_names(wards)
    end = datetime.fromisoformat(moment(periods)) - timedelta(hours=1)
    bases = [rng.uniform(500, 5_000) for _ in range(wards)]
    for n, (year, month) in enumerate(months(periods)):
        growth = 1.1 ** (n / 12)
        for w, name in enumerate(names):
            late = rng.random() < 0.10
            day = rng.randint(19, 30) if late else rng.randint(14, DEADLINE_DAY)
            sent = datetime(year, month, 1, rng.randint(7, 17), rng.randint(0, 59)) + timedelta(
                days=day - 1)
            if sent >= end:  # late for the current period: sent yesterday or this morning
                sent = end - timedelta(minutes=rng.randint(10, 20 * 60))
            label = rng.choice((f"Tháng {month}/{year}", f"Tháng {month}/{year}",
                                f"T{month}-{year}", f"{month:02d}/{year}"))
            values = [round(bases[w] * growth * rng.uniform(0.8, 1.2) / (f + 1), 1)
                      for f in range(figures)]
            if rng.random() < 0.01 and sent + timedelta(days=1) < end:
                rows.append([sent, name, label, *[v * 10 for v in values]])
                sent += timedelta(days=1)
            rows.append([sent, name, label, *values])
    rows.sort(key=lambda r: r[0])
    return [header, *rows]


def build(directory: Path, wards: int, periods: int, figures: int) -> Path:
    """A workspace (config.toml + tonghop.xlsx) holding the workload; returns the config path."""
    directory.mkdir(parents=True, exist_ok=True)
    out = openpyxl.Workbook(write_only=True)
    roster = out.create_sheet(H.ROSTER_TAB)
    roster.append([H.UNIT_CODE[0], H.UNIT_NAME[0], H.UNIT_GROUP[0], H.UNIT_ACTIVE[0]])
    for i, name in enumerate(ward_names(wards), 1):
        roster.append([f"P{i:03d}", name, "Phường", "Có"])
    campaigns = out.create_sheet(H.CAMPAIGNS_TAB)
    campaigns.append([names[0] for names in CAMPAIGN_HEADER])
    spec = "; ".join(f"{f}: tổng" for f in figure_names(figures))
    campaigns.append([CODE, "Báo cáo tình hình thu ngân sách tháng", TAB, None, "Phường",
                      figure_names(figures)[0], "Tên đơn vị", "Lấy bản mới nhất", spec, "Tháng",
                      f"Tháng 1/{FIRST_YEAR}", f"ngày {DEADLINE_DAY} của tháng cuối kỳ", None])
    exemptions = out.create_sheet(H.EXEMPTIONS_TAB)
    exemptions.append([H.EXEMPT_UNIT[0], H.EXEMPT_CAMPAIGN[0], H.EXEMPT_DEADLINE[0],
                       H.EXEMPT_FLAG[0], H.EXEMPT_REASON[0]])
    tab = out.create_sheet(TAB)
    for row in response_rows(wards, periods, figures):
        tab.append(row)
    out.save(directory / "tonghop.xlsx")
    config = directory / "config.toml"
    config.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    return config


# --- baseline: pandas doing the same arithmetic --------------------------------------------------
def baseline(values: list[list], codes: dict[str, str]) -> dict[str, pd.DataFrame]:
    """From the tab's values as read: per unit and period the last response's figures, per
    period their sums, the changes from the period before and a year before (totals and per
    unit), the late and missing units of each period."""
    frame = pd.DataFrame(values[1:], columns=values[0])
    figures = list(frame.columns[3:])
    found = frame[PERIOD].astype(str).str.extract(r"(\d{1,2})\D+(\d{4})").astype(int)
    frame["period"] = found[1] * 12 + found[0] - 1  # months since year 0
    frame["unit"] = frame["Tên đơn vị"].map(codes)
    stamps = pd.to_datetime(frame["Dấu thời gian"])
    deadline = pd.to_datetime(pd.DataFrame({"year": found[1], "month": found[0],
                                            "day": DEADLINE_DAY})) + pd.Timedelta(days=1)
    frame["late"] = stamps >= deadline
    last = (frame.assign(stamp=stamps).sort_values("stamp")
            .drop_duplicates(["unit", "period"], keep="last").set_index(["unit", "period"]))
    wide = last[figures].astype(float)
    totals = wide.groupby(level="period").sum().sort_index()
    full = totals.reindex(range(totals.index.min(), totals.index.max() + 1))
    previous, year_before = full.shift(1), full.shift(12)
    per_unit = wide.unstack("unit")
    grid = per_unit.reindex(range(per_unit.index.min(), per_unit.index.max() + 1))
    return {
        "totals": totals,
        "change_previous": (full - previous) / previous * 100,
        "change_year": (full - year_before) / year_before * 100,
        "unit_change_previous": grid - grid.shift(1),
        "unit_change_year": grid - grid.shift(12),
        "late": last.groupby(level="period")["late"].sum(),
        "missing": len(codes) - last.groupby(level="period").size(),
    }


def cpu_seconds(fn: Callable[[], object], repeat: int) -> float:
    """CPU time of ``fn()`` (this process), the median of ``repeat`` runs."""
    return median_seconds(fn, repeat, time.process_time)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wards", type=int, default=126)
    parser.add_argument("--periods", type=int, default=24)
    parser.add_argument("--figures", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config_path = build(Path(tmp) / "ws", args.wards, args.periods, args.figures)
        config = load_config(config_path)
        books = {"": LocalWorkbookBackend(config.resolve(config.backend.workbook)).read()}
    backend = InMemory(books)
    now = parse_moment(moment(args.periods), config.tz).at
    values = books[""].tabs[TAB].values
    codes = {name: f"P{i:03d}" for i, name in enumerate(ward_names(args.wards), 1)}
    # the first run of each in this process (a cron sync is a fresh process: cold caches)
    base_first = cpu_seconds(lambda: baseline(values, codes), 1)
    first = cpu_seconds(lambda: a_sync(config, backend, now), 1)
    base = cpu_seconds(lambda: baseline(values, codes), args.repeat)
    state = read_state(config, backend, now)
    history = state.periodic[CODE]
    _check(history, baseline(values, codes))
    print(f"{len(values) - 1:,} responses: {args.periods} monthly periods x {args.wards} wards x "
          f"{args.figures} figures (CPU time, median of {args.repeat})")
    print(f"baseline: pandas (period, last per unit, pivot, sums, changes)  {base:7.3f} s")
    cycle = cpu_seconds(lambda: a_sync(config, backend, now), args.repeat)
    print(f"ours, what a sync computes: read_state + plan_writes (every period evaluated, the "
          f"current one's figures and comparisons, every tab planned)  {cycle:7.3f} s   "
          f"ratio {cycle / base:5.2f}   (goal: within {GOAL:.0f}x)")
    print(f"  the first run of each in this process: ours {first:7.3f} s, pandas "
          f"{base_first:7.3f} s   ratio {first / base_first:5.2f}")
    # where the time goes
    evaluated = cpu_seconds(lambda: read_state(config, backend, now), args.repeat)
    print(f"  of which read_state (parse, match, {len(history.periods)} periods evaluated)  "
          f"{evaluated:7.3f} s")
    one = cpu_seconds(lambda: compare(history), args.repeat)
    print(f"  of which the current period's comparison (compare)          {one:7.3f} s")
    print(f"  of which plan_writes (figures, comparisons, tabs)           "
          f"{cycle - evaluated:7.3f} s")
    tables = cpu_seconds(lambda: [figure_table(history.statuses(p), [history.campaign])
                                  for p in history.periods], args.repeat)
    compared = cpu_seconds(lambda: [compare(history, p) for p in history.periods], args.repeat)
    print(f"no sync does this: the {len(history.periods)} periods' figure tables  {tables:7.3f} s "
          f"({tables / len(history.periods) * 1000:.1f} ms each), their comparisons  "
          f"{compared:7.3f} s ({compared / len(history.periods) * 1000:.1f} ms each); with "
          f"read_state  {evaluated + tables + compared:7.3f} s   ratio "
          f"{(evaluated + tables + compared) / base:5.2f}")


def a_sync(config, backend, now) -> dict:
    """What a sync computes: every period evaluated, then every tab planned (the first cycle on
    these books: the tool's tabs are new, every cell to write)."""
    return plan_writes(config, read_state(config, backend, now))


def _check(history, theirs: dict[str, pd.DataFrame]) -> None:
    """Both sides did the same work: the same periods, and the same total of the last one."""
    last = list(history.periods)[-1]
    assert len(history.periods) == len(theirs["totals"]), (len(history.periods), theirs["totals"])
    table = figure_table(history.statuses(last), [history.campaign])
    header = table.columns[0].header
    question = table.columns[0].spec.question
    ours_total = table.total.values[header]
    their_total = theirs["totals"].iloc[-1][question]
    assert abs(ours_total - their_total) < 1e-6 * max(1.0, abs(their_total)), (ours_total,
                                                                               their_total)


if __name__ == "__main__":
    main()

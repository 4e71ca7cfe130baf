"""How fast is the list of proposed commendations at 5,000 proposals?

Measures, in the same run and on the same machine:

* ours: 5,000 proposal lines typed into 100 units' responses -> parse, Vietnamese sort, context,
  sanitising, docxtpl render of templates/danh-sach-khen-thuong.docx, atomic save;
* baseline: a bare docxtpl render of a 5-column, 5,000-row table (one ``{%tr for %}`` row),
  saved the same way.

Prints the median of a few repeats of each and the ratio (goal: ours within 1.5x the baseline).

    python bench/bench_reports.py [--rows 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402

from reports.context import DraftKind, campaign_context  # noqa: E402
from reports.render import render  # noqa: E402
from sync import bundled  # noqa: E402
from sync.config import Config, Organization  # noqa: E402
from sync.cycle import State  # noqa: E402
from sync.demo import ACHIEVEMENTS, FAMILY, MEN, POSITIONS, WOMEN  # noqa: E402
from sync.rules.models import (  # noqa: E402
    Campaign,
    CycleRows,
    Response,
    Status,
    Unit,
    UnitStatus,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2023, 6, 20, 10, 0, tzinfo=TZ)
QUESTION = "Danh sách đề nghị khen thưởng"
FORMS = ["Giấy khen", "Giấy khen", "Giấy khen", "Bằng khen"]  # two lists, as in a real campaign
FEATS = [feat for feats in ACHIEVEMENTS.values() for feat in feats]
UNITS = 100


def person(rng: random.Random) -> str:
    middle, given = WOMEN if rng.random() < 0.5 else MEN
    return f"{rng.choice(FAMILY)} {rng.choice(middle)} {rng.choice(given)}"


def workload(rows: int, seed: int = 5000) -> tuple[Config, State]:
    """A campaign whose 100 units proposed ``rows`` people and collectives between them."""
    rng = random.Random(seed)
    campaign = Campaign("BENCH", "Đợt thử tốc độ", "Câu trả lời biểu mẫu 1", deadline=NOW)
    org = Organization(parent_body="UBND QUẬN THANH XUÂN", issuing_body="PHÒNG NỘI VỤ",
                       place="Thanh Xuân", symbol="NV", signer_name="Nguyễn Văn A",
                       signer_title="TRƯỞNG PHÒNG", recipients=["UBND quận"])
    config = Config(path=ROOT / "bench" / "config.toml", organization=org)
    statuses = []
    for u in range(UNITS):
        unit = Unit(f"U{u:03d}", f"Trường Tiểu học số {u + 1}", "Trường")
        lines = []
        for i in range(u, rows, UNITS):
            kind = "Tập thể" if i % 10 == 0 else "Cá nhân"
            name = f"Tổ dân phố số {i}" if kind == "Tập thể" else person(rng)
            lines.append(" | ".join([kind, name, rng.choice(POSITIONS), rng.choice(FORMS),
                                     rng.choice(FEATS)]))
        response = Response("BENCH", u + 2, NOW, unit.name, {QUESTION: "\n".join(lines)})
        statuses.append(UnitStatus(campaign, unit, Status.ON_TIME, NOW, NOW, responses=1,
                                   counted=response))
    state = State(now=NOW, books={}, units=[s.unit for s in statuses], campaigns=[campaign],
                  exemptions=[], statuses=statuses, rows=CycleRows(), problems=[])
    return config, state


def ours(config: Config, state: State, target: Path) -> None:
    context = campaign_context(config, state, state.campaigns[0], NOW)
    render(bundled.template(f"{DraftKind.PROPOSALS.value}.docx"), context, target)


def baseline_template(path: Path) -> None:
    doc = Document()
    table = doc.add_table(rows=1, cols=5)
    for cell, text in zip(table.rows[0].cells, "ABCDE", strict=True):
        cell.text = text
    for tag in ("{%tr for r in rows %}", None, "{%tr endfor %}"):
        cells = table.add_row().cells
        if tag:
            cells[0].text = tag
        else:
            for cell, key in zip(cells, "abcde", strict=True):
                cell.text = f"{{{{ r.{key} }}}}"
    doc.save(path)


def baseline(template: Path, rows: list[dict], target: Path) -> None:
    doc = DocxTemplate(template)
    doc.render({"rows": rows})
    doc.save(target)


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    config, state = workload(args.rows)
    rng = random.Random(1)
    plain_rows = [{"a": str(i), "b": person(rng), "c": rng.choice(POSITIONS),
                   "d": rng.choice(FORMS), "e": rng.choice(FEATS)}
                  for i in range(args.rows)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "baseline.docx"
        baseline_template(template)
        ours(config, state, folder / "warm.docx")  # imports, font caches
        ours_times, base_times = [], []
        for _ in range(args.repeat):  # interleaved, so a busy moment hurts both alike
            base_times.append(timed(baseline, template, plain_rows, folder / "baseline-out.docx"))
            ours_times.append(timed(ours, config, state, folder / "ours.docx"))
        size = (folder / "ours.docx").stat().st_size
        listed = sum(len(t.rows) for t in Document(folder / "ours.docx").tables)
    if listed < args.rows:  # a bench measuring an empty list would measure nothing
        raise SystemExit(f"the rendered list has {listed} table rows, expected {args.rows} or more")
    o, b = statistics.median(ours_times), statistics.median(base_times)
    print(f"rows: {args.rows}, repeats: {args.repeat} (median)")
    print(f"baseline  bare docxtpl, 5 columns x {args.rows} rows: {b:.3f} s")
    print(f"ours      list of {args.rows} proposals (7 columns, parse+sort+render): {o:.3f} s "
          f"({size / 1e6:.1f} MB)")
    print(f"ratio     {o / b:.2f}x (goal: at most 1.5x)")


if __name__ == "__main__":
    main()

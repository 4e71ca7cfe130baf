"""The figures across units against a plain pandas computation of the same table: random units,
groups, campaigns that expect different units, exempt units, missing numbers, every way of adding
up (sum, mean, min, max, count, rate of totals)."""

import random

import pandas as pd
import pytest

from sync.rules import headers as H
from sync.rules.figure_table import figure_table
from sync.rules.figures import Aggregate, FigureSpec
from sync.rules.models import Campaign, Status, Unit, UnitStatus

GROUPS = ("Phường", "Xã", "Trường học", "Khác")


def _campaign(code: str) -> Campaign:
    figures = (FigureSpec("Số thu (triệu đồng)"), FigureSpec("Số hộ", Aggregate.MEAN),
               FigureSpec("Thấp nhất", Aggregate.MIN), FigureSpec("Cao nhất", Aggregate.MAX),
               FigureSpec("Có số", Aggregate.COUNT),
               FigureSpec("Tỷ lệ (%)", Aggregate.RATIO, "Số thu (triệu đồng)"))
    return Campaign(code=code, title=code, responses_tab=code, figures=figures)


def _statuses(rng: random.Random) -> tuple[list[UnitStatus], list[Campaign]]:
    campaigns = [_campaign("A"), _campaign("B")]
    units = [Unit(f"U{i:02d}", f"Đơn vị {i}", rng.choice(GROUPS + ("",)))
             for i in range(rng.randint(0, 30))]
    statuses = []
    for campaign in campaigns:
        for unit in units:
            if rng.random() < 0.2:  # this campaign does not expect the unit
                continue
            given = {spec.question: round(rng.uniform(-50, 500), rng.choice((0, 1, 3)))
                     for spec in campaign.figures if rng.random() < 0.7}
            if "Tỷ lệ (%)" in given and rng.random() < 0.2:
                given["Tỷ lệ (%)"] = 0.0  # a rate of 0 has no estimate: out of the rate
            status = rng.choice((Status.ON_TIME, Status.LATE, Status.EXEMPT, Status.OVERDUE))
            statuses.append(UnitStatus(campaign, unit, status, None,
                                       figures=tuple(given.items())))
    return statuses, campaigns


def _oracle(statuses, campaigns):
    """(per unit frame, {line name: {header: (value, covered, expected)}}) by plain pandas."""
    rows = {}
    for s in statuses:
        row = rows.setdefault(s.unit.code, {"name": s.unit.name, "group": s.unit.group or "Khác"})
        for spec in s.campaign.figures:
            header = H.figure_col(s.campaign.code, spec.question)
            row[header] = dict(s.figures).get(spec.question, float("nan"))
            row[header + " owed"] = s.status is not Status.EXEMPT
    frame = pd.DataFrame.from_dict(rows, orient="index")
    lines = {}
    for name, part in [(f"{H.FIGURES_SUBTOTAL} {g}", frame[frame["group"] == g])
                       for g in dict.fromkeys(frame["group"])] if len(frame) else []:
        lines[name] = _line(part, campaigns)
    lines[H.FIGURES_TOTAL] = (_line(frame, campaigns) if len(frame) else  # nobody: no number
                              {H.figure_col(c.code, spec.question): (None, 0, 0)
                               for c in campaigns for spec in c.figures})
    return frame, lines


def _line(part: pd.DataFrame, campaigns):
    out = {}
    for campaign in campaigns:
        for spec in campaign.figures:
            header = H.figure_col(campaign.code, spec.question)
            column = part.get(header, pd.Series(dtype=float)).astype(float)
            owed = part.get(header + " owed", pd.Series(dtype=object)).fillna(False)
            if spec.aggregate is Aggregate.RATIO:
                amount = part[H.figure_col(campaign.code, spec.base)].astype(float)
                both = column.notna() & amount.notna() & (column != 0)
                value = (amount[both].sum() / (amount[both] / column[both] * 100).sum() * 100
                         if both.any() else None)
            elif column.count() == 0 and spec.aggregate is not Aggregate.COUNT:
                value = None
            else:
                value = {Aggregate.SUM: column.sum, Aggregate.MEAN: column.mean,
                         Aggregate.MIN: column.min, Aggregate.MAX: column.max,
                         Aggregate.COUNT: column.count}[spec.aggregate]()
            out[header] = (value, int(column.count()), int(owed.astype(bool).sum()))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_figure_table_equals_a_plain_pandas_computation(seed):
    statuses, campaigns = _statuses(random.Random(seed))
    table = figure_table(statuses, campaigns)
    frame, lines = _oracle(statuses, campaigns)
    assert list(table.units.index) == list(frame.index)
    assert [line.name for line in (*table.groups, table.total)] == list(lines)
    for line in (*table.groups, table.total):
        for header, (value, covered, expected) in lines[line.name].items():
            assert line.covered[header] == covered, (line.name, header)
            assert line.expected[header] == expected, (line.name, header)
            if value is None:
                assert line.values[header] is None, (line.name, header)
            else:
                assert line.values[header] == pytest.approx(value, abs=1e-6), (line.name, header)
    for header in (c.header for c in table.columns):
        ours = table.units[header]
        theirs = frame.get(header, pd.Series(index=frame.index, dtype=float)).astype(float)
        pd.testing.assert_series_equal(ours, theirs.reindex(ours.index), check_names=False,
                                       check_index_type=False)
    assert list(table.units["name"]) == list(frame["name"]) if len(frame) else True


def test_no_unit_no_number_and_an_empty_table():
    campaign = _campaign("A")
    table = figure_table([], [campaign])
    assert table.groups == [] and table.total.values == {c.header: None for c in table.columns}
    unit = Unit("U1", "Đơn vị 1", "Phường")
    table = figure_table([UnitStatus(campaign, unit, Status.OVERDUE, None)], [campaign])
    count = H.figure_col("A", "Có số")
    assert table.total.values[count] == 0.0  # a count of no number is 0, a sum of none is none
    assert table.total.values[H.figure_col("A", "Số thu (triệu đồng)")] is None
    assert table.total.expected[count] == 1 and table.total.covered[count] == 0

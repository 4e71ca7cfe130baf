"""What staff see of comparisons and reporting rates: columns for the "Số liệu" tab, rows for a
rates tab, and the records of ``status --json``.

The comparison columns are keyed like :func:`sync.rules.views.figures_rows` (unit code and name;
"Cộng <group>" and "TỔNG CỘNG" rows with no code), in the same row order, so they sit beside the
figures they compare. Headers do not name the periods (they would change every period and leave
old columns behind): the note column does. Percentages are fractions (0.125) under a percent
format; one against 0 is said in words, never shown as infinite. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sync.rules import headers as H
from sync.rules.book import Cell
from sync.rules.compare import Against, Aggregated, Change, Comparison, Missing, Versus
from sync.rules.figure_table import FigureTable
from sync.rules.plan import Table
from sync.rules.rates import Rate, Rates
from sync.rules.views import DECIMAL_FORMAT

COMPARE_NOTE = "Ghi chú so sánh"
PERCENT_FORMAT = "+0.0%;-0.0%;0.0%"
RATE_FORMAT = "0.0%"
AGAINST_ZERO = "không tính được (kỳ so sánh bằng 0)"
_SHORT = {Against.PREVIOUS: "kỳ trước", Against.YEAR_BEFORE: "cùng kỳ"}


def value_col(figure_header: str, which: Against) -> str:
    """"NSNN: Số thu (triệu đồng) - kỳ trước", "... - cùng kỳ năm trước"."""
    return f"{figure_header} - {which.words}"


def percent_col(figure_header: str, which: Against) -> str:
    """"NSNN: Số thu (triệu đồng) - % so với kỳ trước", "... - % so với cùng kỳ"."""
    return f"{figure_header} - % so với {_SHORT[which]}"


def comparison_headers(comparisons: Sequence[Comparison]) -> list[str]:
    """The columns after the figures: per figure, previous value, %, last year's value, %;
    then the note; none when no campaign has a figure to compare."""
    out = []
    for comparison in comparisons:
        for figure in comparison.figures:
            for which in Against:
                out += [value_col(figure.column.header, which),
                        percent_col(figure.column.header, which)]
    return [*out, COMPARE_NOTE] if out else []


def comparison_formats(formats: Mapping[str, str],
                       comparisons: Sequence[Comparison]) -> dict[str, str]:
    """The reference values take their figure's format (``formats``, the figures' own:
    ``views.figures_formats``); the percentages a signed percent."""
    out = {}
    for comparison in comparisons:
        for figure in comparison.figures:
            for which in Against:
                header = figure.column.header
                out[value_col(header, which)] = formats.get(header, DECIMAL_FORMAT)
                out[percent_col(header, which)] = PERCENT_FORMAT
    return out


def comparison_columns(table: FigureTable, comparisons: Sequence[Comparison]) -> Table:
    """For the "Số liệu" tab's rows (``table``: the tab's figures, every campaign), column by
    column: the code and name keys, then :func:`comparison_headers`. A unit a comparison does not
    cover has empty cells; a reference value is shown for a unit even when it is not compared
    (its % is then empty). Nothing when no comparison has a figure."""
    if not any(c.figures for c in comparisons):  # no column at all: not even keys that would
        return Table({})                         # not match the tab's rows
    frame = table.units
    codes, names, groups = frame.index.tolist(), frame["name"].tolist(), frame["group"].tolist()
    members: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        members.setdefault(group, []).append(i)
    # the tab's rows, (kind, key, name): each group's units then its subtotal, the total last
    rows: list[tuple[str, str | None, str]] = []
    for group, positions in members.items():
        rows += [("unit", codes[i], names[i]) for i in positions]
        rows.append(("group", group, f"{H.FIGURES_SUBTOTAL} {group}"))
    rows.append(("group", None, H.FIGURES_TOTAL))
    columns: dict[str, list[Cell]] = {
        H.FIGURES_CODE: [key if kind == "unit" else "" for kind, key, _ in rows],
        H.FIGURES_NAME: [name for _, _, name in rows]}
    for comparison in comparisons:
        for figure in comparison.figures:
            for which in Against:
                versus = figure.against(which)
                cells = [_cells(versus.units.get(key) if kind == "unit" else
                                line_change(versus, key)) for kind, key, _ in rows]
                columns[value_col(figure.column.header, which)] = [v for v, _ in cells]
                columns[percent_col(figure.column.header, which)] = [p for _, p in cells]
    columns[COMPARE_NOTE] = ["" if kind == "unit" else comparison_note(comparisons, key)
                             for kind, key, _ in rows]
    return Table(columns)


def line_change(versus: Versus, group: str | None) -> Change | None:
    """The change of ``group``'s line (None: the total); None when it has none."""
    line = _line(versus, group)
    return None if line is None else line.change


def _line(versus: Versus, group: str | None) -> Aggregated | None:
    return versus.total if group is None else versus.groups.get(group)


def _cells(change: Change | None) -> tuple[Cell, Cell]:
    """The reference's value and the % against it."""
    if change is None:
        return "", ""
    if not change.both:
        return _number(change.then), ""
    percent = change.percent
    return _number(change.then), AGAINST_ZERO if percent is None else round(percent / 100, 6)


def comparison_note(comparisons: Sequence[Comparison], group: str | None) -> str:
    """"NSNN: so với kỳ trước (Tháng 5/2026) trên 10/11 đơn vị có số liệu cả hai kỳ; NSNN: so
    với cùng kỳ năm trước (Tháng 6/2025): chưa có số liệu kỳ đó"; when figures cover different
    units, each figure's count ("... trên các đơn vị có số liệu cả hai kỳ: Số thu 4/9, ...")."""
    return "; ".join(f"{c.campaign.code}: {part}" for c in comparisons
                     for part in reference_notes(c, group))


def reference_notes(comparison: Comparison, group: str | None) -> list[str]:
    """Per reference period, what ``group``'s line (None: the total) compares: "so với kỳ
    trước (Tháng 5/2026) trên 10/11 đơn vị có số liệu cả hai kỳ"."""
    parts: list[str] = []
    if not comparison.figures:
        return parts
    for which in Against:
        versus = [f.against(which) for f in comparison.figures]
        head = f"so với {which.words} ({versus[0].reference.label})"
        if all(v.missing is Missing.NOT_EVALUATED for v in versus):
            parts.append(f"{head}: chưa có số liệu kỳ đó")
            continue
        lines = [(f, _of(v, group)) for f, v in zip(comparison.figures, versus, strict=True)]
        lines = [(f, line) for f, line in lines if line is not None and line[1]]
        pairs = {line for _, line in lines}
        if len(pairs) == 1:
            covered, expected = pairs.pop()
            parts.append(f"{head} trên {covered}/{expected} đơn vị có số liệu cả hai kỳ")
        elif pairs:
            each = ", ".join(f"{f.spec.question} {c}/{e}" for f, (c, e) in lines)
            parts.append(f"{head} trên các đơn vị có số liệu cả hai kỳ: {each}")
    return parts


def _of(versus: Versus, group: str | None) -> tuple[int, int] | None:
    line = _line(versus, group)
    return None if line is None else (line.covered, line.expected)


def _number(value: float | None) -> Cell:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else round(value, 6)


# --- Reporting rates: one row per (campaign, unit), group subtotals and a total ------------------

RATES_CAMPAIGN = "Mã đợt"
RATES_YEAR = "Năm"
RATES_HEADERS = (RATES_CAMPAIGN, RATES_YEAR, H.FIGURES_CODE, H.FIGURES_NAME, H.FIGURES_GROUP,
                 "Số kỳ đã đến hạn", "Đã gửi", "Gửi đúng hạn", "Gửi đầy đủ", "Tỷ lệ gửi",
                 "Tỷ lệ gửi đúng hạn", "Tỷ lệ gửi đầy đủ", "Kỳ chưa gửi")
RATES_KEYS = (RATES_CAMPAIGN, H.FIGURES_CODE, H.FIGURES_NAME)
RATES_FORMATS = {h: RATE_FORMAT for h in RATES_HEADERS[9:12]}


def rate_rows(rates: Sequence[Rates]) -> Table:
    """Per campaign: its units group by group, each group followed by its subtotal ("Cộng
    Phường", no unit code), then its total; keyed by ``RATES_KEYS``. A rate with nothing due is
    empty, not 0%."""
    rows: list[list[Cell]] = []
    for r in rates:
        members: dict[str, list] = {}
        for u in r.units:
            members.setdefault(u.group, []).append(u)
        for group, mine in members.items():
            for u in mine:
                missed = ", ".join(p.label for p in u.rate.missed)
                rows.append([r.campaign.code, r.year, u.unit.code, u.unit.name, group,
                             *_rate_cells(u.rate), missed])
            rows.append([r.campaign.code, r.year, "", f"{H.FIGURES_SUBTOTAL} {group}", group,
                         *_rate_cells(r.groups[group]), ""])
        rows.append([r.campaign.code, r.year, "", H.FIGURES_TOTAL, "", *_rate_cells(r.total), ""])
    return Table({h: [row[i] for row in rows] for i, h in enumerate(RATES_HEADERS)})


def _rate_cells(rate: Rate) -> list[Cell]:
    def fraction(value: float | None) -> Cell:
        return "" if value is None else round(value / 100, 6)

    return [rate.due, rate.sent, rate.on_time, rate.complete, fraction(rate.sent_rate),
            fraction(rate.on_time_rate), fraction(rate.complete_rate)]


# --- status --json ------------------------------------------------------------------------------

def _change_json(change: Change | None) -> dict | None:
    if change is None:
        return None
    return {"now": change.now, "then": change.then, "difference": change.difference,
            "percent": change.percent, "compared": change.both}


def comparison_json(comparison: Comparison) -> dict:
    """``{"campaign", "period", "figures": [{"question", "aggregate", "previous": {...},
    "year_before": {...}}]}``; each reference: its period, whether it is compared (else why
    not), total and groups (values, covered, expected) and units. Percentages as numbers
    (12.5 = 12,5%), None when undefined (against 0) or not compared."""
    def versus_json(v: Versus) -> dict:
        def line(a) -> dict:
            return {**(_change_json(a.change) or {"now": None, "then": None, "difference": None,
                                                  "percent": None, "compared": False}),
                    "covered": a.covered, "expected": a.expected}

        return {"period": v.reference.label, "compared": v.compared,
                "missing": v.missing.value if v.missing else None,
                "total": line(v.total), "groups": {g: line(a) for g, a in v.groups.items()},
                "units": {code: _change_json(c) for code, c in v.units.items()}}

    return {
        "campaign": comparison.campaign.code,
        "period": comparison.period.label,
        "figures": [{"question": f.spec.question, "aggregate": f.spec.aggregate.value,
                     **{which.value: versus_json(f.against(which)) for which in Against}}
                    for f in comparison.figures],
    }


def rates_json(rates: Rates) -> dict:
    """``{"campaign", "year", "periods", "total", "groups", "units"}``; rates in percent
    (None when nothing is due)."""
    def rate(r: Rate) -> dict:
        return {"due": r.due, "sent": r.sent, "on_time": r.on_time, "complete": r.complete,
                "sent_rate": r.sent_rate, "on_time_rate": r.on_time_rate,
                "complete_rate": r.complete_rate}

    return {
        "campaign": rates.campaign.code,
        "year": rates.year,
        "periods": [p.label for p in rates.periods],
        "total": rate(rates.total),
        "groups": {name: rate(r) for name, r in rates.groups.items()},
        "units": [{"code": u.unit.code, "name": u.unit.name, "group": u.group, **rate(u.rate),
                   "missed": [p.label for p in u.rate.missed]} for u in rates.units],
    }

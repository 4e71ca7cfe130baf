"""The figures of one campaign as a clerk writes them: a sentence per figure with its total, the
units it covers, the leaders with their values and ties grouped, and a table by unit group.

Conventions, one home each:

* every number carries its unit word ("06 bài", "640 hộ", "3.900,5 triệu đồng"): the campaign
  column "Đơn vị tính" ("Số bài viết dự thi: bài"), else the unit in the question's brackets;
  a whole count below 10 takes a leading 0;
* one figure, one number of decimals, in the sentence, the table and the annex alike (as many
  as its units' numbers carry, at most two);
* "nhiều nhất"/"cao nhất" names a unit only when it alone has that value; two or three that share
  it are named together, more are counted ("14 đơn vị cùng có 01 bài"); a lowest of zero is never
  named: the units that have none are counted ("72 đơn vị chưa có công trình gắn biển");
* denominators are the units that must send (an exempt unit is in none), as in the report's
  "70/89 đơn vị đã gửi", the annex and the .xlsx.

Pure: the campaign's :class:`~sync.rules.figure_table.FigureTable` in, plain dicts out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reports.vn import fixed, join_and, padded
from sync.rules import headers as H
from sync.rules.figure_table import FigureColumn, FigureTable
from sync.rules.figures import Aggregate
from sync.rules.models import Campaign, Status, UnitStatus
from sync.rules.text import header_key, split_list

MAX_DECIMALS = 2  # shown in drafts; the "Số liệu" tab and the .xlsx keep the full number
NAMED_TIES = 3  # up to this many units sharing a value are named; more are counted
UNREADABLE = "không đọc được số"  # the rules' mark on an answer that is not a number

WAY_WORDS = {Aggregate.SUM: "tổng", Aggregate.MEAN: "bình quân", Aggregate.MIN: "nhỏ nhất",
             Aggregate.MAX: "lớn nhất", Aggregate.COUNT: "số đơn vị báo cáo",
             Aggregate.RATIO: "tính trên tổng"}


def split_unit(question: str) -> tuple[str, str]:
    """"Số thu 6 tháng (triệu đồng)" -> ("Số thu 6 tháng", "triệu đồng"); "Tỷ lệ (%)" -> ("Tỷ lệ",
    "%"); a question without a unit in brackets keeps its words and no unit."""
    match = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", question)
    if match and match.group(1):
        return match.group(1), match.group(2).strip()
    return question, ""


def unit_words(campaign: Campaign) -> dict[str, str]:
    """Column "Đơn vị tính": "Số bài viết dự thi: bài; Số hộ tham gia: hộ", by question key."""
    out = {}
    for item in split_list(campaign.value(H.CAMPAIGN_FIGURE_UNITS)):
        question, sep, word = item.rpartition(":")
        if sep and question.strip() and word.strip():
            out[header_key(question)] = " ".join(word.split())
    return out


@dataclass(frozen=True)
class Style:
    """How one figure is written: its label, unit word and decimals."""

    label: str
    word: str
    decimals: int
    count: bool  # a whole count of things ("06 bài"): "nhiều nhất", a leading 0 below 10

    def number(self, value: float, pad: bool = True) -> str:
        """In running text a count below 10 is padded ("06 bài"); in a table's column not."""
        if self.count:
            return padded(int(round(value))) if pad else str(int(round(value)))
        return fixed(value, self.decimals)

    def say(self, value: float) -> str:
        number = self.number(value)
        if not self.word:
            return number
        return f"{number}{self.word}" if self.word == "%" else f"{number} {self.word}"

    @property
    def noun(self) -> str:
        """"Số công trình gắn biển" -> "công trình gắn biển" (what a unit has none of)."""
        words = self.label.split(maxsplit=1)
        if len(words) == 2 and words[0].casefold() == "số":
            return words[1]
        return self.label[:1].lower() + self.label[1:]

    @property
    def most(self) -> tuple[str, str]:
        return ("nhiều nhất", "ít nhất") if self.count else ("cao nhất", "thấp nhất")


def _decimals(values) -> int:
    most = 0
    for v in values:
        text = f"{round(float(v), MAX_DECIMALS):.{MAX_DECIMALS}f}".rstrip("0")
        most = max(most, len(text.partition(".")[2]))
    return most


def figure_styles(table: FigureTable, campaign: Campaign) -> dict[str, Style]:
    """By question: the style every draft writes that figure in."""
    words = unit_words(campaign)
    out = {}
    for column in table.columns:
        label, bracket = split_unit(column.spec.question)
        word = words.get(header_key(column.spec.question), bracket)
        values = table.units[column.header].dropna()
        decimals = 0 if column.spec.aggregate is Aggregate.COUNT else _decimals(values)
        count = (decimals == 0 and bool(word) and word != "%"
                 and column.spec.aggregate in (Aggregate.SUM, Aggregate.MIN, Aggregate.MAX)
                 and header_key(column.spec.question) in words)
        out[column.spec.question] = Style(label, word, decimals, count)
    return out


def coverage(table: FigureTable, header: str, statuses: Sequence[UnitStatus],
             group: str | None = None) -> tuple[int, int]:
    """(units whose number is in, units that must send), exempt units left out of both."""
    exempt = {s.unit.code for s in statuses if s.status is Status.EXEMPT}
    units = table.units
    mask = ~units.index.isin(list(exempt))
    if group is not None:
        mask &= units["group"] == group
    mine = units.loc[mask, header]
    return int(mine.notna().sum()), len(mine)


def figure_results(table: FigureTable, statuses: Sequence[UnitStatus],
                   campaign: Campaign) -> list[dict]:
    """One entry per figure: its sentence, and its rows by unit group with the total."""
    styles = figure_styles(table, campaign)
    out = []
    for column in table.columns:
        style = styles[column.spec.question]
        header = column.header
        bad = sum(1 for s in statuses for line in s.missing
                  if UNREADABLE in line and line.split(":")[0] == column.spec.question)
        groups = []
        for line in table.groups:
            group = line.name.removeprefix(H.FIGURES_SUBTOTAL).strip()
            covered, due = coverage(table, header, statuses, group)
            if due:
                groups.append(_row(group, line.values[header], covered, due, style, column))
        covered, due = coverage(table, header, statuses)
        out.append({
            "question": column.spec.question,
            "label": style.label,
            "unit": style.word,
            "way": WAY_WORDS[column.spec.aggregate] + (
                f" {_lower(split_unit(column.spec.base)[0])}" if column.spec.base else ""),
            "heading": heading(style, column.spec.aggregate),
            "sentence": sentence(table, column, style, statuses, bad),
            "covered": covered,
            "due": due,
            "groups": groups,
            "total": _row("Tổng cộng", table.total.values[header], covered, due, style, column),
        })
    return out


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def heading(style: Style, way: Aggregate) -> str:
    """"Số bài viết dự thi (bài)", "Tỷ lệ so với dự toán bình quân (%)"."""
    text = style.label if way in (Aggregate.SUM, Aggregate.RATIO) else f"{style.label} {WAY_WORDS[way]}"
    return f"{text} ({style.word})" if style.word else text


def _row(group: str, value: float | None, covered: int, due: int, style: Style,
         column: FigureColumn) -> dict:
    if value is None:
        shown = ""
    elif column.spec.aggregate is Aggregate.COUNT:
        shown = str(int(value))
    else:
        shown = style.number(value, pad=False)
    return {"name": group, "group": group, "covered": f"{covered}/{due}", "value": shown,
            "number": value}


def sentence(table: FigureTable, column: FigureColumn, style: Style,
             statuses: Sequence[UnitStatus], unreadable: int) -> str:
    header = column.header
    covered, due = coverage(table, header, statuses)
    value = table.total.values[header]
    way = column.spec.aggregate
    label = style.label
    if not covered or value is None:
        text = f"{label}: chưa có đơn vị nào báo cáo số liệu"
    else:
        if way is Aggregate.SUM:
            text = f"Tổng {label[:1].lower() + label[1:]}: {style.say(value)}"
        elif way is Aggregate.COUNT:
            text = f"Số đơn vị báo cáo {label[:1].lower() + label[1:]}: {int(value)}"
        elif way is Aggregate.RATIO:  # total collected over total estimate, not a mean
            base = split_unit(column.spec.base)[0]
            text = f"{label} (tính trên tổng {base[:1].lower() + base[1:]}): {style.say(value)}"
        else:
            text = f"{label} {WAY_WORDS[way]}: {style.say(value)}"
        text += f" (số liệu của {covered}/{due} đơn vị)"
        exempt = {s.unit.code for s in statuses if s.status is Status.EXEMPT}
        units = table.units.loc[~table.units.index.isin(list(exempt))]
        text += extremes(units[header].dropna(), units["name"], style)
    if unreadable:
        text += (f"; {unreadable} đơn vị ghi {label[:1].lower() + label[1:]} chưa đúng, chưa tính, "
                 "đề nghị đơn vị bổ sung")
    return text + "."


def extremes(values, names: Mapping, style: Style) -> str:
    """"; nhiều nhất: UBND phường Thượng Đình (06 bài), ít nhất: 14 đơn vị cùng có 01 bài",
    ties grouped, a lowest of zero never named; "" when there is nothing to single out."""
    if len(values) < 2:
        return f"; chỉ có {names[values.index[0]]} báo cáo" if len(values) == 1 else ""
    high_word, low_word = style.most
    top, bottom = float(values.max()), float(values.min())
    if top == bottom:
        if top == 0:
            return f"; {len(values)} đơn vị báo cáo đều chưa có {style.noun}"
        return f"; {len(values)} đơn vị đều có {style.say(top)}"
    parts = [f"{high_word}: {_who(values, names, top, style)}"]
    zeros = int((values == 0).sum())
    if bottom == 0:
        parts.append(f"{zeros} đơn vị chưa có {style.noun}")
    else:
        parts.append(f"{low_word}: {_who(values, names, bottom, style)}")
    return "; " + ", ".join(parts)


def _who(values, names: Mapping, value: float, style: Style) -> str:
    codes = [code for code, v in values.items() if float(v) == value]
    if len(codes) == 1:
        return f"{names[codes[0]]} ({style.say(value)})"
    if len(codes) <= NAMED_TIES:
        return f"{join_and([str(names[c]) for c in codes])} (cùng {style.say(value)})"
    return f"{len(codes)} đơn vị cùng có {style.say(value)}"


def unit_figures(status: UnitStatus, styles: Mapping[str, Style]) -> str:
    """For the per-unit annex: "Số thu 6 tháng: 8.756,2 triệu đồng; Tỷ lệ so với dự toán: 60,4%"."""
    parts = []
    for spec in status.campaign.figures:
        value = status.figure(spec.question)
        style = styles.get(spec.question)
        if value is not None and style is not None:
            parts.append(f"{style.label}: {'không có' if style.count and not value else style.say(value)}")
    return "; ".join(parts)

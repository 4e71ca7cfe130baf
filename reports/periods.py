"""A repeating campaign's draft, in a clerk's words: each figure against the period before and
the same period a year before, and how the units have sent their reports over the year.

* "Tổng số thu ngân sách tháng 6/2026 đạt 12.345 triệu đồng, tăng 12,5% so với cùng kỳ năm
  2025 và giảm 3,1% so với kỳ trước (so sánh trên 11/11 đơn vị có số liệu cả hai kỳ)." The
  total is the period's own (every unit's, as the figures section has it); a change is taken
  over the units with a number in both periods, so when fewer units are compared than the total
  holds, the two compared totals are written out too;
* a rate ("%") changes by "điểm phần trăm", not by a percentage of itself;
* against 0 there is no percentage: the change is said in the figure's unit ("tăng 45 triệu
  đồng so với kỳ trước (kỳ trước bằng 0)");
* a period without data is said once, briefly, never compared as 0.

Pure: a :class:`~sync.rules.compare.Comparison` and :class:`~sync.rules.rates.Rates` in (the
state makes them once, for the sheet and the drafts alike), plain dicts of strings out.
"""

from __future__ import annotations

from reports.figures import WAY_WORDS, Style, figure_styles, split_unit
from reports.header import of_period
from reports.vn import join_and
from sync.rules.compare import Against, Comparison, FigureComparison, Missing, Versus
from sync.rules.figures import Aggregate
from sync.rules.numbers import vn_number
from sync.rules.periods import Period, PeriodKind
from sync.rules.rates import Rate, Rates
from sync.rules.text import strip_accents

NAMED_LAGGARDS = 3  # units named for the periods they have not sent, the most first
NAMED_NEVER = 5  # units that sent no period, named up to this many (more are counted)


def periodic_context(comparison: Comparison, rates: Rates) -> dict:
    """The ``periodic`` entry of a repeating campaign's draft context: the period's comparisons
    (:func:`sync.rules.compare.compare`), and its year's rates as far as that period
    (:func:`sync.rules.rates.reporting_rates`)."""
    return {
        "period": comparison.period.label,
        "comparisons": comparison_sentences(comparison),
        "no_comparison": no_comparison(comparison),
        "rates": rates_context(rates),
    }


# --- Comparisons --------------------------------------------------------------------------------

def reference_words(comparison: Comparison, which: Against) -> str:
    """"kỳ trước", "cùng kỳ năm 2025"; a yearly campaign's year before is "năm 2025"."""
    reference = which.of(comparison.period)
    if comparison.period.kind is PeriodKind.YEAR:
        return f"năm {reference.year}"
    if which is Against.YEAR_BEFORE:
        return f"cùng kỳ năm {reference.year}"
    return "kỳ trước"


def _references(comparison: Comparison) -> list[Against]:
    """Last year first, as a clerk writes it; a year's period before is its year before."""
    if comparison.period.kind is PeriodKind.YEAR:
        return [Against.PREVIOUS]
    return [Against.YEAR_BEFORE, Against.PREVIOUS]


def subject(figure: FigureComparison, style: Style, period: Period) -> str:
    """"Tổng số thu ngân sách tháng 6/2026", "Điểm đánh giá bình quân quý II/2026", as the
    figures section names the figure, with the period where a clerk would say it (see
    :func:`in_period`)."""
    label, way = style.label, figure.spec.aggregate
    if way is Aggregate.SUM:
        return in_period(f"Tổng {label[:1].lower() + label[1:]}", period)
    if way is Aggregate.COUNT:
        return in_period(f"Số đơn vị báo cáo {label[:1].lower() + label[1:]}", period)
    if way is Aggregate.RATIO:
        base = split_unit(figure.spec.base)[0]
        return f"{in_period(label, period)} (tính trên tổng {base[:1].lower() + base[1:]})"
    return in_period(f"{label} {WAY_WORDS[way]}", period)


def in_period(phrase: str, period: Period) -> str:
    """The figure's phrase said of ``period``: "Số thu trong tháng" -> "Số thu trong tháng
    6/2026" (the kind's word not said twice); a figure of the year -> "Dự toán năm 2026"; one
    counted from the start of the year -> "Lũy kế từ đầu năm đến tháng 6/2026" ("... đến hết
    6 tháng đầu năm 2026", "... từ đầu năm 2026")."""
    key = strip_accents(phrase).casefold()
    if key.endswith(" tu dau nam") and period.kind is not PeriodKind.YEAR:
        through = "đến hết" if period.kind is PeriodKind.HALF_YEAR else "đến"
        return f"{phrase} {through} {period.label[:1].lower() + period.label[1:]}"
    if key.endswith(" nam"):
        return f"{phrase} {period.year}"
    return of_period(phrase, period)


def _percent(value: float) -> str:
    shown = vn_number(abs(value), 1)
    return shown if shown != "0" else vn_number(abs(value), 2)


def change_phrase(versus: Versus, style: Style, words: str) -> str:
    """"tăng 12,5% so với cùng kỳ năm 2025", "bằng kỳ trước", "giảm 2,1 điểm phần trăm so với
    kỳ trước", "tăng 45 triệu đồng so với kỳ trước (kỳ trước bằng 0)"."""
    change = versus.total.change
    assert change is not None and change.difference is not None
    difference = round(change.difference, 6)
    if difference == 0:
        return f"bằng {words}"
    verb = "tăng" if difference > 0 else "giảm"
    if style.word == "%":
        points = vn_number(abs(difference), max(style.decimals, 1))
        return f"{verb} {points} điểm phần trăm so với {words}"
    if change.percent is None:
        return f"{verb} {style.say(abs(difference))} so với {words} ({words} bằng 0)"
    shown = _percent(change.percent)
    if shown == "0":  # a change too small for two decimals is not "tăng 0%"
        return f"{verb} không đáng kể (dưới 0,01%) so với {words}"
    return f"{verb} {shown}% so với {words}"


def figure_sentence(comparison: Comparison, figure: FigureComparison, style: Style) -> str | None:
    """The figure's sentence, or None when it has nothing to compare with."""
    now_total = comparison.table.total.values[figure.column.header]
    covered_now = comparison.table.total.covered[figure.column.header]
    compared = [w for w in _references(comparison) if figure.against(w).compared]
    if now_total is None or not compared:
        return None
    phrases, notes, partial = [], [], False
    for which in compared:
        versus, words = figure.against(which), reference_words(comparison, which)
        phrases.append(change_phrase(versus, style, words))
        total = versus.total
        assert total.change is not None and total.change.then is not None
        note = f"{words} {total.covered}/{total.expected} đơn vị"
        if total.covered < covered_now:  # fewer units than the total holds: what is compared
            partial = True
            note += f", {style.number(total.change.now)} so với {style.say(total.change.then)}"
        notes.append(note)
    # mid-sentence, the kind's word not said twice: "Tổng số thu trong tháng 6/2026"
    text = (f"{subject(figure, style, comparison.period)} đạt "
            f"{style.say(now_total)}, " + " và ".join(phrases))
    pairs = {(figure.against(w).total.covered, figure.against(w).total.expected)
             for w in compared}
    if partial or len(pairs) > 1:
        text += f" (so sánh trên các đơn vị có số liệu cả hai kỳ: {'; '.join(notes)})"
    else:
        covered, expected = pairs.pop()
        text += f" (so sánh trên {covered}/{expected} đơn vị có số liệu cả hai kỳ)"
    return text + "."


def comparison_sentences(comparison: Comparison) -> list[str]:
    if comparison.is_empty():
        return []
    styles = figure_styles(comparison.table, comparison.campaign)
    out = []
    for figure in comparison.figures:
        sentence = figure_sentence(comparison, figure, styles[figure.spec.question])
        if sentence:
            out.append(sentence)
    return out


def no_comparison(comparison: Comparison) -> str:
    """"Chưa có số liệu Tháng 6/2025 (cùng kỳ năm trước) để so sánh." for each reference no
    figure can be compared with; "" when every reference compares something."""
    if comparison.is_empty():
        return ""
    lacking = []
    for which in _references(comparison):
        versus = [f.against(which) for f in comparison.figures]
        if any(v.compared for v in versus):
            continue
        reference = versus[0].reference
        why = ("chưa có số liệu" if all(v.missing is Missing.NOT_EVALUATED for v in versus)
               else "chưa có đơn vị nào có số liệu cả hai kỳ")
        words = "năm trước" if comparison.period.kind is PeriodKind.YEAR else which.words
        lacking.append((why, f"{reference.label} ({words})"))
    if not lacking:
        return ""
    sentences = []
    for why in dict.fromkeys(w for w, _ in lacking):
        periods = join_and([p for w, p in lacking if w == why])
        if why == "chưa có số liệu":
            sentences.append(f"Chưa có số liệu {periods} để so sánh.")
        else:
            sentences.append(f"Chưa so sánh được với {periods}: chưa có đơn vị nào có số liệu "
                             "cả hai kỳ.")
    return " ".join(sentences)


# --- Reporting rates ----------------------------------------------------------------------------

def _rate(part: int, rate: float | None) -> str:
    return "" if rate is None else f"{part} ({vn_number(rate, 1)}%)"


def _row(name: str, rate: Rate) -> dict:
    return {"name": name, "due": rate.due, "sent": f"{rate.sent}/{rate.due}",
            "sent_rate": "" if rate.sent_rate is None else f"{vn_number(rate.sent_rate, 1)}%",
            "on_time": _rate(rate.on_time, rate.on_time_rate),
            "complete": _rate(rate.complete, rate.complete_rate)}


def rates_context(rates: Rates) -> dict | None:
    """The draft's "Tình hình gửi báo cáo năm 2026": a sentence, and a row per unit group with the
    total; None when no period of the year is due yet."""
    if not rates.total.due:
        return None
    total = rates.total
    periods = rates.periods
    span = (periods[0].label if len(periods) == 1
            else f"từ {periods[0].label} đến {periods[-1].label}")
    sentence = (f"Năm {rates.year} có {len(periods)} kỳ báo cáo đã đến hạn ({span}); các đơn vị "
                f"đã gửi {total.sent}/{total.due} lượt báo cáo phải gửi "
                f"({vn_number(total.sent_rate or 0, 1)}%), trong đó gửi đúng hạn {total.on_time} "
                f"({vn_number(total.on_time_rate or 0, 1)}%), gửi đầy đủ nội dung "
                f"{total.complete} ({vn_number(total.complete_rate or 0, 1)}%).")
    return {
        "title": f"Tình hình gửi báo cáo năm {rates.year}",
        "sentence": sentence,
        "missed": missed_sentence(rates),
        "groups": [_row(name, rate) for name, rate in rates.groups.items()],
        "total": _row("Tổng cộng", total),
    }


def missed_sentence(rates: Rates) -> str:
    """"Chưa gửi kỳ nào: UBND phường A và UBND phường B. Còn thiếu kỳ báo cáo: UBND phường C
    (2 kỳ: Tháng 3/2026, Tháng 5/2026) và 4 đơn vị khác." The units that sent nothing are named
    (counted past NAMED_NEVER); of the others those that missed the most periods, first."""
    never = [u for u in rates.units if u.rate.missed and not u.rate.sent]
    some = sorted((u for u in rates.units if u.rate.missed and u.rate.sent),
                  key=lambda u: -len(u.rate.missed))
    out = []
    if never:
        out.append(f"Chưa gửi kỳ nào: {join_and([u.unit.name for u in never])}."
                   if len(never) <= NAMED_NEVER else f"Có {len(never)} đơn vị chưa gửi kỳ nào.")
    if some:
        named = [f"{u.unit.name} ({len(u.rate.missed)} kỳ: "
                 f"{', '.join(p.label for p in u.rate.missed)})" for u in some[:NAMED_LAGGARDS]]
        if len(some) > NAMED_LAGGARDS:
            named.append(f"{len(some) - NAMED_LAGGARDS} đơn vị khác")
        out.append(f"Còn thiếu kỳ báo cáo: {join_and(named)}.")
    return " ".join(out)

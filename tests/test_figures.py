"""Figures: numbers read the Vietnamese and the machine way, declared per campaign, never 0 when
unreadable, and responses after ``now`` not counted."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sync.rules.evaluate import evaluate_campaign
from sync.rules.figures import Aggregate, FigureSpec, parse_figure_specs, read_figures
from sync.rules.models import (
    Campaign,
    Exemption,
    Match,
    MatchKind,
    Response,
    Status,
    Unit,
    UnitStatus,
    Verdict,
)
from sync.rules.numbers import LIMIT, NumberError, read_number, vn_number
from sync.rules.timeparse import parse_deadline

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(("text", "expected"), [
    ("1.234.567", 1234567), ("1.234,5", 1234.5), ("1,5", 1.5), ("1 234", 1234),
    ("1\u00a0234,75", 1234.75), ("15%", 15), ("15 %", 15), ("-3", -3), ("−2,5", -2.5),
    ("1,234,567.5", 1234567.5), ("1234.5", 1234.5), ("0", 0), ("  42  ", 42),
    ("1.5", 1.5), ("0.125", 0.125), ("12.75", 12.75), ("1,234", 1.234),
    ("12 triệu", 12e6), ("2,5 tỷ", 2.5e9), ("300 nghìn đồng", 300e3), ("1.500.000 đ", 1.5e6),
    (7, 7), (2.5, 2.5), ("12 bài", 12),
])
def test_reads_vietnamese_and_machine_numbers(text, expected):
    assert read_number(text, "Số bài viết") == expected


def test_ambiguous_dot_is_thousands_the_vietnamese_way():
    """The documented rule: one dot followed by exactly three digits groups thousands."""
    assert read_number("1.234") == 1234
    assert read_number("12.345") == 12345
    assert read_number("0.234") == 0.234  # a leading 0 cannot start a thousands group
    assert read_number("1.23") == 1.23
    assert read_number("1.2345") == 1.2345


def test_scale_words_convert_to_the_questions_unit():
    question = "Số thu 6 tháng (triệu đồng)"
    assert read_number("2,5 tỷ", question) == 2500
    assert read_number("12 triệu", question) == 12
    assert read_number("1.500 nghìn đồng", question) == 1.5
    assert read_number("1.234,5", question) == 1234.5


@pytest.mark.parametrize("text", [
    "abc", "12abc", "1e5", "1e308", "NaN", "nan", "inf", "-inf", "Infinity", "=1+1", "=SUM(A1:A9)",
    "1.23.4", "1 23", "1,2,3", "1.234,5,6", "5.", "<script>1</script>", "1" * 80, "1 234.5,6",
    "12 hộ gia đình khác", "1\x002", "'12", "1/2", "--3", True,
])
def test_hostile_or_unreadable_answers_raise_never_zero(text):
    with pytest.raises(NumberError):
        read_number(text, "Số hộ")


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 1e308, -1e308,
                                   LIMIT * 10, "9.999.999.999.999.999"])
def test_huge_values_are_refused(value):
    with pytest.raises(NumberError):
        read_number(value)


def test_empty_is_no_answer_not_zero():
    assert read_number("") is None and read_number("   ") is None and read_number(None) is None


def test_vietnamese_number_format():
    assert vn_number(1234.5) == "1.234,5"
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(0.5) == "0,5"
    assert vn_number(-1234.25) == "-1.234,25"
    assert vn_number(-0.001) == "0"


def test_spec_parsing():
    specs = parse_figure_specs("Số thu 6 tháng (triệu đồng): tổng; Tỷ lệ so với dự toán (%): "
                               "trung bình\nSố hộ\nSố tổ: lớn nhất; Điểm: nhỏ nhất; Số bài: đếm")
    assert specs == [
        FigureSpec("Số thu 6 tháng (triệu đồng)", Aggregate.SUM),
        FigureSpec("Tỷ lệ so với dự toán (%)", Aggregate.MEAN),
        FigureSpec("Số hộ", Aggregate.SUM), FigureSpec("Số tổ", Aggregate.MAX),
        FigureSpec("Điểm", Aggregate.MIN), FigureSpec("Số bài", Aggregate.COUNT),
    ]
    with pytest.raises(ValueError, match="'cộng dồn'"):
        parse_figure_specs("Số hộ: cộng dồn")
    with pytest.raises(ValueError, match="twice"):
        parse_figure_specs("Số hộ; số hộ")


def test_a_rate_of_totals_names_its_base():
    specs = parse_figure_specs("Số thu (triệu đồng): tổng\n"
                               "Tỷ lệ so với dự toán (%): tỷ lệ trên tổng Số thu (triệu đồng)")
    assert specs[1] == FigureSpec("Tỷ lệ so với dự toán (%)", Aggregate.RATIO, "Số thu (triệu đồng)")
    with pytest.raises(ValueError, match="rate of which total"):
        parse_figure_specs("Tỷ lệ (%): tỷ lệ trên tổng")
    with pytest.raises(ValueError, match="not listed"):
        parse_figure_specs("Tỷ lệ (%): tỷ lệ trên tổng Số thu")


def test_a_rate_of_totals_is_total_amount_over_total_estimate():
    """Two wards: 100 at 50% (estimate 200) and 300 at 100% (estimate 300): 400/500 = 80%, not
    the mean 75%; a ward with no amount is in neither sum."""
    from sync.rules.figure_table import figure_table

    campaign = Campaign(code="T", title="t", responses_tab="r", figures=tuple(parse_figure_specs(
        "Số thu: tổng; Tỷ lệ (%): tỷ lệ trên tổng Số thu")))
    statuses = []
    for code, money, rate in (("A", 100, 50), ("B", 300, 100), ("C", None, 20)):
        unit = Unit(code, f"Phường {code}", "Phường")
        given = {"Tỷ lệ (%)": rate} | ({"Số thu": money} if money is not None else {})
        statuses.append(_status(campaign, unit, given))
    table = figure_table(statuses, [campaign])
    header = next(c.header for c in table.columns if c.spec.question == "Tỷ lệ (%)")
    money = next(c.header for c in table.columns if c.spec.question == "Số thu")
    assert table.total.values[header] == pytest.approx(80.0)
    assert table.total.values[money] == 400
    assert table.groups[0].values[header] == pytest.approx(80.0)


def _status(campaign, unit, given):
    return UnitStatus(campaign, unit, Status.ON_TIME, None, figures=tuple(given.items()))


def test_read_figures_names_the_unreadable_question():
    specs = parse_figure_specs("Số thu (triệu đồng); Tỷ lệ (%): trung bình; Số hộ")
    values, unreadable = read_figures(specs, {"Số thu (triệu đồng)": "2,5 tỷ", "Tỷ lệ (%)": "gần 90",
                                              "Số hộ": ""})
    assert values == {"Số thu (triệu đồng)": 2500}
    assert len(unreadable) == 1 and unreadable[0].startswith("Tỷ lệ (%): không đọc được số")


# --- Evaluate: figures on the statuses, unreadable = incomplete, responses after now ------------
A = Unit("A", "UBND phường A", "Phường")
B = Unit("B", "UBND phường B", "Phường")
DEADLINE = parse_deadline("10/6/2023", HCM)


def _campaign():
    return Campaign("C", "t", "r", deadline=DEADLINE, unit_question="Tên đơn vị",
                    figures=tuple(parse_figure_specs("Số hộ: tổng")))


def _resp(row, unit, when, houses):
    return Response("C", row, when, unit.name, {"Số hộ": houses}, Match(MatchKind.EXACT, unit))


def test_unreadable_figure_makes_the_unit_incomplete_naming_the_question():
    ev = evaluate_campaign(_campaign(), [A, B], [
        _resp(2, A, datetime(2023, 6, 5, tzinfo=HCM), "1.234"),
        _resp(3, B, datetime(2023, 6, 5, tzinfo=HCM), "khoảng trăm hộ"),
    ], [], now=datetime(2023, 6, 20, tzinfo=HCM))
    a, b = ev.statuses
    assert a.status is Status.ON_TIME and a.figure("Số hộ") == 1234
    assert b.status is Status.INCOMPLETE and b.figure("Số hộ") is None
    assert b.missing[0].startswith("Số hộ: không đọc được số")
    assert {r.response.row: r.verdict for r in ev.rows}[3] is Verdict.INCOMPLETE


def test_only_responses_stamped_at_or_before_now_count():
    now = datetime(2023, 6, 8, 12, 0, tzinfo=HCM)
    ev = evaluate_campaign(_campaign(), [A, B], [
        _resp(2, A, datetime(2023, 6, 5, tzinfo=HCM), "10"),
        _resp(3, A, datetime(2023, 6, 9, tzinfo=HCM), "99"),  # later: would supersede
        _resp(4, B, now, "5"),  # exactly at now: counts
        _resp(5, B, datetime(2030, 1, 1, tzinfo=HCM), "7"),  # a future-dated stamp
    ], [], now=now)
    a, b = ev.statuses
    assert a.figure("Số hộ") == 10 and a.responses == 1
    assert b.figure("Số hộ") == 5
    verdicts = {r.response.row: r.verdict for r in ev.rows}
    assert verdicts[3] is Verdict.AFTER_NOW and verdicts[5] is Verdict.AFTER_NOW
    assert verdicts[2] is Verdict.VALID and verdicts[4] is Verdict.VALID


def test_exempt_means_exempt_even_when_it_sent_late():
    ev = evaluate_campaign(_campaign(), [A], [_resp(2, A, datetime(2023, 6, 15, tzinfo=HCM), "3")],
                           [Exemption("A", "C", exempt=True, reason="sửa chữa")],
                           now=datetime(2023, 6, 20, tzinfo=HCM))
    (a,) = ev.statuses
    assert a.status is Status.EXEMPT and a.late_by is None


def test_extension_date_is_on_the_status():
    new = parse_deadline("20/6/2023", HCM)
    ev = evaluate_campaign(_campaign(), [A], [], [Exemption("A", "C", new_deadline=new)],
                           now=datetime(2023, 6, 15, tzinfo=HCM))
    assert ev.statuses[0].new_deadline == new and ev.statuses[0].status is Status.PENDING


# --- The "Số liệu" tab and status --json, on both backends ---------------------------------------
def _number(value):
    return None if value in ("", None) else float(value)


def _independent_totals(records):
    """Sum the per-unit figures of status --json by plain Python, not through pandas."""
    sums: dict[tuple[str, str], float] = {}
    counts: dict[tuple[str, str], int] = {}
    for r in records:
        for question, value in r.get("figures", {}).items():
            if value is not None:
                key = (r["campaign"], question)
                sums[key] = sums.get(key, 0.0) + value
                counts[key] = counts.get(key, 0) + 1
    return sums, counts


def test_figures_tab_matches_status_json_on_both_backends(cli, workspace):
    from sync.rules import headers as H

    from .conftest import DEMO_NOW

    if workspace.fake is not None:
        workspace.fake.reset_counts()
    assert cli("sync", "--config", workspace.config_path, "--now", DEMO_NOW).code == 0
    if workspace.fake is not None:  # still one read and one write batch for the control book
        sid = workspace.spreadsheet_id
        assert workspace.fake.count("values.batchGet", sid) == 1
        assert workspace.fake.count("values.batchUpdateByDataFilter", sid) == 1
        # structure (new tabs, anchors, the figures' number formats) before the values, status
        # colours after them: no request more for the figures
        assert workspace.fake.count("spreadsheets.batchUpdate", sid) == 2
    import json
    records = json.loads(cli("status", "--config", workspace.config_path, "--now", DEMO_NOW,
                             "--json").out)
    rows = workspace.values(H.FIGURES_TAB)
    header = rows[0]
    by_name = {r[1]: dict(zip(header, r, strict=False)) for r in rows[1:]}
    total = by_name[H.FIGURES_TOTAL]
    sums, counts = _independent_totals(records)
    nsnn = "NSNN: Số thu 6 tháng (triệu đồng)"
    assert _number(total[nsnn]) == pytest.approx(sums[("NSNN", "Số thu 6 tháng (triệu đồng)")], abs=1e-9)
    rate = "NSNN: Tỷ lệ so với dự toán (%)"
    amount = estimate = 0.0  # the rate of the totals: collected over estimate
    for r in records:
        money, pct = (r["figures"].get(q) for q in ("Số thu 6 tháng (triệu đồng)",
                                                     "Tỷ lệ so với dự toán (%)"))
        if r["campaign"] == "NSNN" and money is not None and pct:
            amount, estimate = amount + money, estimate + money / pct * 100
    assert _number(total[rate]) == pytest.approx(amount / estimate * 100, abs=1e-6)
    assert f"NSNN: Số thu 6 tháng (triệu đồng): số liệu của {counts[('NSNN', 'Số thu 6 tháng (triệu đồng)')]}/11" \
        in total[H.FIGURES_NOTE]
    ntvt = "NTVT: Số bài viết dự thi"
    assert _number(total[ntvt]) == sums[("NTVT", "Số bài viết dự thi")]
    # per unit: the tab equals status --json; a unit with no number has an empty cell, not 0
    by_code = {r[0]: dict(zip(header, r, strict=False)) for r in rows[1:] if r and r[0]}
    for r in records:
        for question, value in r.get("figures", {}).items():
            cell = by_code[r["unit"]].get(f"{r['campaign']}: {question}", "")
            assert _number(cell) == value
    # the ward that typed words is named, its other figures still count
    p01 = by_code["P01"]
    assert "không đọc được số" in p01[H.FIGURES_NOTE] and _number(p01[nsnn]) > 0
    # subtotals: the wards' sum equals the sum over the ward rows
    wards = sum(_number(r.get(nsnn)) or 0 for r in by_code.values() if r[H.FIGURES_GROUP] == "Phường")
    assert _number(by_name["Cộng Phường"][nsnn]) == pytest.approx(wards)
    # numbers are numbers, with a number format on the column
    assert isinstance(total[nsnn], float | int)
    col = header.index(nsnn) + 1
    row = 1 + next(i for i, r in enumerate(rows) if len(r) > 1 and r[1] == H.FIGURES_TOTAL)
    if workspace.fake is not None:
        from sync.rules.book import column_letters
        cell = workspace.fake.cell(workspace.spreadsheet_id, H.FIGURES_TAB, f"{column_letters(col)}{row}")
        assert cell.number_format == {"type": "NUMBER", "pattern": "#,##0.0#"}
    else:
        import openpyxl
        sheet = openpyxl.load_workbook(workspace.dir / "tonghop.xlsx")[H.FIGURES_TAB]
        assert sheet.cell(row=row, column=col).number_format == "#,##0.0#"
    # a second cycle writes nothing
    again = cli("sync", "--config", workspace.config_path, "--now", DEMO_NOW)
    assert "nothing changed" in again.out


def test_a_number_cell_is_its_number_not_the_text_it_prints_as():
    """51.375 in a number cell (as Sheets and Excel store 51,375) is fifty-one and a bit; the
    same typed as text by a unit reads the Vietnamese way, as fifty-one thousand."""
    from sync.rules.answers import Answers, Questions
    from sync.rules.figures import FigureSpec, read_figures

    questions = Questions([(0, "Tỷ lệ (%)"), (1, "Số hộ")])
    spec = (FigureSpec("Tỷ lệ (%)"), FigureSpec("Số hộ"))
    assert read_figures(spec, Answers([51.375, 1.234], questions)) == (
        {"Tỷ lệ (%)": 51.375, "Số hộ": 1.234}, [])
    assert read_figures(spec, Answers(["51.375", "1.234"], questions)) == (
        {"Tỷ lệ (%)": 51375.0, "Số hộ": 1234.0}, [])
    assert read_figures(spec, Answers([True, 3], questions))[1]  # a tick box is not a number


def test_a_row_of_a_tab_reads_as_its_answers_would_one_by_one():
    """The reader used for every row of a tab (columns found once, number cells taken as they
    are) gives what reading each answer on its own gives: short rows, a question the form lacks,
    text with invisible characters, and number cells at and past the bounds."""
    import math

    from sync.rules.answers import Answers, Questions
    from sync.rules.figures import FigureReader, FigureSpec
    from sync.rules.numbers import LIMIT, NumberError, read_number
    from sync.rules.text import header_key

    questions = Questions([(0, "Đơn vị"), (2, "Số thu (triệu đồng)"), (3, "Số hộ")])
    specs = (FigureSpec("Số thu (triệu đồng)"), FigureSpec("số  HỘ"), FigureSpec("Không có"))
    rows = [["P01", None, 12.5, 3], ["P01", None, "2,5 tỷ"], ["P01"], ["P01", None, -0.0, True],
            ["P01", None, "\u200b1.234\u00a0", " 7 "], ["P01", None, math.nan, math.inf],
            ["P01", None, LIMIT, -LIMIT * 10], ["P01", None, "", None]]

    def one_by_one(row):  # each answer on its own: the number a number cell holds, else its text
        answers, values, unreadable = Answers(row, questions), {}, []
        for spec, column in zip(specs, (2, 3, None), strict=True):
            cell = row[column] if column is not None and column < len(row) else None
            number_cell = isinstance(cell, int | float) and not isinstance(cell, bool)
            try:
                number = read_number(cell if number_cell else
                                     answers.by_key(header_key(spec.question)), spec.question)
            except NumberError as err:
                unreadable.append(f"{spec.question}: không đọc được số ({err})")
                continue
            if number is not None:
                values[spec.question] = number
        return values, unreadable

    reader = FigureReader(specs)
    for row in rows:
        assert reader.read(Answers(row, questions)) == one_by_one(row), row
    assert reader.read(Answers(rows[0], questions))[0] == {"Số thu (triệu đồng)": 12.5,
                                                           "số  HỘ": 3.0}
    assert reader.read(Answers(rows[1], questions))[0] == {"Số thu (triệu đồng)": 2500.0}
    assert math.copysign(1, reader.read(Answers(rows[3], questions))[0]["Số thu (triệu đồng)"]) == 1
    assert len(reader.read(Answers(rows[5], questions))[1]) == 2  # NaN and infinity: unreadable
    assert reader.read(Answers(rows[6], questions)) == (
        {"Số thu (triệu đồng)": LIMIT}, ["số  HỘ: không đọc được số (số quá lớn (quá 10^15), "
                                         "cần kiểm tra lại)"])

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sync.rules.evaluate import evaluate_campaign, expected_units
from sync.rules.models import (
    Campaign,
    Exemption,
    Match,
    MatchKind,
    Response,
    Resubmission,
    Status,
    Unit,
    Verdict,
)
from sync.rules.timeparse import parse_deadline

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = parse_deadline("10/6/2023", HCM)
A = Unit("A", "UBND phường A", "Phường")
B = Unit("B", "UBND phường B", "Phường")
S = Unit("S", "Trường Tiểu học S", "Trường")
OFF = Unit("X", "Trường cũ", "Trường", active=False)
UNITS = [A, B, S, OFF]


def campaign(**kw):
    base = dict(code="C1", title="t", responses_tab="r", deadline=DEADLINE,
                required=("Số bài viết", "Bài viết"), unit_question="Tên đơn vị")
    return Campaign(**{**base, **kw})


def at(*args):
    return datetime(*args, tzinfo=HCM)


def resp(row, unit, when, **answers):
    full = {"Số bài viết": "2", "Bài viết": "link", **answers}
    return Response("C1", row, when, unit.name if unit else "??", full,
                    Match(MatchKind.EXACT, unit) if unit else Match(MatchKind.NONE))


def status_of(ev, unit):
    return next(s for s in ev.statuses if s.unit.code == unit.code)


def verdicts(ev):
    return {r.response.row: r.verdict for r in ev.rows}


def test_boundary_second_in_ho_chi_minh():
    ev = evaluate_campaign(campaign(), UNITS, [
        resp(2, A, at(2023, 6, 10, 23, 59, 59)),
        resp(3, B, at(2023, 6, 11, 0, 0, 0)),
    ], [], now=at(2023, 6, 20))
    assert status_of(ev, A).status is Status.ON_TIME
    late = status_of(ev, B)
    assert late.status is Status.LATE
    assert timedelta(0) < late.late_by <= timedelta(seconds=1)


def test_deadline_with_a_time_is_inclusive_to_the_second():
    c = campaign(deadline=parse_deadline("10/6/2023 17:00", HCM))
    ev = evaluate_campaign(c, UNITS, [resp(2, A, at(2023, 6, 10, 17, 0, 0)),
                                      resp(3, B, at(2023, 6, 10, 17, 0, 1))], [], at(2023, 6, 20))
    assert status_of(ev, A).status is Status.ON_TIME
    assert status_of(ev, B).status is Status.LATE
    assert status_of(ev, B).late_by == timedelta(seconds=1)


def test_pending_until_the_deadline_passes_then_overdue():
    before = evaluate_campaign(campaign(), UNITS, [], [], now=DEADLINE)
    after = evaluate_campaign(campaign(), UNITS, [], [], now=DEADLINE + timedelta(microseconds=1))
    assert {s.status for s in before.statuses} == {Status.PENDING}
    assert {s.status for s in after.statuses} == {Status.OVERDUE}
    no_deadline = evaluate_campaign(campaign(deadline=None), UNITS, [], [], now=at(2030, 1, 1))
    assert {s.status for s in no_deadline.statuses} == {Status.PENDING}


def test_incomplete_names_the_empty_required_answers():
    ev = evaluate_campaign(campaign(), UNITS, [resp(2, A, at(2023, 6, 1), **{"Bài viết": "  "})],
                           [], at(2023, 6, 20))
    st = status_of(ev, A)
    assert st.status is Status.INCOMPLETE and st.missing == ("Bài viết",)
    assert ev.rows[0].verdict is Verdict.INCOMPLETE


def test_required_question_absent_from_the_form_is_not_blamed_on_units():
    c = campaign(required=("Số bài viết", "Câu hỏi đã bị xoá"))
    ev = evaluate_campaign(c, UNITS, [resp(2, A, at(2023, 6, 1))], [], at(2023, 6, 20))
    assert status_of(ev, A).status is Status.ON_TIME


def test_latest_wins_and_older_rows_are_superseded():
    rows = [resp(2, A, at(2023, 6, 1), **{"Bài viết": ""}), resp(3, A, at(2023, 6, 12))]
    ev = evaluate_campaign(campaign(), UNITS, rows, [], at(2023, 6, 20))
    st = status_of(ev, A)
    assert st.status is Status.LATE and st.responses == 2 and st.counted.row == 3
    assert verdicts(ev) == {2: Verdict.SUPERSEDED, 3: Verdict.LATE}


def test_first_wins_when_the_campaign_says_so():
    rows = [resp(2, A, at(2023, 6, 12)), resp(3, A, at(2023, 6, 1))]  # sheet order is not time order
    ev = evaluate_campaign(campaign(resubmission=Resubmission.FIRST), UNITS, rows, [], at(2023, 6, 20))
    assert status_of(ev, A).status is Status.ON_TIME
    assert verdicts(ev) == {2: Verdict.SUPERSEDED, 3: Verdict.VALID}


def test_exemption_and_extension():
    ex = [Exemption("A", "C1", exempt=True, reason="sửa chữa"),
          Exemption("B", "C1", new_deadline=parse_deadline("15/6/2023", HCM))]
    ev = evaluate_campaign(campaign(), UNITS, [resp(2, B, at(2023, 6, 14))], ex, at(2023, 6, 20))
    assert status_of(ev, A).status is Status.EXEMPT
    assert status_of(ev, A).exemption_reason == "sửa chữa"
    assert status_of(ev, B).status is Status.ON_TIME
    assert status_of(ev, B).deadline == parse_deadline("15/6/2023", HCM)


def test_unknown_unexpected_and_untimed_rows_are_kept_and_flagged():
    c = campaign(targets=("Phường",))
    rows = [resp(2, None, at(2023, 6, 1)), resp(3, S, at(2023, 6, 1)), resp(4, A, None)]
    ev = evaluate_campaign(c, UNITS, rows, [], at(2023, 6, 20))
    assert verdicts(ev) == {2: Verdict.UNKNOWN_UNIT, 3: Verdict.NOT_EXPECTED, 4: Verdict.BAD_TIMESTAMP}
    assert {s.unit.code for s in ev.statuses} == {"A", "B"}


def test_targets_by_group_or_code_and_inactive_units_left_out():
    assert expected_units(campaign(), UNITS) == [A, B, S]
    assert expected_units(campaign(targets=("phường", "S")), UNITS) == [A, B, S]
    assert expected_units(campaign(targets=("Trường",)), UNITS) == [S]


def test_an_exemption_row_names_its_unit_by_code_or_by_name():
    from sync.rules import headers as H
    from sync.rules.book import Tab
    from sync.rules.parse import parse_exemptions
    from sync.rules.timeparse import DateOrder

    header = [H.EXEMPT_UNIT[0], H.EXEMPT_CAMPAIGN[0], H.EXEMPT_FLAG[0], H.EXEMPT_REASON[0]]
    rows = [["a", "c1", "Có", "by code"], ["ubnd phường b", "C1", "Có", "by name"],
            ["Trường Tiểu Học S", "C1", "Có", "by name, other case"], ["Nobody", "C1", "Có", ""]]
    exemptions, problems = parse_exemptions(Tab("Miễn nộp", [header, *rows], 100, 10), UNITS,
                                            [campaign()], HCM, DateOrder.DAY_FIRST)
    assert [(e.unit_code, e.reason) for e in exemptions] == [
        ("A", "by code"), ("B", "by name"), ("S", "by name, other case")]
    assert len(problems) == 1 and problems[0].row == 5

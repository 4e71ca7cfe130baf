"""Responses and verdicts kept column by column: what a position gives is what a row object
would have said, whatever form the tab's timestamps come in (a workbook's wall-clock dates, a
Google read's aware ones, text, a mix)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sync.cycle import OWNED_RESPONSE_COLUMNS
from sync.rules.book import Tab
from sync.rules.evaluate import evaluate_campaign
from sync.rules.matching import Matcher
from sync.rules.models import Campaign, CycleRows, MatchKind, Response, Responses, Verdict
from sync.rules.parse import implausible_timestamps, parse_responses
from sync.rules.timeparse import DateOrder, parse_deadline

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")
HEADER = ["Dấu thời gian", "Tên đơn vị", "Số bài viết"]
CAMPAIGN = Campaign("C1", "t", "Câu trả lời", deadline=parse_deadline("10/6/2023", HCM),
                    required=("Số bài viết",), unit_question="Tên đơn vị")
NOW = datetime(2023, 6, 20, 10, 0, tzinfo=HCM)


def _units():
    from sync.rules.models import Unit
    return [Unit("A", "UBND phường A", "Phường"), Unit("B", "UBND phường B", "Phường"),
            Unit("S", "Trường Tiểu học S", "Trường")]


def _wall(*args):  # a workbook's date cell: wall-clock time, no tzinfo
    return datetime(*args)


ROWS = [  # (timestamp as a workbook holds it, unit name, answer)
    (_wall(2023, 6, 9, 8, 0), "UBND phường A", "2"),
    ("10/06/2023 23:59:00", "UBND phường A", ""),  # later, incomplete, still on time
    (_wall(2023, 6, 11, 9, 0), "UBND phường B", "1"),  # late
    ("not a time", "UBND phường B", "3"),  # unreadable stamp: kept, never counted
    (None, None, None),  # a blank row: no response
    (_wall(2023, 6, 25, 9, 0), "Trường Tiểu học S", "4"),  # after now: reported only
    (_wall(2099, 1, 1), "Trường Tiểu học S", "5"),  # implausible: set aside
    (_wall(2023, 6, 1), "Phường không có", "1"),  # no such unit
]


def _tab(convert):
    values = [list(HEADER)] + [[convert(t), n, a] if n else [] for t, n, a in ROWS]
    return Tab("Câu trả lời", values, 1000, 26)


def _evaluate(tab):
    matcher = Matcher(_units())
    responses, problems = parse_responses(tab, CAMPAIGN, HCM, DateOrder.DAY_FIRST,
                                          OWNED_RESPONSE_COLUMNS, match=matcher.match)
    responses, more = implausible_timestamps(responses, tab.title, "Dấu thời gian", NOW)
    return responses, evaluate_campaign(CAMPAIGN, _units(), responses, [], NOW), problems + more


def _seen(responses, evaluation):
    rows = [(r.response.row, r.verdict, r.missing, r.late_by, r.response.submitted_at,
             r.response.unit_text, r.response.match.kind, dict(r.response.answers))
            for r in evaluation.rows]
    statuses = [(s.unit.code, s.status, s.submitted_at, s.late_by, s.missing, s.responses)
                for s in evaluation.statuses]
    return rows, statuses


def test_wall_clock_aware_and_foreign_zone_stamps_give_the_same_verdicts():
    def aware(value):  # a Google read: aware datetimes in the spreadsheet's zone
        return value.replace(tzinfo=HCM) if isinstance(value, datetime) else value

    def foreign(value):  # a spreadsheet kept in UTC: the same moments, another zone
        return aware(value).astimezone(UTC) if isinstance(value, datetime) else value

    seen = [_seen(*_evaluate(_tab(convert))[:2]) for convert in (lambda v: v, aware, foreign)]
    assert seen[0] == seen[1] == seen[2]
    rows, statuses = seen[0]
    assert [r[0] for r in rows] == [2, 3, 4, 5, 7, 8, 9]  # the blank row 6 is no response
    assert {r[0]: r[1] for r in rows} == {
        2: Verdict.SUPERSEDED, 3: Verdict.INCOMPLETE, 4: Verdict.LATE,
        5: Verdict.BAD_TIMESTAMP, 7: Verdict.AFTER_NOW, 8: Verdict.AFTER_NOW,  # 8: set aside
        9: Verdict.UNKNOWN_UNIT}
    assert all(r[4] is None or r[4].tzinfo is HCM for r in rows)  # aware, in the office's zone
    assert rows[1][4] == datetime(2023, 6, 10, 23, 59, tzinfo=HCM)


def test_a_position_is_what_a_row_object_would_say():
    responses, evaluation, _ = _evaluate(_tab(lambda v: v))
    by_hand = Responses.of("C1", list(responses))  # the same responses, as objects
    again = evaluate_campaign(CAMPAIGN, _units(), list(responses), [], NOW)
    assert _seen(by_hand, again) == _seen(responses, evaluation)
    assert [r.row for r in by_hand] == list(responses.rows)
    rows = CycleRows([evaluation.rows])
    assert len(rows) == len(evaluation.rows) == len(list(rows))
    assert rows[-1] == evaluation.rows[len(rows) - 1]
    assert rows.verdict_count(Verdict.BAD_TIMESTAMP) == 1  # and the 2099 one: AFTER_NOW
    assert [r.response.row for r in rows.with_verdict(Verdict.UNKNOWN_UNIT)] == [9]
    assert [r.response.row for r in rows.matched({MatchKind.NONE})] == [9]
    assert len(rows.of("no such campaign")) == 0


def test_responses_given_as_objects_in_any_order_are_evaluated_in_sheet_order():
    a = _units()[0]
    from sync.rules.models import Match
    match = Match(MatchKind.EXACT, a)
    first = Response("C1", 5, datetime(2023, 6, 9, tzinfo=HCM), a.name, {"Số bài viết": "1"}, match)
    second = Response("C1", 2, datetime(2023, 6, 9, tzinfo=HCM), a.name, {"Số bài viết": "2"}, match)
    evaluation = evaluate_campaign(CAMPAIGN, _units(), [first, second], [], NOW)
    # the same moment twice: the lower sheet row is the earlier submission, the later one counts
    assert {r.response.row: r.verdict for r in evaluation.rows} == {2: Verdict.SUPERSEDED,
                                                                    5: Verdict.VALID}
    assert evaluation.statuses[0].late_by is None
    assert evaluation.statuses[0].submitted_at == datetime(2023, 6, 9, tzinfo=HCM)


def test_a_late_submission_is_late_by_the_same_whatever_the_stamps_form():
    late = [r for r in _seen(*_evaluate(_tab(lambda v: v))[:2])[0] if r[1] is Verdict.LATE]
    assert late[0][3] == datetime(2023, 6, 11, 9, tzinfo=HCM) - CAMPAIGN.deadline  # ~9 hours

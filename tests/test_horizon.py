"""The horizon (sync/rules/horizon.py): the first moment after ``now`` at which the same books
could give another result; and, checked against the demo, that no ``now`` before it does."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from sync.backends import open_backend
from sync.config import load_config
from sync.cycle import plan_writes, read_state
from sync.rules import headers as H
from sync.rules.book import Tab
from sync.rules.horizon import TICK, next_change, next_midnight, response_stamps, set_aside_stamps
from sync.rules.models import Campaign, Exemption, Status, Unit, UnitStatus
from sync.rules.parse import FUTURE_SLACK
from sync.rules.reminders import due_reminders
from sync.unattended.job import LEDGER_NAME
from sync.unattended.ledger import Ledger

from .conftest import DEMO_NOW

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2023, 6, 20, 10, 0, tzinfo=TZ)
DEADLINE = datetime(2023, 6, 30, 23, 59, 59, 999999, tzinfo=TZ)


def campaign(reminders: str = "", deadline: datetime | None = DEADLINE) -> Campaign:
    return Campaign("C1", "Đợt 1", "Tab", "", deadline,
                    extra={H.CAMPAIGN_REMINDERS[0]: reminders} if reminders else {})


def status(c: Campaign, state: Status = Status.PENDING, deadline: datetime | None = DEADLINE) -> UnitStatus:
    return UnitStatus(c, Unit("U1", "Phường 1", "Phường"), state, deadline)


def test_the_first_instant_after_a_deadline():
    c = campaign()
    on_the_day = datetime(2023, 6, 30, 8, tzinfo=TZ)
    assert next_change(on_the_day, campaigns=[c], statuses=[status(c)], tz=TZ) == DEADLINE + TICK
    # at the deadline itself the unit is still pending: the change is the instant after
    assert next_change(DEADLINE, campaigns=[c], tz=TZ) == DEADLINE + TICK
    assert next_change(DEADLINE + TICK, campaigns=[c], tz=TZ) is None


def test_an_exemption_deadline_counts_before_the_campaign_one():
    c = campaign()
    extended = datetime(2023, 6, 25, 17, 0, tzinfo=TZ)
    granted = Exemption("U1", "C1", new_deadline=extended)
    that_day = datetime(2023, 6, 25, 8, tzinfo=TZ)
    assert next_change(that_day, campaigns=[c], exemptions=[granted], tz=TZ) == extended + TICK
    # and through the unit's status, which carries its own deadline
    assert next_change(NOW, statuses=[status(c, deadline=extended)], tz=TZ) == extended + TICK


def test_the_chat_message_counts_days_so_each_midnight_before_a_deadline_counts():
    c = campaign()
    assert next_change(NOW, campaigns=[c], tz=TZ) == datetime(2023, 6, 21, tzinfo=TZ)
    on_the_day = datetime(2023, 6, 30, 8, tzinfo=TZ)
    assert next_change(on_the_day, campaigns=[c], tz=TZ) == DEADLINE + TICK  # no more midnights


def test_no_deadline_no_stamp_nothing_ever_moves():
    c = campaign(deadline=None)
    assert next_change(NOW, campaigns=[c], statuses=[status(c, deadline=None)], tz=TZ) is None


def test_a_stamp_in_the_future_counts_from_its_moment():
    later = NOW + timedelta(hours=2)
    assert next_change(NOW, stamps=[later], tz=TZ) == later
    # far ahead: it becomes plausible (an AFTER_NOW row) FUTURE_SLACK before its moment
    far = NOW + FUTURE_SLACK + timedelta(days=3)
    assert next_change(NOW, stamps=[far], tz=TZ) == far - FUTURE_SLACK
    assert next_change(NOW, stamps=[NOW - timedelta(days=1)], tz=TZ) is None  # the past: nothing


def test_reminder_moments_and_their_catch_up():
    c = campaign("-3; +1")
    catch_up = timedelta(hours=72)
    at_minus_3 = datetime(2023, 6, 27, 0, 0, tzinfo=TZ)  # a day offset: from 00:00 of that day
    got = next_change(NOW, statuses=[status(c)], tz=TZ, catch_up=catch_up)
    assert got == at_minus_3
    assert next_change(at_minus_3, statuses=[status(c)], tz=TZ, catch_up=catch_up) \
        == at_minus_3 + catch_up + TICK
    # reminders off, or a unit already done: only the deadline
    assert next_change(NOW, statuses=[status(c)], tz=TZ) == DEADLINE + TICK
    assert next_change(NOW, statuses=[status(c, Status.ON_TIME)], tz=TZ,
                       catch_up=catch_up) == DEADLINE + TICK
    # an offset that cannot be read is never due (and reported elsewhere)
    bad = campaign("soon")
    assert next_change(NOW, statuses=[status(bad)], tz=TZ, catch_up=catch_up) == DEADLINE + TICK


def test_drafts_on_sync_move_at_local_midnight():
    assert next_change(NOW, tz=TZ, dated=True) == datetime(2023, 6, 21, tzinfo=TZ)
    assert next_midnight(datetime(2023, 6, 20, 17, 30, tzinfo=ZoneInfo("UTC")), TZ) \
        == datetime(2023, 6, 22, tzinfo=TZ)  # 00:30 on the 21st in Hanoi already


def test_set_aside_stamps_are_read_again_from_their_cells():
    tab = Tab("Câu trả lời", [["Dấu thời gian", "Tên đơn vị"], ["20/9/2023 08:00:00", "P1"],
                              ["hôm qua", "P2"], [], ["21/6/2023 08:00:00", "P3"]], 10, 2)
    assert set_aside_stamps(tab, [2, 3, 4, 9], TZ) == [datetime(2023, 9, 20, 8, 0, tzinfo=TZ)]
    assert set_aside_stamps(Tab("x", [["a"]], 1, 1), [2], TZ) == []


# --- the property, on the demo -------------------------------------------------------------------
def _add_responses(path, rows) -> None:
    workbook = openpyxl.load_workbook(path)
    tab = workbook["Câu trả lời biểu mẫu 3"]  # PCCC, deadline 30/6
    for stamp, name in rows:
        tab.append([stamp, "x@example.com", name, "Người A", "0900000000", 3, 40, "Tốt"])
    workbook.save(path)


def _result(config, backend, now):
    state = read_state(config, backend, now)
    with Ledger.open(config.data_path / LEDGER_NAME, read_only=True) as ledger:
        due = due_reminders(state.statuses, ledger.sent_offsets(), now, config.tz,
                            timedelta(hours=config.reminders.catch_up_hours))
    seen = ([(s.campaign.code, s.unit.code, s.status, s.submitted_at, s.late_by, s.missing)
             for s in state.statuses],
            [(r.response.campaign_code, r.response.row, r.verdict) for r in state.rows],
            [d.key for d in due])
    return state, seen


def _horizon(config, state):
    stamps, without = response_stamps(state.rows, state.now)
    for c in state.campaigns:
        stamps += set_aside_stamps(state.books[c.spreadsheet].find_tab(c.responses_tab),
                                   without.get(c.code, []), config.tz, config.order)
    return next_change(state.now, campaigns=state.campaigns, exemptions=state.exemptions,
                       statuses=state.statuses, stamps=stamps, tz=config.tz,
                       catch_up=timedelta(hours=config.reminders.catch_up_hours))


def test_no_now_before_the_horizon_changes_the_result(cli, demo_dir):
    """A demo with a response an hour ahead and one six weeks ahead (set aside): from several
    anchors, every ``now`` before the horizon gives the anchor's statuses, verdicts, due
    reminders and (the sheet being settled at the first anchor) an empty plan; past the
    horizon something does change, sooner or later."""
    path = demo_dir / "tonghop.xlsx"
    _add_responses(path, [("20/6/2023 11:00:00", "Phường Hạ Đình"),
                          ("2/8/2023 09:00:00", "Phường Khương Trung")])
    for _ in range(3):  # settle the sheet at the first anchor
        assert cli("sync", "--config", str(demo_dir / "config.toml"), "--now", DEMO_NOW).code == 0
    config = load_config(demo_dir / "config.toml")
    backend = open_backend(config)
    rng = random.Random(12)
    anchor = datetime.fromisoformat(DEMO_NOW).replace(tzinfo=TZ)
    horizons = []
    for step in range(24):  # (the midnights before the deadlines are steps too: the chat)
        state, seen = _result(config, backend, anchor)
        if step == 0:
            assert plan_writes(config, state) == {}
        horizon = _horizon(config, state)
        if horizon is None and step > 12:  # nothing ahead any more
            break
        assert horizon is not None and horizon > anchor
        horizons.append(horizon)
        # (a timedelta times a float rounds to the microsecond: kept below the horizon)
        probes = [min(anchor + (horizon - anchor) * rng.random(), horizon - TICK) for _ in range(8)]
        probes += [anchor, horizon - TICK]
        for now in probes:
            later, seen_later = _result(config, backend, now)
            assert seen_later == seen, now
            if step == 0:
                assert plan_writes(config, later) == {}, now
        anchor = horizon
    assert horizons[0] == datetime(2023, 6, 20, 11, 0, tzinfo=TZ)  # the stamp an hour ahead
    # the deadline extended to 20/6 23:59:59.999999, then the reminders of 27/6 (-3 from 30/6)
    assert datetime(2023, 6, 21, tzinfo=TZ) in horizons
    # the stamp of 2/8 (set aside as implausible) is counted as AFTER_NOW from 2/7
    assert datetime(2023, 8, 2, 9, 0, tzinfo=TZ) - FUTURE_SLACK in horizons


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(seconds=1)])
def test_the_horizon_is_where_an_overdue_appears(offset):
    c = campaign()
    s = status(c)
    assert next_change(DEADLINE - offset, statuses=[s], tz=TZ) == DEADLINE + TICK

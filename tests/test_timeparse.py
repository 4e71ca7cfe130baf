from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sync.rules.timeparse import (
    DateOrder,
    TimeParseError,
    format_duration,
    format_vn,
    parse_deadline,
    parse_moment,
    to_serial,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args):
    return datetime(*args, tzinfo=HCM)


@pytest.mark.parametrize("text, expected", [
    ("10/6/2023 9:05:03", at(2023, 6, 10, 9, 5, 3)),         # vi_VN Forms display
    ("10/06/2023 17:00", at(2023, 6, 10, 17, 0)),
    ("2023-06-10T09:05:03", at(2023, 6, 10, 9, 5, 3)),       # ISO, local time
    ("2023-06-10T02:05:03+00:00", at(2023, 6, 10, 9, 5, 3)),  # ISO with offset
    ("2023-06-10 09:05:03", at(2023, 6, 10, 9, 5, 3)),
])
def test_day_first_and_iso(text, expected):
    assert parse_moment(text, HCM).at == expected


def test_month_first_when_configured():
    assert parse_moment("6/10/2023 9:05:03", HCM, DateOrder.MONTH_FIRST).at == at(2023, 6, 10, 9, 5, 3)
    assert parse_moment("6/10/2023 9:05:03", HCM).at == at(2023, 10, 6, 9, 5, 3)


def test_serial_numbers_are_wall_clock_in_the_timezone():
    serial = to_serial(at(2023, 6, 10, 23, 59, 59), HCM)
    assert parse_moment(serial, HCM).at == at(2023, 6, 10, 23, 59, 59)
    assert parse_moment(45087, HCM).at == at(2023, 6, 10)
    assert parse_moment("45087.5", HCM).at == at(2023, 6, 10, 12)


def test_excel_datetimes_are_local():
    assert parse_moment(datetime(2023, 6, 10, 8, 0), HCM).at == at(2023, 6, 10, 8)


@pytest.mark.parametrize("bad", ["", "31/02/2023", "hôm qua", "13/13/2023 10:00", True])
def test_bad_timestamps_raise_with_the_text(bad):
    with pytest.raises(TimeParseError):
        parse_moment(bad, HCM)


def test_date_only_deadline_is_the_end_of_that_day():
    deadline = parse_deadline("10/6/2023", HCM)
    assert at(2023, 6, 10, 23, 59, 59) <= deadline < at(2023, 6, 11)
    assert parse_deadline("10/6/2023 17:00", HCM) == at(2023, 6, 10, 17)


def test_deadline_in_utc_terms():
    # 23:59:59 in Hà Nội is 16:59:59 UTC: a server clock in UTC must not shift the day
    deadline = parse_deadline("10/6/2023", HCM)
    assert deadline.astimezone(ZoneInfo("UTC")).hour == 16


def test_formatting():
    assert format_vn(at(2023, 6, 5, 7, 3), HCM) == "05/06/2023 07:03"
    assert format_duration(timedelta(days=2, hours=3, minutes=5)) == "2 ngày 3 giờ"
    assert format_duration(timedelta(minutes=45)) == "45 phút"
    assert format_duration(timedelta(seconds=1)) == "dưới 1 phút"

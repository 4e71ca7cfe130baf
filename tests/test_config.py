import pytest

from sync.config import load_config
from sync.errors import ConfigError


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path):
    config = load_config(write(tmp_path, ""))
    assert config.timezone == "Asia/Ho_Chi_Minh"
    assert config.backend.kind == "local"
    assert config.resolve(config.backend.workbook) == tmp_path / "tonghop.xlsx"
    assert config.tabs.status == "Trạng thái"


def test_full_file(tmp_path):
    config = load_config(write(tmp_path, """
timezone = "Asia/Bangkok"
date_order = "mdy"
[backend]
kind = "google"
spreadsheet = "abc"
timeout_seconds = 30
[organization]
place = "Khương Đình"
recipients = ["A", "B"]
[tabs]
roster = "Danh sách đơn vị"
"""))
    assert config.backend.timeout_seconds == 30.0
    assert config.organization.recipients == ["A", "B"]
    assert config.tabs.roster == "Danh sách đơn vị"


@pytest.mark.parametrize("text, words", [
    ("timezon = 'x'", ["timezon", "unknown"]),
    ("[backend]\nkindd = 'local'", ["backend.kindd", "[backend]"]),
    ("[organization]\nrecipients = 'A'", ["organization.recipients", "list"]),
    ("[backend]\ntimeout_seconds = 'soon'", ["backend.timeout_seconds", "number"]),
    ("[reports]\non_sync = 1", ["reports.on_sync", "true or false"]),
    ("timezone = 'Mars/Base'", ["timezone", "Mars/Base"]),
    ("[backend]\nkind = 'google'", ["backend.spreadsheet"]),
    ("[schedule]\nreport_at = '25:00'", ["schedule.report_at", "HH:MM"]),
    ("backend = 3", ["backend", "table"]),
    ("x = [", ["not valid TOML"]),
])
def test_errors_name_the_file_and_the_key(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert str(path) in message
    for word in words:
        assert word in message


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")

"""The sync lock: one holder at a time across processes, a readable "already running" message,
and no stale lock after the holder dies (the OS drops it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sync.errors import ConfigError, ExitCode, LockedError
from sync.unattended.lock import LOCK_NAME, SyncLock, read_holder

ROOT = Path(__file__).resolve().parents[1]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2023, 6, 20, 10, 0, tzinfo=TZ)

HOLDER = textwrap.dedent("""
    import sys
    from datetime import datetime
    from pathlib import Path
    from zoneinfo import ZoneInfo
    from sync.unattended.lock import SyncLock

    lock = SyncLock(Path(sys.argv[1]), datetime(2023, 6, 20, 9, 55, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    lock.acquire()
    print("locked", flush=True)
    sys.stdin.read()  # hold until the test closes stdin or kills us
""")


@pytest.fixture
def holder(tmp_path):
    """A child process holding the lock on tmp_path/data."""
    data = tmp_path / "data"
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(data)], cwd=ROOT,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    yield child, data
    if child.poll() is None:
        child.kill()
    child.wait(timeout=30)


def test_a_second_holder_is_refused_with_the_holders_pid(holder):
    child, data = holder
    with pytest.raises(LockedError) as caught:
        SyncLock(data, NOW).acquire()
    message = str(caught.value)
    assert f"pid {child.pid} since 09:55" in message
    assert "already running" in message
    assert caught.value.exit_code == ExitCode.LOCKED == 6


def test_killed_holder_leaves_no_stale_lock(holder):
    child, data = holder
    assert read_holder(data / LOCK_NAME).pid == child.pid
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert (data / LOCK_NAME).exists()  # the file stays; the OS lock died with the process

    with SyncLock(data, NOW):
        holder_now = read_holder(data / LOCK_NAME)
        assert holder_now.pid == os.getpid()
        assert holder_now.since == NOW


def test_released_lock_can_be_taken_again_and_is_cleared(tmp_path):
    data = tmp_path / "data"
    with SyncLock(data, NOW), pytest.raises(LockedError):  # a second lock object, even in the same process
        SyncLock(data, NOW).acquire()
    assert read_holder(data / LOCK_NAME) is None
    with SyncLock(data, NOW):
        pass


def test_sync_command_exits_6_while_another_holds_the_lock(holder, demo_dir, cli):
    child, _ = holder
    # Point the demo workspace's data folder at the held lock's folder.
    config = demo_dir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'data_dir = "data"', f'data_dir = "{holder[1]}"'), encoding="utf-8")
    result = cli("sync", "--config", config, "--now", "2023-06-20T10:00")
    assert result.code == 6
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert f"another sync is already running (pid {child.pid} since 09:55)" in lines[0]


def test_an_unusable_data_folder_is_a_config_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match="data_dir"):
        SyncLock(blocker / "data", NOW).acquire()

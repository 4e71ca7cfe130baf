"""The bar of a long write (issue 20): on a terminal a first sync shows its percentage and rows
(local: the worksheets' rows as the save streams them; Google: the cells of the values requests);
under cron or in a pipe nothing at all."""

from __future__ import annotations

import io
import re

from sync.config import load_config
from sync.progress import Progress
from sync.rules.timeparse import parse_moment
from sync.unattended.job import sync_once
from tests.conftest import DEMO_NOW


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def first_sync(config_path, stream) -> str:
    config = load_config(config_path)
    outcome = sync_once(config, parse_moment(DEMO_NOW, config.tz).at, progress=Progress(stream))
    assert outcome.exit_code == 0 and outcome.result.written
    return stream.getvalue()


def test_a_first_local_sync_shows_the_rows_it_saves(demo_dir):
    shown = first_sync(demo_dir / "config.toml", Terminal())
    assert re.search(r"writing tonghop\.xlsx: 100%\|#+\| (\d+)/\1 rows \[", shown), shown
    assert "100%" in shown and shown.endswith("\r\x1b[K")  # the bar goes, the line is cleared


def test_a_first_google_sync_shows_the_cells_it_sends(google_workspace):
    shown = first_sync(google_workspace.config_path, Terminal())
    assert re.search(r"writing the control spreadsheet[^:]*: 100%\|#+\| (\d+)/\1 cells \[", shown), shown


def test_nothing_is_shown_off_a_terminal(demo_dir):
    assert first_sync(demo_dir / "config.toml", io.StringIO()) == ""

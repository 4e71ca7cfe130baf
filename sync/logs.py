"""Where log records go.

- The log file (``<data_dir>/logs/tonghop.log``, see :func:`sync.unattended.job.file_logging`)
  gets everything from INFO up, each line stamped with its UTC offset.
- stderr gets what the command does not print itself: errors, and other libraries' warnings
  (with ``-v``, everything from INFO up). A record logged with ``extra=SHOWN`` is one the
  command also prints as its own one-line message: it goes to the file only, so stderr never
  says the same thing twice.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
SHOWN = {"shown": True}


class OffsetFormatter(logging.Formatter):
    """``2023-06-20T10:00:00.123+07:00 INFO ...``: the offset makes a line unambiguous across a
    server in UTC, a clerk in Hanoi and a summer-time laptop."""

    def __init__(self, tz: tzinfo | None = None):
        super().__init__(FORMAT)
        self.tz = tz  # None: the machine's local zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        moment = datetime.fromtimestamp(record.created, self.tz)
        return (moment if self.tz else moment.astimezone()).isoformat(timespec="milliseconds")


class ForConsole(logging.Filter):
    """What stderr shows: nothing the command prints itself (SHOWN); of our own records only
    errors unless ``verbose`` (a retry's "retry 2 in 1.4 s" is progress, not a second
    problem: it stays in the log file and shows with -v)."""

    OURS = ("sync", "reports")

    def __init__(self, verbose: bool):
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "shown", False):
            return False
        ours = record.name.split(".", 1)[0] in self.OURS
        return self.verbose or not ours or record.levelno >= logging.ERROR


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record arrives (tests capture it)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


@contextmanager
def console_logging(verbose: bool) -> Iterator[logging.Handler]:
    """stderr logging for one command: see :class:`ForConsole`; INFO and up with ``verbose``."""
    handler = _Stderr()
    handler.setFormatter(OffsetFormatter())
    handler.addFilter(ForConsole(verbose))
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)

"""One exception base; a subclass per failure a user can fix.

Each carries an exit code so the command line (and cron) can tell them apart.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass


class ExitCode:
    OK = 0
    USAGE = 2
    CONFIG = 3
    ACCESS = 4
    CYCLE = 5
    LOCKED = 6
    WORKBOOK_OPEN = 7


class TonghopError(Exception):
    """Base of every error the tool reports to a user as one line."""

    exit_code = ExitCode.CYCLE


class UsageError(TonghopError):
    """A command-line option is wrong."""

    exit_code = ExitCode.USAGE


class ConfigError(TonghopError):
    """IT's config file is wrong: names the file and the key."""

    exit_code = ExitCode.CONFIG


class AccessError(TonghopError):
    """A spreadsheet, tab, header or key file cannot be reached; the message says what to do."""

    exit_code = ExitCode.ACCESS


class BackendError(TonghopError):
    """The backend failed mid-cycle (e.g. retries exhausted); nothing was written half-way."""

    exit_code = ExitCode.CYCLE


class DiskFullError(TonghopError):
    """The disk (or the user's quota) is full: nothing more was written."""

    exit_code = ExitCode.CYCLE


DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
SQLITE_FULL = 13  # sqlite3.SQLITE_FULL: "database or disk is full"


def is_disk_full(err: BaseException) -> bool:
    """An OSError of a full disk or quota, or SQLite's "database or disk is full"."""
    if isinstance(err, OSError):
        return err.errno in DISK_FULL
    return getattr(err, "sqlite_errorcode", None) == SQLITE_FULL


def disk_full(err: BaseException, what: str) -> DiskFullError:
    """The one line for a full disk met while ``what`` (e.g. "sync cycle")."""
    where = f" writing {err.filename}" if getattr(err, "filename", None) else ""
    reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
    return DiskFullError(f"{what}: no space left on the disk{where} ({reason}); nothing more was "
                         "written: free some space and run it again")


class LockedError(TonghopError):
    """Another sync holds the lock."""

    exit_code = ExitCode.LOCKED


class WorkbookOpen(TonghopError):
    """The local workbook is open in Excel or LibreOffice (locked on Windows, or a lock file
    beside it): nothing was written; the next sync writes once it is closed."""

    exit_code = ExitCode.WORKBOOK_OPEN


@dataclass(frozen=True)
class Problem:
    """A row staff got wrong, or a response the tool could not place.

    Problems never stop a cycle: they are reported in the sync log and on stdout.
    """

    tab: str
    row: int | None  # 1-based sheet row, as staff see it
    column: str | None  # the header as staff see it
    message: str
    blocking: bool = False  # a campaign was skipped, or its form lacks a column it names

    def __str__(self) -> str:
        where = f"tab '{self.tab}'"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"

"""One exception base; a subclass per failure a user can fix.

Each carries an exit code so the command line (and cron) can tell them apart.
"""

from __future__ import annotations

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

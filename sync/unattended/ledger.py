"""The reminder ledger: a small SQLite file in the data folder that outlives the process.
Receipts (sync/rules/receipts.py) are rows of it too, their offset ``receipt@<response time>``:
the same claim, the same two phases, the same bounds.

One row per reminder, UNIQUE(campaign, unit, deadline, offset): a reminder is *claimed* (inserted)
before anything goes out, so overlapping or repeated cycles, cron and ``run`` alike, can never
claim it twice. The deadline is part of the key: an extension is a new deadline with its own
reminders.

Sending is two-phase. ``attempts`` counts sends that may have reached the SMTP server: it is
committed *before* the message goes out, and rolled back when the server refused it (so nothing
went out). After the server accepts, the row becomes ``sent``. A crash between the server's
acceptance and that update leaves a ``claimed`` row with one attempt: the next cycle sends it again,
once. A row that reaches two uncertain attempts is marked failed, never sent a third time. So a
unit gets a reminder at most twice (only after a crash at that exact moment), never lost silently.

A temporary refusal (SMTP 4xx, e.g. 451 greylisting) or a server that cannot be reached counts a
*deferral* instead: the reminder waits for the next cycle, up to ``MAX_DEFERRALS`` times, then is
marked failed. A 5xx refusal is final at once.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sync.errors import AccessError, is_disk_full
from sync.rules.sent import Entry, State

__all__ = ["Claim", "Entry", "Ledger", "State", "MAX_DEFERRALS", "MAX_UNCERTAIN"]

MAX_UNCERTAIN = 2
MAX_DEFERRALS = 12  # cycles a temporary refusal or an unreachable server is retried


@dataclass(frozen=True)
class Claim:
    """What is recorded about a reminder when it is claimed."""

    campaign: str
    unit: str
    deadline: str
    offset: str
    due_at: datetime
    unit_name: str
    status: str
    missing: str
    link: str
    email: str
    state: State


_SCHEMA = """
CREATE TABLE IF NOT EXISTS reminders (
    id INTEGER PRIMARY KEY,
    campaign TEXT NOT NULL,
    unit TEXT NOT NULL,
    deadline TEXT NOT NULL,
    offset_code TEXT NOT NULL,
    due_at TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    status TEXT NOT NULL,
    missing TEXT NOT NULL,
    link TEXT NOT NULL,
    email TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    sent_at TEXT,
    error TEXT NOT NULL DEFAULT '',
    deferrals INTEGER NOT NULL DEFAULT 0,
    UNIQUE (campaign, unit, deadline, offset_code)
);
"""
_COLUMNS = ("id, campaign, unit, deadline, offset_code, due_at, claimed_at, unit_name, status, "
            "missing, link, email, state, attempts, sent_at, error, deferrals")


class Ledger:
    """Open with :meth:`open`; every method commits before it returns."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None):
        self.db, self.path = connection, path

    @classmethod
    def open(cls, path: Path, read_only: bool = False) -> Ledger:
        """``read_only`` (dry runs): never creates or changes the file; a missing file is empty."""
        try:
            if read_only:
                if not path.exists():
                    db = sqlite3.connect(":memory:")
                else:
                    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, timeout=30, isolation_level=None)
                db.execute("PRAGMA synchronous = FULL")
            if not read_only or not path.exists():
                db.executescript(_SCHEMA)
                _add_deferrals(db)
            db.execute("SELECT count(*) FROM reminders").fetchone()
        except sqlite3.Error as err:
            if is_disk_full(err):  # not a damaged file: the caller says "free some space"
                raise
            raise AccessError(f"reminder ledger {path} cannot be opened: {err} (restore it from a "
                              "backup, or move it aside to start a new one)") from None
        return cls(db, path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- reading ---------------------------------------------------------------------------
    def sent_offsets(self) -> dict[tuple[str, str, str], set[str]]:
        """(campaign, unit, deadline) -> offsets already claimed, whatever became of them."""
        out: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for campaign, unit, deadline, offset in self.db.execute(
            "SELECT campaign, unit, deadline, offset_code FROM reminders"
            " WHERE offset_code NOT LIKE 'receipt%'"
        ):
            out[(campaign, unit, deadline)].add(offset)
        return dict(out)

    def receipts_claimed(self) -> set[tuple[str, str, str]]:
        """(campaign, unit, receipt code) of every receipt claimed, whatever became of it."""
        return set(self.db.execute("SELECT campaign, unit, offset_code FROM reminders"
                                   " WHERE offset_code LIKE 'receipt%'"))

    def entries(self) -> list[Entry]:
        """Every reminder, oldest first: what the "Nhắc nhở" tab mirrors."""
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM reminders ORDER BY claimed_at, id")
        return [_entry(row) for row in rows]

    def waiting(self) -> list[Entry]:
        """Claimed reminders whose e-mail is not confirmed."""
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM reminders WHERE state = ? ORDER BY id",
                               (State.CLAIMED.value,))
        return [_entry(row) for row in rows]

    # --- writing ---------------------------------------------------------------------------
    def claim(self, claims: Sequence[Claim], now: datetime) -> list[Entry]:
        """Insert what is not there yet, in one transaction; returns the rows this call added."""
        added: list[int] = []
        with self._transaction():
            for c in claims:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO reminders (campaign, unit, deadline, offset_code, due_at,"
                    " claimed_at, unit_name, status, missing, link, email, state)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (c.campaign, c.unit, c.deadline, c.offset, c.due_at.isoformat(),
                     now.isoformat(), c.unit_name, c.status, c.missing, c.link, c.email,
                     c.state.value),
                )
                if cursor.rowcount:
                    added.append(cursor.lastrowid)
        if not added:
            return []
        marks = ", ".join("?" * len(added))
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM reminders WHERE id IN ({marks}) ORDER BY id",
                               added)
        return [_entry(row) for row in rows]

    def begin_attempt(self, entry_id: int) -> None:
        """Committed before the e-mail goes out (see the module docstring)."""
        with self._transaction():
            self.db.execute("UPDATE reminders SET attempts = attempts + 1 WHERE id = ?", (entry_id,))

    def undo_attempt(self, entry_id: int, error: str) -> None:
        """The server refused the message: it did not go out; try again next cycle."""
        with self._transaction():
            self.db.execute("UPDATE reminders SET attempts = max(attempts - 1, 0), error = ? "
                            "WHERE id = ?", (error, entry_id))

    def defer(self, entry_id: int, error: str, counted: bool = True) -> int:
        """A temporary refusal or no connection: nothing went out (``counted``: an attempt was
        begun and is taken back); try again next cycle. Returns the deferrals so far."""
        with self._transaction():
            self.db.execute("UPDATE reminders SET attempts = max(attempts - ?, 0), error = ?, "
                            "deferrals = deferrals + 1 WHERE id = ?",
                            (1 if counted else 0, error, entry_id))
        row = self.db.execute("SELECT deferrals FROM reminders WHERE id = ?", (entry_id,)).fetchone()
        return row[0] if row else 0

    def finish(self, entry_id: int, state: State, when: datetime, error: str = "") -> None:
        with self._transaction():
            self.db.execute("UPDATE reminders SET state = ?, sent_at = ?, error = ? WHERE id = ?",
                            (state.value, when.isoformat(), error, entry_id))

    def _transaction(self):
        return _Transaction(self.db)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error): the write lock is taken up front."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, tb) -> None:
        if not kind:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:  # SQLite rolls back itself on some errors (a full disk)
            self.db.execute("ROLLBACK")


def _add_deferrals(db: sqlite3.Connection) -> None:
    """Ledgers made before deferrals were counted get the column (0 for every row)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(reminders)")}
    if "deferrals" not in columns:
        db.execute("ALTER TABLE reminders ADD COLUMN deferrals INTEGER NOT NULL DEFAULT 0")


def _entry(row: tuple) -> Entry:
    (id_, campaign, unit, deadline, offset, due_at, claimed_at, unit_name, status, missing, link,
     email, state, attempts, sent_at, error, deferrals) = row
    return Entry(
        id=id_, campaign=campaign, unit=unit, deadline=deadline, offset=offset,
        due_at=datetime.fromisoformat(due_at), claimed_at=datetime.fromisoformat(claimed_at),
        unit_name=unit_name, status=status, missing=missing, link=link, email=email,
        state=State(state), attempts=attempts,
        sent_at=datetime.fromisoformat(sent_at) if sent_at else None, error=error,
        deferrals=deferrals,
    )

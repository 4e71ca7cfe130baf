"""The no-op shortcut: a book that has not changed since the last full read is not read again;
the cycle evaluates the Book that read produced (with its own ``now``: deadlines still pass).

What "not changed" means is the backend's business, its *identity* of the book:

- Google: Drive's ``version`` of the spreadsheet, which moves with every change to the file on
  the server (a value, a tab, a sort, a format, developer metadata; the tool's own writes too).
  It is asked *before* the full read and stored with what that read got: an edit between the
  two makes the next cycle read again, never the other way round.
- Local: the workbook's size, ``st_mtime_ns`` and a hash of all its bytes (local.py says why the
  hash as well).

What is kept is the finished Book (after timestamps are localised and tabs trimmed), not the raw
answers: loading it is the whole cost of a no-op read. One file per book,
``<folder>/<key>.pickle``, written atomically with mode 0600, holding two pickles: a small
header (format, identity), then the Book as plain tuples and lists of cell values (str, int,
float, bool, None, datetime), plus what the backend needs for a write (Google: the metadata
answer). A stale file is told by its header alone, without loading the values. Pickle, because
tonghop writes these files itself into its own data folder (never anything a unit or a
colleague hands over) and it loads ~5x faster than the JSON it replaces (docs/performance.md).
A damaged or unreadable file, or one from another version of tonghop, only costs a full read.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sync
from sync.backends.files import write_atomically
from sync.gc_pause import gc_paused
from sync.rules.book import Book, Tab

__all__ = ["FORMAT", "BookCache", "Kept", "identity_text"]

# Bump when what a read produces changes shape or meaning: older files are then ignored.
FORMAT = f"tonghop-book/3 {sync.__version__}"  # 3: a tab's merged ranges
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kept:
    book: Book
    extra: Any  # what the backend stored beside the Book (Google: the metadata answer)


class BookCache:
    """``{key: (identity, the Book of the full read at that identity)}`` in one folder."""

    suffix = ".pickle"

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, key: str) -> Path:
        # keys are spreadsheet ids ([A-Za-z0-9_-]+, checked before a read) or hex digests
        return self.folder / f"{key}{self.suffix}"

    def get(self, key: str, identity: object) -> Kept | None:
        """The Book stored for ``key`` if it was read at ``identity``; else None."""
        path = self._path(key)
        try:
            with path.open("rb") as handle:
                header = pickle.load(handle)
                if not isinstance(header, dict) or header.get("format") != FORMAT \
                        or header.get("identity") != identity:
                    return None
                with gc_paused():
                    plain, extra = pickle.load(handle)
            book = _book(plain)
            book.identity = identity_text(key, identity)
            return Kept(book, extra)
        except FileNotFoundError:
            return None
        except Exception as err:  # noqa: BLE001 - truncated, damaged, foreign: pickle raises
            # anything (EOFError, UnpicklingError, AttributeError, ...); a full read fixes it all
            log.info("ignoring %s (%s): reading in full", path, type(err).__name__)
            return None

    def put(self, key: str, identity: object, book: Book, extra: Any = None) -> None:
        """Keep ``book`` as read at ``identity``, replacing whatever was kept for ``key``; the
        Book now carries that identity (``Book.identity``), kept or not."""
        book.identity = identity_text(key, identity)
        header = {"format": FORMAT, "identity": identity}

        def write(handle) -> None:
            pickle.dump(header, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump((_plain(book), extra), handle, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            write_atomically(self._path(key), write, mode=0o600)
        except (OSError, pickle.PicklingError) as err:  # an optimisation: never fail a cycle
            log.info("cannot keep the read of %s in %s (%s): the next cycle reads in full",
                     key, self.folder, err)
            self.forget(key)
            return
        self._forget_legacy(key)

    def forget(self, key: str) -> None:
        with contextlib.suppress(OSError):
            self._path(key).unlink()
        self._forget_legacy(key)

    def _forget_legacy(self, key: str) -> None:
        legacy = self.folder / key  # tonghop-google-read/1: <id>/<version>.json, the raw answers
        if legacy.is_dir():
            for path in legacy.glob("*.json"):
                with contextlib.suppress(OSError):
                    path.unlink()
            with contextlib.suppress(OSError):
                legacy.rmdir()


def identity_text(key: str, identity: object) -> str:
    """``Book.identity``: the contents a key and an identity name (the same for a kept Book, for
    the full read it was kept from, and for ``Backend.book_identity`` asked without a read)."""
    return f"{key} {identity}"


def _plain(book: Book) -> tuple:
    tabs = [(t.title, t.values, t.rows, t.cols, t.sheet_id, t.merges) for t in book.tabs.values()]
    return book.ref, book.title, book.time_zone, book.locale, tabs


def _book(plain: tuple) -> Book:
    ref, title, time_zone, locale, tabs = plain
    return Book(ref, title, {name: Tab(name, values, rows, cols, sheet_id, merges=merges)
                             for name, values, rows, cols, sheet_id, merges in tabs},
                time_zone, locale)

"""The one small interface every backend implements: read a whole book, write one batch.

A *book* is a spreadsheet (Google) or a workbook file (local), named by a reference string: the
empty string is the control spreadsheet, anything else is a spreadsheet id/URL or a workbook path.
Both backends behave the same: the cycle cannot tell them apart.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from sync.rules.book import (
    NEW_TAB_SIZE,
    Book,
    Cell,
    CellColour,
    CellWrite,
    SkippedWrite,
    Tab,
    WriteBatch,
    same_value,
    trim,
)

__all__ = ["NEW_TAB_SIZE", "Backend", "Book", "Cell", "CellColour", "CellWrite", "SkippedWrite", "Tab",
           "WriteBatch", "same_value", "trim"]


class Backend(ABC):
    """Read a whole book in one batch, write one batch per book."""

    kind: str = "?"
    # told how far a long write has got: (done, total, what is counted: "rows", "cells"); set by
    # sync.progress.ProgressBackend for a write on a terminal, None otherwise
    on_progress: Callable[[int, int, str], None] | None = None

    @abstractmethod
    def read(self, ref: str = "") -> Book:
        """Every tab of the book, values and grid sizes, in one pass."""

    @abstractmethod
    def write(self, ref: str, batch: WriteBatch) -> list[SkippedWrite]:
        """Apply the batch; a no-op when it is empty. All-or-nothing as far as the store allows,
        except that a tool column whose guards fail (the sheet changed since the read) or a cell
        under a merged range is left out and returned, so it never lands on a staff cell."""

    def book_identity(self, ref: str = "") -> str | None:
        """What ``Book.identity`` of a read of the book would be now, asked without reading it
        (Google: one Drive ``files.get``; local: the file's size, time and hash); None when the
        backend cannot tell (the no-op shortcut off, Drive not allowed): then nothing may be
        skipped."""
        return None

    def describe(self, ref: str = "") -> str:
        """How to name the book in a message."""
        return ref or "the control spreadsheet"

    def refs(self, extra: Iterable[str]) -> list[str]:
        """The distinct books of a cycle: the control one first."""
        seen = {"": None}
        for ref in extra:
            seen.setdefault(self.normalise_ref(ref))
        return list(seen)

    def normalise_ref(self, ref: str) -> str:
        return ref.strip()

    def forms(self, write: bool = False):
        """The Google Forms client (``sync.backends.forms.FormsClient``), or None where there is
        no Google account (the local workbook). ``write``: with the scope to change a form."""
        return None

"""Progress on long work, shown only when stdout is a terminal (silent under cron and in pipes).

One status line, rewritten in place and cleared at the end, so a terminal shows what is being
read or written while the output that matters (the summary line) stays clean. A long write (a
first sync streaming a 100,000-row tab, or many requests to Google) shows a bar with its
percentage and rows (tqdm, the field's usual one).
"""

from __future__ import annotations

import sys
from typing import TextIO

from sync.backends.base import Backend, Book, WriteBatch
from sync.rules.text import one_line


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream if stream is not None else sys.stdout
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty()) if enabled is None else enabled
        self._shown = False
        self._bar = None  # a tqdm bar while a long write goes on

    def show(self, text: str) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K" + one_line(text, 100))
            self.stream.flush()
            self._shown = True

    def clear(self) -> None:
        self.close_bar()
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False

    def advance(self, what: str, done: int, total: int, unit: str) -> None:
        """A bar for ``what``: ``done`` of ``total`` ``unit`` ("rows", "cells")."""
        if not self.enabled or total <= 0:
            return
        bar = self._bar
        if bar is None or bar.desc != one_line(what, 50) or bar.unit != f" {unit}":
            self.close_bar()
            from tqdm import tqdm  # (only on a terminal, for a long write)

            self.stream.write("\r\x1b[K")
            self._bar = bar = tqdm(total=total, desc=one_line(what, 50), unit=f" {unit}",
                                   file=self.stream, leave=False, dynamic_ncols=True,
                                   mininterval=0.2, bar_format=_BAR)
        bar.total = max(total, done)  # (a sheet's rows are known as its turn comes)
        bar.update(max(done - bar.n, 0))
        if done >= total:
            bar.refresh()  # the last step is shown, however soon it comes

    def close_bar(self) -> None:
        bar = self._bar
        if bar is not None:
            bar.close()
            self._bar = None


_BAR = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}{unit} [{elapsed}<{remaining}]"


class ProgressBackend(Backend):
    """Any backend, telling a :class:`Progress` which book it reads or writes."""

    def __init__(self, inner: Backend, progress: Progress):
        self.inner, self.progress = inner, progress
        self.kind = inner.kind
        self.reads = 0

    def read(self, ref: str = "") -> Book:
        self.reads += 1
        self.progress.show(f"reading {self.inner.describe(ref)} ({self.reads})…")
        return self.inner.read(ref)

    def write(self, ref: str, batch: WriteBatch) -> list:
        self.progress.show(f"writing {self.inner.describe(ref)}: {batch.cell_count()} cells…")
        what = f"writing {_short(self.inner.describe(ref))}"
        self.inner.on_progress = lambda done, total, unit: self.progress.advance(what, done, total, unit)
        try:
            return self.inner.write(ref, batch)
        finally:
            self.inner.on_progress = None
            self.progress.close_bar()

    def __getattr__(self, name: str):
        # What only one backend has (Google's session for Drive, its account) stays reachable.
        return getattr(self.inner, name)

    def describe(self, ref: str = "") -> str:
        return self.inner.describe(ref)

    def normalise_ref(self, ref: str) -> str:
        return self.inner.normalise_ref(ref)

    def forms(self, write: bool = False):
        return self.inner.forms(write)


def _short(book: str) -> str:
    """A book's name for the bar: a workbook's file name, else the start of its description."""
    if book.startswith("workbook "):
        return book.replace("\\", "/").rpartition("/")[2]
    return one_line(book, 36)

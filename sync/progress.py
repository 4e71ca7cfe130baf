"""Progress on long work, shown only when stdout is a terminal (silent under cron and in pipes).

One status line, rewritten in place and cleared at the end, so a terminal shows what is being
read or written while the output that matters (the summary line) stays clean.
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

    def show(self, text: str) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K" + one_line(text, 100))
            self.stream.flush()
            self._shown = True

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


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
        self.progress.show(f"writing {batch.cell_count()} cells to {self.inner.describe(ref)}…")
        return self.inner.write(ref, batch)

    def __getattr__(self, name: str):
        # What only one backend has (Google's session for Drive, its account) stays reachable.
        return getattr(self.inner, name)

    def describe(self, ref: str = "") -> str:
        return self.inner.describe(ref)

    def normalise_ref(self, ref: str) -> str:
        return self.inner.normalise_ref(ref)

    def forms(self, write: bool = False):
        return self.inner.forms(write)

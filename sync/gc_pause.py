"""The cyclic garbage collector paused while tonghop makes many small objects at once.

A cycle (and loading a kept Book) allocates hundreds of thousands of objects that form no
reference cycles: responses, verdicts, cell writes, the cells of a book. Each burst of
allocations would make CPython's collector walk every object alive, the cells of the books just
read included, again and again, to find nothing (a quarter of the compute at 100,000 rows,
docs/performance.md). Reference counting frees everything as usual while it is paused; the
collector resumes when the work is done, or fails.

What the block made and still holds (a cycle's State, its write batches: 355,000 cells at
100,000 rows) is then moved to the oldest generation as it is, by ``gc.freeze()`` and
``gc.unfreeze()`` (two list splices). Otherwise the first allocation after the pause would walk
all of it as young objects, twice per cycle (0.05-0.1 s at 100,000 rows), to find nothing again.
A reference cycle dropped inside the block is still collected, by the next full collection.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the collector for the ``with`` block (or a function it decorates); nested pauses
    and a collector already off are left as they are. Only the main thread pauses it (`sync`,
    a one-office `run`): the multi-office loop's worker threads run cycles that overlap, and a
    collector switched off by one while the others allocate could stay off for hours there."""
    if not gc.isenabled() or threading.current_thread() is not threading.main_thread():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # everything tracked to the permanent generation...
        gc.unfreeze()  # ... and back, into the oldest: no young object left to walk
        gc.enable()

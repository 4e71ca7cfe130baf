"""The cyclic garbage collector paused while tonghop makes many small objects at once.

A cycle (and loading a kept Book) allocates hundreds of thousands of objects that form no
reference cycles: responses, verdicts, cell writes, the cells of a book. Each burst of
allocations would make CPython's collector walk every object alive, the cells of the books just
read included, again and again, to find nothing (a quarter of the compute at 100,000 rows,
docs/performance.md). Reference counting frees everything as usual while it is paused; the
collector resumes when the work is done, or fails.

After a block that made many objects (a big tab's cycle: its State, its write batches), what
is young is moved to the oldest generation as it is, by ``gc.freeze()`` and ``gc.unfreeze()``
(two list splices). Otherwise the first allocation after the pause would walk all of it as
young objects, twice per cycle (0.05-0.1 s at 100,000 rows), to find nothing again. A
reference cycle left young is then collected by the next full collection instead of the next
young one: so a block that made few objects (a small office's cycle) is left to the young
collections. Promoting after every pause kept the I/O's garbage of 126 small offices run in one
thread until full collections: 191 -> 317 MiB of peak RSS over two simulated hours
(``bench/bench_fleet.py``).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["PROMOTE_AFTER", "gc_paused"]

PROMOTE_AFTER = 20_000  # young objects worth promoting (100,000 rows: ~80,000; the demo: ~2,000)


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
        if gc.get_count()[0] > PROMOTE_AFTER:  # young containers made since the last collection
            gc.freeze()  # everything tracked to the permanent generation...
            gc.unfreeze()  # ... and back, into the oldest: no young object left to walk
        gc.enable()

"""Timing shared by the in-process benches: the median of a few runs of one function."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], repeat: int,
                   clock: Callable[[], float] = time.perf_counter) -> float:
    """Wall clock of ``fn()`` (or ``clock``'s: ``time.process_time`` for this process's CPU
    time), the median of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)

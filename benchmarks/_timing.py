"""Timing shared by the benchmarks: the best of several runs, and the last result."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(repeats: int, function: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``function`` ``repeats`` times; the fastest time (the least disturbed) and its result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result

"""Compute a derived fact once per ``ClusterData``: nodes and components are read by many checks and explain;
and a value of no cluster's (a compiled pattern) once per process, however many threads ask for it together.

The value is kept in ``data.derived`` beside the identity of the responses it was computed from, so a
response replaced afterwards (a test building data step by step, a need fetched later) is seen, never a
stale answer. Values are shared by every caller: callers must treat them as read-only.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar, cast

from kubectl_arch.collect.cluster_data import ClusterData

T = TypeVar("T")


def memo(data: ClusterData, key: str, reads: Sequence[str], compute: Callable[[ClusterData], T]) -> T:
    """``compute(data)``, computed once while the responses named in ``reads`` stay the same objects."""
    inputs = tuple(data.responses.get(name) for name in reads)
    cached = data.derived.get(key)
    if cached is not None:
        seen, value = cached
        if len(seen) == len(inputs) and all(old is new for old, new in zip(seen, inputs, strict=True)):
            return cast(T, value)
    value = compute(data)
    data.derived[key] = (inputs, value)
    return value


def once_per_process(compute: Callable[..., T]) -> Callable[..., T]:
    """``functools.cache`` that computes each value once when threads ask together: audit's clusters are analysed
    in threads, and under ``functools.cache`` each one that arrived first compiled the same regex (5 ms apiece)."""
    cached = functools.cache(compute)
    lock = threading.Lock()

    @functools.wraps(compute)
    def once(*args: Hashable) -> T:
        with lock:
            return cached(*args)

    return once

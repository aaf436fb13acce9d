"""audit_clusters with several clusters: the collector's threshold raised while they are audited, then restored."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from kubectl_arch.audit import command
from kubectl_arch.cli.options import ClusterOptions
from kubectl_arch.collect import concurrency


def test_the_collector_runs_less_often_while_several_clusters_are_audited(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, ...]] = []

    def split(items: Sequence[Any], _run: Callable[..., list[Any]], processes: int) -> list[Any]:
        seen.append(gc.get_threshold())
        return []

    monkeypatch.setattr(concurrency, "split_across_processes", split)
    before = gc.get_threshold()
    targets = [ClusterOptions().for_context(name) for name in ("a", "b")]
    assert command.audit_clusters(targets, [], None, {}) == []  # type: ignore[arg-type]
    assert seen == [(command.AUDIT_GC_THRESHOLD, *before[1:])]
    assert gc.get_threshold() == before

"""The fault matrix for trace: every read of a trace failing five ways never crashes, and is named.

Each read the fault-free trace of a sample's workloads makes fails as 500 (after retries), 403, 429,
a timeout or a truncated body. The trace either stops with one error (exit 3: the pod itself could not
be read) or its report names the failure; it never reports a changed story without saying why.
"""

from __future__ import annotations

import functools
import json

import pytest

from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.errors import ArchError, ExitCode
from kubectl_arch.trace.collect import collect_trace
from kubectl_arch.trace.render.document import trace_document
from kubectl_arch.trace.report import analyse
from kubectl_arch.trace.target import parse_target
from tests.safety.faults import FAULTS, FaultySource, MemoSource

TARGETS = ("deployment/api", "deploy/cart", "deployment/checkout")
# What each fault's message says, as the live reader words it (tests/safety/faults.py).
SIGNS = {"500": "leader changed", "403": "403", "429": "too many requests", "timeout": "timed out",
         "truncated": "truncated"}


@functools.cache
def _memo() -> MemoSource:
    return MemoSource(SampleSource(load_sample("kind-ha")))


def _document(source: object, target: str) -> str:
    report = analyse(collect_trace(source, "shop", parse_target(target)))  # type: ignore[arg-type]
    return json.dumps(trace_document(report), default=str)


@functools.cache
def _clean(target: str) -> tuple[str, tuple[str, ...]]:
    source = MemoSource(_memo())
    return _document(source, target), tuple(source.paths)


@pytest.mark.parametrize("target", TARGETS)
def test_a_failed_trace_read_never_crashes_and_is_named(target: str) -> None:
    clean, paths = _clean(target)
    for path in paths:
        for kind in FAULTS:
            where = f"{target}: {path} failing with {kind}"
            try:
                document = _document(FaultySource(_memo(), path, kind), target)
            except ArchError as exc:
                assert exc.code == ExitCode.CLUSTER_UNREADABLE, f"{where}: {exc.one_line()}"
                continue
            assert document == clean or SIGNS[kind] in document.lower(), f"{where}: changed without saying why"

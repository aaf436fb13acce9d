"""The trace invariants (tests/trace/invariants.py) over generated pod histories and over every sample.

Two sources of pods: hypothesis draws valid histories (every outcome, static and DaemonSet pods, dropped
and forbidden events, forbidden Services, clusters before and after 1.29), and every pod and every owner
of every bundled sample is traced as a user would, through the sample's API.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from kubectl_arch.collect.sample_source import SampleSource, load_sample, sample_names
from kubectl_arch.errors import ArchError
from kubectl_arch.model import raw
from kubectl_arch.trace.collect import TraceData, collect_trace
from kubectl_arch.trace.report import analyse
from kubectl_arch.trace.target import OWNER_KINDS, Target
from tests.trace.histories import histories
from tests.trace.invariants import broken, skew_within_life


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_every_generated_history_keeps_the_invariants(data: TraceData) -> None:
    report = analyse(data)
    problems = broken(report, data) + skew_within_life(report)
    assert problems == [], [(s.name, s.status.value, s.start, s.end) for s in report.stages]


def _targets(sample: Any) -> list[tuple[str, Target]]:
    """Every pod, and every object of a kind trace reads as an owner, with its namespace."""
    out = [(raw.namespace(pod), Target("Pod", raw.name(pod))) for pod in sample.store.objects("Pod")]
    for kind in OWNER_KINDS:
        out += [(raw.namespace(obj), Target(kind, raw.name(obj))) for obj in sample.store.objects(kind)]
    return out


@pytest.mark.parametrize("name", sample_names())
def test_every_pod_and_owner_of_every_sample_keeps_the_invariants(name: str) -> None:
    sample = load_sample(name)
    source = SampleSource(sample)
    failures, traced = [], 0
    for namespace, target in _targets(sample):
        try:
            data = collect_trace(source, namespace, target)
        except ArchError:
            continue  # an owner whose pods cannot be found is a clean error, covered by the no-pod tests
        traced += 1
        failures += [f"{namespace}/{target}: {problem}" for problem in broken(analyse(data), data)]
    assert traced > 0
    assert failures == []

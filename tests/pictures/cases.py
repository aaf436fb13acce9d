"""Every picture the tool can draw from its bundled data: explain maps, traces of every pod and owner, audits.

Shared by the markup tests and the browser tests, so both look at the same set.
"""

from __future__ import annotations

import functools

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import select
from kubectl_arch.audit.runner import AuditReport, run_audit
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import Sample, SampleSource, load_sample, sample_names
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.explain.analysis import ClusterMap, build_map
from kubectl_arch.trace.collect import collect_trace, collect_trace_set
from kubectl_arch.trace.report import TraceReport, TraceSet, analyse, analyse_set
from kubectl_arch.trace.target import parse_target
from tests.explain.fixtures import fixture_names, load_data

OWNER_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job")


@functools.cache
def sample(name: str) -> Sample:
    """A bundled sample loaded once per run (parsing its YAML is the slow part); never mutated here."""
    return load_sample(name)


def source(name: str) -> SampleSource:
    return SampleSource(sample(name))


@functools.cache
def sample_map(name: str) -> ClusterMap:
    return build_map(collect(source(name), [*EXPLAIN_NEEDS, "nodes-full"]))  # pictures show pressures: whole nodes


@functools.cache
def fixture_map(name: str) -> ClusterMap:
    return build_map(load_data(name))


def map_names() -> list[str]:
    """Bundled samples by name, explain's test fixtures as ``fixture:NAME``."""
    return [*sample_names(), *(f"fixture:{name}" for name in fixture_names())]


def cluster_map(name: str) -> ClusterMap:
    return fixture_map(name.split(":", 1)[1]) if name.startswith("fixture:") else sample_map(name)


@functools.cache
def trace_targets() -> list[tuple[str, str, str]]:
    """(sample, namespace, target) for every pod and every owner outside kube-system in every sample."""
    targets = []
    for name in sample_names():
        store = sample(name).store
        for kind in ("Pod", *OWNER_KINDS):
            for obj in store.objects(kind):
                meta = obj.get("metadata") or {}
                if meta.get("namespace") not in (None, "kube-system"):
                    targets.append((name, str(meta["namespace"]), f"{kind.lower()}/{meta['name']}"))
    return targets


@functools.cache
def trace_report(sample: str, namespace: str, target: str) -> TraceReport:
    return analyse(collect_trace(source(sample), namespace, parse_target(target)))


@functools.cache
def audit_report(sample: str) -> AuditReport:
    return run_audit(source(sample), select(None, False), AuditConfig(), also=EXPLAIN_NEEDS)


@functools.cache
def trace_set(sample: str, namespace: str, target: str) -> TraceSet:
    """What `trace -o svg|html` draws: the pod, or a few of the owner's pods with the others counted."""
    return analyse_set(collect_trace_set(source(sample), namespace, parse_target(target)))

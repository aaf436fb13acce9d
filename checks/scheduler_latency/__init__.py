"""scheduler-latency: how long the scheduler takes to place a pod, from its own metrics where the
cluster exposes them (EKS serves them through the API; elsewhere the tool says why it cannot read them)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import DISTRIBUTION_NEEDS, DISTRIBUTION_OPTIONAL_NEEDS
from kubectl_arch.audit.metric_readings import (
    SecurePortMetrics,
    for_eks_only,
    missing_at_window_end,
    provider_metrics_or_reason,
)
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.provider_metrics import EKS_METRICS_REFERENCE, EKS_SCHEDULER_METRICS
from kubectl_arch.model.window import Reading, windowed_quantile

ID = "scheduler-latency"
# Newest name first: one scheduling attempt (1.23+), then the end-to-end duration older schedulers report.
ATTEMPT_NAMES = ("scheduler_scheduling_attempt_duration_seconds", "scheduler_e2e_scheduling_duration_seconds")
PENDING = "scheduler_pending_pods"
# OpenShift: cluster-kube-scheduler-operator's ServiceMonitor openshift-kube-scheduler/kube-scheduler.
SELF_MANAGED = SecurePortMetrics("the scheduler", 10259, "openshift-kube-scheduler/kube-scheduler", ATTEMPT_NAMES[0])

# What to look at wherever the scheduler runs; the catalogue adds EKS's step, which findings carry on EKS only.
FIX = ("Look at the scheduler's CPU and its client throttling (--kube-api-qps/--kube-api-burst on self-managed "
       "clusters), at pods with heavy inter-pod affinity or topology spread constraints, and at "
       "scheduler_pending_pods by queue.")
META = CheckMeta(
    id=ID,
    title="The scheduler places pods quickly (p99 scheduling attempt)",
    component="kube-scheduler",
    why="Every new pod waits for the scheduler to choose its node. Kubernetes' scalability objective is a p99 "
        "pod startup within 5 s for stateless pods, and scheduling is only the first part of it: attempts "
        "that take seconds mean the scheduler is starved of CPU, throttled by the API server, or evaluating "
        "expensive constraints (inter-pod affinity and topology spread across many nodes). Pods pending "
        "while the scheduler struggles show as `Pending` with no event.",
    fix=f"{FIX} On EKS the scheduler is AWS's: open a support case with these figures if it stays slow.",
    references=("https://kubernetes.io/docs/reference/instrumentation/metrics/",
                "https://github.com/kubernetes/community/blob/master/sig-scalability/slos/slos.md",
                EKS_METRICS_REFERENCE),
    needs=(),
    optional_needs=(EKS_SCHEDULER_METRICS, *DISTRIBUTION_NEEDS, *DISTRIBUTION_OPTIONAL_NEEDS),
    thresholds={"p99_warn_seconds": 1.0, "p99_fail_seconds": 5.0, "min_window_samples": 20},
)


def _seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _scheduled(labels: Mapping[str, str]) -> bool:
    """Attempts that placed the pod (older schedulers carry no ``result`` label: every attempt counts)."""
    return labels.get("result", "scheduled") == "scheduled"


def judge(reading: Reading, thresholds: Mapping[str, Any]) -> Finding:
    name = reading.latest.first_present(f"{n}_bucket" for n in ATTEMPT_NAMES)
    if name is None:
        return Finding(ID, Status.SKIP, f"{reading.source} reports no scheduling attempts "
                       f"({' or '.join(ATTEMPT_NAMES)})", {"source": reading.source}, reading.source)
    q = windowed_quantile(reading, name.removesuffix("_bucket"), 0.99, _scheduled,
                          int(thresholds["min_window_samples"]))
    warn, fail = float(thresholds["p99_warn_seconds"]), float(thresholds["p99_fail_seconds"])
    evidence: dict[str, Any] = {**q.evidence(), "warnAboveSeconds": warn, "failAboveSeconds": fail}
    pending = {s.label("queue") or "?": int(s.value) for s in reading.latest.samples(PENDING) if math.isfinite(s.value)}
    if pending:
        evidence["pendingPods"] = pending
    basis = q.basis.sentence() if q.basis is not None else ""
    if q.value is None:
        return Finding(ID, Status.SKIP, f"{reading.source} reports no usable scheduling attempts {basis}".rstrip(),
                       evidence,
                       reading.source)
    status = Status.FAIL if q.value > fail else Status.WARN if q.value > warn else Status.PASS
    limit = fail if status == Status.FAIL else warn
    return Finding(ID, status, f"{reading.source}: p99 scheduling attempt is {_seconds(q.value)} {basis}: "
                   f"{'over' if status != Status.PASS else 'under'} {limit:g} s", evidence, reading.source)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    return for_eks_only(_evaluate(data, thresholds), data, FIX, META.references)


def _evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    reading = provider_metrics_or_reason(data, EKS_SCHEDULER_METRICS, "the scheduler's metrics", SELF_MANAGED)
    if isinstance(reading, str):
        return [Finding(ID, Status.SKIP, reading)]
    if reading.second_error is not None:
        return [missing_at_window_end(ID, reading)]
    return [judge(reading, thresholds)]

"""controller-workqueues: how much work waits in the controller manager's queues, from its own
metrics where the cluster exposes them (EKS serves them through the API)."""

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
from kubectl_arch.collect.provider_metrics import EKS_CONTROLLER_MANAGER_METRICS, EKS_METRICS_REFERENCE
from kubectl_arch.model.window import CURRENT, Basis

ID = "controller-workqueues"
DEPTH = "workqueue_depth"
# OpenShift: cluster-kube-controller-manager-operator's ServiceMonitor
# openshift-kube-controller-manager/kube-controller-manager.
SELF_MANAGED = SecurePortMetrics("the controller manager", 10257,
                                 "openshift-kube-controller-manager/kube-controller-manager", DEPTH)

# What to look at wherever the controller manager runs; the catalogue adds EKS's step, carried on EKS only.
FIX = ("Find the deep queues by name in the evidence. Check the API server's latency and etcd (etcd-disk-latency), "
       "the controller manager's client throttling (--kube-api-qps/--kube-api-burst on self-managed clusters) and "
       "whatever creates objects in bulk.")
META = CheckMeta(
    id=ID,
    title="The controller manager keeps up (work-queue depth)",
    component="kube-controller-manager",
    why="Each controller (Deployments, ReplicaSets, endpoints, nodes, garbage collection...) takes work from its "
        "own queue. A queue that stays deep means that controller falls behind: new ReplicaSets are created "
        "late, Services miss endpoints, deleted objects linger. The usual causes are client throttling "
        "towards the API server (--kube-api-qps), a slow API server or etcd, or a flood of objects.",
    fix=f"{FIX} On EKS the controller manager is AWS's: open a support case with these figures if the queues stay "
        "deep.",
    references=("https://kubernetes.io/docs/reference/instrumentation/metrics/",
                "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/",
                EKS_METRICS_REFERENCE),
    needs=(),
    optional_needs=(EKS_CONTROLLER_MANAGER_METRICS, *DISTRIBUTION_NEEDS, *DISTRIBUTION_OPTIONAL_NEEDS),
    # Items waiting in one queue at one instant: rules of thumb; a healthy controller keeps its queue near 0.
    thresholds={"depth_warn": 100, "depth_fail": 1000},
)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    return for_eks_only(_evaluate(data, thresholds), data, FIX, META.references)


def _evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    reading = provider_metrics_or_reason(data, EKS_CONTROLLER_MANAGER_METRICS, "the controller manager's metrics",
                                         SELF_MANAGED)
    if isinstance(reading, str):
        return [Finding(ID, Status.SKIP, reading)]
    if reading.second_error is not None:
        return [missing_at_window_end(ID, reading)]
    depths: dict[str, int] = {}
    for sample in reading.latest.samples(DEPTH):
        if not math.isfinite(sample.value):  # NaN or Inf is no depth: left out rather than guessed
            continue
        name = sample.label("name") or "?"
        depths[name] = depths.get(name, 0) + int(sample.value)
    if not depths:
        return [Finding(ID, Status.SKIP, f"{reading.source} reports no {DEPTH}", {"source": reading.source})]
    deepest = dict(sorted(depths.items(), key=lambda kv: (-kv[1], kv[0]))[:5])
    name, depth = next(iter(deepest.items()))
    warn, fail = int(thresholds["depth_warn"]), int(thresholds["depth_fail"])
    evidence: dict[str, Any] = {"source": reading.source, "deepestQueues": deepest, "queues": len(depths),
                                "basis": Basis(CURRENT, None).evidence()}
    status = Status.FAIL if depth >= fail else Status.WARN if depth >= warn else Status.PASS
    if status == Status.PASS:
        return [Finding(ID, status, f"{reading.source}: every one of {len(depths)} work queues holds under {warn} "
                        f"items (deepest: {name}, {depth})", evidence, reading.source)]
    return [Finding(ID, status, f"{reading.source}: work queue {name} holds {depth} items (at or over "
                    f"{fail if status == Status.FAIL else warn}): that controller is falling behind", evidence,
                    reading.source)]

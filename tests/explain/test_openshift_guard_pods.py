"""OpenShift 4.10+ guard pods are no control-plane instances: explain and audit read the cluster as without them.

Each static-pod operator (library-go's guard controller) runs a ``<prefix>-guard-<node>`` pod beside its operand
on every control-plane node: label ``app: guard``, an ordinary pod (not a mirror pod) whose readiness probe asks the
operand's health endpoint, so that a PodDisruptionBudget keeps a drain from taking down quorum. Its name starts
like the component's (``kube-apiserver-guard-master-0``) and it sits in the component's namespace; counted, a
three-master cluster would show six API servers, or a degraded one whenever a guard lags its operand.
"""

from __future__ import annotations

import json
from typing import Any

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import select
from kubectl_arch.audit.runner import run_audit
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.explain.render.document import cluster_map_data
from tests.explain.fixtures import sample_data

# (namespace, the operator's pod-name prefix): the names library-go gives them, "<prefix>-guard-<node>".
GUARDED = [("openshift-kube-apiserver", "kube-apiserver"), ("openshift-etcd", "etcd"),
           ("openshift-kube-scheduler", "openshift-kube-scheduler"),
           ("openshift-kube-controller-manager", "kube-controller-manager")]
MASTERS = ("master-0", "master-1", "master-2")


def guard_pod(namespace: str, prefix: str, node: str, ready: bool) -> dict[str, Any]:
    status = "True" if ready else "False"
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": f"{prefix}-guard-{node}", "namespace": namespace, "uid": f"guard-{prefix}-{node}",
                     "creationTimestamp": "2026-10-28T03:20:00Z", "labels": {"app": "guard"},
                     "annotations": {"target.workload.openshift.io/management":
                                     '{"effect": "PreferredDuringScheduling"}'}},
        "spec": {"nodeName": node, "priorityClassName": "system-cluster-critical",
                 "containers": [{"name": "guard", "image": "quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:9f",
                                 "command": ["/bin/bash"], "args": ["-c", "sleep infinity & wait"],
                                 "readinessProbe": {"httpGet": {"host": "10.0.0.10", "path": "readyz",
                                                                "port": 6443, "scheme": "HTTPS"}}}]},
        "status": {"phase": "Running",
                   "conditions": [{"type": "Ready", "status": status}, {"type": "ContainersReady", "status": status}],
                   "containerStatuses": [{"name": "guard", "ready": ready, "restartCount": 0,
                                          "state": {"running": {"startedAt": "2026-10-28T03:20:05Z"}}}]},
    }


def with_guards() -> SampleSource:
    """The OpenShift sample with a guard pod per guarded component and master; one lags (not ready) on master-2."""
    sample = load_sample("openshift")
    sample.store.add_all(guard_pod(namespace, prefix, node, ready=node != "master-2")
                         for namespace, prefix in GUARDED for node in MASTERS)
    return SampleSource(sample)


def test_the_guard_pods_are_in_the_namespaces_read() -> None:
    """The test means something only if the guards are served where the control plane's pods are read."""
    source = with_guards()
    for namespace, prefix in GUARDED:
        names = [pod["metadata"]["name"] for pod in source.get(f"/api/v1/namespaces/{namespace}/pods").items]
        assert f"{prefix}-guard-master-0" in names, names


def test_explain_counts_each_component_as_without_its_guards() -> None:
    plain = cluster_map_data(build_map(sample_data("openshift")))
    guarded = cluster_map_data(build_map(collect(with_guards(), EXPLAIN_NEEDS)))
    counts = {c["name"]: (c["replicas"], c["ready"], c["health"]) for c in guarded["components"]}
    for name in ("kube-apiserver", "etcd", "kube-scheduler", "kube-controller-manager"):
        assert counts[name] == (3, 3, "healthy"), (name, counts[name])
    assert json.dumps(guarded, sort_keys=True, default=str) == json.dumps(plain, sort_keys=True, default=str)


def test_audit_reads_the_cluster_as_without_its_guards() -> None:
    def outcome(source: SampleSource) -> dict[str, list[tuple[str, str]]]:
        report = run_audit(source, select(), AuditConfig())
        return {r.meta.id: sorted((f.status.value, f.message) for f in r.findings) for r in report.results}

    assert outcome(with_guards()) == outcome(SampleSource.named("openshift"))

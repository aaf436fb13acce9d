"""leader-election: only the holder of the kube-scheduler and kube-controller-manager Leases works; a
missing, unheld or stale Lease means no one schedules pods or reconciles controllers right now."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import DISTRIBUTION_NEEDS, DISTRIBUTION_OPTIONAL_NEEDS, hidden_control_plane
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.components import KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER, control_plane_components
from kubectl_arch.model.leases import LEASES_NEED, LeaseInfo, leader_leases

META = CheckMeta(
    id="leader-election",
    title="The scheduler and controller manager each have a live leader",
    component="kube-scheduler",
    why="Several schedulers and controller managers may run, but only the holder of their Lease acts. A Lease "
        "renewed longer ago than its duration means the leader died or cannot reach the API server, and no "
        "standby took over: pods stay Pending and Deployments, nodes and endpoints stop being reconciled.",
    fix="Look at the component's pods and logs (`kubectl -n kube-system logs kube-scheduler-<node>`; "
        "'failed to renew lease' or 'leaderelection lost'), the API server and etcd latency they depend on, and "
        "the node's clock. `kubectl -n kube-system get lease kube-scheduler -o yaml` shows the holder.",
    references=(
        "https://kubernetes.io/docs/concepts/architecture/leases/",
        "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/",
    ),
    needs=(LEASES_NEED, *DISTRIBUTION_NEEDS),
    optional_needs=(*DISTRIBUTION_OPTIONAL_NEEDS,),
)

ELECTED = (KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    leases = leader_leases(data)
    hidden = hidden_control_plane(data)
    components = control_plane_components(data)
    findings: list[Finding] = []
    for name in ELECTED:
        lease = leases.get(name)
        if lease is None:
            findings.append(_missing(name, hidden, components[name].flag("leader-elect")))
        else:
            findings.append(_judge(name, lease))
    return findings


def _missing(name: str, hidden: str | None, leader_elect: str | None) -> Finding:
    if hidden:
        return Finding(META.id, Status.SKIP, f"no {name} Lease is visible; {hidden}", object=f"lease/{name}")
    if leader_elect == "false":
        return Finding(META.id, Status.WARN, f"{name} runs with --leader-elect=false: a second copy would act at "
                       "the same time, so it cannot be made redundant", object=f"lease/{name}")
    return Finding(META.id, Status.FAIL, f"Lease kube-system/{name} does not exist: no {name} has been elected",
                   object=f"lease/{name}")


def _judge(name: str, lease: LeaseInfo) -> Finding:
    evidence = {"holder": lease.holder, "node": lease.holder_node, "renewed_seconds_ago": _seconds(lease),
                "lease_duration_seconds": lease.duration_seconds, "transitions": lease.transitions}
    target = f"lease/{name}"
    if not lease.holder:
        return Finding(META.id, Status.FAIL, f"{name} Lease has no holder: no leader", evidence=evidence, object=target)
    if not lease.held:
        age = _seconds(lease)
        return Finding(META.id, Status.FAIL, f"{name} leader {lease.holder_node} last renewed its Lease {age}s ago, "
                       f"longer than its {lease.duration_seconds}s duration: the leader is gone and no standby took "
                       "over", evidence=evidence, object=target)
    return Finding(META.id, Status.PASS, f"{name} led by {lease.holder_node}, renewed {_seconds(lease)}s ago "
                   f"(duration {lease.duration_seconds}s)", evidence=evidence, object=target)


def _seconds(lease: LeaseInfo) -> int | None:
    return None if lease.renew_age_seconds is None else round(lease.renew_age_seconds)

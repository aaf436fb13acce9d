"""The control-plane layer: API servers, etcd, scheduler and controller managers as component views.

Pods when they are visible (kubeadm, kind, RKE2), k3s's embedded processes per server node, or hidden
(``replicas=None, managed=True``) when a provider runs them.
"""

from __future__ import annotations

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.explain.views import (
    CONTROL_PLANE,
    DEGRADED,
    HEALTHY,
    ComponentView,
    InstanceView,
    health_of,
)
from kubectl_arch.model.components import (
    CLOUD_CONTROLLER_MANAGER,
    ETCD,
    KUBE_APISERVER,
    KUBE_CONTROLLER_MANAGER,
    KUBE_SCHEDULER,
    Component,
    Instance,
)
from kubectl_arch.model.distribution import Distribution
from kubectl_arch.model.etcd import EMBEDDED, EXTERNAL, EtcdTopology
from kubectl_arch.model.leases import LeaseInfo, leader_leases
from kubectl_arch.model.nodes import NodeInfo
from kubectl_arch.wording import plural


def _instance_views(component: Component, leader: LeaseInfo | None) -> list[InstanceView]:
    def leads(instance: Instance) -> bool | None:
        if leader is None:
            return None
        return leader.held and instance.node == leader.holder_node

    return [InstanceView(node=i.node, pod=i.pod or None, version=i.version, ready=i.ready, leader=leads(i),
                         restarts=i.restarts, flags=i.flags) for i in component.instances]


def _embedded_instances(nodes: list[NodeInfo], leader: LeaseInfo | None) -> list[InstanceView]:
    """k3s runs the control plane inside each server's k3s process: one instance per control-plane node."""
    return [InstanceView(node=n.name, pod=None, version=n.kubelet_version or None, ready=n.ready,
                         leader=None if leader is None else (leader.held and leader.holder_node == n.name))
            for n in nodes if n.control_plane]


def control_plane_views(data: ClusterData, distribution: Distribution, nodes: list[NodeInfo],
                         components: dict[str, Component], etcd: EtcdTopology,
                         endpoints: list[str], identities: list[LeaseInfo]) -> list[ComponentView]:
    leaders = leader_leases(data)
    embedded = distribution.name == "k3s" and not components[KUBE_APISERVER].instances
    views: list[ComponentView] = []
    for name in (KUBE_APISERVER, ETCD, KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER, CLOUD_CONTROLLER_MANAGER):
        component, leader = components[name], leaders.get(name)
        instances = _instance_views(component, leader)
        evidence = [f"{plural(len(instances), 'pod')} in kube-system labelled component={name} or named {name}-*"] \
            if instances else []
        notes: list[str] = []
        if name == ETCD:
            instances, evidence, notes = _etcd_instances(etcd, instances, evidence)
        elif not instances and embedded:
            instances = _embedded_instances(nodes, leader)
            notes.append("runs inside the k3s server process on each control-plane node (no pods)")
        replicas: int | None = len(instances)
        managed = False
        if not instances and distribution.managed:  # the provider runs it; managed=True says so in JSON
            replicas, managed = None, True
        elif not instances and name == CLOUD_CONTROLLER_MANAGER:
            notes.append("none found: nothing links the cluster to a cloud API (node lifecycle, cloud load "
                         "balancers); normal on bare metal and kind")
        if leader is not None:
            evidence.append(f"Lease kube-system/{leader.name} {'held' if leader.held else 'last held'} by "
                            f"{leader.holder or 'nobody'}")
            if not leader.held:
                notes.append(f"no current leader: the Lease was last renewed {_seconds(leader.renew_age_seconds)} ago "
                             f"and is valid for {leader.duration_seconds}s after a renewal")
        if name == KUBE_APISERVER:
            evidence += _apiserver_evidence(endpoints, identities)
        view = ComponentView(name, CONTROL_PLANE, replicas, managed=managed, instances=instances, leader=leader,
                             evidence=evidence, notes=notes)
        view.health = health_of(replicas, view.ready or 0)
        if leader is not None and not leader.held and view.health == HEALTHY:
            view.health = DEGRADED
        views.append(view)
    return views


def _etcd_instances(etcd: EtcdTopology, instances: list[InstanceView],
                    evidence: list[str]) -> tuple[list[InstanceView], list[str], list[str]]:
    notes: list[str] = []
    if etcd.mode == EXTERNAL:
        evidence = [f"the API server's --etcd-servers lists {plural(len(etcd.endpoints), 'endpoint')}: "
                    + ", ".join(etcd.endpoints)]
        instances = [InstanceView(node=endpoint, pod=None, version=None, ready=True) for endpoint in etcd.endpoints]
        notes.append("external etcd: runs outside Kubernetes, so its health is not visible through the API")
    elif etcd.mode == EMBEDDED:
        instances = [InstanceView(node=m.node, pod=None, version=None, ready=m.ready) for m in etcd.members]
        evidence = [f"{plural(len(instances), 'node')} with the role node-role.kubernetes.io/etcd"]
        notes.append("embedded etcd inside the k3s server process")
    if etcd.size is not None and etcd.size > 0 and etcd.size % 2 == 0:
        notes.append(f"{etcd.size} members tolerate {plural(etcd.failures_tolerated or 0, 'failure')}, no more than "
                     f"{etcd.size - 1} would: an even count adds a vote every write waits for, not tolerance")
    return instances, evidence, notes


def _apiserver_evidence(endpoints: list[str], identities: list[LeaseInfo]) -> list[str]:
    evidence = []
    if endpoints:
        evidence.append(f"EndpointSlice default/kubernetes lists {plural(len(endpoints), 'address', 'addresses')}: "
                        f"{', '.join(endpoints)}")
    if identities:
        live = sum(1 for lease in identities if lease.held)
        evidence.append(f"{plural(len(identities), 'API server identity Lease')}, {live} renewed within their "
                        "duration")
    return evidence


def _seconds(value: float | None) -> str:
    return "?" if value is None else f"{value:.0f}s"



"""The ``-o json`` / ``-o yaml`` contract of ``kubectl arch explain``: the ClusterMap as plain data.

Field names follow Kubernetes' camelCase. The issue-3 contract fields are the interface; the rest
(evidence, notes, etcd, apiServer, readyz) are additions scripts may use.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from kubectl_arch.explain.analysis import ClusterMap
from kubectl_arch.explain.pages import page_commands
from kubectl_arch.explain.request import ExplainView
from kubectl_arch.explain.views import ComponentView, InstanceView
from kubectl_arch.model.facts import facts_data
from kubectl_arch.model.leases import LeaseInfo, holder_fields
from kubectl_arch.model.nodes import NodeInfo
from kubectl_arch.output.structured import emit


def _instance(instance: InstanceView, wide: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"node": instance.node, "pod": instance.pod, "version": instance.version,
                           "ready": instance.ready, "leader": instance.leader, "restarts": instance.restarts}
    if wide:
        out["flags"] = instance.flags
    return out


def _lease(lease: LeaseInfo | None, provider_hosts: bool) -> dict[str, Any] | None:
    if lease is None:
        return None
    return {"name": lease.name, "holder": lease.holder, **holder_fields(lease, provider_hosts), "held": lease.held,
            "renewAgeSeconds": lease.renew_age_seconds, "leaseDurationSeconds": lease.duration_seconds,
            "transitions": lease.transitions}


def component_data(view: ComponentView, provider_hosts: bool, wide: bool = True) -> dict[str, Any]:
    return {
        "name": view.name,
        "layer": view.layer,
        "replicas": view.replicas,
        "ready": view.ready,
        "managed": view.managed,
        "kind": view.kind,
        "health": view.health,
        "unknown": view.unknown,
        "versions": view.versions,
        "versionOf": view.version_of,
        "versionSource": view.version_source,
        "versionUnknown": view.version_unknown,
        "leaderLease": _lease(view.leader, provider_hosts),
        "flags": view.flags(),
        "instances": [_instance(i, wide) for i in view.instances],
        "evidence": view.evidence,
        "notes": view.notes,
    }


def node_data(node: NodeInfo) -> dict[str, Any]:
    """One node; pressures and taints are null when the node was only read as a Table row (its whole read failed),
    as the terminal's "?": an empty list would say "none". Pressures are null too when the kubelet did not say (it
    stopped reporting: the node controller set them Unknown)."""
    return {
        "name": node.name, "roles": node.roles, "controlPlane": node.control_plane, "ready": node.ready,
        "readyStatus": node.ready_status, "pressure": node.pressures if node.pressures_known else None,
        "unschedulable": node.unschedulable,
        "taints": [str(t) for t in node.taints] if node.whole else None, "kubeletVersion": node.kubelet_version,
        "containerRuntime": node.container_runtime, "kernelVersion": node.kernel_version, "osImage": node.os_image,
        "operatingSystem": node.operating_system, "architecture": node.architecture, "internalIP": node.internal_ip,
    }


def cluster_map_data(cluster: ClusterMap) -> dict[str, Any]:
    """The whole map as JSON-ready data (``-o json`` and ``-o yaml``)."""
    store = cluster.datastore
    return {
        "cluster": {
            "version": cluster.version,
            "distribution": cluster.distribution.name,
            "server": cluster.server,
            "managed": cluster.distribution.managed,
            "managedBy": cluster.distribution.managed_by,
            "evidence": cluster.distribution.evidence,
            "source": cluster.source,
            "readyz": {"ok": cluster.readyz.ok, "failed": cluster.readyz.failed, "reason": cluster.readyz.reason},
        },
        "components": [component_data(view, cluster.facts.profile.hidden) for view in cluster.components],
        "nodes": [node_data(node) for node in cluster.nodes],
        "nodesUnknown": cluster.nodes_unknown,
        "kubeProxy": {"mode": cluster.kube_proxy.mode, "source": cluster.kube_proxy.source,
                      "replacedBy": cluster.kube_proxy.replaced_by, "detail": cluster.kube_proxy.detail},
        "etcd": {"topology": store.kind, "members": store.members, "ready": store.ready, "quorum": store.quorum,
                 "failuresTolerated": store.failures_tolerated, "endpoints": list(store.endpoints)},
        "apiServer": {"endpoints": cluster.apiserver_endpoints,
                      "identityLeases": [_lease(lease, cluster.facts.profile.hidden)
                                         for lease in cluster.apiserver_identities]},
        "metricsServer": None if cluster.metrics_server is None or cluster.metrics_server.workload is None else {
            "ready": cluster.metrics_server.workload.ready, "desired": cluster.metrics_server.workload.desired,
            "version": cluster.metrics_server.workload.version},
        "skipped": cluster.skipped,
        "facts": facts_data(cluster.facts),
    }


def explain_document(view: ExplainView) -> dict[str, Any]:
    """The view asked as data: a component, the walkthrough's steps, the scenarios, or the whole map."""
    cluster = view.cluster_map
    if view.page is not None:
        return {**component_data(cluster.component(view.page.component), cluster.facts.profile.hidden),
                "commands": list(page_commands(view.page, cluster)), "facts": facts_data(cluster.facts)}
    if view.steps is not None:
        return {"steps": [dataclasses.asdict(step) for step in view.steps], "facts": facts_data(cluster.facts)}
    if view.scenarios is not None:
        return {"scenarios": [dataclasses.asdict(s) for s in view.scenarios], "facts": facts_data(cluster.facts)}
    return cluster_map_data(cluster)


def render(view: ExplainView, format_name: str) -> None:
    emit(explain_document(view), format_name)

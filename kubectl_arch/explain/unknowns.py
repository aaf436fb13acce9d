"""Unreadable is not absent: a component whose pods could not be read is shown as ``?`` with the reason.

A failed read (403, 5xx after retries, a timeout) leaves no pods or nodes to count, which the views would
otherwise show as "0", "none" or "not visible". Here each view learns which reads it rests on; when one
failed, its counts become unknown and the reason travels with it into every output.
"""

from __future__ import annotations

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.source import NO_STATUS
from kubectl_arch.explain.views import (
    CNI,
    CONTAINER_RUNTIME,
    DNS,
    KUBE_PROXY,
    KUBELET,
    UNKNOWN,
    ComponentView,
)
from kubectl_arch.model.components import PODS_NEED
from kubectl_arch.model.leader_election import ELECTED

NODES = "nodes"
LEASES = "kube-system-leases"
# The reads each view's counts rest on; control-plane components (any other name) rest on kube-system's pods.
DEPENDS_ON: dict[str, tuple[str, ...]] = {
    KUBELET: (NODES,), CONTAINER_RUNTIME: (NODES,), KUBE_PROXY: ("daemonsets", NODES), CNI: ("daemonsets", NODES),
    DNS: ("kube-system-deployments", PODS_NEED),
}


def short_reason(data: ClusterData, name: str) -> str | None:
    """A few words on why ``name`` could not be read (for a table cell), or None when it was."""
    if name not in data.responses or data.unread(name) is None:
        return None
    response = data[name]
    if response.status == 403:
        return "forbidden, HTTP 403"
    if response.status == NO_STATUS:
        error = (response.error or "no answer").split(" (after", 1)[0]
        return error if len(error) <= 40 else error[:39] + "…"
    return f"HTTP {response.status}"


def mark_unreadable(data: ClusterData, views: list[ComponentView], embedded: frozenset[str] = frozenset(),
                    counted: frozenset[str] = frozenset(), control_plane_reads: tuple[str, ...] = (PODS_NEED,)) -> None:
    """Set ``unknown`` (and health unknown) on every view whose counts rest on a read that failed.

    ``embedded`` names control-plane components that run inside each server's process (k3s): they are
    counted from the nodes, not from kube-system's pods. ``counted`` names components the fact base counted
    anyway (OpenShift's control plane lives outside kube-system): the fact base decides, not one failed read.
    ``control_plane_reads`` are the pod reads the control plane is counted from (OpenShift adds its own)."""
    for view in views:
        if view.managed:  # run by the provider: hidden whatever was read
            continue
        depends = (NODES,) if view.name in embedded else DEPENDS_ON.get(view.name, control_plane_reads)
        reasons = [] if view.name in counted else [r for name in depends if (r := short_reason(data, name))]
        if reasons:
            view.unknown = "; ".join(dict.fromkeys(reasons))
            view.health = UNKNOWN
            view.replicas = view.ready = None  # counted over a list that was not read: unknown, never 0
            view.notes = [note for note in view.notes if not note.startswith("none found")]  # not "none": unknown
        # Only leader-elected components lead through a Lease: API servers all serve, etcd elects inside Raft.
        if view.leader is None and view.name in ELECTED and (reason := short_reason(data, LEASES)):
            view.notes.append(f"its leader is unknown: the kube-system Leases could not be read ({reason})")

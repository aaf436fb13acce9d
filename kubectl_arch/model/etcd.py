"""The etcd cluster behind the API servers: stacked (static pods beside them) or external, and its quorum.

etcd commits a write once a majority (quorum) of members has it, so n members need n//2+1 of them up
and tolerate (n-1)//2 failures: an even count adds a member without adding tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubectl_arch.model.components import ETCD, KUBE_APISERVER, Component, Instance
from kubectl_arch.model.flags import flag_list
from kubectl_arch.model.nodes import NodeInfo

STACKED = "stacked"  # etcd pods on the control-plane nodes (kubeadm, kind, RKE2)
EXTERNAL = "external"  # etcd outside the cluster, visible only as the API server's --etcd-servers
EMBEDDED = "embedded"  # etcd inside the k3s server process, one member per node with the etcd role
HIDDEN = "hidden"  # a managed control plane, or a datastore the API does not show


def quorum(members: int) -> int:
    """Members that must agree for a write to commit."""
    return members // 2 + 1


def failures_tolerated(members: int) -> int:
    """Members that can fail while the rest still form a quorum."""
    return max((members - 1) // 2, 0)


@dataclass
class EtcdTopology:
    """How etcd is laid out: its members (pods when stacked), the API servers' endpoints, and the arithmetic."""

    mode: str  # stacked, external, hidden
    members: list[Instance] = field(default_factory=list)
    endpoints: list[str] = field(default_factory=list)  # union of the API servers' --etcd-servers
    initial_cluster: list[str] = field(default_factory=list)  # member names from etcd's --initial-cluster flags

    @property
    def size(self) -> int | None:
        """The member count, None when hidden (a managed control plane does not show it)."""
        if self.mode in (STACKED, EMBEDDED):
            return len(self.members)
        if self.mode == EXTERNAL:
            return len(self.endpoints)
        return None

    @property
    def ready(self) -> int | None:
        if self.mode in (STACKED, EMBEDDED):
            return sum(1 for member in self.members if member.ready)
        return None

    @property
    def quorum(self) -> int | None:
        return quorum(self.size) if self.size else None

    @property
    def failures_tolerated(self) -> int | None:
        return failures_tolerated(self.size) if self.size else None


def etcd_topology(components: dict[str, Component], nodes: list[NodeInfo] | None = None) -> EtcdTopology:
    """Stacked when etcd pods are visible; external when only the API server's flags name etcd; embedded
    when nodes carry k3s's ``etcd`` role but no etcd pods exist; hidden otherwise."""
    etcd = components.get(ETCD) or Component(ETCD)
    apiserver = components.get(KUBE_APISERVER) or Component(KUBE_APISERVER)
    endpoints: list[str] = []
    for instance in apiserver.instances:
        for endpoint in flag_list(instance.flags.get("etcd-servers")):
            if endpoint not in endpoints:
                endpoints.append(endpoint)
    initial: list[str] = []
    for member in etcd.instances:
        for entry in flag_list(member.flags.get("initial-cluster")):
            member_name = entry.split("=", 1)[0]
            if member_name not in initial:
                initial.append(member_name)
    if etcd.instances:
        return EtcdTopology(STACKED, list(etcd.instances), endpoints, initial)
    if endpoints:
        return EtcdTopology(EXTERNAL, [], endpoints, [])
    embedded = [node for node in nodes or [] if ETCD in node.roles]
    if embedded:
        members = [Instance(pod="", node=node.name, ready=node.ready, version=None, image=None,
                            phase="Running" if node.ready else "Unknown", restarts=0, static=False)
                   for node in embedded]
        return EtcdTopology(EMBEDDED, members)
    return EtcdTopology(HIDDEN)

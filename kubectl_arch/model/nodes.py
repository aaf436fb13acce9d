"""Nodes as operators read them: roles, health conditions, taints and what software runs on them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.node_reads import is_row
from kubectl_arch.model import raw
from kubectl_arch.model.memo import memo

NODES_NEED = "nodes"  # lean: Table rows, whole objects only where a row says too little (collect/node_reads.py)
NODES_FULL_NEED = "nodes-full"  # every node whole: for what rows never carry (pressure conditions, taints)
READS = (NODES_NEED,)  # what node_infos reads
ROLE_LABEL_PREFIX = "node-role.kubernetes.io/"
CONTROL_PLANE_ROLES = ("control-plane", "master")
PRESSURE_CONDITIONS = ("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")
# What every kubelet posts (NetworkUnavailable only some networks set): when the kubelet stops reporting, the node
# controller sets each to Unknown, and a node without one has not said.
KUBELET_PRESSURES = ("MemoryPressure", "DiskPressure", "PIDPressure")


@dataclass(frozen=True)
class Taint:
    key: str
    value: str
    effect: str

    def __str__(self) -> str:
        return f"{self.key}={self.value}:{self.effect}" if self.value else f"{self.key}:{self.effect}"


@dataclass(slots=True)  # one per node: no per-instance dict (about 0.9 KB less each at 65,000 nodes)
class NodeInfo:
    """One node: the facts `kubectl describe node` spreads over a page, in one place.

    Its collections are tuples: most nodes have no pressure, taint or role, and the empty tuple is one object
    for all of them where an empty list is 56 bytes each (three per node, 11 MB at 65,000 nodes).
    """

    name: str
    roles: tuple[str, ...]
    control_plane: bool
    ready: bool  # the Ready condition is True
    ready_status: str  # True, False, or Unknown (the kubelet stopped reporting; also when no condition yet)
    ready_reason: str
    pressures: tuple[str, ...]  # pressure conditions that are True (MemoryPressure, DiskPressure, ...)
    taints: tuple[Taint, ...]
    unschedulable: bool
    kubelet_version: str
    container_runtime: str  # as reported: containerd://1.7.24, cri-o://1.30.1, docker://24.0.7
    kernel_version: str
    os_image: str
    operating_system: str
    architecture: str
    provider_id: str
    internal_ip: str | None
    labels: Mapping[str, str] = field(default_factory=dict)
    # False for a node made from a Table row: its pressures, taints and providerID were not read (empty
    # here does not mean none). Whatever judges those declares NODES_FULL_NEED.
    whole: bool = True
    # The kubelet's pressure conditions whose state is not known (Unknown, or never posted): ``pressures`` is then
    # what was True before, not a clean bill. A node whose kubelet stopped reporting has all of them.
    unknown_pressures: tuple[str, ...] = ()

    @property
    def pressures_known(self) -> bool:
        """Whether ``pressures`` is the whole story: the node was read whole and its kubelet said each one."""
        return self.whole and not self.unknown_pressures

    @property
    def runtime_name(self) -> str:
        return self.container_runtime.split("://", 1)[0] if self.container_runtime else ""

    @property
    def runtime_version(self) -> str:
        return self.container_runtime.split("://", 1)[1] if "://" in self.container_runtime else ""


def node_roles(node: Mapping[str, Any]) -> tuple[str, ...]:
    """Roles from ``node-role.kubernetes.io/<role>`` labels (and the legacy ``kubernetes.io/role``)."""
    roles = {str(key)[len(ROLE_LABEL_PREFIX):] for key in raw.labels(node) if str(key).startswith(ROLE_LABEL_PREFIX)}
    legacy = raw.labels(node).get("kubernetes.io/role")
    if legacy:
        roles.add(str(legacy))
    return tuple(sorted(role for role in roles if role))


def node_taints(node: Mapping[str, Any]) -> tuple[Taint, ...]:
    taints = (raw.mapping(t) for t in raw.sequence(raw.mapping(node.get("spec")).get("taints")))
    return tuple(Taint(str(t.get("key", "")), str(t.get("value") or ""), str(t.get("effect", ""))) for t in taints)


def is_control_plane_node(node: Mapping[str, Any]) -> bool:
    """A control-plane node by its role label or its control-plane taint (kubeadm sets both)."""
    if any(role in CONTROL_PLANE_ROLES for role in node_roles(node)):
        return True
    return any(t.key in (ROLE_LABEL_PREFIX + r for r in CONTROL_PLANE_ROLES) for t in node_taints(node))


def _condition(node: Mapping[str, Any], kind: str) -> Mapping[str, Any] | None:
    for condition in raw.sequence(raw.mapping(node.get("status")).get("conditions")):
        if raw.mapping(condition).get("type") == kind:
            return raw.mapping(condition)
    return None


def _internal_ip(node: Mapping[str, Any]) -> str | None:
    for address in raw.sequence(raw.mapping(node.get("status")).get("addresses")):
        if raw.mapping(address).get("type") == "InternalIP":
            return str(raw.mapping(address).get("address"))
    return None


def node_info(node: Mapping[str, Any]) -> NodeInfo:
    info = raw.mapping(raw.mapping(node.get("status")).get("nodeInfo"))
    ready = _condition(node, "Ready")
    pressures = tuple(kind for kind in PRESSURE_CONDITIONS if (_condition(node, kind) or {}).get("status") == "True")
    unknown = tuple(kind for kind in KUBELET_PRESSURES
                    if (_condition(node, kind) or {}).get("status") not in ("True", "False"))
    return NodeInfo(
        name=raw.name(node),
        roles=node_roles(node),
        control_plane=is_control_plane_node(node),
        ready=(ready or {}).get("status") == "True",
        ready_status=str((ready or {}).get("status", "Unknown")),
        ready_reason=str((ready or {}).get("reason", "")),
        pressures=pressures,
        taints=node_taints(node),
        unschedulable=raw.mapping(node.get("spec")).get("unschedulable") is True,
        kubelet_version=str(info.get("kubeletVersion", "")),
        container_runtime=str(info.get("containerRuntimeVersion", "")),
        kernel_version=str(info.get("kernelVersion", "")),
        os_image=str(info.get("osImage", "")),
        operating_system=str(info.get("operatingSystem", "")),
        architecture=str(info.get("architecture", "")),
        provider_id=str(raw.mapping(node.get("spec")).get("providerID", "")),
        internal_ip=_internal_ip(node),
        labels=raw.labels(node),  # the node's own (read-only) mapping: no copy per node
        whole=not is_row(node),
        unknown_pressures=unknown,
    )


def node_infos(data: ClusterData) -> list[NodeInfo]:
    """Every node, control plane first, then by name.

    Computed once per ``ClusterData`` (five checks and explain read it); each call gets its own list, but
    the ``NodeInfo`` objects are shared: read-only.
    """
    return list(memo(data, "nodes.node_infos", READS, _node_infos))


def _node_infos(data: ClusterData) -> list[NodeInfo]:
    nodes = [node_info(node) for node in data.items(NODES_NEED)]
    return sorted(nodes, key=lambda n: (not n.control_plane, n.name))

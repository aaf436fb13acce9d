"""What explain shows per component: instance and component views, health words and the flags that matter.

Shared by the analysis that fills them and the renderers that print them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kubectl_arch.model.components import (
    CLOUD_CONTROLLER_MANAGER,
    ETCD,
    KUBE_APISERVER,
    KUBE_CONTROLLER_MANAGER,
    KUBE_SCHEDULER,
)
from kubectl_arch.model.facts import VERSION_FROM_ENDPOINT, VERSION_FROM_SERVER_NODES
from kubectl_arch.model.leases import LeaseInfo
from kubectl_arch.model.openshift_versions import CLUSTER_OPERATOR

CONTROL_PLANE = "control-plane"
NODE_LAYER = "node"
KUBELET = "kubelet"
KUBE_PROXY = "kube-proxy"
CONTAINER_RUNTIME = "container-runtime"
CNI = "cni"
DNS = "dns"
COMPONENT_NAMES = (KUBE_APISERVER, ETCD, KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER, CLOUD_CONTROLLER_MANAGER,
                   KUBELET, KUBE_PROXY, CONTAINER_RUNTIME, CNI, DNS)

# Health words, worst last: what the tables print and JSON carries.
HEALTHY, DEGRADED, DOWN, HIDDEN, NONE, UNKNOWN = "healthy", "degraded", "down", "hidden", "none", "unknown"

# Flags shown by -o wide and on component pages: the ones operators tune or must know.
FLAGS_THAT_MATTER: Mapping[str, tuple[str, ...]] = {
    KUBE_APISERVER: ("authorization-mode", "enable-admission-plugins", "event-ttl", "etcd-servers",
                     "advertise-address", "secure-port", "service-cluster-ip-range", "audit-log-path",
                     "max-requests-inflight", "max-mutating-requests-inflight"),
    ETCD: ("quota-backend-bytes", "listen-metrics-urls", "snapshot-count", "auto-compaction-retention",
           "heartbeat-interval", "election-timeout", "data-dir", "initial-cluster"),
    KUBE_SCHEDULER: ("leader-elect", "config", "bind-address"),
    KUBE_CONTROLLER_MANAGER: ("leader-elect", "controllers", "cluster-cidr", "allocate-node-cidrs",
                              "node-monitor-grace-period", "cluster-signing-duration", "bind-address"),
    CLOUD_CONTROLLER_MANAGER: ("cloud-provider", "leader-elect", "controllers"),
    KUBE_PROXY: ("proxy-mode", "config", "metrics-bind-address"),
}


# A table's word for k3s's server nodes as the source of its control plane's version.
NODE_KUBELET = "node kubelet"

# What a version read elsewhere than the component's own pods stands for (-o wide says it beside the version).
VERSION_ORIGIN_MEANING = {VERSION_FROM_ENDPOINT: "the one API server that answered",
                          CLUSTER_OPERATOR: "status.versions: what its operator reports as rolled out",
                          NODE_KUBELET: "k3s runs the control plane in the kubelet's process"}


@dataclass(slots=True)  # one per node for the kubelets and runtimes: no per-instance dict
class InstanceView:
    """One instance as shown: where it runs, ready or not, version, and whether it leads."""

    node: str | None
    pod: str | None
    version: str | None
    ready: bool
    leader: bool | None = None  # None where the component has no leader visible through the API
    restarts: int = 0
    flags: dict[str, str] = field(default_factory=dict)


# Flags that name a configuration file whose settings take the place of command-line flags.
CONFIG_FILE_FLAGS = ("config", "openshift-config")


@dataclass(frozen=True)
class FlagReading:
    """One flag as this cluster shows it: set on a command line, left to a configuration file, left unset, or
    not visible at all (no command line could be read: an embedded or managed component)."""

    flag: str
    value: str | None = None  # as the command line sets it
    visible: bool = False  # a command line (a pod's) was read
    config_file: str | None = None  # the flag naming a configuration file that may set it instead

    def words(self, unset: str = "not set (default)") -> str:
        """The value, or what is known instead, for a reader: never "the default" where that was not seen."""
        if self.value is not None:
            return self.value
        if not self.visible:
            return "not visible (no command line to read)"
        if self.config_file:
            return f"not on the command line; its configuration file (--{self.config_file}) may set it"
        return unset


@dataclass
class ComponentView:
    """One component of one layer, with its instances, health and the evidence that found it."""

    name: str
    layer: str
    replicas: int | None
    managed: bool = False
    kind: str | None = None  # the product: containerd, calico, coredns, iptables...
    health: str = UNKNOWN
    instances: list[InstanceView] = field(default_factory=list)
    leader: LeaseInfo | None = None
    evidence: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ready: int | None = None  # from the workload's status when given, else counted over the instances
    versions: list[str] = field(default_factory=list)
    version_of: str | None = None  # whose version ``versions`` are, where not the product's (AKS: azure-cns)
    placement: str | None = None  # how it is placed when its pods are not all visible ("DaemonSet on 5 nodes")
    unknown: str | None = None  # why its instances cannot be counted: a read it rests on failed (explain/unknowns.py)
    replaced_by: str | None = None  # kube-proxy replaced: what implements Services in its place
    version_source: str | None = None  # where the control plane's version was read (the fact base's words)
    version_unknown: str | None = None  # why no version is shown where something runs (hidden, digests, a read)

    def __post_init__(self) -> None:
        if self.ready is None and self.replicas is not None:
            self.ready = sum(1 for instance in self.instances if instance.ready)
        if not self.versions:
            self.versions = sorted({i.version for i in self.instances if i.version})

    @property
    def version_origin(self) -> str | None:
        """What a table says a version was read from, where not from the component's own pods: the reader must
        not take /version's answer, one API server's, an operator's report or k3s's kubelet for a pod's image."""
        if self.version_source == VERSION_FROM_ENDPOINT:
            return VERSION_FROM_ENDPOINT
        if self.version_source == VERSION_FROM_SERVER_NODES:
            return NODE_KUBELET
        if self.version_source and self.version_source.startswith(CLUSTER_OPERATOR):
            return CLUSTER_OPERATOR
        return None

    @property
    def where(self) -> list[str]:
        return sorted({i.node for i in self.instances if i.node})

    def flag_reading(self, flag: str) -> FlagReading:
        """``flag`` as the first instance that sets it shows it (instances normally agree); where none sets it,
        whether any command line was read at all, and whether one names a configuration file instead."""
        lines = [i.flags for i in self.instances if i.pod or i.flags]
        if not lines:
            return FlagReading(flag)
        value = next((line[flag] for line in lines if flag in line), None)
        config = next((name for line in lines for name in CONFIG_FILE_FLAGS if name in line and name != flag), None)
        return FlagReading(flag, value, True, config)

    def flags(self) -> dict[str, str]:
        """The flags that matter, from the first instance that has each."""
        wanted = FLAGS_THAT_MATTER.get(self.name, ())
        found: dict[str, str] = {}
        for instance in self.instances:
            for key in wanted:
                if key in instance.flags and key not in found:
                    found[key] = instance.flags[key]
        return {key: found[key] for key in wanted if key in found}


def on_every_node(count: int) -> str:
    """Where a per-node component runs: "all 5 nodes", or "all (1 node)" on a single-node cluster."""
    return f"all {count} nodes" if count != 1 else "all (1 node)"


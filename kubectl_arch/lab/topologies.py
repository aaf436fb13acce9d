"""The lab topologies: which packaged kind config builds each, and what it is there to teach.

One table drives the command, its help, the status view and the "try next" guide, so adding a
topology is one entry here plus its config file.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

CLUSTER_PREFIX = "arch-"


@dataclass(frozen=True)
class Lesson:
    """One thing to try on a fresh lab cluster: a command (without cluster flags) and what it shows.

    ``shows`` is empty for a step that only prepares the next lesson (e.g. creating a Deployment).
    """

    command: str
    shows: str = ""


@dataclass(frozen=True)
class Topology:
    """A lab cluster shape: its kind config and the lessons it makes visible."""

    name: str
    config_file: str
    summary: str
    lessons: tuple[Lesson, ...]

    @property
    def default_cluster_name(self) -> str:
        return CLUSTER_PREFIX + self.name


def _kube_proxy_lab(mode: str, label: str, note: str, audit_says: str) -> Topology:
    """A small cluster whose point is its kube-proxy mode (set by the config's networking.kubeProxyMode)."""
    return Topology(
        name=mode,
        config_file=f"{mode}.yaml",
        summary=f"1 control-plane node and 2 workers, kube-proxy in {label} mode ({note})",
        lessons=(
            Lesson("kubectl arch explain kube-proxy", f"mode {mode}, read from ConfigMap kube-system/kube-proxy"),
            Lesson("kubectl arch explain --what-if", "one control-plane node: what losing it stops, what runs on"),
            Lesson("kubectl arch audit", audit_says),
        ),
    )


TOPOLOGIES: dict[str, Topology] = {
    topology.name: topology
    for topology in (
        Topology(
            name="single",
            config_file="single-node.yaml",
            summary="one node that is the whole cluster: control plane and workloads together",
            lessons=(
                Lesson("kubectl arch explain", "one of everything, all on one node"),
                Lesson("kubectl arch explain --what-if", "one etcd member tolerates no failure: lose it, writes stop"),
                Lesson("kubectl arch audit", "the single points of failure, named"),
            ),
        ),
        Topology(
            name="ha",
            config_file="ha.yaml",
            summary="3 control-plane nodes behind kind's load balancer, 3 workers, 3 stacked etcd members",
            lessons=(
                Lesson("kubectl arch explain", "3 API servers, 3 etcd members, who leads scheduling and controllers"),
                Lesson("kubectl arch explain --what-if", "the quorum arithmetic: 3 members tolerate the loss of 1"),
                Lesson("kubectl arch audit", "the control-plane checks pass: no single point of failure"),
            ),
        ),
        _kube_proxy_lab("ipvs", "IPVS", "deprecated since 1.35", "kube-proxy-mode says what to move to"),
        _kube_proxy_lab("nftables", "nftables", "Kubernetes 1.32", "kube-proxy-mode passes: nothing to migrate"),
    )
}


def packaged_config(topology: Topology) -> AbstractContextManager[Path]:
    """The packaged kind config as a real file kind can read, wherever the package was installed."""
    return resources.as_file(resources.files("kubectl_arch.lab.configs").joinpath(topology.config_file))


def topology_of_cluster(cluster_name: str) -> Topology | None:
    """The topology a cluster was built from, when it carries the lab's default name for it."""
    if not cluster_name.startswith(CLUSTER_PREFIX):
        return None
    return TOPOLOGIES.get(cluster_name[len(CLUSTER_PREFIX):])

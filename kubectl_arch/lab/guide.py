"""What the lab prints: the "try next" guide after ``up`` and the table of ``status``.

Pure functions of the topology, the cluster name and kind's cluster list, so the text is tested as
text. Every suggested command carries the cluster flags, so it works whatever the current context is.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from kubectl_arch.lab.topologies import TOPOLOGIES, Lesson, Topology, topology_of_cluster

# Every topology can show a pod's path: one that starts, and one that cannot pull its image.
# The user's kubectl creates them; kubectl-arch itself never writes to a cluster.
TRACE_LESSONS = (
    Lesson("kubectl create deployment web --image=nginx"),
    Lesson("kubectl arch trace deployment/web", "the pod's path, stage by stage, and how long each took"),
    Lesson("kubectl run broken --image=registry.k8s.io/kubectl-arch/no-such-image:v0"),
    Lesson("kubectl arch trace pod/broken", "a pod stuck at images-pulled, and why"),
)


def kind_context(cluster_name: str) -> str:
    """The kubeconfig context kind writes for a cluster."""
    return f"kind-{cluster_name}"


def cluster_flags(cluster_name: str, kubeconfig: str | None) -> str:
    flags = ["--context", kind_context(cluster_name)]
    if kubeconfig:
        flags += ["--kubeconfig", kubeconfig]
    return shlex.join(flags)


def lab_flags(topology: Topology, cluster_name: str, kubeconfig: str | None) -> str:
    """The flags that name this lab cluster again in `lab up` / `lab down`."""
    flags = ["--topology", topology.name]
    if cluster_name != topology.default_cluster_name:
        flags += ["--name", cluster_name]
    if kubeconfig:
        flags += ["--kubeconfig", kubeconfig]
    return shlex.join(flags)


def next_steps(topology: Topology, cluster_name: str, kubeconfig: str | None, *, created: bool) -> str:
    """The guide printed after `lab up`: what was built, then what to run on it and what it shows."""
    where = f" in {kubeconfig}" if kubeconfig else ""
    state = "is up" if created else "already exists"
    lines = [
        f"Lab cluster {cluster_name} {state}: {topology.summary}.",
        f"Its kubeconfig context is {kind_context(cluster_name)}{where}.",
        "",
        "Try next:",
    ]
    flags = cluster_flags(cluster_name, kubeconfig)
    for lesson in topology.lessons + TRACE_LESSONS:
        lines.append(f"  {lesson.command} {flags}")
        if lesson.shows:
            lines.append(f"      {lesson.shows}")
    lines += ["", f"When you are done: kubectl arch lab down {lab_flags(topology, cluster_name, kubeconfig)}"]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class LabStatus:
    """Which lab clusters exist among kind's clusters, and which other kind clusters there are."""

    existing: frozenset[str]
    others: tuple[str, ...]
    unknown: bool = False  # kind could not be asked (Docker or kind missing): which clusters exist is not known

    @classmethod
    def of(cls, kind_clusters: list[str]) -> LabStatus:
        others = tuple(name for name in kind_clusters if topology_of_cluster(name) is None)
        return cls(existing=frozenset(kind_clusters), others=others)

    def as_data(self) -> dict[str, Any]:
        return {
            "labs": [
                {
                    "topology": topology.name,
                    "cluster": topology.default_cluster_name,
                    "context": kind_context(topology.default_cluster_name),
                    "exists": None if self.unknown else topology.default_cluster_name in self.existing,
                    "builds": topology.summary,
                }
                for topology in TOPOLOGIES.values()
            ],
            "otherKindClusters": list(self.others),
        }


def status_table(status: LabStatus) -> str:
    """`lab status` as text: one row per topology, then the kind clusters the lab did not build."""
    from tabulate import tabulate

    rows = [
        [lab["topology"], lab["cluster"], "unknown" if lab["exists"] is None else "exists" if lab["exists"] else "-",
         lab["builds"]]
        for lab in status.as_data()["labs"]
    ]
    text = tabulate(rows, headers=["TOPOLOGY", "CLUSTER", "STATE", "BUILDS"], tablefmt="plain") + "\n"
    if status.others:
        text += f"\nOther kind clusters (not built by the lab): {', '.join(status.others)}\n"
    if not status.unknown and not any(t.default_cluster_name in status.existing for t in TOPOLOGIES.values()):
        text += "\nNo lab cluster yet. Build one: kubectl arch lab up --topology single (or ha, ipvs, nftables)\n"
    return text

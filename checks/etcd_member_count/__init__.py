"""etcd-member-count: etcd needs a majority of its members to accept writes, so only an odd count of at
least three survives losing a member; report the member count, quorum and failures tolerated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import DISTRIBUTION_NEEDS, DISTRIBUTION_OPTIONAL_NEEDS, hidden_control_plane
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.components import ETCD, control_plane_components
from kubectl_arch.model.etcd import EXTERNAL, HIDDEN, etcd_topology, failures_tolerated, quorum
from kubectl_arch.model.facts import cluster_facts
from kubectl_arch.wording import plural

META = CheckMeta(
    id="etcd-member-count",
    title="etcd has an odd number of members, at least three, all ready",
    component="etcd",
    why="etcd commits a write only when a majority (quorum) of members has it: n members tolerate (n-1)/2 "
        "failures. One or two members tolerate none, and an even count adds a member without adding tolerance. "
        "Without quorum the API server cannot write anything: no pod, no lease, no status update.",
    fix="Run 3 (or 5) etcd members, one per control-plane node in separate failure domains (kubeadm: join "
        "control-plane nodes; external etcd: `etcdctl member add`). Bring a not-ready member back before "
        "anything else fails; check it with `etcdctl endpoint health --cluster`.",
    references=(
        "https://etcd.io/docs/v3.5/faq/#why-an-odd-number-of-cluster-members",
        "https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/",
    ),
    needs=(*DISTRIBUTION_NEEDS,),
    optional_needs=(*DISTRIBUTION_OPTIONAL_NEEDS,),
    thresholds={"min_members": 3},
)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    hidden = hidden_control_plane(data)
    if hidden:
        return [Finding(META.id, Status.SKIP, hidden)]
    topology = etcd_topology(control_plane_components(data))
    etcd = cluster_facts(data).components[ETCD]
    if etcd.runs == "unknown":  # the pods it would be counted from were not read: name that read
        return [Finding(META.id, Status.SKIP, f"etcd's members could not be counted: "
                        f"{etcd.unread or 'its pods were not read'}")]
    if topology.mode == HIDDEN or not topology.size:
        return [Finding(META.id, Status.SKIP, "no etcd pods and no --etcd-servers flag are visible in kube-system")]
    size = topology.size
    ready = topology.ready if topology.ready is not None else size
    evidence: dict[str, Any] = {"mode": topology.mode, "members": size, "ready": ready, "quorum": quorum(size),
                                "failures_tolerated": failures_tolerated(size)}
    if topology.mode == EXTERNAL:
        evidence["endpoints"] = topology.endpoints
        evidence["note"] = "external etcd: members counted from the API server's --etcd-servers"
    else:
        evidence["pods"] = [m.pod for m in topology.members]
    if topology.initial_cluster and len(topology.initial_cluster) != size:
        evidence["initial_cluster"] = topology.initial_cluster
    min_members = int(thresholds["min_members"])
    arithmetic = f"{plural(size, 'member')}: quorum {quorum(size)}, tolerates {failures_tolerated(size)} failure" + (
        "" if failures_tolerated(size) == 1 else "s")
    if ready < quorum(size):
        return [Finding(META.id, Status.FAIL, f"only {ready} of {size} etcd members ready: quorum ({quorum(size)}) "
                        "is lost, writes fail", evidence=evidence)]
    if size < min_members:
        return [Finding(META.id, Status.FAIL, f"{arithmetic}: losing any member stops the cluster", evidence=evidence)]
    findings = []
    if size % 2 == 0:
        findings.append(Finding(META.id, Status.WARN, f"{arithmetic}: an even count tolerates no more failures than "
                                f"{size - 1} members", evidence=evidence))
    if ready < size:
        findings.append(Finding(META.id, Status.WARN, f"{size - ready} of {size} etcd members not ready: now "
                                f"tolerates {max(ready - quorum(size), 0)} more failure(s)", evidence=evidence))
    return findings or [Finding(META.id, Status.PASS, arithmetic, evidence=evidence)]

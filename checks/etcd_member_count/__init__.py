"""etcd-member-count: etcd needs a majority of its members to accept writes, so only an odd count of at
least three survives losing a member; report the member count, quorum and failures tolerated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import (
    CONTROL_PLANE_NEEDS,
    DISTRIBUTION_NEEDS,
    profile_of,
    provider_skip,
    reads,
    teaches_its_own,
    with_distribution_pages,
    with_fix,
)
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.components import ETCD, control_plane_components
from kubectl_arch.model.etcd import EMBEDDED, EXTERNAL, HIDDEN, etcd_topology, failures_tolerated, quorum
from kubectl_arch.model.facts import KINE_EXTERNAL, KINE_SQLITE, cluster_facts
from kubectl_arch.model.nodes import NODES_NEED, node_infos
from kubectl_arch.model.profiles import ADD_CONTROL_PLANE, Profile, split_comment
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
    # etcd's pods (OpenShift's too), k3s's nodes, kubeadm-config for the profile.
    optional_needs=reads(CONTROL_PLANE_NEEDS, besides=DISTRIBUTION_NEEDS),
    thresholds={"min_members": 3},
)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    profile = profile_of(data)
    store = cluster_facts(data).datastore
    if store.kind in (KINE_SQLITE, KINE_EXTERNAL):  # k3s's kine: the fact base says so, as the other etcd checks do
        findings = [Finding(META.id, Status.SKIP, f"this cluster has no etcd ({store.kind}: "
                            f"{'; '.join(store.evidence)}): there are no etcd members to count",
                            {"datastore": store.kind})]
        return with_distribution_pages(with_fix(findings, _kine_fix(profile, store.kind)), data, META,
                                       ADD_CONTROL_PLANE)
    findings = _evaluate(data, thresholds)
    external = any(f.evidence.get("mode") == EXTERNAL for f in findings)
    if teaches_its_own(profile):  # the distribution's way to add members, never "kubeadm: join" elsewhere
        with_fix(findings, _fix(profile, external))
    return with_distribution_pages(findings, data, META, ADD_CONTROL_PLANE)


def _kine_fix(profile: Profile, kind: str) -> str:
    """Where redundancy comes from when kine, not etcd, keeps the state."""
    if kind == KINE_EXTERNAL:
        return "The state lives in the external database kine fronts: its redundancy is that database's."
    add = profile.fix(ADD_CONTROL_PLANE)
    return "SQLite lives on the one server: for a highly available control plane, " + (add or "move to etcd") + "."


def _fix(profile: Profile, external: bool) -> str:
    """How this distribution gets to an odd number of members, at least three, and checks their health."""
    if profile.hidden:
        return f"{profile.title} runs etcd with the control plane: its members are the provider's to keep."
    add = profile.fix(ADD_CONTROL_PLANE)
    how = "add external members with `etcdctl member add`" if external or not add else add
    fix = (f"Run an odd number of etcd members, at least three, in separate failure domains: {how}. Bring a "
           "not-ready member back before anything else fails.")
    health = profile.etcdctl("endpoint health --cluster")
    if health and not external:
        code, note = split_comment(health)
        fix += f" Check them with `{code}`" + (f" ({note})" if note else "") + "."
    return fix


def _evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    hidden = provider_skip(META.id, data)
    if hidden:
        return [hidden]
    # k3s's embedded etcd has no pod and no --etcd-servers flag: its members are the nodes with the etcd role.
    nodes = node_infos(data) if data[NODES_NEED].ok else []
    topology = etcd_topology(control_plane_components(data), nodes)
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
    elif topology.mode == EMBEDDED:
        evidence["nodes"] = [m.node for m in topology.members]
        evidence["note"] = "embedded etcd: one member inside each k3s server process on a node with the etcd role"
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

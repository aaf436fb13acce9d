"""``--what-if``: failure scenarios worked out on the cluster's real topology (pure, from the ClusterMap).

The arithmetic is etcd's: n members need floor(n/2)+1 to commit writes. The rest follows from how
Kubernetes fails: without etcd quorum nothing can be written, but running pods and programmed Service
rules keep working ("fail-static").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubectl_arch.explain.analysis import ClusterMap
from kubectl_arch.explain.views import ComponentView
from kubectl_arch.model.components import ETCD, KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER
from kubectl_arch.model.etcd import failures_tolerated, quorum
from kubectl_arch.wording import plural

WRITES_STOP = ("every write: deploys, scaling, deletes, kubectl apply/edit",
               "scheduling (binding a pod to a node is a write)",
               "controllers (they reconcile by writing) and leader-election renewals",
               "node heartbeats and status updates (nodes look stale)")
FAIL_STATIC = ("pods already running keep running",
               "Services keep routing with the rules kube-proxy (or its replacement) already programmed",
               "DNS keeps answering for names it already knows")


@dataclass
class Scenario:
    """One failure and its consequences on this cluster."""

    title: str
    survives: bool | None  # None when the part is hidden (managed control plane)
    summary: str
    keeps_working: list[str] = field(default_factory=list)
    stops: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)


def _more_tolerance(members: int) -> str:
    target = members + 1 if members % 2 == 0 else members + 2
    return (f"to tolerate {plural(failures_tolerated(target), 'failure')}, run {target} members "
            f"({members} tolerate {failures_tolerated(members)}; keep the count odd)")


def lose_etcd_members(cluster: ClusterMap, lost: int) -> Scenario:
    """Lose ``lost`` etcd members out of the real member count."""
    members = cluster.etcd.size
    title = f"lose {plural(lost, 'etcd member')}"
    if members is None:
        who = cluster.distribution.managed_by or "the distribution"
        return Scenario(title, None, f"etcd is not visible here; {who} runs it and decides its redundancy.",
                        advice=["ask the provider for the control plane's availability guarantee (SLA)"])
    lost = min(lost, members)
    remaining, needed = members - lost, quorum(members)
    if remaining >= needed:
        left = remaining - needed
        margin = (f"{plural(left, 'more failure')} would still be tolerated." if left else
                  "One more failure would stop all writes.")
        return Scenario(title, True,
                        f"{remaining} of {members} members remain; quorum is {needed}, so writes still commit. "
                        + margin,
                        keeps_working=["reads and writes", "scheduling, scaling, controllers", *FAIL_STATIC],
                        advice=["replace the lost members soon: tolerance is reduced until then",
                                _more_tolerance(members)])
    return Scenario(title, False,
                    f"{remaining} of {members} members remain, fewer than the quorum of {needed}: etcd stops "
                    "accepting writes and the API server cannot change anything.",
                    keeps_working=list(FAIL_STATIC),
                    stops=[*WRITES_STOP, "reads that must be current (most `kubectl get`) fail or time out"],
                    advice=["restart the lost members: with their data intact they rejoin and quorum returns",
                            "if they are gone for good: restore the latest snapshot into a new cluster "
                            "(`etcdutl snapshot restore`; `etcdctl snapshot restore` before etcd 3.5)",
                            "take etcd snapshots regularly and test the restore",
                            _more_tolerance(members)])


def _on_node(view: ComponentView, node: str) -> int:
    return sum(1 for instance in view.instances if instance.node == node)


def _worst_control_plane_node(cluster: ClusterMap) -> str | None:
    """The control-plane node whose loss hurts most: most etcd members and leaders on it, then by name."""
    nodes = [n.name for n in cluster.control_plane_nodes]
    if not nodes:
        return None
    etcd = cluster.component(ETCD)

    def weight(node: str) -> tuple[int, int, str]:
        leaders = sum(1 for name in (KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER)
                      if any(i.leader and i.node == node for i in cluster.component(name).instances))
        return (-_on_node(etcd, node), -leaders, node)

    return sorted(nodes, key=weight)[0]


def lose_control_plane_node(cluster: ClusterMap) -> Scenario:
    """Lose the control-plane node that hosts the most (etcd member, leaders)."""
    if cluster.managed:
        return Scenario("lose a control-plane node", None,
                        f"the control plane is run by {cluster.distribution.managed_by} and hidden; "
                        "losing one of your nodes affects only the pods on it.",
                        advice=["spread replicas across zones with topology spread constraints and PDBs"])
    node = _worst_control_plane_node(cluster)
    if node is None:
        return Scenario("lose a control-plane node", None, "no control-plane node is visible in this cluster.")
    title = f"lose control-plane node {node}"
    apiservers, etcd = cluster.component(KUBE_APISERVER), cluster.component(ETCD)
    api_left = (apiservers.replicas or 0) - _on_node(apiservers, node)
    etcd_members = cluster.etcd.size or 0
    etcd_left = etcd_members - _on_node(etcd, node)
    keeps: list[str] = []
    stops: list[str] = []
    notes = [f"{api_left} of {plural(apiservers.replicas or 0, 'API server')} remain"]
    if etcd_members:
        notes.append(f"{etcd_left} of {plural(etcd_members, 'etcd member')} remain (quorum {quorum(etcd_members)})")
    for name in (KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER):
        view = cluster.component(name)
        standbys = (view.replicas or 0) - _on_node(view, node)
        leads_here = any(i.leader and i.node == node for i in view.instances)
        if standbys > 0 and leads_here:
            duration = view.leader.duration_seconds if view.leader else None
            keeps.append(f"{name}: a standby takes over once the Lease expires ({duration or '?'} s)")
        elif standbys <= 0:
            stops.append(f"{name}: no instance left")
    survives = api_left > 0 and (etcd_members == 0 or etcd_left >= quorum(etcd_members))
    if survives:
        keeps[:0] = ["the API, through the remaining API servers (if the load balancer health-checks them)"]
        summary = "; ".join(notes) + ": the control plane survives."
    else:
        stops[:0] = list(WRITES_STOP)
        summary = "; ".join(notes) + ": the control plane stops. Workloads keep running, nothing can change."
    keeps += list(FAIL_STATIC)
    advice = ["pods on that node are replaced elsewhere only after it is marked NotReady and the eviction "
              "toleration (5 min by default) runs out"]
    if len(cluster.control_plane_nodes) < 3:
        advice.append("run three control-plane nodes (stacked etcd: three members) to survive losing one")
    return Scenario(title, survives, summary, keeps, stops, advice)


def network_partition(cluster: ClusterMap) -> Scenario:
    """Split the etcd members as evenly as possible: only a side with a quorum can write."""
    members = cluster.etcd.size
    if members is None:
        return Scenario("network partition", None, "etcd is not visible here, so its partition behaviour is the "
                        "provider's; nodes cut off from the API server go NotReady and their pods are replaced.")
    if members < 2:
        return Scenario("network partition", False if members else None,
                        "with a single etcd member there is no majority to keep: nodes cut off from the control "
                        "plane go NotReady; the control plane's side keeps working only if it holds that member.",
                        advice=[_more_tolerance(max(members, 1))])
    big, small = (members + 1) // 2, members // 2
    needed = quorum(members)
    if big >= needed:
        return Scenario("network partition", True,
                        f"split {big}/{small}: the side with {big} members keeps quorum ({needed}) and keeps "
                        f"writing; the {small}-member side refuses writes until the network heals.",
                        keeps_working=[f"the API behind the {big}-member side", *FAIL_STATIC],
                        stops=["API servers on the minority side (they cannot write)",
                               "nodes that only reach the minority side: after the grace period they are marked "
                               "NotReady and their pods are recreated on the majority side (a pod may briefly "
                               "run twice: StatefulSets wait for the old pod to be confirmed gone)"],
                        advice=["put members in separate failure domains (zones) with low latency between them"])
    return Scenario("network partition", False,
                    f"split {big}/{small}: neither side has the quorum of {needed}: writes stop everywhere until "
                    "the network heals.", keeps_working=list(FAIL_STATIC), stops=list(WRITES_STOP),
                    advice=[_more_tolerance(members)])


def scenarios(cluster: ClusterMap, lost_members: int | None = None) -> list[Scenario]:
    """The what-if report: etcd losses (all counts up to quorum loss, or the one asked), a node, a partition."""
    out: list[Scenario] = []
    size = cluster.etcd.size
    if lost_members is not None:
        out.append(lose_etcd_members(cluster, lost_members))
    elif size:
        out.extend(lose_etcd_members(cluster, k) for k in range(1, failures_tolerated(size) + 2) if k <= size)
    else:
        out.append(lose_etcd_members(cluster, 1))
    out.append(lose_control_plane_node(cluster))
    out.append(network_partition(cluster))
    return out

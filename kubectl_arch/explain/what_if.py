"""``--what-if``: failure scenarios worked out on the cluster's real topology (pure, from the fact base).

The arithmetic is etcd's: n members need floor(n/2)+1 to commit writes. The rest follows from how
Kubernetes fails: without etcd quorum nothing can be written, but running pods and programmed Service
rules keep working ("fail-static"). Member counts, the datastore kind and the advice come from the
cluster's fact base and distribution profile, so a single-node k3s, a two-member etcd and a managed
control plane are each told what really happens to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubectl_arch.explain.analysis import ClusterMap
from kubectl_arch.explain.pages import leader_lock
from kubectl_arch.explain.views import ComponentView
from kubectl_arch.model.components import ETCD, KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER
from kubectl_arch.model.etcd import failures_tolerated, quorum
from kubectl_arch.model.facts import KINE_EXTERNAL, KINE_SQLITE
from kubectl_arch.model.profiles import ADD_CONTROL_PLANE, ETCD_BACKUP, ETCD_RESTORE, split_comment
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
    verb = "tolerates" if members == 1 else "tolerate"
    return (f"to tolerate {plural(failures_tolerated(target), 'failure')}, run {target} members "
            f"({plural(members, 'member')} {verb} {plural(failures_tolerated(members), 'failure')}; keep the count "
            "odd)")


def lose_etcd_members(cluster: ClusterMap, lost: int) -> Scenario:
    """Lose ``lost`` etcd members out of the real member count."""
    store, profile = cluster.datastore, cluster.profile
    members = store.members
    title = f"lose {plural(lost, 'etcd member')}"
    if members is None:
        if cluster.managed:
            return Scenario(title, None, f"etcd is not visible here; {profile.title} runs it and decides its "
                            "redundancy.", advice=["ask the provider for the control plane's availability "
                                                   "guarantee (SLA)"])
        if store.kind == KINE_SQLITE:
            return Scenario("lose the datastore", False, "this cluster has no etcd: kine keeps its state in SQLite "
                            "on the server's disk, one copy with no members and no quorum. Losing that disk loses "
                            "the cluster's state; the server's restart brings it back only if the file survived.",
                            keeps_working=list(FAIL_STATIC), stops=list(WRITES_STOP),
                            advice=["back up /var/lib/rancher/k3s/server/db while k3s is stopped, regularly",
                                    "for a control plane that survives a server's loss, run three servers with "
                                    "embedded etcd (k3s --cluster-init) or an external datastore"])
        if store.kind == KINE_EXTERNAL:
            return Scenario("lose the datastore", None, "kine keeps this cluster's state in an external database: "
                            "its redundancy is that database's.",
                            advice=["check the external database's own replication and backups"])
        return Scenario(title, None, "no etcd member is visible through the API, so its redundancy is unknown.")
    lost = min(lost, members)
    remaining, needed = members - lost, quorum(members)
    restore = _command(profile.fix(ETCD_RESTORE)) or "etcdutl snapshot restore (etcd 3.5+)"
    backup = _command(profile.fix(ETCD_BACKUP))
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
    advice = ["restart the lost members: with their data intact they rejoin and quorum returns",
              f"if they are gone for good, recover the way this distribution does: `{restore}`"]
    advice.append(f"take etcd snapshots regularly and test the restore: `{backup}`" if backup else
                  "take etcd snapshots regularly and test the restore")
    advice.append(_more_tolerance(members))
    return Scenario(title, False,
                    f"{remaining} of {members} members remain, fewer than the quorum of {needed}: etcd stops "
                    "accepting writes and the API server cannot change anything.",
                    keeps_working=list(FAIL_STATIC),
                    stops=[*WRITES_STOP, "reads that must be current (most `kubectl get`) fail or time out"],
                    advice=advice)


def _command(text: str | None) -> str | None:
    """A profile's command without its trailing shell comment, for use inside a sentence."""
    return split_comment(text)[0] if text else None


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
                        f"the control plane is run by {cluster.profile.title} and hidden; "
                        "losing one of your nodes affects only the pods on it.",
                        advice=["spread replicas across zones with topology spread constraints and PDBs"])
    node = _worst_control_plane_node(cluster)
    if node is None:
        return Scenario("lose a control-plane node", None, "no control-plane node is visible in this cluster.")
    title = f"lose control-plane node {node}"
    facts = cluster.facts
    store = facts.datastore
    apiservers = cluster.component(KUBE_APISERVER)
    api_left = (apiservers.replicas or 0) - _on_node(apiservers, node)
    members = store.members if store.is_etcd else None
    etcd_left = (members or 0) - _on_node(cluster.component(ETCD), node)
    only_node = facts.nodes <= 1
    notes = [f"{api_left} of {plural(apiservers.replicas or 0, 'API server')} remain"]
    if members:
        notes.append(f"{etcd_left} of {plural(members, 'etcd member')} remain (quorum {quorum(members)})")
    datastore_lost = not store.is_etcd and store.kind == KINE_SQLITE
    if datastore_lost:
        notes.append("its SQLite datastore goes with it")
    survives = api_left > 0 and not datastore_lost and (not members or etcd_left >= quorum(members))
    keeps: list[str] = []
    stops: list[str] = []
    for name in (KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER) if not only_node else ():
        view = cluster.component(name)
        standbys = (view.replicas or 0) - _on_node(view, node)
        leads_here = any(i.leader and i.node == node for i in view.instances)
        if standbys <= 0:
            stops.append(f"{name}: no instance left")
        elif leads_here and survives:
            duration = view.leader.duration_seconds if view.leader else None
            keeps.append(f"{name}: a standby takes over once the {leader_lock(cluster, name)[0]} expires "
                         f"({duration or '?'} s)")
        elif leads_here:
            stops.append(f"{name}: its standby cannot take the {leader_lock(cluster, name)[0]} over (taking it is a "
                         "write, and writes fail)")
    advice: list[str] = []
    if only_node:
        summary = (f"{node} is the whole cluster: the API, the datastore, every controller and every pod stop "
                   "with it. Nothing keeps working until it is back.")
        stops[:0] = ["everything: the API, scheduling, controllers, and every workload and DNS pod on it"]
        keeps = []
    elif survives:
        keeps[:0] = ["the API, through the remaining API servers (if the load balancer health-checks them)"]
        keeps += list(FAIL_STATIC)
        summary = "; ".join(notes) + ": the control plane survives."
        advice.append("pods on that node are replaced elsewhere only after it is marked NotReady and the eviction "
                      "toleration (5 min by default) runs out")
    else:
        stops[:0] = list(WRITES_STOP)
        stops.append(f"pods that ran on {node}: nothing replaces them, since no controller can write")
        keeps += list(FAIL_STATIC)
        summary = "; ".join(notes) + ": the control plane stops. Workloads on other nodes keep running, nothing " \
                                     "can change."
    if len(cluster.control_plane_nodes) < 3:
        add = cluster.profile.fix(ADD_CONTROL_PLANE)
        advice.append("run three control-plane nodes" + (" (stacked etcd: three members)" if members else "")
                      + " to survive losing one" + (f": {add}" if add else ""))
    return Scenario(title, survives and not only_node, summary, keeps, stops, advice)


def network_partition(cluster: ClusterMap) -> Scenario:
    """Split the etcd members as evenly as possible: only a side with a quorum can write."""
    store = cluster.datastore
    members = store.members if store.is_etcd else None
    if members is None:
        if cluster.managed:
            return Scenario("network partition", None, "etcd is not visible here, so its partition behaviour is the "
                            "provider's; nodes cut off from the API server go NotReady and their pods are "
                            "replaced elsewhere, while the originals keep running on the cut-off nodes until the "
                            "network heals.")
        return Scenario("network partition", None, "there is no etcd membership to split here (the datastore is "
                        f"{store.kind}); nodes cut off from the API server go NotReady and their pods are replaced "
                        "elsewhere, while the originals keep running on the cut-off nodes until the network heals.")
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
                               "NotReady and their pods are recreated on the majority side, while the originals "
                               "keep running on the cut-off nodes for as long as the partition lasts (their "
                               "kubelets never see the deletion): a pod runs twice until the network heals, "
                               "except StatefulSet pods, which wait for the old pod to be confirmed gone"],
                        advice=["put members in separate failure domains (zones) with low latency between them"])
    return Scenario("network partition", False,
                    f"split {big}/{small}: neither side has the quorum of {needed}: writes stop everywhere until "
                    "the network heals.", keeps_working=list(FAIL_STATIC), stops=list(WRITES_STOP),
                    advice=[_more_tolerance(members)])


def scenarios(cluster: ClusterMap, lost_members: int | None = None) -> list[Scenario]:
    """The what-if report: etcd losses (all counts up to quorum loss, or the one asked), a node, a partition."""
    out: list[Scenario] = []
    size = cluster.datastore.members if cluster.datastore.is_etcd else None
    if lost_members is not None:
        out.append(lose_etcd_members(cluster, lost_members))
    elif size:
        out.extend(lose_etcd_members(cluster, k) for k in range(1, failures_tolerated(size) + 2) if k <= size)
    else:
        out.append(lose_etcd_members(cluster, 1))
    out.append(lose_control_plane_node(cluster))
    out.append(network_partition(cluster))
    return out

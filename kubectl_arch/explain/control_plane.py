"""The control-plane layer: API servers, etcd, scheduler and controller managers as component views.

Pods when they are visible (kubeadm, kind, RKE2), k3s's embedded processes per server node, or hidden
(``replicas=None, managed=True``) when a provider runs them.
"""

from __future__ import annotations

from collections import Counter

from kubectl_arch.explain.views import (
    CONTROL_PLANE,
    ComponentView,
    InstanceView,
)
from kubectl_arch.model.components import (
    CLOUD_CONTROLLER_MANAGER,
    ETCD,
    KUBE_APISERVER,
    KUBE_CONTROLLER_MANAGER,
    KUBE_SCHEDULER,
    Component,
    Instance,
)
from kubectl_arch.model.etcd import EMBEDDED, EXTERNAL, EtcdTopology
from kubectl_arch.model.facts import VERSION_FROM_ENDPOINT, ClusterFacts, ComponentFacts
from kubectl_arch.model.leases import LeaseInfo
from kubectl_arch.model.nodes import NodeInfo
from kubectl_arch.model.versions import parse_version
from kubectl_arch.wording import plural


def _instance_views(component: Component, leader: LeaseInfo | None) -> list[InstanceView]:
    def leads(instance: Instance) -> bool | None:
        if leader is None:
            return None
        return leader.held and instance.node == leader.holder_node

    return [InstanceView(node=i.node, pod=i.pod or None, version=i.version, ready=i.ready, leader=leads(i),
                         restarts=i.restarts, flags=i.flags) for i in component.instances]


def _embedded_instances(nodes: list[NodeInfo], leader: LeaseInfo | None) -> list[InstanceView]:
    """k3s runs the control plane inside each server's k3s process: one instance per control-plane node."""
    return [InstanceView(node=n.name, pod=None, version=n.kubelet_version or None, ready=n.ready,
                         leader=None if leader is None else (leader.held and leader.holder_node == n.name))
            for n in nodes if n.control_plane]


def control_plane_views(facts: ClusterFacts, nodes: list[NodeInfo],
                        components: dict[str, Component], etcd: EtcdTopology,
                        endpoints: list[str], identities: list[LeaseInfo],
                        served_version: str | None = None) -> list[ComponentView]:
    """One view per control-plane component; counts, readiness and health are the fact base's."""
    views: list[ComponentView] = []
    for name in (KUBE_APISERVER, ETCD, KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER, CLOUD_CONTROLLER_MANAGER):
        fact = facts.components[name]
        election = facts.leader_election.get(name)
        leader = election.lease if election is not None else None
        component = components[name]
        instances = _instance_views(component, leader)
        evidence = _pod_evidence(component)
        notes: list[str] = []
        if name == ETCD:
            instances, evidence, notes = _etcd_instances(etcd, instances, evidence, facts)
        elif fact.runs == "embedded":
            instances = _embedded_instances(nodes, leader)
            notes.append(f"runs inside the {facts.profile.title} server process on each control-plane node (no pods)")
        managed = fact.runs == "hidden"  # the provider runs it; managed=True says so in JSON
        if fact.runs == "none" and name == CLOUD_CONTROLLER_MANAGER:
            notes.append(_no_cloud_controller(components[KUBE_CONTROLLER_MANAGER], nodes))
        if election is not None and leader is not None:
            evidence.append(f"{election.settings.describe} {'held' if leader.held else 'last held'} by "
                            f"{leader.holder or 'nobody'}")
        elif election is not None and not election.settings.enabled and fact.runs == "pods":
            notes.append("runs with --leader-elect=false: a single copy acts without electing a leader")
        if name == KUBE_APISERVER:
            evidence += _apiserver_evidence(endpoints, identities)
        notes += [reason for reason in fact.reasons if reason not in notes]
        if name == KUBE_APISERVER:
            notes += _apiserver_version_notes(fact, facts, served_version)
        view = ComponentView(name, CONTROL_PLANE, fact.replicas, managed=managed, instances=instances, leader=leader,
                             evidence=evidence, notes=notes, ready=fact.ready, version_source=fact.version_source,
                             version_unknown=fact.version_unknown)
        if not view.versions and fact.version:  # read elsewhere than its instances: /version, a ClusterOperator
            view.versions = [fact.version]
        view.ready = fact.ready  # None when not visible (external etcd): "?" rather than a count
        view.health = fact.health
        views.append(view)
    return views


def _pod_evidence(component: Component) -> list[str]:
    """The pods a component was found in, as read: how many, in which namespace and by which label or name
    (kube-system's ``component=`` label on kubeadm, OpenShift's own namespaces and names there)."""
    groups = Counter((instance.namespace, instance.matched_by) for instance in component.instances if instance.pod)
    return [f"{plural(count, 'pod')} in {namespace or 'an unnamed namespace'} {how}"
            for (namespace, how), count in groups.items()]


# providerID schemes a local tool sets (kind, k3s's and RKE2's own embedded controller): no cloud behind them.
LOCAL_PROVIDER_SCHEMES = ("kind", "k3s", "rke2")


def _no_cloud_controller(controller_manager: Component, nodes: list[NodeInfo]) -> str:
    """Why no cloud-controller-manager pod is seen, as far as the cluster shows: the controller manager's in-tree
    cloud provider, a cloud named by the nodes' providerID, or no cloud at all."""
    in_tree = controller_manager.flag("cloud-provider")
    if in_tree and in_tree != "external":
        return (f"none: the controller manager runs the in-tree {in_tree} cloud provider (--cloud-provider="
                f"{in_tree}), which links the cluster to the cloud API (node lifecycle, cloud load balancers)")
    clouds = sorted({n.provider_id.split("://", 1)[0] for n in nodes if "://" in n.provider_id}
                    - set(LOCAL_PROVIDER_SCHEMES))
    if clouds:
        schemes = ", ".join(f"{scheme}://" for scheme in clouds)
        return (f"no cloud-controller-manager pod found, yet the nodes' providerID ({schemes}) shows a cloud "
                "integration registered them: it runs in the controller manager (an in-tree provider) or outside "
                "the pods explain reads")
    return ("none found: nothing links the cluster to a cloud API (node lifecycle, cloud load balancers); normal "
            "on bare metal and kind")


def _etcd_instances(etcd: EtcdTopology, instances: list[InstanceView], evidence: list[str],
                    facts: ClusterFacts) -> tuple[list[InstanceView], list[str], list[str]]:
    notes: list[str] = []
    store = facts.datastore
    if etcd.mode == EXTERNAL:
        evidence = [f"the API server's --etcd-servers lists {plural(len(etcd.endpoints), 'endpoint')}: "
                    + ", ".join(etcd.endpoints)]
        instances = [InstanceView(node=endpoint, pod=None, version=None, ready=False) for endpoint in etcd.endpoints]
        notes.append("external etcd: runs outside Kubernetes, so its health is not visible through the API")
    elif etcd.mode == EMBEDDED:
        instances = [InstanceView(node=m.node, pod=None, version=None, ready=m.ready) for m in etcd.members]
        evidence = [f"{plural(len(instances), 'node')} with the role node-role.kubernetes.io/etcd"]
        notes.append(f"embedded etcd inside the {facts.profile.title} server process")
    elif store.kind in ("kine-sqlite", "kine-external"):
        evidence = list(store.evidence)
        notes.append("no etcd: kine translates the API server's etcd calls to "
                     + ("SQLite on the server's disk" if store.kind == "kine-sqlite" else "an external database"))
    members = store.members
    if store.is_etcd and members is not None and members > 0 and members % 2 == 0:
        notes.append(f"{plural(members, 'member')} tolerate {plural(store.failures_tolerated or 0, 'failure')}: "
                     f"a quorum is {store.quorum} of {members}, so an even count adds a vote every write waits for, "
                     f"not tolerance ({members - 1} or {members} members tolerate the same; {members + 1} tolerate "
                     "one more)")
    return instances, evidence, notes


def _apiserver_version_notes(fact: ComponentFacts, facts: ClusterFacts, served: str | None) -> list[str]:
    """What the API server's version rests on when its pods do not show it: /version is the answer of the one API
    server that answered, and an operator reports a new version only once it is available everywhere."""
    if fact.version_source == VERSION_FROM_ENDPOINT:
        if fact.runs == "hidden":
            return [f"its version is what /version reports, from the one API server that answered: "
                    f"{facts.profile.title} runs the API servers out of sight, and while it upgrades them they may "
                    "differ"]
        if (fact.replicas or 0) > 1:
            return [f"its pods' images name no version, so its version is what /version reports, from the one of "
                    f"its {fact.replicas} API servers that answered: during an upgrade the others may differ"]
        return ["its version is what /version reports, from the API server that answered"]
    reported, answered = parse_version(fact.version), parse_version(served)
    if fact.version_source and reported and answered and reported.core != answered.core:
        return [f"/version answered {served} while {fact.version_source} reports {fact.version}: an update may be "
                "rolling out (an operator reports a new version once it is available)"]
    return []


def _apiserver_evidence(endpoints: list[str], identities: list[LeaseInfo]) -> list[str]:
    evidence = []
    if endpoints:
        evidence.append(f"EndpointSlice default/kubernetes lists {plural(len(endpoints), 'address', 'addresses')}: "
                        f"{', '.join(endpoints)}")
    if identities:
        live = sum(1 for lease in identities if lease.held)
        evidence.append(f"{plural(len(identities), 'API server identity Lease')}, {live} renewed within their "
                        "duration")
    return evidence

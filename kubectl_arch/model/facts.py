"""One fact base per cluster: the facts explain, audit, what-if, the walkthrough and the pages all read.

Computed once per ``ClusterData`` (``cluster_facts``): the distribution and its profile, the API
server's /readyz and /livez checks, each control-plane component's replicas, readiness, version and
health, the datastore (stacked, external or embedded etcd, kine/SQLite, a managed one) with its member
count and quota (read where possible, else the profile's documented value, marked assumed, with its
source), leader election as each component's flags configure it, the Service proxy, the CNI plugin and cluster DNS.
``facts_data`` is the one JSON form every command embeds, so no two commands can disagree on them.

A fact that was not read is ``None`` with the reason, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.source import NO_STATUS, Response
from kubectl_arch.model import raw
from kubectl_arch.model.addons import (
    DAEMONSETS_NEED,
    DNS_POD_READS,
    OPENSHIFT_DNS_PODS_NEED,
    Addon,
    cluster_dns,
    cni_plugin,
)
from kubectl_arch.model.components import (
    CONTROL_PLANE_COMPONENTS,
    ETCD,
    KUBE_APISERVER,
    OPENSHIFT_PODS_NEED,
    PODS_NEED,
    Component,
    control_plane_components,
)
from kubectl_arch.model.distribution import READS as DISTRIBUTION_READS
from kubectl_arch.model.distribution import VERSION_NEED, Distribution, detect_distribution
from kubectl_arch.model.etcd import EMBEDDED, EXTERNAL, STACKED, etcd_topology, failures_tolerated, quorum
from kubectl_arch.model.kube_proxy import READS as PROXY_READS
from kubectl_arch.model.kube_proxy import KubeProxyMode, kube_proxy_mode, node_args
from kubectl_arch.model.leader_election import ELECTED, ElectionSettings, election_settings, read_lock
from kubectl_arch.model.leader_election import READS as ELECTION_READS
from kubectl_arch.model.leases import LeaseInfo, holder_fields
from kubectl_arch.model.memo import memo
from kubectl_arch.model.nodes import NODES_NEED, NodeInfo, node_infos
from kubectl_arch.model.openshift_versions import (
    KUBERNETES_OPERANDS,
    RELEASE_OPERANDS,
    Release,
    openshift_release,
    operand_version,
    plain_version,
)
from kubectl_arch.model.openshift_versions import READS as OPENSHIFT_VERSION_READS
from kubectl_arch.model.profiles import EMBEDDED as EMBEDDED_CONTROL_PLANE
from kubectl_arch.model.profiles import HIDDEN as HIDDEN_CONTROL_PLANE
from kubectl_arch.model.profiles import Profile, profile_for
from kubectl_arch.model.versions import parse_version
from kubectl_arch.model.workloads import Workload
from kubectl_arch.wording import plural

READYZ_NEED, LIVEZ_NEED = "readyz", "livez"
DEPLOYMENTS_NEED = "kube-system-deployments"
# Everything the fact base reads; commands that embed the facts collect these.
FACT_NEEDS: tuple[str, ...] = tuple(dict.fromkeys((
    *DISTRIBUTION_READS, READYZ_NEED, LIVEZ_NEED, NODES_NEED, PODS_NEED, OPENSHIFT_PODS_NEED, *ELECTION_READS,
    *PROXY_READS, DEPLOYMENTS_NEED, OPENSHIFT_DNS_PODS_NEED, *OPENSHIFT_VERSION_READS)))
READS = FACT_NEEDS

# Datastore kinds.
STACKED_ETCD = "stacked-etcd"  # etcd static pods beside the API servers (kubeadm, kind, minikube, RKE2, OpenShift)
EXTERNAL_ETCD = "external-etcd"  # etcd outside the cluster, seen only in the API server's --etcd-servers
EMBEDDED_ETCD = "embedded-etcd"  # etcd inside the k3s server process (k3s --cluster-init)
KINE_SQLITE = "kine-sqlite"  # k3s's default: kine over SQLite on the single server, no etcd at all
KINE_EXTERNAL = "kine-external"  # k3s with --datastore-endpoint (an external SQL database or etcd)
MANAGED = "managed"  # run and hidden by the provider
UNKNOWN = "unknown"
ETCD_KINDS = (STACKED_ETCD, EXTERNAL_ETCD, EMBEDDED_ETCD)

# Where a control-plane component's version was read (``ComponentFacts.version_source``): its own pods' image tags,
# its server nodes' kubelet (k3s runs it inside that one binary), the API server's /version (the one server that
# answered), or an OpenShift ClusterOperator ("ClusterOperator kube-scheduler").
VERSION_FROM_PODS = "its pods' image tags"
VERSION_FROM_SERVER_NODES = "its server nodes' kubelet (the same binary)"
VERSION_FROM_ENDPOINT = "/version"

# Health words (explain prints them).
HEALTHY, DEGRADED, DOWN, HIDDEN, NONE, UNKNOWN_HEALTH = "healthy", "degraded", "down", "hidden", "none", "unknown"


@dataclass(frozen=True)
class HealthEndpoint:
    """/readyz or /livez?verbose: the verdict (None when not read), the failing sub-checks, or why unread."""

    path: str
    ok: bool | None
    failed: tuple[str, ...] = ()
    passed: int = 0
    reason: str | None = None

    def failing(self, prefix: str) -> list[str]:
        return [check for check in self.failed if check == prefix or check.startswith(prefix)]


def parse_health(data: ClusterData, need: str, path: str) -> HealthEndpoint:
    """``[+]name ok`` / ``[-]name failed`` lines; a 500 answer carries the same body and is a failing verdict."""
    response = data.responses.get(need)
    if response is None:
        return HealthEndpoint(path, None, reason=f"{path} was not read by this command")
    body = response.text or (response.data if isinstance(response.data, str) else "") or ""
    lines = body.splitlines()
    failed = tuple(line[3:].split(" ", 1)[0] for line in lines if line.startswith("[-]"))
    passed = sum(1 for line in lines if line.startswith("[+]"))
    if response.ok:
        return HealthEndpoint(path, not failed, failed, passed)
    if response.status == 500 or failed:
        return HealthEndpoint(path, False, failed, passed)
    return HealthEndpoint(path, None, reason=response.skip_reason(path))


@dataclass(frozen=True)
class ComponentFacts:
    """One control-plane component: where it runs, how many copies, how many ready, its version and health."""

    name: str
    runs: str  # "pods", "embedded", "external", "hidden", "none", "unknown" (its pods could not be read)
    replicas: int | None  # None when hidden
    ready: int | None
    version: str | None  # as read from ``version_source``; None with ``version_unknown`` saying why
    health: str
    nodes: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()  # why the health is not simply ready/replicas
    unread: str | None = None  # why it could not be counted (runs "unknown"): the failed read, with its reason
    version_source: str | None = None  # where the version was read (VERSION_FROM_*, "ClusterOperator <name>")
    version_unknown: str | None = None  # why no version is known, where something runs (hidden, digests, a read)


@dataclass(frozen=True)
class Datastore:
    """What stores the cluster's state, its members and quorum arithmetic, and its size limit."""

    kind: str
    members: int | None  # etcd members (None when hidden or not etcd)
    ready: int | None
    endpoints: tuple[str, ...]
    quota_bytes: int | None
    quota_source: str  # where the figure was read, or the page that documents it
    quota_assumed: bool  # True when not read from this cluster but taken from the profile's documentation
    quota_what: str = ""  # how a message names an assumed quota ("etcd's default", "EKS's documented limit")
    evidence: tuple[str, ...] = ()

    @property
    def is_etcd(self) -> bool:
        return self.kind in ETCD_KINDS

    @property
    def short(self) -> str:
        """The kind as a sentence says it after "etcd": stacked, external, embedded."""
        return self.kind.removesuffix("-etcd")

    @property
    def quorum(self) -> int | None:
        return quorum(self.members) if self.members else None

    @property
    def failures_tolerated(self) -> int | None:
        return failures_tolerated(self.members) if self.members else None


@dataclass(frozen=True)
class LeaderElectionFacts:
    """One component's election: its settings (from flags), and the lock's record as read."""

    settings: ElectionSettings
    lease: LeaseInfo | None
    problem: str | None  # why there is no record ("does not exist", "forbidden ...")

    @property
    def held(self) -> bool | None:
        if self.lease is None:
            return None
        return self.lease.held


@dataclass(frozen=True)
class DnsFacts:
    """Cluster DNS: its kind and workload counts; counts None, with ``unread`` saying why, when a read that
    could have shown it (the Deployments, or the DaemonSets for OpenShift's dns-default) failed. Its workload
    is a Deployment (CoreDNS, kube-dns) or a DaemonSet (OpenShift's dns-default): ``workload.kind`` says which."""

    kind: str | None  # coredns, kube-dns; None when no DNS workload was found
    desired: int | None
    ready: int | None
    ready_nodes: tuple[str, ...] | None = ()  # None when the pods that show them could not be read
    addon: Addon | None = field(default=None, compare=False, repr=False)  # the workload the views list pods of
    unread: tuple[tuple[str, str], ...] = ()  # (need, why) of each failed read that leaves a DNS fact unknown

    @property
    def workload(self) -> Workload | None:
        return self.addon.workload if self.addon is not None else None


@dataclass(frozen=True)
class CniFacts:
    """The CNI plugin: its kind and DaemonSet counts; all None when the DaemonSets could not be read."""

    kind: str | None  # calico, cilium, flannel ...; None when none was recognised (or not read)
    daemonset: str | None  # "kube-system/calico-node"; None when embedded (k3s) or absent
    desired: int | None
    ready: int | None
    addon: Addon | None = field(default=None, compare=False, repr=False)  # the workload the views list pods of
    unread: tuple[tuple[str, str], ...] = ()  # (need, why) of the failed read that leaves the CNI unknown

    @property
    def workload(self) -> Workload | None:
        return self.addon.workload if self.addon is not None else None


@dataclass(frozen=True)
class ClusterFacts:
    """The facts every command shares about one cluster."""

    distribution: Distribution
    profile: Profile
    readyz: HealthEndpoint
    livez: HealthEndpoint
    components: dict[str, ComponentFacts]
    datastore: Datastore
    leader_election: dict[str, LeaderElectionFacts]
    service_proxy: KubeProxyMode
    dns: DnsFacts
    cni: CniFacts
    nodes: int
    ready_nodes: int
    control_plane_nodes: tuple[str, ...]
    not_ready_nodes: tuple[str, ...] = ()
    nodes_unread: str | None = None  # why the nodes could not be read; their counts above are then 0, not known
    notes: tuple[str, ...] = field(default=())
    release: Release | None = None  # OpenShift's release (its ClusterVersion); None on other distributions

    @property
    def managed(self) -> bool:
        return self.profile.hidden

    def component(self, name: str) -> ComponentFacts:
        return self.components[name]


def cluster_facts(data: ClusterData) -> ClusterFacts:
    """The fact base of ``data``, computed once (shared by every caller: read-only)."""
    return memo(data, "facts.cluster_facts", READS, _cluster_facts)


def _responses(data: ClusterData, need: str) -> list[dict[str, Any]]:
    response = data.responses.get(need)
    return response.items if response is not None else []


def _complete(data: ClusterData) -> ClusterData:
    """``data`` with every fact need present: one this command did not collect counts as unread, never absent."""
    missing = [name for name in FACT_NEEDS if name not in data.responses]
    if not missing:
        return data
    unread = {name: Response(status=NO_STATUS, error="not read by this command") for name in missing}
    # The descriptions and answers come along, so a reason reads as the command's own ("DaemonSets in all
    # namespaces"), word for word.
    return ClusterData(source=data.source, now=data.now, credentials=data.credentials,
                       responses={**data.responses, **unread}, options=data.options,
                       descriptions=data.descriptions, answers=data.answers,
                       permissions=data.permissions)


def _cluster_facts(original: ClusterData) -> ClusterFacts:
    data = _complete(original)
    distribution = detect_distribution(data)
    profile = profile_for(distribution.name)
    nodes = node_infos(data) if NODES_NEED in data.responses else []
    components = control_plane_components(data) if PODS_NEED in data.responses else \
        {name: Component(name) for name in CONTROL_PLANE_COMPONENTS}
    readyz = parse_health(data, READYZ_NEED, "/readyz")
    livez = parse_health(data, LIVEZ_NEED, "/livez")
    pods_unread = control_plane_pods_unread(data, profile)
    election = {name: _election(data, settings, pods_unread) for name, settings in election_settings(data).items()} \
        if PODS_NEED in data.responses else {}
    datastore = _datastore(data, profile, components, nodes, pods_unread)
    pods_read, nodes_read = pods_unread is None, data[NODES_NEED].ok
    # k3s counts its control plane from the nodes; every other distribution from the pods it runs as.
    unread = data.skip_reason(NODES_NEED) if profile.control_plane == EMBEDDED_CONTROL_PLANE else pods_unread
    facts = {name: _component(name, components[name], profile, nodes, readyz, livez, election.get(name), datastore,
                              pods_read, nodes_read, unread) for name in CONTROL_PLANE_COMPONENTS}
    facts = {name: _with_version(fact, components[name], data, profile) for name, fact in facts.items()}
    control_plane_nodes = tuple(n.name for n in nodes if n.control_plane)
    proxy = kube_proxy_mode(data)
    return ClusterFacts(distribution=distribution, profile=profile, readyz=readyz, livez=livez, components=facts,
                        datastore=datastore, leader_election=election, service_proxy=proxy, dns=_dns(data),
                        cni=_cni(data),
                        nodes=len(nodes), ready_nodes=sum(1 for n in nodes if n.ready),
                        control_plane_nodes=control_plane_nodes,
                        not_ready_nodes=tuple(n.name for n in nodes if not n.ready),
                        nodes_unread=None if nodes_read else data.skip_reason(NODES_NEED),
                        release=openshift_release(data) if profile.name == "openshift" else None)


def control_plane_pods_unread(data: ClusterData, profile: Profile) -> str | None:
    """Why the pods the control plane runs as could not be read (kube-system's, and on OpenShift those of its
    openshift-* namespaces), or None when they were: a failed read is named, never taken for "no pods"."""
    if not data[PODS_NEED].ok:
        return data.skip_reason(PODS_NEED)
    if profile.name == "openshift" and not data[OPENSHIFT_PODS_NEED].ok:
        return data.skip_reason(OPENSHIFT_PODS_NEED)
    return None


def _election(data: ClusterData, settings: ElectionSettings, pods_unread: str | None) -> LeaderElectionFacts:
    if not settings.enabled:
        return LeaderElectionFacts(settings, None, "--leader-elect=false: this component does not elect a leader")
    lock = read_lock(data, settings)
    if lock.info is None and pods_unread:  # the flags that would move the lock elsewhere were not read
        return LeaderElectionFacts(settings, None, f"the component's pods, whose flags name its lock, could not be "
                                                   f"read: {pods_unread}")
    return LeaderElectionFacts(settings, lock.info, lock.problem)


def _component(name: str, component: Component, profile: Profile, nodes: list[NodeInfo], readyz: HealthEndpoint,
               livez: HealthEndpoint, election: LeaderElectionFacts | None, datastore: Datastore,
               pods_read: bool, nodes_read: bool = True, unread: str | None = None) -> ComponentFacts:
    reasons: list[str] = []
    replicas: int | None
    ready: int | None
    version: str | None
    source: str | None = None
    if name == ETCD and datastore.kind in (EMBEDDED_ETCD, EXTERNAL_ETCD):
        runs = "embedded" if datastore.kind == EMBEDDED_ETCD else "external"
        replicas, ready, version = datastore.members, datastore.ready, None
        where: tuple[str, ...] = tuple(n.name for n in nodes if ETCD in n.roles) if runs == "embedded" else \
            datastore.endpoints
    elif component.instances:
        runs = "pods"
        replicas, ready = component.replicas, component.ready
        versions = component.versions
        version = versions[0] if len(versions) == 1 else ", ".join(versions) if versions else None
        source = VERSION_FROM_PODS if version else None
        where = tuple(sorted({i.node for i in component.instances if i.node}))
    elif profile.control_plane == EMBEDDED_CONTROL_PLANE and not nodes_read:
        runs, replicas, ready, version, where = "unknown", None, None, None, ()  # k3s is counted from its nodes
    elif profile.control_plane == EMBEDDED_CONTROL_PLANE and name != ETCD:
        servers = [n for n in nodes if n.control_plane]
        runs, replicas, ready = "embedded", len(servers), sum(1 for n in servers if n.ready)
        kubelets = sorted({n.kubelet_version for n in servers if n.kubelet_version})
        version = kubelets[0] if len(kubelets) == 1 else None
        source = VERSION_FROM_SERVER_NODES if version else None
        where = tuple(n.name for n in servers)
    elif profile.control_plane == HIDDEN_CONTROL_PLANE:
        runs, replicas, ready, version, where = "hidden", None, None, None, ()
    elif not pods_read and profile.control_plane != EMBEDDED_CONTROL_PLANE:  # not seen is not absent
        runs, replicas, ready, version, where = "unknown", None, None, None, ()
    else:
        runs, replicas, ready, version, where = "none", 0, 0, None, ()
    health = UNKNOWN_HEALTH if runs == "unknown" or (runs == "external" and ready is None) else \
        health_of(replicas, ready or 0)
    if runs == "unknown" and unread:  # the read its count rests on is named, with its reason
        reasons.append(f"not counted: {unread}")
    if name == KUBE_APISERVER:
        for endpoint in (readyz, livez):
            if endpoint.ok is False:
                named = ", ".join(endpoint.failed) or "no sub-check named"
                reasons.append(f"{endpoint.path} fails ({named})")
    if name == ETCD:
        for endpoint in (readyz, livez):
            failing = endpoint.failing("etcd")
            if failing:
                reasons.append(f"the API server's {endpoint.path} reports {failing[0]} failing: it cannot reach or "
                               "use etcd reliably")
    lease = election.lease if election is not None and election.settings.enabled and runs != "none" else None
    if election is not None and lease is not None and not lease.held:
        reasons.append(f"no current leader: {election.settings.describe} was last renewed "
                       f"{_seconds(lease.renew_age_seconds)} ago, valid {lease.duration_seconds}s")
    if reasons and health in (HEALTHY, HIDDEN):
        health = DEGRADED
    return ComponentFacts(name, runs, replicas, ready, version, health, where, tuple(reasons),
                          unread if runs == "unknown" else None, version_source=source)


def _with_version(fact: ComponentFacts, component: Component, data: ClusterData, profile: Profile) -> ComponentFacts:
    """Where a component's own pods (or k3s's nodes) name no version: what the cluster still reports (OpenShift's
    ClusterOperators; for the API server, /version), else why it stays unknown. Never the API server's version
    for another component: on a hidden control plane those are simply not visible."""
    if fact.version is not None or fact.runs == "none":
        return fact
    unknown = [_why_no_version(fact, component, profile)]
    if profile.name == "openshift" and fact.name in KUBERNETES_OPERANDS:
        reported = operand_version(data, fact.name)
        if reported.version is not None:
            return replace(fact, version=reported.version, version_source=reported.source)
        unknown.append(reported.reason or "")
    elif profile.name == "openshift" and fact.name in RELEASE_OPERANDS:
        reported = operand_version(data, fact.name)
        if reported.version is not None:
            unknown.append(f"{reported.source} reports OpenShift release {reported.version} for it, not "
                           f"{fact.name}'s own version")
    if fact.name == KUBE_APISERVER:
        served = plain_version(data.mapping(VERSION_NEED).get("gitVersion"))
        if served is not None:
            return replace(fact, version=served, version_source=VERSION_FROM_ENDPOINT)
        unknown.append(data.skip_reason(VERSION_NEED) or "/version names no version")
    return replace(fact, version_unknown="; ".join(filter(None, unknown)))


def _why_no_version(fact: ComponentFacts, component: Component, profile: Profile) -> str:
    """Why the component's own instances show no version, in the words -o wide and JSON give."""
    if fact.runs == "hidden":
        return f"hidden by the provider ({profile.title}): no pod or image to read"
    if fact.runs == "unknown":
        return f"not visible: {fact.unread}" if fact.unread else "not visible"
    if fact.runs == "external":
        return "external etcd runs outside Kubernetes: the API shows no etcd version"
    if fact.runs == "embedded" and fact.name == ETCD:
        return f"embedded in the {profile.title} server process: the API shows no etcd version"
    if fact.runs == "embedded":
        return f"runs inside the {profile.title} server process, whose server nodes report different versions"
    if any(isinstance(instance.image, str) and "@" in instance.image for instance in component.instances):
        return "its pods' images are pinned by digest and name no version"
    return "its pods' images carry no version tag"


def health_of(replicas: int | None, ready: int) -> str:
    """A component's health word from its ready count: the one rule explain's tables and the facts share."""
    if replicas is None:
        return HIDDEN
    if replicas == 0:
        return NONE
    if ready >= replicas:
        return HEALTHY
    return DEGRADED if ready else DOWN


def _seconds(value: float | None) -> str:
    return "?" if value is None else f"{value:.0f}s"


def _quota_flag(component: Component) -> tuple[int, str] | None:
    """``--quota-backend-bytes`` (or OpenShift's ETCD_QUOTA_BACKEND_BYTES) on a visible etcd member."""
    for instance in component.instances:
        for origin, value in (("--quota-backend-bytes", instance.flags.get("quota-backend-bytes", "")),
                              ("ETCD_QUOTA_BACKEND_BYTES", instance.env.get("ETCD_QUOTA_BACKEND_BYTES", ""))):
            if value.strip().isdigit() and int(value) > 0:
                return int(value), f"{origin} on {instance.pod}"
    return None


def _kube_minor(data: ClusterData) -> int | None:
    """The cluster's Kubernetes minor version from /version; None when it was not read."""
    response = data.responses.get(VERSION_NEED)
    if response is None or not response.ok:
        return None
    version = parse_version(str(data.mapping(VERSION_NEED).get("gitVersion") or ""))
    return version.minor if version is not None and version.major == 1 else None


def _datastore(data: ClusterData, profile: Profile, components: dict[str, Component],
               nodes: list[NodeInfo], pods_unread: str | None = None) -> Datastore:
    topology = etcd_topology(components, nodes)
    quota_doc = profile.quota_for(_kube_minor(data))  # by release where the profile's documented value changed
    documented = (quota_doc.bytes, quota_doc.source, True, quota_doc.what)
    if topology.mode == STACKED:
        read = _quota_flag(components[ETCD])
        quota = (read[0], read[1], False, "read from the cluster") if read else documented
        pods = ", ".join(m.pod for m in topology.members)
        return Datastore(STACKED_ETCD, len(topology.members), topology.ready, tuple(topology.endpoints), *quota,
                         evidence=(f"{plural(len(topology.members), 'etcd pod')} ({pods})",))
    if topology.mode == EXTERNAL:
        return Datastore(EXTERNAL_ETCD, len(topology.endpoints), None, tuple(topology.endpoints), *documented,
                         evidence=("the API server's --etcd-servers lists "
                                   f"{plural(len(topology.endpoints), 'endpoint')}",))
    if topology.mode == EMBEDDED:
        return Datastore(EMBEDDED_ETCD, len(topology.members), topology.ready, (), *documented,
                         evidence=(f"{plural(len(topology.members), 'node')} with the role "
                                   "node-role.kubernetes.io/etcd",))
    if profile.hidden:
        return Datastore(MANAGED, None, None, (), *documented,
                         evidence=(f"the control plane is run by {profile.title} and not visible",))
    if profile.name == "k3s" and not data[NODES_NEED].ok:
        return Datastore(UNKNOWN, None, None, (), *documented,
                         evidence=("the nodes, whose roles and k3s.io/node-args say which datastore k3s uses, could "
                                   "not be read",))
    if profile.name == "k3s":
        servers = [n for n in nodes if n.control_plane]
        recorded = [found[0] for found in (node_args(node) for node in _node_objects(data, servers)) if found]
        if any(any(word.startswith("--datastore-endpoint") for word in words) for words in recorded):
            return Datastore(KINE_EXTERNAL, None, None, (), None, "the external database's own limits", False,
                             evidence=("k3s.io/node-args shows --datastore-endpoint: kine in front of an external "
                                       "database",))
        seen = f"{plural(len(servers), 'k3s server node')} and no node with the etcd role"
        return Datastore(KINE_SQLITE, None, None, (), None, "SQLite has no etcd quota", False,
                         evidence=(seen + ": kine over SQLite (k3s's default without --cluster-init)",))
    if pods_unread:  # the pods etcd would be found by (and the API server's --etcd-servers) were not read
        return Datastore(UNKNOWN, None, None, (), *documented,
                         evidence=(f"the etcd and API server pods could not be read: {pods_unread}",))
    return Datastore(UNKNOWN, None, None, (), *documented, evidence=("no etcd pods, endpoints or etcd nodes visible",))


def _node_objects(data: ClusterData, wanted: list[NodeInfo]) -> list[dict[str, Any]]:
    names = {n.name for n in wanted}
    return [node for node in _responses(data, NODES_NEED) if raw.name(node) in names]


def _cni(data: ClusterData) -> CniFacts:
    addon = cni_plugin(data)
    if addon is None:
        found = 0 if data[DAEMONSETS_NEED].ok else None  # not read is not none: never "0"
        unread = tuple((need, reason) for need in (DAEMONSETS_NEED,) if (reason := data.unread(need)))
        return CniFacts(None, None, found, found, unread=unread)
    if addon.workload is None:  # k3s's embedded flannel, minikube's bridge file: no DaemonSet to count
        return CniFacts(addon.kind, None, None, None, addon)
    w = addon.workload
    return CniFacts(addon.kind, f"{w.namespace}/{w.name}", w.desired, w.ready, addon)


def _dns(data: ClusterData) -> DnsFacts:
    dns = cluster_dns(data)
    if dns is None or dns.workload is None:
        # Not found in what was read; a failed read that could have shown it (the Deployments, or the DaemonSets
        # where OpenShift runs dns-default) makes it unknown with the reason: never "0", never "none found".
        unread = tuple((need, reason) for need in (DEPLOYMENTS_NEED, DAEMONSETS_NEED) if (reason := data.unread(need)))
        if unread:
            return DnsFacts(None, None, None, unread=unread)
        return DnsFacts(None, 0, 0)
    found = dns.workload
    # Its pods are read where it runs: kube-system, or OpenShift's openshift-dns.
    need = DNS_POD_READS.get(found.namespace)
    if need is None:
        return DnsFacts(dns.kind, found.desired, found.ready, None, dns,
                        unread=(("", f"the pods of namespace {found.namespace} are not read"),))
    if not data[need].ok:  # which nodes hold ready replicas is unknown, and why
        return DnsFacts(dns.kind, found.desired, found.ready, None, dns,
                        unread=((need, data.skip_reason(need) or need),))
    pods = [p for p in _responses(data, need) if raw.namespace(p) == found.namespace and _runs(p, found)]
    ready_nodes = tuple(sorted({str(raw.mapping(p.get("spec")).get("nodeName")) for p in pods if raw.pod_ready(p)}))
    return DnsFacts(dns.kind, found.desired, found.ready, ready_nodes, dns)


def _runs(pod: dict[str, Any], found: Workload) -> bool:
    """Whether ``pod`` is one of cluster DNS's: CoreDNS and kube-dns pods carry ``k8s-app=kube-dns``; a
    DaemonSet (OpenShift's dns-default) owns its pods directly."""
    if raw.labels(pod).get("k8s-app") == "kube-dns":
        return True
    owners = raw.sequence(raw.mapping(pod.get("metadata")).get("ownerReferences"))
    return found.kind == "DaemonSet" and any(raw.mapping(owner).get("kind") == "DaemonSet"
                                             and raw.mapping(owner).get("name") == found.name for owner in owners)


# -- the one JSON form --------------------------------------------------------------------------------


def _lease(facts: LeaderElectionFacts, provider_hosts: bool) -> dict[str, Any]:
    settings, lease = facts.settings, facts.lease
    return {"enabled": settings.enabled, "visible": settings.visible, "lock": settings.lock,
            "namespace": settings.namespace, "name": settings.name, "fromFlags": settings.from_flags,
            "configuredBy": settings.configured_by,
            "holder": lease.holder if lease else None, **holder_fields(lease, provider_hosts),
            "held": facts.held, "leaseDurationSeconds": lease.duration_seconds if lease else None,
            "problem": facts.problem}


def _workload(found: Workload | None) -> dict[str, str] | None:
    """An add-on's workload as JSON: its kind says whether it is a Deployment or a DaemonSet."""
    return None if found is None else {"kind": found.kind, "namespace": found.namespace, "name": found.name}


def _unread(unread: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    """Each failed read that leaves a fact unknown (null), with why."""
    return [{"read": need, "reason": reason} for need, reason in unread]


def facts_data(facts: ClusterFacts) -> dict[str, Any]:
    """The fact base as JSON-ready data: the ``facts`` block of every command's ``-o json``."""
    store = facts.datastore
    return {
        "distribution": facts.distribution.name,
        "controlPlane": facts.profile.control_plane,
        "health": {endpoint.path.strip("/"): {"ok": endpoint.ok, "failed": list(endpoint.failed),
                                              "reason": endpoint.reason}
                   for endpoint in (facts.readyz, facts.livez)},
        "components": {name: {"runs": c.runs, "replicas": c.replicas, "ready": c.ready, "version": c.version,
                              "versionSource": c.version_source, "versionUnknown": c.version_unknown,
                              "health": c.health, "nodes": list(c.nodes), "reasons": list(c.reasons)}
                       for name, c in facts.components.items()},
        "release": None if facts.release is None else {
            "version": facts.release.version, "updatingTo": facts.release.updating_to,
            "source": facts.release.source, "unread": facts.release.reason},
        "datastore": {"kind": store.kind, "members": store.members, "ready": store.ready, "quorum": store.quorum,
                      "failuresTolerated": store.failures_tolerated, "endpoints": list(store.endpoints),
                      "quotaBytes": store.quota_bytes, "quotaSource": store.quota_source,
                      "quotaAssumed": store.quota_assumed, "evidence": list(store.evidence)},
        "leaderElection": {name: _lease(facts.leader_election[name], facts.profile.hidden) for name in ELECTED
                           if name in facts.leader_election},
        "serviceProxy": {"mode": facts.service_proxy.mode, "source": facts.service_proxy.source,
                         "replacedBy": facts.service_proxy.replaced_by},
        "cni": {"kind": facts.cni.kind, "workload": _workload(facts.cni.workload), "desired": facts.cni.desired,
                "ready": facts.cni.ready, "unread": _unread(facts.cni.unread)},
        "dns": {"kind": facts.dns.kind, "workload": _workload(facts.dns.workload), "desired": facts.dns.desired,
                "ready": facts.dns.ready,
                "readyNodes": None if facts.dns.ready_nodes is None else list(facts.dns.ready_nodes),
                "unread": _unread(facts.dns.unread)},
        "nodes": {"total": None if facts.nodes_unread else facts.nodes,
                  "ready": None if facts.nodes_unread else facts.ready_nodes,
                  "controlPlane": list(facts.control_plane_nodes), "unread": facts.nodes_unread},
    }

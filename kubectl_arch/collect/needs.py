"""The catalogue of data the commands read, each with the one request and the RBAC rule it takes.

Commands and checks name the needs they use; ``collect`` fetches the union once, so nothing is read
twice and nothing is read that no one asked for. ``kubectl arch rbac`` derives the minimal read-only
ClusterRole from the same catalogue, so permissions and requests cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch import jsonshape
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.concurrency import max_in_flight, run_graph
from kubectl_arch.collect.election_locks import OPENSHIFT_LOCKS, OPENSHIFT_NAMESPACES
from kubectl_arch.collect.node_reads import read_nodes_full, read_nodes_lean
from kubectl_arch.collect.source import NO_STATUS, ChecksReadable, Query, Response, Source, list_all


@dataclass(frozen=True)
class Rule:
    """One RBAC rule: resources in API groups, or non-resource URLs, with read verbs."""

    api_groups: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    non_resource_urls: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ("list",)  # least privilege: a list read needs only `list`; name `get` where used
    # The one namespace the read happens in (a Role there suffices), or "" for a cluster-wide read.
    namespace: str = ""
    # The objects a `get` is limited to (RBAC resourceNames), where a read anywhere needs only a few by name.
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Need:
    """A named piece of cluster data: where it is read from and the permission that takes.

    ``paged`` lists are read page by page with ``limit``/``continue``. A need with ``fetch`` computes
    its request from data collected before it (``after``), e.g. etcd metrics through each etcd pod:
    ``after`` is the one place such an order is declared, and ``collect`` reads everything else at once.
    A need ``covered_by`` another is answered by it when both are collected (lean nodes by full nodes).
    """

    name: str
    description: str
    path: str = ""
    query: tuple[tuple[str, str], ...] = ()
    paged: bool = False
    rule: Rule = field(default_factory=Rule)
    more_rules: tuple[Rule, ...] = ()  # a need read from more than one resource (each in ``rbac_rules``)
    after: tuple[str, ...] = ()
    fetch: Callable[[Source, ClusterData], Response] | None = field(default=None, compare=False)
    covered_by: tuple[str, ...] = ()
    # HTTP statuses that are answers, not failed reads: a 404 says "not there"; /readyz answers 500 as its verdict.
    answers: tuple[int, ...] = (404,)
    # Whether the data read before it (``after``) lets it send anything: the progress line names only reads
    # that go out (OpenShift's are skipped where no node shows OpenShift). None: it always reads.
    sends: Callable[[ClusterData], bool] | None = field(default=None, compare=False)

    def read(self, source: Source, data: ClusterData) -> Response:
        """The answer, and when it arrived in ``data.read_at`` (a second read of metrics waits on it)."""
        response = self.answer(source, data)
        data.read_at[self.name] = time.monotonic()
        return response

    def answer(self, source: Source, data: ClusterData) -> Response:
        """One request (or the fetch) for this need, without bookkeeping: a second read calls it again."""
        if self.fetch is not None:
            return self.fetch(source, data)
        if self.paged:
            return list_all(source, self.path, dict(self.query), keep=trimmed)
        return source.get(self.path, dict(self.query) or None)


def trimmed(obj: dict[str, Any]) -> dict[str, Any]:
    """An object without the bulky fields no analysis of listed objects reads.

    ``metadata.managedFields`` and a node's ``status.images`` are most of a big node list's size (114 MB
    down to 41 MB at 5,000 nodes); trace, which reads managedFields, fetches its objects itself.
    """
    out = obj
    for section, bulky in (("metadata", "managedFields"), ("status", "images")):
        part = obj.get(section)
        if isinstance(part, dict) and bulky in part:
            out = out if out is not obj else dict(obj)  # copy only when something is dropped
            out[section] = {k: v for k, v in part.items() if k != bulky}
    return out


def descriptions() -> dict[str, str]:
    """What each need reads, in words: ClusterData's skip reasons name the data a user lacks."""
    return {name: need.description for name, need in NEEDS.items()}

# Resources with no namespace (EKS's control-plane metrics among them): `kubectl auth can-i` takes no namespace flag.
CLUSTER_SCOPED = frozenset({"nodes", "namespaces", "certificatesigningrequests", "mutatingwebhookconfigurations",
                            "validatingwebhookconfigurations", "apiservices", "clusteroperators", "clusterversions",
                            "etcd", "ksh", "kcm"})


def can_i(rule: Rule, path: str = "") -> str:
    """The `kubectl auth can-i` line that asks for ``rule``'s permission: `list` where the rule grants it (a list
    read), else its first verb; an object by name where the request names one, else the rule's first name; a
    subresource (pods/proxy) with --subresource (kubernetes.io, kubectl auth can-i: VERB [TYPE | TYPE/NAME])."""
    verb = "list" if "list" in rule.verbs else rule.verbs[0]
    if rule.non_resource_urls:
        return f"kubectl auth can-i {verb} {rule.non_resource_urls[0]}"
    group, (resource, _, subresource) = rule.api_groups[0], rule.resources[0].partition("/")
    kind = f"{resource}.{group}" if group else resource
    after = path.split(f"/{resource}/", 1)[1] if path and f"/{resource}/" in path else ""
    name = (after if after and "/" not in after else rule.names[0] if rule.names else "") if verb == "get" else ""
    scope = f" -n {rule.namespace}" if rule.namespace else "" if resource in CLUSTER_SCOPED else " --all-namespaces"
    sub = f" --subresource={subresource}" if subresource else ""
    return f"kubectl auth can-i {verb} {kind}{'/' + name if name else ''}{sub}{scope}"


def permission(need: Need) -> str | None:
    """The permission ``need``'s read takes, in RBAC's words with the line that confirms it; None when it takes
    none (the TLS handshake)."""
    words = []
    for rule in (need.rule, *need.more_rules):
        if not rule.verbs or not (rule.non_resource_urls or (rule.api_groups and rule.resources)):
            continue  # the TLS handshake takes no permission; a rule naming nothing has none to name
        verbs = "/".join(f"`{verb}`" for verb in rule.verbs)
        if rule.non_resource_urls:
            what = f"{verbs} on {', '.join(rule.non_resource_urls)}"
        else:
            group = rule.api_groups[0]
            where = f" in namespace {rule.namespace}" if rule.namespace else ""
            named = f" named {', '.join(rule.names)}" if rule.names else ""
            what = f"{verbs} on {'/'.join(rule.resources)} ({group or 'core'} API group){named}{where}"
        words.append(f"{what} (check: `{can_i(rule, need.path)}`)")
    return " and ".join(words) or None


def permissions() -> dict[str, str]:
    """The permission each need's read takes (see ``permission``): a refusal names it."""
    return {name: words for name, need in NEEDS.items() if (words := permission(need))}


def answers() -> dict[str, tuple[int, ...]]:
    """The HTTP statuses that are answers for each need whose set is not the usual (404): see ``Need.answers``."""
    return {name: need.answers for name, need in NEEDS.items() if need.answers != (404,)}


def _apiserver_certificates(source: Source, _data: ClusterData) -> Response:
    return source.peer_certificates()


def _resource(group: str, *resources: str, verbs: tuple[str, ...] = ("list",), namespace: str = "",
              names: tuple[str, ...] = ()) -> Rule:
    return Rule(api_groups=(group,), resources=resources, verbs=verbs, namespace=namespace, names=names)


KUBE_SYSTEM = "kube-system"


def _kube_system_configmap(need: str, configmap: str, note: str = "") -> Need:
    """A GET of one kube-system ConfigMap; a 404 is an answer (the cluster does not use it)."""
    return Need(need, f"the {configmap} ConfigMap{note}", f"/api/v1/namespaces/kube-system/configmaps/{configmap}",
                rule=_resource("", "configmaps", verbs=("get",), namespace=KUBE_SYSTEM))


def _url(*urls: str) -> Rule:
    return Rule(non_resource_urls=urls, verbs=("get",))


# Per-node DaemonSet pods are listed only when one page holds them all: the number of requests never grows with
# the cluster; otherwise the DaemonSets' status counts are used. kube-system's are judged by their own first page
# (sent with the first reads), OpenShift's DNS pods by the nodes, which show OpenShift.
DAEMONSET_PODS_MAX_NODES = 250
DAEMONSET_PODS_PAGE = 2 * DAEMONSET_PODS_MAX_NODES + 100


# OpenShift 4 runs its control plane as static pods in namespaces of its own; read only where a node shows it.
OPENSHIFT_NODE_LABEL = "node.openshift.io/os_id"
OPENSHIFT_CONTROL_PLANE_NAMESPACES = OPENSHIFT_NAMESPACES
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"


def _shows_openshift(data: ClusterData) -> bool:
    """Whether a node read carries OpenShift's label: only then are OpenShift's namespaces and APIs read."""
    return any(OPENSHIFT_NODE_LABEL in jsonshape.mapping(jsonshape.mapping(node.get("metadata")).get("labels"))
               for node in data.items("nodes"))


def _not_openshift(data: ClusterData) -> Response | None:
    """An empty answer when no node shows OpenShift (its namespaces are then not read), else None."""
    if _shows_openshift(data):
        return None
    return Response(status=200, data={"items": [], "note": f"no node carries {OPENSHIFT_NODE_LABEL}"})


def _openshift_control_plane_pods(source: Source, data: ClusterData) -> Response:
    """The mirror (static) pods of OpenShift's control-plane namespaces; nothing read on other clusters."""
    if (elsewhere := _not_openshift(data)) is not None:
        return elsewhere
    items: list[dict[str, Any]] = []
    for namespace in OPENSHIFT_CONTROL_PLANE_NAMESPACES:
        response = source.get(f"/api/v1/namespaces/{namespace}/pods")
        if not response.ok:
            return response
        items += [trimmed(pod) for pod in response.items
                  if MIRROR_ANNOTATION in jsonshape.mapping(jsonshape.mapping(pod.get("metadata")).get("annotations"))]
    return Response(status=200, data={"items": items})


OPENSHIFT_DNS_NAMESPACE = "openshift-dns"


def _openshift_dns_pods(source: Source, data: ClusterData) -> Response:
    """The pods of OpenShift's DNS DaemonSet (one per node, in openshift-dns), on clusters up to
    DAEMONSET_PODS_MAX_NODES nodes as for kube-system's DaemonSet pods; nothing read on other clusters."""
    if (elsewhere := _not_openshift(data) or _too_many_nodes(data)) is not None:
        return elsewhere
    response = _per_node_pods_page(source, OPENSHIFT_DNS_NAMESPACE)
    if not response.ok:
        return response
    return Response(status=200, data={"items": [trimmed(pod) for pod in response.items]})


# OpenShift pins its control-plane images by digest; its operators report the versions instead (ClusterOperators'
# status.versions) and the ClusterVersion the release. Read only where a node shows OpenShift, and kept to those fields.
OPENSHIFT_CONFIG_API = "/apis/config.openshift.io/v1"
OPENSHIFT_VERSION_OPERATORS = ("kube-apiserver", "kube-scheduler", "kube-controller-manager", "etcd")
CLUSTER_VERSION_NAME = "version"  # the one ClusterVersion of a cluster
CLUSTER_VERSION_HISTORY_KEPT = 10  # the newest updates; the CVO keeps a limited history itself


def _openshift_cluster_operators(source: Source, data: ClusterData) -> Response:
    """The control plane's ClusterOperators, each kept to its name and status.versions; nothing read elsewhere."""
    if (elsewhere := _not_openshift(data)) is not None:
        return elsewhere
    response = source.get(f"{OPENSHIFT_CONFIG_API}/clusteroperators")
    if not response.ok:
        return response
    kept = [{"metadata": {"name": name},
             "status": {"versions": jsonshape.sequence(jsonshape.mapping(item.get("status")).get("versions"))}}
            for item in response.items
            if (name := jsonshape.mapping(item.get("metadata")).get("name")) in OPENSHIFT_VERSION_OPERATORS]
    return Response(status=200, data={"items": kept})


def _openshift_cluster_version(source: Source, data: ClusterData) -> Response:
    """The ClusterVersion, kept to its desired release and newest update history; nothing read elsewhere."""
    if (elsewhere := _not_openshift(data)) is not None:
        return elsewhere
    response = source.get(f"{OPENSHIFT_CONFIG_API}/clusterversions/{CLUSTER_VERSION_NAME}")
    if not response.ok or not isinstance(response.data, dict):
        return response
    status = jsonshape.mapping(response.data.get("status"))
    history = [{"state": jsonshape.mapping(entry).get("state"), "version": jsonshape.mapping(entry).get("version")}
               for entry in jsonshape.sequence(status.get("history"))[:CLUSTER_VERSION_HISTORY_KEPT]]
    return Response(status=200, data={"metadata": {"name": CLUSTER_VERSION_NAME}, "status": {
        "desired": {"version": jsonshape.mapping(status.get("desired")).get("version")}, "history": history}})


LEADER_ELECTION_LOCKS = "leader-election-locks"
ELECTED_COMPONENTS = ("kube-scheduler", "kube-controller-manager", "cloud-controller-manager")
LEADER_RECORD_ANNOTATION = "control-plane.alpha.kubernetes.io/leader"
_LOCK_FLAG = re.compile(r"--leader-elect-resource-(lock|namespace|name)[= ]+([A-Za-z0-9._-]+)")


def _moved_locks(pods: list[dict[str, Any]]) -> dict[str, list[tuple[str, str, str]]]:
    """Component -> the (lock kind, namespace, name) to read where its command line moves the lock off the
    default kube-system Lease (the same flags, in a plain command or a shell script, as the model reads), or
    where OpenShift's operator config puts it with no flag on the pod (both candidates: the model picks one)."""
    moved: dict[str, list[tuple[str, str, str]]] = {}
    for pod in pods:
        namespace_of_pod = jsonshape.mapping(pod.get("metadata")).get("namespace")
        for container in jsonshape.sequence(jsonshape.mapping(pod.get("spec")).get("containers")):
            component = str(container.get("name", ""))
            if component not in ELECTED_COMPONENTS or component in moved:
                continue
            argv = [*jsonshape.sequence(container.get("command")), *jsonshape.sequence(container.get("args"))]
            words = " ".join(str(w) for w in argv)
            flags = {key: value for key, value in _LOCK_FLAG.findall(words)}
            if not flags:
                if namespace_of_pod in OPENSHIFT_NAMESPACES and component in OPENSHIFT_LOCKS:
                    namespace, name = OPENSHIFT_LOCKS[component]
                    moved[component] = [("configmaps", namespace, name)] + \
                        ([("leases", namespace, name)] if namespace != "kube-system" else [])
                continue
            lock = flags.get("lock", "leases").lower()
            namespace = flags.get("namespace", "kube-system")
            if lock in ("leases", "endpointsleases", "configmapsleases") and namespace == "kube-system" \
                    and flags.get("name", component) == component:
                continue
            moved[component] = [(lock, namespace, flags.get("name", component))]
    return moved


def _one_by_name(source: Source, collection: str, name: str) -> Response:
    """One object of a collection, listed by its name (404 when the list holds none)."""
    answer = source.get(collection, {"fieldSelector": f"metadata.name={name}"})
    if not answer.ok:
        return answer
    return Response(status=200, data=answer.items[0]) if answer.items else \
        Response(status=404, error=f"{name} not found")


def _leader_election_locks(source: Source, data: ClusterData) -> Response:
    """GET each lock the components' flags move; of a ConfigMap lock only its leader record is kept."""
    pods = data.items("kube-system-pods") + data.items("openshift-control-plane-pods")
    locks: list[dict[str, Any]] = []
    for component, lock, namespace, name in sorted((component, *candidate) for component, candidates
                                                   in _moved_locks(pods).items() for candidate in candidates):
        configmap = lock == "configmaps"
        path = (f"/api/v1/namespaces/{namespace}/configmaps/{name}" if configmap
                else f"/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}")
        # A Lease in kube-system is listed by name (kube-system-leases' `list` covers any name there); any other
        # lock is read with `get`, which the role grants by the components' names (resourceNames): OpenShift's
        # scheduler's Lease in openshift-kube-scheduler is beyond that `list`.
        listed = not configmap and namespace == KUBE_SYSTEM
        response = _one_by_name(source, path.rsplit("/", 1)[0], name) if listed else source.get(path)
        entry: dict[str, Any] = {"component": component, "path": path, "status": response.status}
        body = response.data if response.ok and isinstance(response.data, dict) else {}
        metadata = jsonshape.mapping(body.get("metadata"))
        if not response.ok:
            entry["error"] = response.skip_reason(f"{'ConfigMap' if configmap else 'Lease'} {namespace}/{name}")
        elif configmap:
            record = jsonshape.mapping(metadata.get("annotations")).get(LEADER_RECORD_ANNOTATION)
            entry["record"] = record if isinstance(record, str) else None
        else:
            entry["lease"] = {"metadata": {"name": metadata.get("name"), "namespace": metadata.get("namespace"),
                                           "labels": jsonshape.mapping(metadata.get("labels"))},
                              "spec": jsonshape.mapping(body.get("spec"))}
        locks.append(entry)
    # One lock that could not be read (a 404 is an answer) makes the whole read a failed one, so reports name
    # it; the locks that were read stay in ``data`` for the components whose lock they are.
    failed = [entry for entry in locks if entry.get("error") and entry["status"] != 404]
    if failed:
        return Response(status=failed[0]["status"], data={"locks": locks},
                        error="; ".join(str(entry["error"]) for entry in failed))
    return Response(status=200, data={"locks": locks})


def _too_many_nodes(data: ClusterData) -> Response | None:
    """Per-node pods are not listed on a cluster bigger than DAEMONSET_PODS_MAX_NODES: why, or None."""
    nodes = data.items("nodes")
    if len(nodes) <= DAEMONSET_PODS_MAX_NODES:
        return None
    return Response(status=NO_STATUS, error=f"not listed on a cluster of {len(nodes)} nodes (per-node pods are "
                    f"listed up to {DAEMONSET_PODS_MAX_NODES} nodes; DaemonSet status counts are used instead)",
                    absent=True)


def _kube_system_daemonset_pods(source: Source, data: ClusterData) -> Response:
    """One page of kube-system's DaemonSet pods, sent with the first reads: waiting for the DaemonSets' counts
    cost every cluster a round trip, and a cluster too big for the page pays one page, read and set aside."""
    return _per_node_pods_page(source, KUBE_SYSTEM, {"labelSelector": "pod-template-generation"})


def _per_node_pods_page(source: Source, namespace: str, query: Query | None = None) -> Response:
    """One page of a namespace's per-node pods, or "not listed" when the list is longer than the page: a part
    of the list would count only some nodes' pods, and say nothing of it."""
    limit = DAEMONSET_PODS_PAGE
    page = source.get(f"/api/v1/namespaces/{namespace}/pods", {**dict(query or {}), "limit": str(limit)})
    if page.ok and jsonshape.mapping(jsonshape.mapping(page.data).get("metadata")).get("continue"):
        return Response(status=NO_STATUS, error=f"not listed: {namespace} holds more than {limit} per-node pods "
                        "(one page is read; DaemonSet status counts are used instead)", absent=True)
    return page


def _pods_read_only_on_openshift(name: str, description: str, fetch: Callable[[Source, ClusterData], Response],
                                 namespace: str = "") -> Need:
    """A pods read of OpenShift's namespaces, sent once the nodes are read and only when one of them shows
    OpenShift: on any other cluster those namespaces do not exist, and the read would be a wasted round trip."""
    return Need(name, description, fetch=fetch, after=("nodes",), rule=_resource("", "pods", namespace=namespace),
                sends=_shows_openshift)


# /readyz and /livez answer 500 with the failing sub-checks: that is their verdict, not a failed read.
HEALTH_ANSWERS = (404, 500)

_CATALOGUE = [
    Need("version", "the API server version (/version)", "/version", rule=_url("/version")),
    Need("readyz", "the API server readiness checks (/readyz)", "/readyz", (("verbose", "true"),),
         rule=_url("/readyz"), answers=HEALTH_ANSWERS),
    Need("livez", "the API server liveness checks (/livez)", "/livez", (("verbose", "true"),),
         rule=_url("/livez"), answers=HEALTH_ANSWERS),
    Need("apiserver-metrics", "the API server metrics (/metrics)", "/metrics", rule=_url("/metrics")),
    # Lean by default: Table rows plus whole objects only where a row says too little (collect/node_reads.py).
    Need("nodes", "nodes", fetch=lambda source, _data: read_nodes_lean(source), covered_by=("nodes-full",),
         rule=_resource("", "nodes", verbs=("get", "list"))),
    Need("nodes-full", "node objects in full (conditions, taints)", fetch=lambda source, _data: read_nodes_full(source),
         rule=_resource("", "nodes")),
    # DaemonSet pods (kube-proxy, the CNI: one per node) are left out by the server: their DaemonSets say how
    # many are ready, and listing them would grow with the cluster. Static pods and Deployments' pods remain.
    Need(
        "kube-system-pods",
        "pods in kube-system not run by a DaemonSet",
        "/api/v1/namespaces/kube-system/pods",
        (("labelSelector", "!pod-template-generation"),),
        paged=True,
        rule=_resource("", "pods", namespace=KUBE_SYSTEM),
    ),
    Need("kube-system-daemonset-pods", "per-node DaemonSet pods in kube-system (kube-proxy, the CNI)",
         fetch=_kube_system_daemonset_pods, rule=_resource("", "pods", namespace=KUBE_SYSTEM)),
    Need(
        "kube-system-leases",
        "leases in kube-system",
        "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases",
        paged=True,
        rule=_resource("coordination.k8s.io", "leases", namespace=KUBE_SYSTEM),
    ),
    Need(
        "kubernetes-endpointslices",
        "the EndpointSlices of the default/kubernetes Service",
        "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
        (("labelSelector", "kubernetes.io/service-name=kubernetes"),),
        rule=_resource("discovery.k8s.io", "endpointslices"),
    ),
    _kube_system_configmap("kube-proxy-config", "kube-proxy"),
    _kube_system_configmap("eks-kube-proxy-config", "kube-proxy-config",
                           " (EKS keeps kube-proxy's configuration there)"),
    _kube_system_configmap("cilium-config", "cilium-config"),
    _kube_system_configmap("kubeadm-config", "kubeadm-config"),
    Need(
        "daemonsets",
        "DaemonSets in all namespaces",
        "/apis/apps/v1/daemonsets",
        paged=True,
        rule=_resource("apps", "daemonsets"),
    ),
    Need(
        "kube-system-deployments",
        "Deployments in kube-system",
        "/apis/apps/v1/namespaces/kube-system/deployments",
        paged=True,
        rule=_resource("apps", "deployments", namespace=KUBE_SYSTEM),
    ),
    _pods_read_only_on_openshift("openshift-control-plane-pods",
                                 "the control-plane pods in OpenShift's openshift-* namespaces",
                                 _openshift_control_plane_pods),
    _pods_read_only_on_openshift("openshift-dns-pods", "the pods of OpenShift's cluster DNS in openshift-dns",
                                 _openshift_dns_pods, OPENSHIFT_DNS_NAMESPACE),
    Need("openshift-clusteroperators", "the ClusterOperators (config.openshift.io) of OpenShift's control plane",
         fetch=_openshift_cluster_operators, after=("nodes",), sends=_shows_openshift,
         rule=_resource("config.openshift.io", "clusteroperators")),
    Need("openshift-clusterversion", "the ClusterVersion (config.openshift.io) of OpenShift's release",
         fetch=_openshift_cluster_version, after=("nodes",), sends=_shows_openshift,
         rule=_resource("config.openshift.io", "clusterversions", verbs=("get",), names=(CLUSTER_VERSION_NAME,))),
    Need(
        LEADER_ELECTION_LOCKS,
        "the leader-election locks the components' --leader-elect-resource-* flags name",
        fetch=_leader_election_locks,
        after=("kube-system-pods", "openshift-control-plane-pods"),
        # ConfigMap and Lease locks are read with `get`, in any namespace but only by the components' own names
        # (the default lock names; a lock renamed by --leader-elect-resource-name is reported as forbidden, never
        # ConfigMaps or Leases at large).
        rule=_resource("", "configmaps", verbs=("get",), names=ELECTED_COMPONENTS),
        more_rules=(_resource("coordination.k8s.io", "leases", verbs=("get",), names=ELECTED_COMPONENTS),),
    ),
    Need(
        "apiserver-certificates",
        "the API server's TLS certificate chain",
        fetch=_apiserver_certificates,
        rule=Rule(verbs=()),
    ),
]

NEEDS: dict[str, Need] = {need.name: need for need in _CATALOGUE}


def register(need: Need) -> Need:
    """Add a need to the catalogue (checks with data of their own register it beside their logic)."""
    existing = NEEDS.get(need.name)
    if existing is not None and existing != need:
        raise ValueError(f"need {need.name!r} is registered twice with different definitions")
    NEEDS[need.name] = need
    return need


def _ordered(names: Iterable[str]) -> list[Need]:
    """Needs in an order where each comes after the needs it depends on."""
    ordered: list[Need] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        need = NEEDS[name]
        for dependency in need.after:
            visit(dependency)
        ordered.append(need)

    for name in names:
        visit(name)
    return ordered


# ``ClusterData.now`` while the reads are in flight: no fetch reads the clock, analysis gets the server's.
CLOCK_NOT_YET_READ = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def collect(source: Source, names: Iterable[str], progress: Callable[[str], None] | None = None,
            options: Mapping[str, Any] | None = None, cover: bool = True) -> ClusterData:
    """Fetch each named need once; failures are kept as data, never raised.

    Independent needs are read together, at most ``max_in_flight(source)`` at once (one at a time from
    samples and snapshots); a need starts only when the needs it names in ``after`` are read, so the
    order lives in the catalogue, not in the commands. ``options`` (command-line inputs such as
    ``etcd-endpoints``) become ``data.options`` before any fetch. ``cover=False`` reads covered needs
    themselves too (a snapshot records both node reads, so each command replays as it reads live).
    """
    data = ClusterData(source=source.description, now=CLOCK_NOT_YET_READ, credentials=source.credentials(),
                       options=dict(options or {}), descriptions=descriptions(),
                       answers=answers(), permissions=permissions())
    ordered = _ordered(names)
    catalogue = {need.name: need for need in ordered}
    wanted = set(catalogue)
    covering = {need.name: next((c for c in need.covered_by if c in wanted), None) for need in ordered} if cover else {}
    after = {need.name: (*need.after, *filter(None, [covering.get(need.name)])) for need in ordered}

    def read(name: str) -> Response:
        cover_name = covering.get(name)
        if cover_name and data.responses[cover_name].ok:
            return data.responses[cover_name]
        return _read(catalogue[name], source, data)  # not covered, or the covering read failed: read it itself

    def started(name: str) -> None:
        sends = catalogue[name].sends
        if progress and (sends is None or sends(data)):
            progress(catalogue[name].description)

    def finished(name: str, response: Response) -> None:
        data.responses[name] = response  # before any need that reads it starts

    run_graph(after, read, limit=max_in_flight(source), started=started, finished=finished)
    if isinstance(source, ChecksReadable):
        source.check_readable()  # every read forbidden: one line, not a report of unknowns
    data.now = source.now()  # the server's clock, from its answers: asked first, it would hold the first reads back
    data.responses = {need.name: data.responses[need.name] for need in ordered}  # catalogue order, every run
    return data


def _read(need: Need, source: Source, data: ClusterData) -> Response:
    """One need's answer; data too odd to work a request out from is that need's failure, not the run's."""
    try:
        return need.read(source, data)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        return Response(status=NO_STATUS, error=f"the data to read {need.description} was malformed: "
                                                f"{type(exc).__name__}: {str(exc)[:200]}")


def rbac_rules(names: Iterable[str]) -> list[Rule]:
    """The rules needed to read the named needs, merged per namespace, API group and verb set."""
    merged: dict[tuple[Any, ...], set[str]] = {}
    for rule in (rule for need in _ordered(names) for rule in (need.rule, *need.more_rules)):
        if rule.non_resource_urls:
            merged.setdefault(("urls", rule.verbs), set()).update(rule.non_resource_urls)
        for group in rule.api_groups:
            merged.setdefault(("group", group, rule.verbs, rule.namespace, rule.names), set()).update(rule.resources)
    rules: list[Rule] = []
    for key, values in sorted(merged.items(), key=lambda kv: str(kv[0])):
        if key[0] == "urls":
            rules.append(Rule(non_resource_urls=tuple(sorted(values)), verbs=key[1]))
        else:
            rules.append(Rule(api_groups=(key[1],), resources=tuple(sorted(values)), verbs=key[2], namespace=key[3],
                              names=key[4]))
    return rules

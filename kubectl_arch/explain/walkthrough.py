"""``--walkthrough``: the journey of ``kubectl apply -f deployment.yaml``, naming this cluster's parts.

Each step says what happens and which live component does it here, so the map becomes a story. The
story stops where this cluster stops (no ready API server, etcd without quorum, no scheduler or
controller-manager leader): the steps after it cannot happen here, and the last step says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubectl_arch.explain.analysis import ClusterMap
from kubectl_arch.explain.pages import leader_lock
from kubectl_arch.explain.views import CNI, CONTAINER_RUNTIME, DNS, KUBELET, ComponentView
from kubectl_arch.model.components import KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER
from kubectl_arch.model.facts import KINE_EXTERNAL, KINE_SQLITE, ClusterFacts
from kubectl_arch.wording import plural

STOPS_HERE = "This cluster stops here"
NODES_NAMED = 6  # a step names this many nodes at most: a 5,000-node cluster's kubelets are a count, not a list


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    here: str  # who does it in this cluster


def _count(view: ComponentView, noun: str) -> str:
    if view.unknown:
        return f"the {noun} (not known: {view.unknown})"
    if view.replicas is None:
        return f"the {noun} (hidden, run by the provider)"
    nodes = view.where
    shown = nodes if len(nodes) <= NODES_NAMED else nodes[:NODES_NAMED - 1]
    where = ", ".join(shown) + (f" and {len(nodes) - len(shown):,} more nodes" if len(shown) < len(nodes) else "")
    ready = f" ({view.ready:,} ready)" if view.ready is not None and view.ready != view.replicas else ""
    counted = f"{view.replicas:,} {noun}{'' if view.replicas == 1 else 's'}"
    return f"{counted}{ready}" + (f" on {where}" if where else "")


def _leader(view: ComponentView, cluster: ClusterMap) -> str:
    if view.leader is None:
        return "the leader (not visible)"
    if not view.leader.held:
        return f"no current leader (the {leader_lock(cluster, view.name)[0]} has expired)"
    return f"the leader on {view.leader.holder_node}"


def _datastore_here(cluster: ClusterMap) -> str:
    store = cluster.datastore
    if store.members:
        return (f"etcd ({store.short}), {plural(store.members, 'member')}: a write commits once {store.quorum} have "
                "it on disk")
    if store.kind == KINE_SQLITE:
        return "kine, which stores it in SQLite on the server (k3s's default datastore, no etcd)"
    if store.kind == KINE_EXTERNAL:
        return "kine, which stores it in an external database"
    if cluster.managed:
        return f"etcd (hidden: run by {cluster.profile.title})"
    return "the datastore (not visible through the API)"


def _blocker(facts: ClusterFacts, step: str) -> str | None:
    """Why this cluster cannot do ``step`` right now, from the fact base; None when it can (or cannot tell)."""
    api = facts.component(KUBE_APISERVER)
    store = facts.datastore
    if step == "api" and api.replicas is not None and api.replicas > 0 and api.ready == 0:
        return "no API server is ready: the request is refused or times out, and nothing after it happens"
    if step == "etcd" and store.is_etcd and store.ready is not None and store.quorum is not None \
            and store.ready < store.quorum:
        return (f"only {store.ready} of {store.members} etcd members are ready, fewer than the quorum of "
                f"{store.quorum}: the write is not committed and kubectl gets an error or a timeout")
    if step in (KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER):
        election = facts.leader_election.get(step)
        component = facts.component(step)
        if component.runs == "pods" and component.ready == 0:
            return f"no {step} is ready: {_consequence(step)}"
        if election is not None and election.settings.enabled and election.held is False:
            return f"no {step} holds its leader lock ({election.settings.describe} has expired): {_consequence(step)}"
    return None


def _consequence(component: str) -> str:
    if component == KUBE_SCHEDULER:
        return "the new pods stay Pending with no node, and no kubelet ever sees them"
    return "no ReplicaSet or Pod is created for the Deployment, so nothing is scheduled or started"


def walkthrough_steps(cluster: ClusterMap) -> list[Step]:
    """The steps, in order, with this cluster's components filled in, up to where this cluster stops."""
    steps: list[Step] = []
    for gate, step in _all_steps(cluster):
        steps.append(step)
        reason = _blocker(cluster.facts, gate) if gate else None
        if reason is not None:
            steps.append(Step(STOPS_HERE, reason, step.here))
            break
    return steps


def _apiserver_setting(api: ComponentView, flag: str, instead: tuple[str, str] | None, unset: str,
                       set_note: str = "") -> str:
    """How this cluster sets one API server flag, as the words after ``--<flag>``: its value where the command line
    shows it, a flag or file that takes its place, the real default where the command line was read without it,
    and "not visible" where no command line could be read (k3s's embedded server, a managed control plane)."""
    reading = api.flag_reading(flag)
    if reading.value is not None:
        return f"={reading.value}{set_note}"
    alternative = api.flag_reading(instead[0]) if instead else None
    if alternative is not None and alternative.value is not None and instead:
        return f": --{instead[0]}={alternative.value} instead ({instead[1]})"
    return f": {reading.words(unset)}"


def _all_steps(cluster: ClusterMap) -> list[tuple[str | None, Step]]:
    api = cluster.component(KUBE_APISERVER)
    kcm, scheduler = cluster.component(KUBE_CONTROLLER_MANAGER), cluster.component(KUBE_SCHEDULER)
    runtime, cni, dns = cluster.component(CONTAINER_RUNTIME), cluster.component(CNI), cluster.component(DNS)
    kubelets, proxy = cluster.component(KUBELET), cluster.kube_proxy
    authz = _apiserver_setting(api, "authorization-mode", ("authorization-config", "a structured authorization "
                               "configuration names the authorizers"), "not set: kube-apiserver's default, "
                               "AlwaysAllow, lets every request through")
    admission = _apiserver_setting(api, "enable-admission-plugins", None,
                                   "not set: only the default admission plugins run",
                                   " (on top of the default plugins)")
    etcd_here = _datastore_here(cluster)
    proxy_here = {"replaced": f"no kube-proxy: {proxy.detail}", "absent": "nothing found: no kube-proxy"}\
        .get(proxy.mode, f"kube-proxy in {proxy.mode} mode on {plural(kubelets.replicas or 0, 'node')}")
    store = "etcd" if cluster.datastore.is_etcd or cluster.managed else "the datastore"
    return [
        ("api", Step("kubectl sends the request",
             "kubectl reads your kubeconfig, turns the YAML into JSON and sends it (server-side apply: a PATCH; "
             "client-side: GET then PATCH or POST) over HTTPS to the cluster's API endpoint.",
             f"{cluster.server or 'the API endpoint'} -> {_count(api, 'API server')}")),
        (None, Step("Authentication: who are you?",
             "The API server checks the client certificate, bearer token or OIDC token and turns it into a user "
             "and groups. Failing here gives 401 Unauthorized.", _count(api, "API server"))),
        (None, Step("Authorization: may you do this?",
             "Each authorizer in --authorization-mode is asked in turn whether this user may create or patch "
             "Deployments in this namespace; RBAC answers from Roles and Bindings. Failing gives 403 Forbidden.",
             f"--authorization-mode{authz}")),
        (None, Step("Admission and validation",
             "Mutating admission (built-in plugins, then mutating webhooks) may change the object, e.g. inject "
             "a sidecar; the API server then validates it against the Deployment schema; then validating "
             "admission (plugins, ValidatingAdmissionPolicies, webhooks) may refuse it.",
             f"--enable-admission-plugins{admission}")),
        ("etcd", Step(f"Written to {store}",
             f"The object gets a resourceVersion and is written to {store}. kubectl now prints "
             "'deployment.apps/web created': nothing runs yet.", etcd_here)),
        (None, Step("Watchers are notified",
             "Every component that watches Deployments (through the API server's watch cache) gets the event "
             "within milliseconds. Control-plane components do not call each other: they coordinate only "
             "through the API server.",
             _count(api, "API server"))),
        (KUBE_CONTROLLER_MANAGER, Step("Deployment -> ReplicaSet -> Pods",
             "The Deployment controller creates a ReplicaSet; the ReplicaSet controller creates the Pod objects. "
             "They have no node yet.", f"kube-controller-manager, {_leader(kcm, cluster)}")),
        (KUBE_SCHEDULER, Step("Scheduling",
             "The scheduler filters nodes that cannot run the pod (resources, taints, affinity), scores the rest "
             "and writes the binding: spec.nodeName.", f"kube-scheduler, {_leader(scheduler, cluster)}")),
        (None, Step("The kubelet takes over",
             "The kubelet on the chosen node sees a pod bound to it, and prepares volumes and secrets.",
             _count(kubelets, "kubelet"))),
        (None, Step("Sandbox, network, containers",
             "The kubelet asks the container runtime (CRI) for a pod sandbox; the runtime calls the CNI plugin for "
             "the pod's IP, pulls the images and starts the containers.",
             f"{runtime.kind or 'the runtime'}; CNI: {cni.kind or 'not found'}")),
        (None, Step("Status flows back",
             "The kubelet runs the probes and reports the pod's status (IP, Ready) to the API server, which "
             "stores it in the datastore like any write.", f"{_count(kubelets, 'kubelet')} -> API server -> "
             + ("etcd" if cluster.datastore.is_etcd or cluster.managed else "the datastore"))),
        (None, Step("Endpoints are published",
             "The EndpointSlice controller adds the pod's IP to the slices of every Service that selects it, "
             "marked ready once the pod is Ready; only ready endpoints receive Service traffic.",
             f"kube-controller-manager, {_leader(kcm, cluster)}")),
        (None, Step("Traffic can reach it",
             "On every node the Service proxy programs the kernel so the Service IP leads to the new pod, and "
             "cluster DNS answers the Service's name.",
             f"{proxy_here}; DNS: {dns.kind or 'not found'}")),
    ]




"""``--walkthrough``: the journey of ``kubectl apply -f deployment.yaml``, naming this cluster's parts.

Each step says what happens and which live component does it here, so the map becomes a story.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubectl_arch.explain.analysis import ClusterMap
from kubectl_arch.explain.views import CNI, CONTAINER_RUNTIME, DNS, KUBELET, ComponentView
from kubectl_arch.model.components import KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER
from kubectl_arch.wording import plural


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    here: str  # who does it in this cluster


def _count(view: ComponentView, noun: str) -> str:
    if view.replicas is None:
        return f"the {noun} (hidden, run by the provider)"
    where = ", ".join(view.where)
    return f"{view.replicas} {noun}{'s' if view.replicas != 1 else ''}" + (f" on {where}" if where else "")


def _leader(view: ComponentView) -> str:
    if view.leader is None:
        return "the leader (not visible)"
    if not view.leader.held:
        return "no current leader (the Lease has expired)"
    return f"the leader on {view.leader.holder_node}"


def walkthrough_steps(cluster: ClusterMap) -> list[Step]:
    """The steps, in order, with this cluster's components filled in."""
    api, etcd = cluster.component(KUBE_APISERVER), cluster.etcd
    kcm, scheduler = cluster.component(KUBE_CONTROLLER_MANAGER), cluster.component(KUBE_SCHEDULER)
    runtime, cni, dns = cluster.component(CONTAINER_RUNTIME), cluster.component(CNI), cluster.component(DNS)
    kubelets, proxy = cluster.component(KUBELET), cluster.kube_proxy
    authz = api.flags().get("authorization-mode", "not visible")
    admission = api.flags().get("enable-admission-plugins", "the defaults")
    etcd_here = (f"etcd, {plural(etcd.size, 'member')}: a write commits once {etcd.quorum} have it on disk"
                 if etcd.size else "etcd (hidden: run by the provider)" if cluster.managed else "the datastore")
    proxy_here = {"replaced": "Cilium's kube-proxy replacement (eBPF)", "absent": "nothing found: no kube-proxy"}\
        .get(proxy.mode, f"kube-proxy in {proxy.mode} mode on {plural(kubelets.replicas or 0, 'node')}")
    return [
        Step("kubectl sends the request",
             "kubectl reads your kubeconfig, turns the YAML into JSON and sends it (server-side apply: a PATCH; "
             "client-side: GET then PATCH or POST) over HTTPS to the cluster's API endpoint.",
             f"{cluster.server or 'the API endpoint'} -> {_count(api, 'API server')}"),
        Step("Authentication: who are you?",
             "The API server checks the client certificate, bearer token or OIDC token and turns it into a user "
             "and groups. Failing here gives 401 Unauthorized.", _count(api, "API server")),
        Step("Authorization: may you do this?",
             "Each authorizer in --authorization-mode is asked in turn whether this user may create or patch "
             "Deployments in this namespace; RBAC answers from Roles and Bindings. Failing gives 403 Forbidden.",
             f"--authorization-mode={authz}"),
        Step("Admission and validation",
             "Mutating admission (built-in plugins, then mutating webhooks) may change the object, e.g. inject "
             "a sidecar; the API server then validates it against the Deployment schema; then validating "
             "admission (plugins, ValidatingAdmissionPolicies, webhooks) may refuse it.",
             f"--enable-admission-plugins={admission} (on top of the default plugins)"),
        Step("Written to etcd",
             "The object gets a resourceVersion and is written to etcd. kubectl now prints "
             "'deployment.apps/web created': nothing runs yet.", etcd_here),
        Step("Watchers are notified",
             "Every component that watches Deployments (through the API server's watch cache) gets the event "
             "within milliseconds. Control-plane components do not call each other: they coordinate only "
             "through the API server.",
             _count(api, "API server")),
        Step("Deployment -> ReplicaSet -> Pods",
             "The Deployment controller creates a ReplicaSet; the ReplicaSet controller creates the Pod objects. "
             "They have no node yet.", f"kube-controller-manager, {_leader(kcm)}"),
        Step("Scheduling",
             "The scheduler filters nodes that cannot run the pod (resources, taints, affinity), scores the rest "
             "and writes the binding: spec.nodeName.", f"kube-scheduler, {_leader(scheduler)}"),
        Step("The kubelet takes over",
             "The kubelet on the chosen node sees a pod bound to it, and prepares volumes and secrets.",
             _count(kubelets, "kubelet")),
        Step("Sandbox, network, containers",
             "The kubelet asks the container runtime (CRI) for a pod sandbox; the runtime calls the CNI plugin for "
             "the pod's IP, pulls the images and starts the containers.",
             f"{runtime.kind or 'the runtime'}; CNI: {cni.kind or 'not found'}"),
        Step("Status flows back",
             "The kubelet runs the probes and reports the pod's status (IP, Ready) to the API server, which "
             "stores it in etcd like any write.", f"{_count(kubelets, 'kubelet')} -> API server -> etcd"),
        Step("Endpoints are published",
             "The EndpointSlice controller adds the pod's IP to the slices of every Service that selects it, "
             "marked ready once the pod is Ready; only ready endpoints receive Service traffic.",
             f"kube-controller-manager, {_leader(kcm)}"),
        Step("Traffic can reach it",
             "On every node the Service proxy programs the kernel so the Service IP leads to the new pod, and "
             "cluster DNS answers the Service's name.",
             f"{proxy_here}; DNS: {dns.kind or 'not found'}"),
    ]




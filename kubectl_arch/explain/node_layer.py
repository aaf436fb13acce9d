"""The node layer: kubelets, kube-proxy, container runtimes, the CNI plugin and cluster DNS as views.

Add-ons are counted from their DaemonSet or Deployment status; their pods are listed when they run in
kube-system (explain never lists every pod of the cluster).
"""

from __future__ import annotations

import re
from typing import Any

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import OPENSHIFT_DNS_NAMESPACE
from kubectl_arch.explain.views import (
    CNI,
    CONTAINER_RUNTIME,
    DNS,
    KUBE_PROXY,
    KUBELET,
    NODE_LAYER,
    NONE,
    ComponentView,
    InstanceView,
    on_every_node,
)
from kubectl_arch.model import raw
from kubectl_arch.model.addons import OPENSHIFT_DNS_PODS_NEED, Addon
from kubectl_arch.model.components import DAEMONSET_PODS_NEED, PODS_NEED, main_container
from kubectl_arch.model.facts import health_of
from kubectl_arch.model.flags import container_flags
from kubectl_arch.model.kube_proxy import KubeProxyMode
from kubectl_arch.model.nodes import NodeInfo
from kubectl_arch.model.profiles import Profile
from kubectl_arch.model.versions import version_from_image
from kubectl_arch.model.workloads import Workload
from kubectl_arch.wording import plural


def _workload_pods(workload: Workload, read: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The pods a DaemonSet or Deployment owns, among those read in its namespace (``read``: kube-system's, and
    openshift-dns's on OpenShift); none where its namespace's pods were not read.

    A DaemonSet owns its pods directly; a Deployment through a ReplicaSet named ``<name>-<hash>``. Exact
    patterns keep ``cilium`` from claiming ``cilium-envoy``'s pods.
    """
    pods = read.get(workload.namespace, [])
    if workload.kind == "DaemonSet":
        owner_pattern = re.compile(re.escape(workload.name) + "$")
        name_pattern = re.compile(re.escape(workload.name) + "-[a-z0-9]{5}$")
    else:
        owner_pattern = re.compile(re.escape(workload.name) + "-[a-z0-9]+$")
        name_pattern = re.compile(re.escape(workload.name) + "-[a-z0-9]+-[a-z0-9]{5}$")
    owned = []
    for pod in pods:
        owners = [str(raw.mapping(ref).get("name", "")) for ref in raw.sequence(raw.mapping(pod.get("metadata"))
                                                                                 .get("ownerReferences"))]
        if any(owner_pattern.match(owner) for owner in owners) or (not owners and name_pattern.match(raw.name(pod))):
            owned.append(pod)
    return owned


def _pod_views(pods: list[dict[str, Any]], version: str | None, container_hint: str) -> list[InstanceView]:
    views = []
    for pod in pods:
        node = raw.text(raw.mapping(pod.get("spec")).get("nodeName"))
        own = version or version_from_image(raw.mapping(main_container(pod, container_hint)).get("image"))
        views.append(InstanceView(node=node, pod=raw.name(pod), version=own,
                                  ready=raw.pod_ready(pod), restarts=raw.pod_restarts(pod),
                                  flags=container_flags(main_container(pod, container_hint))))
    return sorted(views, key=lambda i: (i.node or "", i.pod or ""))


def _placement(workload: Workload, node_count: int) -> str:
    """Where a workload runs when its pods are not all listed: every node, some nodes, or its replicas."""
    if workload.kind == "DaemonSet":
        if workload.desired == node_count:
            return on_every_node(node_count)
        return f"{workload.desired} of {node_count} nodes"
    return "Deployment"


def _per_node(instances: list[InstanceView], nodes: list[NodeInfo]) -> str | None:
    """"all N nodes" when there is one instance on each node, as the kubelet row says it: static pods and components
    read from the nodes (no DaemonSet to count) would otherwise list every node by name."""
    names = sorted(n.name for n in nodes)
    return on_every_node(len(names)) if names and sorted(i.node or "" for i in instances) == names else None


def _workload_view(name: str, addon: Addon | None, pods: dict[str, list[dict[str, Any]]], nodes: list[NodeInfo],
                   missing_note: str) -> ComponentView:
    """A node-layer add-on (CNI, DNS) from its DaemonSet or Deployment."""
    if addon is None:
        return ComponentView(name, NODE_LAYER, 0, health=NONE, notes=[missing_note])
    if addon.workload is None:  # no DaemonSet (k3s's flannel, minikube's bridge): one per node, as Ready says
        instances = [InstanceView(node=n.name, pod=None, version=None, ready=n.ready) for n in nodes]
        return ComponentView(name, NODE_LAYER, len(instances), kind=addon.kind, instances=instances,
                             health=health_of(len(instances), sum(1 for i in instances if i.ready)),
                             notes=[addon.note], placement=_per_node(instances, nodes))
    w = addon.workload
    evidence = [f"{w.kind} {w.namespace}/{w.name} ({w.ready}/{w.desired} ready)"]
    instances = _pod_views(_workload_pods(w, pods), w.version, addon.kind)
    view = ComponentView(name, NODE_LAYER, w.desired, kind=addon.kind, instances=instances, ready=w.ready,
                         versions=[w.version] if w.version else [], version_of=addon.version_of or None,
                         health=health_of(w.desired, w.ready),
                         evidence=evidence, placement=_placement(w, len(nodes)))
    if not instances and w.namespace not in pods:
        view.notes.append(f"its pods run in namespace {w.namespace}, which explain does not list; "
                          f"the counts come from the {w.kind}")
    hosts = {i.node for i in instances if i.node}
    if w.kind == "Deployment" and len(instances) >= 2 and len(hosts) == 1:
        everyone = "both" if len(instances) == 2 else f"all {len(instances)}"
        view.notes.append(f"{everyone} replicas run on {hosts.pop()}: losing that node takes {name} down "
                          "(spread them with topology spread constraints or anti-affinity)")
    return view


def node_layer_views(data: ClusterData, nodes: list[NodeInfo], proxy: KubeProxyMode,
                     cni: Addon | None, dns: Addon | None, profile: Profile) -> list[ComponentView]:
    """Kubelets, kube-proxy, runtimes, CNI and DNS; ``proxy``, ``cni`` and ``dns`` as the fact base found them;
    ``profile`` says what none found means on the distribution (minikube's bridge CNI, OpenShift's DNS)."""
    pods = data.items(PODS_NEED) + data.items(DAEMONSET_PODS_NEED)
    # The namespaces whose pods were read: OpenShift's DNS DaemonSet's pods are read in openshift-dns.
    dns_pods = data.items(OPENSHIFT_DNS_PODS_NEED) if OPENSHIFT_DNS_PODS_NEED in data.responses else []
    read = {"kube-system": pods, **({OPENSHIFT_DNS_NAMESPACE: dns_pods} if dns_pods else {})}
    ready_nodes = sum(1 for n in nodes if n.ready)
    kubelets = ComponentView(KUBELET, NODE_LAYER, len(nodes), health=health_of(len(nodes), ready_nodes),
                             instances=[InstanceView(node=n.name, pod=None, version=n.kubelet_version or None,
                                                     ready=n.ready) for n in nodes],
                             evidence=[f"{plural(len(nodes), 'Node object')}; each kubelet reports its version "
                                       "and Ready"],
                             placement=on_every_node(len(nodes)))
    runtimes = sorted({n.runtime_name for n in nodes if n.runtime_name})
    runtime = ComponentView(CONTAINER_RUNTIME, NODE_LAYER, len(nodes), kind=", ".join(runtimes) or None,
                            health=health_of(len(nodes), ready_nodes),
                            instances=[InstanceView(node=n.name, pod=None, version=n.container_runtime or None,
                                                    ready=n.ready) for n in nodes],
                            evidence=["status.nodeInfo.containerRuntimeVersion of each node"],
                            placement=on_every_node(len(nodes)))
    views = [kubelets, _kube_proxy_view(proxy, pods, nodes), runtime]
    views.append(_workload_view(CNI, cni, read, nodes, profile.cni_without_daemonset or _no_cni_note(nodes)))
    views.append(_workload_view(DNS, dns, read, nodes,
                                f"none found: no {profile.dns_workload}, so Service names will not resolve"))
    return views


def _no_cni_note(nodes: list[NodeInfo]) -> str:
    """No known CNI DaemonSet. A kubelet reports Ready only once the runtime says the network plugin is ready, so
    Ready nodes have a CNI configuration: one this tool does not recognise, or one the node image installs."""
    if nodes and all(n.ready for n in nodes):
        return ("no known CNI DaemonSet; the nodes are Ready, which a kubelet reports only once its network plugin "
                "is configured, so the plugin is one not recognised here or installed on the nodes themselves "
                "(`ls /etc/cni/net.d/` on a node)")
    return "none found: no known CNI DaemonSet, so pods may get no network (or the plugin is unknown)"


def _kube_proxy_view(proxy: KubeProxyMode, pods: list[dict[str, Any]], nodes: list[NodeInfo]) -> ComponentView:
    evidence = [f"mode {proxy.mode} from {proxy.source}: {proxy.detail}"]
    if proxy.mode in ("replaced", "absent"):
        return ComponentView(KUBE_PROXY, NODE_LAYER, 0, kind=proxy.mode, health=NONE, evidence=evidence,
                             replaced_by=proxy.replaced_by)
    matching = [p for p in pods if raw.labels(p).get("k8s-app") == KUBE_PROXY
                or (raw.is_mirror_pod(p) and raw.name(p).startswith(KUBE_PROXY + "-"))]
    if proxy.source == "embedded" or (proxy.source == "node-args" and not matching and proxy.daemonset is None):
        instances = [InstanceView(node=n.name, pod=None, version=n.kubelet_version or None, ready=n.ready)
                     for n in nodes]
        return ComponentView(KUBE_PROXY, NODE_LAYER, len(instances), kind=proxy.mode, instances=instances,
                             health=health_of(len(instances), sum(1 for i in instances if i.ready)),
                             evidence=evidence, notes=["runs inside the k3s process on every node (no pods)"],
                             placement=_per_node(instances, nodes))
    daemonset = proxy.daemonset
    instances = _pod_views(matching, daemonset.version if daemonset else None, KUBE_PROXY)
    if daemonset:
        evidence.insert(0, f"DaemonSet kube-system/{daemonset.name} ({daemonset.ready}/{daemonset.desired} ready)")
        replicas, ready = daemonset.desired, daemonset.ready
    else:
        replicas, ready = len(instances), sum(1 for i in instances if i.ready)
    versions = [daemonset.version] if daemonset and daemonset.version else []
    return ComponentView(KUBE_PROXY, NODE_LAYER, replicas, kind=proxy.mode, instances=instances, ready=ready,
                         versions=versions, health=health_of(replicas, ready), evidence=evidence,
                         placement=_placement(daemonset, len(nodes)) if daemonset else _per_node(instances, nodes))



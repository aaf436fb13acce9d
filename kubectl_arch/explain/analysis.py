"""Explain's analysis: one pure function turns collected data into a ``ClusterMap`` of both layers.

The map is what every view renders (terminal tables, JSON/YAML, mermaid, component pages, what-if),
so they can never disagree. Hidden parts of a managed control plane are ``replicas=None, managed=True``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.explain.control_plane import control_plane_views
from kubectl_arch.explain.node_layer import node_layer_views
from kubectl_arch.explain.unknowns import mark_unreadable, short_reason
from kubectl_arch.explain.views import CNI, COMPONENT_NAMES, KUBELET, ComponentView
from kubectl_arch.model import raw
from kubectl_arch.model.addons import Addon, metrics_server
from kubectl_arch.model.components import OPENSHIFT_PODS_NEED, PODS_NEED, control_plane_components
from kubectl_arch.model.distribution import Distribution
from kubectl_arch.model.etcd import EtcdTopology, etcd_topology
from kubectl_arch.model.facts import ClusterFacts, Datastore, HealthEndpoint, cluster_facts, parse_health
from kubectl_arch.model.kube_proxy import KubeProxyMode
from kubectl_arch.model.leases import LeaseInfo, apiserver_identities
from kubectl_arch.model.nodes import NodeInfo, node_infos
from kubectl_arch.model.profiles import EMBEDDED, Profile
from kubectl_arch.model.versions import minor_skew, parse_version

__all__ = ["COMPONENT_NAMES", "ClusterMap", "Readyz", "build_map", "parse_readyz"]

KUBELET_MAX_SKEW = 3  # minor versions a kubelet may trail the API server (version-skew policy, 1.28+)


Readyz = HealthEndpoint  # the API server's /readyz?verbose as the fact base parsed it


@dataclass
class ClusterMap:
    """Both layers of the cluster as facts: what explain shows in every output format."""

    version: str | None
    server: str
    source: str
    distribution: Distribution
    components: list[ComponentView]
    nodes: list[NodeInfo]
    kube_proxy: KubeProxyMode
    etcd: EtcdTopology
    apiserver_endpoints: list[str]
    apiserver_identities: list[LeaseInfo]
    readyz: HealthEndpoint
    metrics_server: Addon | None
    facts: ClusterFacts
    skipped: list[str] = field(default_factory=list)
    nodes_unknown: str | None = None  # why the nodes could not be listed (then "Nodes (?)", never "Nodes (0)")

    @property
    def datastore(self) -> Datastore:
        return self.facts.datastore

    @property
    def profile(self) -> Profile:
        return self.facts.profile

    @property
    def distribution_words(self) -> str:
        """The distribution, with OpenShift's release where its ClusterVersion was read ("openshift 4.7.13", and
        the update rolling out): what every view's heading names beside the Kubernetes version."""
        release = self.facts.release
        if release is None or release.version is None:
            return self.distribution.name
        updating = f", updating to {release.updating_to}" if release.updating_to else ""
        return f"{self.distribution.name} {release.version}{updating}"

    def component(self, name: str) -> ComponentView:
        for view in self.components:
            if view.name == name:
                return view
        raise KeyError(name)

    @property
    def managed(self) -> bool:
        return self.distribution.managed

    @property
    def control_plane_nodes(self) -> list[NodeInfo]:
        return [node for node in self.nodes if node.control_plane]


def _endpoint_addresses(data: ClusterData) -> list[str]:
    addresses: list[str] = []
    for endpoint_slice in data.items("kubernetes-endpointslices"):
        for endpoint in raw.sequence(endpoint_slice.get("endpoints")):
            addresses.extend(str(a) for a in raw.sequence(raw.mapping(endpoint).get("addresses")))
    return addresses


def parse_readyz(data: ClusterData) -> HealthEndpoint:
    """/readyz?verbose as the fact base reads it (``[+]name ok`` / ``[-]name failed``; a 500 fails)."""
    return parse_health(data, "readyz", "/readyz")


def _note_kubelet_skew(views: list[ComponentView], nodes: list[NodeInfo], api_version: str | None) -> None:
    """Kubelets may be up to three minor versions older than the API server, never newer (skew policy)."""
    api = parse_version(api_version)
    if api is None:
        return
    kubelet = next(view for view in views if view.name == KUBELET)
    for node in nodes:
        version = parse_version(node.kubelet_version)
        if version is None:
            continue
        skew = minor_skew(api, version)
        if skew > KUBELET_MAX_SKEW or skew < 0:
            where = "newer than" if skew < 0 else f"{skew} minor versions behind"
            kubelet.notes.append(f"{node.name} runs kubelet {node.kubelet_version}, {where} the API server "
                                 f"{api_version} (the skew policy allows up to {KUBELET_MAX_SKEW} older, none newer)")


def build_map(data: ClusterData) -> ClusterMap:
    """Everything explain shows, computed once from the collected data (pure: no I/O, no clock)."""
    facts = cluster_facts(data)
    distribution = facts.distribution
    nodes = node_infos(data)
    components = control_plane_components(data)
    etcd = etcd_topology(components, nodes)
    endpoints = _endpoint_addresses(data)
    identities = apiserver_identities(data)
    proxy = facts.service_proxy
    version = data.mapping("version").get("gitVersion")
    views = control_plane_views(facts, nodes, components, etcd, endpoints, identities,
                                version if isinstance(version, str) else None)
    views += node_layer_views(data, nodes, proxy, facts.cni.addon, facts.dns.addon, facts.profile)
    readyz = facts.readyz
    # k3s counts its control plane from the nodes: what it rests on is the nodes read, not kube-system's pods;
    # so is a CNI without a DaemonSet (k3s's flannel, known from the servers' arguments; minikube's bridge).
    embedded = frozenset(name for name in facts.components if facts.profile.control_plane == EMBEDDED)
    if facts.cni.addon is not None and facts.cni.addon.workload is None:
        embedded |= {CNI}
    counted = frozenset(name for name, fact in facts.components.items() if fact.runs != "unknown")
    reads = (PODS_NEED, OPENSHIFT_PODS_NEED) if facts.profile.name == "openshift" else (PODS_NEED,)
    mark_unreadable(data, views, embedded, counted, reads)
    _note_kubelet_skew(views, nodes, version)
    # A 404 is normal for these: ConfigMaps a distribution does not use, /livez before Kubernetes 1.16.
    optional = {"cilium-config", "kubeadm-config", "kube-proxy-config", "eks-kube-proxy-config", "livez"}
    skipped = [reason for name in EXPLAIN_NEEDS
               if (reason := data.skip_reason(name)) and not (name in optional and data[name].not_found)
               and not (name in ("readyz", "livez") and parse_health(data, name, "/" + name).ok is False)]
    return ClusterMap(version=version, server=data.credentials.server, source=data.source, distribution=distribution,
                      components=views, nodes=nodes, kube_proxy=proxy, etcd=etcd, apiserver_endpoints=endpoints,
                      apiserver_identities=identities, readyz=readyz, metrics_server=metrics_server(data),
                      facts=facts, skipped=skipped, nodes_unknown=short_reason(data, "nodes"))

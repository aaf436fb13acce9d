"""Cluster add-ons found by their DaemonSets and Deployments: the CNI plugin, cluster DNS, metrics-server.

Add-ons are ordinary workloads, so they are recognised by the names their installers give them. A k3s
server embeds flannel in its own process unless its arguments say ``--flannel-backend=none``: no DaemonSet
shows it, the servers' ``k3s.io/node-args`` do (https://docs.k3s.io/networking/basic-network-options).
RKE2 embeds no CNI: it installs one as a Helm chart (canal by default, the ``rke2-canal`` DaemonSet;
https://docs.rke2.io/networking/basic_network_options).
"""

from __future__ import annotations

from dataclasses import dataclass

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model import raw
from kubectl_arch.model.kube_proxy import node_args
from kubectl_arch.model.nodes import NODES_NEED, is_control_plane_node
from kubectl_arch.model.workloads import Workload, find_workload, workload

DAEMONSETS_NEED = "daemonsets"
DEPLOYMENTS_NEED = "kube-system-deployments"
VERSION_NEED = "version"

READS = (DAEMONSETS_NEED, DEPLOYMENTS_NEED, VERSION_NEED, NODES_NEED)  # what the add-on finders read
K3S_NETWORK_DOC = "https://docs.k3s.io/networking/basic-network-options"

# DaemonSet name -> the CNI plugin it belongs to (first match wins, most specific first).
CNI_DAEMONSETS: tuple[tuple[str, str], ...] = (
    ("kindnet", "kindnet"),
    ("canal", "canal"),
    ("rke2-canal", "canal"),  # RKE2's default CNI chart
    ("calico-node", "calico"),
    ("cilium", "cilium"),
    ("anetd", "cilium"),  # GKE Dataplane V2 runs Cilium as anetd
    ("kube-flannel-ds", "flannel"),
    ("kube-flannel", "flannel"),
    ("weave-net", "weave"),
    ("aws-node", "aws-vpc-cni"),
    ("azure-cns", "azure-cni"),
    ("azure-cni", "azure-cni"),
    ("antrea-agent", "antrea"),
    ("kube-router", "kube-router"),
    ("ovnkube-node", "ovn-kubernetes"),
)
# CNI DaemonSets known by namespace and exact name, whose names alone are too common to match anywhere:
# openshift-sdn's node DaemonSet (openshift/cluster-network-operator bindata/network/openshift-sdn/sdn.yaml).
CNI_NAMESPACED_DAEMONSETS: tuple[tuple[str, str, str], ...] = (
    ("openshift-sdn", "sdn", "openshift-sdn"),
)
# DaemonSets that serve a CNI plugin without being it, so their image's version is theirs, not the plugin's: AKS's
# azure-cns, the Container Networking Service that hands Azure CNI its pod addresses (the azure-vnet plugin is a
# binary on the node; Azure/azure-container-networking cns/azure-cns.yaml).
CNI_SERVICE_DAEMONSETS = ("azure-cns",)
DNS_DEPLOYMENTS = ("coredns", "kube-dns", "rke2-coredns-rke2-coredns")
METRICS_SERVER_DEPLOYMENTS = ("metrics-server", "rke2-metrics-server")


@dataclass
class Addon:
    """An add-on: which product (``kind``), the workload that runs it (None when embedded), and a note;
    ``version_of`` names the workload's product where it is not the add-on itself (its version is that one's)."""

    kind: str
    workload: Workload | None
    note: str = ""
    version_of: str = ""


def cni_plugin(data: ClusterData) -> Addon | None:
    """The CNI plugin's DaemonSet (any namespace); k3s's embedded flannel; minikube's bridge file; None when
    nothing is recognised (or when the DaemonSets, which would show it, could not be read)."""
    daemonsets = data.items(DAEMONSETS_NEED)
    for prefix, plugin in CNI_DAEMONSETS:
        for daemonset in daemonsets:
            if raw.name(daemonset) == prefix or raw.name(daemonset).startswith(prefix + "-"):
                return Addon(plugin, workload(daemonset, prefix.split("-")[0]),
                             version_of=prefix if prefix in CNI_SERVICE_DAEMONSETS else "")
    for namespace, name, plugin in CNI_NAMESPACED_DAEMONSETS:
        for daemonset in daemonsets:
            if (raw.namespace(daemonset), raw.name(daemonset)) == (namespace, name):
                return Addon(plugin, workload(daemonset, name))
    if "+k3s" not in str(data.mapping(VERSION_NEED).get("gitVersion", "")):
        return _minikube_bridge(data) or _gke_ptp(data)
    disabled = k3s_flannel_disabled(data)
    if disabled is False:  # read, and not disabled: the embedded flannel, whatever the DaemonSets show
        return Addon("flannel", None, "embedded in the k3s process (no DaemonSet): the servers' k3s.io/node-args "
                     "do not say --flannel-backend=none")
    if disabled is None and data[DAEMONSETS_NEED].ok:  # no CNI DaemonSet either: k3s's default
        return Addon("flannel", None, "embedded in the k3s process (no DaemonSet): k3s's default, as no CNI "
                     "DaemonSet runs; no server records its arguments (k3s.io/node-args)")
    return None  # disabled (another CNI's DaemonSet was not found or not read), or nothing to tell


MINIKUBE_LABEL = "minikube.k8s.io/name"


def _minikube_bridge(data: ClusterData) -> Addon | None:
    """minikube's default CNI on one node with the docker runtime: the bridge plugin, a configuration file in the
    node that no DaemonSet shows (other runtimes and several nodes get kindnet, whose DaemonSet would). Said only
    when the DaemonSets were read and showed no CNI; the node's Ready, which needs its network, stands for it."""
    nodes = data.items(NODES_NEED) if data[NODES_NEED].ok else []
    if not data[DAEMONSETS_NEED].ok or len(nodes) != 1 or MINIKUBE_LABEL not in raw.labels(nodes[0]):
        return None
    runtime = str(raw.mapping(raw.mapping(nodes[0].get("status")).get("nodeInfo")).get("containerRuntimeVersion", ""))
    if not runtime.startswith("docker://"):
        return None
    return Addon("bridge", None, "minikube's default with the docker runtime on one node: the bridge plugin, a "
                 "configuration file in the node (/etc/cni/net.d) that the API does not show, so no DaemonSet "
                 "runs (`minikube ssh -- ls /etc/cni/net.d`)")


GKE_NODEPOOL_LABEL = "cloud.google.com/gke-nodepool"


def _gke_ptp(data: ClusterData) -> Addon | None:
    """GKE without Dataplane V2 (anetd) or Calico (calico-node): the node image configures the ptp plugin with
    host-local addresses from the node's podCIDR (containerd's GCE template, contrib/gce/cni.template), a file on
    the node that no DaemonSet shows. Said only when the DaemonSets were read and showed no CNI, on GKE's nodes."""
    nodes = data.items(NODES_NEED) if data[NODES_NEED].ok else []
    if not data[DAEMONSETS_NEED].ok or not nodes or not all(GKE_NODEPOOL_LABEL in raw.labels(n) for n in nodes):
        return None
    return Addon("gke-ptp", None, "GKE's own pod network without Dataplane V2 or Calico: the node image configures "
                 "the ptp plugin with addresses from each node's podCIDR (VPC alias IPs) in /etc/cni/net.d, so no "
                 "DaemonSet runs it")


def flannel_backend(args: list[str]) -> str | None:
    """``--flannel-backend=X`` / ``--flannel-backend X`` among k3s arguments (the last one wins); None if unset."""
    backend: str | None = None
    for index, word in enumerate(args):
        if word.startswith("--flannel-backend="):
            backend = word.split("=", 1)[1]
        elif word == "--flannel-backend" and index + 1 < len(args):
            backend = args[index + 1]
    return backend


def k3s_flannel_disabled(data: ClusterData) -> bool | None:
    """Whether the k3s servers' recorded arguments turn the embedded flannel off (``--flannel-backend=none``).

    Flannel options are server options, the same on every server; None when no server's ``k3s.io/node-args``
    could be read (the nodes unread, or no annotation)."""
    response = data.responses.get(NODES_NEED)
    if response is None or not response.ok:
        return None
    read = [found[0] for node in response.items if is_control_plane_node(node)
            and (found := node_args(node)) is not None and found[1] == "k3s"]
    if not read:
        return None
    return any(flannel_backend(args) == "none" for args in read)


# OpenShift runs CoreDNS as a DaemonSet (one per node) in its own namespace.
DNS_DAEMONSETS = (("openshift-dns", "dns-default"),)
KUBE_SYSTEM_PODS_NEED = "kube-system-pods"
OPENSHIFT_DNS_PODS_NEED = "openshift-dns-pods"
# The read that holds cluster DNS's pods, by the namespace its workload runs in.
DNS_POD_READS = {"kube-system": KUBE_SYSTEM_PODS_NEED, "openshift-dns": OPENSHIFT_DNS_PODS_NEED}


def cluster_dns(data: ClusterData) -> Addon | None:
    """CoreDNS or kube-dns: the Deployment that serves the ``kube-dns`` Service (OpenShift: the dns-default
    DaemonSet in openshift-dns)."""
    deployments = data.responses.get(DEPLOYMENTS_NEED)
    found = find_workload(deployments.items if deployments else [], DNS_DEPLOYMENTS, ("kube-dns", "coredns"))
    if found is None:
        daemonsets = data.responses.get(DAEMONSETS_NEED)
        for daemonset in daemonsets.items if daemonsets else []:
            if (raw.namespace(daemonset), raw.name(daemonset)) in DNS_DAEMONSETS:
                return Addon("coredns", workload(daemonset, "dns"), "OpenShift's DNS: CoreDNS as a DaemonSet")
        return None
    summary = workload(found, "coredns" if "coredns" in raw.name(found) else "kubedns")
    kind = "coredns" if "coredns" in (summary.image or summary.name) else "kube-dns"
    return Addon(kind, summary)


def metrics_server(data: ClusterData) -> Addon | None:
    found = find_workload(data.items(DEPLOYMENTS_NEED), METRICS_SERVER_DEPLOYMENTS, ("metrics-server",))
    return Addon("metrics-server", workload(found, "metrics-server")) if found else None

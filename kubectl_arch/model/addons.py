"""Cluster add-ons found by their DaemonSets and Deployments: the CNI plugin, cluster DNS, metrics-server.

Add-ons are ordinary workloads, so they are recognised by the names their installers give them. A k3s
server embeds flannel in its own process: no DaemonSet shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model import raw
from kubectl_arch.model.workloads import Workload, find_workload, workload

DAEMONSETS_NEED = "daemonsets"
DEPLOYMENTS_NEED = "kube-system-deployments"
VERSION_NEED = "version"

READS = (DAEMONSETS_NEED, DEPLOYMENTS_NEED, VERSION_NEED)  # what the add-on finders read

# DaemonSet name -> the CNI plugin it belongs to (first match wins, most specific first).
CNI_DAEMONSETS: tuple[tuple[str, str], ...] = (
    ("kindnet", "kindnet"),
    ("canal", "canal"),
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
DNS_DEPLOYMENTS = ("coredns", "kube-dns", "rke2-coredns-rke2-coredns")
METRICS_SERVER_DEPLOYMENTS = ("metrics-server", "rke2-metrics-server")


@dataclass
class Addon:
    """An add-on: which product (``kind``), the workload that runs it (None when embedded), and a note."""

    kind: str
    workload: Workload | None
    note: str = ""


def cni_plugin(data: ClusterData) -> Addon | None:
    """The CNI plugin's DaemonSet (any namespace); k3s's embedded flannel; None when nothing is recognised."""
    daemonsets = data.items(DAEMONSETS_NEED)
    for prefix, plugin in CNI_DAEMONSETS:
        for daemonset in daemonsets:
            if raw.name(daemonset) == prefix or raw.name(daemonset).startswith(prefix + "-"):
                return Addon(plugin, workload(daemonset, prefix.split("-")[0]))
    if "+k3s" in str(data.mapping(VERSION_NEED).get("gitVersion", "")):
        return Addon("flannel", None, "embedded in the k3s process (no DaemonSet)")
    return None


# OpenShift runs CoreDNS as a DaemonSet (one per node) in its own namespace.
DNS_DAEMONSETS = (("openshift-dns", "dns-default"),)


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

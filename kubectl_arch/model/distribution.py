"""Which distribution built the cluster, with the evidence, and whether its control plane is managed.

Signals, strongest first: the version string (``-eks-``, ``-gke.``, ``+k3s``, ``+rke2``), node labels
set by the provider or installer, node ``providerID`` prefixes, then kubeadm's own marks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model import raw
from kubectl_arch.model.components import KUBE_APISERVER, PODS_NEED, is_component_pod
from kubectl_arch.model.memo import memo
from kubectl_arch.model.nodes import NODES_NEED

VERSION_NEED = "version"
KUBEADM_CONFIG_NEED = "kubeadm-config"

READS = (VERSION_NEED, NODES_NEED, PODS_NEED, KUBEADM_CONFIG_NEED)  # what detect_distribution reads
MANAGED_BY = {
    "eks": "Amazon Web Services (Amazon EKS)",
    "gke": "Google Cloud (Google Kubernetes Engine)",
    "aks": "Microsoft Azure (Azure Kubernetes Service)",
}
DISTRIBUTIONS = ("kubeadm", "kind", "k3s", "rke2", "minikube", "eks", "gke", "aks", "openshift", "unknown")

_VERSION_MARKS = (("-eks-", "eks"), ("-gke.", "gke"), ("+k3s", "k3s"), ("+rke2", "rke2"))
_NODE_LABELS = (
    ("node.openshift.io/os_id", "openshift"),
    ("minikube.k8s.io/name", "minikube"),
    ("eks.amazonaws.com/nodegroup", "eks"),
    ("eks.amazonaws.com/compute-type", "eks"),
    ("cloud.google.com/gke-nodepool", "gke"),
    ("kubernetes.azure.com/cluster", "aks"),
)
_INSTANCE_TYPES = (("k3s", "k3s"), ("rke2", "rke2"))
_PROVIDER_IDS = (("kind://", "kind"),)
KUBEADM_ANNOTATION = "kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint"


@dataclass
class Distribution:
    """The distribution (one of ``DISTRIBUTIONS``), who runs a managed control plane, and what showed it."""

    name: str
    managed: bool = False
    managed_by: str | None = None
    evidence: list[str] = field(default_factory=list)


Detector = Callable[[ClusterData], tuple[str, str] | None]


def _items(data: ClusterData, need: str) -> list[dict[str, Any]]:
    """A need's items, [] when this command did not collect it (a check reading only what it declared)."""
    response = data.responses.get(need)
    return response.items if response is not None else []


def _mapping(data: ClusterData, need: str) -> dict[str, Any]:
    response = data.responses.get(need)
    return response.data if response is not None and response.ok and isinstance(response.data, dict) else {}


def _by_version(data: ClusterData) -> tuple[str, str] | None:
    git_version = str(_mapping(data, VERSION_NEED).get("gitVersion", ""))
    for mark, distribution in _VERSION_MARKS:
        if mark in git_version:
            return distribution, f"/version reports {git_version}"
    return None


def _by_node_labels(data: ClusterData) -> tuple[str, str] | None:
    for node in _items(data, NODES_NEED):
        node_labels = raw.labels(node)
        for label, distribution in _NODE_LABELS:
            if label in node_labels:
                return distribution, f"node {raw.name(node)} has label {label}"
        instance_type = node_labels.get("node.kubernetes.io/instance-type", "")
        for value, distribution in _INSTANCE_TYPES:
            if instance_type == value:
                return distribution, f"node {raw.name(node)} has label node.kubernetes.io/instance-type={value}"
    return None


def _by_provider_id(data: ClusterData) -> tuple[str, str] | None:
    for node in _items(data, NODES_NEED):
        provider_id = str(raw.mapping(node.get("spec")).get("providerID", ""))
        for prefix, distribution in _PROVIDER_IDS:
            if provider_id.startswith(prefix):
                return distribution, f"node {raw.name(node)} has providerID {provider_id}"
    return None


def _by_kubeadm_marks(data: ClusterData) -> tuple[str, str] | None:
    if _mapping(data, KUBEADM_CONFIG_NEED):
        return "kubeadm", "ConfigMap kube-system/kubeadm-config exists"
    for pod in _items(data, PODS_NEED):
        if is_component_pod(pod, KUBE_APISERVER) and KUBEADM_ANNOTATION in raw.annotations_of(pod):
            return "kubeadm", f"pod {raw.name(pod)} carries kubeadm's annotation {KUBEADM_ANNOTATION}"
    return None


DETECTORS: tuple[Detector, ...] = (_by_version, _by_node_labels, _by_provider_id, _by_kubeadm_marks)


def detect_distribution(data: ClusterData) -> Distribution:
    """The first detector that recognises the cluster decides; the later ones that agree add evidence.

    Computed once per ``ClusterData`` (several checks and explain ask); the answer is shared: read-only.
    """
    return memo(data, "distribution.detect_distribution", READS, _detect_distribution)


def _detect_distribution(data: ClusterData) -> Distribution:
    found: list[tuple[str, str]] = [hit for hit in (detect(data) for detect in DETECTORS) if hit]
    if not found:
        return Distribution("unknown", evidence=["no distribution marks in /version, node labels or kube-system"])
    name = found[0][0]
    # kind builds its nodes with kubeadm: kubeadm's marks support "kind", they do not contradict it.
    agreeing = {name, "kubeadm"} if name == "kind" else {name}
    evidence = [why for distribution, why in found if distribution in agreeing]
    return Distribution(name, managed=name in MANAGED_BY, managed_by=MANAGED_BY.get(name), evidence=evidence)

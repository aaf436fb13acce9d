"""Which mode routes Service traffic: kube-proxy's iptables/ipvs/nftables, a replacement, or nothing.

Sources in order of authority: a replacement that implements Services itself (Cilium's
``kube-proxy-replacement``, GKE Dataplane V2's ``anetd``, OpenShift's OVN-Kubernetes, openshift-sdn), k3s's and RKE2's
node annotations (``k3s.io/node-args``: the server or agent arguments, ``--kube-proxy-arg proxy-mode=...``
or ``--disable-kube-proxy``), the kube-proxy configuration file in its ConfigMap (kubeadm: ``kube-proxy``
key ``config.conf``; EKS: ``kube-proxy-config`` key ``config``; an empty ``mode`` means iptables on
Linux), then the kube-proxy container's ``--proxy-mode`` flag (AKS configures it by flags only).
A kube-proxy DaemonSet that wants 0 pods (GKE keeps one beside Dataplane V2, and beside the static kube-proxy pods
of its nodes without it) is not a running kube-proxy,
while kube-proxy pods are counted even when their DaemonSet object was not read (minikube captures).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model import raw
from kubectl_arch.model.memo import memo
from kubectl_arch.model.workloads import Workload, find_workload, workload
from kubectl_arch.yamltext import safe_load

CONFIG_NEED = "kube-proxy-config"
EKS_CONFIG_NEED = "eks-kube-proxy-config"
CILIUM_NEED = "cilium-config"
DAEMONSETS_NEED = "daemonsets"
PODS_NEED = "kube-system-pods"
DAEMONSET_PODS_NEED = "kube-system-daemonset-pods"
VERSION_NEED = "version"
NODES_NEED = "nodes"

# What kube_proxy_mode reads.
READS = (DAEMONSETS_NEED, PODS_NEED, DAEMONSET_PODS_NEED, VERSION_NEED, NODES_NEED, CONFIG_NEED, EKS_CONFIG_NEED,
         CILIUM_NEED)
NODE_ARGS_ANNOTATIONS = (("k3s.io/node-args", "k3s"), ("rke2.io/node-args", "RKE2"))
# DaemonSets of network plugins that implement Services themselves, with no kube-proxy: (namespace, or None for
# any; name; the product that replaces kube-proxy; what it does; what that leaves of kube-proxy).
NO_KUBE_PROXY = "no kube-proxy runs"
REPLACING_DAEMONSETS: tuple[tuple[str | None, str, str, str, str], ...] = (
    (None, "anetd", "GKE Dataplane V2", "GKE Dataplane V2 (anetd, Cilium-based) implements Services in eBPF",
     NO_KUBE_PROXY),
    (None, "ovnkube-node", "OVN-Kubernetes", "OVN-Kubernetes, OpenShift's network, implements Services in Open vSwitch",
     NO_KUBE_PROXY),
    # openshift/cluster-network-operator bindata/network/openshift-sdn/sdn.yaml: the sdn DaemonSet "launches the
    # OpenShift networking components (kube-proxy and openshift-sdn)", its proxy set by --proxy-config.
    ("openshift-sdn", "sdn", "openshift-sdn", "openshift-sdn, OpenShift's older network plugin, runs the Service "
                                              "proxy (kube-proxy's code, configured by its sdn-config ConfigMap) "
                                              "inside its sdn pods",
     "no separate kube-proxy runs"),
)
CILIUM_KPR = "Cilium"  # its eBPF kube-proxy replacement
MODES = ("iptables", "ipvs", "nftables", "kernelspace", "replaced", "absent", "unknown")
CILIUM_REPLACES = ("true", "strict")  # "strict" before Cilium 1.14; "partial" leaves kube-proxy in charge


@dataclass(frozen=True)
class KubeProxyMode:
    """The Service proxy mode (one of ``MODES``), where it was read (``source``) and why, in words."""

    mode: str
    source: str  # configmap, flags, node-args, cilium-config, anetd, ovnkube-node, default, embedded, none
    detail: str
    daemonset: Workload | None = None
    static_pods: int = 0  # kube-proxy run as static pods (RKE2) instead of a DaemonSet
    replaced_by: str | None = None  # what implements Services instead when the mode is "replaced"


def cilium_replacement(data: ClusterData) -> str | None:
    """Cilium's ``kube-proxy-replacement`` setting, lower-cased, or None without cilium-config."""
    config = data.mapping(CILIUM_NEED)
    value = raw.mapping(config.get("data")).get("kube-proxy-replacement")
    return str(value).strip().lower() if value is not None else None


def configmap_mode(data: ClusterData) -> tuple[str, str] | None:
    """``mode`` from kube-proxy's configuration file ("" when set but empty) and where it was read, or None.

    kubeadm keeps it in ConfigMap ``kube-proxy`` key ``config.conf``; EKS in ``kube-proxy-config`` key ``config``
    (its ``kube-proxy`` ConfigMap holds only a kubeconfig).
    """
    for need, key, where in ((CONFIG_NEED, "config.conf", "config.conf"),
                             (EKS_CONFIG_NEED, "config", "ConfigMap kube-proxy-config")):
        if need not in data.responses:
            continue
        text = raw.text(raw.mapping(data.mapping(need).get("data")).get(key))
        if text is None:
            continue
        try:
            parsed = safe_load(text) or {}
        except (yaml.YAMLError, RecursionError):  # RecursionError: deep nesting without libyaml's depth limit
            return None
        return (str(parsed.get("mode") or ""), where) if isinstance(parsed, Mapping) else None
    return None


def _items(data: ClusterData, need: str) -> list[dict[str, Any]]:
    response = data.responses.get(need)
    return response.items if response is not None else []


def kube_proxy_pods(data: ClusterData) -> list[dict[str, Any]]:
    """kube-proxy's pods in kube-system: static (RKE2) or a DaemonSet's, whether or not that DaemonSet was read."""
    pods = _items(data, PODS_NEED) + _items(data, DAEMONSET_PODS_NEED)
    return [pod for pod in pods if raw.labels(pod).get("k8s-app") == "kube-proxy"
            or (raw.is_mirror_pod(pod) and raw.name(pod).startswith("kube-proxy-"))]


def _static_kube_proxy_pods(pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [pod for pod in pods if raw.is_mirror_pod(pod) and raw.name(pod).startswith("kube-proxy-")]


def _embedded_in_k3s(data: ClusterData) -> bool:
    version = data.mapping(VERSION_NEED)
    return "+k3s" in str(version.get("gitVersion", ""))


def node_args(node: Mapping[str, Any]) -> tuple[list[str], str] | None:
    """The k3s/RKE2 arguments a node records in its annotation (JSON list), and which product; None without."""
    for annotation, product in NODE_ARGS_ANNOTATIONS:
        value = raw.annotations_of(node).get(annotation)
        if value is None:
            continue
        try:
            parsed = json.loads(value)
        except (TypeError, ValueError):
            return None
        if isinstance(parsed, list):
            return [str(word) for word in parsed], product
    return None


def proxy_mode_from_args(args: list[str]) -> str | None:
    """``proxy-mode`` from ``--kube-proxy-arg proxy-mode=X`` / ``--kube-proxy-arg=proxy-mode=X``; None if unset;
    "absent" with ``--disable-kube-proxy``."""
    mode: str | None = None
    for index, word in enumerate(args):
        if word in ("--disable-kube-proxy", "--disable-kube-proxy=true"):
            return "absent"
        value = None
        if word == "--kube-proxy-arg" and index + 1 < len(args):
            value = args[index + 1]
        elif word.startswith("--kube-proxy-arg="):
            value = word.split("=", 1)[1]
        if value is not None:
            key, _, setting = value.lstrip("-").partition("=")
            if key == "proxy-mode" and setting:
                mode = setting
    return mode


def _mode_from_node_args(data: ClusterData, daemonset: Workload | None, static: int) -> KubeProxyMode | None:
    """k3s/RKE2: each node's recorded arguments say its kube-proxy mode (iptables when none is given)."""
    modes: dict[str, list[str]] = {}
    product = ""
    for node in _items(data, NODES_NEED):
        found = node_args(node)
        if found is None:
            continue
        args, product = found
        modes.setdefault(proxy_mode_from_args(args) or "iptables", []).append(raw.name(node))
    if not modes:
        return None
    mode = max(modes, key=lambda m: (len(modes[m]), m))
    annotation = "k3s.io/node-args" if product == "k3s" else "rke2.io/node-args"
    where = "; ".join(f"{m} on {', '.join(sorted(nodes))}" for m, nodes in sorted(modes.items()))
    if mode == "absent":
        return KubeProxyMode("absent", "node-args", f"{annotation} shows --disable-kube-proxy ({where}): {product} "
                             "runs no kube-proxy, so something else must implement Services", daemonset, static)
    default = "" if len(modes) > 1 or mode != "iptables" else " (no --kube-proxy-arg proxy-mode: iptables)"
    detail = f"{annotation} records each node's {product} arguments{default}: {where}"
    source = "node-args"
    return KubeProxyMode(mode, source, detail, daemonset, static)


def _replacing_daemonset(data: ClusterData) -> tuple[Workload, str, str, str] | None:
    for daemonset in _items(data, DAEMONSETS_NEED):
        for namespace, name, product, detail, leaves in REPLACING_DAEMONSETS:
            if raw.name(daemonset) == name and namespace in (None, raw.namespace(daemonset)):
                return workload(daemonset, name), product, detail, leaves
    return None


def kube_proxy_mode(data: ClusterData) -> KubeProxyMode:
    """Decide the mode from everything visible; ``unknown`` (with the reason) rather than a guess. Once per
    cluster: the fact base and the kube-proxy-mode check both ask."""
    return memo(data, "kube_proxy.kube_proxy_mode", READS, _kube_proxy_mode)


def _kube_proxy_mode(data: ClusterData) -> KubeProxyMode:
    replacement = cilium_replacement(data)
    daemonset_obj = find_workload([d for d in _items(data, DAEMONSETS_NEED) if raw.namespace(d) == "kube-system"],
                                  ("kube-proxy",), ("kube-proxy",))
    daemonset = workload(daemonset_obj, "kube-proxy") if daemonset_obj else None
    pods = kube_proxy_pods(data)
    static = len(_static_kube_proxy_pods(pods))
    if daemonset is not None and daemonset.desired == 0 and static == len(pods):
        # A DaemonSet that wants no pod runs no kube-proxy: GKE keeps one beside Dataplane V2, and beside the static
        # kube-proxy-<node> pods of its nodes without Dataplane V2 (it selects only nodes labelled
        # node.kubernetes.io/kube-proxy-ds-ready). What runs is the static pods, if any.
        daemonset = None
    if replacement in CILIUM_REPLACES:
        extra = " (a kube-proxy DaemonSet still exists: both program Service rules)" if daemonset else ""
        detail = f"Cilium's eBPF kube-proxy replacement handles Services (kube-proxy-replacement={replacement})"
        return KubeProxyMode("replaced", "cilium-config", detail + extra, daemonset, static, replaced_by=CILIUM_KPR)
    replacing = _replacing_daemonset(data)
    if replacing is not None and daemonset is None and not pods:
        found, product, detail, leaves = replacing
        return KubeProxyMode("replaced", found.name, f"{detail} (DaemonSet {found.namespace}/{found.name}); "
                             f"{leaves}", None, 0, replaced_by=product)
    from_args = _mode_from_node_args(data, daemonset, static)
    if from_args is not None:
        return from_args
    daemonsets = data.responses.get(DAEMONSETS_NEED)
    runs = daemonset is not None or bool(pods) or daemonsets is None or not daemonsets.ok
    if runs:
        return _configured_mode(data, daemonset, static, pods)
    if _embedded_in_k3s(data):
        return KubeProxyMode("unknown", "embedded",
                             "k3s runs kube-proxy inside its own process and no node records its arguments "
                             "(k3s.io/node-args), so the mode is not visible")
    return KubeProxyMode("absent", "none", "no kube-proxy DaemonSet or pods, and no kube-proxy replacement "
                         "found: Services may not work unless another component implements them")


def _configured_mode(data: ClusterData, daemonset: Workload | None, static: int,
                     pods: list[dict[str, Any]]) -> KubeProxyMode:
    """The mode of a running kube-proxy: its config file (ConfigMap), else its flags, else the default."""
    from kubectl_arch.model.components import main_container
    from kubectl_arch.model.flags import container_flags

    flags = daemonset.flags if daemonset else container_flags(main_container(pods[0], "kube-proxy")) if pods else {}
    from_config = configmap_mode(data)
    if from_config is not None and (not flags.get("proxy-mode") or "config" in flags):
        mode, where = from_config
        if mode:
            return KubeProxyMode(mode, "configmap", f"{where} sets mode: {mode}", daemonset, static)
        return KubeProxyMode("iptables", "configmap", f"{where} leaves mode empty, which means iptables on Linux",
                             daemonset, static)
    if flags.get("proxy-mode"):
        whose = "the DaemonSet passes" if daemonset else "the kube-proxy pods pass"
        return KubeProxyMode(flags["proxy-mode"], "flags", f"{whose} --proxy-mode={flags['proxy-mode']}",
                             daemonset, static)
    if daemonset is None and not pods:
        reason = data.skip_reason(DAEMONSETS_NEED) if DAEMONSETS_NEED in data.responses else None
        return KubeProxyMode("unknown", "none", reason or "DaemonSets could not be read")
    unread = _unread_config(data)
    if unread and "config" in flags:
        # The mode is in the file --config names, and the ConfigMap that holds it was refused or failed: the
        # default would be a guess (kube-proxy-mode must skip, not pass on iptables).
        return KubeProxyMode("unknown", "configmap", f"kube-proxy reads its mode from --config={flags['config']}, "
                             f"and its ConfigMap could not be read: {unread}", daemonset, static)
    if daemonset:
        seen = ""
    elif static == len(pods):
        seen = f" (it runs as {static} static pods, kube-proxy-<node>, not from a DaemonSet)"
    else:
        seen = f" ({len(pods)} kube-proxy pods run without a DaemonSet object read)"
    where = "its flags name no --config file and no --proxy-mode" if "config" not in flags and flags else \
        "no mode is visible in the kube-proxy ConfigMap or flags"
    return KubeProxyMode("iptables", "default", f"{where}; kube-proxy's default on Linux is iptables" + seen,
                         daemonset, static)


def _unread_config(data: ClusterData) -> str | None:
    """Why a ConfigMap that may hold kube-proxy's configuration could not be read (refused, failed), or None when
    each was read or answered that it does not exist."""
    for need in (CONFIG_NEED, EKS_CONFIG_NEED):
        reason = data.unread(need) if need in data.responses else None
        if reason:
            return reason
    return None

"""Which mode routes Service traffic: kube-proxy's iptables/ipvs/nftables, Cilium's replacement, or nothing.

Sources in order of authority: Cilium's ``kube-proxy-replacement`` (kube-proxy may then be absent), the
kube-proxy configuration file in its ConfigMap (kubeadm: ``kube-proxy`` key ``config.conf``; EKS:
``kube-proxy-config`` key ``config``; an empty ``mode`` means iptables on Linux), then the DaemonSet's
``--proxy-mode`` flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model import raw
from kubectl_arch.model.workloads import Workload, find_workload, workload

CONFIG_NEED = "kube-proxy-config"
EKS_CONFIG_NEED = "eks-kube-proxy-config"
CILIUM_NEED = "cilium-config"
DAEMONSETS_NEED = "daemonsets"
PODS_NEED = "kube-system-pods"
VERSION_NEED = "version"

# What kube_proxy_mode reads.
READS = (DAEMONSETS_NEED, PODS_NEED, VERSION_NEED, CONFIG_NEED, EKS_CONFIG_NEED, CILIUM_NEED)
MODES = ("iptables", "ipvs", "nftables", "kernelspace", "replaced", "absent", "unknown")
CILIUM_REPLACES = ("true", "strict")  # "strict" before Cilium 1.14; "partial" leaves kube-proxy in charge


@dataclass
class KubeProxyMode:
    """The Service proxy mode (one of ``MODES``), where it was read (``source``) and why, in words."""

    mode: str
    source: str  # configmap, flags, cilium-config, default, embedded, none
    detail: str
    daemonset: Workload | None = None
    static_pods: int = 0  # kube-proxy run as static pods (RKE2) instead of a DaemonSet


def cilium_replacement(data: ClusterData) -> str | None:
    """Cilium's ``kube-proxy-replacement`` setting, lower-cased, or None without cilium-config."""
    config = data.mapping(CILIUM_NEED)
    value = (config.get("data") or {}).get("kube-proxy-replacement")
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
        text = (data.mapping(need).get("data") or {}).get(key)
        if text is None:
            continue
        try:
            parsed = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            return None
        return (str(parsed.get("mode") or ""), where) if isinstance(parsed, Mapping) else None
    return None


def _static_kube_proxy_pods(pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [pod for pod in pods if raw.is_mirror_pod(pod) and raw.name(pod).startswith("kube-proxy-")]


def _embedded_in_k3s(data: ClusterData) -> bool:
    version = data.mapping(VERSION_NEED)
    return "+k3s" in str(version.get("gitVersion", ""))


def kube_proxy_mode(data: ClusterData) -> KubeProxyMode:
    """Decide the mode from everything visible; ``unknown`` (with the reason) rather than a guess."""
    replacement = cilium_replacement(data)
    daemonset_obj = find_workload([d for d in data.items(DAEMONSETS_NEED) if raw.namespace(d) == "kube-system"],
                                  ("kube-proxy",), ("kube-proxy",))
    daemonset = workload(daemonset_obj, "kube-proxy") if daemonset_obj else None
    static = len(_static_kube_proxy_pods(data.items(PODS_NEED)))
    if replacement in CILIUM_REPLACES:
        extra = " (a kube-proxy DaemonSet still exists: both program Service rules)" if daemonset else ""
        detail = f"Cilium's eBPF kube-proxy replacement handles Services (kube-proxy-replacement={replacement})"
        return KubeProxyMode("replaced", "cilium-config", detail + extra, daemonset, static)
    runs = daemonset is not None or static > 0 or not data[DAEMONSETS_NEED].ok
    if runs:
        return _configured_mode(data, daemonset, static)
    if _embedded_in_k3s(data):
        return KubeProxyMode("unknown", "embedded",
                             "k3s runs kube-proxy inside its own process; the mode is not visible through the API "
                             "(iptables unless the server was started with a different --kube-proxy-arg)")
    return KubeProxyMode("absent", "none", "no kube-proxy DaemonSet or static pods, and no kube-proxy replacement "
                         "found: Services may not work unless another component implements them")


def _configured_mode(data: ClusterData, daemonset: Workload | None, static: int) -> KubeProxyMode:
    """The mode of a running kube-proxy: its config file (ConfigMap), else its flags, else the default."""
    flags = daemonset.flags if daemonset else {}
    from_config = configmap_mode(data)
    if from_config is not None and (not flags.get("proxy-mode") or "config" in flags):
        mode, where = from_config
        if mode:
            return KubeProxyMode(mode, "configmap", f"{where} sets mode: {mode}", daemonset, static)
        return KubeProxyMode("iptables", "configmap", f"{where} leaves mode empty, which means iptables on Linux",
                             daemonset, static)
    if flags.get("proxy-mode"):
        return KubeProxyMode(flags["proxy-mode"], "flags", f"the DaemonSet passes --proxy-mode={flags['proxy-mode']}",
                             daemonset, static)
    if daemonset is None and static == 0:
        return KubeProxyMode("unknown", "none", data.skip_reason(DAEMONSETS_NEED) or "DaemonSets could not be read")
    return KubeProxyMode("iptables", "default", "no mode is visible in the kube-proxy ConfigMap or flags; "
                         "kube-proxy's default on Linux is iptables", daemonset, static)

"""kube-proxy-mode: how Services are routed (iptables, IPVS, nftables, or a replacement such as Cilium),
and whether that mode suits the number of Services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import json_object, register_computed_need, served_version
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.source import Response, Source, count, iter_pages
from kubectl_arch.model.kube_proxy import KubeProxyMode, kube_proxy_mode
from kubectl_arch.model.nodes import NODES_NEED, node_infos
from kubectl_arch.model.versions import Version, parse_version

SERVICES_PATH = "/api/v1/services"


def _count_services(source: Source, _data: ClusterData) -> Response:
    """The cluster's Service count from one ``limit=1`` request; paged counting when the server omits it."""
    total, page = count(source, SERVICES_PATH)
    if total is None and page.ok:
        total = 0
        for each in iter_pages(source, SERVICES_PATH):
            if not each.ok:
                return each
            total += len(each.items)
    return Response(status=200, data={"count": total}) if total is not None else page


SERVICES_COUNT = register_computed_need("services-count", "the number of Services (a list request with limit=1)",
                                        "services", _count_services)

META = CheckMeta(
    id="kube-proxy-mode",
    title="Service traffic is routed, by a mode that suits the cluster's size",
    component="kube-proxy",
    why="Every Service's virtual IP works only because kube-proxy (or a replacement such as Cilium) programs "
        "each node. Without either, Services do not route at all. In iptables mode every rule change rewrites "
        "long sequential chains, so with thousands of Services updates lag and connection setup slows; the "
        "nftables mode (GA in 1.33, needs Linux 5.13+ on every node) uses lookups that scale. IPVS scales too "
        "but is deprecated since 1.35: use it only where nftables is not possible.",
    fix="With many Services on iptables, switch mode in the kube-proxy ConfigMap (`mode: nftables` where the "
        "version and kernels allow, else `mode: ipvs`) and roll the kube-proxy DaemonSet. If kube-proxy is "
        "missing, reinstall it (`kubeadm init phase addon kube-proxy`) or enable your CNI's replacement.",
    references=(
        "https://kubernetes.io/docs/reference/networking/virtual-ips/",
        "https://kubernetes.io/blog/2025/02/28/nftables-kube-proxy/",
    ),
    needs=("daemonsets", "kube-system-pods", "version", NODES_NEED),
    optional_needs=("kube-proxy-config", "eks-kube-proxy-config", "cilium-config", SERVICES_COUNT.name),
    thresholds={"max_services_iptables": 1000},
)

NFTABLES_DEFAULT_ON = Version(1, 31)  # beta and enabled by default from 1.31, GA in 1.33
NFTABLES_MIN_KERNEL = Version(5, 13)
IPVS_DEPRECATED = Version(1, 35)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    mode = kube_proxy_mode(data)
    services = json_object(data, SERVICES_COUNT.name).get("count")
    evidence: dict[str, Any] = {"mode": mode.mode, "source": mode.source, "detail": mode.detail, "services": services}
    if mode.daemonset is not None:
        evidence["daemonset_ready"] = f"{mode.daemonset.ready}/{mode.daemonset.desired}"
    if mode.mode == "absent":
        return [Finding(META.id, Status.FAIL, "no kube-proxy and no replacement found: Service IPs are not routed",
                        evidence=evidence)]
    if mode.mode == "unknown":
        return [Finding(META.id, Status.SKIP, f"the Service proxy mode is not visible: {mode.detail}",
                        evidence=evidence)]
    if mode.mode == "replaced":
        status = Status.WARN if mode.daemonset is not None else Status.PASS
        return [Finding(META.id, status, mode.detail, evidence=evidence)]
    version = served_version(data)
    limit = int(thresholds["max_services_iptables"])
    if mode.mode == "iptables" and isinstance(services, int) and services > limit:
        advice = _advice(data, version)
        return [Finding(META.id, Status.WARN, f"iptables mode with {services} Services (more than {limit}): {advice}",
                        evidence=evidence)]
    if mode.mode == "ipvs" and version is not None and version >= IPVS_DEPRECATED:
        return [Finding(META.id, Status.WARN, f"IPVS mode is deprecated since Kubernetes 1.35 (this cluster runs "
                        f"{version}): plan a move to nftables", evidence=evidence)]
    count_text = f" with {services} Services" if isinstance(services, int) else ""
    return [Finding(META.id, Status.PASS, f"{_describe(mode)}{count_text}", evidence=evidence)]


def _advice(data: ClusterData, version: Version | None) -> str:
    """nftables where the cluster version and every Linux node's kernel allow it, else IPVS."""
    kernels = [parse_version(n.kernel_version) for n in node_infos(data) if n.operating_system in ("linux", "")]
    old = [k for k in kernels if k is None or k < NFTABLES_MIN_KERNEL]
    if version is not None and version >= NFTABLES_DEFAULT_ON and kernels and not old:
        return "switch to nftables mode (supported by this version and every node's kernel)"
    if version is None or version < NFTABLES_DEFAULT_ON:
        why = f"Kubernetes {version or 'of unknown version'} predates nftables by default (1.31)"
    else:
        why = "some nodes run kernels older than 5.13, or their kernels are unknown"
    return f"consider IPVS mode ({why})"


def _describe(mode: KubeProxyMode) -> str:
    return f"kube-proxy in {mode.mode} mode ({mode.detail})"

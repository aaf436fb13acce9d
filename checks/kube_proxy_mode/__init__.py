"""kube-proxy-mode: how Services are routed (iptables, IPVS, nftables, or a replacement such as Cilium),
and whether that mode suits the number of Services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import (
    PROFILE_NEEDS,
    json_object,
    profile_of,
    reads,
    register_computed_need,
    served_version,
    with_fix,
    with_teaching,
)
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.source import Response, Source, count, iter_pages
from kubectl_arch.model.kube_proxy import CILIUM_KPR, KubeProxyMode, kube_proxy_mode
from kubectl_arch.model.kube_proxy import READS as PROXY_READS
from kubectl_arch.model.nodes import NODES_NEED, node_infos
from kubectl_arch.model.profiles import CONFIGURE_KUBE_PROXY, INSTALL_KUBE_PROXY, Profile
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

META_NEEDS = ("daemonsets", "kube-system-pods", "version", NODES_NEED)
META = CheckMeta(
    id="kube-proxy-mode",
    title="Service traffic is routed, by a mode that suits the cluster's size",
    component="kube-proxy",
    why="Every Service's virtual IP works only because kube-proxy (or a replacement such as Cilium) programs "
        "each node. Without either, Services do not route at all. In iptables mode every rule change rewrites "
        "long sequential chains, so with thousands of Services updates lag and connection setup slows; the "
        "nftables mode (GA in 1.33, needs Linux 5.13+ on every node) uses lookups that scale. IPVS scales too "
        "but is deprecated since 1.35: a stopgap only where nftables is not possible.",
    fix="With many Services on iptables, switch kube-proxy to nftables where the version (1.31+) and every "
        "node's kernel (5.13+) allow, the way the distribution configures kube-proxy (audit prints the command "
        "for the cluster it reads). IPVS is deprecated since 1.35: a stopgap only where nftables cannot run. If "
        "kube-proxy is missing, reinstall it or enable your CNI's replacement.",
    references=(
        "https://kubernetes.io/docs/reference/networking/virtual-ips/",
        "https://kubernetes.io/blog/2025/02/28/nftables-kube-proxy/",
    ),
    needs=META_NEEDS,
    # What kube_proxy_mode reads, the Service count, and the profile (its fix): not the Leases, /readyz or DNS.
    optional_needs=reads(PROXY_READS, SERVICES_COUNT.name, PROFILE_NEEDS, besides=META_NEEDS),
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
    profile = profile_of(data)
    if mode.mode == "absent":
        return with_fix([Finding(META.id, Status.FAIL, "no kube-proxy and no replacement found: Service IPs are not "
                                 "routed", evidence=evidence)], profile.fix(INSTALL_KUBE_PROXY))
    if mode.mode == "unknown":
        return [Finding(META.id, Status.SKIP, f"the Service proxy mode is not visible: {mode.detail}",
                        evidence=evidence)]
    if mode.mode == "replaced":
        status = Status.WARN if mode.daemonset is not None else Status.PASS
        findings = with_fix([Finding(META.id, status, mode.detail, evidence=evidence)], _replaced_fix(mode))
        return with_teaching(findings, None, (*META.references, CILIUM_KUBE_PROXY_FREE)) \
            if mode.replaced_by == CILIUM_KPR else findings
    version = served_version(data)
    limit = int(thresholds["max_services_iptables"])
    if mode.mode == "iptables" and isinstance(services, int) and services > limit:
        advice = _advice(data, version)
        return with_fix([Finding(META.id, Status.WARN, f"iptables mode with {services} Services (more than "
                                 f"{limit}): {advice}", evidence=evidence)], _configure(profile))
    if mode.mode == "ipvs" and version is not None and version >= IPVS_DEPRECATED:
        return with_fix([Finding(META.id, Status.WARN, f"IPVS mode is deprecated since Kubernetes 1.35 (this cluster "
                                 f"runs {version}): plan a move to nftables", evidence=evidence)],
                        _configure(profile))
    count_text = f" with {services} Services" if isinstance(services, int) else ""
    return [Finding(META.id, Status.PASS, f"{_describe(mode)}{count_text}", evidence=evidence)]


# What there is to do where kube-proxy is replaced: never "switch kube-proxy to nftables", since none runs.
NOTHING_TO_SWITCH = ("Nothing to switch: {product} implements Services here and no kube-proxy runs, so kube-proxy's "
                     "iptables, IPVS and nftables modes do not apply.")
REPLACEMENT_FIXES = {
    CILIUM_KPR: NOTHING_TO_SWITCH.format(product="Cilium's eBPF kube-proxy replacement") + " How Services scale is "
                "Cilium's to tune (its kube-proxy replacement settings in ConfigMap kube-system/cilium-config).",
    "GKE Dataplane V2": NOTHING_TO_SWITCH.format(product="GKE Dataplane V2 (anetd)") + " Google runs and configures "
                        "it; a kube-proxy DaemonSet that wants no pods is not a running kube-proxy.",
    "OVN-Kubernetes": NOTHING_TO_SWITCH.format(product="OVN-Kubernetes") + " OpenShift's cluster network operator "
                      "configures it (`oc get network.operator cluster -o yaml`).",
    "openshift-sdn": "Nothing to switch: openshift-sdn runs kube-proxy's code inside its own sdn pods, configured by "
                     "OpenShift's cluster network operator (`oc get network.operator cluster -o yaml`), not through a "
                     "kube-proxy DaemonSet or its modes.",
}
CILIUM_KUBE_PROXY_FREE = "https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/"
# Cilium's replacement beside a kube-proxy that still runs: both program the nodes' Service rules.
CILIUM_WITH_KUBE_PROXY = ("Cilium's kube-proxy replacement and a kube-proxy DaemonSet both program Service rules: "
                          "remove kube-proxy as Cilium's kube-proxy-free guide describes (its DaemonSet, its "
                          "ConfigMap, then the rules it left on each node), or turn the replacement off and leave "
                          "Services to kube-proxy.")


def _replaced_fix(mode: KubeProxyMode) -> str:
    """What to do where something else implements Services: nothing to switch, or one of the two to remove."""
    if mode.replaced_by == CILIUM_KPR and mode.daemonset is not None:
        return CILIUM_WITH_KUBE_PROXY
    product = mode.replaced_by or "a kube-proxy replacement"
    return REPLACEMENT_FIXES.get(product, NOTHING_TO_SWITCH.format(product=product))


def _configure(profile: Profile) -> str | None:
    how = profile.fix(CONFIGURE_KUBE_PROXY)
    return f"Change kube-proxy's mode (nftables where the version and kernels allow): {how}" if how else None


def _advice(data: ClusterData, version: Version | None) -> str:
    """nftables, and what stands in its way here (the version, old kernels); never IPVS, deprecated since 1.35."""
    kernels = [parse_version(n.kernel_version) for n in node_infos(data) if n.operating_system in ("linux", "")]
    old = [k for k in kernels if k is None or k < NFTABLES_MIN_KERNEL]
    if version is not None and version >= NFTABLES_DEFAULT_ON and kernels and not old:
        return "switch to nftables mode (supported by this version and every node's kernel)"
    if version is None or version < NFTABLES_DEFAULT_ON:
        return (f"plan the move to nftables mode: it needs Kubernetes 1.31+ (beta and on by default; GA in 1.33) and "
                f"this cluster runs {version or 'an unknown version'}; IPVS is no way out, being deprecated since 1.35")
    return ("switch to nftables mode once every node runs Linux 5.13+ (some nodes run older kernels, or theirs are "
            "unknown); IPVS is deprecated since 1.35, a stopgap at most")


def _describe(mode: KubeProxyMode) -> str:
    return f"kube-proxy in {mode.mode} mode ({mode.detail})"

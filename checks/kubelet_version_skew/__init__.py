"""kubelet-version-skew: every kubelet within the version-skew policy of the oldest API server (never
newer; at most three minor versions older, two for kubelets before 1.25)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import (
    CONTROL_PLANE_NEEDS,
    apiserver_versions,
    profile_of,
    reads,
    with_distribution_pages,
    with_fix,
)
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.nodes import NODES_NEED, node_infos
from kubectl_arch.model.profiles import KUBEADM_NODE_UPGRADE_DOC, UPGRADE_KUBELET
from kubectl_arch.model.versions import Version, minor_skew, parse_version
from kubectl_arch.wording import plural

META_NEEDS = (NODES_NEED, "kube-system-pods", "version")
META = CheckMeta(
    id="kubelet-version-skew",
    title="Kubelets are within the supported version skew of the API server",
    component="kubelet",
    why="The API server is tested only against kubelets up to three minor releases older (two before 1.25) and "
        "never newer. Outside that window APIs the kubelet relies on may be gone or changed: nodes fail to "
        "register, report status or run pods after the next control-plane upgrade. A kubelet at the oldest "
        "allowed minor is still supported by this API server, but it blocks the next control-plane upgrade and "
        "its own release is out of upstream support.",
    fix="Upgrade the kubelet on the listed nodes one minor release at a time, the way the distribution does it "
        "(audit prints the command for the cluster it reads), or replace the nodes; never upgrade the control "
        "plane further while a kubelet is at the edge of the window.",
    references=(
        "https://kubernetes.io/releases/version-skew-policy/#kubelet",
        KUBEADM_NODE_UPGRADE_DOC,
    ),
    needs=META_NEEDS,
    # The API servers' versions (their pods, OpenShift's too) and the profile's fix.
    optional_needs=reads(CONTROL_PLANE_NEEDS, besides=META_NEEDS),
    thresholds={"max_minor_skew": 3},
)


def _fix(data: ClusterData) -> str | None:
    upgrade = profile_of(data).fix(UPGRADE_KUBELET)
    return f"Upgrade the kubelet on the listed nodes one minor release at a time: {upgrade}" if upgrade else None

# Kubelets older than this minor may only be two minor releases behind (the window widened in 1.28 for 1.25+).
WIDE_WINDOW_SINCE = Version(1, 25)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    return with_distribution_pages(_evaluate(data, thresholds), data, META, UPGRADE_KUBELET)


def _evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    apiservers, source = apiserver_versions(data)
    if not apiservers:
        return [Finding(META.id, Status.SKIP, "the API server version could not be read")]
    oldest = apiservers[0]
    findings: list[Finding] = []
    unjudged: list[Finding] = []  # a kubelet whose version is not a version is not within the policy either
    nodes = node_infos(data)
    for node in nodes:
        kubelet = parse_version(node.kubelet_version)
        if kubelet is None:
            unjudged.append(Finding(META.id, Status.SKIP, f"node {node.name}: kubelet version "
                                    f"{node.kubelet_version or '(none reported)'} is not a version the skew policy "
                                    "can be judged on", evidence={"kubelet": node.kubelet_version},
                                    object=f"node/{node.name}"))
            continue
        allowed = int(thresholds["max_minor_skew"]) if kubelet >= WIDE_WINDOW_SINCE else 2
        skew = minor_skew(oldest, kubelet)
        evidence = {"kubelet": str(kubelet), "oldest_apiserver": str(oldest), "apiserver_source": source,
                    "minor_versions_behind": skew, "allowed": allowed}
        if skew < 0:
            findings.append(Finding(META.id, Status.FAIL, f"node {node.name}: kubelet {kubelet} is newer than the API "
                                    f"server {oldest}", evidence=evidence, object=f"node/{node.name}"))
        elif skew > allowed:
            findings.append(Finding(META.id, Status.FAIL, f"node {node.name}: kubelet {kubelet} is {skew} minor "
                                    f"versions behind the API server {oldest} (at most {allowed} supported)",
                                    evidence=evidence, object=f"node/{node.name}"))
        elif skew == allowed and skew > 0:
            unsupported = (f"; kubelet {kubelet.minor_version} is also out of upstream support (only the three "
                           "newest minor releases get patches)") if skew >= 3 else ""
            findings.append(Finding(META.id, Status.WARN, f"node {node.name}: kubelet {kubelet} is {skew} minor "
                                    f"versions behind the API server {oldest}, the oldest the skew policy allows: it "
                                    f"blocks the next control-plane upgrade{unsupported}", evidence=evidence,
                                    object=f"node/{node.name}"))
    if findings or unjudged:
        return with_fix(findings, _fix(data)) + unjudged
    versions = sorted({n.kubelet_version for n in nodes if n.kubelet_version})
    return [Finding(META.id, Status.PASS, f"{plural(len(nodes), 'kubelet')} ({', '.join(versions) or 'no version'}) "
                    f"within the skew policy of API server {oldest}", evidence={"kubelets": versions,
                                                                                "oldest_apiserver": str(oldest)})]

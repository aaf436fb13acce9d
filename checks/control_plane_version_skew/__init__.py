"""control-plane-version-skew: API servers within one minor release of each other; schedulers and
controller managers never newer than the oldest API server and at most one minor release older.

The versions are their pods' image tags; on OpenShift, whose images are pinned by digest, what the ClusterOperators
of the API server, scheduler and controller manager report (``status.versions``: one version each, the one rolled
out everywhere), and no verdict at all where one of those was not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import (
    CONTROL_PLANE_NEEDS,
    DISTRIBUTION_NEEDS,
    apiserver_versions,
    profile_of,
    provider_skip,
    reads,
    with_distribution_pages,
    with_fix,
)
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.components import (
    CLOUD_CONTROLLER_MANAGER,
    DAEMONSET_PODS_NEED,
    KUBE_APISERVER,
    KUBE_CONTROLLER_MANAGER,
    KUBE_SCHEDULER,
    control_plane_components,
)
from kubectl_arch.model.nodes import node_infos
from kubectl_arch.model.openshift_versions import (
    CLUSTER_OPERATOR,
    CLUSTER_OPERATORS_NEED,
    KUBERNETES_OPERANDS,
    operand_version,
)
from kubectl_arch.model.profiles import (
    EMBEDDED,
    FINISH_UPGRADE,
    KUBEADM_UPGRADE_DOC,
    UPGRADE_CONTROL_PLANE,
    Profile,
)
from kubectl_arch.model.versions import Version, minor_skew, parse_version
from kubectl_arch.wording import listed

META = CheckMeta(
    id="control-plane-version-skew",
    title="Control-plane components are within the supported version skew",
    component="kube-controller-manager",
    why="During an upgrade, API servers may differ by one minor release, and the scheduler and controller "
        "managers may lag one behind the oldest API server but never lead it: a newer controller may use APIs "
        "an older API server does not serve. Versions that differ at all mean an upgrade was left half done.",
    fix="Finish the upgrade, one minor release at a time, API servers first, the distribution's way (audit "
        "prints the command for the cluster it reads).",
    references=(
        "https://kubernetes.io/releases/version-skew-policy/#kube-controller-manager-kube-scheduler-and-cloud-controller-manager",
        KUBEADM_UPGRADE_DOC,
    ),
    needs=(*DISTRIBUTION_NEEDS,),
    # The components' pods (a cloud controller manager's among the per-node ones) and, on OpenShift, the
    # ClusterOperators, whose versions are judged where the images are pinned by digest.
    optional_needs=reads(CONTROL_PLANE_NEEDS, DAEMONSET_PODS_NEED, CLUSTER_OPERATORS_NEED,
                         besides=DISTRIBUTION_NEEDS),
)

FOLLOWERS = (KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER, CLOUD_CONTROLLER_MANAGER)
# What a pass names: the components it compared (never etcd, whose versions are not Kubernetes').
JUDGED_WORDS = {KUBE_APISERVER: "API servers", KUBE_SCHEDULER: "schedulers",
                KUBE_CONTROLLER_MANAGER: "controller managers", CLOUD_CONTROLLER_MANAGER: "cloud controller managers"}
OPENSHIFT_SOURCE = "the ClusterOperators' status.versions (what each operator reports as rolled out)"


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    return with_distribution_pages(_evaluate(data), data, META, UPGRADE_CONTROL_PLANE)


def _evaluate(data: ClusterData) -> list[Finding]:
    hidden = provider_skip(META.id, data, "keeping its components' versions in step")
    if hidden:
        return [hidden]
    profile = profile_of(data)
    apiservers, source = apiserver_versions(data)
    if source != "kube-apiserver pod images":
        if profile.control_plane == EMBEDDED:
            return _judge_servers(data, profile)
        if control_plane_components(data)[KUBE_APISERVER].instances:
            if profile.name == "openshift":
                return _judge_operators(data, profile)
            return [Finding(META.id, Status.SKIP, "the control-plane pods' images carry no version tag (digests "
                            f"only, as {profile.title} pins them): their versions cannot be compared; /version "
                            f"reports {apiservers[0] if apiservers else 'nothing'}")]
        return [Finding(META.id, Status.SKIP, "no control-plane pods are visible (an embedded or external control "
                        "plane): component versions cannot be compared")]
    components = control_plane_components(data)
    followers = [(instance.pod, name, version, f"pod/{instance.pod}") for name in FOLLOWERS
                 for instance in components[name].instances
                 if (version := parse_version(instance.version)) is not None]
    return _judge(apiservers, f"the oldest API server {apiservers[0]}", followers, {}, profile, "")


def _judge_servers(data: ClusterData, profile: Profile) -> list[Finding]:
    """k3s: each server runs its API server, scheduler and controller manager in one binary, whose version its
    node's kubelet reports; servers upgraded one at a time can be minor releases apart, so their API servers are
    judged against each other (each server's scheduler and controller manager talk to their own)."""
    servers = [node for node in node_infos(data) if node.control_plane]
    versions = {node.name: parse_version(node.kubelet_version or "") for node in servers}
    unknown = sorted(name for name, version in versions.items() if version is None)
    if not servers or unknown:
        return [Finding(META.id, Status.SKIP, f"the versions of the {profile.title} servers are not known: "
                        + (f"no version on {listed(unknown)}" if unknown else "no server node is visible"))]
    if len(servers) == 1:
        [(name, version)] = versions.items()
        return [Finding(META.id, Status.SKIP, f"one {profile.title} server ({name}, {version}) runs the API "
                        "server, scheduler and controller manager in one binary: no other server to compare it with",
                        evidence={"servers": {name: str(version)}})]
    known = {name: version for name, version in versions.items() if version is not None}
    note = "each server's one binary runs its API server, scheduler and controller manager, at its node's version"
    return _judge(sorted(known.values()), "", [], {"servers": {n: str(v) for n, v in sorted(known.items())},
                                                   "note": note},
                  profile, f" on {len(servers)} {profile.title} servers, as their nodes report")


def _judge_operators(data: ClusterData, profile: Profile) -> list[Finding]:
    """OpenShift: the versions its ClusterOperators report, one per component; a skip naming what was not read
    (a forbidden list, an operator that reports no version yet) rather than a verdict on part of them."""
    reported = {name: operand_version(data, name) for name in KUBERNETES_OPERANDS}
    versions = {name: version for name, report in reported.items()
                if (version := parse_version(report.version)) is not None}
    missing = [report.reason or f"{report.source} reports no version" for name, report in reported.items()
               if name not in versions]
    if missing:
        return [Finding(META.id, Status.SKIP, f"the control-plane pods' images carry no version tag (digests only, "
                        f"as {profile.title} pins them), and the versions their operators report are not all known: "
                        f"{'; '.join(dict.fromkeys(missing))}", evidence={"source": OPENSHIFT_SOURCE})]
    apiserver = versions[KUBE_APISERVER]
    followers = [(f"{CLUSTER_OPERATOR} {name}", name, version, f"clusteroperator/{name}")
                 for name, version in versions.items() if name != KUBE_APISERVER]
    return _judge([apiserver], f"the API servers' {apiserver} ({CLUSTER_OPERATOR} {KUBE_APISERVER})", followers,
                  {"source": OPENSHIFT_SOURCE}, profile, ", as their ClusterOperators report")


def _judge(apiservers: list[Version], oldest_words: str, followers: list[tuple[str, str, Version, str]],
           extra: dict[str, Any], profile: Profile, basis: str) -> list[Finding]:
    """The skew policy over the API servers' versions (sorted) and each follower's (where it was read, its
    component, its version, the object a finding is about); ``basis`` says where the versions were read when
    not from the pods."""
    upgrade = profile.fix(UPGRADE_CONTROL_PLANE)
    fix = profile.fix(FINISH_UPGRADE) or (
        f"Finish the upgrade, one minor release at a time, API servers first: {upgrade}" if upgrade else None)
    oldest, newest = apiservers[0], apiservers[-1]
    evidence: dict[str, Any] = {"kube-apiserver": sorted({str(v) for v in apiservers})}
    findings: list[Finding] = []
    if minor_skew(newest, oldest) > 1:
        findings.append(Finding(META.id, Status.FAIL, f"API servers span {oldest} to {newest}: more than one minor "
                                "release apart", evidence=evidence, object="kube-apiserver"))
    mixed = minor_skew(newest, oldest) == 1
    for where, name, version, about in followers:
        evidence.setdefault(name, []).append(str(version))
        skew = minor_skew(oldest, version)
        if skew < 0 or skew > 1:
            relation = "newer than" if skew < 0 else f"{skew} minor releases behind"
            findings.append(Finding(META.id, Status.FAIL, f"{where}: {name} {version} is {relation} {oldest_words}",
                                    evidence=evidence, object=about))
        elif version.minor_version != newest.minor_version:
            mixed = True
    evidence.update(extra)
    if findings:
        return with_fix(findings, fix)
    if mixed:
        return with_fix([Finding(META.id, Status.WARN, "control-plane components run different minor versions "
                                 f"(within policy{basis}): an upgrade is in progress or was left half done",
                                 evidence=evidence)], fix)
    compared = [JUDGED_WORDS[name] for name in JUDGED_WORDS if name in evidence]
    return [Finding(META.id, Status.PASS, f"the {listed(compared)} all run {newest.minor_version}{basis}",
                    evidence=evidence)]


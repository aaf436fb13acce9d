"""The versions OpenShift's operators report: each ClusterOperator's ``status.versions`` and the ClusterVersion.

OpenShift pins its control-plane images by digest, so no pod names a version; its operators do. A ClusterOperator
lists ``{name, version}`` per operand and keeps reporting the version that is available until a new one has rolled
out (openshift/api, config/v1 ``OperandVersion``). The kube-apiserver, kube-scheduler and kube-controller-manager
operators name their operand after the component and give its Kubernetes version ("1.20.0"); the etcd operator's
"etcd" operand carries the OpenShift release, never an etcd version. The ClusterVersion's ``status.history`` lists
updates newest first, each ``Completed`` or ``Partial`` (still rolling out, or never finished).
"""

from __future__ import annotations

from dataclasses import dataclass

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model import raw
from kubectl_arch.model.components import ETCD, KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER
from kubectl_arch.model.versions import parse_version

CLUSTER_OPERATORS_NEED = "openshift-clusteroperators"
CLUSTER_VERSION_NEED = "openshift-clusterversion"
READS = (CLUSTER_OPERATORS_NEED, CLUSTER_VERSION_NEED)

# Components whose ClusterOperator (of the same name) reports their Kubernetes version as the operand of that name.
KUBERNETES_OPERANDS = (KUBE_APISERVER, KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER)
# Components whose ClusterOperator reports the OpenShift release as their operand's version: not theirs.
RELEASE_OPERANDS = (ETCD,)
CLUSTER_OPERATOR = "ClusterOperator"  # how a version's source names it: "ClusterOperator kube-scheduler"
MAX_VERSION_LENGTH = 64  # cluster data is untrusted: a "version" longer than this is not one


@dataclass(frozen=True)
class Reported:
    """A version an object of the cluster reports, where it was read, or why there is none."""

    version: str | None
    source: str
    reason: str | None = None


@dataclass(frozen=True)
class Release:
    """The OpenShift release: the newest completed update, the one rolling out (if any), or why unknown."""

    version: str | None
    updating_to: str | None = None
    reason: str | None = None
    source: str = "ClusterVersion version"


def plain_version(value: object) -> str | None:
    """``value`` when it reads as a version (``1.20.0``, ``v1.31.4-eks-2d5f260``), else None: never show junk."""
    if not isinstance(value, str) or len(value) > MAX_VERSION_LENGTH or parse_version(value) is None:
        return None
    return value


def operand_version(data: ClusterData, operator: str) -> Reported:
    """The version ClusterOperator ``operator`` reports for its operand of the same name, or why there is none."""
    source = f"{CLUSTER_OPERATOR} {operator}"
    if not data[CLUSTER_OPERATORS_NEED].ok:
        return Reported(None, source, data.skip_reason(CLUSTER_OPERATORS_NEED))
    found = next((item for item in data.items(CLUSTER_OPERATORS_NEED) if raw.name(item) == operator), None)
    if found is None:
        return Reported(None, source, f"no ClusterOperator {operator} was listed")
    for entry in raw.sequence(raw.mapping(found.get("status")).get("versions")):
        if raw.mapping(entry).get("name") == operator:
            version = plain_version(raw.mapping(entry).get("version"))
            if version is None:
                return Reported(None, source, f"ClusterOperator {operator} reports no readable {operator} version")
            return Reported(version, source)
    return Reported(None, source, f"ClusterOperator {operator} lists no {operator} version yet (status.versions)")


def openshift_release(data: ClusterData) -> Release:
    """The release the ClusterVersion shows: its newest Completed update, and a newer Partial one rolling out."""
    if not data[CLUSTER_VERSION_NEED].ok:
        return Release(None, reason=data.skip_reason(CLUSTER_VERSION_NEED))
    status = raw.mapping(data.mapping(CLUSTER_VERSION_NEED).get("status"))
    history = [raw.mapping(entry) for entry in raw.sequence(status.get("history"))]
    completed = next((plain_version(entry.get("version")) for entry in history
                      if entry.get("state") == "Completed"), None)
    newest = history[0] if history else {}
    updating_to = plain_version(newest.get("version")) if newest.get("state") == "Partial" else None
    if completed is None:
        return Release(None, updating_to, "the ClusterVersion's history holds no completed update yet")
    return Release(completed, updating_to)

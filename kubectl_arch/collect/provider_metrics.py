"""Control-plane metrics a managed provider serves through the Kubernetes API, where it serves any.

Amazon EKS exposes etcd's, the scheduler's and the controller manager's own ``/metrics`` as the
``metrics.eks.amazonaws.com`` API (``kubectl get --raw /apis/metrics.eks.amazonaws.com/v1/ksh/container/metrics``);
they are read only when ``/version`` says EKS, so no other cluster is asked. GKE and AKS serve none of
these: the checks that need them say the provider hides those figures. Each need has its second
read for ``--window`` (``kubectl_arch.collect.window``); ``kubectl_arch.audit.metric_readings`` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import Need, Rule, register
from kubectl_arch.collect.source import NO_STATUS, Response, Source
from kubectl_arch.collect.window import later

EKS_ETCD_METRICS = "eks-etcd-metrics"
EKS_SCHEDULER_METRICS = "eks-scheduler-metrics"
EKS_CONTROLLER_MANAGER_METRICS = "eks-controller-manager-metrics"
EKS_METRICS_GROUP = "metrics.eks.amazonaws.com"
EKS_METRICS_REFERENCE = "https://docs.aws.amazon.com/eks/latest/userguide/view-raw-metrics.html"


@dataclass(frozen=True)
class ProviderEndpoint:
    """One component's metrics as a provider serves them: the need, its path and how it is named."""

    need: str
    component: str  # the short name the provider uses in the path: etcd, ksh, kcm
    label: str  # how findings name the source

    @property
    def path(self) -> str:
        return f"/apis/{EKS_METRICS_GROUP}/v1/{self.component}/container/metrics"


ENDPOINTS = (
    ProviderEndpoint(EKS_ETCD_METRICS, "etcd", "etcd (EKS control-plane metrics)"),
    ProviderEndpoint(EKS_SCHEDULER_METRICS, "ksh", "kube-scheduler (EKS control-plane metrics)"),
    ProviderEndpoint(EKS_CONTROLLER_MANAGER_METRICS, "kcm", "kube-controller-manager (EKS control-plane metrics)"),
)
BY_NEED = {endpoint.need: endpoint for endpoint in ENDPOINTS}


def is_eks(data: ClusterData) -> bool:
    """EKS by its version string (``v1.31.4-eks-2d5f260``): the one mark read before anything else."""
    version = data.responses.get("version")
    git_version = version.data.get("gitVersion") if version is not None and isinstance(version.data, dict) else None
    return isinstance(git_version, str) and "-eks-" in git_version


def _fetch(endpoint: ProviderEndpoint) -> Need:
    def fetch(source: Source, data: ClusterData) -> Response:
        if not is_eks(data):
            return Response(status=NO_STATUS, error="not an EKS cluster: no provider serves these metrics here",
                            absent=True)
        return source.get(endpoint.path)

    # RBAC reads /apis/<group>/v1/<component>/container/metrics as the subresource "metrics" of "<component>".
    return register(Need(endpoint.need, f"{endpoint.label} ({endpoint.path})", after=("version",), fetch=fetch,
                         rule=Rule(api_groups=(EKS_METRICS_GROUP,), resources=(f"{endpoint.component}/metrics",),
                                   verbs=("get",))))


PROVIDER_NEEDS = tuple(_fetch(endpoint) for endpoint in ENDPOINTS)
PROVIDER_LATER = tuple(later(need) for need in PROVIDER_NEEDS)

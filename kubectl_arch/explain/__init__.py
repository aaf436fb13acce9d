"""``kubectl arch explain``: map every component of the cluster and teach what each does.

``EXPLAIN_NEEDS`` is what explain reads (``snapshot`` and ``rbac`` use it): kube-system and cluster-scoped
objects only, never every pod in the cluster, so it stays cheap on big clusters.
"""

EXPLAIN_NEEDS: list[str] = [
    "version",
    "readyz",
    "livez",
    "nodes",
    "kube-system-pods",
    "kube-system-daemonset-pods",
    "kube-system-leases",
    "kube-system-deployments",
    "daemonsets",
    "kubernetes-endpointslices",
    "kube-proxy-config",
    "eks-kube-proxy-config",
    "cilium-config",
    "kubeadm-config",
    "openshift-control-plane-pods",
    "openshift-dns-pods",
    "leader-election-locks",
    "openshift-clusteroperators",
    "openshift-clusterversion",
]

"""Where OpenShift 4 keeps the leader-election locks of the components its operators run.

OpenShift's controller manager and scheduler take their election settings from the config file their
operator writes (``--openshift-config`` / ``--config``), not from flags on the pod, so the pod spec alone
never says where the lock is. The operators' release branches do (openshift/cluster-kube-controller-manager-operator
``bindata/v4.1.0/config/defaultconfig.yaml``: ``leader-elect-resource-lock``, the lock in kube-system;
openshift/cluster-kube-scheduler-operator ``bindata/v4.1.0/config/defaultconfig-postbootstrap-*.yaml``:
``leaderElection.resourceLock``, ``resourceNamespace: openshift-kube-scheduler``): a ConfigMap lock up to
OpenShift 4.9 (Kubernetes 1.22), ``configmapsleases`` (a ConfigMap and a Lease) from 4.10, a Lease from 4.13
(Kubernetes 1.26). Collection reads both candidates; the model picks by the cluster's version.

Shared by collection (what to read) and the model (which one is the lock), so both say the same.
"""

from __future__ import annotations

OPENSHIFT_NAMESPACES = ("openshift-kube-apiserver", "openshift-etcd", "openshift-kube-scheduler",
                        "openshift-kube-controller-manager")
# component -> (namespace, name) of the lock its OpenShift operator configures
OPENSHIFT_LOCKS: dict[str, tuple[str, str]] = {
    "kube-controller-manager": ("kube-system", "kube-controller-manager"),
    "kube-scheduler": ("openshift-kube-scheduler", "kube-scheduler"),
}
OPENSHIFT_LOCK_SOURCE = {
    "kube-controller-manager": "openshift/cluster-kube-controller-manager-operator bindata/v4.1.0/config/"
                               "defaultconfig.yaml (leader-elect-resource-lock)",
    "kube-scheduler": "openshift/cluster-kube-scheduler-operator bindata/v4.1.0/config/"
                      "defaultconfig-postbootstrap-*.yaml (leaderElection)",
}


def openshift_lock_kind(kubernetes_minor: int) -> str:
    """The lock OpenShift's operators configure on a release of this Kubernetes minor version."""
    if kubernetes_minor <= 22:  # OpenShift 4.9 and older
        return "configmaps"
    if kubernetes_minor <= 25:  # OpenShift 4.10 to 4.12: the migration lock, both objects held
        return "configmapsleases"
    return "leases"  # OpenShift 4.13 and newer

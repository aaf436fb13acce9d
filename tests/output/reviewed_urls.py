"""The web addresses kubectl-arch may print, each reviewed: tests/output/test_printed_urls.py fails on one that
is not here, so a new "where to read more" link is looked at before it ships.

PAGES: pages cited as "see", "Read more", "References" or a fact's source; the value is where it is cited.
CONFIRMED: those the `search` tool (docs and pages corpora, public source) showed, on 2026-12-03, to be a real
page saying what it is cited for; the others were listed then and are not confirmed (see the commit message).
NOT_PAGES: addresses printed or written for another reason (an endpoint in a command, an example value).
"""

from __future__ import annotations

PAGES: dict[str, str] = {
    "https://access.redhat.com/solutions/7023254":
        "kubectl_arch/model/profiles.py",
    "https://cert-manager.io/docs/concepts/ca-injector/":
        "checks/webhook_ca_expiry/__init__.py",
    "https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2":
        "kubectl_arch/model/profiles.py",
    "https://cloud.google.com/kubernetes-engine/docs/how-to/view-logs":
        "kubectl_arch/model/profiles.py",
    "https://docs.aws.amazon.com/eks/latest/userguide/clusters.html":
        "kubectl_arch/model/profiles.py",
    "https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html":
        "kubectl_arch/model/profiles.py",
    "https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html":
        "kubectl_arch/model/profiles.py",
    "https://docs.aws.amazon.com/eks/latest/userguide/update-managed-node-group.html":
        "kubectl_arch/model/profiles.py",
    "https://docs.aws.amazon.com/eks/latest/userguide/view-raw-metrics.html":
        "kubectl_arch/collect/provider_metrics.py",
    "https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/":
        "checks/kube_proxy_mode/__init__.py",
    "https://docs.docker.com/get-started/get-docker/":
        "kubectl_arch/lab/tools.py",
    "https://docs.k3s.io/advanced#certificate-management":
        "kubectl_arch/model/profiles.py",
    "https://docs.k3s.io/cli/certificate":
        "kubectl_arch/model/profiles.py",
    "https://docs.k3s.io/datastore":
        "kubectl_arch/model/profiles.py",
    "https://docs.k3s.io/datastore/backup-restore":
        "kubectl_arch/model/profiles.py",
    "https://docs.k3s.io/datastore/ha-embedded":
        "kubectl_arch/model/profiles.py",
    "https://docs.k3s.io/networking/basic-network-options":
        "kubectl_arch/model/addons.py",
    "https://docs.k3s.io/upgrades/manual":
        "kubectl_arch/model/profiles.py",
    "https://docs.openshift.com/container-platform/4.16/architecture/control-plane.html":
        "kubectl_arch/model/profiles.py",
    "https://docs.openshift.com/container-platform/4.16/backup_and_restore/control_plane_backup_and_restore/backing-up-etcd.html":
        "kubectl_arch/model/profiles.py",
    "https://docs.openshift.com/container-platform/4.16/security/certificate_types_descriptions/control-plane-certificates.html":
        "kubectl_arch/model/profiles.py",
    "https://docs.openshift.com/container-platform/4.16/security/certificate_types_descriptions/etcd-certificates.html":
        "kubectl_arch/model/profiles.py",
    "https://docs.rke2.io/datastore/backup_restore":
        "kubectl_arch/model/profiles.py",
    "https://docs.rke2.io/install/ha":
        "kubectl_arch/model/profiles.py",
    "https://docs.rke2.io/networking/basic_network_options":
        "kubectl_arch/model/profiles.py",
    "https://docs.rke2.io/security/certificates":
        "kubectl_arch/model/profiles.py",
    "https://docs.rke2.io/upgrades/manual":
        "kubectl_arch/model/profiles.py",
    "https://etcd.io/docs/v3.5/dev-guide/limit/":
        "kubectl_arch/model/profiles.py",
    "https://etcd.io/docs/v3.5/faq/":
        "kubectl_arch/explain/pages.py",
    "https://etcd.io/docs/v3.5/faq/#why-an-odd-number-of-cluster-members":
        "checks/control_plane_replicas/__init__.py",
    "https://etcd.io/docs/v3.5/metrics/":
        "checks/etcd_disk_latency/__init__.py",
    "https://etcd.io/docs/v3.5/op-guide/failures/":
        "checks/etcd_leader/__init__.py",
    "https://etcd.io/docs/v3.5/op-guide/hardware/":
        "checks/etcd_disk_latency/__init__.py",
    "https://etcd.io/docs/v3.5/op-guide/maintenance/":
        "kubectl_arch/explain/pages.py",
    "https://etcd.io/docs/v3.5/op-guide/maintenance/#defragmentation":
        "checks/etcd_fragmentation/__init__.py",
    "https://etcd.io/docs/v3.5/op-guide/maintenance/#space-quota":
        "checks/etcd_db_size/__init__.py",
    "https://etcd.io/docs/v3.5/op-guide/monitoring/":
        "checks/etcd_proposals/__init__.py",
    "https://etcd.io/docs/v3.5/op-guide/recovery/":
        "kubectl_arch/explain/pages.py",
    "https://etcd.io/docs/v3.5/tuning/":
        "checks/etcd_heartbeat_failures/__init__.py",
    "https://etcd.io/docs/v3.5/upgrades/":
        "checks/etcd_version_agreement/__init__.py",
    "https://github.com/etcd-io/etcd/blob/main/contrib/mixin/mixin.libsonnet":
        "checks/etcd_disk_latency/members.py",
    "https://github.com/k3s-io/k3s/blob/master/pkg/server/handlers/router.go":
        "kubectl_arch/model/profiles.py",
    "https://github.com/k3s-io/k3s/issues/12171":
        "kubectl_arch/model/profiles.py",
    "https://github.com/kubernetes/community/blob/master/sig-scalability/slos/pod_startup_latency.md":
        "kubectl_arch/trace/report.py",
    "https://github.com/kubernetes/community/blob/master/sig-scalability/slos/slos.md":
        "checks/scheduler_latency/__init__.py",
    "https://github.com/openshift/cluster-etcd-operator/blob/{}/pkg/etcdenvvar/etcd_env.go":
        "kubectl_arch/model/profiles.py",
    "https://github.com/openshift/cluster-kube-apiserver-operator/blob/master/pkg/operator/certrotationcontroller/certrotationcontroller.go":
        "kubectl_arch/model/profiles.py",
    "https://github.com/openshift/cluster-machine-approver":
        "kubectl_arch/model/profiles.py",
    "https://github.com/openshift/library-go/blob/master/pkg/operator/certrotation/target.go":
        "kubectl_arch/model/profiles.py",
    "https://kind.sigs.k8s.io/docs/user/configuration/":
        "kubectl_arch/model/profiles.py",
    "https://kind.sigs.k8s.io/docs/user/quick-start/#installation":
        "kubectl_arch/lab/tools.py",
    "https://kubernetes.io/blog/2025/02/28/nftables-kube-proxy/":
        "checks/kube_proxy_mode/__init__.py",
    "https://kubernetes.io/docs/concepts/architecture/cloud-controller/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/concepts/architecture/controller/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/concepts/architecture/leases/":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/concepts/architecture/nodes/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/concepts/cluster-administration/flow-control/":
        "checks/apiserver_overload/__init__.py",
    "https://kubernetes.io/docs/concepts/cluster-administration/networking/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/concepts/configuration/configmap/":
        "checks/large_configmaps/__init__.py",
    "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/":
        "checks/pods_without_requests/__init__.py",
    "https://kubernetes.io/docs/concepts/containers/images/":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/network-plugins/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/concepts/overview/components/":
        "checks/control_plane_replicas/__init__.py",
    "https://kubernetes.io/docs/concepts/overview/components/#kube-apiserver":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/concepts/policy/limit-range/":
        "kubectl_arch/trace/creation.py",
    "https://kubernetes.io/docs/concepts/policy/resource-quotas/":
        "kubectl_arch/trace/creation.py",
    "https://kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/concepts/scheduling-eviction/pod-scheduling-readiness/":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/concepts/security/pod-security-admission/":
        "kubectl_arch/trace/creation.py",
    "https://kubernetes.io/docs/concepts/security/service-accounts/":
        "kubectl_arch/trace/creation.py",
    "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/":
        "kubectl_arch/trace/stages.py",
    "https://kubernetes.io/docs/concepts/storage/volumes/":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/concepts/workloads/controllers/":
        "kubectl_arch/trace/creation.py",
    "https://kubernetes.io/docs/concepts/workloads/pods/init-containers/":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts":
        "kubectl_arch/trace/endings.py",
    "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-garbage-collection":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-phase":
        "kubectl_arch/trace/endings.py",
    "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-readiness-gate":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates":
        "checks/client_certificate_expiry/__init__.py",
    "https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/":
        "checks/kubelet_certificate_rotation/__init__.py",
    "https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#normal-user":
        "checks/client_certificate_expiry/__init__.py",
    "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/":
        "kubectl_arch/trace/creation.py",
    "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/":
        "checks/kubelet_certificate_rotation/__init__.py",
    "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/":
        "checks/leader_election/__init__.py",
    "https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/reference/instrumentation/metrics/":
        "checks/apiserver_overload/__init__.py",
    "https://kubernetes.io/docs/reference/networking/virtual-ips/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/reference/node/node-status/":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/reference/node/node-status/#condition":
        "checks/node_readiness/__init__.py",
    "https://kubernetes.io/docs/reference/using-api/health-checks/":
        "checks/apiserver_health/__init__.py",
    "https://kubernetes.io/docs/setup/best-practices/certificates/":
        "checks/apiserver_certificate_expiry/__init__.py",
    "https://kubernetes.io/docs/setup/production-environment/container-runtimes/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/high-availability/":
        "kubectl_arch/model/profiles.py",
    "https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/":
        "checks/coredns_replicas/__init__.py",
    "https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/":
        "kubectl_arch/explain/pages.py",
    "https://kubernetes.io/docs/tasks/administer-cluster/dns-horizontal-autoscaling/":
        "checks/coredns_replicas/__init__.py",
    "https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/":
        "kubectl_arch/model/profiles.py",
    "https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/#kubelet-serving-certs":
        "kubectl_arch/model/profiles.py",
    "https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-upgrade/":
        "kubectl_arch/model/profiles.py",
    "https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/upgrading-linux-nodes/":
        "kubectl_arch/model/profiles.py",
    "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/tasks/extend-kubernetes/configure-aggregation-layer/":
        "checks/webhook_ca_expiry/__init__.py",
    "https://kubernetes.io/docs/tasks/extend-kubernetes/configure-multiple-schedulers/":
        "kubectl_arch/trace/diagnose.py",
    "https://kubernetes.io/docs/tasks/tls/certificate-rotation/":
        "checks/kubelet_certificate_rotation/__init__.py",
    "https://kubernetes.io/docs/tasks/tls/manual-rotation-of-ca-certificates/":
        "checks/pki_expiry/__init__.py",
    "https://kubernetes.io/releases/version-skew-policy/#kube-controller-manager-kube-scheduler-and-cloud-controller-manager":
        "checks/control_plane_version_skew/__init__.py",
    "https://kubernetes.io/releases/version-skew-policy/#kubelet":
        "checks/kubelet_version_skew/__init__.py",
    "https://learn.microsoft.com/en-us/azure/aks/monitor-aks":
        "kubectl_arch/model/profiles.py",
    "https://minikube.sigs.k8s.io/docs/commands/start/":
        "kubectl_arch/model/profiles.py",
    "https://minikube.sigs.k8s.io/docs/tutorials/multi_control_plane_ha_clusters/":
        "kubectl_arch/model/profiles.py",
    "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile":
        "checks/etcd_disk_latency/__init__.py",
    "https://sre.google/sre-book/embracing-risk/":
        "kubectl_arch/audit/runner.py",
}

CONFIRMED: dict[str, str] = {
    "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-garbage-collection":
        "kubernetes/website source of pod-lifecycle.md: `### Garbage collection of Pods {#pod-garbage-collection}`",
    "https://kubernetes.io/docs/reference/node/node-status/":
        "docs corpus: the Node Status page (addresses, conditions, capacity, info)",
    "https://kubernetes.io/docs/reference/node/node-status/#condition":
        "docs corpus: Node Status, section Conditions; kubernetes/website source: `### Conditions {#condition}`",
    "https://docs.k3s.io/advanced#certificate-management":
        "docs corpus: Advanced Options, section Certificate Management (CA 10 years, leaves 365 days, "
        "renewed within 90 days at start)",
    "https://docs.aws.amazon.com/eks/latest/userguide/view-raw-metrics.html":
        "docs corpus: Fetch control plane raw metrics in Prometheus format (metrics.eks.amazonaws.com)",
    "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-phase":
        "docs corpus: Pod Lifecycle, section Pod phase",
}

NOT_PAGES: dict[str, str] = {
    "http://127.0.0.1:10249/proxyMode":
        "kube-proxy's own endpoint, in a command explain prints (`curl ... # on a node`)",
    "http://127.0.0.1:2381":
        "kubeadm's etcd metrics address, quoted in explain's etcd page",
    "https://127.0.0.1:2379":
        "etcd's loopback client address, in a profile's example command",
    "https://localhost:2379":
        "OpenShift etcd's loopback client address, in a command printed for it",
    "https://127.0.0.1":
        "the prefix of a component's loopback metrics address (metric_readings)",
    "https://127.0.0.1:{}/metrics":
        "a component's loopback metrics address, its port filled in (10257, 10259)",
    "https://127.0.0.1:10257/metrics":
        "kube-controller-manager's loopback metrics address, in a printed command",
    "https://127.0.0.1:10259/metrics":
        "kube-scheduler's loopback metrics address, in a printed command",
    "https://127.0.0.1:6443":
        "the default API server address a sample stands for",
    "https://10.0.0.10:2379":
        "the example value in --etcd-endpoints' help",
    "https://get.k3s.io":
        "k3s' install script, in a command printed for k3s",
    "https://kubernetes.io/docs":
        "the prefix trace builds its documentation links from (each link is listed)",
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata":
        "a Table column's description as Kubernetes writes it (kept with the column, never printed)",
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names":
        "a Table column's description as Kubernetes writes it (kept with the column, never printed)",
    "https://kubernetes.io/docs/reference/node/node-status/#addresses":
        "a Table column's description as Kubernetes writes it (kept with the column, never printed)",
}

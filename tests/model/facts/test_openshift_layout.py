"""The openshift sample is laid out as OpenShift 4.7 lays out a cluster, and the detection works on that layout.

Each fact below was read in the operators' release-4.7 branches (the sample's README names the files):
OpenShift runs its control plane as static pods in its own namespaces with its own labels and containers,
takes the controller manager's and the scheduler's election settings from config files (no lock flag on
the pod), gives etcd its quota as an environment variable, and routes Services with OVN-Kubernetes.
"""

from __future__ import annotations

from typing import Any

from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.collect.source import Response
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.model.facts import cluster_facts, facts_data
from kubectl_arch.model.flags import container_flags
from tests.model.facts.conftest import command_json

# namespace -> (mirror pod name prefix, labels, containers, init containers), as the operators' pod.yaml set them
STATIC_PODS: dict[str, tuple[str, dict[str, str], list[str], list[str]]] = {
    # openshift/cluster-kube-apiserver-operator release-4.7 bindata/v4.1.0/kube-apiserver/pod.yaml
    "openshift-kube-apiserver": ("kube-apiserver-", {"app": "openshift-kube-apiserver", "apiserver": "true"},
                                 ["kube-apiserver", "kube-apiserver-cert-syncer",
                                  "kube-apiserver-cert-regeneration-controller", "kube-apiserver-insecure-readyz",
                                  "kube-apiserver-check-endpoints"], ["setup"]),
    # openshift/cluster-etcd-operator release-4.7 bindata/etcd/pod.yaml
    "openshift-etcd": ("etcd-", {"app": "etcd", "k8s-app": "etcd", "etcd": "true"},
                       ["etcdctl", "etcd", "etcd-metrics"], ["etcd-ensure-env-vars", "etcd-resources-copy"]),
    # openshift/cluster-kube-scheduler-operator release-4.7 bindata/v4.1.0/kube-scheduler/pod.yaml
    "openshift-kube-scheduler": ("openshift-kube-scheduler-", {"app": "openshift-kube-scheduler",
                                                               "scheduler": "true"},
                                 ["kube-scheduler", "kube-scheduler-cert-syncer",
                                  "kube-scheduler-recovery-controller"], ["wait-for-host-port"]),
    # openshift/cluster-kube-controller-manager-operator release-4.7 bindata/v4.1.0/kube-controller-manager/pod.yaml
    "openshift-kube-controller-manager": ("kube-controller-manager-", {"app": "kube-controller-manager",
                                                                       "kube-controller-manager": "true"},
                                          ["kube-controller-manager", "cluster-policy-controller",
                                           "kube-controller-manager-cert-syncer",
                                           "kube-controller-manager-recovery-controller"], []),
}


def _pods(sample: Any) -> list[dict[str, Any]]:
    return [pod for pod in sample.store.objects("Pod") if pod["metadata"].get("namespace") in STATIC_PODS]


def test_openshift_sample_static_pods_are_laid_out_as_the_4_7_operators_write_them() -> None:
    pods = _pods(load_sample("openshift"))
    assert sorted({pod["metadata"]["namespace"] for pod in pods}) == sorted(STATIC_PODS)
    for pod in pods:
        prefix, labels, containers, init = STATIC_PODS[pod["metadata"]["namespace"]]
        name = pod["metadata"]["name"]
        assert name == prefix + pod["spec"]["nodeName"], name
        assert labels.items() <= pod["metadata"]["labels"].items() and "revision" in pod["metadata"]["labels"], name
        assert [c["name"] for c in pod["spec"]["containers"]] == containers, name
        assert [c["name"] for c in pod["spec"].get("initContainers", [])] == init, name
        assert "kubernetes.io/config.mirror" in pod["metadata"]["annotations"], name
        for container in pod["spec"]["containers"]:  # election settings live in the operators' config files
            assert not any(key.startswith("leader-elect") for key in container_flags(container)), name
    etcd = next(c for pod in pods for c in pod["spec"]["containers"] if c["name"] == "etcd")
    assert "quota-backend-bytes" not in container_flags(etcd)  # etcd reads ETCD_QUOTA_BACKEND_BYTES itself
    assert {"name": "ETCD_QUOTA_BACKEND_BYTES", "value": "7516192768"} in etcd["env"]  # 7 GiB before 4.9


def test_openshift_sample_runs_ovn_kubernetes_as_its_4_7_daemonsets() -> None:
    # openshift/cluster-network-operator bindata/network/ovn-kubernetes/{ovnkube-master,ovnkube-node}.yaml
    daemonsets = {(d["metadata"]["namespace"], d["metadata"]["name"])
                  for d in load_sample("openshift").store.objects("DaemonSet")}
    assert {("openshift-ovn-kubernetes", "ovnkube-master"), ("openshift-ovn-kubernetes", "ovnkube-node"),
            ("openshift-dns", "dns-default")} <= daemonsets
    assert not any(name == "kube-proxy" for _, name in daemonsets)


def test_openshift_leader_locks_are_found_where_its_operators_put_them_without_any_flag() -> None:
    facts = facts_data(cluster_facts(collect(SampleSource.named("openshift"), EXPLAIN_NEEDS)))
    election = facts["leaderElection"]
    assert {key: election["kube-controller-manager"][key] for key in ("lock", "namespace", "name", "held")} == \
        {"lock": "configmaps", "namespace": "kube-system", "name": "kube-controller-manager", "held": True}
    assert {key: election["kube-scheduler"][key] for key in ("lock", "namespace", "name", "held")} == \
        {"lock": "configmaps", "namespace": "openshift-kube-scheduler", "name": "kube-scheduler", "held": True}
    assert not election["kube-scheduler"]["fromFlags"] and election["kube-scheduler"]["configuredBy"]
    audit = command_json("openshift", "audit")[1]
    assert [f["status"] for f in audit["findings"] if f["check"] == "leader-election"] == ["pass", "pass"]


def test_openshift_leader_lock_kind_follows_the_release_a_lease_from_kubernetes_1_26() -> None:
    sample = load_sample("openshift")
    sample.store.set_raw("/version", Response(status=200, data={"major": "1", "minor": "26",
                                                                "gitVersion": "v1.26.9+636f2be"}))
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
             "metadata": {"name": "kube-scheduler", "namespace": "openshift-kube-scheduler", "uid": "lease-uid"},
             "spec": {"holderIdentity": "master-2_0b9a6f1e-1d2c-4e8a-9f5b-6c2d3e4f5a6b", "leaseDurationSeconds": 15,
                      "renewTime": "2026-11-20T08:59:58.000000Z"}}
    sample.store.add(lease)
    election = facts_data(cluster_facts(collect(SampleSource(sample), EXPLAIN_NEEDS)))["leaderElection"]
    scheduler, manager = election["kube-scheduler"], election["kube-controller-manager"]
    assert (scheduler["lock"], scheduler["namespace"], scheduler["held"], scheduler["holderNode"]) == \
        ("leases", "openshift-kube-scheduler", True, "master-2")
    assert (manager["lock"], manager["namespace"], manager["held"]) == ("leases", "kube-system", None)
    assert manager["problem"] == "does not exist"  # no kube-system Lease in this sample: said, never a pass


def test_openshift_etcd_quota_is_read_from_its_environment() -> None:
    store = cluster_facts(collect(SampleSource.named("openshift"), EXPLAIN_NEEDS)).datastore
    assert (store.quota_bytes, store.quota_assumed) == (7516192768, False)
    assert store.quota_source.startswith("ETCD_QUOTA_BACKEND_BYTES on etcd-master-")


# ClusterOperator -> the operand names of its status.versions, as the operators' manifests list them (each with
# "0.0.1-snapshot" for the release and "0.0.1-snapshot-kubernetes" for the Kubernetes version, which `oc adm
# release new` substitutes): openshift/cluster-kube-apiserver-operator
# manifests/0000_20_kube-apiserver-operator_07_clusteroperator.yaml, cluster-kube-scheduler-operator
# manifests/0000_25_kube-scheduler-operator_07_clusteroperator.yaml, cluster-kube-controller-manager-operator
# manifests/0000_25_kube-controller-manager-operator_07_clusteroperator.yaml, cluster-etcd-operator
# manifests/0000_12_etcd-operator_07_clusteroperator.yaml (etcd's operand "etcd" carries the release).
OPERANDS = {"kube-apiserver": {"operator": "release", "raw-internal": "release", "kube-apiserver": "kubernetes"},
            "kube-scheduler": {"operator": "release", "raw-internal": "release", "kube-scheduler": "kubernetes"},
            "kube-controller-manager": {"operator": "release", "raw-internal": "release",
                                        "kube-controller-manager": "kubernetes"},
            "etcd": {"operator": "release", "etcd": "release"}}


def test_cluster_operators_list_the_operands_the_operators_manifests_list() -> None:
    store = load_sample("openshift").store
    (cluster_version,) = store.objects("ClusterVersion")
    release = cluster_version["status"]["history"][0]["version"]
    kubernetes = "1.20.0"  # v1.20.0+bafe72f without its build mark, as the release's version substitution writes it
    operators = {o["metadata"]["name"]: o for o in store.objects("ClusterOperator")}
    assert set(operators) == set(OPERANDS)
    for name, operands in OPERANDS.items():
        listed = {entry["name"]: entry["version"] for entry in operators[name]["status"]["versions"]}
        assert listed == {operand: release if kind == "release" else kubernetes for operand, kind in operands.items()}

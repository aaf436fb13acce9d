"""Explain's analysis on the bundled samples and the fixture layouts: the facts the views are built from."""

from __future__ import annotations

from kubectl_arch.collect.needs import collect
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.explain.analysis import COMPONENT_NAMES, ClusterMap, build_map
from tests.explain.fixtures import FixtureSource, cluster_data, load_data, sample_data


def sample_map(name: str) -> ClusterMap:
    return build_map(sample_data(name))


def test_explain_needs_stay_in_kube_system_and_cluster_scope() -> None:
    from kubectl_arch.collect.needs import NEEDS

    for name in EXPLAIN_NEEDS:
        path = NEEDS[name].path
        assert "/pods" not in path or "/namespaces/kube-system/" in path, f"{name} lists pods cluster-wide"


def test_kind_ha_sample() -> None:
    cluster = sample_map("kind-ha")
    assert cluster.distribution.name == "kind"
    api, etcd = cluster.component("kube-apiserver"), cluster.component("etcd")
    assert (api.replicas, api.ready, etcd.replicas) == (3, 3, 3)
    assert (cluster.etcd.size, cluster.etcd.quorum, cluster.etcd.failures_tolerated) == (3, 2, 1)
    scheduler, kcm = cluster.component("kube-scheduler"), cluster.component("kube-controller-manager")
    assert scheduler.leader is not None and scheduler.leader.held
    assert [i.node for i in scheduler.instances if i.leader] == [scheduler.leader.holder_node]
    assert kcm.leader is not None and [i.node for i in kcm.instances if i.leader] == [kcm.leader.holder_node]
    assert sum(1 for i in scheduler.instances if i.leader is False) == 2  # two standbys
    assert (cluster.kube_proxy.mode, cluster.kube_proxy.source) == ("iptables", "configmap")
    assert cluster.component("cni").kind == "kindnet"
    assert cluster.component("dns").kind == "coredns"
    assert cluster.component("cloud-controller-manager").replicas == 0
    assert not cluster.skipped


def test_kubeadm_degraded_sample() -> None:
    cluster = sample_map("kubeadm-degraded")
    assert cluster.distribution.name == "kubeadm"
    assert (cluster.etcd.size, cluster.etcd.quorum, cluster.etcd.failures_tolerated) == (2, 2, 0)
    etcd = cluster.component("etcd")
    assert any("even count" in note for note in etcd.notes)
    assert cluster.readyz.ok is False and "etcd" in cluster.readyz.failed and etcd.health == "degraded"
    scheduler = cluster.component("kube-scheduler")
    assert scheduler.leader is not None and not scheduler.leader.held and scheduler.health == "down"
    kubelet = cluster.component("kubelet")
    assert any("k8s-worker-4" in note and "4 minor versions behind" in note for note in kubelet.notes)


def test_eks_sample() -> None:
    cluster = sample_map("eks")
    assert cluster.distribution.name == "eks" and cluster.managed
    for name in ("kube-apiserver", "etcd", "kube-scheduler", "kube-controller-manager"):
        view = cluster.component(name)
        assert view.replicas is None and view.managed and view.health == "hidden"


def test_kubeadm_ha_fixture_degraded_parts() -> None:
    cluster = build_map(load_data("kubeadm-ha"))
    api = cluster.component("kube-apiserver")
    assert (api.replicas, api.ready, api.health) == (3, 2, "degraded")
    kcm = cluster.component("kube-controller-manager")
    assert kcm.health == "degraded" and all(i.leader is False for i in kcm.instances)
    assert cluster.component("kubelet").ready == 4
    proxy = cluster.component("kube-proxy")
    assert (proxy.replicas, proxy.ready, proxy.kind) == (5, 4, "ipvs")  # counts from the DaemonSet status
    assert [(i.node, i.pod) for i in proxy.instances] == [("cp-1", "kube-proxy-abcde")]
    assert cluster.component("cni").placement == "all 5 nodes"
    assert [lease.held for lease in cluster.apiserver_identities] == [True, True, False]
    assert cluster.apiserver_endpoints == ["10.0.0.11", "10.0.0.12"]


def test_k3s_runs_its_control_plane_inside_the_server_process() -> None:
    cluster = sample_map("k3s")
    assert cluster.distribution.name == "k3s" and not cluster.managed
    api = cluster.component("kube-apiserver")
    assert api.replicas == 1 and api.instances[0].node == "k3s-server" and api.instances[0].pod is None
    assert cluster.component("kube-scheduler").instances[0].leader is True
    assert (cluster.kube_proxy.mode, cluster.kube_proxy.source) == ("iptables", "node-args")  # '["server"]'
    assert cluster.component("cni").kind == "flannel"


def test_k3s_with_cluster_init_has_one_embedded_etcd_member_per_etcd_node() -> None:
    cluster = build_map(cluster_data("k3s with cluster-init"))
    assert cluster.etcd.mode == "embedded" and cluster.etcd.size == 1


def test_k3s_without_node_args_says_its_embedded_kube_proxy_mode_is_not_visible() -> None:
    cluster = build_map(cluster_data("k3s without node-args"))
    assert (cluster.kube_proxy.mode, cluster.kube_proxy.source) == ("unknown", "embedded")


def test_cilium_replaces_kube_proxy() -> None:
    cluster = sample_map("cilium-kpr")
    proxy = cluster.component("kube-proxy")
    assert (proxy.replicas, proxy.kind, proxy.health) == (0, "replaced", "none")
    cni = cluster.component("cni")
    assert cni.kind == "cilium" and (cni.replicas, cni.ready, cni.health) == (3, 3, "healthy")
    dns = cluster.component("dns")
    assert [i.pod for i in dns.instances] == ["coredns-668d6bf9bc-x2prv", "coredns-668d6bf9bc-6wbnk"]
    assert not any("replicas run on" in note for note in dns.notes)  # one replica per worker


def test_a_cilium_agent_down_degrades_the_cni_and_co_located_dns_is_named() -> None:
    cluster = build_map(cluster_data("cilium-kpr with an agent down and dns on one node"))
    cni = cluster.component("cni")
    assert cni.kind == "cilium" and (cni.replicas, cni.ready, cni.health) == (3, 2, "degraded")
    assert [(i.pod, i.ready) for i in cni.instances] == [
        ("cilium-hh7xw", True), ("cilium-8z4vv", True), ("cilium-t5h8n", False)]
    dns = cluster.component("dns")
    assert any("both replicas run on lab-worker-1" in note for note in dns.notes)


def test_eks_hides_the_control_plane_but_shows_what_it_can() -> None:
    cluster = sample_map("eks")
    api = cluster.component("kube-apiserver")
    assert api.replicas is None and api.managed and not api.instances
    assert any("2 addresses" in line for line in api.evidence)
    assert cluster.component("kube-scheduler").leader is not None  # leader leases stay visible
    assert cluster.component("cloud-controller-manager").managed
    assert cluster.component("cni").kind == "aws-vpc-cni"
    assert cluster.etcd.size is None


def test_forbidden_reads_are_skipped_with_the_reason_and_the_rest_still_runs() -> None:
    source = FixtureSource("kubeadm-ha")
    source.store.forbid(lambda path, _query: "/leases" in path)
    cluster = build_map(collect(source, EXPLAIN_NEEDS))
    assert any("leases in kube-system" in reason and "403" in reason for reason in cluster.skipped)
    assert cluster.component("kube-scheduler").leader is None
    assert cluster.component("etcd").replicas == 3
    leaderless = [note for view in cluster.components for note in view.notes if "leader is unknown" in note]
    assert leaderless and all("Leases could not be read" in note for note in leaderless)
    # Only leader-elected components have a Lease to read: API servers all serve, etcd elects inside Raft.
    for name in ("kube-apiserver", "etcd"):
        assert not any("leader is unknown" in note for note in cluster.component(name).notes), name


def test_empty_cluster_data_never_fails() -> None:
    source = FixtureSource("kubeadm-ha")
    source.store.forbid(lambda _path, _query: True)
    cluster = build_map(collect(source, EXPLAIN_NEEDS))
    assert [view.name for view in cluster.components] == list(COMPONENT_NAMES)
    assert cluster.distribution.name == "unknown"
    assert cluster.kube_proxy.mode == "unknown"
    assert len(cluster.skipped) >= 5


def test_counts_resting_on_a_failed_read_are_null_in_the_json_not_zero() -> None:
    """Nodes unreadable: how many kubelets run is unknown, not 0 (the terminal already shows '?')."""
    from kubectl_arch.explain.render.document import cluster_map_data

    source = FixtureSource("kubeadm-ha")
    source.store.forbid(lambda path, _query: path == "/api/v1/nodes")
    document = cluster_map_data(build_map(collect(source, EXPLAIN_NEEDS)))
    unknown = [c for c in document["components"] if c["unknown"]]
    assert {c["name"] for c in unknown} >= {"kubelet", "container-runtime"}
    for component in unknown:
        assert component["replicas"] is None and component["ready"] is None, component

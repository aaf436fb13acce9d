"""The cluster model over the bundled samples, variants of them and the compact layouts of tests/explain/fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_arch.model.addons import cluster_dns, cni_plugin, metrics_server
from kubectl_arch.model.components import control_plane_components
from kubectl_arch.model.distribution import detect_distribution
from kubectl_arch.model.etcd import etcd_topology, failures_tolerated, quorum
from kubectl_arch.model.flags import parse_flags
from kubectl_arch.model.kube_proxy import kube_proxy_mode
from kubectl_arch.model.leases import apiserver_identities, holder_node, leader_leases
from kubectl_arch.model.nodes import node_infos
from kubectl_arch.model.versions import minor_skew, parse_version, version_from_image
from tests.explain.fixtures import cluster_data, load_data, sample_data


@pytest.mark.parametrize(("text", "expected"), [
    ("v1.32.2", (1, 32, 2, "")),
    ("v1.31.4-eks-2d5f260", (1, 31, 4, "-eks-2d5f260")),
    ("v1.31.4+k3s1", (1, 31, 4, "+k3s1")),
    ("1.30", (1, 30, 0, "")),
])
def test_versions_parse_with_distribution_marks(text: str, expected: tuple[int, int, int, str]) -> None:
    version = parse_version(text)
    assert version is not None
    assert (version.major, version.minor, version.patch, version.suffix) == expected


def test_versions_compare_on_numbers_only() -> None:
    eks, plain, k3s = parse_version("v1.31.4-eks-2d5f260"), parse_version("v1.31.4"), parse_version("v1.32.0+k3s1")
    assert eks is not None and plain is not None and k3s is not None
    assert eks == plain and plain < k3s
    assert minor_skew(k3s, plain) == 1 and minor_skew(plain, k3s) == -1
    assert parse_version("latest") is None


@pytest.mark.parametrize(("image", "strip", "expected"), [
    ("registry.k8s.io/kube-apiserver:v1.32.2", False, "v1.32.2"),
    ("registry.k8s.io/etcd:3.5.16-0", True, "3.5.16"),
    ("localhost:5000/etcd:3.5.16-0@sha256:abc", True, "3.5.16"),
    ("localhost:5000/etcd", False, None),
])
def test_version_from_image_tag(image: str, strip: bool, expected: str | None) -> None:
    assert version_from_image(image, strip_build=strip) == expected


def test_flags_parse_both_spellings_and_skip_positionals() -> None:
    flags = parse_flags(["kube-apiserver", "--a=1", "--b", "2", "--c", "--d=x=y", "-v", "3", "--a=last"])
    assert flags == {"a": "last", "b": "2", "c": "true", "d": "x=y", "v": "3"}


@pytest.mark.parametrize(("members", "need", "tolerate"),
                         [(1, 1, 0), (2, 2, 0), (3, 2, 1), (4, 3, 1), (5, 3, 2), (7, 4, 3)])
def test_quorum_arithmetic(members: int, need: int, tolerate: int) -> None:
    assert quorum(members) == need
    assert failures_tolerated(members) == tolerate


def test_kubeadm_ha_components_and_etcd() -> None:
    data = load_data("kubeadm-ha")
    components = control_plane_components(data)
    assert {name: c.replicas for name, c in components.items()} == {
        "kube-apiserver": 3, "etcd": 3, "kube-scheduler": 3, "kube-controller-manager": 3,
        "cloud-controller-manager": 0}
    apiserver = components["kube-apiserver"]
    assert apiserver.ready == 2  # cp-3's API server is not ready
    assert apiserver.flag("authorization-mode") == "Node,RBAC"
    assert [i.version for i in components["etcd"].instances] == ["3.5.15"] * 3
    topology = etcd_topology(components)
    assert (topology.mode, topology.size, topology.quorum, topology.failures_tolerated) == ("stacked", 3, 2, 1)
    assert topology.initial_cluster == ["cp-1", "cp-2", "cp-3"]
    assert "etcd-backup-29123" not in [i.pod for i in components["etcd"].instances]


def test_kubeadm_ha_leases_measure_age_against_capture_time() -> None:
    data = load_data("kubeadm-ha")
    leaders = leader_leases(data)
    assert leaders["kube-scheduler"].holder_node == "cp-2" and leaders["kube-scheduler"].held
    assert leaders["kube-controller-manager"].renew_age_seconds == 40
    assert not leaders["kube-controller-manager"].held  # 40 s since renewal, lease lasts 15 s
    identities = apiserver_identities(data)
    assert [(i.holder_node, i.held) for i in identities] == [("cp-1", True), ("cp-2", True), ("cp-3", False)]
    assert holder_node("ip-10-0-0-1.ec2.internal_0a1b") == "ip-10-0-0-1.ec2.internal"


def test_kubeadm_ha_nodes() -> None:
    ordered = node_infos(load_data("kubeadm-ha"))
    nodes = {n.name: n for n in ordered}
    assert [n.name for n in ordered][:3] == ["cp-1", "cp-2", "cp-3"]  # control plane first
    assert nodes["cp-1"].control_plane
    assert str(nodes["cp-1"].taints[0]) == "node-role.kubernetes.io/control-plane:NoSchedule"
    assert nodes["worker-1"].pressures == ("DiskPressure",) and nodes["worker-1"].runtime_name == "cri-o"
    assert nodes["worker-1"].architecture == "arm64"
    assert not nodes["worker-2"].ready and nodes["worker-2"].ready_status == "Unknown"


@pytest.mark.parametrize(("name", "mode", "source"), [
    ("kubeadm-ha", "ipvs", "configmap"),
    ("cilium-kpr", "replaced", "cilium-config"),
    ("k3s", "iptables", "node-args"),
    ("k3s without node-args", "unknown", "embedded"),
    ("eks", "iptables", "configmap"),
    ("eks without kube-proxy-config", "iptables", "default"),
    ("external-etcd", "nftables", "flags"),
])
def test_kube_proxy_mode(name: str, mode: str, source: str) -> None:
    result = kube_proxy_mode(cluster_data(name))
    assert (result.mode, result.source) == (mode, source)


def test_a_kube_proxy_config_nested_past_any_parser_gives_no_mode_instead_of_a_crash() -> None:
    """Cluster data is untrusted: 5,000 '[' in the ConfigMap once raised RecursionError out of the model."""
    from kubectl_arch.collect.cluster_data import ClusterData
    from kubectl_arch.collect.source import Response
    from kubectl_arch.model.kube_proxy import CONFIG_NEED, configmap_mode

    full = load_data("kubeadm-ha")
    assert configmap_mode(full) == ("ipvs", "config.conf")
    hostile = Response(status=200, data={"data": {"config.conf": "mode: " + "[" * 5000 + "]" * 5000}})
    data = ClusterData(full.source, full.now, full.credentials, {**full.responses, CONFIG_NEED: hostile})
    assert configmap_mode(data) is None


@pytest.mark.parametrize(("fixture", "name", "managed"), [
    ("kubeadm-ha", "kubeadm", False),
    ("cilium-kpr", "kubeadm", False),
    ("k3s", "k3s", False),
    ("eks", "eks", True),
    ("external-etcd", "unknown", False),
])
def test_distribution(fixture: str, name: str, managed: bool) -> None:
    distribution = detect_distribution(cluster_data(fixture))
    assert (distribution.name, distribution.managed) == (name, managed)
    assert distribution.evidence


def test_managed_and_embedded_control_planes_are_hidden() -> None:
    for name in ("eks", "k3s"):
        components = control_plane_components(sample_data(name))
        assert all(c.replicas == 0 for c in components.values())
        assert etcd_topology(components).size is None


def test_external_etcd_counts_the_api_servers_endpoints() -> None:
    topology = etcd_topology(control_plane_components(load_data("external-etcd")))
    assert (topology.mode, topology.size, topology.quorum, topology.failures_tolerated) == ("external", 5, 3, 2)


@pytest.mark.parametrize(("fixture", "cni", "dns", "metrics"), [
    ("kubeadm-ha", "calico", "coredns", True),
    ("cilium-kpr", "cilium", "coredns", False),
    ("k3s", "flannel", "coredns", True),
    ("eks", "aws-vpc-cni", "coredns", False),
    ("external-etcd", "flannel", "coredns", False),
])
def test_addons(fixture: str, cni: str, dns: str, metrics: bool) -> None:
    data = cluster_data(fixture)
    plugin, resolver = cni_plugin(data), cluster_dns(data)
    assert plugin is not None and plugin.kind == cni
    assert resolver is not None and resolver.kind == dns
    assert (metrics_server(data) is not None) == metrics


@pytest.mark.parametrize(("module", "run"), [
    ("components", lambda m, d: m.control_plane_components(d)),
    ("nodes", lambda m, d: m.node_infos(d)),
    ("leases", lambda m, d: (m.leader_leases(d), m.apiserver_identities(d))),
    ("kube_proxy", lambda m, d: m.kube_proxy_mode(d)),
    ("distribution", lambda m, d: m.detect_distribution(d)),
    ("addons", lambda m, d: (m.cni_plugin(d), m.cluster_dns(d), m.metrics_server(d))),
])
def test_each_model_reads_only_the_needs_it_declares(module: str, run: Any) -> None:
    """Checks declare a model's READS as their needs: reading anything else would be a KeyError for them."""
    import importlib

    from kubectl_arch.collect.cluster_data import ClusterData

    model = importlib.import_module(f"kubectl_arch.model.{module}")
    full = load_data("kubeadm-ha")
    only = ClusterData(full.source, full.now, full.credentials, {n: full[n] for n in model.READS})
    run(model, only)


def _data_with(version: str, node_labels: dict[str, str], provider_id: str = "") -> Any:
    import datetime as dt

    from kubectl_arch.collect.cluster_data import ClusterData
    from kubectl_arch.collect.source import Credentials, Response

    node = {"metadata": {"name": "n1", "labels": node_labels}, "spec": {"providerID": provider_id}}
    empty = Response(status=200, data={"items": []})
    return ClusterData("test", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), Credentials(), {
        "version": Response(status=200, data={"gitVersion": version}),
        "nodes": Response(status=200, data={"items": [node]}),
        "kube-system-pods": empty,
        "kubeadm-config": Response(status=404, error="not found"),
    })


@pytest.mark.parametrize(("version", "labels", "provider_id", "expected", "managed"), [
    ("v1.30.5-gke.1014001", {"cloud.google.com/gke-nodepool": "default-pool"}, "gce://p/z/n1", "gke", True),
    ("v1.30.5", {"kubernetes.azure.com/cluster": "MC_rg_aks_westeurope"}, "azure:///subscriptions/x", "aks", True),
    ("v1.30.5+rke2r1", {}, "", "rke2", False),
    ("v1.31.0", {"minikube.k8s.io/name": "minikube"}, "", "minikube", False),
    ("v1.29.8+5e2a6c8", {"node.openshift.io/os_id": "rhcos"}, "", "openshift", False),
    ("v1.31.0", {}, "kind://docker/dev/dev-control-plane", "kind", False),
    ("v1.31.0", {}, "", "unknown", False),
])
def test_distribution_marks(version: str, labels: dict[str, str], provider_id: str, expected: str,
                            managed: bool) -> None:
    distribution = detect_distribution(_data_with(version, labels, provider_id))
    assert (distribution.name, distribution.managed) == (expected, managed)
    assert (distribution.managed_by is not None) == managed

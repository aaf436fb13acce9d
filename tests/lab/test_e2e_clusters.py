"""The e2e suite's cluster handling, run against the stand-in kind, docker and kubectl.

The suite itself only runs where Docker is; this proves here that it builds each topology once with
`kubectl arch lab up` under its own names and kubeconfig, waits for readiness, and removes only what it built.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cluster import LabClusters
from tests.lab.conftest import StandIns


@pytest.fixture
def clusters(stand_ins: StandIns, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LabClusters:
    stand_ins.install_docker()
    stand_ins.install_kind()
    stand_ins.install_kubectl()
    monkeypatch.setenv("PATH", stand_ins.path())
    monkeypatch.delenv("KUBECTL_ARCH_E2E_KEEP", raising=False)
    (tmp_path / "work").mkdir()
    (tmp_path / "home").mkdir()
    return LabClusters(tmp_path / "work", tmp_path / "home")


def test_each_topology_is_built_once_by_the_lab_under_its_own_name(
        clusters: LabClusters, stand_ins: StandIns, tmp_path: Path) -> None:
    cluster = clusters.get("nftables")
    assert clusters.get("nftables") is cluster

    kubeconfig = str(tmp_path / "work" / "kubeconfig-nftables")
    assert (cluster.name, cluster.context, str(cluster.kubeconfig)) == (
        "arch-e2e-nftables", "kind-arch-e2e-nftables", kubeconfig)
    calls = [c["args"] for c in stand_ins.kind_calls()]
    assert calls[0] == ["get", "clusters"]
    assert calls[1][:4] == ["create", "cluster", "--name", "arch-e2e-nftables"]
    assert calls[1][-2:] == ["--kubeconfig", kubeconfig]
    assert len(calls) == 2
    assert stand_ins.kind_calls()[1]["config"] == (
        Path(__file__).resolve().parents[2] / "kind-configs" / "nftables.yaml").read_text()
    waits = stand_ins.kubectl_calls()
    assert ["--kubeconfig", kubeconfig, "--context", "kind-arch-e2e-nftables", "get", "nodes", "-o", "json"] in waits
    assert any(call[4:] == ["get", "pods", "-n", "kube-system", "-o", "json"] for call in waits)


def test_a_cluster_kept_from_an_earlier_run_is_reused_with_a_fresh_kubeconfig(
        clusters: LabClusters, stand_ins: StandIns) -> None:
    stand_ins.set_clusters("arch-e2e-ha")

    cluster = clusters.get("ha")

    assert [c["args"][0] for c in stand_ins.kind_calls()] == ["get", "export"]
    assert cluster.kubeconfig.read_text() == "current-context: kind-arch-e2e-ha\n"


def test_tear_down_deletes_only_the_clusters_it_built(clusters: LabClusters, stand_ins: StandIns) -> None:
    stand_ins.set_clusters("arch-ha")  # a developer's own lab cluster
    clusters.get("ha")
    assert stand_ins.clusters() == ["arch-ha", "arch-e2e-ha"]

    clusters.tear_down()

    assert stand_ins.clusters() == ["arch-ha"]


def test_kept_clusters_survive_tear_down(clusters: LabClusters, stand_ins: StandIns,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    clusters.get("ha")
    monkeypatch.setenv("KUBECTL_ARCH_E2E_KEEP", "1")

    clusters.tear_down()

    assert stand_ins.clusters() == ["arch-e2e-ha"]

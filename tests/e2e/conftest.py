"""The end-to-end suite's gate and clusters: every test here skips, with the reason, unless it can run."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from tests.e2e.cluster import LabCluster, LabClusters, required, selected_topologies, skip_reason


@pytest.fixture(autouse=True, scope="session")
def _e2e_can_run() -> None:
    reason = skip_reason(os.environ)
    if reason and required(os.environ):
        pytest.fail(f"KUBECTL_ARCH_E2E=require, but {reason}", pytrace=False)
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def lab_clusters(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabClusters]:
    clusters = LabClusters(tmp_path_factory.mktemp("e2e"), tmp_path_factory.mktemp("e2e-home"))
    yield clusters
    clusters.tear_down()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test taking ``topology`` runs once per selected topology (KUBECTL_ARCH_E2E_TOPOLOGIES)."""
    if "topology" in metafunc.fixturenames:
        metafunc.parametrize("topology", selected_topologies(os.environ))


@pytest.fixture
def cluster(lab_clusters: LabClusters, topology: str) -> LabCluster:
    return lab_clusters.get(topology)


@pytest.fixture
def ha_cluster(lab_clusters: LabClusters) -> LabCluster:
    if "ha" not in selected_topologies(os.environ):
        pytest.skip("the ha topology is not selected (KUBECTL_ARCH_E2E_TOPOLOGIES)")
    return lab_clusters.get("ha")


@pytest.fixture
def namespace(cluster: LabCluster, request: pytest.FixtureRequest) -> Iterator[str]:
    """A namespace of the test's own (unique per run, so a kept cluster can be reused), created and deleted
    by the test through kubectl."""
    test = request.node.name.split("[")[0].removeprefix("test_").replace("_", "-")[:40].rstrip("-")
    name = f"e2e-{uuid.uuid4().hex[:6]}-{test}"
    cluster.kubectl("create", "namespace", name)
    yield name
    cluster.kubectl("delete", "namespace", name, "--wait=false")

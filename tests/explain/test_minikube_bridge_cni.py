"""minikube on one node with the docker runtime configures the bridge CNI plugin as a file in the node, with no
DaemonSet. explain's cni row said "0 … none" beside a note explaining the bridge plugin was in use: the row and
the note now say the same."""

from __future__ import annotations

import copy

from kubectl_arch.explain.analysis import build_map
from kubectl_arch.model.addons import cni_plugin
from kubectl_arch.model.nodes import NODES_NEED
from tests.explain.fixtures import sample_data


def _cni_row(data: object) -> object:
    cluster_map = build_map(data)  # type: ignore[arg-type]
    return next(v for v in cluster_map.components if v.name == "cni")


def test_the_minikube_samples_cni_row_is_the_bridge_plugin_on_its_node() -> None:
    row = _cni_row(sample_data("minikube"))
    assert row.kind == "bridge" and row.replicas == 1 and row.health != "none", row
    assert any("bridge" in note for note in row.notes)


def test_another_runtime_is_not_said_to_get_the_bridge() -> None:
    """minikube gives other runtimes kindnet, whose DaemonSet would show: without it nothing is claimed."""
    data = sample_data("minikube")
    nodes = copy.deepcopy(data.responses[NODES_NEED])
    for node in nodes.data["items"]:
        node["status"]["nodeInfo"]["containerRuntimeVersion"] = "containerd://1.7.24"
    data.responses[NODES_NEED] = nodes
    assert cni_plugin(data) is None

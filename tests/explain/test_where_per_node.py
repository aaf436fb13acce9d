"""explain's WHERE column says "all N nodes" for whatever runs one copy on every node, however it was found: the
kubelets, a DaemonSet's pods, static kube-proxy pods (GKE) or a CNI the node image installs (GKE's ptp, minikube's
bridge, k3s's flannel). Static pods and node-read components used to list every node by name where the kubelet row
beside them said "all 3 nodes"."""

from __future__ import annotations

import pytest

from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.explain.render.terminal import where_cell
from kubectl_arch.explain.views import NODE_LAYER, on_every_node
from tests.explain.fixtures import sample_data


@pytest.mark.parametrize("name", sample_names())
def test_one_copy_on_every_node_reads_all_n_nodes(name: str) -> None:
    cluster_map = build_map(sample_data(name))
    node_names = sorted(n.name for n in cluster_map.nodes)
    for view in cluster_map.components:
        if view.layer != NODE_LAYER or view.replicas != len(node_names) or view.placement == "Deployment":
            continue  # a Deployment's replicas are placed by the scheduler, not one per node
        if sorted(i.node or "" for i in view.instances) != node_names:
            continue
        assert where_cell(view) == on_every_node(len(node_names)), (view.name, where_cell(view))


def test_gke_kube_proxy_and_cni_read_like_the_kubelet() -> None:
    cluster_map = build_map(sample_data("gke"))
    cells = {v.name: where_cell(v) for v in cluster_map.components if v.layer == NODE_LAYER}
    assert cells["kubelet"] == cells["kube-proxy"] == cells["cni"] == "all 3 nodes", cells

"""The ``-o json`` contract of issue 3, checked on every bundled sample and every compact layout."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.explain.analysis import COMPONENT_NAMES, build_map
from kubectl_arch.explain.render.document import cluster_map_data
from kubectl_arch.model.kube_proxy import MODES
from tests.explain.fixtures import fixture_names, load_data, sample_data

LAYOUTS = [("sample", name) for name in sample_names()] + [("fixture", name) for name in fixture_names()]


def contract_data(kind: str, name: str) -> dict[str, Any]:
    data = sample_data(name) if kind == "sample" else load_data(name)
    return json.loads(json.dumps(cluster_map_data(build_map(data))))


@pytest.mark.parametrize(("kind", "name"), LAYOUTS)
def test_contract_shape(kind: str, name: str) -> None:
    out = contract_data(kind, name)
    assert set(out["cluster"]) >= {"version", "distribution", "server"}
    assert [c["name"] for c in out["components"]] == list(COMPONENT_NAMES)
    for component in out["components"]:
        assert component["layer"] in ("control-plane", "node")
        assert isinstance(component["managed"], bool)
        assert component["replicas"] is None or isinstance(component["replicas"], int)
        assert component["managed"] == (component["replicas"] is None)
        for instance in component["instances"]:
            assert set(instance) >= {"node", "pod", "version", "ready", "leader"}
            assert isinstance(instance["ready"], bool) and instance["leader"] in (None, True, False)
    for node in out["nodes"]:
        assert set(node) >= {"name", "roles", "ready", "kubeletVersion", "containerRuntime", "kernelVersion",
                             "osImage"}
        assert isinstance(node["roles"], list) and isinstance(node["ready"], bool)
    assert out["kubeProxy"]["mode"] in MODES and out["kubeProxy"]["source"]


@pytest.mark.parametrize(("kind", "name", "managed"), [
    ("fixture", "kubeadm-ha", False), *[("sample", n, n in ("eks", "gke", "aks")) for n in sample_names()],
])
def test_managed_control_planes_have_null_replicas(kind: str, name: str, managed: bool) -> None:
    out = contract_data(kind, name)
    control_plane = {c["name"]: c for c in out["components"] if c["layer"] == "control-plane"}
    assert out["cluster"]["managed"] is managed
    assert (control_plane["kube-apiserver"]["replicas"] is None) is managed
    assert (control_plane["etcd"]["replicas"] is None) is managed


def test_contract_values_on_kind_ha() -> None:
    out = contract_data("sample", "kind-ha")
    assert out["cluster"]["version"] == "v1.32.2" and out["cluster"]["distribution"] == "kind"
    assert out["cluster"]["server"].startswith("https://")
    etcd = next(c for c in out["components"] if c["name"] == "etcd")
    assert etcd["replicas"] == 3 and not etcd["managed"]
    assert {i["version"] for i in etcd["instances"]} == {"3.5.16"}
    assert all(i["leader"] is None for i in etcd["instances"])  # etcd's Raft leader is not visible via the API
    assert out["kubeProxy"] == {**out["kubeProxy"], "mode": "iptables", "source": "configmap"}
    control_plane_node = next(n for n in out["nodes"] if "control-plane" in n["roles"])
    assert control_plane_node["kubeletVersion"] == "v1.32.2"
    assert control_plane_node["containerRuntime"].startswith("containerd://")
    assert out["etcd"] == {**out["etcd"], "members": 3, "quorum": 2, "failuresTolerated": 1}

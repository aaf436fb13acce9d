"""The kind configs: one per topology, in kind-configs/ (shipped as package data), each building what it says."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubectl_arch.lab.topologies import TOPOLOGIES, Topology, packaged_config

REPO_CONFIGS = Path(__file__).resolve().parents[2] / "kind-configs"
# (control-plane nodes, workers, kube-proxy mode: None = kind's default, iptables)
EXPECTED_SHAPE = {"single": (1, 0, None), "ha": (3, 3, None), "ipvs": (1, 2, "ipvs"), "nftables": (1, 2, "nftables")}
PINNED_IMAGE = re.compile(r"^kindest/node:v1\.(\d+)\.\d+@sha256:[0-9a-f]{64}$")


def load(topology: Topology) -> dict[str, Any]:
    with packaged_config(topology) as path:
        document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict)
    return document


def test_every_topology_has_a_config_and_every_config_a_topology() -> None:
    files = {t.config_file for t in TOPOLOGIES.values()}
    assert {p.name for p in REPO_CONFIGS.glob("*.yaml")} == files
    packaged = resources.files("kubectl_arch.lab.configs")
    assert {entry.name for entry in packaged.iterdir() if entry.name.endswith(".yaml")} == files
    assert set(EXPECTED_SHAPE) == set(TOPOLOGIES)


@pytest.mark.parametrize("name", sorted(TOPOLOGIES))
def test_the_config_builds_the_shape_its_topology_promises(name: str) -> None:
    document = load(TOPOLOGIES[name])
    control_planes, workers, mode = EXPECTED_SHAPE[name]

    assert (document["kind"], document["apiVersion"]) == ("Cluster", "kind.x-k8s.io/v1alpha4")
    roles = [node["role"] for node in document["nodes"]]
    assert (roles.count("control-plane"), roles.count("worker")) == (control_planes, workers)
    assert len(roles) == control_planes + workers
    assert (document.get("networking") or {}).get("kubeProxyMode") == mode
    assert "name" not in document  # the lab names the cluster; a name here would be ignored and mislead


def test_nftables_pins_a_kubernetes_image_that_has_nftables_mode() -> None:
    images = {node.get("image") for node in load(TOPOLOGIES["nftables"])["nodes"]}
    assert len(images) == 1
    image = images.pop()
    match = PINNED_IMAGE.match(image or "")
    assert match, f"{image!r} is not a kindest/node image pinned by digest"
    assert int(match.group(1)) >= 31  # nftables mode is beta and on by default from Kubernetes 1.31


@pytest.mark.parametrize("name", sorted(TOPOLOGIES))
def test_each_config_teaches_what_to_look_at_with_kubectl_arch(name: str) -> None:
    text = (REPO_CONFIGS / TOPOLOGIES[name].config_file).read_text()
    comments = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert "What it builds:" in comments
    assert f"kubectl arch lab up --topology {name}" in comments
    assert f"--context kind-arch-{name}" in comments
    for command in ("kubectl arch explain", "kubectl arch audit"):
        assert command in comments

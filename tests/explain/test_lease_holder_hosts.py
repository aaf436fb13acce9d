"""A Lease holder's host is called a node only where it is one: on EKS, GKE and AKS the provider's control-plane
hosts hold the leases, and no node of the cluster is named after them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kubectl_arch.collect.sample_source import sample_names
from tests.conftest import CliResult

PROVIDER_RUN = {"eks", "gke", "aks"}  # their profiles hide the control plane


def _holders(document: Any) -> Iterator[dict[str, Any]]:
    """Every object in the document that names a Lease holder."""
    if isinstance(document, dict):
        if "holderNode" in document:
            yield document
        for value in document.values():
            yield from _holders(value)
    elif isinstance(document, list):
        for value in document:
            yield from _holders(value)


@pytest.mark.parametrize("sample", sample_names())
def test_a_holder_is_a_node_only_where_the_cluster_runs_its_control_plane(
        run_cli: Callable[..., CliResult], sample: str) -> None:
    result = run_cli(["explain", "--sample", sample, "-o", "json"])
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    nodes = {node["name"] for node in document["nodes"]}
    holders = list(_holders(document))
    assert holders, f"{sample}: no Lease holder in the document"
    for found in holders:
        assert "holderHost" in found, found
        if sample in PROVIDER_RUN:
            assert found["holderNode"] is None, f"{sample}: {found['holderHost']} is the provider's, not a node"
            assert found["holderHost"] is None or found["holderHost"] not in nodes
        else:
            assert found["holderNode"] == found["holderHost"], found

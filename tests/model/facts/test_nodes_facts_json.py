"""The facts JSON's node count is null with its reason when the nodes could not be read, never 0 of 0."""

from __future__ import annotations

from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.model.facts import cluster_facts, facts_data


def test_unreadable_nodes_are_counted_as_unknown_with_the_reason() -> None:
    loaded = load_sample("kind-ha")
    loaded.store.forbid(lambda path, _query: path == "/api/v1/nodes")
    nodes = facts_data(cluster_facts(collect(SampleSource(loaded), EXPLAIN_NEEDS)))["nodes"]
    assert nodes["total"] is None and nodes["ready"] is None, nodes
    assert "403" in nodes["unread"] and "nodes" in nodes["unread"], nodes


def test_read_nodes_are_counted() -> None:
    nodes = facts_data(cluster_facts(collect(SampleSource(load_sample("kind-ha")), EXPLAIN_NEEDS)))["nodes"]
    assert (nodes["total"], nodes["ready"], nodes["unread"]) == (5, 5, None)

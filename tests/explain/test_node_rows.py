"""A big cluster's Nodes section: the nodes that stand out each get a row, alike Ready nodes one row per group,
and every node is counted exactly once."""

from __future__ import annotations

import dataclasses
import datetime as dt

from benchmarks.generate import SyntheticCluster
from kubectl_arch.collect.sample_source import SampleSource
from kubectl_arch.explain.render.terminal import NODES_LISTED_MAX, node_rows
from kubectl_arch.model.nodes import node_info

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)


def test_small_clusters_list_every_node() -> None:
    store = SampleSource.named("kubeadm-degraded").sample.store
    nodes = [node_info(n) for n in store.objects("Node")]
    assert [row[0] for row in node_rows(nodes)] == [n.name for n in nodes]


def test_big_clusters_list_what_stands_out_and_count_the_rest() -> None:
    cluster = SyntheticCluster(2_500, now=NOW)
    nodes = [node_info(cluster.node(i)) for i in range(cluster.nodes)]
    nodes[10] = dataclasses.replace(nodes[10], unschedulable=True)
    rows = node_rows(nodes)
    assert len(nodes) > NODES_LISTED_MAX and len(rows) < 20
    listed = {row[0] for row in rows if not row[0].startswith("(")}
    truth = cluster.truth()
    expected = {n.name for n in nodes if n.control_plane} | truth["not_ready"] | truth["disk_pressure"] | {
        nodes[10].name}
    assert listed == expected
    grouped = sum(int(row[0][1:].split()[0].replace(",", "")) for row in rows if row[0].startswith("("))
    assert len(listed) + grouped == cluster.nodes
    assert {row[3] for row in rows} == {"v1.32.4", "v1.28.15"}, "each kubelet version keeps a row"

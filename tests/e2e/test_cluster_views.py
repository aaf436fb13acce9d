"""explain and audit on real kind clusters: the topology as built, and the control plane's health."""

from __future__ import annotations

import pytest

from tests.e2e.cluster import LabCluster
from tests.e2e.contract import (
    CONTROL_PLANE_CHECKS,
    TOPOLOGY_SHAPES,
    assert_topology,
    component,
    leader_nodes,
    statuses,
)

pytestmark = pytest.mark.e2e


def test_explain_shows_the_topology_kind_built(cluster: LabCluster) -> None:
    explain = cluster.arch_json("explain")

    assert_topology(explain, TOPOLOGY_SHAPES[cluster.topology])
    assert explain["kubeProxy"]["source"] == "configmap"


def test_explain_of_the_ha_lab_counts_3_api_servers_and_3_etcd_members(ha_cluster: LabCluster) -> None:
    explain = ha_cluster.arch_json("explain")

    assert component(explain, "kube-apiserver")["replicas"] == 3
    assert component(explain, "etcd")["replicas"] == 3
    assert [len(nodes) for nodes in leader_nodes(explain).values()] == [1, 1], leader_nodes(explain)


def test_audit_passes_the_control_plane_checks_of_the_ha_lab(ha_cluster: LabCluster) -> None:
    # Exit 1 is allowed: a check outside the control plane (e.g. etcd disk latency on a CI disk) may warn.
    audit = ha_cluster.arch_json("audit", codes=(0, 1))

    assert statuses(audit, CONTROL_PLANE_CHECKS) == {check: {"pass"} for check in CONTROL_PLANE_CHECKS}
    assert audit["summary"]["pass"] >= len(CONTROL_PLANE_CHECKS)


def test_audit_reports_the_kube_proxy_mode_of_each_lab(cluster: LabCluster) -> None:
    audit = cluster.arch_json("audit", "--check", "kube-proxy-mode", codes=(0, 1))

    findings = [f for f in audit["findings"] if f["check"] == "kube-proxy-mode"]
    assert [f["status"] for f in findings] == ["pass"]
    assert TOPOLOGY_SHAPES[cluster.topology].proxy_mode in findings[0]["message"]

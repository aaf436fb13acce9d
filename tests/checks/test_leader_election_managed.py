"""leader-election on managed clusters: the Lease holder of EKS, GKE and AKS is one of the provider's control-plane
hosts, not a node of the cluster. The evidence labelled it ``node``; it now leaves ``node`` empty (the key kept for
scripts) and says where the holder runs; the fix no longer sends the reader to a node's clock they cannot reach.
On clusters that run their own control plane the holder's node is still given."""

from __future__ import annotations

import copy

import pytest

from kubectl_arch.audit.registry import needs_for
from kubectl_arch.audit.report.evidence import evidence_items
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, sample_names
from kubectl_arch.model.leases import LEASES_NEED
from tests.checks.one_check import check_findings, run_audit_data

MANAGED = ("eks", "gke", "aks")


@pytest.mark.parametrize("name", MANAGED)
def test_a_providers_lease_holder_is_not_called_a_node(name: str) -> None:
    findings = [f for f in check_findings("leader-election", SampleSource.named(name)) if "holder" in f.evidence]
    assert findings
    for finding in findings:
        assert "node" in finding.evidence and finding.evidence["node"] is None, finding.evidence
        assert finding.evidence["holder_host"] and "not a node of this cluster" in finding.evidence["holder_runs_on"]
        assert not any(item.startswith("node: ") and item != "node: -" for item in evidence_items(finding.evidence))


@pytest.mark.parametrize("name", [n for n in sample_names() if n not in MANAGED])
def test_an_own_control_planes_holder_keeps_its_node(name: str) -> None:
    for finding in check_findings("leader-election", SampleSource.named(name)):
        if finding.evidence.get("holder"):
            assert finding.evidence["node"], finding.evidence
            assert "holder_host" not in finding.evidence


def test_a_providers_stale_lease_sends_the_reader_to_the_provider_not_a_nodes_clock() -> None:
    data = collect(SampleSource.named("eks"), needs_for(["leader-election"]))
    leases = copy.deepcopy(data.responses[LEASES_NEED])
    for lease in leases.data["items"]:
        lease["spec"]["renewTime"] = "2020-01-01T00:00:00.000000Z"
    data.responses[LEASES_NEED] = leases
    failed = [f for f in run_audit_data("leader-election", data) if f.status.value == "fail"]
    assert failed
    for finding in failed:
        assert "node's clock" not in (finding.fix or "") and "support case" in (finding.fix or ""), finding.fix

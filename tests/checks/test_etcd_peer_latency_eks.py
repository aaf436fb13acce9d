"""etcd-peer-latency on EKS: AWS runs etcd on members across three Availability Zones, so when EKS's etcd metrics
endpoint reports no peer round trips the skip must not offer 'a single-member etcd has no peers' as the reason."""

from __future__ import annotations

from kubectl_arch.collect.sample_source import SampleSource
from tests.checks.one_check import check_findings


def test_eks_peer_latency_skip_does_not_suggest_a_single_member() -> None:
    [finding] = check_findings("etcd-peer-latency", SampleSource.named("eks"))
    assert finding.status.value == "skip"
    assert "single-member" not in finding.message, finding.message
    assert "three Availability Zones" in finding.message, finding.message

"""etcd-peer-latency on EKS: AWS runs etcd on members across three Availability Zones, so when EKS's etcd metrics
endpoint reports no peer round trips the skip must not offer 'a single-member etcd has no peers' as the reason."""

from __future__ import annotations

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import catalogue, needs_for
from kubectl_arch.audit.runner import run_check
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource


def test_eks_peer_latency_skip_does_not_suggest_a_single_member() -> None:
    check = catalogue()["etcd-peer-latency"]
    data = collect(SampleSource.named("eks"), needs_for([check.id]))
    [finding] = run_check(check, data, AuditConfig().thresholds_for(check.meta))
    assert finding.status.value == "skip"
    assert "single-member" not in finding.message, finding.message
    assert "three Availability Zones" in finding.message, finding.message

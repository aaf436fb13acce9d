"""On a managed cluster the checks that judge the control plane itself (its replicas, its etcd members, its
components' versions) skip because the provider runs it out of sight. No read can change that, so a read the
account was refused must not head such a check as 'incomplete: forbidden ...': granting it would not make the
check run, and the reason a reader needs is the provider's."""

from __future__ import annotations

import dataclasses

import pytest

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import catalogue, needs_for
from kubectl_arch.audit.runner import CheckResult, run_check
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, sample_names
from kubectl_arch.collect.source import Response
from kubectl_arch.model.facts import cluster_facts

# The checks whose verdict on a managed cluster is the provider's responsibility, whatever else was read.
PROVIDER_CHECKS = ("control-plane-replicas", "etcd-member-count", "control-plane-version-skew")
MANAGED = [name for name in sample_names()
           if cluster_facts(collect(SampleSource.named(name), ["version", "nodes", "kube-system-pods"])).profile.hidden]


def _refused(data: ClusterData, need: str) -> ClusterData:
    """The same reads, with ``need`` answered 403 as an account without that permission gets it."""
    responses = dict(data.responses)
    responses[need] = Response(status=403, error=f"forbidden: cannot read {need}")
    return dataclasses.replace(data, responses=responses, derived={})


@pytest.mark.parametrize("sample", MANAGED)
@pytest.mark.parametrize("check_id", PROVIDER_CHECKS)
def test_a_refused_read_does_not_replace_the_providers_reason(sample: str, check_id: str) -> None:
    check = catalogue()[check_id]
    data = collect(SampleSource.named(sample), needs_for([check_id]))
    thresholds = AuditConfig().thresholds_for(check.meta)
    for need in check.meta.optional_needs:
        result = CheckResult(check.meta, run_check(check, _refused(data, need), thresholds))
        headline = [f.message for f in result.headline()]
        assert result.status.value == "skip", (need, headline)
        assert all("provider's responsibility" in message for message in headline), (need, headline)

"""coredns-replicas reads cluster DNS from the fact base (issue 12): one reader per cluster, the real
namespace/kind/name in its evidence, and a failed read is a skip with its reason, never "no CoreDNS found"."""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.model.facts import cluster_facts
from tests.checks.test_collection import run_audit_data
from tests.harness.spies import spy_on_cluster_dns

CHECK = "coredns-replicas"


def _findings(sample_name: str, forbid: str | None = None) -> tuple[list[Finding], Any]:
    """The check over a bundled sample, with reads whose path holds ``forbid`` answered 403."""
    sample = load_sample(sample_name)
    if forbid:
        sample.store.forbid(lambda path, _query: forbid in path)
    meta = catalogue()[CHECK].meta
    data = collect(SampleSource(sample), (*meta.needs, *meta.optional_needs))
    return run_audit_data(CHECK, data), data


def test_coredns_replicas_reads_the_fact_base_not_its_own_dns_finder(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = spy_on_cluster_dns(monkeypatch, "renamed-dns", [f"kubectl_arch.checks.{CHECK.replace('-', '_')}"])
    for sample in ("kind-ha", "openshift"):
        calls.clear()
        findings, data = _findings(sample)
        assert cluster_facts(data).dns.kind == "renamed-dns", sample
        assert len(calls) == 1, f"{sample}: cluster DNS found {len(calls)} times"
        assert all("renamed-dns" in f.message for f in findings), (sample, findings)


def test_coredns_replicas_names_openshift_dns_daemonset_in_its_own_namespace_not_kube_system() -> None:
    findings, _ = _findings("openshift")
    assert findings and all(f.evidence.get("daemonset") == "openshift-dns/dns-default" for f in findings), findings
    assert "kube-system/dns-default" not in str([f.evidence for f in findings])
    assert all("deployment" not in f.evidence for f in findings)


@pytest.mark.parametrize(("sample", "forbid"), [("openshift", "/daemonsets"), ("openshift", "/deployments"),
                                                 ("kind-ha", "/deployments")])
def test_coredns_replicas_skips_with_the_reason_when_the_dns_read_failed_never_no_coredns_found(
        sample: str, forbid: str) -> None:
    findings, data = _findings(sample, forbid)
    assert not any("no CoreDNS" in f.message for f in findings), findings
    assert [f.status for f in findings] == [Status.SKIP], findings
    assert "403" in findings[0].message, findings
    dns = cluster_facts(data).dns
    if (sample, forbid) != ("openshift", "/deployments"):  # there dns-default is still read from the DaemonSets
        assert dns.unread and all("403" in why for _, why in dns.unread) and dns.desired is None, dns

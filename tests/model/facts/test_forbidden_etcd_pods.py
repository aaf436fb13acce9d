"""A forbidden (403) read of the pods etcd runs as is named with its reason, never "no etcd pods visible",
and every verdict that rests on it is a skip (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import catalogue, needs_for
from kubectl_arch.audit.runner import run_check
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.explain.render.document import cluster_map_data

# (sample, the pods read made to fail): kube-system's pods on kind, OpenShift's openshift-etcd namespace.
FORBIDDEN = (("kind-ha", "/api/v1/namespaces/kube-system/pods"),
             ("openshift", "/api/v1/namespaces/openshift-etcd/pods"))
# Checks whose verdict rests on the control plane's pods (etcd's members, the copies, the election locks).
RESTING_ON_PODS = ("control-plane-replicas", "etcd-member-count", "leader-election")


def _forbidden(sample: str, path: str) -> tuple[dict[str, Any], dict[str, Any], list[Finding]]:
    """explain's facts and map, and every check's findings, with the pods read at ``path`` answering 403."""
    loaded = load_sample(sample)
    loaded.store.forbid(lambda requested, _query: requested == path)
    data = collect(SampleSource(loaded), list(dict.fromkeys([*EXPLAIN_NEEDS, *needs_for()])))
    cluster = build_map(data)
    findings = [finding for check in catalogue().values() if not check.meta.workloads
                for finding in run_check(check, data, AuditConfig().thresholds_for(check.meta))]
    document = cluster_map_data(cluster)
    return document["facts"], document, findings


@pytest.mark.parametrize(("sample", "path"), FORBIDDEN)
def test_forbidden_etcd_pods_read_is_named_never_no_etcd_pods_visible(sample: str, path: str) -> None:
    facts, document, _ = _forbidden(sample, path)
    store, etcd = facts["datastore"], facts["components"]["etcd"]
    assert store["kind"] == "unknown" and store["members"] is None, store
    assert not any("no etcd pods" in line for line in store["evidence"]), store
    assert any("forbidden" in line and "HTTP 403" in line for line in store["evidence"]), store
    assert etcd["runs"] == "unknown" and etcd["health"] == "unknown", etcd
    assert any("forbidden" in reason for reason in etcd["reasons"]), etcd
    view = next(c for c in document["components"] if c["name"] == "etcd")
    assert view["health"] == "unknown" and view["unknown"] == "forbidden, HTTP 403", view


@pytest.mark.parametrize(("sample", "path"), FORBIDDEN)
def test_forbidden_etcd_pods_read_makes_the_verdicts_resting_on_it_skips(sample: str, path: str) -> None:
    *_, findings = _forbidden(sample, path)
    resting = [f for f in findings if f.check in RESTING_ON_PODS]
    assert {f.check for f in resting} == set(RESTING_ON_PODS)
    for finding in resting:
        assert finding.status is Status.SKIP, finding
        assert "no etcd pods" not in finding.message and "is visible" not in finding.message, finding
    assert all("forbidden" in f.message for f in resting if f.check != "leader-election" or sample == "openshift")


def test_etcd_pod_proxy_read_names_the_failed_pods_read_and_never_calls_openshift_etcd_external_or_managed() -> None:
    from kubectl_arch.checks.etcd_disk_latency.collect import fetch_pod_metrics

    loaded = load_sample("kind-ha")
    loaded.store.forbid(lambda requested, _query: requested == "/api/v1/namespaces/kube-system/pods")
    source = SampleSource(loaded)
    forbidden = fetch_pod_metrics(source, collect(source, EXPLAIN_NEEDS))
    assert forbidden.status == 403 and "HTTP 403" in str(forbidden.error), forbidden
    openshift = SampleSource.named("openshift")
    elsewhere = fetch_pod_metrics(openshift, collect(openshift, EXPLAIN_NEEDS))
    assert elsewhere.absent and "external or managed" not in str(elsewhere.error), elsewhere

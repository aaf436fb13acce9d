"""etcd-db-size's fix is runnable on the cluster it is printed for. On a managed control plane (EKS runs etcd, with its
8 GiB limit) no etcdctl, no etcd flag and no API server flag is the user's to run: what is left is finding what fills
the database and asking the provider. Elsewhere the defragmentation and alarm commands are the distribution's own
(with its certificates), never a bare `etcdctl` that no kubeadm, kind or minikube node ships; and EKS's page is
linked on EKS only."""

from __future__ import annotations

import re

import pytest

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import catalogue, needs_for
from kubectl_arch.audit.runner import run_check
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample, sample_names
from kubectl_arch.collect.source import Response
from kubectl_arch.model.facts import cluster_facts
from tests.checks.one_check import check_findings

CHECK = "etcd-db-size"
SIZE = re.compile(r"^(apiserver_storage_size_bytes\{[^}]*\}) \S+$", re.MULTILINE)
EKS_PAGE = "https://docs.aws.amazon.com/eks/latest/userguide/clusters.html"


def _full(name: str) -> list:
    """The check on sample ``name`` with the API server reporting a 7.6 GiB database (above every quota's 80%)."""
    check = catalogue()[CHECK]
    sample = load_sample(name)
    for key, response in list(sample.store.raw.items()):
        if response.text and SIZE.search(response.text):
            sample.store.raw[key] = Response(status=200, text=SIZE.sub(r"\1 8.2e9", response.text))
    data = collect(SampleSource(sample), needs_for([CHECK]))
    return run_check(check, data, AuditConfig().thresholds_for(check.meta)), cluster_facts(data).profile


@pytest.mark.parametrize("name", sample_names())
def test_the_fix_of_a_full_database_is_the_distributions_own(name: str) -> None:
    findings, profile = _full(name)
    problems = [f for f in findings if f.status.value in ("warn", "fail")]
    if not problems and profile.hidden and profile.quota.bytes is None:  # GKE, AKS: no published limit to judge by
        assert all(f.status.value == "skip" and "not published" in f.message for f in findings), \
            (name, [f.message for f in findings])
    elif not problems:  # k3s's kine over SQLite: no etcd, no quota
        assert all("this cluster has no etcd" in f.message for f in findings), (name, [f.message for f in findings])
    for finding in problems:
        fix = finding.fix or catalogue()[CHECK].meta.fix
        references = finding.references or catalogue()[CHECK].meta.references
        if profile.hidden:
            assert not re.search(r"etcdctl|--quota-backend-bytes|--etcd-compaction-interval", fix), (name, fix)
            assert profile.title in fix, (name, fix)
        else:
            assert "`etcdctl defrag`" not in fix and "`etcdctl alarm disarm`" not in fix, (name, fix)
        assert (EKS_PAGE in references) == (profile.name == "eks"), (name, references)


def test_gke_says_where_it_reports_a_database_near_its_limit() -> None:
    """GKE publishes no etcd size limit, but its recommender flags a database approaching it (GKE's etcd
    troubleshooting page): the skip names that command instead of leaving the reader with 'not published'."""
    [finding] = check_findings(CHECK, SampleSource.named("gke"))
    assert finding.status.value == "skip"
    assert "--recommender=google.container.DiagnosisRecommender" in finding.message, finding.message
    assert "recommenderSubtype:ETCD_DB_USAGE_APPROACHING_LIMIT" in finding.message, finding.message


def test_openshift_is_not_told_to_raise_a_quota_its_operator_sets() -> None:
    """OpenShift's etcd operator writes the quota (ETCD_QUOTA_BACKEND_BYTES) into every member's static pod: a flag
    raised by hand on a member is reverted at its next rollout, so the fix leaves it to the operator's owners."""
    findings, _profile = _full("openshift")
    [finding] = [f for f in findings if f.status.value in ("warn", "fail")]
    assert finding.fix and "--quota-backend-bytes" not in finding.fix, finding.fix
    assert "etcd operator's" in finding.fix, finding.fix

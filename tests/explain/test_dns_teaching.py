"""What explain's DNS page and the coredns-replicas check teach about cluster DNS names the Service and namespace
the distribution really uses: kube-system's kube-dns Service on kubeadm, k3s and the managed clouds, OpenShift's
dns-default in openshift-dns (its DNS operator's DaemonSet). Held over every sample."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from kubectl_arch.audit.check import Status
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import need_names, run_check
from kubectl_arch.cli.main import cli
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample, sample_names
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.model.facts import cluster_facts
from tests.explain.fixtures import drop, sample_data

NAMESPACE_FLAG = re.compile(r"-n (\S+)")


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "COLUMNS": "400"})
    return result.output


def _dns_namespace(sample: str) -> str | None:
    workload = cluster_facts(sample_data(sample)).dns.workload
    return workload.namespace if workload is not None else None


@pytest.mark.parametrize("sample", sample_names())
def test_the_dns_page_looks_where_the_clusters_dns_runs(sample: str) -> None:
    namespace = _dns_namespace(sample)
    if namespace is None:
        return
    page = _run("explain", "dns", "--sample", sample)
    what = page.split("What it does\n", 1)[1].split("\n\n", 1)[0]
    commands = page.split("Look further\n", 1)[1].split("\n\n", 1)[0]
    assert set(NAMESPACE_FLAG.findall(commands)) <= {namespace}, f"{sample}: DNS runs in {namespace}:\n{commands}"
    if namespace != "kube-system":
        assert "kube-dns" not in what + commands, f"{sample}: DNS runs in {namespace}:\n{what}\n{commands}"


@pytest.mark.parametrize("sample", sample_names())
def test_coredns_replicas_names_the_dns_service_of_the_distribution(sample: str) -> None:
    namespace = _dns_namespace(sample)
    [finding] = json.loads(_run("audit", "--check", "coredns-replicas", "-o", "json", "--sample", sample))["findings"]
    if namespace is not None and namespace != "kube-system":
        taught = finding["why"] + finding["remediation"]
        assert "kube-dns" not in taught and "kube-system" not in taught, f"{sample}: {taught}"
        assert namespace in finding["why"], f"{sample}: {finding['why']}"


@pytest.mark.parametrize("sample", sample_names())
def test_the_dns_page_asks_for_replicas_only_where_the_reader_sets_them(sample: str) -> None:
    workload = cluster_facts(sample_data(sample)).dns.workload
    page = _run("explain", "dns", "--sample", sample)
    failure = page.split("When it fails\n", 1)[1].split("\n\n", 1)[0]
    if workload is not None and workload.kind == "DaemonSet":
        assert "Run at least two replicas" not in failure, f"{sample}: {workload.namespace}/{workload.name}: {failure}"


def _openshift_without_dns_default() -> ClusterData:
    """The OpenShift sample with its DNS operator's DaemonSet and pods gone (the operator failing to create them)."""
    sample = load_sample("openshift")
    drop(sample.store, "DaemonSet", "dns-default")
    for pod in [p for p in sample.store.objects("Pod") if p["metadata"]["name"].startswith("dns-default-")]:
        drop(sample.store, "Pod", pod["metadata"]["name"])
    return collect(SampleSource(sample), [*EXPLAIN_NEEDS, *need_names([catalogue()["coredns-replicas"]])])


def test_openshift_without_dns_default_is_not_told_of_coredns_in_kube_system() -> None:
    """It read 'none found: no CoreDNS or kube-dns Deployment in kube-system', and the audit told the reader to
    scale kube-system's coredns Deployment or disable the check: OpenShift's DNS is its operator's DaemonSet."""
    data = _openshift_without_dns_default()
    (dns,) = [view for view in build_map(data).components if view.name == "dns"]
    notes = " ".join(dns.notes)
    assert "DaemonSet openshift-dns/dns-default" in notes and "kube-system" not in notes, notes
    (finding,) = run_check(catalogue()["coredns-replicas"], data, {"min_ready": 2})
    said = f"{finding.message} {finding.fix}"
    assert "DaemonSet openshift-dns/dns-default" in finding.message, said
    assert "kube-system" not in said and "disable this check" not in said, said
    assert "oc get clusteroperator dns" in said, said


def test_openshift_without_dns_default_fails_as_no_ready_dns_replica_does_elsewhere() -> None:
    """Nothing but the DNS operator can run cluster DNS on OpenShift, so its missing DaemonSet is no cluster DNS
    at all, certainly: as severe as a CoreDNS with no ready replica (FAIL). Elsewhere a missing CoreDNS stays a
    WARN only because cluster DNS may run under another name."""
    (finding,) = run_check(catalogue()["coredns-replicas"], _openshift_without_dns_default(), {"min_ready": 2})
    assert finding.status == Status.FAIL, finding
    assert "name resolution fails in every pod" in finding.message, finding.message

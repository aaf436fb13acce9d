"""The facts JSON says what cluster DNS runs as, and why a DNS fact is unknown (issue 12): OpenShift's
dns-default is a DaemonSet, never a "deployment"; a failed read leaves null with its reason beside it."""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample, sample_names
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.model.facts import cluster_facts, facts_data
from tests.model.facts.conftest import command_json

# The workload each sample's cluster DNS runs as: (kind, namespace, name).
DNS_WORKLOADS = {
    "openshift": ("DaemonSet", "openshift-dns", "dns-default"),
    "kind-ha": ("Deployment", "kube-system", "coredns"),
    "k3s": ("Deployment", "kube-system", "coredns"),
}


def _facts(sample: str, forbid: str | None = None) -> dict[str, Any]:
    """The facts JSON of a sample, with the reads whose path is ``forbid`` answered 403."""
    loaded = load_sample(sample)
    if forbid:
        loaded.store.forbid(lambda path, _query: path == forbid)
    return facts_data(cluster_facts(collect(SampleSource(loaded), EXPLAIN_NEEDS)))


@pytest.mark.parametrize(("sample", "expected"), DNS_WORKLOADS.items())
def test_facts_json_names_the_dns_workload_by_its_kind_never_deployment_for_a_daemonset(
        sample: str, expected: tuple[str, str, str]) -> None:
    _, document = command_json(sample, "explain")
    dns = document["facts"]["dns"]
    assert "deployment" not in dns, dns
    kind, namespace, name = expected
    assert dns["workload"] == {"kind": kind, "namespace": namespace, "name": name}, dns


@pytest.mark.parametrize("sample", sample_names())
def test_facts_json_dns_and_cni_have_one_schema_on_every_sample(sample: str) -> None:
    _, document = command_json(sample, "explain")
    facts = document["facts"]
    assert set(facts["dns"]) == {"kind", "workload", "desired", "ready", "readyNodes", "unread"}, facts["dns"]
    assert set(facts["cni"]) == {"kind", "workload", "desired", "ready", "unread"}, facts["cni"]
    for block in (facts["dns"], facts["cni"]):
        assert block["workload"] is None or set(block["workload"]) == {"kind", "namespace", "name"}, block


def test_facts_json_gives_the_reason_a_dns_fact_is_unknown() -> None:
    dns = _facts("kind-ha", forbid="/apis/apps/v1/namespaces/kube-system/deployments")["dns"]
    assert dns["kind"] is None and dns["desired"] is None and dns["ready"] is None, dns
    [unread] = dns["unread"]
    assert unread["read"] == "kube-system-deployments" and "HTTP 403" in unread["reason"], dns


def test_facts_json_ready_nodes_are_unknown_with_the_reason_when_the_pods_read_failed() -> None:
    dns = _facts("kind-ha", forbid="/api/v1/namespaces/kube-system/pods")["dns"]
    assert dns["workload"] == {"kind": "Deployment", "namespace": "kube-system", "name": "coredns"}, dns
    assert dns["readyNodes"] is None, dns  # never [] ("on no node") for a read that failed
    assert [u["read"] for u in dns["unread"]] == ["kube-system-pods"] and "HTTP 403" in dns["unread"][0]["reason"]


def test_facts_json_gives_the_reason_the_cni_is_unknown() -> None:
    cni = _facts("kind-ha", forbid="/apis/apps/v1/daemonsets")["cni"]
    assert cni["kind"] is None and cni["desired"] is None, cni
    assert [u["read"] for u in cni["unread"]] == ["daemonsets"] and "HTTP 403" in cni["unread"][0]["reason"], cni


def test_openshift_dns_ready_nodes_are_counted_from_its_pods_in_openshift_dns_not_kube_system() -> None:
    _, document = command_json("openshift", "explain")
    assert document["facts"]["dns"]["readyNodes"] == ["master-0", "master-1", "master-2", "worker-0", "worker-1"]
    loaded = load_sample("openshift")
    [pod] = [p for p in loaded.store.objects("Pod") if p["metadata"]["namespace"] == "openshift-dns"
             and p["spec"]["nodeName"] == "worker-1"]
    pod["status"]["conditions"] = [{"type": "Ready", "status": "False"}]
    dns = facts_data(cluster_facts(collect(SampleSource(loaded), EXPLAIN_NEEDS)))["dns"]
    assert dns["readyNodes"] == ["master-0", "master-1", "master-2", "worker-0"], dns


def test_openshift_dns_ready_nodes_are_unknown_with_the_reason_when_openshift_dns_pods_are_forbidden() -> None:
    dns = _facts("openshift", forbid="/api/v1/namespaces/openshift-dns/pods")["dns"]
    assert dns["readyNodes"] is None and dns["ready"] == 5, dns  # the DaemonSet's counts stand
    assert [u["read"] for u in dns["unread"]] == ["openshift-dns-pods"] and "HTTP 403" in dns["unread"][0]["reason"]

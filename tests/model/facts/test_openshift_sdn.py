"""openshift-sdn, OpenShift's network plugin before OVN-Kubernetes (issue 12), is recognised as the Service
proxy and as the CNI, the way OVN-Kubernetes is: the DaemonSet ``sdn`` in ``openshift-sdn`` runs kube-proxy's
code (``--proxy-config``) beside the SDN node process (openshift/cluster-network-operator
bindata/network/openshift-sdn/sdn.yaml; its DaemonSet's description: "launches the OpenShift networking
components (kube-proxy and openshift-sdn)")."""

from __future__ import annotations

from typing import Any

from kubectl_arch.audit.check import Status
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.explain.pages import page_commands, page_for_component
from kubectl_arch.model.facts import FACT_NEEDS, cluster_facts
from tests.checks.one_check import run_audit_data


def _daemonset(namespace: str, name: str, containers: list[str], ready: int) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": c, "image": "quay.io/openshift/sdn@sha256:1"}
                                                          for c in containers]}}},
            "status": {"desiredNumberScheduled": ready, "numberReady": ready, "currentNumberScheduled": ready}}


def _sdn_source(namespace: str = "openshift-sdn") -> SampleSource:
    """The openshift sample on openshift-sdn: its ovnkube DaemonSets replaced by sdn and sdn-controller."""
    sample = load_sample("openshift")
    daemonsets = sample.store.collections[("/apis/apps/v1", "daemonsets")]
    daemonsets.objects[:] = [d for d in daemonsets.objects  # type: ignore[attr-defined]
                             if d["metadata"]["namespace"] != "openshift-ovn-kubernetes"]
    sample.store.add(_daemonset(namespace, "sdn", ["sdn", "kube-rbac-proxy"], 5))
    sample.store.add(_daemonset(namespace, "sdn-controller", ["sdn-controller"], 3))
    return SampleSource(sample)


def test_openshift_sdn_is_recognised_as_the_service_proxy_and_the_cni() -> None:
    facts = cluster_facts(collect(_sdn_source(), FACT_NEEDS))
    proxy = facts.service_proxy
    assert (proxy.mode, proxy.source) == ("replaced", "sdn"), proxy
    assert "openshift-sdn" in proxy.detail and "openshift-sdn/sdn" in proxy.detail, proxy
    assert "OVN" not in proxy.detail
    assert (facts.cni.kind, facts.cni.daemonset, facts.cni.desired, facts.cni.ready) == \
        ("openshift-sdn", "openshift-sdn/sdn", 5, 5), facts.cni


def test_openshift_sdn_cluster_passes_kube_proxy_mode_instead_of_services_not_routed() -> None:
    meta = catalogue()["kube-proxy-mode"].meta
    findings = run_audit_data("kube-proxy-mode", collect(_sdn_source(), (*meta.needs, *meta.optional_needs)))
    assert findings and all(f.status is Status.PASS for f in findings), findings
    assert not any("not routed" in f.message for f in findings)


def test_openshift_sdn_service_proxy_page_asks_openshift_sdn_not_ovn_kubernetes() -> None:
    cluster = build_map(collect(_sdn_source(), EXPLAIN_NEEDS))
    text = " ".join(page_commands(page_for_component("kube-proxy"), cluster))
    assert "openshift-sdn" in text, text
    assert "ovn" not in text.lower(), text


def test_a_daemonset_named_sdn_outside_openshift_sdn_is_not_openshift_sdn() -> None:
    facts = cluster_facts(collect(_sdn_source("my-apps"), FACT_NEEDS))
    assert facts.service_proxy.source != "sdn" and facts.cni.kind != "openshift-sdn", (facts.service_proxy, facts.cni)

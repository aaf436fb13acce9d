"""Where kube-proxy is replaced, explain says by what (issue 12): OpenShift showed "replaced mode · none"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kubectl_arch.audit.fixtures import load_fixture
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.collect.needs import collect
from kubectl_arch.model.facts import FACT_NEEDS, cluster_facts
from kubectl_arch.model.kube_proxy import kube_proxy_mode
from tests.model.facts.conftest import command_json
from tests.model.facts.test_openshift_sdn import _sdn_source

REPLACED = {"openshift": "OVN-Kubernetes", "cilium-kpr": "Cilium"}


@pytest.mark.parametrize(("sample", "product"), REPLACED.items())
def test_explain_says_kube_proxy_is_replaced_by_the_network_plugin_never_replaced_mode(
        run_cli: Callable[..., Any], sample: str, product: str) -> None:
    code, out, err = run_cli(["explain", "--sample", sample])
    assert code == 0, err
    [row] = [line for line in out.splitlines() if line.startswith("kube-proxy ")]
    assert f"replaced by {product}" in row and "replaced mode" not in row, row
    code, mermaid, err = run_cli(["explain", "--sample", sample, "-o", "mermaid"])
    assert code == 0 and f"kube-proxy replaced by {product}," in mermaid, err
    _, document = command_json(sample, "explain")
    assert document["kubeProxy"]["replacedBy"] == document["facts"]["serviceProxy"]["replacedBy"] == product


def test_gke_dataplane_v2_and_openshift_sdn_are_named_as_what_replaces_kube_proxy() -> None:
    check = catalogue()["kube-proxy-mode"]
    gke = load_fixture(check.folder / "fixtures" / "pass-gke-dataplane-v2-anetd-not-an-empty-kube-proxy.yaml",
                       (*check.meta.needs, *check.meta.optional_needs))
    proxy = kube_proxy_mode(gke.data)
    assert (proxy.mode, proxy.replaced_by) == ("replaced", "GKE Dataplane V2"), proxy
    sdn = cluster_facts(collect(_sdn_source(), FACT_NEEDS)).service_proxy
    assert (sdn.mode, sdn.replaced_by) == ("replaced", "openshift-sdn"), sdn


def test_a_running_kube_proxy_is_replaced_by_nothing() -> None:
    _, document = command_json("kind-ha", "explain")
    assert document["facts"]["serviceProxy"]["replacedBy"] is None

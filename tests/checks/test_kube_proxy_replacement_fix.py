"""Where something else implements Services (Cilium's replacement, GKE Dataplane V2, OVN-Kubernetes, openshift-sdn)
no kube-proxy runs: kube-proxy-mode's fix must fit the replacement, never ask to switch kube-proxy to nftables."""

from __future__ import annotations

import pytest

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.fixtures import load_fixture
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import run_check

CHECK = "kube-proxy-mode"
# A fix that tells someone to reconfigure a kube-proxy that does not run.
KUBE_PROXY_SWITCH = ("switch kube-proxy", "nftables where the version", "reinstall it")
REPLACED = {
    "pass-cilium-replacement.yaml": "Nothing to switch: Cilium's eBPF kube-proxy replacement",
    "pass-gke-dataplane-v2-anetd-not-an-empty-kube-proxy.yaml": "Nothing to switch: GKE Dataplane V2",
    "pass-openshift-ovn-kubernetes-implements-services.yaml": "Nothing to switch: OVN-Kubernetes",
    "warn-cilium-and-kube-proxy.yaml": "both program Service rules: remove kube-proxy",
}


def _fixes(fixture_name: str) -> list[str]:
    check = catalogue()[CHECK]
    [path] = [p for p in check.fixtures if p.name == fixture_name]
    fixture = load_fixture(path, (*check.meta.needs, *check.meta.optional_needs))
    thresholds = AuditConfig().thresholds_for(check.meta) | fixture.thresholds
    return [finding.fix or check.meta.fix for finding in run_check(check, fixture.data, thresholds)]


@pytest.mark.parametrize(("fixture_name", "said"), REPLACED.items())
def test_kube_proxy_mode_fix_never_switches_a_kube_proxy_that_a_replacement_stands_in_for(
        fixture_name: str, said: str) -> None:
    for fix in _fixes(fixture_name):
        assert said in fix, fix
        assert not [words for words in KUBE_PROXY_SWITCH if words in fix], fix

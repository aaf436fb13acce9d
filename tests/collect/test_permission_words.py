"""A refused read names the permission it takes and the `kubectl auth can-i` line that confirms it.

The lines follow kubectl's syntax (kubernetes.io, kubectl auth can-i: ``VERB [TYPE | TYPE/NAME | NONRESOURCEURL]``,
``-n``, ``--all-namespaces``, ``--subresource``); each is what the catalogue's rule for that read grants.
"""

from __future__ import annotations

import pytest

from kubectl_arch.audit.registry import catalogue
from kubectl_arch.collect.needs import NEEDS, can_i, permission
from kubectl_arch.collect.source import Response

catalogue()  # the checks register their own needs (the Service count, EKS's metrics)

EXPECTED = {
    "version": "kubectl auth can-i get /version",
    "nodes": "kubectl auth can-i list nodes",
    "kube-system-leases": "kubectl auth can-i list leases.coordination.k8s.io -n kube-system",
    "kube-proxy-config": "kubectl auth can-i get configmaps/kube-proxy -n kube-system",
    "daemonsets": "kubectl auth can-i list daemonsets.apps --all-namespaces",
    "openshift-clusterversion": "kubectl auth can-i get clusterversions.config.openshift.io/version",
    "etcd-pod-metrics": "kubectl auth can-i get pods --subresource=proxy -n kube-system",
    "eks-etcd-metrics": "kubectl auth can-i get etcd.metrics.eks.amazonaws.com --subresource=metrics",
}


@pytest.mark.parametrize(("need", "line"), EXPECTED.items())
def test_each_read_has_the_can_i_line_of_its_rule(need: str, line: str) -> None:
    assert can_i(NEEDS[need].rule, NEEDS[need].path) == line


def test_a_refusal_says_which_permission_and_how_to_confirm_it() -> None:
    reason = Response(status=403, error="forbidden").skip_reason("leases in kube-system",
                                                                 permission(NEEDS["kube-system-leases"]))
    assert reason.startswith("forbidden to read leases in kube-system (HTTP 403): it takes `list` on leases "
                             "(coordination.k8s.io API group) in namespace kube-system")
    assert "`kubectl auth can-i list leases.coordination.k8s.io -n kube-system`" in reason
    assert "`kubectl arch rbac`" in reason  # the role that grants it; audit's workload checks rewrite this


def test_every_api_read_names_a_permission() -> None:
    # The TLS handshake, files under --pki-dir and etcd's own endpoints are not API reads: RBAC does not apply.
    assert {name for name, need in NEEDS.items() if permission(need) is None} == {
        "apiserver-certificates", "pki-files", "etcd-endpoint-metrics", "etcd-endpoint-metrics-later"}

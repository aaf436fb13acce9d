"""Certificate checks over REAL X.509 read the real way: a TLS handshake with a local HTTPS API server,
and client certificates loaded from a kubeconfig by the kubernetes client, exactly as the CLI does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import run_audit
from kubectl_arch.collect.kube import KubeSource
from tests.harness.apiserver import ApiServer
from tests.harness.pki import CertKey, make_ca, make_leaf
from tests.harness.tiny import tiny_store

UTC = dt.timezone.utc


def _days_from_now(days: float) -> dt.datetime:
    # Certificates are made now and read now: the check measures against the source's clock.
    return dt.datetime.now(UTC) + dt.timedelta(days=days)


def _serving(days_left: float) -> tuple[CertKey, CertKey]:
    ca = make_ca("kubernetes")
    leaf = make_leaf(ca, "kube-apiserver", dns_names=["localhost"], ip_addresses=["127.0.0.1"],
                     not_before=_days_from_now(days_left - 365), not_after=_days_from_now(days_left))
    return ca, leaf


def _run(check_id: str, kubeconfig: Path) -> list[Finding]:
    source = KubeSource(kubeconfig=str(kubeconfig))
    return run_audit(source, [catalogue()[check_id]], AuditConfig()).results[0].findings


@pytest.mark.parametrize(("days_left", "status"), [(-3, "fail"), (5, "fail"), (20, "warn"), (60, "pass")])
def test_apiserver_certificate_is_read_by_a_real_tls_handshake(
    days_left: float, status: str, api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path]
) -> None:
    server = api_server(tiny_store(), serving=_serving(days_left))
    findings = _run("apiserver-certificate-expiry", kubeconfig_for(server))
    assert findings[0].status.value == status, [f.message for f in findings]
    # An expired certificate fails every other read of the run too (the TLS handshake refuses it): the check
    # keeps its failure and names those reads as unread; a valid one leaves nothing unread.
    rest = findings[1:]
    assert all(f.status.value == "skip" and "unread" in f.evidence for f in rest), [f.message for f in rest]
    assert bool(rest) == (days_left < 0), [f.message for f in rest]
    finding = findings[0]
    leaf_evidence = finding.evidence if status != "pass" else finding.evidence["soonest"]
    assert leaf_evidence["subject"] == "kube-apiserver"
    # The very certificate the server presents, not one from configuration.
    assert leaf_evidence["sha256"] == server.serving.cert.fingerprint(hashes.SHA256()).hex()
    assert leaf_evidence["daysLeft"] == pytest.approx(days_left, abs=0.11)  # to tenths, rounded toward zero
    if status != "pass":
        assert ("expired 3 days ago" if days_left < 0 else "(chain[0], the leaf) expires in") in finding.message


def test_the_handshake_sends_no_request(api_server: Callable[..., ApiServer],
                                        kubeconfig_for: Callable[..., Path]) -> None:
    server = api_server(tiny_store(), serving=_serving(60))
    source = KubeSource(kubeconfig=str(kubeconfig_for(server)))
    chain = source.peer_certificates()
    assert chain.ok and len(chain.data) == 1
    assert server.requests == []


@pytest.mark.parametrize(("days_left", "status"), [(2, "fail"), (25, "warn"), (200, "pass")])
def test_kubeconfig_client_certificate_is_checked(
    days_left: float, status: str, api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path]
) -> None:
    client_ca = make_ca("kubernetes-client-ca")
    client = make_leaf(client_ca, "kubernetes-admin", organizations=["kubeadm:cluster-admins"], server=False,
                       client=True, not_before=_days_from_now(days_left - 365), not_after=_days_from_now(days_left))
    server = api_server(tiny_store(), client_ca=client_ca)
    findings = _run("client-certificate-expiry", kubeconfig_for(server, token=None, client_cert=client))
    assert max(f.status.rank for f in findings) == Status(status).rank
    if status == "pass":
        assert findings[0].evidence["checked"] == 2  # the client certificate and the cluster CA
    else:
        [problem] = findings
        assert problem.evidence["subject"] == "kubernetes-admin"
        assert problem.object == "kubeconfig/test/client-certificate"


def test_token_login_has_no_client_certificate_to_expire(api_server: Callable[..., ApiServer],
                                                         kubeconfig_for: Callable[..., Path]) -> None:
    findings = _run("client-certificate-expiry", kubeconfig_for(api_server(tiny_store())))
    messages = {f.status.value: f.message for f in findings}
    assert "authenticates with token" in messages["pass"]
    assert "skip" not in messages and "fail" not in messages

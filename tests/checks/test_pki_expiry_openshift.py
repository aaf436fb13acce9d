"""pki-expiry on OpenShift teaches what OpenShift documents: its operators rotate the control plane's certificates
('managed by the system and rotated automatically'), no command renews them by hand, and a cluster whose
certificates expired while it was shut down recovers them itself once the kubelets' pending CSRs are approved.
It said 'List them: `oc get clusteroperators`' (which lists operators) and 'Renew them: ...', and linked the
Kubernetes guide to rotating CAs by hand, which would fight the operators."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from tests.harness.pki import make_ca, make_leaf, write_pem


def _expired_pki(folder: Path) -> Path:
    now = dt.datetime.now(dt.timezone.utc)
    ca = make_ca("etcd-signer", not_before=now - dt.timedelta(days=400), not_after=now + dt.timedelta(days=3000))
    leaf = make_leaf(ca, "etcd-serving-master-0", not_before=now - dt.timedelta(days=400),
                     not_after=now - dt.timedelta(days=2))
    pki = folder / "static-pod-resources"
    write_pem(pki / "etcd-certs" / "secrets" / "etcd-all-certs" / "etcd-serving-master-0.crt", leaf)
    return pki


def _finding(sample: str, pki: Path) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["audit", "--sample", sample, "--pki-dir", str(pki), "--check", "pki-expiry",
                                      "-o", "json"], env={"NO_COLOR": "1"})
    (finding,) = [f for f in json.loads(result.output)["findings"] if f["status"] == "fail"]
    return finding


def test_openshift_is_told_its_operators_rotate_them_and_how_it_recovers_expired_ones(tmp_path: Path) -> None:
    finding = _finding("openshift", _expired_pki(tmp_path))
    fix, references = str(finding["remediation"]), list(finding["references"])  # type: ignore[call-overload]
    assert "List them" not in fix and "Renew them" not in fix, fix
    assert "On OpenShift: the operators rotate them" in fix and "no command renews them by hand" in fix, fix
    assert "oc adm certificate approve" in fix and "oc get clusteroperators" in fix, fix
    assert not any("manual-rotation-of-ca-certificates" in page for page in references), references


def test_kubeadm_keeps_its_commands(tmp_path: Path) -> None:
    fix = str(_finding("kubeadm-degraded", _expired_pki(tmp_path))["remediation"])
    assert "Check them: `kubeadm certs check-expiration`" in fix and "Renew them: kubeadm certs renew all" in fix, fix


def test_openshift_4_7_is_not_told_its_operators_rotate_etcds_certificates(tmp_path: Path) -> None:
    """The sample runs 4.7.13: OpenShift 4.8 and older do not rotate etcd's peer, serving and client certificates
    (Red Hat solution 7023254), so 'the operators rotate them' alone is false for the expired etcd-serving one."""
    fix = str(_finding("openshift", _expired_pki(tmp_path))["remediation"])
    assert "4.8 and older does not rotate etcd's peer, serving and client certificates" in fix, fix
    assert "access.redhat.com/solutions/7023254" in fix, fix
    assert "as the operators rotate them" not in fix, fix


def test_openshift_certificate_wording_by_release() -> None:
    """From 4.9 the etcd operator rotates etcd's certificates too; an unread release gets the sentence that holds
    on every release, naming 4.9 as the line."""
    from kubectl_arch.model.profiles import CHECK_CERTS, OPENSHIFT, RENEW_CERTS

    for action in (CHECK_CERTS, RENEW_CERTS):
        assert OPENSHIFT.fix_at(action, "4.17.3") == OPENSHIFT.fix(action)
        assert "4.8 and older" in str(OPENSHIFT.fix_at(action, "4.8.2"))
        assert "4.9" in str(OPENSHIFT.fix_at(action, None)) and OPENSHIFT.fix_at(action, None) != OPENSHIFT.fix(action)


def test_openshift_4_9_to_4_16_is_not_told_its_operators_rotate_etcds_signer_cas() -> None:
    """The 4.16 docs ("etcd certificates"): "Rotate the etcd certificate before it expires", by hand, for the etcd
    signer CAs; from 4.17 the etcd operator rotates them too. Every release older than 4.17 is told so, and a
    cluster whose release was not read is told where the line is."""
    from kubectl_arch.model.profiles import CHECK_CERTS, OPENSHIFT, RENEW_CERTS

    for release in ("4.7.13", "4.9.0", "4.12.3", "4.16.9", None):
        for action in (CHECK_CERTS, RENEW_CERTS):
            said = str(OPENSHIFT.fix_at(action, release))
            assert "signer" in said and "as the operators rotate them" not in said, (release, said)
    for release in ("4.9.0", "4.16.9"):
        assert "etcd-certificates.html" in str(OPENSHIFT.fix_at(RENEW_CERTS, release))
        assert "etcd-signer" in str(OPENSHIFT.fix_at(CHECK_CERTS, release))
    assert "4.17" in str(OPENSHIFT.fix_at(RENEW_CERTS, None))
    assert "signer" not in str(OPENSHIFT.fix_at(RENEW_CERTS, "4.17.0"))

"""pki-expiry on OpenShift: /etc/kubernetes/static-pod-resources keeps a directory per installed revision of each
control-plane static pod (kube-apiserver-pod-7, kube-apiserver-pod-9, ...), and the prune controller leaves some old
ones there. An expired certificate in a superseded revision failed the check though nothing uses it. Now only the
revision the mirror pods run (label ``revision``) is judged, with the shared <component>-certs directories; where
the running revision was not read, the newest installed one, and the evidence says so."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from tests.harness.pki import make_ca, make_leaf, write_pem

NOW = dt.datetime.now(dt.timezone.utc)


def _pki(folder: Path, expired_revision: int, valid_revision: int) -> Path:
    """The sample's API servers run revision 9; ``expired_revision`` holds an expired serving certificate."""
    ca = make_ca("kube-apiserver-lb-signer", not_before=NOW - dt.timedelta(days=400),
                 not_after=NOW + dt.timedelta(days=3000))
    expired = make_leaf(ca, "api-old", not_before=NOW - dt.timedelta(days=60), not_after=NOW - dt.timedelta(days=2))
    valid = make_leaf(ca, "api-new", not_before=NOW - dt.timedelta(days=5), not_after=NOW + dt.timedelta(days=300))
    pki = folder / "static-pod-resources"
    write_pem(pki / f"kube-apiserver-pod-{expired_revision}" / "secrets" / "serving" / "tls.crt", expired)
    write_pem(pki / f"kube-apiserver-pod-{valid_revision}" / "secrets" / "serving" / "tls.crt", valid)
    write_pem(pki / "kube-apiserver-certs" / "secrets" / "serving" / "tls.crt", valid)
    return pki


def _findings(sample: str, pki: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["audit", "--sample", sample, "--pki-dir", str(pki), "--check", "pki-expiry",
                                      "-o", "json"], env={"NO_COLOR": "1"})
    return list(json.loads(result.output)["findings"])


def test_a_superseded_revisions_expired_certificate_does_not_fail(tmp_path: Path) -> None:
    findings = _findings("openshift", _pki(tmp_path, expired_revision=7, valid_revision=9))
    assert findings and all(f["status"] == "pass" for f in findings), findings
    for finding in findings:
        evidence = finding["evidence"]
        assert evidence["superseded_revisions_not_judged"] == ["kube-apiserver-pod-7"], evidence  # type: ignore[index]
        assert "revisions_judged" not in evidence, evidence  # type: ignore[operator]


def test_the_running_revisions_expired_certificate_still_fails(tmp_path: Path) -> None:
    findings = _findings("openshift", _pki(tmp_path, expired_revision=9, valid_revision=10))
    assert any(f["status"] == "fail" for f in findings), findings


def test_without_the_running_revision_the_newest_is_judged_and_said(tmp_path: Path) -> None:
    """kubeadm's sample has no OpenShift pods to say which revision runs: the newest installed is judged."""
    findings = _findings("kubeadm-degraded", _pki(tmp_path, expired_revision=7, valid_revision=9))
    assert findings and not any(f["status"] == "fail" for f in findings), findings
    judged = findings[0]["evidence"]["revisions_judged"]  # type: ignore[index]
    assert judged == ["kube-apiserver-pod-9: the newest installed, as which revision runs was not read"], judged

"""What operators read from the etcd and certificate checks, pinned: every fixture's findings as text.

The catalogue test proves each fixture's status; this golden file shows the messages themselves, so a
change in wording, units or evidence is reviewed as a diff.
"""

from __future__ import annotations

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.fixtures import load_fixture
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import run_check
from tests.golden import assert_golden

CHECKS = ("etcd-disk-latency", "etcd-db-size", "apiserver-certificate-expiry", "client-certificate-expiry",
          "webhook-ca-expiry", "kubelet-certificate-rotation", "pki-expiry")


def test_fixture_findings_read_as_pinned() -> None:
    lines = []
    for check_id in CHECKS:
        check = catalogue()[check_id]
        for path in check.fixtures:
            fixture = load_fixture(path, (*check.meta.needs, *check.meta.optional_needs))
            thresholds = AuditConfig().thresholds_for(check.meta) | fixture.thresholds
            lines.append(f"{check_id} {path.name}")
            for finding in run_check(check, fixture.data, thresholds):
                lines.append(f"  {finding.status.value:4} [{finding.object or '-'}] {finding.message}")
    assert_golden("checks_etcd_certs_findings.txt", "\n".join(lines) + "\n")

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
# etcd's health read from its own metrics, each figure with its basis (window or lifetime).
ETCD_HEALTH_CHECKS = ("etcd-leader", "etcd-leader-changes", "etcd-proposals", "etcd-peer-latency",
                      "etcd-slow-requests", "etcd-heartbeat-failures", "etcd-fragmentation", "etcd-version-agreement")
# The scheduler's and the controller manager's own figures, where a provider serves them (EKS).
COMPONENT_METRICS_CHECKS = ("scheduler-latency", "controller-workqueues")


def test_fixture_findings_read_as_pinned() -> None:
    assert_golden("checks_etcd_certs_findings.txt", findings_text(CHECKS))


def test_etcd_health_findings_read_as_pinned() -> None:
    assert_golden("etcd_health_findings.txt", findings_text(ETCD_HEALTH_CHECKS))


def test_component_metrics_findings_read_as_pinned() -> None:
    assert_golden("component_metrics_findings.txt", findings_text(COMPONENT_METRICS_CHECKS))


def findings_text(check_ids: tuple[str, ...]) -> str:
    lines = []
    for check_id in check_ids:
        check = catalogue()[check_id]
        for path in check.fixtures:
            fixture = load_fixture(path, (*check.meta.needs, *check.meta.optional_needs))
            thresholds = AuditConfig().thresholds_for(check.meta) | fixture.thresholds
            lines.append(f"{check_id} {path.name}")
            for finding in run_check(check, fixture.data, thresholds):
                lines.append(f"  {finding.status.value:4} [{finding.object or '-'}] {finding.message}")
    return "\n".join(lines) + "\n"

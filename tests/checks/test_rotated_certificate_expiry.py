"""A certificate the distribution replaces on its own schedule is an alarm only once that replacement is overdue.

OpenShift's kube-apiserver operator issues the API server's serving certificates for 30 days and replaces each
with 15 days left, so the default warning at 30 days left fired on every healthy OpenShift cluster.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import run_check
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource

CHECK = catalogue()["apiserver-certificate-expiry"]


def _run(sample: str, days_later: float = 0, config: AuditConfig | None = None) -> list[Finding]:
    data = collect(SampleSource.named(sample), [*CHECK.meta.needs, *CHECK.meta.optional_needs])
    data = dataclasses.replace(data, now=data.now + dt.timedelta(days=days_later), derived={})
    return run_check(CHECK, data, (config or AuditConfig()).thresholds_for(CHECK.meta))


def test_openshift_serving_certificate_inside_its_rotation_schedule_is_no_warning() -> None:
    # The sample's leaf lives 30 days and has 15.8 left: the operator replaces it tomorrow.
    [finding] = _run("openshift")
    assert finding.status is Status.PASS, finding.message
    assert "replaces it with 15 days left" in finding.message and finding.evidence["rotationWarnDays"] == 13


def test_openshift_serving_certificate_past_its_replacement_warns_that_the_rotation_is_overdue() -> None:
    [finding] = _run("openshift", days_later=4)  # 11.8 days left: 3 days past the replacement, its slack used up
    assert finding.status is Status.WARN
    assert "replacement is overdue" in finding.message and "oc get clusteroperators" in finding.message


def test_openshift_serving_certificate_within_the_fail_threshold_still_fails() -> None:
    [finding] = _run("openshift", days_later=10)  # 5.8 days left: past even the operator's last-resort point
    assert finding.status is Status.FAIL


def test_a_warn_threshold_from_the_config_file_wins_over_the_rotation_schedule() -> None:
    config = AuditConfig(thresholds={CHECK.meta.id: {"warn_days": 30}})  # the default's value, set on purpose
    [finding] = _run("openshift", config=config)
    assert finding.status is Status.WARN and "overdue" not in finding.message


def test_a_distribution_without_its_own_rotation_keeps_the_default_warning() -> None:
    [finding] = _run("kubeadm-degraded")
    assert "rotatedBy" not in finding.evidence and "rotationWarnDays" not in finding.evidence


def _days_later_to_leave(days_left: float) -> float:
    """How many days after the openshift sample's clock its serving leaf has exactly ``days_left`` left."""
    [finding] = _run("openshift")
    data = collect(SampleSource.named("openshift"), [*CHECK.meta.needs, *CHECK.meta.optional_needs])
    not_after = dt.datetime.fromisoformat(finding.evidence["soonest"]["notAfter"].replace("Z", "+00:00"))
    return (not_after - data.now).total_seconds() / 86400 - days_left


def test_openshift_warning_at_12_96_days_never_says_13_days_beside_fewer_than_13_days() -> None:
    # 12.96 days left is under the 13-day rotation warning: rounding printed "expires in 13 days" (and daysLeft 13.0).
    [finding] = _run("openshift", days_later=_days_later_to_leave(12.96))
    assert finding.status is Status.WARN, finding.message
    assert "expires in 12.9 days" in finding.message, finding.message
    assert finding.evidence["daysLeft"] == 12.9 and finding.evidence["daysLeft"] < finding.evidence["warnDays"]


def test_openshift_pass_at_13_04_days_never_says_13_days_beside_a_warning_only_with_fewer_than_13() -> None:
    [finding] = _run("openshift", days_later=_days_later_to_leave(13.04))
    assert finding.status is Status.PASS, finding.message
    assert "expires in 13.0 days" in finding.message and "fewer than 13 days left" in finding.message, finding.message

"""One audit check run the way the runner runs it, for tests that judge a single check on a sample."""

from __future__ import annotations

from kubectl_arch.audit.check import Finding
from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import catalogue, needs_for
from kubectl_arch.audit.runner import run_check
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.source import Source


def run_audit_data(check_id: str, data: ClusterData) -> list[Finding]:
    """One check over already-collected data, with its default thresholds."""
    check = catalogue()[check_id]
    return run_check(check, data, AuditConfig().thresholds_for(check.meta))


def check_findings(check_id: str, source: Source) -> list[Finding]:
    """One check over what it reads from ``source`` (a sample, perhaps edited), with its default thresholds."""
    return run_audit_data(check_id, collect(source, needs_for([check_id])))

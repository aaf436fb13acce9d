"""apiserver-health: the API server's own /readyz and /livez verbose reports, naming each failing
sub-check (etcd, informer sync, post-start hooks) instead of a bare 'not ready'."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import profile_of, with_fix
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.profiles import Profile, code_span

META = CheckMeta(
    id="apiserver-health",
    title="The API server reports itself ready and live",
    component="kube-apiserver",
    why="/readyz is what load balancers use to send traffic to an API server; /livez is what the kubelet uses "
        "to restart it. A failing sub-check says which dependency is broken: `etcd` means the datastore is "
        "unreachable or slow, `informer-sync` or a `poststarthook` means the server has not finished starting. "
        "Behind a load balancer, this is the view of the one API server that answered.",
    fix="Read the failing sub-check by name: `kubectl get --raw '/readyz/etcd'`; for etcd, check etcd's health "
        "and latency (`etcdctl endpoint health --cluster`); otherwise read the API server's log where the "
        "distribution keeps it (audit prints the command for the cluster it reads).",
    references=(
        "https://kubernetes.io/docs/reference/using-api/health-checks/",
    ),
    needs=(),
    # The distribution (for where its log is read) from /version and the nodes' labels.
    optional_needs=("readyz", "livez", "version", "nodes", "kubeadm-config"),
)

_CHECK_LINE = re.compile(r"^\[(?P<sign>[+-])\](?P<name>\S+)\s+(?P<result>.*)$")


@dataclass
class HealthReport:
    """The sub-checks of one verbose health endpoint: names that passed and name -> reason that failed."""

    passed: list[str]
    failed: dict[str, str]


def parse_health(text: str) -> HealthReport:
    """Parse ``[+]ping ok`` / ``[-]etcd failed: reason withheld`` lines; other lines are ignored."""
    passed: list[str] = []
    failed: dict[str, str] = {}
    for line in text.splitlines():
        match = _CHECK_LINE.match(line.strip())
        if not match:
            continue
        if match["sign"] == "+":
            passed.append(match["name"])
        else:
            failed[match["name"]] = match["result"].removeprefix("failed:").strip() or "failed"
    return HealthReport(passed, failed)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    return with_fix([_endpoint(data, name) for name in ("readyz", "livez")], _fix(profile_of(data)))


def _fix(profile: Profile) -> str:
    logs = profile.log_command("kube-apiserver")
    where = code_span(logs) if logs and not logs.startswith(("enable", "read")) else logs or "where it is kept"
    return ("Read the failing sub-check by name: `kubectl get --raw '/readyz/etcd'`; for etcd, check etcd's health "
            f"and latency (`kubectl arch explain etcd` shows how here); otherwise read the API server's log: {where}")


def _endpoint(data: ClusterData, name: str) -> Finding:
    response = data[name]
    text = response.text if response.text is not None else (response.data if isinstance(response.data, str) else None)
    # A failing health check answers HTTP 500 with the same verbose body: that body is the evidence.
    if text is None or response.status not in (200, 500):
        return Finding(META.id, Status.SKIP, data.skip_reason(name) or f"/{name} gave no report", object=name)
    report = parse_health(text)
    evidence: dict[str, Any] = {"http_status": response.status, "checks_passed": len(report.passed)}
    if report.failed:
        evidence["failed"] = report.failed
        names = ", ".join(f"{check} ({reason})" for check, reason in report.failed.items())
        return Finding(META.id, Status.FAIL, f"/{name} fails: {names}", evidence=evidence, object=name)
    if response.status != 200:
        return Finding(META.id, Status.FAIL, f"/{name} answered HTTP {response.status} without naming a failing "
                       "check", evidence=evidence, object=name)
    return Finding(META.id, Status.PASS, f"/{name}: all {len(report.passed)} checks ok", evidence=evidence, object=name)

"""The runner: reads each need once, skips on unreadable data, survives crashing checks, applies config."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.config import AuditConfig, Suppression, parse_config
from kubectl_arch.audit.registry import Check, catalogue, select
from kubectl_arch.audit.runner import EXPIRED_SUPPRESSION, evaluate_checks, exit_code, run_audit, run_check
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource
from kubectl_arch.collect.source import Query, Response, request_key
from kubectl_arch.errors import ExitCode

SampleFactory = Callable[[str], SampleSource]


# The kind-ha sample is the healthy reference: its CoreDNS replicas were spread over two nodes (a fresh kind
# HA cluster starts both on its first control-plane node, which coredns-replicas rightly warns about).
KIND_HA_KNOWN_WARNINGS: dict[str, str] = {}


class CountingSource(SampleSource):
    """A sample that counts the GETs it answers, to prove each need is read once."""

    def __init__(self, source: SampleSource) -> None:
        super().__init__(source.sample)
        self.paths: list[str] = []

    def get(self, path: str, query: Query | None = None) -> Response:
        self.paths.append(request_key(path, query))  # one path read with two selectors is two needs
        return super().get(path, query)


def test_kind_ha_passes_every_check_it_can_read(sample_source: SampleFactory) -> None:
    report = run_audit(sample_source("kind-ha"), select(), AuditConfig())
    statuses = {r.meta.id: r.status for r in report.results}
    problems = {cid: s.value for cid, s in statuses.items() if s in (Status.WARN, Status.FAIL)}
    assert problems == KIND_HA_KNOWN_WARNINGS, [(r.meta.id, [f.message for f in r.findings])
                                                for r in report.results if r.status.rank > 0]
    assert report.cluster.version == "v1.32.2"
    assert exit_code([report], Status.FAIL) == ExitCode.OK


def test_each_need_is_read_once_for_the_whole_catalogue(sample_source: SampleFactory) -> None:
    source = CountingSource(sample_source("kind-ha"))
    run_audit(source, select(), AuditConfig())
    repeated = {p for p in source.paths if source.paths.count(p) > 1 and "proxy" not in p}
    assert not repeated


def test_a_forbidden_need_skips_only_its_checks_with_the_permission(sample_source: SampleFactory) -> None:
    source = sample_source("kind-ha")
    source.sample.store.forbid(lambda path, _query: path.startswith("/apis/coordination.k8s.io/"))
    report = run_audit(source, select(), AuditConfig())
    by_id = {r.meta.id: r for r in report.results}
    leader = by_id["leader-election"]
    assert leader.status is Status.SKIP
    assert "HTTP 403" in leader.findings[0].message and "kubectl arch rbac" in leader.findings[0].message
    assert leader.findings[0].evidence == {"need": "kube-system-leases"}
    assert by_id["node-readiness"].status is Status.PASS


def test_a_crashing_check_becomes_an_error_and_the_rest_still_run(sample_source: SampleFactory) -> None:
    def explode(_data: Any, _thresholds: Mapping[str, Any]) -> list[Finding]:
        raise ZeroDivisionError("division by zero")

    meta = CheckMeta(id="boom", title="t", component="nodes", why="w", fix="f", references=("https://x",),
                     needs=("nodes",))
    broken = Check(meta=meta, evaluate=explode, folder=Path("."))
    data = collect(sample_source("kind-ha"), ["nodes", "nodes-full", "version"])
    findings = run_check(broken, data, {})
    assert [f.status for f in findings] == [Status.ERROR]
    assert "ZeroDivisionError: division by zero" in findings[0].message
    report = evaluate_checks(data, [broken, catalogue()["node-readiness"]], AuditConfig())
    assert [r.status for r in report.results] == [Status.ERROR, Status.PASS]
    # An error counts as a failure for --fail-on, even --fail-on fail.
    assert exit_code([report], Status.FAIL) == ExitCode.FINDINGS


def test_thresholds_from_config_change_the_outcome(sample_source: SampleFactory) -> None:
    checks = select(["apiserver-overload"])
    config = parse_config({"thresholds": {"apiserver-overload": {"warn_ratio": 0}}}, catalogue())
    report = run_audit(sample_source("kind-ha"), checks, config)
    assert report.results[0].status is Status.WARN
    assert exit_code([report], Status.WARN) == ExitCode.FINDINGS
    assert exit_code([report], Status.FAIL) == ExitCode.OK


def test_disabled_checks_are_not_run_nor_read(sample_source: SampleFactory) -> None:
    source = CountingSource(sample_source("kind-ha"))
    config = parse_config({"disabled": ["apiserver-overload"]}, catalogue())
    report = run_audit(source, select(["apiserver-overload", "node-readiness"]), config)
    assert [r.meta.id for r in report.results] == ["node-readiness"]
    assert "/metrics" not in source.paths


def _warned_report(sample_source: SampleFactory, suppressions: list[Suppression]) -> Any:
    checks = select(["apiserver-overload", "node-readiness"])
    config = AuditConfig(thresholds={"apiserver-overload": {"warn_ratio": 0.0}}, suppressions=tuple(suppressions))
    data = collect(sample_source("kind-ha"), ["apiserver-metrics", "nodes", "version"])
    return evaluate_checks(data, checks, config)


def test_an_active_suppression_silences_matching_findings(sample_source: SampleFactory) -> None:
    suppression = Suppression("apiserver-overload", "known load test", dt.date(2026, 12, 31))
    report = _warned_report(sample_source, [suppression])
    overload = report.results[0]
    assert overload.status is Status.PASS and len(overload.suppressed) == 1
    assert report.summary()["suppressed"] == 1 and report.summary()["warn"] == 0
    assert exit_code([report], Status.FAIL) == ExitCode.OK


def test_a_suppression_for_another_object_does_not_apply(sample_source: SampleFactory) -> None:
    suppression = Suppression("apiserver-overload", "r", dt.date(2026, 12, 31), object="node/x")
    report = _warned_report(sample_source, [suppression])
    assert report.results[0].status is Status.WARN


def test_an_expired_suppression_no_longer_applies_and_is_reported(sample_source: SampleFactory) -> None:
    # The sample was captured on 2026-11-20; a suppression ending the day before has expired.
    report = _warned_report(sample_source, [Suppression("apiserver-overload", "load test", dt.date(2026, 11, 19))])
    assert report.results[0].status is Status.WARN
    expired = report.results[-1]
    assert expired.meta is EXPIRED_SUPPRESSION and expired.status is Status.WARN
    assert "2026-11-19" in expired.findings[0].message and "load test" in expired.findings[0].message


def test_a_suppression_is_valid_through_its_last_day(sample_source: SampleFactory) -> None:
    report = _warned_report(sample_source, [Suppression("apiserver-overload", "load test", dt.date(2026, 11, 20))])
    assert report.results[0].status is Status.PASS
    assert all(r.meta is not EXPIRED_SUPPRESSION for r in report.results)


@pytest.mark.parametrize(("statuses", "expected"), [
    ([Status.PASS, Status.SKIP], Status.SKIP), ([Status.SKIP], Status.SKIP), ([], Status.PASS),
    ([Status.SKIP, Status.WARN, Status.PASS], Status.WARN), ([Status.FAIL, Status.ERROR], Status.ERROR),
])
def test_worst_status_orders_pass_skip_warn_fail_error(statuses: list[Status], expected: Status) -> None:
    """A skipped part keeps the whole from passing: pass < skip < warn < fail < error."""
    from kubectl_arch.audit.runner import worst_status

    assert worst_status(statuses) is expected


# What this area's checks must say about the other bundled samples (built to follow each distribution).
SAMPLE_EXPECTATIONS = {
    "eks": {"control-plane-replicas": "skip", "etcd-member-count": "skip", "control-plane-version-skew": "skip",
            "leader-election": "pass", "node-readiness": "pass", "kubelet-version-skew": "pass",
            "kube-proxy-mode": "pass", "coredns-replicas": "pass"},
    # k3s records each node's arguments in k3s.io/node-args: no --kube-proxy-arg proxy-mode means iptables
    "k3s": {"control-plane-replicas": "fail", "etcd-member-count": "skip", "kube-proxy-mode": "pass",
            "node-readiness": "pass"},
    "cilium-kpr": {"kube-proxy-mode": "pass", "etcd-member-count": "fail", "node-readiness": "pass"},
}


@pytest.mark.parametrize("sample", sorted(SAMPLE_EXPECTATIONS))
def test_other_samples_get_the_status_their_layout_implies(sample: str, sample_source: SampleFactory) -> None:
    report = run_audit(sample_source(sample), select(list(SAMPLE_EXPECTATIONS[sample])), AuditConfig())
    assert {r.meta.id: r.status.value for r in report.results} == SAMPLE_EXPECTATIONS[sample]
    if sample == "eks":
        hidden = next(r for r in report.results if r.meta.id == "control-plane-replicas").findings[0].message
        assert "managed by Amazon Web Services" in hidden
    if sample == "cilium-kpr":
        proxy = next(r for r in report.results if r.meta.id == "kube-proxy-mode").findings[0].message
        assert "Cilium" in proxy
